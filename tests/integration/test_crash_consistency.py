"""A process killed with SIGKILL at any step of ``remember`` leaves the graph store consistent,
holding all of that document when the kill came after the commit and none of it before; one
killed at any step of ``improve`` (on the SQLite and the Redis session store), or whose Redis
restarts mid-run, leaves nothing that the next run does not converge from: each Q&A ends up
stored exactly once."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from cognee_langchain.errors import SessionStoreUnavailableError
from cognee_langchain.memory import GraphMemory
from cognee_langchain.pipelines.persist_sessions import PersistSessionsResult
from cognee_langchain.sessions import RedisSessionStore, SessionStore, SQLiteSessionStore
from tests.support.persist_checks import DATASET, assert_exactly_once, turn
from tests.support.services import service_missing
from tests.unit.test_memory_support import make_memory

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")

REPO = Path(__file__).resolve().parents[2]

# The child remembers stdin into `data_dir` with the pattern extractor, and stops at `point`: it
# writes the point's name to the signal file, then sleeps for the parent to SIGKILL it there.
# The points, in the order a remember reaches them: extracting the chunks; the write planned but
# not begun; inside the write transaction after the n-th run of operations (permission check,
# chunks, document, entities, relations); after the commit, before remember returns.
REMEMBER_POINTS = ["extracting", "before_write", "run:1", "run:3", "run:5", "after_commit"]

CHILD = """
import pathlib, sys, time
from cognee_langchain.graph.sqlite import SQLiteGraphStore
from tests.unit.test_memory_support import PatternExtractor, TYPES, make_memory

data_dir, signal_file, point = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3]

def stall(at):
    if at == point:
        pathlib.Path(signal_file).write_text(point)
        time.sleep(300)

class StallingExtractor(PatternExtractor):
    async def aextract(self, texts):
        stall("extracting")
        return await super().aextract(texts)

class StallingStore(SQLiteGraphStore):
    runs = 0

    async def aapply(self, ops):
        stall("before_write")
        return await super().aapply(ops)

    def _apply(self, ops):
        result = super()._apply(ops)
        stall("after_commit")
        return result

    def _apply_run(self, tx, ops):
        super()._apply_run(tx, ops)
        self.runs += 1
        stall(f"run:{self.runs}")

store = StallingStore(data_dir / "graph.sqlite")
memory = make_memory(
    data_dir, StallingExtractor(TYPES), graph_store=store, chunk_size=200, chunk_overlap=0
)
memory.remember(sys.stdin.read(), node_set="doomed")
raise SystemExit(f"remember returned without reaching {point}")
"""

BASE = "Alice Johnson leads Acme Corp. Bob Smith joined Acme Corp."


def doomed_text(sentences: int) -> str:
    people = ["Alice Johnson", "Bob Smith", "Carol Diaz", "Acme Corp", "Zeta Labs"]
    lines = [
        f"Person{i} works with {people[i % len(people)]}. Person{i} founded Company{i}."
        for i in range(sentences)
    ]
    return "\n\n".join(lines)


def start_child(data_dir: Path, text: str, point: str) -> tuple[subprocess.Popen[bytes], Path]:
    signal_file = data_dir.parent / f"signal-{time.monotonic_ns()}"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(data_dir), str(signal_file), point],
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
    # Not just created: written (the child's one small write), so its content can be read.
    while not (path.exists() and path.stat().st_size > 0):
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


@pytest.mark.parametrize("point", REMEMBER_POINTS)
def test_remember_killed_at_any_step_keeps_all_or_nothing(tmp_path: Path, point: str) -> None:
    data_dir = tmp_path / "data"
    memory = make_memory(data_dir)
    memory.remember(BASE)
    before = (memory.graph_store.current_revision(), memory.stats())
    memory.close()
    text = doomed_text(10)

    child, signal_file = start_child(data_dir, text, point)
    wait_for(signal_file, child)
    assert signal_file.read_text() == point
    assert child.poll() is None  # killed there, mid-run: not a run that had already ended
    kill(child)

    assert_consistent(data_dir / "graph.sqlite")
    reopened = make_memory(data_dir, chunk_size=200, chunk_overlap=0)
    documents = reopened.graph_store.list_documents("main_dataset", node_set="doomed")
    expected_chunks = len(reopened.chunker.split(text))
    assert expected_chunks > 1
    if point == "after_commit":  # committed before the kill: all of it
        assert reopened.graph_store.current_revision() == before[0] + 1
        (document,) = documents
        assert len(document.chunk_ids) == expected_chunks
        assert len(reopened.graph_store.get_chunks(list(document.chunk_ids))) == expected_chunks
        assert reopened.stats().datasets["main_dataset"].chunks == 1 + expected_chunks
        again = reopened.remember(text, node_set="doomed")
        assert (again.documents_added, again.chunks_added) == (0, 0)
    else:  # killed before the commit: none of it, as if the run never started
        assert (reopened.graph_store.current_revision(), reopened.stats()) == before
        assert documents == []
        # The killed writer left no lock behind and the same content can be written now.
        result = reopened.remember(text, node_set="doomed")
        assert result.documents_added == 1
        assert result.chunks_added == expected_chunks
        assert_consistent(data_dir / "graph.sqlite")
    reopened.close()


# -- improve: the crash matrix ---------------------------------------------------------------------
# The child runs ``improve`` over `data_dir`'s graph and the given session store ("sqlite", or
# "<redis url> <key prefix>"), and stops at `point` (signals the parent, then sleeps) for the
# parent to kill it there: after reading the sessions; before the graph write; inside the write
# transaction; after its commit; before and after the watermark compare-and-set.
KILL_POINTS = [
    "after_read",
    "before_commit",
    "in_commit",
    "after_commit",
    "before_advance",
    "after_advance",
]

IMPROVE_CHILD = """
import pathlib, sys, time
from cognee_langchain.graph.sqlite import SQLiteGraphStore
from tests.integration.test_crash_consistency import open_sessions
from tests.unit.test_memory_support import make_memory

