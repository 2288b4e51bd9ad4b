"""A LangGraph workflow with memory nodes: recall -> answer -> persist.

``make_recall_node`` puts the memories for the latest user message into the state;
``make_persist_node`` (deferred, so it runs after the turn) records the thread into the session
cache and persists it into the knowledge graph. The next thread then knows what was said.

Offline by default (a stand-in chat model); set OPENAI_API_KEY to use ChatOpenAI.

    python examples/langgraph_workflow.py
"""

from __future__ import annotations

import tempfile
from typing import Any

from _models import chat_model
from langchain_core.messages import HumanMessage, SystemMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import END, START, StateGraph

from cognee_langchain import GraphMemory
from cognee_langchain.nodes import MemoryState, make_persist_node, make_recall_node
from cognee_langchain.tools import format_memories


def main() -> None:
    memory = GraphMemory(tempfile.mkdtemp(prefix="cognee_langchain_graph_"))
    memory.remember("Orbit is a robot platform. Acme Robotics builds robots on Orbit.")
    model = chat_model()

    def answer(state: MemoryState) -> dict[str, Any]:
        context = format_memories(state.get("memory_context") or [])
        reply = model.invoke([SystemMessage(f"Memory:\n{context}"), *state["messages"]])
        return {"messages": [reply]}

    recall = make_recall_node(memory)
    persist = make_persist_node(memory)
    builder = StateGraph(MemoryState)
    builder.add_node("recall", recall)
    builder.add_node("answer", answer)
    builder.add_node("persist", persist, defer=True)
    builder.add_edge(START, "recall")
    builder.add_edge("recall", "answer")
    builder.add_edge("answer", "persist")
    builder.add_edge("persist", END)
    graph = builder.compile(checkpointer=InMemorySaver())

    for thread, text in [
        ("thread-1", "Lena Park leads the Orbit team at Acme Robotics."),
        ("thread-2", "Who leads the Orbit team?"),
    ]:
        config = {"configurable": {"thread_id": thread}}
        state = graph.invoke({"messages": [HumanMessage(text)]}, config)
        print(f"[{thread}] user: {text}\n[{thread}] assistant: {state['messages'][-1].text}")
    memory.close()


if __name__ == "__main__":
    main()
