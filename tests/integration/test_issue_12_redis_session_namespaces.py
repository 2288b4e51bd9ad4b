"""Issue 12: Redis sessions of different memories shared one key space (the CLI's ``sessions list``
showed another project's sessions). A store has a ``namespace``; a memory built on a Redis URL
gets one of its own, derived from where its graph lives, unless it is given one to share."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from langchain_core.messages import AIMessage, HumanMessage

from cognee_langchain.core.settings import Settings
from cognee_langchain.memory import GraphMemory
from cognee_langchain.sessions import RedisSessionStore, SessionStore
from cognee_langchain.testing.session_store import SessionStoreConformanceTests

pytestmark = pytest.mark.redis

TURN = [HumanMessage("Who leads Acme?"), AIMessage("Alice.")]


@pytest.fixture
def memories(redis_url: str) -> Iterator[list[GraphMemory]]:
    """Memories the test builds; every key under their namespaces is deleted afterwards."""
    made: list[GraphMemory] = []
    yield made
    client = redis.Redis.from_url(redis_url)
    for memory in made:
        namespace = memory.runtime.session_namespace
        memory.close()
        keys = list(client.scan_iter(match=f"cognee_langchain:{namespace}:*", count=1000))
        if keys:
            client.delete(*keys)
    client.close()


def _memory(memories: list[GraphMemory], data_dir: Path, url: str, **options: Any) -> GraphMemory:
    # Settings() rather than the developer's environment: the test states every option.
    memory = GraphMemory(data_dir, session_store=url, settings=Settings(), **options)
    memories.append(memory)
    return memory


@pytest.mark.redis
class TestNamespacedRedisSessionStore(SessionStoreConformanceTests):
    """The whole store contract holds inside a namespace."""

    @pytest.fixture
    def store(
        self, redis_url: str, redis_prefix: str, store_options: dict[str, Any]
    ) -> Iterator[SessionStore]:
        store = RedisSessionStore(
            redis_url, prefix=redis_prefix, namespace="project_a", **store_options
        )
        yield store
        store.close()


def test_stores_in_different_namespaces_never_see_each_others_sessions(
    redis_url: str, redis_prefix: str
) -> None:
    a = RedisSessionStore(redis_url, prefix=redis_prefix, namespace="project_a")
    b = RedisSessionStore(redis_url, prefix=redis_prefix, namespace="project_b")
    plain = RedisSessionStore(redis_url, prefix=redis_prefix)  # the 0.1 layout: no namespace
    a_again = RedisSessionStore(redis_url, prefix=redis_prefix, namespace="project_a")
    try:
        a.append("alice", "s1", TURN)
        assert b.list_sessions("alice") == [] and plain.list_sessions("alice") == []
        assert b.read("alice", "s1").items == [] and plain.read("alice", "s1").items == []
        b.append("alice", "s1", TURN[:1])
        assert a.read("alice", "s1").end == 2 and b.read("alice", "s1").end == 1
        b.delete("alice", "s1")
        assert [s.session_id for s in a_again.list_sessions("alice")] == ["s1"]
        client = redis.Redis.from_url(redis_url)
        keys = {key.decode() for key in client.scan_iter(match=f"{redis_prefix}:*")}
        client.close()
        assert keys and all(key.startswith(f"{redis_prefix}:project_a:") for key in keys)
    finally:
        for store in (a, b, plain, a_again):
            store.close()


def test_two_memories_on_one_redis_keep_their_sessions_apart(
    redis_url: str, tmp_path: Path, memories: list[GraphMemory]
) -> None:
    first = _memory(memories, tmp_path / "one", redis_url)
    second = _memory(memories, tmp_path / "two", redis_url)
    user = first.user.id
    first.session_store.append(user, "shared_name", TURN)
    assert second.session_store.list_sessions(user) == []
    assert second.session_store.read(user, "shared_name").items == []
    # The same data dir later (another process, the CLI): the same sessions.
    again = _memory(memories, tmp_path / "one", redis_url)
    assert [s.session_id for s in again.session_store.list_sessions(user)] == ["shared_name"]


async def test_memories_share_sessions_only_when_given_one_namespace(
    redis_url: str, tmp_path: Path, memories: list[GraphMemory]
) -> None:
    namespace = f"team_{tmp_path.name}"
    writer = _memory(memories, tmp_path / "one", redis_url, session_namespace=namespace)
    reader = _memory(memories, tmp_path / "two", redis_url, session_namespace=namespace)
    await writer.session_store.aappend(writer.user.id, "s", TURN)
    assert (await reader.session_store.aread(reader.user.id, "s")).end == 2
    await writer.aclose()
    await reader.aclose()


def test_namespace_comes_from_the_environment(
    redis_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, memories: list[GraphMemory]
) -> None:
    monkeypatch.setenv("COGNEE_LANGCHAIN_SESSION_STORE", redis_url)
    monkeypatch.setenv("COGNEE_LANGCHAIN_SESSION_NAMESPACE", f"env_{tmp_path.name}")
    monkeypatch.setenv("COGNEE_LANGCHAIN_SESSION_MAX_MESSAGES", "3")
    memory = GraphMemory(tmp_path)
    memories.append(memory)
    store = memory.session_store
    assert isinstance(store, RedisSessionStore)
    assert (store.namespace, store.max_messages) == (f"env_{tmp_path.name}", 3)
    store.append(memory.user.id, "s", TURN * 3)
    assert store.read(memory.user.id, "s").start == 3  # trimmed to the last 3 of 6
