"""Prompts sent to chat models, kept apart from the code that sends them.

:mod:`~cognee_langchain.prompts.extraction` holds the knowledge-graph extraction prompt,
:mod:`~cognee_langchain.prompts.answer` the answer prompt of ``recall``. Names are resolved lazily,
so importing one prompt module does not load the other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cognee_langchain.core.lazy import lazy_exports

if TYPE_CHECKING:
    from cognee_langchain.prompts.answer import ANSWER_SYSTEM_PROMPT, answer_messages
    from cognee_langchain.prompts.extraction import EXTRACTION_SYSTEM_PROMPT, extraction_messages

_EXPORTS: dict[str, str] = {
    "ANSWER_SYSTEM_PROMPT": "cognee_langchain.prompts.answer",
    "EXTRACTION_SYSTEM_PROMPT": "cognee_langchain.prompts.extraction",
    "answer_messages": "cognee_langchain.prompts.answer",
    "extraction_messages": "cognee_langchain.prompts.extraction",
}

__all__ = [
    "ANSWER_SYSTEM_PROMPT",
    "EXTRACTION_SYSTEM_PROMPT",
    "answer_messages",
    "extraction_messages",
]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals(), __all__)
