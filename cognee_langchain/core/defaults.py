"""Every default the package applies, in one place, so that entry points cannot drift apart."""

from __future__ import annotations

from dataclasses import dataclass, fields

from cognee_langchain.errors import InvalidInputError
from cognee_langchain.ids import MAX_ID_LENGTH

__all__ = [
    "DEFAULT_DATASET",
    "DEFAULT_ENTITY_TYPE",
    "DEFAULT_LLM_TIMEOUT",
    "DEFAULT_MAX_MESSAGE_CHARS",
    "DEFAULT_SEARCH_TYPE",
    "DEFAULT_TOP_K",
    "MAX_TEXT_CHARS",
    "MEMORIES_NODE_SET",
    "SESSIONS_NODE_SET",
    "TEXT_FILE_SUFFIXES",
    "Limits",
]

#: The dataset used when none is named (cognee's name).
DEFAULT_DATASET = "main_dataset"
#: How many memories a search, retriever, recall, tool, node or middleware returns by default.
DEFAULT_TOP_K = 8
#: The search preset used when none is named.
DEFAULT_SEARCH_TYPE = "chunks"
#: The type of an entity whose kind nobody stated.
DEFAULT_ENTITY_TYPE = "Entity"
#: The node set that persisted session Q&A lands in (cognee's name).
SESSIONS_NODE_SET = "user_sessions_from_cache"
#: Node set of the memories an agent manages: ``forget(dataset, node_set=MEMORIES_NODE_SET)``
#: or ``search(..., node_sets=MEMORIES_NODE_SET)`` address them all.
MEMORIES_NODE_SET = "agent_memories"
#: The longest text ``remember`` takes in one item.
MAX_TEXT_CHARS = 10_000_000
#: File suffixes ``remember`` reads as text.
TEXT_FILE_SUFFIXES = (".txt", ".md")
#: Seconds any one chat-model call of the memory may take (an extraction chunk across its retries,
#: a recall answer) before it fails with ``ExtractionError``.
DEFAULT_LLM_TIMEOUT = 30.0
#: Longest text content of one stored session message, in characters (a session store's
#: ``max_message_chars`` option).
DEFAULT_MAX_MESSAGE_CHARS = 1_000_000


@dataclass(frozen=True, slots=True)
class Limits:
    """Size limits checked at the public boundary, before any work or storage.

    Pass ``GraphMemory(limits=Limits(max_query_chars=...))`` to change them; each error names
    its limit and this knob. Each limit is an int >= 1; building a ``Limits`` with anything else
    raises ``InvalidInputError``.

    Attributes:
        max_query_chars: longest ``search`` / ``recall`` query.
        max_text_chars: longest text of one ``remember`` item.
        max_id_chars: longest user, session, dataset or node-set id (at most 256, the stores'
            key limit).
    """

    max_query_chars: int = 10_000
    max_text_chars: int = MAX_TEXT_CHARS
    max_id_chars: int = 256

    def __post_init__(self) -> None:
        """Every limit is an int >= 1 (``max_id_chars`` at most the stores' 256), checked here
        so that a bad one fails when the ``Limits`` is built, not in every later call."""
        # Imported here: core.validation loads pydantic (via users), which importing the
        # defaults (the CLI's --help does) must not.
        from cognee_langchain.core.validation import check_positive

        for field in fields(self):
            check_positive(getattr(self, field.name), f"Limits({field.name}=...)")
        if self.max_id_chars > MAX_ID_LENGTH:
            raise InvalidInputError(
                f"Limits(max_id_chars=...) is at most {MAX_ID_LENGTH} (the stores' key limit), "
                f"got {self.max_id_chars}: pass a value between 1 and {MAX_ID_LENGTH}."
            )
