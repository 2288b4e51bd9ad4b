"""Regression: two ingests into one dataset resolving entities at the same time each missed the
other's new entities, so "Bob Smith" and "Robert Smith" (one person by embedding similarity)
became two nodes; sequentially they merge."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

from cognee_langchain.extraction.schema import ChunkExtraction
from cognee_langchain.graph.resolution import EntityResolver
from cognee_langchain.memory import GraphMemory
from tests.unit.test_memory_support import (
    TYPES,
    BagOfWordsEmbeddings,
    PatternExtractor,
    entities,
)


class GatedExtractor(PatternExtractor):
    """Holds every extraction until ``expected`` of them are running, so both ingests reach
    entity resolution together — the interleaving that lost merges."""

    def __init__(self) -> None:
        super().__init__({**TYPES, "Robert Smith": "Person"})
        self.expected = 0  # no gate until a test sets it
        self.arrived = 0
        self.gate = asyncio.Event()

    async def aextract(self, texts: Sequence[str]) -> list[ChunkExtraction]:
        if self.expected:
            self.arrived += 1
            if self.arrived >= self.expected:
                self.gate.set()
            await asyncio.wait_for(self.gate.wait(), timeout=10)
        return await super().aextract(texts)


async def test_concurrent_ingests_merge_like_sequential_ones(tmp_path: Path) -> None:
    extractor = GatedExtractor()
    memory = GraphMemory(
        tmp_path,
        extractor=extractor,
        embeddings=BagOfWordsEmbeddings(synonyms={"robert": "bob"}),
        resolver=EntityResolver(0.95),
    )
    await memory.aremember("Alice Johnson leads Acme Corp.")
    extractor.expected = 2
    await asyncio.gather(
        memory.aremember("Bob Smith joined Acme Corp."),
        memory.aremember("Robert Smith joined Zeta Labs."),
    )
    smiths = [e for e in entities(memory).values() if "Smith" in e.name]
    assert len(smiths) == 1, [e.name for e in smiths]
    assert set(smiths[0].aliases) >= {"Robert Smith"} or smiths[0].name == "Robert Smith"
    memory.close()
