"""Memories as lines a model reads: :func:`format_memories` is the one rendering used by the
memory tool, the agent middleware and the LangGraph recall node, so a model sees memories the
same way wherever they come from.

A memory the reader manages with the manage tool (search sets its ``metadata["memory_id"]``)
shows its id, so an agent can update or delete what it found.
"""

from __future__ import annotations

from collections.abc import Sequence

from langchain_core.documents import Document

__all__ = ["fit_memories", "format_memories"]

# Token budgets are approximate: about four characters per token for English text.
_CHARS_PER_TOKEN = 4
_ELLIPSIS = "…"


def _label(document: Document) -> str:
    memory_id = document.metadata.get("memory_id")
    if memory_id:
        return f"[memory id={memory_id}] "
    kind = document.metadata.get("type")
    return f"[{kind}] " if kind else ""


def fit_memories(
    documents: Sequence[Document], max_tokens: int | None = None
) -> list[tuple[Document, str]]:
    """The documents that fit in ``max_tokens`` (≈ characters / 4), best first, each with its line.

    Documents are taken in the given (rank) order until the next one would overflow the budget;
    when even the best one is too long, its beginning is kept. Whitespace runs collapse to one
    space, so a multi-line chunk costs one line. Empty documents are skipped.
    """
    budget = None if max_tokens is None else max_tokens * _CHARS_PER_TOKEN
    fitted: list[tuple[Document, str]] = []
    used = 0
    for document in documents:
        text = " ".join(document.page_content.split())
        if not text:
            continue
        line = f"- {_label(document)}{text}"
        cost = len(line) + 1  # the newline joining it to the next line
        if budget is not None and used + cost > budget:
            room = budget - 1 - len(_ELLIPSIS)
            if not fitted and room > 0:
                fitted.append((document, line[:room] + _ELLIPSIS))
            break
        used += cost
        fitted.append((document, line))
    return fitted


def format_memories(documents: Sequence[Document], *, max_tokens: int | None = None) -> str:
    """Render memories as bullet lines (``- [type] text``; ``- [memory id=...] text`` for one an
    agent manages), best first, within ``max_tokens``.

    Returns ``""`` when there is nothing to show.
    """
    return "\n".join(line for _, line in fit_memories(documents, max_tokens))
