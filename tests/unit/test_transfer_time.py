"""Export and import keep time on facts: the kinds, the dates each mention gives, and the
retractions round-trip exactly, so the intervals derived on import are the same; a file of
format version 1 (before time) still imports, its facts of unknown kind."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from cognee_langchain.embeddings import WordLlamaEmbeddings
from cognee_langchain.graph.base import GraphStore, Relation
from cognee_langchain.memory import GraphMemory
from cognee_langchain.services.transfer_lines import FORMAT_VERSION
from cognee_langchain.testing.graph_builders import create
from cognee_langchain.testing.graph_time import Life

DS = "main"


@pytest.fixture(scope="module")
def model() -> WordLlamaEmbeddings:
    return WordLlamaEmbeddings()


def _export(memory: GraphMemory) -> bytes:
    out = io.BytesIO()
    memory.export_dataset(DS, out, include_vectors=False)
    return out.getvalue()


def _facts(store: GraphStore, life: Life) -> list[tuple[object, ...]]:
    history: list[Relation] = store.relation_history(DS, life.entity(life.subject).id)
    retractions = store.retractions(DS, life.entity(life.subject).id)
    return [
        *((v.fact, v.kind, v.valid_at, v.valid_grain, v.invalid_at) for v in history),
        *((r.kind, r.at, r.phrase, r.created_at, len(r.closed)) for r in retractions),
    ]


def test_times_and_retractions_round_trip(tmp_path: Path, model: WordLlamaEmbeddings) -> None:
    life = Life(dataset=DS)
    with (
        GraphMemory(tmp_path / "a", embeddings=model) as memory,
        GraphMemory(tmp_path / "b", embeddings=model, user=memory.user) as copy,
    ):
        memory.graph_store.apply(
            [
                create(memory.user.id, DS),
                *life.fact("lives in", "Paris", 100.0),
                *life.fact("moved to", "Berlin", 200.0),
                *life.fact("works at", "Renault", 100.0, kind="works_at"),
                *life.retract("works_at", "Renault", 250.0),
            ]
        )
        first = _export(memory)
        header, *lines = (json.loads(line) for line in first.splitlines())
        assert (header["version"], header["counts"]["retraction"]) == (FORMAT_VERSION, 1)
        assert {line["kind"] for line in lines} >= {"retraction", "relation_mention"}
        copy.import_dataset(io.BytesIO(first))
        assert _export(copy) == first
        expected = _facts(memory.graph_store, life)
        assert ("Alice lives in Paris.", "lives_in", 100.0, "day", 200.0) in expected
        assert _facts(copy.graph_store, life) == expected


def test_a_version_1_file_imports_as_facts_of_unknown_kind(
    tmp_path: Path, model: WordLlamaEmbeddings
) -> None:
    life = Life(dataset=DS)
    with (
        GraphMemory(tmp_path / "a", embeddings=model) as memory,
        GraphMemory(tmp_path / "b", embeddings=model, user=memory.user) as copy,
    ):
        memory.graph_store.apply([create(memory.user.id, DS), *life.fact("lives in", "Paris", 1.0)])
        header, *lines = (json.loads(line) for line in _export(memory).splitlines())
        header["version"] = 1
        del header["counts"]["retraction"]
        for line in lines:  # as release 1 wrote them
            for name in ("relation_kind", "single_valued", "valid_at", "grain", "phrase"):
                line.pop(name, None)
        copy.import_dataset(io.StringIO("\n".join(json.dumps(x) for x in [header, *lines])))
        (paris,) = copy.graph_store.relation_history(DS, life.entity("Alice").id)
        assert (paris.kind, paris.valid_at, paris.invalid_at) == (None, paris.created_at, None)
