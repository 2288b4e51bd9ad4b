"""The persist-sessions pipeline on the embedded SQLite stores: the seed's flow and every
troubleshooting case, watermarks, concurrent and background runs, and the LangGraph graph used
on its own, as a subgraph, node by node and with a checkpointer.

The memory uses the deterministic pattern extractor (sentences ``"<Name> <predicate> <Name>."``)
and bag-of-words embeddings, so the knowledge each Q&A adds is known exactly.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypedDict

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import END, START, StateGraph

from cognee_langchain.chat_message_histories import SessionChatMessageHistory
from cognee_langchain.errors import (
    ExtractionError,
    InvalidInputError,
    NoGraphDataError,
    NoSessionsFoundError,
    PermissionDeniedError,
)
from cognee_langchain.extraction.offline import OfflineGraphExtractor
from cognee_langchain.extraction.schema import ChunkExtraction
from cognee_langchain.graph.base import TextKind
from cognee_langchain.graph.models import SourceDocument
from cognee_langchain.memory import GraphMemory
from cognee_langchain.pipelines import persist_sessions
from cognee_langchain.pipelines.persist_sessions import (
    SESSIONS_NODE_SET,
    PersistSessionsContext,
    PersistSessionsResult,
    PersistSessionsState,
    PipelineRun,
    RunStatus,
    build_persist_sessions_graph,
    cognify_session,
    extract_user_sessions,
    get_pipeline_run,
    persist_sessions_in_knowledge_graph_pipeline,
)
from cognee_langchain.sessions.base import SessionSlice
from cognee_langchain.sessions.sqlite import SQLiteSessionStore
from cognee_langchain.users import User, get_default_user
from tests.unit.test_memory_support import TYPES, PatternExtractor, entities, make_memory

DATASET = "main_dataset"
TEXT = "Alice Johnson leads Acme Corp. Acme Corp builds Starship."
# Answers open with a filler sentence so the pattern extractor reads the fact sentence alone
# (the rendered line starts with "assistant: ").
QA = [
    ("Who founded Zeta Labs?", "Good question. Carol Diaz founded Zeta Labs."),
    ("Where does Bob Smith live?", "From the notes. Bob Smith lives in Denver."),
    ("Who did Acme Corp acquire?", "According to the news. Acme Corp acquired Zeta Labs."),
]


# -- helpers ---------------------------------------------------------------------------------------
class GatedExtractor(PatternExtractor):
    """The pattern extractor, holding every call until :attr:`gate` opens."""

    def __init__(self) -> None:
        super().__init__(TYPES)
        self.gate = asyncio.Event()

    async def aextract(self, texts: Sequence[str]) -> list[ChunkExtraction]:
        await self.gate.wait()
        return await super().aextract(texts)


class FailOnceExtractor(PatternExtractor):
    """The pattern extractor, failing its next call after :meth:`arm`."""

    def __init__(self) -> None:
        super().__init__(TYPES)
        self.armed = False

    def arm(self) -> None:
        self.armed = True

    async def aextract(self, texts: Sequence[str]) -> list[ChunkExtraction]:
        if self.armed:
            self.armed = False
            raise ConnectionError("model unreachable")
        return await super().aextract(texts)


class CountingSessionStore(SQLiteSessionStore):
    """A SQLite session store that counts reads and can hold readers at a barrier."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.reads = 0
        self.barrier: threading.Barrier | None = None

    async def aread(self, user_id: str, session_id: str, since: int = 0) -> SessionSlice:
        self.reads += 1
        stored = await super().aread(user_id, session_id, since)
        if self.barrier is not None:
            # Concurrent runs (on any loop or thread) all read before any of them may persist.
            await asyncio.to_thread(self.barrier.wait, 10)
        return stored


@pytest.fixture
def memory(tmp_path: Path) -> GraphMemory:
    memory = make_memory(tmp_path)
    memory.remember(TEXT, dataset=DATASET)
    return memory


async def ask(
    memory: GraphMemory,
    session_id: str,
    question: str,
    answer: str | None,
    user: User | None = None,
) -> list[str]:
    """Record one turn as an agent using the session cache would; return its message ids."""
    history = SessionChatMessageHistory(
        session_id, user_id=(user or memory.user).id, store=memory.session_store
    )
    n = len(await history.aget_messages())
    messages: list[Any] = [HumanMessage(question, id=f"{session_id}-{n}")]
    if answer is not None:
        messages.append(
            AIMessage(
                answer, id=f"{session_id}-{n + 1}", response_metadata={"context_ids": ["c-1"]}
            )
        )
    await history.aadd_messages(messages)
    return [str(m.id) for m in messages]


