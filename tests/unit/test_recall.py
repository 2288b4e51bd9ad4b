"""GraphMemory.recall: extractive and model answers, the session write (two messages, context
ids), follow-up resolution, failures that leave the session untouched, bad input."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.documents import Document
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import Field

from cognee_langchain.chat_message_histories import SessionChatMessageHistory
from cognee_langchain.core.defaults import Limits
from cognee_langchain.embeddings import WordLlamaEmbeddings
from cognee_langchain.errors import ExtractionError, InvalidInputError, SessionWriteUnknownError
from cognee_langchain.extraction.offline import OfflineGraphExtractor
from cognee_langchain.memory import GraphMemory
from cognee_langchain.prompts.answer import ANSWER_SYSTEM_PROMPT
from cognee_langchain.services.recall import (
    NO_CONTEXT_ANSWER,
    arecent_turns,
    expand_follow_up,
    extractive_answer,
)
from cognee_langchain.services.recording import recording_key
from cognee_langchain.services.rendering import split_entries
from cognee_langchain.users import User

ACME = "Alice Johnson leads Acme Corp. Acme Corp builds reusable rockets."
BORN = "Alice Johnson was born in Denver."
GLOBEX = "Bob Smith founded Globex in 2019. Globex sells accounting software."
PARIS = "Bob Smith was born in Paris."


class RecordingChatModel(BaseChatModel):
    """Answers every call with ``reply`` (or raises it) and records the messages it got."""

    reply: Any = "Alice Johnson leads Acme Corp [1]."
    calls: list[list[BaseMessage]] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "recording"

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        self.calls.append(list(messages))
        if isinstance(self.reply, Exception):
            raise self.reply
        return ChatResult(generations=[ChatGeneration(message=AIMessage(self.reply))])


@pytest.fixture(scope="module")
def embeddings() -> WordLlamaEmbeddings:
    return WordLlamaEmbeddings()


def make_memory(path: Path, embeddings: WordLlamaEmbeddings, **kwargs: Any) -> GraphMemory:
    memory = GraphMemory(path, embeddings=embeddings, extractor=OfflineGraphExtractor(), **kwargs)
    memory.remember([ACME, BORN, GLOBEX, PARIS])
    return memory


@pytest.fixture
def memory(tmp_path: Path, embeddings: WordLlamaEmbeddings) -> GraphMemory:
    return make_memory(tmp_path, embeddings)


def stored(memory: GraphMemory, session_id: str, user: User | None = None) -> list[BaseMessage]:
    return memory.session_store.read((user or memory.user).id, session_id).messages


# -- answers and the session write ----------------------------------------------------------------
def test_recall_without_a_model_answers_from_the_best_sentences(memory: GraphMemory) -> None:
    result = memory.recall("Who leads Acme Corp?")

    assert result.answer == "Alice Johnson leads Acme Corp."
    assert result.context[0].page_content == ACME
    assert result.session_id is None and result.search_query == "Who leads Acme Corp?"
    assert memory.session_store.list_sessions(memory.user.id) == []  # no session, no write


def test_each_recall_appends_exactly_two_messages(memory: GraphMemory) -> None:
    first = memory.recall("Who leads Acme Corp?", session_id="demo")
    second = memory.recall("What does Globex sell?", session_id="demo")

    messages = stored(memory, "demo")
    assert [type(m) for m in messages] == [HumanMessage, AIMessage] * 2
    assert [m.content for m in messages] == [
        "Who leads Acme Corp?",
        first.answer,
        "What does Globex sell?",
        second.answer,
    ]
    for answer, result in ((messages[1], first), (messages[3], second)):
        assert answer.response_metadata == {"context_ids": [d.id for d in result.context]}
    assert len({m.id for m in messages}) == 4 and all(m.id for m in messages)
    history = SessionChatMessageHistory("demo", user_id=memory.user.id, store=memory.session_store)
    assert history.messages == messages


def test_the_persist_pipeline_reads_recall_turns_with_their_context(memory: GraphMemory) -> None:
    result = memory.recall("What does Globex sell?", session_id="demo")

    items = memory.session_store.read(memory.user.id, "demo").items
    (entry,) = split_entries("demo", items)

    assert (entry.question, entry.answer) == ("What does Globex sell?", result.answer)
    assert list(entry.context_ids) == [d.id for d in result.context]


async def test_concurrent_recalls_keep_each_turn_adjacent(memory: GraphMemory) -> None:
    questions = [f"Question {i}: who leads Acme Corp?" for i in range(6)]

    await asyncio.gather(*(memory.arecall(q, session_id="busy") for q in questions))

    messages = stored(memory, "busy")
    assert len(messages) == 12
    for question, answer in zip(messages[::2], messages[1::2], strict=True):
        assert isinstance(question, HumanMessage) and isinstance(answer, AIMessage)
    assert sorted(m.content for m in messages[::2]) == sorted(questions)


def test_sessions_belong_to_their_user(memory: GraphMemory) -> None:
    other = User(id="someone-else")
    memory.recall("Who leads Acme Corp?", session_id="shared-name")

    result = memory.recall("Where was she born?", session_id="shared-name", user=other)

    assert result.search_query == "Where was she born?"  # the other user's session is empty
    assert len(stored(memory, "shared-name")) == 2
    assert len(stored(memory, "shared-name", other)) == 2


# -- follow-up questions -------------------------------------------------------------------------
def test_a_follow_up_is_resolved_with_the_previous_turn(memory: GraphMemory) -> None:
    memory.recall("Who leads Acme Corp?", session_id="demo")

    result = memory.recall("Where was she born?", session_id="demo")

    assert "Alice Johnson" in result.search_query
    assert result.answer == BORN
    assert BORN in [doc.page_content for doc in result.context[:2]]
    alone = memory.recall("Where was she born?")
    assert alone.search_query == "Where was she born?"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # a pronoun: the names of the last turn, the answer's first
        ("Where was she born?", "Where was she born? Alice Johnson Acme Corp"),
        ("What does it build?", "What does it build? Alice Johnson Acme Corp"),
        # elliptical: the previous question
        ("And Globex?", "And Globex? Who leads Acme?"),
        ("What about Bob Smith and Globex?", "What about Bob Smith and Globex? Who leads Acme?"),
        ("Why?", "Why? Who leads Acme?"),
        # a question of its own: unchanged
        ("What does Globex sell?", "What does Globex sell?"),
        ("Who founded Globex in 2019?", "Who founded Globex in 2019?"),
    ],
)
def test_follow_up_rule(query: str, expected: str) -> None:
    turns = [("Who leads Acme?", "Alice Johnson leads Acme Corp.")]
    assert expand_follow_up(query, turns) == expected


def test_follow_up_names_come_from_the_nearest_turn_that_has_any() -> None:
    turns = [("Who founded Globex?", "Bob Smith founded Globex."), ("Really?", "yes, really.")]

    assert expand_follow_up("Where was he born?", turns) == ("Where was he born? Bob Smith Globex")
    assert expand_follow_up("Where was he born?", []) == "Where was he born?"


async def test_recent_turns_are_complete_question_answer_pairs(memory: GraphMemory) -> None:
    store, user = memory.session_store, memory.user.id
    store.append(user, "s", [SystemMessage("be brief"), HumanMessage("q1"), AIMessage("a1")])
    call = AIMessage("", tool_calls=[{"name": "lookup", "args": {}, "id": "t1"}])
    store.append(user, "s", [HumanMessage("q2"), call, ToolMessage("x", tool_call_id="t1")])
    store.append(user, "s", [AIMessage("a2"), HumanMessage("q3")])  # q3 is not answered yet

    assert await arecent_turns(store, user, "s") == [("q1", "a1"), ("q2", "a2")]
    assert await arecent_turns(store, user, "s", limit=1) == [("q2", "a2")]
    assert await arecent_turns(store, user, "missing") == []


# -- extractive answers ----------------------------------------------------------------------------
def doc(text: str) -> Document:
    return Document(page_content=text, id=str(hash(text)), metadata={"type": "chunk"})


def test_extractive_answer_keeps_context_order_and_skips_repeats() -> None:
    context = [
        doc("Alice Johnson leads Acme Corp. The weather was fine."),
        doc("Alice Johnson leads Acme Corp. Alice Johnson leads Acme Corp."),  # a fact
        doc("Acme Corp is based in Denver. Acme Corp was founded in 1999."),
    ]
    question = "Who leads Acme Corp, and where is it based?"

    answer = extractive_answer(question, question, context)

    # "founded in 1999" only names Acme Corp again: it adds nothing the others did not say
    assert answer == ("Alice Johnson leads Acme Corp. Acme Corp is based in Denver.", True)


def test_extractive_answer_prefers_the_question_over_its_expansion() -> None:
    context = [doc(ACME), doc(BORN)]

    answer = extractive_answer(
        "Where was she born?", "Where was she born? Alice Johnson Acme Corp", context
    )

    assert answer == (BORN, True)


def test_extractive_answer_without_matching_sentences_or_context_says_so() -> None:
    # Before 0.2 "Why?" was answered with the first sentence of the context: an invention.
    assert extractive_answer("Why?", "Why?", [doc("First line. Second line.")]) == (
        NO_CONTEXT_ANSWER,
        False,
    )
    assert extractive_answer("Who leads Acme?", "Who leads Acme?", []) == (
        "I don't have anything in memory about Acme.",
        False,
    )


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Is Acme in Berlin?", "I don't have anything in memory about Berlin."),
        ("Is Bob in Paris or Rome?", "I don't have anything in memory about Bob, Paris or Rome."),
        # the question's own words must be met: the expansion alone does not support an answer
        ("What is the capital?", NO_CONTEXT_ANSWER),
    ],
)
def test_an_answer_the_memory_does_not_support_says_so(question: str, expected: str) -> None:
    """Issue 12 item 4: offline "Is Acme in Berlin?" over "Alice leads Acme." answered "Alice
    leads Acme."."""
    context = [doc("Alice leads Acme. Acme builds rockets.")]

    assert extractive_answer(question, f"{question} Alice Acme", context) == (expected, False)


