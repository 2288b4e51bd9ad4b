"""The search engine end to end: search types on known data, filters, incremental writes equal a
rebuild, multi-hop recall of ``graph`` over ``chunks``, bad input and concurrent use.

Vectors come from a deterministic bag-of-words embedder (a fixed random vector per term), so no
model is needed.
"""

from __future__ import annotations

import asyncio
import functools
import threading
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cognee_langchain.errors import InvalidInputError
from cognee_langchain.retrieval import (
    SEARCH_PRESETS,
    ExpansionConfig,
    Ranker,
    RankerConfig,
    SearchConfig,
    SearchEngine,
    SearchEntity,
    SearchHit,
    SearchItem,
    hybrid_rankers,
)
from cognee_langchain.retrieval.lexical import analyze

DIM = 256


@functools.cache
def _term_vector(term: str) -> np.ndarray:
    return np.random.default_rng(zlib.crc32(term.encode())).standard_normal(DIM)


def embed(text: str) -> np.ndarray:
    """Bag of words: the sum of a fixed random vector per term, so texts sharing terms are
    similar and unrelated texts nearly orthogonal."""
    return np.sum([_term_vector(term) for term in analyze(text)] or [np.zeros(DIM)], axis=0)


def item(
    item_id: str,
    text: str,
    kind: str = "chunk",
    *,
    entities: Sequence[str] = (),
    dataset: str = "main",
    node_sets: Iterable[str] = (),
    chunk_ids: Sequence[str] = (),
    **metadata: Any,
) -> SearchItem:
    return SearchItem(
        item_id,
        kind,  # type: ignore[arg-type]
        text,
        embed(text),
        dataset,
        node_sets=frozenset(node_sets),
        chunk_ids=tuple(chunk_ids),
        entity_ids=tuple(entities),
        metadata=metadata,
    )


def entity(entity_id: str, name: str, *aliases: str) -> SearchEntity:
    return SearchEntity(entity_id, name, aliases=aliases, vector=embed(name))


def search(engine: SearchEngine, query: str, config: Any = "graph", **kwargs: Any) -> list[str]:
    return [hit.id for hit in engine.search(query, embed(query), config, **kwargs)]


# Dense rankings list every item (nearest first), so exact membership checks use BM25 alone.
LEXICAL = SearchConfig(rankers=(RankerConfig("chunk", Ranker.BM25),))
WALK_ONLY = SearchConfig(rankers=(), expansion=ExpansionConfig(entity_top_k=0))
# The expansion mechanism at full weight under rank fusion, against the same lanes without it.
# (The presets weigh it far lower: on chat transcripts a heavier walk costs recall.)
HYBRID = SearchConfig(rankers=hybrid_rankers("chunk"))
EXPANDED = SearchConfig(rankers=hybrid_rankers("chunk"), expansion=ExpansionConfig())


@pytest.fixture
def engine() -> SearchEngine:
    """Alice leads Acme and was born in Paris; Bob works in London."""
    engine = SearchEngine(DIM)
    engine.add_entities(
        [
            entity("alice", "Alice"),
            entity("acme", "Acme Corp", "Acme"),
            entity("paris", "Paris"),
            entity("bob", "Bob"),
            entity("london", "London"),
        ]
    )
    engine.add(
        [
            item("c1", "Alice leads Acme Corp since 2019.", entities=["alice", "acme"]),
            item("c2", "Alice was born in Paris in 1980.", entities=["alice", "paris"]),
            item("c3", "Bob was born in London.", entities=["bob", "london"], dataset="other"),
            item(
                "c4",
                "Bob sells bread in London.",
                entities=["bob", "london"],
                node_sets=["user_sessions_from_cache"],
                session_id="s1",
                message_ids=["m1", "m2"],
            ),
            item(
                "f1", "Alice leads Acme Corp.", "fact", entities=["alice", "acme"], chunk_ids=["c1"]
            ),
            item(
                "f2", "Alice born in Paris.", "fact", entities=["alice", "paris"], chunk_ids=["c2"]
            ),
            item(
                "s1",
                "Acme Corp is led by Alice.",
                "summary",
                entities=["alice", "acme"],
                chunk_ids=["c1"],
            ),
            item(
                "s2",
                "Bob's bakery in London.",
                "summary",
                entities=["bob", "london"],
                chunk_ids=["c4"],
            ),
        ]
    )
    return engine


