"""GraphMemory.remember / ingest: the graph it builds, resolution, idempotence, failures, inputs."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from langchain_core.documents import Document

from cognee_langchain.core.defaults import Limits
from cognee_langchain.errors import (
    CogneeLangchainError,
    ExtractionError,
    InvalidInputError,
    PermissionDeniedError,
)
from cognee_langchain.extraction.offline import OfflineGraphExtractor
from cognee_langchain.extraction.schema import ChunkExtraction
from cognee_langchain.graph.base import TextKind
from cognee_langchain.graph.models import SourceItem
from cognee_langchain.graph.resolution import EntityResolver
from cognee_langchain.graph.sqlite import SQLiteGraphStore
from cognee_langchain.memory import MAX_TEXT_CHARS, GraphMemory
from cognee_langchain.sessions.sqlite import SQLiteSessionStore
from cognee_langchain.users import User
from tests.unit.test_memory_support import (
    TYPES,
    BagOfWordsEmbeddings,
    CallbackExtractor,
    FailingEmbeddings,
    FailingExtractor,
    PatternExtractor,
    entities,
    make_memory,
    triples,
)

TEXT_A = "Alice Johnson leads Acme Corp. Bob Smith joined Acme Corp. Acme Corp builds Starship."
TEXT_B = "ACME Corporation acquired Zeta Labs. Carol Diaz founded Zeta Labs."


@pytest.fixture
def memory(tmp_path: Path) -> GraphMemory:
    return make_memory(tmp_path)


def test_remember_builds_the_hand_checked_graph(memory: GraphMemory) -> None:
    result = memory.remember(TEXT_A)

    assert (result.documents_added, result.chunks_added) == (1, 1)
    assert (result.entities_added, result.relations_added) == (4, 3)
    found = entities(memory)
    assert {name: e.type for name, e in found.items()} == {
        "Alice Johnson": "Person",
        "Acme Corp": "Organization",
        "Bob Smith": "Person",
        "Starship": "Concept",
    }
    assert triples(memory) == {
        ("Alice Johnson", "leads", "Acme Corp"),
        ("Bob Smith", "joined", "Acme Corp"),
        ("Acme Corp", "builds", "Starship"),
    }
    (document,) = memory.graph_store.get_documents(result.document_ids)
    (chunk,) = memory.graph_store.get_chunks(document.chunk_ids)
    assert chunk.text == TEXT_A
    assert chunk.summary == "Alice Johnson leads Acme Corp."
    assert chunk.document_ids == (document.id,)
    assert all(e.chunk_ids == (chunk.id,) for e in found.values())


def test_every_record_gets_a_normalised_vector(memory: GraphMemory) -> None:
    memory.remember(TEXT_A)
    for kind in TextKind:
        records = list(memory.graph_store.iter_records(kind, ["main_dataset"]))
        assert records, kind
        for record in records:
            assert record.vector is not None
            assert np.isclose(np.linalg.norm(record.vector), 1.0)


def test_entities_merge_across_documents_and_keep_all_provenance(memory: GraphMemory) -> None:
    first = memory.remember(TEXT_A)
    second = memory.remember(TEXT_B)

    assert second.entities_merged == 1 and second.entities_added == 2
    acme = entities(memory)["Acme Corp"]
    assert acme.aliases == ("ACME Corporation",)
    (doc_a,) = memory.graph_store.get_documents(first.document_ids)
    (doc_b,) = memory.graph_store.get_documents(second.document_ids)
    assert set(acme.chunk_ids) == {*doc_a.chunk_ids, *doc_b.chunk_ids}
    assert ("Acme Corp", "acquired", "Zeta Labs") in triples(memory)
    assert "ACME Corporation" not in entities(memory)


def test_similar_names_of_the_same_type_merge_by_embedding(tmp_path: Path) -> None:
    synonyms = {"bob": "robert"}
    types = {**TYPES, "Robert Smith": "Person"}
    memory = make_memory(
        tmp_path,
        extractor=PatternExtractor(types),
        embeddings=BagOfWordsEmbeddings(synonyms=synonyms),
        resolver=EntityResolver(similarity_threshold=0.95),
    )
    memory.remember("Bob Smith joined Acme Corp.")
    memory.remember("Robert Smith founded Zeta Labs.")

    found = entities(memory)
    assert "Robert Smith" not in found
    assert found["Bob Smith"].aliases == ("Robert Smith",)
    assert ("Bob Smith", "founded", "Zeta Labs") in triples(memory)


def test_similar_names_of_different_types_stay_apart(tmp_path: Path) -> None:
    types = {**TYPES, "Robert Smith": "Organization"}
    memory = make_memory(
        tmp_path,
        extractor=PatternExtractor(types),
        embeddings=BagOfWordsEmbeddings(synonyms={"bob": "robert"}),
        resolver=EntityResolver(similarity_threshold=0.95),
    )
    memory.remember("Bob Smith joined Acme Corp.")
    memory.remember("Robert Smith founded Zeta Labs.")

    assert {"Bob Smith", "Robert Smith"} <= set(entities(memory))


def test_similar_new_names_in_one_batch_become_one_entity(tmp_path: Path) -> None:
    memory = make_memory(
        tmp_path,
        extractor=PatternExtractor({**TYPES, "Robert Smith": "Person"}),
        embeddings=BagOfWordsEmbeddings(synonyms={"bob": "robert"}),
        resolver=EntityResolver(similarity_threshold=0.95),
    )
    result = memory.remember(["Bob Smith joined Acme Corp.", "Robert Smith founded Zeta Labs."])

    assert result.entities_added == 3
    assert set(entities(memory)) == {"Bob Smith", "Acme Corp", "Zeta Labs"}


def test_re_remembering_identical_text_adds_nothing_and_calls_nothing(tmp_path: Path) -> None:
    extractor, embeddings = PatternExtractor(TYPES), BagOfWordsEmbeddings()
    memory = make_memory(tmp_path, extractor=extractor, embeddings=embeddings)
    first = memory.remember(TEXT_A)
    calls = (extractor.chunks_extracted, embeddings.calls)

    again = memory.remember("  " + TEXT_A + "\r\n")  # same content once normalised

    assert again.document_ids == first.document_ids
    assert (again.documents_added, again.documents_skipped) == (0, 1)
    assert (again.chunks_added, again.entities_added, again.relations_added) == (0, 0, 0)
    assert again.revision == first.revision
    assert (extractor.chunks_extracted, embeddings.calls) == calls


def test_duplicate_items_in_one_call_are_stored_once(memory: GraphMemory) -> None:
    result = memory.remember([TEXT_A, TEXT_A])
    assert (result.documents_added, result.documents_skipped) == (1, 1)
    assert result.document_ids[0] == result.document_ids[1]


def test_chunks_already_stored_are_not_extracted_again(tmp_path: Path) -> None:
    extractor = PatternExtractor(TYPES)
    memory = make_memory(tmp_path, extractor=extractor, chunk_size=40, chunk_overlap=0)
    shared = "Alice Johnson leads Acme Corp."
    memory.remember(f"{shared}\n\nBob Smith joined Acme Corp.")
    extractor.calls.clear()

    result = memory.remember(f"{shared}\n\nCarol Diaz founded Zeta Labs.")

    assert extractor.calls == [["Carol Diaz founded Zeta Labs."]]
    assert (result.documents_added, result.chunks_added, result.chunks_skipped) == (1, 1, 1)
    (doc,) = memory.graph_store.get_documents(result.document_ids)
    shared_chunk = memory.graph_store.get_chunks(doc.chunk_ids[:1])[0]
    assert shared_chunk.text == shared and len(shared_chunk.document_ids) == 2


def test_same_text_in_another_node_set_links_without_extracting(tmp_path: Path) -> None:
    extractor = PatternExtractor(TYPES)
    memory = make_memory(tmp_path, extractor=extractor)
    memory.remember(TEXT_A)
    extracted = extractor.chunks_extracted

    result = memory.remember(TEXT_A, node_set="people")

    assert extractor.chunks_extracted == extracted
    assert (result.documents_added, result.chunks_added, result.entities_added) == (1, 0, 0)
    assert entities(memory)["Alice Johnson"].node_sets == ("people",)
    facts = memory.graph_store.iter_records(TextKind.FACT, ["main_dataset"], node_sets=["people"])
    assert len(list(facts)) == 3


async def test_session_items_carry_session_provenance(memory: GraphMemory) -> None:
    item = SourceItem(
        text="Who leads Acme Corp?\nAlice Johnson leads Acme Corp.",
        name="session:s1",
        session_id="s1",
        message_ids=("m1", "m2"),
    )
    result = await memory.aingest([item], node_set="user_sessions_from_cache")

    alice = entities(memory)["Alice Johnson"]
    assert alice.node_sets == ("user_sessions_from_cache",)
    assert (alice.session_ids, alice.message_ids) == (("s1",), ("m1", "m2"))
    (relation,) = memory.graph_store.get_relations(
        [r.id for r in memory.graph_store.iter_records(TextKind.FACT, ["main_dataset"])]
    )
    assert (relation.session_ids, relation.message_ids) == (("s1",), ("m1", "m2"))
    (doc,) = memory.graph_store.get_documents(result.document_ids)
    assert (doc.session_id, doc.node_set, doc.name) == ("s1", "user_sessions_from_cache", item.name)


async def test_search_records_carry_session_provenance_only_where_sessions_were_persisted(
    memory: GraphMemory,
) -> None:
    """One read over a dataset persisted from a session and one remembered plainly: the first's
    facts and chunks name their session, the second's name none."""
    item = SourceItem(
        text="Alice Johnson leads Acme Corp.",
        name="session:s1",
        session_id="s1",
        message_ids=("m1",),
    )
    await memory.aingest([item], dataset="chat")
    await memory.aremember("Alice Johnson leads Acme Corp.", dataset="docs")

    for kind in (TextKind.FACT, TextKind.CHUNK):
        found = {
            r.dataset: (r.session_ids, r.message_ids)
            for r in memory.graph_store.iter_records(kind, ["chat", "docs"])
        }
        assert found == {"chat": (("s1",), ("m1",)), "docs": ((), ())}


