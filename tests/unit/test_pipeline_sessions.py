"""How cached messages become what the persist-sessions pipeline writes: messages with their
identity, documents of whole exchanges, and what a stored document already holds. (The rendering
rules themselves: ``tests/unit/test_session_rendering.py``.)"""

from __future__ import annotations

from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage

from cognee_langchain.graph.models import SourceDocument
from cognee_langchain.services.rendering import (
    messages_document,
    pack_messages,
    render_entries,
    render_transcript,
    session_messages,
    split_entries,
    unpersisted_messages,
)
from cognee_langchain.sessions.base import StoredMessage

T0 = 1_764_000_000.0  # 2025-11-24T16:00:00Z


def _stored(*messages: object, start: int = 0) -> list[StoredMessage]:
    return [
        StoredMessage(seq=start + i, timestamp=T0 + i, message=m)  # type: ignore[arg-type]
        for i, m in enumerate(messages)
    ]


def test_every_message_becomes_one_with_position_id_and_exchange() -> None:
    items = _stored(
        SystemMessage("be brief"),
        HumanMessage("Who leads Acme?", id="h1"),
        AIMessage("Alice leads Acme.", id="a1", response_metadata={"context_ids": ["c1", "c2"]}),
        HumanMessage("Since when?"),
        AIMessage("Since 2019."),
        start=10,
    )
    messages = session_messages("s", items)
    assert [(m.seq, m.speaker, m.text) for m in messages] == [
        (10, "System", "be brief"),
        (11, "User", "Who leads Acme?"),
        (12, "Assistant", "Alice leads Acme."),
        (13, "User", "Since when?"),
        (14, "Assistant", "Since 2019."),
    ]
    assert [m.exchange for m in messages] == [10, 11, 11, 13, 13]
    assert messages[2].context_ids == ("c1", "c2")
    # messages without ids are addressed by session and position
    assert [m.message_id for m in messages] == ["s#10", "h1", "a1", "s#13", "s#14"]


def test_message_key_is_position_time_and_content() -> None:
    items = _stored(HumanMessage("Q"), AIMessage("A"), start=4)
    keys = [m.key for m in session_messages("s", items)]
    assert keys[0].startswith(f"4@{T0!r}#")
    again = _stored(HumanMessage("Q"), AIMessage("A"), start=4)
    assert [m.key for m in session_messages("s", again)] == keys  # read again: the same
    later = [StoredMessage(i.seq, i.timestamp + 60, i.message) for i in items]
    assert [m.key for m in session_messages("s", later)] != keys  # recorded again: others
    other = _stored(HumanMessage("Other Q"), AIMessage("A"), start=4)
    assert session_messages("s", other)[0].key != keys[0]  # same place and time, new text


def test_pack_keeps_whole_exchanges_within_the_size() -> None:
    items = _stored(
        *[m for i in range(12) for m in (HumanMessage(f"Q{i:02d}"), AIMessage("A" * 90))]
    )
    messages = session_messages("s", items)
    size = len(render_transcript(messages[:6]))

    groups = pack_messages(messages, size)

    assert [len(g) for g in groups] == [6, 6, 6, 6]
    assert [m for g in groups for m in g] == messages
    assert all(len(render_transcript(g)) <= size for g in groups)
    assert pack_messages([], 100) == []


def test_pack_splits_an_exchange_too_long_for_a_group_between_messages() -> None:
    items = _stored(HumanMessage("Q"), *[AIMessage(f"A{i} " + "x" * 50) for i in range(6)])
    messages = session_messages("s", items)
    size = len(render_transcript(messages[:3]))

    groups = pack_messages(messages, size)

    assert [m for g in groups for m in g] == messages
    assert all(len(render_transcript(g)) <= size for g in groups)
    assert len(groups) == 3
    assert pack_messages(messages, 10) == [[m] for m in messages]  # too big alone: one each


def test_pack_size_matches_the_rendered_text_across_dates() -> None:
    day = 86_400.0
    items = [
        StoredMessage(i, T0 + (i // 3) * day, HumanMessage(f"line {i}\nmore {i}"))
        for i in range(10)
    ]
    messages = session_messages("s", items)
    for size in (40, 80, 120, 500):
        for group in pack_messages(messages, size):
            assert len(group) == 1 or len(render_transcript(group)) <= size


def test_document_records_what_identifies_its_messages() -> None:
    items = _stored(HumanMessage("Q1", id="q1"), AIMessage("A1", id="a1"), HumanMessage("Q2"))
    items += _stored(AIMessage("A2", response_metadata={"context_ids": ["c"]}), start=3)
    messages = session_messages("s", items)

    item = messages_document("s", messages)

    assert item.session_id == "s" and item.name == "session:s"
    assert item.message_ids == ("q1", "a1", "s#2", "s#3")
    assert item.metadata["message_keys"] == [m.key for m in messages]
    assert (item.metadata["first_seq"], item.metadata["end_seq"]) == (0, 4)
    assert item.metadata["context_ids"] == ["c"]
    assert item.text == render_transcript(messages)
    assert [t.message_ids for t in item.turns] == [("q1",), ("a1",), ("s#2",), ("s#3",)]


def _document(
    metadata: dict[str, object], message_ids: tuple[str, ...] = (), at: float = 0.0
) -> SourceDocument:
    return SourceDocument(
        id="d", dataset="ds", created_at=at, message_ids=message_ids, metadata=metadata
    )


def test_unpersisted_messages_by_key_else_by_message_id_of_a_later_document() -> None:
    question, answer = session_messages(
        "s", _stored(HumanMessage("Q", id="q"), AIMessage("A", id="a"))
    )

    def new(*documents: SourceDocument) -> list[str]:
        return [m.message_id for m in unpersisted_messages([question, answer], documents)]

    assert new(_document({"message_keys": ["other", question.key]})) == ["a"]
    # keys recorded: message ids alone do not match (a session recorded again reuses them)
    assert new(_document({"message_keys": ["0@1.0#x"]}, ("q", "a"), T0 + 5)) == ["q", "a"]
    # no message keys (an earlier version's document): its ids, if written after the message
    assert new(_document({}, ("q", "a", "x"), T0 + 5)) == []
    assert new(_document({"entry_keys": ["0-2@1.0"]}, ("q",), T0 + 5)) == ["a"]
    assert new(_document({}, ("q", "a"), T0 - 1)) == ["q", "a"]
    assert new(_document({}, ("q",), T0 + 5), _document({}, ("a",), T0 + 5)) == []
    assert new() == ["q", "a"]


# -- complete Q&A entries: what recall reads as recent turns ----------------------------------
def test_complete_turns_become_entries_for_recall() -> None:
    call = {"name": "weather", "args": {"city": "Oslo"}, "id": "t1", "type": "tool_call"}
    items = _stored(
        AIMessage("orphan answer"),
        HumanMessage("Weather in Oslo?"),
        AIMessage("", tool_calls=[call]),
        ToolMessage("Snow, -3C", tool_call_id="t1", name="weather"),
        AIMessage("It snows in Oslo."),
        HumanMessage("Q2"),
        start=5,
    )
    [entry] = split_entries("s", items)
    assert (entry.seq_start, entry.seq_end) == (6, 10)
    assert (entry.question, entry.answer) == ("Weather in Oslo?", "It snows in Oslo.")
    assert entry.tool_results == ("weather: Snow, -3C",)
    assert render_entries([entry]) == (
        "Date: 2025-11-24T16:00:01+00:00\n"
        "User: Weather in Oslo?\nTool weather: Snow, -3C\nAssistant: It snows in Oslo."
    )
