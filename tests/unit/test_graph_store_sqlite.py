"""SQLiteGraphStore: the graph-store conformance suite, plus what only a file on disk does —
reopening, several openers of one file, file-format errors, and its direct sync read paths."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from cognee_langchain.core.aio import run_sync
from cognee_langchain.errors import InvalidInputError, StoreCorruptedError
from cognee_langchain.graph.base import (
    Forget,
    GraphStore,
    PutRelation,
    RecordKind,
    RelationMention,
    TextKind,
)
from cognee_langchain.graph.sqlite import SQLiteGraphStore
from cognee_langchain.testing import GraphStoreConformanceTests
from cognee_langchain.testing.graph_store import DS, SmallGraph, chunk_op, create, doc_op
from cognee_langchain.testing.graph_time import Life


class TestSQLiteGraphStore(GraphStoreConformanceTests):
    @pytest.fixture
    def store(self, tmp_path: Path) -> Iterator[GraphStore]:
        store = SQLiteGraphStore(tmp_path / "graph.sqlite")
        yield store
        store.close()


def test_reopening_restores_graph_and_records(tmp_path: Path) -> None:
    first = SQLiteGraphStore(tmp_path / "g.sqlite")
    g = SmallGraph()
    first.apply(g.ops)
    edges = first.neighbors([g.acme.id])
    stats = first.stats()
    snapshot = first.snapshot([DS])
    first.close()

    second = SQLiteGraphStore(tmp_path / "g.sqlite")
    assert second.current_revision() == 1
    assert sorted(second.neighbors([g.acme.id])) == sorted(edges) and len(edges) == 2
    assert second.stats() == stats
    assert second.snapshot([DS]) == snapshot
    second.close()


def test_another_opener_sees_writes_and_deletes(tmp_path: Path) -> None:
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
    assert reader.current_revision() == 2

    writer.apply([Forget(DS, node_set="news")])
    assert [e.predicate for e in reader.neighbors([acme])] == ["leads"]
    assert reader.neighbors([g.bob.id]) == []
    assert reader.snapshot([DS]).total_nodes == 2


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


def test_opening_something_that_is_not_a_store_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_text("this is not a database" * 100)
    # A file whose header is not SQLite's is a damaged graph or not a graph: never written to.
    with pytest.raises(StoreCorruptedError, match="not a graph file"):
        SQLiteGraphStore(junk)
    assert junk.read_text() == "this is not a database" * 100


def test_opening_an_sqlite_file_of_another_program_is_invalid(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    with contextlib.closing(sqlite3.connect(other)) as conn, conn:
        conn.execute("CREATE TABLE notes (text TEXT)")
    with pytest.raises(InvalidInputError, match="SQLite file of another program"):
        SQLiteGraphStore(other)
    with contextlib.closing(sqlite3.connect(other)) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    assert tables == ["notes"]  # nothing of ours was added to it


def test_a_store_of_another_schema_version_is_invalid(tmp_path: Path) -> None:
    SQLiteGraphStore(tmp_path / "g.sqlite").close()
    conn = sqlite3.connect(tmp_path / "g.sqlite")
    with conn:
        conn.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    conn.close()
    with pytest.raises(InvalidInputError, match="schema version 999"):
        SQLiteGraphStore(tmp_path / "g.sqlite")


def test_direct_paths_agree_with_the_helpers_they_replace(tmp_path: Path) -> None:
    store = SQLiteGraphStore(tmp_path / "g.sqlite")
    g = SmallGraph()
    store.apply(g.ops)
    ids = [g.c1.id, "unknown", g.c2.id]
    assert store.current_revision() == GraphStore.current_revision(store) == 1
    assert store.list_datasets() == GraphStore.list_datasets(store)
    assert store.changes_since(0) == GraphStore.changes_since(store, 0)
    for text_kind in TextKind:
        direct = store.read_records(text_kind, [DS], with_vectors=False)
        assert direct == GraphStore.read_records(store, text_kind, [DS], with_vectors=False)
    for kind in RecordKind:
        expected = asyncio.run(GraphStore.aexisting_ids(store, kind, [*ids, g.acme.id]))
        assert asyncio.run(store.aexisting_ids(kind, [*ids, g.acme.id])) == expected
    assert store.existing_ids(RecordKind.CHUNK, ids) == {g.c1.id, g.c2.id}
    store.close()


def test_hot_sync_reads_do_not_wait_for_the_bridge(tmp_path: Path) -> None:
    """GraphIndex reads the revision before every search, from a worker thread: those sync reads
    must not depend on the bridge's event loop (here: blocked on purpose)."""
    store = SQLiteGraphStore(tmp_path / "g.sqlite")
    store.apply(SmallGraph().ops)
    blocked, release = threading.Event(), threading.Event()

    async def hog_the_loop() -> None:
        blocked.set()
        release.wait(30)  # blocks the bridge's loop thread

    hog = threading.Thread(target=run_sync, args=(hog_the_loop(),))
    hog.start()
    try:
        assert blocked.wait(10)
        assert store.current_revision() == 1
        assert [d.name for d in store.list_datasets()] == [DS]
        assert len(store.read_records(TextKind.CHUNK, [DS])) == 2
        assert len(list(store.iter_records(TextKind.FACT, [DS], page_size=1))) == 2
        assert store.changes_since(0).revision == 1
    finally:
        release.set()
        hog.join()
    store.close()


