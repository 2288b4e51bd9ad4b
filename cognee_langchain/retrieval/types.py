"""Records the retrieval engine indexes and returns, and the growable containers its indexes use.

Every index of the engine addresses items by *slot*: a dense integer assigned in insertion order
within one item kind. Slots only grow; a removed item leaves a tombstone until compaction renumbers
the survivors (keeping their relative order). The containers below are the append-only, numpy-backed
building blocks that make that cheap: growing is amortised O(1) and queries gather whole slices
at once instead of looping in Python.
"""

from __future__ import annotations

from array import array
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar, get_args

import numpy as np
import numpy.typing as npt

__all__ = [
    "ITEM_KINDS",
    "Codebook",
    "GrowableArray",
    "ItemKind",
    "PostingLists",
    "RaggedArray",
    "RankedList",
    "SearchEntity",
    "SearchHit",
    "SearchItem",
    "State",
    "renumbering",
]

ItemKind = Literal["chunk", "fact", "summary"]
ITEM_KINDS: tuple[ItemKind, ...] = get_args(ItemKind)

Int64Array = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.floating[Any]]
BoolArray = npt.NDArray[np.bool_]

State = dict[str, Any]
"""A container's content as a snapshot holds it: numpy arrays, JSON-able values and nested
states (see :mod:`~cognee_langchain.retrieval.snapshot`)."""


@dataclass(frozen=True, slots=True, eq=False)
class SearchItem:
    """One retrievable unit: a chunk, a fact (a relation rendered as a sentence) or a summary.

    ``vector`` is the stored embedding of ``text`` (any float array of the engine's dimension; the
    engine L2-normalises its own copy). ``entity_ids`` are the entities the item mentions — for a
    fact, its two endpoints — and are what links items into the entity graph the ``graph`` search
    walks. ``chunk_ids`` are the chunks a fact or summary came from. ``metadata`` is opaque to the
    engine and returned with every hit (session id, message ids, ...).

    A conversation turn also carries index-only fields, searched but never returned: ``keys``
    (words indexed with the text itself, e.g. its date), ``context`` (the neighbouring turns'
    text, a second lexical field: a question's words often sit in the turn before its answer),
    ``group`` (the session or document it belongs to, for the session prior), ``speaker`` (for
    the speaker prior) and ``occurred_at`` (epoch seconds, for time cues).

    ``spans``: the validity intervals ``(valid_at, invalid_at)`` (epoch seconds; ``invalid_at``
    ``None`` while still true) of what the item states — a fact's own, a turn's single-valued
    facts — read by the time priors (is it still true? does it overlap the asked window?).
    """

    id: str
    kind: ItemKind
    text: str
    vector: npt.ArrayLike
    dataset: str
    node_sets: Collection[str] = frozenset()
    chunk_ids: Sequence[str] = ()
    entity_ids: Sequence[str] = ()
    metadata: Mapping[str, Any] = field(default_factory=dict)
    keys: str = ""
    context: str = ""
    group: str | None = None
    speaker: str | None = None
    occurred_at: float | None = None
    spans: Sequence[tuple[float, float | None]] = ()


@dataclass(frozen=True, slots=True, eq=False)
class SearchEntity:
    """An entity a query can name: matched exactly by ``name`` / ``aliases`` and by ``vector``
    similarity (when given), it seeds the neighbourhood expansion of the ``graph`` search."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    vector: npt.ArrayLike | None = None


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One search result: the item's payload and its fused score (higher is better)."""

    id: str
    kind: ItemKind
    score: float
    text: str
    dataset: str
    node_sets: frozenset[str]
    chunk_ids: tuple[str, ...]
    entity_ids: tuple[str, ...]
    metadata: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class RankedList:
    """Slots ranked best first, with the score that ranked them."""

    slots: Int64Array
    scores: FloatArray

    @classmethod
    def top(cls, scores: FloatArray, k: int, eligible: BoolArray | None = None) -> RankedList:
        """The ``k`` best slots among the ``eligible`` ones (all when ``None``).

        Equal scores are ordered by slot, so a ranking never depends on how the selection
        algorithm happened to split ties — an index rebuilt from the same items ranks the same.
        """
        if eligible is None or eligible.all():
            rows, candidates = np.arange(len(scores)), scores
        else:
            rows = np.flatnonzero(eligible)
            candidates = scores[rows]
        if len(candidates) > k:
            kth_best = np.partition(candidates, len(candidates) - k)[len(candidates) - k]
            keep = np.flatnonzero(candidates >= kth_best)
            rows, candidates = rows[keep], candidates[keep]
        order = np.lexsort((rows, -candidates))[:k]
        return cls(rows[order].astype(np.int64, copy=False), candidates[order])


