"""Entity-neighbourhood expansion: the entity table queries are matched against, and a bounded
personalised PageRank over the bipartite graph of entities and the items that mention them.

Why a walk over items *and* entities: a multi-hop question ("where was the founder of Acme
born?") names one entity (Acme); the chunk that answers it names another (the founder). The walk
goes Acme -> chunks and facts mentioning Acme -> the founder (mentioned there too) -> the
founder's chunks, so the answer chunk collects mass although it shares no word with the
question. Facts (whose entities are their two endpoints) make relation edges part of the same
walk, and co-mentions in a chunk link entities even when no relation was extracted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from cognee_langchain.retrieval.dense import DenseIndex
from cognee_langchain.retrieval.lexical import STOPWORDS, word_tokens
from cognee_langchain.retrieval.types import (
    GrowableArray,
    ItemKind,
    PostingLists,
    RaggedArray,
    RankedList,
    SearchEntity,
    State,
    renumbering,
)

__all__ = ["EntityTable", "Seeds", "WalkSide", "name_key", "personalized_pagerank"]

# Seeds.summed accumulates densely once the rows number more than 1/_DENSE_SUM_RATIO of the space.
_DENSE_SUM_RATIO = 16

# Longest query n-gram looked up as an entity name, which bounds matching work on long queries.
_MAX_NAME_TOKENS = 12


def name_key(name: str) -> str:
    """The normalised form names and aliases are matched on: case-folded word tokens."""
    return " ".join(word_tokens(name))


@dataclass(frozen=True, slots=True)
class Seeds:
    """Nodes (entity rows or item slots) with a weight each."""

    rows: npt.NDArray[np.int64]
    weights: npt.NDArray[np.float64]

    @classmethod
    def summed(cls, rows: npt.ArrayLike, weights: npt.ArrayLike, size: int) -> Seeds:
        """Seeds with the weights of repeated rows (all below ``size``) added up, rows ascending;
        rows whose total is not positive are dropped."""
        rows = np.asarray(rows, dtype=np.int64)
        weights = np.asarray(weights, dtype=np.float64)
        if len(rows) * _DENSE_SUM_RATIO > size:
            # Many rows: accumulating into a dense array is cheaper than sorting them.
            total = np.bincount(rows, weights=weights, minlength=size).astype(
                np.float64, copy=False
            )
            unique = np.flatnonzero(total > 0)
            return cls(unique, total[unique])
        unique, owners = np.unique(rows, return_inverse=True)
        total = np.bincount(owners, weights=weights, minlength=len(unique)).astype(
            np.float64, copy=False
        )
        positive = total > 0
        return cls(unique[positive], total[positive])

    def heaviest(self, count: int) -> Seeds:
        """The ``count`` heaviest seeds (ties to the lower row), rows ascending."""
        if len(self.rows) <= count:
            return self
        weights = self.weights
        kth = np.partition(weights, len(weights) - count)[len(weights) - count]
        above = np.flatnonzero(weights > kth)
        # Rows are ascending, so the first ties are the lowest rows.
        ties = np.flatnonzero(weights == kth)[: count - len(above)]
        keep = np.sort(np.concatenate((above, ties)))
        return Seeds(self.rows[keep], weights[keep])


class EntityTable:
    """Entities by row: ids, the names and aliases queries are matched on, and vectors.

    Items refer to entities by id; an id an item mentions before (or after) the entity itself is
    added gets a *placeholder* row — walkable, but never a seed. A row is reclaimed at compaction
    once it is neither added nor referenced by a live item.
    """

    def __init__(self, dim: int) -> None:
        self._ids: list[str] = []
        self._row_of: dict[str, int] = {}
        self._names: dict[str, list[int]] = {}
        self._row_names: list[tuple[str, ...]] = []
        self._present = GrowableArray(np.bool_)
        self._searchable = GrowableArray(np.bool_)
        self._references = GrowableArray(np.int64)
        self._vectors = DenseIndex(dim)
        self._longest_name = 0

    def __len__(self) -> int:
        """Entities added and not removed."""
        return int(np.count_nonzero(self._present.view))

    @property
    def nbytes(self) -> int:
        python_objects = 150 * len(self._ids) + 120 * len(self._names)
        columns = self._present.nbytes + self._searchable.nbytes + self._references.nbytes
        return python_objects + columns + self._vectors.nbytes

    @property
    def rows(self) -> int:
        """Rows, placeholders and reclaimable rows included."""
        return len(self._ids)

    def resolve(self, ids: Sequence[str]) -> npt.NDArray[np.int32]:
        """The rows of ``ids``, creating placeholder rows for unknown ids."""
        rows = np.empty(len(ids), dtype=np.int32)
        for i, entity_id in enumerate(ids):
            row = self._row_of.get(entity_id)
            if row is None:
                row = self._row_of[entity_id] = len(self._ids)
                self._ids.append(entity_id)
                self._row_names.append(())
            rows[i] = row
        added = len(self._ids) - len(self._present)
        if added:
            self._present.grow_to(len(self._ids))
            self._searchable.grow_to(len(self._ids))
            self._references.grow_to(len(self._ids))
            self._vectors.append(np.zeros((added, self._vectors.dim), dtype=np.float32))
        return rows

    def reference(self, rows: npt.NDArray[np.integer[Any]], delta: int) -> None:
        """Count live items referring to ``rows`` (``delta`` = +1 on add, -1 on removal)."""
        self._references.view[:] += delta * np.bincount(rows, minlength=len(self._ids))

    def upsert(
        self, entities: Sequence[SearchEntity], vectors: npt.NDArray[np.float32], has_vector: Any
    ) -> None:
        """Add or replace ``entities``; ``vectors[i]`` is entity i's unit vector when
        ``has_vector[i]``."""
        rows = self.resolve([entity.id for entity in entities])
        for row, entity in zip(rows.tolist(), entities, strict=True):
            self._unregister_names(row)
            keys = tuple(
                dict.fromkeys(k for k in map(name_key, (entity.name, *entity.aliases)) if k)
            )
            for key in keys:
                self._names.setdefault(key, []).append(row)
                self._longest_name = max(self._longest_name, key.count(" ") + 1)
            self._row_names[row] = keys
        self._present.view[rows] = True
        self._searchable.view[rows] = has_vector
        self._vectors.assign(rows.astype(np.int64), vectors)

    def remove(self, ids: Sequence[str]) -> int:
        """Remove the entities ``ids`` (items keep walking through them); returns how many
        were present."""
        rows = [row for row in map(self._row_of.get, ids) if row is not None]
        rows = [row for row in dict.fromkeys(rows) if self._present.view[row]]
        for row in rows:
            self._unregister_names(row)
        self._present.view[rows] = False
        self._searchable.view[rows] = False
        return len(rows)

    def _unregister_names(self, row: int) -> None:
        for key in self._row_names[row]:
            owners = self._names[key]
            owners.remove(row)
            if not owners:
                del self._names[key]
        self._row_names[row] = ()

    def match_names(self, tokens: Sequence[str]) -> list[int]:
        """Rows whose name or alias occurs in ``tokens`` (see :func:`name_key`).

        Longer names win: once "New York Times" matches, "New York" and "Times" inside it do not.
        N-grams made only of stopwords never match.
        """
        covered = [False] * len(tokens)
        rows: list[int] = []
        longest = min(self._longest_name, _MAX_NAME_TOKENS, len(tokens))
        for size in range(longest, 0, -1):
            for start in range(len(tokens) - size + 1):
                gram = tokens[start : start + size]
                if any(covered[start : start + size]) or all(t in STOPWORDS for t in gram):
                    continue
                owners = self._names.get(" ".join(gram))
                if owners:
                    rows.extend(owners)
                    covered[start : start + size] = [True] * size
        return rows

    def seeds(
        self,
        tokens: Sequence[str],
        query: npt.NDArray[np.float32] | None,
        top_k: int,
        min_similarity: float,
    ) -> Seeds:
        """Entities the query names (weight 1 each) plus, with a query vector, the ``top_k`` most
        similar entities at cosine >= ``min_similarity`` (weight = cosine)."""
        named = self.match_names(tokens)
        rows: list[Any] = [np.array(named, dtype=np.int64)]
        weights: list[Any] = [np.ones(len(named))]
        if query is not None and top_k:
            similar = self._vectors.search(query, top_k, self._searchable.view)
            close = similar.scores >= min_similarity
            rows.append(similar.slots[close])
            weights.append(similar.scores[close].astype(np.float64))
        return Seeds.summed(np.concatenate(rows), np.concatenate(weights), len(self._ids))

    def reclaimable(self) -> int:
        """Rows neither added nor referenced: what :meth:`compact` would drop."""
        return int(np.count_nonzero(~self._present.view & (self._references.view == 0)))

    def compact(self) -> npt.NDArray[np.int64]:
        """Drop reclaimable rows; returns the row renumbering (old -> new, -1 for dropped)."""
        keep = self._present.view | (self._references.view > 0)
        row_map = renumbering(keep)
        kept = np.flatnonzero(keep).tolist()
        self._ids = [self._ids[row] for row in kept]
        self._row_names = [self._row_names[row] for row in kept]
        self._row_of = {entity_id: row for row, entity_id in enumerate(self._ids)}
        self._names = {key: [int(row_map[r]) for r in rows] for key, rows in self._names.items()}
        for column in (self._present, self._searchable, self._references):
            column.keep(keep)
        self._vectors.keep(keep)
        return row_map

    def export(self) -> State:
        """The table as a snapshot holds it."""
        return {
            "ids": self._ids,
            "names": self._row_names,
            "present": self._present.view,
            "searchable": self._searchable.view,
            "references": self._references.view,
            "vectors": self._vectors.export(),
        }

    @classmethod
    def restore(cls, state: State) -> EntityTable:
        """The table :meth:`export` gave; the name lookup is rebuilt from each row's names."""
        vectors = DenseIndex.restore(state["vectors"])
        table = cls(vectors.dim)
        table._vectors = vectors
        table._ids = list(state["ids"])
        table._row_of = {entity_id: row for row, entity_id in enumerate(table._ids)}
        table._row_names = [tuple(names) for names in state["names"]]
        for row, keys in enumerate(table._row_names):
            for key in keys:
                table._names.setdefault(key, []).append(row)
                table._longest_name = max(table._longest_name, key.count(" ") + 1)
        table._present = GrowableArray.of(state["present"])
        table._searchable = GrowableArray.of(state["searchable"])
        table._references = GrowableArray.of(state["references"])
        return table


