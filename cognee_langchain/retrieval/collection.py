"""All items of one kind, as the search engine holds them: payloads, filter columns, the lexical
and dense indexes and the item <-> entity links, every part indexed by the same slot.

Adding appends slots; removing tombstones them; compaction renumbers the live slots densely.
"""

from __future__ import annotations

import bisect
import enum
import functools
import math
import sys
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import orjson

from cognee_langchain.retrieval.cues import is_question, mentions_time
from cognee_langchain.retrieval.dense import DenseIndex
from cognee_langchain.retrieval.expansion import WalkSide
from cognee_langchain.retrieval.lexical import BM25Index
from cognee_langchain.retrieval.types import (
    GrowableArray,
    ItemKind,
    PostingLists,
    RaggedArray,
    SearchItem,
    State,
    renumbering,
)

__all__ = ["BoolArray", "Change", "Facets", "ItemCollection", "ItemRecord", "RecordTable"]

BoolArray = npt.NDArray[np.bool_]

_NO_METADATA: Mapping[str, Any] = MappingProxyType({})

# Decoded records a table keeps (a few MB at most).
_DECODED_RECORDS = 4096

# The filter and prior columns, by attribute name: what a snapshot saves of them.
_COLUMNS = (
    "alive",
    "dataset_codes",
    "node_set_codes",
    "group_codes",
    "speaker_codes",
    "times",
    "span_starts",
    "span_ends",
    "questions",
    "timed",
)


def _metadata(saved: dict[str, Any]) -> Mapping[str, Any]:
    """Item metadata read back from JSON: its lists as the tuples it held (metadata values are
    scalars or flat sequences of ids), the shared empty map when it has none."""
    if not saved:
        return _NO_METADATA
    return {key: tuple(v) if v.__class__ is list else v for key, v in saved.items()}


class ItemRecord(NamedTuple):
    """What a hit returns about an item, beyond its filter columns."""

    id: str
    text: str
    chunk_ids: tuple[str, ...]
    entity_ids: tuple[str, ...]
    metadata: Mapping[str, Any]
    keys: str
    context: str

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
            item.keys,
            item.context,
        )

    @property
    def indexed_text(self) -> str:
        """What the item's own lexical field indexes: its text and its index-only keys."""
        return f"{self.text}\n{self.keys}" if self.keys else self.text


