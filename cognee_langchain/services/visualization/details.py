"""What the side panel of the picture shows about an entity: its description, other names,
sessions and the passages it was extracted from, read from the graph store in a few batches.

Passages are clipped and shared: one table of snippets that entities refer to by index, since
the entities of one chunk all cite it and a 10,000-entity picture must stay a file a browser
opens in a second.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cognee_langchain.extraction._sentences import clip
from cognee_langchain.graph.base import GraphStore, RecordKind
from cognee_langchain.graph.models import Chunk, Entity, SourceDocument

__all__ = ["EntityDetails", "GraphDetails", "SourceSnippet", "aread_details"]

#: Passages shown per entity, oldest mention first.
SOURCES_PER_ENTITY = 3
#: Characters kept of a passage, and of a description.
SNIPPET_CHARS = 280
DESCRIPTION_CHARS = 600


@dataclass(frozen=True, slots=True)
class SourceSnippet:
    """The start of a chunk an entity was extracted from, and the name of its document."""

    text: str
    document: str = ""


@dataclass(frozen=True, slots=True)
class EntityDetails:
    """An entity's panel: ``sources`` index :attr:`GraphDetails.sources`."""

    description: str = ""
    aliases: tuple[str, ...] = ()
    sessions: tuple[str, ...] = ()
    sources: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class GraphDetails:
    """Panels by entity id, and the snippets they share."""

    entities: dict[str, EntityDetails]
    sources: list[SourceSnippet]


async def aread_details(store: GraphStore, entity_ids: Sequence[str]) -> GraphDetails:
    """The panel of each entity in ``entity_ids`` (unknown ids are left out)."""
    entities = [r for r in await store.aget_records(RecordKind.ENTITY, entity_ids)]
    wanted = list(
        dict.fromkeys(
            c for e in entities if isinstance(e, Entity) for c in e.chunk_ids[:SOURCES_PER_ENTITY]
        )
    )
    chunks = [c for c in await store.aget_records(RecordKind.CHUNK, wanted) if isinstance(c, Chunk)]
    document_ids = list(dict.fromkeys(c.document_ids[0] for c in chunks if c.document_ids))
    names = {
        d.id: d.name or ""
        for d in await store.aget_records(RecordKind.DOCUMENT, document_ids)
        if isinstance(d, SourceDocument)
    }
    index = {c.id: i for i, c in enumerate(chunks)}
    sources = [
        SourceSnippet(
            clip(c.text, SNIPPET_CHARS), names.get(c.document_ids[0], "") if c.document_ids else ""
        )
        for c in chunks
    ]
    return GraphDetails(
        entities={
            e.id: EntityDetails(
                description=clip(e.description, DESCRIPTION_CHARS),
                aliases=tuple(a for a in e.aliases if a != e.name),
                sessions=e.session_ids,
                sources=tuple(index[c] for c in e.chunk_ids[:SOURCES_PER_ENTITY] if c in index),
            )
            for e in entities
            if isinstance(e, Entity)
        },
        sources=sources,
    )
