"""Time at query time: what a search knows of time, and which items it raises or lowers.

The engine never reads a clock nor parses dates: its owner (the search service) turns ``as_of``,
``time_range`` and the query's own time cues into a :class:`TimeContext` of epoch seconds, and the
functions here read it against an item collection's columns, vectorised:

* *current* / *stale*: a fact true / not true at ``at`` (superseded or retracted before it, or
  not yet true), and — when the question is about that instant (``turns``) — a turn stating a
  fact true then / only facts that are not;
* *in the window*: a turn or summary said inside ``[start, end)``, a fact whose validity interval
  overlaps it;
* *the asked versions*: when the question names a subject and the kinds of fact it asks about
  ("Where does Alice live?": Alice, ``lives_in``), the subject's facts of those kinds true at the
  judged instant or during the window are the answer: the turns stating them go first.

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
    "versions_first",
]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class TimeContext:
    """What one search knows of time, in epoch seconds.

    ``at``: the instant what is current is judged at (``None``: no judgement, e.g. a question
    about a past window). ``start`` / ``end``: the window asked about, start inclusive, end
    exclusive, ``None`` for an open side (both ``None``: no window). ``turns``: also judge turns
    by the facts they state (a present-tense question, an explicit ``as_of``, or a question about
    a window that asks for ``kinds``). ``kinds``: the relation kinds the question asks about
    ("lives_in"), of which ``single`` are single-valued (one value at a time) or, on a question
    saying "now", all of them (only what holds now answers). ``latest``: the question says
    outright that it asks about now ("now", "currently", "these days"): the latest statement of
    whatever it asks is the likeliest answer; so too on a question asking whether a state lasts
    ("Does Joy still own her Yamaha Mio?"). ``state``: the question asks what held during the
    asked window, not what happened in it ("Where did Priya live in March 2022?" against "What
    did John attend in March 2023?"). ``kind_words``: the words that state a fact of ``kinds``
    ("marry", "engage", "girlfriend" for ``relationship_status``), which
    :attr:`~cognee_langchain.retrieval.config.TimePriors.kind_words` reads as query terms.
    """

    at: float | None = None
    start: float | None = None
    end: float | None = None
    turns: bool = False
    kinds: frozenset[str] = frozenset()
    single: frozenset[str] = frozenset()
    latest: bool = False
    state: bool = False
    kind_words: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        for name in ("at", "start", "end"):
            value = getattr(self, name)
            if value is not None and not (isinstance(value, int | float) and math.isfinite(value)):
                raise InvalidInputError(f"TimeContext.{name} must be finite epoch seconds.")
        if self.start is not None and self.end is not None and self.start >= self.end:
            raise InvalidInputError("TimeContext window start must be before its end.")
        if not self.single <= self.kinds:
            raise InvalidInputError(
                "TimeContext.single must be a subset of kinds: list each single-valued kind "
                "in kinds too."
            )

    @property
    def windowed(self) -> bool:
        """Whether the search asks about a window."""
        return self.start is not None or self.end is not None

    def true_then(self, starts: FloatArray, ends: FloatArray) -> BoolArray | None:
        """Which validity intervals ``[starts, ends)`` answer a question judged at this context
        (``None``: nothing is judged): those holding at the judged instant; for a question
        about a window that judges turns, those overlapping it — except that before a point
        ("before Zalando") only what had ended by then counts, and after one only what began
        since (the version the point itself started or ended is not the one asked for)."""
        if self.at is not None:
            return (starts <= self.at) & (self.at < ends)
        if not (self.turns and self.windowed):
            return None
        if self.start is None:
            return ends <= (math.inf if self.end is None else self.end)
        if self.end is None:
            return starts >= self.start
        return (starts < self.end) & (ends > self.start)


def currency(collection: ItemCollection, context: TimeContext) -> tuple[BoolArray, BoolArray]:
    """(items stating something true at ``context.at``, items stating only what is not), turns
    only when ``context.turns``; items stating nothing are neither."""
    size = len(collection.records)
    if context.at is None or (collection.kind != "fact" and not context.turns):
        none = np.zeros(size, dtype=np.bool_)
        return none, none
    starts, ends = collection.span_starts.view, collection.span_ends.view
    states = ~np.isnan(starts)
    current = context.true_then(starts, ends)
    assert current is not None, "an instant is judged"
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


def time_boost(
    collection: ItemCollection,
    priors: TimePriors,
    context: TimeContext,
    scope: FloatArray | float = 1.0,
) -> FloatArray:
    """Per item, the :class:`TimePriors` boost of ``context`` (zeros when nothing fires); the
    window's share times ``scope`` (1: every item)."""
    boost = np.zeros(len(collection.records))
    if priors.stale or priors.current:
        current, stale = currency(collection, context)
        boost += priors.current * current + priors.stale * stale
    if priors.window and context.windowed:
        boost += priors.window * in_window(collection, context) * scope
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


# Promoted turns keep their order by this much per place, far below any score gap that matters.
_STEP = 1e-6


def versions_first(
    collections: Mapping[ItemKind, ItemCollection],
    scores: Mapping[ItemKind, FloatArray],
    priors: TimePriors,
    context: TimeContext,
    subjects: Sequence[int],
    eligible: Callable[[ItemKind], BoolArray],
) -> None:
    """Put first the turns stating the asked versions: of the facts whose subject is one of the
    entity rows ``subjects`` (the entities the question names) and whose kind is one of
    ``context.kinds``, those answering at the judged time (:meth:`TimeContext.true_then`).

    - A single-valued kind: "Where does Alice live?" is answered by the turn stating her current
      home, however well an older home's turn matches the words; "Where did Alice work before
      Zalando?" by the employers that had ended by then, latest first ("after": earliest
      first). With no version holding at the instant (or the window's start), the turn whose
      retraction ended the latest one goes first ("Is Tom employed?" — "I quit the bank").
    - Any kind before a point: the versions that had ended by then ("What did Hana drink
      before green tea?").
    - A named value that has ended, any kind: the turn that ended it ("Does Rhea still ride her
      Enfield?" — "I sold the Enfield").

    Turns stating only versions that do not answer lose ``priors.stale`` (for a single-valued
    kind at an instant, :func:`time_boost` did it already; a many-valued kind before a point
    loses nothing: a taste still held then was held before). Chunk ``scores`` change in place:
    each promoted turn goes ``priors.current`` above every other eligible turn, those stating no
    outdated version first."""
    facts, chunks = collections.get("fact"), collections.get("chunk")
    if (
        facts is None
        or chunks is None
        or "chunk" not in scores
        or not context.kinds
        or not subjects
        or not context.turns
    ):
        return
    found, targets, fact_kinds = _asked_facts(facts, context, subjects, eligible("fact"))
    if not len(found):
        return
    holds = context.true_then(facts.span_starts.view[found], facts.span_ends.view[found])
    if holds is None:
        return
    chunk_scores, usable = scores["chunk"], eligible("chunk")
    promoted: list[int] = []
    ended: list[int] = []  # turns that ended what was asked: after the versions that hold
    outdated: set[int] = set()
    # Before a point, the versions that had ended are few whatever the kind ("What did she
    # drink before green tea?"); otherwise only a single-valued kind has one answer.
    before = context.at is None and context.start is None
    for kind in sorted(context.kinds):
        mine = fact_kinds == kind
        right, wrong = found[mine & holds], found[mine & ~holds]
        if kind in context.single or before:
            promoted += _turns(chunks, facts, _in_order(facts, right, context), usable)
        if kind in context.single:
            outdated.update(_turns(chunks, facts, wrong, usable))
            # Nothing held then: what ended the last version before it answers ("What did Tom
            # do in August?" — "I quit the bank in May").
            then = context.at if context.at is not None else context.start
            if not len(right) and then is not None:
                ended += _retraction_turn(chunks, facts, wrong, then, usable)
        elif not before:  # a taste still held at the point was held before it too
            stated = set(_turns(chunks, facts, right, usable))
            for turn in _turns(chunks, facts, wrong, usable):
                if turn not in stated:
                    chunk_scores[turn] += priors.stale
    if context.at is not None:
        # "Does Rhea still ride her Royal Enfield?": a named value that has ended is answered
        # by the turn that ended it ("I sold the Enfield"), whatever the kind.
        named = np.isin(targets, np.asarray(subjects, dtype=np.int64)) & ~holds
        ended = _retraction_turn(chunks, facts, found[named], context.at, usable) + ended
    # A turn that also states an outdated version ("I'm head baker at Pan de Oro", the bakery
    # since left) comes after the turns that state none.
    ordered = sorted(dict.fromkeys(promoted), key=lambda turn: turn in outdated)
    ordered += [turn for turn in dict.fromkeys(ended) if turn not in ordered]
    if context.at is None:
        # At an instant the turns' own intervals lowered these already (time_boost); about a
        # window, a turn stating only versions of another time ("I moved to Porto", asked
        # where she lived before Porto) is lowered here; not a turn whose own interval answers
        # (one telling the change itself, "PM -> Senior PM", answers for before it too).
        lowered = np.fromiter(outdated.difference(ordered), dtype=np.int64)
        answers = context.true_then(
            chunks.span_starts.view[lowered], chunks.span_ends.view[lowered]
        )
        assert answers is not None, "versions are judged, so turns are"
        chunk_scores[lowered[~answers]] += priors.stale
    if ordered and usable.any():
        top = float(chunk_scores[usable].max()) + priors.current
        for place, turn in enumerate(ordered):
            chunk_scores[turn] = max(chunk_scores[turn], top - place * _STEP)


def _asked_facts(
    facts: ItemCollection, context: TimeContext, subjects: Sequence[int], usable: BoolArray
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.object_]]:
    """Eligible fact slots with a known interval whose subject (first entity) is one of
    ``subjects`` and whose kind is asked; each one's target (second entity) row (-1: none) and
    kind."""
    parts = [facts.mentions.get(row)[0] for row in subjects]
    slots = np.unique(np.concatenate(parts)) if parts else np.empty(0, np.int64)
    slots = slots[usable[slots] & ~np.isnan(facts.span_starts.view[slots])]
    records = [facts.records[slot] for slot in slots.tolist()]
    kinds = np.array([r.metadata.get("kind") if r else None for r in records], dtype=object)
    asked = np.array([kind in context.kinds for kind in kinds], dtype=np.bool_)
    slots, kinds = slots[asked], kinds[asked]
    if not len(slots):
        return slots, slots, kinds
    owners, rows = facts.entities.gather(slots)
    # gather lists each owner's rows in order, owners ascending: its subject, then its target.
    ends = np.searchsorted(owners, np.arange(len(slots)), side="right")
    starts = np.searchsorted(owners, np.arange(len(slots)))
    padded = np.concatenate((rows.astype(np.int64), [-1, -1]))
    first = np.where(ends > starts, padded[starts], -1)
    second = np.where(ends > starts + 1, padded[np.minimum(starts + 1, len(rows))], -1)
    mine = np.isin(first, np.asarray(subjects, dtype=np.int64))
    return slots[mine], second[mine], kinds[mine]


