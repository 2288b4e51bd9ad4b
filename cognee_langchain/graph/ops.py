"""The data of the graph-store protocol: write operations, and what reads return.

Operations are plain frozen data, so every backend (the embedded SQLite store, a PostgreSQL store)
applies the same batches; :mod:`cognee_langchain.graph.base` defines the protocol over them and
re-exports every name here, so ``from cognee_langchain.graph.base import PutChunk`` keeps working.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, NamedTuple, TypeAlias

import numpy as np
import numpy.typing as npt

from cognee_langchain.errors import InvalidInputError
from cognee_langchain.graph.items import DeleteItem, PutItem
from cognee_langchain.graph.models import Chunk, Entity, Relation, SourceDocument
from cognee_langchain.permissions import Permission

__all__ = [
    "EARLIEST_TIME",
    "ChangeSet",
    "ClaimMessages",
    "DatasetStats",
    "Edge",
    "EntityMatches",
    "EntityMention",
    "EntityRef",
    "Forget",
    "GraphSnapshot",
    "GraphStats",
    "Link",
    "NodeSetStats",
    "PutChunk",
    "PutDocument",
    "PutEntity",
    "PutRelation",
    "Record",
    "RecordKind",
    "RelationMention",
    "RequirePermission",
    "RetractRelation",
    "SetGrant",
    "SnapshotNode",
    "TextKind",
    "TextRecord",
    "Vector",
    "WriteOp",
    "WriteResult",
]

#: The start of what a chunk telling a change says held before it: no time is earlier.
EARLIEST_TIME = datetime(1, 1, 1, tzinfo=UTC).timestamp()

Vector: TypeAlias = npt.NDArray[np.float32]


class RecordKind(StrEnum):
    """The record tables of a graph store."""

    DOCUMENT = "document"
    CHUNK = "chunk"
    ENTITY = "entity"
    RELATION = "relation"


class TextKind(StrEnum):
    """Searchable texts, each with a vector: chunk text, chunk summary, entity name, fact."""

    CHUNK = "chunk"
    SUMMARY = "summary"
    ENTITY = "entity"
    FACT = "fact"


class Link(StrEnum):
    """What ``GraphStore.alinks`` follows from each id it is given."""

    DOCUMENTS = "documents"
    """dataset name -> the ids of its documents, oldest first"""
    RELATIONS = "relations"
    """entity id -> the ids of the relations touching it (either direction), by id"""
    CHUNKS = "chunks"
    """entity id -> the ids of the chunks mentioning it, oldest mention first"""
    ENTITIES = "entities"
    """chunk id -> the ids of the entities it mentions, in extraction order"""


Record: TypeAlias = SourceDocument | Chunk | Entity | Relation
"""What ``GraphStore.aget_records`` returns: the model of the :class:`RecordKind` asked."""


# -- write operations ----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RequirePermission:
    """Check, inside the write transaction, that the user holds ``permission`` on ``dataset``.

    With ``create=True`` a missing dataset is created, owned by the user; otherwise a missing
    dataset fails with :class:`~cognee_langchain.errors.InvalidInputError`. A failed check raises
    and rolls back the whole batch.
    """

    dataset: str
    user_id: str
    permission: Permission
    create: bool = False


@dataclass(frozen=True, slots=True)
class SetGrant:
    """Grant (``granted=True``) or revoke a permission as ``by_user_id``; the store decides with
    :func:`cognee_langchain.permissions.check_grant` inside the write."""

    dataset: str
    user_id: str
    permission: Permission
    granted: bool
    by_user_id: str


@dataclass(frozen=True, slots=True)
class PutChunk:
    """Insert a chunk with its vectors; a chunk already stored is left as it is.

    ``unit``: what a conversation turn carries beyond its text (speaker, time, turn id,
    index-only keys and context; see :attr:`Chunk.unit`), stored as JSON; empty for prose.
    ``created_at``: when it was first stored (default: now); an import restores the original.
    """

    id: str
    dataset: str
    text: str
    summary: str
    vector: Vector
    summary_vector: Vector | None = None
    unit: Mapping[str, Any] = field(default_factory=dict)
    created_at: float | None = None


@dataclass(frozen=True, slots=True)
class PutDocument:
    """Insert a document and link it to its chunks (``document.chunk_ids``), which must be stored
    already or put in the same batch. The chunks gain the document's node set and session."""

    document: SourceDocument


@dataclass(frozen=True, slots=True)
class EntityMention:
    """An entity as one chunk mentions it."""

    chunk_id: str
    surface: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class PutEntity:
    """Insert an entity, or merge into the stored one: add mentions, lookup keys and tokens.

    ``keys`` are normalised names and aliases that resolve to this entity; ``tokens`` feed the
    candidate search of embedding-based resolution. ``vector`` (of the name) is required for a new
    entity and ignored when merging; so is ``created_at`` (default: now).
    """

    id: str
    dataset: str
    name: str
    type: str
    vector: Vector | None
    keys: tuple[str, ...]
    tokens: tuple[str, ...]
    mentions: tuple[EntityMention, ...]
    created_at: float | None = None


