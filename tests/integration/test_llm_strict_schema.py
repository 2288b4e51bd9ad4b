"""The scripted server holds structured-output schemas to OpenAI's strict mode, and the package's
real extraction requests (``json_schema`` and function calling) keep to it.

The rules (``strict_schema_problems``) follow the "Supported schemas" section of OpenAI's
Structured Outputs guide: every property required, ``additionalProperties: false`` on every
object, only the supported keywords, and the documented size limits.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import openai
import pytest
from langchain_core.messages import HumanMessage
from pydantic import BaseModel, Field

from cognee_langchain.embeddings import WordLlamaEmbeddings
from cognee_langchain.errors import ExtractionError
from cognee_langchain.extraction.llm import LLMGraphExtractor
from cognee_langchain.extraction.offline import extract_chunk
from cognee_langchain.extraction.schema import ChunkExtraction
from cognee_langchain.memory import GraphMemory
from tests.support.llm_server import (
    Reply,
    ScriptedLLMServer,
    StrictLimits,
    check_structured_output,
    strict_schema_problems,
)

CHUNKS = ["Alice leads Acme. Acme builds reusable rockets.", "Acme was founded by Bob in 2019."]
Method = Literal["json_schema", "function_calling"]
# How each way of calling the model shows up in the request, as the server records it.
CHECKED = {
    "json_schema": "response_format:ChunkExtraction",
    "function_calling": "function:ChunkExtraction",
}


@pytest.fixture
def server() -> Iterator[ScriptedLLMServer]:
    with ScriptedLLMServer() as running:
        yield running


class Loose(BaseModel):
    """A schema any JSON-schema validator accepts and OpenAI's strict mode refuses."""

    name: str = Field(min_length=1)
    nickname: str | None = None


def obj(**properties: Any) -> dict[str, Any]:
    """A strict object schema over ``properties``."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


STRING = {"type": "string"}
# langchain-openai warns on its own about a schema OpenAI's structured output cannot take.
loose_schema_warning = pytest.mark.filterwarnings(
    "ignore:Invalid schema for OpenAI's structured output:UserWarning"
)


# -- the package's real requests -------------------------------------------------------------------
@pytest.mark.parametrize("method", ["json_schema", "function_calling"])
async def test_extractor_requests_pass_strict_validation(
    server: ScriptedLLMServer, method: Method
) -> None:
    extractor = LLMGraphExtractor(
        server.chat_model(timeout=5.0), method=method, max_retries=0, timeout=10.0
    )

    results = await extractor.aextract(CHUNKS)

    assert results == [extract_chunk(chunk) for chunk in CHUNKS]
    # Every request carried the schema, and the server checked and accepted each.
    assert server.checked_schemas == [CHECKED[method]] * len(CHUNKS)
    body = server.chat_requests[0].body
    if method == "json_schema":
        schema = body["response_format"]["json_schema"]["schema"]
    else:
        assert body["tool_choice"]["function"]["name"] == "ChunkExtraction"
        schema = body["tools"][0]["function"]["parameters"]
    assert schema["required"] == ["entities", "relations", "summary"]
    assert schema["$defs"]["ExtractedEntity"]["additionalProperties"] is False


@pytest.mark.parametrize("method", ["json_schema", "function_calling"])
def test_memory_remembers_through_a_strictly_checked_model(
    server: ScriptedLLMServer, tmp_path: Path, method: Method
) -> None:
    llm = server.chat_model(timeout=5.0)
    extractor = LLMGraphExtractor(llm, method=method, max_retries=0, timeout=10.0)
    with GraphMemory(
        tmp_path, llm=llm, extractor=extractor, embeddings=WordLlamaEmbeddings()
    ) as memory:
        result = memory.remember(CHUNKS[0])
        found = memory.search("Who leads Acme?")

    assert result.entities_added >= 2 and result.relations_added >= 1
    assert server.checked_schemas == [CHECKED[method]]
    assert "Alice leads Acme." in found[0].page_content


@pytest.mark.parametrize("method", ["json_schema", "function_calling"])
@pytest.mark.parametrize("schema", [ChunkExtraction, ChunkExtraction.model_json_schema()])
def test_schema_passes_with_strict_enforcement_on(
    server: ScriptedLLMServer, method: Method, schema: Any
) -> None:
    """With ``strict=True`` (the OpenAI SDK's own strict conversion for the pydantic class,
    langchain's for the dict) the schema is still accepted, so a provider may enforce it."""
    model = server.chat_model().with_structured_output(schema, method=method, strict=True)

    answer = model.invoke([HumanMessage(CHUNKS[1])])

    expected = extract_chunk(CHUNKS[1])
    assert answer == (expected if schema is ChunkExtraction else expected.model_dump())
    body = server.chat_requests[0].body
    flag = (
        body["response_format"]["json_schema"]["strict"]
        if method == "json_schema"
        else body["tools"][0]["function"]["strict"]
    )
    assert flag is True
    assert server.checked_schemas == [CHECKED[method]]


def test_extraction_schema_is_strict() -> None:
    assert strict_schema_problems(ChunkExtraction.model_json_schema()) == []
    # Defaults still apply when an answer is validated: only the schema asks for every field.
    assert ChunkExtraction.model_validate({}) == ChunkExtraction()


# -- what the server rejects -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "message", "param"),
    [
        ("json_schema", "Invalid schema for response_format 'Loose': ", "response_format"),
        (
            "function_calling",
            "Invalid schema for function 'Loose': ",
            "tools[0].function.parameters",
        ),
    ],
)
@loose_schema_warning
def test_non_strict_schema_is_rejected_like_openai(
    server: ScriptedLLMServer, method: Method, message: str, param: str
) -> None:
    server.script(Reply.data({"name": "x", "nickname": None}))
    model = server.chat_model().with_structured_output(Loose, method=method)

    with pytest.raises(openai.BadRequestError) as caught:
        model.invoke("hi")

    assert caught.value.status_code == 400
    error = caught.value.body
    assert isinstance(error, dict)
    assert error["type"] == "invalid_request_error" and error["param"] == param
    assert error["message"].startswith(message + "In context=(")
    assert server.checked_schemas == []
    assert server.pending == 1  # refused before any answer was produced