def test_a_version_2_file_is_migrated_to_record_users(tmp_path: Path) -> None:
    """Schema 3: documents record their user; a version 2 file gains the column on open, its
    documents (written before users were recorded) have none, and new ones record theirs."""
    path = tmp_path / "g.sqlite"
    store = SQLiteGraphStore(path)
    c = chunk_op("old session text")
    old = doc_op([c], "old", session_id="s1")
    store.apply([create(), c, old])
    store.close()
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:  # as release 2 wrote it
        conn.execute("ALTER TABLE documents DROP COLUMN user_id")
        conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")

    store = SQLiteGraphStore(path)
    (migrated,) = store.get_documents([old.document.id])
    assert migrated.user_id is None
    new = doc_op([c], "new", session_id="s1", user_id="alice")
    store.apply([create(), new])
    assert [d.user_id for d in store.list_documents(DS, session_id="s1")] == [None, "alice"]
    store.close()
    with contextlib.closing(sqlite3.connect(path)) as conn:
        (version,) = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    assert version == "4"  # and on up to the current schema


def test_a_version_3_file_is_migrated_to_time_on_facts(tmp_path: Path) -> None:
    """Schema 4: relations and their mentions carry time, retractions have a table. A version 3
    file's relations become facts of unknown kind, true from when they were recorded."""
    path = tmp_path / "g.sqlite"
    store = SQLiteGraphStore(path)
    g = SmallGraph()
    store.apply(g.ops)
    store.close()
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:  # as release 3 wrote it
        conn.execute("DROP INDEX relations_group")
        conn.execute("DROP TABLE retractions")
        for table, columns in (
            ("relations", TIME_COLUMNS["relations"]),
            ("relation_mentions", TIME_COLUMNS["relation_mentions"]),
        ):
            for column in columns:
                conn.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        conn.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")

    store = SQLiteGraphStore(path)
    (leads,) = store.get_relations([g.leads.id])
    assert (leads.kind, leads.valid_at, leads.invalid_at) == (None, leads.created_at, None)
    life = Life()
    quit_ = life.retract("works_at", None, 250.0)
    result = store.apply([*life.fact("works at", "Renault", 100.0, kind="works_at"), *quit_])
    assert (result.relations_closed, result.retractions_ignored) == (1, 0)
    store.close()
    with contextlib.closing(sqlite3.connect(path)) as conn:
        (version,) = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        indexes = {r[1] for r in conn.execute("PRAGMA index_list(relations)")}
    assert version == "4" and "relations_group" in indexes


TIME_COLUMNS = {
    "relations": (
        "kind", "single_valued", "valid_at", "valid_grain", "valid_phrase", "invalid_at",
        "superseded_by",
    ),
    "relation_mentions": ("valid_at", "grain", "phrase", "invalid_at", "superseded_by"),
}  # fmt: skip


def test_a_sqlite_identity_survives_reopening_and_differs_between_files(tmp_path: Path) -> None:
    first = SQLiteGraphStore(tmp_path / "a.sqlite")
    other = SQLiteGraphStore(tmp_path / "b.sqlite")
    try:
        ident = first.identity()
        assert ident is not None and ident != other.identity()
    finally:
        first.close()
        other.close()
    again = SQLiteGraphStore(tmp_path / "a.sqlite")
    try:
        assert again.identity() == ident
    finally:
        again.close()


def test_records_read_by_id_are_looked_up_by_primary_key(tmp_path: Path) -> None:
    """A catch-up reads the records a few writes changed: each must be found by its key, not by
    walking the dataset's (dataset, id) index in id order (what SQLite, without statistics,
    picks for several ids: O(dataset) per search while others write)."""
    store = SQLiteGraphStore(tmp_path / "g.sqlite")
    g = SmallGraph()
    store.apply(g.ops)
    asked = {
        TextKind.CHUNK: ("chunks", [g.c1.id, g.c2.id]),
        TextKind.SUMMARY: ("chunks", [g.c1.id, g.c2.id]),
        TextKind.ENTITY: ("entities", [g.alice.id, g.bob.id, g.acme.id]),
        TextKind.FACT: ("relations", [g.leads.id, g.joined.id]),
    }
    plans = sqlite3.connect(tmp_path / "g.sqlite")
    try:
        for kind, (table, ids) in asked.items():
            statements: list[str] = []
            store._connection.set_trace_callback(statements.append)
            try:
                assert {r.id for r in store.read_records(kind, [DS], ids=ids)} <= set(ids)
            finally:
                store._connection.set_trace_callback(None)
            (query,) = [s for s in statements if f"FROM {table} " in s and "ORDER BY" in s]
            # The first top-level step: how the table of the records is searched.
            outer = next(r[3] for r in plans.execute(f"EXPLAIN QUERY PLAN {query}") if not r[1])
            assert f"sqlite_autoindex_{table}_1 (id=?)" in outer, (kind, outer)
    finally:
        plans.close()
        store.close()


def test_a_fact_reads_the_first_description_its_mentions_give(tmp_path: Path) -> None:
    """The first mention's description, or when it gave none the first later one that did."""
    store = SQLiteGraphStore(tmp_path / "g.sqlite")
    g = SmallGraph()
    c3, c4 = chunk_op("Alice still leads Acme."), chunk_op("Bob is still at Acme.")

    def stated(relation: PutRelation, *said: tuple[str, str]) -> PutRelation:
        return replace(relation, mentions=tuple(RelationMention(c, text) for c, text in said))

    leads = stated(g.leads, (g.c1.id, "since 2019, says the report"), (c3.id, "a later one"))
    joined = stated(g.joined, (g.c2.id, ""), (c4.id, "in spring, as a designer"))
    store.apply([*g.ops[:-2], c3, c4, doc_op([c3, c4], "three"), leads, joined])
    facts = {
        r.id: r.text for r in store.read_records(TextKind.FACT, [DS], ids=[leads.id, joined.id])
    }
    assert facts == {
        leads.id: "Alice leads Acme. since 2019, says the report",
        joined.id: "Bob joined Acme. in spring, as a designer",
    }
    store.close()
