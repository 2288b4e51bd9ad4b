"""The Redis session store under faults: unconfirmed writes, a restart mid-burst, refused access.

An append that was sent but not confirmed may have been applied: the store raises
``SessionWriteUnknownError`` and a retry with the same ``idempotency_key`` applies it at most
once. The tests provoke that deterministically through a TCP proxy that swallows Redis's replies
(or cuts the connection when one arrives) after forwarding the command, and for real by killing
a ``redis-server`` of their own (AOF on, so what it acknowledged survives) during a burst of
appends and restarting it. Connection refused before anything was sent stays plain
``SessionStoreUnavailableError``; a wrong password or a forbidding ACL says so.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

from cognee_langchain.errors import SessionStoreUnavailableError, SessionWriteUnknownError
from cognee_langchain.sessions import RedisSessionStore
from cognee_langchain.testing.messages import turn

pytestmark = pytest.mark.redis


# -- a proxy that loses replies -----------------------------------------------------------------
class ReplyLosingProxy:
    """Forwards TCP to Redis; ``mode`` decides what happens to the replies coming back.

    ``"pass"`` forwards them, ``"drop"`` swallows them (the client times out), ``"cut"`` closes the
    client's connection when one arrives (the client sees the connection lost). Commands always
    reach Redis, so a write whose reply was lost *was* applied.
    """

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.mode = "pass"
        self._upstream = upstream
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.1)
        self._sockets: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self._server.getsockname()[1]}/0"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client = self._server.accept()[0]
            except TimeoutError:
                continue
            except OSError:
                return
            upstream = socket.create_connection(self._upstream)
            self._sockets += [client, upstream]
            for source, target, replies in ((client, upstream, False), (upstream, client, True)):
                threading.Thread(
                    target=self._pump, args=(source, target, replies), daemon=True
                ).start()

    def _pump(self, source: socket.socket, target: socket.socket, replies: bool) -> None:
        try:
            while data := source.recv(65536):
                if replies and self.mode == "drop":
                    continue
                if replies and self.mode == "cut":
                    break
                target.sendall(data)
        except OSError:
            pass
        for sock in (source, target):
            sock.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self._server.close()
        for sock in self._sockets:
            sock.close()


@pytest.fixture
def proxy(redis_url: str) -> Iterator[ReplyLosingProxy]:
    client = redis.Redis.from_url(redis_url)
    kwargs = client.connection_pool.connection_kwargs
    upstream = (kwargs["host"], kwargs["port"])
    client.close()
    proxy = ReplyLosingProxy(upstream)
    yield proxy
    proxy.close()


@pytest.mark.parametrize("mode", ["drop", "cut"], ids=["reply-timed-out", "connection-lost"])
def test_an_unconfirmed_append_is_unknown_and_its_retry_applies_once(
    proxy: ReplyLosingProxy, redis_prefix: str, mode: str
) -> None:
    store = RedisSessionStore(proxy.url, prefix=redis_prefix, socket_timeout=0.5)
    assert store.append("u", "s", turn("before")) == 2  # connected, script loaded
    proxy.mode = mode
    with pytest.raises(SessionWriteUnknownError) as raised:
        store.append("u", "s", turn("lost"), idempotency_key="lost")
    message = str(raised.value)
    assert "may or may not have been applied" in message
    assert "same idempotency_key" in message
    assert isinstance(raised.value, SessionStoreUnavailableError)  # existing handlers still catch
    proxy.mode = "pass"
    # It was applied; the retry says what the first attempt would have, and writes nothing.
    assert store.append("u", "s", turn("lost"), idempotency_key="lost") == 4
    assert store.read("u", "s").messages == turn("before") + turn("lost")
    store.close()


async def test_an_unconfirmed_async_append_is_unknown_and_its_retry_applies_once(
    proxy: ReplyLosingProxy, redis_prefix: str
) -> None:
    store = RedisSessionStore(proxy.url, prefix=redis_prefix, socket_timeout=0.5)
    assert await store.aappend("u", "s", turn("before")) == 2
    proxy.mode = "drop"
    with pytest.raises(SessionWriteUnknownError, match="may or may not have been applied"):
        await store.aappend("u", "s", turn("lost"), idempotency_key="lost")
    proxy.mode = "pass"
    assert await store.aappend("u", "s", turn("lost"), idempotency_key="lost") == 4
    assert (await store.aread("u", "s")).messages == turn("before") + turn("lost")
    await store.aclose()


def test_a_timed_out_read_is_plainly_unavailable(
    proxy: ReplyLosingProxy, redis_prefix: str
) -> None:
    store = RedisSessionStore(proxy.url, prefix=redis_prefix, socket_timeout=0.3)
    store.append("u", "s", turn("a"))
    proxy.mode = "drop"
    with pytest.raises(SessionStoreUnavailableError, match="Timeout") as raised:
        store.read("u", "s")
    assert not isinstance(raised.value, SessionWriteUnknownError)  # a read changes nothing
    store.close()


# -- a redis-server of our own ------------------------------------------------------------------
class OwnRedis:
    """A ``redis-server`` on a free port, with an append-only file in ``directory``."""

    def __init__(self, directory: Path, *options: str) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._directory = directory
        self._options = options
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        command += ["--appendonly", "yes", "--dir", str(self._directory), *self._options]
        log = (self._directory / "redis.log").open("ab")
        self._process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                    sock.sendall(b"PING\r\n")
                    reply = sock.recv(64)
                if reply.startswith((b"+PONG", b"-NOAUTH")):
                    return
            except OSError:
                pass
            if self._process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start: see {self._directory}")
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: no shutdown, no final save; only what reached the append-only file survives."""
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[OwnRedis]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = OwnRedis(tmp_path, "--enable-debug-command", "yes")
    server.start()
    yield server
    server.kill()


