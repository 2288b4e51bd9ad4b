"""GraphMemoryMiddleware in ``create_agent`` over a real ``GraphMemory``: the offline extractor and
embeddings, SQLite graph store in ``tmp_path``, the session cache on SQLite or Redis, and a real
``ChatOpenAI`` on the scripted OpenAI-compatible server that answers from the memories it is shown.

What is remembered is recalled into the model's input, the turn lands in the session named by the
thread, the middleware's own ``improve`` writes it to the graph, and another thread then recalls it.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain.agents import create_agent
from langchain_core.documents import Document
from langchain_core.messages import AIMessage, HumanMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.sqlite import SqliteSaver

from cognee_langchain.core.defaults import SESSIONS_NODE_SET
from cognee_langchain.embeddings import WordLlamaEmbeddings
from cognee_langchain.memory import GraphMemory
from cognee_langchain.middleware import MEMORY_PROMPT, GraphMemoryMiddleware
from cognee_langchain.services.memory_lines import format_memories
from cognee_langchain.sessions import SessionStore
from tests.support.llm_server import Reply, ScriptedLLMServer, chunk_text_of

FACTS = (
    "Acme Corp builds reusable rockets in Denver. Alice Johnson leads Acme Corp. "
    "Bob Smith joined Acme Corp as chief engineer."
)
MAX_CONTEXT_TOKENS = 800
NO_MEMORY = "I don't know."


def answer_from_memory(request: dict[str, Any]) -> Reply:
    """Answer like a model that reads its memories: the line of the ``<memory>`` block in the
    system message sharing the most words with the user's question, else ``NO_MEMORY``."""
    messages = request.get("messages") or []
    system = messages[0].get("content") if messages and messages[0]["role"] == "system" else ""
    block = re.search(r"<memory>\n(.*?)\n</memory>", str(system or ""), re.S)
    lines = re.findall(r"^- \[\w+\] (.*)$", block.group(1), re.M) if block else []
    if not lines:
        return Reply.text(NO_MEMORY)
    question = set(re.findall(r"\w+", chunk_text_of(request).lower()))
    best = max(lines, key=lambda line: len(question & set(re.findall(r"\w+", line.lower()))))
    return Reply.text(f"From memory: {best}")


@pytest.fixture
def memory(
    tmp_path: Path, session_store: SessionStore, embeddings: WordLlamaEmbeddings
) -> Iterator[GraphMemory]:
    with GraphMemory(tmp_path, session_store=session_store, embeddings=embeddings) as memory:
        memory.remember(FACTS)
        yield memory


@pytest.fixture
def server() -> Iterator[ScriptedLLMServer]:
    with ScriptedLLMServer(answer_from_memory) as running:
        yield running


def session(memory: GraphMemory, session_id: str) -> list[Any]:
    return memory.session_store.read(memory.user.id, session_id).messages


def memory_block(documents: list[Document]) -> str:
    """The system message the middleware builds for these recalled documents."""
    return MEMORY_PROMPT.format(memories=format_memories(documents, max_tokens=MAX_CONTEXT_TOKENS))


