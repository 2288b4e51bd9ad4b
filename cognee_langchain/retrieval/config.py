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
from cognee_langchain.core.validation import check_bool, check_int, check_number, check_positive
from cognee_langchain.errors import InvalidInputError
from cognee_langchain.retrieval.fusion import DEFAULT_RRF_K
from cognee_langchain.retrieval.types import ITEM_KINDS, ItemKind

__all__ = [
    "DEFAULT_SEARCH_TYPE",
    "SEARCH_PRESETS",
    "ExpansionConfig",
    "Fusion",
    "PriorConfig",
    "Ranker",
    "RankerConfig",
    "SearchConfig",
    "TermExpansion",
    "TimePriors",
    "fused_rankers",
    "get_search_config",
    "hybrid_rankers",
]


class Ranker(StrEnum):
    """How one item kind is ranked against the query."""

    BM25 = "bm25"
    """Lexical: Okapi BM25 over the item text."""
    DENSE = "dense"
    """Semantic: cosine similarity of the item vector and the query vector."""
    CONTEXT = "context"
    """Lexical: Okapi BM25 over the item's index-only context (a turn's neighbouring turns)."""


class Fusion(StrEnum):
    """How the ranked lists of a search are combined."""

    RRF = "rrf"
    """Reciprocal rank fusion: ranks only (``weight / (rrf_k + rank)``)."""
    SCORE = "score"
    """Score fusion: each list's scores min-max normalised over the eligible items, weighted and
    summed, plus the priors. Keeps how far apart hits are, which ranks alone lose: a weak lane
    then nudges the order instead of dragging strong hits of another lane down."""


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
class PriorConfig:
    """Boosts added to an item's fused score (score fusion only; fused scores lie in about
    ``[0, sum of weights]``, so a boost of 0.2 is a fifth of a perfect lexical match).

    The defaults are the best measured on LoCoMo's development split (``benchmarks/
    memory_quality.py``); they only fire on conversation turns, apart from ``question`` and
    ``time``, which read any item's text.

    ``speaker``: for items spoken by someone the query names. ``conversation``: for items of the
    sessions the people the query names speak in, when the memory holds other sessions too (a
    dataset of many people's conversations: measured on the time-and-change fixtures, current-
    value recall within 200 words .947 -> .954 held-out, .923 -> .940 on the third development
    fixture; nothing changes where everyone speaks in every session). ``group``: times the item's
    session relevance (the mean of the ``group_depth`` best normalised lexical scores in its
    session or document).
    ``time``: for items mentioning a time, on questions asking when or how long. ``date``: for
    items whose time falls in a month or year the query names. ``question``: for items that are
    themselves questions (usually negative: the answer is in the reply).
    """

    speaker: float = 0.6
    conversation: float = 0.6
    group: float = 0.6
    time: float = 0.4
    date: float = 0.6
    question: float = -0.15
    group_depth: int = 2

    def __post_init__(self) -> None:
        for name in ("speaker", "conversation", "group", "time", "date", "question"):
            value = getattr(self, name)
            _check(check_number, value, name, minimum=-math.inf)
            _require(math.isfinite(value), f"prior {name} must be finite, got {value!r}")
        _check(check_positive, self.group_depth, "group_depth")


