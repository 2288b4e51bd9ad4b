"""Searches described as data, and the named presets the public search types map to.

A :class:`SearchConfig` says which item kinds are ranked by which rankers (with what weight),
whether the entity-graph expansion runs and how far, and how the rankings are fused. The engine
executes any config the same way; a search type is just the name of a preset in
:data:`SEARCH_PRESETS`. New behaviour is a new config, not a new branch in the ranking code.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from cognee_langchain.core.defaults import DEFAULT_SEARCH_TYPE, DEFAULT_TOP_K
from cognee_langchain.core.validation import check_int, check_number, check_positive
from cognee_langchain.errors import InvalidInputError
from cognee_langchain.retrieval.fusion import DEFAULT_RRF_K
from cognee_langchain.retrieval.types import ITEM_KINDS, ItemKind

__all__ = [
    "DEFAULT_SEARCH_TYPE",
    "SEARCH_PRESETS",
    "ExpansionConfig",
    "Ranker",
    "RankerConfig",
    "SearchConfig",
    "get_search_config",
    "hybrid_rankers",
]


class Ranker(StrEnum):
    """How one item kind is ranked against the query."""

    BM25 = "bm25"
    """Lexical: Okapi BM25 over the item text."""
    DENSE = "dense"
    """Semantic: cosine similarity of the item vector and the query vector."""


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise InvalidInputError(f"Invalid search config: {message}.")


def _check(check: Callable[..., object], value: object, name: str, **bounds: Any) -> None:
    """A :mod:`~cognee_langchain.core.validation` check, its failure reported as a config error."""
    try:
        check(value, name, **bounds)
    except InvalidInputError as exc:
        raise InvalidInputError(f"Invalid search config: {exc}") from None


def _check_kinds(kinds: tuple[ItemKind, ...]) -> None:
    unknown = [kind for kind in kinds if kind not in ITEM_KINDS]
    _require(not unknown, f"unknown item kinds {unknown}; use {list(ITEM_KINDS)}")


@dataclass(frozen=True, slots=True)
class RankerConfig:
    """One ranked list fed to the fusion: ``ranker`` applied to items of ``kind``."""

    kind: ItemKind
    ranker: Ranker
    weight: float = 1.0

    def __post_init__(self) -> None:
        _check_kinds((self.kind,))
        try:
            # Accept the plain string too ("bm25"), as a config read from JSON/YAML has it.
            object.__setattr__(self, "ranker", Ranker(self.ranker))
        except ValueError:
            _require(False, f"unknown ranker {self.ranker!r}; use {[r.value for r in Ranker]}")
        _check(check_number, self.weight, "weight")


@dataclass(frozen=True, slots=True)
class ExpansionConfig:
    """Entity-neighbourhood expansion: a personalised PageRank over the item–entity graph.

    The walk restarts at seeds: entities whose name or alias appears in the query (weight 1)
    and the ``entity_top_k`` entities most similar to the query vector with cosine at least
    ``entity_min_similarity`` (weight = cosine). Mass moves between entities and the items
    of ``kinds`` that mention them, for ``hops`` entity -> item moves (2: items naming a seed,
    then items naming an entity those items name); a fraction ``damping`` of the mass moves on
    at each move, the rest stays. At each move only the ``max_frontier`` entities with the
    largest mass per item they mention spread mass, which bounds the work whatever the graph's
    hubs. Items reached are ranked
    by the mass they collected, and each kind's ranking joins the fusion with ``weight``.

    Only entities seed the walk, never the rankers' best items: rank fusion gives every item of
    the walk's ranking a sizeable boost however little mass it got, so seeding from possibly
    wrong hits would amplify them (measured: multi-hop recall@4 fell from 1.0 to 0.27 on the
    unit-test corpus even at seed weight 0.02).
    """

    kinds: tuple[ItemKind, ...] = ("chunk", "fact")
    weight: float = 1.0
    damping: float = 0.5
    hops: int = 2
    max_frontier: int = 64
    entity_top_k: int = 5
    entity_min_similarity: float = 0.5

    def __post_init__(self) -> None:
        _check_kinds(self.kinds)
        _require(bool(self.kinds), "expansion needs at least one item kind to walk through")
        _check(check_number, self.weight, "weight")
        _check(check_number, self.damping, "damping", exclusive=True)
        _require(self.damping < 1, f"damping must be < 1, got {self.damping!r}")
        _check(check_positive, self.hops, "hops")
        _check(check_positive, self.max_frontier, "max_frontier")
        _check(check_int, self.entity_top_k, "entity_top_k")
        _check(check_number, self.entity_min_similarity, "entity_min_similarity", minimum=-1)
        _require(
            self.entity_min_similarity <= 1,
            f"entity_min_similarity is a cosine (at most 1), got {self.entity_min_similarity!r}",
        )


@dataclass(frozen=True, slots=True)
class SearchConfig:
    """A search as data: rankers, optional expansion, fusion constant and result limit.

    Every ranked list is cut at ``max(candidates, limit)`` entries before fusion.
    """

    rankers: tuple[RankerConfig, ...]
    expansion: ExpansionConfig | None = None
    rrf_k: float = DEFAULT_RRF_K
    limit: int = DEFAULT_TOP_K
    candidates: int = 100

    def __post_init__(self) -> None:
        _require(bool(self.rankers) or self.expansion is not None, "nothing to rank")
        _check(check_number, self.rrf_k, "rrf_k", exclusive=True)
        _require(math.isfinite(self.rrf_k), f"rrf_k must be finite, got {self.rrf_k!r}")
        _check(check_positive, self.limit, "limit")
        _check(check_positive, self.candidates, "candidates")

    @property
    def needs_query_vector(self) -> bool:
        """Whether executing this config uses the query's embedding."""
        dense = any(spec.ranker is Ranker.DENSE for spec in self.rankers)
        return dense or (self.expansion is not None and self.expansion.entity_top_k > 0)


def hybrid_rankers(kind: ItemKind) -> tuple[RankerConfig, ...]:
    """BM25 and dense ranking of one item kind, equally weighted."""
    return (RankerConfig(kind, Ranker.BM25), RankerConfig(kind, Ranker.DENSE))


SEARCH_PRESETS: Mapping[str, SearchConfig] = MappingProxyType(
    {
        "chunks": SearchConfig(rankers=hybrid_rankers("chunk")),
        "facts": SearchConfig(rankers=hybrid_rankers("fact")),
        "summaries": SearchConfig(rankers=hybrid_rankers("summary")),
        "graph": SearchConfig(rankers=hybrid_rankers("chunk"), expansion=ExpansionConfig()),
    }
)
"""The search types: ``chunks``, ``facts``, ``summaries`` — hybrid BM25 + dense over one item
kind — and ``graph`` (the default): hybrid chunks fused with the chunks and facts reached by the
entity-neighbourhood expansion."""


def get_search_config(search_type: str | SearchConfig) -> SearchConfig:
    """The config of a search type name (a config passes through unchanged).

    Raises :class:`InvalidInputError` listing the valid names when ``search_type`` is unknown.
    """
    if isinstance(search_type, SearchConfig):
        return search_type
    config = SEARCH_PRESETS.get(search_type) if isinstance(search_type, str) else None
    if config is None:
        raise InvalidInputError(
            f"Unknown search type {search_type!r}: use one of {sorted(SEARCH_PRESETS)} "
            "or pass a SearchConfig."
        )
    return config
