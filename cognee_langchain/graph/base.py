"""The graph-store protocol: one batch write primitive, read primitives, and helpers built on top.

Like ``langgraph.store.base``, every write is a list of operations that
:meth:`GraphStore.apply` applies atomically (one transaction: all or nothing). Operations are
plain data, so any backend (the embedded SQLite store, a PostgreSQL store) implements the same
contract. Writes are idempotent and race-safe by construction: ids are content hashes and every
``Put*`` inserts or merges provenance.

Derived provenance is the store's job: a chunk's node sets are the union of its documents' node
sets, an entity's or relation's the union of its chunks'. ``Forget`` removes the selected documents
and, transitively, every chunk, entity and relation left without a source, recomputing the
provenance of what survives.

Each write transaction increments :meth:`GraphStore.current_revision`; every record carries the
revision that last changed it, so retrieval indexes update incrementally with
:meth:`GraphStore.changes_since`.

Stored vectors are float32 and L2-normalised (a dot product is the cosine similarity).
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple, TypeAlias

import numpy as np
import numpy.typing as npt

from cognee_langchain.graph.models import Chunk, Entity, Relation, SourceDocument
from cognee_langchain.permissions import DatasetInfo, Permission

__all__ = [
    "ChangeSet",
    "DatasetStats",
    "Edge",
    "EntityMention",
    "EntityRef",
    "Forget",
    "GraphSnapshot",
    "GraphStats",
    "GraphStore",
    "NodeSetStats",
    "PutChunk",
    "PutDocument",
    "PutEntity",
    "PutRelation",
    "RecordKind",
    "RelationMention",
    "RequirePermission",
    "SetGrant",
    "SnapshotNode",
    "TextKind",
    "TextRecord",
    "Vector",
    "WriteOp",
    "WriteResult",
]

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
    """Grant (``granted=True``) or revoke a permission; ``by_user_id`` needs ``share``."""

    dataset: str
    user_id: str
    permission: Permission
    granted: bool
    by_user_id: str


@dataclass(frozen=True, slots=True)
class PutChunk:
    """Insert a chunk with its vectors; a chunk already stored is left as it is."""

    id: str
    dataset: str
    text: str
    summary: str
    vector: Vector
    summary_vector: Vector | None = None


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
    entity and ignored when merging.
    """

    id: str
    dataset: str
    name: str
    type: str
    vector: Vector | None
    keys: tuple[str, ...]
    tokens: tuple[str, ...]
    mentions: tuple[EntityMention, ...]


@dataclass(frozen=True, slots=True)
class RelationMention:
    """A relation as one chunk states it."""

    chunk_id: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class PutRelation:
    """Insert a relation between two stored entities, or add mentions to the stored one.

    ``vector`` (of the fact sentence) is required for a new relation and ignored when merging.
    """

    id: str
    dataset: str
    source_id: str
    target_id: str
    predicate: str
    vector: Vector | None
    mentions: tuple[RelationMention, ...]


@dataclass(frozen=True, slots=True)
class Forget:
    """Remove the documents of ``dataset`` matching every given filter (all of them if none) and
    whatever was derived only from them."""

    dataset: str
    document_id: str | None = None
    node_set: str | None = None
    session_id: str | None = None


WriteOp: TypeAlias = (
    RequirePermission | SetGrant | PutChunk | PutDocument | PutEntity | PutRelation | Forget
)


@dataclass(frozen=True, slots=True)
class WriteResult:
    """What one :meth:`GraphStore.apply` changed, counted inside its transaction."""

    revision: int
    documents_added: int = 0
    chunks_added: int = 0
    entities_added: int = 0
    relations_added: int = 0
    documents_removed: int = 0
    chunks_removed: int = 0
    entities_removed: int = 0
    relations_removed: int = 0