async def session_documents(
    memory: GraphMemory, dataset: str = DATASET, session_id: str | None = None
) -> list[SourceDocument]:
    return await memory.graph_store.alist_documents(
        dataset, node_set=SESSIONS_NODE_SET, session_id=session_id
    )


async def watermark(
    memory: GraphMemory, session_id: str, dataset: str = DATASET, user: User | None = None
) -> int:
    return await memory.session_store.aget_watermark((user or memory.user).id, session_id, dataset)


async def persist(memory: GraphMemory, session_ids: Any, **kwargs: Any) -> PersistSessionsResult:
    user = kwargs.pop("user", None) or await get_default_user()
    result = await persist_sessions_in_knowledge_graph_pipeline(
        user, session_ids, memory=memory, **kwargs
    )
    assert isinstance(result, PersistSessionsResult)
    return result


# -- the seed's flow -------------------------------------------------------------------------------
async def test_seed_flow_adds_session_knowledge_with_provenance(memory: GraphMemory) -> None:
    first = await ask(memory, "demo_session", *QA[0])
    second = await ask(memory, "demo_session", *QA[1])

    result = await persist(memory, ["demo_session"], dataset=DATASET)

    assert result.sessions_read == 1
    assert result.entries_persisted == 2
    assert result.missing_session_ids == ()
    assert (result.documents_added, result.chunks_added) == (1, 4)  # a unit per message
    assert result.nodes_added == 4  # Carol Diaz, Zeta Labs, Bob Smith, Denver
    assert result.edges_added == 2
    (document,) = await session_documents(memory)
    assert document.session_id == "demo_session"
    assert document.message_ids == (*first, *second)
    assert document.metadata["context_ids"] == ["c-1"]
    graph = entities(memory)
    for name in ("Carol Diaz", "Zeta Labs", "Bob Smith", "Denver"):
        assert graph[name].node_sets == (SESSIONS_NODE_SET,)
        assert graph[name].session_ids == ("demo_session",)
        assert set(graph[name].message_ids) == {*first, *second}
    # Knowledge from remember() alone carries no session provenance.
    assert graph["Alice Johnson"].session_ids == ()
    facts = memory.graph_store.iter_records(TextKind.FACT, [DATASET], node_sets=[SESSIONS_NODE_SET])
    relations = memory.graph_store.get_relations([f.id for f in facts])
    assert {(r.source_name, r.predicate, r.target_name) for r in relations} == {
        ("Carol Diaz", "founded", "Zeta Labs"),
        ("Bob Smith", "lives in", "Denver"),
    }
    assert all(r.session_ids == ("demo_session",) for r in relations)
    stats = (await memory.astats(DATASET)).datasets[DATASET].node_sets[SESSIONS_NODE_SET]
    assert (stats.documents, stats.entities, stats.relations) == (1, 4, 2)


async def test_session_text_keeps_question_answer_and_date(memory: GraphMemory) -> None:
    await ask(memory, "demo_session", *QA[0])
    await persist(memory, ["demo_session"])

    (document,) = await session_documents(memory)
    question, answer = memory.graph_store.get_chunks(document.chunk_ids)
    assert question.text == "User: Who founded Zeta Labs?"
    assert answer.text.startswith("Assistant: Good question. Carol Diaz founded")
    # each turn keeps its speaker, time and session, and searching shows its date
    assert question.unit["speaker"] == "User" and question.unit["group"] == "demo_session"
    assert isinstance(answer.unit["occurred_at"], float)
    (hit,) = await memory.asearch("Who founded Zeta Labs?", datasets=[DATASET], top_k=1)
    assert hit.page_content.startswith("(") and hit.metadata["occurred_at"].startswith("20")


async def test_regression_speaker_labels_do_not_become_entities(tmp_path: Path) -> None:
    """Entries were rendered "User asked: ..." / "Assistant answered: ...": the default offline
    extractor made ``User``, ``Assistant`` and ``UTC`` entities, hubs linked to everything."""
    memory = make_memory(tmp_path, extractor=OfflineGraphExtractor())
    await memory.aremember(TEXT)
    await ask(memory, "demo_session", "Who founded Zeta Labs?", "Carol Diaz founded Zeta Labs.")
    await ask(memory, "demo_session", "Where is Zeta Labs?", "Zeta Labs is based in Lisbon.")

    await persist(memory, ["demo_session"])

    names = set(entities(memory))
    assert {"Carol Diaz", "Zeta Labs", "Lisbon"} <= names
    assert not names & {"User", "Assistant", "UTC", "Tool"}


