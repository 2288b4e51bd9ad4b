"""Where each entity sits in the picture: a bounded force layout, computed once in Python.

The page only draws; it never simulates, so what the browser shows is exactly what was tested.
The layout is Fruchterman–Reingold's: neighbours attract, every pair repels, and each step moves
a node at most by a temperature that cools to zero. That cap is what keeps it stable at any size
(the old in-page simulation had none and reached coordinates of ±1e54 on a dense graph): no
force, however large, moves a node further than the temperature, and non-finite values cannot
arise because every distance is floored.

Repulsion is exact for small components. For large ones it is computed on a grid (the density
convolved with the repulsive kernel through an FFT, O(n + g² log g) per step) plus exact
repulsion between near neighbours in cell order, which also pushes apart nodes the grid cannot
tell apart (coincident or sharing a cell). Each connected component is laid out alone, then the
components are packed in rows (largest first) into a rectangle of the window's proportions, so
isolated entities do not fly away and a big component does not push small ones off screen.
Seeded, so the same graph always gives the same picture.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import networkx as nx
import numpy as np
from numpy.typing import NDArray

__all__ = ["EDGE_LENGTH", "layout_positions"]

#: The median distance from a node to its nearest node, in the units of the coordinates.
EDGE_LENGTH = 10.0

_EXACT_LIMIT = 600  # components up to this size get exact O(n²) repulsion
_NEAR_WINDOW = 8  # grid mode: exact repulsion to this many neighbours in cell order
_ASPECT = 1.6  # the packed rectangle's width / height (a 1280 x 800 window)
_GRAVITY = 0.02  # pull towards the component's centre, so leaf fans stay close to their hub
_GAP_SAMPLE = 500  # nodes whose nearest neighbour sets the scale
_FLOOR = 1e-3  # smallest distance a force is computed at (in edge lengths)

Positions = NDArray[np.float64]


def layout_positions(count: int, edges: Sequence[tuple[int, int]], *, seed: int = 0) -> Positions:
    """Coordinates ``(count, 2)`` for nodes ``0..count-1`` joined by ``edges`` (pairs of
    indices; loops and repeats allowed, a repeated pair pulls harder). Centred on the origin,
    scaled so that the median distance to a nearest node is :data:`EDGE_LENGTH`, always
    finite."""
    if count == 0:
        return np.zeros((0, 2))
    pairs, weights = _unique_pairs(edges)
    graph = nx.Graph()
    graph.add_nodes_from(range(count))
    graph.add_edges_from(map(tuple, pairs.tolist()))
    rng = np.random.default_rng(seed)
    pieces: list[tuple[NDArray[np.int64], Positions]] = []
    # Sorted for determinism: networkx yields components in insertion order of their nodes.
    for members in sorted(
        (sorted(c) for c in nx.connected_components(graph)), key=lambda m: (-len(m), m[0])
    ):
        index = np.asarray(members, dtype=np.int64)
        local = np.full(count, -1, dtype=np.int64)
        local[index] = np.arange(len(index))
        inside = local[pairs[:, 0]] >= 0
        sub_pairs = local[pairs[inside]]
        pieces.append((index, _component(len(index), sub_pairs, weights[inside], rng)))
    positions = np.zeros((count, 2))
    for index, placed in zip((p[0] for p in pieces), _pack([p[1] for p in pieces]), strict=True):
        positions[index] = placed
    positions -= (positions.min(axis=0) + positions.max(axis=0)) / 2
    return positions * (EDGE_LENGTH / _typical_gap(positions, rng))


def _typical_gap(positions: Positions, rng: np.random.Generator) -> float:
    """The median distance from a node to its nearest other node (over a sample of at most
    :data:`_GAP_SAMPLE` nodes): a dense graph packs tighter than its edge lengths, and the page
    sizes dots by this gap, not by an ideal that a hairball never reaches."""
    if len(positions) < 2:
        return 1.0
    sample = positions
    if len(positions) > _GAP_SAMPLE:
        sample = positions[rng.choice(len(positions), _GAP_SAMPLE, replace=False)]
    d2 = ((sample[:, None, :] - positions[None, :, :]) ** 2).sum(axis=-1)
    d2[d2 == 0] = np.inf  # the node itself (a coincident twin would count as 0 too: skip it)
    nearest = np.sqrt(d2.min(axis=1))
    nearest = nearest[np.isfinite(nearest)]
    return float(np.median(nearest)) if len(nearest) else 1.0


def _unique_pairs(edges: Sequence[tuple[int, int]]) -> tuple[NDArray[np.int64], Positions]:
    """Undirected pairs without loops, each once, weighted by 1 + log(repeats)."""
    if not edges:
        return np.zeros((0, 2), dtype=np.int64), np.zeros(0)
    array = np.sort(np.asarray(edges, dtype=np.int64).reshape(-1, 2), axis=1)
    array = array[array[:, 0] != array[:, 1]]
    pairs, counts = np.unique(array, axis=0, return_counts=True)
    return pairs.reshape(-1, 2), 1.0 + np.log(counts)


def _component(
    count: int, pairs: NDArray[np.int64], weights: Positions, rng: np.random.Generator
) -> Positions:
    """A force layout of one connected component, in edge lengths, centred on the origin."""
    if count == 1:
        return np.zeros((1, 2))
    if count == 2:
        return np.array([[-0.5, 0.0], [0.5, 0.0]])
    side = math.sqrt(count)
    positions = rng.uniform(-side / 2, side / 2, size=(count, 2))
    degree = np.bincount(pairs.ravel(), minlength=count).astype(np.float64)
    iterations = 250 if count <= _EXACT_LIMIT else 200
    start = max(side / 4, 1.0)
    for step in range(iterations):
        temperature = start * (1 - step / iterations) + 0.01
        if count <= _EXACT_LIMIT:
            force = _exact_repulsion(positions)
        else:
            force = _grid_repulsion(positions) + _near_repulsion(positions)
        force += _attraction(positions, pairs, weights, count)
        force -= _GRAVITY * (degree + 1)[:, None] * (positions - positions.mean(axis=0))
        length = np.maximum(np.hypot(force[:, 0], force[:, 1]), _FLOOR)
        positions += force * (np.minimum(length, temperature) / length)[:, None]
    return positions - positions.mean(axis=0)


def _exact_repulsion(positions: Positions) -> Positions:
    """Every pair pushes apart with strength 1/distance (edge length 1)."""
    dx = positions[:, 0, None] - positions[None, :, 0]
    dy = positions[:, 1, None] - positions[None, :, 1]
    inverse = 1.0 / np.maximum(dx * dx + dy * dy, _FLOOR**2)
    np.fill_diagonal(inverse, 0.0)
    return np.stack([(dx * inverse).sum(axis=1), (dy * inverse).sum(axis=1)], axis=1)


def _grid_repulsion(positions: Positions) -> Positions:
    """The far field of :func:`_exact_repulsion`: node counts on a g x g grid convolved with
    the kernel r/|r|² (softened by one cell) through zero-padded FFTs, read at each node's
    cell. A node's own cell adds nothing (the kernel is zero at offset 0)."""
    size = int(min(128, 2 ** math.ceil(math.log2(math.sqrt(len(positions))))))
    low = positions.min(axis=0)
    span = float(max((positions.max(axis=0) - low).max(), 1.0)) * (1 + 1e-9)
    cell_size = span / size
    cells = np.minimum(((positions - low) / cell_size).astype(np.int64), size - 1)
    density = np.bincount(cells[:, 0] * size + cells[:, 1], minlength=size * size)
    padded = np.zeros((2 * size, 2 * size))
    padded[:size, :size] = density.reshape(size, size)
    offsets = np.fft.fftfreq(2 * size, 1 / (2 * size)) * cell_size  # 0, 1, .., -1 cells
    dx, dy = np.meshgrid(offsets, offsets, indexing="ij")
    r2 = dx**2 + dy**2 + cell_size**2
    spectrum = np.fft.rfft2(padded)
    field_x = np.fft.irfft2(spectrum * np.fft.rfft2(dx / r2), s=padded.shape)
    field_y = np.fft.irfft2(spectrum * np.fft.rfft2(dy / r2), s=padded.shape)
    return np.stack([field_x[cells[:, 0], cells[:, 1]], field_y[cells[:, 0], cells[:, 1]]], axis=1)


