"""LangGraph's long-term memory store over a :class:`~cognee_langchain.memory.GraphMemory`:
:class:`GraphMemoryStore` (build it with ``memory.as_store()``)."""

from __future__ import annotations

from cognee_langchain.store.graph_memory_store import (
    DEFAULT_STORE_DATASET,
    DEFAULT_STORE_NODE_SET,
    GraphMemoryStore,
)

__all__ = ["DEFAULT_STORE_DATASET", "DEFAULT_STORE_NODE_SET", "GraphMemoryStore"]
