"""Time at query time: what a search knows of time, and which items it raises or lowers.

The engine never reads a clock nor parses dates: its owner (the search service) turns ``as_of``,
``time_range`` and the query's own time cues into a :class:`TimeContext` of epoch seconds, and the
functions here read it against an item collection's columns, vectorised:

* *current* / *stale*: a fact true / not true at ``at`` (superseded or retracted before it, or
  not yet true), and — when the question is about that instant (``turns``) — a turn stating a
  fact true then / only facts that are not;
* *in the window*: a turn or summary said inside ``[start, end)``, a fact whose validity interval
  overlaps it.

A turn's facts are summarised by their envelope (the earliest start, the latest end): exact for
the usual turn of one or two facts and for "now", an over-approximation of "current" for an
``at`` that falls in a gap between two of one turn's facts.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from cognee_langchain.errors import InvalidInputError
from cognee_langchain.retrieval.collection import BoolArray, ItemCollection
from cognee_langchain.retrieval.config import TimePriors
from cognee_langchain.retrieval.types import ItemKind, SearchHit

__all__ = [
    "TimeContext",
    "chronological",
    "currency",
    "event_times",
    "in_window",
    "inherit_relevance",
    "time_boost",
    "time_boosts",
]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class TimeContext:
    """What one search knows of time, in epoch seconds.

    ``at``: the instant what is current is judged at (``None``: no judgement, e.g. a question
    about a past window). ``start`` / ``end``: the window asked about, start inclusive, end
    exclusive, ``None`` for an open side (both ``None``: no window). ``turns``: also judge turns
    by the facts they state (a present-tense question, or an explicit ``as_of``).
    """

    at: float | None = None
    start: float | None = None
    end: float | None = None
    turns: bool = False

    def __post_init__(self) -> None:
        for name in ("at", "start", "end"):
            value = getattr(self, name)
            if value is not None and not (isinstance(value, int | float) and math.isfinite(value)):
                raise InvalidInputError(f"TimeContext.{name} must be finite epoch seconds.")
        if self.start is not None and self.end is not None and self.start >= self.end:
            raise InvalidInputError("TimeContext window start must be before its end.")

    @property
    def windowed(self) -> bool:
        """Whether the search asks about a window."""
        return self.start is not None or self.end is not None


def currency(collection: ItemCollection, context: TimeContext) -> tuple[BoolArray, BoolArray]:
    """(items stating something true at ``context.at``, items stating only what is not), turns
    only when ``context.turns``; items stating nothing are neither."""
    size = len(collection.records)
    if context.at is None or (collection.kind != "fact" and not context.turns):
        none = np.zeros(size, dtype=np.bool_)
        return none, none
    starts, ends = collection.span_starts.view, collection.span_ends.view
    states = ~np.isnan(starts)
    current = (starts <= context.at) & (context.at < ends)
    return current, states & ~current


def in_window(collection: ItemCollection, context: TimeContext) -> BoolArray:
    """Items inside the asked window: said in it (turns, summaries) or true during part of it
    (facts). Nothing when the context has no window."""
    if not context.windowed:
        return np.zeros(len(collection.records), dtype=np.bool_)
    low = -math.inf if context.start is None else context.start
    high = math.inf if context.end is None else context.end
    if collection.kind == "fact":
        # NaN compares false: a fact without a known interval is in no window.
        return (collection.span_starts.view < high) & (collection.span_ends.view > low)
    times = collection.times.view
    return (times >= low) & (times < high)


def event_times(collection: ItemCollection) -> FloatArray:
    """When each item happened, for a chronological order: a turn's time, a fact's start (NaN:
    unknown)."""
    column = collection.span_starts if collection.kind == "fact" else collection.times
    return np.asarray(column.view, dtype=np.float64)


def time_boost(collection: ItemCollection, priors: TimePriors, context: TimeContext) -> FloatArray:
    """Per item, the :class:`TimePriors` boost of ``context`` (zeros when nothing fires)."""
    boost = np.zeros(len(collection.records))
    if priors.stale or priors.current:
        current, stale = currency(collection, context)
        boost += priors.current * current + priors.stale * stale
    if priors.window and context.windowed:
        boost += priors.window * in_window(collection, context)
    return boost


def time_boosts(
    collections: Mapping[ItemKind, ItemCollection],
    priors: TimePriors,
    context: TimeContext,
    kinds: Sequence[ItemKind],
    slots: npt.NDArray[np.int64],
) -> FloatArray:
    """The :func:`time_boost` of the items ``(kinds[i], slots[i])`` (a rank-fused list)."""
    boost = np.zeros(len(slots))
    wanted = np.asarray(kinds, dtype=object)
    for kind in dict.fromkeys(kinds):
        mine = wanted == kind
        boost[mine] = time_boost(collections[kind], priors, context)[slots[mine]]
    return boost


# How many stale items, best first, pass their relevance on; and how far a chain of
# replacements is followed (Paris -> Berlin -> Lisbon): bounded, so a search stays fast.
_INHERITING = 64
_MAX_HOPS = 8


def inherit_relevance(
    collections: Mapping[ItemKind, ItemCollection],
    scores: Mapping[ItemKind, FloatArray],
    before: Mapping[ItemKind, FloatArray],
    priors: TimePriors,
    context: TimeContext,
    eligible: Callable[[ItemKind], BoolArray],
) -> None:
    """Give the items stating what replaced a stale item's facts that item's relevance.

    ``before``: each kind's fused scores before the time priors; ``scores``: after them
    (raised in place). A fact superseded at ``context.at`` passes its score to its current
    successor (following ``superseded_by``); on questions about that instant
    (``context.turns``) a turn stating only such facts passes it to the turns stating the
    successors, or, for a fact a retraction ended, to the turn that said so ("I left Shopify").
    Only the best stale items pass anything, and nothing is dropped.
    """
    facts = collections.get("fact")
    if not priors.inherit or context.at is None or facts is None or not facts.slot_of:
        return
    at = context.at
    starts, ends = facts.span_starts.view, facts.span_ends.view

    def replacement(slot: int) -> tuple[int | None, str | None]:
        """What ended fact ``slot`` by ``at``, through a chain of replacements: the fact
        current then, or else the chunk whose retraction ended the chain ("I quit Renault")."""
        for _ in range(_MAX_HOPS):
            record = facts.records[slot]
            if record is None:
                return None, None
            following = record.metadata.get("superseded_by")
            if not following:
                retracted_in = record.metadata.get("retracted_in")
                return None, retracted_in if ends[slot] <= at else None
            slot_or_none = facts.slot_of.get(following)
            if slot_or_none is None:
                return None, None
            slot = slot_or_none
            if starts[slot] <= at < ends[slot]:
                return slot, None
        return None, None

    for kind in ("fact", "chunk"):
        if kind not in scores or (kind == "chunk" and not context.turns):
            continue
        collection, mask = collections[kind], eligible(kind)
        _, stale = currency(collection, context)
        stale &= mask
        if not stale.any():
            continue
        slots = np.flatnonzero(stale)
        best = slots[np.argsort(-before[kind][slots], kind="stable")[:_INHERITING]]
        for slot in best.tolist():
            record = collection.records[slot]
            stated = [slot] if kind == "fact" else facts.stated_by(record.id) if record else []
            for fact in stated:
                found, retracted_in = replacement(fact)
                if kind == "fact":
                    heirs = [] if found is None else [found]
                elif found is not None:
                    heirs = _slots(collection, facts, found)
                else:  # the turn that said it ended takes the relevance of the one it ended
                    heir = collection.slot_of.get(retracted_in) if retracted_in else None
                    heirs = [] if heir is None else [heir]
                for heir in heirs:
                    if mask[heir]:
                        inherited = before[kind][slot] + priors.current
                        scores[kind][heir] = max(scores[kind][heir], inherited)


def _slots(chunks: ItemCollection, facts: ItemCollection, fact: int) -> list[int]:
    """The live chunk slots a fact was extracted from."""
    record = facts.records[fact]
    found = (chunks.slot_of.get(c) for c in record.chunk_ids) if record is not None else ()
    return [slot for slot in found if slot is not None]


def chronological(
    collections: Mapping[ItemKind, ItemCollection], hits: Sequence[SearchHit]
) -> list[SearchHit]:
    """``hits`` oldest first by :func:`event_times` (unknown times last, in their order)."""
    times = {kind: event_times(collection) for kind, collection in collections.items()}

    def at(hit: SearchHit) -> float:
        value = float(times[hit.kind][collections[hit.kind].slot_of[hit.id]])
        return math.inf if math.isnan(value) else value

    return sorted(hits, key=at)
