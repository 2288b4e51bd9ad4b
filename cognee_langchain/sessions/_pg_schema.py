"""The tables of :class:`~cognee_langchain.sessions.postgres.PostgresSessionStore`: its schema
name, the SQL dialect its statements are spelt in, and the versioned creation of its tables.

Every table is keyed by ``namespace`` first (``""`` for a store without one): stores with
different namespaces share the tables and never see each other's rows. Text keys use the ``"C"``
collation: ids compare byte by byte, as in the other stores, and the indexes stay cheap.
``meta`` holds the schema version; a schema written by a newer release is refused, naming the
upgrade, rather than misread.
"""

from __future__ import annotations

import re

from psycopg import Connection, sql
from psycopg.rows import TupleRow

from cognee_langchain.errors import InvalidInputError
from cognee_langchain.sessions.sql_sessions import SqlDialect

__all__ = ["SCHEMA_VERSION", "check_schema_name", "dialect", "ensure_schema"]

SCHEMA_VERSION = "1"
"""The version of the tables this release reads and writes."""

# Unquoted-identifier characters, at most 63 bytes (PostgreSQL's NAMEDATALEN - 1).
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")

_TABLES = """
CREATE TABLE {schema}.sessions (
    namespace text COLLATE "C" NOT NULL,
    user_id text COLLATE "C" NOT NULL,
    session_id text COLLATE "C" NOT NULL,
    total bigint NOT NULL,
    first_seq bigint NOT NULL,
    created_at double precision NOT NULL,
    updated_at double precision NOT NULL,
    expires_at double precision,
    PRIMARY KEY (namespace, user_id, session_id)
);
CREATE INDEX sessions_expiry ON {schema}.sessions (namespace, expires_at)
    WHERE expires_at IS NOT NULL;
CREATE TABLE {schema}.messages (
    namespace text COLLATE "C" NOT NULL,
    user_id text COLLATE "C" NOT NULL,
    session_id text COLLATE "C" NOT NULL,
    seq bigint NOT NULL,
    is_tool boolean NOT NULL,
    record bytea NOT NULL,
    PRIMARY KEY (namespace, user_id, session_id, seq)
);
CREATE TABLE {schema}.watermarks (
    namespace text COLLATE "C" NOT NULL,
    user_id text COLLATE "C" NOT NULL,
    session_id text COLLATE "C" NOT NULL,
    dataset text COLLATE "C" NOT NULL,
    seq bigint NOT NULL,
    PRIMARY KEY (namespace, user_id, session_id, dataset)
);
CREATE TABLE {schema}.idempotency (
    namespace text COLLATE "C" NOT NULL,
    user_id text COLLATE "C" NOT NULL,
    session_id text COLLATE "C" NOT NULL,
    key text COLLATE "C" NOT NULL,
    ordinal bigint NOT NULL,
    total bigint NOT NULL,
    PRIMARY KEY (namespace, user_id, session_id, key)
);
CREATE INDEX idempotency_order ON {schema}.idempotency (namespace, user_id, session_id, ordinal);
CREATE TABLE {schema}.meta (key text PRIMARY KEY, value text NOT NULL);
INSERT INTO {schema}.meta (key, value) VALUES ('schema_version', {version});
"""


def check_schema_name(schema: object) -> str:
    """``schema`` if it is a plain PostgreSQL identifier the store may create, else
    :class:`InvalidInputError` naming the rule."""
    if not isinstance(schema, str) or not _NAME.fullmatch(schema):
        raise InvalidInputError(
            f"schema must be a name of letters, digits and underscores (not starting with a "
            f"digit, at most 63 characters), got {schema!r}: e.g. 'cognee_langchain_sessions'."
        )
    if schema.lower().startswith("pg_"):
        raise InvalidInputError(
            f"schema {schema!r} starts with 'pg_', which PostgreSQL reserves for its own "
            "schemas: choose another name, e.g. 'cognee_langchain_sessions'."
        )
    return schema


def dialect(schema: str) -> SqlDialect:
    """The dialect of the shared session statements for the tables in ``schema``."""
    # 6 parameters per message row: 1,000 rows stay far below the protocol's 65,535.
    return SqlDialect(
        tables=f'"{schema}".',
        partition=("namespace",),
        placeholder="%s",
        row_locks=True,
        rows_per_insert=1000,
    )


def ensure_schema(conn: Connection[TupleRow], schema: str) -> None:
    """Create ``schema`` and its tables if missing, else check their version; one transaction.

    Concurrent openers (several workers starting at once) queue on an advisory lock, so exactly
    one creates the tables. An existing schema is only read: a user granted DML alone opens it.
    """
    name = sql.Identifier(schema)
    with conn.transaction():
        conn.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
            (f"cognee_langchain.sessions:{schema}",),
        )
        if conn.execute("SELECT to_regclass(%s)", (f'"{schema}".meta',)).fetchone() == (None,):
            # Only a missing schema is created: creating one needs a right on the database
            # that the owner of an existing, empty schema may lack.
            if conn.execute("SELECT to_regnamespace(%s)", (f'"{schema}"',)).fetchone() == (None,):
                conn.execute(sql.SQL("CREATE SCHEMA {}").format(name))
            conn.execute(sql.SQL(_TABLES).format(schema=name, version=sql.Literal(SCHEMA_VERSION)))
            return
        row = conn.execute(
            sql.SQL("SELECT value FROM {}.meta WHERE key = 'schema_version'").format(name)
        ).fetchone()
    version = None if row is None else row[0]
    if version != SCHEMA_VERSION:
        raise InvalidInputError(
            f"The PostgreSQL schema {schema!r} holds session tables of schema version "
            f"{version}; this release reads version {SCHEMA_VERSION}: upgrade cognee-langchain "
            '(pip install -U "cognee-langchain[postgres]"), or pass another schema= for this '
            "store."
        )
