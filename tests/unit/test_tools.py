"""The memory tool (content + artifact, sync and async) and the rendering of memories."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from langchain_core.documents import Document
from langchain_core.messages import ToolMessage
from langchain_core.tools import BaseTool
from pydantic import ValidationError

from cognee_langchain.errors import InvalidInputError
from cognee_langchain.tools import (
    NO_MEMORIES,
    MemoryQuery,
    create_memory_tool,
    fit_memories,
    format_memories,
)
from cognee_langchain.users import User
from tests.unit.test_nodes import DOCS, ScriptedMemory

RENDERED = (
    "- [fact] Ada Lovelace leads Acme Corp.\n"
    "- [chunk] Acme Corp builds the Starship engine. It ships in 2027."
)


@pytest.fixture
def memory(tmp_path: Path) -> Iterator[ScriptedMemory]:
    with ScriptedMemory(tmp_path) as memory:
        yield memory


def _call(query: str) -> dict[str, Any]:
    return {"name": "search_memory", "args": {"query": query}, "id": "call-1", "type": "tool_call"}


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_tool_call_returns_rendered_content_and_documents(
    memory: ScriptedMemory, mode: str
) -> None:
    tool = create_memory_tool(memory)
    assert isinstance(tool, BaseTool)
    assert tool.name == "search_memory"
    assert tool.response_format == "content_and_artifact"
    message = tool.invoke(_call("Acme")) if mode == "sync" else await tool.ainvoke(_call("Acme"))
    assert isinstance(message, ToolMessage)
    assert message.tool_call_id == "call-1"
    assert message.content == RENDERED
    assert message.artifact == DOCS


def test_tool_passes_its_settings_to_the_search(memory: ScriptedMemory) -> None:
    alice = User(id="alice")
    march = datetime(2023, 3, 1, tzinfo=UTC)
    tool = create_memory_tool(
        memory,
        name="recall_facts",
        description="Look up facts.",
        top_k=1,
        datasets=["docs", "notes"],
        search_type="facts",
        user=alice,
        as_of=march,
    )
    assert (tool.name, tool.description) == ("recall_facts", "Look up facts.")
    assert tool.invoke({"query": "Who leads Acme?"}) == "- [fact] Ada Lovelace leads Acme Corp."
    assert memory.searches == [
        {
            "query": "Who leads Acme?",
            "datasets": ["docs", "notes"],
            "search_type": "facts",
            "top_k": 1,
            "user": alice,
            "as_of": march,
        }
    ]


def test_tool_schema_asks_the_model_for_a_query(memory: ScriptedMemory) -> None:
    schema = create_memory_tool(memory).tool_call_schema.model_json_schema()
    assert schema["required"] == ["query"]
    assert schema["properties"]["query"]["type"] == "string"


@pytest.mark.parametrize(
    ("tool_input", "match"),
    [
        ({"query": ""}, "query must be a non-empty string, got ''"),
        ({"query": "   "}, "query must be a non-empty string"),
        ({"query": 5}, "query must be a non-empty string, got int"),
        ({"query": "who \ud800"}, "invalid Unicode"),
        ({}, r"query: Field required.*call it with \{'query'"),
    ],
)
@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_bad_queries_are_input_errors_before_searching(
    memory: ScriptedMemory, tool_input: dict[str, Any], match: str, mode: str
) -> None:
    tool = create_memory_tool(memory)
    with pytest.raises(InvalidInputError, match=match) as raised:
        if mode == "sync":
            tool.invoke(tool_input)
        else:
            await tool.ainvoke(tool_input)
    assert "search_memory" in str(raised.value)  # names the tool the model called
    assert not isinstance(raised.value.__cause__, ValidationError)  # no pydantic noise
    assert memory.searches == []


def test_a_bad_tool_call_is_reported_to_callbacks(memory: ScriptedMemory) -> None:
    """The error goes through the tool's error path, so tracing sees the failed call end."""
    from langchain_core.callbacks import BaseCallbackHandler

    class Errors(BaseCallbackHandler):
        def __init__(self) -> None:
            self.errors: list[BaseException] = []

        def on_tool_error(self, error: BaseException, **kwargs: Any) -> None:
            self.errors.append(error)

    handler = Errors()
    with pytest.raises(InvalidInputError):
        create_memory_tool(memory).invoke({"query": ""}, {"callbacks": [handler]})
    assert [type(error) for error in handler.errors] == [InvalidInputError]


