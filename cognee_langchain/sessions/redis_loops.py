"""Async Redis clients (single server or cluster), one per event loop, each closed on its own loop
before that loop closes.

A ``redis.asyncio`` connection belongs to the event loop that opened it and can be closed only on
that loop, while it runs. A client still open when its loop closes (``asyncio.run`` returning
while a memory holds it, with or without ``close()``; or a store closed from another loop, such as
a sync method's client on the bridge loop of :func:`~cognee_langchain.core.aio.run_sync`) is
collected later and warns ``ResourceWarning: unclosed Connection`` or ``Event loop is closed``.

So each client is paired with a *guard*: an async generator started on the client's loop, whose
``finally`` closes the client. A running loop keeps track of the async generators started on it
and closes them before it closes (``asyncio.run`` calls ``loop.shutdown_asyncgens()``, as do
pytest-asyncio and anyio), so a client is closed on its own loop even when nobody closed its
store. Closing the store closes each guard on its own loop: awaited on the caller's loop,
submitted to another running loop, and left to the loop's own shutdown when it is not running.
A loop that never shuts down (the sync bridge's, on a daemon thread) has its guards closed when
the interpreter exits (``atexit``), while its thread still runs.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import threading
import weakref
from collections.abc import AsyncGenerator, Callable

import redis

from cognee_langchain.core.forks import at_fork_in_child, keep_inherited
from cognee_langchain.sessions.redis_clients import AsyncClient

__all__ = ["LoopClients"]

_Guard = AsyncGenerator[None, None]

# Tasks closing a guard on the caller's own loop (sync close() inside async code), referenced
# until they finish (a loop keeps only weak references to its tasks), and their guards, held until
# closed: a task cancelled before it started (asyncio.run cancels what is pending when its main
# coroutine returns) leaves its guard to the loop's shutdown, which needs it alive and tracked.
_closing: set[asyncio.Task[None]] = set()
_held: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, set[_Guard]] = (
    weakref.WeakKeyDictionary()
)
# Every guard not yet collected, with its loop, for the exit hook.
_live: weakref.WeakKeyDictionary[_Guard, asyncio.AbstractEventLoop] = weakref.WeakKeyDictionary()
_EXIT_TIMEOUT = 5.0  # seconds the interpreter's exit waits for one loop to close its clients


async def _close_with_loop(client: AsyncClient) -> _Guard:
    """Suspend until closed, by the store or by the loop's shutdown; then close ``client``."""
    try:
        yield
    finally:
        await _close_client(client)


async def _close_client(client: AsyncClient) -> None:
    """Close ``client``, finishing even when cancelled once: ``asyncio.run`` cancels every
    pending task, a close begun by :meth:`LoopClients.close` too, before it shuts down."""
    cancelled: asyncio.CancelledError | None = None
    for _ in range(2):
        try:
            # Best effort: a server that went away has nothing left to close.
            with contextlib.suppress(redis.RedisError, OSError):
                await client.aclose()
            break
        except asyncio.CancelledError as exc:
            cancelled = exc
    if cancelled is not None:
        raise cancelled


async def _shut(*guards: _Guard) -> None:
    for guard in guards:
        try:
            # The loop's own finalizer may be closing it already ("already running"): done.
            with contextlib.suppress(RuntimeError):
                await guard.aclose()
        finally:
            _held.get(asyncio.get_running_loop(), set()).discard(guard)


@atexit.register
def _close_at_exit() -> None:
    """Close the clients of loops that still run at exit, on their own threads."""
    by_loop: dict[asyncio.AbstractEventLoop, list[_Guard]] = {}
    for guard, loop in list(_live.items()):
        by_loop.setdefault(loop, []).append(guard)
    for loop, guards in by_loop.items():
        if loop.is_running():
            future = asyncio.run_coroutine_threadsafe(_shut(*guards), loop)
            with contextlib.suppress(concurrent.futures.TimeoutError):
                future.result(_EXIT_TIMEOUT)


class LoopClients:
    """The async clients of one store, one per event loop, built by ``factory`` on first use.

    ``timeout``: seconds :meth:`close` / :meth:`aclose` wait for another loop to close its
    client (beyond it, that loop's shutdown closes it).
    """

    def __init__(self, factory: Callable[[], AsyncClient], timeout: float) -> None:
        self._factory = factory
        self._timeout = timeout
        self._lock = threading.Lock()
        self._clients: dict[asyncio.AbstractEventLoop, tuple[AsyncClient, _Guard]] = {}

    async def get(self) -> AsyncClient:
        """The client of the running loop."""
        loop = asyncio.get_running_loop()
        entry = self._clients.get(loop)
        if entry is None:
            client = self._factory()
            guard = _close_with_loop(client)
            # Runs to its yield without suspending (so no other task of this loop can build a
            # second client meanwhile), and the loop now tracks the guard.
            await guard.__anext__()
            entry = (client, guard)
            _live[guard] = loop
            with self._lock:
                for stale in [other for other in self._clients if other.is_closed()]:
                    del self._clients[stale]  # each closed its guard when it shut down
                self._clients[loop] = entry
        return entry[0]

    def _take(self) -> list[tuple[asyncio.AbstractEventLoop, _Guard]]:
        with self._lock:
            taken = [(loop, guard) for loop, (_, guard) in self._clients.items()]
            self._clients.clear()
        # A closed loop already closed its guards (or, closed without shutting them down, can
        # no longer run anything); a loop not running now closes a dropped guard when it runs.
        return [(loop, guard) for loop, guard in taken if loop.is_running()]

    async def aclose(self) -> None:
        """Close every client, each on its own loop."""
        current = asyncio.get_running_loop()
        for loop, guard in self._take():
            if loop is current:
                await _shut(guard)
                continue
            future = asyncio.run_coroutine_threadsafe(_shut(guard), loop)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.wrap_future(future), self._timeout)

    def close(self) -> None:
        """Sync twin of :meth:`aclose` (native: it must not wait on the caller's own loop)."""
        try:
            current: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            current = None
        for loop, guard in self._take():
            if loop is current:
                # Called from sync code on the loop itself: the loop cannot wait for itself.
                _held.setdefault(loop, set()).add(guard)
                task = loop.create_task(_shut(guard))
                _closing.add(task)
                task.add_done_callback(_closing.discard)
                continue
            future = asyncio.run_coroutine_threadsafe(_shut(guard), loop)
            with contextlib.suppress(concurrent.futures.TimeoutError):
                future.result(self._timeout)

    def after_fork(self) -> None:
        """In a forked child: no client (their loops stayed in the parent); the inherited ones
        are kept unused, since closing them would close the parent's connections."""
        keep_inherited(*self._clients.values())
        self._lock = threading.Lock()
        self._clients = {}


def _after_fork() -> None:
    """In a forked child: the parent's guards and loops stay the parent's. Forgotten here, so
    that the exit hook never submits to a loop whose thread did not survive the fork."""
    keep_inherited(*_live.keys(), *_held.values(), *_closing)
    _live.clear()
    _held.clear()
    _closing.clear()


at_fork_in_child(_after_fork)