async def test_improve_is_the_pipeline_for_the_memorys_user(memory: GraphMemory) -> None:
    await ask(memory, "demo_session", *QA[0])

    result = await memory.aimprove(dataset=DATASET, session_ids=["demo_session"])

    assert isinstance(result, PersistSessionsResult)
    assert result.entries_persisted == 1
    assert await watermark(memory, "demo_session") == 2


# -- troubleshooting cases -------------------------------------------------------------------------
async def test_no_sessions_found_names_the_ids_and_the_fix(memory: GraphMemory) -> None:
    revision = await memory.graph_store.acurrent_revision()

    with pytest.raises(NoSessionsFoundError) as caught:
        await persist(memory, ["never_recorded", "nor_this"])

    message = str(caught.value)
    assert "never_recorded" in message and "nor_this" in message
    assert "recall(..., session_id=...)" in message
    assert caught.value.session_ids == ["never_recorded", "nor_this"]
    assert await memory.graph_store.acurrent_revision() == revision


async def test_no_graph_data_asks_for_remember_first(tmp_path: Path) -> None:
    memory = make_memory(tmp_path)  # nothing remembered
    await ask(memory, "demo_session", *QA[0])

    with pytest.raises(NoGraphDataError) as caught:
        await persist(memory, ["demo_session"], dataset="empty_dataset")

    assert "remember(..., dataset='empty_dataset')" in str(caught.value)
    assert await watermark(memory, "demo_session", "empty_dataset") == 0
    assert await memory.graph_store.alist_datasets() == []


async def test_extraction_failure_moves_no_watermark_and_leaves_the_graph(tmp_path: Path) -> None:
    extractor = FailOnceExtractor()
    memory = make_memory(tmp_path, extractor=extractor)
    await memory.aremember(TEXT)
    await ask(memory, "demo_session", *QA[0])
    revision = await memory.graph_store.acurrent_revision()
    extractor.arm()

    with pytest.raises(ExtractionError) as caught:
        await persist(memory, ["demo_session"])

    assert isinstance(caught.value.cause, ConnectionError)
    assert await watermark(memory, "demo_session") == 0
    assert await memory.graph_store.acurrent_revision() == revision
    assert await session_documents(memory) == []
    # The next run persists everything the failed one could not.
    assert (await persist(memory, ["demo_session"])).entries_persisted == 1


async def test_user_without_write_is_denied_until_granted(memory: GraphMemory) -> None:
    other = User(id="other-user")
    await ask(memory, "their_session", *QA[0], user=other)

    with pytest.raises(PermissionDeniedError) as caught:
        await persist(memory, ["their_session"], user=other)
    assert "memory.grant(" in str(caught.value)
    assert await watermark(memory, "their_session", user=other) == 0

    await memory.agrant(DATASET, other, "write")
    result = await persist(memory, ["their_session"], user=other)

    assert result.entries_persisted == 1
    (document,) = await session_documents(memory)
    assert document.session_id == "their_session"


async def test_read_permission_is_not_enough(memory: GraphMemory) -> None:
    other = User(id="reader")
    await memory.agrant(DATASET, other, "read")
    await ask(memory, "their_session", *QA[0], user=other)

    with pytest.raises(PermissionDeniedError):
        await persist(memory, ["their_session"], user=other)


async def test_another_users_session_is_not_found_and_never_persisted(
    memory: GraphMemory,
) -> None:
    other = User(id="other-user")
    await ask(memory, "secret", "What is my PIN?", "Sure. Dave Null founded Vault Co.", user=other)
    await ask(memory, "demo_session", *QA[0])

    with pytest.raises(NoSessionsFoundError):
        await persist(memory, ["secret"])
    mixed = await persist(memory, ["demo_session", "secret"])

    assert mixed.missing_session_ids == ("secret",)
    assert mixed.entries_persisted == 1
    assert [d.session_id for d in await session_documents(memory)] == ["demo_session"]
    assert "Dave Null" not in entities(memory)
    assert await watermark(memory, "secret", user=other) == 0


async def test_missing_ids_are_listed_next_to_what_was_persisted(memory: GraphMemory) -> None:
    await ask(memory, "a", *QA[0])
    await ask(memory, "b", *QA[1])

    result = await persist(memory, ["a", "ghost", "b", "phantom", "a"])

    assert result.session_ids == ("a", "ghost", "b", "phantom")  # duplicates dropped, in order
    assert result.missing_session_ids == ("ghost", "phantom")
    assert (result.sessions_read, result.entries_persisted) == (2, 2)