def test_no_memories_says_so(tmp_path: Path) -> None:
    with ScriptedMemory(tmp_path, documents=[]) as memory:
        message = create_memory_tool(memory).invoke(_call("anything"))
    assert (message.content, message.artifact) == (NO_MEMORIES, [])


def test_token_budget_bounds_content_and_artifact(memory: ScriptedMemory) -> None:
    message = create_memory_tool(memory, max_tokens=10).invoke(_call("Acme"))
    assert message.content == "- [fact] Ada Lovelace leads Acme Corp."
    assert message.artifact == DOCS[:1]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"top_k": 0}, "top_k"),
        ({"top_k": 2.5}, "top_k"),
        ({"max_tokens": 0}, "max_tokens"),
        ({"name": " "}, "name"),
        ({"description": ""}, "description"),
    ],
)
def test_bad_settings_are_input_errors(
    memory: ScriptedMemory, kwargs: dict[str, Any], match: str
) -> None:
    with pytest.raises(InvalidInputError, match=match):
        create_memory_tool(memory, **kwargs)


# -- rendering -----------------------------------------------------------------------------------
def test_format_memories_collapses_whitespace_and_skips_empty_documents() -> None:
    documents = [
        Document("  first\n\n line  ", metadata={"type": "chunk"}),
        Document(" \n "),
        Document("no type"),
    ]
    assert format_memories(documents) == "- [chunk] first line\n- no type"
    assert format_memories([]) == ""


def test_best_memory_longer_than_the_budget_is_cut() -> None:
    text = format_memories([Document("word " * 100)], max_tokens=5)
    assert text.endswith("…")
    assert len(text) == 5 * 4 - 1


documents_strategy = st.lists(
    st.builds(
        lambda text, kind: Document(text, metadata={"type": kind} if kind else {}),
        st.text(min_size=0, max_size=80),
        st.sampled_from([None, "fact", "chunk", "summary"]),
    ),
    max_size=12,
)


@settings(max_examples=100, deadline=None)
@given(documents=documents_strategy, max_tokens=st.integers(min_value=1, max_value=200))
def test_fitted_memories_are_a_best_first_prefix_within_budget(
    documents: list[Document], max_tokens: int
) -> None:
    fitted = fit_memories(documents, max_tokens)
    text = format_memories(documents, max_tokens=max_tokens)
    assert len(text) <= max_tokens * 4
    assert text == "\n".join(line for _, line in fitted)
    unlimited = fit_memories(documents)
    # what fits is the start of what would be shown without a budget (the last line may be cut)
    assert [d for d, _ in fitted] == [d for d, _ in unlimited[: len(fitted)]]
    for (_, line), (_, full) in zip(fitted[:-1], unlimited, strict=False):
        assert line == full
    assert "\n" not in "".join(line for _, line in unlimited)


def test_memory_as_tool_is_the_memory_tool(memory: ScriptedMemory) -> None:
    tool = memory.as_tool(name="recall_facts", top_k=2)
    assert tool.name == "recall_facts"
    message = tool.invoke(_call("Acme"))
    assert message.artifact == DOCS[:2]


def test_the_tool_schema_is_accepted_by_openai_strict_mode() -> None:
    """``bind_tools(..., strict=True)`` sends this schema: it must use only the strict subset."""
    from tests.support.llm_server import strict_schema_problems

    assert strict_schema_problems(MemoryQuery.model_json_schema()) == []
