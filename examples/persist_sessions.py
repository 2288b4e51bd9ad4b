"""Persist cached sessions into the knowledge graph — cognee's guide, on LangChain, offline.

1. remember: a text becomes a knowledge graph.
2. recall with a session_id: two questions; each Q&A is cached in the session "demo_session".
3. get_default_user() and persist_sessions_in_knowledge_graph_pipeline(): the cached Q&A is
   written into the graph under the node set "user_sessions_from_cache".
4. search: knowledge that exists only in the session is now found in the graph, with its
   provenance.

Runs with no API key and no server (embedded SQLite stores, offline extractor and embeddings).
Set OPENAI_API_KEY to use a real chat model for extraction and answers instead.

    python examples/persist_sessions.py
"""

from __future__ import annotations

import asyncio
import os
import tempfile

from langchain_core.messages import AIMessage, HumanMessage

from cognee_langchain import (
    GraphMemory,
    SessionChatMessageHistory,
    get_default_user,
    persist_sessions_in_knowledge_graph_pipeline,
)

TEXT = """
Acme Robotics is a company based in Berlin. Alice Keller leads Acme Robotics as its CEO.
Acme Robotics builds warehouse robots called Pickers. The Pickers run on the Orbit platform,
which Bob Tanaka designed in 2021.
"""


def chat_model() -> object | None:
    """A real chat model when OPENAI_API_KEY is set, else None (offline)."""
    if not os.environ.get("OPENAI_API_KEY"):
        return None
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(model=os.environ.get("OPENAI_MODEL", "gpt-4o-mini"), max_retries=0)


async def main() -> None:
    data_dir = tempfile.mkdtemp(prefix="cognee_langchain_demo_")
    memory = GraphMemory(data_dir, llm=chat_model())  # type: ignore[arg-type]

    # 1. remember: text -> chunks -> entities and relations -> graph
    added = await memory.aremember(TEXT, dataset="main_dataset")
    print(f"remember: {added.entities_added} entities, {added.relations_added} relations")

    # 2. recall with a session_id: each Q&A is cached in the session
    for question in ("Who leads Acme Robotics?", "What does Acme Robotics build?"):
        result = await memory.arecall(question, session_id="demo_session")
        print(f"recall:   {question}\n          -> {result.answer}")

    # An agent using the session as its chat history adds knowledge the graph never saw.
    history = SessionChatMessageHistory("demo_session", store=memory.session_store)
    await history.aadd_messages(
        [
            HumanMessage("Note that Carol Diaz joined Acme Robotics as CTO in March 2025."),
            AIMessage("Noted: Carol Diaz is the CTO of Acme Robotics since March 2025."),
        ]
    )

    # 3. persist the cached sessions into the knowledge graph
    user = await get_default_user()
    persisted = await persist_sessions_in_knowledge_graph_pipeline(
        user, ["demo_session"], dataset="main_dataset", memory=memory
    )
    print(f"persist:  {persisted.message}")  # type: ignore[union-attr]
    # or, user-facing: await memory.aimprove(dataset="main_dataset", session_ids=["demo_session"])

    # 4. what only the session said is now in the graph, under user_sessions_from_cache
    for doc in await memory.asearch(
        "Who is the CTO of Acme Robotics?", node_sets=["user_sessions_from_cache"], top_k=3
    ):
        meta = doc.metadata
        print(
            f"search:   [{meta['type']}] {doc.page_content[:80]!r}\n"
            f"          node_set={meta['node_set']} session_id={meta.get('session_id')}"
        )

    stats = await memory.astats()
    print(f"graph:    {stats.entities} entities, {stats.relations} relations in {data_dir}")
    await memory.aclose()


if __name__ == "__main__":
    asyncio.run(main())
