"""``remember`` racing ``forget`` in one dataset: both succeed, or one gets a typed, retryable
error — never an ``InvalidInputError`` blaming the caller (issue 17).

``remember`` plans against the stored graph (chunks stored already, entities to merge into), and
a ``forget`` committing between the plan and the write used to make the write fail with "needs
a vector" or "put them in the same batch". The store now tells a record forgotten meanwhile (it
has a tombstone) from one never written, raises a retryable ``WriteConflictError``, and
``remember`` plans and writes again. The race is forced: the remember's write is held until the
forget (from a second memory object, as another process would) has committed.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from cognee_langchain.errors import WriteConflictError
from cognee_langchain.graph.base import PutDocument
from cognee_langchain.memory import GraphMemory
from cognee_langchain.services import ingest
from tests.unit.test_memory_support import entities, make_memory

TEXT_A = "Alice Johnson leads Acme Corp. Bob Smith joined Acme Corp."
TEXT_B = "Alice Johnson leads Acme Corp. Carol Diaz founded Zeta Labs."
WAIT = 120.0


def _hold_writes(memory: GraphMemory, held: int) -> tuple[asyncio.Event, asyncio.Event]:
    """Hold the first ``held`` document writes of ``memory``: each sets ``planned`` and waits
    for ``go`` (then both are reset for the next)."""
    planned, go = asyncio.Event(), asyncio.Event()
    original = memory.graph_store.aapply
    state = {"left": held}

    async def aapply(ops: Any) -> Any:
        if state["left"] and any(isinstance(op, PutDocument) for op in ops):
            state["left"] -= 1
            planned.set()
            await go.wait()
            go.clear()
        return await original(ops)

    memory.graph_store.aapply = aapply  # type: ignore[method-assign]
    return planned, go


@pytest.mark.asyncio
async def test_remember_racing_forget_both_succeed(tmp_path: Path) -> None:
    writer, other = make_memory(tmp_path), make_memory(tmp_path)
    await writer.aremember(TEXT_A)
    planned, go = _hold_writes(writer, 1)
    # TEXT_B's first sentence is a stored chunk, Alice and Acme stored entities: the plan links
    # and merges into them. The forget removes them before the write.
    remembering = asyncio.ensure_future(writer.aremember(TEXT_B))
    await asyncio.wait_for(planned.wait(), WAIT)
    forgotten = await other.aforget("main_dataset", all=True)
    assert forgotten.documents_removed == 1 and forgotten.entities_removed >= 2
    go.set()
    result = await asyncio.wait_for(remembering, WAIT)
    assert result.documents_added == 1
    found = entities(writer)
    assert {"Alice Johnson", "Acme Corp", "Carol Diaz", "Zeta Labs"} <= set(found)
    assert "Bob Smith" not in found  # forgotten, and not brought back
    writer.close()
    other.close()


@pytest.mark.asyncio
async def test_remember_losing_every_race_gets_a_retryable_error(tmp_path: Path) -> None:
    """Every attempt is planned while TEXT_A is stored and written after it was forgotten."""
    writer, other = make_memory(tmp_path), make_memory(tmp_path)
    store = writer.graph_store
    existing_ids, apply = store.aexisting_ids, store.aapply
    attempts = []

    async def planning(*args: Any) -> Any:
        await other.aremember(TEXT_A)  # a no-op when stored
        return await existing_ids(*args)

    async def writing(ops: Any) -> Any:
        if any(isinstance(op, PutDocument) for op in ops):
            attempts.append(1)
            await other.aforget("main_dataset", all=True)
        return await apply(ops)

    store.aexisting_ids = planning  # type: ignore[method-assign]
    store.aapply = writing  # type: ignore[method-assign]
    with pytest.raises(WriteConflictError, match="forgotten meanwhile") as failed:
        await asyncio.wait_for(writer.aremember(TEXT_B), WAIT)
    assert failed.value.retryable and not failed.value.claimed
    assert len(attempts) == ingest.WRITE_ATTEMPTS
    assert not writer.has_graph_data("main_dataset")  # nothing partial
    store.aexisting_ids, store.aapply = existing_ids, apply  # type: ignore[method-assign]
    assert (await writer.aremember(TEXT_B)).documents_added == 1  # a retry succeeds
    writer.close()
    other.close()
