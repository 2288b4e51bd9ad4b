"""GraphIndex: loaded from stored vectors (never re-embedding), caught up incrementally with
remember / forget, equal to a fresh load, safe under concurrent searches and writes."""

from __future__ import annotations

import gc
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cognee_langchain.errors import InvalidInputError
from cognee_langchain.graph.base import TextKind, TextRecord
from cognee_langchain.graph.models import SourceItem
from cognee_langchain.graph.sqlite import SQLiteGraphStore
from cognee_langchain.memory import GraphMemory
from cognee_langchain.retrieval import Ranker, RankerConfig, SearchConfig
from cognee_langchain.retrieval.graph_index import GraphIndex, summary_item_id
from cognee_langchain.retrieval.types import SearchHit
from tests.unit.test_memory_support import BagOfWordsEmbeddings, make_memory

TEXT_A = "Alice Johnson leads Acme Corp. Acme Corp builds Starship."
TEXT_B = "Bob Smith founded Zeta Labs. Zeta Labs acquired Acme Corp."
TEXT_C = "Carol Diaz lives in Denver. Carol Diaz works with Bob Smith."


class ScanCountingStore(SQLiteGraphStore):
    """Records every ``aread_records`` call (the primitive the index reads through): full scans
    (no ``ids``) vs reads of named records."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.reads: list[tuple[TextKind, bool]] = []

    async def aread_records(
        self, kind: TextKind, datasets: Sequence[str], **kwargs: Any
    ) -> list[TextRecord]:
        self.reads.append((kind, kwargs.get("ids") is None))
        return await super().aread_records(kind, datasets, **kwargs)

    @property
    def full_scans(self) -> int:
        return sum(scan for _, scan in self.reads)


def ids(memory: GraphMemory, query: str, search_type: str = "graph", k: int = 20) -> set[str]:
    return {doc.id for doc in memory.search(query, search_type=search_type, top_k=k) if doc.id}


def chunk_of(memory: GraphMemory, document_id: str) -> str:
    (document,) = memory.graph_store.get_documents([document_id])
    (chunk_id,) = document.chunk_ids
    return chunk_id


def test_first_search_loads_stored_vectors_without_re_embedding(tmp_path: Path) -> None:
    writer = make_memory(tmp_path)
    first = writer.remember([TEXT_A, TEXT_B]).document_ids[0]
    writer.close()
    embeddings = BagOfWordsEmbeddings()
    reader = make_memory(tmp_path, embeddings=embeddings)

    found = ids(reader, "Who leads Acme Corp?", "chunks")

    assert chunk_of(reader, first) in found
    assert embeddings.calls == 1  # the query, nothing else


def test_remember_after_a_search_is_found_without_a_rebuild(tmp_path: Path) -> None:
    store = ScanCountingStore(tmp_path / "graph.sqlite")
    memory = make_memory(tmp_path, graph_store=store)
    memory.remember(TEXT_A)
    assert ids(memory, "Carol Diaz Denver") and store.full_scans == 4  # the load: one per kind

    document = memory.remember(TEXT_C).document_ids[0]
    found = ids(memory, "Carol Diaz Denver")

    assert chunk_of(memory, document) in found
    assert summary_item_id(chunk_of(memory, document)) in ids(memory, "Carol Diaz", "summaries")
    facts = memory.search("Carol Diaz Denver", search_type="facts")
    assert any(doc.page_content.startswith("Carol Diaz lives in Denver.") for doc in facts)
    assert store.full_scans == 4  # caught up by reading the changed records only
    assert memory.graph_index.revision == store.current_revision()


def test_forgotten_content_disappears_from_every_search_type(tmp_path: Path) -> None:
    memory = make_memory(tmp_path)
    kept, gone = memory.remember([TEXT_A, TEXT_C]).document_ids
    gone_chunk = chunk_of(memory, gone)
    before = {t: ids(memory, "Carol Diaz Denver Bob Smith", t) for t in ("chunks", "facts")}
    assert gone_chunk in before["chunks"] and len(before["facts"]) >= 2

    memory.forget("main_dataset", document_id=gone)

    for search_type in ("graph", "chunks", "facts", "summaries"):
        docs = memory.search("Carol Diaz Denver Bob Smith", search_type=search_type, top_k=20)
        assert docs, search_type  # TEXT_A is still there to be found
        assert all(gone_chunk not in doc.metadata["chunk_ids"] for doc in docs), search_type
    assert chunk_of(memory, kept) in ids(memory, "Alice Johnson")


def test_entities_of_forgotten_content_stop_seeding_the_graph_walk(tmp_path: Path) -> None:
    memory = make_memory(tmp_path)
    _, gone = memory.remember([TEXT_A, TEXT_C]).document_ids
    memory.search("anything")
    engine = memory.graph_index.engine
    assert engine is not None
    entities_before = engine.stats()["entities"]

    memory.forget("main_dataset", document_id=gone)
    memory.search("anything")

    # Carol Diaz, Denver and Bob Smith were only in TEXT_C.
    assert engine.stats()["entities"] == entities_before - 3


def test_session_provenance_reaches_document_metadata(tmp_path: Path) -> None:
    memory = make_memory(tmp_path)
    item = SourceItem(text=TEXT_B, session_id="chat-1", message_ids=("m1", "m2"))
    memory.ingest([item], node_set="user_sessions_from_cache")

    docs = memory.search("Bob Smith Zeta Labs", search_type="graph", top_k=20)

    assert {doc.metadata["type"] for doc in docs} == {"chunk", "fact"}
    for doc in docs:
        assert doc.metadata["session_id"] == "chat-1"
        assert doc.metadata["session_ids"] == ["chat-1"]
        assert doc.metadata["message_ids"] == ["m1", "m2"]
        assert doc.metadata["node_set"] == ["user_sessions_from_cache"]


def test_a_store_whose_revision_went_back_is_loaded_again(tmp_path: Path) -> None:
    index = GraphIndex()
    old = make_memory(tmp_path / "old")
    for text in (TEXT_A, TEXT_B, TEXT_C):
        old.remember(text)
    index.refresh(old.graph_store)
    fresh = make_memory(tmp_path / "new")
    fresh.remember(TEXT_C)
    assert fresh.graph_store.current_revision() < old.graph_store.current_revision()
    vector = BagOfWordsEmbeddings().embed_query("Alice Johnson")

    hits = index.search(fresh.graph_store, "Alice Johnson", vector, "chunks", k=5)

    assert [hit.text for hit in hits] == [TEXT_C]


def test_an_empty_store_finds_nothing(tmp_path: Path) -> None:
    index = GraphIndex()
    store = SQLiteGraphStore(tmp_path / "graph.sqlite")
    assert index.search(store, "anything", [1.0, 0.0], "chunks") == []
    assert index.engine is None and index.revision == 0


def test_concurrent_searches_and_remembers_stay_consistent(tmp_path: Path) -> None:
    memory = make_memory(tmp_path)
    memory.remember(TEXT_A)
    texts = [f"Person{i} Smith leads Company{i} Corp." for i in range(12)]
    errors: list[BaseException] = []

    def search() -> None:
        try:
            for _ in range(20):
                assert ids(memory, "Alice Johnson Acme Corp")  # TEXT_A is always there
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=search) for _ in range(3)]
    for thread in threads:
        thread.start()
    for text in texts:
        memory.remember(text)
    for thread in threads:
        thread.join()

    assert not errors
    chunk_texts = {
        doc.page_content for doc in memory.search("Smith", search_type="chunks", top_k=50)
    }
    assert chunk_texts >= set(texts)


# -- incremental updates equal a fresh load --------------------------------------------------------
POOL = [
    TEXT_A,
    TEXT_B,
    TEXT_C,
    "Alice Johnson works with Carol Diaz.",
    "Zeta Labs builds Starship. Bob Smith lives in Paris.",
]
QUERIES = ["Alice Johnson", "Who leads Acme Corp?", "Zeta Labs Starship", "Carol Diaz Paris"]


def _content(hit: SearchHit) -> tuple[object, ...]:
    return (
        hit.id,
        hit.kind,
        hit.text,
        hit.dataset,
        hit.node_sets,
        hit.chunk_ids,
        hit.entity_ids,
        tuple(sorted(hit.metadata.items())),
    )


def _sizes(index: GraphIndex) -> tuple[dict[str, int], int]:
    """Live items per kind and entities (an index that never saw a record holds none)."""
    if index.engine is None:
        return {"chunk": 0, "fact": 0, "summary": 0}, 0
    stats = index.engine.stats()
    return stats["items"], stats["entities"]


operation = st.one_of(
    st.tuples(st.just("remember"), st.sampled_from(range(len(POOL))), st.booleans()),
    st.tuples(st.just("forget"), st.sampled_from(range(len(POOL))), st.booleans()),
)


@settings(max_examples=25, deadline=None)
@given(st.lists(operation, min_size=1, max_size=6))
@example([("remember", 0, False), ("forget", 0, False)])
@example([("remember", 1, False), ("remember", 1, True), ("forget", 1, False)])
def test_incremental_index_equals_a_fresh_load(ops: list[tuple[str, int, bool]]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        memory = make_memory(Path(directory))
        documents: dict[tuple[int, bool], str] = {}
        for action, text, in_node_set in ops:
            node_set = "notes" if in_node_set else None
            if action == "remember":
                result = memory.remember(POOL[text], node_set=node_set)
                documents[text, in_node_set] = result.document_ids[0]
            elif (text, in_node_set) in documents:
                memory.forget("main_dataset", document_id=documents.pop((text, in_node_set)))
            memory.search("warm up")  # the incremental index follows every step
        fresh = GraphIndex()
        embed = memory.embeddings.embed_query
        for query in QUERIES:
            for search_type in ("graph", "chunks", "facts", "summaries"):
                # k above the corpus size: the dense ranker lists every item of a kind, so the
                # hits are the whole index content (the order of tied scores may differ).
                args = (query, embed(query), search_type, 100)
                got = memory.graph_index.search(memory.graph_store, *args)
                want = fresh.search(memory.graph_store, *args)
                assert {_content(hit) for hit in got} == {_content(hit) for hit in want}
        assert _sizes(memory.graph_index) == _sizes(fresh)
        memory.close()


# -- following the store in the background ----------------------------------------------------
LEXICAL = SearchConfig(rankers=(RankerConfig("chunk", Ranker.BM25),))


def _eventually(condition: Any, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_a_following_index_catches_up_with_another_writer_before_any_search(
    tmp_path: Path,
) -> None:
    writer = make_memory(tmp_path / "writer", graph_store=tmp_path / "graph.sqlite")
    writer.remember(TEXT_A)
    store = SQLiteGraphStore(tmp_path / "graph.sqlite")
    index = GraphIndex(follow=True)
    try:
        assert not index.following
        index.refresh(store)  # the first search loads and starts following
        assert index.following
        revision = writer.remember(TEXT_B).revision
        assert _eventually(lambda: index.revision == revision)
        engine = index.engine
        assert engine is not None
        assert any("Zeta" in hit.text for hit in engine.search("Zeta Labs", config=LEXICAL))

        index.stop_following()
        assert not index.following
        later = writer.remember(TEXT_C).revision
        time.sleep(0.3)  # six polls' worth: nothing follows any more
        assert index.revision == revision != later
        index.refresh(store)  # a search still sees every write, and follows again
        assert index.revision == later and index.following
    finally:
        index.stop_following()
        store.close()
        writer.close()


def test_a_dropped_index_stops_following(tmp_path: Path) -> None:
    memory = make_memory(tmp_path)
    memory.remember(TEXT_A)
    index = GraphIndex(follow=True)
    index.refresh(memory.graph_store)
    follower = index._follower
    assert follower is not None
    del index
    gc.collect()
    assert _eventually(follower.done, seconds=5.0)
    memory.close()


def test_next_revision_returns_at_a_commit_or_at_the_timeout(tmp_path: Path) -> None:
    memory = make_memory(tmp_path)
    store = memory.graph_store
    before = store.current_revision()
    started = time.monotonic()
    assert store.next_revision(before, 0.2) == before
    assert time.monotonic() - started >= 0.2
    timer = threading.Timer(0.1, memory.remember, [TEXT_A])
    timer.start()
    assert store.next_revision(before, 10.0) == before + 1
    timer.join()
    assert store.next_revision(before, 10.0) == before + 1  # already past: at once
    for bad in ({"after": -1, "timeout": 1.0}, {"after": 0, "timeout": -1.0}):
        with pytest.raises(InvalidInputError):
            store.next_revision(**bad)
    memory.close()
