"""The memory tool over a real ``GraphMemory`` (offline extractor and embeddings, SQLite graph
store in ``tmp_path``, the session cache on SQLite or Redis): called directly, and called by an
agent (a real ``ChatOpenAI`` on the scripted OpenAI-compatible server) whose turns the middleware
records and improves into the graph, where the tool then finds them from another thread.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain.agents import create_agent
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langgraph.checkpoint.memory import InMemorySaver

from cognee_langchain.embeddings import WordLlamaEmbeddings
from cognee_langchain.errors import InvalidInputError
from cognee_langchain.memory import GraphMemory
from cognee_langchain.middleware import GraphMemoryMiddleware
from cognee_langchain.services.memory_lines import format_memories
from cognee_langchain.sessions import SessionStore
from cognee_langchain.tools import NO_MEMORIES, create_memory_tool
from tests.support.llm_server import Reply, ScriptedLLMServer, chunk_text_of

FACTS = (
    "Acme Corp builds reusable rockets in Denver. Alice Johnson leads Acme Corp. "
    "Bob Smith joined Acme Corp as chief engineer."
)
RESEARCH = "Zeta Labs studies ion engines in Lisbon. Carol White leads Zeta Labs."


def tool_call(query: str, call_id: str = "call-1") -> dict[str, Any]:
    return {"type": "tool_call", "name": "search_memory", "args": {"query": query}, "id": call_id}


def search_then_answer(request: dict[str, Any]) -> Reply:
    """A tool-using model: for a new question it calls ``search_memory`` with the question; once
    the tool answered, it answers with the tool's first memory line."""
    last = (request.get("messages") or [{}])[-1]
    if last.get("role") == "tool":
        first = str(last.get("content") or "").split("\n", 1)[0]
        return Reply.text(f"From memory: {first.removeprefix('- ')}")
    return Reply.data({"query": chunk_text_of(request)})


@pytest.fixture
def memory(tmp_path: Path, embeddings: WordLlamaEmbeddings) -> Iterator[GraphMemory]:
    with GraphMemory(tmp_path, embeddings=embeddings) as memory:
        memory.remember(FACTS)
        memory.remember(RESEARCH, dataset="research")
        yield memory


# -- the tool on its own ---------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_tool_returns_what_search_finds(memory: GraphMemory, mode: str) -> None:
    tool = memory.as_tool(top_k=3)
    query = "Who leads Acme Corp?"
    expected = await memory.asearch(query, top_k=3)

    if mode == "sync":
        message = tool.invoke(tool_call(query))
    else:
        message = await tool.ainvoke(tool_call(query))

    assert isinstance(message, ToolMessage) and message.tool_call_id == "call-1"
    assert message.content == format_memories(expected)
    assert "Alice Johnson leads Acme Corp." in message.content
    assert message.artifact == expected
    assert {d.metadata["dataset"] for d in expected} <= {"main_dataset", "research"}


def test_tool_keeps_to_its_datasets_and_budget(memory: GraphMemory) -> None:
    research = create_memory_tool(memory, datasets="research")
    message = research.invoke(tool_call("Who leads Acme Corp?"))
    assert message.artifact and {d.metadata["dataset"] for d in message.artifact} == {"research"}
    assert "Acme" not in message.content

    found = research.invoke(tool_call("Who leads Zeta Labs?"))
    assert "Carol White leads Zeta Labs." in found.content

    small = create_memory_tool(memory, max_tokens=10)
    clipped = small.invoke(tool_call("Who leads Acme Corp?"))
    assert 0 < len(clipped.content) <= 40 and len(clipped.artifact) == 1


def test_tool_on_an_empty_memory_and_bad_input(
    tmp_path: Path, embeddings: WordLlamaEmbeddings
) -> None:
    with GraphMemory(tmp_path, embeddings=embeddings) as memory:
        tool = memory.as_tool()
        message = tool.invoke(tool_call("Who leads Acme Corp?"))
        assert message.content == NO_MEMORIES and message.artifact == []
        with pytest.raises(InvalidInputError, match="search_memory"):
            tool.invoke(tool_call("   "))


# -- the tool in an agent --------------------------------------------------------------------------
async def test_agent_calls_the_tool_and_its_turns_become_memories(
    session_store: SessionStore, tmp_path: Path, embeddings: WordLlamaEmbeddings
) -> None:
    with (
        GraphMemory(tmp_path, session_store=session_store, embeddings=embeddings) as memory,
        ScriptedLLMServer(search_then_answer) as server,
    ):
        memory.remember(FACTS)
        tool = memory.as_tool()
        middleware = GraphMemoryMiddleware(memory, recall=False, improve_at_end=True)
        agent = create_agent(
            server.chat_model(timeout=5.0),
            tools=[tool],
            middleware=[middleware],
            checkpointer=InMemorySaver(),
        )

        # Thread A: the model searches memory with the tool and answers from its result.
        question = "Who leads Acme Corp?"
        expected = await memory.asearch(question)
        state = await agent.ainvoke(
            {"messages": [HumanMessage(question)]}, {"configurable": {"thread_id": "thread-a"}}
        )
        await middleware.adrain()

        first, second = server.chat_requests
        assert first.body["tools"][0]["function"]["name"] == "search_memory"
        assert json.loads(second.body["messages"][1]["tool_calls"][0]["function"]["arguments"]) == {
            "query": question
        }
        assert second.body["messages"][2] == {
            "role": "tool",
            "content": format_memories(expected),
            "tool_call_id": second.body["messages"][1]["tool_calls"][0]["id"],
        }
        answer = state["messages"][-1].text
        assert answer.startswith("From memory: ") and "Alice Johnson" in answer

        # The whole turn, tool call and result included, is in thread A's session.
        stored = memory.session_store.read(memory.user.id, "thread-a").messages
        assert [type(m) for m in stored] == [HumanMessage, AIMessage, ToolMessage, AIMessage]
        assert [m.id for m in stored] == [m.id for m in state["messages"]]
        assert stored[1].tool_calls[0]["args"] == {"query": question}  # type: ignore[attr-defined]
        assert stored[2].text == format_memories(expected)

        # Thread A, turn 2: a new fact is told; the improve puts it in the graph.
        told = "Remember: Bob Smith moved to Lisbon in 2021."
        await agent.ainvoke(
            {"messages": [HumanMessage(told)]}, {"configurable": {"thread_id": "thread-a"}}
        )
        await middleware.adrain()

        # Thread B: the tool finds what was said in thread A.
        server.reset()
        question = "Where did Bob Smith move in 2021?"
        state = await agent.ainvoke(
            {"messages": [HumanMessage(question)]}, {"configurable": {"thread_id": "thread-b"}}
        )
        await middleware.adrain()

        tool_result = state["messages"][2]
        assert isinstance(tool_result, ToolMessage)
        assert "Bob Smith moved to Lisbon in 2021." in tool_result.text
        found = [d for d in tool_result.artifact if "Lisbon" in d.page_content]
        assert found and found[0].metadata["session_id"] == "thread-a"
        assert server.chat_requests[1].body["messages"][2]["content"] == tool_result.text
        assert len(memory.session_store.read(memory.user.id, "thread-b").messages) == 4