# -- failures leave the graph unchanged ------------------------------------------------------------
@pytest.mark.parametrize(
    "extractor",
    [
        FailingExtractor(ExtractionError("model down")),
        FailingExtractor(RuntimeError("bug in a custom extractor")),
        CallbackExtractor(lambda texts: []),
        CallbackExtractor(lambda texts: [{"entities": []} for _ in texts]),  # type: ignore[misc]
    ],
    ids=["extraction-error", "other-exception", "too-few-results", "wrong-type"],
)
def test_extraction_failure_writes_nothing(tmp_path: Path, extractor: object) -> None:
    good = make_memory(tmp_path)
    good.remember(TEXT_A)
    before = (good.graph_store.current_revision(), good.stats())

    broken = make_memory(tmp_path, extractor=extractor)  # type: ignore[arg-type]
    with pytest.raises(ExtractionError):
        broken.remember(TEXT_B)

    assert (good.graph_store.current_revision(), good.stats()) == before


def test_embeddings_failure_raises_extraction_error_and_writes_nothing(tmp_path: Path) -> None:
    memory = make_memory(tmp_path, embeddings=FailingEmbeddings())
    with pytest.raises(ExtractionError, match="FailingEmbeddings") as caught:
        memory.remember(TEXT_A)
    assert isinstance(caught.value.__cause__, ConnectionError)
    assert memory.graph_store.current_revision() == 0


