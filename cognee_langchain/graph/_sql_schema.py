"""The SQL graph stores' schema (written for SQLite; see :meth:`Dialect.ddl` for PostgreSQL) and
the small SQL helpers their reads and writes share.

Provenance is stored once, where it originates, and derived on read: documents carry their node
set and session; ``document_chunks`` links documents to chunks; ``entity_mentions`` and
``relation_mentions`` link entities and relations to the chunks they were extracted from (with
the name and sentence used there). Only node sets are also kept on chunks, entities and relations,
because retrieval filters on them. Every row written or changed carries the revision of its
transaction (``rev``); deletions leave a tombstone, so readers can catch up incrementally.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence

import numpy as np
import orjson

from cognee_langchain.errors import InvalidInputError
from cognee_langchain.graph._sql_dialect import IN_BATCH, Connection, Dialect
from cognee_langchain.graph.ops import RecordKind, Vector
from cognee_langchain.permissions import DatasetInfo, Permission

__all__ = [
    "SCHEMA",
    "SCHEMA_AFTER_MIGRATION",
    "SCHEMA_VERSION",
    "TABLES",
    "dataset_info",
    "dumps",
    "in_node_sets",
    "load_vector",
    "marks",
    "revision",
    "slices",
    "unique",
    "unit_rows",
    "unknown_dataset",
]

SCHEMA_VERSION = "4"

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS datasets (
    name TEXT PRIMARY KEY, owner_id TEXT NOT NULL, created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS grants (
    dataset TEXT NOT NULL, user_id TEXT NOT NULL, permission TEXT NOT NULL,
    granted_by TEXT NOT NULL, created_at REAL NOT NULL,
    PRIMARY KEY (dataset, user_id, permission)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY, dataset TEXT NOT NULL, name TEXT, node_set TEXT, session_id TEXT,
    message_ids TEXT NOT NULL, metadata TEXT NOT NULL, length INTEGER NOT NULL,
    created_at REAL NOT NULL, rev INTEGER NOT NULL, user_id TEXT);
CREATE INDEX IF NOT EXISTS documents_dataset ON documents (dataset, node_set);
CREATE INDEX IF NOT EXISTS documents_session ON documents (dataset, session_id);
CREATE INDEX IF NOT EXISTS documents_rev ON documents (rev);
CREATE TABLE IF NOT EXISTS document_chunks (
    document_id TEXT NOT NULL, position INTEGER NOT NULL, chunk_id TEXT NOT NULL,
    PRIMARY KEY (document_id, position)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS document_chunks_chunk ON document_chunks (chunk_id);
CREATE TABLE IF NOT EXISTS chunks (
    id TEXT PRIMARY KEY, dataset TEXT NOT NULL, text TEXT NOT NULL, summary TEXT NOT NULL,
    node_sets TEXT NOT NULL, created_at REAL NOT NULL, rev INTEGER NOT NULL,
    unit TEXT NOT NULL DEFAULT '{}');
CREATE INDEX IF NOT EXISTS chunks_dataset ON chunks (dataset, id);
CREATE INDEX IF NOT EXISTS chunks_rev ON chunks (rev);
CREATE TABLE IF NOT EXISTS entities (
    id TEXT PRIMARY KEY, dataset TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL,
    node_sets TEXT NOT NULL, created_at REAL NOT NULL, rev INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS entities_dataset ON entities (dataset, id);
CREATE INDEX IF NOT EXISTS entities_rev ON entities (rev);
CREATE TABLE IF NOT EXISTS entity_keys (
    dataset TEXT NOT NULL, key TEXT NOT NULL, entity_id TEXT NOT NULL,
    PRIMARY KEY (dataset, key)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entity_keys_entity ON entity_keys (entity_id);
CREATE TABLE IF NOT EXISTS entity_tokens (
    dataset TEXT NOT NULL, token TEXT NOT NULL, entity_id TEXT NOT NULL,
    PRIMARY KEY (dataset, token, entity_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entity_tokens_entity ON entity_tokens (entity_id);
CREATE TABLE IF NOT EXISTS entity_mentions (
    seq INTEGER PRIMARY KEY, entity_id TEXT NOT NULL, chunk_id TEXT NOT NULL,
    surface TEXT NOT NULL, description TEXT NOT NULL, UNIQUE (entity_id, chunk_id));
-- Covering indexes: loading the retrieval index reads a chunk's entity ids and an entity's
-- surfaces for every record, which through a bare (chunk_id) index cost one row fetch each.
DROP INDEX IF EXISTS entity_mentions_chunk;
CREATE INDEX IF NOT EXISTS entity_mentions_chunk_entity ON entity_mentions (chunk_id, entity_id);
CREATE INDEX IF NOT EXISTS entity_mentions_entity_surface ON entity_mentions (entity_id, surface);
-- Time (4): kind and single_valued as put; valid_* / invalid_at / superseded_by derived from the
-- mentions and retractions of the relation's (dataset, source_id, kind) group on every write.
CREATE TABLE IF NOT EXISTS relations (
    id TEXT PRIMARY KEY, dataset TEXT NOT NULL, source_id TEXT NOT NULL,
    target_id TEXT NOT NULL, predicate TEXT NOT NULL, node_sets TEXT NOT NULL,
    created_at REAL NOT NULL, rev INTEGER NOT NULL, kind TEXT,
    single_valued INTEGER NOT NULL DEFAULT 0, valid_at REAL, valid_grain TEXT,
    valid_phrase TEXT NOT NULL DEFAULT '', invalid_at REAL, superseded_by TEXT);
CREATE INDEX IF NOT EXISTS relations_dataset ON relations (dataset, id);
CREATE INDEX IF NOT EXISTS relations_source ON relations (source_id);
CREATE INDEX IF NOT EXISTS relations_target ON relations (target_id);
CREATE INDEX IF NOT EXISTS relations_rev ON relations (rev);
-- A mention is a statement: valid_at / grain / phrase as the chunk dates it (NULL: unknown),
-- invalid_at / superseded_by derived (when the value it states stopped being true).
CREATE TABLE IF NOT EXISTS relation_mentions (
    seq INTEGER PRIMARY KEY, relation_id TEXT NOT NULL, chunk_id TEXT NOT NULL,
    description TEXT NOT NULL, valid_at REAL, grain TEXT, phrase TEXT NOT NULL DEFAULT '',
    invalid_at REAL, superseded_by TEXT, UNIQUE (relation_id, chunk_id));
CREATE INDEX IF NOT EXISTS relation_mentions_chunk ON relation_mentions (chunk_id);
-- "I quit Renault": ends a fact of (dataset, source_id, kind) at `at`; forgotten with its chunk.
-- closed: JSON array of the relations it ended (derived; empty: a no-op).
CREATE TABLE IF NOT EXISTS retractions (
    id TEXT PRIMARY KEY, dataset TEXT NOT NULL, source_id TEXT NOT NULL, kind TEXT NOT NULL,
    target_id TEXT, at REAL NOT NULL, chunk_id TEXT NOT NULL, phrase TEXT NOT NULL,
    created_at REAL NOT NULL, closed TEXT NOT NULL DEFAULT '[]');
CREATE INDEX IF NOT EXISTS retractions_group ON retractions (dataset, source_id, kind);
CREATE INDEX IF NOT EXISTS retractions_chunk ON retractions (chunk_id);
-- A rowid table: 1 KB rows appended in rowid order insert several times faster than rows kept
-- in (kind, id) order, and the small index stays cheap to update.
CREATE TABLE IF NOT EXISTS vectors (kind TEXT NOT NULL, id TEXT NOT NULL, vector BLOB NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS vectors_id ON vectors (kind, id);
CREATE TABLE IF NOT EXISTS tombstones (rev INTEGER NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS tombstones_rev ON tombstones (rev);
-- A missing record that has a tombstone was forgotten by a concurrent write (a stale plan, a
-- retryable conflict), one without was never written (the caller's mistake).
CREATE INDEX IF NOT EXISTS tombstones_id ON tombstones (id);
-- Which stored document holds each persisted session message: one row per message, so two
-- processes persisting the same session cannot both store it (ClaimMessages).
CREATE TABLE IF NOT EXISTS message_claims (
    dataset TEXT NOT NULL, user_id TEXT NOT NULL, session_id TEXT NOT NULL,
    message_key TEXT NOT NULL, document_id TEXT NOT NULL,
    PRIMARY KEY (dataset, user_id, session_id, message_key)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS message_claims_document ON message_claims (document_id);
"""