@dataclass(frozen=True, slots=True)
class WalkSide:
    """One item kind as the walk sees it."""

    mentions: PostingLists
    """entity row -> slots of items of this kind that mention it."""
    entities: RaggedArray
    """slot -> entity rows the item mentions."""
    eligible: npt.NDArray[np.bool_]
    """Slots the walk may visit: live and passing the search filters. The walk never passes
    through an item the search could not return, so filtered-out data cannot steer results."""


def personalized_pagerank(
    seeds: Seeds,
    sides: Mapping[ItemKind, WalkSide],
    *,
    entity_rows: int,
    damping: float,
    hops: int,
    max_frontier: int,
    k: int,
) -> dict[ItemKind, RankedList]:
    """Truncated personalised PageRank from seed entities; the ``k`` heaviest items per kind.

    A walk alternates entity -> item -> entity -> ... for ``hops`` entity -> item moves. Each
    move keeps a fraction ``damping`` of the mass moving (an entity's evenly over the live items
    mentioning it, an item's evenly over its entities); an item scores ``(1 - damping)`` times
    the mass that reached it — the truncated series ``(1 - d) sum_t d^t (P^T)^t r`` over the
    item side of the bipartite graph. At most ``max_frontier`` entities spread mass at each move
    (see :class:`_Walk`). ``entity_rows`` bounds the entity rows the seeds and items refer to.
    """
    walk = _Walk(sides, entity_rows, damping, max_frontier)
    total = float(seeds.weights.sum())
    if total <= 0:
        return {kind: RankedList.top(np.empty(0), k) for kind in sides}
    entities = Seeds(seeds.rows, seeds.weights / total)
    reached: dict[ItemKind, list[Seeds]] = {kind: [] for kind in sides}
    items: dict[ItemKind, Seeds] = {}
    for hop in range(hops):
        if hop:
            entities = walk.to_entities(items)
        items = walk.to_items(entities)
        for kind, mass in items.items():
            reached[kind].append(mass)
    ranked = {}
    for kind, parts in reached.items():
        mass = Seeds.summed(
            np.concatenate([p.rows for p in parts]),
            np.concatenate([p.weights for p in parts]) * (1.0 - damping),
            len(sides[kind].eligible),
        )
        best = RankedList.top(mass.weights, k)
        ranked[kind] = RankedList(mass.rows[best.slots], best.scores)
    return ranked


