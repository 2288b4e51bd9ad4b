"""Graph store faults on real files are typed, name the fix and leave nothing partial (issue 17).

A lock held by another process, a read-only file, a full disk and a damaged page each used to
surface as a raw ``sqlite3`` error (or, when opening a locked file, as "is not a graph written
by cognee-langchain"), and a damaged file kept being written to. Each is produced for real here:
a second process holding ``BEGIN EXCLUSIVE``, an immutable (root) or mode-0444 file, a tiny tmpfs
(root; otherwise SQLite's ``max_page_count``, which fails the same way, stands in), bytes
overwritten in the middle of the file.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cognee_langchain.errors import (
    StoreBusyError,
    StoreCorruptedError,
    StoreUnavailableError,
)
from cognee_langchain.graph.sqlite import SQLiteGraphStore
from cognee_langchain.memory import GraphMemory
from tests.unit.test_memory_support import make_memory

TEXT = "Alice Johnson leads Acme Corp. Bob Smith joined Acme Corp."
MORE = "Carol Diaz founded Zeta Labs. Zeta Labs acquired Acme Corp."
WAIT = 120.0

_LOCKER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
"""


def _memory(tmp_path: Path, graph: Path, **store: object) -> GraphMemory:
    return make_memory(tmp_path / "memory", graph_store=SQLiteGraphStore(graph, **store))  # type: ignore[arg-type]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@contextlib.contextmanager