@pytest.mark.parametrize("session_ids", [None, []], ids=["none", "empty"])
async def test_no_session_ids_extracts_nothing_and_says_so(
    memory: GraphMemory, session_ids: list[str] | None
) -> None:
    await ask(memory, "demo_session", *QA[0])
    revision = await memory.graph_store.acurrent_revision()

    result = await persist(memory, session_ids)

    assert (result.sessions_read, result.entries_persisted, result.documents_added) == (0, 0, 0)
    assert "no sessions were extracted" in result.message
    assert await memory.graph_store.acurrent_revision() == revision
    assert await watermark(memory, "demo_session") == 0


# -- watermarks ------------------------------------------------------------------------------------
async def test_second_run_persists_nothing_and_leaves_the_graph(memory: GraphMemory) -> None:
    await ask(memory, "demo_session", *QA[0])
    await persist(memory, ["demo_session"])
    revision = await memory.graph_store.acurrent_revision()

    again = await persist(memory, ["demo_session"])

    assert (again.sessions_read, again.entries_persisted, again.documents_added) == (1, 0, 0)
    assert again.message.startswith("Nothing new to persist")
    assert await memory.graph_store.acurrent_revision() == revision
    assert len(await session_documents(memory)) == 1


async def test_new_qa_after_a_run_is_persisted_alone_by_the_next(memory: GraphMemory) -> None:
    await ask(memory, "demo_session", *QA[0])
    await persist(memory, ["demo_session"])
    later = await ask(memory, "demo_session", *QA[2])

    result = await persist(memory, ["demo_session"])

    assert result.entries_persisted == 1
    newest = (await session_documents(memory))[-1]
    assert newest.message_ids == tuple(later)
    text = "\n".join(c.text for c in memory.graph_store.get_chunks(newest.chunk_ids))
    assert "Acme Corp acquired Zeta Labs." in text
    assert "Carol Diaz" not in text  # the entry persisted before is not repeated
    assert await watermark(memory, "demo_session") == 4


async def test_unanswered_question_waits_for_its_answer(memory: GraphMemory) -> None:
    await ask(memory, "demo_session", *QA[0])
    await ask(memory, "demo_session", "And who leads Zeta Labs?", None)

    first = await persist(memory, ["demo_session"])
    assert (first.entries_persisted, first.messages_persisted, first.messages_waiting) == (1, 2, 1)
    assert "1 message(s) wait for an answer" in first.message
    assert await watermark(memory, "demo_session") == 2  # stops before the open question

    waiting = await persist(memory, ["demo_session"])
    assert (waiting.entries_persisted, waiting.messages_waiting) == (0, 1)
    assert waiting.message.startswith("Nothing new to persist")
    history = SessionChatMessageHistory(
        "demo_session", user_id=memory.user.id, store=memory.session_store
    )
    await history.aadd_messages([AIMessage("Indeed. Carol Diaz leads Zeta Labs.", id="late")])

    second = await persist(memory, ["demo_session"])

    assert second.entries_persisted == 1
    newest = (await session_documents(memory))[-1]
    assert newest.message_ids == ("demo_session-2", "late")
    assert await watermark(memory, "demo_session") == 4


async def test_agent_turn_with_tool_calls_is_one_entry(memory: GraphMemory) -> None:
    call = {"name": "lookup", "args": {"q": "Zeta"}, "id": "t1", "type": "tool_call"}
    await memory.session_store.aappend(
        memory.user.id,
        "agent",
        [
            HumanMessage("Who founded Zeta Labs?", id="h"),
            AIMessage("", tool_calls=[call], id="call"),
            ToolMessage("Zeta Labs: founded 2019", tool_call_id="t1", name="lookup", id="tool"),
            AIMessage("Found it. Carol Diaz founded Zeta Labs.", id="answer"),
        ],
    )

    result = await persist(memory, ["agent"])

    assert result.entries_persisted == 1
    (document,) = await session_documents(memory)
    assert document.message_ids == ("h", "call", "tool", "answer")
    chunks = memory.graph_store.get_chunks(document.chunk_ids)
    assert [c.text for c in chunks] == [
        "User: Who founded Zeta Labs?",
        'Assistant: (calls lookup(q="Zeta"))',
        "Tool lookup: Zeta Labs: founded 2019",
        "Assistant: Found it. Carol Diaz founded Zeta Labs.",
    ]
    assert [c.unit["message_ids"] for c in chunks] == [["h"], ["call"], ["tool"], ["answer"]]