# -- read results ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class TextRecord:
    """A searchable text with its vector and links, as retrieval indexes load them.

    ``id`` is the chunk id for ``CHUNK`` and ``SUMMARY``, the entity id for ``ENTITY`` and the
    relation id for ``FACT``. ``entity_ids``: the entities a chunk (or its summary) mentions, in
    extraction order, or a fact's two endpoints. ``chunk_ids``: the chunks a fact was extracted
    from, or a summary's chunk. ``aliases``: other names an entity was mentioned by.
    ``session_ids`` / ``message_ids``: where session knowledge came from.
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


class EntityRef(NamedTuple):
    """Just enough of an entity to resolve a mention against it."""

    id: str
    name: str
    type: str


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


# -- the protocol ---------------------------------------------------------------------------------
class GraphStore(ABC):
    """Where the knowledge graph lives. Knows nothing of LLMs or embeddings models.

    Implementations must make :meth:`apply` one atomic transaction and serve the reads below
    from committed state. Async twins default to running the sync method in a worker thread;
    a backend with a native async driver overrides them.
    """

    # -- the write primitive --------------------------------------------------------------------
    @abstractmethod
    def apply(self, ops: Sequence[WriteOp]) -> WriteResult:
        """Apply ``ops`` in order, in one transaction; raise (changing nothing) on any failure."""

    # -- read primitives ------------------------------------------------------------------------
    @abstractmethod
    def current_revision(self) -> int:
        """The revision of the last committed write (0 for an empty store)."""

    @abstractmethod
    def get_dataset(self, name: str) -> DatasetInfo | None:
        """The dataset's owner and grants, or ``None`` if it does not exist."""

    @abstractmethod
    def list_datasets(self) -> list[DatasetInfo]:
        """Every dataset, by name."""

    @abstractmethod
    def get_documents(self, ids: Sequence[str]) -> list[SourceDocument]:
        """Documents by id, in the order asked; unknown ids are skipped."""

    @abstractmethod
    def get_chunks(self, ids: Sequence[str]) -> list[Chunk]:
        """Chunks by id with full provenance, in the order asked; unknown ids are skipped."""

    @abstractmethod
    def get_entities(self, ids: Sequence[str]) -> list[Entity]:
        """Entities by id with full provenance, in the order asked; unknown ids are skipped."""

    @abstractmethod
    def get_relations(self, ids: Sequence[str]) -> list[Relation]:
        """Relations by id with full provenance, in the order asked; unknown ids are skipped."""

    @abstractmethod
    def existing_ids(self, kind: RecordKind, ids: Sequence[str]) -> set[str]:
        """The subset of ``ids`` stored as ``kind``."""

    @abstractmethod
    def list_documents(
        self, dataset: str, *, node_set: str | None = None, session_id: str | None = None
    ) -> list[SourceDocument]:
        """Documents of ``dataset`` (optionally of one node set / session), oldest first."""

    @abstractmethod
    def find_entities(self, dataset: str, keys: Sequence[str]) -> dict[str, EntityRef]:
        """Entities whose normalised name or alias is one of ``keys``, keyed by the matched key."""

    @abstractmethod
    def entity_candidates(
        self, dataset: str, tokens: Sequence[str], limit: int = 50
    ) -> list[EntityRef]:
        """Up to ``limit`` entities sharing a name token with ``tokens``, most shared first."""

    @abstractmethod
    def get_vectors(self, kind: TextKind, ids: Sequence[str]) -> dict[str, Vector]:
        """Stored vectors of ``kind`` by id (a summary without its own vector has none)."""

    @abstractmethod
    def read_records(
        self,
        kind: TextKind,
        datasets: Sequence[str],
        *,
        node_sets: Sequence[str] | None = None,
        ids: Sequence[str] | None = None,
        since_revision: int = 0,
        after_id: str = "",
        limit: int = 2000,
        with_vectors: bool = True,
    ) -> list[TextRecord]:
        """One page of searchable texts, ordered by id, with id > ``after_id``.

        Filters: ``node_sets`` keeps records in any of them; ``ids`` restricts to those ids;
        ``since_revision`` keeps records changed after it. Chunks with an empty summary have no
        ``SUMMARY`` record; a summary without its own vector carries its chunk's vector.
        """

    @abstractmethod
    def changes_since(self, revision: int) -> ChangeSet:
        """Ids of records written or deleted after ``revision``."""

    @abstractmethod
    def neighbors(
        self, entity_ids: Sequence[str], *, node_sets: Sequence[str] | None = None
    ) -> list[Edge]:
        """Relations touching any of ``entity_ids`` (either direction), optionally only those in
        one of ``node_sets``; each relation once."""

    @abstractmethod
    def chunks_of_entities(self, entity_ids: Sequence[str]) -> dict[str, list[str]]:
        """Ids of the chunks that mention each entity, oldest mention first."""

    @abstractmethod
    def entities_of_chunks(self, chunk_ids: Sequence[str]) -> dict[str, list[str]]:
        """Ids of the entities each chunk mentions, in extraction order."""

    @abstractmethod
    def stats(self, datasets: Sequence[str] | None = None) -> GraphStats:
        """Record counts of ``datasets`` (every dataset when ``None``)."""

    @abstractmethod
    def snapshot(self, datasets: Sequence[str], max_nodes: int = 2000) -> GraphSnapshot:
        """The ``max_nodes`` best-connected entities of ``datasets`` and their relations."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release the backend's resources. The store must not be used afterwards."""

    # -- helpers built on the primitives --------------------------------------------------------
    def iter_records(
        self,
        kind: TextKind,
        datasets: Sequence[str],
        *,
        node_sets: Sequence[str] | None = None,
        ids: Sequence[str] | None = None,
        since_revision: int = 0,
        with_vectors: bool = True,
        page_size: int = 2000,
    ) -> Iterator[TextRecord]:
        """Every matching record, page by page (see :meth:`read_records`).

        Pages are read separately, so read :meth:`current_revision` *before* iterating and later
        call :meth:`changes_since` with it to catch anything written meanwhile.
        """
        after = ""
        while True:
            page = self.read_records(
                kind,
                datasets,
                node_sets=node_sets,
                ids=ids,
                since_revision=since_revision,
                after_id=after,
                limit=page_size,
                with_vectors=with_vectors,
            )
            yield from page
            if len(page) < page_size:
                return
            after = page[-1].id

    def has_graph_data(self, dataset: str) -> bool:
        """Whether ``dataset`` holds at least one chunk."""
        found = self.stats([dataset]).datasets.get(dataset)
        return found is not None and found.chunks > 0

    # -- async twins ----------------------------------------------------------------------------
    async def aapply(self, ops: Sequence[WriteOp]) -> WriteResult:
        """Async twin of :meth:`apply`."""
        return await asyncio.to_thread(self.apply, ops)

    async def acurrent_revision(self) -> int:
        """Async twin of :meth:`current_revision`."""
        return await asyncio.to_thread(self.current_revision)

    async def aget_dataset(self, name: str) -> DatasetInfo | None:
        """Async twin of :meth:`get_dataset`."""
        return await asyncio.to_thread(self.get_dataset, name)

    async def alist_datasets(self) -> list[DatasetInfo]:
        """Async twin of :meth:`list_datasets`."""
        return await asyncio.to_thread(self.list_datasets)

    async def aget_documents(self, ids: Sequence[str]) -> list[SourceDocument]:
        """Async twin of :meth:`get_documents`."""
        return await asyncio.to_thread(self.get_documents, ids)

    async def aget_chunks(self, ids: Sequence[str]) -> list[Chunk]:
        """Async twin of :meth:`get_chunks`."""
        return await asyncio.to_thread(self.get_chunks, ids)

    async def aget_entities(self, ids: Sequence[str]) -> list[Entity]:
        """Async twin of :meth:`get_entities`."""
        return await asyncio.to_thread(self.get_entities, ids)

    async def aget_relations(self, ids: Sequence[str]) -> list[Relation]:
        """Async twin of :meth:`get_relations`."""
        return await asyncio.to_thread(self.get_relations, ids)

    async def aexisting_ids(self, kind: RecordKind, ids: Sequence[str]) -> set[str]:
        """Async twin of :meth:`existing_ids`."""
        return await asyncio.to_thread(self.existing_ids, kind, ids)

    async def alist_documents(
        self, dataset: str, *, node_set: str | None = None, session_id: str | None = None
    ) -> list[SourceDocument]:
        """Async twin of :meth:`list_documents`."""
        return await asyncio.to_thread(
            self.list_documents, dataset, node_set=node_set, session_id=session_id
        )

    async def afind_entities(self, dataset: str, keys: Sequence[str]) -> dict[str, EntityRef]:
        """Async twin of :meth:`find_entities`."""
        return await asyncio.to_thread(self.find_entities, dataset, keys)

    async def aentity_candidates(
        self, dataset: str, tokens: Sequence[str], limit: int = 50
    ) -> list[EntityRef]:
        """Async twin of :meth:`entity_candidates`."""
        return await asyncio.to_thread(self.entity_candidates, dataset, tokens, limit)

    async def aget_vectors(self, kind: TextKind, ids: Sequence[str]) -> dict[str, Vector]:
        """Async twin of :meth:`get_vectors`."""
        return await asyncio.to_thread(self.get_vectors, kind, ids)

    async def aread_records(
        self,
        kind: TextKind,
        datasets: Sequence[str],
        *,
        node_sets: Sequence[str] | None = None,
        ids: Sequence[str] | None = None,
        since_revision: int = 0,
        after_id: str = "",
        limit: int = 2000,
        with_vectors: bool = True,
    ) -> list[TextRecord]:
        """Async twin of :meth:`read_records`."""
        return await asyncio.to_thread(
            lambda: self.read_records(
                kind,
                datasets,
                node_sets=node_sets,
                ids=ids,
                since_revision=since_revision,
                after_id=after_id,
                limit=limit,
                with_vectors=with_vectors,
            )
        )

    async def aiter_records(
        self,
        kind: TextKind,
        datasets: Sequence[str],
        *,
        node_sets: Sequence[str] | None = None,
        ids: Sequence[str] | None = None,
        since_revision: int = 0,
        with_vectors: bool = True,
        page_size: int = 2000,
    ) -> AsyncIterator[TextRecord]:
        """Async twin of :meth:`iter_records`."""
        after = ""
        while True:
            page = await self.aread_records(
                kind,
                datasets,
                node_sets=node_sets,
                ids=ids,
                since_revision=since_revision,
                after_id=after,
                limit=page_size,
                with_vectors=with_vectors,
            )
            for record in page:
                yield record
            if len(page) < page_size:
                return
            after = page[-1].id

    async def achanges_since(self, revision: int) -> ChangeSet:
        """Async twin of :meth:`changes_since`."""
        return await asyncio.to_thread(self.changes_since, revision)

    async def aneighbors(
        self, entity_ids: Sequence[str], *, node_sets: Sequence[str] | None = None
    ) -> list[Edge]:
        """Async twin of :meth:`neighbors`."""
        return await asyncio.to_thread(lambda: self.neighbors(entity_ids, node_sets=node_sets))

    async def achunks_of_entities(self, entity_ids: Sequence[str]) -> dict[str, list[str]]:
        """Async twin of :meth:`chunks_of_entities`."""
        return await asyncio.to_thread(self.chunks_of_entities, entity_ids)

    async def aentities_of_chunks(self, chunk_ids: Sequence[str]) -> dict[str, list[str]]:
        """Async twin of :meth:`entities_of_chunks`."""
        return await asyncio.to_thread(self.entities_of_chunks, chunk_ids)

    async def astats(self, datasets: Sequence[str] | None = None) -> GraphStats:
        """Async twin of :meth:`stats`."""
        return await asyncio.to_thread(self.stats, datasets)

    async def asnapshot(self, datasets: Sequence[str], max_nodes: int = 2000) -> GraphSnapshot:
        """Async twin of :meth:`snapshot`."""
        return await asyncio.to_thread(self.snapshot, datasets, max_nodes)

    async def ahas_graph_data(self, dataset: str) -> bool:
        """Async twin of :meth:`has_graph_data`."""
        return await asyncio.to_thread(self.has_graph_data, dataset)

    async def aclose(self) -> None:
        """Async twin of :meth:`close`."""
        await asyncio.to_thread(self.close)