def test_a_bare_follow_up_is_supported_by_its_expansion() -> None:
    context = [doc(ACME), doc(GLOBEX)]

    answer = extractive_answer("And her?", "And her? Alice Johnson Acme Corp", context)

    assert answer == ("Alice Johnson leads Acme Corp.", True)


def test_every_name_of_the_question_must_be_in_the_answer() -> None:
    context = [doc("Alice Johnson leads Acme Corp."), doc("Bob Smith lives in Paris.")]

    assert extractive_answer("Where does Alice Johnson live?", "x", context).supported
    assert not extractive_answer("Does Alice Johnson live in Berlin?", "x", context).supported
    # a name is met only whole: "Alice Smith" is neither Alice Johnson nor Bob Smith
    assert extractive_answer("Who is Alice Smith?", "x", context) == (
        "I don't have anything in memory about Alice Smith.",
        False,
    )


# -- the chat model path ---------------------------------------------------------------------------
def test_a_model_answers_in_one_call_with_numbered_context_and_turns(
    tmp_path: Path, embeddings: WordLlamaEmbeddings
) -> None:
    llm = RecordingChatModel()
    memory = make_memory(tmp_path, embeddings, llm=llm)

    first = memory.recall("Who leads Acme Corp?", session_id="demo", top_k=3)
    second = memory.recall("Where was she born?", session_id="demo", top_k=3)

    assert len(llm.calls) == 2  # one call per recall
    assert first.answer == second.answer == "Alice Johnson leads Acme Corp [1]."
    system, human = llm.calls[0]
    assert system.content == ANSWER_SYSTEM_PROMPT
    lines = human.text.splitlines()
    assert lines[-1] == "Question: Who leads Acme Corp?"
    numbered = [line for line in lines if line.startswith("[")]
    assert numbered == [
        f"[{n}] ({d.metadata['type']} {d.id}) {d.page_content}"
        for n, d in enumerate(first.context, start=1)
    ]
    assert "Recent conversation:" not in human.text
    follow_up = llm.calls[1][1].text
    assert "User: Who leads Acme Corp?\nAssistant: Alice Johnson leads Acme Corp [1]." in follow_up
    assert follow_up.endswith("Question: Where was she born?")  # as asked, not expanded
    answers = stored(memory, "demo")[1::2]
    assert [m.response_metadata["context_ids"] for m in answers] == [
        [d.id for d in first.context],
        [d.id for d in second.context],
    ]