# Growth factor of a full buffer: amortised O(1) appends with at most a third of the buffer spare
# (doubling would leave up to half of a 100 MB vector matrix unused).
_GROWTH = 1.5


class GrowableArray:
    """A numpy array (1-D, or 2-D with fixed width) that grows at the end in amortised O(1).

    :attr:`view` is only valid until the next write: a write may move the buffer.
    """

    __slots__ = ("_buffer", "_size")

    def __init__(self, dtype: npt.DTypeLike, width: int | None = None) -> None:
        shape: tuple[int, ...] = (0,) if width is None else (0, width)
        self._buffer: np.ndarray[Any, Any] = np.zeros(shape, dtype=dtype)
        self._size = 0

    @classmethod
    def of(cls, values: np.ndarray[Any, Any]) -> GrowableArray:
        """An array holding exactly ``values``, which it adopts as its buffer (no copy: a
        snapshot's memory-mapped column stays mapped until the first write outgrows it)."""
        array = cls(values.dtype, None if values.ndim == 1 else values.shape[1])
        array._buffer, array._size = values, len(values)
        return array

    def __len__(self) -> int:
        return self._size

    @property
    def view(self) -> np.ndarray[Any, Any]:
        """The used part of the buffer (a view, not a copy)."""
        return self._buffer[: self._size]

    @property
    def nbytes(self) -> int:
        """Bytes allocated, spare capacity included."""
        return int(self._buffer.nbytes)

    def extend(self, values: npt.ArrayLike) -> None:
        """Append rows; a full buffer grows geometrically (a first bulk load is sized exactly)."""
        values = np.asarray(values, dtype=self._buffer.dtype)
        needed = self._size + len(values)
        if needed > len(self._buffer):
            grown_size = int(_GROWTH * len(self._buffer))
            capacity = needed if self._size == 0 else max(needed, grown_size)
            grown = np.zeros((capacity, *self._buffer.shape[1:]), dtype=self._buffer.dtype)
            grown[: self._size] = self._buffer[: self._size]
            self._buffer = grown
        self._buffer[self._size : needed] = values
        self._size = needed

    def grow_to(self, size: int) -> None:
        """Append zero rows until the array holds ``size`` rows."""
        if size > self._size:
            self.extend(np.zeros((size - self._size, *self._buffer.shape[1:])))

    def keep(self, keep: BoolArray) -> None:
        """Keep only the rows where ``keep`` is true, in order, in an exactly sized buffer."""
        self._buffer = self.view[keep].copy()
        self._size = len(self._buffer)


_T = TypeVar("_T")


class Codebook(Generic[_T]):
    """Interns values (dataset names, node-set combinations) as small integer codes, so a filter
    over 100,000 items is one vectorised comparison of integer columns."""

    __slots__ = ("_codes", "values")

    def __init__(self) -> None:
        self._codes: dict[_T, int] = {}
        self.values: list[_T] = []

    def code(self, value: _T) -> int:
        """The code of ``value``, assigned on first sight."""
        code = self._codes.get(value)
        if code is None:
            code = self._codes[value] = len(self.values)
            self.values.append(value)
        return code

    @classmethod
    def of(cls, values: Sequence[_T]) -> Codebook[_T]:
        """A codebook coding ``values`` 0, 1, ... in order (as :attr:`values` was saved)."""
        book: Codebook[_T] = cls()
        for value in values:
            book.code(value)
        return book


