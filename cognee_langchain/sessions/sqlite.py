"""Embedded session store: one SQLite file (WAL), no server; the default of ``GraphMemory``.

Each append is one ``BEGIN IMMEDIATE`` transaction, so it is atomic and never interleaves with
another writer, in this process or another one; its idempotency key is checked and recorded in
that same transaction (table ``idempotency``: the session's latest keyed appends). WAL with
``synchronous=NORMAL`` keeps commits cheap (no fsync per commit); a power loss may drop the last
commits but never corrupts the file.
Expired sessions are invisible at once and their rows are purged lazily: when the session is
written again, and by a sweep of the whole file that runs at most once a minute. An expired
session's ``sessions`` row and watermarks stay one more ``ttl`` (its messages and keys go): a read
from the watermark reports its unpersisted messages as ``lost``, the watermark can move past them
(so they are reported once) and an append continues its numbering (see :mod:`.base`).

Every ``sqlite3`` failure becomes the package's error in one place (:func:`_translate`): a lock
held past ``timeout`` is :class:`SessionStoreUnavailableError` (retryable); a read-only file, a
full disk, a damaged file or an I/O error is
:class:`~cognee_langchain.sessions.errors.SessionStoreRefusedError` naming the fix, and the
transaction is rolled back, so nothing partial stays. A damaged file is never written again by
this store: every later call raises the same error.

One connection serves every thread, behind a lock, which is also what makes ``":memory:"``
databases work.

``sqlite3`` is a sync driver, so (per the convention of :mod:`.base`) the async methods, which
are the :class:`SessionStore` contract, run the store's sync code on a dedicated worker thread,
never on the event loop; and the sync methods override the base class's bridged twins with that
sync code itself, the faster path (no round trip through the bridge's event loop and worker).

Over 500 lines because the schema, the transaction guard, the one mapping of ``sqlite3``
failures and every operation of the contract share one connection and its lock: one backend,
read in one place.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache, partial
from os import PathLike
from pathlib import Path
from types import TracebackType
from typing import ClassVar, TypeVar

from langchain_core.messages import BaseMessage

from cognee_langchain.core.forks import at_fork_in_child, reopen_sqlite
from cognee_langchain.core.validation import check_number
from cognee_langchain.errors import (
    InvalidInputError,
    SessionStoreRefusedError,
    SessionStoreUnavailableError,
)
from cognee_langchain.ids import validate_id
from cognee_langchain.sessions.base import (
    DEFAULT_MAX_MESSAGE_CHARS,
    IDEMPOTENCY_KEYS_KEPT,
    SessionInfo,
    SessionSlice,
    SessionStore,
    check_idempotency_key,
    check_max_message_chars,
    check_max_messages,
    check_scope,
    check_since,
    check_ttl,
    check_watermark_move,
    lost_below,
    slice_bounds,
    watermark_beyond_end,
)
from cognee_langchain.sessions.codec import TOOL_RECORD_PREFIXES, decode_records, encode_messages
from cognee_langchain.sessions.errors import unavailable

__all__ = ["DEFAULT_SQLITE_PATH", "SQLiteSessionStore"]

logger = logging.getLogger(__name__)

DEFAULT_SQLITE_PATH = Path(".cognee_langchain") / "sessions.sqlite"

_T = TypeVar("_T")

# sessions.total is the number of messages ever appended (the next sequence number); the stored
# messages are first_seq .. total - 1. expires_at is NULL when the session never expires.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    user_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    total INTEGER NOT NULL,
    first_seq INTEGER NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    expires_at REAL,
    PRIMARY KEY (user_id, session_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS messages (
    user_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    is_tool INTEGER NOT NULL,
    record BLOB NOT NULL,
    PRIMARY KEY (user_id, session_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS watermarks (
    user_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    dataset TEXT NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (user_id, session_id, dataset)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS idempotency (
    user_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    key TEXT NOT NULL,
    ordinal INTEGER NOT NULL,  -- 1, 2, ...: beyond IDEMPOTENCY_KEYS_KEPT, the oldest go
    total INTEGER NOT NULL,  -- what the keyed append returned
    PRIMARY KEY (user_id, session_id, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS idempotency_order ON idempotency (user_id, session_id, ordinal);
"""
_SESSION = "SELECT total, first_seq, created_at, expires_at, updated_at FROM sessions "
_ONE = "WHERE user_id = ? AND session_id = ?"
_LIVE = "(expires_at IS NULL OR expires_at > ?)"
_UPSERT_SESSION = """
INSERT INTO sessions (user_id, session_id, total, first_seq, created_at, updated_at, expires_at)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (user_id, session_id) DO UPDATE SET total = excluded.total,
    first_seq = excluded.first_seq, updated_at = excluded.updated_at,
    expires_at = excluded.expires_at
"""
_EXPIRED = "SELECT user_id, session_id FROM sessions WHERE expires_at <= ?"
# An expired session's row is a tombstone for one more ttl (expires_at - updated_at).
_FORGOTTEN = "SELECT user_id, session_id FROM sessions WHERE 2 * expires_at - updated_at <= ?"
_ONE_NUMBERED = "WHERE user_id = ?1 AND session_id = ?2"
# (what the append with this key returned, or NULL; the session's last ordinal, or NULL)
_KEY_STATE = (
    f"SELECT (SELECT total FROM idempotency {_ONE_NUMBERED} AND key = ?3), "
    f"(SELECT MAX(ordinal) FROM idempotency {_ONE_NUMBERED})"
)
_ADD_KEY = "INSERT INTO idempotency (user_id, session_id, key, ordinal, total) VALUES (?,?,?,?,?)"
_FORGET_KEYS = f"DELETE FROM idempotency {_ONE} AND ordinal <= ?"
_SWEEP_INTERVAL = 60.0
_ROWS_PER_INSERT = 100  # 5 parameters per row: stays under old SQLite's 999-parameter limit