class RecordTable:
    """The :class:`ItemRecord` of every slot (``None`` for a tombstone), as a list reads them.

    Records frozen by :meth:`freeze` (after a load or a compaction, or read from a snapshot) are
    held as one byte buffer of JSON arrays, one per slot, decoded when a hit or a write asks for
    them: a hundred thousand texts cost their UTF-8 bytes, not a hundred thousand Python objects
    each. Records appended since stay objects until the next freeze, and so do frozen records
    replaced since (:meth:`replace`), which the next freeze re-encodes.
    """

    __slots__ = ("_added", "_blob", "_dead", "_decoded", "_frozen", "_offsets", "_replaced")

    def __init__(self) -> None:
        self._blob: npt.NDArray[np.uint8] = np.empty(0, dtype=np.uint8)
        self._offsets: npt.NDArray[np.int64] = np.zeros(1, dtype=np.int64)
        self._frozen = 0
        self._dead: set[int] = set()
        self._added: list[ItemRecord | None] = []
        self._replaced: dict[int, ItemRecord] = {}
        # Searches return the same items over and over: the last few thousand decoded records
        # are kept. A frozen slot's bytes never change (a tombstone is checked first, and a
        # compaction builds a new table), so nothing in the cache goes stale.
        self._decoded = functools.lru_cache(maxsize=_DECODED_RECORDS)(self._decode)

    def __len__(self) -> int:
        return self._frozen + len(self._added)

    def __getitem__(self, slot: int) -> ItemRecord | None:
        if slot >= self._frozen:
            return self._added[slot - self._frozen]
        if slot in self._dead:
            return None
        replaced = self._replaced.get(slot)
        return self._decoded(slot) if replaced is None else replaced

    def _decode(self, slot: int) -> ItemRecord:
        start, end = self._offsets[slot : slot + 2].tolist()
        item_id, text, chunk_ids, entity_ids, metadata, keys, context = orjson.loads(
            self._blob[start:end].data
        )
        # Decoded records are short-lived (a hit, a write's comparison): no interning here.
        return ItemRecord(
            item_id, text, tuple(chunk_ids), tuple(entity_ids), _metadata(metadata), keys, context
        )

    def __iter__(self) -> Iterator[ItemRecord | None]:
        return (self[slot] for slot in range(len(self)))

    def extend(self, records: Iterable[ItemRecord]) -> None:
        self._added.extend(records)

    def clear(self, slot: int) -> None:
        """Make ``slot`` a tombstone."""
        if slot >= self._frozen:
            self._added[slot - self._frozen] = None
        else:
            self._dead.add(slot)
            self._replaced.pop(slot, None)

    def replace(self, slot: int, record: ItemRecord) -> None:
        """Hold ``record`` at the live ``slot`` instead of what it held."""
        if slot >= self._frozen:
            self._added[slot - self._frozen] = record
        else:
            self._replaced[slot] = record

    def freeze(self) -> None:
        """Encode every record into the buffer; tombstones must have been compacted away."""
        if self._replaced:
            self._encode_replaced()
        if not self._added:
            return
        assert not self._dead and None not in self._added, "freeze with tombstones"
        encoded = [_encode(record) for record in self._added if record is not None]
        lengths = np.fromiter(map(len, encoded), np.int64, len(encoded))
        self._offsets = np.concatenate((self._offsets, self._offsets[-1] + np.cumsum(lengths)))
        self._blob = np.concatenate((self._blob, np.frombuffer(b"".join(encoded), np.uint8)))
        self._frozen += len(encoded)
        self._added = []

    def _encode_replaced(self) -> None:
        """Splice the replaced records' encodings into the buffer: the bytes between two of
        them are copied as one run, so this costs the buffer's size, not one step per slot."""
        slots = sorted(self._replaced)
        encoded = [_encode(self._replaced[slot]) for slot in slots]
        parts: list[bytes | memoryview] = []
        start = 0
        for slot, data in zip(slots, encoded, strict=True):
            parts += [self._blob[self._offsets[start] : self._offsets[slot]].data, data]
            start = slot + 1
        parts.append(self._blob[self._offsets[start] :].data)
        lengths = np.diff(self._offsets)
        lengths[slots] = [len(data) for data in encoded]
        self._offsets = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
        self._blob = np.frombuffer(b"".join(parts), np.uint8).copy()
        self._replaced = {}
        self._decoded.cache_clear()  # the replaced slots' cached records are the old ones

    def export(self) -> State:
        """The records (frozen) as a snapshot holds them."""
        self.freeze()
        return {"blob": self._blob, "offsets": self._offsets, "dead": sorted(self._dead)}

    @classmethod
    def restore(cls, state: State) -> RecordTable:
        """The records :meth:`export` gave."""
        table = cls()
        table._blob, table._offsets = state["blob"], state["offsets"]
        table._frozen, table._dead = len(table._offsets) - 1, set(state["dead"])
        return table


class Change(enum.Enum):
    """How an item written again differs from what its slot holds."""

    NONE = "none"
    IN_PLACE = "in place"  # only what :meth:`ItemCollection.update` can change where it lies
    INDEXED = "indexed"  # its text, keys, context, entities, dataset or vector: re-index it


def _encode(record: ItemRecord) -> bytes:
    return orjson.dumps([*record[:4], dict(record.metadata), *record[5:]])


class Facets(NamedTuple):
    """Per-item codes the priors read (``-1``: none), its time (NaN: unknown) and the envelope
    of the validity intervals of what it states: the earliest start and the latest end (``inf``:
    still true) of a fact's own interval or of a turn's facts (NaN for both: it states none)."""

    group: int
    speaker: int
    occurred_at: float
    span_start: float = math.nan
    span_end: float = math.nan

    def same(self, other: Facets) -> bool:
        """Equality where two unknown (NaN) times are the same time."""
        return all(
            mine == theirs or (math.isnan(mine) and math.isnan(theirs))
            for mine, theirs in zip(self[2:], other[2:], strict=True)
        ) and (self.group, self.speaker) == (other.group, other.speaker)


