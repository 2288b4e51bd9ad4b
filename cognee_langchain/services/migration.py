"""Moving a memory's graph from one graph store to another (an embedded SQLite file into
PostgreSQL, say), dataset by dataset, each in one transaction of the target.

A dataset moves whole: its owner and grants, every document, chunk, entity, relation, mention,
message claim and retraction with the same ids, times and vectors (so nothing is embedded
again), and the key-value items of :class:`~cognee_langchain.store.GraphMemoryStore`. The
target then derives node sets and fact intervals itself, as it does for any write, and the
counts of both stores are compared before the dataset counts as moved. This works on the stores
directly, as an administrator would: no user's permissions are checked (the owners and grants
move with the data). Sessions are a cache, not the memory: persist them (``improve``) before
moving, or keep the session store where it is.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from cognee_langchain.core.aio import run_sync
from cognee_langchain.errors import InvalidInputError, StoreCorruptedError
from cognee_langchain.graph.base import GraphStore
from cognee_langchain.graph.items import PutItem
from cognee_langchain.graph.ops import DatasetStats, RequirePermission, SetGrant, WriteOp
from cognee_langchain.permissions import Permission

__all__ = ["DatasetMove", "amigrate_graph", "migrate_graph"]

Location = GraphStore | str | os.PathLike[str]
_EMPTY = DatasetStats()


@dataclass(frozen=True, slots=True)
class DatasetMove:
    """One dataset moved: what the target holds of it afterwards, equal to the source's."""

    dataset: str
    documents: int
    chunks: int
    entities: int
    relations: int
    items: int


def _counts(stats: DatasetStats) -> tuple[int, int, int, int]:
    return (stats.documents, stats.chunks, stats.entities, stats.relations)


async def _amove(source: GraphStore, target: GraphStore, dataset: str, merge: bool) -> DatasetMove:
    (info,) = await source.aget_datasets([dataset])
    before = (await target.astats([dataset])).datasets.get(dataset)
    if before is not None and before.documents and not merge:
        raise InvalidInputError(
            f"The target already holds {before.documents} document(s) of dataset "
            f"{dataset!r}: move into a store without it, or pass merge=True (--merge) to add "
            "the source's records to it."
        )
    dump = await source.adump_dataset(dataset, with_vectors=True)
    keeps_items = type(source).alist_items is not GraphStore.alist_items
    items = await source.alist_items(dataset) if keeps_items else []
    owner = info.owner_id
    ops: list[WriteOp] = [RequirePermission(dataset, owner, Permission.WRITE, create=True)]
    ops += [
        SetGrant(dataset, user_id, permission, True, owner)
        for user_id, permissions in sorted(info.grants.items())
        for permission in sorted(permissions, key=lambda p: p.value)
    ]
    ops += dump.restore_ops()
    # Oldest put first, as they were written: items list latest first.
    ops += [
        PutItem(dataset, item.namespace, item.key, item.value, item.document_id)
        for item in reversed(items)
    ]
    await target.aapply(ops)
    moved = (await target.astats([dataset])).datasets.get(dataset, _EMPTY)
    stated = (await source.astats([dataset])).datasets.get(dataset, _EMPTY)
    if not merge and moved != stated:
        raise StoreCorruptedError(
            repr(target),
            f"dataset {dataset!r} holds {_counts(moved)} (documents, chunks, entities, "
            f"relations) after the move but the source holds {_counts(stated)}",
        )
    return DatasetMove(dataset, *_counts(moved), items=len(items))


async def amigrate_graph(
    source: Location,
    target: Location,
    *,
    datasets: Sequence[str] | None = None,
    merge: bool = False,
) -> list[DatasetMove]:
    """Copy ``datasets`` (default: every dataset) of the graph store ``source`` into ``target``
    (each a store, a PostgreSQL URL or a SQLite file path), one transaction per dataset, and
    check the target's counts. The source is left as it is; a store given as a location is
    opened and closed here. A dataset the target already holds documents of is refused unless
    ``merge`` (records stored already stay as they are).

    Raises:
        InvalidInputError: an unknown dataset, a dataset the target holds without ``merge``, a
            source that cannot export (see :meth:`GraphStore.adump_dataset`).
        StoreUnavailableError: either store cannot be reached (nothing of the failing dataset
            is written).
    """
    from cognee_langchain.services.runtime import open_graph_store

    if isinstance(datasets, str):
        raise InvalidInputError(f"datasets must be a list of names, got the str {datasets!r}.")
    opened: list[GraphStore] = []
    try:
        stores: list[GraphStore] = []
        for location in (source, target):
            if isinstance(location, GraphStore):
                stores.append(location)
            else:
                opened.append(open_graph_store(location))
                stores.append(opened[-1])
        src, dst = stores
        held = {info.name for info in await src.aget_datasets()}
        names = sorted(held) if datasets is None else list(dict.fromkeys(datasets))
        missing = [name for name in names if name not in held]
        if missing:
            raise InvalidInputError(
                f"The source holds no dataset {missing[0]!r}: it holds {sorted(held)}."
            )
        return [await _amove(src, dst, name, merge) for name in names]
    finally:
        for store in opened:
            await store.aclose()


def migrate_graph(
    source: Location,
    target: Location,
    *,
    datasets: Sequence[str] | None = None,
    merge: bool = False,
) -> list[DatasetMove]:
    """Sync twin of :func:`amigrate_graph`."""
    return run_sync(amigrate_graph(source, target, datasets=datasets, merge=merge))