def renumbering(keep: BoolArray) -> Int64Array:
    """old index -> new index when only the rows where ``keep`` is true survive, in order (-1 for
    the dropped): how every container follows a compaction."""
    mapping = np.cumsum(keep, dtype=np.int64) - 1
    mapping[~keep] = -1
    return mapping


def _ranges(starts: Int64Array, lengths: Int64Array) -> tuple[Int64Array, Int64Array]:
    """Flatten the ranges ``[start, start + length)``: (index of the owning range, position)."""
    owners = np.repeat(np.arange(len(lengths)), lengths)
    first_of_owner = np.repeat(np.cumsum(lengths) - lengths, lengths)
    positions = np.arange(int(lengths.sum())) - first_of_owner + np.repeat(starts, lengths)
    return owners, positions.astype(np.int64, copy=False)


class RaggedArray:
    """Per slot, a variable-length run of int32 values (e.g. the entity rows an item mentions).

    Rows are appended and never edited; :meth:`keep` rebuilds the survivors contiguously.
    """

    __slots__ = ("_lengths", "_offsets", "_values")

    def __init__(self) -> None:
        self._offsets = GrowableArray(np.int64)
        self._lengths = GrowableArray(np.int32)
        self._values = GrowableArray(np.int32)

    def __len__(self) -> int:
        return len(self._offsets)

    @property
    def nbytes(self) -> int:
        return self._offsets.nbytes + self._lengths.nbytes + self._values.nbytes

    def append(self, rows: Sequence[npt.NDArray[np.integer[Any]]]) -> None:
        """Append one row per element of ``rows``."""
        lengths = np.fromiter((len(row) for row in rows), dtype=np.int64, count=len(rows))
        self.extend(np.concatenate([np.empty(0, np.int32), *rows]), lengths)

    def extend(self, values: npt.NDArray[np.integer[Any]], lengths: Int64Array) -> None:
        """Append rows given flat: the first ``lengths[0]`` of ``values`` are the first row..."""
        self._offsets.extend(len(self._values) + np.cumsum(lengths) - lengths)
        self._lengths.extend(lengths)
        self._values.extend(values)

    def lengths(self, slots: Int64Array) -> npt.NDArray[np.int32]:
        """Number of values in each of ``slots``."""
        return self._lengths.view[slots]

    def gather(self, slots: Int64Array) -> tuple[Int64Array, npt.NDArray[np.int32]]:
        """All values of ``slots``: (index into ``slots`` of each value's owner, value)."""
        owners, positions = _ranges(
            self._offsets.view[slots], self._lengths.view[slots].astype(np.int64)
        )
        return owners, self._values.view[positions]

    def keep(self, keep: BoolArray) -> None:
        """Keep only the rows where ``keep`` is true, in order."""
        slots = np.flatnonzero(keep)
        _, values = self.gather(slots)
        lengths = self._lengths.view[slots].astype(np.int64)
        self._offsets = GrowableArray(np.int64)
        self._lengths = GrowableArray(np.int32)
        self._values = GrowableArray(np.int32)
        self._offsets.extend(np.cumsum(lengths) - lengths)
        self._lengths.extend(lengths)
        self._values.extend(values)

    def remap_values(self, value_map: Int64Array) -> None:
        """Replace every value ``v`` by ``value_map[v]`` (after the values' owner renumbered)."""
        values = self._values.view
        values[:] = value_map[values]

    def export(self) -> State:
        """The rows as a snapshot holds them."""
        return {
            "offsets": self._offsets.view,
            "lengths": self._lengths.view,
            "values": self._values.view,
        }

    @classmethod
    def restore(cls, state: State) -> RaggedArray:
        """The rows :meth:`export` gave."""
        ragged = cls()
        ragged._offsets = GrowableArray.of(state["offsets"])
        ragged._lengths = GrowableArray.of(state["lengths"])
        ragged._values = GrowableArray.of(state["values"])
        return ragged