@pytest.mark.parametrize("reply", [ConnectionError("provider down"), "   "])
def test_a_failing_model_raises_and_appends_nothing(
    tmp_path: Path, embeddings: WordLlamaEmbeddings, reply: Any
) -> None:
    llm = RecordingChatModel(reply=reply)
    memory = make_memory(tmp_path, embeddings, llm=llm)

    with pytest.raises(ExtractionError) as caught:
        memory.recall("Who leads Acme Corp?", session_id="demo")

    assert "RecordingChatModel" in str(caught.value)
    assert len(llm.calls) == 1
    assert stored(memory, "demo") == []


# -- an append whose outcome is unknown -------------------------------------------------------
def _unconfirmed_appends(
    monkeypatch: pytest.MonkeyPatch, memory: GraphMemory, times: int
) -> list[str | None]:
    """Make the store apply the next ``times`` appends but report them unconfirmed (what a
    Redis timeout after the write looks like); return the idempotency keys it is given."""
    store = memory.session_store
    real = store.aappend
    keys: list[str | None] = []

    async def aappend(
        user_id: str, session_id: str, messages: Any, *, idempotency_key: str | None = None
    ) -> int:
        keys.append(idempotency_key)
        count = await real(user_id, session_id, messages, idempotency_key=idempotency_key)
        if len(keys) <= times:
            raise SessionWriteUnknownError("redis://127.0.0.1:6379/0", TimeoutError("read"))
        return count

    monkeypatch.setattr(store, "aappend", aappend)
    return keys


