"""GraphMemoryMiddleware inside ``langchain.agents.create_agent`` with a scripted tool-calling
model and a real tool: what is recorded, what the model is shown, sessions, improve."""

from __future__ import annotations

import asyncio
import importlib
import logging
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from langchain.agents import create_agent
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
    message_to_dict,
)
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.tools import tool
from langgraph.checkpoint.memory import InMemorySaver
from pydantic import Field

from cognee_langchain.core.defaults import Limits
from cognee_langchain.errors import InvalidInputError, NoGraphDataError
from cognee_langchain.memory import GraphMemory
from cognee_langchain.middleware import GraphMemoryMiddleware
from cognee_langchain.users import User
from tests.unit.test_memory_support import TYPES, BagOfWordsEmbeddings, PatternExtractor
from tests.unit.test_nodes import ScriptedMemory, without_context_ids


class ScriptedToolModel(BaseChatModel):
    """Calls ``get_weather`` for each new user message, then answers with the tool's result.

    Records the messages of every call, so tests see exactly what the model was shown.
    """

    calls: list[list[BaseMessage]] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "scripted-tool-model"

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> ScriptedToolModel:  # type: ignore[override]
        return self

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: Any = None,
        **kwargs: Any,
    ) -> ChatResult:
        self.calls.append(list(messages))
        last = messages[-1]
        if isinstance(last, ToolMessage):
            reply = AIMessage(f"Forecast: {last.text}")
        else:
            n = len(self.calls)
            city = last.text.rsplit(" ", 1)[-1].rstrip("?")
            call = {"name": "get_weather", "args": {"city": city}, "id": f"call-{n}"}
            reply = AIMessage("", tool_calls=[call])
        return ChatResult(generations=[ChatGeneration(message=reply)])


@tool
def get_weather(city: str) -> str:
    """Today's weather in a city."""
    return f"snow in {city}"


@pytest.fixture
def memory(tmp_path: Path) -> Iterator[ScriptedMemory]:
    with ScriptedMemory(tmp_path) as memory:
        yield memory


@pytest.fixture
def model() -> ScriptedToolModel:
    return ScriptedToolModel()


def make_agent(model: ScriptedToolModel, middleware: GraphMemoryMiddleware, **kwargs: Any) -> Any:
    kwargs.setdefault("checkpointer", InMemorySaver())
    return create_agent(model, tools=[get_weather], middleware=[middleware], **kwargs)


