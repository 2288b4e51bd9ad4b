"""When each fact of one subject and relation kind was true: the pure interval rule.

A *group* is the facts of one ``(dataset, subject, kind)``. Its *statements* are the mentions of
its relations (a chunk saying the fact became true at some time) and its *retractions* (a chunk
saying a fact stopped being true). :func:`compute_intervals` walks them in time order and decides,
for every statement, when the value it states stopped being true and what replaced it:

- single-valued kinds (lives in, works at): a statement of another target than the current value
  closes every open statement of the current value (``invalid_at`` = its time, ``superseded_by``
  = its relation); a statement of the current value is a restatement (nothing closes); a
  statement older than the current value is closed by the next change after it, as if it had
  been ingested in order;
- a target named by a name that opens another target's name ("Lumen" after "Lumen Content") is
  that target said shorter (:func:`name_variants`, applied by the store): a restatement;
- many-valued kinds (likes, visited): statements never close each other;
- a retraction closes the open statements of its target (any target when ``None``, single-valued
  kinds only), without a successor; one that closes nothing is a no-op (``closed`` is empty).
  A retraction may name its target by a shorter or longer form than the statements do ("I sold
  the Buick" of "Buick LeSabre", "sold the clubs" of "golf clubs"): :func:`match_withdrawals`
  aims it at the one stated target its name's words contain or are contained in.

Order: ``(time, recorded time, retractions before statements, id, chunk id)`` — the later
recorded statement wins a tie, and a retraction and a new value said at the same time ("I quit
Renault, I'm now at Zalando") end the old value and then start the new one. The result depends only
on the statements, never on the order they were ingested in.

A relation stated again after another value replaced it (Paris, Berlin, Paris again) has one
statement per period; its own interval is the hull: it became true at its earliest statement and
ends with its latest one (current when that one is open).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

__all__ = [
    "Closure",
    "GroupIntervals",
    "RelationInterval",
    "Statement",
    "Withdrawal",
    "compute_intervals",
    "match_withdrawals",
    "name_variants",
]


@dataclass(frozen=True, slots=True)
class Statement:
    """One chunk stating that relation ``relation_id`` (towards ``target_id``) became true at
    ``at``; ``recorded``: when the memory learned the relation."""

    relation_id: str
    chunk_id: str
    target_id: str
    at: float
    recorded: float


@dataclass(frozen=True, slots=True)
class Withdrawal:
    """A retraction: the fact towards ``target_id`` (any, when ``None``) ended at ``at``."""

    id: str
    target_id: str | None
    at: float
    recorded: float


@dataclass(frozen=True, slots=True)
class Closure:
    """When a statement's value stopped being true, and the relation that replaced it
    (``None``: retracted)."""

    at: float
    by: str | None


@dataclass(frozen=True, slots=True)
class RelationInterval:
    """A relation's hull: ``valid_at`` of its earliest statement (``first`` is that statement),
    and the closure of its latest one (``None``: still true)."""

    valid_at: float
    first: Statement
    closure: Closure | None


@dataclass(frozen=True, slots=True)
class GroupIntervals:
    """The result for one group: per statement (by ``(relation_id, chunk_id)``) its closure or
    ``None`` (open), per relation its interval, per retraction the relations it closed."""

    statements: dict[tuple[str, str], Closure | None]
    relations: dict[str, RelationInterval]
    closed: dict[str, tuple[str, ...]]


def match_withdrawals(
    statements: Iterable[Statement],
    withdrawals: Iterable[Withdrawal],
    tokens: Mapping[str, frozenset[str]],
) -> list[Withdrawal]:
    """``withdrawals``, each one whose target no statement names aimed instead at the single
    stated target whose name's words (``tokens``, by entity id) hold its own or are held by
    them: "the Buick" ends "Buick LeSabre", "the clinic" ends "Ortiz Large Animal Clinic". A
    name matching two stated targets ("the car" of "red car" and "old car"), or none, stays as
    it was: guessing would close a fact nobody ended."""
    stated = {s.target_id for s in statements}
    out = []
    for withdrawal in withdrawals:
        target = withdrawal.target_id
        words = tokens.get(target, frozenset()) if target is not None else frozenset()
        if target is not None and target not in stated and words:
            forms = [
                other
                for other in sorted(stated)
                if (found := tokens.get(other)) and (words <= found or found <= words)
            ]
            if len(forms) == 1:
                withdrawal = replace(withdrawal, target_id=forms[0])
        out.append(withdrawal)
    return out


def name_variants(names: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """For single-valued targets named by their words in order (``names``, by entity id), the
    target each one is a shorter form of: a name that opens another and opens no third
    ("Lumen" of "Lumen Content", "St Luke" of "St Luke BGC") is the same value said shorter,
    no change of it. "York" does not open "New York"; targets with no longer form are left
    out."""
    variants: dict[str, str] = {}
    for short, words in names.items():
        longer = [
            other
            for other, found in names.items()
            if other != short
            and words
            and len(found) > len(words)
            and tuple(found[: len(words)]) == tuple(words)
        ]
        # the longest form, when the longer forms are all one name said at more length
        longest = max(longer, key=lambda other: len(names[other]), default=None)
        if longest is not None and all(
            tuple(names[longest][: len(names[other])]) == tuple(names[other]) for other in longer
        ):
            variants[short] = longest
    return variants


def compute_intervals(
    statements: Iterable[Statement], withdrawals: Iterable[Withdrawal], *, single_valued: bool
) -> GroupIntervals:
    """The intervals of one group (see the module docstring for the rule)."""
    events: list[tuple[tuple[float, float, int, str, str], Statement | Withdrawal]] = []
    for s in statements:
        events.append(((s.at, s.recorded, 1, s.relation_id, s.chunk_id), s))
    for w in withdrawals:
        events.append(((w.at, w.recorded, 0, w.id, ""), w))
    events.sort(key=lambda event: event[0])

    closures: dict[tuple[str, str], Closure | None] = {}
    closed: dict[str, tuple[str, ...]] = {}
    # target -> its statements open now; single-valued groups hold at most one target.
    open_now: dict[str, list[Statement]] = {}

    def close(targets: Sequence[str], closure: Closure) -> tuple[str, ...]:
        ended: list[str] = []
        for target in targets:
            for s in open_now.pop(target, []):
                closures[(s.relation_id, s.chunk_id)] = closure
                ended.append(s.relation_id)
        return tuple(dict.fromkeys(ended))

    for _, event in events:
        if isinstance(event, Statement):
            closures[(event.relation_id, event.chunk_id)] = None
            if single_valued:
                changed = [t for t in open_now if t != event.target_id]
                close(changed, Closure(event.at, event.relation_id))
            open_now.setdefault(event.target_id, []).append(event)
        elif event.target_id is not None:
            closed[event.id] = close([event.target_id], Closure(event.at, None))
        else:
            # "I no longer work there": ends the current value of a single-valued kind; for a
            # many-valued kind it names no value, so it ends nothing.
            closed[event.id] = (
                close(list(open_now), Closure(event.at, None)) if single_valued else ()
            )

    return GroupIntervals(closures, _hulls(events, closures), closed)


def _hulls(
    events: Sequence[tuple[object, Statement | Withdrawal]],
    closures: dict[tuple[str, str], Closure | None],
) -> dict[str, RelationInterval]:
    """Each relation's interval from its statements, which ``events`` holds in walk order."""
    first: dict[str, Statement] = {}
    last: dict[str, Statement] = {}
    for _, event in events:
        if isinstance(event, Statement):
            first.setdefault(event.relation_id, event)
            last[event.relation_id] = event
    return {
        rid: RelationInterval(s.at, s, closures[(last[rid].relation_id, last[rid].chunk_id)])
        for rid, s in first.items()
    }
