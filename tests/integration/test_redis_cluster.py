"""Issue 13, "Redis Cluster, for real": the Redis session store on a real 3-master Redis Cluster.

The cluster is started once per test session on free loopback ports
(:mod:`tests.support.redis_cluster`) and shut down at its end; where ``redis-server`` is missing or
the cluster cannot start, every test here is skipped with the reason (marker ``redis_cluster``,
not ``redis``: these tests need no outside server). Keys live under a prefix unique to each test,
deleted afterwards from every primary.

What was broken: ``RedisSessionStore(client=RedisCluster(...))`` failed at construction
(``AttributeError: ... 'connection_pool'``), and a node's plain URL failed 13 of 20 users' appends
with a raw ``MovedError``.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from redis.asyncio.cluster import RedisCluster as AsyncRedisCluster
from redis.cluster import RedisCluster, key_slot

from cognee_langchain.core.settings import Settings
from cognee_langchain.embeddings import WordLlamaEmbeddings
from cognee_langchain.errors import (
    InvalidInputError,
    SessionStoreRefusedError,
    SessionStoreUnavailableError,
)
from cognee_langchain.memory import GraphMemory
from cognee_langchain.sessions import RedisSessionStore, SessionStore
from cognee_langchain.sessions.redis_layout import session_keys
from cognee_langchain.testing import SessionStoreConformanceTests
from cognee_langchain.testing.messages import turn
from cognee_langchain.users import get_default_user
from tests.support.redis_cluster import RedisClusterNodes, start_cluster

pytestmark = pytest.mark.redis_cluster

USERS = 20


@pytest.fixture(scope="session")
def redis_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisClusterNodes]:
    """A running 3-master cluster for the whole session (skipped, with why, when it cannot)."""
    nodes = start_cluster(tmp_path_factory.mktemp("redis-cluster"))
    if isinstance(nodes, str):
        pytest.skip(nodes)
    yield nodes
    nodes.shutdown()


def _delete_under(nodes: RedisClusterNodes, match: str) -> None:
    client = RedisCluster(host="127.0.0.1", port=nodes.ports[0])
    try:
        for key in client.scan_iter(match=match, count=1000):  # scans every primary
            client.delete(key)
    finally:
        client.close()


@pytest.fixture
def cluster_prefix(redis_cluster: RedisClusterNodes) -> Iterator[str]:
    """A key prefix unique to this test; every key under it is deleted afterwards."""
    prefix = f"cl_test_{uuid.uuid4().hex[:12]}"
    yield prefix
    _delete_under(redis_cluster, f"{prefix}:*")


class TestRedisClusterSessionStoreFromURL(SessionStoreConformanceTests):
    """The whole contract, through the clients the store builds from ``redis+cluster://``."""

    @pytest.fixture
    def store(
        self, redis_cluster: RedisClusterNodes, cluster_prefix: str, store_options: dict[str, Any]
    ) -> Iterator[SessionStore]:
        store = RedisSessionStore(redis_cluster.url, prefix=cluster_prefix, **store_options)
        assert store.cluster
        yield store
        store.close()


class TestRedisClusterSessionStoreWithClients(SessionStoreConformanceTests):
    """The whole contract, through a caller's ``RedisCluster`` and async ``RedisCluster``."""

    @pytest.fixture
    async def store(
        self, redis_cluster: RedisClusterNodes, cluster_prefix: str, store_options: dict[str, Any]
    ) -> AsyncIterator[SessionStore]:
        # Async, so that the async client is built, used and closed on the test's event loop.
        client = RedisCluster(host="127.0.0.1", port=redis_cluster.ports[0])
        async_client = AsyncRedisCluster(host="127.0.0.1", port=redis_cluster.ports[0])
        store = RedisSessionStore(
            client=client, async_client=async_client, prefix=cluster_prefix, **store_options
        )
        assert store.cluster and store.url == f"redis+cluster://127.0.0.1:{redis_cluster.ports[0]}"
        yield store
        await store.aclose()
        client.close()
        # A test that drove it from the suite's own runner loop left connections on that loop,
        # closed by now: they can be closed on no loop, only dropped.
        with contextlib.suppress(RuntimeError):
            await async_client.aclose()


def _owners(nodes: RedisClusterNodes, prefix: str) -> set[str]:
    """The primaries holding the 20 users' session keys: the test must span several."""
    client = RedisCluster(host="127.0.0.1", port=nodes.ports[0])
    try:
        return {
            client.get_node_from_key(session_keys(prefix, f"user{i}", "s").session).name
            for i in range(USERS)
        }
    finally:
        client.close()


