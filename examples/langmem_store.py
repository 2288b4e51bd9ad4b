"""LangMem's memory tools and ``create_agent(store=...)`` on graph memory (offline by default).

Run: ``python examples/langmem_store.py`` (needs ``pip install "cognee-langchain[langmem]"``).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from langchain.agents import create_agent
from langmem import create_manage_memory_tool, create_search_memory_tool

sys.path.insert(0, str(Path(__file__).parent))
from _models import chat_model

from cognee_langchain import GraphMemory

with tempfile.TemporaryDirectory() as data_dir, GraphMemory(data_dir) as memory:
    store = memory.as_store()  # dataset "langgraph_store"; namespaces kept per item
    namespace = ("memories", "alice")
    manage = create_manage_memory_tool(namespace=namespace, store=store)
    search = create_search_memory_tool(namespace=namespace, store=store)

    print(manage.invoke({"content": "Alice prefers green tea over coffee", "action": "create"}))
    print(manage.invoke({"content": "Alice's team ships rockets on Fridays", "action": "create"}))
    for item in store.search(namespace, query="What does Alice drink?", limit=1):
        print(f"best match: {item.value['content']!r} (score {item.score:.2f})")

    # The same tools inside an agent: without store=... they use the agent's store.
    agent = create_agent(
        chat_model(),
        tools=[create_manage_memory_tool(namespace), create_search_memory_tool(namespace)],
        store=memory.as_store(),
    )
    reply = agent.invoke({"messages": [{"role": "user", "content": "Hello!"}]})
    print("agent:", reply["messages"][-1].text)
    print("namespaces in the store:", store.list_namespaces())
