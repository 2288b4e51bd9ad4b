"""The SQLite graph store's one error mapping: a driver exception becomes the package's type.

Every entry point of :class:`~cognee_langchain.graph.sqlite.SQLiteGraphStore` (opening, each
read, each write, closing) runs under :func:`translate`, so a caller never sees a raw
``sqlite3`` error: a lock held too long is :class:`StoreBusyError` (retryable), a read-only file,
a full disk or an I/O error :class:`StoreUnavailableError` (retryable once fixed), a damaged file
:class:`StoreCorruptedError` (not retryable; the store then refuses every write).
"""

from __future__ import annotations

import sqlite3

from cognee_langchain.errors import (
    StoreBusyError,
    StoreCorruptedError,
    StoreError,
    StoreUnavailableError,
)

__all__ = ["translate"]

# Primary result codes (https://sqlite.org/rescode.html).
_PERM, _BUSY, _LOCKED, _NOMEM, _READONLY = 3, 5, 6, 7, 8
_IOERR, _CORRUPT, _FULL, _CANTOPEN, _PROTOCOL, _NOTADB = 10, 11, 13, 14, 15, 26

_UNAVAILABLE = {
    _READONLY: (
        "is read-only (the file, its -wal / -shm files or its directory cannot be written by "
        "this process)",
        "Make the file and its directory writable by this process's user (or remount the disk "
        "read-write), then retry; searches of an existing graph still work.",
    ),
    _PERM: (
        "refused access",
        "Make the file and its directory readable and writable by this process's user.",
    ),
    _FULL: (
        "cannot grow: the disk (or the file's size limit) is full",
        "Nothing was written: free disk space (or raise the limit), then retry.",
    ),
    _CANTOPEN: (
        "cannot be opened",
        "Check that the path and its directory exist and are readable and writable by this "
        "process's user.",
    ),
    _IOERR: (
        "hit an I/O error",
        "Nothing was written: check the disk (dmesg, free space, a network mount that went "
        "away), then retry.",
    ),
    _NOMEM: ("ran out of memory", "Free memory, then retry."),
    _PROTOCOL: (
        "lost a locking race repeatedly",
        "Retry; if it persists, check that the file is not on a network filesystem.",
    ),
}


def _code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


def translate(exc: sqlite3.Error, store: str) -> StoreError | None:
    """The package's error for a driver error of the store named ``store``, or ``None`` for one
    that is a bug of ours (a ``ProgrammingError``, a constraint), re-raised as it is."""
    if isinstance(exc, sqlite3.ProgrammingError | sqlite3.InterfaceError):
        return None
    code = _code(exc)
    text = str(exc).lower()
    if code in (_BUSY, _LOCKED) or "database is locked" in text:
        return StoreBusyError(store, exc)
    if code in (_CORRUPT, _NOTADB) or "malformed" in text or "not a database" in text:
        return StoreCorruptedError(store, str(exc), exc)
    if code in _UNAVAILABLE:
        problem, fix = _UNAVAILABLE[code]
        return StoreUnavailableError(store, problem, fix, exc)
    if isinstance(exc, sqlite3.IntegrityError):
        return None
    return StoreUnavailableError(
        store, "failed", "Retry; if it persists, report it with this message.", exc
    )
