"""The embedded graph store: one SQLite file on disk, a ``networkx`` graph in memory.

SQLite (WAL, ``synchronous=FULL``) is the source of truth: each :meth:`SQLiteGraphStore.apply` is
one ``BEGIN IMMEDIATE`` … ``COMMIT`` transaction, so a crash at any point leaves the last committed
state. The in-memory graph holds only the structure (entity nodes, relation edges) and is built
on the first graph query, then kept current by replaying revisions committed since — by this
process or any other. Texts, mentions and vectors stay on disk and are read on demand, so an open
store holds no chunk text and no vector in memory.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import groupby
from pathlib import Path

from cognee_langchain.errors import InvalidInputError
from cognee_langchain.graph import _sqlite_reads as reads
from cognee_langchain.graph._mirror import GraphMirror
from cognee_langchain.graph._sqlite_schema import SCHEMA, SCHEMA_VERSION, dataset_info, revision
from cognee_langchain.graph._sqlite_writes import WriteTransaction
from cognee_langchain.graph.base import (
    ChangeSet,
    Edge,
    EntityRef,
    GraphSnapshot,
    GraphStats,
    GraphStore,
    RecordKind,
    TextKind,
    TextRecord,
    Vector,
    WriteOp,
    WriteResult,
)
from cognee_langchain.graph.models import Chunk, Entity, Relation, SourceDocument
from cognee_langchain.permissions import DatasetInfo

__all__ = ["SQLiteGraphStore"]

# One remember is one transaction; a page cache this large keeps a big one from spilling early.
_CACHE_KIB = 32 * 1024


class SQLiteGraphStore(GraphStore):
    """A :class:`~cognee_langchain.graph.base.GraphStore` in one SQLite file.

    Safe to share between threads (calls are serialised) and between processes (SQLite locking;
    each process's in-memory graph catches up with revisions committed by the others).

    Args:
        path: The database file; created with its parent directories if missing.
        timeout: Seconds to wait for another writer's lock before failing.
    """

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 30.0) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self._mirror: GraphMirror | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(
                self.path, timeout=timeout, isolation_level=None, check_same_thread=False
            )
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.execute(f"PRAGMA cache_size=-{_CACHE_KIB}")
            self._init_schema()
        except (sqlite3.DatabaseError, OSError) as exc:
            raise InvalidInputError(
                f"Cannot open graph store {str(self.path)!r} ({type(exc).__name__}: {exc}): pass "
                "the path of a graph.sqlite written by cognee-langchain, or of a new file."
            ) from None

    def _init_schema(self) -> None:
        try:
            # One script, one transaction: concurrent openers of a new file cannot interleave.
            self._conn.executescript(
                f"BEGIN IMMEDIATE; {SCHEMA} INSERT OR IGNORE INTO meta VALUES "
                f"('schema_version', '{SCHEMA_VERSION}'), ('revision', '0'); COMMIT;"
            )
        except BaseException:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            raise
        (version,) = self._conn.execute(
            "SELECT value FROM meta WHERE key = 'schema_version'"
        ).fetchone()
        if version != SCHEMA_VERSION:
            raise sqlite3.DatabaseError(
                f"schema version {version}, this release reads version {SCHEMA_VERSION}"
            )

    def __repr__(self) -> str:
        return f"SQLiteGraphStore({str(self.path)!r})"

    def close(self) -> None:
        with self._lock:
            self._conn.close()
            self._mirror = None

    # -- transactions ---------------------------------------------------------------------------
    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: every SELECT inside sees the same committed snapshot."""
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                yield self._conn
            finally:
                self._conn.execute("COMMIT")

    def apply(self, ops: Sequence[WriteOp]) -> WriteResult:
        with self._lock:
            conn = self._conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                tx = WriteTransaction(conn, revision(conn) + 1, time.time())
                for _, run in groupby(ops, key=type):
                    self._apply_run(tx, list(run))
                tx.finish()
                if not tx.changed:
                    conn.execute("ROLLBACK")
                    return WriteResult(revision=tx.rev - 1)
                conn.execute("UPDATE meta SET value = ? WHERE key = 'revision'", (str(tx.rev),))
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        return tx.result()

    def _apply_run(self, tx: WriteTransaction, ops: list[WriteOp]) -> None:
        """Apply a run of same-typed operations (the seam crash tests stop a transaction at)."""
        tx.apply_run(ops)

    # -- reads ----------------------------------------------------------------------------------
    def current_revision(self) -> int:
        with self._lock:
            return revision(self._conn)

    def get_dataset(self, name: str) -> DatasetInfo | None:
        with self._reading() as conn:
            return dataset_info(conn, name)

    def list_datasets(self) -> list[DatasetInfo]:
        with self._reading() as conn:
            names = [r[0] for r in conn.execute("SELECT name FROM datasets ORDER BY name")]
            return [info for n in names if (info := dataset_info(conn, n)) is not None]

    def get_documents(self, ids: Sequence[str]) -> list[SourceDocument]:
        with self._reading() as conn:
            return reads.documents(conn, ids)

    def list_documents(
        self, dataset: str, *, node_set: str | None = None, session_id: str | None = None
    ) -> list[SourceDocument]:
        with self._reading() as conn:
            return reads.list_documents(conn, dataset, node_set, session_id)

    def get_chunks(self, ids: Sequence[str]) -> list[Chunk]:
        with self._reading() as conn:
            return reads.chunks(conn, ids)

    def get_entities(self, ids: Sequence[str]) -> list[Entity]:
        with self._reading() as conn:
            return reads.entities(conn, ids)

    def get_relations(self, ids: Sequence[str]) -> list[Relation]:
        with self._reading() as conn:
            return reads.relations(conn, ids)

    def existing_ids(self, kind: RecordKind, ids: Sequence[str]) -> set[str]:
        with self._reading() as conn:
            return reads.existing_ids(conn, kind, ids)

    def find_entities(self, dataset: str, keys: Sequence[str]) -> dict[str, EntityRef]:
        with self._reading() as conn:
            return reads.find_entities(conn, dataset, keys)

    def entity_candidates(
        self, dataset: str, tokens: Sequence[str], limit: int = 50
    ) -> list[EntityRef]:
        with self._reading() as conn:
            return reads.entity_candidates(conn, dataset, tokens, limit)

    def get_vectors(self, kind: TextKind, ids: Sequence[str]) -> dict[str, Vector]:
        with self._reading() as conn:
            return reads.vectors(conn, kind, ids)

    def read_records(
        self,
        kind: TextKind,
        datasets: Sequence[str],
        *,
        node_sets: Sequence[str] | None = None,
        ids: Sequence[str] | None = None,
        since_revision: int = 0,
        after_id: str = "",
        limit: int = 2000,
        with_vectors: bool = True,
    ) -> list[TextRecord]:
        with self._reading() as conn:
            return reads.records(
                conn,
                kind,
                datasets,
                node_sets=node_sets,
                ids=ids,
                since_revision=since_revision,
                after_id=after_id,
                limit=limit,
                with_vectors=with_vectors,
            )

    def changes_since(self, revision: int) -> ChangeSet:
        with self._reading() as conn:
            return reads.changes_since(conn, revision)

    def chunks_of_entities(self, entity_ids: Sequence[str]) -> dict[str, list[str]]:
        with self._reading() as conn:
            return reads.mention_links(conn, "entity_id", "chunk_id", entity_ids)

    def entities_of_chunks(self, chunk_ids: Sequence[str]) -> dict[str, list[str]]:
        with self._reading() as conn:
            return reads.mention_links(conn, "chunk_id", "entity_id", chunk_ids)

    def stats(self, datasets: Sequence[str] | None = None) -> GraphStats:
        with self._reading() as conn:
            return reads.stats(conn, datasets)

    def has_graph_data(self, dataset: str) -> bool:
        with self._lock:
            row = self._conn.execute("SELECT 1 FROM chunks WHERE dataset = ? LIMIT 1", (dataset,))
            return row.fetchone() is not None

    # -- the in-memory graph --------------------------------------------------------------------
    def neighbors(
        self, entity_ids: Sequence[str], *, node_sets: Sequence[str] | None = None
    ) -> list[Edge]:
        with self._lock:
            edges = self._current_mirror().neighbors(entity_ids)
            if node_sets is None or not edges:
                return edges
            with self._reading() as conn:
                kept = reads.in_node_sets(conn, [e.relation_id for e in edges], node_sets)
            return [e for e in edges if e.relation_id in kept]

    def snapshot(self, datasets: Sequence[str], max_nodes: int = 2000) -> GraphSnapshot:
        with self._lock:
            return self._current_mirror().snapshot(datasets, max_nodes)

    def _current_mirror(self) -> GraphMirror:
        """The in-memory graph, built on first use and caught up with newer revisions.

        Caller holds the lock.
        """
        if self._mirror is None:
            self._mirror = GraphMirror()
        if revision(self._conn) != self._mirror.revision:
            with self._reading() as conn:
                self._mirror.apply(reads.graph_delta(conn, self._mirror.revision))
        return self._mirror