async def test_watermarks_are_per_dataset(memory: GraphMemory) -> None:
    await memory.aremember("Bob Smith joined Acme Corp.", dataset="second")
    await ask(memory, "demo_session", *QA[0])
    await persist(memory, ["demo_session"], dataset=DATASET)

    into_second = await persist(memory, ["demo_session"], dataset="second")

    assert into_second.entries_persisted == 1
    assert len(await session_documents(memory, "second")) == 1
    assert await watermark(memory, "demo_session", "second") == 2
    assert "Carol Diaz" in entities(memory, "second")
    assert (await persist(memory, ["demo_session"], dataset="second")).entries_persisted == 0


# -- concurrent runs -------------------------------------------------------------------------------
@pytest.fixture
def racing_memory(tmp_path: Path) -> tuple[GraphMemory, CountingSessionStore]:
    store = CountingSessionStore(tmp_path / "sessions.sqlite")
    memory = make_memory(tmp_path, session_store=store)
    memory.remember(TEXT)
    return memory, store


async def test_concurrent_runs_never_persist_an_entry_twice(
    racing_memory: tuple[GraphMemory, CountingSessionStore],
) -> None:
    memory, store = racing_memory
    for session_id, qa in zip(("a", "b", "c"), QA, strict=True):
        await ask(memory, session_id, *qa)
    store.barrier = threading.Barrier(4)  # both runs read "b" above the same watermark

    one, two = await asyncio.gather(
        memory.aimprove(DATASET, ["a", "b"]), memory.aimprove(DATASET, ["b", "c"])
    )

    assert isinstance(one, PersistSessionsResult) and isinstance(two, PersistSessionsResult)
    assert one.entries_persisted + two.entries_persisted == 3
    documents = await session_documents(memory)
    assert sorted(d.session_id or "" for d in documents) == ["a", "b", "c"]


async def test_sync_run_in_a_thread_and_async_run_never_persist_twice(
    racing_memory: tuple[GraphMemory, CountingSessionStore],
) -> None:
    memory, store = racing_memory
    await ask(memory, "demo_session", *QA[0])
    await ask(memory, "demo_session", *QA[1])
    store.barrier = threading.Barrier(2)

    threaded, native = await asyncio.gather(
        asyncio.to_thread(memory.improve, DATASET, ["demo_session"]),
        memory.aimprove(DATASET, ["demo_session"]),
    )

    assert isinstance(threaded, PersistSessionsResult)
    assert isinstance(native, PersistSessionsResult)
    assert sorted((threaded.entries_persisted, native.entries_persisted)) == [0, 2]
    assert len(await session_documents(memory)) == 1
    assert await watermark(memory, "demo_session") == 4


async def test_entries_another_process_persisted_first_are_not_counted(tmp_path: Path) -> None:
    """Another process (its own stores: no in-process claim holds it back) persists the same
    entries while this run extracts them: the graph keeps one document, only the process that
    wrote it counts the entry, and this run's lost compare-and-set changes nothing."""

    class EnteredExtractor(GatedExtractor):
        entered = asyncio.Event()

        async def aextract(self, texts: Sequence[str]) -> list[ChunkExtraction]:
            self.entered.set()
            return await super().aextract(texts)

    extractor = EnteredExtractor()
    extractor.gate.set()
    ours = make_memory(tmp_path, extractor=extractor)
    await ours.aremember(TEXT)
    await ask(ours, "demo_session", *QA[0])
    theirs = make_memory(tmp_path)  # the same files
    extractor.gate.clear()
    extractor.entered.clear()

    run = asyncio.ensure_future(persist(ours, ["demo_session"]))
    await asyncio.wait_for(extractor.entered.wait(), 10)
    other = await persist(theirs, ["demo_session"])
    extractor.gate.set()
    result = await run

    assert (other.entries_persisted, result.entries_persisted) == (1, 0)
    assert result.documents_added == 0
    assert result.message.startswith("Nothing new to persist")
    assert len(await session_documents(ours)) == 1
    assert await watermark(ours, "demo_session") == 2
    theirs.close()