data_dir, sessions, point, signal_file = sys.argv[1:5]
data_dir = pathlib.Path(data_dir)

def stall():
    pathlib.Path(signal_file).write_text(point)
    time.sleep(300)

class StallingStore(SQLiteGraphStore):
    def _apply_run(self, tx, ops):
        super()._apply_run(tx, ops)
        if point == "in_commit":
            stall()

store = open_sessions(sessions, data_dir)
graph = StallingStore(data_dir / "graph.sqlite")
memory = make_memory(data_dir, graph_store=graph, session_store=store)

def around(owner, name, before, after):
    original = getattr(owner, name)

    async def stalling(*args, **kwargs):
        if point == before:
            stall()
        result = await original(*args, **kwargs)
        if point == after:
            stall()
        return result

    setattr(owner, name, stalling)

around(store, "aread", None, "after_read")
around(memory.graph_store, "aapply", "before_commit", "after_commit")
around(store, "aadvance_watermark", "before_advance", "after_advance")
memory.improve("main_dataset", sys.argv[5:])
"""


def open_sessions(spec: str, data_dir: Path) -> SessionStore:
    """The session store of a crash test: SQLite in ``data_dir``, or Redis under a key prefix."""
    if spec == "sqlite":
        return SQLiteSessionStore(data_dir / "sessions.sqlite")
    url, prefix = spec.split(" ")
    return RedisSessionStore(url, prefix=prefix)


@pytest.fixture(params=["sqlite", "redis"])
def sessions_spec(request: pytest.FixtureRequest) -> str:
    if request.param == "redis":  # the test Redis, under a key prefix deleted afterwards
        return f"{request.getfixturevalue('redis_url')} {request.getfixturevalue('redis_prefix')}"
    return "sqlite"


def kill_improve(data_dir: Path, sessions: str, point: str, session_ids: list[str]) -> None:
    """Run ``improve`` in a child process and SIGKILL it at ``point``."""
    signal_file = data_dir.parent / f"signal-{time.monotonic_ns()}"
    arguments = [str(data_dir), sessions, point, str(signal_file), *session_ids]
    child = subprocess.Popen(
        [sys.executable, "-c", IMPROVE_CHILD, *arguments],
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    wait_for(signal_file, child)
    assert signal_file.read_text() == point
    kill(child)


class Conversation:
    """A memory's sessions getting new Q&A turns; ``asked`` counts them."""

    def __init__(self, memory: GraphMemory) -> None:
        self.memory = memory
        self.asked = 0

    def add(self, session_id: str, turns: int = 1) -> None:
        for _ in range(turns):
            self.memory.session_store.append(self.memory.user.id, session_id, turn(self.asked))
            self.asked += 1


def seeded(data_dir: Path, sessions: str) -> GraphMemory:
    memory = make_memory(data_dir, session_store=open_sessions(sessions, data_dir))
    memory.remember(BASE)
    return memory


