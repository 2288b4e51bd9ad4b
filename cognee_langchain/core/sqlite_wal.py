"""Switching an SQLite file to write-ahead logging when other processes may hold it.

Both embedded stores (the graph and the session cache) run their files in WAL mode, set when a
connection opens. SQLite answers a journal-mode change that meets another connection's lock with
``SQLITE_BUSY`` at once: its busy handler (the connection's ``timeout``) is not consulted. So two
workers opening one new memory together failed (6 times in 15 on this machine); here the change
is retried until the same timeout has passed.
"""

from __future__ import annotations

import sqlite3
import time

__all__ = ["enable_wal"]

_BUSY_CODES = (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED (primary codes)
_FIRST_WAIT = 0.005
_LONGEST_WAIT = 0.1


def enable_wal(conn: sqlite3.Connection, timeout: float) -> None:
    """Put ``conn``'s database in WAL mode, waiting up to ``timeout`` seconds while another
    connection holds it; any other error, or a lock held longer, is raised as SQLite raised it
    (the caller maps it to its own error)."""
    deadline = time.monotonic() + timeout
    wait = _FIRST_WAIT
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            busy = (getattr(exc, "sqlite_errorcode", 0) & 0xFF) in _BUSY_CODES
            if not busy or time.monotonic() + wait > deadline:
                raise
        time.sleep(wait)
        wait = min(2 * wait, _LONGEST_WAIT)
