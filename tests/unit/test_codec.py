"""The session record codec: exact round trips of every LangChain message type, strict inputs.

The hypothesis strategies (``any_message``, ``message_lists``) live in
:mod:`cognee_langchain.testing.messages`, shared with the session-store conformance suite.
"""

from __future__ import annotations

import datetime
import gc
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    HumanMessage,
    ToolMessage,
    message_to_dict,
)

from cognee_langchain.errors import CogneeLangchainError, InvalidInputError
from cognee_langchain.sessions.codec import TOOL_RECORD_PREFIXES, decode_records, encode_messages
from cognee_langchain.testing.messages import any_message, assert_same_messages, message_lists, text


# -- round trips ----------------------------------------------------------------------------------
@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(message_lists, st.integers(min_value=0, max_value=10**6))
def test_round_trip_is_exact_for_every_message_type(
    messages: list[BaseMessage], start: int
) -> None:
    records = encode_messages(messages, 1700000000.25)
    stored = decode_records(records, start)
    assert_same_messages([item.message for item in stored], messages)
    assert [item.seq for item in stored] == list(range(start, start + len(messages)))
    assert {item.timestamp for item in stored} == {1700000000.25}


@settings(max_examples=50)
@given(any_message)
def test_record_is_message_to_dict_plus_timestamp_with_type_first(message: BaseMessage) -> None:
    (record,) = encode_messages([message], 12.5)
    assert record.startswith(b'{"type":' + orjson.dumps(message.type) + b",")
    assert orjson.loads(record) == {**message_to_dict(message), "timestamp": 12.5}
    is_tool = isinstance(message, ToolMessage)
    assert record.startswith(TOOL_RECORD_PREFIXES) == is_tool


def test_decoded_messages_behave_like_validated_ones() -> None:
    original = AIMessage(
        "Paris",
        id="run-1",
        tool_calls=[{"name": "lookup", "args": {"city": "Paris"}, "id": "call-1"}],
        usage_metadata={"input_tokens": 3, "output_tokens": 1, "total_tokens": 4},
        custom_field={"kept": True},
    )
    (stored,) = decode_records(encode_messages([original], 1.0), 0)
    decoded = stored.message
    assert isinstance(decoded, AIMessage)
    assert decoded.custom_field == {"kept": True}  # type: ignore[attr-defined]
    assert decoded.model_fields_set >= {"content", "tool_calls", "id"}
    assert decoded.text == "Paris"
    assert decoded.pretty_repr() == original.pretty_repr()
    assert decoded.model_copy(update={"content": "Lyon"}).content == "Lyon"
    assert decoded.content_blocks == original.content_blocks
    assert AIMessage.model_validate(decoded.model_dump()) == original


def test_record_missing_a_field_is_validated_with_defaults() -> None:
    # A record written by a langchain-core that did not yet have AIMessageChunk.chunk_position.
    (record,) = encode_messages([AIMessageChunk(content="partial", id="c1")], 2.0)
    data = orjson.loads(record)
    del data["data"]["chunk_position"]
    (stored,) = decode_records([orjson.dumps(data)], 7)
    assert stored.message == AIMessageChunk(content="partial", id="c1")
    assert stored.seq == 7


def test_decoding_nothing_returns_nothing() -> None:
    assert decode_records([], 5) == []


@pytest.mark.parametrize("corrupt", [False, True])
def test_large_batches_leave_the_garbage_collector_as_they_found_it(corrupt: bool) -> None:
    records = encode_messages([HumanMessage(str(i)) for i in range(2000)], 1.0)
    if corrupt:
        records[1500] = b"{broken"
    for collector_enabled in (True, False):
        (gc.enable if collector_enabled else gc.disable)()
        try:
            if corrupt:
                with pytest.raises(CogneeLangchainError, match="#1500"):
                    decode_records(records, 0)
            else:
                assert [m.seq for m in decode_records(records, 0)] == list(range(2000))
            assert gc.isenabled() is collector_enabled
        finally:
            gc.enable()


# -- strict inputs --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value",
    [
        b"raw bytes",
        datetime.datetime(2024, 1, 1),
        {1, 2},
        {1: "int key"},
        2**70,
        object(),
    ],
    ids=["bytes", "datetime", "set", "int-key", "huge-int", "object"],
)
def test_values_json_cannot_store_exactly_are_refused(value: object) -> None:
    message = AIMessage("ok", additional_kwargs={"value": value})
    with pytest.raises(InvalidInputError, match=r"messages\[1\] \(ai\).*JSON"):
        encode_messages([HumanMessage("hi"), message], 1.0)


