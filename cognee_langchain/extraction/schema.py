"""What an extractor returns for one chunk: the structured-output schema of the LLM extractor.

Field descriptions are part of the prompt the chat model sees, so they say what we want.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from cognee_langchain.core.defaults import DEFAULT_ENTITY_TYPE

__all__ = ["ChunkExtraction", "ExtractedEntity", "ExtractedRelation"]


class ExtractedEntity(BaseModel):
    """A real-world thing mentioned in the text."""

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


class ChunkExtraction(BaseModel):
    """Everything extracted from one chunk of text in a single structured call."""

    entities: list[ExtractedEntity] = Field(default_factory=list)
    relations: list[ExtractedRelation] = Field(default_factory=list)
    summary: str = Field(default="", description="One sentence saying what the chunk is about.")