@lru_cache(maxsize=32)
def _insert_messages_sql(rows: int) -> str:
    values = ", ".join(["(?, ?, ?, ?, ?)"] * rows)
    return f"INSERT INTO messages (user_id, session_id, seq, is_tool, record) VALUES {values}"


def _closed_error(path: str) -> InvalidInputError:
    return InvalidInputError(f"The session store {path!r} is closed: create a new one.")


_CORRUPTED = ("SQLITE_CORRUPT", "SQLITE_NOTADB")
_FIXES = {
    "read_only_file": "make the file, its -wal and -shm files and its directory writable by "
    "this process, or point the store at a writable path.",
    "disk_full": "free space on the disk holding the file (or raise the file's size limit); "
    "nothing of this call was written.",
    "corrupted": "the file is damaged or is not a session database, and this store will not "
    "write to it again: move it aside (sessions are a cache; a new file is created) or restore "
    "a backup, then open a new store.",
    "io_error": "the disk failed to read or write the file: check the disk and the path "
    "(permissions, a network file system that went away), then open a new store.",
}


def _reason(exc: sqlite3.Error) -> str | None:
    """Which lasting refusal ``exc`` is (``None``: a passing one, such as a lock)."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    if name.startswith(_CORRUPTED) or "malformed" in text or "not a database" in text:
        return "corrupted"
    if name.startswith("SQLITE_READONLY") or "readonly database" in text:
        return "read_only_file"
    if name.startswith("SQLITE_FULL") or "is full" in text:
        return "disk_full"
    if name.startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN")) or "i/o error" in text:
        return "io_error"
    if "unable to open" in text:
        return "io_error"
    return None


def _translate(path: str, exc: sqlite3.Error) -> SessionStoreUnavailableError:
    """The package's error for a ``sqlite3`` failure on the file ``path``."""
    url = f"sqlite:///{path}"
    reason = _reason(exc)
    if reason is None:  # locked by another process past `timeout`, or busy
        error = unavailable(url, exc)
        error.args = (
            f"{error.args[0]} Another process holds the file's write lock: retry, or raise "
            "the store's timeout.",
        )
    else:
        error = SessionStoreRefusedError(url, reason, _FIXES[reason], exc)
    # The message is redacted by construction (sessions/errors.py) and quotes no data.
    logger.info("SQLite session store failed: %s: %s", type(error).__name__, error)
    return error


