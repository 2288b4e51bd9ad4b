"""Rendering session messages as a transcript to remember.

Session messages as the persist-sessions pipeline sees them: every cached message becomes one
:class:`SessionMessage` (speaker, text for a reader, time, identity), packed into documents of
whole exchanges and rendered as the package's transcript (:func:`render_transcript`). Kept apart
from the LangGraph wiring so the rules (what waits, what identifies a message, how it reads) live
in one place. How memories read to a model is :mod:`~cognee_langchain.services.memory_lines`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime

from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    ChatMessage,
    FunctionMessage,
    HumanMessage,
    RemoveMessage,
    SystemMessage,
    ToolMessage,
)
from pydantic import BaseModel, ConfigDict

from cognee_langchain.core.turns import Turn
from cognee_langchain.graph.models import SourceDocument, SourceItem, normalize_text
from cognee_langchain.sessions.base import StoredMessage

__all__ = [
    "SessionEntry",
    "SessionMessage",
    "messages_document",
    "pack_messages",
    "render_entries",
    "render_transcript",
    "session_messages",
    "split_entries",
    "uncovered",
    "unpersisted_messages",
    "waiting_from",
]

# Tool output can be huge (a web page, a file); the knowledge it adds fits in far less.
_MAX_TOOL_CHARS = 600
# A tool call's arguments, as the reader sees them in the calling turn.
_MAX_CALL_CHARS = 200
_ELLIPSIS = "…"
_INDENT = "  "


class SessionMessage(BaseModel):
    """One cached message of a session, ready to persist: its turn and its identity.

    ``key`` identifies the message within its session whatever else is read with it: its
    position, its time and a digest of its content, so a session deleted and recorded again (its
    sequence numbers and hand-made message ids start over) is told from the first one.
    ``exchange`` is the sequence number of the message opening its exchange (a question, or the
    session's opening): documents keep an exchange whole when it fits.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    session_id: str
    seq: int
    timestamp: float
    key: str
    message_id: str
    speaker: str
    text: str
    exchange: int
    context_ids: tuple[str, ...] = ()

    @property
    def occurred_at(self) -> datetime:
        """When the message was said (UTC): its own time, else when it was appended."""
        return datetime.fromtimestamp(self.timestamp, UTC)

    def turn(self) -> Turn:
        """The message as a conversation turn."""
        return Turn(self.speaker, self.text, self.occurred_at, message_ids=(self.message_id,))


def _text(message: BaseMessage) -> str:
    return message.text.strip() if hasattr(message, "text") else str(message.content).strip()


def _message_id(session_id: str, item: StoredMessage) -> str:
    # Messages without an id (most hand-built ones) are still addressable by position.
    return item.message.id or f"{session_id}#{item.seq}"


def _reader_text(text: str) -> str:
    """Text as a transcript shows it: normalised, lines right-trimmed, blank lines dropped."""
    lines = (line.rstrip() for line in normalize_text(text).split("\n"))
    return "\n".join(line for line in lines if line.strip())


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - len(_ELLIPSIS)].rstrip() + _ELLIPSIS


def _label(name: object, default: str) -> str:
    """A speaker label: one line, no colon (it would end the label), ``default`` if empty."""
    return " ".join(str(name or "").replace(":", " ").split()) or default


def _calls(message: AIMessage) -> str:
    """The tool calls of an AI message for a reader: ``(calls weather(city="Oslo"))``."""
    calls = []
    for call in message.tool_calls:
        args = call.get("args") or {}
        shown = ", ".join(
            f"{key}={json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)}"
            for key, value in args.items()
        )
        calls.append(f"{_label(call.get('name'), 'tool')}({_cut(shown, _MAX_CALL_CHARS)})")
    return f"(calls {'; '.join(calls)})" if calls else ""


def _speaker_and_text(message: BaseMessage, tool_names: dict[str, str]) -> tuple[str, str]:
    """Who said ``message`` and what it says for a reader (``""``: nothing to show)."""
    text = _reader_text(_text(message))
    if isinstance(message, ToolMessage | FunctionMessage):
        name = message.name or tool_names.get(getattr(message, "tool_call_id", ""), "")
        if text and getattr(message, "status", "success") == "error":
            text = f"(error) {text}"
        return _label(f"Tool {name}", "Tool"), _cut(text, _MAX_TOOL_CHARS)
    if isinstance(message, AIMessage):
        calls = _calls(message)
        return _label(message.name, "Assistant"), f"{text} {calls}".strip() if calls else text
    if isinstance(message, HumanMessage):
        return _label(message.name, "User"), text
    if isinstance(message, SystemMessage):
        return _label(message.name, "System"), text
    if isinstance(message, ChatMessage):
        return _label(message.name, _label(message.role.capitalize(), "Speaker")), text
    return _label(message.name, "Speaker"), text


