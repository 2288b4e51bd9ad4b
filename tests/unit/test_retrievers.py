"""GraphMemory.search and GraphRetriever over a corpus remembered with the offline extractor and
WordLlama embeddings: each search type, multi-hop recall, filters, permissions, bad input."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from langchain_core.documents import Document

from cognee_langchain.embeddings import WordLlamaEmbeddings
from cognee_langchain.errors import InvalidInputError, PermissionDeniedError
from cognee_langchain.graph.models import content_id
from cognee_langchain.memory import GraphMemory
from cognee_langchain.retrieval.config import (
    ExpansionConfig,
    Ranker,
    RankerConfig,
    SearchConfig,
    hybrid_rankers,
)
from cognee_langchain.retrievers import GraphRetriever
from cognee_langchain.users import User
from tests.unit.test_memory_support import BagOfWordsEmbeddings

ACME = "Alice Johnson leads Acme Corp. Acme Corp builds reusable rockets."
BORN = "Alice Johnson was born in Denver."
GLOBEX = "Bob Smith founded Globex in 2019. Globex sells accounting software."
PARIS = "Carol Diaz moved to Paris in 2021."
INITECH = "Dan Brown leads Initech."


def chunk_id(text: str, dataset: str = "main_dataset") -> str:
    """Each text here is one chunk, whose id is the hash of its text."""
    return content_id("chunk", dataset, text)


@pytest.fixture(scope="module")
def embeddings() -> WordLlamaEmbeddings:
    return WordLlamaEmbeddings()


@pytest.fixture(scope="module")
def memory(
    tmp_path_factory: pytest.TempPathFactory, embeddings: WordLlamaEmbeddings
) -> Iterator[GraphMemory]:
    memory = GraphMemory(tmp_path_factory.mktemp("corpus"), embeddings=embeddings)
    memory.remember([ACME, BORN, GLOBEX])
    memory.remember(PARIS, node_set="travel")
    memory.remember(INITECH, dataset="other")
    yield memory
    memory.close()


# -- each search type on known answers --------------------------------------------------------
def test_chunks_finds_the_chunk_that_answers(memory: GraphMemory) -> None:
    docs = memory.search("What does Globex sell?", search_type="chunks", top_k=3)

    assert docs[0].page_content == GLOBEX
    assert {doc.metadata["type"] for doc in docs} == {"chunk"}
    assert docs[0].metadata["chunk_ids"] == [chunk_id(GLOBEX)]


def test_facts_are_relations_rendered_as_sentences(memory: GraphMemory) -> None:
    docs = memory.search("What does Globex sell?", search_type="facts", top_k=3)

    assert docs[0].page_content.startswith("Globex sells accounting software.")
    assert {doc.metadata["type"] for doc in docs} == {"fact"}
    assert docs[0].metadata["chunk_ids"] == [chunk_id(GLOBEX)]


def test_summaries_are_the_chunks_lead_sentences(memory: GraphMemory) -> None:
    docs = memory.search("When did Carol Diaz move to Paris?", search_type="summaries", top_k=3)

    assert docs[0].page_content == PARIS
    assert docs[0].id == f"summary:{chunk_id(PARIS)}"
    assert docs[0].metadata["chunk_ids"] == [chunk_id(PARIS)]
    assert {doc.metadata["type"] for doc in docs} == {"summary"}


def test_graph_brings_both_hops_of_a_two_hop_question_first(memory: GraphMemory) -> None:
    docs = memory.search("Where was the leader of Acme Corp born?", top_k=2)

    assert {doc.id for doc in docs} == {chunk_id(ACME), chunk_id(BORN)}


def test_documents_carry_id_type_score_dataset_node_set_and_sources(memory: GraphMemory) -> None:
    docs = memory.search("Carol Diaz Paris", search_type="graph", top_k=5)

    assert len(docs) == 5
    scores = [doc.metadata["score"] for doc in docs]
    assert scores == sorted(scores, reverse=True) and all(s > 0 for s in scores)
    for doc in docs:
        assert isinstance(doc, Document) and doc.id == doc.metadata["id"]
        common = {"id", "type", "score", "dataset", "node_set", "chunk_ids"}
        fact_times = {"kind", "valid_at", "invalid_at", "superseded_by", "current"}
        assert doc.metadata["type"] in {"chunk", "fact"}
        assert set(doc.metadata) == common | (
            fact_times if doc.metadata["type"] == "fact" else set()
        )
    top = docs[0]
    assert (top.id, top.metadata["dataset"], top.metadata["node_set"]) == (
        chunk_id(PARIS),
        "main_dataset",
        ["travel"],
    )


def test_a_custom_search_config_runs_without_embedding_the_query(tmp_path: Path) -> None:
    embeddings = BagOfWordsEmbeddings()
    memory = GraphMemory(tmp_path, embeddings=embeddings)
    memory.remember([ACME, GLOBEX])
    calls = embeddings.calls
    bm25_only = SearchConfig(rankers=(RankerConfig("chunk", Ranker.BM25),))

    docs = memory.search("Globex software", search_type=bm25_only)

    assert [doc.page_content for doc in docs] == [GLOBEX]  # BM25 only matches the terms
    assert embeddings.calls == calls


# -- multi-hop: graph beats chunks --------------------------------------------------------------
FIRST = ["Alice", "Bruno", "Chloe", "Dmitri", "Elena", "Farid", "Greta", "Hiro", "Ines", "Jonas"]
LAST = ["Moreau", "Okafor", "Lindqvist", "Tanaka", "Silva", "Novak", "Haddad", "Kowalski"]
OTHER_LAST = ["Brennan", "Duarte", "Fischer", "Rossi"]  # distractors are never founders
COMPANIES = [
    *("Northwind", "Bluepeak", "Cinderforge", "Driftwood", "Emberline", "Foxglove", "Granite"),
    *("Harborview", "Ironbark", "Juniper", "Keystone", "Lanternfish", "Moonrise", "Nettlefield"),
    *("Oakhaven", "Pinecrest", "Quillstone", "Redwater", "Silverleaf", "Thornbury"),
    *("Umberfield", "Valewind", "Westmarch", "Yellowfin"),
]
CITIES = [
    *("Lisbon", "Oslo", "Nairobi", "Kyoto", "Lima", "Tunis", "Porto", "Dublin", "Hanoi", "Quito"),
    *("Riga", "Accra", "Bergen", "Cusco", "Dakar", "Gdansk", "Havana", "Izmir", "Jaipur"),
    *("Krakow", "Lyon", "Malmo", "Nantes", "Osaka"),
]


def two_hop_corpus() -> tuple[list[str], list[tuple[str, set[str]]]]:
    """24 founders: 'P founded C', 'P was born in T' — the chunk answering 'where was the
    founder of C born?' never names C. Distractors: someone else born in each city, other news
    about each company."""
    texts, questions = [], []
    for i, (company, city) in enumerate(zip(COMPANIES, CITIES, strict=True)):
        # first names repeat across people, so a first name alone is ambiguous
        person = f"{FIRST[i % 10]} {LAST[(i * 3 + i // 10) % 8]}"
        other = f"{FIRST[(i + 3) % 10]} {OTHER_LAST[i % 4]}"
        founded = f"{person} founded {company} in {1990 + i}."
        born = f"{person} was born in {city}."
        texts += [founded, born, f"{other} was born in {city} too.", f"{company} opened an office."]
        questions.append(
            (f"Where was the founder of {company} born?", {chunk_id(founded), chunk_id(born)})
        )
    return texts, questions


def test_graph_beats_chunks_on_two_hop_questions(
    tmp_path: Path, embeddings: WordLlamaEmbeddings
) -> None:
    texts, questions = two_hop_corpus()
    memory = GraphMemory(tmp_path, embeddings=embeddings)
    memory.remember(texts)  # one document (and chunk) per text

    # The walk at full weight under rank fusion (the presets weigh it far lower: on chat
    # transcripts a heavier walk costs recall), against the same lanes without it.
    hybrid = SearchConfig(rankers=hybrid_rankers("chunk"))
    expanded = SearchConfig(rankers=hybrid_rankers("chunk"), expansion=ExpansionConfig())
    recall = {}
    for name, search_type in (("chunks", hybrid), ("graph", expanded)):
        per_question = [
            len(gold & {doc.id for doc in memory.search(q, search_type=search_type, top_k=4)}) / 2
            for q, gold in questions
        ]
        recall[name] = float(np.mean(per_question))

    assert len(questions) >= 20
    assert recall["graph"] >= 0.9
    assert recall["graph"] >= recall["chunks"] + 0.25


# -- filters and permissions ----------------------------------------------------------------------
def test_node_set_filter(memory: GraphMemory) -> None:
    docs = memory.search("Who moved where?", node_sets="travel", top_k=8)

    assert docs and all("travel" in doc.metadata["node_set"] for doc in docs)
    assert memory.search("Carol Diaz", node_sets=[]) == []
    assert memory.search("Carol Diaz", node_sets=["nothing-here"]) == []


def test_dataset_filter(memory: GraphMemory) -> None:
    other = memory.search("Who leads a company?", datasets="other", top_k=8)
    both = memory.search("Who leads a company?", datasets=["main_dataset", "other"], top_k=50)
    everything = memory.search("Who leads a company?", top_k=50)

    assert other and {doc.metadata["dataset"] for doc in other} == {"other"}
    assert {doc.metadata["dataset"] for doc in both} == {"main_dataset", "other"}
    assert {doc.id for doc in both} == {doc.id for doc in everything}


def test_users_only_see_datasets_they_may_read(
    tmp_path: Path, embeddings: WordLlamaEmbeddings
) -> None:
    memory = GraphMemory(tmp_path, embeddings=embeddings)
    memory.remember(ACME)
    stranger = User(id="stranger")
    memory.remember(INITECH, dataset="strangers_notes", user=stranger)

    assert {d.metadata["dataset"] for d in memory.search("leads", user=stranger)} == {
        "strangers_notes"
    }
    with pytest.raises(PermissionDeniedError):
        memory.search("leads", datasets="main_dataset", user=stranger)
    with pytest.raises(PermissionDeniedError):
        memory.as_retriever(user=stranger, datasets=["main_dataset"]).invoke("leads")

    memory.grant("main_dataset", stranger, "read")

    datasets = {d.metadata["dataset"] for d in memory.search("leads", user=stranger)}
    assert datasets == {"main_dataset", "strangers_notes"}
    assert {d.metadata["dataset"] for d in memory.search("leads")} == {"main_dataset"}


# -- the retriever ---------------------------------------------------------------------------------
def test_retriever_honours_k_and_per_call_overrides(memory: GraphMemory) -> None:
    retriever = memory.as_retriever(top_k=3)

    assert len(retriever.invoke("Acme Corp")) == 3
    assert len(retriever.invoke("Acme Corp", top_k=1)) == 1
    facts = retriever.invoke("Acme Corp", search_type="facts", top_k=2)
    assert [doc.metadata["type"] for doc in facts] == ["fact", "fact"]
    other = retriever.invoke("Acme Corp", datasets=["other"])
    assert {doc.metadata["dataset"] for doc in other} == {"other"}
    travel = retriever.invoke("Acme Corp", node_sets=["travel"])
    assert travel and all(doc.metadata["node_set"] == ["travel"] for doc in travel)


async def test_retriever_ainvoke_matches_invoke(memory: GraphMemory) -> None:
    retriever = GraphRetriever(
        memory=memory, top_k=4, search_type="chunks", datasets="main_dataset"
    )

    assert retriever.datasets == ["main_dataset"]
    assert await retriever.ainvoke("Globex") == retriever.invoke("Globex")


def test_retriever_results_equal_memory_search(memory: GraphMemory) -> None:
    retriever = memory.as_retriever(top_k=5, search_type="summaries", node_sets=["travel"])

    assert retriever.invoke("Paris") == memory.search(
        "Paris", search_type="summaries", top_k=5, node_sets=["travel"]
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"top_k": 0},
        {"top_k": -3},
        {"top_k": True},
        {"top_k": 2.5},
        {"top_k": "3"},
        {"top_k": 3, "k": 3},
        {"dataset": "main_dataset"},
        {"search_type": "nearest"},
        {"search_type": 3},
        {"datasets": ""},
        {"node_sets": ["bad\nname"]},
        {"user": "alice"},
    ],
)
def test_bad_retriever_arguments_are_invalid_input(
    memory: GraphMemory, kwargs: dict[str, Any]
) -> None:
    with pytest.raises(InvalidInputError):
        memory.as_retriever(**kwargs)


def test_a_retriever_needs_a_memory() -> None:
    with pytest.raises(InvalidInputError, match="memory"):
        GraphRetriever(memory="not a memory")


@pytest.mark.parametrize(
    "call",
    [
        {"query": ""},
        {"query": "  \n "},
        {"query": "Acme", "top_k": 0},
        {"query": "Acme", "search_type": "nearest"},
        {"query": "Acme", "datasets": ["no_such_dataset"]},
        {"query": "Acme", "n": 3},  # not an argument of the retriever
    ],
)
def test_bad_invocations_are_invalid_input(memory: GraphMemory, call: dict[str, Any]) -> None:
    arguments = dict(call)
    query = arguments.pop("query")
    with pytest.raises(InvalidInputError):
        memory.as_retriever().invoke(query, **arguments)


@settings(max_examples=60, deadline=None)
@given(
    query=st.one_of(st.text(alphabet=" \t\n\r"), st.none(), st.integers(), st.binary()),
    top_k=st.one_of(st.integers(max_value=0), st.floats(), st.booleans(), st.text(), st.none()),
    search_type=st.text().filter(lambda s: s not in {"graph", "chunks", "facts", "summaries"}),
)
def test_fuzzed_bad_input_is_always_invalid_input(
    memory: GraphMemory, query: Any, top_k: Any, search_type: str
) -> None:
    with pytest.raises(InvalidInputError):
        memory.search(query)
    with pytest.raises(InvalidInputError):
        memory.search("Acme", top_k=top_k)
    with pytest.raises(InvalidInputError):
        memory.search("Acme", search_type=search_type)
