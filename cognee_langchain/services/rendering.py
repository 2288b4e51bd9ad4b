"""Rendering: session Q&A as text to remember, and memories as lines a model reads.

* Session Q&A as the persist-sessions pipeline sees it: turns from the cache, cut into complete
  entries, packed into documents of whole entries and rendered as a transcript. Kept apart from
  the LangGraph wiring so the rules (what a complete turn is, what identifies it, how it is
  rendered, which message ids it carries) live in one place.
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

from cognee_langchain.graph.models import SourceDocument, SourceItem, normalize_text
from cognee_langchain.sessions.base import StoredMessage

__all__ = [
    "SessionEntry",
    "entries_document",
    "fit_memories",
    "format_memories",
    "pack_entries",
    "render_entries",
    "split_entries",
    "uncovered",
    "unpersisted_entries",
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

    @property
    def key(self) -> str:
        """What identifies the entry within its session, whatever else is read with it: its
        position and its question's append time. The time tells a session deleted and recorded
        again (its sequence numbers and hand-made message ids start over) from the first one."""
        return f"{self.seq_start}-{self.seq_end}@{self.asked_at!r}"


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


def pack_entries(entries: Sequence[SessionEntry], max_chars: int) -> list[list[SessionEntry]]:
    """Entries, in order, as groups of whole entries whose transcript (:func:`render_entries`,
    normalised as ingestion stores it) stays within ``max_chars``; an entry longer than that on
    its own is a group of one.

    Each group is remembered as one document that is one chunk, so an entry lands in exactly one
    chunk (never split by, or repeated in, a chunk boundary) and the extraction still reads about
    ``max_chars`` of Q&A per call.
    """
    groups: list[list[SessionEntry]] = []
    size = 0
    for entry in entries:
        # Blocks begin with "[" and are stripped, so the joined text is exactly their sum plus
        # the "\n\n" between them, normalised block by block.
        length = len(normalize_text(render_entries([entry])))
        if groups and size + 2 + length <= max_chars:
            groups[-1].append(entry)
            size += 2 + length
        else:
            groups.append([entry])
            size = length
    return groups


def entries_document(session_id: str, entries: Sequence[SessionEntry]) -> SourceItem:
    """Entries of one session as one document to remember, with their provenance: the message
    ids, and the entry keys that :func:`unpersisted_entries` reads back (each entry is persisted
    once)."""
    return SourceItem(
        text=render_entries(entries),
        name=f"session:{session_id}",
        session_id=session_id,
        message_ids=tuple(m for e in entries for m in e.message_ids),
        metadata={
            "session_id": session_id,
            "first_seq": entries[0].seq_start,
            "end_seq": entries[-1].seq_end,
            "entry_keys": [e.key for e in entries],
            "context_ids": sorted({c for e in entries for c in e.context_ids}),
        },
    )


def unpersisted_entries(
    entries: Sequence[SessionEntry], documents: Sequence[SourceDocument]
) -> list[SessionEntry]:
    """The ``entries`` none of their session's stored ``documents`` holds: by the entry keys a
    document records, or for a document written before keys were recorded, by the entry's
    message ids (in a document written after the entry's question was asked)."""
    keys: set[str] = set()
    legacy: list[tuple[float, set[str]]] = []
    for document in documents:
        recorded = document.metadata.get("entry_keys")
        if isinstance(recorded, list):
            keys.update(str(key) for key in recorded)
        else:
            legacy.append((document.created_at, set(document.message_ids)))
    return [
        entry
        for entry in entries
        if entry.key not in keys
        and not any(
            at >= entry.asked_at and ids.issuperset(entry.message_ids) for at, ids in legacy
        )
    ]


def uncovered(low: int, high: int, documents: Sequence[SourceDocument]) -> int:
    """How many sequence numbers in ``[low, high)`` none of the session's ``documents`` covers
    (from its first entry to the end of its last): of messages trimmed before they were read,
    those no run persisted."""
    if high <= low:
        return 0
    spans = []
    for document in documents:
        first, end = document.metadata.get("first_seq"), document.metadata.get("end_seq")
        if isinstance(first, int) and isinstance(end, int):
            spans.append((max(first, low), min(end, high)))
    covered, reach = 0, low
    for first, end in sorted(spans):
        first = max(first, reach)
        if end > first:
            covered += end - first
            reach = end
    return high - low - covered


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
