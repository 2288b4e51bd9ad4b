"""A process killed with SIGKILL in the middle of ``remember`` leaves the graph store consistent,
holding either all of that document or none of it."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.unit.test_memory_support import make_memory

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")

REPO = Path(__file__).resolve().parents[2]

# The child remembers stdin into `data_dir` with the pattern extractor. With `stall_after` > 0 its
# store signals the parent and sleeps inside the write transaction after that many runs of
# operations (permission check, chunks, document, entities, relations).
CHILD = """
import pathlib, sys, time
from cognee_langchain.graph.sqlite import SQLiteGraphStore
from tests.unit.test_memory_support import make_memory

data_dir, signal_file, stall_after = pathlib.Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])

class StallingStore(SQLiteGraphStore):
    applied = 0

    def _apply_run(self, tx, ops):
        super()._apply_run(tx, ops)
        self.applied += 1
        if self.applied == stall_after:
            pathlib.Path(signal_file).write_text("inside the transaction")
            time.sleep(300)

store = StallingStore(data_dir / "graph.sqlite")
memory = make_memory(data_dir, graph_store=store, chunk_size=200, chunk_overlap=0)
pathlib.Path(signal_file + ".started").write_text("go")
memory.remember(sys.stdin.read(), node_set="doomed")
"""

BASE = "Alice Johnson leads Acme Corp. Bob Smith joined Acme Corp."


def doomed_text(sentences: int) -> str:
    people = ["Alice Johnson", "Bob Smith", "Carol Diaz", "Acme Corp", "Zeta Labs"]
    lines = [
        f"Person{i} works with {people[i % len(people)]}. Person{i} founded Company{i}."
        for i in range(sentences)
    ]
    return "\n\n".join(lines)


def start_child(
    data_dir: Path, text: str, stall_after: int
) -> tuple[subprocess.Popen[bytes], Path]:
    signal_file = data_dir.parent / f"signal-{time.monotonic_ns()}"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(data_dir), str(signal_file), str(stall_after)],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdin is not None
    child.stdin.write(text.encode())
    child.stdin.close()
    return child, signal_file


def wait_for(path: Path, child: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if child.poll() is not None:
            raise AssertionError(f"child exited early: {child.stderr.read().decode()}")  # type: ignore[union-attr]
        assert time.monotonic() < deadline, "child never reached the point to kill it"
        time.sleep(0.02)


def kill(child: subprocess.Popen[bytes]) -> None:
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert child.stderr is not None
    child.stderr.close()


def assert_consistent(db: Path) -> None:
    """SQLite integrity plus the store's own invariants: no record without its sources."""
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        orphans = {
            "link to a missing chunk": "SELECT COUNT(*) FROM document_chunks dc "
            "LEFT JOIN chunks c ON c.id = dc.chunk_id WHERE c.id IS NULL",
            "link from a missing document": "SELECT COUNT(*) FROM document_chunks dc "
            "LEFT JOIN documents d ON d.id = dc.document_id WHERE d.id IS NULL",
            "chunk without document": "SELECT COUNT(*) FROM chunks c WHERE NOT EXISTS "
            "(SELECT 1 FROM document_chunks dc WHERE dc.chunk_id = c.id)",
            "entity without mention": "SELECT COUNT(*) FROM entities e WHERE NOT EXISTS "
            "(SELECT 1 FROM entity_mentions m WHERE m.entity_id = e.id)",
            "mention of a missing chunk": "SELECT COUNT(*) FROM entity_mentions m "
            "LEFT JOIN chunks c ON c.id = m.chunk_id WHERE c.id IS NULL",
            "relation without endpoint": "SELECT COUNT(*) FROM relations r WHERE "
            "r.source_id NOT IN (SELECT id FROM entities) "
            "OR r.target_id NOT IN (SELECT id FROM entities)",
            "relation without mention": "SELECT COUNT(*) FROM relations r WHERE NOT EXISTS "
            "(SELECT 1 FROM relation_mentions m WHERE m.relation_id = r.id)",
            "chunk without vector": "SELECT COUNT(*) FROM chunks c WHERE NOT EXISTS "
            "(SELECT 1 FROM vectors v WHERE v.kind = 'chunk' AND v.id = c.id)",
            "vector without record": "SELECT COUNT(*) FROM vectors v WHERE "
            "v.id NOT IN (SELECT id FROM chunks UNION ALL SELECT id FROM entities "
            "UNION ALL SELECT id FROM relations)",
        }
        problems = {
            name: n for name, sql in orphans.items() if (n := conn.execute(sql).fetchone()[0])
        }
        assert problems == {}
    finally:
        conn.close()


def test_kill_inside_the_write_transaction_leaves_the_previous_state(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    memory = make_memory(data_dir)
    memory.remember(BASE)
    before = (memory.graph_store.current_revision(), memory.stats())
    text = doomed_text(10)

    child, signal_file = start_child(data_dir, text, stall_after=4)
    wait_for(signal_file, child)
    kill(child)

    assert_consistent(data_dir / "graph.sqlite")
    reopened = make_memory(data_dir, chunk_size=200, chunk_overlap=0)
    assert (reopened.graph_store.current_revision(), reopened.stats()) == before
    assert reopened.graph_store.list_documents("main_dataset", node_set="doomed") == []
    # The killed writer left no lock behind and the same content can be written now.
    result = reopened.remember(text, node_set="doomed")
    assert result.documents_added == 1
    assert result.chunks_added == len(reopened.chunker.split(text)) > 1
    assert_consistent(data_dir / "graph.sqlite")


@pytest.mark.parametrize("delay", [0.05, 0.4, 0.9])
def test_kill_at_any_moment_keeps_all_or_nothing(tmp_path: Path, delay: float) -> None:
    data_dir = tmp_path / "data"
    memory = make_memory(data_dir)
    memory.remember(BASE)
    revision = memory.graph_store.current_revision()
    text = doomed_text(300)

    child, signal_file = start_child(data_dir, text, stall_after=0)
    wait_for(Path(f"{signal_file}.started"), child)
    time.sleep(delay)
    if child.poll() is None:
        kill(child)

    assert_consistent(data_dir / "graph.sqlite")
    reopened = make_memory(data_dir, chunk_size=200, chunk_overlap=0)
    documents = reopened.graph_store.list_documents("main_dataset", node_set="doomed")
    if documents:  # committed before the kill: all of it
        assert reopened.graph_store.current_revision() == revision + 1
        (document,) = documents
        expected = len(reopened.chunker.split(text))
        assert len(document.chunk_ids) == expected
        assert len(reopened.graph_store.get_chunks(list(document.chunk_ids))) == expected
    else:
        assert reopened.graph_store.current_revision() == revision
        assert reopened.stats().datasets["main_dataset"].chunks == 1
