"""Many workers, one memory (issue 13): four processes remembering into one dataset, four running
``improve`` on disjoint and on overlapping sessions at once, on the embedded stores and on
PostgreSQL (graph and sessions) for real. Nothing is lost or doubled: every entity is merged once
with the provenance of every writer, every Q&A is persisted exactly once, nobody deadlocks, and a
worker's next search sees what the others wrote (its index catches up from the shared change
feed).

The workers start together (a barrier across spawned processes), so their writes overlap.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cognee_langchain.graph.ops import TextKind
from cognee_langchain.memory import GraphMemory
from tests.support.persist_checks import DATASET, assert_exactly_once, turn
from tests.unit.test_memory_support import entities, make_memory

WORKERS = 4
WAIT = 240.0  # seconds a worker may take on a loaded machine before the test fails (never slept)
SHARED = "Alice Johnson leads Acme Corp."


def _open(place: dict[str, str]) -> GraphMemory:
    """A worker's memory on the shared stores ``place`` names."""
    if place["backend"] == "sqlite":
        return make_memory(Path(place["data_dir"]))
    from cognee_langchain.graph.postgres import PostgresGraphStore
    from cognee_langchain.sessions.postgres import PostgresSessionStore

    return make_memory(
        Path(place["data_dir"]),
        graph_store=PostgresGraphStore(place["dsn"], schema=place["schema"]),
        session_store=PostgresSessionStore(place["dsn"], schema=place["schema"] + "_sessions"),
    )


def _run(task: Any, place: dict[str, str], start: Any, out: Any, *args: Any) -> None:
    """A worker process: wait for the others, do ``task``, report what happened."""
    try:
        memory = _open(place)
        try:
            start.wait(WAIT)
            out.put(("ok", task(memory, *args)))
        finally:
            memory.close()
    except BaseException as exc:  # reported to the parent, which fails the test
        out.put(("error", f"{type(exc).__name__}: {exc}"))


def _remember(memory: GraphMemory, worker: int) -> int:
    for k in range(3):
        memory.remember(f"{SHARED} Worker{worker} Item{k} builds Rocket{worker}x{k}.")
    return worker


def _improve(memory: GraphMemory, sessions: list[str]) -> int:
    return memory.improve(DATASET, sessions).messages_persisted


def _in_workers(place: dict[str, str], task: Any, args: list[tuple[Any, ...]]) -> list[Any]:
    ctx = multiprocessing.get_context("spawn")
    start, out = ctx.Barrier(len(args)), ctx.Queue()
    procs = [ctx.Process(target=_run, args=(task, place, start, out, *a)) for a in args]
    for proc in procs:
        proc.start()
    results = [out.get(timeout=WAIT) for _ in procs]
    for proc in procs:
        proc.join(WAIT)
        assert proc.exitcode == 0, "a worker hung or died (deadlock?)"
    assert [r for r in results if r[0] == "error"] == []
    return [value for _, value in results]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def place(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    """Where the workers' shared memory lives: files in one data dir, or one PostgreSQL
    database under schemas of this test's own (dropped afterwards)."""
    shared = {"backend": request.param, "data_dir": str(tmp_path / "memory")}
    if request.param == "sqlite":
        yield shared
        return
    dsn, schema = request.getfixturevalue("postgres_dsn"), request.getfixturevalue("pg_schema")
    yield {**shared, "dsn": dsn, "schema": schema}


def test_four_workers_remember_into_one_dataset(place: dict[str, str]) -> None:
    assert sorted(_in_workers(place, _remember, [(w,) for w in range(WORKERS)])) == [0, 1, 2, 3]

    memory = _open(place)
    try:
        found = entities(memory)
        # One Acme and one Alice, each linked to the chunks of every worker: no merge lost.
        assert len(found["Acme Corp"].chunk_ids) == len(found["Alice Johnson"].chunk_ids) == 12
        assert sum(1 for name in found if name.startswith("Acme")) == 1
        assert {f"Rocket{w}x{k}" for w in range(WORKERS) for k in range(3)} <= set(found)
        chunks = list(memory.graph_store.iter_records(TextKind.CHUNK, [DATASET]))
        assert len(chunks) == 12 and len({c.text for c in chunks}) == 12
        assert memory.graph_store.current_revision() >= 12  # every write its own revision
    finally:
        memory.close()


def _sessions(place: dict[str, str], count: int, turns: int) -> list[str]:
    memory = _open(place)
    try:
        memory.remember(SHARED)  # improve adds to a dataset that exists
        names = [f"s{k}" for k in range(count)]
        for k, name in enumerate(names):
            for i in range(turns):
                memory.session_store.append(memory.user.id, name, turn(k * turns + i))
        return names
    finally:
        memory.close()


def test_four_workers_improve_disjoint_sessions(place: dict[str, str]) -> None:
    names = _sessions(place, 8, 3)
    persisted = _in_workers(place, _improve, [(names[w::WORKERS],) for w in range(WORKERS)])

    assert sum(persisted) == 8 * 3 * 2
    memory = _open(place)
    try:
        assert_exactly_once(memory, 8 * 3)
    finally:
        memory.close()


def test_four_workers_improve_the_same_sessions(place: dict[str, str]) -> None:
    names = _sessions(place, 4, 3)
    persisted = _in_workers(place, _improve, [(names,) for _ in range(WORKERS)])

    assert sum(persisted) == 4 * 3 * 2  # each message once, by whichever worker got there first
    memory = _open(place)
    try:
        assert_exactly_once(memory, 4 * 3)
    finally:
        memory.close()


def test_a_worker_sees_another_workers_writes_in_its_next_search(place: dict[str, str]) -> None:
    reader = _open(place)
    try:
        reader.remember(SHARED)
        assert not any("Quokka" in d.page_content for d in reader.search("Zanzibar Quokka"))
        _in_workers(place, _write_quokka, [()])
        assert any("Quokka" in d.page_content for d in reader.search("Zanzibar Quokka"))
    finally:
        reader.close()


def _write_quokka(memory: GraphMemory) -> None:
    memory.remember("The Zanzibar Quokka Society meets on Fridays.")


def _open_new_files(directory: str, start: Any, out: Any) -> None:
    """A worker process: open the embedded stores of a new memory the moment the others do."""
    try:
        from cognee_langchain.graph.sqlite import SQLiteGraphStore
        from cognee_langchain.sessions.sqlite import SQLiteSessionStore

        start.wait(WAIT)
        graph = SQLiteGraphStore(Path(directory) / "graph.sqlite")
        sessions = SQLiteSessionStore(Path(directory) / "sessions.sqlite")
        graph.close()
        sessions.close()
        out.put(("ok", None))
    except BaseException as exc:
        out.put(("error", f"{type(exc).__name__}: {exc}"))


def test_four_workers_create_one_new_embedded_memory_at_the_same_moment(tmp_path: Path) -> None:
    """SQLite refuses the switch of a new file to WAL at once while another worker holds it;
    each worker must wait for the others instead (it once failed 6 times in 15)."""
    ctx = multiprocessing.get_context("spawn")
    for attempt in range(3):
        directory = tmp_path / f"memory{attempt}"
        start, out = ctx.Barrier(WORKERS), ctx.Queue()
        procs = [
            ctx.Process(target=_open_new_files, args=(str(directory), start, out))
            for _ in range(WORKERS)
        ]
        for proc in procs:
            proc.start()
        results = [out.get(timeout=WAIT) for _ in procs]
        for proc in procs:
            proc.join(WAIT)
        assert [r for r in results if r[0] == "error"] == []
