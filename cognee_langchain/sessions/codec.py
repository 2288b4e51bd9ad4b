"""How a session message is stored: one compact JSON record per message, shared by every backend.

A record is ``{"type": ..., "timestamp": ..., "data": ...}``: ``type`` and ``data`` are exactly what
:func:`langchain_core.messages.message_to_dict` gives and ``timestamp`` is the message's time: its
own ``additional_kwargs["created_at"]`` when it carries one (:func:`message_time`), else the append
time.
``type`` comes first so a backend can recognise a tool message from a record's first bytes
(:data:`TOOL_RECORD_PREFIXES`) without parsing it; the Redis trim script relies on that.

Records must round-trip exactly, so encoding refuses values JSON cannot carry (bytes, datetimes,
sets, dicts with non-str keys, ints beyond 64 bits, arbitrary objects) instead of converting
them. What is stored is what ``message_to_dict`` gives, so nested pydantic models and dataclasses
are stored as dicts, as LangChain itself serialises them; the remaining lossy cases are JSON's: a
NaN or infinite float is stored as ``null``, an enum member or a UUID as its value.

Decoding is the hot path of every read. A record's ``data`` holds every field of its message class
as that class's validated ``model_dump`` produced it, so re-running pydantic validation would only
recompute what is already there: such records are rebuilt directly (what ``model_construct`` does,
minus its per-field Python loop). Records missing a field (written by another langchain-core
version) go through normal validation.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import orjson
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    ChatMessage,
    ChatMessageChunk,
    FunctionMessage,
    FunctionMessageChunk,
    HumanMessage,
    HumanMessageChunk,
    RemoveMessage,
    SystemMessage,
    SystemMessageChunk,
    ToolMessage,
    ToolMessageChunk,
)

from cognee_langchain.errors import CogneeLangchainError, InvalidInputError
from cognee_langchain.sessions.base import StoredMessage

__all__ = [
    "MESSAGE_TIME_FIELD",
    "TOOL_RECORD_PREFIXES",
    "decode_records",
    "encode_messages",
    "message_time",
]

MESSAGE_TIME_FIELD = "created_at"
"""The ``additional_kwargs`` key under which a message may carry its own time."""

_MESSAGE_CLASSES: tuple[type[BaseMessage], ...] = (
    HumanMessage,
    AIMessage,
    SystemMessage,
    ChatMessage,
    FunctionMessage,
    ToolMessage,
    RemoveMessage,
    HumanMessageChunk,
    AIMessageChunk,
    SystemMessageChunk,
    ChatMessageChunk,
    FunctionMessageChunk,
    ToolMessageChunk,
)
# message type tag -> (class, names of all its fields); the tags messages_from_dict understands.
_CLASSES_BY_TYPE: dict[str, tuple[type[BaseMessage], frozenset[str]]] = {
    cls.model_fields["type"].default: (cls, frozenset(cls.model_fields)) for cls in _MESSAGE_CLASSES
}

TOOL_RECORD_PREFIXES: tuple[bytes, ...] = tuple(
    orjson.dumps({"type": cls.model_fields["type"].default})[:-1] + b","
    for cls in (ToolMessage, ToolMessageChunk)
)
"""The first bytes of every record holding a tool message (``ToolMessage`` or its chunk)."""

# Without these options orjson would silently turn datetimes and subclasses of str, int, dict or
# list into plain JSON values that read back as a different type; with them it refuses them.
_DUMP_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_SUBCLASS
_set = object.__setattr__
_new = object.__new__
_PAUSE_COLLECTOR_FROM = 1000  # records


def encode_messages(
    messages: Iterable[BaseMessage], timestamp: float, max_chars: int | None = None
) -> list[bytes]:
    """Encode ``messages`` as records stamped with their own time (:func:`message_time`), or
    ``timestamp`` (the append time) for a message that carries none.

    Raises :class:`InvalidInputError` (storing nothing) when an item is not a LangChain message,
    has a type that could not be read back, has more than ``max_chars`` characters of text
    content (the store's ``max_message_chars``), carries a ``created_at`` that is not a time,
    or holds a value JSON cannot store exactly (including a string that is not valid Unicode,
    named by its field).
    """
    if isinstance(messages, BaseMessage | str | bytes) or not isinstance(messages, Iterable):
        raise InvalidInputError(
            f"messages must be a list of LangChain messages, got {type(messages).__name__}: "
            "wrap a single message in a list, e.g. [HumanMessage('hi')]."
        )
    records = []
    for index, message in enumerate(messages):
        if not isinstance(message, BaseMessage):
            raise InvalidInputError(
                f"messages[{index}] is a {type(message).__name__}, not a LangChain message: pass "
                "langchain_core.messages objects such as HumanMessage('hi')."
            )
        if message.type not in _CLASSES_BY_TYPE:
            raise InvalidInputError(
                f"messages[{index}] has type {message.type!r}, which could not be read back: "
                f"use one of langchain_core.messages' types {sorted(_CLASSES_BY_TYPE)}."
            )
        if max_chars is not None:
            _check_size(message, index, max_chars)
        own = message_time(message, index) if message.additional_kwargs else None
        data = message.model_dump()
        record = {
            "type": message.type,
            "timestamp": timestamp if own is None else own,
            "data": data,
        }
        try:
            records.append(orjson.dumps(record, option=_DUMP_OPTIONS))
        except TypeError as exc:  # orjson.JSONEncodeError
            where = _invalid_unicode(data, index)
            if where is not None:
                raise InvalidInputError(
                    f"{where} ({message.type}) is not valid Unicode: it holds a lone surrogate "
                    "(such as '\\ud800'), which cannot be stored; remove it, or decode the text "
                    "it came from with errors='replace'."
                ) from None
            raise InvalidInputError(
                f"messages[{index}] ({message.type}) holds a value JSON cannot store exactly "
                f"({exc}): convert it to JSON data (str, int, float, bool, None, list, or dict "
                "with str keys) before adding the message."
            ) from exc
    return records


def message_time(message: BaseMessage, index: int = 0) -> float | None:
    """The message's own time in epoch seconds: ``additional_kwargs["created_at"]``, or ``None``
    when it has none.

    Accepted: an ISO 8601 string (``"2023-05-08T13:56:00+02:00"``; a date alone is its
    midnight; without an offset the time is UTC) or epoch seconds (int or float). Anything else
    raises :class:`InvalidInputError` naming ``messages[index]`` and the fix.
    """
    value = message.additional_kwargs.get(MESSAGE_TIME_FIELD)
    if value is None:
        return None
    at: float | None = None
    try:
        if isinstance(value, str):
            parsed = datetime.fromisoformat(value.strip())
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=UTC)
            at = parsed.timestamp()
        elif isinstance(value, int | float) and not isinstance(value, bool):
            at = float(value)
            datetime.fromtimestamp(at, UTC)  # a representable time (raises otherwise)
    except (ValueError, OverflowError, OSError):
        at = None
    if at is None or not math.isfinite(at):
        raise InvalidInputError(
            f"messages[{index}].additional_kwargs[{MESSAGE_TIME_FIELD!r}] is {value!r}, not a "
            "time: give the message's time as an ISO 8601 string (e.g. "
            "'2023-05-08T13:56:00+00:00'; without an offset it is read as UTC) or as epoch "
            "seconds (int or float), or leave it out to use the append time."
        )
    return at


def _text_chars(content: Any) -> int:
    """Characters of text in a message's content: a string, or a list of strings and blocks."""
    if isinstance(content, str):
        return len(content)
    total = 0
    if isinstance(content, list):
        for block in content:
            if isinstance(block, str):
                total += len(block)
            elif isinstance(block, dict) and isinstance(block.get("text"), str):
                total += len(block["text"])
    return total


def _check_size(message: BaseMessage, index: int, max_chars: int) -> None:
    content = message.content
    size = len(content) if type(content) is str else _text_chars(content)
    if size > max_chars:
        raise InvalidInputError(
            f"messages[{index}] ({message.type}) has {size:,} characters of text; the session "
            f"store's limit is {max_chars:,} (its max_message_chars option): shorten or split "
            "the message, or build the store with a larger max_message_chars."
        )


def _invalid_unicode(data: dict[str, Any], index: int) -> str | None:
    """Which field of a dumped message holds a string UTF-8 cannot encode, if any."""
    for name, value in data.items():
        found = _find_invalid_unicode(value, f"messages[{index}].{name}")
        if found is not None:
            return found
    return None


def _find_invalid_unicode(value: Any, where: str) -> str | None:
    if isinstance(value, str):
        return None if _encodable(value) else where
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and not _encodable(key):
                return f"a key of {where}"
            found = _find_invalid_unicode(item, f"{where}[{key!r}]")
            if found is not None:
                return found
    elif isinstance(value, list | tuple):
        for number, item in enumerate(value):
            found = _find_invalid_unicode(item, f"{where}[{number}]")
            if found is not None:
                return found
    return None


def _encodable(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def decode_records(records: list[bytes], start: int) -> list[StoredMessage]:
    """Decode consecutive records whose first one has sequence number ``start``."""
    if not records:
        return []
    # Decoding N records allocates ~20N containers, which triggers full collections of the whole
    # process heap that cost more than the decoding itself; JSON data cannot form reference
    # cycles, so for large batches the cyclic collector has nothing to find and is paused.
    pause_collector = len(records) >= _PAUSE_COLLECTOR_FROM and gc.isenabled()
    if pause_collector:
        gc.disable()
    try:
        try:
            # One parse of the whole batch instead of one call per record.
            parsed = orjson.loads(b"[" + b",".join(records) + b"]")
        except orjson.JSONDecodeError:
            parsed = None
        if not isinstance(parsed, list) or len(parsed) != len(records):
            parsed = [_parse_one(record, start + index) for index, record in enumerate(records)]
        return [_to_stored(record, start + index) for index, record in enumerate(parsed)]
    finally:
        if pause_collector:
            gc.enable()


def _parse_one(record: bytes, seq: int) -> Any:
    try:
        return orjson.loads(record)
    except orjson.JSONDecodeError as exc:
        raise _corrupt(seq, exc) from exc


def _to_stored(record: Any, seq: int) -> StoredMessage:
    try:
        cls, fields = _CLASSES_BY_TYPE[record["type"]]
        data = record["data"]
        timestamp = float(record["timestamp"])
        keys = data.keys()
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise _corrupt(seq, exc) from exc
    if keys == fields:
        extra: dict[str, Any] = {}
    elif keys > fields:  # extra="allow" fields set on the original message
        extra = {key: data.pop(key) for key in keys - fields}
    else:
        try:
            return StoredMessage(seq, timestamp, cls(**data))
        except Exception as exc:  # validators of foreign data raise KeyError, ValueError, ...
            raise _corrupt(seq, exc) from exc
    # What pydantic's model_construct does for a complete record, without its per-field loop.
    message = _new(cls)
    _set(message, "__dict__", data)
    _set(message, "__pydantic_fields_set__", set(fields))
    _set(message, "__pydantic_extra__", extra)
    _set(message, "__pydantic_private__", None)
    return StoredMessage(seq, timestamp, message)


def _corrupt(seq: int, cause: BaseException) -> CogneeLangchainError:
    return CogneeLangchainError(
        f"Stored message #{seq} of the session is not a record this version can read "
        f"({type(cause).__name__}: {cause}): it was written by something else; delete the session "
        "with store.delete(user_id, session_id) or read it with the version that wrote it."
    )
