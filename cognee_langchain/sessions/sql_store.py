"""The base of the SQL session stores (SQLite, PostgreSQL): every method of the contract, once.

A subclass says how to run one transaction (:meth:`SqlSessionStore._run`: SQLite under its file
lock, PostgreSQL on a pooled connection), what time it is (:meth:`SqlSessionStore._now`: each
store's module reads its own clock, so a test can move it) and which partition of the tables is
its own; the operations themselves are :class:`~cognee_langchain.sessions.sql_sessions.SqlSessions`.

Both drivers are sync, so (per the convention of :mod:`.base`) the sync methods are the
implementation, overriding the base class's bridged twins, and each async method, the
:class:`~cognee_langchain.sessions.base.SessionStore` contract, runs its sync twin on one of the
store's worker threads (:class:`WorkerThreads`), never on the event loop: both behave alike by
construction.
"""

from __future__ import annotations

import asyncio
import threading
from abc import abstractmethod
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, TypeVar

from langchain_core.messages import BaseMessage

from cognee_langchain.errors import InvalidInputError
from cognee_langchain.ids import validate_id
from cognee_langchain.sessions.base import (
    SessionInfo,
    SessionSlice,
    SessionStore,
    check_idempotency_key,
    check_scope,
    check_since,
    check_watermark_move,
)
from cognee_langchain.sessions.codec import encode_messages
from cognee_langchain.sessions.sql_sessions import SqlConnection, SqlSessions, to_slice

__all__ = ["SqlSessionStore", "WorkerThreads"]

_T = TypeVar("_T")


class WorkerThreads:
    """Up to ``size`` threads, started on first use, that run a store's sync code for its
    async methods."""

    def __init__(self, size: int, name: str) -> None:
        self._size = size
        self._name = name
        self._lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None

    async def run(self, func: Callable[[], _T]) -> _T:
        """``func()`` on a worker thread, awaited without blocking the event loop."""
        executor = self._executor
        if executor is None:
            with self._lock:
                if self._executor is None:
                    self._executor = ThreadPoolExecutor(self._size, thread_name_prefix=self._name)
                executor = self._executor
        return await asyncio.get_running_loop().run_in_executor(executor, func)

    def after_fork(self) -> None:
        """In a forked child: the threads stayed in the parent (work queued to them would never
        run), so new ones start on first use."""
        self._lock = threading.Lock()
        self._executor = None

    def shutdown(self) -> None:
        """Let the threads end once their current work is done (without waiting for it)."""
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False)