@dataclass(frozen=True, slots=True)
class TimePriors:
    """Boosts from time, with either fusion (they fire only when the search is given a time
    context: ``as_of``, ``time_range`` or the query's own time cues, see
    :class:`~cognee_langchain.retrieval.timing.TimeContext`).

    ``stale``: for facts not true at the judged instant (superseded, retracted, not yet true)
    and, on questions about that instant (present tense or an explicit ``as_of``), for turns
    whose stated facts all are. ``current``: for facts true then and, on such questions, turns
    stating one. ``window``: for turns said inside the asked window and facts
    true during part of it (it stands in for :attr:`PriorConfig.date` when a window is known);
    when the people a question names said nothing in the window, for their turns of the last
    session before it (see :func:`~cognee_langchain.retrieval.recency.stand_in_boost`).
    With score fusion a boost is in fused-score units (as :class:`PriorConfig`); with rank
    fusion it is a fraction of the best possible fused score.

    ``inherit`` (score fusion): on a question about an instant, the item stating the fact that
    replaced a stale one's takes the stale item's relevance (plus ``current``): "I live in Paris
    now" matches "Where does Alice live?" better than "I moved to Berlin last week", and the
    answer is Berlin.

    ``recent`` (score fusion): on a question about an instant asking for a single-valued kind
    ("Where does Alice live?"), up to this much for the turns said latest among the best
    candidates (see :func:`~cognee_langchain.retrieval.recency.recency_boost`): the later of
    two statements is likelier to hold, even when no fact was drawn from either.

    ``recent_now`` (score fusion): ``recent`` on a question saying "now" outright ("now",
    "currently", "these days") or asking whether a state lasts ("still", "anymore"), whatever
    kind of fact it asks about, or none ("What car does Chidi own now?", "What does Earlene get
    around in now?", "Does Joy still own her Yamaha Mio?"): such a question wants the latest
    statement more surely than a plain present tense does (measured on the time-and-change
    development fixtures: current-value stale-first 19.4 % -> 9.7 % and 6.2 % -> 2.1 %).

    ``recent_then`` (score fusion): ``recent`` on a question about what held during a window
    that asks for a single-valued kind ("Where did Priya live in March 2022?"), for the turns
    said by the window's end (measured on the time-and-change development fixtures: as-of
    stale-first 19.0 % -> 11.9 % and 20.8 % -> 12.5 %, LoCoMo unchanged; a question asking what
    happened in the window, "What did John attend in March 2023?", gets none).

    ``changed`` (score fusion): on a question about an instant, for the turns among the best
    candidates sharing a word with it that say something stopped or changed ("not vegetarian
    anymore", "no more sushi", "I sold the Vespa"; see :func:`~cognee_langchain.retrieval.
    recency.change_boost`), whatever kind of fact is asked about.

    ``kind_words`` (score fusion): on a question judging turns by the facts they state and
    asking for the value of kinds of fact, the words that state those kinds
    (``TimeContext.kind_words``) match in the lexical lanes at this weight of a query term's:
    "What is Karthik's relationship status now?" is answered by "Wedding is done!" (measured on
    the time-and-change development fixtures: all-kinds recall within 200 words .917 -> .932
    and .890 -> .900, stale-first 6.6 % -> 5.3 % on the third; LoCoMo's development split
    @500 .849 -> .852).

    On a question naming its subject and the kinds of fact it asks about (score fusion), the
    turns stating the asked versions go ``current`` above the best other turn, and those stating
    only an outdated one lose ``stale`` (see :func:`~cognee_langchain.retrieval.timing.
    versions_first`).
    """

    stale: float = -0.5
    current: float = 0.15
    window: float = 0.6
    inherit: bool = True
    recent: float = 0.5
    recent_now: float = 1.5
    recent_then: float = 0.8
    changed: float = 1.0
    kind_words: float = 0.2

    def __post_init__(self) -> None:
        for name in (
            "stale",
            "current",
            "window",
            "recent",
            "recent_now",
            "recent_then",
            "changed",
            "kind_words",
        ):
            value = getattr(self, name)
            _check(check_number, value, name, minimum=-math.inf)
            _require(math.isfinite(value), f"time prior {name} must be finite, got {value!r}")
        _check(check_bool, self.inherit, "inherit")


@dataclass(frozen=True, slots=True)
class TermExpansion:
    """Query term expansion (score fusion only): each content word of the query also matches
    up to ``per_word`` indexed words whose word vectors have cosine at least
    ``min_similarity`` with it, at ``weight`` x cosine of a term's own weight, in the lexical
    lanes. Needs a word embedder, which the memory supplies (offline WordLlama vectors)."""

    weight: float = 0.5
    min_similarity: float = 0.5
    per_word: int = 3

    def __post_init__(self) -> None:
        _check(check_number, self.weight, "weight")
        _check(check_number, self.min_similarity, "min_similarity", minimum=-1)
        _require(self.min_similarity <= 1, "min_similarity is a cosine (at most 1)")
        _check(check_positive, self.per_word, "per_word")