# A posting packs (slot, weight) into one int64: the slot in the high bits, a 16-bit weight (a term
# frequency, capped) in the low bits. One flat array per key keeps Python overhead per key small.
_WEIGHT_BITS = 16
_WEIGHT_MASK = (1 << _WEIGHT_BITS) - 1


class PostingLists:
    """For each integer key (a term, an entity), the slots it occurs in, each with a small weight.

    Postings live in two parts: a frozen base in CSR form (one flat ``int64`` array of packed
    postings and per-key offsets: what a load, a compaction or a snapshot produces, with no
    Python object per key) and, per key, an append-only Python ``array('q')`` of the postings
    added since (cheap to grow one key at a time). :meth:`freeze` merges the second into the
    first. Removing an item only lowers its keys' live counts; its stale postings stay until
    :meth:`remap_slots` drops them, and readers mask dead slots.
    """

    __slots__ = ("_counts", "_lists", "_offsets", "_packed")

    def __init__(self) -> None:
        self._lists: list[array[int] | None] = []
        self._offsets: Int64Array = np.zeros(1, dtype=np.int64)
        self._packed: Int64Array = np.empty(0, dtype=np.int64)
        self._counts = GrowableArray(np.int64)

    def __len__(self) -> int:
        return len(self._lists)

    @property
    def nbytes(self) -> int:
        lists = sum(lst.buffer_info()[1] * lst.itemsize + 64 for lst in self._lists if lst)
        base = self._offsets.nbytes + self._packed.nbytes
        return lists + base + 8 * len(self._lists) + self._counts.nbytes

    def grow_to(self, n_keys: int) -> None:
        """Make keys ``0 .. n_keys - 1`` valid (new keys start empty)."""
        if n_keys > len(self._lists):
            self._lists.extend([None] * (n_keys - len(self._lists)))
            self._counts.grow_to(n_keys)

    def add(self, keys: Int64Array, slots: Int64Array, weights: Int64Array) -> None:
        """Append the postings ``(keys[i], slots[i], weights[i])``; keys must already be valid.

        Postings of one key keep the order they are given in, so slots given in ascending order
        stay sorted.
        """
        if not len(keys):
            return
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        packed = (slots[order] << _WEIGHT_BITS) | np.minimum(weights[order], _WEIGHT_MASK)
        bounds = np.flatnonzero(np.diff(keys)) + 1
        starts = np.concatenate(([0], bounds))
        ends = np.concatenate((bounds, [len(keys)]))
        for key, start, end in zip(
            keys[starts].tolist(), starts.tolist(), ends.tolist(), strict=True
        ):
            postings = self._lists[key]
            if postings is None:
                postings = self._lists[key] = array("q")
            postings.frombytes(packed[start:end].tobytes())
        self._counts.view[:] += np.bincount(keys, minlength=len(self._lists))

    def discard(self, keys: Int64Array) -> None:
        """Lower the live count of ``keys`` (once per occurrence) after their item was removed."""
        self._counts.view[:] -= np.bincount(keys, minlength=len(self._lists))

    def counts(self, keys: Int64Array) -> Int64Array:
        """Live postings per key."""
        return self._counts.view[keys]

    def count(self, key: int) -> int:
        """Live postings of one key."""
        return int(self._counts.view[key])

    def _postings(self, key: int) -> Int64Array:
        """The packed postings of ``key``: its base run, then what was added since."""
        based = key < len(self._offsets) - 1
        base = (
            self._packed[self._offsets[key] : self._offsets[key + 1]] if based else self._packed[:0]
        )
        added = self._lists[key]
        return np.concatenate((base, np.asarray(added, dtype=np.int64))) if added else base

    def get(self, key: int) -> tuple[Int64Array, Int64Array]:
        """(slots, weights) of ``key``, stale postings included."""
        packed = self._postings(key)
        return packed >> _WEIGHT_BITS, packed & _WEIGHT_MASK

    def gather(self, keys: Int64Array) -> tuple[Int64Array, Int64Array]:
        """Slots of all ``keys``: (index into ``keys`` of each posting's key, slot)."""
        parts = [self._postings(key) for key in keys.tolist()]
        lengths = np.fromiter(map(len, parts), np.int64, count=len(parts))
        slots = np.concatenate(parts) >> _WEIGHT_BITS if parts else np.empty(0, np.int64)
        return np.repeat(np.arange(len(keys)), lengths), slots

    def freeze(self) -> None:
        """Merge the postings added since the base was built into the base (in order)."""
        added = [key for key, postings in enumerate(self._lists) if postings]
        n_keys = len(self._lists)
        if not added and len(self._offsets) == n_keys + 1:
            return
        base_lengths = np.zeros(n_keys, dtype=np.int64)
        base_lengths[: len(self._offsets) - 1] = np.diff(self._offsets)
        added_lengths = np.fromiter((len(self._lists[k] or ()) for k in added), np.int64)
        keys = np.concatenate(
            (
                np.repeat(np.arange(n_keys, dtype=np.int64), base_lengths),
                np.repeat(np.asarray(added, dtype=np.int64), added_lengths),
            )
        )
        packed = np.concatenate(
            [self._packed, *(np.asarray(self._lists[k], dtype=np.int64) for k in added)]
        )
        # A stable sort by key keeps each key's base postings before its later ones.
        order = np.argsort(keys, kind="stable")
        self._set_base(packed[order], keys[order], n_keys)
        self._lists = [None] * n_keys

    def _set_base(self, packed: Int64Array, keys: Int64Array, n_keys: int) -> None:
        """Make ``packed`` (postings sorted by key; ``keys``: the key of each) the base of
        ``n_keys`` keys."""
        self._packed = np.ascontiguousarray(packed, dtype=np.int64)
        self._offsets = np.zeros(n_keys + 1, dtype=np.int64)
        np.cumsum(np.bincount(keys, minlength=n_keys), out=self._offsets[1:])

    def _flat(self) -> tuple[Int64Array, Int64Array]:
        """Every posting, frozen: (key of each, packed posting), by key."""
        self.freeze()
        lengths = np.diff(self._offsets)
        return np.repeat(np.arange(len(lengths), dtype=np.int64), lengths), self._packed

    def remap_slots(self, slot_map: Int64Array) -> None:
        """Renumber slots by ``slot_map`` (old -> new, -1 for removed), dropping stale postings."""
        keys, packed = self._flat()
        slots = slot_map[packed >> _WEIGHT_BITS]
        live = slots >= 0
        kept = (slots[live] << _WEIGHT_BITS) | (packed[live] & _WEIGHT_MASK)
        self._set_base(kept, keys[live], len(self._lists))

    def remap_keys(self, key_map: Int64Array, n_keys: int) -> None:
        """Renumber keys by ``key_map`` (old -> new, -1 for dropped; the kept keep their order)
        into ``n_keys`` keys."""
        keys, packed = self._flat()
        new_keys = key_map[keys]
        kept = new_keys >= 0
        self._set_base(packed[kept], new_keys[kept], n_keys)
        self._lists = [None] * n_keys
        counts = np.zeros(n_keys, dtype=np.int64)
        old = np.flatnonzero(key_map >= 0)
        counts[key_map[old]] = self._counts.view[old]
        self._counts = GrowableArray.of(counts)

    def export(self) -> State:
        """The postings (frozen) and live counts as a snapshot holds them."""
        self.freeze()
        return {"offsets": self._offsets, "packed": self._packed, "counts": self._counts.view}

    @classmethod
    def restore(cls, state: State) -> PostingLists:
        """The postings :meth:`export` gave."""
        lists = cls()
        lists._offsets, lists._packed = state["offsets"], state["packed"]
        lists._counts = GrowableArray.of(state["counts"])
        lists._lists = [None] * len(lists._counts)
        return lists
