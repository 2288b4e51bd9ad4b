"""The picture written to a file: the readable datasets' best-connected entities, their
relations and their panels, rendered by :mod:`.page`."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from pathlib import Path

from cognee_langchain.core.validation import check_path, check_positive
from cognee_langchain.errors import InvalidInputError
from cognee_langchain.services.access import areadable_datasets
from cognee_langchain.services.runtime import MemoryRuntime
from cognee_langchain.services.visualization.details import aread_details
from cognee_langchain.services.visualization.page import render_graph_html
from cognee_langchain.users import User

__all__ = ["MAX_NODES", "awrite_graph_html"]

#: The most entities a picture asks the store for: SQLite's largest integer (a larger
#: ``max_nodes`` would overflow its ``LIMIT``, and no graph holds that many anyway).
MAX_NODES = 2**63 - 1


async def awrite_graph_html(
    runtime: MemoryRuntime,
    path: str | os.PathLike[str],
    datasets: str | Sequence[str] | None,
    user: User | None,
    max_nodes: int,
) -> Path:
    """Write the picture of the readable (or named) datasets to ``path`` and return it.

    ``max_nodes`` beyond :data:`MAX_NODES` (SQLite's largest integer) means all of them.
    """
    target = check_path(path, "path", example="graph.html")
    max_nodes = min(check_positive(max_nodes, "max_nodes"), MAX_NODES)
    names = await areadable_datasets(runtime, datasets, user)
    snapshot = await runtime.graph_store.asnapshot(names, max_nodes)
    details = await aread_details(runtime.graph_store, [node.id for node in snapshot.nodes])
    title = f"cognee-langchain graph: {', '.join(names)}"
    # The layout is CPU work of up to a few seconds for 10,000 entities: keep the loop free.
    page = await asyncio.to_thread(render_graph_html, snapshot, title, details)

    def write() -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page, encoding="utf-8")

    try:
        await asyncio.to_thread(write)
    except OSError as exc:
        raise InvalidInputError(f"Cannot write {str(target)!r}: {exc}.") from None
    return target
