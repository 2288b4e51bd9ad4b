"""A process forked after its memory was used (gunicorn's and celery's ``fork`` workers) can use
that memory: ``recall``, ``search`` and ``remember`` work in the child, with the SQLite and the
Redis session store, and do not disturb the parent; no lock a parent thread held at the fork,
no claim, pool or loop of the parent's, makes the child wait.

Every child runs under a deadline: the parent waits for it at most :data:`DEADLINE` seconds,
then kills it and fails the test, so a hang is a failure, never a stuck run.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import select
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cognee_langchain.core import aio, forks
from cognee_langchain.core.defaults import DEFAULT_DATASET
from cognee_langchain.memory import GraphMemory
from cognee_langchain.retrieval import dense
from cognee_langchain.retrieval.locking import ReadWriteLock
from cognee_langchain.sessions import RedisSessionStore

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")

REPO = Path(__file__).resolve().parents[2]

# Seconds a child may take (its first search loads the embeddings model and the index again only
# when it has to; on a loaded machine a few seconds).
DEADLINE = 90.0

FACTS = (
    "Alice works at Acme Corporation in Berlin. Bob plays chess every Sunday. "
    "The Acme office is next to the river."
)
QUESTION = "Where does Alice work?"


# -- running work in a forked child --------------------------------------------------------------
@dataclass
class Child:
    pid: int
    output: int  # read end of the pipe the child reports through


_live: set[int] = set()  # children forked and not yet reaped


@pytest.fixture(autouse=True)
def _no_orphans() -> Iterator[None]:
    """A child a failed test left running is killed, never left to outlive the run."""
    yield
    for pid in list(_live):
        _kill(pid)


def fork_child(work: Callable[[], Any]) -> Child:
    """Fork; the child runs ``work`` and reports its (JSON) result or its traceback through a
    pipe, then leaves with ``os._exit`` (never returning into pytest)."""
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():
        # Python 3.12+ warns that forking a multi-threaded process may deadlock the child:
        # exactly the situation under test.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 1
        try:
            os.close(read_end)
            try:
                payload = {"ok": True, "result": work()}
                code = 0
            except BaseException:
                payload = {"ok": False, "error": traceback.format_exc()}
            with os.fdopen(write_end, "w") as out:
                json.dump(payload, out)
        finally:
            os._exit(code)
    os.close(write_end)
    _live.add(pid)
    return Child(pid, read_end)


def finish_child(child: Child, deadline: float = DEADLINE) -> Any:
    """The child's result; fails the test if it raised, exited non-zero, or is still running
    after ``deadline`` seconds (it is killed then)."""
    end = time.monotonic() + deadline
    data = b""
    try:
        while True:
            remaining = end - time.monotonic()
            if remaining <= 0:
                _kill(child.pid)
                pytest.fail(f"the forked child hung: still running after {deadline:.0f} s")
            ready, _, _ = select.select([child.output], [], [], min(remaining, 0.5))
            if ready:
                chunk = os.read(child.output, 65536)
                if not chunk:
                    break  # the child closed its end: it is exiting
                data += chunk
        while True:
            pid, status = os.waitpid(child.pid, os.WNOHANG)
            if pid:
                _live.discard(child.pid)
                break
            if time.monotonic() > end:
                _kill(child.pid)
                pytest.fail(f"the forked child hung on exit after {deadline:.0f} s")
            time.sleep(0.02)
    finally:
        os.close(child.output)
    payload = json.loads(data) if data else {"ok": False, "error": "no report"}
    assert payload["ok"], f"the forked child failed:\n{payload['error']}"
    assert os.waitstatus_to_exitcode(status) == 0
    return payload["result"]


def run_in_child(work: Callable[[], Any], deadline: float = DEADLINE) -> Any:
    return finish_child(fork_child(work), deadline)


def _kill(pid: int) -> None:
    _live.discard(pid)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


# -- the memory ----------------------------------------------------------------------------------
@pytest.fixture(params=["sqlite", pytest.param("redis", marks=pytest.mark.redis)])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def memory(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[GraphMemory]:
    """A memory used in this (the parent) process: remembered, searched, recalled in a session.

    With ``backend == "redis"``, sessions live in the test Redis under a unique prefix (deleted
    afterwards by the ``redis_prefix`` fixture)."""
    options: dict[str, Any] = {}
    if "backend" in request.fixturenames and request.getfixturevalue("backend") == "redis":
        url = request.getfixturevalue("redis_url")
        prefix = request.getfixturevalue("redis_prefix")
        options["session_store"] = RedisSessionStore(url, prefix=prefix)
    memory = GraphMemory(tmp_path / "memory", **options)
    memory.remember(FACTS)
    assert memory.search(QUESTION)
    assert "Acme" in memory.recall(QUESTION, session_id="s1").answer
    yield memory
    memory.close()
    store = options.get("session_store")
    if store is not None:
        store.close()


def session_length(memory: GraphMemory, session_id: str) -> int:
    runtime = memory.runtime
    return len(runtime.session_store.read(runtime.user.id, session_id).messages)


def use_memory(memory: GraphMemory, fact: str, probe: str) -> dict[str, Any]:
    """What a worker does: recall in a session, search, remember, find what it remembered."""
    answer = memory.recall(QUESTION, session_id="s1").answer
    chess = memory.search("Who plays chess?")
    memory.remember(fact)
    found = memory.search(probe, top_k=3)
    return {
        "answer": answer,
        "chess": [d.page_content for d in chess],
        "found": [d.page_content for d in found],
        "session": session_length(memory, "s1"),
    }


def check_files(data_dir: Path) -> None:
    """Every SQLite file of the memory passes SQLite's own integrity check."""
    for path in data_dir.glob("*.sqlite"):
        with contextlib.closing(sqlite3.connect(path)) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",), path