class _Transaction:
    """Holds the store's lock for one transaction; commits, or rolls back on an exception.

    A plain class rather than ``@contextmanager``: it runs on every call and costs a third.
    """

    __slots__ = ("_begin", "_store")

    def __init__(self, store: SQLiteSessionStore, begin: str) -> None:
        self._store = store
        self._begin = begin

    def __enter__(self) -> sqlite3.Connection:
        store = self._store
        store._lock.acquire()
        if store._damaged is not None:  # never touch a damaged file again
            store._lock.release()
            raise _translate(store.path, store._damaged)
        try:
            store._conn.execute(self._begin)
        except sqlite3.ProgrammingError as exc:
            store._lock.release()
            raise _closed_error(store.path) from exc
        except sqlite3.Error as exc:  # locked by another process past `timeout`, read-only...
            store._lock.release()
            raise store._failed(exc) from exc
        return store._conn

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        store = self._store
        conn = store._conn
        failure = exc if isinstance(exc, sqlite3.Error) else None
        try:
            if exc_type is None:
                conn.execute("COMMIT")
        except sqlite3.Error as commit_failed:  # disk full, I/O error... at commit
            failure = commit_failed
        finally:
            try:
                # After an exception, or a COMMIT that failed (disk full...): undo it all.
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # the failure below says what happened; SQLite rolls back on its own
            finally:
                store._lock.release()
        if failure is not None and not isinstance(failure, sqlite3.ProgrammingError):
            raise store._failed(failure) from failure


