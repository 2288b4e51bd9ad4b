"""PostgresGraphStore on the real server: the graph-store conformance suite, plus what only a
shared server does — two stores (two processes' worth) on one schema, writers serialising with
gapless revisions, a backend terminated mid-write, wrong DSNs, schema versions and names.

Each test runs in a schema of its own (dropped afterwards); the whole module is skipped with the
reason when PostgreSQL does not answer (failed when ``CI`` is set).
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from cognee_langchain.errors import InvalidInputError, StoreUnavailableError
from cognee_langchain.graph.base import Forget, GraphStore, RecordKind
from cognee_langchain.graph.postgres import PostgresGraphStore
from cognee_langchain.testing import GraphStoreConformanceTests
from cognee_langchain.testing.graph_store import DS, SmallGraph, chunk_op, create, doc_op
from tests.support.services import POSTGRES_DSN, postgres_unreachable, service_missing

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def dsn() -> str:
    reason = postgres_unreachable(POSTGRES_DSN)
    if reason:
        service_missing(reason)
    return POSTGRES_DSN


def _drop(dsn: str, schema: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def schema(pg_schema: str) -> str:
    """A schema name no other test uses; dropped afterwards (see ``tests/conftest.py``)."""
    return pg_schema


class TestPostgresGraphStore(GraphStoreConformanceTests):
    @pytest.fixture
    def store(self, dsn: str, schema: str) -> Iterator[GraphStore]:
        store = PostgresGraphStore(dsn, schema=schema, max_size=4)
        yield store
        store.close()


def _writes(tag: str) -> list[Any]:
    c = chunk_op(f"chunk {tag}")
    return [c, doc_op([c], tag)]


def test_two_stores_on_one_schema_see_each_others_writes_and_changes(dsn: str, schema: str) -> None:
    writer = PostgresGraphStore(dsn, schema=schema)
    reader = PostgresGraphStore(dsn, schema=schema)
    try:
        g = SmallGraph()
        writer.apply(g.ops[:-1])  # without the "joined" relation
        assert [e.predicate for e in reader.neighbors([g.acme.id])] == ["leads"]
        assert reader.current_revision() == 1

        writer.apply([g.ops[-1]])
        changes = reader.changes_since(1)
        assert changes.revision == 2
        assert changes.upserted[RecordKind.RELATION] >= {g.ops[-1].id}  # type: ignore[attr-defined]

        writer.apply([Forget(DS, node_set="news")])
        changes = reader.changes_since(2)
        assert changes.revision == 3 and changes.deleted[RecordKind.DOCUMENT]
        assert reader.neighbors([g.bob.id]) == []
        assert reader.identity() == writer.identity()
    finally:
        writer.close()
        reader.close()


def test_concurrent_writers_serialise_with_gapless_revisions(dsn: str, schema: str) -> None:
    stores = [PostgresGraphStore(dsn, schema=schema) for _ in range(2)]
    stores[0].apply([create()])
    revisions: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def write(worker: int) -> None:
        try:
            for i in range(10):
                result = stores[worker % 2].apply(_writes(f"{worker}-{i}"))
                with lock:
                    revisions.append(result.revision)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        assert sorted(revisions) == list(range(2, 42))  # every write its own revision, no gap
        assert stores[1].current_revision() == 41
        assert stores[1].stats().datasets[DS].documents == 40
        assert len(stores[0].changes_since(1).upserted[RecordKind.DOCUMENT]) == 40
    finally:
        for store in stores:
            store.close()


def test_a_batch_that_changes_nothing_commits_nothing(dsn: str, schema: str) -> None:
    store = PostgresGraphStore(dsn, schema=schema)
    try:
        ops = [create(), *_writes("once")]
        assert store.apply(ops).revision == 1
        assert store.apply(ops).revision == 1
        assert store.current_revision() == 1
    finally:
        store.close()


@pytest.mark.parametrize(
    ("dsn_of", "problem"),
    [
        (lambda: "postgresql://postgres:s3cret-pw@127.0.0.1:1/test", "cannot be reached"),
        (
            lambda: (
                POSTGRES_DSN.replace(
                    "postgresql://postgres@", "postgresql://postgres:s3cret-pw@"
                ).rsplit("/", 1)[0]
                + "/no_such_db_cl"
            ),
            "has no such database",
        ),
    ],
)
def test_a_wrong_dsn_is_unavailable_with_the_password_redacted(
    dsn: str, dsn_of: Any, problem: str
) -> None:
    with pytest.raises(StoreUnavailableError, match=problem) as caught:
        PostgresGraphStore(dsn_of(), timeout=2)
    assert "s3cret-pw" not in str(caught.value) and "***" in str(caught.value)
    assert caught.value.retryable
    assert not isinstance(caught.value.__cause__, StoreUnavailableError)  # the driver's, kept


class TerminatedStore(PostgresGraphStore):
    """Has its own backend terminated (from another connection) before the second run of a
    batch: the server going away mid-apply."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.armed = False
        self.runs = 0

    def _apply_run(self, tx: Any, ops: list[Any]) -> None:
        self.runs += 1
        if self.armed and self.runs == 2:
            self.armed = False
            (pid,) = tx.conn.execute("SELECT pg_backend_pid()").fetchone()
            with psycopg.connect(POSTGRES_DSN, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        super()._apply_run(tx, ops)


def test_a_backend_terminated_mid_apply_writes_nothing_and_the_next_apply_works(
    dsn: str, schema: str
) -> None:
    store = TerminatedStore(dsn, schema=schema, max_size=1)
    try:
        store.apply([create()])
        g = SmallGraph()
        store.armed, store.runs = True, 0
        with pytest.raises(StoreUnavailableError, match="lost its connection") as caught:
            store.apply(g.ops)
        assert caught.value.retryable
        assert store.current_revision() == 1
        assert store.existing_ids(RecordKind.CHUNK, [g.c1.id, g.c2.id]) == set()
        assert store.stats().datasets[DS].documents == 0

        assert store.apply(g.ops).revision == 2  # same store object, a fresh connection
        assert len(store.existing_ids(RecordKind.CHUNK, [g.c1.id, g.c2.id])) == 2
    finally:
        store.close()


def test_a_schema_of_a_newer_release_asks_for_an_upgrade(dsn: str, schema: str) -> None:
    PostgresGraphStore(dsn, schema=schema).close()
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"UPDATE \"{schema}\".meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(InvalidInputError, match=r"schema version 99.*upgrade cognee-langchain"):
        PostgresGraphStore(dsn, schema=schema)


def test_a_schema_of_another_program_is_refused(dsn: str, schema: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
        conn.execute(f'CREATE TABLE "{schema}".orders (id int)')
    with pytest.raises(InvalidInputError, match="another program"):
        PostgresGraphStore(dsn, schema=schema)


def test_identity_survives_reopening_and_differs_between_schemas(dsn: str, schema: str) -> None:
    other = f"{schema}_b"
    try:
        first = PostgresGraphStore(dsn, schema=schema)
        identity = first.identity()
        first.close()
        again, elsewhere = (
            PostgresGraphStore(dsn, schema=schema),
            PostgresGraphStore(dsn, schema=other),
        )
        assert identity is not None and identity.startswith("postgresql:")
        assert again.identity() == identity
        assert elsewhere.identity() not in (None, identity)
        again.close()
        elsewhere.close()
    finally:
        _drop(dsn, other)


def test_concurrent_first_openers_create_the_schema_once(dsn: str, schema: str) -> None:
    opened: list[PostgresGraphStore] = []
    errors: list[BaseException] = []

    def open_one() -> None:
        try:
            opened.append(PostgresGraphStore(dsn, schema=schema))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len({store.identity() for store in opened}) == 1
    for store in opened:
        store.close()


@pytest.mark.parametrize(
    "name", ["", "1abc", "bad-name", 'x"; DROP SCHEMA public; --', "a" * 64, "pg_mine", 5]
)
def test_bad_schema_names_are_rejected(name: Any) -> None:
    with pytest.raises(InvalidInputError, match="schema name"):
        PostgresGraphStore("postgresql://postgres@127.0.0.1:1/test", schema=name)


def test_bad_arguments_are_rejected() -> None:
    with pytest.raises(InvalidInputError, match="exactly one"):
        PostgresGraphStore()
    with pytest.raises(InvalidInputError, match="max_size"):
        PostgresGraphStore("postgresql://x@127.0.0.1:1/t", min_size=4, max_size=2)


def test_a_closed_store_is_invalid_and_repr_redacts(dsn: str, schema: str) -> None:
    secret = dsn.replace("postgresql://postgres@", "postgresql://postgres:pw-hidden@")
    store = PostgresGraphStore(secret, schema=schema)
    assert "pw-hidden" not in repr(store) and schema in repr(store)
    assert store.vector_storage == "bytea"
    store.close()
    with pytest.raises(InvalidInputError, match="closed"):
        store.current_revision()
    with pytest.raises(InvalidInputError, match="closed"):
        asyncio.run(store.astats())


def test_a_caller_pool_is_borrowed_not_closed(dsn: str, schema: str) -> None:
    from psycopg_pool import ConnectionPool

    with ConnectionPool(dsn, min_size=1, max_size=2, open=True) as pool:  # not autocommit
        store = PostgresGraphStore(pool=pool, schema=schema)
        store.apply([create(), *_writes("pooled")])
        assert store.current_revision() == 1
        store.close()
        with pool.connection() as conn:
            assert not conn.autocommit  # handed back as it was lent
            (n,) = conn.execute(f'SELECT COUNT(*) FROM "{schema}".documents').fetchone()  # type: ignore[misc]
        assert n == 1


def test_importing_the_graph_package_does_not_import_psycopg() -> None:
    import subprocess

    code = (
        "import sys, cognee_langchain.graph as g; g.SQLiteGraphStore; "
        "assert 'psycopg' not in sys.modules, 'psycopg imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_missing_driver_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)
    monkeypatch.delitem(sys.modules, "cognee_langchain.graph.postgres")
    with pytest.raises(InvalidInputError, match=r"cognee-langchain\[postgres\]"):
        import cognee_langchain.graph.postgres  # noqa: F401


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_writes_on_its_own_connections_and_the_parent_keeps_its(
    dsn: str, schema: str
) -> None:
    from tests.integration.test_fork_safety import finish_child, fork_child

    def backend() -> int:
        with store._borrow() as raw:
            return raw.info.backend_pid

    store = PostgresGraphStore(dsn, schema=schema, max_size=1)
    try:
        store.apply([create()])  # the parent's pool now holds its one connection
        before = backend()
        child = fork_child(lambda: [store.apply(_writes("child")).revision, backend()])
        revision, child_backend = finish_child(child)
        assert revision == 2 and child_backend != before
        # The child never closed what it inherited: the parent's session is the same one.
        assert store.current_revision() == 2 and backend() == before
        assert store.apply(_writes("parent")).revision == 3
    finally:
        store.close()


def test_a_writer_lock_held_past_the_timeout_is_busy(dsn: str, schema: str) -> None:
    from cognee_langchain.errors import StoreBusyError

    store = PostgresGraphStore(dsn, schema=schema, timeout=0.5)
    try:
        store.apply([create()])
        with psycopg.connect(dsn) as other:  # holds the writers' lock until it rolls back
            other.execute(f"SELECT value FROM \"{schema}\".meta WHERE key = 'revision' FOR UPDATE")
            with pytest.raises(StoreBusyError) as caught:
                store.apply(_writes("blocked"))
            assert caught.value.retryable
            assert store.current_revision() == 1  # reads are not blocked
            other.rollback()
        assert store.apply(_writes("blocked")).revision == 2
    finally:
        store.close()