@loose_schema_warning
def test_extractor_fails_at_once_on_a_rejected_schema(
    server: ScriptedLLMServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Were the extraction schema to regress, extraction fails with the provider's 400 (not
    retried), so every test that extracts through the server would catch it."""
    loose = ChunkExtraction.model_json_schema()
    loose["properties"]["summary"]["default"] = ""
    monkeypatch.setattr(ChunkExtraction, "model_json_schema", classmethod(lambda cls: loose))
    extractor = LLMGraphExtractor(server.chat_model(), max_retries=3, timeout=10.0)

    with pytest.raises(ExtractionError, match="non-retryable") as caught:
        extractor.extract(CHUNKS[:1])

    assert "'default' is not permitted" in str(caught.value.cause)
    assert extractor.llm_calls == 1 == len(server.chat_requests)


@loose_schema_warning
def test_only_structured_output_is_checked(server: ScriptedLLMServer) -> None:
    """Tools an agent is offered (not strict, not forced) may use any JSON schema, as on OpenAI;
    a strict one is checked; a plain or JSON-mode request carries no schema."""
    llm = server.chat_model()
    server.script("plain", "tools offered", Reply.data({"name": "x"}))

    assert llm.invoke("hi").content == "plain"
    assert llm.bind_tools([Loose]).invoke("hi").content == "tools offered"
    with pytest.raises(openai.BadRequestError, match="Invalid schema for function 'Loose'"):
        llm.bind_tools([Loose], strict=True).invoke("hi")
    assert llm.with_structured_output(Loose, method="json_mode").invoke("hi") is not None
    assert server.checked_schemas == []


@loose_schema_warning
def test_check_can_be_turned_off(server: ScriptedLLMServer) -> None:
    server.strict_schemas = False
    model = server.chat_model().with_structured_output(Loose, method="json_schema")
    server.script(Reply.data({"name": "x", "nickname": None}))

    assert model.invoke("hi") == Loose(name="x")


# -- the rules ------------------------------------------------------------------------------------
def nested(levels: int) -> dict[str, Any]:
    """Objects nested ``levels`` deep (the root is level 1)."""
    schema = obj(leaf=STRING)
    for _ in range(levels - 1):
        schema = obj(child=schema)
    return schema


ACCEPTED: dict[str, dict[str, Any]] = {
    "flat": obj(a=STRING, b={"type": "integer", "minimum": 0, "maximum": 9}),
    "nullable by type list": obj(unit={"type": ["string", "null"], "enum": ["F", "C", None]}),
    "anyOf": obj(value={"anyOf": [STRING, {"type": "number"}, obj(column=STRING)]}),
    "array limits": obj(tags={"type": "array", "items": STRING, "minItems": 1, "maxItems": 3}),
    "string pattern and format": obj(
        at={"type": "string", "format": "date-time"}, code={"type": "string", "pattern": "^[A-Z]+$"}
    ),
    "refs and defs": {
        **obj(people={"type": "array", "items": {"$ref": "#/$defs/Person"}}),
        "$defs": {"Person": obj(name=STRING)},
    },
    "recursion": {
        **obj(root={"$ref": "#/$defs/Node"}),
        "$defs": {
            "Node": obj(value=STRING, children={"type": "array", "items": {"$ref": "#/$defs/Node"}})
        },
    },
    "descriptions and titles": {
        **obj(a={"type": "string", "description": "an a", "title": "A"}),
        "title": "T",
        "description": "d",
    },
    "const": obj(kind={"type": "string", "const": "fixed"}),
    "empty object": obj(),
    "nesting at the limit": nested(10),
}


@pytest.mark.parametrize("schema", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_strict_schemas_are_accepted(schema: dict[str, Any]) -> None:
    assert strict_schema_problems(schema) == []


def without(schema: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in schema.items() if k != key}


REJECTED: dict[str, tuple[dict[str, Any], str]] = {
    "additionalProperties missing": (
        without(obj(a=STRING), "additionalProperties"),
        "In context=(), 'additionalProperties' is required to be supplied and to be false.",
    ),
    "additionalProperties true": (
        {**obj(a=STRING), "additionalProperties": True},
        "'additionalProperties' is required to be supplied and to be false.",
    ),
    "nested additionalProperties": (
        obj(inner=without(obj(a=STRING), "additionalProperties")),
        "In context=('properties', 'inner'), 'additionalProperties' is required",
    ),
    "optional property": (
        {**obj(a=STRING, b=STRING), "required": ["a"]},
        "'required' is required to be supplied and to be an array including every key in "
        "properties. Missing 'b'.",
    ),
    "required missing": (without(obj(a=STRING), "required"), "Missing 'a'."),
    "extra required key": (
        {**obj(a=STRING), "required": ["a", "z"]},
        "Extra required key 'z' supplied.",
    ),
    "default": (
        obj(a={"type": "string", "default": "x"}),
        "In context=('properties', 'a'), 'default' is not permitted.",
    ),
    "minLength": (obj(a={"type": "string", "minLength": 1}), "'minLength' is not permitted."),
    "maxLength": (obj(a={"type": "string", "maxLength": 9}), "'maxLength' is not permitted."),
    "unsupported format": (
        obj(a={"type": "string", "format": "uri"}),
        "'uri' is not a supported format.",
    ),
    "allOf": (obj(a={"allOf": [STRING]}), "'allOf' is not permitted."),
    "oneOf": (obj(a={"type": "string", "oneOf": [STRING]}), "'oneOf' is not permitted."),
    "not": (obj(a={"type": "string", "not": {"const": "x"}}), "'not' is not permitted."),
    "patternProperties": (
        {**obj(), "patternProperties": {"^x": STRING}},
        "'patternProperties' is not permitted.",
    ),
    "minProperties": ({**obj(a=STRING), "minProperties": 1}, "'minProperties' is not permitted."),
    "uniqueItems": (
        obj(a={"type": "array", "items": STRING, "uniqueItems": True}),
        "'uniqueItems' is not permitted.",
    ),
    "keyword of another type": (
        obj(a={"type": "string", "minItems": 1}),
        "'minItems' is not permitted.",
    ),
    "array without items": (obj(a={"type": "array"}), "array schema missing items."),
    "no type": (obj(a={"description": "anything"}), "schema must have a 'type' key."),
    "unknown type": (obj(a={"type": "date"}), '"date" is not a supported type.'),
    "root array": (
        {"type": "array", "items": STRING},
        "schema must be a JSON Schema of 'type: \"object\"', got 'type: \"array\"'.",
    ),
    "root anyOf": ({"anyOf": [obj(a=STRING), obj(b=STRING)]}, "schema must be a JSON Schema"),
    "ref with siblings": (
        {**obj(p={"$ref": "#/$defs/P", "description": "d"}), "$defs": {"P": obj()}},
        "a '$ref' cannot have sibling keywords",
    ),
    "dangling ref": (
        obj(p={"$ref": "#/$defs/Nope"}),
        "reference '#/$defs/Nope' can't be resolved.",
    ),
    "loose definition": (
        {**obj(p={"$ref": "#/$defs/P"}), "$defs": {"P": {"type": "object", "properties": {}}}},
        "In context=('$defs', 'P'), 'additionalProperties' is required",
    ),
    "nesting over the limit": (
        nested(11),
        "objects are nested 11 levels deep, more than the limit of 10.",
    ),
    "too many properties": (
        obj(**{f"p{i}": STRING for i in range(5001)}),
        "the schema has 5001 object properties in total, more than the limit of 5000.",
    ),
    "too many enum values": (
        obj(**{f"e{i}": {"type": "integer", "enum": list(range(100))} for i in range(11)}),
        "the schema has 1100 enum values in total, more than the limit of 1000.",
    ),
    "too much text": (
        obj(**{"x" * 1000 + str(i): STRING for i in range(121)}),
        "more than the limit of 120000.",
    ),
}


@pytest.mark.parametrize(("schema", "problem"), REJECTED.values(), ids=REJECTED.keys())
def test_non_strict_schemas_are_rejected(schema: dict[str, Any], problem: str) -> None:
    problems = strict_schema_problems(schema)

    assert any(problem in text for text in problems), problems


def test_limits_can_be_tightened() -> None:
    """The limits before OpenAI raised them (100 properties, 5 levels)."""
    older = StrictLimits(max_nesting=5, max_properties=100)

    assert strict_schema_problems(nested(5), older) == []
    assert strict_schema_problems(nested(6), older)
    assert strict_schema_problems(obj(**{f"p{i}": STRING for i in range(101)}), older)


def test_names_are_checked() -> None:
    body = {
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "has space", "schema": obj()},
        }
    }
    checked, rejection = check_structured_output(body)

    assert checked == [] and rejection is not None
    assert rejection.param == "response_format.json_schema.name"
