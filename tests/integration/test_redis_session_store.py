"""What only the Redis session store does: key layout, hash tags, Lua scripts, clients, errors.

The behaviour every store shares is the conformance suite in ``test_session_stores.py``. Keys live
under a prefix unique to each test (the ``redis_prefix`` fixture deletes them); tests that need a
server are skipped, with the reason, when Redis is unreachable.
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
    assert len(keys) == 3 * 4 + 1  # msgs, meta, wm, idem per session + the index
    tag = f"{redis_prefix}:{{u:{encode_id('user:1')}}}:"
    assert all(key.startswith(tag.encode()) for key in keys)
    assert len({key_slot(key) for key in keys}) == 1
    # The documented layout: P:{u:U}:sessions and P:{u:U}:s:S:(msgs|meta|wm|idem).
    expected = {f"{tag}sessions"} | {
        f"{tag}s:{encode_id(session)}:{kind}"
        for session in ("a", "b:c", "{x}")
        for kind in ("msgs", "meta", "wm", "idem")
    }
    assert {key.decode() for key in keys} == expected
    layout = session_keys(redis_prefix, "user:1", "b:c")
    assert layout.all == (
        f"{tag}s:b%3Ac:msgs",
        f"{tag}s:b%3Ac:meta",
        f"{tag}s:b%3Ac:wm",
        f"{tag}sessions",
        f"{tag}s:b%3Ac:idem",
    )


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
        # The latest keys are kept (score: the count their append returned); older ones go.
        assert client.zcard(keys.idempotency) == IDEMPOTENCY_KEYS_KEPT
        assert client.zscore(keys.idempotency, "k0") is None
        assert client.zscore(keys.idempotency, f"k{extra}") == 2 * (extra + 1)
        assert 0 < client.pttl(keys.idempotency) <= 60_000
        store.append("u", "s", turn("plain"))  # an append without a key refreshes it too
        assert client.pttl(keys.idempotency) > 59_000
        store.delete("u", "s")
        assert client.exists(keys.idempotency) == 0
    finally:
        client.close()
        store.close()


def test_redis_index_entry_of_an_expired_session_is_pruned(
    redis_url: str, redis_prefix: str
) -> None:
    store = RedisSessionStore(redis_url, prefix=redis_prefix, ttl=0.3)
    store.append("u", "short", turn("a"))
    client = redis.Redis.from_url(redis_url)
    index = f"{redis_prefix}:{{u:u}}:sessions"
    try:
        # Another session keeps the index alive after "short" expired.
        time.sleep(0.2)
        store.append("u", "kept", turn("b"))
        time.sleep(0.2)
        assert client.zscore(index, "short") is not None
        assert [info.session_id for info in store.list_sessions("u")] == ["kept"]
        assert client.zscore(index, "short") is None
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