def test_each_search_type_returns_its_kind_best_first(engine: SearchEngine) -> None:
    assert search(engine, "Who leads Acme?", "chunks")[0] == "c1"
    assert search(engine, "Where was Alice born?", "facts") == ["f2", "f1"]
    assert search(engine, "bakery", "summaries")[0] == "s2"
    assert engine.search("Who leads Acme?", embed("Who leads Acme?"))[0].kind == "chunk"
    graph = engine.search("Who leads Acme?", embed("Who leads Acme?"), "graph")
    assert graph[0].id == "c1"
    assert {hit.kind for hit in graph} == {"chunk", "fact"}


def test_hits_carry_payload_and_provenance(engine: SearchEngine) -> None:
    hit = engine.search("bread", embed("bread"), "chunks", k=1)[0]
    assert hit == SearchHit(
        id="c4",
        kind="chunk",
        score=hit.score,
        text="Bob sells bread in London.",
        dataset="main",
        node_sets=frozenset({"user_sessions_from_cache"}),
        chunk_ids=(),
        entity_ids=("bob", "london"),
        metadata={"session_id": "s1", "message_ids": ["m1", "m2"]},
    )
    assert hit.score > 0


def test_graph_reaches_the_second_hop_that_chunks_misses(engine: SearchEngine) -> None:
    question = "In which city was the leader of Acme born?"
    assert "c2" not in search(engine, question, HYBRID, k=1)
    assert search(engine, question, EXPANDED, k=2)[:2] == ["c1", "c2"]


def test_k_defaults_to_the_config_limit_and_caps_results(engine: SearchEngine) -> None:
    assert len(search(engine, "Alice Bob Acme London Paris", "chunks", k=2)) == 2
    short = SearchConfig(rankers=(RankerConfig("chunk", Ranker.BM25),), limit=1)
    assert len(search(engine, "Alice Bob", short)) == 1


def test_dataset_and_node_set_filters(engine: SearchEngine) -> None:
    query = "Bob born London"
    assert set(search(engine, query, "chunks", datasets=["other"])) == {"c3"}
    assert "c3" not in search(engine, query, "chunks", datasets=["main"])
    assert set(search(engine, query, "graph", node_sets=["user_sessions_from_cache"])) == {"c4"}
    assert search(engine, query, "chunks", datasets=["main"], node_sets=["nope"]) == []
    assert search(engine, query, "chunks", datasets=[]) == []
    assert search(engine, query, "chunks", datasets="other") == ["c3"]


def test_filters_also_bound_the_graph_walk(engine: SearchEngine) -> None:
    assert set(search(engine, "Acme", WALK_ONLY)) == {"c1", "c2", "f1", "f2"}
    # c1 and f1 (main) link Acme to Alice's other items; with main filtered out none is reachable.
    assert search(engine, "Acme", WALK_ONLY, datasets=["other"]) == []


def test_re_adding_replaces_and_unchanged_items_are_skipped(engine: SearchEngine) -> None:
    assert (
        engine.add([item("c1", "Alice leads Acme Corp since 2019.", entities=["alice", "acme"])])
        == 0
    )
    assert engine.add([item("c1", "Carol leads Initech now.")]) == 1
    assert search(engine, "Initech", LEXICAL) == ["c1"]
    assert "c1" not in search(engine, "Acme Corp 2019", LEXICAL)
    # An id moving to another kind leaves the old kind.
    engine.add([item("c1", "Carol leads Initech now.", "fact")])
    assert search(engine, "Initech", LEXICAL) == []
    assert search(engine, "Initech", "facts")[0] == "c1"
    assert len(engine) == 8