@dataclass(frozen=True, slots=True)
class _Walk:
    """One step of the walk in each direction.

    Only the ``max_frontier`` entities giving each of their items the largest share of mass
    (mass / live degree) spread it: specific entities first, hubs — which spread little mass per
    item over thousands of items, and cost the most to expand — last. Items are never pruned, so
    equally heavy items are never cut arbitrarily.
    """

    sides: Mapping[ItemKind, WalkSide]
    entity_rows: int
    damping: float
    max_frontier: int

    def to_items(self, entities: Seeds) -> dict[ItemKind, Seeds]:
        """Each entity's mass, spread evenly over the live items mentioning it."""
        sides = self.sides.values()
        degree = np.sum([side.mentions.counts(entities.rows) for side in sides], axis=0)
        mentioned = degree > 0
        shares = Seeds(entities.rows[mentioned], entities.weights[mentioned] / degree[mentioned])
        shares = shares.heaviest(self.max_frontier)
        moved = {}
        for kind, side in self.sides.items():
            owners, slots = side.mentions.gather(shares.rows)
            visit = side.eligible[slots]
            mass = self.damping * shares.weights[owners[visit]]
            moved[kind] = Seeds.summed(slots[visit], mass, len(side.eligible))
        return moved

    def to_entities(self, items: Mapping[ItemKind, Seeds]) -> Seeds:
        """Each item's mass, spread evenly over the entities it mentions."""
        rows: list[Any] = [np.empty(0, np.int64)]
        mass: list[Any] = [np.empty(0)]
        for kind, seeds in items.items():
            side = self.sides[kind]
            owners, entity_rows = side.entities.gather(seeds.rows)
            lengths = side.entities.lengths(seeds.rows)
            rows.append(entity_rows)
            mass.append(self.damping * seeds.weights[owners] / lengths[owners])
        return Seeds.summed(np.concatenate(rows), np.concatenate(mass), self.entity_rows)