# Indexes on columns a migration adds: created after migrating (an older file lacks the columns
# when SCHEMA runs). Interval recompute reads one (dataset, source_id, kind) group per query.
SCHEMA_AFTER_MIGRATION = """
CREATE INDEX IF NOT EXISTS relations_group ON relations (dataset, source_id, kind);
"""

TABLES = {
    RecordKind.DOCUMENT: "documents",
    RecordKind.CHUNK: "chunks",
    RecordKind.ENTITY: "entities",
    RecordKind.RELATION: "relations",
}

# How far from 1 a float32 vector's computed norm may be and the vector still count as unit length.
_UNIT_TOLERANCE = 1e-5


def slices(items: Sequence[str], size: int = IN_BATCH) -> Iterator[Sequence[str]]:
    """``items`` in consecutive pieces small enough for one ``IN (...)``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def marks(items: Sequence[object]) -> str:
    """``?`` placeholders for ``items`` (``NULL`` for none: ``x IN ()`` is SQLite's alone, and
    ``x IN (NULL)`` is never true either)."""
    return ",".join("?" * len(items)) or "NULL"


def in_node_sets(
    dialect: Dialect, alias: str, node_sets: Sequence[str] | None
) -> tuple[str, list[str]]:
    """A condition keeping rows of ``alias`` in one of ``node_sets`` (``""``: no filter), and
    its params."""
    if node_sets is None:
        return "", []
    return (
        f"EXISTS (SELECT 1 FROM {dialect.elements(f'{alias}.node_sets', 'j')} "
        f"WHERE j.value IN ({marks(node_sets)}))",
        dialect.element_params(node_sets),
    )


def dumps(value: object) -> str:
    """JSON text for a column (values JSON cannot hold are stored as their ``str``)."""
    return orjson.dumps(value, default=str).decode()


def unique(values: Iterable[str]) -> tuple[str, ...]:
    """``values`` without repeats, first occurrence kept."""
    return tuple(dict.fromkeys(values))


def load_vector(blob: bytes | None) -> Vector | None:
    """A stored vector (a read-only view of the blob), or ``None``."""
    return None if blob is None else np.frombuffer(blob, dtype=np.float32)


def unit_rows(vectors: Sequence[Vector], dim: int) -> Vector:
    """``vectors`` as an L2-normalised float32 matrix, after checking they are finite and all
    ``dim``-dimensional."""
    rows = [np.asarray(v, dtype=np.float32).reshape(-1) for v in vectors]
    sizes = {row.size for row in rows}
    if sizes != {dim} or dim == 0:
        odd = min(sizes - {dim}, default=0)
        raise InvalidInputError(
            f"This graph store holds {dim}-dimensional vectors, got {odd}: use the embeddings "
            "model the store was built with, or a new data_dir."
        )
    matrix = np.stack(rows)
    if not np.isfinite(matrix).all():
        raise InvalidInputError(
            "An embedding vector is not finite (NaN or infinity): check the embeddings model's "
            "output."
        )
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    # A row already of unit length (to float32 precision) is kept bit for bit: normalising it
    # again would move its last bits, and a restored export must store the vectors it holds.
    unit = np.abs(norms - 1) <= _UNIT_TOLERANCE
    np.divide(matrix, norms, out=matrix, where=(norms > 0) & ~unit)
    return matrix


def revision(conn: Connection) -> int:
    """The revision of the last committed write."""
    (value,) = conn.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()
    return int(value)


def dataset_info(conn: Connection, name: str) -> DatasetInfo | None:
    """A dataset's owner and grants, or ``None`` when it does not exist."""
    row = conn.execute(
        "SELECT owner_id, created_at FROM datasets WHERE name = ?", (name,)
    ).fetchone()
    if row is None:
        return None
    grants: dict[str, set[Permission]] = defaultdict(set)
    for user_id, permission in conn.execute(
        "SELECT user_id, permission FROM grants WHERE dataset = ?", (name,)
    ):
        grants[user_id].add(Permission(permission))
    return DatasetInfo(
        name=name,
        owner_id=row[0],
        created_at=row[1],
        grants={user: frozenset(perms) for user, perms in grants.items()},
    )


def unknown_dataset(dataset: str) -> InvalidInputError:
    """The error for a write naming a dataset that does not exist."""
    return InvalidInputError(
        f"Unknown dataset {dataset!r}: run remember(..., dataset={dataset!r}) first."
    )
