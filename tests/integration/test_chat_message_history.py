"""SessionChatMessageHistory by hand and inside RunnableWithMessageHistory, on every store."""

from __future__ import annotations

import warnings
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.prompt_values import PromptValue
from langchain_core.prompts import ChatPromptTemplate, MessagesPlaceholder
from langchain_core.runnables import RunnableLambda
from langchain_core.runnables.history import RunnableWithMessageHistory

from cognee_langchain.chat_message_histories import SessionChatMessageHistory
from cognee_langchain.errors import InvalidInputError
from cognee_langchain.sessions import SessionStore, SQLiteSessionStore
from cognee_langchain.sessions.sqlite import DEFAULT_SQLITE_PATH
from cognee_langchain.users import DEFAULT_USER_ID
from tests.integration import test_session_stores as store_suite

# The store suite's fixtures: every test here runs on each backend (SQLite file, real Redis).
make_store = store_suite.make_store
store = store_suite.store


def record_calls(
    monkeypatch: pytest.MonkeyPatch, target: SessionStore, names: list[str]
) -> list[str]:
    """Record which of ``target``'s methods are called, in order."""
    calls: list[str] = []
    for name in names:
        original = getattr(target, name)

        def spy(*args: Any, _name: str = name, _original: Any = original, **kwargs: Any) -> Any:
            calls.append(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(target, name, spy)
    return calls


def test_by_hand(store: SessionStore) -> None:
    history = SessionChatMessageHistory("chat", user_id="alice", store=store)
    assert history.messages == []
    history.add_user_message("Who leads Acme?")
    history.add_ai_message("Ada Lovelace.")
    history.add_messages([HumanMessage("Since when?"), AIMessage("Since 2021.", id="a-2")])
    assert history.messages == [
        HumanMessage("Who leads Acme?"),
        AIMessage("Ada Lovelace."),
        HumanMessage("Since when?"),
        AIMessage("Since 2021.", id="a-2"),
    ]
    assert "Human: Since when?" in str(history)
    history.clear()
    assert history.messages == []
    assert store.list_sessions("alice") == []


def test_histories_of_two_users_with_one_session_id_are_isolated(store: SessionStore) -> None:
    alice = SessionChatMessageHistory("chat", user_id="alice", store=store)
    bob = SessionChatMessageHistory("chat", user_id="bob", store=store)
    alice.add_user_message("alice's secret")
    bob.add_user_message("bob's note")
    assert alice.messages == [HumanMessage("alice's secret")]
    bob.clear()
    assert alice.messages == [HumanMessage("alice's secret")]


def test_add_messages_is_one_append(store: SessionStore, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = record_calls(monkeypatch, store, ["append"])
    history = SessionChatMessageHistory("chat", store=store)
    history.add_messages([HumanMessage("a"), AIMessage("b"), HumanMessage("c")])
    history.add_message(AIMessage("d"))
    assert calls == ["append", "append"]
    assert [m.content for m in history.messages] == ["a", "b", "c", "d"]


async def test_adding_messages_with_ids_again_stores_them_once(store: SessionStore) -> None:
    """A retry after an unconfirmed write re-adds the same messages: with ids, they land once."""
    history = SessionChatMessageHistory("chat", store=store)
    turn = [HumanMessage("Who leads Acme?", id="q-1"), AIMessage("Ada.", id="a-1")]
    history.add_messages(turn)
    history.add_messages(turn)
    await history.aadd_messages(turn)
    assert history.messages == turn
    history.add_messages([HumanMessage("yes"), AIMessage("ok", id="a-2")])  # one without an id
    history.add_messages([HumanMessage("yes"), AIMessage("ok", id="a-2")])
    assert [m.text for m in history.messages] == ["Who leads Acme?", "Ada.", *["yes", "ok"] * 2]


async def test_async_methods_use_the_store_async_twins(
    store: SessionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = record_calls(monkeypatch, store, ["aappend", "aread", "adelete"])
    history = SessionChatMessageHistory("chat", store=store)
    await history.aadd_messages([HumanMessage("q"), AIMessage("a")])
    assert await history.aget_messages() == [HumanMessage("q"), AIMessage("a")]
    await history.aclear()
    assert await history.aget_messages() == []
    assert calls == ["aappend", "aread", "adelete", "aread"]
    await store.aclose()


@pytest.mark.parametrize("bad", ["", "a\nb", "x" * 10_000, None, 42])
def test_unusable_ids_are_refused_at_construction(bad: Any) -> None:
    with pytest.raises(InvalidInputError):
        SessionChatMessageHistory(bad)
    with pytest.raises(InvalidInputError):
        SessionChatMessageHistory("chat", user_id=bad if bad is not None else "")


def test_a_store_of_the_wrong_type_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="SessionStore"):
        SessionChatMessageHistory("chat", store="redis://localhost")  # type: ignore[arg-type]


def test_defaults_are_the_default_user_and_the_shared_embedded_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    first = SessionChatMessageHistory("chat")
    second = SessionChatMessageHistory("other")
    assert first.user_id == DEFAULT_USER_ID
    assert not (tmp_path / DEFAULT_SQLITE_PATH).exists()  # opened lazily, on first use
    first.add_user_message("hello")
    try:
        assert (tmp_path / DEFAULT_SQLITE_PATH).exists()
        assert second.store is first.store
        assert isinstance(first.store, SQLiteSessionStore)
        assert first.store.read(DEFAULT_USER_ID, "chat").messages == [HumanMessage("hello")]
        first.store.close()  # someone else closes the shared store: the histories reopen it
        second.add_user_message("still here")
        assert first.messages == [HumanMessage("hello")]
        assert "SQLiteSessionStore.shared(" in repr(first)
    finally:
        first.store.close()


def test_using_the_history_emits_no_deprecation_warning(store: SessionStore) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = SessionChatMessageHistory("chat", store=store)
        history.add_user_message("hi")
        assert history.messages == [HumanMessage("hi")]
    assert [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)] == []


# -- RunnableWithMessageHistory ---------------------------------------------------------------
def chain_with_history(
    store: SessionStore, seen: list[list[BaseMessage]]
) -> RunnableWithMessageHistory:
    prompt = ChatPromptTemplate.from_messages(
        [
            ("system", "You answer questions about Acme."),
            MessagesPlaceholder("history"),
            ("human", "{question}"),
        ]
    )

    def remember_prompt(value: PromptValue) -> PromptValue:
        seen.append(value.to_messages())
        return value

    model = GenericFakeChatModel(messages=iter(["Ada leads Acme.", "Rockets."]))
    return RunnableWithMessageHistory(
        prompt | RunnableLambda(remember_prompt) | model,
        lambda session_id: SessionChatMessageHistory(session_id, user_id="u", store=store),
        input_messages_key="question",
        history_messages_key="history",
    )


Invoke = Callable[[RunnableWithMessageHistory, dict[str, str], Any], Awaitable[Any]]


async def run_sync(chain: RunnableWithMessageHistory, inputs: dict[str, str], config: Any) -> Any:
    return chain.invoke(inputs, config)


async def run_async(chain: RunnableWithMessageHistory, inputs: dict[str, str], config: Any) -> Any:
    return await chain.ainvoke(inputs, config)


@pytest.mark.parametrize("invoke", [run_sync, run_async], ids=["invoke", "ainvoke"])
async def test_runnable_with_message_history_end_to_end(
    store: SessionStore, invoke: Invoke
) -> None:
    seen: list[list[BaseMessage]] = []
    chain = chain_with_history(store, seen)
    config = {"configurable": {"session_id": "demo_session"}}
    first = await invoke(chain, {"question": "Who leads Acme?"}, config)
    second = await invoke(chain, {"question": "What does Acme build?"}, config)
    assert (first.content, second.content) == ("Ada leads Acme.", "Rockets.")
    # The second model call saw the first turn, read back from the store.
    assert seen[1] == [
        SystemMessage("You answer questions about Acme."),
        HumanMessage("Who leads Acme?"),
        first,
        HumanMessage("What does Acme build?"),
    ]
    stored = store.read("u", "demo_session")
    assert stored.messages == [
        HumanMessage("Who leads Acme?"),
        first,
        HumanMessage("What does Acme build?"),
        second,
    ]
    assert [info.session_id for info in store.list_sessions("u")] == ["demo_session"]
    await store.aclose()