def _locked_by_another_process(path: Path) -> Iterator[None]:
    locker = subprocess.Popen(
        [sys.executable, "-c", _LOCKER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert locker.stdout is not None and locker.stdout.readline().strip() == "locked"
        yield
    finally:
        assert locker.stdin is not None
        locker.stdin.write("\n")
        locker.stdin.flush()
        locker.wait(WAIT)


def test_a_lock_held_by_another_process_is_busy_and_retryable(tmp_path: Path) -> None:
    graph = tmp_path / "graph.sqlite"
    memory = _memory(tmp_path, graph, timeout=0.2)
    memory.remember(TEXT)
    revision = memory.graph_store.current_revision()
    with _locked_by_another_process(graph):
        with pytest.raises(StoreBusyError, match="locked by another process") as busy:
            memory.remember(MORE)
        assert busy.value.retryable
        with pytest.raises(StoreBusyError):
            memory.forget("main_dataset", all=True)
        # Opening is busy too, never "not a graph written by cognee-langchain".
        with pytest.raises(StoreBusyError):
            SQLiteGraphStore(graph, timeout=0.2)
        assert memory.search("Who leads Acme?")  # readers are not blocked (WAL)
    assert memory.graph_store.current_revision() == revision  # nothing was written
    assert memory.remember(MORE).documents_added == 1  # the retry succeeds
    memory.close()


@contextlib.contextmanager
def _read_only(path: Path) -> Iterator[None]:
    """``path`` made unwritable: immutable for root (who ignores modes), mode 0444 otherwise."""
    if os.geteuid() == 0:
        if shutil.which("chattr") is None:
            pytest.skip("root ignores file modes and chattr is missing")
        if subprocess.run(["chattr", "+i", str(path)], check=False).returncode != 0:
            pytest.skip("chattr +i is not permitted here")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=True)
    else:
        path.chmod(0o444)
        try:
            yield
        finally:
            path.chmod(0o644)


def test_a_read_only_graph_is_searchable_and_refuses_writes_typed(tmp_path: Path) -> None:
    graph = tmp_path / "graph.sqlite"
    memory = _memory(tmp_path, graph)
    memory.remember(TEXT)
    memory.close()
    before = _digest(graph)
    with _read_only(graph):
        memory = _memory(tmp_path, graph)
        assert memory.search("Who leads Acme?")
        with pytest.raises(StoreUnavailableError, match="read-only") as failed:
            memory.remember(MORE)
        assert failed.value.retryable and "writable" in str(failed.value)
        with pytest.raises(StoreUnavailableError, match="read-only"):
            memory.forget("main_dataset", all=True)
        memory.close()
    assert _digest(graph) == before


def _corrupt(graph: Path) -> None:
    """Overwrite a page in the middle of the file with garbage."""
    size = graph.stat().st_size
    page = 4096
    assert size >= 6 * page, "the graph is too small to damage a middle page"
    with graph.open("r+b") as file:
        file.seek((size // page // 2) * page)
        file.write(b"\xde\xad\xbe\xef" * (page // 4))


def _filled_graph(tmp_path: Path) -> Path:
    graph = tmp_path / "graph.sqlite"
    memory = _memory(tmp_path, graph)
    memory.remember([f"Person{i} Smith leads Company{i} Corp. {TEXT}" for i in range(60)])
    memory.graph_store.close()
    memory.close()
    with contextlib.closing(sqlite3.connect(graph)) as conn:  # everything into the file itself
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return graph


def test_a_damaged_file_is_detected_on_open_and_never_written(tmp_path: Path) -> None:
    graph = _filled_graph(tmp_path)
    _corrupt(graph)
    damaged = _digest(graph)
    with pytest.raises(StoreCorruptedError, match="damaged") as failed:
        SQLiteGraphStore(graph)
    assert not failed.value.retryable and "backup" in str(failed.value)
    assert _digest(graph) == damaged


def test_damage_found_during_use_stops_every_later_write(tmp_path: Path) -> None:
    graph = _filled_graph(tmp_path)
    _corrupt(graph)
    store = SQLiteGraphStore(graph, verify=False)  # as if damaged after opening
    memory = make_memory(tmp_path / "memory", graph_store=store)
    with pytest.raises(StoreCorruptedError):
        for dataset in ("main_dataset",):
            memory.stats(dataset)
            memory.search("Who leads Company7?")
            memory.forget(dataset, all=True)  # reads the whole dataset: hits the damaged page
    damaged = _digest(graph)
    with pytest.raises(StoreCorruptedError):
        memory.remember(MORE)
    with pytest.raises(StoreCorruptedError):
        memory.forget("main_dataset", all=True)
    memory.close()
    assert _digest(graph) == damaged


def test_a_full_disk_is_typed_and_leaves_the_last_commit(tmp_path: Path) -> None:
    """Simulated with SQLite's ``max_page_count``: the engine's SQLITE_FULL, as from a disk."""
    graph = tmp_path / "graph.sqlite"
    memory = _memory(tmp_path, graph)
    memory.remember(TEXT)
    store = memory.graph_store
    assert isinstance(store, SQLiteGraphStore)
    revision, stats = store.current_revision(), memory.stats()
    conn = store._connection
    (pages,) = conn.execute("PRAGMA page_count").fetchone()
    conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(StoreUnavailableError, match="full") as failed:
        memory.remember([f"Person{i} Smith leads Company{i} Corp." for i in range(200)])
    assert failed.value.retryable and "free disk space" in str(failed.value)
    assert (store.current_revision(), memory.stats()) == (revision, stats)
    conn.execute("PRAGMA max_page_count = 1073741823")
    assert memory.remember(MORE).documents_added == 1
    memory.close()


def test_a_real_full_disk_is_typed_and_leaves_a_sound_file(tmp_path: Path) -> None:
    """A 600 KiB tmpfs (needs root to mount; skipped otherwise)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tiny tmpfs needs root")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs", str(disk)], check=False
    )
    if mounted.returncode != 0:
        pytest.skip("mounting a tmpfs is not permitted here")
    try:
        graph = disk / "graph.sqlite"
        memory = _memory(tmp_path, graph)
        memory.remember(TEXT)
        with pytest.raises(StoreUnavailableError, match=r"full|I/O"):
            for batch in range(40):
                memory.remember(
                    [f"Person{batch}x{i} leads Org{batch}x{i} Corp." for i in range(50)]
                )
        revision = memory.graph_store.current_revision()
        memory.close()
        with contextlib.closing(sqlite3.connect(graph)) as conn:
            assert conn.execute("PRAGMA quick_check").fetchone() == ("ok",)
        reopened = SQLiteGraphStore(graph)
        assert reopened.current_revision() == revision
        reopened.close()
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def test_a_store_that_cannot_be_created_leaves_no_file(tmp_path: Path) -> None:
    parent = tmp_path / "a-file"
    parent.write_text("not a directory")
    with pytest.raises(StoreUnavailableError, match="directory"):
        SQLiteGraphStore(parent / "graph.sqlite")
    assert parent.read_text() == "not a directory"
