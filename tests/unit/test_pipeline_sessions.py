"""How cached messages become Q&A entries for the persist-sessions pipeline."""

from __future__ import annotations

from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage

from cognee_langchain.services.rendering import render_entries, split_entries
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
