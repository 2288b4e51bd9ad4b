"""The agent middleware and the LangGraph nodes over a real Redis session store."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage, message_to_dict

from cognee_langchain.middleware import GraphMemoryMiddleware
from cognee_langchain.sessions.redis import RedisSessionStore
from tests.unit.test_middleware import ScriptedToolModel, make_agent
from tests.unit.test_nodes import ScriptedMemory, build_workflow, without_context_ids

pytestmark = pytest.mark.redis


@pytest.fixture
def memory(tmp_path: Path, redis_url: str, redis_prefix: str) -> Iterator[ScriptedMemory]:
    store = RedisSessionStore(redis_url, prefix=redis_prefix)
    with ScriptedMemory(tmp_path, session_store=store) as memory:
        yield memory
    store.close()


async def test_agent_threads_run_concurrently_each_recorded_once(memory: ScriptedMemory) -> None:
    """Sync and async runs of several threads at once: each session holds its thread, once."""
    middleware = GraphMemoryMiddleware(memory)
    agent = make_agent(ScriptedToolModel(), middleware)

    async def conversation(thread: str, sync: bool) -> list[dict[str, object]]:
        config = {"configurable": {"thread_id": thread}}
        state = {}
        for city in ("Oslo", "Rome", "Lima"):
            payload = {"messages": [HumanMessage(f"Weather in {city}?")]}
            if sync:
                state = await asyncio.to_thread(agent.invoke, payload, config)
            else:
                state = await agent.ainvoke(payload, config)
        return [message_to_dict(m) for m in state["messages"]]

    threads = {f"thread-{n}": n % 2 == 0 for n in range(4)}
    results = await asyncio.gather(*(conversation(t, sync) for t, sync in threads.items()))
    for thread, expected in zip(threads, results, strict=True):
        stored = memory.session(thread)
        assert [without_context_ids(m) for m in stored] == expected
        assert [type(m) for m in stored] == [HumanMessage, AIMessage, ToolMessage, AIMessage] * 3


def test_workflow_nodes_record_into_redis(memory: ScriptedMemory) -> None:
    graph = build_workflow(memory)
    config = {"configurable": {"thread_id": "wf"}}
    for text in ("Who leads Acme?", "What does Acme build?"):
        state = graph.invoke({"messages": [HumanMessage(text)]}, config)
    assert [m.id for m in memory.session("wf")] == [m.id for m in state["messages"]]
    assert memory.session("wf")[-1].response_metadata["context_ids"] == ["fact-1", "chunk-7"]
