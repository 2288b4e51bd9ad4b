"""Rendering: session Q&A as text to remember, and memories as lines a model reads.

* Session Q&A as the persist-sessions pipeline sees it: turns from the cache, cut into complete
  entries and rendered as a transcript. Kept apart from the LangGraph wiring so the rules (what a
  complete turn is, how it is rendered, which message ids it carries) live in one place.
* Memories shown to a model: :func:`format_memories` is the one rendering used by the memory tool,
  the agent middleware and the LangGraph recall node, so a model sees memories the same way
  wherever they come from.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from langchain_core.documents import Document
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from pydantic import BaseModel, ConfigDict

from cognee_langchain.sessions.base import StoredMessage

__all__ = [
    "SessionEntry",
    "fit_memories",
    "format_memories",
    "render_entries",
    "split_entries",
]

# Tool output can be huge (a web page, a file); the knowledge it adds fits in far less.
_MAX_TOOL_CHARS = 600
# Token budgets are approximate: about four characters per token for English text.
_CHARS_PER_TOKEN = 4
_ELLIPSIS = "…"


class SessionEntry(BaseModel):
    """One complete Q&A turn of a session: a question, what the agent did, and its answer."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    session_id: str
    seq_start: int
    seq_end: int  # exclusive: the watermark after this entry is persisted
    question: str
    answer: str
    tool_results: tuple[str, ...] = ()
    message_ids: tuple[str, ...] = ()
    context_ids: tuple[str, ...] = ()
    asked_at: float = 0.0
    answered_at: float = 0.0


def _text(message: BaseMessage) -> str:
    return message.text.strip() if hasattr(message, "text") else str(message.content).strip()


def _message_id(session_id: str, item: StoredMessage) -> str:
    # Messages without an id (most hand-built ones) are still addressable by position.
    return item.message.id or f"{session_id}#{item.seq}"


def split_entries(session_id: str, items: Sequence[StoredMessage]) -> list[SessionEntry]:
    """Cut stored messages into complete Q&A entries.

    An entry starts at a ``HumanMessage`` and ends at the first ``AIMessage`` without tool calls
    after it; tool calls and tool results in between belong to the entry. A trailing turn that
    has no final answer yet is left out (and so stays above the watermark until it is complete),
    as are messages before the first question (system prompts).
    """
    entries: list[SessionEntry] = []
    turn: list[StoredMessage] = []
    for item in items:
        message = item.message
        if isinstance(message, HumanMessage):
            turn = [item]
            continue
        if not turn:
            continue
        turn.append(item)
        if isinstance(message, AIMessage) and not message.tool_calls and _text(message):
            question = turn[0]
            context = message.response_metadata.get("context_ids") or ()
            entries.append(
                SessionEntry(
                    session_id=session_id,
                    seq_start=question.seq,
                    seq_end=item.seq + 1,
                    question=_text(question.message),
                    answer=_text(message),
                    tool_results=tuple(
                        f"{t.message.name or 'tool'}: {_text(t.message)[:_MAX_TOOL_CHARS]}"
                        for t in turn
                        if isinstance(t.message, ToolMessage) and _text(t.message)
                    ),
                    message_ids=tuple(_message_id(session_id, t) for t in turn),
                    context_ids=tuple(str(c) for c in context),
                    asked_at=question.timestamp,
                    answered_at=item.timestamp,
                )
            )
            turn = []
    return entries


def _when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M UTC")


def render_entries(entries: Sequence[SessionEntry]) -> str:
    """Render entries of one session as the text that is remembered: a transcript with
    lower-case speaker labels (``user:``, ``tool <name>:``, ``assistant:``).

    The labels are the transcript convention the extraction prompt names, and being lower-case
    they are never read as names: capitalised ones ("User asked:", "Assistant answered:") became
    ``User`` / ``Assistant`` entities linked to everything every session mentions. Dates stay in
    the text so extracted facts keep their time ("on 2026-11-25 the user said..."), which
    temporal questions over long histories need.
    """
    blocks = []
    for entry in entries:
        lines = [f"[{_when(entry.asked_at)}] user: {entry.question}"]
        lines.extend(f"tool {result}" for result in entry.tool_results)
        lines.append(f"assistant: {entry.answer}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


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
        kind = document.metadata.get("type")
        line = f"- [{kind}] {text}" if kind else f"- {text}"
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
    """Render memories as bullet lines (``- [type] text``), best first, within ``max_tokens``.

    Returns ``""`` when there is nothing to show.
    """
    return "\n".join(line for _, line in fit_memories(documents, max_tokens))
