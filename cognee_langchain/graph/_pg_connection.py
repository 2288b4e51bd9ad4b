"""A psycopg connection in the shape the shared SQL queries use (``sqlite3``'s: ``?``
placeholders, ``execute`` / ``executemany`` returning a cursor).

Each statement's SQL is converted once (``?`` to ``%s``, a literal ``%`` doubled) and the result
cached: the shared queries are a few hundred distinct strings, built the same way every call.
Text parameters go without NUL and every text read comes back with it
(:func:`~cognee_langchain.graph._sql_dialect.escape_nul`): PostgreSQL text cannot hold one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

import psycopg
from psycopg.rows import RowMaker, TupleRow

from cognee_langchain.graph._sql_dialect import escape_nul, unescape_nul

__all__ = ["PgConnection", "pyformat"]


@lru_cache(maxsize=4096)
def pyformat(sql: str) -> str:
    """``sql`` with ``?`` placeholders as psycopg's ``%s`` (the shared SQL holds no ``?`` in a
    literal)."""
    return sql.replace("%", "%%").replace("?", "%s")


def _escaped(parameters: Sequence[Any]) -> Sequence[Any]:
    """``parameters`` with every text that holds NUL (or the escape character) escaped."""
    if any(type(p) is str and ("\x00" in p or "\x01" in p) for p in parameters):
        return [escape_nul(p) if type(p) is str else p for p in parameters]
    return parameters


def _unescaped(values: Sequence[Any]) -> tuple[Any, ...]:
    row = tuple(values)
    for value in row:
        if type(value) is str and "\x01" in value:
            return tuple(unescape_nul(v) if type(v) is str else v for v in row)
    return row


def _unescaping_rows(cursor: psycopg.Cursor[Any]) -> RowMaker[TupleRow]:
    """psycopg's tuple rows, each text with its NUL restored."""
    return _unescaped


class PgConnection:
    """:class:`~cognee_langchain.graph._sql_dialect.Connection` over a psycopg connection."""

    __slots__ = ("raw",)

    def __init__(self, raw: psycopg.Connection[TupleRow]) -> None:
        self.raw = raw

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> psycopg.Cursor[TupleRow]:
        """Run one statement; without parameters, ``sql`` goes as it is (it may then hold
        several statements, as ``BEGIN ...; SET LOCAL ...`` does: one round trip)."""
        cursor = self.raw.cursor(row_factory=_unescaping_rows)
        if not parameters:
            return cursor.execute(sql)
        return cursor.execute(pyformat(sql), _escaped(parameters))

    def executemany(
        self, sql: str, parameters: Iterable[Sequence[Any]], /
    ) -> psycopg.Cursor[TupleRow]:
        """Run one statement per parameter row (pipelined by psycopg); ``rowcount`` is their
        total."""
        cursor = self.raw.cursor()
        cursor.executemany(pyformat(sql), (_escaped(row) for row in parameters))
        return cursor