def _check_time(name: str, value: float | None) -> None:
    # A NaN or infinite time would sort nowhere and corrupt every interval of its group.
    if value is not None and (
        isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value)
    ):
        raise InvalidInputError(
            f"{name} must be a finite number of epoch seconds (UTC) or None, got {value!r}: "
            "pass datetime.timestamp() of a real date."
        )


@dataclass(frozen=True, slots=True)
class RelationMention:
    """A relation as one chunk states it.

    ``valid_at``: when that chunk's statement made the fact true (epoch seconds UTC, resolved from
    a date phrase against the message time); ``None`` when unknown (the relation's recorded time
    is used). ``grain``: how precise ``valid_at`` is (``"instant"``, ``"day"``, ``"week"``,
    ``"month"``, ``"year"``); ``phrase``: the date phrase as written, ``""`` when none.
    """

    chunk_id: str
    description: str = ""
    valid_at: float | None = None
    grain: str | None = None
    phrase: str = ""

    def __post_init__(self) -> None:
        _check_time("RelationMention.valid_at", self.valid_at)


@dataclass(frozen=True, slots=True)
class PutRelation:
    """Insert a relation between two stored entities, or add mentions to the stored one.

    ``vector`` (of the fact sentence) is required for a new relation and ignored when merging;
    so is ``created_at`` (default: now).
    """

    id: str
    dataset: str
    source_id: str
    target_id: str
    predicate: str
    vector: Vector | None
    mentions: tuple[RelationMention, ...]
    created_at: float | None = None
    kind: str | None = None
    single_valued: bool = False

    def __post_init__(self) -> None:
        _check_time("PutRelation.created_at", self.created_at)


@dataclass(frozen=True, slots=True)
class RetractRelation:
    """A statement that a fact stopped being true ("I quit Renault"), stated by ``chunk_id``.

    Closes, at ``at`` (epoch seconds UTC), the version of ``(source_id, kind)`` with
    ``target_id`` (any target when ``None``) that is open at ``at``, without a successor. A
    retraction that closes nothing is kept (a later-ingested older fact may still match it) and
    counted in :attr:`WriteResult.retractions_ignored`. ``id``: a content hash, like every id;
    forgotten with its chunk. ``created_at``: when it was recorded (default: now; it breaks ties
    at the same ``at``); an import restores the original.
    """

    id: str
    dataset: str
    source_id: str
    kind: str
    target_id: str | None
    at: float
    chunk_id: str
    phrase: str = ""
    created_at: float | None = None

    def __post_init__(self) -> None:
        _check_time("RetractRelation.created_at", self.created_at)
        if self.at is None:
            raise InvalidInputError(
                "RetractRelation.at is required: pass the epoch seconds when the fact ended."
            )
        _check_time("RetractRelation.at", self.at)
        if not self.kind:
            raise InvalidInputError(
                "RetractRelation.kind must name the relation kind it ends, e.g. 'works_at'."
            )


@dataclass(frozen=True, slots=True)
class Forget:
    """Remove the documents of ``dataset`` matching every given filter (all of them if none) and
    whatever was derived only from them. ``user_id``: only documents that user wrote (documents
    written before users were recorded have none and match no user)."""

    dataset: str
    document_id: str | None = None
    node_set: str | None = None
    session_id: str | None = None
    user_id: str | None = None


@dataclass(frozen=True, slots=True)
class ClaimMessages:
    """Record, inside the write, that ``document_id`` holds these messages of ``user_id``'s
    session ``session_id`` in ``dataset`` — each message key at most once per dataset, user and
    session, across every process writing the store.

    A key already claimed by another stored document fails the whole batch with
    :class:`~cognee_langchain.errors.WriteConflictError` (retryable: re-plan without the
    messages found stored, and write again); a key claimed by the same document is a no-op.
    Forgetting a document releases its claims. This is what makes persisting sessions exactly
    once across processes: the claim and the document commit together or not at all.
    """

    dataset: str
    user_id: str
    session_id: str
    document_id: str
    message_keys: tuple[str, ...]


WriteOp: TypeAlias = (
    RequirePermission
    | SetGrant
    | ClaimMessages
    | PutChunk
    | PutDocument
    | PutEntity
    | PutRelation
    | RetractRelation
    | Forget
    | PutItem
    | DeleteItem
)


@dataclass(frozen=True, slots=True)
class WriteResult:
    """What one ``GraphStore.aapply`` changed, counted inside its transaction."""

    revision: int
    documents_added: int = 0
    chunks_added: int = 0
    entities_added: int = 0
    relations_added: int = 0
    documents_removed: int = 0
    chunks_removed: int = 0
    entities_removed: int = 0
    relations_removed: int = 0
    relations_closed: int = 0
    """Relations whose ``invalid_at`` went from open to set by this write."""
    retractions_ignored: int = 0
    """Retractions written by this write that close nothing (a no-op, kept for later facts)."""


