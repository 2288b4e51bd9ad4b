"""Reciprocal rank fusion: the formula, weights, tie order and bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cognee_langchain.errors import InvalidInputError
from cognee_langchain.retrieval.fusion import reciprocal_rank_fusion


def _ranking(*keys: int) -> np.ndarray:
    return np.array(keys, dtype=np.int64)


def test_scores_follow_the_rrf_formula() -> None:
    keys, scores = reciprocal_rank_fusion([_ranking(1, 2, 3), _ranking(3, 1)], k=60)
    expected = {1: 1 / 61 + 1 / 62, 2: 1 / 62, 3: 1 / 63 + 1 / 61}
    assert keys.tolist() == [1, 3, 2]
    assert scores.tolist() == pytest.approx([expected[key] for key in keys.tolist()])


def test_weights_scale_each_ranking() -> None:
    keys, scores = reciprocal_rank_fusion([_ranking(1), _ranking(2)], weights=[1.0, 3.0], k=1)
    assert keys.tolist() == [2, 1]
    assert scores.tolist() == pytest.approx([3 / 2, 1 / 2])


def test_a_zero_weight_ranking_adds_nothing() -> None:
    keys, scores = reciprocal_rank_fusion([_ranking(5, 6), _ranking(6)], weights=[1.0, 0.0])
    assert keys.tolist() == [5, 6]
    assert scores.tolist() == pytest.approx([1 / 61, 1 / 62])


def test_equal_scores_are_ordered_by_key() -> None:
    keys, _ = reciprocal_rank_fusion([_ranking(9, 4), _ranking(4, 9)])
    assert keys.tolist() == [4, 9]


def test_no_rankings_fuse_to_nothing() -> None:
    for rankings in ([], [_ranking()], [_ranking(), _ranking()]):
        keys, scores = reciprocal_rank_fusion(rankings)
        assert len(keys) == len(scores) == 0


@pytest.mark.parametrize(
    ("rankings", "weights", "k"),
    [
        ([_ranking(1, 1)], None, 60),
        ([_ranking(1)], [1.0, 2.0], 60),
        ([_ranking(1)], [-1.0], 60),
        ([_ranking(1)], None, 0),
    ],
)
def test_bad_input_is_rejected(
    rankings: list[np.ndarray], weights: list[float] | None, k: float
) -> None:
    with pytest.raises(InvalidInputError):
        reciprocal_rank_fusion(rankings, weights, k)


@settings(max_examples=75, deadline=None)
@given(
    st.lists(
        st.lists(st.integers(0, 30), unique=True, max_size=12),
        max_size=4,
    ),
    st.floats(1.0, 100.0),
)
def test_matches_a_direct_computation(rankings: list[list[int]], k: float) -> None:
    keys, scores = reciprocal_rank_fusion([_ranking(*r) for r in rankings], k=k)
    expected: dict[int, float] = {}
    for ranking in rankings:
        for rank, key in enumerate(ranking, start=1):
            expected[key] = expected.get(key, 0.0) + 1.0 / (k + rank)
    assert dict(zip(keys.tolist(), scores.tolist(), strict=True)) == pytest.approx(expected)
    order = sorted(expected, key=lambda key: (-expected[key], key))
    assert [expected[key] for key in keys.tolist()] == pytest.approx(
        [expected[key] for key in order]
    )
