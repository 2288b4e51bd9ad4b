"""GraphRetriever passes langchain-tests' standard retriever suite over a remembered corpus
(offline extractor, real WordLlama embeddings, embedded stores)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
from langchain_tests.integration_tests import RetrieversIntegrationTests

from cognee_langchain.memory import GraphMemory
from cognee_langchain.retrievers import GraphRetriever

CORPUS = [
    "Alice Johnson leads Acme Corp. Acme Corp builds reusable rockets in Denver.",
    "Alice Johnson was born in Lisbon and studied physics in Porto.",
    "Bob Smith founded Globex in 2019. Globex sells accounting software to banks.",
    "Carol Diaz joined Acme Corp in 2021 as chief engineer.",
]


class TestGraphRetrieverStandard(RetrieversIntegrationTests):
    memory: ClassVar[GraphMemory]

    @pytest.fixture(autouse=True, scope="class")
    @classmethod
    def _remembered(cls, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
        cls.memory = GraphMemory(tmp_path_factory.mktemp("standard"))
        cls.memory.remember(CORPUS)
        yield
        cls.memory.close()

    @property
    def retriever_constructor(self) -> type[GraphRetriever]:
        return GraphRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return {"memory": self.memory}

    @property
    def num_results_arg_name(self) -> str:
        return "top_k"

    @property
    def retriever_query_example(self) -> str:
        return "Who leads Acme Corp?"