def converge(memory: GraphMemory, asked: int, session_ids: list[str]) -> None:
    """Run ``improve`` to completion: each Q&A is stored exactly once, every watermark is at its
    session's end, and a rerun adds nothing."""
    result = memory.improve(DATASET, session_ids)
    assert isinstance(result, PersistSessionsResult)
    assert_consistent(memory.data_dir / "graph.sqlite")
    assert_exactly_once(memory, asked)
    store, user = memory.session_store, memory.user.id
    for session_id in session_ids:
        end = store.read(user, session_id).end
        assert store.get_watermark(user, session_id, DATASET) == end
    again = memory.improve(DATASET, session_ids)
    assert isinstance(again, PersistSessionsResult)
    assert (again.entries_persisted, again.documents_added) == (0, 0)
    assert again.message.startswith("Nothing new to persist")


@pytest.mark.parametrize("point", KILL_POINTS)
def test_improve_killed_at_a_step_then_rerun_stores_each_qa_once(
    tmp_path: Path, sessions_spec: str, point: str
) -> None:
    data_dir = tmp_path / "data"
    memory = seeded(data_dir, sessions_spec)
    talk = Conversation(memory)
    talk.add("t", 3)
    talk.add("u", 2)

    kill_improve(data_dir, sessions_spec, point, ["t", "u"])
    talk.add("t")  # new turns between the runs
    kill_improve(data_dir, sessions_spec, point, ["t", "u"])  # killed there again
    talk.add("u")

    assert_consistent(data_dir / "graph.sqlite")
    memory.close()
    converge(seeded(data_dir, sessions_spec), talk.asked, ["t", "u"])


def test_improve_killed_at_every_step_in_turn_stores_each_qa_once(
    tmp_path: Path, sessions_spec: str
) -> None:
    data_dir = tmp_path / "data"
    memory = seeded(data_dir, sessions_spec)
    talk = Conversation(memory)
    talk.add("t", 2)
    for n, point in enumerate(KILL_POINTS):
        talk.add("tu"[n % 2])
        kill_improve(data_dir, sessions_spec, point, ["t", "u"])
        assert_consistent(data_dir / "graph.sqlite")

    converge(memory, talk.asked, ["t", "u"])


# -- improve: Redis restarts mid-run ---------------------------------------------------------------
class OwnRedis:
    """A ``redis-server`` of the test's own on a free port, its append-only file in ``directory``
    fsynced on every write, so its data survives a SIGKILL and a restart."""

    def __init__(self, directory: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.directory = directory
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--dir", str(self.directory), "--save", ""),
                *("--appendonly", "yes", "--appendfsync", "always"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while True:
            client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)
            finally:
                client.close()

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=30)
            self.process = None


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[OwnRedis]:
    if shutil.which("redis-server") is None:
        service_missing("redis-server is not installed")  # in CI: a failure, not a skip
    server = OwnRedis(tmp_path / "redis")
    server.start()
    yield server
    server.kill()


@pytest.mark.parametrize(
    "moment",
    ["down_after_read", "down_after_commit", "restarted_after_commit"],
)
def test_redis_restart_mid_improve_fails_then_the_next_run_converges(
    tmp_path: Path, own_redis: OwnRedis, moment: str
) -> None:
    store = RedisSessionStore(own_redis.url, socket_timeout=2, socket_connect_timeout=1)
    memory = make_memory(tmp_path / "data", session_store=store)
    memory.remember(BASE)
    talk = Conversation(memory)
    talk.add("t", 3)
    graph = memory.graph_store
    read, apply = store.aread, graph.aapply

    async def read_then_die(*args: Any, **kwargs: Any) -> Any:
        result = await read(*args, **kwargs)
        own_redis.kill()
        return result

    async def commit_then_die(*args: Any, **kwargs: Any) -> Any:
        result = await apply(*args, **kwargs)
        own_redis.kill()
        if moment == "restarted_after_commit":
            own_redis.start()  # back before the watermark moves; the client's connection is dead
        return result

    if moment == "down_after_read":
        store.aread = read_then_die  # type: ignore[method-assign]
    else:
        graph.aapply = commit_then_die  # type: ignore[method-assign]
    revision = graph.current_revision()

    with pytest.raises(SessionStoreUnavailableError):
        memory.improve(DATASET, ["t"])

    assert graph.current_revision() == (revision if moment == "down_after_read" else revision + 1)
    store.aread, graph.aapply = read, apply  # type: ignore[method-assign]
    if own_redis.process is None:
        own_redis.start()
    assert len(store.read(memory.user.id, "t").items) == 6  # the session survived the restart
    talk.add("t")
    converge(memory, talk.asked, ["t"])
    memory.close()
