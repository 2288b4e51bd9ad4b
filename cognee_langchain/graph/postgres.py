"""The graph store on PostgreSQL: many processes, on many hosts, sharing one memory.

Every table lives in one schema of one database (created and migrated by the store, see
:mod:`cognee_langchain.graph._pg_schema`). The transactional guarantees are the embedded store's:

* each :meth:`PostgresGraphStore.aapply` is one transaction, all or nothing. Every write
  transaction first locks the ``revision`` row of ``meta`` (``SELECT ... FOR UPDATE``), so writers
  of every process serialise on it: revisions are gapless and the change feed
  (``achanges_since``), which each process's retrieval index catches up from, is exact. A batch
  that changes nothing commits nothing (the revision stays);
* each read runs in one ``REPEATABLE READ READ ONLY`` transaction, so it sees one committed
  snapshot, whoever wrote it.

Why a sync driver in worker threads rather than psycopg's async one: the transaction logic (the
writes with their derived provenance and fact intervals, the reads, the change feed) is written
once, as sync functions over a ``sqlite3``-shaped connection, and shared with
:class:`~cognee_langchain.graph.sqlite.SQLiteGraphStore` (see
:mod:`cognee_langchain.graph._sql_store`). Each async primitive borrows a connection of a
``psycopg_pool.ConnectionPool`` and runs that code in a worker thread (``asyncio.to_thread``), off
the event loop; calls run in parallel, one connection each.

Vectors are float32 bytes in a ``BYTEA`` column (the embedded store's encoding) and the
in-process retrieval index ranks them; :attr:`PostgresGraphStore.vector_storage` says so. The
``pgvector`` extension is not used (yet): :attr:`PostgresGraphStore.pgvector_available` says
whether the server offers it.

Faults (:mod:`cognee_langchain.graph._pg_faults`): a server that cannot be reached, refuses the
login or lacks the database, and a connection lost mid-call, raise
:class:`~cognee_langchain.errors.StoreUnavailableError`; a lock not granted in time, a deadlock or
a serialization failure :class:`~cognee_langchain.errors.StoreBusyError`; both retryable, with
nothing written. The pool checks a connection before lending it, so the call after a server
restart works with the same store.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import hashlib
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from cognee_langchain.core.forks import at_fork_in_child, keep_inherited
from cognee_langchain.core.postgres_urls import DEFAULT_POSTGRES_SCHEMA
from cognee_langchain.core.redaction import redact_url
from cognee_langchain.errors import InvalidInputError

try:
    import psycopg
    from psycopg.pq import TransactionStatus
    from psycopg.rows import TupleRow
    from psycopg_pool import ConnectionPool
except ImportError as exc:  # pragma: no cover - the test extra installs psycopg
    raise InvalidInputError(
        "PostgresGraphStore needs psycopg and psycopg_pool: "
        'pip install "cognee-langchain[postgres]"'
    ) from exc

from cognee_langchain.core.validation import check_int, check_number, check_positive
from cognee_langchain.graph._pg_connection import PgConnection
from cognee_langchain.graph._pg_faults import translate
from cognee_langchain.graph._pg_schema import check_schema_name, open_schema
from cognee_langchain.graph._sql_dialect import POSTGRES, Connection
from cognee_langchain.graph._sql_store import SQLGraphStore

__all__ = ["PostgresGraphStore"]

logger = logging.getLogger(__name__)

_IDLE = (TransactionStatus.IDLE,)
_OPEN = (TransactionStatus.INTRANS, TransactionStatus.INERROR)


class PostgresGraphStore(SQLGraphStore):
    """A :class:`~cognee_langchain.graph.base.GraphStore` in a PostgreSQL schema.

    Safe to share between threads and event loops (each call borrows a connection of the pool)
    and between processes and hosts (see the module docstring).

    Args:
        dsn: A libpq connection string or URI (``postgresql://user:password@host:5432/db``).
        pool: A ``psycopg_pool.ConnectionPool`` to borrow connections from instead (the store
            never closes it); exactly one of ``dsn`` and ``pool``.
        schema: The PostgreSQL schema holding the tables; created if missing.
        min_size: Connections the store's pool keeps open.
        max_size: Connections the store's pool opens at most (calls beyond wait for one).
        timeout: Seconds to wait for a connection, for the server to answer a connect, and for
            another writer's lock, before failing.
    """

    dialect = POSTGRES

    def __init__(
        self,
        dsn: str | None = None,
        *,
        pool: ConnectionPool[Any] | None = None,
        schema: str = DEFAULT_POSTGRES_SCHEMA,
        min_size: int = 1,
        max_size: int = 8,
        timeout: float = 30.0,
    ) -> None:
        if (dsn is None) == (pool is None):
            raise InvalidInputError(
                "PostgresGraphStore takes exactly one of dsn= (a postgresql:// URL) and pool= "
                "(a psycopg_pool.ConnectionPool)."
            )
        if dsn is not None and (not isinstance(dsn, str) or not dsn.strip()):
            raise InvalidInputError(
                f"PostgresGraphStore dsn must be a non-empty str, got {redact_url(dsn)!r}: "
                "pass postgresql://user:password@host:5432/dbname."
            )
        if pool is not None and not isinstance(pool, ConnectionPool):
            raise InvalidInputError(
                f"PostgresGraphStore pool must be a psycopg_pool.ConnectionPool, got "
                f"{type(pool).__name__}: pass one, or dsn= instead."
            )
        self.schema = check_schema_name(schema)
        check_int(min_size, "min_size")
        check_positive(max_size, "max_size")
        timeout = check_number(timeout, "timeout", exclusive=True)
        if max_size < min_size:
            raise InvalidInputError(
                f"max_size ({max_size}) is below min_size ({min_size}): raise max_size."
            )
        self.dsn = redact_url(dsn if dsn is not None else pool.conninfo)  # type: ignore[union-attr]
        self._conninfo = dsn
        self._own_pool = pool is None
        self._sizes = (min_size, max_size)
        self._timeout = timeout
        self._name = f"{self.dsn} (schema {self.schema})"
        quoted = f'"{self.schema}"'
        self._begin_read = (
            f"BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL search_path TO {quoted}"
        )
        self._begin_write_sql = (
            f"BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL search_path TO {quoted}; "
            f"SET LOCAL lock_timeout = {max(1, round(timeout * 1000))}"
        )
        self._meta = f"SELECT value FROM {quoted}.meta WHERE key = %s"
        # Channel names are identifiers (63 bytes at most): one per schema, whatever its name.
        self._channel = "cognee_graph_" + hashlib.sha1(self.schema.encode()).hexdigest()[:20]
        self._listener: psycopg.Connection[TupleRow] | None = None
        self._listening: concurrent.futures.ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        self._closed = False
        self._fork_error: InvalidInputError | None = None
        self._pool: ConnectionPool[Any] | None = pool
        with self._faults():
            if dsn is not None:
                with psycopg.connect(dsn, autocommit=True, **self._connect_args()) as raw:
                    self._open(raw)
            else:
                with self._borrow() as raw:
                    self._open(raw)
        at_fork_in_child(self._after_fork)
        logger.info("Opened graph store %s.", self._name)

    def _open(self, raw: psycopg.Connection[TupleRow]) -> None:
        open_schema(raw, self.schema, self._name)
        row = raw.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'").fetchone()
        #: Whether the server offers the pgvector extension (unused: see :attr:`vector_storage`).
        self.pgvector_available = row is not None

    @property
    def vector_storage(self) -> str:
        """Where vectors are kept: ``"bytea"`` (float32 bytes; the in-process index ranks)."""
        return "bytea"

    def _connect_args(self) -> dict[str, Any]:
        return {"connect_timeout": max(1, round(self._timeout))}

    def __repr__(self) -> str:
        return f"PostgresGraphStore({self.dsn!r}, schema={self.schema!r})"

    # -- connections ----------------------------------------------------------------------------
    @contextmanager
    def _faults(self) -> Iterator[None]:
        """Run a store call: a psycopg error becomes the package's type (see
        :mod:`cognee_langchain.graph._pg_faults`)."""
        try:
            yield
        except psycopg.Error as exc:
            raise translate(exc, self._name) from exc

    def _get_pool(self) -> ConnectionPool[Any]:
        if self._closed:
            raise InvalidInputError(f"Graph store {self._name} is closed: open a new one.")
        if self._fork_error is not None:
            raise self._fork_error
        with self._lock:
            if self._pool is None:  # made on first use (again in a forked child)
                assert self._conninfo is not None  # only a pool the store owns is re-made
                min_size, max_size = self._sizes
                self._pool = ConnectionPool(
                    self._conninfo,
                    min_size=min_size,
                    max_size=max_size,
                    timeout=self._timeout,
                    kwargs={"autocommit": True, **self._connect_args()},
                    # A connection broken by a server restart is found and replaced before a
                    # call gets it: the next call works without a new store.
                    check=ConnectionPool.check_connection,
                    name=f"cognee-graph-{self.schema}",
                    open=True,
                )
            return self._pool

    @contextmanager
    def _borrow(self) -> Iterator[psycopg.Connection[TupleRow]]:
        """A connection of the pool, in autocommit mode (the store opens its own transactions)
        while this call holds it."""
        with self._get_pool().connection(timeout=self._timeout) as raw:
            manual = not raw.autocommit  # a caller's pool may lend connections in that mode
            if manual:
                raw.autocommit = True
            try:
                yield raw
            finally:
                if manual and not raw.closed and raw.info.transaction_status in _IDLE:
                    raw.autocommit = False

    @contextmanager
    def _session(self, *, writing: bool = False) -> Iterator[Connection]:
        with self._faults(), self._borrow() as raw:
            yield PgConnection(raw)

    def _begin_write(self, conn: Connection) -> int:
        conn.execute(self._begin_write_sql)
        # The writers' one lock, taken first: held until COMMIT / ROLLBACK.
        (value,) = conn.execute(
            "SELECT value FROM meta WHERE key = 'revision' FOR UPDATE"
        ).fetchone()
        return int(value)

    def _rollback(self, conn: Connection) -> None:
        assert isinstance(conn, PgConnection)
        raw = conn.raw
        # A broken connection has nothing to roll back (the server did): the pool drops it.
        with contextlib.suppress(psycopg.Error):
            if not raw.closed and raw.info.transaction_status in _OPEN:
                raw.execute("ROLLBACK")

    def _meta_value(self, key: str) -> str | None:
        # One statement, schema-qualified, in autocommit: the revision is read before every
        # search, and a transaction around it would cost two more round trips.
        with self._faults(), self._borrow() as raw:
            row = raw.execute(self._meta, (key,)).fetchone()
        return None if row is None else str(row[0])

    def _revision(self) -> int:
        return int(self._meta_value("revision") or 0)

    # -- commits announced ----------------------------------------------------------------------
    @property
    def announces_commits(self) -> bool:
        """Whether waiting for a commit listens rather than polls: with a ``dsn`` (a pool the
        caller passed lends no connection to hold on to for ``LISTEN``)."""
        return self._conninfo is not None

    def _announce(self, conn: Connection, revision: int) -> None:
        conn.execute("SELECT pg_notify(?, ?)", (self._channel, str(revision)))

    async def anext_revision(self, after: int, timeout: float) -> int:
        """See :meth:`GraphStore.anext_revision`: waits on ``LISTEN`` (every commit of every
        process sends a ``NOTIFY``, delivered when it commits) on one connection of its own,
        in a thread of its own."""
        if not self.announces_commits:
            return await super().anext_revision(after, timeout)
        check_int(after, "after")
        timeout = check_number(timeout, "timeout")
        with self._lock:
            if self._listening is None:
                self._listening = concurrent.futures.ThreadPoolExecutor(
                    1, thread_name_prefix=f"cognee-graph-listen-{self.schema}"
                )
            executor = self._listening
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(executor, self._next_revision, after, timeout)

    def _next_revision(self, after: int, timeout: float) -> int:
        with self._faults():
            try:
                listener = self._listen()
                # Announcements of commits already read back are stale: drop them first, then
                # read the revision (a commit after this read is announced to the wait).
                for _ in listener.notifies(timeout=0):
                    pass
                current = self._revision()
                if current == after:
                    for _ in listener.notifies(timeout=timeout, stop_after=1):
                        pass
                    current = self._revision()
            except psycopg.Error:
                self._stop_listening()  # the next wait listens on a new connection
                raise
        return current

    def _listen(self) -> psycopg.Connection[TupleRow]:
        if self._closed:
            raise InvalidInputError(f"Graph store {self._name} is closed: open a new one.")
        if self._listener is None or self._listener.closed:
            assert self._conninfo is not None
            listener = psycopg.connect(self._conninfo, autocommit=True, **self._connect_args())
            listener.execute(f"LISTEN {self._channel}")
            self._listener = listener
        return self._listener

    def _stop_listening(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(psycopg.Error):
                listener.close()

    def _identity(self) -> str | None:
        store_id = self._meta_value("store_id")
        return None if store_id is None else f"postgresql:{store_id}"

    def _close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
            listening, self._listening = self._listening, None
            self._closed = True
        if listening is not None:
            # A wait in progress ends within its timeout and finds the store closed.
            listening.submit(self._stop_listening)
            listening.shutdown(wait=False)
        if pool is not None and self._own_pool:
            pool.close()

    def _after_fork(self) -> None:
        """In a forked child: the parent's pool (its connections, its threads) is never used
        nor closed here (closing would end the parent's sessions); a pool of the child's own
        is opened on first use. A pool the caller passed cannot be re-made: using the store
        then raises."""
        self._lock = threading.Lock()
        keep_inherited(self._pool, self._listener)
        self._listener, self._listening = None, None
        if self._own_pool:
            self._pool = None
        else:
            self._fork_error = InvalidInputError(
                f"Graph store {self._name} was built on a pool of the parent process, which a "
                "forked child cannot use: open a PostgresGraphStore(dsn=...) in the child."
            )
