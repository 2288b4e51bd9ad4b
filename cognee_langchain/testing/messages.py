"""Hypothesis strategies and helpers for LangChain messages, for session-store and codec tests.

:data:`any_message` generates every LangChain message type with JSON-safe fields: tool calls,
invalid tool calls, ids, names, ``additional_kwargs``, ``response_metadata``, usage metadata,
tool artifacts and extra (``extra="allow"``) fields; a store must keep each exactly.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
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
    message_to_dict,
)

__all__ = [
    "any_message",
    "assert_same_messages",
    "json_values",
    "message_lists",
    "text",
    "tool_turn",
    "turn",
]

# -- strategies ---------------------------------------------------------------------------
text = st.text(max_size=20)
_json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | text
)
json_values = st.recursive(
    _json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=8,
)
_json_objects = st.dictionaries(text, json_values, max_size=3)
_content = text | st.lists(
    text | st.fixed_dictionaries({"type": st.just("text"), "text": text}), max_size=3
)
_optional_text = st.none() | text
# "created_at" in additional_kwargs is the message's own time, checked by the codec (see
# cognee_langchain.sessions.codec.message_time): arbitrary values there are refused, not stored.
_kwargs_objects = st.dictionaries(
    text.filter(lambda key: key != "created_at"), json_values, max_size=3
)
_common = {
    "content": _content,
    "additional_kwargs": _kwargs_objects,
    "response_metadata": _json_objects,
    "name": _optional_text,
    "id": _optional_text,
}
_tool_calls = st.lists(
    st.fixed_dictionaries({"name": text, "args": _json_objects, "id": _optional_text}),
    max_size=3,
)
_invalid_tool_calls = st.lists(
    st.fixed_dictionaries(
        {
            "name": _optional_text,
            "args": _optional_text,
            "id": _optional_text,
            "error": _optional_text,
        }
    ),
    max_size=2,
)
_token_counts = st.integers(min_value=0, max_value=10**9)
_usage_metadata = st.none() | st.fixed_dictionaries(
    {"input_tokens": _token_counts, "output_tokens": _token_counts, "total_tokens": _token_counts},
    optional={
        "input_token_details": st.fixed_dictionaries(
            {}, optional={"cache_read": _token_counts, "audio": _token_counts}
        ),
        "output_token_details": st.fixed_dictionaries({}, optional={"reasoning": _token_counts}),
    },
)
_ai_fields = {
    **_common,
    "tool_calls": _tool_calls,
    "invalid_tool_calls": _invalid_tool_calls,
    "usage_metadata": _usage_metadata,
}
_tool_fields = {
    **_common,
    "tool_call_id": text,
    "status": st.sampled_from(["success", "error"]),
    "artifact": json_values,
}
_tool_call_chunks = st.lists(
    st.fixed_dictionaries(
        {
            "name": _optional_text,
            "args": _optional_text,
            "id": _optional_text,
            "index": st.none() | st.integers(0, 5),
        }
    ),
    max_size=2,
)


def _messages_of(cls: type[BaseMessage], **fields: st.SearchStrategy[Any]) -> st.SearchStrategy:
    """Messages of ``cls``, sometimes carrying an extra (``extra="allow"``) field."""
    plain = st.fixed_dictionaries(fields)
    extra = st.fixed_dictionaries({**fields, "custom_field": json_values})
    return (plain | extra).map(lambda kwargs: cls(**kwargs))


any_message: st.SearchStrategy[BaseMessage] = st.one_of(
    _messages_of(HumanMessage, **_common),
    _messages_of(HumanMessageChunk, **_common),
    _messages_of(SystemMessage, **_common),
    _messages_of(SystemMessageChunk, **_common),
    _messages_of(AIMessage, **_ai_fields),
    _messages_of(
        AIMessageChunk,
        **_common,
        tool_call_chunks=_tool_call_chunks,
        usage_metadata=_usage_metadata,
        chunk_position=st.sampled_from([None, "last"]),
    ),
    _messages_of(ChatMessage, **_common, role=text),
    _messages_of(ChatMessageChunk, **_common, role=text),
    _messages_of(FunctionMessage, **{**_common, "name": text}),
    _messages_of(FunctionMessageChunk, **{**_common, "name": text}),
    _messages_of(ToolMessage, **_tool_fields),
    _messages_of(ToolMessageChunk, **_tool_fields),
    text.map(lambda message_id: RemoveMessage(id=message_id)),
)
"""Any LangChain message a store must keep exactly (every type, with JSON-safe fields)."""
message_lists = st.lists(any_message, min_size=1, max_size=6)


def assert_same_messages(decoded: list[BaseMessage], original: list[BaseMessage]) -> None:
    """Equal, of the very same class, and dumping to the very same dict."""
    assert [type(m) for m in decoded] == [type(m) for m in original]
    assert decoded == original
    assert [message_to_dict(m) for m in decoded] == [message_to_dict(m) for m in original]


# -- example turns -------------------------------------------------------------------------------
def turn(label: str) -> list[BaseMessage]:
    """A question and its answer."""
    return [HumanMessage(f"{label} question", id=f"{label}-q"), AIMessage(f"{label} answer")]


def tool_turn(label: str) -> list[BaseMessage]:
    """A human question, an AI tool call, its tool result and the final AI answer."""
    call = {"name": "lookup", "args": {"q": label}, "id": f"{label}-call"}
    return [
        HumanMessage(f"{label} question"),
        AIMessage("", tool_calls=[call]),
        ToolMessage(f"{label} result", tool_call_id=f"{label}-call"),
        AIMessage(f"{label} answer"),
    ]