class _BadVectors(BagOfWordsEmbeddings):
    def __init__(self, rows: list[Any]) -> None:
        super().__init__()
        self.rows = rows

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self.rows[i % len(self.rows)] for i in range(len(texts))]


@pytest.mark.parametrize(
    "rows",
    [
        [[1.0, 0.0], [1.0]],  # ragged: numpy cannot make a matrix of it
        [[1.0, "x"]],  # not numbers
        [[float("nan"), 1.0]],  # not finite
        [[]],  # no dimensions
    ],
)
def test_unusable_vectors_raise_extraction_error_and_write_nothing(
    tmp_path: Path, rows: list[Any]
) -> None:
    memory = make_memory(tmp_path, embeddings=_BadVectors(rows))
    with pytest.raises(ExtractionError, match="_BadVectors") as raised:
        memory.remember([TEXT_A, TEXT_B])
    assert "Check the embeddings model" in str(raised.value)  # not the chat model's hint
    assert memory.graph_store.current_revision() == 0


# -- inputs ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "data",
    [
        "",
        "   \n\t",
        None,
        b"Alice leads Acme.",
        42,
        3.5,
        True,
        [],
        [""],
        ["fine", None],
        {"text": "Alice"},
        Document(page_content="   "),
        Path("missing-file.txt"),
        Path("notes.pdf"),
    ],
    ids=repr,
)
def test_bad_input_raises_invalid_input_and_extracts_nothing(tmp_path: Path, data: object) -> None:
    extractor = PatternExtractor(TYPES)
    memory = make_memory(tmp_path, extractor=extractor)
    with pytest.raises(InvalidInputError):
        memory.remember(data)
    assert extractor.calls == []