# -- background runs -------------------------------------------------------------------------------
async def test_background_run_returns_at_once_and_completes(tmp_path: Path) -> None:
    extractor = GatedExtractor()
    memory = make_memory(tmp_path, extractor=extractor)
    extractor.gate.set()
    await memory.aremember(TEXT)
    extractor.gate.clear()
    await ask(memory, "demo_session", *QA[0])

    run = await persist_sessions_in_knowledge_graph_pipeline(
        await get_default_user(), ["demo_session"], run_in_background=True, memory=memory
    )

    assert isinstance(run, PipelineRun)
    assert not run.done()  # the extractor is held: the call did not wait for the run
    assert run.status in (RunStatus.PENDING, RunStatus.RUNNING)
    assert get_pipeline_run(run.id) is run
    extractor.gate.set()
    result = await run
    assert result.entries_persisted == 1
    assert run.status == "completed" and run.exception is None
    assert get_pipeline_run(run.id) is run


async def test_failing_background_run_reports_failed_and_its_exception(
    tmp_path: Path,
) -> None:
    memory = make_memory(tmp_path)
    await ask(memory, "demo_session", *QA[0])

    run = await memory.aimprove("no_data_here", ["demo_session"], run_in_background=True)

    assert isinstance(run, PipelineRun)
    with pytest.raises(NoGraphDataError):
        await run
    assert run.status == RunStatus.FAILED
    assert isinstance(run.exception, NoGraphDataError)
    assert get_pipeline_run(run.id) is run
    with pytest.raises(NoGraphDataError):
        run.result(timeout=5)


def test_sync_background_run_continues_after_the_call(memory: GraphMemory) -> None:
    asyncio.run(ask(memory, "demo_session", *QA[0]))

    run = memory.improve(DATASET, ["demo_session"], run_in_background=True)

    assert isinstance(run, PipelineRun)
    assert run.result(timeout=30).entries_persisted == 1
    assert run.status == RunStatus.COMPLETED


def test_unknown_run_id_is_none() -> None:
    assert get_pipeline_run("no-such-run") is None


async def test_bad_input_fails_at_once_even_in_the_background(memory: GraphMemory) -> None:
    user = await get_default_user()
    with pytest.raises(InvalidInputError, match=r"\['demo_session'\]"):
        await persist_sessions_in_knowledge_graph_pipeline(
            user,
            "demo_session",  # a str is a Sequence[str]: only the runtime check catches it
            run_in_background=True,
            memory=memory,
        )


# -- sync use --------------------------------------------------------------------------------------
async def test_sync_improve_inside_a_running_event_loop(memory: GraphMemory) -> None:
    await ask(memory, "demo_session", *QA[0])

    result = memory.improve(dataset=DATASET, session_ids=["demo_session"])

    assert isinstance(result, PersistSessionsResult)
    assert result.entries_persisted == 1


def test_regression_sync_invoke_of_the_compiled_graph(memory: GraphMemory) -> None:
    """The nodes were async-only functions: ``graph.invoke`` raised TypeError ("No synchronous
    function provided")."""
    asyncio.run(ask(memory, "demo_session", *QA[0]))
    graph = build_persist_sessions_graph(memory)

    state = graph.invoke({"user": memory.user, "session_ids": ["demo_session"]})

    assert state["result"].entries_persisted == 1
    assert state["result"].dataset == DATASET


def test_regression_default_memory_is_shared_across_calls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without ``memory=`` every call built a new ``GraphMemory()`` whose stores stayed open:
    file descriptors grew with each call."""
    monkeypatch.chdir(tmp_path)
    GraphMemory(extractor=PatternExtractor(TYPES)).remember(TEXT)  # the seed: embedded defaults
    SessionChatMessageHistory("demo_session").add_messages(
        [HumanMessage(QA[0][0]), AIMessage(QA[0][1])]
    )
    user = asyncio.run(get_default_user())

    def call() -> PersistSessionsResult:
        result = asyncio.run(
            persist_sessions_in_knowledge_graph_pipeline(user, ["demo_session"], DATASET)
        )
        assert isinstance(result, PersistSessionsResult)
        return result

    try:
        assert call().entries_persisted == 1
        open_files = len(os.listdir("/proc/self/fd"))
        for _ in range(3):
            assert call().entries_persisted == 0
        assert len(os.listdir("/proc/self/fd")) <= open_files
    finally:
        shared = persist_sessions._default_memories.pop(tmp_path / ".cognee_langchain", None)
        if shared is not None:
            shared.close()


# -- the LangGraph graph ---------------------------------------------------------------------------
def test_graph_runs_extract_then_cognify(memory: GraphMemory) -> None:
    drawn = build_persist_sessions_graph(memory).get_graph()

    assert {node for node in drawn.nodes if not node.startswith("__")} == {
        "extract_user_sessions",
        "cognify_session",
    }
    assert {(e.source, e.target) for e in drawn.edges} == {
        ("__start__", "extract_user_sessions"),
        ("extract_user_sessions", "cognify_session"),
        ("cognify_session", "__end__"),
    }


class ParentState(TypedDict, total=False):
    user: User
    session_ids: list[str] | None
    dataset: str
    result: PersistSessionsResult
    report: str


def parent_graph(memory: GraphMemory) -> Any:
    """A user's workflow: pick the sessions, persist them (the subgraph), report."""

    def pick(state: ParentState) -> dict[str, Any]:
        return {"session_ids": ["demo_session"], "dataset": DATASET}

    def report(state: ParentState) -> dict[str, Any]:
        return {"report": state["result"].message}

    builder = StateGraph(ParentState)
    builder.add_node("pick", pick)
    builder.add_node("persist", build_persist_sessions_graph(memory))
    builder.add_node("report", report)
    builder.add_edge(START, "pick")
    builder.add_edge("pick", "persist")
    builder.add_edge("persist", "report")
    builder.add_edge("report", END)
    return builder.compile()


