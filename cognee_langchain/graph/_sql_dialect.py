"""What the SQL graph stores' shared queries run over: a connection in ``sqlite3``'s shape, and
the few places where SQLite's and PostgreSQL's SQL differ.

The shared modules (``_sql_*``) are written in the SQL both engines take (``INSERT ... ON
CONFLICT``, ``COALESCE``, ``LIMIT ?``, ``?`` placeholders) against :class:`Connection`, which a
``Connection`` is as it stands and a psycopg connection is through
:class:`~cognee_langchain.graph._pg_connection.PgConnection`. What no common SQL expresses — the
elements of a JSON array as rows, an ordered JSON aggregate, and the column types of the schema —
comes from the store's :class:`Dialect`.

PostgreSQL text cannot hold NUL, which SQLite text (and a PDF's extracted text) can: the
PostgreSQL connection stores ``\x00`` as ``\x01\x01`` and ``\x01`` as ``\x01\x02``
(:func:`escape_nul`, undone on every value read by :func:`unescape_nul`). The mapping keeps
equality and code-point order, so ids compare and page the same in SQL and in Python. JSON
columns hold ``\u0000`` escapes, which PostgreSQL's JSON functions cannot turn into text: the
dialect compares JSON array elements in their JSON form (:meth:`Dialect.element_params`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

import orjson

__all__ = [
    "IN_BATCH",
    "POSTGRES",
    "SQLITE",
    "Connection",
    "Cursor",
    "Dialect",
    "escape_nul",
    "unescape_nul",
]


#: Ids bound per statement in an ``IN`` list: well under SQLite's (and PostgreSQL's) limit on
#: parameters.
IN_BATCH = 500


def escape_nul(text: str) -> str:
    """``text`` without NUL, reversibly (see the module docstring)."""
    return text.replace("\x01", "\x01\x02").replace("\x00", "\x01\x01")


def unescape_nul(text: str) -> str:
    """The text :func:`escape_nul` was given."""
    return text.replace("\x01\x01", "\x00").replace("\x01\x02", "\x01")


class Cursor(Protocol):
    """The result of one statement: rows, one by one or all, and how many rows it changed."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """The part of ``Connection`` the shared queries use (``?`` placeholders)."""

    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Cursor: ...

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Cursor: ...


class Dialect:
    """SQLite's SQL for what differs between the engines; :data:`POSTGRES` overrides it."""

    name = "sqlite"

    def elements(self, json_array: str, alias: str) -> str:
        """A ``FROM`` item: the elements of ``json_array`` (a column of JSON array text) as rows
        of ``alias``, each element in ``alias.value`` in this dialect's element form (compare it
        with :meth:`element_params`, read it with :meth:`element_value`)."""
        return f"json_each({json_array}) {alias}"

    def element_params(self, values: Iterable[str]) -> list[str]:
        """``values`` as parameters compared with an element of :meth:`elements`."""
        return list(values)

    def element_value(self, value: str) -> str:
        """An element of :meth:`elements` as read, as the string it holds."""
        return value

    def load_list(self, value: str) -> list[str]:
        """A :meth:`json_list` column as read, as its strings."""
        return list(orjson.loads(value))

    def json_list(self, column: str, source: str, order: str) -> str:
        """A scalar subquery: ``column`` of every row of ``source`` (a ``FROM`` clause, with its
        ``WHERE`` / ``GROUP BY``) as JSON array text, ordered by ``order``."""
        # The ORDER BY sits in a subquery because SQLite aggregates in the order a subquery
        # delivers its rows (json_group_array takes none).
        return (
            f"(SELECT json_group_array({column}) FROM (SELECT {column} FROM {source} "
            f"ORDER BY {order}))"
        )

    def ddl(self, script: str) -> str:
        """``script`` (the schema, written for SQLite) in this dialect."""
        return script

    def in_ids(self, column: str, ids: Sequence[str]) -> Iterator[tuple[str, list[Any]]]:
        """Conditions that ``column`` is one of ``ids``, with their params, one per statement
        to run: SQLite binds at most 500 ids per statement (an ``IN`` list); none for no ids."""
        for start in range(0, len(ids), IN_BATCH):
            part = ids[start : start + IN_BATCH]
            yield f"{column} IN ({','.join('?' * len(part))})", list(part)

    def by_ids(
        self, table: str, alias: str, ids: Sequence[str]
    ) -> Iterator[tuple[str, str, list[Any]]]:
        """``FROM`` items holding the rows of ``table`` (as ``alias``) whose id is one of
        ``ids``, each with the condition to add to its ``WHERE`` (``""``: none) and the
        params of both, in that order; one per statement to run."""
        for condition, params in self.in_ids(f"{alias}.id", ids):
            yield f"{table} {alias}", condition, params

    def unindexed(self, column: str) -> str:
        """``column`` as a term no index is picked for (SQLite's unary ``+``): the other terms
        of a :meth:`by_ids` query. Without table statistics SQLite would rather walk a
        ``(dataset, id)`` index through the whole dataset, in the id order the query sorts by,
        than look the ids up: O(dataset) for a handful of ids."""
        return f"+{column}"