@pytest.mark.parametrize(
    ("message", "field"),
    [
        (HumanMessage("half an emoji \ud83d"), r"messages\[1\]\.content"),
        (HumanMessage(["ok", {"type": "text", "text": "\udc00"}]), r"\.content\[1\]\['text'\]"),
        (AIMessage("ok", additional_kwargs={"k": ["a", "\ud800"]}), r"\['k'\]\[1\]"),
        (AIMessage("ok", response_metadata={"\ud800": 1}), r"a key of messages\[1\]"),
        (AIMessage("ok", id="\ud800"), r"messages\[1\]\.id"),
        (
            AIMessage("", tool_calls=[{"name": "f", "args": {"q": "\ud800"}, "id": "c"}]),
            r"\.tool_calls\[0\]\['args'\]\['q'\]",
        ),
    ],
    ids=["content", "block", "kwargs", "key", "id", "tool-args"],
)
def test_invalid_unicode_is_refused_naming_where_it_is(message: BaseMessage, field: str) -> None:
    with pytest.raises(InvalidInputError, match=f"{field}.*not valid Unicode") as raised:
        encode_messages([HumanMessage("fine"), message], 1.0)
    assert raised.value.__cause__ is None  # no orjson or UnicodeEncodeError behind it


@pytest.mark.parametrize(
    "content",
    ["x" * 11, ["x" * 6, "y" * 5], [{"type": "text", "text": "x" * 6}, "y" * 5]],
    ids=["str", "strings", "blocks"],
)
def test_text_over_max_chars_is_refused_naming_the_limit_and_the_knob(content: Any) -> None:
    assert len(encode_messages([HumanMessage("x" * 10)], 1.0, max_chars=10)) == 1
    with pytest.raises(InvalidInputError, match=r"messages\[0\].*11 characters.*10.*max_message"):
        encode_messages([HumanMessage(content)], 1.0, max_chars=10)


def test_only_text_counts_toward_max_chars() -> None:
    image = {"type": "image", "url": "https://example.com/" + "x" * 100}
    message = HumanMessage(["caption", image], additional_kwargs={"big": "z" * 100})
    assert len(encode_messages([message], 1.0, max_chars=10)) == 1
    assert len(encode_messages([HumanMessage("x" * 100)], 1.0)) == 1  # no limit by default


class _CustomMessage(BaseMessage):
    type: str = "custom"


def test_message_types_that_cannot_be_read_back_are_refused() -> None:
    with pytest.raises(InvalidInputError, match="'custom'"):
        encode_messages([_CustomMessage(content="x")], 1.0)


@given(
    st.one_of(
        st.none(),
        st.integers(),
        st.text(),
        st.binary(),
        st.lists(st.none() | st.integers() | st.text() | st.dictionaries(text, text), min_size=1),
    )
)
def test_non_messages_are_refused_with_our_error(value: object) -> None:
    with pytest.raises(InvalidInputError):
        encode_messages(value, 1.0)  # type: ignore[arg-type]


def test_a_single_message_must_be_wrapped_in_a_list() -> None:
    with pytest.raises(InvalidInputError, match="wrap a single message in a list"):
        encode_messages(HumanMessage("hi"), 1.0)  # type: ignore[arg-type]


def test_tuples_and_generators_of_messages_are_accepted() -> None:
    messages = (HumanMessage("a"), AIMessage("b"))
    assert encode_messages(messages, 1.0) == encode_messages(iter(messages), 1.0)


# -- corrupt records ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "bad",
    [b"not json", b"1,2", b'{"type":"ai"}', b'{"type":"alien","timestamp":1,"data":{}}', b"[]"],
    ids=["not-json", "two-values", "no-data", "unknown-type", "not-an-object"],
)
def test_corrupt_record_raises_our_error_naming_its_sequence_number(bad: bytes) -> None:
    good = encode_messages([HumanMessage("fine")], 1.0)[0]
    with pytest.raises(CogneeLangchainError, match="#11"):
        decode_records([good, bad], 10)


def test_invalid_data_in_an_incomplete_record_raises_our_error() -> None:
    record = orjson.dumps({"type": "tool", "timestamp": 1.0, "data": {"content": "x"}})
    with pytest.raises(CogneeLangchainError, match="#0"):
        decode_records([record], 0)


def test_record_carries_the_messages_own_time_else_the_append_time() -> None:
    own = HumanMessage("hi", additional_kwargs={"created_at": "2023-05-08T13:56:00Z"})
    records = encode_messages([own, HumanMessage("plain")], 12.5)
    assert [orjson.loads(r)["timestamp"] for r in records] == [1683554160.0, 12.5]
    assert orjson.loads(records[0])["data"] == message_to_dict(own)["data"]


def test_unreadable_message_time_is_refused_before_encoding_anything() -> None:
    bad = AIMessage("a", additional_kwargs={"created_at": datetime.datetime(2023, 5, 8)})
    with pytest.raises(
        InvalidInputError, match=r"messages\[0\]\.additional_kwargs\['created_at'\]"
    ):
        encode_messages([bad], 1.0)