async def test_pipeline_as_a_subgraph_node_of_a_user_graph(memory: GraphMemory) -> None:
    await ask(memory, "demo_session", *QA[0])

    state = await parent_graph(memory).ainvoke({"user": memory.user})

    assert state["result"].entries_persisted == 1
    assert state["report"] == "Persisted 2 message(s) (1 exchange(s)) from 1 session(s)."
    assert len(await session_documents(memory)) == 1


def test_pipeline_as_a_subgraph_node_of_a_sync_user_graph(memory: GraphMemory) -> None:
    asyncio.run(ask(memory, "demo_session", *QA[0]))

    state = parent_graph(memory).invoke({"user": memory.user})

    assert state["result"].entries_persisted == 1


async def test_standalone_nodes_in_a_user_graph_take_the_memory_from_context(
    memory: GraphMemory,
) -> None:
    await ask(memory, "keep", *QA[0])
    await ask(memory, "drop", *QA[1])

    def only_keep(state: PersistSessionsState) -> dict[str, Any]:
        # A user step between the nodes: persist only some of what was extracted.
        return {"extracted": [s for s in state["extracted"] if s.session_id == "keep"]}

    builder = StateGraph(PersistSessionsState, context_schema=PersistSessionsContext)
    builder.add_node("extract", extract_user_sessions)
    builder.add_node("filter", only_keep)
    builder.add_node("cognify", cognify_session)
    builder.add_edge(START, "extract")
    builder.add_edge("extract", "filter")
    builder.add_edge("filter", "cognify")
    builder.add_edge("cognify", END)
    graph = builder.compile()

    state = await graph.ainvoke(
        {"user": memory.user, "session_ids": ["keep", "drop"], "dataset": DATASET},
        context=PersistSessionsContext(memory=memory),
    )

    assert state["result"].entries_persisted == 1
    assert [d.session_id for d in await session_documents(memory)] == ["keep"]
    assert await watermark(memory, "drop") == 0
    with pytest.raises(InvalidInputError, match="PersistSessionsContext"):
        await graph.ainvoke({"user": memory.user, "session_ids": ["drop"]})


async def test_unbound_graph_takes_the_memory_from_context(memory: GraphMemory) -> None:
    await ask(memory, "a", *QA[0])
    await ask(memory, "b", *QA[1])
    graph = build_persist_sessions_graph()
    context = PersistSessionsContext(memory=memory)

    state = await graph.ainvoke({"user": memory.user, "session_ids": ["a"]}, context=context)
    synced = await asyncio.to_thread(
        graph.invoke, {"user": memory.user, "session_ids": ["b"]}, context=context
    )

    assert state["result"].entries_persisted == synced["result"].entries_persisted == 1


async def test_checkpointed_run_resumes_without_reading_sessions_again(tmp_path: Path) -> None:
    extractor = FailOnceExtractor()
    store = CountingSessionStore(tmp_path / "sessions.sqlite")
    memory = make_memory(tmp_path, extractor=extractor, session_store=store)
    await memory.aremember(TEXT)
    await ask(memory, "demo_session", *QA[0])
    graph = build_persist_sessions_graph(memory, checkpointer=InMemorySaver())
    config: Any = {"configurable": {"thread_id": "persist-1"}}
    extractor.arm()

    with pytest.raises(ExtractionError):
        await graph.ainvoke({"user": memory.user, "session_ids": ["demo_session"]}, config)
    snapshot = await graph.aget_state(config)
    assert snapshot.next == ("cognify_session",)
    reads = store.reads
    assert await watermark(memory, "demo_session") == 0

    state = await graph.ainvoke(None, config)

    assert store.reads == reads  # extract_user_sessions did not run again
    assert state["result"].entries_persisted == 1
    assert await watermark(memory, "demo_session") == 2
    assert len(await session_documents(memory)) == 1


