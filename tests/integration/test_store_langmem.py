"""LangMem's memory tools and ``create_agent(store=...)`` on :class:`GraphMemoryStore`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from langchain.agents import create_agent
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, ToolMessage

from cognee_langchain import GraphMemory

langmem = pytest.importorskip("langmem", reason="langmem is in the 'test' / 'langmem' extras")


def test_langmem_manage_and_search_tools_work_on_the_store(tmp_path: Path) -> None:
    with GraphMemory(tmp_path) as memory:
        store = memory.as_store()
        manage = langmem.create_manage_memory_tool(namespace=("memories", "alice"), store=store)
        search = langmem.create_search_memory_tool(namespace=("memories", "alice"), store=store)
        manage.invoke({"content": "Alice prefers green tea over coffee", "action": "create"})
        manage.invoke({"content": "Alice's team ships rockets on Fridays", "action": "create"})
        found = search.invoke({"query": "what does Alice drink?"})
        assert "green tea" in str(found)
        (tea,) = [
            i for i in store.search(("memories", "alice")) if "green tea" in i.value["content"]
        ]
        manage.invoke({"content": "Alice now drinks cocoa", "action": "update", "id": tea.key})
        assert (
            store.get(("memories", "alice"), tea.key).value["content"] == "Alice now drinks cocoa"
        )  # type: ignore[union-attr]
        texts = [d.page_content for d in memory.search("green tea", datasets=["langgraph_store"])]
        assert not any("green tea" in t for t in texts)  # the replaced memory is gone
        manage.invoke({"action": "delete", "id": tea.key})
        assert store.get(("memories", "alice"), tea.key) is None


class _ScriptedModel(GenericFakeChatModel):
    """Replies with the scripted messages in order, whatever tools it is bound to."""

    def bind_tools(self, tools: Any, **kwargs: Any) -> _ScriptedModel:  # type: ignore[override]
        return self


def _call(name: str, args: dict[str, Any], call_id: str) -> AIMessage:
    return AIMessage("", tool_calls=[{"name": name, "args": args, "id": call_id}])


def test_create_agent_with_the_store_writes_and_searches_memories(tmp_path: Path) -> None:
    namespace = ("memories", "alice")
    script = [
        _call("manage_memory", {"content": "Alice prefers green tea", "action": "create"}, "c1"),
        AIMessage("Noted."),
        _call("search_memory", {"query": "What does Alice drink?"}, "c2"),
        AIMessage("Green tea."),
    ]
    with GraphMemory(tmp_path) as memory:
        agent = create_agent(
            _ScriptedModel(messages=iter(script)),
            tools=[
                langmem.create_manage_memory_tool(namespace),
                langmem.create_search_memory_tool(namespace),
            ],
            store=memory.as_store(),
        )
        agent.invoke({"messages": [{"role": "user", "content": "Remember: I prefer green tea"}]})
        (item,) = memory.as_store().search(namespace)
        assert item.value["content"] == "Alice prefers green tea"
        reply = agent.invoke({"messages": [{"role": "user", "content": "What do I drink?"}]})
        searched = [m for m in reply["messages"] if isinstance(m, ToolMessage)]
        assert "Alice prefers green tea" in searched[-1].text


def test_create_agent_given_the_memory_itself_names_as_store(tmp_path: Path) -> None:
    script = [_call("manage_memory", {"content": "x", "action": "create"}, "c1")]
    with GraphMemory(tmp_path) as memory:
        agent = create_agent(
            _ScriptedModel(messages=iter(script)),
            tools=[langmem.create_manage_memory_tool(("memories",))],
            store=memory,  # type: ignore[arg-type]
        )
        with pytest.raises(AttributeError, match=r"memory\.as_store\(\)"):
            agent.invoke({"messages": [{"role": "user", "content": "Remember x"}]})