# -- the child uses the parent's memory ----------------------------------------------------------
def test_forked_workers_recall_search_and_remember(
    memory: GraphMemory, backend: str, tmp_path: Path
) -> None:
    """Two workers forked from a process that used the memory each recall in the parent's
    session, search and remember; the parent, still using its own connections, sees it all."""
    facts = {
        "Carol lives in Paris and paints.": "Where does Carol live?",
        "Dave repairs bicycles in Oslo.": "Who repairs bicycles?",
    }
    children = [
        fork_child(lambda fact=fact, probe=probe: use_memory(memory, fact, probe))
        for fact, probe in facts.items()
    ]
    results = [finish_child(child) for child in children]

    for (fact, _), result in zip(facts.items(), results, strict=True):
        assert "Acme" in result["answer"]
        assert any("chess" in text for text in result["chess"])
        assert any(fact.split()[0] in text for text in result["found"]), result["found"]
        assert result["session"] >= 4  # the parent's Q&A and this child's at least
    # The parent's connections were never used by a child, nor closed under it.
    for fact, probe in facts.items():
        assert any(fact.split()[0] in d.page_content for d in memory.search(probe, top_k=3))
    assert "Acme" in memory.recall(QUESTION, session_id="s1").answer
    assert session_length(memory, "s1") == 8  # 2 messages per recall: parent, 2 children, parent
    memory.close()
    check_files(tmp_path / "memory")


def test_child_of_a_child_uses_the_memory(memory: GraphMemory) -> None:
    """Forking again from a forked worker works the same (each generation re-creates its own)."""

    def grandchild() -> Any:
        return run_in_child(lambda: use_memory(memory, "Erin flies kites.", "Who flies kites?"))

    result = run_in_child(grandchild, deadline=2 * DEADLINE)
    assert any("Erin" in text for text in result["found"])


def test_async_methods_work_in_the_child(memory: GraphMemory) -> None:
    """A child driving the async API on an event loop of its own (as an async worker does)."""

    async def work() -> list[str]:
        await memory.aremember("Frank sails on Lake Geneva.")
        result = await memory.arecall("Who sails?", session_id="s2")
        return [d.page_content for d in result.context]

    context = run_in_child(lambda: asyncio.run(work()))
    assert any("Frank" in text for text in context)


# -- locks and claims held by a parent thread at the fork ---------------------------------------
@contextlib.contextmanager
def held_in_thread(acquire: Callable[[Callable[[], None]], None]) -> Iterator[None]:
    """A parent thread runs ``acquire(wait)``, which takes something and calls ``wait()``
    while it holds it; ``wait`` returns once the block has run."""
    holding, release = threading.Event(), threading.Event()

    def wait() -> None:
        holding.set()
        release.wait(DEADLINE * 2)

    thread = threading.Thread(target=acquire, args=(wait,), daemon=True)
    thread.start()
    assert holding.wait(10), "the holder thread did not take the lock"
    try:
        yield
    finally:
        release.set()
        thread.join(10)
        assert not thread.is_alive()


