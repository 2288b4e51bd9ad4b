"""Opening an embedded store while another connection holds its file: SQLite refuses the switch
to WAL at once, without its busy timeout, so the stores retry it for as long as that timeout."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from cognee_langchain.core.sqlite_wal import enable_wal
from cognee_langchain.graph.sqlite import SQLiteGraphStore
from cognee_langchain.sessions.sqlite import SQLiteSessionStore

HELD = 0.3


@contextmanager
def held_for(path: Path, seconds: float) -> Iterator[None]:
    """Another connection holds a write lock on ``path`` for ``seconds`` (in rollback-journal
    mode, as a file another worker is just creating), then lets go having written nothing."""
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(seconds, lambda: holder.execute("COMMIT"))
    release.start()
    try:
        yield
    finally:
        release.join()
        holder.close()


def test_the_switch_to_wal_waits_for_a_lock_held_a_moment(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    with held_for(path, HELD):
        conn = sqlite3.connect(path, timeout=5, isolation_level=None)
        # SQLite alone gives up at once, whatever the connection's timeout
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            conn.execute("PRAGMA journal_mode=WAL")
        started = time.monotonic()
        enable_wal(conn, timeout=5)
        assert time.monotonic() - started >= HELD / 2
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    conn.close()


def test_a_lock_held_past_the_timeout_is_raised(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    with held_for(path, HELD):
        conn = sqlite3.connect(path, timeout=0.05, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            enable_wal(conn, timeout=0.05)
        conn.close()


def test_both_stores_open_while_another_process_holds_the_new_file(tmp_path: Path) -> None:
    graph_path, sessions_path = tmp_path / "graph.sqlite", tmp_path / "sessions.sqlite"
    with held_for(graph_path, HELD):
        graph = SQLiteGraphStore(graph_path, timeout=5)
    with held_for(sessions_path, HELD):
        sessions = SQLiteSessionStore(sessions_path, timeout=5)
    assert graph.list_datasets() == []
    graph.close()
    sessions.close()