async def run(agent: Any, mode: str, payload: dict[str, Any], config: dict[str, Any]) -> Any:
    if mode == "sync":
        return await asyncio.to_thread(agent.invoke, payload, config)
    return await agent.ainvoke(payload, config)


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_two_turns_are_recorded_once_with_tool_calls_intact(
    memory: ScriptedMemory, model: ScriptedToolModel, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    appends: list[int] = []
    store = memory.session_store
    original = store.aappend

    async def counting_aappend(user_id: str, session_id: str, messages: Any, **kwargs: Any) -> int:
        appends.append(len(messages))
        return await original(user_id, session_id, messages, **kwargs)

    monkeypatch.setattr(store, "aappend", counting_aappend)
    agent = make_agent(model, GraphMemoryMiddleware(memory))
    config = {"configurable": {"thread_id": "thread-1"}}
    await run(agent, mode, {"messages": [HumanMessage("Weather in Oslo?")]}, config)
    state = await run(agent, mode, {"messages": [HumanMessage("Weather in Rome?")]}, config)

    assert appends == [4, 4]  # one atomic append per turn
    stored = memory.session("thread-1")
    assert [type(m) for m in stored] == [HumanMessage, AIMessage, ToolMessage, AIMessage] * 2
    # the session is the agent's conversation, message for message, ids and tool calls included
    assert [without_context_ids(m) for m in stored] == [
        message_to_dict(m) for m in state["messages"]
    ]
    assert stored[1].tool_calls[0]["args"] == {"city": "Oslo"}  # type: ignore[attr-defined]
    assert stored[2].tool_call_id == stored[1].tool_calls[0]["id"]  # type: ignore[attr-defined]
    assert stored[6].text == "snow in Rome"
    assert stored[7].text == "Forecast: snow in Rome"
    # the final answers keep the ids of the memories they were given; nothing else does
    assert [m.response_metadata.get("context_ids") for m in stored] == [
        None,
        None,
        None,
        ["fact-1", "chunk-7"],
    ] * 2


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_memories_reach_every_model_call_but_are_never_recorded(
    memory: ScriptedMemory, model: ScriptedToolModel, mode: str
) -> None:
    agent = make_agent(model, GraphMemoryMiddleware(memory), system_prompt="Be brief.")
    config = {"configurable": {"thread_id": "t"}}
    await run(agent, mode, {"messages": [HumanMessage("Weather in Oslo?")]}, config)
    state = await run(agent, mode, {"messages": [HumanMessage("Weather in Rome?")]}, config)

    assert len(model.calls) == 4  # tool call + final answer, per turn
    for call in model.calls:
        system = call[0]
        assert isinstance(system, SystemMessage)
        assert system.text.startswith("Be brief.\n\n<memory>\n")
        assert "- [fact] Ada Lovelace leads Acme Corp.\n" in system.text
        assert "- [chunk] Acme Corp builds the Starship engine. It ships in 2027.\n" in system.text
        assert sum(isinstance(m, SystemMessage) for m in call) == 1
    # recalled once per user message, not once per model call
    assert [s["query"] for s in memory.searches] == ["Weather in Oslo?", "Weather in Rome?"]
    for messages in (state["messages"], memory.session("t")):
        assert not any("<memory>" in m.text for m in messages)
        assert not any(isinstance(m, SystemMessage) for m in messages)


def test_memory_budget_bounds_what_is_injected(
    memory: ScriptedMemory, model: ScriptedToolModel
) -> None:
    agent = make_agent(model, GraphMemoryMiddleware(memory, max_context_tokens=10, top_k=3))
    agent.invoke(
        {"messages": [HumanMessage("Weather in Oslo?")]}, {"configurable": {"thread_id": "t"}}
    )
    system = model.calls[0][0].text
    assert "Ada Lovelace" in system
    assert "Starship" not in system  # the second memory does not fit in 40 characters
    assert memory.searches[0]["top_k"] == 3
    # the answer keeps only the memories it was shown
    assert memory.session("t")[-1].response_metadata["context_ids"] == ["fact-1"]


def test_no_memories_means_no_memory_block(tmp_path: Path, model: ScriptedToolModel) -> None:
    with ScriptedMemory(tmp_path, documents=[]) as memory:
        agent = make_agent(model, GraphMemoryMiddleware(memory))
        agent.invoke(
            {"messages": [HumanMessage("Weather in Oslo?")]}, {"configurable": {"thread_id": "t"}}
        )
        assert not any(isinstance(m, SystemMessage) for m in model.calls[0])
        assert "context_ids" not in memory.session("t")[-1].response_metadata


def test_recall_off_searches_nothing_and_still_records(
    memory: ScriptedMemory, model: ScriptedToolModel
) -> None:
    agent = make_agent(model, GraphMemoryMiddleware(memory, recall=False))
    agent.invoke(
        {"messages": [HumanMessage("Weather in Oslo?")]}, {"configurable": {"thread_id": "t"}}
    )
    assert memory.searches == []
    assert not any(isinstance(m, SystemMessage) for m in model.calls[0])
    assert len(memory.session("t")) == 4


def test_session_comes_from_config_then_context_then_constructor(
    memory: ScriptedMemory, model: ScriptedToolModel
) -> None:
    middleware = GraphMemoryMiddleware(memory, session_id="fallback")
    agent = make_agent(model, middleware)
    ask = {"messages": [HumanMessage("Weather in Oslo?")]}
    agent.invoke(ask, {"configurable": {"thread_id": "thread"}})
    agent.invoke(ask, {"configurable": {"thread_id": "thread2", "session_id": "explicit"}})
    agent.invoke(ask, {"configurable": {"thread_id": "thread3"}}, context={"session_id": "ctx"})
    make_agent(model, middleware, checkpointer=None).invoke(ask)
    for session in ("thread", "explicit", "ctx", "fallback"):
        assert len(memory.session(session)) == 4, session
    assert memory.session("thread2") == memory.session("thread3") == []


def test_user_from_context_owns_the_session(
    memory: ScriptedMemory, model: ScriptedToolModel
) -> None:
    alice = User(id="alice")
    agent = make_agent(model, GraphMemoryMiddleware(memory))
    agent.invoke(
        {"messages": [HumanMessage("Weather in Oslo?")]},
        {"configurable": {"thread_id": "t"}},
        context={"user": alice},
    )
    assert len(memory.session("t", alice)) == 4
    assert memory.session("t") == []
    assert memory.searches[0]["user"] == alice


def test_without_a_checkpointer_resent_history_is_not_recorded_twice(
    memory: ScriptedMemory, model: ScriptedToolModel
) -> None:
    agent = make_agent(model, GraphMemoryMiddleware(memory, session_id="s"), checkpointer=None)
    state = agent.invoke({"messages": [HumanMessage("Weather in Oslo?")]})
    state = agent.invoke({"messages": [*state["messages"], HumanMessage("Weather in Rome?")]})
    assert [m.id for m in memory.session("s")] == [m.id for m in state["messages"]]


def test_no_session_fails_before_the_model_is_called(
    memory: ScriptedMemory, model: ScriptedToolModel
) -> None:
    agent = make_agent(model, GraphMemoryMiddleware(memory), checkpointer=None)
    with pytest.raises(InvalidInputError, match="thread_id"):
        agent.invoke({"messages": [HumanMessage("Weather in Oslo?")]})
    assert model.calls == []


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_improve_every_n_turns_in_the_background(
    memory: ScriptedMemory, model: ScriptedToolModel, mode: str
) -> None:
    middleware = GraphMemoryMiddleware(memory, improve_every_n_turns=2, dataset="notes")
    agent = make_agent(model, middleware)
    config = {"configurable": {"thread_id": "t"}}
    for n in range(1, 6):
        await run(agent, mode, {"messages": [HumanMessage(f"Weather in City{n}?")]}, config)
        if mode == "sync":
            middleware.drain()
        else:
            await middleware.adrain()
        assert len(memory.improves) == n // 2
    assert memory.improves[0] == {
        "dataset": "notes",
        "session_ids": ["t"],
        "user": memory.user,
        "run_in_background": True,
    }


def test_improve_at_end_runs_after_every_run(
    memory: ScriptedMemory, model: ScriptedToolModel
) -> None:
    middleware = GraphMemoryMiddleware(memory, improve_at_end=True)
    agent = make_agent(model, middleware)
    for n in range(3):
        agent.invoke(
            {"messages": [HumanMessage(f"Weather in C{n}?")]}, {"configurable": {"thread_id": "t"}}
        )
        middleware.drain()
    assert len(memory.improves) == 3


def test_failed_background_improve_is_logged_and_the_agent_goes_on(
    memory: ScriptedMemory, model: ScriptedToolModel, caplog: pytest.LogCaptureFixture
) -> None:
    memory.improve_error = NoGraphDataError("main_dataset")
    middleware = GraphMemoryMiddleware(memory, improve_at_end=True)
    agent = make_agent(model, middleware)
    with caplog.at_level(logging.WARNING, logger="cognee_langchain.middleware"):
        state = agent.invoke(
            {"messages": [HumanMessage("Weather in Oslo?")]}, {"configurable": {"thread_id": "t"}}
        )
        middleware.drain()
    assert state["messages"][-1].text == "Forecast: snow in Oslo"
    assert len(memory.session("t")) == 4
    assert "Background improve of session 't'" in caplog.text
    assert "NoGraphDataError" in caplog.text


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"top_k": 0}, "top_k"),
        ({"max_context_tokens": 0}, "max_context_tokens"),
        ({"improve_every_n_turns": 0}, "improve_every_n_turns"),
        ({"session_id": "bad\nid"}, "session_id"),
        ({"dataset": ""}, "dataset"),
        ({"user": "alice"}, "User"),
    ],
)
def test_bad_settings_are_input_errors(
    memory: ScriptedMemory, kwargs: dict[str, Any], match: str
) -> None:
    with pytest.raises(InvalidInputError, match=match):
        GraphMemoryMiddleware(memory, **kwargs)