def hold_lock(lock: Any) -> Callable[[Callable[[], None]], None]:
    def acquire(wait: Callable[[], None]) -> None:
        with lock:
            wait()

    return acquire


def hold_claims(memory: GraphMemory) -> Callable[[Callable[[], None]], None]:
    """The claims a refresh of the index and a remember into the default dataset take."""
    runtime = memory.runtime
    keys = [
        ("graph-index", id(runtime.graph_index)),
        ("graph-write", id(runtime.graph_store), DEFAULT_DATASET),
    ]

    def acquire(wait: Callable[[], None]) -> None:
        async def claim() -> None:
            async with aio.claimed(keys):
                wait()

        asyncio.run(claim())

    return acquire


def hold_index(memory: GraphMemory, mode: str) -> Callable[[Callable[[], None]], None]:
    engine = memory.runtime.graph_index.engine
    assert engine is not None

    def acquire(wait: Callable[[], None]) -> None:
        with getattr(engine._lock, mode)():
            wait()

    return acquire


def hold_model_load(memory: GraphMemory) -> Callable[[Callable[[], None]], None]:
    """The embeddings model being loaded (its lock held, no model yet) at the fork."""
    embeddings: Any = memory.runtime.embeddings

    def acquire(wait: Callable[[], None]) -> None:
        with embeddings._lock:
            model, embeddings._model = embeddings._model, None
            try:
                wait()
            finally:
                embeddings._model = model

    return acquire


def hold_sync_call(wait: Callable[[], None]) -> None:
    """A sync call of the package waiting on the background loop at the fork."""

    async def waiting() -> None:
        await asyncio.to_thread(wait)

    aio.run_sync(waiting())


HOLDERS: dict[str, Callable[[GraphMemory], Callable[[Callable[[], None]], None]]] = {
    "sync-bridge lock": lambda m: hold_lock(aio._lock),
    "claims lock": lambda m: hold_lock(aio._claims_lock),
    "claims": hold_claims,
    "sync call in flight": lambda m: hold_sync_call,
    "index writer": lambda m: hold_index(m, "write"),
    "index reader": lambda m: hold_index(m, "read"),
    "graph store lock": lambda m: hold_lock(m.runtime.graph_store._lock),  # type: ignore[attr-defined]
    "session store lock": lambda m: hold_lock(m.runtime.session_store._lock),  # type: ignore[attr-defined]
    "runtime lock": lambda m: hold_lock(m.runtime._init_lock),
    "dense pool lock": lambda m: hold_lock(dense._pool_lock),
    "embeddings model loading": hold_model_load,
}


@pytest.mark.parametrize("holder", list(HOLDERS))
def test_lock_held_by_a_parent_thread_does_not_block_the_child(
    memory: GraphMemory, holder: str, tmp_path: Path
) -> None:
    """Whatever a parent thread holds at the fork, the child's recall, search and remember
    run; the parent goes on once its thread lets go."""
    engine = memory.runtime.graph_index.engine
    dense._block_pool()  # the parent has a pool, whose threads a child does not get
    with held_in_thread(HOLDERS[holder](memory)):

        def work() -> dict[str, Any]:
            result = use_memory(memory, "Grace grows tomatoes.", "Who grows tomatoes?")
            # An index caught mid-write at the fork may be half-updated: it is loaded afresh.
            result["index_reloaded"] = memory.runtime.graph_index.engine is not engine
            # The matrix-scan pool the parent started has no threads here: a new one runs.
            assert dense._block_pool().submit(sum, [1, 2]).result(timeout=10) == 3
            # Closing (which waits for background runs) and reopening take the runtime's locks.
            memory.close()
            result["after_reopen"] = [d.page_content for d in memory.search(QUESTION)]
            memory.close()
            return result

        result = run_in_child(work)
    assert "Acme" in result["answer"]
    assert any("Grace" in text for text in result["found"])
    assert result["index_reloaded"] == (holder == "index writer")
    assert any("Acme" in text for text in result["after_reopen"])
    # The parent is unaffected.
    assert any("Grace" in d.page_content for d in memory.search("Who grows tomatoes?", top_k=3))
    assert "Acme" in memory.recall(QUESTION, session_id="s1").answer
    memory.close()
    check_files(tmp_path / "memory")