def _near_repulsion(positions: Positions) -> Positions:
    """Exact repulsion between each node and its next few in a grid-cell order: the near field
    the grid smooths away, and what separates nodes that share a cell."""
    count = len(positions)
    cell = np.floor(positions / 0.5).astype(np.int64)  # half an edge length
    order = np.lexsort((cell[:, 1], cell[:, 0]))
    force = np.zeros_like(positions)
    for shift in range(1, min(_NEAR_WINDOW, count - 1) + 1):
        a, b = order[:-shift], order[shift:]
        diff = positions[a] - positions[b]
        d2 = np.maximum((diff**2).sum(axis=1), _FLOOR**2)
        near = d2 < 1.0
        push = np.where(near[:, None], diff / d2[:, None], 0.0)
        # Coincident points have no direction to push along: give each pair a fixed one.
        still = near & (d2 <= _FLOOR**2)
        push[still] = np.stack([np.cos(a[still]), np.sin(a[still])], axis=1) / _FLOOR
        np.add.at(force, a, push)
        np.add.at(force, b, -push)
    return force


def _attraction(
    positions: Positions, pairs: NDArray[np.int64], weights: Positions, count: int
) -> Positions:
    """Neighbours pull together with strength distance² (edge length 1), times the pair's
    weight."""
    if not len(pairs):
        return np.zeros((count, 2))
    diff = positions[pairs[:, 1]] - positions[pairs[:, 0]]
    pull = diff * (np.hypot(diff[:, 0], diff[:, 1]) * weights)[:, None]
    force = np.zeros((count, 2))
    for axis in (0, 1):
        force[:, axis] = np.bincount(pairs[:, 0], pull[:, axis], minlength=count) - np.bincount(
            pairs[:, 1], pull[:, axis], minlength=count
        )
    return force


def _pack(pieces: Sequence[Positions]) -> list[Positions]:
    """The components moved into rows, largest first, one edge length apart, filling a
    rectangle of proportions :data:`_ASPECT`."""
    boxes = [(p.min(axis=0) - 0.5, p.max(axis=0) + 0.5) for p in pieces]
    sizes = [high - low for low, high in boxes]
    area = sum(float((w + 1.0) * (h + 1.0)) for w, h in sizes)  # each box with its gap
    row_width = max(math.sqrt(area * _ASPECT), max(float(w) for w, _ in sizes))
    placed: list[Positions] = []
    x = y = row_height = 0.0
    for piece, (low, _high), (width, height) in zip(pieces, boxes, sizes, strict=True):
        if x > 0 and x + width > row_width:
            x, y, row_height = 0.0, y + row_height + 1.0, 0.0
        placed.append(piece - low + np.array([x, y]))
        x += float(width) + 1.0
        row_height = max(row_height, float(height))
    return placed