class SqlSessionStore(SessionStore):
    """A session store on SQL tables: each call is one transaction running one operation of
    :class:`~cognee_langchain.sessions.sql_sessions.SqlSessions`.

    Subclasses set ``_sessions`` (the operations), ``_partition`` (the values of the dialect's
    partition columns: their namespace), ``_workers`` and ``_closed``, and implement
    :meth:`_run`, :meth:`_now` and :meth:`_closed_error`.
    """

    _sessions: SqlSessions
    _partition: tuple[str, ...]
    _workers: WorkerThreads
    _closed: bool

    @abstractmethod
    def _run(self, work: Callable[[Any], _T], *, read: bool = False, append: bool = False) -> _T:
        """``work(connection)`` in one committed transaction; ``read``: it only reads;
        ``append``: it is an append (a lost COMMIT then leaves its outcome unknown)."""

    @abstractmethod
    def _now(self) -> float:
        """The store's clock, in epoch seconds."""

    @abstractmethod
    def _closed_error(self) -> InvalidInputError:
        """The error for a call on a closed store."""

    def _scope(self, user_id: str, session_id: str) -> tuple[str, ...]:
        return (*self._partition, *check_scope(user_id, session_id))

    async def _in_worker(self, func: Callable[[], _T]) -> _T:
        """Run the sync ``func`` on one of the store's worker threads."""
        if self._closed:
            raise self._closed_error()
        return await self._workers.run(func)

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
        scope = self._scope(user_id, session_id)
        key = check_idempotency_key(idempotency_key)
        now = self._now()
        records = encode_messages(messages, now, self.max_message_chars)

        def work(conn: SqlConnection) -> int:
            return self._sessions.append(conn, scope, records, key, now)

        return self._run(work, append=True)

    def delete(self, user_id: str, session_id: str) -> None:
        """Delete the session, its index entry, watermarks and keys in one transaction."""
        scope = self._scope(user_id, session_id)
        self._run(lambda conn: self._sessions.delete(conn, scope))

    def touch(self, user_id: str, session_id: str) -> None:
        """Restart the session's TTL (no-op without ``ttl`` or when the session does not exist)."""
        scope = self._scope(user_id, session_id)
        if self.ttl is not None:
            now = self._now()
            self._run(lambda conn: self._sessions.touch(conn, scope, now))

    # -- reads -------------------------------------------------------------------------------------
    def read(self, user_id: str, session_id: str, since: int = 0) -> SessionSlice:
        """Messages with sequence number ``>= since``, from one consistent snapshot."""
        scope = self._scope(user_id, session_id)
        since = check_since(since)
        now = self._now()
        raw = self._run(lambda conn: self._sessions.read(conn, scope, since, now), read=True)
        return to_slice(scope[-1], since, raw)

    def list_sessions(self, user_id: str) -> list[SessionInfo]:
        """The user's live sessions, most recently updated first."""
        user_id = validate_id(user_id, "user_id")
        now = self._now()
        return self._run(
            lambda conn: self._sessions.list_sessions(conn, self._partition, user_id, now),
            read=True,
        )

    # -- persistence watermarks --------------------------------------------------------------------
    def get_watermark(self, user_id: str, session_id: str, dataset: str) -> int:
        """Sequence number up to which the session was persisted into ``dataset`` (0 if never)."""
        scope = self._scope(user_id, session_id)
        dataset = validate_id(dataset, "dataset")
        now = self._now()
        return self._run(
            lambda conn: self._sessions.get_watermark(conn, scope, dataset, now), read=True
        )

    def advance_watermark(
        self, user_id: str, session_id: str, dataset: str, expected: int, new: int
    ) -> bool:
        """Compare-and-set the watermark from ``expected`` to ``new`` in one transaction."""
        scope = self._scope(user_id, session_id)
        dataset, expected, new = check_watermark_move(dataset, expected, new)
        now = self._now()
        return self._run(
            lambda conn: self._sessions.advance_watermark(conn, scope, dataset, expected, new, now)
        )

    # -- the async contract: each runs its sync twin on a worker thread ---------------------------
    async def aappend(
        self,
        user_id: str,
        session_id: str,
        messages: Sequence[BaseMessage],
        *,
        idempotency_key: str | None = None,
    ) -> int:
        """Async twin of :meth:`append` (runs on a worker thread)."""
        return await self._in_worker(
            partial(self.append, user_id, session_id, messages, idempotency_key=idempotency_key)
        )

    async def adelete(self, user_id: str, session_id: str) -> None:
        """Async twin of :meth:`delete` (runs on a worker thread)."""
        await self._in_worker(partial(self.delete, user_id, session_id))

    async def atouch(self, user_id: str, session_id: str) -> None:
        """Async twin of :meth:`touch` (runs on a worker thread)."""
        await self._in_worker(partial(self.touch, user_id, session_id))

    async def aread(self, user_id: str, session_id: str, since: int = 0) -> SessionSlice:
        """Async twin of :meth:`read` (runs on a worker thread)."""
        return await self._in_worker(partial(self.read, user_id, session_id, since))

    async def alist_sessions(self, user_id: str) -> list[SessionInfo]:
        """Async twin of :meth:`list_sessions` (runs on a worker thread)."""
        return await self._in_worker(partial(self.list_sessions, user_id))

    async def aget_watermark(self, user_id: str, session_id: str, dataset: str) -> int:
        """Async twin of :meth:`get_watermark` (runs on a worker thread)."""
        return await self._in_worker(partial(self.get_watermark, user_id, session_id, dataset))

    async def aadvance_watermark(
        self, user_id: str, session_id: str, dataset: str, expected: int, new: int
    ) -> bool:
        """Async twin of :meth:`advance_watermark` (runs on a worker thread)."""
        return await self._in_worker(
            partial(self.advance_watermark, user_id, session_id, dataset, expected, new)
        )