def _in_order(
    facts: ItemCollection, slots: npt.NDArray[np.int64], context: TimeContext
) -> npt.NDArray[np.int64]:
    """Versions in the order they answer: before a point, latest first; after one, earliest
    first; else as found."""
    starts = facts.span_starts.view[slots]
    if context.at is None and context.start is None:
        return slots[np.argsort(-starts, kind="stable")]
    if context.at is None and context.end is None:
        return slots[np.argsort(starts, kind="stable")]
    return slots


def _turns(
    chunks: ItemCollection, facts: ItemCollection, slots: npt.NDArray[np.int64], usable: BoolArray
) -> list[int]:
    """The eligible chunk slots stating the facts ``slots``, in their order."""
    found: list[int] = []
    for slot in slots.tolist():
        record = facts.records[slot]
        for chunk_id in record.chunk_ids if record is not None else ():
            turn = chunks.slot_of.get(chunk_id)
            if turn is not None and usable[turn]:
                found.append(turn)
    return found


def _retraction_turn(
    chunks: ItemCollection,
    facts: ItemCollection,
    wrong: npt.NDArray[np.int64],
    at: float,
    usable: BoolArray,
) -> list[int]:
    """The turn that retracted the latest of the facts ``wrong`` to end by ``at``."""
    ends = facts.span_ends.view[wrong]
    for slot in wrong[np.argsort(-ends, kind="stable")].tolist():
        record = facts.records[slot]
        retracted_in = record.metadata.get("retracted_in") if record is not None else None
        if retracted_in and facts.span_ends.view[slot] <= at:
            turn = chunks.slot_of.get(retracted_in)
            return [turn] if turn is not None and usable[turn] else []
    return []
