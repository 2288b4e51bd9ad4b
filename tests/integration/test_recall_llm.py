"""recall through a real ChatOpenAI against the scripted OpenAI-compatible server: one chat call
per recall, the prompt it sends, and failures that leave the session untouched."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from langchain_core.messages import AIMessage, HumanMessage
from langchain_openai import ChatOpenAI

from cognee_langchain.errors import ExtractionError
from cognee_langchain.extraction.offline import OfflineGraphExtractor
from cognee_langchain.memory import GraphMemory
from cognee_langchain.prompts.answer import ANSWER_SYSTEM_PROMPT
from tests.support import fixtures
from tests.support.llm_server import Reply, ScriptedLLMServer, chunk_text_of

# The shared scripted-server fixtures, by name.
llm_server = fixtures.llm_server
scripted_chat_model = fixtures.scripted_chat_model

CORPUS = [
    "Alice Johnson leads Acme Corp. Acme Corp builds reusable rockets.",
    "Alice Johnson was born in Denver.",
    "Bob Smith founded Globex in 2019.",
]


@pytest.fixture
def memory(tmp_path: Path, scripted_chat_model: ChatOpenAI) -> GraphMemory:
    # The offline extractor remembers the corpus, so the chat model only answers.
    memory = GraphMemory(tmp_path, llm=scripted_chat_model, extractor=OfflineGraphExtractor())
    memory.remember(CORPUS)
    return memory


async def test_each_recall_makes_exactly_one_chat_call(
    memory: GraphMemory, llm_server: ScriptedLLMServer
) -> None:
    first = await memory.arecall("Who leads Acme Corp?", session_id="demo")
    assert len(llm_server.chat_requests) == 1
    second = await memory.arecall("Where was she born?", session_id="demo")
    assert len(llm_server.chat_requests) == 2

    # the default responder answers with the prompt sentence closest to the question line
    assert "Alice Johnson leads Acme Corp." in first.answer
    assert second.answer.endswith("Alice Johnson was born in Denver.")
    messages = (await memory.session_store.aread(memory.user.id, "demo")).messages
    assert [type(m) for m in messages] == [HumanMessage, AIMessage] * 2
    assert messages[3].response_metadata == {"context_ids": [d.id for d in second.context]}


async def test_the_prompt_holds_numbered_context_recent_turns_and_the_question(
    memory: GraphMemory, llm_server: ScriptedLLMServer
) -> None:
    llm_server.script(Reply.text("Alice Johnson [1]."), Reply.text("In Denver [2]."))
    await memory.arecall("Who leads Acme Corp?", session_id="demo", top_k=3)

    result = await memory.arecall("Where was she born?", session_id="demo", top_k=3)

    assert result.answer == "In Denver [2]."
    body = llm_server.chat_requests[1].body
    assert body["messages"][0] == {"role": "system", "content": ANSWER_SYSTEM_PROMPT}
    prompt = chunk_text_of(body)
    assert "User: Who leads Acme Corp?\nAssistant: Alice Johnson [1]." in prompt
    for number, document in enumerate(result.context, start=1):
        assert f"[{number}] ({document.metadata['type']} {document.id}) " in prompt
    assert prompt.splitlines()[-1] == "Question: Where was she born?"


@pytest.mark.parametrize(
    "failure",
    [Reply.error(500), Reply.error(401, "bad key"), Reply.text("")],
    ids=["server-error", "auth-error", "empty-answer"],
)
async def test_a_failing_model_raises_extraction_error_and_appends_nothing(
    memory: GraphMemory, llm_server: ScriptedLLMServer, failure: Reply
) -> None:
    llm_server.script(failure)

    with pytest.raises(ExtractionError) as caught:
        await memory.arecall("Who leads Acme Corp?", session_id="demo")

    assert caught.value.cause is not None or "empty answer" in str(caught.value)
    assert len(llm_server.chat_requests) == 1  # no retry: a recall makes at most one call
    assert (await memory.session_store.aread(memory.user.id, "demo")).messages == []


def test_sync_recall_inside_a_running_loop_works_too(
    memory: GraphMemory, llm_server: ScriptedLLMServer
) -> None:
    async def inside_a_loop() -> str:
        return memory.recall("Who founded Globex?", session_id="sync").answer

    assert asyncio.run(inside_a_loop()).endswith("Bob Smith founded Globex in 2019.")
    assert len(llm_server.chat_requests) == 1


async def test_recall_stops_at_its_deadline_even_when_the_client_has_none(
    tmp_path: Path, llm_server: ScriptedLLMServer
) -> None:
    # ChatOpenAI(timeout=None) would wait for a hanging server forever: the memory's own
    # llm_timeout bounds the answer call, and the session keeps no half Q&A.
    llm = llm_server.chat_model(timeout=None)  # type: ignore[arg-type]
    memory = GraphMemory(tmp_path, llm=llm, extractor=OfflineGraphExtractor(), llm_timeout=0.5)
    memory.remember(CORPUS)
    llm_server.script(Reply.hang(30))
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(ExtractionError, match=r"did not answer within 0.5 s.*llm_timeout"):
        await memory.arecall("Who leads Acme Corp?", session_id="demo")
    assert loop.time() - started < 5
    assert (await memory.session_store.aread(memory.user.id, "demo")).messages == []
    await memory.aclose()