class SQLiteSessionStore(SessionStore):
    """Session store in one SQLite file (created with its parent directories).

    Args:
        path: database file, or ``":memory:"`` for a private in-memory database.
        ttl: sliding expiry of a session in seconds, refreshed by every write (``None``: never).
        max_messages: keep at most this many messages per session, trimming the oldest, and
            never leaving a tool message without the AI message that called the tool.
        max_message_chars: refuse (with :class:`InvalidInputError`, before storing anything) a
            message with more characters of text content than this (``None``: no limit).
        timeout: seconds to wait for another process's write lock before raising
            :class:`SessionStoreUnavailableError`.

    Use :meth:`shared` to get the one store of a path that every component of a process shares.
    """

    _shared: ClassVar[dict[Path, SQLiteSessionStore]] = {}
    _shared_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(
        self,
        path: str | PathLike[str],
        *,
        ttl: float | None = None,
        max_messages: int | None = None,
        max_message_chars: int | None = DEFAULT_MAX_MESSAGE_CHARS,
        timeout: float = 5.0,
    ) -> None:
        self.ttl = check_ttl(ttl)
        self.max_messages = check_max_messages(max_messages)
        self.max_message_chars = check_max_message_chars(max_message_chars)
        timeout = check_number(timeout, "timeout")
        if not isinstance(path, str | PathLike):
            raise InvalidInputError(
                f"path must be a str or Path, got {type(path).__name__}: pass a file such as "
                "'./.cognee_langchain/sessions.sqlite' or ':memory:'."
            )
        self.path = str(path)
        self._lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None
        self._closed = False
        self._damaged: sqlite3.Error | None = None
        at_fork_in_child(self._after_fork)
        self._next_sweep = 0.0
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(
                self.path, timeout=timeout, isolation_level=None, check_same_thread=False
            )
        except (OSError, sqlite3.Error) as exc:
            raise InvalidInputError(
                f"Cannot open the session database {self.path!r} ({type(exc).__name__}: {exc}): "
                "pass a path in a writable directory."
            ) from exc
        try:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.executescript(_SCHEMA)
        except sqlite3.Error as exc:  # damaged, read-only, locked, full: typed, fix named
            self._conn.close()
            raise _translate(self.path, exc) from exc

    @classmethod
    def shared(cls, path: str | PathLike[str] = DEFAULT_SQLITE_PATH) -> SQLiteSessionStore:
        """The process-wide store of ``path`` (created on first use; same object afterwards).

        Closing it removes it from the registry, so the next call opens a fresh one: holders
        that need it to outlive someone else's ``close()`` call ``shared()`` on every use.
        """
        key = Path(os.path.abspath(path))
        with cls._shared_lock:
            store = cls._shared.get(key)
            if store is None:
                store = cls._shared[key] = cls(key)
            return store

    def _after_fork(self) -> None:
        """In a forked child: locks, a worker thread (on first use) and a connection of its own
        (see :func:`cognee_langchain.core.forks.reopen_sqlite`); a ``":memory:"`` database is
        the child's own copy, so it keeps its connection."""
        if self.path != ":memory:":
            self._conn = reopen_sqlite(
                self._conn, self._lock, self.path, "PRAGMA synchronous=NORMAL"
            )
        self._lock = threading.Lock()
        self._executor = None  # its thread stayed in the parent: work queued to it never runs
        type(self)._shared_lock = threading.Lock()

    # -- plumbing ----------------------------------------------------------------------------------
    def _failed(self, exc: sqlite3.Error) -> SessionStoreUnavailableError:
        """The error for ``exc``; a damaged file is remembered, so it is never written again."""
        if _reason(exc) == "corrupted":
            self._damaged = exc
        return _translate(self.path, exc)

    def _transaction(self, mode: str = "DEFERRED") -> _Transaction:
        """One transaction under the connection lock: ``with store._transaction() as conn:``."""
        return _Transaction(self, f"BEGIN {mode}")

    async def _in_worker(self, func: Callable[[], _T]) -> _T:
        """Run the sync ``func`` on the store's worker thread: how every async method works."""
        if self._closed:
            raise _closed_error(self.path)
        if self._executor is None:
            with self._lock:
                if self._executor is None:
                    self._executor = ThreadPoolExecutor(1, thread_name_prefix="cognee-sqlite")
        return await asyncio.get_running_loop().run_in_executor(self._executor, func)

    def _expiry(self, now: float) -> float | None:
        return None if self.ttl is None else now + self.ttl

    @staticmethod
    def _purge(
        conn: sqlite3.Connection, sessions: Sequence[tuple[str, str]], *, keep_count: bool = False
    ) -> None:
        """Delete the sessions; with ``keep_count``, only their messages and keys (the
        ``sessions`` row and the watermarks remember the count and what was persisted)."""
        tables = ("messages", "idempotency")
        for table in tables if keep_count else (*tables, "watermarks", "sessions"):
            conn.executemany(f"DELETE FROM {table} {_ONE}", sessions)

    def _sweep(self, conn: sqlite3.Connection, now: float) -> None:
        """Empty every expired session of the file and drop the tombstones past their time, at
        most once per :data:`_SWEEP_INTERVAL`."""
        if now >= self._next_sweep:
            self._next_sweep = now + _SWEEP_INTERVAL
            self._purge(conn, conn.execute(_FORGOTTEN, (now,)).fetchall())
            self._purge(conn, conn.execute(_EXPIRED, (now,)).fetchall(), keep_count=True)

    @staticmethod
    def _forgotten(row: Sequence[float | None], now: float) -> bool:
        """Whether a session row (from ``_SESSION``) is past its tombstone time."""
        expires_at, updated_at = row[3], row[4]
        return (
            expires_at is not None and updated_at is not None and 2 * expires_at - updated_at <= now
        )

    # Every operation below is a native sync method, overriding the base class's bridged twin
    # (the sync driver is the fast path), and its async method, which runs it on the worker.

    # -- writes ------------------------------------------------------------------------------------
    def append(
        self,
        user_id: str,
        session_id: str,
        messages: Sequence[BaseMessage],
        *,
        idempotency_key: str | None = None,
    ) -> int:
        """Append ``messages`` (and record the idempotency key) in one transaction."""
        user_id, session_id = check_scope(user_id, session_id)
        key = check_idempotency_key(idempotency_key)
        now = time.time()
        records = encode_messages(messages, now, self.max_message_chars)
        with self._transaction("IMMEDIATE") as conn:
            self._sweep(conn, now)
            row = conn.execute(_SESSION + _ONE, (user_id, session_id)).fetchone()
            if row is not None and row[3] is not None and row[3] <= now:
                # Expired: its messages and keys go; while its tombstone lasts, the numbering
                # and the watermarks continue (no sequence number is reused), else it starts
                # afresh.
                forgotten = self._forgotten(row, now)
                self._purge(conn, [(user_id, session_id)], keep_count=not forgotten)
                row = None if forgotten else (row[0], row[0], now)
            total, first, created = (0, 0, now) if row is None else row[:3]
            if not records:
                return int(total)
            if key is not None:
                done, last = conn.execute(_KEY_STATE, (user_id, session_id, key)).fetchone()
                if done is not None:
                    return int(done)
            self._insert(conn, user_id, session_id, total, records)
            total += len(records)
            if self.max_messages is not None and total - first > self.max_messages:
                first = self._trim(conn, user_id, session_id, total - self.max_messages, total)
            conn.execute(
                _UPSERT_SESSION,
                (user_id, session_id, total, first, created, now, self._expiry(now)),
            )
            if key is not None:
                ordinal = (last or 0) + 1
                conn.execute(_ADD_KEY, (user_id, session_id, key, ordinal, total))
                if (forget := ordinal - IDEMPOTENCY_KEYS_KEPT) > 0:  # the oldest key goes
                    conn.execute(_FORGET_KEYS, (user_id, session_id, forget))
            return int(total)

    @staticmethod
    def _insert(
        conn: sqlite3.Connection, user_id: str, session_id: str, seq: int, records: list[bytes]
    ) -> None:
        # Multi-row INSERTs: one statement per batch is much cheaper than executemany per row.
        for offset in range(0, len(records), _ROWS_PER_INSERT):
            batch = records[offset : offset + _ROWS_PER_INSERT]
            params: list[object] = []
            for number, record in enumerate(batch, seq + offset):
                is_tool = record.startswith(TOOL_RECORD_PREFIXES)
                params += (user_id, session_id, number, is_tool, record)
            conn.execute(_insert_messages_sql(len(batch)), params)

    @staticmethod
    def _trim(
        conn: sqlite3.Connection, user_id: str, session_id: str, keep: int, total: int
    ) -> int:
        """Drop messages before ``keep`` (and any tool messages right after); return new first."""
        # A tool message must not lead the session: its AI message (the tool call) is gone.
        (head,) = conn.execute(
            f"SELECT MIN(seq) FROM messages {_ONE} AND seq >= ? AND NOT is_tool",
            (user_id, session_id, keep),
        ).fetchone()
        first = total if head is None else int(head)
        conn.execute(f"DELETE FROM messages {_ONE} AND seq < ?", (user_id, session_id, first))
        return first

    async def aappend(
        self,
        user_id: str,
        session_id: str,
        messages: Sequence[BaseMessage],
        *,
        idempotency_key: str | None = None,
    ) -> int:
        """Async twin of :meth:`append` (runs on the store's worker thread)."""
        return await self._in_worker(
            partial(self.append, user_id, session_id, messages, idempotency_key=idempotency_key)
        )

    def delete(self, user_id: str, session_id: str) -> None:
        """Delete the session, its index entry, watermarks and keys in one transaction."""
        scope = check_scope(user_id, session_id)
        with self._transaction("IMMEDIATE") as conn:
            self._purge(conn, [scope])

    async def adelete(self, user_id: str, session_id: str) -> None:
        """Async twin of :meth:`delete` (runs on the store's worker thread)."""
        await self._in_worker(partial(self.delete, user_id, session_id))

    def touch(self, user_id: str, session_id: str) -> None:
        """Restart the session's TTL (no-op without ``ttl`` or when the session does not exist)."""
        scope = check_scope(user_id, session_id)
        if self.ttl is None:
            return
        now = time.time()
        with self._transaction("IMMEDIATE") as conn:
            conn.execute(
                f"UPDATE sessions SET expires_at = ? {_ONE} AND {_LIVE}",
                (self._expiry(now), *scope, now),
            )

    async def atouch(self, user_id: str, session_id: str) -> None:
        """Async twin of :meth:`touch` (runs on the store's worker thread)."""
        await self._in_worker(partial(self.touch, user_id, session_id))

    # -- reads -------------------------------------------------------------------------------------
    def read(self, user_id: str, session_id: str, since: int = 0) -> SessionSlice:
        """Messages with sequence number ``>= since``, from one consistent snapshot."""
        scope = check_scope(user_id, session_id)
        since = check_since(since)
        now = time.time()
        with self._transaction() as conn:
            row = conn.execute(f"{_SESSION}{_ONE}", scope).fetchone()
            if row is None or self._forgotten(row, now):
                return SessionSlice(scope[1], since, since)
            if row[3] is not None and row[3] <= now:  # expired: every message left the cache
                start = max(since, int(row[0]))
                return SessionSlice(scope[1], start, start, [], lost_below(since, start))
            start, end = slice_bounds(since, row[1], row[0])
            rows = conn.execute(
                f"SELECT record FROM messages {_ONE} AND seq >= ? ORDER BY seq", (*scope, start)
            )
            records = [record for (record,) in rows]
        items = decode_records(records, start)
        return SessionSlice(scope[1], start, end, items, lost_below(since, start))

    async def aread(self, user_id: str, session_id: str, since: int = 0) -> SessionSlice:
        """Async twin of :meth:`read` (runs on the store's worker thread)."""
        return await self._in_worker(partial(self.read, user_id, session_id, since))

    def list_sessions(self, user_id: str) -> list[SessionInfo]:
        """The user's live sessions, most recently updated first."""
        user_id = validate_id(user_id, "user_id")
        with self._transaction() as conn:
            rows = conn.execute(
                "SELECT session_id, total - first_seq, created_at, updated_at FROM sessions "
                f"WHERE user_id = ? AND {_LIVE} ORDER BY updated_at DESC, session_id",
                (user_id, time.time()),
            ).fetchall()
        return [SessionInfo(*row) for row in rows]

    async def alist_sessions(self, user_id: str) -> list[SessionInfo]:
        """Async twin of :meth:`list_sessions` (runs on the store's worker thread)."""
        return await self._in_worker(partial(self.list_sessions, user_id))

    # -- persistence watermarks --------------------------------------------------------------------
    def get_watermark(self, user_id: str, session_id: str, dataset: str) -> int:
        """Sequence number up to which the session was persisted into ``dataset`` (0 if never)."""
        scope = check_scope(user_id, session_id)
        dataset = validate_id(dataset, "dataset")
        with self._transaction() as conn:
            row = conn.execute(
                "SELECT w.seq FROM watermarks AS w JOIN sessions AS s USING (user_id, session_id) "
                "WHERE w.user_id = ? AND w.session_id = ? AND w.dataset = ? AND "
                "(s.expires_at IS NULL OR 2 * s.expires_at - s.updated_at > ?)",
                (*scope, dataset, time.time()),
            ).fetchone()
        return 0 if row is None else int(row[0])

    async def aget_watermark(self, user_id: str, session_id: str, dataset: str) -> int:
        """Async twin of :meth:`get_watermark` (runs on the store's worker thread)."""
        return await self._in_worker(partial(self.get_watermark, user_id, session_id, dataset))

    def advance_watermark(
        self, user_id: str, session_id: str, dataset: str, expected: int, new: int
    ) -> bool:
        """Compare-and-set the watermark from ``expected`` to ``new`` in one transaction."""
        scope = check_scope(user_id, session_id)
        dataset, expected, new = check_watermark_move(dataset, expected, new)
        with self._transaction("IMMEDIATE") as conn:
            row = conn.execute(f"{_SESSION}{_ONE}", scope).fetchone()
            if row is None or self._forgotten(row, time.time()):
                return False
            if new > row[0]:
                raise watermark_beyond_end(dataset, new, row[0])
            current = conn.execute(
                f"SELECT seq FROM watermarks {_ONE} AND dataset = ?", (*scope, dataset)
            ).fetchone()
            if (0 if current is None else current[0]) != expected:
                return False
            conn.execute(
                "INSERT INTO watermarks (user_id, session_id, dataset, seq) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (user_id, session_id, dataset) DO UPDATE SET seq = excluded.seq",
                (*scope, dataset, new),
            )
            return True

    async def aadvance_watermark(
        self, user_id: str, session_id: str, dataset: str, expected: int, new: int
    ) -> bool:
        """Async twin of :meth:`advance_watermark` (runs on the store's worker thread)."""
        return await self._in_worker(
            partial(self.advance_watermark, user_id, session_id, dataset, expected, new)
        )

    # -- lifecycle ---------------------------------------------------------------------------------
    def close(self) -> None:
        """Close the connection and the worker thread; a shared store leaves the registry."""
        with type(self)._shared_lock:
            for key, store in list(type(self)._shared.items()):
                if store is self:
                    del type(self)._shared[key]
        with self._lock:
            self._closed = True
            self._conn.close()
        if self._executor is not None:
            self._executor.shutdown(wait=False)

    async def aclose(self) -> None:
        """Async twin of :meth:`close`."""
        if not self._closed:
            await self._in_worker(self.close)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(path={self.path!r}, ttl={self.ttl!r}, "
            f"max_messages={self.max_messages!r}, max_message_chars={self.max_message_chars!r})"
        )
