"""Export and import of a dataset as JSON Lines: exact round trips (export → import into an empty
store → export gives the same bytes), vectors on and off, every bad line refused with its number
and nothing written, permissions, and searches that find the same on both sides."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, HumanMessage

from cognee_langchain.embeddings import WordLlamaEmbeddings
from cognee_langchain.errors import InvalidInputError, PermissionDeniedError
from cognee_langchain.graph.base import (
    ClaimMessages,
    EntityMention,
    PutChunk,
    PutDocument,
    PutEntity,
    PutRelation,
    RelationMention,
    RequirePermission,
    WriteOp,
)
from cognee_langchain.graph.models import SourceDocument, content_id
from cognee_langchain.memory import GraphMemory
from cognee_langchain.permissions import Permission
from cognee_langchain.services.transfer_lines import FORMAT_VERSION
from cognee_langchain.users import User

DS = "main"
PROSE = "Alice Johnson leads Acme Corp. Acme Corp builds reusable rockets in Berlin."
CHAT = (
    "Session 1 (1:56 pm on 8 May, 2023)\n[D1:1] Caroline: I joined a pottery class!\n"
    "[D1:2] Melanie: Oh nice, which one?\n[D1:3] Caroline: The one at the Riverside studio."
)
SLOW = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def model() -> WordLlamaEmbeddings:
    """One embeddings model for every memory of the module (loading it is the slow part)."""
    return WordLlamaEmbeddings()


def new_memory(path: Path, model: WordLlamaEmbeddings, **options: Any) -> GraphMemory:
    return GraphMemory(path, embeddings=options.pop("embeddings", model), **options)


@pytest.fixture
def source(tmp_path: Path, model: WordLlamaEmbeddings) -> Iterator[GraphMemory]:
    """A memory holding prose, a transcript and a session persisted by ``improve``."""
    memory = new_memory(tmp_path / "source", model)
    memory.remember(PROSE, dataset=DS)
    memory.remember(CHAT, dataset=DS, node_set="chats")
    memory.session_store.append(
        memory.user.id,
        "s1",
        [HumanMessage("Where does Acme build rockets?", id="h1"), AIMessage("In Berlin.", id="a1")],
    )
    memory.improve(dataset=DS, session_ids=["s1"])
    yield memory
    memory.close()


def export_bytes(memory: GraphMemory, *, vectors: bool, user: User | None = None) -> bytes:
    out = io.BytesIO()
    memory.export_dataset(DS, out, include_vectors=vectors, user=user)
    return out.getvalue()


def lines_of(data: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in data.decode().splitlines()]


# -- round trips ----------------------------------------------------------------------------------
@pytest.mark.parametrize("vectors", [False, True])
def test_export_import_export_gives_the_same_bytes_and_the_same_search(
    source: GraphMemory, tmp_path: Path, model: WordLlamaEmbeddings, vectors: bool
) -> None:
    first = export_bytes(source, vectors=vectors)
    records = lines_of(first)
    kinds = {r["kind"] for r in records}
    # prose, turns, a persisted session (its claims), entities, relations and their provenance
    assert {"header", "document", "chunk", "entity", "relation", "claim"} <= kinds
    assert {"entity_mention", "relation_mention"} <= kinds
    assert any(r["kind"] == "chunk" and r["unit"].get("speaker") == "Caroline" for r in records)
    assert any(r["kind"] == "document" and r["session_id"] == "s1" for r in records)
    assert all(("vector" in r) is vectors for r in records if r["kind"] in ("chunk", "entity"))
    path = tmp_path / "backup.jsonl"
    path.write_bytes(first)

    with new_memory(tmp_path / "copy", model) as copy:
        result = copy.import_dataset(path)
        assert result.vectors == ("file" if vectors else "recomputed")
        assert result.documents_added == records[0]["counts"]["document"]
        assert export_bytes(copy, vectors=vectors) == first
        assert copy.stats(DS) == source.stats(DS)
        for query in ("pottery class", "Who leads Acme?", "Where are rockets built?"):
            theirs = source.search(query, datasets=DS, top_k=3)
            ours = copy.search(query, datasets=DS, top_k=3)
            assert [d.page_content for d in ours] == [d.page_content for d in theirs]
            assert [d.metadata["score"] for d in ours] == pytest.approx(
                [d.metadata["score"] for d in theirs], abs=1e-4
            )


def test_imported_vectors_are_the_stored_vectors_bit_for_bit(
    source: GraphMemory, tmp_path: Path, model: WordLlamaEmbeddings
) -> None:
    data = export_bytes(source, vectors=True)
    with new_memory(tmp_path / "copy", model) as copy:
        copy.import_dataset(io.BytesIO(data))
        ours = copy.graph_store.dump_dataset(DS, with_vectors=True)
    theirs = source.graph_store.dump_dataset(DS, with_vectors=True)
    for mine, other in zip(ours.chunks, theirs.chunks, strict=True):
        assert mine.vector is not None and other.vector is not None
        assert mine.vector.tobytes() == other.vector.tobytes()


def test_a_text_stream_and_a_path_give_the_same_file(source: GraphMemory, tmp_path: Path) -> None:
    text = io.StringIO()
    source.export_dataset(DS, text)
    result = source.export_dataset(DS, tmp_path / "sub" / "x.jsonl")
    assert result.path == tmp_path / "sub" / "x.jsonl"
    assert (tmp_path / "sub" / "x.jsonl").read_text(encoding="utf-8") == text.getvalue()
    assert result.counts == lines_of(text.getvalue().encode())[0]["counts"]


async def test_the_async_twins_round_trip(
    source: GraphMemory, tmp_path: Path, model: WordLlamaEmbeddings
) -> None:
    out = io.BytesIO()
    await source.aexport_dataset(DS, out)
    async with new_memory(tmp_path / "copy", model) as copy:
        await copy.aimport_dataset(io.BytesIO(out.getvalue()))
        again = io.BytesIO()
        await copy.aexport_dataset(DS, again)
    assert again.getvalue() == out.getvalue()


# -- generated graphs -----------------------------------------------------------------------------
_text = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=40)
_json_scalar = st.none() | st.booleans() | st.integers(-(2**53), 2**53) | _text
_json = st.recursive(
    _json_scalar,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3),
    max_leaves=6,
)


def _vector(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(256).astype(np.float32)


@st.composite
def graphs(draw: st.DrawFn) -> list[WriteOp]:
    """A small dataset written straight through the store's operations: chunks with summaries
    and turn data, documents with node sets, sessions and metadata, message claims, entities
    with keys and mentions in any order, relations between them."""
    texts = draw(st.lists(_text, min_size=1, max_size=5, unique=True))
    chunks = [
        PutChunk(
            content_id("chunk", DS, t),
            DS,
            t,
            draw(st.sampled_from(["", t, f"about {t}"])),
            _vector(i),
            _vector(100 + i) if draw(st.booleans()) else None,
            draw(st.dictionaries(_text, _json, max_size=3)),
        )
        for i, t in enumerate(texts)
    ]
    ops: list[WriteOp] = [RequirePermission(DS, "owner", Permission.WRITE, create=True), *chunks]
    for n in range(draw(st.integers(1, 3))):
        picked = draw(st.lists(st.sampled_from(chunks), min_size=1, max_size=4))
        session = draw(st.none() | st.sampled_from(["s1", "s2"]))
        doc = SourceDocument(
            id=content_id("document", DS, str(n)),
            dataset=DS,
            created_at=draw(st.floats(0, 2e9)),
            name=draw(st.none() | _text),
            user_id=draw(st.none() | st.just("owner")),
            node_set=draw(st.none() | st.sampled_from(["a", "b"])),
            session_id=session,
            message_ids=tuple(draw(st.lists(_text, max_size=2))),
            metadata=draw(st.dictionaries(_text, _json, max_size=3)),
            chunk_ids=tuple(c.id for c in picked),
            length=draw(st.integers(0, 10_000)),
        )
        ops.append(PutDocument(doc))
        if session is not None:
            keys = tuple(draw(st.lists(_text, min_size=1, max_size=3, unique=True)))
            ops.append(ClaimMessages(DS, "owner", session, doc.id, keys))
    entities: list[PutEntity] = []
    for name in draw(st.lists(_text, min_size=1, max_size=4, unique=True)):
        mentioned = draw(
            st.lists(st.sampled_from(chunks), min_size=1, max_size=3, unique_by=lambda c: c.id)
        )
        entities.append(
            PutEntity(
                content_id("entity", DS, name),
                DS,
                name,
                draw(st.sampled_from(["Person", "Org"])),
                _vector(len(name)),
                (f"key:{name}",),
                tuple(draw(st.lists(_text, max_size=3, unique=True))),
                tuple(EntityMention(c.id, f"{name}!", draw(_text)) for c in mentioned),
            )
        )
    # entities in a drawn order: mention order (seq) across entities is what must survive
    ops.extend(draw(st.permutations(entities)))
    for source, target in draw(st.lists(st.tuples(*[st.sampled_from(entities)] * 2), max_size=3)):
        relation_id = content_id("relation", DS, source.id, "knows", target.id)
        if any(isinstance(op, PutRelation) and op.id == relation_id for op in ops):
            continue
        ops.append(
            PutRelation(
                relation_id,
                DS,
                source.id,
                target.id,
                "knows",
                _vector(7),
                (RelationMention(source.mentions[0].chunk_id, draw(_text)),),
            )
        )
    return ops


@SLOW
@given(ops=graphs(), vectors=st.booleans())
def test_any_generated_dataset_round_trips_exactly(
    tmp_path_factory: pytest.TempPathFactory,
    model: WordLlamaEmbeddings,
    ops: list[WriteOp],
    vectors: bool,
) -> None:
    folder = tmp_path_factory.mktemp("graph")
    owner = User(id="owner")
    with (
        new_memory(folder / "a", model, user=owner) as memory,
        new_memory(folder / "b", model, user=owner) as copy,
    ):
        memory.graph_store.apply(ops)
        first = export_bytes(memory, vectors=vectors)
        copy.import_dataset(io.BytesIO(first))
        assert export_bytes(copy, vectors=vectors) == first
        original, restored = (m.graph_store.dump_dataset(DS) for m in (memory, copy))
        assert restored == original
        # what reads derive from the stored rows (provenance, extraction order) is the same too
        entity_ids = [e.id for e in original.entities]
        chunk_ids = [c.id for c in original.chunks]
        for store in (memory.graph_store, copy.graph_store):
            assert store.get_entities(entity_ids) == memory.graph_store.get_entities(entity_ids)
            assert store.get_chunks(chunk_ids) == memory.graph_store.get_chunks(chunk_ids)
            assert store.entities_of_chunks(chunk_ids) == memory.graph_store.entities_of_chunks(
                chunk_ids
            )


# -- bad files ------------------------------------------------------------------------------------
def _mutations(lines: list[str]) -> st.SearchStrategy[tuple[int, list[str]]]:
    """``(the line number to blame, the mutated lines)``: one line made invalid."""

    def replace(i: int, text: str) -> tuple[int, list[str]]:
        return i + 1, [*lines[:i], text, *lines[i + 1 :]]

    def without_field(i: int, data: st.DataObject) -> tuple[int, list[str]]:
        record = json.loads(lines[i])
        droppable = sorted(set(record) - {"summary_vector"})
        del record[data.draw(st.sampled_from(droppable))]
        return replace(i, json.dumps(record))

    def wrong_type(i: int, data: st.DataObject) -> tuple[int, list[str]]:
        record = json.loads(lines[i])
        record[data.draw(st.sampled_from(sorted(record)))] = [[]]  # valid for no field
        return replace(i, json.dumps(record))

    index = st.integers(0, len(lines) - 1)
    garbage = st.text(max_size=30).filter(lambda t: "\n" not in t)
    return st.one_of(
        st.tuples(index, garbage).map(lambda p: replace(*p)),
        st.tuples(index, st.data()).map(lambda p: without_field(*p)),
        st.tuples(index, st.data()).map(lambda p: wrong_type(*p)),
        index.filter(lambda i: i > 0).map(lambda i: (len(lines) - 1, lines[:i] + lines[i + 1 :])),
        index.filter(lambda i: i > 0).map(lambda i: (0, [*lines[: i + 1], *lines[i:]])),
    )


@pytest.fixture(scope="module")
def valid_lines(tmp_path_factory: pytest.TempPathFactory, model: WordLlamaEmbeddings) -> list[str]:
    with new_memory(tmp_path_factory.mktemp("valid"), model) as memory:
        memory.remember(PROSE, dataset=DS)
        memory.remember(CHAT, dataset=DS)
        return export_bytes(memory, vectors=True).decode().splitlines()


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_every_bad_line_is_refused_with_its_number_and_nothing_is_written(
    tmp_path_factory: pytest.TempPathFactory,
    model: WordLlamaEmbeddings,
    valid_lines: list[str],
    data: st.DataObject,
) -> None:
    blamed, lines = data.draw(_mutations(valid_lines))
    with new_memory(tmp_path_factory.mktemp("bad"), model) as memory:
        with pytest.raises(InvalidInputError, match=r"^Line \d+ of ") as caught:
            memory.import_dataset(io.StringIO("\n".join(lines) + "\n"))
        if blamed:  # 0: a duplicated line is blamed where its second copy is found
            assert f"Line {blamed} of" in str(caught.value) or "cut short" in str(caught.value)
        assert memory.graph_store.current_revision() == 0
        assert memory.graph_store.list_datasets() == []


def test_a_file_of_another_format_version_is_refused_clearly(
    valid_lines: list[str], tmp_path: Path, model: WordLlamaEmbeddings
) -> None:
    header = json.loads(valid_lines[0])
    header["version"] = FORMAT_VERSION + 1
    data = "\n".join([json.dumps(header), *valid_lines[1:]])
    with (
        new_memory(tmp_path, model) as memory,
        pytest.raises(
            InvalidInputError, match=rf"Line 1 .*format version {FORMAT_VERSION + 1}.*reads version"
        ),
    ):
        memory.import_dataset(io.StringIO(data))


@pytest.mark.parametrize(
    "content, problem",
    [
        (b"", "empty"),
        (b"\xff\xfe", "not UTF-8"),
        (b'{"kind": "chunk"}\n', "not the header"),
        (b"[1, 2]\n", "not an object"),
    ],
)
def test_files_that_are_no_export_are_refused(
    tmp_path: Path, model: WordLlamaEmbeddings, content: bytes, problem: str
) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(content)
    with new_memory(tmp_path / "m", model) as memory:
        with pytest.raises(InvalidInputError, match=problem):
            memory.import_dataset(path)
        with pytest.raises(InvalidInputError, match="Pass the path of an export"):
            memory.import_dataset(tmp_path / "missing.jsonl")


def test_vectors_of_another_dimension_are_refused_unless_recomputed(
    valid_lines: list[str], tmp_path: Path
) -> None:
    data = "\n".join(valid_lines) + "\n"
    small = WordLlamaEmbeddings(dim=64)
    with new_memory(tmp_path, small) as memory:
        with pytest.raises(InvalidInputError, match=r"256 dimensions.*give 64.*recompute_vectors"):
            memory.import_dataset(io.StringIO(data))
        assert memory.graph_store.list_datasets() == []
        result = memory.import_dataset(io.StringIO(data), recompute_vectors=True)
        assert result.vectors == "recomputed"
        assert memory.search("pottery", datasets=DS, top_k=1)[0].page_content.endswith("class!")


# -- datasets, permissions, conflicts -------------------------------------------------------------
def test_export_needs_read_and_import_needs_write(
    source: GraphMemory, tmp_path: Path, model: WordLlamaEmbeddings
) -> None:
    stranger = User(id="stranger")
    with pytest.raises(PermissionDeniedError, match="read"):
        export_bytes(source, vectors=False, user=stranger)
    with pytest.raises(InvalidInputError, match="Unknown dataset 'nope'"):
        source.export_dataset("nope", io.BytesIO())
    data = export_bytes(source, vectors=False)
    # the dataset exists in the source store: a stranger may not write into it
    with pytest.raises(PermissionDeniedError, match="write"):
        source.import_dataset(io.BytesIO(data), user=stranger, on_conflict="merge")
    source.grant(DS, stranger.id, "write", by=source.user)
    merged = source.import_dataset(io.BytesIO(data), user=stranger, on_conflict="merge")
    assert (merged.documents_added, merged.chunks_added, merged.entities_added) == (0, 0, 0)
    # into a new store the importing user becomes the owner
    with new_memory(tmp_path / "copy", model, user=stranger) as copy:
        copy.import_dataset(io.BytesIO(data))
        info = copy.graph_store.get_dataset(DS)
        assert info is not None and info.owner_id == stranger.id


def test_importing_into_a_dataset_holding_documents_needs_merge(
    source: GraphMemory, model: WordLlamaEmbeddings
) -> None:
    data = export_bytes(source, vectors=False)
    revision = source.graph_store.current_revision()
    with pytest.raises(InvalidInputError, match=r"already holds .* on_conflict='merge'"):
        source.import_dataset(io.BytesIO(data))
    with pytest.raises(InvalidInputError, match="on_conflict must be"):
        source.import_dataset(io.BytesIO(data), on_conflict="replace")  # type: ignore[arg-type]
    assert source.graph_store.current_revision() == revision


def test_a_store_that_cannot_export_says_so(tmp_path: Path, model: WordLlamaEmbeddings) -> None:
    """A third-party store implementing only the abstract primitives (here: the one the sync
    bridge test builds) gets a message naming the fix, not an AttributeError."""
    from tests.unit.test_graph_store_bridge import AsyncOnlyGraphStore

    store = AsyncOnlyGraphStore(tmp_path / "graph.sqlite")
    with new_memory(tmp_path, model, graph_store=store) as memory:
        memory.remember(PROSE, dataset=DS)
        with pytest.raises(InvalidInputError, match=r"implement GraphStore\.adump_dataset"):
            memory.export_dataset(DS, io.BytesIO())
    store.close()
