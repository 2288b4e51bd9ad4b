"""Text to graph: chunking, and extractors that turn chunks into entities and relations.

Names are resolved lazily so that importing one module (e.g. the chunker) does not load the chat
model machinery the LLM extractor needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cognee_langchain.core.lazy import lazy_exports

if TYPE_CHECKING:
    from cognee_langchain.extraction.base import GraphExtractor
    from cognee_langchain.extraction.chunking import TextChunker
    from cognee_langchain.extraction.llm import LLMGraphExtractor
    from cognee_langchain.extraction.offline import OfflineGraphExtractor
    from cognee_langchain.extraction.schema import (
        ChunkExtraction,
        ExtractedEntity,
        ExtractedRelation,
    )

_EXPORTS: dict[str, str] = {
    "ChunkExtraction": "cognee_langchain.extraction.schema",
    "ExtractedEntity": "cognee_langchain.extraction.schema",
    "ExtractedRelation": "cognee_langchain.extraction.schema",
    "GraphExtractor": "cognee_langchain.extraction.base",
    "LLMGraphExtractor": "cognee_langchain.extraction.llm",
    "OfflineGraphExtractor": "cognee_langchain.extraction.offline",
    "TextChunker": "cognee_langchain.extraction.chunking",
}

__all__ = [
    "ChunkExtraction",
    "ExtractedEntity",
    "ExtractedRelation",
    "GraphExtractor",
    "LLMGraphExtractor",
    "OfflineGraphExtractor",
    "TextChunker",
]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals(), __all__)
