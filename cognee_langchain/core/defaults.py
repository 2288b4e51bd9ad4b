"""Every default the package applies, in one place, so that entry points cannot drift apart."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "DEFAULT_DATASET",
    "DEFAULT_ENTITY_TYPE",
    "DEFAULT_LLM_TIMEOUT",
    "DEFAULT_SEARCH_TYPE",
    "DEFAULT_TOP_K",
    "MAX_TEXT_CHARS",
    "SESSIONS_NODE_SET",
    "TEXT_FILE_SUFFIXES",
    "Limits",
]

#: The dataset used when none is named (cognee's name).
DEFAULT_DATASET = "main_dataset"
#: How many memories a search, retriever, recall, tool, node or middleware returns by default.
DEFAULT_TOP_K = 8
#: The search preset used when none is named.
DEFAULT_SEARCH_TYPE = "graph"
#: The type of an entity whose kind nobody stated.
DEFAULT_ENTITY_TYPE = "Entity"
#: The node set that persisted session Q&A lands in (cognee's name).
SESSIONS_NODE_SET = "user_sessions_from_cache"
#: The longest text ``remember`` takes in one item.
MAX_TEXT_CHARS = 10_000_000
#: File suffixes ``remember`` reads as text.
TEXT_FILE_SUFFIXES = (".txt", ".md")
#: Seconds any one chat-model call of the memory may take (an extraction chunk across its retries,
#: a recall answer) before it fails with ``ExtractionError``.
DEFAULT_LLM_TIMEOUT = 30.0


@dataclass(frozen=True, slots=True)
class Limits:
    """Size limits checked at the public boundary, before any work or storage.

    Pass ``GraphMemory(limits=Limits(max_query_chars=...))`` to change them; each error names
    its limit and this knob.

    Attributes:
        max_query_chars: longest ``search`` / ``recall`` query.
        max_text_chars: longest text of one ``remember`` item.
        max_id_chars: longest user, session, dataset or node-set id (at most 256, the stores'
            key limit).
    """

    max_query_chars: int = 10_000
    max_text_chars: int = MAX_TEXT_CHARS
    max_id_chars: int = 256