def _key(item: StoredMessage) -> str:
    message = item.message
    content = json.dumps(
        [message.type, message.content, message.id or ""], sort_keys=True, default=str
    )
    digest = hashlib.sha256(content.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{item.seq}@{item.timestamp!r}#{digest}"


def _opens_question(message: BaseMessage, previous: BaseMessage | None) -> bool:
    return isinstance(message, HumanMessage) and not isinstance(previous, HumanMessage)


def session_messages(session_id: str, items: Sequence[StoredMessage]) -> list[SessionMessage]:
    """Every stored message with something to show, in order, as a :class:`SessionMessage`.

    Nothing is dropped for where it stands: an AI message opening the session, several messages
    of one speaker in a row, tool calls (shown in the calling AI turn) and tool results (cut to
    a readable length) all become turns. Only messages with nothing to show (no text and no tool
    call, or a ``RemoveMessage``) make none.
    """
    result: list[SessionMessage] = []
    tool_names: dict[str, str] = {}
    exchange = items[0].seq if items else 0
    previous: BaseMessage | None = None
    for item in items:
        message = item.message
        if _opens_question(message, previous):
            exchange = item.seq
        previous = message
        if isinstance(message, AIMessage):
            tool_names.update((c["id"], c["name"]) for c in message.tool_calls if c["id"])
        if isinstance(message, RemoveMessage):
            continue
        speaker, text = _speaker_and_text(message, tool_names)
        if not text:
            continue
        context = (
            message.response_metadata.get("context_ids") if isinstance(message, AIMessage) else ()
        )
        result.append(
            SessionMessage(
                session_id=session_id,
                seq=item.seq,
                timestamp=item.timestamp,
                key=_key(item),
                message_id=_message_id(session_id, item),
                speaker=speaker,
                text=text,
                exchange=exchange,
                context_ids=tuple(str(c) for c in context or ()),
            )
        )
    return result


def waiting_from(items: Sequence[StoredMessage], end: int) -> int:
    """The sequence number from which messages wait for their answer (``end``: none waits).

    What waits is the trailing run of human messages without a ``name``: a question still
    waiting for its answer, persisted together with the answer once it comes. A named human
    message is a participant's line of a conversation between people and never waits.
    """
    start = end
    for item in reversed(items):
        message = item.message
        if not isinstance(message, HumanMessage) or message.name:
            break
        start = item.seq
    return start


def _date_line(message: SessionMessage) -> str:
    return f"Date: {message.occurred_at.isoformat(timespec='seconds')}"


def _turn_lines(message: SessionMessage) -> list[str]:
    first, *rest = message.text.split("\n")
    return [f"{message.speaker}: {first}", *(f"{_INDENT}{line}" for line in rest)]


def _new_date(message: SessionMessage, previous: SessionMessage | None) -> bool:
    return previous is None or message.occurred_at.date() != previous.occurred_at.date()


def render_transcript(messages: Sequence[SessionMessage]) -> str:
    """The messages as the package's transcript: a ``Date:`` line (ISO 8601, UTC) before the
    first turn and wherever a turn's date differs from the previous one's, then one
    ``Speaker: text`` line per message, continuation lines indented by two spaces.

    Deterministic: the text depends only on the messages (their times are their own or append
    times, never the clock of the run rendering them).
    """
    lines: list[str] = []
    previous: SessionMessage | None = None
    for message in messages:
        if _new_date(message, previous):
            lines.append(_date_line(message))
        lines.extend(_turn_lines(message))
        previous = message
    return "\n".join(lines)


def _size(message: SessionMessage, previous: SessionMessage | None) -> int:
    """Characters ``message`` adds to a transcript after ``previous``, newlines included."""
    lines = [
        *_turn_lines(message),
        *([_date_line(message)] if _new_date(message, previous) else []),
    ]
    return sum(len(line) + 1 for line in lines) - (previous is None)


def pack_messages(messages: Sequence[SessionMessage], max_chars: int) -> list[list[SessionMessage]]:
    """Messages, in order, as groups whose transcript (:func:`render_transcript`) stays within
    ``max_chars``: whole exchanges where they fit, an exchange too long for one group split at
    message boundaries; a message longer than ``max_chars`` alone joins the group before it
    within its exchange (a question stays with its long answer), else is a group of its own.

    Each group is remembered as one document that is one chunk, so a message lands in exactly one
    chunk (never split by, or repeated in, a chunk boundary), a question stays with its answer,
    and the extraction still reads about ``max_chars`` of conversation per call.
    """
    exchanges: list[list[SessionMessage]] = []
    for message in messages:
        if exchanges and exchanges[-1][0].exchange == message.exchange:
            exchanges[-1].append(message)
        else:
            exchanges.append([message])
    groups: list[list[SessionMessage]] = []
    size = 0

    def fits(run: Sequence[SessionMessage]) -> int | None:
        previous = groups[-1][-1] if groups else None
        added = 0
        for message in run:
            added += _size(message, previous)
            previous = message
        return added if groups and size + added <= max_chars else None

    for exchange in exchanges:
        added = fits(exchange)
        if added is not None:
            groups[-1].extend(exchange)
            size += added
            continue
        alone = sum(_size(m, p) for m, p in zip(exchange, [None, *exchange[:-1]], strict=True))
        if alone <= max_chars:
            groups.append(list(exchange))
            size = alone
            continue
        for message in exchange:  # too long for one group: split between its messages
            added = fits([message])
            alone = _size(message, None)
            if alone > max_chars and message is not exchange[0] and size <= max_chars:
                added = _size(message, groups[-1][-1])  # too long alone: stays with its question
            if added is not None:
                groups[-1].append(message)
                size += added
            else:
                groups.append([message])
                size = alone
    return groups


def messages_document(session_id: str, messages: Sequence[SessionMessage]) -> SourceItem:
    """Messages of one session as one document to remember: the transcript as its text, one
    :class:`~cognee_langchain.core.turns.Turn` per message as its turns, and the provenance
    (message ids, and the message keys :func:`unpersisted_messages` reads back: each message is
    persisted once)."""
    return SourceItem(
        text=render_transcript(messages),
        name=f"session:{session_id}",
        session_id=session_id,
        message_ids=tuple(m.message_id for m in messages),
        turns=tuple(m.turn() for m in messages),
        metadata={
            "session_id": session_id,
            "first_seq": messages[0].seq,
            "end_seq": messages[-1].seq + 1,
            "message_keys": [m.key for m in messages],
            "context_ids": sorted({c for m in messages for c in m.context_ids}),
        },
    )


def unpersisted_messages(
    messages: Sequence[SessionMessage], documents: Sequence[SourceDocument]
) -> list[SessionMessage]:
    """The ``messages`` none of their session's stored ``documents`` holds: by the message keys
    a document records, or for a document written before message keys were recorded, by the
    message's id (in a document written at or after the message's time)."""
    keys: set[str] = set()
    legacy: list[tuple[float, set[str]]] = []
    for document in documents:
        recorded = document.metadata.get("message_keys")
        if isinstance(recorded, list):
            keys.update(str(key) for key in recorded)
        else:
            legacy.append((document.created_at, set(document.message_ids)))
    return [
        message
        for message in messages
        if message.key not in keys
        and not any(at >= message.timestamp and message.message_id in ids for at, ids in legacy)
    ]


def uncovered(low: int, high: int, documents: Sequence[SourceDocument]) -> int:
    """How many sequence numbers in ``[low, high)`` none of the session's ``documents`` covers
    (from its first message to the end of its last): of messages trimmed before they were read,
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


# -- complete Q&A entries (recent turns for follow-up questions) ---------------------------------
class SessionEntry(BaseModel):
    """One complete Q&A turn of a session: a question, what the agent did, and its answer."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    session_id: str
    seq_start: int
    seq_end: int  # exclusive
    question: str
    answer: str
    tool_results: tuple[str, ...] = ()
    message_ids: tuple[str, ...] = ()
    context_ids: tuple[str, ...] = ()
    asked_at: float = 0.0


def split_entries(session_id: str, items: Sequence[StoredMessage]) -> list[SessionEntry]:
    """Cut stored messages into complete Q&A entries (what ``recall`` reads as recent turns).

    An entry starts at a ``HumanMessage`` and ends at the first ``AIMessage`` without tool calls
    after it; tool calls and tool results in between belong to the entry; an unfinished trailing
    turn and messages before the first question are left out (persisting keeps every message).
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
                )
            )
            turn = []
    return entries


def render_entries(entries: Sequence[SessionEntry]) -> str:
    """Entries in the transcript shape of :func:`render_transcript`, at their questions' times."""
    lines = [
        (e, speaker, _reader_text(text))
        for e in entries
        for speaker, text in (
            ("User", e.question),
            *((f"Tool {r.partition(': ')[0]}", r.partition(": ")[2]) for r in e.tool_results),
            ("Assistant", e.answer),
        )
    ]
    fields = {"session_id": "", "key": "", "message_id": ""}
    return render_transcript(
        [
            SessionMessage(
                **fields,
                seq=e.seq_start,
                timestamp=e.asked_at,
                speaker=speaker,
                text=text,
                exchange=e.seq_start,
            )
            for e, speaker, text in lines
            if text
        ]
    )
