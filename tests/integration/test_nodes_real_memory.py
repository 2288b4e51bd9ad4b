"""The LangGraph recall and persist nodes over a real ``GraphMemory``: offline extractor and
embeddings, SQLite graph store in ``tmp_path``, the session cache on SQLite or Redis, and a
LangGraph SQLite checkpointer.

A recall -> answer -> persist graph: what is remembered reaches the model's prompt, each turn lands
in the session named by the thread, the persist node's ``improve`` writes it to the graph, and a
second thread recalls it. Reopening the memory and the checkpointer continues a thread without
recording anything twice.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_core.documents import Document
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import RunnableLambda
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from langgraph.graph import END, START, StateGraph
from pydantic import Field

from cognee_langchain.core.defaults import SESSIONS_NODE_SET
from cognee_langchain.embeddings import WordLlamaEmbeddings
from cognee_langchain.memory import GraphMemory
from cognee_langchain.nodes import MemoryState, make_persist_node, make_recall_node
from cognee_langchain.services.memory_lines import format_memories
from cognee_langchain.sessions import SessionStore

FACTS = (
    "Acme Corp builds reusable rockets in Denver. Alice Johnson leads Acme Corp. "
    "Bob Smith joined Acme Corp as chief engineer."
)
PROMPT = "Memories:\n{memories}"


class MemoryReader(BaseChatModel):
    """A chat model that answers with the memory line of its system prompt sharing the most words
    with the question ("I don't know." without memories). Records what every call was shown."""

    calls: list[list[BaseMessage]] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "memory-reader"

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: Any = None,
        **kwargs: Any,
    ) -> ChatResult:
        self.calls.append(list(messages))
        system = messages[0].text if isinstance(messages[0], SystemMessage) else ""
        lines = re.findall(r"^- \[\w+\] (.*)$", system, re.M)
        question = set(re.findall(r"\w+", messages[-1].text.lower()))
        best = max(
            lines,
            key=lambda line: len(question & set(re.findall(r"\w+", line.lower()))),
            default=None,
        )
        reply = AIMessage(f"From memory: {best}" if best else "I don't know.")
        return ChatResult(generations=[ChatGeneration(message=reply)])


def build_graph(memory: GraphMemory, model: MemoryReader, checkpointer: Any) -> Any:
    """recall -> answer (the model, prompted with the recalled memories) -> persist (deferred)."""

    def prompt(state: MemoryState) -> list[BaseMessage]:
        documents = state.get("memory_context") or []
        assert isinstance(documents, list)
        system = SystemMessage(PROMPT.format(memories=format_memories(documents)))
        return [system, *state["messages"]]

    def answer(state: MemoryState) -> dict[str, Any]:
        return {"messages": [model.invoke(prompt(state))]}

    async def aanswer(state: MemoryState) -> dict[str, Any]:
        return {"messages": [await model.ainvoke(prompt(state))]}

    builder = StateGraph(MemoryState)
    builder.add_node(make_recall_node(memory))
    builder.add_node("answer", RunnableLambda(answer, afunc=aanswer))
    builder.add_node(make_persist_node(memory), defer=True)
    builder.add_edge(START, "recall_memory")
    builder.add_edge("recall_memory", "answer")
    builder.add_edge("answer", "persist_memory")
    builder.add_edge("persist_memory", END)
    return builder.compile(checkpointer=checkpointer)


@pytest.fixture
def memory(
    tmp_path: Path, session_store: SessionStore, embeddings: WordLlamaEmbeddings
) -> Iterator[GraphMemory]:
    with GraphMemory(tmp_path, session_store=session_store, embeddings=embeddings) as memory:
        memory.remember(FACTS)
        yield memory


def session(memory: GraphMemory, session_id: str) -> list[BaseMessage]:
    return memory.session_store.read(memory.user.id, session_id).messages


def ids(documents: list[Document]) -> list[str]:
    return [str(d.metadata["id"]) for d in documents]


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_recall_answer_persist_across_two_threads(
    memory: GraphMemory, tmp_path: Path, mode: str
) -> None:
    model = MemoryReader()
    checkpoints = str(tmp_path / "checkpoints.sqlite")

    async def turn(graph: Any, thread: str, text: str) -> dict[str, Any]:
        payload = {"messages": [HumanMessage(text)]}
        config = {"configurable": {"thread_id": thread}}
        if mode == "sync":
            return dict(await asyncio.to_thread(graph.invoke, payload, config))
        return dict(await graph.ainvoke(payload, config))

    async def conversation(graph: Any) -> None:
        # Thread 1, turn 1: the remembered fact reaches the model's prompt.
        question = "Who leads Acme Corp?"
        recalled = await memory.asearch(question)
        state = await turn(graph, "thread-1", question)

        assert state["memory_context"] == recalled
        assert model.calls[-1][0].text == PROMPT.format(memories=format_memories(recalled))
        assert "Alice Johnson leads Acme Corp." in model.calls[-1][0].text
        assert "Alice Johnson" in state["messages"][-1].text
        stored = session(memory, "thread-1")
        assert [(m.id, m.text) for m in stored] == [(m.id, m.text) for m in state["messages"]]
        assert stored[1].response_metadata["context_ids"] == ids(recalled)

        # The persist node improved the session into the graph before the run returned.
        found = await memory.asearch("Alice Johnson Acme Corp", top_k=20)
        persisted = [d for d in found if d.metadata.get("session_id") == "thread-1"]
        assert {m for d in persisted for m in d.metadata["message_ids"]} == {m.id for m in stored}
        assert all(SESSIONS_NODE_SET in d.metadata["node_set"] for d in persisted)

        # Thread 1, turn 2: the checkpointer resumes the thread; only the new turn is recorded.
        state = await turn(graph, "thread-1", "Remember: Bob Smith moved to Lisbon in 2021.")
        assert [m.id for m in session(memory, "thread-1")] == [m.id for m in state["messages"]]
        assert len(state["messages"]) == 4

        # Thread 2 recalls what thread 1 said.
        question = "Where did Bob Smith move in 2021?"
        recalled = await memory.asearch(question)
        lisbon = [d for d in recalled if "Bob Smith moved to Lisbon" in d.page_content]
        assert lisbon and lisbon[0].metadata["session_id"] == "thread-1"
        state = await turn(graph, "thread-2", question)

        assert state["memory_context"] == recalled
        assert model.calls[-1][0].text == PROMPT.format(memories=format_memories(recalled))
        assert "Lisbon" in state["messages"][-1].text
        assert len(state["messages"]) == 2  # thread 2 starts fresh
        stored_2 = session(memory, "thread-2")
        assert [m.id for m in stored_2] == [m.id for m in state["messages"]]
        assert lisbon[0].metadata["id"] in stored_2[1].response_metadata["context_ids"]
        assert len(session(memory, "thread-1")) == 4

    if (
        mode == "sync"
    ):  # SqliteSaver would fail: see test_persist_node_keeps_out_of_the_checkpointer
        await conversation(build_graph(memory, model, InMemorySaver()))
    else:
        async with AsyncSqliteSaver.from_conn_string(checkpoints) as saver:
            await conversation(build_graph(memory, model, saver))

    # Everything recorded is in the graph already: persisting again adds nothing.
    again = await memory.aimprove(session_ids=["thread-1", "thread-2"])
    assert again.messages_persisted == 0 and again.sessions_read == 2


async def test_reopened_memory_and_checkpointer_continue_the_thread(
    tmp_path: Path, embeddings: WordLlamaEmbeddings
) -> None:
    """A new process: the memory (SQLite graph and session stores) and the checkpointer are
    opened again on the same files; the thread goes on where it was, nothing recorded twice."""
    checkpoints = str(tmp_path / "checkpoints.sqlite")
    config = {"configurable": {"thread_id": "thread-1"}}

    async with (
        GraphMemory(tmp_path / "memory", embeddings=embeddings) as memory,
        AsyncSqliteSaver.from_conn_string(checkpoints) as saver,
    ):
        await memory.aremember(FACTS)
        graph = build_graph(memory, MemoryReader(), saver)
        told = HumanMessage("Remember: Dana Lee runs the Oslo lab.")
        await graph.ainvoke({"messages": [told]}, config)
        first = [m.id for m in session(memory, "thread-1")]

    async with (
        GraphMemory(tmp_path / "memory", embeddings=embeddings) as memory,
        AsyncSqliteSaver.from_conn_string(checkpoints) as saver,
    ):
        model = MemoryReader()
        graph = build_graph(memory, model, saver)
        asked = HumanMessage("Who runs the Oslo lab?")
        state = await graph.ainvoke({"messages": [asked]}, config)

        assert "Dana Lee runs the Oslo lab." in model.calls[0][0].text
        assert "Dana Lee" in state["messages"][-1].text
        stored = [m.id for m in session(memory, "thread-1")]
        assert stored == [m.id for m in state["messages"]] and stored[:2] == first
        assert len(stored) == 4
        assert (await memory.aimprove(session_ids=["thread-1"])).messages_persisted == 0


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_persist_node_keeps_out_of_the_checkpointer(
    tmp_path: Path, embeddings: WordLlamaEmbeddings, mode: str
) -> None:
    """The graph's SQLite checkpointer works with the persist node, and holds only the graph's
    own checkpoints (none of the persist pipeline it runs inside)."""
    checkpoints = str(tmp_path / "checkpoints.sqlite")
    config = {"configurable": {"thread_id": "thread-1"}}
    payload = {"messages": [HumanMessage("Remember: Dana Lee runs the Oslo lab.")]}
    with GraphMemory(tmp_path / "memory", embeddings=embeddings) as memory:
        memory.remember(FACTS)
        if mode == "sync":
            with SqliteSaver.from_conn_string(checkpoints) as saver:
                build_graph(memory, MemoryReader(), saver).invoke(payload, config)
        else:
            async with AsyncSqliteSaver.from_conn_string(checkpoints) as saver:
                await build_graph(memory, MemoryReader(), saver).ainvoke(payload, config)
        found = memory.search("Who runs the Oslo lab?")

    assert found[0].metadata.get("session_id") == "thread-1"
    with sqlite3.connect(checkpoints) as connection:
        namespaces = connection.execute("SELECT DISTINCT checkpoint_ns FROM checkpoints")
        assert [row[0] for row in namespaces] == [""]
