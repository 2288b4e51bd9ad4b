"""Retrieval: incremental hybrid indexes (BM25 + dense), entity-graph expansion, rank fusion and
declarative search configs, as a layer that knows nothing of storage or models.

Feed a :class:`SearchEngine` with :class:`SearchItem`\\ s and :class:`SearchEntity`\\ s (stored
vectors included), then :meth:`SearchEngine.search` with a search type name from
:data:`SEARCH_PRESETS` or a :class:`SearchConfig`.
"""

from cognee_langchain.retrieval.config import (
    DEFAULT_SEARCH_TYPE,
    SEARCH_PRESETS,
    ExpansionConfig,
    Fusion,
    PriorConfig,
    Ranker,
    RankerConfig,
    SearchConfig,
    TermExpansion,
    TimePriors,
    fused_rankers,
    get_search_config,
    hybrid_rankers,
)
from cognee_langchain.retrieval.engine import EngineStats, SearchEngine
from cognee_langchain.retrieval.fusion import reciprocal_rank_fusion
from cognee_langchain.retrieval.timing import TimeContext
from cognee_langchain.retrieval.types import (
    ITEM_KINDS,
    ItemKind,
    SearchEntity,
    SearchHit,
    SearchItem,
)

__all__ = [
    "DEFAULT_SEARCH_TYPE",
    "ITEM_KINDS",
    "SEARCH_PRESETS",
    "EngineStats",
    "ExpansionConfig",
    "Fusion",
    "ItemKind",
    "PriorConfig",
    "Ranker",
    "RankerConfig",
    "SearchConfig",
    "SearchEngine",
    "SearchEntity",
    "SearchHit",
    "SearchItem",
    "TermExpansion",
    "TimeContext",
    "TimePriors",
    "fused_rankers",
    "get_search_config",
    "hybrid_rankers",
    "reciprocal_rank_fusion",
]
