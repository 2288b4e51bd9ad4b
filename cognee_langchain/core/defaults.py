"""Every default the package applies, in one place, so that entry points cannot drift apart."""

from __future__ import annotations

__all__ = [
    "DEFAULT_DATASET",
    "DEFAULT_ENTITY_TYPE",
    "DEFAULT_SEARCH_TYPE",
    "DEFAULT_TOP_K",
    "MAX_TEXT_CHARS",
    "SESSIONS_NODE_SET",
    "TEXT_FILE_SUFFIXES",
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