def test_an_item_changed_only_in_its_links_is_updated_where_it_lies(engine: SearchEngine) -> None:
    # A fact stated again in one more chunk (and now in a node set): no re-indexing, no
    # tombstone, yet hits, filters, the facts a chunk states and a snapshot all see the change.
    again = item(
        "f1",
        "Alice leads Acme Corp.",
        "fact",
        entities=["alice", "acme"],
        node_sets=["notes"],
        chunk_ids=["c1", "c2"],
        relation="leads",
    )
    facts = engine._collections["fact"]
    assert facts.stated_by("c2") == [facts.slot_of["f2"]]  # built before, kept up to date
    assert engine.add([again]) == 1
    assert engine.stats()["tombstones"] == 0
    assert facts.stated_by("c2") == [facts.slot_of["f1"], facts.slot_of["f2"]]
    restored = engine.export(SearchEngine.restore)
    for current in (engine, restored):
        (hit,) = current.search("Alice leads", embed("Alice leads"), "facts", node_sets=["notes"])
        assert (hit.id, hit.chunk_ids) == ("f1", ("c1", "c2"))
        assert dict(hit.metadata) == {"relation": "leads"}
    assert engine.add([again]) == 0
    assert engine.add([replace(again, text="Alice leads Initech.")]) == 1
    assert engine.stats()["tombstones"] == 1


def test_within_a_batch_the_last_item_with_an_id_wins() -> None:
    engine = SearchEngine(DIM)
    assert engine.add([item("x", "first text"), item("x", "second text")]) == 1
    assert search(engine, "second", LEXICAL) == ["x"]
    assert search(engine, "first", LEXICAL) == []


def test_remove_and_membership(engine: SearchEngine) -> None:
    assert engine.remove(["c1", "f1", "missing", "c1"]) == 2
    assert "c1" not in engine and "c2" in engine and 42 not in engine
    assert "c1" not in search(engine, "Acme", "chunks", k=10)
    assert engine.stats()["items"] == {"chunk": 3, "fact": 1, "summary": 2}
    assert engine.stats()["tombstones"] == 2
    engine.compact()
    assert engine.stats()["tombstones"] == 0
    assert search(engine, "Alice Paris", "chunks")[0] == "c2"


def test_removed_entities_stop_seeding_but_items_still_link(engine: SearchEngine) -> None:
    assert search(engine, "Acme", WALK_ONLY)
    assert engine.remove_entities(["acme", "nobody"]) == 1
    assert engine.stats()["entities"] == 4
    assert search(engine, "Acme", WALK_ONLY) == []
    # Items still link through the removed entity: Alice's chunks reach each other.
    assert set(search(engine, "Alice", WALK_ONLY)) == {"c1", "c2", "f1", "f2"}


def test_searches_without_a_vector_when_the_config_needs_none(engine: SearchEngine) -> None:
    assert [h.id for h in engine.search("bread", None, LEXICAL)] == ["c4"]


def test_an_empty_engine_finds_nothing() -> None:
    engine = SearchEngine(DIM)
    for search_type in SEARCH_PRESETS:
        assert search(engine, "anything", search_type) == []


@pytest.mark.parametrize("k", [0, -1, True, 1.5, "3"])
def test_bad_k_is_rejected(engine: SearchEngine, k: Any) -> None:
    with pytest.raises(InvalidInputError, match="k must be"):
        engine.search("Alice", embed("Alice"), "chunks", k=k)


@pytest.mark.parametrize(
    ("query", "vector", "config", "match"),
    [
        ("", np.ones(DIM), "graph", "non-empty"),
        ("   ", np.ones(DIM), "graph", "non-empty"),
        (None, np.ones(DIM), "graph", "non-empty"),
        ("Alice", None, "graph", "needs query_vector"),
        ("Alice", np.ones(DIM + 1), "graph", "dimensions"),
        ("Alice", [np.nan] * DIM, "chunks", "NaN"),
        ("Alice", np.ones(DIM), "semantic", "Unknown search type"),
    ],
)
def test_bad_queries_are_rejected(
    engine: SearchEngine, query: Any, vector: Any, config: str, match: str
) -> None:
    with pytest.raises(InvalidInputError, match=match):
        engine.search(query, vector, config)


def test_bad_filters_are_rejected(engine: SearchEngine) -> None:
    with pytest.raises(InvalidInputError):
        engine.search("Alice", embed("Alice"), datasets=[""])
    with pytest.raises(InvalidInputError):
        engine.search("Alice", embed("Alice"), node_sets=[3])  # type: ignore[list-item]


