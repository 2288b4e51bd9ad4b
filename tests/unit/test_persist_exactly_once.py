"""Persisting session Q&A is exactly once, whatever fails: an entry is stored in one document and
one chunk however runs fail, retry and interleave with new turns; results say what was added and
what trimming lost; ``run_in_background`` is a real bool.

Faults are injected in process here (a store raising at each step of ``improve``); the SIGKILL
crash matrix on SQLite and Redis is ``tests/integration/test_crash_consistency.py``.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, HumanMessage

from cognee_langchain.core.validation import check_bool
from cognee_langchain.errors import (
    ExtractionError,
    InvalidInputError,
    SessionStoreUnavailableError,
)
from cognee_langchain.graph.models import SourceDocument
from cognee_langchain.memory import GraphMemory
from cognee_langchain.pipelines.persist_sessions import SESSIONS_NODE_SET, PersistSessionsResult
from cognee_langchain.services.rendering import messages_document, session_messages, uncovered
from cognee_langchain.services.units import WINDOW_CHARS
from cognee_langchain.sessions.sqlite import SQLiteSessionStore
from tests.support.persist_checks import DATASET, assert_exactly_once, placement, question, turn
from tests.unit.test_memory_support import TYPES, PatternExtractor, make_memory

TEXT = "Alice Johnson leads Acme Corp. Acme Corp builds Starship."


def improve(memory: GraphMemory, *session_ids: str) -> PersistSessionsResult:
    result = memory.improve(DATASET, list(session_ids))
    assert isinstance(result, PersistSessionsResult)
    return result


@pytest.fixture
def memory(tmp_path: Path) -> GraphMemory:
    memory = make_memory(tmp_path)
    memory.remember(TEXT, dataset=DATASET)
    return memory


def fail_watermark_once(memory: GraphMemory) -> Callable[[], None]:
    """Make the next watermark advance fail (the store went away), after the graph commit."""
    store = memory.session_store
    original = store.aadvance_watermark

    async def down(*args: Any, **kwargs: Any) -> bool:
        store.aadvance_watermark = original  # type: ignore[method-assign]
        raise SessionStoreUnavailableError("redis://x")

    store.aadvance_watermark = down  # type: ignore[method-assign]
    return lambda: setattr(store, "aadvance_watermark", original)


# -- the hostile tester's repro ----------------------------------------------------------------
def test_regression_failed_watermark_then_new_turns_stores_each_qa_once(
    memory: GraphMemory,
) -> None:
    """The graph committed, the watermark update failed, new turns arrived: the next run read
    from the old watermark, rendered a different text and stored Question0..2 a second time."""
    store, user = memory.session_store, memory.user.id
    for i in range(3):
        store.append(user, "t", turn(i))
    fail_watermark_once(memory)
    with pytest.raises(SessionStoreUnavailableError):
        improve(memory, "t")
    assert len(memory.graph_store.list_documents(DATASET, node_set=SESSIONS_NODE_SET)) == 1
    store.append(user, "t", turn(3))

    result = improve(memory, "t")

    assert (result.entries_persisted, result.documents_added) == (1, 1)
    assert result.message == "Persisted 2 message(s) (1 exchange(s)) from 1 session(s)."
    assert_exactly_once(memory, 4)
    assert store.get_watermark(user, "t", DATASET) == 8


def test_retry_that_finds_everything_stored_says_nothing_new(memory: GraphMemory) -> None:
    store, user = memory.session_store, memory.user.id
    for i in range(2):
        store.append(user, "t", turn(i))
    fail_watermark_once(memory)
    with pytest.raises(SessionStoreUnavailableError):
        improve(memory, "t")
    revision = memory.graph_store.current_revision()

    retry = improve(memory, "t")

    assert (retry.entries_persisted, retry.documents_added, retry.chunks_added) == (0, 0, 0)
    assert retry.message.startswith("Nothing new to persist")
    assert memory.graph_store.current_revision() == revision  # no write at all
    assert store.get_watermark(user, "t", DATASET) == 4  # caught up
    assert_exactly_once(memory, 2)


# -- chunks cut at entry boundaries ------------------------------------------------------------
def test_regression_clean_run_never_repeats_an_entry_in_two_chunks(tmp_path: Path) -> None:
    """Sessions were chunked 6,000 characters with the memory's 150-character overlap: an entry
    at each boundary was stored (and extracted) twice."""
    extractor = PatternExtractor(TYPES)
    memory = make_memory(tmp_path, extractor=extractor)
    memory.remember(TEXT, dataset=DATASET)
    extractor.calls.clear()
    for i in range(40):
        memory.session_store.append(memory.user.id, "long", turn(i, answer_words=40))

    result = improve(memory, "long")

    assert result.entries_persisted == 40
    assert_exactly_once(memory, 40)
    documents = memory.graph_store.list_documents(DATASET, node_set=SESSIONS_NODE_SET)
    chunks = memory.graph_store.get_chunks([c for d in documents for c in d.chunk_ids])
    assert result.chunks_added == len(chunks) == 80  # one unit per message
    assert all(len(d.chunk_ids) * 2 < 80 for d in documents)  # several documents
    total = sum(len(c.text) + 1 for c in chunks)
    # one extraction per window of whole turns: no more calls than windows, plus one per document
    assert extractor.chunks_extracted <= total // WINDOW_CHARS + len(documents)
    message_ids = [m for d in documents for m in d.message_ids]
    assert len(message_ids) == len(set(message_ids)) == 80


def test_entry_longer_than_a_chunk_is_split_without_overlap(memory: GraphMemory) -> None:
    memory.session_store.append(memory.user.id, "huge", turn(0, answer_words=2000))

    improve(memory, "huge")

    (document,) = memory.graph_store.list_documents(DATASET, node_set=SESSIONS_NODE_SET)
    chunks = memory.graph_store.get_chunks(list(document.chunk_ids))
    assert len(chunks) > 1
    # no word repeated but the speaker label each piece of the cut answer starts with
    words = [w for c in chunks for w in c.text.split() if w not in ("User:", "Assistant:")]
    assert len(words) == len(set(words))
    assert sum(question(0) in c.text for c in chunks) == 1


# -- identity, not text ------------------------------------------------------------------------
def test_session_deleted_and_recorded_again_is_persisted_again(memory: GraphMemory) -> None:
    """A recorded-again session restarts its sequence numbers and position-based message ids;
    its Q&A is new, not the first session's."""
    store, user = memory.session_store, memory.user.id
    store.append(user, "again", [HumanMessage("Who founded Zeta?"), AIMessage("Carol Diaz.")])
    improve(memory, "again")
    store.delete(user, "again")
    store.append(user, "again", [HumanMessage("Who leads Acme?"), AIMessage("Alice Johnson.")])

    result = improve(memory, "again")

    assert result.entries_persisted == 1
    documents = memory.graph_store.list_documents(DATASET, node_set=SESSIONS_NODE_SET)
    assert [d.message_ids for d in documents] == [("again#0", "again#1")] * 2