def test_read_write_lock_starts_free_in_the_child() -> None:
    lock = ReadWriteLock()
    with held_in_thread(lambda wait: _write(lock, wait)):

        def work() -> bool:
            with lock.read():
                pass
            with lock.write():
                pass
            return lock.interrupted

        assert run_in_child(work, deadline=10) is True
    assert not lock.interrupted  # only the child saw its writer vanish


def _write(lock: ReadWriteLock, wait: Callable[[], None]) -> None:
    with lock.write():
        wait()


# -- the fork hooks themselves ------------------------------------------------------------------
def test_fork_callbacks_hold_their_objects_weakly() -> None:
    class Owner:
        calls = 0

        def _after_fork(self) -> None:
            type(self).calls += 1

    owner = Owner()
    forks.at_fork_in_child(owner._after_fork)
    before = len(forks._callbacks)
    del owner
    assert len(forks._callbacks) == before - 1


def test_a_failing_callback_is_logged_and_the_others_run(caplog: pytest.LogCaptureFixture) -> None:
    ran: list[str] = []

    class Broken:
        def _after_fork(self) -> None:
            raise RuntimeError("boom")

    class Fine:
        def _after_fork(self) -> None:
            ran.append("fine")

    broken, fine = Broken(), Fine()
    forks.at_fork_in_child(broken._after_fork)
    forks.at_fork_in_child(fine._after_fork)
    with caplog.at_level(logging.ERROR, logger=forks.__name__):
        forks._run_callbacks()  # as in a child: the hooks run in this process
    assert "fine" in ran
    assert "boom" in caplog.text
    del broken, fine


def test_reopen_leaves_a_closed_connection_closed(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "x.sqlite")
    conn.close()
    assert forks.reopen_sqlite(conn, threading.Lock(), tmp_path / "x.sqlite") is conn


# -- whole processes: normal exit, multiprocessing pools ------------------------------------------
WORKER_SCRIPT = """
import multiprocessing, os, sys, time, warnings
from cognee_langchain.memory import GraphMemory

warnings.simplefilter("ignore", DeprecationWarning)
memory = GraphMemory(sys.argv[1])
memory.remember("Alice works at Acme Corporation in Berlin. Bob plays chess every Sunday.")
print("parent", memory.recall("Where does Alice work?", session_id="s1").answer, flush=True)

def task(i):
    answer = memory.recall("Where does Alice work?", session_id=f"w{i}").answer
    memory.remember(f"Worker {i} was here on day {i}.")
    return answer

if sys.argv[2] == "fork":
    # A worker that returns normally: interpreter shutdown in the child must not hang on the
    # parent's threads (the loop, the pools) it inherited.
    pid = os.fork()
    if pid == 0:
        print("child", task(0), flush=True)
        sys.exit(0)
    _, status = os.waitpid(pid, 0)
    sys.exit(os.waitstatus_to_exitcode(status))
else:
    with multiprocessing.get_context("fork").Pool(2) as pool:
        for answer in pool.map(task, range(4)):
            print("child", answer, flush=True)
    print("parent", [d.page_content for d in memory.search("Who was here?", top_k=8)], flush=True)
"""


@pytest.mark.parametrize("mode", ["fork", "pool"])
def test_worker_processes_end_to_end(tmp_path: Path, mode: str) -> None:
    """In a fresh interpreter: a forked child that exits normally, and a ``multiprocessing``
    pool with the ``fork`` start method (celery's prefork model), after the parent used the
    memory."""
    script = tmp_path / "worker.py"
    script.write_text(textwrap.dedent(WORKER_SCRIPT))
    process = subprocess.Popen(
        [sys.executable, str(script), str(tmp_path / "memory"), mode],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        start_new_session=True,  # its workers too are killed on a hang
    )
    try:
        stdout, stderr = process.communicate(timeout=2 * DEADLINE)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        pytest.fail(f"the worker processes hung:\n{stdout}\n{stderr}")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # a worker left behind
    assert process.returncode == 0, stderr
    children = [line for line in stdout.splitlines() if line.startswith("child")]
    assert len(children) == (1 if mode == "fork" else 4)
    assert all("Acme" in line for line in children)
    if mode == "pool":
        assert "Worker" in stdout.splitlines()[-1]
    check_files(tmp_path / "memory")