@dataclass(frozen=True, slots=True)
class SearchConfig:
    """A search as data: rankers, optional expansion, how they are fused, priors, and the
    result limit.

    With rank fusion every ranked list is cut at ``max(candidates, limit)`` entries before
    fusion; score fusion scores every eligible item. ``priors`` apply to score fusion only.
    ``query_stopwords`` drops question phrasing words ("what", "likely", "kind", ...) from the
    query's lexical terms (off in the presets: on LoCoMo's development split it cost .004
    evidence recall @500).

    ``time_priors``: the :class:`TimePriors` (``None``: time plays no part in the ranking).
    ``chronological``: the search lists events: only items inside the asked window when there
    is one, and the best ``limit`` returned oldest first (unknown times last) instead of best
    first.
    """

    rankers: tuple[RankerConfig, ...]
    expansion: ExpansionConfig | None = None
    rrf_k: float = DEFAULT_RRF_K
    limit: int = DEFAULT_TOP_K
    candidates: int = 100
    fusion: Fusion = Fusion.RRF
    priors: PriorConfig | None = None
    query_stopwords: bool = False
    expand_terms: TermExpansion | None = None
    time_priors: TimePriors | None = TimePriors()
    chronological: bool = False

    def __post_init__(self) -> None:
        _require(bool(self.rankers) or self.expansion is not None, "nothing to rank")
        try:
            object.__setattr__(self, "fusion", Fusion(self.fusion))
        except ValueError:
            _require(False, f"unknown fusion {self.fusion!r}; use {[f.value for f in Fusion]}")
        _require(
            self.priors is None or self.fusion is Fusion.SCORE,
            "priors need fusion='score': rank fusion has no scores to add them to",
        )
        _check(check_bool, self.query_stopwords, "query_stopwords")
        _check(check_bool, self.chronological, "chronological")
        _require(
            self.expand_terms is None or self.fusion is Fusion.SCORE,
            "expand_terms needs fusion='score'",
        )
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


def fused_rankers(kind: ItemKind) -> tuple[RankerConfig, ...]:
    """The lanes of a score-fused search of one item kind: the item's own text, its context
    (neighbouring turns) and its vector, weighted as measured best on LoCoMo's development split
    (a 3 x 3 grid around these weights spanned .816-.822 evidence recall @500)."""
    return (
        RankerConfig(kind, Ranker.BM25, 1.0),
        RankerConfig(kind, Ranker.CONTEXT, 0.7),
        RankerConfig(kind, Ranker.DENSE, 0.3),
    )


_FUSED_CHUNKS = SearchConfig(
    rankers=fused_rankers("chunk"),
    fusion=Fusion.SCORE,
    priors=PriorConfig(),
    expand_terms=TermExpansion(),
)

SEARCH_PRESETS: Mapping[str, SearchConfig] = MappingProxyType(
    {
        "chunks": _FUSED_CHUNKS,
        "facts": SearchConfig(rankers=hybrid_rankers("fact")),
        "summaries": SearchConfig(rankers=hybrid_rankers("summary")),
        # Rank fusion with the walk at full weight: what entity-centric prose needs (on a
        # hand-built two-hop set 1.00 recall@4 against .56 for ``chunks``), where chat needs
        # ``chunks`` (on LoCoMo's development split a light walk lane changed nothing and a
        # heavier one cost recall).
        "graph": SearchConfig(rankers=hybrid_rankers("chunk"), expansion=ExpansionConfig()),
        # cognee's TEMPORAL: the turns and facts of the asked window, in time order.
        "temporal": SearchConfig(
            rankers=(*fused_rankers("chunk"), *hybrid_rankers("fact")),
            fusion=Fusion.SCORE,
            priors=PriorConfig(),
            expand_terms=TermExpansion(),
            chronological=True,
        ),
    }
)
"""The search types: ``chunks`` (the default) — score fusion of the text, context and vector
lanes with the speaker, session and time priors and query term expansion, best on conversations;
``facts`` and ``summaries`` — hybrid BM25 + dense over one item kind; ``graph`` — hybrid chunks
fused by rank with the chunks and facts the entity-graph expansion reaches, best on questions
that hop across entities of prose ("Where was the founder of Acme born?"); ``temporal`` —
events (turns and facts) inside the window the query or ``time_range`` names, the most
relevant ``top_k`` listed oldest first (cognee's ``TEMPORAL``; without a window, the most
relevant events of any time)."""


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
