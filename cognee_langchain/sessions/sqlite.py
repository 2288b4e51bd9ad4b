"""Embedded session store: one SQLite file (WAL), no server; the default of ``GraphMemory``.

Each append is one ``BEGIN IMMEDIATE`` transaction, so it is atomic and never interleaves with
another writer, in this process or another one; its idempotency key is checked and recorded in
that same transaction (table ``idempotency``: the session's latest keyed appends). WAL with
``synchronous=NORMAL`` keeps commits cheap (no fsync per commit); a power loss may drop the last
commits but never corrupts the file.
The rules of appends, expiry (invisible at once, purged lazily and by a sweep of the whole file
at most once a minute), trimming and watermarks are those of every SQL store, in
:mod:`.sql_sessions`; this module holds the file, its lock and its failures.

Every ``sqlite3`` failure becomes the package's error in one place (:func:`_translate`): a lock
held past ``timeout`` is :class:`SessionStoreUnavailableError` (retryable); a read-only file, a
full disk, a damaged file or an I/O error is
:class:`~cognee_langchain.sessions.errors.SessionStoreRefusedError` naming the fix, and the
transaction is rolled back, so nothing partial stays. A damaged file is never written again by
this store: every later call raises the same error.

One connection serves every thread, behind a lock, which is also what makes ``":memory:"``
databases work.

The methods of the contract are those of every SQL store
(:class:`~cognee_langchain.sessions.sql_store.SqlSessionStore`): the sync ones are the
implementation, and each async one runs its sync twin on the store's one worker thread, never on
the event loop.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from os import PathLike
from pathlib import Path
from types import TracebackType
from typing import ClassVar, TypeVar

from cognee_langchain.core.forks import at_fork_in_child, reopen_sqlite
from cognee_langchain.core.sqlite_wal import enable_wal
from cognee_langchain.core.validation import check_number
from cognee_langchain.errors import (
    InvalidInputError,
    SessionStoreRefusedError,
    SessionStoreUnavailableError,
)
from cognee_langchain.sessions.base import (
    DEFAULT_MAX_MESSAGE_CHARS,
    check_max_message_chars,
    check_max_messages,
    check_ttl,
)
from cognee_langchain.sessions.errors import unavailable
from cognee_langchain.sessions.sql_sessions import SqlDialect, SqlSessions
from cognee_langchain.sessions.sql_store import SqlSessionStore, WorkerThreads

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
_SWEEP_INTERVAL = 60.0
# The file locks the whole database for a writing transaction, so no row locks; 5 parameters per
# message row: 100 rows stay under old SQLite's 999-parameter limit.
_DIALECT = SqlDialect(placeholder="?", row_locks=False, rows_per_insert=100)


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


class SQLiteSessionStore(SqlSessionStore):
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
        self._workers = WorkerThreads(1, "cognee-sqlite")
        self._partition = ()  # one file, one store: no namespace
        self._closed = False
        self._damaged: sqlite3.Error | None = None
        at_fork_in_child(self._after_fork)
        self._sessions = SqlSessions(
            _DIALECT,
            ttl=self.ttl,
            max_messages=self.max_messages,
            sweep_interval=_SWEEP_INTERVAL,
        )
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
            enable_wal(self._conn, timeout)
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
        self._workers.after_fork()
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

    def _run(
        self, work: Callable[[sqlite3.Connection], _T], *, read: bool = False, append: bool = False
    ) -> _T:
        """``work(conn)`` in one transaction: a writer takes the file's write lock at once."""
        with self._transaction("DEFERRED" if read else "IMMEDIATE") as conn:
            return work(conn)

    def _now(self) -> float:
        return time.time()

    def _closed_error(self) -> InvalidInputError:
        return _closed_error(self.path)

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
        self._workers.shutdown()

    async def aclose(self) -> None:
        """Async twin of :meth:`close`."""
        if not self._closed:
            await self._in_worker(self.close)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(path={self.path!r}, ttl={self.ttl!r}, "
            f"max_messages={self.max_messages!r}, max_message_chars={self.max_message_chars!r})"
        )
