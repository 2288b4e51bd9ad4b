"""Interval recompute inside a write transaction of the SQL graph stores.

For every ``(dataset, source_id, kind)`` group a write touched, read the group's statements (its
relations' mentions) and retractions — in bulk, two indexed queries per dataset and 500 subjects
(the index ``relations_group`` on exactly those columns) — apply the pure rule of
:mod:`cognee_langchain.graph.intervals`, and write back only what changed: the relation (new
``rev``, so the change feed carries it), the mention's closure, and the ``rev`` of every chunk
whose stated fact changed interval (its ``fact_spans``). Relations without a kind belong to no
group: only their own ``valid_at`` is derived, from their mentions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import orjson

from cognee_langchain.graph._sql_dialect import Connection
from cognee_langchain.graph._sql_schema import dumps, marks, slices
from cognee_langchain.graph.intervals import (
    GroupIntervals,
    Statement,
    Withdrawal,
    compute_intervals,
    match_withdrawals,
    name_variants,
)
from cognee_langchain.graph.resolution import normalize_name

__all__ = ["GroupKey", "IntervalCounts", "recompute"]

GroupKey = tuple[str, str, str]
"""``(dataset, source_id, kind)``."""

# relations r LEFT JOIN relation_mentions m: one row per statement (a relation without a mention
# still has one, dated when it was recorded); the last two columns say which group it is of.
_COLUMNS = (
    "SELECT r.id, r.target_id, r.created_at, r.single_valued, r.valid_at, r.valid_grain, "
    "r.valid_phrase, r.invalid_at, r.superseded_by, m.chunk_id, m.valid_at, m.grain, m.phrase, "
    "m.invalid_at, m.superseded_by, r.source_id, r.kind FROM relations r "
    "LEFT JOIN relation_mentions m ON m.relation_id = r.id "
)


@dataclass(slots=True)
class IntervalCounts:
    """What a recompute changed: relations it closed (or stored closed), retractions of this
    write that closed nothing, chunks whose stated facts changed interval."""

    closed: int = 0
    ignored: int = 0
    chunks: set[str] = field(default_factory=set)


def recompute(
    conn: Connection,
    groups: Iterable[GroupKey],
    loose: Iterable[str],
    *,
    rev: int,
    written: set[str],
    fresh: set[tuple[str, str]],
) -> IntervalCounts:
    """Recompute the intervals of ``groups`` and the ``valid_at`` of the kind-less relations
    ``loose``. ``written``: retraction ids this write applied (counted when they close nothing);
    ``fresh``: ``(relation_id, chunk_id)`` mentions this write added (their chunks' spans
    changed even if no interval did)."""
    counts = IntervalCounts()
    statements, retractions = _load(conn, set(groups))
    for group in sorted(statements.keys() | retractions.keys()):
        rows = statements.get(group, [])
        # A kind once declared single-valued for a subject stays so for every relation of the
        # group: deciding by any, not by the latest put, keeps the result order-independent.
        single = any(row[3] for row in rows)
        _apply(conn, rows, retractions.get(group, []), single, rev, written, fresh, counts)
    for part in slices(sorted(loose)):
        rows = conn.execute(
            _COLUMNS + f"WHERE r.kind IS NULL AND r.id IN ({marks(part)})", part
        ).fetchall()
        _apply(conn, rows, [], False, rev, written, fresh, counts)
    for part in slices(sorted(counts.chunks)):
        conn.execute(
            f"UPDATE chunks SET rev = ? WHERE rev < ? AND id IN ({marks(part)})", [rev, rev, *part]
        )
    return counts


Rows = list[tuple[Any, ...]]


def _load(conn: Connection, groups: set[GroupKey]) -> tuple[dict[GroupKey, Rows], ...]:
    """The statement rows and retraction rows of ``groups``, by group. Each query asks for every
    (subject, kind) pair of its subjects and kinds (an index search each); pairs not asked for
    are dropped here."""
    wanted: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for dataset, source_id, kind in groups:
        wanted[dataset][source_id].add(kind)
    statements: dict[GroupKey, Rows] = defaultdict(list)
    retractions: dict[GroupKey, Rows] = defaultdict(list)
    for dataset, by_source in sorted(wanted.items()):
        kinds = sorted(set().union(*by_source.values()))
        for part in slices(sorted(by_source), max(1, 400 - len(kinds))):
            params = [dataset, *part, *kinds]
            where = (
                f"WHERE r.dataset = ? AND r.source_id IN ({marks(part)}) "
                f"AND r.kind IN ({marks(kinds)})"
            )
            for row in conn.execute(_COLUMNS + where, params):
                if row[16] in by_source[row[15]]:
                    statements[(dataset, row[15], row[16])].append(row)
            for row in conn.execute(
                "SELECT r.id, r.target_id, r.at, r.created_at, r.closed, r.source_id, r.kind "
                f"FROM retractions r {where}",
                params,
            ):
                if row[6] in by_source[row[5]]:
                    retractions[(dataset, row[5], row[6])].append(row)
    return statements, retractions


def _apply(
    conn: Connection,
    rows: Sequence[tuple[Any, ...]],
    retractions: Sequence[tuple[Any, ...]],
    single: bool,
    rev: int,
    written: set[str],
    fresh: set[tuple[str, str]],
    counts: IntervalCounts,
) -> None:
    statements = [
        Statement(row[0], row[9] or "", row[1], row[2] if row[10] is None else row[10], row[2])
        for row in rows
    ]
    withdrawals = [Withdrawal(r[0], r[1], r[2], r[3]) for r in retractions]
    targets = {s.target_id for s in statements}
    if single and len(targets) > 1:
        # "Still at Lumen" after "I signed with Lumen Content" restates the employer
        variants = name_variants(_names(conn, sorted(targets)))
        if variants:
            statements = [
                replace(s, target_id=variants.get(s.target_id, s.target_id)) for s in statements
            ]
            withdrawals = [
                w
                if w.target_id is None
                else replace(w, target_id=variants.get(w.target_id, w.target_id))
                for w in withdrawals
            ]
    stated = {s.target_id for s in statements}
    unmatched = {w.target_id for w in withdrawals if w.target_id is not None} - stated
    if unmatched and stated:
        tokens = _name_tokens(conn, sorted(unmatched | stated))
        withdrawals = match_withdrawals(statements, withdrawals, tokens)
    result = compute_intervals(statements, withdrawals, single_valued=single)
    _write_relations(conn, rows, result, single, rev, counts)
    _write_mentions(conn, rows, result, single, fresh, counts)
    for retraction_id, _, _, _, stored, *_ in retractions:
        closed = list(result.closed.get(retraction_id, ()))
        if closed != orjson.loads(stored):
            conn.execute(
                "UPDATE retractions SET closed = ? WHERE id = ?", (dumps(closed), retraction_id)
            )
        if not closed and retraction_id in written:
            counts.ignored += 1


def _names(conn: Connection, entity_ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """The words in order, as its lookup key has them, of each entity named by a proper name,
    by id: a description in lower case ("senior editor", "tiny bakery") has no shorter form."""
    found: dict[str, tuple[str, ...]] = {}
    for part in slices(entity_ids):
        rows = conn.execute(f"SELECT id, name FROM entities WHERE id IN ({marks(part)})", part)
        for entity_id, name in rows:
            if name[:1].isupper():
                found[entity_id] = tuple(normalize_name(name).split())
    return found


def _name_tokens(conn: Connection, entity_ids: Sequence[str]) -> dict[str, frozenset[str]]:
    """The words of each entity's name (its ``entity_tokens``), by id."""
    found: dict[str, set[str]] = defaultdict(set)
    for part in slices(entity_ids):
        rows = conn.execute(
            f"SELECT entity_id, token FROM entity_tokens WHERE entity_id IN ({marks(part)})", part
        )
        for entity_id, token in rows:
            found[entity_id].add(token)
    return {entity_id: frozenset(words) for entity_id, words in found.items()}


