"""SQLiteGraphStore: atomic batches, provenance, incremental reads, several openers of one file."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cognee_langchain.errors import InvalidInputError, PermissionDeniedError
from cognee_langchain.graph.base import (
    EntityMention,
    Forget,
    PutChunk,
    PutDocument,
    PutEntity,
    PutRelation,
    RecordKind,
    RelationMention,
    RequirePermission,
    TextKind,
    WriteOp,
)
from cognee_langchain.graph.models import SourceDocument, content_id
from cognee_langchain.graph.sqlite import SQLiteGraphStore
from cognee_langchain.permissions import Permission

DS = "ds"


def vec(seed: int, dim: int = 8) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(dim).astype(np.float32)


def chunk_op(text: str, summary: str = "", dataset: str = DS) -> PutChunk:
    return PutChunk(content_id("chunk", dataset, text), dataset, text, summary, vec(len(text)))


def doc_op(
    chunks: Sequence[PutChunk], name: str, node_set: str | None = None, **extra: object
) -> PutDocument:
    return PutDocument(
        SourceDocument(
            id=content_id("document", DS, name, node_set or ""),
            dataset=DS,
            created_at=time.time(),
            name=name,
            node_set=node_set,
            chunk_ids=tuple(c.id for c in chunks),
            **extra,  # type: ignore[arg-type]
        )
    )


def entity_op(name: str, *chunks: PutChunk, type_: str = "Thing") -> PutEntity:
    key = name.lower()
    return PutEntity(
        id=content_id("entity", DS, key),
        dataset=DS,
        name=name,
        type=type_,
        vector=vec(hash(key) % 1000),
        keys=(key,),
        tokens=tuple(key.split()),
        mentions=tuple(EntityMention(c.id, name, f"{name} in {c.text}") for c in chunks),
    )


def relation_op(
    source: PutEntity, predicate: str, target: PutEntity, *chunks: PutChunk
) -> PutRelation:
    return PutRelation(
        id=content_id("relation", DS, source.id, predicate, target.id),
        dataset=DS,
        source_id=source.id,
        target_id=target.id,
        predicate=predicate,
        vector=vec(7),
        mentions=tuple(
            RelationMention(c.id, f"{source.name} {predicate} {target.name}") for c in chunks
        ),
    )


def create(user: str = "owner") -> RequirePermission:
    return RequirePermission(DS, user, Permission.WRITE, create=True)


@pytest.fixture
def store(tmp_path: Path) -> SQLiteGraphStore:
    return SQLiteGraphStore(tmp_path / "graph.sqlite")


@dataclass
class SmallGraph:
    """Alice leads Acme (document "one"); Bob joined Acme (document "two", node set "news")."""

    c1: PutChunk = field(default_factory=lambda: chunk_op("Alice leads Acme.", "Alice leads."))
    c2: PutChunk = field(default_factory=lambda: chunk_op("Bob joined Acme."))

    def __post_init__(self) -> None:
        self.alice = entity_op("Alice", self.c1, type_="Person")
        self.bob = entity_op("Bob", self.c2, type_="Person")
        self.acme = entity_op("Acme", self.c1, self.c2, type_="Org")
        self.leads = relation_op(self.alice, "leads", self.acme, self.c1)
        self.joined = relation_op(self.bob, "joined", self.acme, self.c2)
        self.d1, self.d2 = doc_op([self.c1], "one"), doc_op([self.c2], "two", node_set="news")

    @property
    def ops(self) -> list[WriteOp]:
        return [
            create(), self.c1, self.c2, self.d1, self.d2,
            self.alice, self.bob, self.acme, self.leads, self.joined,
        ]  # fmt: skip


def test_apply_writes_everything_with_provenance(store: SQLiteGraphStore) -> None:
    g = SmallGraph()
    ops = g.ops
    result = store.apply(ops)

    assert (result.revision, result.documents_added, result.chunks_added) == (1, 2, 2)
    assert (result.entities_added, result.relations_added) == (3, 2)
    (acme,) = store.get_entities([g.acme.id])
    assert acme.node_sets == ("news",)
    assert acme.chunk_ids == (g.c1.id, g.c2.id)
    assert acme.description == "Acme in Alice leads Acme."
    (leads,) = store.get_relations([g.leads.id])
    assert (leads.source_name, leads.predicate, leads.target_name) == ("Alice", "leads", "Acme")
    # the description only restates the triple, so it is not repeated
    assert leads.fact == "Alice leads Acme."
    assert leads.node_sets == ()
    (c2,) = store.get_chunks([g.c2.id])
    assert c2.node_sets == ("news",) and c2.document_ids == (g.d2.document.id,)
    assert {e.predicate for e in store.neighbors([g.acme.id])} == {"leads", "joined"}


def test_a_failing_op_rolls_back_the_whole_batch(store: SQLiteGraphStore) -> None:
    c1 = chunk_op("Alice leads Acme.")
    orphan_doc = doc_op([c1, chunk_op("never stored")], "bad")
    with pytest.raises(InvalidInputError, match="not stored"):
        store.apply([create(), c1, orphan_doc])
    assert store.current_revision() == 0
    assert store.existing_ids(RecordKind.CHUNK, [c1.id]) == set()
    assert store.get_dataset(DS) is None


def test_vectors_must_keep_one_dimension(store: SQLiteGraphStore) -> None:
    store.apply([create(), chunk_op("first")])
    wider = PutChunk(content_id("chunk", DS, "second"), DS, "second", "", vec(1, dim=16))
    with pytest.raises(InvalidInputError, match="8-dimensional"):
        store.apply([wider])
    bad = PutChunk(content_id("chunk", DS, "nan"), DS, "nan", "", np.full(8, np.nan, np.float32))
    with pytest.raises(InvalidInputError, match="not finite"):
        store.apply([bad])
    assert store.current_revision() == 1


def test_repeating_a_batch_changes_nothing(store: SQLiteGraphStore) -> None:
    ops = SmallGraph().ops
    store.apply(ops)
    again = store.apply(ops)
    assert again.revision == 1
    assert (again.documents_added, again.entities_added, again.relations_added) == (0, 0, 0)


def test_a_chunk_gaining_a_node_set_passes_it_on(store: SQLiteGraphStore) -> None:
    g = SmallGraph()
    ops = g.ops
    store.apply(ops)
    store.apply([doc_op([g.c1], "one again", node_set="people")])

    (alice,) = store.get_entities([g.alice.id])
    (leads,) = store.get_relations([g.leads.id])
    (acme,) = store.get_entities([g.acme.id])
    assert alice.node_sets == ("people",) and leads.node_sets == ("people",)
    assert acme.node_sets == ("news", "people")
    people = store.neighbors([g.acme.id], node_sets=["people"])
    assert [e.predicate for e in people] == ["leads"]


def test_read_records_filters_and_pages(store: SQLiteGraphStore) -> None:
    g = SmallGraph()
    ops = g.ops
    store.apply(ops)
    everything = list(store.iter_records(TextKind.CHUNK, [DS]))
    paged = list(store.iter_records(TextKind.CHUNK, [DS], page_size=1))
    assert [r.id for r in paged] == [r.id for r in everything] == sorted(r.id for r in everything)

    news = list(store.iter_records(TextKind.CHUNK, [DS], node_sets=["news"]))
    assert [r.text for r in news] == ["Bob joined Acme."]
    summaries = list(store.iter_records(TextKind.SUMMARY, [DS]))
    assert [r.text for r in summaries] == ["Alice leads."]  # empty summaries have no record
    chosen = list(store.iter_records(TextKind.ENTITY, [DS], ids=[g.bob.id, "unknown"]))
    assert [r.text for r in chosen] == ["Bob"]
    assert list(store.iter_records(TextKind.FACT, ["other"])) == []
    no_vectors = store.read_records(TextKind.FACT, [DS], with_vectors=False)
    assert len(no_vectors) == 2 and all(r.vector is None for r in no_vectors)

    revision = store.current_revision()
    store.apply([chunk_op("Carol founded Zeta."), doc_op([chunk_op("Carol founded Zeta.")], "3")])
    newer = list(store.iter_records(TextKind.CHUNK, [DS], since_revision=revision))
    assert [r.text for r in newer] == ["Carol founded Zeta."]


def test_changes_since_reports_upserts_and_deletions(store: SQLiteGraphStore) -> None:
    g = SmallGraph()
    ops = g.ops
    store.apply(ops)
    store.apply([Forget(DS, node_set="news")])

    changes = store.changes_since(1)
    assert changes.revision == 2
    assert changes.deleted[RecordKind.ENTITY] == {g.bob.id}
    assert changes.deleted[RecordKind.RELATION] == {g.joined.id}
    assert changes.deleted[RecordKind.CHUNK] == {g.c2.id}
    assert g.acme.id in changes.upserted[RecordKind.ENTITY]
    assert store.changes_since(2).upserted[RecordKind.ENTITY] == frozenset()


def test_permissions_are_checked_inside_the_transaction(store: SQLiteGraphStore) -> None:
    store.apply([create("owner"), chunk_op("x")])
    with pytest.raises(PermissionDeniedError):
        store.apply([create("intruder"), chunk_op("y")])
    with pytest.raises(InvalidInputError, match="Unknown dataset"):
        store.apply([RequirePermission("missing", "owner", Permission.READ)])
    assert store.existing_ids(RecordKind.CHUNK, [chunk_op("y").id]) == set()


def test_reopening_restores_graph_and_records(tmp_path: Path) -> None:
    first = SQLiteGraphStore(tmp_path / "g.sqlite")
    g = SmallGraph()
    ops = g.ops
    first.apply(ops)
    edges = first.neighbors([g.acme.id])
    stats = first.stats()
    first.close()

    second = SQLiteGraphStore(tmp_path / "g.sqlite")
    assert second.current_revision() == 1
    assert sorted(second.neighbors([g.acme.id])) == sorted(edges)
    assert second.stats() == stats


def test_another_opener_catches_up_with_writes_and_deletes(tmp_path: Path) -> None:
    writer, reader = (
        SQLiteGraphStore(tmp_path / "g.sqlite"),
        SQLiteGraphStore(tmp_path / "g.sqlite"),
    )
    g = SmallGraph()
    ops = g.ops
    writer.apply(ops[:-1])  # without the "joined" relation
    acme = g.acme.id
    assert [e.predicate for e in reader.neighbors([acme])] == ["leads"]

    writer.apply([ops[-1]])
    assert {e.predicate for e in reader.neighbors([acme])} == {"leads", "joined"}

    writer.apply([Forget(DS, node_set="news")])
    assert [e.predicate for e in reader.neighbors([acme])] == ["leads"]
    assert reader.neighbors([g.bob.id]) == []


def test_entity_lookups(store: SQLiteGraphStore) -> None:
    g = SmallGraph()
    ops = g.ops
    store.apply(ops)
    found = store.find_entities(DS, ["alice", "nobody"])
    assert list(found) == ["alice"] and found["alice"].type == "Person"
    assert store.find_entities("other", ["alice"]) == {}
    assert [r.name for r in store.entity_candidates(DS, ["bob", "zzz"])] == ["Bob"]
    assert store.chunks_of_entities([g.acme.id]) == {g.acme.id: [g.c1.id, g.c2.id]}
    assert store.entities_of_chunks([g.c2.id]) == {g.c2.id: [g.bob.id, g.acme.id]}
    vectors = store.get_vectors(TextKind.ENTITY, [g.bob.id])
    assert np.isclose(np.linalg.norm(vectors[g.bob.id]), 1.0)


def test_stats_and_snapshot(store: SQLiteGraphStore) -> None:
    g = SmallGraph()
    ops = g.ops
    store.apply(ops)
    stats = store.stats()
    ds = stats.datasets[DS]
    assert (ds.documents, ds.chunks, ds.entities, ds.relations) == (2, 2, 3, 2)
    assert ds.node_sets["news"].documents == 1 and ds.node_sets["news"].entities == 2
    assert store.has_graph_data(DS) and not store.has_graph_data("other")

    snapshot = store.snapshot([DS], max_nodes=2)
    assert snapshot.nodes[0].name == "Acme" and snapshot.nodes[0].degree == 2
    assert (snapshot.total_nodes, snapshot.total_edges) == (3, 2)
    assert len(snapshot.edges) == 1


def test_concurrent_writers_on_one_file(tmp_path: Path) -> None:
    stores = [SQLiteGraphStore(tmp_path / "g.sqlite") for _ in range(2)]
    stores[0].apply([create()])
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            for i in range(10):
                c = chunk_op(f"worker {worker} chunk {i}")
                stores[worker % 2].apply([c, doc_op([c], f"{worker}-{i}")])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert stores[1].stats().datasets[DS].documents == 40
    assert stores[0].current_revision() == 41


async def test_async_twins(store: SQLiteGraphStore) -> None:
    g = SmallGraph()
    ops = g.ops
    assert (await store.aapply(ops)).revision == 1
    records = [r async for r in store.aiter_records(TextKind.ENTITY, [DS], page_size=2)]
    assert sorted(r.text for r in records) == ["Acme", "Alice", "Bob"]
    assert len(await store.aneighbors([g.acme.id])) == 2
    assert await store.ahas_graph_data(DS)


def test_opening_something_that_is_not_a_store_is_invalid(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_text("this is not a database" * 100)
    with pytest.raises(InvalidInputError, match="Cannot open graph store"):
        SQLiteGraphStore(junk)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.text(min_size=1, max_size=200),
    name=st.none() | st.text(max_size=40),
    message_ids=st.lists(st.text(min_size=1, max_size=10), max_size=4),
    metadata=st.dictionaries(st.text(max_size=10), json_values, max_size=4),
)
def test_documents_and_chunks_round_trip(
    store: SQLiteGraphStore, text: str, name: str | None, message_ids: list[str], metadata: dict
) -> None:
    chunk = chunk_op(text, summary=text[::-1])
    doc = PutDocument(
        SourceDocument(
            id=content_id("document", DS, repr((text, name, message_ids, metadata))),
            dataset=DS,
            created_at=1.5,
            name=name,
            session_id="s",
            message_ids=tuple(message_ids),
            metadata=metadata,
            chunk_ids=(chunk.id, chunk.id),
            length=len(text),
        )
    )
    store.apply([create(), chunk, doc])
    assert store.get_documents([doc.document.id]) == [doc.document]
    (stored,) = store.get_chunks([chunk.id])
    assert (stored.text, stored.summary) == (text, text[::-1])
    assert set(message_ids) <= set(stored.message_ids)


def test_records_carry_their_links_and_provenance(store: SQLiteGraphStore) -> None:
    g = SmallGraph()
    session_chunk = chunk_op("Alice leads Acme again.")
    session_doc = doc_op([session_chunk], "chat", session_id="s1", message_ids=("m1", "m2"))
    alias = replace(g.acme, name="ACME", mentions=(EntityMention(session_chunk.id, "ACME"),))
    store.apply([*g.ops, session_chunk, session_doc, alias])

    (chunk,) = store.read_records(TextKind.CHUNK, [DS], ids=[g.c2.id])
    assert chunk.entity_ids == (g.bob.id, g.acme.id) and chunk.chunk_ids == ()
    (summary,) = store.read_records(TextKind.SUMMARY, [DS])
    assert summary.chunk_ids == (g.c1.id,) and summary.entity_ids == (g.alice.id, g.acme.id)
    (fact,) = store.read_records(TextKind.FACT, [DS], ids=[g.leads.id])
    assert fact.entity_ids == (g.alice.id, g.acme.id) and fact.chunk_ids == (g.c1.id,)
    (acme,) = store.read_records(TextKind.ENTITY, [DS], ids=[g.acme.id])
    assert acme.aliases == ("ACME",) and acme.entity_ids == ()
    (chat,) = store.read_records(TextKind.CHUNK, [DS], ids=[session_chunk.id])
    assert (chat.session_ids, chat.message_ids) == (("s1",), ("m1", "m2"))


def test_forget_in_the_same_batch_as_the_puts_it_undoes(store: SQLiteGraphStore) -> None:
    g = SmallGraph()
    result = store.apply([*g.ops, Forget(DS, node_set="news")])
    assert (result.documents_added, result.documents_removed) == (2, 1)
    assert store.existing_ids(RecordKind.ENTITY, [g.alice.id, g.bob.id]) == {g.alice.id}
    (acme,) = store.get_entities([g.acme.id])
    assert acme.node_sets == () and acme.chunk_ids == (g.c1.id,)
