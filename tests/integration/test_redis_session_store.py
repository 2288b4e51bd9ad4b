"""What only the Redis session store does: key layout, hash tags, Lua scripts, clients, errors.

The behaviour every store shares is the conformance suite in ``test_session_stores.py``. Keys live
under a prefix unique to each test (the ``redis_prefix`` fixture deletes them); tests that need a
server are skipped, with the reason, when Redis is unreachable (and fail when ``CI`` is set).
TTLs are observed on Redis's own clock, with ``PTTL`` and a deadline wait, never a thin sleep.
"""

from __future__ import annotations

import asyncio
import gc
import socket
import threading
import time
import warnings
from collections.abc import Callable, Iterator

import pytest
import redis
import redis.asyncio as aioredis
from redis.cluster import key_slot

from cognee_langchain.errors import (
    InvalidInputError,
    SessionStoreUnavailableError,
    SessionWriteUnknownError,
)
from cognee_langchain.ids import encode_id
from cognee_langchain.sessions import RedisSessionStore
from cognee_langchain.sessions.base import IDEMPOTENCY_KEYS_KEPT
from cognee_langchain.sessions.redis_layout import session_keys
from cognee_langchain.testing.messages import turn


@pytest.fixture
def redis_store(redis_url: str, redis_prefix: str) -> Iterator[RedisSessionStore]:
    store = RedisSessionStore(redis_url, prefix=redis_prefix, ttl=60)
    yield store
    store.close()


def test_redis_keys_of_a_user_share_one_cluster_slot(
    redis_store: RedisSessionStore, redis_url: str, redis_prefix: str
) -> None:
    for session in ("a", "b:c", "{x}"):
        redis_store.append("user:1", session, turn("t"), idempotency_key="k")
        redis_store.advance_watermark("user:1", session, "main", 0, 2)
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{redis_prefix}:*"))
    client.close()
    assert len(keys) == 3 + 2  # one key per session + the index and the remembered counts
    tag = f"{redis_prefix}:{{u:{encode_id('user:1')}}}:"
    assert all(key.startswith(tag.encode()) for key in keys)
    assert len({key_slot(key) for key in keys}) == 1
    # The documented layout: P:{u:U}:sessions, P:{u:U}:counts and P:{u:U}:s:S.
    expected = {f"{tag}sessions", f"{tag}counts"} | {
        f"{tag}s:{encode_id(session)}" for session in ("a", "b:c", "{x}")
    }
    assert {key.decode() for key in keys} == expected
    layout = session_keys(redis_prefix, "user:1", "b:c")
    assert layout.all == (f"{tag}s:b%3Ac", f"{tag}sessions", f"{tag}counts")


def test_redis_keeps_a_session_whole_in_one_key(
    redis_store: RedisSessionStore, redis_url: str, redis_prefix: str
) -> None:
    """Counter, watermarks, idempotency keys and messages: one hash, evicted or expired whole."""
    redis_store.append("u", "s", turn("a"), idempotency_key="k")
    redis_store.advance_watermark("u", "s", "main", 0, 2)
    client = redis.Redis.from_url(redis_url)
    try:
        fields = client.hgetall(session_keys(redis_prefix, "u", "s").session)
    finally:
        client.close()
    assert {name.decode() for name in fields} == {
        "n", "f", "c", "u", "m:0", "m:1", "w", "k:k", "o", "o:1"
    }  # fmt: skip
    assert (fields[b"n"], fields[b"f"], fields[b"k:k"]) == (b"2", b"0", b"2")
    assert fields[b"w"] == b'{"main":2}'


