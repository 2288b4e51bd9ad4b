"""Run a coroutine to completion from synchronous code, even inside a running event loop.

Every sync method of the package (``remember``, ``forget``, ...) is its async twin driven by
:func:`run_sync`. Coroutines run on one long-lived background event loop rather than a fresh
``asyncio.run`` per call: LangChain clients cache async HTTP connection pools process-wide, and a
pool created on a loop that has since closed fails on the next call.

A forked child has neither the loop's thread nor the threads holding claims: right after a fork
(:func:`~cognee_langchain.core.forks.at_fork_in_child`) it drops the loop, which the next call
starts again, forgets every claim and replaces the locks, so its first sync call cannot wait on
the parent's threads.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import os
import threading
from collections.abc import AsyncIterator, Coroutine, Hashable, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from cognee_langchain.core.forks import at_fork_in_child, keep_inherited

__all__ = ["claimed", "in_background", "run_sync"]

T = TypeVar("T")

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None
_loop_pid: int | None = None


def _background_loop() -> asyncio.AbstractEventLoop:
    """The shared loop, started on first use (and again in a forked child, which lacks it: the
    pid check covers a fork that ran no ``os.register_at_fork`` hooks)."""
    global _loop, _loop_pid
    with _lock:
        if _loop is None or _loop_pid != os.getpid():
            loop = asyncio.new_event_loop()
            thread = threading.Thread(
                target=loop.run_forever, name="cognee-langchain-sync", daemon=True
            )
            thread.start()
            _loop, _loop_pid = loop, os.getpid()
        return _loop


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` and return its result, blocking the calling thread until it is done.

    Works whether or not the calling thread runs an event loop (a sync call inside ``async def``
    blocks that loop, as any sync call does). If the caller is itself running on the background
    loop (a sync method called from a callback of an async one), the coroutine gets a private
    loop in a helper thread instead, so the shared loop never waits on itself.
    """
    loop = _background_loop()
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is loop:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="cognee-langchain-nested") as ex:
            # The caller's context (its tracing parent run, above all) goes with the coroutine,
            # as run_coroutine_threadsafe carries it to the shared loop below.
            return ex.submit(contextvars.copy_context().run, asyncio.run, coro).result()
    future = asyncio.run_coroutine_threadsafe(coro, loop)
    try:
        return future.result()
    except BaseException:
        # KeyboardInterrupt or similar while waiting: do not leave the work running unobserved.
        future.cancel()
        raise


def in_background(coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
    """Start ``coro`` on the package's background loop and return at once: work that outlives
    the call starting it (whatever loop that call ran on, or none)."""
    return asyncio.run_coroutine_threadsafe(coro, _background_loop())


_claims: set[Hashable] = set()
_claims_lock = threading.Lock()


@asynccontextmanager
async def claimed(keys: Iterable[Hashable]) -> AsyncIterator[None]:
    """Hold ``keys`` exclusively for the duration of the block, in this process.

    Work may run on different event loops (sync methods run on the background loop of
    :func:`run_sync`), so this is a thread-safe set polled asynchronously rather than an
    ``asyncio.Lock``, which belongs to one loop. All keys are taken at once, so two holders
    never wait on halves of each other's keys.
    """
    wanted = set(keys)
    while True:
        with _claims_lock:
            if not wanted & _claims:
                _claims.update(wanted)
                break
        await asyncio.sleep(0.005)
    try:
        yield
    finally:
        with _claims_lock:
            _claims.difference_update(wanted)


def _after_fork() -> None:
    """In a forked child: no loop (its thread stayed in the parent), no claims (their holders
    did too), locks no vanished thread can hold."""
    global _lock, _loop, _loop_pid, _claims_lock
    keep_inherited(_loop)  # running in the parent: never closed here
    _lock, _loop, _loop_pid = threading.Lock(), None, None
    _claims_lock = threading.Lock()
    _claims.clear()


at_fork_in_child(_after_fork)