@pytest.mark.parametrize(
    "bad",
    [
        "not an item",
        SearchItem("x", "page", "t", np.ones(DIM), "main"),  # type: ignore[arg-type]
        SearchItem("", "chunk", "t", np.ones(DIM), "main"),
        SearchItem("x\n", "chunk", "t", np.ones(DIM), "main"),
        SearchItem("x", "chunk", b"t", np.ones(DIM), "main"),  # type: ignore[arg-type]
        SearchItem("x", "chunk", "t", np.ones(DIM), ""),
        SearchItem("x", "chunk", "t", np.ones(3), "main"),
        SearchItem("x", "chunk", "t", None, "main"),  # type: ignore[arg-type]
        SearchItem("x", "chunk", "t", np.ones(DIM), "main", entity_ids="abc"),
        SearchItem("x", "chunk", "t", np.ones(DIM), "main", chunk_ids=("",)),
        SearchItem("x", "chunk", "t", np.ones(DIM), "main", metadata=[]),  # type: ignore[arg-type]
    ],
)
def test_a_bad_item_rejects_the_whole_batch(engine: SearchEngine, bad: Any) -> None:
    before = engine.stats()
    with pytest.raises(InvalidInputError):
        engine.add([item("new", "fresh text"), bad])
    assert engine.stats() == before
    assert "new" not in engine


@pytest.mark.parametrize(
    "bad",
    [
        "x",
        SearchEntity("", "Name"),
        SearchEntity("e", "  "),
        SearchEntity("e", "Name", aliases=(3,)),  # type: ignore[arg-type]
        SearchEntity("e", "Name", vector=np.ones(2)),
    ],
)
def test_bad_entities_are_rejected(engine: SearchEngine, bad: Any) -> None:
    with pytest.raises(InvalidInputError):
        engine.add_entities([bad])


def test_bad_dimension_is_rejected() -> None:
    for dim in (0, -3, True, 2.5):
        with pytest.raises(InvalidInputError):
            SearchEngine(dim)  # type: ignore[arg-type]


async def test_asearch_matches_search(engine: SearchEngine) -> None:
    query = "Who leads Acme?"
    hits = await engine.asearch(query, embed(query))
    assert hits == engine.search(query, embed(query))


def test_automatic_compaction_keeps_results() -> None:
    engine = SearchEngine(DIM)
    keep = [item(f"keep{i}", f"kept note {i} about topic{i % 7}") for i in range(50)]
    churn = [item(f"tmp{i}", f"temporary note {i} about topic{i % 7}") for i in range(1500)]
    engine.add(keep[:25] + churn + keep[25:])
    engine.remove([c.id for c in churn])
    # 1,500 of 1,550 slots dead: the removal compacted the index by itself.
    assert engine.stats()["tombstones"] == 0
    fresh = SearchEngine(DIM)
    fresh.add(keep)
    for search_type in SEARCH_PRESETS:
        assert search(engine, "kept note topic3", search_type, k=20) == search(
            fresh, "kept note topic3", search_type, k=20
        )


# -- incremental writes equal a rebuild ------------------------------------------------------------

ENTITIES = [
    entity(f"e{i}", name) for i, name in enumerate(["Alice", "Acme", "Paris", "Bob", "Oslo"])
]
WORDS = ["alice", "acme", "paris", "bob", "oslo", "leads", "born", "sells", "bread", "city"]


@st.composite
def variants(draw: st.DrawFn) -> SearchItem:
    """One version of one of a few item ids: kind, text, entities, dataset and node sets vary."""
    item_id = draw(st.sampled_from(["a", "b", "c", "d", "e", "f"]))
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=6))
    return item(
        item_id,
        " ".join(words),
        draw(st.sampled_from(["chunk", "chunk", "fact", "summary"])),
        entities=draw(st.lists(st.sampled_from([e.id for e in ENTITIES]), max_size=3, unique=True)),
        dataset=draw(st.sampled_from(["main", "other"])),
        node_sets=draw(st.sets(st.sampled_from(["s1", "s2"]), max_size=2)),
        chunk_ids=draw(st.lists(st.sampled_from(["k1", "k2", "k3"]), max_size=2, unique=True)),
    )


