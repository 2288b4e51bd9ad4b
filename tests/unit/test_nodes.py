"""LangGraph memory nodes inside compiled graphs, and the exactly-once turn recording they share
with the agent middleware.

``ScriptedMemory`` (a real ``GraphMemory`` with a real SQLite session store, whose retrieval and
improve are scripted) is shared with the middleware and tool tests.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from langchain_core.documents import Document
from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
    message_to_dict,
)
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import END, START, MessagesState, StateGraph

from cognee_langchain.core.defaults import Limits
from cognee_langchain.core.validation import CLIP_MARK, clip_query
from cognee_langchain.errors import InvalidInputError, NoGraphDataError
from cognee_langchain.memory import GraphMemory
from cognee_langchain.nodes import (
    MemoryState,
    arecord_new_messages,
    make_persist_node,
    make_recall_node,
)
from cognee_langchain.sessions.sqlite import SQLiteSessionStore
from cognee_langchain.users import User
from tests.unit.test_memory_support import make_memory

DOCS = [
    Document("Ada Lovelace leads Acme Corp.", metadata={"id": "fact-1", "type": "fact"}),
    Document(
        "Acme Corp builds the Starship engine.\n\nIt ships in 2027.",
        metadata={"id": "chunk-7", "type": "chunk"},
    ),
]


class ScriptedMemory(GraphMemory):
    """A real ``GraphMemory`` (SQLite session store under ``data_dir``) whose ``asearch`` returns
    scripted documents and whose ``aimprove`` records its calls."""

    def __init__(self, data_dir: Path, documents: Sequence[Document] = DOCS, **kwargs: Any) -> None:
        super().__init__(data_dir, **kwargs)
        self.documents = list(documents)
        self.searches: list[dict[str, Any]] = []
        self.improves: list[dict[str, Any]] = []
        self.improve_error: Exception | None = None

    async def asearch(  # type: ignore[override]
        self,
        query: str,
        *,
        datasets: str | Sequence[str] | None = None,
        search_type: str = "graph",
        top_k: int = 8,
        node_sets: object = None,
        user: User | None = None,
        as_of: object = None,
    ) -> list[Document]:
        self.searches.append(
            {
                "query": query,
                "datasets": datasets,
                "search_type": search_type,
                "top_k": top_k,
                "user": user,
                "as_of": as_of,
            }
        )
        return self.documents[:top_k]

    async def aimprove(  # type: ignore[override]
        self,
        dataset: str = "main_dataset",
        session_ids: Sequence[str] | None = None,
        user: User | None = None,
        run_in_background: bool = False,
    ) -> object:
        self.improves.append(
            {
                "dataset": dataset,
                "session_ids": list(session_ids or ()),
                "user": user,
                "run_in_background": run_in_background,
            }
        )

        async def run() -> str:
            await asyncio.sleep(0)
            if self.improve_error is not None:
                raise self.improve_error
            return "improved"

        return asyncio.ensure_future(run()) if run_in_background else await run()

    def session(self, session_id: str, user: User | None = None) -> list[BaseMessage]:
        return self.session_store.read((user or self.user).id, session_id).messages


@pytest.fixture
def memory(tmp_path: Path) -> Iterator[ScriptedMemory]:
    with ScriptedMemory(tmp_path) as memory:
        yield memory


def without_context_ids(message: BaseMessage) -> dict[str, Any]:
    """``message_to_dict`` of a recorded message, minus the context ids recording adds."""
    data = message_to_dict(message)
    data["data"]["response_metadata"].pop("context_ids", None)
    return data


# -- a recall -> answer -> persist workflow ------------------------------------------------------
def _answer(state: MemoryState) -> dict[str, Any]:
    context = state.get("memory_context") or []
    seen = ", ".join(d.metadata["id"] for d in context) if isinstance(context, list) else context
    question = state["messages"][-1].text
    return {"messages": [AIMessage(f"Answer to {question!r} using [{seen}]")]}


def build_workflow(memory: ScriptedMemory, state: type = MemoryState, **persist: Any) -> Any:
    builder = StateGraph(state)
    builder.add_node(make_recall_node(memory, top_k=2))
    builder.add_node("answer", _answer)
    builder.add_node(make_persist_node(memory, **persist), defer=True)
    builder.add_edge(START, "recall_memory")
    builder.add_edge("recall_memory", "answer")
    builder.add_edge("answer", "persist_memory")
    builder.add_edge("persist_memory", END)
    return builder.compile(checkpointer=InMemorySaver())


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_workflow_recalls_then_records_each_turn_once(
    memory: ScriptedMemory, mode: str
) -> None:
    graph = build_workflow(memory)
    config = {"configurable": {"thread_id": "thread-1"}}

    async def turn(text: str) -> dict[str, Any]:
        payload = {"messages": [HumanMessage(text)]}
        if mode == "sync":
            return await asyncio.to_thread(graph.invoke, payload, config)
        return await graph.ainvoke(payload, config)

    await turn("Who leads Acme?")
    state = await turn("What does Acme build?")

    assert [s["query"] for s in memory.searches] == ["Who leads Acme?", "What does Acme build?"]
    assert state["memory_context"] == DOCS
    assert state["messages"][-1].text == "Answer to 'What does Acme build?' using [fact-1, chunk-7]"
    stored = memory.session("thread-1")
    # every state message recorded once, in order, with its id; the answers keep context ids
    assert [m.id for m in stored] == [m.id for m in state["messages"]]
    assert [without_context_ids(m) for m in stored] == [
        message_to_dict(m) for m in state["messages"]
    ]
    assert [m.response_metadata.get("context_ids") for m in stored] == [
        None,
        ["fact-1", "chunk-7"],
        None,
        ["fact-1", "chunk-7"],
    ]
    assert (
        memory.improves
        == [
            {
                "dataset": "main_dataset",
                "session_ids": ["thread-1"],
                "user": memory.user,
                "run_in_background": False,
            }
        ]
        * 2
    )


def test_session_id_in_config_wins_over_thread_id(memory: ScriptedMemory) -> None:
    graph = build_workflow(memory)
    config = {"configurable": {"thread_id": "thread-1", "session_id": "chosen"}}
    graph.invoke({"messages": [HumanMessage("hello")]}, config)
    assert len(memory.session("chosen")) == 2
    assert memory.session("thread-1") == []


def test_user_in_config_owns_the_session(memory: ScriptedMemory) -> None:
    alice = User(id="alice")
    graph = build_workflow(memory)
    graph.invoke(
        {"messages": [HumanMessage("hello")]},
        {"configurable": {"thread_id": "t", "user": alice}},
    )
    assert len(memory.session("t", alice)) == 2
    assert memory.session("t") == []  # the default user sees nothing of it
    assert memory.searches[0]["user"] == alice
    assert memory.improves[0]["user"] == alice


def test_no_session_id_anywhere_is_an_input_error(memory: ScriptedMemory) -> None:
    builder = StateGraph(MemoryState)
    builder.add_node(make_persist_node(memory))
    builder.add_edge(START, "persist_memory")
    graph = builder.compile()
    with pytest.raises(InvalidInputError, match="thread_id"):
        graph.invoke({"messages": [HumanMessage("hello")]})


def test_constructor_session_id_is_the_fallback(memory: ScriptedMemory) -> None:
    builder = StateGraph(MemoryState)
    builder.add_node(make_persist_node(memory, session_id="fixed", improve=False))
    builder.add_edge(START, "persist_memory")
    builder.compile().invoke({"messages": [HumanMessage("hello", id="h1")]})
    assert [m.id for m in memory.session("fixed")] == ["h1"]
    assert memory.improves == []


def test_state_without_marker_key_reads_the_session_back(memory: ScriptedMemory) -> None:
    graph = build_workflow(memory, state=MessagesState, improve=False)
    config = {"configurable": {"thread_id": "t"}}
    for text in ("one", "two", "three"):
        state = graph.invoke({"messages": [HumanMessage(text)]}, config)
    assert "memory_recorded" not in state
    assert [m.id for m in memory.session("t")] == [m.id for m in state["messages"]]


def test_failed_improve_propagates_and_the_next_run_records_nothing_twice(
    memory: ScriptedMemory,
) -> None:
    graph = build_workflow(memory)
    config = {"configurable": {"thread_id": "t"}}
    graph.invoke({"messages": [HumanMessage("one")]}, config)
    memory.improve_error = NoGraphDataError("main_dataset")
    with pytest.raises(NoGraphDataError):
        graph.invoke({"messages": [HumanMessage("two")]}, config)
    memory.improve_error = None
    state = graph.invoke({"messages": [HumanMessage("three")]}, config)
    assert [m.id for m in memory.session("t")] == [m.id for m in state["messages"]]
    assert [m.text for m in memory.session("t") if isinstance(m, HumanMessage)] == [
        "one",
        "two",
        "three",
    ]


def test_recall_node_as_text_within_budget(memory: ScriptedMemory) -> None:
    node = make_recall_node(memory, as_text=True, max_tokens=10)
    update = node.invoke({"messages": [HumanMessage("Who leads Acme?")]})
    assert update == {"memory_context": "- [fact] Ada Lovelace leads Acme Corp."}
    assert len(update["memory_context"]) < 10 * 4


def test_recall_node_without_a_question_searches_nothing(memory: ScriptedMemory) -> None:
    node = make_recall_node(memory, context_key="ctx")
    assert node.invoke({"messages": [SystemMessage("be brief"), HumanMessage("  ")]}) == {"ctx": []}
    assert node.invoke({"messages": []}) == {"ctx": []}
    assert memory.searches == []


def test_recall_node_searches_an_over_long_message_by_its_beginning_and_end(
    tmp_path: Path,
) -> None:
    """A user may paste any amount of text into a chat: the run goes on, searching what fits."""
    message = "Who leads Acme Corp? " + "pasted log line. " * 100 + "Where is Acme based?"
    memory = ScriptedMemory(tmp_path, limits=Limits(max_query_chars=60))
    with memory:
        update = make_recall_node(memory).invoke({"messages": [HumanMessage(message)]})
    (search,) = memory.searches
    assert update == {"memory_context": DOCS}
    query = search["query"]
    assert len(query) <= 60
    assert query.startswith("Who leads Acme") and query.endswith("Where is Acme based?")
    assert CLIP_MARK in query


def test_recall_node_on_a_real_memory_answers_an_over_long_message(tmp_path: Path) -> None:
    memory = make_memory(tmp_path, limits=Limits(max_query_chars=80))
    memory.remember("Ada Lovelace leads Acme Corp. Acme Corp builds the Starship engine.")
    message = "Who leads Acme Corp? " + "filler words here. " * 200
    update = make_recall_node(memory, as_text=True).invoke({"messages": [HumanMessage(message)]})
    memory.close()
    assert "Ada Lovelace" in update["memory_context"]


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(st.characters(exclude_characters="…"), min_size=1, max_size=300),
    limit=st.integers(1, 120),
)
def test_clip_query_fits_the_limit_and_keeps_both_ends(text: str, limit: int) -> None:
    clipped = clip_query(text, limit)
    assert len(clipped) <= limit
    if len(text) <= limit:
        assert clipped == text
    elif limit > len(CLIP_MARK) + 1:
        head, _, tail = clipped.partition(CLIP_MARK)
        assert text.startswith(head) and text.endswith(tail)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"top_k": 0}, "top_k"),
        ({"top_k": True}, "top_k"),
        ({"max_tokens": -1}, "max_tokens"),
        ({"context_key": "not a key"}, "context_key"),
    ],
)
def test_recall_node_rejects_bad_settings(
    memory: ScriptedMemory, kwargs: dict[str, Any], match: str
) -> None:
    with pytest.raises(InvalidInputError, match=match):
        make_recall_node(memory, **kwargs)


def test_persist_node_rejects_a_foreign_marker(memory: ScriptedMemory) -> None:
    node = make_persist_node(memory, session_id="s", recorded_key="flags")
    with pytest.raises(InvalidInputError, match="recorded_key"):
        node.invoke({"messages": [HumanMessage("hi", id="h")], "flags": ["x"]})


# -- arecord_new_messages ------------------------------------------------------------------------
def _turn(n: int, with_tool: bool) -> list[BaseMessage]:
    messages: list[BaseMessage] = [HumanMessage(f"question {n}", id=f"h{n}")]
    if with_tool:
        call = {"name": "lookup", "args": {"n": n}, "id": f"call{n}", "type": "tool_call"}
        messages += [
            AIMessage("", tool_calls=[call], id=f"c{n}"),
            ToolMessage(f"result {n}", tool_call_id=f"call{n}", name="lookup", id=f"t{n}"),
        ]
    return [*messages, AIMessage(f"answer {n}", id=f"a{n}")]


async def test_prompts_and_summaries_are_not_recorded(tmp_path: Path) -> None:
    store = SQLiteSessionStore(tmp_path / "s.sqlite")
    summary = HumanMessage(
        "Summary so far", id="sum", additional_kwargs={"lc_source": "summarization"}
    )
    messages = [SystemMessage("be brief", id="sys"), summary, *_turn(1, with_tool=True)]
    new, marker = await arecord_new_messages(store, "u", "s", messages, None, ["m1"])
    assert [m.id for m in new] == ["h1", "c1", "t1", "a1"]
    assert marker == {"seq": 4, "ids": ["sys", "sum", "h1", "c1", "t1", "a1"]}
    stored = store.read("u", "s").messages
    assert stored[1].tool_calls == messages[3].tool_calls  # type: ignore[attr-defined]
    assert stored[2].tool_call_id == "call1"  # type: ignore[attr-defined]
    # only the final answer carries the context ids, not the tool-calling AI message
    assert [m.response_metadata.get("context_ids") for m in stored] == [None, None, None, ["m1"]]
    store.close()


async def test_messages_trimmed_from_the_store_are_not_recorded_again(tmp_path: Path) -> None:
    store = SQLiteSessionStore(tmp_path / "s.sqlite", max_messages=2)
    history = [*_turn(1, False), *_turn(2, False)]
    await arecord_new_messages(store, "u", "s", history)
    # the store kept only turn 2; a caller without a marker passes the whole history again
    history += _turn(3, False)
    new, _ = await arecord_new_messages(store, "u", "s", history)
    assert [m.id for m in new] == ["h3", "a3"]
    store.close()


async def test_messages_without_ids_are_rejected(tmp_path: Path) -> None:
    store = SQLiteSessionStore(tmp_path / "s.sqlite")
    with pytest.raises(InvalidInputError, match="add_messages"):
        await arecord_new_messages(store, "u", "s", [HumanMessage("no id")])
    store.close()


@settings(max_examples=60, deadline=None)
@given(
    turns=st.lists(st.booleans(), min_size=1, max_size=6),
    keep_marker=st.lists(st.sampled_from(["kept", "lost", "absent"]), min_size=6, max_size=6),
)
async def test_recording_turn_by_turn_stores_the_conversation_exactly_once(
    turns: list[bool], keep_marker: list[str]
) -> None:
    """Whatever happens to the marker between turns (kept in state, lost by a failed run after
    the append, or never kept), the session ends up holding the conversation once, in order."""
    store = SQLiteSessionStore(":memory:")
    history: list[BaseMessage] = []
    marker = None
    for n, (with_tool, fate) in enumerate(zip(turns, keep_marker, strict=False)):
        history += _turn(n, with_tool)
        _, returned = await arecord_new_messages(store, "u", "s", history, marker)
        marker = {"kept": returned, "lost": marker, "absent": None}[fate]
    assert [m.id for m in store.read("u", "s").messages] == [m.id for m in history]
    store.close()