def _text_array(items: Sequence[str]) -> str:
    """``items`` as a PostgreSQL array literal of text (each element quoted)."""
    if '"' in (flat := "".join(items)) or "\\" in flat:
        items = [item.replace("\\", "\\\\").replace('"', '\\"') for item in items]
    return '{"' + '","'.join(items) + '"}'


class _Postgres(Dialect):
    name = "postgresql"

    # SQLite's column types and table options as PostgreSQL spells them. Text sorts and compares
    # by code point ("C"), as SQLite's BINARY collation and Python do: pages of records are cut
    # at an id compared in Python and in SQL, which must agree.
    _TYPES = (
        (
            re.compile(r"\bINTEGER PRIMARY KEY\b"),
            "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
        ),
        (re.compile(r"\bINTEGER\b"), "BIGINT"),
        (re.compile(r"\bREAL\b"), "DOUBLE PRECISION"),
        (re.compile(r"\bBLOB\b"), "BYTEA"),
        (re.compile(r"\bTEXT\b"), 'TEXT COLLATE "C"'),
        (re.compile(r" WITHOUT ROWID\b"), ""),
    )

    # Elements in their JSON form (json_array_elements keeps each element's text as stored):
    # turning "\u0000" into text is the one thing PostgreSQL refuses.
    def elements(self, json_array: str, alias: str) -> str:
        return (
            f"LATERAL (SELECT e::text AS value FROM json_array_elements({json_array}::json) e) "
            f"AS {alias}"
        )

    def element_params(self, values: Iterable[str]) -> list[str]:
        return [orjson.dumps(value).decode() for value in values]

    def element_value(self, value: str) -> str:
        return str(orjson.loads(value))

    def load_list(self, value: str) -> list[str]:
        # json_agg of stored (escaped) text: undo the escape inside each element (JSON writes
        # the escape character as \u0001; only then is there anything to undo).
        items: list[str] = orjson.loads(value)
        return [unescape_nul(item) for item in items] if "\\u0001" in value else items

    def json_list(self, column: str, source: str, order: str) -> str:
        return (
            f"(SELECT COALESCE(json_agg(x.{column} ORDER BY x.o), '[]')::text "
            f"FROM (SELECT {column}, {order} AS o FROM {source}) x)"
        )

    def ddl(self, script: str) -> str:
        for pattern, replacement in self._TYPES:
            script = pattern.sub(replacement, script)
        return script

    # All ids in one array parameter: one statement, one plan, whatever the count. The array
    # goes as its text literal, built here in one join: psycopg adapting a list item by item
    # costs ~8 µs an id, and a catch-up binds tens of thousands.
    def in_ids(self, column: str, ids: Sequence[str]) -> Iterator[tuple[str, list[Any]]]:
        if ids:
            yield f"{column} = ANY(?::text[])", [_text_array(ids)]

    # The id lookup is fenced off (OFFSET 0 keeps the planner from merging it into the outer
    # query): the rows asked for are found by primary key, never by scanning a dataset's rows
    # for them, which the planner picks when it believes a dataset small (with stale or no
    # statistics, or one dataset among many).
    def by_ids(
        self, table: str, alias: str, ids: Sequence[str]
    ) -> Iterator[tuple[str, str, list[Any]]]:
        for condition, params in self.in_ids("id", ids):
            yield f"(SELECT * FROM {table} WHERE {condition} OFFSET 0) {alias}", "", params

    # The fence above keeps PostgreSQL's planner on the ids (and it has no unary + for text).
    def unindexed(self, column: str) -> str:
        return column


#: The dialect of :class:`~cognee_langchain.graph.sqlite.SQLiteGraphStore`.
SQLITE = Dialect()
#: The dialect of :class:`~cognee_langchain.graph.postgres.PostgresGraphStore`.
POSTGRES: Dialect = _Postgres()
