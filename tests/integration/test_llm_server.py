"""The scripted OpenAI-compatible server, seen through the real OpenAI clients."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Iterator
from typing import Literal

import openai
import pytest
from langchain_core.messages import HumanMessage

from cognee_langchain.extraction.offline import extract_chunk
from cognee_langchain.extraction.schema import ChunkExtraction
from tests.support.llm_server import Reply, ScriptedLLMServer, SubprocessLLMServer

TEXT = "Alice leads Acme. Acme was founded by Bob in 2019."


@pytest.fixture
def server() -> Iterator[ScriptedLLMServer]:
    with ScriptedLLMServer() as running:
        yield running


@pytest.mark.parametrize("method", ["json_schema", "function_calling", "json_mode"])
def test_structured_output_shapes(
    server: ScriptedLLMServer, method: Literal["json_schema", "function_calling", "json_mode"]
) -> None:
    model = server.chat_model().with_structured_output(ChunkExtraction, method=method)

    assert model.invoke([HumanMessage(TEXT)]) == extract_chunk(TEXT)


def test_streamed_structured_output(server: ScriptedLLMServer) -> None:
    model = server.chat_model().with_structured_output(ChunkExtraction, method="function_calling")

    assert list(model.stream([HumanMessage(TEXT)]))[-1] == extract_chunk(TEXT)


def test_plain_and_streamed_text(server: ScriptedLLMServer) -> None:
    model = server.chat_model()
    server.script("first", Reply.text("second"))

    assert model.invoke("hi").content == "first"
    assert "".join(str(chunk.content) for chunk in model.stream("hi")) == "second"
    # Unscripted plain requests get an extractive stand-in answer from the prompt.
    assert model.invoke(f"{TEXT}\nWho leads Acme?").content == "Alice leads Acme."


async def test_concurrent_requests_overlap(server: ScriptedLLMServer) -> None:
    server.latency = 0.2
    model = server.chat_model()

    answers = await asyncio.gather(*(model.ainvoke(f"question {i}") for i in range(10)))

    assert len(answers) == 10
    assert server.max_in_flight == 10


def test_request_log_and_reset(server: ScriptedLLMServer) -> None:
    server.chat_model().invoke("hello")
    [request] = server.chat_requests
    assert request.path == "/v1/chat/completions"
    assert request.body["messages"] == [{"role": "user", "content": "hello"}]
    assert request.headers["authorization"] == "Bearer test"

    server.script("unused")
    server.reset()
    assert server.requests == [] and server.pending == 0


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (Reply.error(500), openai.InternalServerError),
        (Reply.error(429, retry_after=3), openai.RateLimitError),
        (Reply.error(401), openai.AuthenticationError),
        (Reply.hang(30), openai.APITimeoutError),
    ],
)
def test_error_injection(server: ScriptedLLMServer, reply: Reply, error: type[Exception]) -> None:
    server.script(reply)

    with pytest.raises(error) as caught:
        server.chat_model(timeout=0.3).invoke("hi")

    if isinstance(caught.value, openai.RateLimitError):
        assert caught.value.response.headers["retry-after"] == "3"


def test_malformed_json_reaches_the_parser(server: ScriptedLLMServer) -> None:
    server.script(Reply.text("{not json"), Reply.raw(b"<html>oops</html>"))
    model = server.chat_model().with_structured_output(ChunkExtraction)

    with pytest.raises(ValueError, match="Invalid JSON"):
        model.invoke("hi")
    with pytest.raises(ValueError):
        model.invoke("hi")


def test_embeddings(server: ScriptedLLMServer) -> None:
    embeddings = server.embeddings_model()

    vectors = embeddings.embed_documents(["alice leads acme", "acme leads alice", "red green blue"])
    query = embeddings.embed_query("alice leads acme")

    assert len(vectors) == 3 and all(len(vector) == 64 for vector in vectors)
    assert all(math.isclose(sum(x * x for x in v), 1.0, rel_tol=1e-5) for v in vectors)
    assert query == pytest.approx(vectors[0])
    assert vectors[0] == pytest.approx(vectors[1])  # same words
    assert sum(a * b for a, b in zip(vectors[0], vectors[2], strict=True)) < 0.5
    assert [r.body["encoding_format"] for r in server.embedding_requests] == ["base64"] * 2


def test_subprocess_server() -> None:
    with SubprocessLLMServer() as server:
        result = server.chat_model().with_structured_output(ChunkExtraction).invoke(TEXT)

        assert result == extract_chunk(TEXT)
        assert server.stats()["chat_requests"] == 1
