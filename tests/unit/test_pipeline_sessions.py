"""How cached messages become Q&A entries for the persist-sessions pipeline."""

from __future__ import annotations

from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage

from cognee_langchain.graph.models import SourceDocument
from cognee_langchain.services.rendering import (
    entries_document,
    pack_entries,
    render_entries,
    split_entries,
    unpersisted_entries,
)
from cognee_langchain.sessions.base import StoredMessage


def _stored(*messages: object, start: int = 0) -> list[StoredMessage]:
    return [
        StoredMessage(seq=start + i, timestamp=1_764_000_000.0 + i, message=m)  # type: ignore[arg-type]
        for i, m in enumerate(messages)
    ]


def test_complete_turns_become_entries_with_positions_and_ids() -> None:
    items = _stored(
        SystemMessage("be brief"),
        HumanMessage("Who leads Acme?", id="h1"),
        AIMessage("Alice leads Acme.", id="a1", response_metadata={"context_ids": ["c1", "c2"]}),
        HumanMessage("Since when?"),
        AIMessage("Since 2019."),
        start=10,
    )
    entries = split_entries("s", items)
    assert [(e.seq_start, e.seq_end) for e in entries] == [(11, 13), (13, 15)]
    assert entries[0].question == "Who leads Acme?"
    assert entries[0].answer == "Alice leads Acme."
    assert entries[0].message_ids == ("h1", "a1")
    assert entries[0].context_ids == ("c1", "c2")
    # messages without ids are addressed by session and position
    assert entries[1].message_ids == ("s#13", "s#14")


def test_agent_turn_keeps_tool_results_and_ends_at_final_answer() -> None:
    call = {"name": "weather", "args": {"city": "Oslo"}, "id": "t1", "type": "tool_call"}
    items = _stored(
        HumanMessage("Weather in Oslo?"),
        AIMessage("", tool_calls=[call]),
        ToolMessage("Snow, -3C", tool_call_id="t1", name="weather"),
        AIMessage("It snows in Oslo."),
    )
    [entry] = split_entries("s", items)
    assert (entry.seq_start, entry.seq_end) == (0, 4)
    assert entry.tool_results == ("weather: Snow, -3C",)
    assert "tool weather: Snow, -3C" in render_entries([entry])


def test_unfinished_trailing_turn_is_left_for_later() -> None:
    items = _stored(
        HumanMessage("Q1"),
        AIMessage("A1"),
        HumanMessage("Q2"),
        AIMessage("", tool_calls=[{"name": "x", "args": {}, "id": "1", "type": "tool_call"}]),
    )
    entries = split_entries("s", items)
    assert [e.question for e in entries] == ["Q1"]
    assert entries[-1].seq_end == 2  # the watermark stops before the unfinished turn


def test_slice_starting_mid_turn_skips_the_orphan_answer() -> None:
    items = _stored(AIMessage("orphan answer"), HumanMessage("Q"), AIMessage("A"), start=5)
    assert [(e.question, e.seq_start) for e in split_entries("s", items)] == [("Q", 6)]


def test_render_keeps_dates_for_temporal_questions() -> None:
    [entry] = split_entries("s", _stored(HumanMessage("Q"), AIMessage("A")))
    text = render_entries([entry])
    assert text.startswith("[2025-11-24 ")
    assert "UTC] user: Q\nassistant: A" in text


def test_entry_key_is_position_and_question_time() -> None:
    items = _stored(HumanMessage("Q"), AIMessage("A"), start=4)
    [entry] = split_entries("s", items)
    assert entry.key == f"4-6@{1_764_000_000.0!r}"
    again = _stored(HumanMessage("Q"), AIMessage("A"), start=4)
    assert split_entries("s", again)[0].key == entry.key  # read again: the same entry
    later = [StoredMessage(i.seq, i.timestamp + 60, i.message) for i in items]
    assert split_entries("s", later)[0].key != entry.key  # recorded again: another one


def test_pack_entries_keeps_whole_entries_within_the_size() -> None:
    items = _stored(
        *[m for i in range(12) for m in (HumanMessage(f"Q{i:02d}"), AIMessage("A" * 90))]
    )
    entries = split_entries("s", items)
    size = len(render_entries(entries[:3]))

    groups = pack_entries(entries, size)

    assert [len(g) for g in groups] == [3, 3, 3, 3]
    assert [e for g in groups for e in g] == entries
    assert all(len(render_entries(g)) <= size for g in groups)
    assert pack_entries(entries, 10) == [[e] for e in entries]  # too big alone: one each
    assert pack_entries([], 100) == []


def test_document_of_entries_records_what_identifies_them() -> None:
    items = _stored(HumanMessage("Q1", id="q1"), AIMessage("A1", id="a1"), HumanMessage("Q2"))
    items += _stored(AIMessage("A2", response_metadata={"context_ids": ["c"]}), start=3)
    entries = split_entries("s", items)

    item = entries_document("s", entries)

    assert item.session_id == "s" and item.name == "session:s"
    assert item.message_ids == ("q1", "a1", "s#2", "s#3")
    assert item.metadata["entry_keys"] == [e.key for e in entries]
    assert (item.metadata["first_seq"], item.metadata["end_seq"]) == (0, 4)
    assert item.metadata["context_ids"] == ["c"]
    assert item.text == render_entries(entries)


def _document(
    metadata: dict[str, object], message_ids: tuple[str, ...] = (), at: float = 0.0
) -> SourceDocument:
    return SourceDocument(
        id="d", dataset="ds", created_at=at, message_ids=message_ids, metadata=metadata
    )


def test_unpersisted_entries_by_key_else_by_message_ids_of_a_later_document() -> None:
    [entry] = split_entries("s", _stored(HumanMessage("Q", id="q"), AIMessage("A", id="a")))
    asked = entry.asked_at

    def held(*documents: SourceDocument) -> bool:
        return unpersisted_entries([entry], documents) == []

    assert held(_document({"entry_keys": ["other", entry.key]}))
    # keys recorded: message ids alone do not match (a session recorded again reuses them)
    assert not held(_document({"entry_keys": ["0-2@1.0"]}, ("q", "a"), asked))
    # no keys (an earlier version's document): its message ids, if written after the question
    assert held(_document({}, ("q", "a", "x"), asked + 1))
    assert not held(_document({}, ("q", "a"), asked - 1))
    assert not held(_document({}, ("q",), asked + 1), _document({}, ("a",), asked + 1))
    assert not held()
