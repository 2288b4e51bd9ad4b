"""All items of one kind, as the search engine holds them: payloads, filter columns, the lexical
and dense indexes and the item <-> entity links, every part indexed by the same slot.

Adding appends slots; removing tombstones them; compaction renumbers the live slots densely.
"""

from __future__ import annotations

import sys
from collections.abc import Collection, Mapping, Sequence
from types import MappingProxyType
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from cognee_langchain.retrieval.dense import DenseIndex
from cognee_langchain.retrieval.expansion import WalkSide
from cognee_langchain.retrieval.lexical import BM25Index
from cognee_langchain.retrieval.types import (
    GrowableArray,
    ItemKind,
    PostingLists,
    RaggedArray,
    SearchItem,
    renumbering,
)

__all__ = ["BoolArray", "ItemCollection", "ItemRecord"]

BoolArray = npt.NDArray[np.bool_]

_NO_METADATA: Mapping[str, Any] = MappingProxyType({})


class ItemRecord(NamedTuple):
    """What a hit returns about an item, beyond its filter columns."""

    id: str
    text: str
    chunk_ids: tuple[str, ...]
    entity_ids: tuple[str, ...]
    metadata: Mapping[str, Any]

    @classmethod
    def of(cls, item: SearchItem) -> ItemRecord:
        # Entity and chunk ids repeat across many items (an entity is mentioned by dozens):
        # interning keeps one string per id. Most items carry no metadata: share one empty map.
        return cls(
            item.id,
            item.text,
            tuple(map(sys.intern, item.chunk_ids)),
            tuple(map(sys.intern, item.entity_ids)),
            item.metadata or _NO_METADATA,
        )


class ItemCollection:
    """All items of one kind: payloads, filter columns, lexical and dense indexes, and the
    item <-> entity links the walk follows — every part indexed by the same slot."""

    def __init__(self, kind: ItemKind, dim: int, bm25_k1: float, bm25_b: float) -> None:
        self.kind = kind
        self.records: list[ItemRecord | None] = []
        self.slot_of: dict[str, int] = {}
        self.alive = GrowableArray(np.bool_)
        self.dataset_codes = GrowableArray(np.int32)
        self.node_set_codes = GrowableArray(np.int32)
        self.lexical = BM25Index(bm25_k1, bm25_b)
        self.dense = DenseIndex(dim)
        self.entities = RaggedArray()
        self.mentions = PostingLists()

    @property
    def tombstones(self) -> int:
        return len(self.records) - len(self.slot_of)

    @property
    def nbytes(self) -> int:
        columns = self.alive.nbytes + self.dataset_codes.nbytes + self.node_set_codes.nbytes
        indexes = self.lexical.nbytes + self.dense.nbytes
        return columns + indexes + self.entities.nbytes + self.mentions.nbytes

    def append(
        self,
        items: Sequence[SearchItem],
        vectors: npt.NDArray[np.float32],
        entity_rows: tuple[npt.NDArray[np.int32], npt.NDArray[np.int64]],
        dataset_codes: Sequence[int],
        node_set_codes: Sequence[int],
    ) -> None:
        """Add ``items`` as the next slots; ``entity_rows`` is (the entity rows each item
        mentions, flat; how many each)."""
        first = len(self.records)
        self.slot_of.update({item.id: first + i for i, item in enumerate(items)})
        self.records.extend(map(ItemRecord.of, items))
        self.alive.extend(np.ones(len(items), dtype=np.bool_))
        self.dataset_codes.extend(dataset_codes)
        self.node_set_codes.extend(node_set_codes)
        self.lexical.append([item.text for item in items])
        self.dense.append(vectors)
        rows, lengths = entity_rows
        self.entities.extend(rows, lengths)
        self.mentions.add(
            rows.astype(np.int64),
            np.repeat(np.arange(first, first + len(items), dtype=np.int64), lengths),
            np.ones(len(rows), dtype=np.int64),
        )

    def discard(self, slots: Sequence[int]) -> npt.NDArray[np.int32]:
        """Tombstone ``slots``; returns the entity rows they referred to (with repeats)."""
        texts = []
        for slot in slots:
            record = self.records[slot]
            assert record is not None, "discard of a tombstone"
            del self.slot_of[record.id]
            self.records[slot] = None
            texts.append(record.text)
        slot_array = np.asarray(slots, dtype=np.int64)
        self.alive.view[slot_array] = False
        self.lexical.discard(slots, texts)
        _, rows = self.entities.gather(slot_array)
        self.mentions.discard(rows.astype(np.int64))
        return rows

    def unchanged(self, slot: int, item: SearchItem, vector: Any, dataset: int, nodes: int) -> bool:
        """Whether ``item`` (with its unit ``vector`` and filter codes) is what ``slot`` holds."""
        record = self.records[slot]
        return (
            record == ItemRecord.of(item)
            and self.dataset_codes.view[slot] == dataset
            and self.node_set_codes.view[slot] == nodes
            and bool(np.array_equal(self.dense.row(slot), vector))
        )

    def eligible(
        self, datasets: Collection[int] | None, node_sets: Collection[int] | None
    ) -> BoolArray:
        """Live slots whose dataset and node-set codes pass the filters (``None``: any)."""
        mask = self.alive.view.copy()
        if datasets is not None:
            mask &= np.isin(self.dataset_codes.view, np.fromiter(datasets, np.int32))
        if node_sets is not None:
            mask &= np.isin(self.node_set_codes.view, np.fromiter(node_sets, np.int32))
        return mask

    def walk_side(self, eligible: BoolArray) -> WalkSide:
        return WalkSide(self.mentions, self.entities, eligible)

    def compact(self) -> None:
        keep = self.alive.view.copy()
        self.mentions.remap_slots(renumbering(keep))
        live = [record for record in self.records if record is not None]
        self.slot_of = {record.id: slot for slot, record in enumerate(live)}
        self.records = [*live]
        for column in (self.alive, self.dataset_codes, self.node_set_codes):
            column.keep(keep)
        self.lexical.keep(keep)
        self.dense.keep(keep)
        self.entities.keep(keep)

    def renumber_entities(self, row_map: npt.NDArray[np.int64], rows: int) -> None:
        self.entities.remap_values(row_map)
        self.mentions.remap_keys(row_map, rows)