def test_an_old_langchain_names_the_upgrade(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "langchain.agents.middleware.types", None)
    monkeypatch.delitem(sys.modules, "cognee_langchain.middleware")
    with pytest.raises(ImportError, match=r"pip install -U 'langchain>=1.0'"):
        importlib.import_module("cognee_langchain.middleware")


def test_background_improve_persists_the_recorded_turns_into_the_graph(
    tmp_path: Path, model: ScriptedToolModel
) -> None:
    """The recorded format is what the persist-sessions pipeline reads: whole agent turns."""

    class Memory(ScriptedMemory):
        aimprove = GraphMemory.aimprove  # the real pipeline; only retrieval stays scripted

    with Memory(
        tmp_path, extractor=PatternExtractor(TYPES), embeddings=BagOfWordsEmbeddings()
    ) as memory:
        memory.remember("Alice Johnson leads Acme Corp.")
        middleware = GraphMemoryMiddleware(memory, improve_every_n_turns=2)
        agent = make_agent(model, middleware)
        for city in ("Oslo", "Rome"):
            agent.invoke(
                {"messages": [HumanMessage(f"Weather in {city}?")]},
                {"configurable": {"thread_id": "t"}},
            )
        middleware.drain()
        assert memory.session_store.get_watermark(memory.user.id, "t", "main_dataset") == 8
        stats = memory.stats("main_dataset").datasets["main_dataset"]
        assert stats.node_sets["user_sessions_from_cache"].documents == 1


def test_an_over_long_message_is_searched_by_its_beginning_and_end(
    tmp_path: Path, model: ScriptedToolModel
) -> None:
    """A pasted document in a chat goes on to the model; memory is searched by what fits."""
    message = "Weather in Oslo? " + "pasted log line. " * 100 + "Weather in Oslo?"
    with ScriptedMemory(tmp_path, limits=Limits(max_query_chars=60)) as memory:
        agent = make_agent(model, GraphMemoryMiddleware(memory))
        agent.invoke({"messages": [HumanMessage(message)]}, {"configurable": {"thread_id": "t"}})
        (search,) = memory.searches
        assert len(search["query"]) <= 60
        assert search["query"].startswith("Weather in Oslo?")
        assert search["query"].endswith("Weather in Oslo?")
        assert memory.session("t")[0].text == message  # the turn itself is kept whole
