"""An agent with graph memory across sessions: ``create_agent`` + ``GraphMemoryMiddleware``.

Session 1: the user tells the agent where they work and asks for the weather (a tool call).
``improve`` persists the session into the knowledge graph. Session 2 is a new thread: the agent
is asked where the user works and answers from what was said in session 1.

Offline by default (a stand-in chat model); set OPENAI_API_KEY to use ChatOpenAI.

    python examples/agent_memory.py
"""

from __future__ import annotations

import tempfile

from _models import chat_model
from langchain.agents import create_agent
from langchain_core.messages import HumanMessage
from langchain_core.tools import tool
from langgraph.checkpoint.memory import InMemorySaver

from cognee_langchain import GraphMemory
from cognee_langchain.middleware import GraphMemoryMiddleware


@tool
def get_weather(city: str) -> str:
    """Today's weather in a city."""
    return f"light snow in {city}, -2 C"


def ask(agent: object, text: str, session_id: str) -> str:
    config = {"configurable": {"thread_id": session_id}}
    state = agent.invoke({"messages": [HumanMessage(text)]}, config)  # type: ignore[attr-defined]
    answer: str = state["messages"][-1].text
    print(f"[{session_id}] user: {text}\n[{session_id}] agent: {answer}")
    return answer


def main() -> None:
    memory = GraphMemory(tempfile.mkdtemp(prefix="cognee_langchain_agent_"))
    memory.remember("Acme Robotics is a company in Berlin that builds warehouse robots.")
    agent = create_agent(
        chat_model(),
        [get_weather],
        middleware=[GraphMemoryMiddleware(memory)],
        checkpointer=InMemorySaver(),
    )

    ask(agent, "Hi! My name is Dana Reyes. Dana Reyes works at Acme Robotics.", "session-1")
    ask(agent, "What is the weather in Berlin?", "session-1")
    recorded = memory.session_store.read(memory.user.id, "session-1").messages
    print(f"session-1 holds {len(recorded)} messages, tool calls included")

    result = memory.improve(session_ids=["session-1"])
    print(f"improve: {result.message}")  # type: ignore[union-attr]

    answer = ask(agent, "Where does Dana Reyes work?", "session-2")
    assert "Acme" in answer, answer
    memory.close()


if __name__ == "__main__":
    main()