class Conversation:
    """Runs the agent synchronously or asynchronously and waits for its background improves."""

    def __init__(self, agent: Any, middleware: GraphMemoryMiddleware, mode: str) -> None:
        self.agent, self.middleware, self.mode = agent, middleware, mode

    async def say(self, thread: str, text: str) -> dict[str, Any]:
        payload = {"messages": [HumanMessage(text)]}
        config = {"configurable": {"thread_id": thread}}
        if self.mode == "sync":
            state = await asyncio.to_thread(self.agent.invoke, payload, config)
            await asyncio.to_thread(self.middleware.drain, 30)
        else:
            state = await self.agent.ainvoke(payload, config)
            await self.middleware.adrain()
        return dict(state)


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_recall_record_and_improve_across_two_threads(
    memory: GraphMemory, server: ScriptedLLMServer, mode: str
) -> None:
    middleware = GraphMemoryMiddleware(
        memory, improve_at_end=True, max_context_tokens=MAX_CONTEXT_TOKENS
    )
    agent = create_agent(
        server.chat_model(timeout=5.0), middleware=[middleware], checkpointer=InMemorySaver()
    )
    talk = Conversation(agent, middleware, mode)

    # Thread A, turn 1: the remembered fact is recalled into the model's input.
    question = "Who leads Acme Corp?"
    recalled = await memory.asearch(question)
    state = await talk.say("thread-a", question)

    [request] = server.chat_requests
    assert request.body["messages"] == [
        {"role": "system", "content": memory_block(recalled)},
        {"role": "user", "content": question},
    ]
    assert "Alice Johnson leads Acme Corp." in request.body["messages"][0]["content"]
    answer = state["messages"][-1]
    assert answer.text.startswith("From memory: ") and "Alice Johnson" in answer.text
    # The memories went to the model only: the conversation holds what was said.
    assert [m.text for m in state["messages"]] == [question, answer.text]

    # The Q&A is in thread A's session, ids intact, the answer citing what it was shown.
    stored = session(memory, "thread-a")
    assert [(type(m), m.id, m.text) for m in stored] == [
        (type(m), m.id, m.text) for m in state["messages"]
    ]
    assert stored[1].response_metadata["context_ids"] == [d.metadata["id"] for d in recalled]

    # The middleware's improve wrote the turn to the graph: a search finds it, from thread A.
    found = await memory.asearch("Alice Johnson Acme Corp", top_k=20)
    from_session = [d for d in found if d.metadata.get("session_id") == "thread-a"]
    assert {m for d in from_session for m in d.metadata["message_ids"]} == {m.id for m in stored}
    assert all(SESSIONS_NODE_SET in d.metadata["node_set"] for d in from_session)

    # Thread A, turn 2 (the checkpointer resumes the thread): a new fact is told.
    state = await talk.say("thread-a", "Remember: Bob Smith moved to Lisbon in 2021.")
    assert len(state["messages"]) == 4
    stored = session(memory, "thread-a")
    assert [m.id for m in stored] == [m.id for m in state["messages"]]  # each recorded once

    # Thread B: a new conversation recalls what was said in thread A.
    question = "Where did Bob Smith move in 2021?"
    recalled = await memory.asearch(question)
    lisbon = [d for d in recalled if "Lisbon" in d.page_content]
    assert lisbon and lisbon[0].metadata["session_id"] == "thread-a"
    state = await talk.say("thread-b", question)

    request = server.chat_requests[-1]
    assert request.body["messages"][0] == {"role": "system", "content": memory_block(recalled)}
    assert "Bob Smith moved to Lisbon in 2021." in request.body["messages"][0]["content"]
    assert "Lisbon" in state["messages"][-1].text
    assert [m.text for m in state["messages"]] == [question, state["messages"][-1].text]
    stored_b = session(memory, "thread-b")
    assert [m.id for m in stored_b] == [m.id for m in state["messages"]]
    assert lisbon[0].metadata["id"] in stored_b[1].response_metadata["context_ids"]
    assert len(session(memory, "thread-a")) == 4  # thread B wrote to its own session only

    # Everything recorded is in the graph already: persisting again adds nothing.
    again = await memory.aimprove(session_ids=["thread-a", "thread-b"])
    assert again.messages_persisted == 0 and again.sessions_read == 2


async def test_nothing_remembered_means_nothing_injected(
    tmp_path: Path, embeddings: WordLlamaEmbeddings, server: ScriptedLLMServer
) -> None:
    """With an empty graph the model gets no memory block, and the turn is still recorded."""
    with GraphMemory(tmp_path, embeddings=embeddings) as memory:
        middleware = GraphMemoryMiddleware(memory, session_id="solo")
        agent = create_agent(server.chat_model(timeout=5.0), middleware=[middleware])

        state = await agent.ainvoke({"messages": [HumanMessage("Who leads Acme Corp?")]})

        [request] = server.chat_requests
        assert [m["role"] for m in request.body["messages"]] == ["user"]
        assert state["messages"][-1].text == NO_MEMORY
        stored = session(memory, "solo")
        assert [type(m) for m in stored] == [HumanMessage, AIMessage]
        assert "context_ids" not in stored[1].response_metadata  # it was given no memories


def test_background_improve_with_a_sqlite_checkpointer(
    tmp_path: Path, embeddings: WordLlamaEmbeddings, server: ScriptedLLMServer
) -> None:
    """A sync agent on LangGraph's SQLite checkpointer: the middleware's improve still lands."""
    with (
        GraphMemory(tmp_path / "memory", embeddings=embeddings) as memory,
        SqliteSaver.from_conn_string(str(tmp_path / "checkpoints.sqlite")) as saver,
    ):
        memory.remember(FACTS)
        middleware = GraphMemoryMiddleware(memory, improve_at_end=True)
        agent = create_agent(
            server.chat_model(timeout=5.0), middleware=[middleware], checkpointer=saver
        )
        told = HumanMessage("Remember: Bob Smith moved to Lisbon in 2021.")
        agent.invoke({"messages": [told]}, {"configurable": {"thread_id": "thread-a"}})
        middleware.drain(30)

        found = memory.search("Where did Bob Smith move in 2021?")

    assert any(d.metadata.get("session_id") == "thread-a" for d in found)
