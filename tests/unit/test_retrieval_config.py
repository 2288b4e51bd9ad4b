"""Search configs: presets, name resolution and validation."""

from __future__ import annotations

import math
from typing import Any

import pytest

from cognee_langchain.errors import InvalidInputError
from cognee_langchain.retrieval import (
    DEFAULT_SEARCH_TYPE,
    SEARCH_PRESETS,
    ExpansionConfig,
    Fusion,
    PriorConfig,
    Ranker,
    RankerConfig,
    SearchConfig,
    fused_rankers,
    get_search_config,
    hybrid_rankers,
)


def test_the_presets_are_the_public_search_types() -> None:
    assert set(SEARCH_PRESETS) == {"chunks", "facts", "summaries", "graph", "temporal"}
    assert DEFAULT_SEARCH_TYPE == "chunks"  # the best measured (benchmarks/memory_quality.py)
    assert SEARCH_PRESETS["graph"].expansion is not None
    assert SEARCH_PRESETS["chunks"].rankers == fused_rankers("chunk")
    assert SEARCH_PRESETS["chunks"].fusion is Fusion.SCORE
    assert SEARCH_PRESETS["chunks"].priors == PriorConfig()
    assert SEARCH_PRESETS["graph"].rankers == hybrid_rankers("chunk")
    assert SEARCH_PRESETS["graph"].expansion == ExpansionConfig()
    assert SEARCH_PRESETS["facts"].rankers == hybrid_rankers("fact")
    assert SEARCH_PRESETS["summaries"].rankers == hybrid_rankers("summary")
    assert all(SEARCH_PRESETS[name].expansion is None for name in ("chunks", "facts", "summaries"))


def test_names_resolve_to_presets_and_configs_pass_through() -> None:
    assert get_search_config("facts") is SEARCH_PRESETS["facts"]
    custom = SearchConfig(rankers=(RankerConfig("chunk", Ranker.BM25),))
    assert get_search_config(custom) is custom


@pytest.mark.parametrize("name", ["nope", "Graph", "", None, 3])
def test_unknown_search_type_lists_the_valid_ones(name: Any) -> None:
    with pytest.raises(InvalidInputError) as raised:
        get_search_config(name)
    for valid in SEARCH_PRESETS:
        assert valid in str(raised.value)


def test_ranker_names_are_accepted_as_strings() -> None:
    spec = RankerConfig("fact", "dense")  # type: ignore[arg-type]
    assert spec.ranker is Ranker.DENSE


@pytest.mark.parametrize(
    "build",
    [
        lambda: RankerConfig("chunk", "tfidf"),  # type: ignore[arg-type]
        lambda: RankerConfig("page", Ranker.BM25),  # type: ignore[arg-type]
        lambda: RankerConfig("chunk", Ranker.BM25, weight=-1),
        lambda: SearchConfig(rankers=()),
        lambda: SearchConfig(rankers=hybrid_rankers("chunk"), limit=0),
        lambda: SearchConfig(rankers=hybrid_rankers("chunk"), rrf_k=0),
        lambda: SearchConfig(rankers=hybrid_rankers("chunk"), candidates=0),
        lambda: ExpansionConfig(kinds=()),
        lambda: ExpansionConfig(damping=1.0),
        lambda: ExpansionConfig(hops=0),
        lambda: ExpansionConfig(max_frontier=0),
        lambda: ExpansionConfig(entity_min_similarity=2.0),
    ],
)
def test_invalid_configs_are_rejected(build: Any) -> None:
    with pytest.raises(InvalidInputError, match="Invalid search config"):
        build()


def test_expansion_alone_is_a_valid_search() -> None:
    config = SearchConfig(rankers=(), expansion=ExpansionConfig(entity_top_k=0))
    assert not config.needs_query_vector


def test_needs_query_vector_follows_dense_use() -> None:
    lexical = (RankerConfig("chunk", Ranker.BM25),)
    assert not SearchConfig(rankers=lexical).needs_query_vector
    assert SearchConfig(rankers=lexical, expansion=ExpansionConfig()).needs_query_vector
    assert all(config.needs_query_vector for config in SEARCH_PRESETS.values())


def test_priors_need_score_fusion_and_finite_weights() -> None:
    with pytest.raises(InvalidInputError, match="fusion='score'"):
        SearchConfig(rankers=hybrid_rankers("chunk"), priors=PriorConfig())
    with pytest.raises(InvalidInputError, match="speaker"):
        PriorConfig(speaker=math.inf)
    with pytest.raises(InvalidInputError, match="group_depth"):
        PriorConfig(group_depth=0)
    with pytest.raises(InvalidInputError, match="unknown fusion"):
        SearchConfig(rankers=hybrid_rankers("chunk"), fusion="max")  # type: ignore[arg-type]
    assert SearchConfig(rankers=hybrid_rankers("chunk"), fusion="score").fusion is Fusion.SCORE  # type: ignore[arg-type]
