"""A short chat whose history lives in the session cache: offline, no server, no API key.

A fake chat model answers; ``SessionChatMessageHistory`` keeps every turn in an embedded SQLite
session store (in a temporary directory here; by default ``./.cognee_langchain/``). Each turn is
one atomic append, and the model sees the earlier turns read back from the store.

Run it with:  .venv/bin/python examples/session_cache.py
Swap in ``RedisSessionStore("redis://127.0.0.1:6379/0")`` to keep sessions in Redis instead.
"""

from __future__ import annotations

import datetime
import tempfile
from pathlib import Path

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from cognee_langchain.chat_message_histories import SessionChatMessageHistory
from cognee_langchain.sessions import SQLiteSessionStore

QUESTIONS = ["Who leads Acme?", "What does Acme build?", "Since when does she lead it?"]
ANSWERS = ["Ada Lovelace leads Acme.", "Acme builds reusable rockets.", "Since 2021."]


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        store = SQLiteSessionStore(Path(directory) / "sessions.sqlite", max_messages=100)
        history = SessionChatMessageHistory("demo_session", user_id="ada", store=store)
        model = GenericFakeChatModel(messages=iter(ANSWERS))

        for question in QUESTIONS:
            earlier = history.messages  # read back from the store
            system = SystemMessage("You answer questions about Acme.")
            answer = model.invoke([system, *earlier, HumanMessage(question)])
            history.add_messages([HumanMessage(question), answer])  # one atomic append
            print(f"user> {question}\nbot>  {answer.content}  ({len(earlier)} earlier messages)")

        print("\nStored session 'demo_session':")
        for item in store.read("ada", "demo_session").items:
            when = datetime.datetime.fromtimestamp(item.timestamp).strftime("%H:%M:%S.%f")
            print(f"  #{item.seq} {when} {item.message.type:>5}: {item.message.content}")
        for info in store.list_sessions("ada"):
            print(f"Session index: {info.session_id!r}, {info.message_count} messages")
        store.close()


if __name__ == "__main__":
    main()
