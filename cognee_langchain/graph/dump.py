"""A whole dataset as a graph store holds it: what ``GraphStore.adump_dataset`` returns (for
export) and the write operations that rebuild it exactly (for import).

Plain frozen data, like :mod:`cognee_langchain.graph.ops`; :mod:`cognee_langchain.graph.base`
re-exports every name here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cognee_langchain.errors import InvalidInputError
from cognee_langchain.graph.models import SourceDocument
from cognee_langchain.graph.ops import (
    ClaimMessages,
    EntityMention,
    PutChunk,
    PutDocument,
    PutEntity,
    PutRelation,
    RecordKind,
    RelationMention,
    RetractRelation,
    Vector,
    WriteOp,
)

__all__ = ["DatasetDump", "StoredChunk", "StoredEntity", "StoredMention", "StoredRelation"]


@dataclass(frozen=True, slots=True)
class StoredChunk:
    """A chunk as stored: its text, summary, turn data, creation time and (when asked) vectors.
    ``summary_vector`` is ``None`` when the summary has no vector of its own."""

    id: str
    text: str
    summary: str
    unit: Mapping[str, Any]
    created_at: float
    vector: Vector | None = None
    summary_vector: Vector | None = None


@dataclass(frozen=True, slots=True)
class StoredEntity:
    """An entity as stored: the lookup ``keys`` and candidate ``tokens`` that resolve to it,
    and (when asked) its name vector. Its mentions are :class:`StoredMention` rows."""

    id: str
    name: str
    type: str
    created_at: float
    keys: tuple[str, ...]
    tokens: tuple[str, ...]
    vector: Vector | None = None


@dataclass(frozen=True, slots=True)
class StoredRelation:
    """A relation as stored, and (when asked) its fact vector. Its interval is not part of it:
    the store derives it again from the mentions' dates and the retractions."""

    id: str
    source_id: str
    target_id: str
    predicate: str
    created_at: float
    vector: Vector | None = None
    kind: str | None = None
    single_valued: bool = False


@dataclass(frozen=True, slots=True)
class StoredMention:
    """One mention row: the entity or relation ``owner_id`` (``kind`` says which) as chunk
    ``chunk_id`` states it, with the surface name (empty for a relation) and sentence used, and
    for a relation the date the chunk gives it (``valid_at``, ``grain``, ``phrase``)."""

    kind: RecordKind
    owner_id: str
    chunk_id: str
    surface: str = ""
    description: str = ""
    valid_at: float | None = None
    grain: str | None = None
    phrase: str = ""


@dataclass(frozen=True, slots=True)
class DatasetDump:
    """Everything a graph store holds of one dataset, read in one snapshot: what
    ``GraphStore.adump_dataset`` returns and :meth:`restore_ops` writes back.

    Records are ordered by id; ``mentions`` in the order they were stored (entity mentions
    first), which is the extraction order reads report; ``claims`` by user, session and
    document; ``retractions`` by id. Derived provenance (node sets and sessions of chunks,
    entities and relations) and derived intervals are not part of it: the store derives them
    again from the documents, mentions and retractions.
    """

    dataset: str
    documents: list[SourceDocument]
    chunks: list[StoredChunk]
    entities: list[StoredEntity]
    relations: list[StoredRelation]
    mentions: list[StoredMention]
    claims: list[ClaimMessages]
    retractions: list[RetractRelation] = field(default_factory=list)

    def restore_ops(self) -> list[WriteOp]:
        """The write operations that rebuild this dataset with the same ids, times and mention
        order; every vector must be set. Apply them after a ``RequirePermission`` for the
        dataset. Each mention is a merge of its own, so their stored order is kept exactly."""
        ds = self.dataset
        unusable = [e.id for e in self.entities if e.vector is None]
        unusable += [r.id for r in self.relations if r.vector is None]
        if unusable:
            raise _without_vector(unusable[0])
        ops: list[WriteOp] = []
        for c in self.chunks:
            if c.vector is None:
                raise _without_vector(c.id)
            ops.append(
                PutChunk(
                    c.id, ds, c.text, c.summary, c.vector, c.summary_vector, c.unit, c.created_at
                )
            )
        ops.extend(PutDocument(d) for d in self.documents)
        ops.extend(self.claims)
        ops.extend(
            PutEntity(e.id, ds, e.name, e.type, e.vector, e.keys, e.tokens, (), e.created_at)
            for e in self.entities
        )
        entities = {e.id: e for e in self.entities}
        ops.extend(
            PutEntity(
                m.owner_id,
                ds,
                entities[m.owner_id].name,
                entities[m.owner_id].type,
                None,
                (),
                (),
                (EntityMention(m.chunk_id, m.surface, m.description),),
            )
            for m in self.mentions
            if m.kind is RecordKind.ENTITY
        )
        relations = {r.id: r for r in self.relations}
        ops.extend(
            PutRelation(
                r.id,
                ds,
                r.source_id,
                r.target_id,
                r.predicate,
                r.vector,
                (),
                r.created_at,
                r.kind,
                r.single_valued,
            )
            for r in self.relations
        )
        ops.extend(
            PutRelation(
                m.owner_id,
                ds,
                relations[m.owner_id].source_id,
                relations[m.owner_id].target_id,
                relations[m.owner_id].predicate,
                None,
                (RelationMention(m.chunk_id, m.description, m.valid_at, m.grain, m.phrase),),
                kind=relations[m.owner_id].kind,
                single_valued=relations[m.owner_id].single_valued,
            )
            for m in self.mentions
            if m.kind is RecordKind.RELATION
        )
        ops.extend(self.retractions)
        return ops


def _without_vector(record_id: str) -> InvalidInputError:
    return InvalidInputError(
        f"Record {record_id} has no vector: dump with with_vectors=True (or set the vectors) to "
        "restore it."
    )