def test_an_append_to_a_stopped_server_is_plainly_unavailable(own_redis: OwnRedis) -> None:
    store = RedisSessionStore(own_redis.url, socket_connect_timeout=1)
    store.append("u", "s", turn("a"))
    own_redis.kill()
    # The pooled connection is found dead and reconnecting is refused: nothing was sent.
    with pytest.raises(SessionStoreUnavailableError) as raised:
        store.append("u", "s", turn("b"), idempotency_key="b")
    assert not isinstance(raised.value, SessionWriteUnknownError)
    store.close()


_WRITERS, _TURNS = 8, 150


def _labelled_turn(label: str) -> list[BaseMessage]:
    return [HumanMessage(f"{label} question"), AIMessage(f"{label} answer")]


def test_a_stall_and_a_restart_mid_burst_store_every_turn_exactly_once_and_adjacent(
    own_redis: OwnRedis,
) -> None:
    store = RedisSessionStore(own_redis.url, socket_timeout=0.25, socket_connect_timeout=0.25)
    assert store.append("u", "s", turn("before"), idempotency_key="before") == 2
    start = threading.Barrier(_WRITERS + 1)
    failures: list[str] = []
    errors: list[BaseException] = []

    def writer(w: int) -> None:
        try:
            start.wait()
            for t in range(_TURNS):
                label = f"{w}/{t}"
                deadline = time.monotonic() + 30
                while True:  # retry this turn, with its key, until the store confirms it
                    try:
                        store.append("u", "s", _labelled_turn(label), idempotency_key=label)
                        break
                    except SessionWriteUnknownError:
                        failures.append("unknown")
                    except SessionStoreUnavailableError:
                        failures.append("unavailable")
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"turn {label} never got through")
                    time.sleep(0.02)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(_WRITERS)]
    for thread in threads:
        thread.start()
    start.wait()
    time.sleep(0.05)  # mid-burst, the server stalls (a slow disk, a fork) past socket_timeout:
    admin = redis.Redis(port=own_redis.port)
    admin.execute_command("DEBUG", "SLEEP", "0.6")
    admin.close()
    # ... the writers timed out, yet it now applies the appends they sent; a retry without the
    # key would store those twice. Then, still mid-burst, it dies and comes back.
    time.sleep(0.1)
    own_redis.kill()
    time.sleep(0.3)
    own_redis.start()  # same port, same append-only file
    for thread in threads:
        thread.join()
    assert errors == []
    assert failures, "the burst ended before the kill: nothing was exercised"

    messages = store.read("u", "s").messages
    store.close()
    assert messages[:2] == turn("before")
    labels = []
    for question, answer in zip(messages[2::2], messages[3::2], strict=True):
        label = str(question.content).removesuffix(" question")
        assert answer.content == f"{label} answer"  # each turn's two messages adjacent
        labels.append(label)
    assert sorted(labels) == sorted(f"{w}/{t}" for w in range(_WRITERS) for t in range(_TURNS))
    for w in range(_WRITERS):  # and each writer's turns in its order
        mine = [label for label in labels if label.startswith(f"{w}/")]
        assert mine == [f"{w}/{t}" for t in range(_TURNS)]


# -- refused access -----------------------------------------------------------------------------
@pytest.fixture
def locked_redis(tmp_path: Path) -> Iterator[OwnRedis]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = OwnRedis(tmp_path, "--requirepass", "right-password")
    server.start()
    admin = redis.Redis(port=server.port, password="right-password")
    admin.execute_command("ACL", "SETUSER", "noscripts", "on", ">pw", "~*", "+@all", "-@scripting")
    admin.close()
    yield server
    server.kill()


@pytest.mark.parametrize(
    "credentials", ["", ":wrong-password@", "nobody:wrong-password@"], ids=["none", "wrong", "user"]
)
def test_a_refused_password_says_to_check_the_password(
    locked_redis: OwnRedis, credentials: str
) -> None:
    store = RedisSessionStore(f"redis://{credentials}127.0.0.1:{locked_redis.port}/0")
    for call in (lambda: store.append("u", "s", turn("a")), lambda: store.read("u", "s")):
        with pytest.raises(SessionStoreUnavailableError, match="password") as raised:
            call()
        message = str(raised.value)
        assert "ACL" in message
        assert "socket_timeout" not in message
        assert "wrong-password" not in message
        assert not isinstance(raised.value, SessionWriteUnknownError)
    store.close()


async def test_an_acl_that_forbids_scripts_says_so(locked_redis: OwnRedis) -> None:
    store = RedisSessionStore(f"redis://noscripts:pw@127.0.0.1:{locked_redis.port}/0")
    with pytest.raises(SessionStoreUnavailableError, match=r"NoPermissionError.*ACL"):
        store.append("u", "s", turn("a"))
    with pytest.raises(SessionStoreUnavailableError, match=r"NoPermissionError.*ACL"):
        await store.aread("u", "s")
    await store.aclose()
