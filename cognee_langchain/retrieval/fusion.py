"""Reciprocal rank fusion: combine rankings whose scores are not comparable (BM25, cosine, walk
mass) using only the ranks (Cormack, Clarke & Büttcher, SIGIR 2009)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from cognee_langchain.errors import InvalidInputError

__all__ = ["DEFAULT_RRF_K", "reciprocal_rank_fusion"]

DEFAULT_RRF_K = 60.0


def reciprocal_rank_fusion(
    rankings: Sequence[npt.NDArray[np.int64]],
    weights: Sequence[float] | None = None,
    k: float = DEFAULT_RRF_K,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Fuse rankings of integer keys (best first) into one.

    ``score(d) = sum_i weights[i] / (k + rank_i(d))`` with 1-based ranks, over the rankings that
    contain ``d``. Returns ``(keys, scores)`` best first; equal scores are ordered by key, so the
    result is deterministic. Raises :class:`InvalidInputError` when a ranking repeats a key, the
    weights do not match the rankings, a weight is negative or ``k`` is not positive.
    """
    if weights is None:
        weights = [1.0] * len(rankings)
    if len(weights) != len(rankings):
        raise InvalidInputError(
            f"Got {len(weights)} weights for {len(rankings)} rankings: pass one weight per ranking."
        )
    if any(w < 0 for w in weights) or not k > 0:
        raise InvalidInputError("RRF weights must be >= 0 and k > 0: fix the search config.")
    parts: list[npt.NDArray[np.float64]] = []
    for ranking, weight in zip(rankings, weights, strict=True):
        if len(np.unique(ranking)) != len(ranking):
            raise InvalidInputError("A ranking repeats a key: deduplicate it before fusing.")
        parts.append(weight / (k + np.arange(1, len(ranking) + 1, dtype=np.float64)))
    if not parts or not sum(len(p) for p in parts):
        return np.empty(0, np.int64), np.empty(0, np.float64)
    keys, owners = np.unique(np.concatenate(rankings), return_inverse=True)
    scores = np.bincount(owners, weights=np.concatenate(parts), minlength=len(keys))
    order = np.lexsort((keys, -scores))
    return keys[order].astype(np.int64, copy=False), scores[order].astype(np.float64, copy=False)
