"""Every message reaches memory: how cached session messages are rendered and persisted.

The rules: every message is persisted, in order (an AI message opening the session, several
messages of one speaker in a row, tool calls and tool results); only a trailing question waiting
for its answer waits, and the result counts it; a message's own time
(``additional_kwargs["created_at"]``) is validated on append, kept by the cache and used as the
turn's time; the same messages always render the same transcript; each message is persisted
exactly once, by its identity.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)

from cognee_langchain.chat_message_histories import SessionChatMessageHistory
from cognee_langchain.core.defaults import SESSIONS_NODE_SET
from cognee_langchain.core.turns import Turn
from cognee_langchain.errors import InvalidInputError
from cognee_langchain.graph.models import SourceItem
from cognee_langchain.memory import GraphMemory
from cognee_langchain.pipelines.persist_sessions import PersistSessionsResult
from cognee_langchain.services import persist
from cognee_langchain.services.rendering import (
    messages_document,
    render_transcript,
    session_messages,
    waiting_from,
)
from cognee_langchain.sessions.base import StoredMessage
from cognee_langchain.sessions.codec import decode_records, encode_messages, message_time
from tests.unit.test_memory_support import make_memory

DATASET = "main_dataset"
T0 = 1_764_000_000.0  # 2025-11-24T16:00:00Z
CALL = {"name": "weather", "args": {"city": "Oslo"}, "id": "t1", "type": "tool_call"}


def stored(*messages: BaseMessage, start: int = 0, at: float = T0) -> list[StoredMessage]:
    return [StoredMessage(start + i, at + i, m) for i, m in enumerate(messages)]


def transcript(*messages: BaseMessage) -> str:
    return render_transcript(session_messages("s", stored(*messages)))


@pytest.fixture
def written(monkeypatch: pytest.MonkeyPatch) -> list[SourceItem]:
    """The items ``improve`` hands to ingest (what it persists, however ingest cuts it)."""
    items: list[SourceItem] = []
    real = persist.aingest

    async def recording(runtime: Any, batch: list[SourceItem], **kwargs: Any) -> Any:
        items.extend(batch)
        return await real(runtime, batch, **kwargs)

    monkeypatch.setattr(persist, "aingest", recording)
    return items


@pytest.fixture
def memory(tmp_path: Path, written: list[SourceItem]) -> GraphMemory:
    memory = make_memory(tmp_path)
    memory.remember("Alice Johnson leads Acme Corp.", dataset=DATASET)
    return memory


def improve(memory: GraphMemory, *session_ids: str) -> PersistSessionsResult:
    result = memory.improve(DATASET, list(session_ids))
    assert isinstance(result, PersistSessionsResult)
    return result


def persisted_text(written: list[SourceItem]) -> str:
    return "\n\n".join(item.text for item in written)


# -- the transcript shape -----------------------------------------------------------------------
def test_transcript_shape_with_dates_speakers_and_indented_continuations() -> None:
    day = 86_400.0
    items = [
        StoredMessage(0, T0, AIMessage("Hi! I plan trips.")),
        StoredMessage(1, T0 + 60, HumanMessage("Weather in Oslo?")),
        StoredMessage(2, T0 + 61, HumanMessage("And what to pack?")),
        StoredMessage(3, T0 + 62, AIMessage("Let me check.", tool_calls=[CALL])),
        StoredMessage(4, T0 + 63, ToolMessage("Snow, -3C", tool_call_id="t1")),
        StoredMessage(5, T0 + day, AIMessage("It snows.\n\n  Pack:\n- boots  \n- gloves")),
    ]
    assert render_transcript(session_messages("s", items)) == (
        "Date: 2025-11-24T16:00:00+00:00\n"
        "Assistant: Hi! I plan trips.\n"
        "User: Weather in Oslo?\n"
        "User: And what to pack?\n"
        'Assistant: Let me check. (calls weather(city="Oslo"))\n'
        "Tool weather: Snow, -3C\n"
        "Date: 2025-11-25T16:00:00+00:00\n"
        "Assistant: It snows.\n"
        "    Pack:\n"
        "  - boots\n"
        "  - gloves"
    )


def test_speakers_are_names_else_roles() -> None:
    text = transcript(
        SystemMessage("Be brief."),
        HumanMessage("Hey Mel!", name="Caroline"),
        AIMessage("Hi Caroline.", name="Melanie"),
        AIMessage("", tool_calls=[{**CALL, "name": "search", "args": {}}]),
        ToolMessage("no hits", tool_call_id="t1", name="search", status="error"),
        HumanMessage("odd", name="Dr: Who\nX"),
    )
    assert text.split("\n")[1:] == [
        "System: Be brief.",
        "Caroline: Hey Mel!",
        "Melanie: Hi Caroline.",
        "Assistant: (calls search())",
        "Tool search: (error) no hits",
        "Dr Who X: odd",
    ]


def test_tool_results_and_call_arguments_are_cut_for_a_reader() -> None:
    long_call = {**CALL, "args": {"text": "y" * 1000}}
    text = transcript(
        AIMessage("", tool_calls=[long_call]), ToolMessage("x" * 5000, tool_call_id="t1")
    )
    call_line, result_line = text.split("\n")[1:]
    assert call_line.startswith('Assistant: (calls weather(text="yyy') and call_line.endswith("…))")
    assert len(call_line) < 260
    assert result_line.startswith("Tool weather: xxx") and result_line.endswith("…")
    assert len(result_line) <= len("Tool weather: ") + 600


def test_messages_with_nothing_to_show_make_no_turn() -> None:
    messages = session_messages("s", stored(HumanMessage("  "), AIMessage(""), HumanMessage("Q")))
    assert [(m.seq, m.text) for m in messages] == [(2, "Q")]


def test_turns_carry_speaker_text_utc_time_and_message_id() -> None:
    items = stored(HumanMessage("Q\n  more", id="q"), AIMessage("A", name="Bot"))
    item = messages_document("s", session_messages("s", items))
    assert item.turns == (
        Turn("User", "Q\n  more", datetime(2025, 11, 24, 16, 0, tzinfo=UTC), message_ids=("q",)),
        Turn("Bot", "A", datetime(2025, 11, 24, 16, 0, 1, tzinfo=UTC), message_ids=("s#1",)),
    )
    assert all(
        t.occurred_at is not None and t.occurred_at.utcoffset() is not None for t in item.turns
    )
    assert item.text == "Date: 2025-11-24T16:00:00+00:00\nUser: Q\n    more\nBot: A"


# -- deterministic rendering, as a property ----------------------------------------------------
_speakers = st.sampled_from([None, "Caroline", "Melanie"])


@st.composite
def conversations(draw: st.DrawFn) -> list[StoredMessage]:
    """Random sessions: any speaker order, multi-line texts, tool calls and results, dates that
    change or not; every message holds a unique marker."""
    count = draw(st.integers(min_value=1, max_value=12))
    at = draw(st.floats(min_value=0, max_value=4e9))
    items = []
    for seq in range(count):
        marker = f"M{seq:03d}x"
        lines = draw(st.lists(st.text(st.characters(codec="utf-8"), max_size=12), max_size=3))
        content = "\n".join([marker, *lines])
        kind = draw(st.sampled_from(["human", "ai", "call", "tool", "system"]))
        message: BaseMessage
        if kind == "human":
            message = HumanMessage(content, name=draw(_speakers))
        elif kind == "ai":
            message = AIMessage(content, name=draw(_speakers))
        elif kind == "call":
            message = AIMessage(content, tool_calls=[{**CALL, "args": {"q": marker}}])
        elif kind == "tool":
            message = ToolMessage(
                content, tool_call_id="t1", name=draw(st.sampled_from([None, "w"]))
            )
        else:
            message = SystemMessage(content)
        at += draw(st.sampled_from([0.0, 1.5, 3600.0, 86_400.0 * 3]))
        items.append(StoredMessage(seq, at, message))
    return items


def parse(text: str) -> list[tuple[str, str]]:
    """The (speaker, text) of each turn of a transcript, as a reader of the shape would."""
    turns: list[tuple[str, str]] = []
    for line in text.split("\n"):
        if line.startswith("  "):
            speaker, said = turns[-1]
            turns[-1] = (speaker, f"{said}\n{line[2:]}")
        elif not re.fullmatch(r"Date: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", line):
            speaker, _, said = line.partition(": ")
            turns.append((speaker, said))
    return turns


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(conversations())
def test_every_message_appears_once_in_order_and_rendering_is_deterministic(
    items: list[StoredMessage],
) -> None:
    messages = session_messages("s", items)
    text = render_transcript(messages)

    markers = [f"M{i.seq:03d}x" for i in items]
    assert [m.seq for m in messages] == [i.seq for i in items]  # every message, in order
    for marker in markers:  # the call argument repeats it: count lines starting with it
        assert len(re.findall(rf"^[^:\n]+: {marker}", text, flags=re.M)) == 1
    assert [t[0] for t in parse(text)] == [m.speaker for m in messages]
    assert parse(text) == [(m.speaker, m.text) for m in messages]
    assert [(t.speaker, t.text) for t in (m.turn() for m in messages)] == parse(text)
    # the same messages render the same text, whatever the clock
    copies = [StoredMessage(i.seq, i.timestamp, i.message.model_copy()) for i in items]
    assert render_transcript(session_messages("s", copies)) == text
    dates = re.findall(r"^Date: (\S+)$", text, flags=re.M)
    assert len(dates) == len({m.occurred_at.date() for m in messages}) or len(dates) >= 1


# -- what waits ---------------------------------------------------------------------------------
def test_only_a_trailing_unnamed_human_run_waits() -> None:
    def wait(*messages: BaseMessage) -> int:
        items = stored(*messages)
        return waiting_from(items, len(items))

    assert wait(HumanMessage("Q"), AIMessage("A")) == 2
    assert wait(HumanMessage("Q"), AIMessage("A"), HumanMessage("Q2"), HumanMessage("Q3")) == 2
    assert wait(HumanMessage("Q"), AIMessage("", tool_calls=[CALL])) == 2
    assert wait(HumanMessage("Q")) == 0
    # a named participant of a conversation between people never waits
    assert wait(HumanMessage("Hi", name="Caroline")) == 1
    assert wait(HumanMessage("Q"), HumanMessage("Hi", name="Caroline")) == 2


def test_ai_first_session_and_consecutive_human_messages_are_all_persisted(
    memory: GraphMemory, written: list[SourceItem]
) -> None:
    store, user = memory.session_store, memory.user.id
    store.append(user, "s", [AIMessage("Welcome! Ask me anything.")])
    store.append(user, "s", [HumanMessage("First part."), HumanMessage("Second part?")])
    store.append(user, "s", [AIMessage("Both parts answered.")])

    result = improve(memory, "s")

    assert (result.messages_persisted, result.entries_persisted, result.messages_waiting) == (
        4,
        2,
        0,
    )
    text = persisted_text(written)
    assert text.endswith(
        "Assistant: Welcome! Ask me anything.\nUser: First part.\nUser: Second part?\n"
        "Assistant: Both parts answered."
    )
    (document,) = memory.graph_store.list_documents(DATASET, node_set=SESSIONS_NODE_SET)
    assert document.message_ids == ("s#0", "s#1", "s#2", "s#3")
    assert store.get_watermark(user, "s", DATASET) == 4


def test_trailing_question_waits_then_is_persisted_once_answered(
    memory: GraphMemory, written: list[SourceItem]
) -> None:
    store, user = memory.session_store, memory.user.id
    store.append(user, "s", [HumanMessage("Q1?"), AIMessage("A1.")])
    store.append(user, "s", [HumanMessage("Q2?"), HumanMessage("Q2, more precisely?")])

    first = improve(memory, "s")

    assert (first.messages_persisted, first.messages_waiting) == (2, 2)
    assert "2 message(s) wait for an answer" in first.message
    assert "Q2" not in persisted_text(written)
    assert store.get_watermark(user, "s", DATASET) == 2
    assert improve(memory, "s").messages_persisted == 0

    store.append(user, "s", [AIMessage("A2.")])
    second = improve(memory, "s")

    assert (second.messages_persisted, second.entries_persisted, second.messages_waiting) == (
        3,
        1,
        0,
    )
    text = persisted_text(written)
    assert text.count("User: Q2?\nUser: Q2, more precisely?\nAssistant: A2.") == 1
    assert text.count("Q1?") == 1
    assert improve(memory, "s").messages_persisted == 0


def test_tool_calls_and_results_are_persisted_for_a_reader(
    memory: GraphMemory, written: list[SourceItem]
) -> None:
    memory.session_store.append(
        memory.user.id,
        "agent",
        [
            HumanMessage("Weather in Oslo?"),
            AIMessage("", tool_calls=[CALL]),
            ToolMessage("Snow, -3C", tool_call_id="t1"),
        ],
    )

    result = improve(memory, "agent")

    assert (result.messages_persisted, result.messages_waiting) == (3, 0)
    assert persisted_text(written).endswith(
        'User: Weather in Oslo?\nAssistant: (calls weather(city="Oslo"))\nTool weather: Snow, -3C'
    )


def test_each_message_is_persisted_once_across_runs_and_failures(
    memory: GraphMemory, written: list[SourceItem]
) -> None:
    store, user = memory.session_store, memory.user.id
    store.append(user, "s", [AIMessage("Opening M0.")])
    improve(memory, "s")
    store.append(user, "s", [HumanMessage("Question M1?")])
    improve(memory, "s")  # waits
    original = store.aadvance_watermark

    async def down(*args: Any, **kwargs: Any) -> bool:
        raise InvalidInputError("simulated failure after the graph write")

    store.append(user, "s", [AIMessage("Answer M2."), AIMessage("Addendum M3.")])
    store.aadvance_watermark = down  # type: ignore[method-assign]
    with pytest.raises(InvalidInputError):
        improve(memory, "s")
    store.aadvance_watermark = original  # type: ignore[method-assign]
    store.append(user, "s", [HumanMessage("Thanks M4", name="Caroline")])

    result = improve(memory, "s")

    assert (result.messages_persisted, result.messages_waiting) == (1, 0)
    text = persisted_text(written)
    assert [text.count(f"M{i}") for i in range(5)] == [1, 1, 1, 1, 1]
    assert store.get_watermark(user, "s", DATASET) == 5


# -- a message's own time -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-05-08T13:56:00+00:00", datetime(2023, 5, 8, 13, 56, tzinfo=UTC)),
        ("2023-05-08T15:56:00+02:00", datetime(2023, 5, 8, 13, 56, tzinfo=UTC)),
        ("2023-05-08T13:56:00Z", datetime(2023, 5, 8, 13, 56, tzinfo=UTC)),
        ("2023-05-08T13:56:00", datetime(2023, 5, 8, 13, 56, tzinfo=UTC)),  # no offset: UTC
        ("2023-05-08", datetime(2023, 5, 8, tzinfo=UTC)),
        (1683554160, datetime(2023, 5, 8, 13, 56, tzinfo=UTC)),
        (1683554160.5, datetime(2023, 5, 8, 13, 56, 0, 500000, tzinfo=UTC)),
    ],
)
def test_message_time_is_iso_8601_or_epoch_seconds(value: object, expected: datetime) -> None:
    message = HumanMessage("hi", additional_kwargs={"created_at": value})
    assert message_time(message) == expected.timestamp()
    (item,) = decode_records(encode_messages([message], T0), 0)
    assert item.timestamp == expected.timestamp()  # kept instead of the append time
    assert item.message.additional_kwargs["created_at"] == value  # the message is unchanged


@pytest.mark.parametrize(
    "value",
    ["yesterday", "", "2023-13-01", True, float("nan"), float("inf"), 1e20, [2023], {"t": 1}],
)
def test_bad_message_time_is_refused_naming_the_field_and_the_fix(value: object) -> None:
    good = HumanMessage("ok")
    bad = HumanMessage("hi", additional_kwargs={"created_at": value})
    with pytest.raises(InvalidInputError) as caught:
        encode_messages([good, bad], T0)
    message = str(caught.value)
    assert "messages[1].additional_kwargs['created_at']" in message
    assert "ISO 8601" in message and "epoch seconds" in message


def test_bad_message_time_stores_nothing(memory: GraphMemory, written: list[SourceItem]) -> None:
    history = SessionChatMessageHistory("s", user_id=memory.user.id, store=memory.session_store)
    with pytest.raises(InvalidInputError, match="created_at"):
        history.add_messages(
            [HumanMessage("Q"), AIMessage("A", additional_kwargs={"created_at": "soon"})]
        )
    assert history.messages == []


def test_message_time_is_the_turns_time_in_cache_and_graph(
    memory: GraphMemory, written: list[SourceItem]
) -> None:
    history = SessionChatMessageHistory("s", user_id=memory.user.id, store=memory.session_store)
    history.add_messages(
        [
            HumanMessage(
                "When did we meet?", additional_kwargs={"created_at": "2023-05-08T13:56:00Z"}
            ),
            AIMessage("On Monday.", additional_kwargs={"created_at": 1683590400}),  # 05-09 00:00
            HumanMessage("Thanks!", name="Caroline"),  # no own time: the append time
        ]
    )
    items = memory.session_store.read(memory.user.id, "s").items
    assert [i.timestamp for i in items[:2]] == [1683554160.0, 1683590400.0]
    assert items[2].timestamp > 1.7e9

    improve(memory, "s")

    text = persisted_text(written)
    assert text.startswith(
        "Date: 2023-05-08T13:56:00+00:00\nUser: When did we meet?\n"
        "Date: 2023-05-09T00:00:00+00:00\nAssistant: On Monday.\nDate: "
    )
    assert text.endswith("\nCaroline: Thanks!")


def test_same_messages_render_the_same_document_in_any_run(
    tmp_path: Path, written: list[SourceItem]
) -> None:
    texts = []
    for run in ("one", "two"):
        memory = make_memory(tmp_path / run)
        memory.remember("Alice Johnson leads Acme Corp.", dataset=DATASET)
        memory.session_store.append(
            memory.user.id,
            "s",
            [
                HumanMessage("Q?", additional_kwargs={"created_at": "2023-05-08T13:56:00Z"}),
                AIMessage("A.", additional_kwargs={"created_at": "2023-05-08T13:57:00Z"}),
            ],
        )
        improve(memory, "s")
        texts.append(persisted_text(written))
        written.clear()
        memory.close()
    assert texts[0] == texts[1] == "Date: 2023-05-08T13:56:00+00:00\nUser: Q?\nAssistant: A."