@pytest.mark.parametrize("recorded", [None, "entry_keys"])
def test_document_without_message_keys_is_matched_by_message_ids(
    memory: GraphMemory, recorded: str | None
) -> None:
    """Documents written before messages recorded their keys (with no keys at all, or with the
    keys of whole Q&A entries) still count as holding their messages."""
    store, user = memory.session_store, memory.user.id
    store.append(user, "old", [HumanMessage("Q?", id="q"), AIMessage("A.", id="a")])
    item = messages_document("old", session_messages("old", store.read(user, "old").items))
    # written by an earlier version: another rendering, no message keys
    metadata = {k: v for k, v in item.metadata.items() if k != "message_keys"}
    if recorded:
        metadata[recorded] = ["0-2@1.0"]
    legacy = item.model_copy(
        update={"text": f"User asked: {item.text}", "metadata": metadata, "turns": ()}
    )
    memory.ingest([legacy], dataset=DATASET, node_set=SESSIONS_NODE_SET)

    result = improve(memory, "old")

    assert (result.entries_persisted, result.documents_added) == (0, 0)
    assert store.get_watermark(user, "old", DATASET) == 2


# -- what trimming lost ------------------------------------------------------------------------
def trimming_memory(tmp_path: Path, max_messages: int) -> GraphMemory:
    store = SQLiteSessionStore(tmp_path / "trim.sqlite", max_messages=max_messages)
    memory = make_memory(tmp_path, session_store=store)
    memory.remember(TEXT, dataset=DATASET)
    return memory


def test_messages_trimmed_before_persisting_are_counted_and_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    memory = trimming_memory(tmp_path, max_messages=4)
    for i in range(4):
        memory.session_store.append(memory.user.id, "t", turn(i))  # Question000-001 trimmed

    with caplog.at_level(logging.WARNING, logger="cognee_langchain.services.persist"):
        result = improve(memory, "t")

    assert (result.entries_persisted, result.messages_lost, result.lost_session_ids) == (
        2,
        4,
        ("t",),
    )
    assert result.messages_lost_to_trimming == 4  # the 0.1 name still reads
    assert "4 message(s) left the session cache before they were persisted" in result.message
    (record,) = [r for r in caplog.records if r.name == "cognee_langchain.services.persist"]
    assert "'t': 4 message(s) left the session cache" in record.getMessage()
    assert "max_messages" in record.getMessage()
    assert placement(memory, 4) == {
        question(0): (0, 0),
        question(1): (0, 0),
        question(2): (1, 1),
        question(3): (1, 1),
    }
    caplog.clear()
    again = improve(memory, "t")
    assert (again.entries_persisted, again.messages_lost_to_trimming) == (0, 0)
    assert [r for r in caplog.records if r.name == "cognee_langchain.services.persist"] == []


