"""Persisting sessions is exactly once across processes and memory objects (issue 17).

Two processes (or two ``GraphMemory`` objects in one process) improving the same session, with
a turn appended between their reads, used to both store the earlier Q&A: the loser of the
watermark compare-and-set kept its document. The graph write now claims every message key in
its own transaction, so the second writer fails, re-plans and stores only what is new.

The races are forced, not hoped for: each writer stops right before its graph write until the
other has planned too (a ``multiprocessing`` barrier across real spawned processes), so both
hold a plan made from the same stored state; then both write at once.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from pathlib import Path
from typing import Any

import pytest

from cognee_langchain.graph.base import GraphStore
from cognee_langchain.memory import GraphMemory
from cognee_langchain.pipelines.persist_sessions import SESSIONS_NODE_SET
from tests.support.persist_checks import DATASET, assert_exactly_once, placement, question, turn
from tests.unit.test_memory_support import make_memory

TEXT = "Alice Johnson leads Acme Corp. Acme Corp builds Starship."
WAIT = 120.0  # seconds a step may take on a loaded machine before the test fails (never slept)


def _hold_first_write(store: GraphStore, planned: Any, go: Any) -> None:
    """Make the store's first write announce ``planned`` and wait for ``go`` (both barriers or
    events of processes or coroutines); later writes (the retry) run at once."""
    original = store.aapply
    state = {"first": True}

    async def aapply(ops: Any) -> Any:
        if state["first"]:
            state["first"] = False
            await asyncio.to_thread(planned)
            await asyncio.to_thread(go)
        return await original(ops)

    store.aapply = aapply  # type: ignore[method-assign]


def _improve_worker(data_dir: str, sessions: list[str], planned: Any, go: Any, out: Any) -> None:
    """A worker process: improve ``sessions``, its first graph write held (see above)."""
    memory = make_memory(Path(data_dir))
    try:
        _hold_first_write(memory.graph_store, planned, go)
        result = memory.improve(DATASET, sessions)
        out.put(("ok", result.messages_persisted))
    except BaseException as exc:  # reported to the parent, which fails the test
        out.put(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        memory.close()


def _numbers(sessions: list[str], asked: int) -> dict[str, list[int]]:
    """Q&A numbers per session: disjoint, so each question marks one session's turn."""
    return {s: [k * 100 + i for i in range(asked)] for k, s in enumerate(sessions)}


def _assert_each_once(memory: GraphMemory, sessions: list[str], asked: int) -> None:
    numbers = [n for ns in _numbers(sessions, asked).values() for n in ns]
    found = placement(memory, max(numbers) + 1)
    assert {question(n): found[question(n)] for n in numbers} == {
        question(n): (1, 1) for n in numbers
    }


def _documents(memory: GraphMemory) -> int:
    return len(memory.graph_store.list_documents(DATASET, node_set=SESSIONS_NODE_SET))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    memory = make_memory(tmp_path)
    memory.remember(TEXT, dataset=DATASET)
    memory.close()
    return tmp_path


def test_two_processes_improving_one_session_with_a_turn_appended_between_store_each_once(
    data_dir: Path,
) -> None:
    ctx = multiprocessing.get_context("spawn")
    sessions = ["t", "u"]
    memory = make_memory(data_dir)
    store, user = memory.session_store, memory.user.id
    for session, numbers in _numbers(sessions, 3).items():
        for n in numbers:
            store.append(user, session, turn(n))
    out = ctx.Queue()
    a_planned, b_planned = ctx.Event(), ctx.Event()
    both = ctx.Barrier(2)

    # A reads 3 turns per session and stops before writing; then a turn is appended; B reads 4.
    a = ctx.Process(
        target=_improve_worker,
        args=(str(data_dir), sessions, _Set(a_planned), _Wait(both), out),
    )
    b = ctx.Process(
        target=_improve_worker,
        args=(str(data_dir), sessions, _Set(b_planned), _Wait(both), out),
    )
    a.start()
    try:
        assert a_planned.wait(WAIT), "worker A never reached its graph write"
        for session, numbers in _numbers(sessions, 4).items():
            store.append(user, session, turn(numbers[3]))
        b.start()
        results = [out.get(timeout=WAIT) for _ in range(2)]
    finally:
        for process in (a, b):
            if process.pid is not None:
                process.join(WAIT)
                if process.is_alive():
                    process.kill()
    assert [status for status, _ in results] == ["ok", "ok"], results
    # Every message persisted once: 4 Q&A (8 messages) per session, whichever run won.
    assert sum(count for _, count in results) == 8 * len(sessions)
    _assert_each_once(memory, sessions, 4)
    # A later run finds nothing new.
    assert memory.improve(DATASET, sessions).messages_persisted == 0
    memory.close()


