"""The PostgreSQL graph store's schema: created, checked and migrated when a store opens.

All tables live in one PostgreSQL schema (``cognee_langchain`` unless named otherwise), with the
SQLite store's tables and columns (:data:`~cognee_langchain.graph._sql_schema.SCHEMA`, in
PostgreSQL's types) and the same ``meta`` rows: ``schema_version`` (the same numbering: 4 is the
first version on PostgreSQL), ``revision`` and ``store_id``. Opening runs in one transaction
under an advisory lock on the schema's name, so concurrent first openers (several workers
starting at once) create it once and never see it half made.
"""

from __future__ import annotations

import logging
import re
import uuid

import psycopg
from psycopg.rows import TupleRow

from cognee_langchain.errors import InvalidInputError, StoreCorruptedError
from cognee_langchain.graph._sql_dialect import POSTGRES
from cognee_langchain.graph._sql_items import ITEMS_SCHEMA
from cognee_langchain.graph._sql_schema import SCHEMA, SCHEMA_AFTER_MIGRATION, SCHEMA_VERSION

__all__ = ["MIGRATIONS", "PG_INDEXES", "check_schema_name", "open_schema"]

logger = logging.getLogger(__name__)

# version -> (next version, statements): a schema of an earlier release is upgraded in place on
# open (none yet: 4 is the first version on PostgreSQL).
MIGRATIONS: dict[str, tuple[str, tuple[str, ...]]] = {}

# Indexes only PostgreSQL gets (SQLite's planner does well without them), made with a new schema
# and added to an existing one on open, like SCHEMA's on SQLite. A fact's mentions in order: its
# first description and its chunks are read on every catch-up that touches the fact (from the
# index alone, once vacuumed), and without this index the planner may walk every mention of the
# store by seq looking for them.
PG_INDEXES = """
CREATE INDEX IF NOT EXISTS relation_mentions_relation_seq ON relation_mentions (relation_id, seq)
    INCLUDE (chunk_id);
"""
_PG_INDEX_NAMES = ("relation_mentions_relation_seq",)

# An unquoted-style identifier (PostgreSQL truncates names past 63 bytes).
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")


def check_schema_name(schema: object) -> str:
    """``schema`` if it is a name the store can use, else :class:`InvalidInputError`."""
    if not isinstance(schema, str) or _NAME.fullmatch(schema) is None:
        raise InvalidInputError(
            f"PostgreSQL schema name {schema!r} is not usable: use 1-63 letters, digits and "
            "underscores, not starting with a digit (e.g. 'cognee_langchain')."
        )
    if schema.lower().startswith("pg_"):
        raise InvalidInputError(
            f"PostgreSQL schema name {schema!r} is reserved (pg_ names are the server's): "
            "choose another, e.g. 'cognee_langchain'."
        )
    return schema


def open_schema(raw: psycopg.Connection[TupleRow], schema: str, store: str) -> None:
    """Create ``schema`` and its tables if missing, migrate an older one, refuse a newer one or
    one holding another program's tables; one transaction on ``raw`` (in autocommit mode)."""
    with raw.transaction():
        raw.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (f"cognee:{schema}",))
        # Not CREATE SCHEMA IF NOT EXISTS alone: that needs the CREATE privilege even when the
        # schema exists, which a user given only USAGE on it lacks.
        if raw.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)).fetchone():
            tables = {
                row[0]
                for row in raw.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = %s", (schema,)
                )
            }
        else:
            raw.execute(f'CREATE SCHEMA "{schema}"')
            tables = set()
        raw.execute(f'SET LOCAL search_path TO "{schema}"')
        if tables and "meta" not in tables:
            raise InvalidInputError(
                f"Cannot open graph store {store}: schema {schema!r} holds tables of another "
                "program. Pass schema= a new name (or the one cognee-langchain wrote)."
            )
        if "meta" in tables:
            _check_version(raw, store)
            _add_indexes(raw, schema, store)
            return
        raw.execute(POSTGRES.ddl(SCHEMA + ITEMS_SCHEMA + SCHEMA_AFTER_MIGRATION + PG_INDEXES))
        raw.execute(
            "INSERT INTO meta VALUES ('schema_version', %s), ('revision', '0'), ('store_id', %s)",
            (SCHEMA_VERSION, uuid.uuid4().hex),
        )


def _add_indexes(raw: psycopg.Connection[TupleRow], schema: str, store: str) -> None:
    """Create the :data:`PG_INDEXES` an existing schema lacks (made before they were added);
    a user allowed to read and write but not to create indexes is told, and served without."""
    present = {
        row[0]
        for row in raw.execute("SELECT indexname FROM pg_indexes WHERE schemaname = %s", (schema,))
    }
    if present.issuperset(_PG_INDEX_NAMES):
        return
    try:
        with raw.transaction():  # a savepoint: a refusal leaves the open's transaction usable
            raw.execute(PG_INDEXES)
    except psycopg.errors.InsufficientPrivilege as exc:
        logger.warning(
            "Graph store %s lacks indexes that make searches under concurrent writes fast, and "
            "this user may not create them (%s): open the store once as its owner.",
            store,
            exc,
        )


def _check_version(raw: psycopg.Connection[TupleRow], store: str) -> None:
    row = raw.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is None:
        raise StoreCorruptedError(store, "its schema version is missing")
    (version,) = row
    while version in MIGRATIONS:
        version, statements = MIGRATIONS[version]
        for statement in statements:
            raw.execute(statement)
        raw.execute("UPDATE meta SET value = %s WHERE key = 'schema_version'", (version,))
    if version != SCHEMA_VERSION:
        raise InvalidInputError(
            f"Cannot open graph store {store}: schema version {version}, this release reads "
            f"version {SCHEMA_VERSION}: upgrade cognee-langchain (pip install -U "
            "cognee-langchain), or pass schema= a new name."
        )