def test_text_over_the_limit_is_rejected(memory: GraphMemory) -> None:
    with pytest.raises(InvalidInputError, match="limit"):
        memory.remember("a" * (MAX_TEXT_CHARS + 1))


@pytest.mark.parametrize("dataset", ["", " ", "a\nb", "x" * 300, 7, None])
def test_bad_dataset_name_is_rejected(memory: GraphMemory, dataset: object) -> None:
    with pytest.raises(InvalidInputError):
        memory.remember(TEXT_A, dataset=dataset)  # type: ignore[arg-type]


def test_bad_node_set_and_user_are_rejected(memory: GraphMemory) -> None:
    with pytest.raises(InvalidInputError):
        memory.remember(TEXT_A, node_set="bad\nset")
    with pytest.raises(InvalidInputError):
        memory.remember(TEXT_A, user="alice")  # type: ignore[arg-type]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=True),
        st.binary(),
        st.text(alphabet=" \t\r\n", max_size=20),
        st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
        st.lists(st.one_of(st.none(), st.integers(), st.binary()), min_size=1, max_size=3),
        st.sets(st.text(max_size=5), max_size=3),
    )
)
def test_fuzzed_non_text_input_raises_invalid_input(memory: GraphMemory, data: object) -> None:
    with pytest.raises(InvalidInputError):
        memory.remember(data)


def test_files_and_documents_are_read(tmp_path: Path, memory: GraphMemory) -> None:
    md = tmp_path / "notes.md"
    md.write_text("Alice Johnson leads Acme Corp.", encoding="utf-8")
    txt = tmp_path / "more.txt"
    txt.write_text("Carol Diaz founded Zeta Labs.", encoding="utf-8")
    doc = Document(page_content="Bob Smith joined Acme Corp.", metadata={"source": "wiki", "p": 3})

    result = memory.remember([md, str(txt), doc, "see notes.md"])

    stored = memory.graph_store.get_documents(result.document_ids)
    assert [d.name for d in stored] == [str(md), str(txt), "wiki", None]
    assert stored[2].metadata == {"source": "wiki", "p": 3}
    # a str naming no existing file is text
    assert memory.graph_store.get_chunks(stored[3].chunk_ids)[0].text == "see notes.md"
    assert ("Carol Diaz", "founded", "Zeta Labs") in triples(memory)


@pytest.mark.parametrize(
    "data",
    ["notes/missing.txt", "  missing.md\n", "report.pdf", "C:\\data\\export.JSON", ["ok", "a.csv"]],
    ids=repr,
)
def test_a_str_naming_a_missing_file_is_an_error_not_text(
    memory: GraphMemory, data: object
) -> None:
    """Issue 12 item 7: ``remember("notes/missing.txt")`` stored the path as text."""
    with pytest.raises(InvalidInputError, match=r"looks like a file path.*Path\(.*Document\("):
        memory.remember(data)  # type: ignore[arg-type]
    assert memory.stats().documents == 0


def test_a_str_naming_an_existing_non_text_file_is_refused(
    tmp_path: Path, memory: GraphMemory
) -> None:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.7")
    with pytest.raises(InvalidInputError, match=r"is not a \.txt or \.md file"):
        memory.remember(str(pdf))


