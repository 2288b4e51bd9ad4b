"""The query side of the engine: a query as it is run, its lexical terms, and the rankers of rank
fusion (each lane's top ``k`` eligible slots)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from cognee_langchain.retrieval.collection import BoolArray, ItemCollection
from cognee_langchain.retrieval.config import Ranker
from cognee_langchain.retrieval.cues import QUERY_STOPWORDS
from cognee_langchain.retrieval.lexical import analyze
from cognee_langchain.retrieval.types import RankedList

__all__ = ["RANKERS", "Query", "query_terms"]


class Query(NamedTuple):
    """A query as the engine runs it: raw text, word tokens, lexical terms, unit vector (when
    a lane needs one) and weighted expansion terms."""

    text: str
    tokens: list[str]
    terms: list[str]
    vector: npt.NDArray[np.float32] | None
    expansions: list[tuple[str, float]]


def _rank_bm25(collection: ItemCollection, query: Query, k: int, eligible: BoolArray) -> RankedList:
    return collection.lexical.search(query.terms, k, eligible)


def _rank_dense(
    collection: ItemCollection, query: Query, k: int, eligible: BoolArray
) -> RankedList:
    assert query.vector is not None, "SearchConfig.needs_query_vector was not checked"
    return collection.dense.search(query.vector, k, eligible)


def _rank_context(
    collection: ItemCollection, query: Query, k: int, eligible: BoolArray
) -> RankedList:
    return collection.context.search(query.terms, k, eligible)


RANKERS: Mapping[Ranker, Callable[[ItemCollection, Query, int, BoolArray], RankedList]] = {
    Ranker.BM25: _rank_bm25,
    Ranker.CONTEXT: _rank_context,
    Ranker.DENSE: _rank_dense,
}


def query_terms(tokens: list[str], drop_question_words: bool) -> list[str]:
    """The query's lexical terms; without its question phrasing words when asked, unless that
    leaves none (then the question words are all it has)."""
    if drop_question_words:
        content = analyze(" ".join(t for t in tokens if t not in QUERY_STOPWORDS))
        if content:
            return content
    return analyze(" ".join(tokens))
