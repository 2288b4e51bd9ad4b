"""PostgreSQL session store, for users who run PostgreSQL and no Redis: psycopg 3 and its pool.

The store keeps its tables in one schema (created, and versioned, on first open: see
:mod:`._pg_schema`); ``namespace`` keeps the sessions of stores sharing those tables apart, as
Redis namespaces do. Its rules (numbering, trimming, idempotency keys, expiry, watermarks) are
those of every SQL store, in :mod:`.sql_sessions`, shared with the SQLite store.

Each call is one transaction on a pooled connection. An append locks its session's row
(``SELECT ... FOR UPDATE``, or the upsert that creates it), so appends to one session, from any
thread or process, are serialised: sequence numbers stay gapless and one turn's messages never
interleave with another's; appends to other sessions go on in parallel. Reads run at REPEATABLE
READ, so the session row and its messages come from one snapshot.

Times are this process's clock (``time.time()``), as in the SQLite store: workers on several
hosts need synchronised clocks (NTP) for TTLs to agree.

Commits are durable by default (the server flushes its WAL before confirming one), which costs
a disk flush per append. Sessions are a cache: a DSN ending in
``?options=-c%20synchronous_commit%3Doff`` trades that for the SQLite store's guarantee (a server
crash may lose the last commits, never a part of one) at a fraction of the latency.

psycopg's pool is sync: the methods of the contract are those of every SQL store
(:class:`~cognee_langchain.sessions.sql_store.SqlSessionStore`), the sync ones the
implementation, and each async one runs its sync twin on one of the store's worker threads (as
many as the pool has connections), never on the event loop. Failures become the package's
errors in one place, :mod:`._pg_errors`. The pool checks a connection before handing it out, so
connections a server restart broke are replaced, not reported.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from cognee_langchain.core.forks import at_fork_in_child, keep_inherited
from cognee_langchain.core.postgres_urls import (
    check_postgres_url,
    is_postgres_url,
    sessions_schema,
)
from cognee_langchain.core.redaction import redact_text, redact_url
from cognee_langchain.core.validation import check_int, check_number
from cognee_langchain.errors import InvalidInputError, SessionStoreUnavailableError
from cognee_langchain.ids import validate_id
from cognee_langchain.sessions.base import (
    DEFAULT_MAX_MESSAGE_CHARS,
    check_max_message_chars,
    check_max_messages,
    check_ttl,
)
from cognee_langchain.sessions.sql_sessions import SqlSessions
from cognee_langchain.sessions.sql_store import SqlSessionStore, WorkerThreads

try:
    import psycopg
    from psycopg import IsolationLevel
    from psycopg.conninfo import conninfo_to_dict
    from psycopg.rows import TupleRow
    from psycopg_pool import ConnectionPool, PoolClosed, PoolTimeout
except ImportError as missing:  # the driver is an optional extra
    raise InvalidInputError(
        "PostgresSessionStore needs psycopg 3 and its pool, which are not installed: "
        'pip install "cognee-langchain[postgres]".'
    ) from missing

from cognee_langchain.sessions._pg_errors import translate
from cognee_langchain.sessions._pg_schema import check_schema_name, dialect, ensure_schema

__all__ = ["DEFAULT_SESSIONS_SCHEMA", "PostgresSessionStore"]

DEFAULT_SESSIONS_SCHEMA = sessions_schema()

_T = TypeVar("_T")
_Connection = psycopg.Connection[TupleRow]
_Pool = ConnectionPool[_Connection]
_SWEEP_INTERVAL = 60.0
_APPLICATION_NAME = "cognee-langchain-sessions"


def _check_dsn(dsn: object) -> str:
    """A libpq URL (``postgresql://...``) or ``key=value`` connection string that libpq can
    parse, else :class:`InvalidInputError` naming the forms."""
    if is_postgres_url(dsn) or not isinstance(dsn, str):
        dsn = check_postgres_url(dsn, "dsn")
    try:
        conninfo_to_dict(dsn)
    except psycopg.ProgrammingError:  # its message may quote the password: never shown
        raise InvalidInputError(
            f"dsn {_shown(dsn)!r} is neither a PostgreSQL URL nor a connection string libpq "
            "can parse: use postgresql://user:password@host:5432/dbname (percent-encode spaces "
            "and special characters) or 'host=... dbname=... user=...'."
        ) from None
    return dsn


def _shown(conninfo: str) -> str:
    """How a DSN appears in messages and ``repr``: without its password."""
    return redact_url(conninfo) if is_postgres_url(conninfo) else redact_text(conninfo)


def _static_conninfo(pool: _Pool) -> str:
    """The pool's connection string (``"postgresql"`` when a callable makes it each time)."""
    return pool.conninfo if isinstance(pool.conninfo, str) else "postgresql"


class PostgresSessionStore(SqlSessionStore):
    """Session store in PostgreSQL (>= 11), through psycopg 3 and a connection pool.

    Args:
        dsn: the server, as ``postgresql://user:password@host:5432/dbname`` or a libpq
            ``key=value`` string; the store builds its own pool. Pass this or ``pool``.
        pool: an open ``psycopg_pool.ConnectionPool`` to use instead (yours: closing the store
            leaves it open).
        schema: the schema holding the store's tables, created with them if missing.
        namespace: keeps this store's sessions apart from those of stores with another
            namespace in the same schema (``None``: a namespace of its own, unnamed).
        ttl: sliding expiry of a session in seconds, refreshed by every write (``None``: never).
        max_messages: keep at most this many messages per session, trimming the oldest, and
            never leaving a tool message without the AI message that called the tool.
        max_message_chars: refuse (with :class:`InvalidInputError`, before storing anything) a
            message with more characters of text content than this (``None``: no limit).
        min_size / max_size: connections the store's own pool keeps open / may open.
        timeout: seconds to wait for a connection (to connect, or for a free pooled one) before
            raising :class:`~cognee_langchain.errors.SessionStoreUnavailableError`.

    Opening creates the schema (or checks its version) at once, so a wrong DSN fails here, with
    the fix named (:mod:`._pg_errors`). ``url`` is where the store points, without any password.
    """

    def __init__(
        self,
        dsn: str | None = None,
        *,
        pool: _Pool | None = None,
        schema: str = DEFAULT_SESSIONS_SCHEMA,
        namespace: str | None = None,
        ttl: float | None = None,
        max_messages: int | None = None,
        max_message_chars: int | None = DEFAULT_MAX_MESSAGE_CHARS,
        min_size: int = 1,
        max_size: int = 8,
        timeout: float = 10.0,
    ) -> None:
        self.ttl = check_ttl(ttl)
        self.max_messages = check_max_messages(max_messages)
        self.max_message_chars = check_max_message_chars(max_message_chars)
        self.schema = check_schema_name(schema)
        self.namespace = None if namespace is None else validate_id(namespace, "namespace")
        # "" is no valid id, so the unnamed namespace is never a named one's.
        self._partition = (self.namespace or "",)
        self._timeout = check_number(timeout, "timeout", exclusive=True)
        self._min_size = check_int(min_size, "min_size", 0)
        self._max_size = check_int(max_size, "max_size", max(1, self._min_size))
        if (dsn is None) == (pool is None):
            raise InvalidInputError(
                "Pass exactly one of dsn= (e.g. 'postgresql://user:password@host:5432/dbname') "
                "and pool= (an open psycopg_pool.ConnectionPool)."
            )
        self._dsn: str | None = None
        if pool is None:
            self._dsn = _check_dsn(dsn)
            self.url = _shown(self._dsn)
        elif isinstance(pool, ConnectionPool):
            self.url = _shown(_static_conninfo(pool))
        else:
            raise InvalidInputError(
                f"pool must be a psycopg_pool.ConnectionPool, got {type(pool).__name__}: pass "
                "an open pool, or dsn= to let the store build its own."
            )
        self._pool = pool
        self._owns_pool = pool is None
        self._closed = False
        self._lock = threading.Lock()
        self._workers = WorkerThreads(
            self._max_size if pool is None else pool.max_size, "cognee-postgres"
        )
        self._sessions = SqlSessions(
            dialect(self.schema),
            ttl=self.ttl,
            max_messages=self.max_messages,
            sweep_interval=_SWEEP_INTERVAL,
        )
        self._open_schema()
        if self._pool is None:
            self._pool = self._new_pool()
        at_fork_in_child(self._after_fork)

    # -- connections -------------------------------------------------------------------------------
    def _connect_options(self) -> dict[str, Any]:
        # libpq takes whole seconds, at least 2. The schema in the application name tells an
        # operator (pg_stat_activity) which store a connection serves.
        return {
            "connect_timeout": max(2, math.ceil(self._timeout)),
            "application_name": f"{_APPLICATION_NAME}:{self.schema}"[:63],
        }

    def _open_schema(self) -> None:
        """Create the schema or check its version: on a connection of its own when the store
        builds its pool, so a wrong DSN fails at once with libpq's reason (a pool would retry
        until ``timeout``)."""
        try:
            if self._pool is None:
                assert self._dsn is not None  # exactly one of them, checked above
                with psycopg.connect(self._dsn, **self._connect_options()) as conn:
                    ensure_schema(conn, self.schema)
            else:
                with self._pool.connection(timeout=self._timeout) as conn:
                    ensure_schema(conn, self.schema)
        except PoolClosed as exc:
            raise self._closed_error() from exc
        except psycopg.Error as exc:
            raise self._failed(exc) from exc

    def _new_pool(self) -> _Pool:
        assert self._dsn is not None
        return ConnectionPool(
            self._dsn,
            min_size=self._min_size,
            max_size=self._max_size,
            timeout=self._timeout,
            kwargs=self._connect_options(),
            # One empty query before handing a connection out: one that a server restart or
            # a terminated backend broke is replaced instead of failing the call.
            check=ConnectionPool.check_connection,
            name=f"cognee-sessions-{self.schema}",
            open=True,
        )

    def _connection_pool(self) -> _Pool:
        if self._closed:
            raise self._closed_error()
        pool = self._pool
        if pool is None:  # a forked child builds its own on first use
            with self._lock:
                if self._pool is None:
                    self._pool = self._new_pool()
                pool = self._pool
        return pool

    def _after_fork(self) -> None:
        """In a forked child: a lock, worker threads and (for the store's own pool) a pool of
        its own, built on first use. The parent's pool is kept unused: its threads stayed in
        the parent, and its connections are the parent's sessions with the server. A pool
        passed in is the caller's to replace."""
        self._lock = threading.Lock()
        self._workers.after_fork()
        if self._owns_pool:
            keep_inherited(self._pool)
            self._pool = None

    def _failed(
        self, exc: psycopg.Error, *, committing: bool = False
    ) -> SessionStoreUnavailableError:
        """The package's error for ``exc``; a pool that gave no connection in time is asked
        why, by connecting once directly (a refused login then says so)."""
        pool = self._pool
        if isinstance(exc, PoolTimeout) and pool is not None and isinstance(pool.conninfo, str):
            given = pool.kwargs if isinstance(pool.kwargs, dict) else {}
            try:
                with psycopg.connect(pool.conninfo, **{**given, **self._connect_options()}):
                    pass
            except psycopg.Error as reason:
                return translate(self.url, reason)
        return translate(self.url, exc, committing=committing)

    def _run(
        self, work: Callable[[_Connection], _T], *, read: bool = False, append: bool = False
    ) -> _T:
        """``work(conn)`` in one transaction on a pooled connection, committed; every failure
        becomes the package's error (an append's lost COMMIT:
        :class:`~cognee_langchain.errors.SessionWriteUnknownError`)."""
        pool = self._connection_pool()
        committing = False
        try:
            with pool.connection(timeout=self._timeout) as conn:
                # The row locks of sql_sessions assume READ COMMITTED for writes; a read needs
                # one snapshot. A pool passed in gets its connections back as they were.
                saved = conn.isolation_level, conn.read_only
                conn.isolation_level = (
                    IsolationLevel.REPEATABLE_READ if read else IsolationLevel.READ_COMMITTED
                )
                conn.read_only = read
                try:
                    with conn.transaction():  # a transaction even on an autocommit connection
                        result = work(conn)
                        committing = append  # from here on, only the COMMIT can fail
                finally:
                    if not conn.closed:
                        conn.isolation_level, conn.read_only = saved
            return result
        except PoolClosed as exc:
            raise self._closed_error() from exc
        except psycopg.Error as exc:
            raise self._failed(exc, committing=committing) from exc

    def _now(self) -> float:
        return time.time()

    def _closed_error(self) -> InvalidInputError:
        return InvalidInputError(f"The session store at {self.url} is closed: create a new one.")

    # -- lifecycle ---------------------------------------------------------------------------------
    def close(self) -> None:
        """Close the store's own pool and its worker threads (a pool passed in stays open)."""
        with self._lock:
            self._closed = True
            pool, self._pool = self._pool, None
        self._workers.shutdown()
        if pool is not None and self._owns_pool:
            pool.close()

    async def aclose(self) -> None:
        """Async twin of :meth:`close` (closing the pool waits for its threads: off the loop)."""
        if not self._closed:
            await asyncio.to_thread(self.close)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(url={self.url!r}, schema={self.schema!r}, "
            f"namespace={self.namespace!r}, ttl={self.ttl!r}, "
            f"max_messages={self.max_messages!r}, max_message_chars={self.max_message_chars!r})"
        )
