"""LLMGraphExtractor through a real ChatOpenAI against the scripted OpenAI-compatible server."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from cognee_langchain import GraphMemory, WordLlamaEmbeddings
from cognee_langchain.core.defaults import DEFAULT_DATASET, DEFAULT_ENTITY_TYPE
from cognee_langchain.errors import ExtractionError, InvalidInputError
from cognee_langchain.extraction.llm import LLMGraphExtractor, repair_extraction
from cognee_langchain.extraction.offline import extract_chunk
from cognee_langchain.extraction.schema import ChunkExtraction
from cognee_langchain.prompts.extraction import EXTRACTION_SYSTEM_PROMPT
from tests.support.llm_server import Reply, ScriptedLLMServer, chunk_text_of

CHUNKS = [
    "Alice leads Acme. Acme builds reusable rockets.",
    "Acme was founded by Bob in 2019.",
    "Bob moved to Paris in 2021 and works at Globex.",
]


@pytest.fixture
def server() -> Iterator[ScriptedLLMServer]:
    with ScriptedLLMServer() as running:
        yield running


def make_extractor(server: ScriptedLLMServer, **kwargs: Any) -> LLMGraphExtractor:
    options: dict[str, Any] = {"backoff_base": 0.01, "timeout": 10.0} | kwargs
    return LLMGraphExtractor(server.chat_model(timeout=5.0), **options)


async def test_one_structured_call_per_chunk_in_input_order(server: ScriptedLLMServer) -> None:
    extractor = make_extractor(server)

    results = await extractor.aextract(CHUNKS)

    assert results == [extract_chunk(chunk) for chunk in CHUNKS]
    assert extractor.llm_calls == len(CHUNKS) == len(server.chat_requests)
    bodies = [request.body for request in server.chat_requests]
    assert sorted(chunk_text_of(body) for body in bodies) == sorted(CHUNKS)
    for body in bodies:
        assert body["messages"][0] == {"role": "system", "content": EXTRACTION_SYSTEM_PROMPT}
        assert body["response_format"]["type"] == "json_schema"


async def test_function_calling_method(server: ScriptedLLMServer) -> None:
    extractor = make_extractor(server, method="function_calling")

    results = await extractor.aextract(CHUNKS[:1])

    assert results == [extract_chunk(CHUNKS[0])]
    assert "tools" in server.chat_requests[0].body


async def test_truncated_json_is_rejected_even_where_parsing_is_lenient(
    server: ScriptedLLMServer,
) -> None:
    # JSON mode parses leniently: the first answer would become a partial extraction.
    server.script(Reply.text('{"entities": [{"name": "Alice"}, {"name": "Ac'))
    extractor = make_extractor(server, method="json_mode")

    assert await extractor.aextract(CHUNKS[:1]) == [extract_chunk(CHUNKS[0])]
    assert extractor.llm_calls == 2


async def test_blank_chunks_cost_no_call(server: ScriptedLLMServer) -> None:
    extractor = make_extractor(server)

    results = await extractor.aextract(["", "  \n", CHUNKS[1]])

    assert results[:2] == [ChunkExtraction(), ChunkExtraction()]
    assert results[2] == extract_chunk(CHUNKS[1])
    assert extractor.llm_calls == 1


def test_sync_extract_works_inside_a_running_event_loop(server: ScriptedLLMServer) -> None:
    extractor = make_extractor(server)

    async def call_sync_api() -> list[ChunkExtraction]:
        return extractor.extract(CHUNKS[:2])

    assert asyncio.run(call_sync_api()) == [extract_chunk(chunk) for chunk in CHUNKS[:2]]
    assert extractor.extract(CHUNKS[2:]) == [extract_chunk(CHUNKS[2])]


@pytest.mark.parametrize(
    "failure",
    [
        Reply.error(500),
        Reply.error(503),
        Reply.error(429, retry_after=0.01),
        Reply.text("{not json"),
        # Truncated JSON must be rejected, not leniently parsed into a partial extraction.
        Reply.text('{"entities": [{"name": "Alice"}, {"name": "Ac'),
        Reply.data({"entities": "not a list"}),
        Reply.raw(b"<html>bad gateway</html>"),
        Reply.raw(b'{"id": "chatcmpl-1", "choi'),
    ],
    ids=[
        "500",
        "503",
        "429",
        "garbage-content",
        "truncated-content",
        "wrong-schema",
        "html-body",
        "truncated-body",
    ],
)
async def test_transient_failure_is_retried(server: ScriptedLLMServer, failure: Reply) -> None:
    server.script(failure)
    extractor = make_extractor(server)

    results = await extractor.aextract(CHUNKS[:1])

    assert results == [extract_chunk(CHUNKS[0])]
    assert extractor.llm_calls == 2 == len(server.chat_requests)


@pytest.mark.parametrize(
    ("failure", "cause"),
    [
        (Reply.error(500), "OpenAIAPIError"),
        (Reply.text("{not json"), "_UnusableOutput"),
        (Reply.text(""), "OutputParserException"),
    ],
    ids=["500", "garbage-json", "no-output"],
)
async def test_persistent_failure_raises_after_max_retries(
    server: ScriptedLLMServer, failure: Reply, cause: str
) -> None:
    server.script(*[failure] * 10)
    extractor = make_extractor(server, max_retries=2)

    with pytest.raises(ExtractionError, match="after 3 attempt") as caught:
        await extractor.aextract(CHUNKS[:1])

    assert type(caught.value.cause).__name__ == cause
    assert caught.value.__cause__ is caught.value.cause
    assert extractor.llm_calls == 3 == len(server.chat_requests)


async def test_hanging_model_is_cut_off_at_the_budget(server: ScriptedLLMServer) -> None:
    server.script(Reply.hang(60), Reply.hang(60))
    # The model's own timeout is longer than the budget: the budget must cut the call.
    extractor = LLMGraphExtractor(
        server.chat_model(timeout=30.0), timeout=0.5, max_retries=5, backoff_base=0.01
    )

    with pytest.raises(ExtractionError, match=r"0\.5s budget ran out"):
        await extractor.aextract(CHUNKS[:1])

    # The server is still sleeping on the request: the extractor did not wait for its answer.
    assert server.in_flight == 1
    assert extractor.llm_calls == 1


async def test_model_timeout_is_retried(server: ScriptedLLMServer) -> None:
    server.script(Reply.hang(60))
    extractor = LLMGraphExtractor(server.chat_model(timeout=0.3), timeout=10.0, backoff_base=0.01)

    assert await extractor.aextract(CHUNKS[:1]) == [extract_chunk(CHUNKS[0])]
    assert extractor.llm_calls == 2


async def test_retry_after_beyond_the_budget_fails_at_once(server: ScriptedLLMServer) -> None:
    server.script(Reply.error(429, retry_after=120))
    extractor = make_extractor(server, timeout=5.0)

    with pytest.raises(ExtractionError, match="after 1 attempt") as caught:
        await extractor.aextract(CHUNKS[:1])

    assert getattr(caught.value.cause, "status_code", None) == 429
    assert extractor.llm_calls == 1


@pytest.mark.parametrize("status", [400, 401, 403, 404])
async def test_non_retryable_error_fails_at_once(server: ScriptedLLMServer, status: int) -> None:
    server.script(Reply.error(status))
    extractor = make_extractor(server)

    with pytest.raises(ExtractionError, match="non-retryable") as caught:
        await extractor.aextract(CHUNKS[:1])

    assert getattr(caught.value.cause, "status_code", None) == status
    assert extractor.llm_calls == 1


async def test_one_failing_chunk_fails_the_whole_call(server: ScriptedLLMServer) -> None:
    def responder(request: dict[str, Any]) -> Reply:
        if "POISON" in chunk_text_of(request):
            return Reply.error(401)
        return Reply.data(extract_chunk(chunk_text_of(request)).model_dump(), delay=0.2)

    server.responder = responder
    extractor = make_extractor(server, max_concurrency=2)
    chunks = ["POISON pill.", *[f"Chunk {i} mentions Acme." for i in range(20)]]

    with pytest.raises(ExtractionError, match="chunk 0"):
        await extractor.aextract(chunks)

    # The other chunks were cancelled rather than all extracted and thrown away.
    assert extractor.llm_calls < len(chunks)


async def test_concurrency_bound_is_respected(server: ScriptedLLMServer) -> None:
    server.latency = 0.1
    extractor = make_extractor(server, max_concurrency=3)
    chunks = [f"Person{i} works at Acme{i}." for i in range(12)]

    results = await extractor.aextract(chunks)

    assert results == [extract_chunk(chunk) for chunk in chunks]
    assert server.max_in_flight == 3


async def test_concurrency_bound_holds_across_concurrent_calls(
    server: ScriptedLLMServer,
) -> None:
    server.latency = 0.1
    extractor = make_extractor(server, max_concurrency=2)
    batches = [[f"Batch{b} item{i} mentions Acme." for i in range(4)] for b in range(3)]

    results = await asyncio.gather(*(extractor.aextract(batch) for batch in batches))

    assert [len(result) for result in results] == [4, 4, 4]
    assert server.max_in_flight == 2
    assert extractor.llm_calls == 12


async def test_invalid_output_is_repaired(server: ScriptedLLMServer) -> None:
    text = "Alice leads Acme Corp. Alice met Bob."
    server.script(
        Reply.data(
            {
                "entities": [
                    {"name": " Alice ", "type": "Person", "description": "Leads Acme."},
                    {"name": "alice", "type": "", "description": "duplicate"},
                    {"name": "   ", "type": "Concept"},
                    {"name": "Bob", "type": ""},
                ],
                "relations": [
                    {"source": "Alice", "predicate": " Leads ", "target": "Acme Corp"},
                    {"source": "ALICE", "predicate": "leads", "target": "acme corp"},
                    {"source": "Alice", "predicate": "knows", "target": "Zed"},
                    {"source": "Bob", "predicate": "is", "target": "bob"},
                    {"source": "Alice", "predicate": "  ", "target": "Bob"},
                    {"source": "Alice", "predicate": "met", "target": "Bob"},
                ],
                "summary": "  ",
            }
        )
    )
    extractor = make_extractor(server)

    [result] = await extractor.aextract([text])

    assert [(e.name, e.type, e.description) for e in result.entities] == [
        ("Alice", "Person", "Leads Acme."),
        ("Bob", DEFAULT_ENTITY_TYPE, ""),  # no type given
        ("Acme Corp", DEFAULT_ENTITY_TYPE, ""),  # a relation endpoint that occurs in the text
    ]
    assert [(r.source, r.predicate, r.target) for r in result.relations] == [
        ("Alice", "leads", "Acme Corp"),
        ("Alice", "met", "Bob"),
    ]  # "Zed" is not in the text: invented, dropped; self-loop and blank predicate dropped
    assert result.summary == "Alice leads Acme Corp."
    assert extractor.llm_calls == 1


def test_repair_rejects_missing_output() -> None:
    with pytest.raises(ValueError, match="no structured output"):
        repair_extraction(None, "text")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_concurrency": 0},
        {"max_concurrency": 2.5},
        {"max_retries": -1},
        {"timeout": 0},
        {"timeout": "30"},
        {"backoff_base": -0.1},
    ],
)
def test_bad_settings_are_rejected(server: ScriptedLLMServer, kwargs: dict[str, Any]) -> None:
    with pytest.raises(InvalidInputError):
        LLMGraphExtractor(server.chat_model(), **kwargs)


def test_llm_must_be_a_chat_model() -> None:
    with pytest.raises(InvalidInputError, match="BaseChatModel"):
        LLMGraphExtractor("gpt-4o")  # type: ignore[arg-type]


@pytest.mark.parametrize("texts", ["a single string", [b"bytes"], [None], 42])
async def test_bad_texts_are_rejected(server: ScriptedLLMServer, texts: Any) -> None:
    with pytest.raises(InvalidInputError):
        await make_extractor(server).aextract(texts)
    assert server.requests == []


# -- time and change: the same single call per window carries kinds, dates and retractions -------
def _dated(date: str, *lines: str) -> str:
    return "\n".join([f"Session 1 ({date})", *lines, "Bob: Oh wow."])


def _time_reply(**relation: Any) -> Reply:
    return Reply.data(
        {
            "entities": [
                {"name": "Alice", "type": "Person", "description": ""},
                {"name": "Renault", "type": "Organization", "description": ""},
                {"name": "Miso", "type": "Animal", "description": ""},
            ],
            "relations": [
                {"source": "Alice", "description": "", **relation},
            ],
            "summary": "Alice's news.",
        }
    )


def test_the_schema_asks_for_time_fields_in_strict_form() -> None:
    schema = ChunkExtraction.model_json_schema()
    relation = schema["$defs"]["ExtractedRelation"]
    assert set(relation["required"]) >= {"kind", "valid_at", "invalid_at", "retracted"}
    assert relation["properties"]["retracted"]["type"] == "boolean"
    for nullable in ("kind", "valid_at", "invalid_at"):
        types = {option.get("type") for option in relation["properties"][nullable]["anyOf"]}
        assert types == {"string", "null"}


async def test_time_fields_are_kept_and_blank_ones_become_none(server: ScriptedLLMServer) -> None:
    text = "Alice: I adopted Miso last Saturday. We broke up."
    server.script(
        Reply.data(
            {
                "entities": [{"name": "Alice", "type": "Person", "description": ""}],
                "relations": [
                    {"source": "Alice", "predicate": "adopted", "target": "Miso",
                     "description": "", "kind": " has_pet ", "valid_at": "last Saturday",
                     "invalid_at": "  ", "retracted": False},
                    {"source": "Alice", "predicate": "dating", "target": " ",
                     "description": "", "kind": "relationship_status", "valid_at": None,
                     "invalid_at": None, "retracted": True},
                    {"source": "Alice", "predicate": "knows", "target": "",
                     "description": "", "kind": None, "valid_at": None,
                     "invalid_at": None, "retracted": False},
                ],
                "summary": "",
            }
        )
    )  # fmt: skip
    [result] = await make_extractor(server).aextract([text])

    adopted, broke_up = result.relations  # a blank target only for the end of a fact
    assert (adopted.kind, adopted.valid_at, adopted.invalid_at) == (
        "has_pet",
        "last Saturday",
        None,
    )
    assert (broke_up.target, broke_up.retracted) == ("", True)


@pytest.mark.parametrize("method", ["json_schema", "function_calling"])
def test_a_model_dated_retraction_is_resolved_against_the_message_time(
    server: ScriptedLLMServer, tmp_path: Path, method: str
) -> None:
    server.script(
        _time_reply(
            predicate="works at", target="Renault", kind="works_at", valid_at=None,
            invalid_at=None, retracted=False,
        ),
        _time_reply(
            predicate="works at", target="Renault", kind="works_at", valid_at="yesterday",
            invalid_at=None, retracted=True,
        ),
        _time_reply(
            predicate="adopted", target="Miso", kind="has_pet", valid_at="last Saturday",
            invalid_at=None, retracted=False,
        ),
    )  # fmt: skip
    llm = server.chat_model(timeout=5.0)
    extractor = LLMGraphExtractor(llm, method=method, max_retries=0, timeout=10.0)
    with GraphMemory(
        tmp_path, llm=llm, extractor=extractor, embeddings=WordLlamaEmbeddings()
    ) as memory:
        memory.remember(_dated("10:00 am on 15 January, 2023", "Alice: I work at Renault."))
        quit_ = memory.remember(_dated("10:00 am on 10 June, 2023", "Alice: I quit Renault."))
        memory.remember(_dated("10:00 am on 12 September, 2023", "Alice: I adopted Miso."))
        graph = memory.to_networkx()
        (alice,) = [node for node, data in graph.nodes(data=True) if data["name"] == "Alice"]
        versions = memory.runtime.graph_store.relation_history(DEFAULT_DATASET, alice)

    assert extractor.llm_calls == 3  # one call per window, no extra call per fact
    assert (quit_.relations_closed, quit_.retractions_ignored) == (1, 0)
    by_kind = {version.kind: version for version in versions}
    renault, miso = by_kind["works_at"], by_kind["has_pet"]
    assert renault.invalid_at == datetime(2023, 6, 9, tzinfo=UTC).timestamp()  # "yesterday"
    assert len(versions) == 2  # "works at" marked retracted is not stored as a fact again
    assert (miso.valid_at, miso.valid_grain, miso.valid_phrase) == (
        datetime(2023, 9, 9, tzinfo=UTC).timestamp(),
        "day",
        "last Saturday",
    )
