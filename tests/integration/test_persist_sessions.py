"""The persist-sessions pipeline end to end on real session stores (SQLite file and Redis) and
through a real ``ChatOpenAI`` against the scripted OpenAI-compatible server.

Redis runs under a key prefix unique to each test (the ``redis_prefix`` fixture deletes its keys).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage
from langgraph.checkpoint.memory import InMemorySaver

from cognee_langchain.chat_message_histories import SessionChatMessageHistory
from cognee_langchain.embeddings import WordLlamaEmbeddings
from cognee_langchain.errors import ExtractionError, NoSessionsFoundError
from cognee_langchain.extraction.llm import LLMGraphExtractor
from cognee_langchain.graph.base import TextKind
from cognee_langchain.memory import GraphMemory
from cognee_langchain.pipelines.persist_sessions import (
    SESSIONS_NODE_SET,
    PersistSessionsResult,
    PipelineRun,
    RunStatus,
    build_persist_sessions_graph,
    persist_sessions_in_knowledge_graph_pipeline,
)
from cognee_langchain.sessions import SessionStore
from cognee_langchain.users import User, get_default_user
from tests.support.llm_server import Reply, ScriptedLLMServer, extraction_responder

DATASET = "main_dataset"
TEXT = (
    "Acme Corp builds reusable rockets in Denver. Alice Johnson leads Acme Corp. "
    "Bob Smith joined Acme Corp in 2021 as chief engineer."
)
TURNS = [
    (
        "Who leads Acme Corp?",
        "Alice Johnson leads Acme Corp. She hired Bob Smith as chief engineer.",
    ),
    (
        "What did Alice Johnson say about Zeta Labs?",
        "Alice Johnson said that Zeta Labs in Lisbon supplies the Falcon engines to Acme Corp "
        "since March 2024.",
    ),
]


@pytest.fixture
def server() -> Iterator[ScriptedLLMServer]:
    with ScriptedLLMServer() as running:
        yield running


def llm_memory(
    tmp_path: Path,
    server: ScriptedLLMServer,
    session_store: SessionStore,
    embeddings: WordLlamaEmbeddings,
    budget: float = 3.0,
) -> tuple[GraphMemory, LLMGraphExtractor]:
    """A memory extracting through ChatOpenAI (its own retries off) on the scripted server, with
    one retry and ``budget`` seconds per chunk."""
    llm = server.chat_model(timeout=5.0)
    extractor = LLMGraphExtractor(llm, max_retries=1, timeout=budget, backoff_base=0.01)
    memory = GraphMemory(
        tmp_path, llm=llm, extractor=extractor, session_store=session_store, embeddings=embeddings
    )
    return memory, extractor


async def record(
    store: SessionStore, session_id: str, turns: list[tuple[str, str]], user: User | None = None
) -> list[str]:
    """Record turns as an agent would (one atomic append per turn); return their message ids."""
    user = user or await get_default_user()
    history = SessionChatMessageHistory(session_id, user_id=user.id, store=store)
    ids: list[str] = []
    for question, answer in turns:
        n = len(await history.aget_messages())
        ids += [f"{session_id}-{n}", f"{session_id}-{n + 1}"]
        await history.aadd_messages(
            [
                HumanMessage(question, id=ids[-2]),
                AIMessage(answer, id=ids[-1], response_metadata={"context_ids": ["ctx-1"]}),
            ]
        )
    return ids


def hold_reads(store: SessionStore, parties: int) -> None:
    """Make every session read wait until ``parties`` reads happened (on any loop or thread),
    so concurrent runs all read the same watermark before any of them persists."""
    barrier = threading.Barrier(parties)
    read = store.aread

    async def held(user_id: str, session_id: str, since: int = 0) -> Any:
        stored = await read(user_id, session_id, since)
        await asyncio.to_thread(barrier.wait, 10)
        return stored

    store.aread = held  # type: ignore[method-assign]


async def session_documents(memory: GraphMemory, dataset: str = DATASET) -> list[Any]:
    return await memory.graph_store.alist_documents(dataset, node_set=SESSIONS_NODE_SET)


# -- the seed, on each store -----------------------------------------------------------------------
async def test_seed_flow_end_to_end(
    tmp_path: Path, session_store: SessionStore, embeddings: WordLlamaEmbeddings
) -> None:
    memory = GraphMemory(tmp_path, session_store=session_store, embeddings=embeddings)
    await memory.aremember(TEXT, dataset=DATASET)
    await memory.arecall("Who leads Acme Corp?", session_id="demo_session")
    await memory.arecall("What does Acme Corp build?", session_id="demo_session")
    user = await get_default_user()
    recorded = (await session_store.aread(user.id, "demo_session")).messages
    message_ids = [str(m.id) for m in recorded]

    result = await persist_sessions_in_knowledge_graph_pipeline(
        user, ["demo_session"], dataset=DATASET, memory=memory
    )

    assert isinstance(result, PersistSessionsResult)
    assert (result.sessions_read, result.entries_persisted, result.documents_added) == (1, 2, 1)
    (document,) = await session_documents(memory)
    assert (document.session_id, document.message_ids) == ("demo_session", tuple(message_ids))
    assert document.metadata["context_ids"]  # what recall retrieved for the answers
    stats = (await memory.astats(DATASET)).datasets[DATASET].node_sets[SESSIONS_NODE_SET]
    assert stats.entities > 0 and stats.relations > 0
    store = memory.graph_store
    records = store.iter_records(TextKind.ENTITY, [DATASET], node_sets=[SESSIONS_NODE_SET])
    session_entities = store.get_entities([r.id for r in records])
    # The session re-mentions what the text said: the same nodes, with both provenances.
    (alice,) = [e for e in session_entities if e.name == "Alice Johnson"]
    assert len(alice.chunk_ids) == 2
    for entity in session_entities:
        assert entity.session_ids == ("demo_session",)
        assert entity.message_ids and set(entity.message_ids) <= set(message_ids)
    facts = store.iter_records(TextKind.FACT, [DATASET], node_sets=[SESSIONS_NODE_SET])
    for relation in store.get_relations([f.id for f in facts]):
        assert relation.session_ids == ("demo_session",)
        assert set(relation.message_ids) <= set(message_ids)

    again = await memory.aimprove(DATASET, ["demo_session"])
    assert isinstance(again, PersistSessionsResult) and again.entries_persisted == 0


async def test_session_only_knowledge_is_retrievable_by_node_set(
    tmp_path: Path, session_store: SessionStore, embeddings: WordLlamaEmbeddings
) -> None:
    memory = GraphMemory(tmp_path, session_store=session_store, embeddings=embeddings)
    await memory.aremember(TEXT, dataset=DATASET)
    message_ids = await record(session_store, "demo_session", TURNS)
    query = "Who supplies the Falcon engines?"
    assert await memory.asearch(query, node_sets=[SESSIONS_NODE_SET]) == []

    await memory.aimprove(DATASET, ["demo_session"])
    found = await memory.asearch(query, node_sets=[SESSIONS_NODE_SET])

    assert any("Zeta Labs" in document.page_content for document in found)
    for document in found:
        assert SESSIONS_NODE_SET in document.metadata["node_set"]
        assert document.metadata["session_ids"] == ["demo_session"]
        assert set(document.metadata["message_ids"]) <= set(message_ids)


async def test_another_users_session_is_never_persisted(
    tmp_path: Path, session_store: SessionStore, embeddings: WordLlamaEmbeddings
) -> None:
    memory = GraphMemory(tmp_path, session_store=session_store, embeddings=embeddings)
    await memory.aremember(TEXT)
    other = User(id="someone-else")
    await record(session_store, "shared_name", [("Secret?", "Mallory Keys runs Vault Co.")], other)

    with pytest.raises(NoSessionsFoundError, match="shared_name"):
        await memory.aimprove(DATASET, ["shared_name"])

    await record(session_store, "mine", TURNS[:1])
    result = await memory.aimprove(DATASET, ["mine", "shared_name"])
    assert isinstance(result, PersistSessionsResult)
    assert result.missing_session_ids == ("shared_name",)
    assert [d.session_id for d in await session_documents(memory)] == ["mine"]
    assert await session_store.aget_watermark(other.id, "shared_name", DATASET) == 0


async def test_concurrent_runs_on_one_session_persist_each_entry_once(
    tmp_path: Path, session_store: SessionStore, embeddings: WordLlamaEmbeddings
) -> None:
    memory = GraphMemory(tmp_path, session_store=session_store, embeddings=embeddings)
    await memory.aremember(TEXT)
    await record(session_store, "demo_session", TURNS)
    hold_reads(session_store, 3)

    results = await asyncio.gather(
        memory.aimprove(DATASET, ["demo_session"]),
        memory.aimprove(DATASET, ["demo_session"]),
        asyncio.to_thread(memory.improve, DATASET, ["demo_session"]),
    )

    persisted = [r.entries_persisted for r in results if isinstance(r, PersistSessionsResult)]
    assert sorted(persisted) == [0, 0, 2]
    assert len(await session_documents(memory)) == 1
    user = await get_default_user()
    assert await session_store.aget_watermark(user.id, "demo_session", DATASET) == 4


# -- through the LLM -------------------------------------------------------------------------------
async def test_one_llm_call_per_session(
    tmp_path: Path,
    server: ScriptedLLMServer,
    session_store: SessionStore,
    embeddings: WordLlamaEmbeddings,
) -> None:
    memory, extractor = llm_memory(tmp_path, server, session_store, embeddings)
    await memory.aremember(TEXT)
    await record(session_store, "s1", TURNS)
    await record(session_store, "s2", [(q + " Again?", a + " Still true.") for q, a in TURNS])
    server.reset()

    result = await memory.aimprove(DATASET, ["s1", "s2"])

    assert isinstance(result, PersistSessionsResult)
    assert result.entries_persisted == 4
    assert len(server.chat_requests) == extractor.llm_calls - 1 == 2  # remember made 1 call
    await memory.aimprove(DATASET, ["s1", "s2"])
    assert len(server.chat_requests) == 2  # nothing new: no call


@pytest.mark.parametrize(
    "failure",
    [Reply.error(500), Reply.error(429, retry_after=0), Reply.text("{not json")],
    ids=["server-error", "rate-limited", "malformed-output"],
)
async def test_llm_errors_raise_extraction_error_and_change_nothing(
    tmp_path: Path,
    server: ScriptedLLMServer,
    session_store: SessionStore,
    embeddings: WordLlamaEmbeddings,
    failure: Reply,
) -> None:
    memory, extractor = llm_memory(tmp_path, server, session_store, embeddings)
    await memory.aremember(TEXT)
    await record(session_store, "demo_session", TURNS)
    user = await get_default_user()
    revision = await memory.graph_store.acurrent_revision()
    server.responder = lambda body: failure

    with pytest.raises(ExtractionError) as caught:
        await memory.aimprove(DATASET, ["demo_session"])

    assert "Check the chat model's provider configuration" in str(caught.value)
    assert extractor.llm_calls == 1 + 2  # remember, then the first attempt and one retry
    assert isinstance(caught.value.__cause__, Exception)
    assert await session_store.aget_watermark(user.id, "demo_session", DATASET) == 0
    assert await memory.graph_store.acurrent_revision() == revision
    assert await session_documents(memory) == []

    server.responder = extraction_responder  # the provider recovers
    result = await memory.aimprove(DATASET, ["demo_session"])
    assert isinstance(result, PersistSessionsResult) and result.entries_persisted == 2


async def test_llm_timeout_raises_extraction_error_within_the_budget(
    tmp_path: Path,
    server: ScriptedLLMServer,
    session_store: SessionStore,
    embeddings: WordLlamaEmbeddings,
) -> None:
    memory, _ = llm_memory(tmp_path, server, session_store, embeddings, budget=0.5)
    await memory.aremember(TEXT)
    await record(session_store, "demo_session", TURNS)
    user = await get_default_user()
    server.responder = lambda body: Reply.hang(5)

    with pytest.raises(ExtractionError, match="budget"):
        await memory.aimprove(DATASET, ["demo_session"])

    assert await session_store.aget_watermark(user.id, "demo_session", DATASET) == 0
    assert await session_documents(memory) == []


async def test_failing_background_run_reports_the_extraction_error(
    tmp_path: Path,
    server: ScriptedLLMServer,
    session_store: SessionStore,
    embeddings: WordLlamaEmbeddings,
) -> None:
    memory, _ = llm_memory(tmp_path, server, session_store, embeddings)
    await memory.aremember(TEXT)
    await record(session_store, "demo_session", TURNS)
    server.responder = lambda body: Reply.error(503)

    run = await memory.aimprove(DATASET, ["demo_session"], run_in_background=True)

    assert isinstance(run, PipelineRun)
    with pytest.raises(ExtractionError):
        await run
    assert run.status == RunStatus.FAILED
    assert isinstance(run.exception, ExtractionError)


async def test_checkpointed_run_resumes_after_the_llm_failed(
    tmp_path: Path,
    server: ScriptedLLMServer,
    session_store: SessionStore,
    embeddings: WordLlamaEmbeddings,
) -> None:
    memory, _ = llm_memory(tmp_path, server, session_store, embeddings)
    await memory.aremember(TEXT)
    await record(session_store, "demo_session", TURNS)
    reads = 0
    read = session_store.aread

    async def counted(user_id: str, session_id: str, since: int = 0) -> Any:
        nonlocal reads
        reads += 1
        return await read(user_id, session_id, since)

    session_store.aread = counted  # type: ignore[method-assign]
    graph = build_persist_sessions_graph(memory, checkpointer=InMemorySaver())
    config: Any = {"configurable": {"thread_id": "improve-1"}}
    server.script(Reply.error(500), Reply.error(500))  # the first attempt and its retry

    with pytest.raises(ExtractionError):
        await graph.ainvoke({"user": memory.user, "session_ids": ["demo_session"]}, config)
    assert reads == 1

    state = await graph.ainvoke(None, config)

    assert reads == 1  # resumed at cognify_session: the sessions were not read again
    assert state["result"].entries_persisted == 2
    assert len(await session_documents(memory)) == 1
