"""What only the embedded SQLite store does: the file, WAL, locking, sweeping, its worker thread.

The behaviour every store shares is the conformance suite, run against SQLite in
``tests/integration/test_session_stores.py``.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest
from langchain_core.messages import AIMessage, HumanMessage

from cognee_langchain.errors import InvalidInputError, SessionStoreUnavailableError
from cognee_langchain.sessions import SQLiteSessionStore
from cognee_langchain.sessions import sqlite as sqlite_module
from cognee_langchain.sessions.base import IDEMPOTENCY_KEYS_KEPT
from cognee_langchain.sessions.sql_sessions import SqlSessions

TURN = [HumanMessage("Who leads Acme?"), AIMessage("Ada.")]


def test_creates_parent_directories_and_uses_wal(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "sessions.sqlite"
    store = SQLiteSessionStore(path)
    store.append("u", "s", TURN)
    store.close()
    assert path.exists()
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    connection.close()


def test_sessions_survive_reopening_the_file(tmp_path: Path) -> None:
    store = SQLiteSessionStore(tmp_path / "s.sqlite", max_messages=10)
    store.append("u", "s", TURN)
    store.advance_watermark("u", "s", "main", 0, 2)
    store.close()
    reopened = SQLiteSessionStore(tmp_path / "s.sqlite")
    assert reopened.read("u", "s").messages == TURN
    assert reopened.get_watermark("u", "s", "main") == 2
    reopened.close()


def test_in_memory_database_is_shared_by_threads_of_one_store() -> None:
    store = SQLiteSessionStore(":memory:")
    threads = [threading.Thread(target=store.append, args=("u", "s", TURN)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert store.read("u", "s").messages == TURN * 4
    store.close()


def test_shared_returns_one_store_per_path_until_closed(tmp_path: Path) -> None:
    first = SQLiteSessionStore.shared(tmp_path / "x.sqlite")
    assert SQLiteSessionStore.shared(str(tmp_path / "x.sqlite")) is first
    assert SQLiteSessionStore.shared(tmp_path / "y.sqlite") is not first
    SQLiteSessionStore.shared(tmp_path / "y.sqlite").close()
    first.close()
    second = SQLiteSessionStore.shared(tmp_path / "x.sqlite")
    assert second is not first
    second.close()


async def test_closed_store_raises_our_error() -> None:
    store = SQLiteSessionStore(":memory:")
    await store.aappend("u", "s", TURN)
    await store.aclose()
    with pytest.raises(InvalidInputError, match="closed"):
        store.read("u", "s")
    with pytest.raises(InvalidInputError, match="closed"):
        await store.aread("u", "s")


def test_unopenable_path_raises_our_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(InvalidInputError, match="writable"):
        SQLiteSessionStore(blocker / "sessions.sqlite")


@pytest.mark.parametrize("bad", [None, 3, b"bytes"])
def test_path_of_the_wrong_type_is_refused(bad: object) -> None:
    with pytest.raises(InvalidInputError):
        SQLiteSessionStore(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("timeout", [-1, "5", None, float("nan")], ids=str)
def test_bad_lock_timeout_is_refused(timeout: object) -> None:
    with pytest.raises(InvalidInputError, match="timeout must be a number >= 0"):
        SQLiteSessionStore(":memory:", timeout=timeout)  # type: ignore[arg-type]


def test_a_writer_holding_the_lock_too_long_makes_the_store_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "locked.sqlite"
    store = SQLiteSessionStore(path, timeout=0.1)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(SessionStoreUnavailableError, match="sqlite:///"):
            store.append("u", "s", TURN)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert store.read("u", "s").items == []  # nothing half-written
    store.append("u", "s", TURN)
    assert store.read("u", "s").messages == TURN
    store.close()


def test_a_failed_append_leaves_nothing_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    store = SQLiteSessionStore(":memory:", max_messages=3)
    store.append("u", "s", TURN)

    def fail(*args: object) -> int:
        raise RuntimeError("disk on fire")

    # Trimming runs after the new rows were inserted: the whole append must roll back.
    monkeypatch.setattr(SqlSessions, "_trim", fail)
    with pytest.raises(RuntimeError, match="disk on fire"):
        store.append("u", "s", TURN, idempotency_key="next")
    monkeypatch.undo()
    assert store.read("u", "s").messages == TURN
    # Its key was rolled back with it: the retry is applied.
    assert store.append("u", "s", [HumanMessage("next")], idempotency_key="next") == 3
    store.close()


class FakeClock:
    """Stands in for the ``time`` module of the SQLite store: its clock moves only when told."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def time(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """The store's clock, under the test's control (no sleeping, no timing margin)."""
    fake = FakeClock()
    monkeypatch.setattr(sqlite_module, "time", fake)
    return fake


def _rows(path: Path) -> dict[str, list[tuple[str]]]:
    """The session ids left in each table of the file."""
    connection = sqlite3.connect(path)
    try:
        return {
            table: connection.execute(
                f"SELECT DISTINCT session_id FROM {table} ORDER BY session_id"
            ).fetchall()
            for table in ("sessions", "messages", "watermarks", "idempotency")
        }
    finally:
        connection.close()


def test_a_session_expires_exactly_ttl_after_its_last_write(
    tmp_path: Path, clock: FakeClock
) -> None:
    store = SQLiteSessionStore(tmp_path / "s.sqlite", ttl=10)
    store.append("u", "s", TURN, idempotency_key="k")
    store.advance_watermark("u", "s", "main", 0, 2)
    clock.advance(6)
    store.append("u", "s", [HumanMessage("more")])  # slides the expiry to 16 s from the start
    clock.advance(9.999)  # 16 s after the first write: alive only because the second refreshed it
    assert store.read("u", "s").messages == [*TURN, HumanMessage("more")]
    assert [info.session_id for info in store.list_sessions("u")] == ["s"]
    assert store.get_watermark("u", "s", "main") == 2
    clock.advance(0.001)  # exactly ttl after the last write: gone
    assert store.read("u", "s").items == []
    assert store.list_sessions("u") == []
    assert store.get_watermark("u", "s", "main") == 2  # remembered one more ttl
    # For one more ttl its count and watermark are remembered: its unpersisted messages read as
    # lost, and writing again continues the numbering; the keys are gone with the messages.
    assert store.read("u", "s", since=2).lost == 1
    assert store.append("u", "s", TURN, idempotency_key="k") == 5
    again = store.read("u", "s", since=store.get_watermark("u", "s", "main"))
    assert (again.start, again.lost, again.messages) == (3, 1, TURN)
    store.delete("u", "s")
    store.append("u", "s", TURN)
    clock.advance(20)  # expired, and past the time its count is remembered: a fresh start
    assert store.read("u", "s").lost == 0
    assert store.append("u", "s", TURN, idempotency_key="k") == 2
    assert store.read("u", "s").messages == TURN
    store.close()


def test_touch_slides_the_expiry_without_writing(tmp_path: Path, clock: FakeClock) -> None:
    store = SQLiteSessionStore(tmp_path / "s.sqlite", ttl=10)
    store.append("u", "s", TURN)
    store.append("u", "t", TURN)
    clock.advance(9)
    store.touch("u", "s")
    clock.advance(2)  # 11 s: "t" expired, "s" lives on 10 s from the touch
    assert [info.session_id for info in store.list_sessions("u")] == ["s"]
    assert store.read("u", "s").messages == TURN
    clock.advance(8)
    store.touch("u", "t")  # an expired session is not brought back
    assert store.read("u", "t").items == []
    clock.advance(1)
    assert store.list_sessions("u") == []
    store.close()


def test_expired_sessions_are_purged_by_the_sweep(tmp_path: Path, clock: FakeClock) -> None:
    store = SQLiteSessionStore(tmp_path / "s.sqlite", ttl=10)
    store.append("u", "old", TURN, idempotency_key="old")
    store.advance_watermark("u", "old", "main", 0, 2)
    clock.advance(11)  # "old" expired, but the next sweep is due 60 s after the first
    store.append("u", "mid", TURN)
    assert _rows(tmp_path / "s.sqlite")["sessions"] == [("mid",), ("old",)]

    clock.advance(sqlite_module._SWEEP_INTERVAL)  # the sweep is due: every expired session goes
    store.append("u", "new", TURN)
    store.close()
    assert _rows(tmp_path / "s.sqlite") == {
        "sessions": [("new",)],
        "messages": [("new",)],
        "watermarks": [],
        "idempotency": [],
    }


def test_idempotency_keys_are_bounded_per_session(tmp_path: Path) -> None:
    store = SQLiteSessionStore(tmp_path / "s.sqlite")
    extra = 5
    for i in range(IDEMPOTENCY_KEYS_KEPT + extra):
        store.append("u", "s", TURN, idempotency_key=f"k{i}")
    store.append("u", "other", TURN, idempotency_key="k0")
    connection = sqlite3.connect(tmp_path / "s.sqlite")
    rows = connection.execute(
        "SELECT key, total FROM idempotency WHERE session_id = 's' ORDER BY ordinal"
    ).fetchall()
    connection.close()
    assert len(rows) == IDEMPOTENCY_KEYS_KEPT  # the latest keys; the oldest were forgotten
    assert rows[0] == (f"k{extra}", 2 * (extra + 1))
    assert rows[-1] == (
        f"k{IDEMPOTENCY_KEYS_KEPT + extra - 1}",
        2 * (IDEMPOTENCY_KEYS_KEPT + extra),
    )
    assert store.append("u", "other", TURN, idempotency_key="k0") == 2  # another session's own
    store.close()


def test_a_file_from_before_idempotency_keys_gains_them(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    store = SQLiteSessionStore(path)
    store.append("u", "s", TURN)
    store.close()
    connection = sqlite3.connect(path)
    connection.execute("DROP TABLE idempotency")  # the schema of the previous release
    connection.close()
    reopened = SQLiteSessionStore(path)
    assert reopened.append("u", "s", TURN, idempotency_key="k") == 4
    reopened.close()
    again = SQLiteSessionStore(path)  # and the keys are as durable as the messages
    assert again.append("u", "s", TURN, idempotency_key="k") == 4
    assert again.read("u", "s").messages == TURN * 2
    again.close()


async def test_async_twins_run_off_the_event_loop_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    store = SQLiteSessionStore(":memory:")
    loop_thread = threading.get_ident()
    threads: list[int] = []
    original = store.append

    def spy(*args: object, **kwargs: object) -> int:
        threads.append(threading.get_ident())
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "append", spy)
    assert await store.aappend("u", "s", TURN) == 2
    assert threads and threads[0] != loop_thread
    results = await asyncio.gather(*(store.aread("u", "s") for _ in range(3)))
    assert all(result.messages == TURN for result in results)
    await store.aclose()


def test_sync_methods_take_the_native_path_not_the_bridge(monkeypatch: pytest.MonkeyPatch) -> None:
    # sqlite3 is a sync driver: running its code directly beats the bridge to the async methods.
    def no_bridge(coro: object) -> None:
        raise AssertionError("a sync method went through run_sync")

    monkeypatch.setattr("cognee_langchain.sessions.base.run_sync", no_bridge)
    store = SQLiteSessionStore(":memory:", ttl=60)
    store.append("u", "s", TURN)
    store.touch("u", "s")
    assert store.read("u", "s").messages == TURN
    assert [info.session_id for info in store.list_sessions("u")] == ["s"]
    assert store.advance_watermark("u", "s", "main", 0, 2)
    assert store.get_watermark("u", "s", "main") == 2
    store.delete("u", "s")
    store.close()
    store.close()  # closing twice is harmless


async def test_aclose_after_close_is_harmless() -> None:
    store = SQLiteSessionStore(":memory:")
    store.close()
    await store.aclose()