async def test_a_run_that_failed_while_writing_resumes_after_a_restart(tmp_path: Path) -> None:
    """The graph write fails; a new process (a new graph over the same durable checkpoint file)
    resumes at cognify_session, without reading the sessions again, and persists once."""
    from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

    store = CountingSessionStore(tmp_path / "sessions.sqlite")
    memory = make_memory(tmp_path, session_store=store)
    await memory.aremember(TEXT)
    await ask(memory, "demo_session", *QA[0])
    config: Any = {"configurable": {"thread_id": "persist-1"}}
    checkpoints = str(tmp_path / "checkpoints.sqlite")
    graph_store = memory.graph_store
    real_apply = graph_store.aapply
    revision = await graph_store.acurrent_revision()

    async def failing_apply(ops: Any) -> Any:
        raise OSError("disk I/O error")

    graph_store.aapply = failing_apply  # type: ignore[method-assign]
    async with AsyncSqliteSaver.from_conn_string(checkpoints) as saver:
        graph = build_persist_sessions_graph(memory, checkpointer=saver)
        with pytest.raises(OSError, match="disk I/O"):
            await graph.ainvoke({"user": memory.user, "session_ids": ["demo_session"]}, config)
    graph_store.aapply = real_apply  # type: ignore[method-assign]
    assert await graph_store.acurrent_revision() == revision  # nothing written
    reads = store.reads

    async with AsyncSqliteSaver.from_conn_string(checkpoints) as saver:
        resumed = build_persist_sessions_graph(memory, checkpointer=saver)
        assert (await resumed.aget_state(config)).next == ("cognify_session",)
        state = await resumed.ainvoke(None, config)

    assert store.reads == reads  # extract_user_sessions did not run again
    assert state["result"].entries_persisted == 1
    assert await watermark(memory, "demo_session") == 2
    assert len(await session_documents(memory)) == 1


# -- bad input -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("session_ids", "match"),
    [
        ("demo_session", r"list of session ids"),
        (b"demo_session", r"list of session ids"),
        (42, r"list of session ids"),
        ({"demo_session"}, r"list of session ids"),
        ([""], r"session_id must not be empty"),
        (["a\nb"], r"control characters"),
        (["x" * 300], r"limit is 256"),
        ([None], r"session_id must be a str"),
    ],
    ids=["str", "bytes", "int", "set", "empty-id", "newline", "too-long", "none-id"],
)
async def test_bad_session_ids_raise_invalid_input(
    memory: GraphMemory, session_ids: object, match: str
) -> None:
    with pytest.raises(InvalidInputError, match=match):
        await persist(memory, session_ids)


async def test_bad_user_and_dataset_raise_invalid_input(memory: GraphMemory) -> None:
    with pytest.raises(InvalidInputError, match="get_default_user"):
        await persist_sessions_in_knowledge_graph_pipeline(
            "default",  # type: ignore[arg-type]
            ["demo_session"],
            memory=memory,
        )
    with pytest.raises(InvalidInputError, match="dataset"):
        await persist(memory, ["demo_session"], dataset="")
    with pytest.raises(InvalidInputError):
        await memory.aimprove(DATASET, ["demo_session"], user="someone")  # type: ignore[arg-type]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    bad=st.lists(
        st.one_of(
            st.integers(),
            st.none(),
            st.binary(max_size=8),
            st.just(""),
            st.text(min_size=257, max_size=300),
            st.text(max_size=5).map(lambda s: f"{s}\x00"),
        ),
        min_size=1,
        max_size=3,
    ),
    good=st.lists(st.text(min_size=1, max_size=20).filter(str.isprintable), max_size=2),
)
def test_fuzzed_bad_ids_raise_invalid_input_before_any_work(
    memory: GraphMemory, bad: list[object], good: list[str]
) -> None:
    revision = memory.graph_store.current_revision()
    session_ids: list[Any] = [*good, *bad]
    with pytest.raises(InvalidInputError):
        memory.improve(DATASET, session_ids)
    assert memory.graph_store.current_revision() == revision
