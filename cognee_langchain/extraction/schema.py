"""What an extractor returns for one chunk: the structured-output schema of the LLM extractor.

Field descriptions are part of the prompt the chat model sees, so they say what we want.

The JSON schema of each model keeps to OpenAI's strict structured-output subset (every property
required, ``additionalProperties: false``, no ``default``), so providers that enforce the schema
accept it: defaults apply when validating an answer, the model is asked for every field.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from cognee_langchain.core.defaults import DEFAULT_ENTITY_TYPE

__all__ = ["ChunkExtraction", "ExtractedEntity", "ExtractedRelation"]


def _strict_schema(schema: dict[str, Any]) -> None:
    """Make a model's JSON schema strict: all properties required, no extra ones, no defaults."""
    properties: dict[str, dict[str, Any]] = schema.get("properties", {})
    for field in properties.values():
        field.pop("default", None)
    schema["required"] = list(properties)
    schema["additionalProperties"] = False


_STRICT = ConfigDict(json_schema_extra=_strict_schema)


class ExtractedEntity(BaseModel):
    """A real-world thing mentioned in the text."""

    model_config = _STRICT

    name: str = Field(description="Canonical name as written in the text, e.g. 'Acme Corp'.")
    type: str = Field(
        default=DEFAULT_ENTITY_TYPE,
        description="A short type such as Person, Organization, Place, Product, Event, Concept.",
    )
    description: str = Field(
        default="", description="One short sentence saying what the text says this entity is."
    )


class ExtractedRelation(BaseModel):
    """A directed fact linking two extracted entities."""

    model_config = _STRICT

    source: str = Field(description="Name of the subject entity, exactly as in `entities`.")
    predicate: str = Field(
        description="Short lower-case verb phrase in the active voice, e.g. 'leads', 'founded', "
        "'moved to'."
    )
    target: str = Field(description="Name of the object entity, exactly as in `entities`.")
    description: str = Field(
        default="",
        description="The fact as one short sentence, keeping every date, time, number and "
        "qualifier the text gives for it.",
    )
    kind: str | None = Field(
        default=None,
        description="The kind of fact, one of lives_in, works_at, job_title, "
        "relationship_status, has_pet, owns, likes, dislikes, visited, studies_at, or another "
        "short snake_case kind; null when none fits.",
    )
    valid_at: str | None = Field(
        default=None,
        description="When the fact became true, as the text writes it ('last Saturday', "
        "'in March 2023', '2023-05-08'); null when the text gives no time (then: when said).",
    )
    invalid_at: str | None = Field(
        default=None,
        description="When the fact stopped being true, as the text writes it ('until June', "
        "'in 2021'); null when it is still true or the text does not say.",
    )
    retracted: bool = Field(
        default=False,
        description="True when the text says the fact stopped or is no longer true ('I quit "
        "Renault' -> source the speaker, predicate 'works at', target 'Renault', retracted "
        "true; 'we broke up' -> target the partner if named, else an empty string).",
    )


class ChunkExtraction(BaseModel):
    """Everything extracted from one chunk of text in a single structured call."""

    model_config = _STRICT

    entities: list[ExtractedEntity] = Field(default_factory=list)
    relations: list[ExtractedRelation] = Field(default_factory=list)
    summary: str = Field(default="", description="One sentence saying what the chunk is about.")
