"""Deterministic fakes for graph-memory tests (a pattern extractor, bag-of-words embeddings), and
tests that they honour the contracts the real components follow."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

from cognee_langchain.errors import ExtractionError
from cognee_langchain.extraction.base import GraphExtractor
from cognee_langchain.extraction.schema import ChunkExtraction, ExtractedEntity, ExtractedRelation
from cognee_langchain.graph.base import TextKind
from cognee_langchain.graph.models import Entity
from cognee_langchain.memory import GraphMemory

PREDICATES = ("leads", "joined", "founded", "works with", "lives in", "acquired", "builds")
_NAME = r"[A-Z][\w.&' -]*?"
_SENTENCE = re.compile(
    rf"^(?P<source>{_NAME}) (?P<predicate>{'|'.join(PREDICATES)}) (?P<target>{_NAME})$"
)


class PatternExtractor(GraphExtractor):
    """Reads sentences shaped ``"<Name> <predicate> <Name>."``; anything else yields nothing.

    Types come from ``types`` (default ``Concept``); the summary is the first sentence. Records
    every call so tests can count them.
    """

    def __init__(self, types: dict[str, str] | None = None) -> None:
        self.types = types or {}
        self.calls: list[list[str]] = []

    async def aextract(self, texts: Sequence[str]) -> list[ChunkExtraction]:
        self.calls.append(list(texts))
        return [self.extract_one(text) for text in texts]

    def extract_one(self, text: str) -> ChunkExtraction:
        entities: dict[str, ExtractedEntity] = {}
        relations = []
        sentences = [s.strip() for s in re.split(r"(?<=[.?!])\s+|\n", text) if s.strip()]
        for sentence in sentences:
            match = _SENTENCE.match(sentence.rstrip("."))
            if not match:
                continue
            source, predicate, target = match["source"], match["predicate"], match["target"]
            for name in (source, target):
                entities.setdefault(
                    name,
                    ExtractedEntity(
                        name=name, type=self.types.get(name, "Concept"), description=sentence
                    ),
                )
            relations.append(
                ExtractedRelation(
                    source=source, predicate=predicate, target=target, description=sentence
                )
            )
        summary = sentences[0] if sentences else ""
        return ChunkExtraction(
            entities=list(entities.values()), relations=relations, summary=summary
        )

    @property
    def chunks_extracted(self) -> int:
        return sum(len(call) for call in self.calls)


class FailingExtractor(GraphExtractor):
    """Raises ``error`` on every call."""

    def __init__(self, error: BaseException) -> None:
        self.error = error

    async def aextract(self, texts: Sequence[str]) -> list[ChunkExtraction]:
        raise self.error


class CallbackExtractor(GraphExtractor):
    """Returns whatever ``produce`` returns for the texts (used to feed bad output)."""

    def __init__(self, produce: Callable[[Sequence[str]], list[ChunkExtraction]]) -> None:
        self.produce = produce

    async def aextract(self, texts: Sequence[str]) -> list[ChunkExtraction]:
        return self.produce(texts)


class BagOfWordsEmbeddings(Embeddings):
    """Hashed bag of lower-cased words: texts sharing words are similar, others nearly orthogonal.

    ``synonyms`` maps a word to another so chosen names embed alike (e.g. ``{"bob": "robert"}``).
    """

    def __init__(self, dim: int = 64, synonyms: dict[str, str] | None = None) -> None:
        self.dim = dim
        self.synonyms = synonyms or {}
        self.calls = 0

    def _vector(self, text: str) -> list[float]:
        vector = np.zeros(self.dim, dtype=np.float64)
        for word in re.findall(r"\w+", text.lower()):
            word = self.synonyms.get(word, word)
            digest = hashlib.sha256(word.encode()).digest()
            vector[int.from_bytes(digest[:4], "little") % self.dim] += 1.0
        norm = np.linalg.norm(vector)
        return (vector / norm if norm else vector).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls += 1
        return [self._vector(text) for text in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


class FailingEmbeddings(Embeddings):
    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        raise ConnectionError("embedding server down")

    def embed_query(self, text: str) -> list[float]:
        raise ConnectionError("embedding server down")


TYPES = {
    "Alice Johnson": "Person",
    "Bob Smith": "Person",
    "Carol Diaz": "Person",
    "Acme Corp": "Organization",
    "ACME Corporation": "Organization",
    "Zeta Labs": "Organization",
    "Denver": "Place",
    "Paris": "Place",
}


def make_memory(
    path: Path,
    extractor: GraphExtractor | None = None,
    embeddings: Embeddings | None = None,
    **kwargs: object,
) -> GraphMemory:
    """A GraphMemory on ``path`` with the pattern extractor and bag-of-words embeddings."""
    return GraphMemory(
        path,
        extractor=extractor or PatternExtractor(TYPES),
        embeddings=embeddings or BagOfWordsEmbeddings(),
        **kwargs,  # type: ignore[arg-type]
    )


def entities(memory: GraphMemory, dataset: str = "main_dataset") -> dict[str, Entity]:
    """The dataset's entities by name."""
    store = memory.graph_store
    ids = [r.id for r in store.iter_records(TextKind.ENTITY, [dataset], with_vectors=False)]
    return {entity.name: entity for entity in store.get_entities(ids)}


def triples(memory: GraphMemory, dataset: str = "main_dataset") -> set[tuple[str, str, str]]:
    """The dataset's relations as (source name, predicate, target name)."""
    store = memory.graph_store
    ids = [r.id for r in store.iter_records(TextKind.FACT, [dataset], with_vectors=False)]
    return {(r.source_name, r.predicate, r.target_name) for r in store.get_relations(ids)}


# -- the fakes honour the contracts -----------------------------------------------------------
async def test_pattern_extractor_reads_triples_and_keeps_order() -> None:
    extractor = PatternExtractor(TYPES)
    texts = ["Alice Johnson leads Acme Corp. The sky is blue.", "Nothing here."]
    first, second = await extractor.aextract(texts)
    assert [(e.name, e.type) for e in first.entities] == [
        ("Alice Johnson", "Person"),
        ("Acme Corp", "Organization"),
    ]
    assert [(r.source, r.predicate, r.target) for r in first.relations] == [
        ("Alice Johnson", "leads", "Acme Corp")
    ]
    assert first.summary == "Alice Johnson leads Acme Corp."
    assert second.entities == [] and second.relations == []
    assert extractor.chunks_extracted == 2


def test_bag_of_words_embeddings_are_normalised_and_deterministic() -> None:
    model = BagOfWordsEmbeddings(synonyms={"bob": "robert"})
    a, b, c = np.array(model.embed_documents(["Bob Smith", "Robert Smith", "Denver"]))
    assert np.isclose(np.linalg.norm(a), 1.0)
    assert np.isclose(a @ b, 1.0)
    assert a @ c < 0.5
    assert model.embed_query("Bob Smith") == list(a)


async def test_failing_extractor_raises_its_error() -> None:
    with pytest.raises(ExtractionError):
        await FailingExtractor(ExtractionError("down")).aextract(["x"])
