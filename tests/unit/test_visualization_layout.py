"""The picture's layout is finite, bounded, deterministic and spreads every node out, whatever
the graph: the 1 MB corpus (277 entities, 6,902 relations) once drove the in-page simulation to
coordinates of ±1.3e54 and a blank canvas."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cognee_langchain.services.visualization.layout import EDGE_LENGTH, layout_positions


def nearest_gaps(positions: np.ndarray) -> np.ndarray:
    d2 = ((positions[:, None] - positions[None]) ** 2).sum(axis=-1)
    np.fill_diagonal(d2, np.inf)
    return np.sqrt(d2.min(axis=1))


def test_issue_12_the_dense_corpus_stays_bounded() -> None:
    rng = np.random.default_rng(0)
    weight = 1.0 / np.arange(1, 278) ** 0.8
    edges = [tuple(map(int, p)) for p in rng.choice(277, size=(6902, 2), p=weight / weight.sum())]

    positions = layout_positions(277, edges)

    assert np.isfinite(positions).all()
    assert np.abs(positions).max() < 100 * EDGE_LENGTH  # ±1.3e54 before
    assert np.isclose(np.median(nearest_gaps(positions)), EDGE_LENGTH)  # the page's scale


@settings(max_examples=40, deadline=None)
@given(
    count=st.integers(1, 60),
    raw=st.lists(st.tuples(st.integers(0, 59), st.integers(0, 59)), max_size=400),
)
def test_any_graph_gets_finite_distinct_positions(count: int, raw: list[tuple[int, int]]) -> None:
    edges = [(a % count, b % count) for a, b in raw]  # loops and repeats included

    positions = layout_positions(count, edges)

    assert positions.shape == (count, 2) and np.isfinite(positions).all()
    assert np.abs(positions).max() <= 20 * EDGE_LENGTH * np.sqrt(count)
    if count > 1:
        assert nearest_gaps(positions).min() > 0.02 * EDGE_LENGTH  # no two nodes on one spot


def test_twins_with_identical_neighbours_are_pulled_apart() -> None:
    # 2,000 leaves of one hub: the grid approximation cannot tell them apart by position alone.
    positions = layout_positions(2000, [(0, i) for i in range(1, 2000)])
    assert np.isfinite(positions).all()
    assert np.quantile(nearest_gaps(positions), 0.01) > 0.05 * EDGE_LENGTH


def test_components_are_packed_side_by_side_not_on_top_of_each_other() -> None:
    # Three triangles and ten isolated entities.
    edges = [(a + o, b + o) for o in (0, 3, 6) for a, b in ((0, 1), (1, 2), (2, 0))]
    positions = layout_positions(19, edges)

    boxes = [
        (positions[o : o + 3].min(axis=0), positions[o : o + 3].max(axis=0)) for o in (0, 3, 6)
    ]
    for i, (low_a, high_a) in enumerate(boxes):
        for low_b, high_b in boxes[i + 1 :]:
            assert (high_a < low_b).any() or (high_b < low_a).any(), "components overlap"
    width, height = positions.max(axis=0) - positions.min(axis=0)
    assert 0.5 < width / height < 4, "packed into a window-shaped rectangle, not a long line"
    assert nearest_gaps(positions).min() > 0.3 * EDGE_LENGTH


def test_the_same_graph_gives_the_same_picture() -> None:
    edges = [(i, (i * 5 + 3) % 700) for i in range(700)]
    assert np.array_equal(layout_positions(700, edges), layout_positions(700, edges))


def test_no_nodes_no_positions() -> None:
    assert layout_positions(0, []).shape == (0, 2)
    assert np.array_equal(layout_positions(1, [(0, 0)]), np.zeros((1, 2)))