# -- read results ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class TextRecord:
    """A searchable text with its vector and links, as retrieval indexes load them.

    ``id`` is the chunk id for ``CHUNK`` and ``SUMMARY``, the entity id for ``ENTITY`` and the
    relation id for ``FACT``. ``entity_ids``: the entities a chunk (or its summary) mentions, in
    extraction order, or a fact's two endpoints. ``chunk_ids``: the chunks a fact was extracted
    from, or a summary's chunk. ``aliases``: other names an entity was mentioned by.
    ``session_ids`` / ``message_ids``: where session knowledge came from. ``unit``: a chunk's
    turn data (:attr:`Chunk.unit`), empty for every other record.

    Time (epoch seconds UTC): a ``FACT`` carries ``valid_at`` / ``invalid_at`` (``None``:
    current), ``superseded_by`` (the relation that replaced it, ``None`` when retracted or
    current), ``retracted_in`` (the chunk whose retraction closed it: "I quit Renault"; ``None``
    otherwise) and ``relation_kind`` (``"lives_in"``; ``None``: unknown kind; named so because
    ``kind`` is the record's :class:`TextKind`). A ``CHUNK`` carries ``fact_spans``: the
    ``(valid_at, invalid_at)`` of every single-valued fact it states, so retrieval can tell a turn
    stating a superseded fact; one that also ends a fact of a kind it states ("I quit Renault, I'm
    now at Zalando") tells what held before too, from :data:`EARLIEST_TIME` to its first start.
    """

    kind: TextKind
    id: str
    dataset: str
    text: str
    node_sets: frozenset[str]
    revision: int
    vector: Vector | None = None
    entity_ids: tuple[str, ...] = ()
    chunk_ids: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    session_ids: tuple[str, ...] = ()
    message_ids: tuple[str, ...] = ()
    unit: Mapping[str, Any] = field(default_factory=dict)
    valid_at: float | None = None
    invalid_at: float | None = None
    superseded_by: str | None = None
    retracted_in: str | None = None
    relation_kind: str | None = None
    fact_spans: tuple[tuple[float, float | None], ...] = ()


class EntityRef(NamedTuple):
    """Just enough of an entity to resolve a mention against it."""

    id: str
    name: str
    type: str


@dataclass(frozen=True, slots=True)
class EntityMatches:
    """What an entity lookup for resolution found in one dataset.

    ``by_key``: the entity each matched key (a normalised name or alias) resolves to.
    ``candidates``: per token group asked, the entities sharing most tokens with it, most shared
    first (ties by id). ``vectors``: the stored name vector of every candidate.
    """

    by_key: Mapping[str, EntityRef] = field(default_factory=dict)
    candidates: Sequence[list[EntityRef]] = ()
    vectors: Mapping[str, Vector] = field(default_factory=dict)


class Edge(NamedTuple):
    """A relation as the graph structure sees it."""

    relation_id: str
    source_id: str
    target_id: str
    predicate: str


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """Record ids written (inserted or changed) or deleted after a revision, up to ``revision``."""

    revision: int
    upserted: Mapping[RecordKind, frozenset[str]]
    deleted: Mapping[RecordKind, frozenset[str]]


@dataclass(frozen=True, slots=True)
class NodeSetStats:
    """Record counts of one node set."""

    documents: int = 0
    chunks: int = 0
    entities: int = 0
    relations: int = 0


@dataclass(frozen=True, slots=True)
class DatasetStats:
    """Record counts of one dataset, in total and per node set."""

    documents: int = 0
    chunks: int = 0
    entities: int = 0
    relations: int = 0
    node_sets: Mapping[str, NodeSetStats] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class GraphStats:
    """Record counts per dataset."""

    datasets: Mapping[str, DatasetStats]

    @property
    def documents(self) -> int:
        return sum(s.documents for s in self.datasets.values())

    @property
    def chunks(self) -> int:
        return sum(s.chunks for s in self.datasets.values())

    @property
    def entities(self) -> int:
        return sum(s.entities for s in self.datasets.values())

    @property
    def relations(self) -> int:
        return sum(s.relations for s in self.datasets.values())


@dataclass(frozen=True, slots=True)
class SnapshotNode:
    """An entity as a picture of the graph shows it."""

    id: str
    name: str
    type: str
    dataset: str
    node_sets: frozenset[str]
    degree: int


@dataclass(frozen=True, slots=True)
class GraphSnapshot:
    """The best-connected entities of some datasets and the relations among them."""

    nodes: list[SnapshotNode]
    edges: list[Edge]
    total_nodes: int
    total_edges: int