operations = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.lists(variants(), min_size=1, max_size=4)),
        st.tuples(st.just("remove"), st.lists(st.sampled_from("abcdefz"), max_size=3)),
        st.tuples(st.just("compact"), st.just([])),
    ),
    max_size=10,
)

QUERIES = ["alice leads acme", "born in oslo", "bread", "paris city bob"]
FILTERS: list[dict[str, Any]] = [{}, {"datasets": ["other"]}, {"node_sets": ["s1"]}]


def _results(engine: SearchEngine) -> list[list[tuple[str, float]]]:
    return [
        [(hit.id, hit.score) for hit in engine.search(q, embed(q), search_type, k=10, **filters)]
        for q in QUERIES
        for search_type in SEARCH_PRESETS
        for filters in FILTERS
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations)
def test_incremental_writes_equal_a_rebuild(ops: list[tuple[str, list[Any]]]) -> None:
    engine = SearchEngine(DIM)
    engine.add_entities(ENTITIES)
    live: dict[str, SearchItem] = {}  # insertion order = the order a rebuild adds them in
    for op, args in ops:
        if op == "add":
            engine.add(args)
            for new in {i.id: i for i in args}.values():
                old = live.get(new.id)
                # Re-added unchanged or changed only in what is updated in place (chunk ids,
                # node sets): it keeps its place.
                if old is None or not _same_place(old, new):
                    live.pop(new.id, None)
                live[new.id] = new
        elif op == "remove":
            engine.remove(args)
            for item_id in args:
                live.pop(item_id, None)
        else:
            engine.compact()
    rebuilt = SearchEngine(DIM)
    rebuilt.add_entities(ENTITIES)
    rebuilt.add(live.values())
    got, want = _results(engine), _results(rebuilt)
    assert [[i for i, _ in r] for r in got] == [[i for i, _ in r] for r in want]
    assert [[s for _, s in r] for r in got] == [pytest.approx([s for _, s in r]) for r in want]


def _same_place(a: SearchItem, b: SearchItem) -> bool:
    return (a.kind, a.text, a.dataset, a.entity_ids) == (b.kind, b.text, b.dataset, b.entity_ids)


# -- multi-hop -------------------------------------------------------------------------------------

FIRST = "Alice Bruno Chloe Dmitri Elena Farid Greta Hiro Ines Jonas Keiko Luca"
LAST = "Moreau Okafor Lindqvist Tanaka Silva Novak Haddad Kowalski Brennan Duarte Fischer Rossi"
COMPANIES = """Northwind Bluepeak Cinderforge Driftwood Emberline Foxglove Granite Harborview
    Ironbark Juniper Keystone Lanternfish Moonrise Nettlefield Oakhaven Pinecrest Quillstone
    Redwater Silverleaf Thornbury Umberfield Valewind Westmarch Yellowfin"""
CITIES = """Lisbon Oslo Nairobi Kyoto Lima Tunis Porto Dublin Hanoi Quito Riga Accra Bergen Cusco
    Dakar Gdansk Havana Izmir Jaipur Krakow Lyon Malmo Nantes Osaka"""

Embed = Callable[[list[str]], np.ndarray]


def _bag_of_words(texts: list[str]) -> np.ndarray:
    return np.array([embed(text) for text in texts])


