"""Session Q&A as the persist-sessions pipeline sees it: turns from the cache, rendered as text.

Kept apart from the LangGraph wiring so the rules (what a complete turn is, how it is rendered,
which message ids it carries) live in one place and are tested on their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from pydantic import BaseModel, ConfigDict

from cognee_langchain.sessions.base import StoredMessage

__all__ = ["SessionEntry", "render_entries", "split_entries"]

# Tool output can be huge (a web page, a file); the knowledge it adds fits in far less.
_MAX_TOOL_CHARS = 600


class SessionEntry(BaseModel):
    """One complete Q&A turn of a session: a question, what the agent did, and its answer."""

    model_config = ConfigDict(frozen=True)

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