def test_twenty_users_appends_all_land_none_raises_moved(
    redis_cluster: RedisClusterNodes, cluster_prefix: str
) -> None:
    """The reported bug: 13 of 20 users' appends failed with a raw ``MovedError``."""
    assert len(_owners(redis_cluster, cluster_prefix)) == 3  # users on every master
    store = RedisSessionStore(redis_cluster.url, prefix=cluster_prefix)
    try:
        for round_ in range(3):
            for i in range(USERS):
                assert store.append(f"user{i}", "s", turn(f"{i}.{round_}")) == 2 * (round_ + 1)
        for i in range(USERS):
            expected = [m for r in range(3) for m in turn(f"{i}.{r}")]
            assert store.read(f"user{i}", "s").messages == expected
            assert [info.message_count for info in store.list_sessions(f"user{i}")] == [6]
    finally:
        store.close()


async def test_twenty_users_async_appends_all_land_concurrently(
    redis_cluster: RedisClusterNodes, cluster_prefix: str
) -> None:
    store = RedisSessionStore(redis_cluster.url, prefix=cluster_prefix)
    try:
        counts = await asyncio.gather(
            *(store.aappend(f"user{i}", "s", turn(str(i))) for i in range(USERS))
        )
        assert counts == [2] * USERS
        for i in range(USERS):
            assert (await store.aread(f"user{i}", "s")).messages == turn(str(i))
    finally:
        await store.aclose()


def test_every_key_of_a_user_is_in_one_slot_on_the_cluster(
    redis_cluster: RedisClusterNodes, cluster_prefix: str
) -> None:
    store = RedisSessionStore(redis_cluster.url, prefix=cluster_prefix, namespace="ns")
    client = RedisCluster(host="127.0.0.1", port=redis_cluster.ports[0])
    try:
        for session in ("a", "b:c", "{x}"):
            store.append("user:1", session, turn("t"), idempotency_key="k")
            store.advance_watermark("user:1", session, "main", 0, 2)
        keys = list(client.scan_iter(match=f"{cluster_prefix}:*"))
        assert len(keys) == 3 + 2  # one per session, the index and the remembered counts
        assert len({key_slot(key) for key in keys}) == 1
        store.delete("user:1", "a")
        assert len(list(client.scan_iter(match=f"{cluster_prefix}:*"))) == 4
    finally:
        client.close()
        store.close()


def test_a_plain_url_of_a_cluster_node_is_refused_naming_the_cluster_url(
    redis_cluster: RedisClusterNodes, cluster_prefix: str
) -> None:
    store = RedisSessionStore(redis_cluster.node_url, prefix=cluster_prefix)
    try:
        refused = 0
        for i in range(USERS):
            try:
                store.append(f"user{i}", "s", turn("x"))
            except SessionStoreRefusedError as exc:
                refused += 1
                assert exc.reason == "cluster_node" and "redis+cluster://" in str(exc)
                assert isinstance(exc.__cause__, redis.exceptions.MovedError)
        assert 0 < refused < USERS  # the node's own slots work, every other is refused
    finally:
        store.close()


def test_a_cluster_url_of_a_server_without_cluster_mode_is_refused(redis_url: str) -> None:
    host_port = redis_url.split("://", 1)[1].rsplit("/", 1)[0]
    store = RedisSessionStore(f"redis+cluster://{host_port}")
    with pytest.raises(SessionStoreRefusedError, match="redis://") as raised:
        store.read("u", "s")
    assert raised.value.reason == "not_a_cluster"
    store.close()


async def test_an_unreachable_cluster_raises_our_error_not_redis_pys() -> None:
    store = RedisSessionStore(
        "redis+cluster://someone:s3cret@127.0.0.1:1", socket_connect_timeout=1
    )
    for call in (lambda: store.append("u", "s", turn("x")), lambda: store.read("u", "s")):
        with pytest.raises(SessionStoreUnavailableError, match=r"127\.0\.0\.1:1") as raised:
            call()
        assert "s3cret" not in str(raised.value)
    with pytest.raises(SessionStoreUnavailableError):
        await store.aappend("u", "s", turn("x"))
    await store.aclose()


def test_a_cluster_url_with_a_db_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="only db 0"):
        RedisSessionStore("redis+cluster://127.0.0.1:7000/2")


async def test_graph_memory_recall_then_improve_on_the_cluster(
    redis_cluster: RedisClusterNodes, tmp_path: Path
) -> None:
    memory = GraphMemory(
        tmp_path,
        session_store=redis_cluster.url,
        settings=Settings(),
        embeddings=WordLlamaEmbeddings(),
    )
    namespace = memory.runtime.session_namespace
    try:
        await memory.aremember("Acme Corp builds rockets in Denver. Alice Johnson leads Acme Corp.")
        await memory.arecall("Who leads Acme Corp?", session_id="chat")
        user = await get_default_user()
        store = memory.runtime.session_store
        assert isinstance(store, RedisSessionStore) and store.cluster
        assert (await store.aread(user.id, "chat")).end == 2
        result = await memory.aimprove(session_ids=["chat"])
        assert result.entries_persisted == 1
        again = await memory.aimprove(session_ids=["chat"])
        assert again.entries_persisted == 0  # the watermark, on the cluster, moved past it
    finally:
        await memory.aclose()
        _delete_under(redis_cluster, f"cognee_langchain:{namespace}:*")