class _Set:
    """A picklable callable setting a multiprocessing event."""

    def __init__(self, event: Any) -> None:
        self.event = event

    def __call__(self) -> None:
        self.event.set()


class _Noop:
    """A picklable callable doing nothing."""

    def __call__(self) -> None:
        pass


class _Wait:
    """A picklable callable waiting on a multiprocessing barrier."""

    def __init__(self, barrier: Any) -> None:
        self.barrier = barrier

    def __call__(self) -> None:
        self.barrier.wait(WAIT)


def test_many_processes_improving_the_same_sessions_with_appends_store_each_once(
    data_dir: Path,
) -> None:
    """Three processes improve the same two sessions in each of two rounds, all released at
    once, while new turns are appended between rounds."""
    ctx = multiprocessing.get_context("spawn")
    sessions = ["s1", "s2"]
    memory = make_memory(data_dir)
    store, user = memory.session_store, memory.user.id
    workers, rounds, asked = 3, 2, 0
    total = 0
    for _ in range(rounds):
        for session, numbers in _numbers(sessions, asked + 2).items():
            for n in numbers[asked:]:
                store.append(user, session, turn(n))
        asked += 2
        out = ctx.Queue()
        both = ctx.Barrier(workers)
        processes = [
            ctx.Process(
                target=_improve_worker,
                args=(str(data_dir), sessions, _Noop(), _Wait(both), out),
            )
            for _ in range(workers)
        ]
        for process in processes:
            process.start()
        try:
            results = [out.get(timeout=WAIT) for _ in processes]
        finally:
            for process in processes:
                process.join(WAIT)
                if process.is_alive():
                    process.kill()
        assert all(status == "ok" for status, _ in results), results
        total += sum(count for _, count in results)
        _assert_each_once(memory, sessions, asked)
    assert total == 2 * asked * len(sessions)
    memory.close()


@pytest.mark.asyncio
async def test_two_memory_objects_in_one_process_store_each_once(data_dir: Path) -> None:
    """Two memories on one data_dir share no lock in this process: only the store's claims."""
    first, second = make_memory(data_dir), make_memory(data_dir)
    user = first.user.id
    for i in range(3):
        await first.session_store.aappend(user, "t", turn(i))
    planned = [asyncio.Event(), asyncio.Event()]
    loop = asyncio.get_running_loop()
    both = asyncio.Event()

    def hold(memory: GraphMemory, mine: asyncio.Event) -> None:
        original = memory.graph_store.aapply
        state = {"first": True}

        async def aapply(ops: Any) -> Any:
            if state["first"]:
                state["first"] = False
                mine.set()
                await both.wait()
            return await original(ops)

        memory.graph_store.aapply = aapply  # type: ignore[method-assign]

    hold(first, planned[0])
    hold(second, planned[1])
    one = loop.create_task(first.aimprove(DATASET, ["t"]))
    await asyncio.wait_for(planned[0].wait(), WAIT)
    await first.session_store.aappend(user, "t", turn(3))
    two = loop.create_task(second.aimprove(DATASET, ["t"]))
    await asyncio.wait_for(planned[1].wait(), WAIT)
    both.set()
    results = await asyncio.wait_for(asyncio.gather(one, two), WAIT)
    assert sum(r.messages_persisted for r in results) == 8
    assert_exactly_once(first, 4)
    assert _documents(first) >= 1
    first.close()
    second.close()