@pytest.mark.parametrize(
    "text",
    ["see notes.md", "https://example.com/page.html", "v2.0", "Alice leads Acme Corp."],
)
def test_text_that_only_mentions_a_file_is_text(memory: GraphMemory, text: str) -> None:
    (document,) = memory.graph_store.get_documents(memory.remember(text).document_ids)
    assert memory.graph_store.get_chunks(document.chunk_ids)[0].text == text


def test_a_file_name_is_remembered_as_text_through_a_document(memory: GraphMemory) -> None:
    stored = memory.remember(Document(page_content="notes/missing.txt")).document_ids
    (document,) = memory.graph_store.get_documents(stored)
    assert memory.graph_store.get_chunks(document.chunk_ids)[0].text == "notes/missing.txt"


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(words=st.lists(st.text(alphabet="abcxyz/.", min_size=1, max_size=8), min_size=2, max_size=4))
def test_a_str_with_a_space_is_never_taken_for_a_path(
    memory: GraphMemory, words: list[str]
) -> None:
    text = " ".join(words) + ".txt"
    assert memory.remember(text).document_ids


def test_unreadable_files_raise_invalid_input(tmp_path: Path, memory: GraphMemory) -> None:
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("caf\xe9".encode("latin-1"))
    directory = tmp_path / "folder.md"
    directory.mkdir()
    for path in (latin1, directory):
        with pytest.raises(InvalidInputError):
            memory.remember(path)


@pytest.mark.parametrize(
    ("data", "where"),
    [
        ("Alice \ud800 leads Acme Corp.", "data"),
        (["fine text", "bad \udcff text"], "data[1]"),
        (Document(page_content="bad \ud83d"), "data.page_content"),
        (Document(page_content="ok", metadata={"source": "wiki\udc80"}), "data.metadata source"),
        (SourceItem(text="ok", name="n\ud800"), "data.name"),
    ],
    ids=repr,
)
def test_invalid_unicode_is_rejected_naming_where_and_stores_nothing(
    tmp_path: Path, data: object, where: str
) -> None:
    extractor = PatternExtractor(TYPES)
    memory = make_memory(tmp_path, extractor=extractor)
    with pytest.raises(InvalidInputError, match="invalid Unicode") as caught:
        memory.remember(data)  # type: ignore[arg-type]
    assert str(caught.value).startswith(where)
    assert extractor.calls == [] and memory.stats().documents == 0


@pytest.mark.parametrize(
    "metadata",
    [{1: "int key"}, {"k": "\ud800"}, {"big": 2**70}, {"nested": [{"x": "\udcff"}]}],
    ids=repr,
)
def test_metadata_that_cannot_be_stored_is_rejected(
    memory: GraphMemory, metadata: dict[object, object]
) -> None:
    with pytest.raises(InvalidInputError, match=r"data\.metadata cannot be stored as JSON"):
        memory.remember(Document(page_content=TEXT_A, metadata=metadata))
    assert memory.stats().documents == 0


def test_ids_with_invalid_unicode_are_rejected_before_any_file_is_read(tmp_path: Path) -> None:
    extractor = PatternExtractor(TYPES)
    memory = make_memory(tmp_path, extractor=extractor)
    missing = tmp_path / "missing.txt"  # would be an error of its own if it were read
    for kwargs in ({"dataset": "d\ud800"}, {"node_set": "\udcffn"}, {"user": "alice"}):
        with pytest.raises(InvalidInputError) as caught:
            memory.remember(missing, **kwargs)  # type: ignore[arg-type]
        assert "missing.txt" not in str(caught.value)
    with pytest.raises(InvalidInputError, match="session_id contains invalid Unicode"):
        memory.ingest([SourceItem(text=TEXT_A, session_id="s\ud800")])
    with pytest.raises(InvalidInputError, match=r"message_ids\[0\] contains invalid Unicode"):
        memory.ingest([SourceItem(text=TEXT_A, message_ids=("m\ud800",))])
    assert extractor.calls == []