def test_trimming_only_what_a_failed_run_stored_loses_nothing(tmp_path: Path) -> None:
    memory = trimming_memory(tmp_path, max_messages=4)
    store, user = memory.session_store, memory.user.id
    for i in range(2):
        store.append(user, "t", turn(i))
    fail_watermark_once(memory)
    with pytest.raises(SessionStoreUnavailableError):
        improve(memory, "t")
    for i in range(2, 4):
        store.append(user, "t", turn(i))  # trims Question000-001: stored by the failed run

    result = improve(memory, "t")

    assert (result.entries_persisted, result.messages_lost_to_trimming) == (2, 0)
    assert_exactly_once(memory, 4)


def test_trimmed_messages_with_nothing_left_to_persist_move_the_watermark(
    tmp_path: Path,
) -> None:
    memory = trimming_memory(tmp_path, max_messages=1)
    store, user = memory.session_store, memory.user.id
    store.append(user, "t", turn(0))  # only the answer is kept, persisted on its own

    first = improve(memory, "t")

    assert (first.entries_persisted, first.messages_lost_to_trimming) == (1, 1)
    assert first.messages_persisted == 1
    assert store.get_watermark(user, "t", DATASET) == 2  # reported once, not on every run
    assert improve(memory, "t").messages_lost_to_trimming == 0


def test_uncovered_counts_only_trimmed_messages_no_document_holds() -> None:
    docs = [
        SourceDocument(
            id=str(i), dataset=DATASET, created_at=0.0, metadata={"first_seq": a, "end_seq": b}
        )
        for i, (a, b) in enumerate([(2, 4), (3, 6), (10, 12)])
    ]
    assert uncovered(0, 8, docs) == 4  # 0, 1, 6, 7
    assert uncovered(5, 5, docs) == 0
    assert uncovered(0, 20, []) == 20


# -- run_in_background -------------------------------------------------------------------------
@pytest.mark.parametrize("flag", ["no", "yes", 0, 1, None, "False"])
def test_run_in_background_must_be_a_bool(memory: GraphMemory, flag: object) -> None:
    memory.session_store.append(memory.user.id, "t", turn(0))
    revision = memory.graph_store.current_revision()

    with pytest.raises(InvalidInputError, match="run_in_background must be True or False"):
        memory.improve(DATASET, ["t"], run_in_background=flag)  # type: ignore[call-overload]

    assert memory.graph_store.current_revision() == revision
    assert memory.session_store.get_watermark(memory.user.id, "t", DATASET) == 0


def test_check_bool() -> None:
    assert check_bool(True, "flag") is True
    assert check_bool(False, "flag") is False
    with pytest.raises(InvalidInputError, match="flag must be True or False, got 'no'"):
        check_bool("no", "flag")


# -- any fault at any step, any number of times ------------------------------------------------
FAULTS = ["extract", "before_commit", "after_commit", "before_advance", "after_advance"]


class Fault(Exception):
    pass


def arm(memory: GraphMemory, extractor: PatternExtractor, point: str) -> Callable[[], None]:
    """Make the next run fail at ``point`` if it gets there; return what disarms it."""
    owner: Any
    if point == "extract":
        owner, name = extractor, "aextract"
    elif point in ("before_commit", "after_commit"):
        owner, name = memory.graph_store, "aapply"
    else:
        owner, name = memory.session_store, "aadvance_watermark"
    original = getattr(owner, name)

    async def failing(*args: Any) -> Any:
        if point == "before_advance":
            raise SessionStoreUnavailableError("redis://x")
        if point.startswith("after"):
            await original(*args)
        raise Fault(point)

    setattr(owner, name, failing)
    return lambda: vars(owner).pop(name)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=3),  # new turns before the run
            st.sampled_from(["a", "b"]),  # the session they go to
            st.sampled_from([None, *FAULTS]),  # where the run fails, if it does
        ),
        min_size=1,
        max_size=6,
    )
)
def test_any_sequence_of_failed_runs_converges_to_exactly_once(
    tmp_path_factory: pytest.TempPathFactory, steps: list[tuple[int, str, str | None]]
) -> None:
    extractor = PatternExtractor(TYPES)
    memory = make_memory(tmp_path_factory.mktemp("prop"), extractor=extractor)
    memory.remember(TEXT, dataset=DATASET)
    store, user = memory.session_store, memory.user.id
    asked = 0
    store.append(user, "a", turn(asked))
    store.append(user, "b", turn(asked + 1))
    asked += 2
    try:
        for new_turns, session_id, fault in steps:
            for _ in range(new_turns):
                store.append(user, session_id, turn(asked))
                asked += 1
            if fault is None:
                improve(memory, "a", "b")
                continue
            disarm = arm(memory, extractor, fault)
            with contextlib.suppress(Fault, SessionStoreUnavailableError, ExtractionError):
                improve(memory, "a", "b")  # fails, unless there was nothing to do at the fault
            disarm()
        final = improve(memory, "a", "b")
        assert_exactly_once(memory, asked)
        assert improve(memory, "a", "b").entries_persisted == 0
        assert final.messages_lost_to_trimming == 0
        for session_id in ("a", "b"):
            assert (
                store.get_watermark(user, session_id, DATASET) == store.read(user, session_id).end
            )
    finally:
        memory.close()
