"""The embedded graph store: one SQLite file on disk.

SQLite (WAL, ``synchronous=FULL``) holds everything: each :meth:`SQLiteGraphStore.aapply` is one
``BEGIN IMMEDIATE`` … ``COMMIT`` transaction, so a crash at any point leaves the last committed
state, and every read runs in one read transaction, so it sees one committed snapshot — this
process's writes or any other's. Graph reads (neighbours, the best-connected entities) are SQL
over indexed relation endpoints; texts, mentions and vectors are read on demand, so an open store
holds no chunk text and no vector in memory.

The driver is sync: the store's code is plain sync functions over one connection (shared with the
PostgreSQL store: see :mod:`cognee_langchain.graph._sql_store`), and each async primitive runs it
in a worker thread (``asyncio.to_thread``), off the event loop.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cognee_langchain.core.forks import at_fork_in_child, reopen_sqlite
from cognee_langchain.core.sqlite_wal import enable_wal
from cognee_langchain.errors import (
    InvalidInputError,
    StoreBusyError,
    StoreCorruptedError,
    StoreUnavailableError,
)
from cognee_langchain.graph._sql_dialect import SQLITE, Connection
from cognee_langchain.graph._sql_items import ITEMS_SCHEMA
from cognee_langchain.graph._sql_schema import (
    SCHEMA,
    SCHEMA_AFTER_MIGRATION,
    SCHEMA_VERSION,
    revision,
)
from cognee_langchain.graph._sql_store import SQLGraphStore
from cognee_langchain.graph._sqlite_faults import translate
from cognee_langchain.graph._sqlite_migrations import MIGRATIONS, rollback, upgrade

__all__ = ["SQLiteGraphStore"]


_SQLITE_READONLY = 8


def _remove_new_file(path: Path) -> None:
    """Remove the graph file (and its -wal / -shm) this store created before failing to open."""
    for candidate in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with contextlib.suppress(OSError):
            candidate.unlink()


logger = logging.getLogger(__name__)

# One remember is one transaction; a page cache this large keeps a big one from spilling early.
_CACHE_KIB = 32 * 1024


class SQLiteGraphStore(SQLGraphStore):
    """A :class:`~cognee_langchain.graph.base.GraphStore` in one SQLite file.

    Safe to share between threads and event loops (calls are serialised) and between processes
    (SQLite locking; every read sees the last revision committed by any of them).

    Args:
        path: The database file; created with its parent directories if missing.
        timeout: Seconds to wait for another writer's lock before failing.
    """

    dialect = SQLITE
    _begin_read = "BEGIN"

    def __init__(
        self, path: str | os.PathLike[str], *, timeout: float = 30.0, verify: bool = True
    ) -> None:
        self.path = Path(path)
        self._name = repr(str(self.path))
        self._lock = threading.RLock()
        at_fork_in_child(self._after_fork)
        self._damaged: StoreCorruptedError | None = None
        self._read_only: StoreUnavailableError | None = None
        existed = self.path.exists()
        self._conn: sqlite3.Connection | None = None
        try:
            with self._faults():
                try:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise StoreUnavailableError(
                        self._name,
                        "cannot create its directory",
                        "Create the directory, or pass a path in a writable one.",
                        exc,
                    ) from exc
                self._conn = sqlite3.connect(
                    self.path, timeout=timeout, isolation_level=None, check_same_thread=False
                )
                self._open(verify, timeout)
        except BaseException as exc:
            if self._conn is not None:
                self._conn.close()
            if not existed and not isinstance(exc, StoreBusyError):
                _remove_new_file(self.path)  # nothing partial left behind
            raise
        state = "read-only" if self._read_only else "existing" if existed else "new"
        logger.info("Opened graph store %s (%s file).", self._name, state)

    def _open(self, verify: bool, timeout: float) -> None:
        conn = self._connection
        if verify and self.path.stat().st_size > 0:
            # Detect a damaged file before anything is written to it (reads every page's
            # structure once: ~1 s per GB).
            problems = [row[0] for row in conn.execute("PRAGMA quick_check(5)")]
            if problems != ["ok"]:
                raise StoreCorruptedError(self._name, "; ".join(problems))
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if tables and "meta" not in tables:
            raise InvalidInputError(
                f"Cannot open graph store {self._name}: it is an SQLite file of another "
                "program. Pass the path of a graph.sqlite written by cognee-langchain, or of a "
                "new file."
            )
        try:
            enable_wal(conn, timeout)
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute(f"PRAGMA cache_size=-{_CACHE_KIB}")
            self._init_schema()
        except sqlite3.OperationalError as exc:
            error = translate(exc, self._name)
            read_only = (getattr(exc, "sqlite_errorcode", 0) & 0xFF) == _SQLITE_READONLY
            if (
                not read_only
                or not isinstance(error, StoreUnavailableError)
                or "meta" not in tables
            ):
                raise
            # A graph on a read-only file or disk: searches work, every write raises this.
            self._read_only = error
            self._check_version()

    @property
    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise InvalidInputError(f"Graph store {self._name} is closed: open a new one.")
        return self._conn

    def _after_fork(self) -> None:
        """In a forked child: a lock and a connection of its own (a SQLite connection must
        never cross a fork; see :func:`cognee_langchain.core.forks.reopen_sqlite`)."""
        if self._conn is not None:
            self._conn = reopen_sqlite(
                self._conn,
                self._lock,
                self.path,
                "PRAGMA synchronous=FULL",
                f"PRAGMA cache_size=-{_CACHE_KIB}",
            )
        self._lock = threading.RLock()

    @contextmanager
    def _faults(self, *, writing: bool = False) -> Iterator[None]:
        """Run a store call: a driver error becomes the package's type (see
        :mod:`cognee_langchain.graph._sqlite_faults`); once the file is found damaged, every
        later write is refused before touching it."""
        if writing and self._damaged is not None:
            raise self._damaged
        if writing and self._read_only is not None:
            raise self._read_only
        try:
            yield
        except sqlite3.Error as exc:
            error = translate(exc, self._name)
            if error is None:
                raise
            if isinstance(error, StoreCorruptedError):
                self._damaged = error
            raise error from exc
        except StoreCorruptedError as exc:
            self._damaged = exc
            raise

    def _init_schema(self) -> None:
        conn = self._connection
        try:
            # One script, one transaction: concurrent openers of a new file cannot interleave.
            conn.executescript(
                f"BEGIN IMMEDIATE; {SCHEMA}{ITEMS_SCHEMA} INSERT OR IGNORE INTO meta VALUES "
                f"('schema_version', '{SCHEMA_VERSION}'), ('revision', '0'), "
                f"('store_id', '{uuid.uuid4().hex}'); COMMIT;"
            )
        except BaseException:
            rollback(conn)
            raise
        self._check_version(migrate=True)
        conn.executescript(SCHEMA_AFTER_MIGRATION)

    def _check_version(self, *, migrate: bool = False) -> None:
        row = self._connection.execute(
            "SELECT value FROM meta WHERE key = 'schema_version'"
        ).fetchone()
        if row is None:
            raise StoreCorruptedError(self._name, "its schema version is missing")
        (version,) = row
        if migrate and version in MIGRATIONS:
            old, version = version, self._migrate(version)
            logger.info("Migrated graph store %s from schema %s to %s.", self._name, old, version)
        if version != SCHEMA_VERSION:
            raise InvalidInputError(
                f"Cannot open graph store {self._name}: schema version {version}, this release "
                f"reads version {SCHEMA_VERSION}"
                + (
                    " (a read-only file is not upgraded: make it writable once)."
                    if version in MIGRATIONS
                    else ": upgrade cognee-langchain, or use a new data_dir."
                )
            )

    def _migrate(self, version: str) -> str:
        """Bring a file written by an earlier release up to :data:`SCHEMA_VERSION`."""
        return upgrade(self._connection, version)

    def __repr__(self) -> str:
        return f"SQLiteGraphStore({str(self.path)!r})"

    # -- the backend's part of SQLGraphStore ----------------------------------------------------
    @contextmanager
    def _session(self, *, writing: bool = False) -> Iterator[Connection]:
        # One connection, one call at a time.
        with self._lock, self._faults(writing=writing):
            yield self._connection

    def _begin_write(self, conn: Connection) -> int:
        # IMMEDIATE: the file's write lock is taken now, before anything is read.
        conn.execute("BEGIN IMMEDIATE")
        return revision(conn)

    def _rollback(self, conn: Connection) -> None:
        rollback(self._connection)

    def _revision(self) -> int:
        with self._lock, self._faults():
            return revision(self._connection)

    def _close(self) -> None:
        with self._lock, self._faults():
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def _identity(self) -> str | None:
        # None for a read-only file of an earlier release, which never got an id.
        row = self._read(
            lambda conn: conn.execute("SELECT value FROM meta WHERE key = 'store_id'").fetchone()
        )
        return None if row is None else f"sqlite:{row[0]}"