def test_redis_idempotency_keys_are_bounded_and_expire_with_the_session(
    redis_url: str, redis_prefix: str
) -> None:
    store = RedisSessionStore(redis_url, prefix=redis_prefix, ttl=60)
    keys = session_keys(redis_prefix, "u", "s")
    client = redis.Redis.from_url(redis_url)
    try:
        extra = 5
        for i in range(IDEMPOTENCY_KEYS_KEPT + extra):
            store.append("u", "s", turn(str(i)), idempotency_key=f"k{i}")
        # The latest keys are kept (with the count their append returned); older ones go.
        names = [name for name in client.hkeys(keys.session) if name.startswith(b"k:")]
        assert len(names) == IDEMPOTENCY_KEYS_KEPT
        assert client.hget(keys.session, "k:k0") is None
        assert client.hget(keys.session, f"k:k{extra}") == str(2 * (extra + 1)).encode()
        assert store.append("u", "s", turn("0"), idempotency_key="k0") == 2 * (
            IDEMPOTENCY_KEYS_KEPT + extra + 1
        )  # forgotten: applied again
        store.delete("u", "s")
        assert client.exists(keys.session) == 0
        assert client.hget(keys.counts, keys.member) is None  # its count is forgotten too
    finally:
        client.close()
        store.close()


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    """Poll ``condition`` until it holds; fail after ``timeout`` seconds (generous: the wait
    ends as soon as it holds, so only a broken store ever waits that long)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what}: not within {timeout} s"
        time.sleep(0.02)


def test_redis_writes_set_and_refresh_the_ttl_of_every_key(
    redis_url: str, redis_prefix: str
) -> None:
    store = RedisSessionStore(redis_url, prefix=redis_prefix, ttl=60)
    keys = session_keys(redis_prefix, "u", "s")
    client = redis.Redis.from_url(redis_url)
    try:
        store.append("u", "s", turn("a"), idempotency_key="k")
        store.advance_watermark("u", "s", "main", 0, 2)
        ttls = {key: client.pttl(key) for key in keys.all}
        assert all(0 < ttl <= 60_000 for key, ttl in ttls.items() if key != keys.counts), ttls
        assert 60_000 < ttls[keys.counts] <= 120_000  # counts are remembered one ttl longer
        # Shorten them on Redis's clock; each write and each touch sets them back to the ttl.
        for refresh in (
            lambda: store.append("u", "s", turn("b")),
            lambda: store.touch("u", "s"),
        ):
            for key in keys.all:
                client.pexpire(key, 10_000)
            refresh()
            ttls = {key: client.pttl(key) for key in keys.all}
            assert all(10_000 < ttl <= 120_000 for ttl in ttls.values()), ttls
    finally:
        client.close()
        store.close()


def test_redis_session_is_gone_once_its_ttl_passes(redis_url: str, redis_prefix: str) -> None:
    store = RedisSessionStore(redis_url, prefix=redis_prefix, ttl=0.3)
    keys = session_keys(redis_prefix, "u", "s")
    client = redis.Redis.from_url(redis_url)
    try:
        store.append("u", "s", turn("a"), idempotency_key="k")
        store.advance_watermark("u", "s", "main", 0, 2)
        # Redis expires the keys on its own clock: wait for it, however long the machine takes.
        wait_until(lambda: client.exists(*keys.all) == 0, "the session's keys to expire")
        assert store.read("u", "s").items == []
        assert store.list_sessions("u") == []
        assert store.get_watermark("u", "s", "main") == 0
        # A write starts the session afresh once its count is forgotten too (one more ttl):
        # numbering and idempotency keys expired with it.
        assert store.append("u", "s", turn("b"), idempotency_key="k") == 2
        assert store.read("u", "s").messages == turn("b")
    finally:
        client.close()
        store.close()


def test_redis_index_entry_of_an_expired_session_is_pruned(
    redis_url: str, redis_prefix: str
) -> None:
    store = RedisSessionStore(redis_url, prefix=redis_prefix, ttl=60)
    store.append("u", "short", turn("a"))
    store.append("u", "kept", turn("b"))  # keeps the index alive after "short" expired
    client = redis.Redis.from_url(redis_url)
    index = f"{redis_prefix}:{{u:u}}:sessions"
    short = [key for key in session_keys(redis_prefix, "u", "short").all if key != index]
    try:
        for key in short:  # "short" reaches its expiry on Redis's clock, its index entry stays
            client.pexpire(key, 1)
        wait_until(lambda: client.exists(*short) == 0, "the keys of 'short' to expire")
        assert client.zscore(index, "short") is not None
        assert [info.session_id for info in store.list_sessions("u")] == ["kept"]
        assert client.zscore(index, "short") is None
        assert client.zscore(index, "kept") is not None
    finally:
        client.close()
        store.close()


@pytest.mark.parametrize("prefix", ["{tag}", "a}b", "with space", "", "x\n"])
def test_redis_prefix_that_could_break_the_hash_tag_is_refused(prefix: str) -> None:
    with pytest.raises(InvalidInputError):
        RedisSessionStore(prefix=prefix)


def test_redis_client_decoding_responses_is_refused(redis_url: str) -> None:
    with pytest.raises(InvalidInputError, match="decode_responses"):
        RedisSessionStore(client=redis.Redis.from_url(redis_url, decode_responses=True))


def test_redis_store_with_given_clients(redis_url: str, redis_prefix: str) -> None:
    client = redis.Redis.from_url(redis_url)
    store = RedisSessionStore(client=client, prefix=redis_prefix)
    assert store.url == "redis://127.0.0.1:6379/0"
    store.append("u", "s", turn("a"))
    assert store.read("u", "s").messages == turn("a")
    with pytest.raises(InvalidInputError, match="async_client="):
        asyncio.run(store.aread("u", "s"))
    store.close()
    assert client.ping()  # a client passed in stays open: it belongs to the caller
    client.close()


async def test_redis_store_with_only_an_async_client(redis_url: str, redis_prefix: str) -> None:
    client = aioredis.Redis.from_url(redis_url)
    store = RedisSessionStore(async_client=client, prefix=redis_prefix)
    assert store.url == "redis://127.0.0.1:6379/0"
    await store.aappend("u", "s", turn("a"))
    assert (await store.aread("u", "s")).messages == turn("a")
    with pytest.raises(InvalidInputError, match="client= or url="):
        store.read("u", "s")
    await store.aclose()
    assert await client.ping()  # a client passed in stays open: it belongs to the caller
    await client.aclose()


def test_redis_sync_methods_take_the_native_path_not_the_bridge(
    redis_store: RedisSessionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The sync client is faster than the base class's bridge to the async methods.
    def no_bridge(coro: object) -> None:
        raise AssertionError("a sync method went through run_sync")

    monkeypatch.setattr("cognee_langchain.sessions.base.run_sync", no_bridge)
    redis_store.append("u", "s", turn("a"))
    redis_store.touch("u", "s")
    assert redis_store.read("u", "s").messages == turn("a")
    assert [info.session_id for info in redis_store.list_sessions("u")] == ["s"]
    assert redis_store.advance_watermark("u", "s", "main", 0, 2)
    assert redis_store.get_watermark("u", "s", "main") == 2
    redis_store.delete("u", "s")
    redis_store.close()


@pytest.mark.parametrize("name", ["socket_timeout", "socket_connect_timeout"])
@pytest.mark.parametrize("value", [0, -1, True, "5", float("nan")], ids=str)
def test_redis_bad_timeouts_are_refused(name: str, value: object) -> None:
    with pytest.raises(InvalidInputError, match=f"{name} must be a number > 0"):
        RedisSessionStore(**{name: value})  # type: ignore[arg-type]


def test_redis_async_methods_work_across_event_loops(redis_store: RedisSessionStore) -> None:
    # redis.asyncio clients are bound to one loop: the store keeps one client per loop.
    with warnings.catch_warnings():
        # asyncio.run closes each loop before its connections can be closed on it; their
        # clients warn when collected. Collect them here, inside this filter.
        warnings.simplefilter("ignore", ResourceWarning)
        asyncio.run(redis_store.aappend("u", "s", turn("a")))
        asyncio.run(redis_store.aappend("u", "s", turn("b")))
        messages = asyncio.run(redis_store.aread("u", "s")).messages
        redis_store.close()
        gc.collect()
    assert messages == turn("a") + turn("b")


UNREACHABLE = "redis://someone:s3cret@127.0.0.1:1/0"
SYNC_CALLS: dict[str, Callable[[RedisSessionStore], object]] = {
    "append": lambda s: s.append("u", "s", turn("x")),
    "read": lambda s: s.read("u", "s"),
    "list_sessions": lambda s: s.list_sessions("u"),
    "delete": lambda s: s.delete("u", "s"),
    "touch": lambda s: s.touch("u", "s"),
    "get_watermark": lambda s: s.get_watermark("u", "s", "main"),
    "advance_watermark": lambda s: s.advance_watermark("u", "s", "main", 0, 1),
}


@pytest.mark.parametrize("call", list(SYNC_CALLS))
def test_redis_unreachable_raises_our_error_without_the_password(call: str) -> None:
    store = RedisSessionStore(UNREACHABLE, ttl=10, socket_connect_timeout=1)
    with pytest.raises(SessionStoreUnavailableError) as raised:
        SYNC_CALLS[call](store)
    assert "127.0.0.1:1" in str(raised.value)
    assert "s3cret" not in str(raised.value)
    # Refused while connecting: nothing was sent, so even an append is known not applied.
    assert not isinstance(raised.value, SessionWriteUnknownError)


async def test_redis_unreachable_raises_our_error_from_async_methods() -> None:
    store = RedisSessionStore(UNREACHABLE, ttl=10, socket_connect_timeout=1)
    for call in (
        store.aappend("u", "s", turn("x")),
        store.aread("u", "s"),
        store.alist_sessions("u"),
        store.adelete("u", "s"),
        store.atouch("u", "s"),
        store.aget_watermark("u", "s", "main"),
        store.aadvance_watermark("u", "s", "main", 0, 1),
    ):
        with pytest.raises(
            SessionStoreUnavailableError, match=r"someone:\*\*\*@127\.0\.0\.1:1"
        ) as raised:
            await call
        assert not isinstance(raised.value, SessionWriteUnknownError)


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A loopback server that accepts connections and never answers (a hung Redis)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    server.close()


def test_redis_timeout_raises_our_error(silent_server: str) -> None:
    store = RedisSessionStore(silent_server, socket_timeout=0.3)
    with pytest.raises(SessionStoreUnavailableError, match="Timeout") as raised:
        store.append("u", "s", turn("x"))
    # The connection handshake timed out: the append itself was never sent.
    assert not isinstance(raised.value, SessionWriteUnknownError)
    store.close()
