"""Entity matching and the personalised-PageRank walk on tiny hand-built graphs."""

from __future__ import annotations

import numpy as np
import pytest

from cognee_langchain.retrieval.expansion import (
    EntityTable,
    Seeds,
    WalkSide,
    name_key,
    personalized_pagerank,
)
from cognee_langchain.retrieval.lexical import word_tokens
from cognee_langchain.retrieval.types import PostingLists, RaggedArray, SearchEntity

DIM = 4


def _table(*entities: SearchEntity) -> EntityTable:
    table = EntityTable(DIM)
    vectors = np.array(
        [e.vector if e.vector is not None else np.zeros(DIM) for e in entities], dtype=np.float32
    )
    table.upsert(list(entities), vectors, [e.vector is not None for e in entities])
    return table


def _names(table: EntityTable, query: str) -> list[int]:
    return table.match_names(word_tokens(query))


def test_name_key_normalises_case_and_punctuation() -> None:
    assert name_key("  ACME, Corp. ") == "acme corp"


def test_names_and_aliases_match_and_longer_names_win() -> None:
    table = _table(
        SearchEntity("ny", "New York"),
        SearchEntity("nyt", "New York Times", aliases=("NYT",)),
        SearchEntity("times", "Times"),
    )
    assert _names(table, "what did the new york times write") == [1]
    assert sorted(_names(table, "nyt and New York")) == [0, 1]
    assert _names(table, "times square") == [2]
    assert _names(table, "nothing here") == []


def test_stopword_only_names_never_match() -> None:
    table = _table(SearchEntity("the-who", "The Who"), SearchEntity("it", "it"))
    assert _names(table, "who is the who and what is it") == []


def test_removed_and_replaced_entities_stop_matching_their_old_names() -> None:
    table = _table(SearchEntity("a", "Acme"), SearchEntity("b", "Beta"))
    assert table.remove(["a", "unknown"]) == 1
    assert _names(table, "acme beta") == [1]
    table.upsert([SearchEntity("b", "Gamma")], np.zeros((1, DIM), np.float32), [False])
    assert _names(table, "acme beta gamma") == [1]
    assert len(table) == 1


def test_vector_seeds_respect_top_k_and_threshold() -> None:
    table = _table(
        SearchEntity("x", "X", vector=np.array([1.0, 0, 0, 0])),
        SearchEntity("y", "Y", vector=np.array([0.8, 0.6, 0, 0])),
        SearchEntity("z", "Z", vector=np.array([0.0, 0, 1, 0])),
        SearchEntity("n", "N"),
    )
    query = np.array([1.0, 0, 0, 0], dtype=np.float32)
    seeds = table.seeds([], query, top_k=5, min_similarity=0.5)
    assert seeds.rows.tolist() == [0, 1]
    assert seeds.weights.tolist() == pytest.approx([1.0, 0.8])
    assert table.seeds([], query, top_k=1, min_similarity=0.5).rows.tolist() == [0]
    named = table.seeds(["x"], query, top_k=1, min_similarity=0.5)
    assert named.weights.tolist() == pytest.approx([2.0])


def test_placeholders_are_reclaimed_once_unreferenced() -> None:
    table = EntityTable(DIM)
    rows = table.resolve(["p", "q"])
    table.reference(rows, +1)
    assert len(table) == 0 and table.rows == 2 and table.reclaimable() == 0
    table.reference(rows[:1], -1)
    assert table.reclaimable() == 1
    assert table.compact().tolist() == [-1, 0]
    assert table.resolve(["q"]).tolist() == [0]


def _side(item_entities: list[list[int]], entity_rows: int) -> WalkSide:
    """A walk side whose item i mentions the entity rows item_entities[i]."""
    ragged = RaggedArray()
    ragged.append([np.array(rows, dtype=np.int32) for rows in item_entities])
    mentions = PostingLists()
    mentions.grow_to(entity_rows)
    keys = [e for rows in item_entities for e in rows]
    slots = [slot for slot, rows in enumerate(item_entities) for _ in rows]
    mentions.add(np.array(keys, np.int64), np.array(slots, np.int64), np.ones(len(keys), np.int64))
    return WalkSide(mentions, ragged, np.ones(len(item_entities), dtype=bool))


def _walk(side: WalkSide, seed_entities: list[int], hops: int = 2) -> dict[int, float]:
    seeds = Seeds(np.array(seed_entities, np.int64), np.ones(len(seed_entities)))
    ranked = personalized_pagerank(
        seeds, {"chunk": side}, entity_rows=10, damping=0.5, hops=hops, max_frontier=50, k=10
    )
    return dict(zip(ranked["chunk"].slots.tolist(), ranked["chunk"].scores.tolist(), strict=True))


# entities: 0 Acme, 1 Alice, 2 Paris, 3 Bob, 4 London
CHAIN = [[0, 1], [1, 2], [3, 4]]


def test_the_walk_reaches_two_hops_and_not_unconnected_items() -> None:
    mass = _walk(_side(CHAIN, 5), [0])
    assert list(mass) == [0, 1]  # Acme's chunk, then Alice's other chunk; Bob's is unreachable
    assert mass[0] > mass[1] > 0


def test_one_hop_only_reaches_direct_mentions() -> None:
    assert list(_walk(_side(CHAIN, 5), [0], hops=1)) == [0]


def test_mass_splits_over_an_entitys_items() -> None:
    hub = _side([[0], [0], [0], [1]], 2)
    mass = _walk(hub, [0, 1], hops=1)
    assert mass[3] == pytest.approx(3 * mass[0])


def test_ineligible_items_are_neither_returned_nor_walked_through() -> None:
    side = _side(CHAIN, 5)
    blocked = WalkSide(side.mentions, side.entities, np.array([False, True, True]))
    assert _walk(blocked, [0]) == {}


def test_no_seeds_reach_nothing() -> None:
    assert _walk(_side(CHAIN, 5), []) == {}


def test_the_frontier_prefers_specific_entities_to_hubs() -> None:
    # Entity 0 is heavier but spread over three items; entity 1 gives its one item more.
    side = _side([[0], [0], [0], [1]], 2)
    seeds = Seeds(np.array([0, 1], np.int64), np.array([0.6, 0.4]))

    def reached(max_frontier: int) -> list[int]:
        ranked = personalized_pagerank(
            seeds,
            {"chunk": side},
            entity_rows=2,
            damping=0.5,
            hops=1,
            max_frontier=max_frontier,
            k=10,
        )
        return ranked["chunk"].slots.tolist()

    assert reached(1) == [3]
    assert reached(2) == [3, 0, 1, 2]