def _write_relations(
    conn: Connection,
    rows: Sequence[tuple[Any, ...]],
    result: GroupIntervals,
    single: bool,
    rev: int,
    counts: IntervalCounts,
) -> None:
    stated = {(row[0], row[9] or ""): row for row in rows}
    updates: list[tuple[Any, ...]] = []
    seen: set[str] = set()
    for row in rows:
        relation_id = row[0]
        if relation_id in seen:
            continue
        seen.add(relation_id)
        interval = result.relations[relation_id]
        first = stated[(relation_id, interval.first.chunk_id)]
        dated = first[10] is not None
        closure = interval.closure
        new = (
            int(single),
            interval.valid_at,
            first[11] if dated else None,
            (first[12] or "") if dated else "",
            None if closure is None else closure.at,
            None if closure is None else closure.by,
        )
        if new == (row[3], *row[4:9]):
            continue
        if row[7] is None and closure is not None:
            counts.closed += 1
        updates.append((*new, rev, relation_id))
    conn.executemany(
        "UPDATE relations SET single_valued = ?, valid_at = ?, valid_grain = ?, "
        "valid_phrase = ?, invalid_at = ?, superseded_by = ?, rev = ? WHERE id = ?",
        updates,
    )


def _write_mentions(
    conn: Connection,
    rows: Sequence[tuple[Any, ...]],
    result: GroupIntervals,
    single: bool,
    fresh: set[tuple[str, str]],
    counts: IntervalCounts,
) -> None:
    updates: list[tuple[Any, ...]] = []
    for row in rows:
        if row[9] is None:
            continue
        key = (row[0], row[9])
        closure = result.statements[key]
        new = (None, None) if closure is None else (closure.at, closure.by)
        changed = new != (row[13], row[14])
        if changed:
            updates.append((*new, *key))
        # Only single-valued facts make a chunk's fact_spans; a group that just became
        # single-valued changes the spans of every chunk stating it.
        if single and (changed or key in fresh or not row[3]):
            counts.chunks.add(row[9])
    conn.executemany(
        "UPDATE relation_mentions SET invalid_at = ?, superseded_by = ? "
        "WHERE relation_id = ? AND chunk_id = ?",
        updates,
    )
