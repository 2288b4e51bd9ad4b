"""Text analysis and the incremental BM25 index, against hand-computed scores."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cognee_langchain.retrieval.lexical import BM25Index, analyze, word_tokens


def test_analyze_folds_case_drops_stopwords_and_stems() -> None:
    assert analyze("The Cities of Alice's companies") == ["citi", "alic", "compani"]
    assert analyze("She leads; he LEADS.") == ["lead", "lead"]
    # Snowball folds inflections a question and its answer differ by, not only plurals.
    assert analyze("painted painting paints") == ["paint", "paint", "paint"]
    assert analyze("glass bus status") == ["glass", "bus", "status"]
    assert analyze("Zürich straße 東京") == ["zürich", "strass", "東京"]
    assert analyze("the and of") == []


def test_word_tokens_keep_stopwords_for_name_matching() -> None:
    assert word_tokens("The Who, live!") == ["the", "who", "live"]


def _bm25(tf: int, df: int, n: int, length: int, average: float) -> float:
    idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
    return idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * length / average))


DOCS = [
    "alice leads acme",  # 3 terms
    "bob founded acme acme",  # 4 terms
    "carol likes tea",  # 3 terms
]


def _index(docs: list[str]) -> BM25Index:
    index = BM25Index()
    index.append(docs)
    return index


def _all(index: BM25Index) -> np.ndarray:
    return np.ones(len(index), dtype=bool)


def test_scores_match_the_okapi_formula() -> None:
    ranked = _index(DOCS).search(analyze("acme"), 10, np.ones(3, dtype=bool))
    average = 10 / 3
    assert ranked.slots.tolist() == [1, 0]
    assert ranked.scores.tolist() == pytest.approx(
        [_bm25(2, 2, 3, 4, average), _bm25(1, 2, 3, 3, average)], rel=1e-6
    )


def test_only_matching_eligible_documents_are_ranked() -> None:
    index = _index(DOCS)
    assert index.search(analyze("unknown words"), 10, _all(index)).slots.tolist() == []
    eligible = np.array([True, False, True])
    assert index.search(analyze("acme tea"), 10, eligible).slots.tolist() == [2, 0]


def test_k_cuts_the_ranking_and_ties_go_to_the_lower_slot() -> None:
    index = _index(["apple pie", "apple pie", "apple pie"])
    assert index.search(analyze("apple"), 2, _all(index)).slots.tolist() == [0, 1]


def test_discarding_equals_never_having_indexed() -> None:
    index = _index(DOCS)
    index.append(["dave sells acme shares"])
    index.discard([0], [DOCS[0]])
    fresh = _index([*DOCS[1:], "dave sells acme shares"])
    query = analyze("acme tea")
    eligible = np.array([False, True, True, True])
    got = index.search(query, 10, eligible)
    want = fresh.search(query, 10, _all(fresh))
    assert (got.slots - 1).tolist() == want.slots.tolist()
    assert got.scores.tolist() == pytest.approx(want.scores.tolist())


def test_compaction_renumbers_slots_and_keeps_scores() -> None:
    index = _index(DOCS)
    index.discard([0, 2], [DOCS[0], DOCS[2]])
    index.keep(np.array([False, True, False]))
    assert len(index) == 1
    ranked = index.search(analyze("acme founded"), 10, np.ones(1, dtype=bool))
    fresh = _index([DOCS[1]]).search(analyze("acme founded"), 10, np.ones(1, dtype=bool))
    assert ranked.slots.tolist() == [0]
    assert ranked.scores.tolist() == pytest.approx(fresh.scores.tolist())
    # Terms only removed documents used are forgotten.
    assert index.search(analyze("tea"), 10, np.ones(1, dtype=bool)).slots.tolist() == []


def test_empty_index_and_empty_query() -> None:
    index = BM25Index()
    assert index.search(["x"], 5, np.zeros(0, dtype=bool)).slots.tolist() == []
    index.append([""])
    assert index.search([], 5, _all(index)).slots.tolist() == []


WORDS = ["acme", "Acme", "leads", "lead", "the", "cities", "city", "tea", "zürich", "bob"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(st.lists(st.sampled_from(WORDS), max_size=5).map(" ".join), max_size=4),
            st.sets(st.integers(0, 20)),
            st.booleans(),
        ),
        max_size=5,
    ),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=3),
)
def test_appends_discards_and_compactions_equal_a_fresh_index(
    steps: list[tuple[list[str], set[int], bool]], query_words: list[str]
) -> None:
    # Terms forgotten by a compaction and written again must be counted afresh.
    index, texts = BM25Index(), []
    for added, dropped, compact in steps:
        index.append(added)
        texts.extend(added)
        slots = sorted(slot for slot in dropped if slot < len(texts) and texts[slot] is not None)
        index.discard(slots, [texts[slot] for slot in slots])
        for slot in slots:
            texts[slot] = None
        if compact:
            index.keep(np.array([text is not None for text in texts], dtype=bool))
            texts = [text for text in texts if text is not None]
    live = [text for text in texts if text is not None]
    query = analyze(" ".join(query_words))
    eligible = np.array([text is not None for text in texts], dtype=bool)
    got = index.search(query, 50, eligible)
    want = _index(live).search(query, 50, _all(_index(live)))
    renumbered = np.cumsum(eligible) - 1
    assert renumbered[got.slots].tolist() == want.slots.tolist()
    assert got.scores.tolist() == pytest.approx(want.scores.tolist(), rel=1e-5)
