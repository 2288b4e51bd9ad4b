"""The dense index: exact cosine top-k, masks, growth, compaction and vector validation."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from cognee_langchain.errors import InvalidInputError
from cognee_langchain.retrieval.dense import DenseIndex, normalize_vectors

DIM = 16


def _random_unit(rows: int, seed: int = 0) -> np.ndarray:
    return normalize_vectors(np.random.default_rng(seed).standard_normal((rows, DIM)), DIM, "v")


def _brute_force(matrix: np.ndarray, query: np.ndarray, k: int, eligible: np.ndarray) -> list[int]:
    scores = matrix @ query
    order = sorted(np.flatnonzero(eligible).tolist(), key=lambda s: (-scores[s], s))
    return order[:k]


def test_normalize_makes_unit_rows_and_keeps_zero_rows_zero() -> None:
    rows = normalize_vectors([[3.0, 4.0] + [0.0] * (DIM - 2), [0.0] * DIM], DIM, "v")
    assert rows.dtype == np.float32
    assert rows[0, :2].tolist() == pytest.approx([0.6, 0.8])
    assert not rows[1].any()
    assert normalize_vectors(np.ones(DIM), DIM, "v").shape == (1, DIM)


@pytest.mark.parametrize(
    "vectors",
    [np.ones(DIM + 1), [[1.0] * DIM, [1.0] * 3], [np.nan] * DIM, [np.inf] * DIM, ["a"] * DIM],
)
def test_normalize_rejects_malformed_vectors(vectors: Any) -> None:
    with pytest.raises(InvalidInputError, match="Item vectors"):
        normalize_vectors(vectors, DIM, "Item vectors")


@pytest.mark.parametrize("eligible_fraction", [1.0, 0.5, 0.1])
def test_top_k_is_exact_cosine_order(eligible_fraction: float) -> None:
    matrix = _random_unit(500)
    index = DenseIndex(DIM)
    index.append(matrix)
    rng = np.random.default_rng(1)
    eligible = rng.random(500) < eligible_fraction
    query = _random_unit(1, seed=2)[0]
    ranked = index.search(query, 20, eligible)
    assert ranked.slots.tolist() == _brute_force(matrix, query, 20, eligible)
    assert ranked.scores.tolist() == pytest.approx((matrix[ranked.slots] @ query).tolist())


def test_equal_vectors_rank_by_slot() -> None:
    index = DenseIndex(DIM)
    index.append(np.tile(_random_unit(1), (6, 1)))
    assert index.search(_random_unit(1)[0], 3, np.ones(6, dtype=bool)).slots.tolist() == [0, 1, 2]


def test_many_small_appends_keep_every_row() -> None:
    matrix = _random_unit(300)
    index = DenseIndex(DIM)
    for start in range(0, 300, 7):
        index.append(matrix[start : start + 7])
    assert len(index) == 300
    for slot in (0, 150, 299):
        ranked = index.search(matrix[slot], 1, np.ones(300, dtype=bool))
        assert ranked.slots.tolist() == [slot]


def test_compaction_keeps_rows_in_order() -> None:
    matrix = _random_unit(10)
    index = DenseIndex(DIM)
    index.append(matrix)
    keep = np.array([True, False] * 5)
    index.keep(keep)
    assert len(index) == 5
    assert np.array_equal(index.row(2), matrix[4])


def test_nothing_eligible_ranks_nothing() -> None:
    index = DenseIndex(DIM)
    index.append(_random_unit(5))
    assert index.search(_random_unit(1)[0], 3, np.zeros(5, dtype=bool)).slots.tolist() == []
    assert DenseIndex(DIM).search(_random_unit(1)[0], 3, np.zeros(0, dtype=bool)).slots.size == 0


def test_block_parallel_scan_equals_the_serial_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    from cognee_langchain.retrieval import dense

    matrix = np.repeat(_random_unit(50), 3, axis=0)  # equal rows land in different blocks
    query = _random_unit(1, seed=3)[0]
    monkeypatch.setattr(dense, "_ROWS_PER_BLOCK", 7)
    monkeypatch.setattr(dense, "_cores", lambda: 4)
    blocked = dense._dot(matrix, query)
    assert np.array_equal(blocked, np.einsum("ij,j->i", matrix, query))
    assert np.array_equal(blocked[0::3], blocked[2::3])