def test_size_limits_are_the_memory_s(tmp_path: Path) -> None:
    memory = make_memory(tmp_path, limits=Limits(max_text_chars=100, max_id_chars=12))
    with pytest.raises(InvalidInputError, match=r"limit is 100 per text.*max_text_chars=\.\.\."):
        memory.remember("a" * 101)
    with pytest.raises(InvalidInputError, match=r"items\[0\]\.text has 101 characters"):
        memory.ingest([SourceItem(text="a" * 101)])
    big = tmp_path / "big.txt"
    big.write_text("a" * 401, encoding="utf-8")  # over 4 bytes per character allowed
    with pytest.raises(InvalidInputError, match="max_text_chars"):
        memory.remember(big)
    for kwargs in ({"dataset": "d" * 13}, {"node_set": "n" * 13}):
        with pytest.raises(InvalidInputError, match=r"limit is 12 .*max_id_chars"):
            memory.remember("Alice Johnson leads Acme Corp.", **kwargs)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match=r"limit is 12 .*max_id_chars"):
        memory.forget("d" * 13, all=True)
    assert memory.stats().documents == 0
    memory.remember("a" * 100, dataset="d" * 12)  # at the limits: fine


def test_a_file_whose_name_is_not_utf8_is_read_and_named_readably(
    tmp_path: Path, memory: GraphMemory
) -> None:
    raw = os.fsencode(tmp_path) + b"/caf\xe9.txt"
    with open(raw, "wb") as handle:
        handle.write(b"Alice Johnson leads Acme Corp.")
    result = memory.remember(Path(os.fsdecode(raw)))
    (document,) = memory.graph_store.get_documents(result.document_ids)
    assert document.name == str(tmp_path / "caf\ufffd.txt")


# -- permissions, event loops, lifecycle ----------------------------------------------------------
def test_user_without_write_is_denied_before_any_extraction(tmp_path: Path) -> None:
    extractor = PatternExtractor(TYPES)
    memory = make_memory(tmp_path, extractor=extractor)
    memory.remember(TEXT_A)
    extracted = extractor.chunks_extracted
    mallory = User(id="mallory")

    with pytest.raises(PermissionDeniedError, match="write"):
        memory.remember(TEXT_B, user=mallory)
    assert extractor.chunks_extracted == extracted

    memory.grant("main_dataset", mallory, "write")
    assert memory.remember(TEXT_B, user=mallory).documents_added == 1


def test_new_dataset_is_owned_by_its_first_writer(memory: GraphMemory) -> None:
    alice = User(id="alice")
    memory.remember(TEXT_A, dataset="alice_notes", user=alice)
    (info,) = [d for d in memory.graph_store.list_datasets() if d.name == "alice_notes"]
    assert info.owner_id == "alice"


async def test_sync_remember_works_inside_a_running_event_loop(memory: GraphMemory) -> None:
    asyncio.get_running_loop()  # this test runs inside a loop
    result = memory.remember(TEXT_A)
    assert result.documents_added == 1
    assert (await memory.aremember(TEXT_B)).documents_added == 1


def test_construction_is_lazy_and_close_reopens(tmp_path: Path) -> None:
    memory = GraphMemory(tmp_path / "data")
    assert not (tmp_path / "data").exists()
    assert memory.runtime._graph_store is None and memory.runtime._embeddings is None
    assert memory.runtime._extractor is None and memory.runtime._session_store is None
    assert isinstance(memory.extractor, OfflineGraphExtractor)
    assert isinstance(memory.session_store, SQLiteSessionStore)
    assert isinstance(memory.graph_store, SQLiteGraphStore)
    assert {p.name for p in (tmp_path / "data").iterdir()} >= {"graph.sqlite", "sessions.sqlite"}

    memory.close()
    assert memory.runtime._graph_store is None and memory.runtime._session_store is None
    assert memory.graph_store.current_revision() == 0  # reopened on use


def test_close_after_a_store_failed_to_open_closes_what_opened(tmp_path: Path) -> None:
    # data_dir is a file: the graph store cannot open. close() must not trip over the store that
    # never opened, and must still close the session store that did.
    blocker = tmp_path / "not_a_dir"
    blocker.write_text("a file, not a folder")
    memory = GraphMemory(blocker)
    with pytest.raises(CogneeLangchainError):
        memory.stats()
    assert memory.runtime._graph_store is None
    memory.close()
    memory.close()  # idempotent


