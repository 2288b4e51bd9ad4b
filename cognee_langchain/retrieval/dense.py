"""Dense retrieval: an incremental, exact cosine index over L2-normalised float32 vectors.

Vectors live in one growable matrix (capacity doubling), so a query is one BLAS matrix-vector
product plus a partial sort — exact results, no training, no approximation to tune. Removal is a
tombstone (the caller's eligibility mask hides the row) until :meth:`DenseIndex.keep` compacts.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import numpy.typing as npt

from cognee_langchain.core.forks import at_fork_in_child
from cognee_langchain.errors import InvalidInputError
from cognee_langchain.retrieval.types import GrowableArray, RankedList, State

__all__ = ["DenseIndex", "normalize_vectors"]

# Below this fraction of eligible rows, scoring only the eligible rows (a gather, then a smaller
# product) beats scoring every row and discarding most of the results.
_SUBSET_FRACTION = 0.25

# Below this many rows per block, handing a block to another thread costs more than it saves.
_ROWS_PER_BLOCK = 16_384
_pool: tuple[int, ThreadPoolExecutor] | None = None
_pool_lock = threading.Lock()


def normalize_vectors(
    vectors: npt.ArrayLike | Sequence[npt.ArrayLike], dim: int, what: str
) -> npt.NDArray[np.float32]:
    """``vectors`` (one vector, or a stack) as float32 rows of unit length.

    Zero vectors stay zero (they match nothing). Raises :class:`InvalidInputError` for a wrong
    shape or non-finite values, naming ``what`` they were.
    """
    try:
        matrix = np.array(vectors, dtype=np.float32, ndmin=2)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(
            f"{what} must be numeric arrays of {dim} floats ({exc}): pass the embedding as a "
            "list or numpy array."
        ) from None
    if matrix.ndim != 2 or matrix.shape[1] != dim:
        raise InvalidInputError(
            f"{what} must have {dim} dimensions, got shape {matrix.shape[1:]}: embed with the "
            "same model the index was built with."
        )
    if not np.isfinite(matrix).all():
        raise InvalidInputError(f"{what} contain NaN or infinite values: re-embed the text.")
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    np.divide(matrix, norms, out=matrix, where=norms > 0)
    return matrix


def _dot(matrix: npt.NDArray[np.float32], query: npt.NDArray[np.float32]) -> npt.NDArray[Any]:
    """Row-wise dot products, each computed the same way whatever the row's position.

    numpy's einsum rather than BLAS ``matrix @ query``: BLAS sums rows in blocks and the
    remainder rows in another order, so equal vectors can score a rounding error apart and an
    index's ranking would depend on where items sit; and a multi-threaded BLAS on a busy 2-core
    machine stalls for milliseconds waiting for its threads. A large matrix is split into one
    block of rows per core instead (einsum releases the GIL), which is what bounds query latency:
    the scan reads every vector once, so it is limited by memory bandwidth per core.
    """
    scores = np.empty(len(matrix), dtype=np.float32)
    blocks = max(1, min(_cores(), len(matrix) // _ROWS_PER_BLOCK))
    bounds = np.linspace(0, len(matrix), blocks + 1).astype(int).tolist()
    pending = [
        _block_pool().submit(np.einsum, "ij,j->i", matrix[a:b], query, out=scores[a:b])
        for a, b in itertools.pairwise(bounds[1:])
    ]
    np.einsum("ij,j->i", matrix[: bounds[1]], query, out=scores[: bounds[1]])
    for block in pending:
        block.result()
    return scores


def _cores() -> int:
    """Cores this process may run on (capped: more blocks than that only add overhead)."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return min(usable or 1, 8)


def _block_pool() -> ThreadPoolExecutor:
    """The shared threads scanning matrix blocks (re-created in a forked child, which has none)."""
    global _pool
    with _pool_lock:
        if _pool is None or _pool[0] != os.getpid():
            workers = ThreadPoolExecutor(_cores() - 1 or 1, thread_name_prefix="cognee-dense")
            _pool = (os.getpid(), workers)
        return _pool[1]


def _forget_pool() -> None:
    """In a forked child: no pool (its threads stayed in the parent; the next scan starts one)
    and a lock no vanished thread can hold. The pid check above covers a fork without hooks."""
    global _pool, _pool_lock
    _pool, _pool_lock = None, threading.Lock()


at_fork_in_child(_forget_pool)


class DenseIndex:
    """Cosine top-k over rows appended in slot order."""

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self._matrix = GrowableArray(np.float32, width=dim)

    def __len__(self) -> int:
        return len(self._matrix)

    @property
    def nbytes(self) -> int:
        return self._matrix.nbytes

    def append(self, vectors: npt.NDArray[np.float32]) -> None:
        """Add unit rows (see :func:`normalize_vectors`) as the next slots."""
        self._matrix.extend(vectors)

    def row(self, slot: int) -> npt.NDArray[np.float32]:
        """The stored unit vector of ``slot``."""
        return self._matrix.view[slot]

    def assign(self, slots: npt.NDArray[np.int64], vectors: npt.NDArray[np.float32]) -> None:
        """Overwrite the rows of existing ``slots``."""
        self._matrix.view[slots] = vectors

    def search(
        self, query: npt.NDArray[np.float32], k: int, eligible: npt.NDArray[np.bool_]
    ) -> RankedList:
        """The ``k`` eligible slots most similar to the unit vector ``query``."""
        matrix = self._matrix.view
        count = int(np.count_nonzero(eligible))
        if count < _SUBSET_FRACTION * len(matrix):
            rows = np.flatnonzero(eligible)
            ranked = RankedList.top(_dot(matrix[rows], query), k)
            return RankedList(rows[ranked.slots], ranked.scores)
        return RankedList.top(_dot(matrix, query), k, eligible)

    def scores(self, query: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """The cosine similarity of every slot (tombstones included) to the unit ``query``."""
        return _dot(self._matrix.view, query)

    def keep(self, keep: npt.NDArray[np.bool_]) -> None:
        """Compact: keep the rows where ``keep`` is true, renumbered in order."""
        self._matrix.keep(keep)

    def export(self) -> State:
        """The rows as a snapshot holds them: one float32 matrix."""
        return {"dim": self.dim, "matrix": self._matrix.view}

    @classmethod
    def restore(cls, state: State) -> DenseIndex:
        """The index :meth:`export` gave."""
        index = cls(int(state["dim"]))
        index._matrix = GrowableArray.of(state["matrix"])
        return index