class ItemCollection:
    """All items of one kind: payloads, filter columns, lexical and dense indexes, and the
    item <-> entity links the walk follows — every part indexed by the same slot."""

    def __init__(self, kind: ItemKind, dim: int, bm25_k1: float, bm25_b: float) -> None:
        self.kind = kind
        self.records = RecordTable()
        self.slot_of: dict[str, int] = {}
        self.alive = GrowableArray(np.bool_)
        self.dataset_codes = GrowableArray(np.int32)
        self.node_set_codes = GrowableArray(np.int32)
        self.group_codes = GrowableArray(np.int32)
        self.speaker_codes = GrowableArray(np.int32)
        self.times = GrowableArray(np.float64)
        self.span_starts = GrowableArray(np.float64)
        self.span_ends = GrowableArray(np.float64)
        self.questions = GrowableArray(np.bool_)
        self.timed = GrowableArray(np.bool_)
        self.lexical = BM25Index(bm25_k1, bm25_b)
        self.context = BM25Index(bm25_k1, bm25_b)
        self.dense = DenseIndex(dim)
        self.entities = RaggedArray()
        self.mentions = PostingLists()
        self._stating: dict[str, list[int]] | None = None

    def stated_by(self, chunk_id: str) -> list[int]:
        """The live slots whose items were extracted from chunk ``chunk_id`` (for facts: the
        facts a turn states). Built on first use, kept up to date by writes (rebuilt after a
        compaction), shared by searches."""
        if self._stating is None:
            stating: dict[str, list[int]] = {}
            for slot, record in enumerate(self.records):
                for source in record.chunk_ids if record is not None else ():
                    stating.setdefault(source, []).append(slot)
            self._stating = stating
        return self._stating.get(chunk_id, [])

    def _note_stating(self, slot: int, sources: Iterable[str], present: bool) -> None:
        """Keep :meth:`stated_by` current as ``slot`` starts or stops stating ``sources``."""
        if self._stating is None:
            return
        for source in sources:
            slots = self._stating.setdefault(source, [])
            if present:
                bisect.insort(slots, slot)
            else:
                slots.remove(slot)

    @property
    def tombstones(self) -> int:
        return len(self.records) - len(self.slot_of)

    @property
    def _columns(self) -> tuple[GrowableArray, ...]:
        return tuple(getattr(self, name) for name in _COLUMNS)

    @property
    def nbytes(self) -> int:
        columns = sum(column.nbytes for column in self._columns)
        indexes = self.lexical.nbytes + self.context.nbytes + self.dense.nbytes
        return columns + indexes + self.entities.nbytes + self.mentions.nbytes

    def append(
        self,
        items: Sequence[SearchItem],
        vectors: npt.NDArray[np.float32],
        entity_rows: tuple[npt.NDArray[np.int32], npt.NDArray[np.int64]],
        dataset_codes: Sequence[int],
        node_set_codes: Sequence[int],
        facets: Sequence[Facets],
    ) -> None:
        """Add ``items`` as the next slots; ``entity_rows`` is (the entity rows each item
        mentions, flat; how many each)."""
        first = len(self.records)
        records = list(map(ItemRecord.of, items))
        self.slot_of.update({item.id: first + i for i, item in enumerate(items)})
        self.records.extend(records)
        for slot, record in enumerate(records, first):
            self._note_stating(slot, record.chunk_ids, present=True)
        self.alive.extend(np.ones(len(items), dtype=np.bool_))
        self.dataset_codes.extend(dataset_codes)
        self.node_set_codes.extend(node_set_codes)
        self.group_codes.extend([f.group for f in facets])
        self.speaker_codes.extend([f.speaker for f in facets])
        self.times.extend([f.occurred_at for f in facets])
        self.span_starts.extend([f.span_start for f in facets])
        self.span_ends.extend([f.span_end for f in facets])
        self.questions.extend([is_question(item.text) for item in items])
        self.timed.extend([mentions_time(item.text) for item in items])
        self.lexical.append([record.indexed_text for record in records])
        self.context.append([item.context for item in items])
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
        texts, contexts = [], []
        for slot in slots:
            record = self.records[slot]
            assert record is not None, "discard of a tombstone"
            del self.slot_of[record.id]
            self.records.clear(slot)
            self._note_stating(slot, record.chunk_ids, present=False)
            texts.append(record.indexed_text)
            contexts.append(record.context)
        slot_array = np.asarray(slots, dtype=np.int64)
        self.alive.view[slot_array] = False
        self.lexical.discard(slots, texts)
        self.context.discard(slots, contexts)
        _, rows = self.entities.gather(slot_array)
        self.mentions.discard(rows.astype(np.int64))
        return rows

    def change(
        self, slot: int, new: ItemRecord, vector: Any, dataset: int, nodes: int, facets: Facets
    ) -> Change:
        """How the record ``new`` (with its unit ``vector``, filter codes and facets) differs
        from what ``slot`` holds."""
        record = self.records[slot]
        assert record is not None, "change of a tombstone"
        indexed = (record.text, record.keys, record.context, record.entity_ids)
        if (
            indexed != (new.text, new.keys, new.context, new.entity_ids)
            or self.dataset_codes.view[slot] != dataset
            or not np.array_equal(self.dense.row(slot), vector)
        ):
            return Change.INDEXED
        if (
            record == new
            and self.node_set_codes.view[slot] == nodes
            and self.facets(slot).same(facets)
        ):
            return Change.NONE
        return Change.IN_PLACE

    def update(self, slot: int, new: ItemRecord, nodes: int, facets: Facets) -> None:
        """Give ``slot`` what the record ``new`` changed without re-indexing it: its chunk ids,
        metadata, node sets and facets (:attr:`Change.IN_PLACE`). A fact stated again in one
        more chunk changes only these, and re-indexing one stated in thousands cost a catch-up
        most of its time."""
        record = self.records[slot]
        assert record is not None, "update of a tombstone"
        before, after = set(record.chunk_ids), set(new.chunk_ids)
        self._note_stating(slot, before - after, present=False)
        self._note_stating(slot, sorted(after - before), present=True)
        self.records.replace(slot, new)
        self.node_set_codes.view[slot] = nodes
        self.group_codes.view[slot] = facets.group
        self.speaker_codes.view[slot] = facets.speaker
        self.times.view[slot] = facets.occurred_at
        self.span_starts.view[slot] = facets.span_start
        self.span_ends.view[slot] = facets.span_end

    def facets(self, slot: int) -> Facets:
        return Facets(
            int(self.group_codes.view[slot]),
            int(self.speaker_codes.view[slot]),
            float(self.times.view[slot]),
            float(self.span_starts.view[slot]),
            float(self.span_ends.view[slot]),
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
        self._stating = None
        keep = self.alive.view.copy()
        self.mentions.remap_slots(renumbering(keep))
        live = [record for record in self.records if record is not None]
        self.slot_of = {record.id: slot for slot, record in enumerate(live)}
        self.records = RecordTable()
        self.records.extend(live)
        self.records.freeze()
        for column in self._columns:
            column.keep(keep)
        self.lexical.keep(keep)
        self.context.keep(keep)
        self.dense.keep(keep)
        self.entities.keep(keep)

    def renumber_entities(self, row_map: npt.NDArray[np.int64], rows: int) -> None:
        self.entities.remap_values(row_map)
        self.mentions.remap_keys(row_map, rows)

    def freeze(self) -> None:
        """Merge the records, and the postings of the lexical indexes and the mentions, into
        flat arrays (compact first: tombstones cannot be frozen)."""
        self.records.freeze()
        self.lexical.freeze()
        self.context.freeze()
        self.mentions.freeze()

    def export(self) -> State:
        """Everything the collection holds, as a snapshot saves it (compact first: payloads
        are saved by live slot)."""
        return {
            "kind": self.kind,
            "ids": list(self.slot_of),
            "slots": np.fromiter(self.slot_of.values(), np.int64, len(self.slot_of)),
            "records": self.records.export(),
            "columns": {name: getattr(self, name).view for name in _COLUMNS},
            "lexical": self.lexical.export(),
            "context_index": self.context.export(),
            "dense": self.dense.export(),
            "entities": self.entities.export(),
            "mentions": self.mentions.export(),
        }

    @classmethod
    def restore(cls, state: State) -> ItemCollection:
        """The collection :meth:`export` gave."""
        dense = DenseIndex.restore(state["dense"])
        collection = cls(state["kind"], dense.dim, 1.2, 0.75)
        collection.records = RecordTable.restore(state["records"])
        collection.slot_of = dict(zip(state["ids"], state["slots"].tolist(), strict=True))
        for name in _COLUMNS:
            setattr(collection, name, GrowableArray.of(state["columns"][name]))
        collection.lexical = BM25Index.restore(state["lexical"])
        collection.context = BM25Index.restore(state["context_index"])
        collection.dense = dense
        collection.entities = RaggedArray.restore(state["entities"])
        collection.mentions = PostingLists.restore(state["mentions"])
        return collection