def test_passed_in_stores_stay_open_on_close(tmp_path: Path) -> None:
    store = SQLiteGraphStore(tmp_path / "mine.sqlite")
    memory = GraphMemory(tmp_path / "data", graph_store=store)
    memory.remember(TEXT_A)
    memory.close()
    assert memory.graph_store is store
    assert store.current_revision() >= 1  # still usable: the memory did not close it
    store.close()


def test_reopening_restores_the_graph(tmp_path: Path) -> None:
    with make_memory(tmp_path) as memory:
        memory.remember(TEXT_A)
        stats = memory.stats()
        alice = entities(memory)["Alice Johnson"]
        edges = memory.graph_store.neighbors([alice.id])

    reopened = make_memory(tmp_path)
    assert reopened.stats() == stats
    assert reopened.graph_store.neighbors([alice.id]) == edges


def test_offline_extractor_end_to_end(tmp_path: Path) -> None:
    memory = make_memory(tmp_path, extractor=OfflineGraphExtractor())
    memory.remember("Alice Johnson leads Acme Corp. Acme Corp builds rockets in Denver.")
    names = set(entities(memory))
    assert {"Alice Johnson", "Acme Corp", "Denver"} <= names
    assert ("Alice Johnson", "leads", "Acme Corp") in triples(memory)


def test_extraction_runs_in_batches(tmp_path: Path) -> None:
    extractor = PatternExtractor(TYPES)
    memory = make_memory(tmp_path, extractor=extractor, chunk_size=40, chunk_overlap=0)
    memory.runtime.extraction_batch_size = 2
    texts = [f"Person{i} founded Company{i}." for i in range(5)]
    memory.remember("\n\n".join(texts))
    assert [len(call) for call in extractor.calls] == [2, 2, 1]


def test_a_failing_extractor_result_shape_is_reported(tmp_path: Path) -> None:
    def one_too_many(texts: object) -> list[ChunkExtraction]:
        return [ChunkExtraction(), ChunkExtraction()]

    memory = make_memory(tmp_path, extractor=CallbackExtractor(one_too_many))  # type: ignore[arg-type]
    with pytest.raises(ExtractionError, match="2 results for 1 chunks"):
        memory.remember(TEXT_A)


def test_sync_call_from_a_coroutine_on_the_sync_loop_does_not_deadlock(tmp_path: Path) -> None:
    """A sync method called from inside a sync call's own coroutine (here: an extractor reading
    stats) gets a private loop instead of waiting on the loop it runs on."""
    memory = make_memory(tmp_path)
    memory.remember(TEXT_A)
    seen: list[int] = []

    class Inspecting(PatternExtractor):
        async def aextract(self, texts: Sequence[str]) -> list[ChunkExtraction]:
            seen.append(memory.stats().chunks)
            return await super().aextract(texts)

    memory.runtime._extractor = Inspecting(TYPES)
    memory.remember(TEXT_B)
    assert seen == [1]


def test_ingest_can_chunk_one_call_differently(tmp_path: Path) -> None:
    extractor = PatternExtractor(TYPES)
    memory = make_memory(tmp_path, extractor=extractor, chunk_size=40, chunk_overlap=10)
    text = "Alice Johnson leads Acme Corp.\n\nBob Smith joined Acme Corp."
    memory.ingest([SourceItem(text=text)], chunk_size=400)
    assert extractor.calls == [[text]]
    with pytest.raises(InvalidInputError):
        memory.ingest([SourceItem(text="Carol Diaz founded Zeta Labs.")], chunk_size=0)


@pytest.mark.parametrize(
    "items",
    [
        "text",
        [],
        ["not an item"],
        [SourceItem(text="   ")],
        [SourceItem(text="Alice Johnson leads Acme Corp.", session_id="bad\nid")],
        SourceItem(text="Alice Johnson leads Acme Corp."),
    ],
    ids=repr,
)
async def test_bad_ingest_items_raise_invalid_input(memory: GraphMemory, items: object) -> None:
    with pytest.raises(InvalidInputError):
        await memory.aingest(items)  # type: ignore[arg-type]