def _multi_hop(embed_many: Embed) -> tuple[SearchEngine, list[tuple[str, set[str]]]]:
    """24 people: 'P founded C' and 'P was born in T', so the chunk answering 'where was the
    founder of C born?' never names C. Distractors: another person born in each city, and other
    news about each company."""
    first, last = FIRST.split(), LAST.split()
    entities, items, questions = [], [], []
    for i, (company, city) in enumerate(zip(COMPANIES.split(), CITIES.split(), strict=True)):
        person = f"{first[i % 12]} {last[(i * 5 + i // 12) % 12]}"
        other = f"{first[(i + 3) % 12]} {last[(i * 7 + 1) % 12]}"
        p, c, t, o = f"p{i}", f"co{i}", f"t{i}", f"o{i}"
        entities += [entity(p, person), entity(c, company), entity(t, city), entity(o, other)]
        items += [
            item(f"a{i}", f"{person} founded {company} in {1990 + i}.", entities=[p, c]),
            item(f"b{i}", f"{person} was born in {city}.", entities=[p, t]),
            item(f"d{i}", f"{other} was born in {city} too.", entities=[o, t]),
            item(f"n{i}", f"{company} opened a new office.", entities=[c]),
            item(f"f{i}", f"{person} founded {company}.", "fact", entities=[p, c]),
            item(f"g{i}", f"{person} born in {city}.", "fact", entities=[p, t]),
        ]
        questions.append((f"Where was the founder of {company} born?", {f"a{i}", f"b{i}"}))
    engine = SearchEngine(DIM)
    names = embed_many([e.name for e in entities])
    engine.add_entities([replace(e, vector=v) for e, v in zip(entities, names, strict=True)])
    texts = embed_many([i.text for i in items])
    engine.add([replace(i, vector=v) for i, v in zip(items, texts, strict=True)])
    return engine, questions


def _mean_recall(
    engine: SearchEngine, questions: list[tuple[str, set[str]]], embed_many: Embed, k: int
) -> dict[str, float]:
    """recall@k of the gold chunks (both hops), averaged over the questions, per search type."""
    vectors = embed_many([question for question, _ in questions])
    recall = {}
    for name, config in (("chunks", HYBRID), ("graph", EXPANDED)):
        per_question = []
        for (question, gold), vector in zip(questions, vectors, strict=True):
            hits = engine.search(question, vector, config, k=k)
            per_question.append(len(gold & {hit.id for hit in hits}) / len(gold))
        recall[name] = float(np.mean(per_question))
    return recall


def test_graph_beats_chunks_on_multi_hop_questions() -> None:
    engine, questions = _multi_hop(_bag_of_words)
    recall = _mean_recall(engine, questions, _bag_of_words, k=4)
    assert recall["graph"] >= 0.9
    assert recall["graph"] >= recall["chunks"] + 0.25


def test_graph_beats_chunks_on_multi_hop_questions_with_wordllama() -> None:
    from cognee_langchain.embeddings import WordLlamaEmbeddings

    embeddings = WordLlamaEmbeddings(dim=DIM)
    engine, questions = _multi_hop(embeddings.embed_array)
    recall = _mean_recall(engine, questions, embeddings.embed_array, k=4)
    assert recall["graph"] >= 0.9
    assert recall["graph"] >= recall["chunks"] + 0.25


# -- concurrency -----------------------------------------------------------------------------------


def test_concurrent_searches_and_writes_stay_consistent(engine: SearchEngine) -> None:
    stable = {"c1", "c2", "c3", "c4", "f1", "f2", "s1", "s2"}
    volatile = [
        item(f"v{i}", f"volatile note {i} about Acme", entities=["acme"]) for i in range(40)
    ]
    errors: list[BaseException] = []

    def reader() -> None:
        try:
            for _ in range(60):
                hits = engine.search("Who leads Acme?", embed("Who leads Acme?"), k=50)
                ids = {hit.id for hit in hits}
                assert "c1" in ids
                assert ids <= stable | {v.id for v in volatile}
        except BaseException as exc:  # surfaced in the main thread below
            errors.append(exc)

    def writer() -> None:
        try:
            for start in range(0, 40, 4):
                engine.add(volatile[start : start + 4])
                engine.remove([v.id for v in volatile[start : start + 2]])
            engine.compact()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(3)] + [
        threading.Thread(target=writer)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert engine.stats()["items"]["chunk"] == 4 + 20


def test_asearch_does_not_block_the_loop(engine: SearchEngine) -> None:
    async def main() -> list[list[SearchHit]]:
        return await asyncio.gather(
            *(engine.asearch(q, embed(q), "chunks") for q in ("Acme", "Paris", "bread"))
        )

    results = asyncio.run(main())
    assert [hits[0].id for hits in results] == ["c1", "c2", "c4"]