def test_an_unconfirmed_append_is_retried_once_and_lands_once(
    memory: GraphMemory, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = _unconfirmed_appends(monkeypatch, memory, times=1)

    result = memory.recall("Who leads Acme Corp?", session_id="demo")

    messages = stored(memory, "demo")
    assert [m.content for m in messages] == ["Who leads Acme Corp?", result.answer]
    # both attempts carried the same key, derived from the two message ids
    assert keys == [recording_key([str(m.id) for m in messages])] * 2


def test_an_append_unconfirmed_twice_is_raised_and_never_doubled(
    memory: GraphMemory, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = _unconfirmed_appends(monkeypatch, memory, times=2)

    with pytest.raises(SessionWriteUnknownError, match="may or may not have been applied"):
        memory.recall("Who leads Acme Corp?", session_id="demo")

    assert len(keys) == 2 and keys[0] == keys[1]
    assert [type(m) for m in stored(memory, "demo")] == [HumanMessage, AIMessage]


# -- limits -----------------------------------------------------------------------------------
def test_recall_is_held_to_the_memory_limits(
    tmp_path: Path, embeddings: WordLlamaEmbeddings
) -> None:
    memory = make_memory(tmp_path, embeddings, limits=Limits(max_query_chars=40, max_id_chars=16))
    with pytest.raises(InvalidInputError, match="max_query_chars"):
        memory.recall("Who leads Acme Corp? " * 3, session_id="demo")
    with pytest.raises(InvalidInputError, match="max_id_chars"):
        memory.recall("Who leads Acme Corp?", session_id="s" * 17)
    assert memory.session_store.list_sessions(memory.user.id) == []
    # the follow-up's expansion may exceed the limit: the question did not
    memory.recall("Who leads Acme Corp?", session_id="demo")
    result = memory.recall("And where was she born?", session_id="demo")
    assert len(result.search_query) > 40
    assert "Alice Johnson" in result.search_query
    assert len(stored(memory, "demo")) == 4


# -- bad input --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs",
    [
        {"query": ""},
        {"query": "   "},
        {"query": None},
        {"query": "Acme", "top_k": 0},
        {"query": "Acme", "top_k": True},
        {"query": "Acme", "search_type": "nearest"},
        {"query": "Acme", "datasets": "no_such_dataset"},
        {"query": "Acme", "datasets": []},
        {"query": "Acme", "dataste": "main_dataset"},  # a misspelt argument is not ignored
        {"query": "Acme", "session_id": "bad\nid"},
        {"query": "Acme", "session_id": ""},
        {"query": "Acme", "user": "alice"},
    ],
)
def test_bad_input_is_invalid_and_appends_nothing(
    memory: GraphMemory, kwargs: dict[str, Any]
) -> None:
    arguments = {"session_id": "demo", **kwargs}
    with pytest.raises(InvalidInputError):
        memory.recall(**arguments)
    assert stored(memory, "demo") == []


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.sampled_from(["Acme Corp", "she", "and", "Globex", "born", "?", "it"]), max_size=6)
)
def test_follow_up_expansion_always_starts_with_the_question(words: list[str]) -> None:
    query = " ".join(words) or "?"
    turns = [("Who leads Acme?", "Alice Johnson leads Acme Corp.")]

    expanded = expand_follow_up(query, turns)

    assert expanded.startswith(query.strip())
    assert expand_follow_up(query, []) == query


def test_a_persisted_question_is_never_the_answer() -> None:
    """After ``improve`` the session's own question is in memory, word for word: offline recall
    of it once answered "(3 December 2026) User: Who leads Acme?"."""
    asked = doc("(3 December 2026) User: Who leads Acme?\nAssistant: Alice leads Acme.")

    assert extractive_answer("Who leads Acme?", "Who leads Acme?", [asked]) == (
        "Assistant: Alice leads Acme.",
        True,
    )
    only_asked = doc("(3 December 2026) User: Who leads Acme?")
    assert not extractive_answer("Who leads Acme?", "Who leads Acme?", [only_asked]).supported
