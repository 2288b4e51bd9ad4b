"""The session-store logic of the SQL backends (SQLite, PostgreSQL), written once for both.

A store opens a transaction and runs one operation of :class:`SqlSessions` on its connection;
the operation's statements are spelt for the store's :class:`SqlDialect`. The rules live here
only: how an append numbers, trims and deduplicates, when a session is expired or forgotten,
what a read reports lost, how a watermark moves.

Tables (the dialect adds its partition columns, e.g. PostgreSQL's namespace, before
``user_id``): ``sessions`` holds one row per session; ``total`` is the number of messages ever
appended (the next sequence number), the stored messages are ``first_seq .. total - 1``, and
``expires_at`` is NULL when the session never expires. ``messages``, ``watermarks`` and
``idempotency`` (a session's latest keyed appends, numbered by ``ordinal``) belong to it.

Expiry: an expired session is invisible at once. Its rows are purged lazily: when the session is
written again, and by a sweep of the whole store at most once per ``sweep_interval``. Its
``sessions`` row and watermarks stay one more ``ttl`` (its messages and keys go): a read from the
watermark reports its unpersisted messages as ``lost``, and an append continues its numbering.

Concurrency: SQLite locks the whole file for a writing transaction, so nothing here locks. A
dialect with ``row_locks`` (PostgreSQL, READ COMMITTED) locks the session's row before anything
else of the session is read or written: an append and a watermark move with ``SELECT ... FOR
UPDATE`` (an append to a new session creates the row with an upsert, which waits for a concurrent
creator, so two first appends cannot both start at 0), a delete with the statement that deletes
it, and the sweep only the rows no writer holds (``SKIP LOCKED``: it never waits, so it never
deadlocks). Reads need one snapshot for their two queries; the store runs them at REPEATABLE
READ.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from cognee_langchain.sessions.base import (
    IDEMPOTENCY_KEYS_KEPT,
    SessionInfo,
    SessionSlice,
    lost_below,
    slice_bounds,
    watermark_beyond_end,
)
from cognee_langchain.sessions.codec import TOOL_RECORD_PREFIXES, decode_records

__all__ = ["RawSlice", "SqlConnection", "SqlCursor", "SqlDialect", "SqlSessions", "to_slice"]

RawSlice = tuple[int, int, list[bytes]]
"""What a read found: ``(start, end, records from start on)``, decoded by :func:`to_slice`."""


class SqlCursor(Protocol):
    """The part of a DB-API cursor the operations use (``sqlite3`` and ``psycopg`` alike)."""

    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...
    def executemany(self, sql: str, params: Iterable[Sequence[Any]], /) -> object: ...


class SqlConnection(Protocol):
    """The part of a DB-API connection the operations use (``sqlite3`` and ``psycopg`` alike)."""

    def execute(self, sql: str, params: Sequence[Any], /) -> SqlCursor: ...
    def cursor(self) -> SqlCursor: ...


@dataclass(frozen=True, slots=True)
class SqlDialect:
    """How one SQL backend spells the shared statements.

    Attributes:
        tables: prefix of every table name (``'"my_schema".'`` on PostgreSQL, ``""`` on SQLite).
        partition: columns before ``user_id`` in every key (PostgreSQL: ``("namespace",)``).
        placeholder: the driver's parameter marker (``"?"`` or ``"%s"``).
        row_locks: lock the session's row in every writing transaction (see the module).
        rows_per_insert: messages per multi-row INSERT (SQLite allows at most 999 parameters).
    """

    tables: str = ""
    partition: tuple[str, ...] = ()
    placeholder: str = "?"
    row_locks: bool = False
    rows_per_insert: int = 100


class _Statements:
    """Every statement of the operations, spelt once for a dialect."""

    def __init__(self, dialect: SqlDialect) -> None:
        t = dialect.tables
        self.dialect = dialect
        partition = [f"{column} = ?" for column in dialect.partition]
        keys = [*dialect.partition, "user_id", "session_id"]
        self.key_columns = ", ".join(keys)
        one = " AND ".join(f"{column} = ?" for column in keys)
        lock = " FOR UPDATE" if dialect.row_locks else ""
        skip_locked = " FOR UPDATE SKIP LOCKED" if dialect.row_locks else ""
        marks = ", ".join("?" * len(keys))
        row = "total, first_seq, created_at, expires_at, updated_at"
        live = "(expires_at IS NULL OR expires_at > ?)"
        texts = {
            "session": f"SELECT {row} FROM {t}sessions WHERE {one}",
            "locked_session": f"SELECT {row} FROM {t}sessions WHERE {one}{lock}",
            # Creates a new session's row, or locks an existing one, returning it either way; an
            # inserted row (0 messages, never expiring) reads like a live empty session.
            "lock_or_create": (
                f"INSERT INTO {t}sessions AS cur ({self.key_columns}, total, first_seq, "
                f"created_at, updated_at, expires_at) VALUES ({marks}, 0, 0, ?, ?, NULL) "
                f"ON CONFLICT ({self.key_columns}) DO UPDATE SET total = cur.total "
                f"RETURNING {row}"
            ),
            "upsert_session": (
                f"INSERT INTO {t}sessions ({self.key_columns}, total, first_seq, created_at, "
                f"updated_at, expires_at) VALUES ({marks}, ?, ?, ?, ?, ?) "
                f"ON CONFLICT ({self.key_columns}) DO UPDATE SET total = excluded.total, "
                "first_seq = excluded.first_seq, updated_at = excluded.updated_at, "
                "expires_at = excluded.expires_at"
            ),
            # Expired, and (forgotten) past the tombstone's time: one more ttl, expires_at -
            # updated_at. A forgotten session is expired, so both can use an index on expiry.
            "expired": self._sweep_select(t, "expires_at <= ?", skip_locked),
            "forgotten": self._sweep_select(
                t, "expires_at <= ? AND 2 * expires_at - updated_at <= ?", skip_locked
            ),
            # (what the append with this key returned, or NULL; the session's last ordinal)
            "key_state": (
                f"SELECT (SELECT total FROM {t}idempotency WHERE {one} AND key = ?), "
                f"(SELECT MAX(ordinal) FROM {t}idempotency WHERE {one})"
            ),
            "add_key": (
                f"INSERT INTO {t}idempotency ({self.key_columns}, key, ordinal, total) "
                f"VALUES ({marks}, ?, ?, ?)"
            ),
            "forget_keys": f"DELETE FROM {t}idempotency WHERE {one} AND ordinal <= ?",
            "trim_head": (
                f"SELECT MIN(seq) FROM {t}messages WHERE {one} AND seq >= ? AND NOT is_tool"
            ),
            "trim": f"DELETE FROM {t}messages WHERE {one} AND seq < ?",
            "touch": f"UPDATE {t}sessions SET expires_at = ? WHERE {one} AND {live}",
            "records": f"SELECT record FROM {t}messages WHERE {one} AND seq >= ? ORDER BY seq",
            "list": (
                f"SELECT session_id, total - first_seq, created_at, updated_at FROM {t}sessions "
                f"WHERE {self._and(partition, 'user_id = ?')} AND {live} "
                "ORDER BY updated_at DESC, session_id"
            ),
            "watermark": (
                f"SELECT w.seq FROM {t}watermarks AS w JOIN {t}sessions AS s "
                f"USING ({self.key_columns}) WHERE "
                + " AND ".join(f"w.{column} = ?" for column in keys)
                + " AND w.dataset = ? AND "
                "(s.expires_at IS NULL OR 2 * s.expires_at - s.updated_at > ?)"
            ),
            "current_watermark": f"SELECT seq FROM {t}watermarks WHERE {one} AND dataset = ?",
            "set_watermark": (
                f"INSERT INTO {t}watermarks ({self.key_columns}, dataset, seq) "
                f"VALUES ({marks}, ?, ?) ON CONFLICT ({self.key_columns}, dataset) "
                "DO UPDATE SET seq = excluded.seq"
            ),
        }
        for table in ("sessions", "watermarks", "idempotency", "messages"):
            texts[f"purge_{table}"] = f"DELETE FROM {t}{table} WHERE {one}"
        self.sql = {name: self._spell(text) for name, text in texts.items()}

    def _sweep_select(self, tables: str, condition: str, skip_locked: str) -> str:
        where = self._and([f"{column} = ?" for column in self.dialect.partition], condition)
        return f"SELECT {self.key_columns} FROM {tables}sessions WHERE {where}{skip_locked}"

    @staticmethod
    def _and(conditions: list[str], last: str) -> str:
        return " AND ".join([*conditions, last])

    def _spell(self, text: str) -> str:
        # No statement holds a literal "?" or "%", so the marker is replaced as is.
        return text.replace("?", self.dialect.placeholder)

    def insert_messages(self, rows: int) -> str:
        """A multi-row INSERT of ``rows`` messages."""
        return _insert_messages_sql(self.dialect, self.key_columns, rows)


@lru_cache(maxsize=64)
def _insert_messages_sql(dialect: SqlDialect, key_columns: str, rows: int) -> str:
    marks = ", ".join([dialect.placeholder] * (key_columns.count(",") + 4))
    values = ", ".join([f"({marks})"] * rows)
    return (
        f"INSERT INTO {dialect.tables}messages ({key_columns}, seq, is_tool, record) "
        f"VALUES {values}"
    )


def _forgotten(row: Sequence[Any], now: float) -> bool:
    """Whether a session row (``total, first_seq, created_at, expires_at, updated_at``) is past
    its tombstone time."""
    expires_at, updated_at = row[3], row[4]
    return expires_at is not None and updated_at is not None and 2 * expires_at - updated_at <= now


def _expired(row: Sequence[Any], now: float) -> bool:
    return row[3] is not None and row[3] <= now


def to_slice(session_id: str, since: int, raw: RawSlice) -> SessionSlice:
    """The :class:`SessionSlice` of a read from ``since`` (decoding is done outside the
    transaction: it is the costly part and needs no lock)."""
    start, end, records = raw
    return SessionSlice(
        session_id, start, end, decode_records(records, start), lost_below(since, start)
    )


class SqlSessions:
    """The operations of a SQL session store, each run inside the caller's transaction.

    ``scope`` is the key of one session: the dialect's partition values, then ``user_id`` and
    ``session_id``; ``partition`` the partition values alone. ``now`` is the caller's clock
    (epoch seconds), so a test can move it.
    """

    def __init__(
        self,
        dialect: SqlDialect,
        *,
        ttl: float | None,
        max_messages: int | None,
        sweep_interval: float,
    ) -> None:
        self._statements = _Statements(dialect)
        self._sql = self._statements.sql
        self._rows_per_insert = dialect.rows_per_insert
        self._row_locks = dialect.row_locks
        self._ttl = ttl
        self._max_messages = max_messages
        self._sweep_interval = sweep_interval
        self._next_sweep = 0.0

    def _expiry(self, now: float) -> float | None:
        return None if self._ttl is None else now + self._ttl

    # -- expiry ------------------------------------------------------------------------------------
    def purge(
        self, conn: SqlConnection, scopes: Sequence[Sequence[Any]], *, keep_count: bool = False
    ) -> None:
        """Delete the sessions; with ``keep_count``, only their messages and keys (the
        ``sessions`` row and the watermarks remember the count and what was persisted).

        The ``sessions`` row goes first: with row locks, deleting it waits for a writer of the
        session, so the later statements see (and delete) everything that writer committed.
        """
        tables = ("messages", "idempotency")
        cursor = conn.cursor()
        for table in tables if keep_count else ("sessions", "watermarks", *tables):
            cursor.executemany(self._sql[f"purge_{table}"], scopes)

    def sweep(self, conn: SqlConnection, partition: Sequence[Any], now: float) -> None:
        """Empty every expired session of the partition and drop the tombstones past their
        time, at most once per ``sweep_interval``."""
        if now >= self._next_sweep:
            self._next_sweep = now + self._sweep_interval
            forgotten = conn.execute(self._sql["forgotten"], (*partition, now, now)).fetchall()
            self.purge(conn, forgotten)
            expired = conn.execute(self._sql["expired"], (*partition, now)).fetchall()
            self.purge(conn, expired, keep_count=True)

    # -- writes ------------------------------------------------------------------------------------
    def append(
        self,
        conn: SqlConnection,
        scope: Sequence[Any],
        records: list[bytes],
        key: str | None,
        now: float,
    ) -> int:
        """Append the encoded ``records`` under idempotency ``key``; the session's new total."""
        row = conn.execute(self._sql["locked_session"], scope).fetchone()
        if row is None and records and self._row_locks:
            # A new session (or one deleted meanwhile): create its row, or lock the one a
            # concurrent first append just created, so both do not start numbering at 0.
            row = conn.execute(self._sql["lock_or_create"], (*scope, now, now)).fetchone()
        # After taking the session's lock, never before: the sweep waits for no lock, so a
        # writer only ever waits holding none, and two sweeping writers cannot deadlock. If it
        # purges this session, the purge below finds it done.
        self.sweep(conn, scope[:-2], now)
        if row is not None and _expired(row, now):
            # Expired: its messages and keys go; while its tombstone lasts, the numbering and
            # the watermarks continue (no sequence number is reused), else it starts afresh.
            forgotten = _forgotten(row, now)
            self.purge(conn, [scope], keep_count=not forgotten)
            row = None if forgotten else (row[0], row[0], now)
        total, first, created = (0, 0, now) if row is None else row[:3]
        if not records:
            return int(total)
        last = None
        if key is not None:
            done, last = conn.execute(self._sql["key_state"], (*scope, key, *scope)).fetchone()
            if done is not None:
                return int(done)
        self._insert(conn, scope, total, records)
        total += len(records)
        if self._max_messages is not None and total - first > self._max_messages:
            first = self._trim(conn, scope, total - self._max_messages, total)
        conn.execute(
            self._sql["upsert_session"], (*scope, total, first, created, now, self._expiry(now))
        )
        if key is not None:
            ordinal = (last or 0) + 1
            conn.execute(self._sql["add_key"], (*scope, key, ordinal, total))
            if (forget := ordinal - IDEMPOTENCY_KEYS_KEPT) > 0:  # the oldest key goes
                conn.execute(self._sql["forget_keys"], (*scope, forget))
        return int(total)

    def _insert(
        self, conn: SqlConnection, scope: Sequence[Any], seq: int, records: list[bytes]
    ) -> None:
        # Multi-row INSERTs: one statement per batch is much cheaper than one per row.
        for offset in range(0, len(records), self._rows_per_insert):
            batch = records[offset : offset + self._rows_per_insert]
            params: list[object] = []
            for number, record in enumerate(batch, seq + offset):
                params += (*scope, number, record.startswith(TOOL_RECORD_PREFIXES), record)
            conn.execute(self._statements.insert_messages(len(batch)), params)

    def _trim(self, conn: SqlConnection, scope: Sequence[Any], keep: int, total: int) -> int:
        """Drop messages before ``keep`` (and any tool messages right after); return new first."""
        # A tool message must not lead the session: its AI message (the tool call) is gone.
        (head,) = conn.execute(self._sql["trim_head"], (*scope, keep)).fetchone()
        first = total if head is None else int(head)
        conn.execute(self._sql["trim"], (*scope, first))
        return first

    def delete(self, conn: SqlConnection, scope: Sequence[Any]) -> None:
        """Delete the session, its index entry, watermarks and keys."""
        self.purge(conn, [scope])

    def touch(self, conn: SqlConnection, scope: Sequence[Any], now: float) -> None:
        """Restart the session's TTL when it is live (the store skips this without a ``ttl``)."""
        conn.execute(self._sql["touch"], (self._expiry(now), *scope, now))

    # -- reads -------------------------------------------------------------------------------------
    def read(self, conn: SqlConnection, scope: Sequence[Any], since: int, now: float) -> RawSlice:
        """The records with sequence number ``>= since`` (one snapshot: see the module)."""
        row = conn.execute(self._sql["session"], scope).fetchone()
        if row is None or _forgotten(row, now):
            return since, since, []
        if _expired(row, now):  # every message left the cache
            start = max(since, int(row[0]))
            return start, start, []
        start, end = slice_bounds(since, row[1], row[0])
        rows = conn.execute(self._sql["records"], (*scope, start))
        return start, end, [record for (record,) in rows]

    def list_sessions(
        self, conn: SqlConnection, partition: Sequence[Any], user_id: str, now: float
    ) -> list[SessionInfo]:
        """The user's live sessions, most recently updated first."""
        rows = conn.execute(self._sql["list"], (*partition, user_id, now)).fetchall()
        return [SessionInfo(*row) for row in rows]

    # -- persistence watermarks --------------------------------------------------------------------
    def get_watermark(
        self, conn: SqlConnection, scope: Sequence[Any], dataset: str, now: float
    ) -> int:
        """Sequence number up to which the session was persisted into ``dataset`` (0 if never)."""
        row = conn.execute(self._sql["watermark"], (*scope, dataset, now)).fetchone()
        return 0 if row is None else int(row[0])

    def advance_watermark(
        self,
        conn: SqlConnection,
        scope: Sequence[Any],
        dataset: str,
        expected: int,
        new: int,
        now: float,
    ) -> bool:
        """Compare-and-set the watermark from ``expected`` to ``new`` (arguments checked)."""
        row = conn.execute(self._sql["locked_session"], scope).fetchone()
        if row is None or _forgotten(row, now):
            return False
        if new > row[0]:
            raise watermark_beyond_end(dataset, new, row[0])
        current = conn.execute(self._sql["current_watermark"], (*scope, dataset)).fetchone()
        if (0 if current is None else current[0]) != expected:
            return False
        conn.execute(self._sql["set_watermark"], (*scope, dataset, new))
        return True
