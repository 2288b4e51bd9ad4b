"""Surviving ``os.fork()``: what a forked child re-creates before it uses a memory.

A child process (gunicorn's and celery's ``fork`` workers, ``multiprocessing`` with the ``fork``
start method) starts with a copy of the parent's memory but only the thread that forked. Every
thread, event loop and pool of the parent is gone, and every lock some other thread held at that
moment stays held forever; SQLite connections and network sockets are still open but shared with
the parent, and using them from both processes corrupts the one or the other.

So whatever owns such a resource registers a callback with :func:`at_fork_in_child`, which runs
in the child right after the fork, before ``os.fork()`` returns there: it replaces its locks,
forgets its threads and pools (they are re-created on first use), and lets go of what it shares
with the parent without closing anything the parent still uses (:func:`keep_inherited`,
:func:`reopen_sqlite`). Nothing runs in the parent.
"""

from __future__ import annotations

import inspect
import itertools
import logging
import os
import sqlite3
import threading
import weakref
from collections.abc import Callable

__all__ = ["at_fork_in_child", "keep_inherited", "reopen_sqlite"]

logger = logging.getLogger(__name__)

# Each callback, under a key of its own; a bound method is held weakly and leaves when its object
# goes, so registering every store a process ever opens does not keep them alive.
_callbacks: dict[int, Callable[[], Callable[[], object] | None]] = {}
_keys = itertools.count()
# What a child inherited and must neither use nor close (see keep_inherited).
_inherited: list[object] = []

# Seconds a reopened SQLite connection waits for another process's lock when the inherited one
# could not be asked for its own setting.
_DEFAULT_SQLITE_TIMEOUT = 5.0


def at_fork_in_child(callback: Callable[[], object]) -> None:
    """Call ``callback()`` in the child of every later ``os.fork()``, in registration order.

    A bound method is held weakly (registering it does not keep its object alive); anything
    else for the life of the process. A callback that raises is logged and the others still
    run. It runs with only the forking thread alive, so it must not wait on anything: replace
    locks rather than acquire them.
    """
    key = next(_keys)
    if inspect.ismethod(callback):
        _callbacks[key] = weakref.WeakMethod(callback)
        # A finalizer rather than a WeakMethod callback: that one can fire during interpreter
        # teardown after WeakMethod's own state is gone ("Exception ignored ... '_alive'").
        weakref.finalize(callback.__self__, _callbacks.pop, key, None).atexit = False
    else:
        _callbacks[key] = lambda: callback


def keep_inherited(*resources: object) -> None:
    """Keep ``resources`` (inherited from the parent) referenced, unused, for the life of the
    child: collecting one could close it, which may wait on a lock a vanished thread held or
    tell a server the parent's connection is over."""
    _inherited.extend(resource for resource in resources if resource is not None)


def reopen_sqlite(
    conn: sqlite3.Connection,
    lock: threading.Lock | threading.RLock,
    database: str | os.PathLike[str],
    *pragmas: str,
) -> sqlite3.Connection:
    """In a forked child, a new connection to ``database`` in place of the inherited ``conn``.

    SQLite connections must never cross a fork (https://sqlite.org/howtocorrupt.html#fork). The
    inherited one is closed when ``lock`` (the lock its owner holds around every use) is free,
    which drops SQLite's per-process record of the parent's file locks, so the new connection
    takes real locks of its own; closing it cannot disturb the parent, which holds its own locks
    (a child cannot take the exclusive lock a WAL checkpoint-on-close needs while the parent
    has the file open). When another thread held ``lock`` at the fork, the inherited connection
    may be mid-call and is kept unused instead (:func:`keep_inherited`). ``pragmas`` are the
    per-connection settings to apply again (persistent ones such as ``journal_mode`` stay in
    the file). A closed ``conn`` (a closed store) is returned unchanged, still closed.
    """
    try:
        conn.total_changes  # noqa: B018 - raises on a closed connection
    except sqlite3.ProgrammingError:
        return conn
    timeout = _DEFAULT_SQLITE_TIMEOUT
    isolation_level = conn.isolation_level
    if lock.acquire(blocking=False):
        try:
            (busy_ms,) = conn.execute("PRAGMA busy_timeout").fetchone()
            timeout = busy_ms / 1000
            conn.close()
        finally:
            lock.release()
    else:
        keep_inherited(conn)
    fresh = sqlite3.connect(
        database, timeout=timeout, isolation_level=isolation_level, check_same_thread=False
    )
    for pragma in pragmas:
        fresh.execute(pragma)
    return fresh


def _run_callbacks() -> None:
    for ref in list(_callbacks.values()):
        callback = ref()
        if callback is None:
            continue
        try:
            callback()
        except Exception:
            logger.exception("cognee-langchain: re-creating %r after fork failed", callback)


if hasattr(os, "register_at_fork"):  # not on Windows, which has no fork
    os.register_at_fork(after_in_child=_run_callbacks)
