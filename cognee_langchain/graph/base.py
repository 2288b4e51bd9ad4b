"""The graph-store protocol: a few async primitives, and helpers built on top of them.

**Async methods are the contract; sync twins are derived through one bridge; a backend whose
driver is sync (SQLite) implements the async primitives by running its sync code off the loop.**
Like ``langgraph.store.base.BaseStore``, a backend implements the ten abstract ``a*`` primitives
of :class:`GraphStore`; everything else (typed reads, lookups, paging, graph export) is a concrete
helper over them, and every sync method is its async twin driven by
:func:`cognee_langchain.core.aio.run_sync`. A backend may override a helper or a sync twin where
it has a measurably faster direct path for a hot caller, and says so where it does.

Every write is a list of operations (:mod:`cognee_langchain.graph.ops`, re-exported here) that
:meth:`GraphStore.aapply` applies atomically: one transaction, all or nothing. Writes are
idempotent and race-safe by construction: ids are content hashes and every ``Put*`` inserts or
merges provenance. :class:`cognee_langchain.testing.GraphStoreConformanceTests` checks a backend.

Over 500 lines because every primitive and helper has its sync twin here, next to it: the whole
contract reads in one place.

Session messages are stored once: :class:`ClaimMessages` claims each message key for the
document holding it inside the write, so a second writer of the same messages fails (changing
nothing) with a retryable :class:`~cognee_langchain.errors.WriteConflictError`. A write that
links a chunk, entity or relation a concurrent ``Forget`` removed fails the same way, never with
an :class:`~cognee_langchain.errors.InvalidInputError` (that is for records never written).
A backend maps its driver's faults to :class:`~cognee_langchain.errors.StoreBusyError`,
:class:`~cognee_langchain.errors.StoreUnavailableError` and
:class:`~cognee_langchain.errors.StoreCorruptedError`.

Derived provenance is the store's job: a chunk's node sets are the union of its documents', an
entity's or relation's the union of its chunks'. ``Forget`` removes the selected documents and,
transitively, every chunk, entity and relation left without a source, recomputing the provenance
of what survives. Each write transaction increments the revision; every record carries the
revision that last changed it, so indexes catch up with :meth:`GraphStore.achanges_since`.
Stored vectors are float32 and L2-normalised (a dot product is the cosine similarity).
"""

from __future__ import annotations

import asyncio
import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from cognee_langchain.core.aio import run_sync
from cognee_langchain.core.validation import check_int, check_number, check_positive
from cognee_langchain.errors import InvalidInputError
from cognee_langchain.graph.dump import (
    DatasetDump,
    StoredChunk,
    StoredEntity,
    StoredMention,
    StoredRelation,
)
from cognee_langchain.graph.items import DeleteItem, PutItem, StoreItem
from cognee_langchain.graph.models import Chunk, Entity, Relation, Retraction, SourceDocument
from cognee_langchain.graph.ops import (
    EARLIEST_TIME,
    ChangeSet,
    ClaimMessages,
    DatasetStats,
    Edge,
    EntityMatches,
    EntityMention,
    EntityRef,
    Forget,
    GraphSnapshot,
    GraphStats,
    Link,
    NodeSetStats,
    PutChunk,
    PutDocument,
    PutEntity,
    PutRelation,
    Record,
    RecordKind,
    RelationMention,
    RequirePermission,
    RetractRelation,
    SetGrant,
    SnapshotNode,
    TextKind,
    TextRecord,
    Vector,
    WriteOp,
    WriteResult,
)
from cognee_langchain.permissions import DatasetInfo

if TYPE_CHECKING:
    import networkx as nx


def _no_items(store: object) -> InvalidInputError:
    return InvalidInputError(
        f"{type(store).__name__} keeps no key-value items, which GraphMemoryStore needs: use "
        "SQLiteGraphStore (the default), or implement aget_items / alist_items and the "
        "PutItem / DeleteItem write operations in your graph store."
    )


def _no_history(store: object) -> InvalidInputError:
    return InvalidInputError(
        f"{type(store).__name__} keeps no fact history: use SQLiteGraphStore (the default), or "
        "implement arelation_history / aretractions and the RetractRelation write operation in "
        "your graph store."
    )


__all__ = [
    "EARLIEST_TIME",
    "ChangeSet",
    "ClaimMessages",
    "DatasetDump",
    "DatasetStats",
    "DeleteItem",
    "Edge",
    "EntityMatches",
    "EntityMention",
    "EntityRef",
    "Forget",
    "GraphSnapshot",
    "GraphStats",
    "GraphStore",
    "Link",
    "NodeSetStats",
    "PutChunk",
    "PutDocument",
    "PutEntity",
    "PutItem",
    "PutRelation",
    "Record",
    "RecordKind",
    "RelationMention",
    "RequirePermission",
    "RetractRelation",
    "Retraction",
    "SetGrant",
    "SnapshotNode",
    "StoreItem",
    "StoredChunk",
    "StoredEntity",
    "StoredMention",
    "StoredRelation",
    "TextKind",
    "TextRecord",
    "Vector",
    "WriteOp",
    "WriteResult",
]

_REVISION_POLL = 0.05  # seconds between two reads of the revision while waiting for a commit


class GraphStore(ABC):
    """Where the knowledge graph lives. Knows nothing of LLMs or embeddings models.

    Implementations make :meth:`aapply` one atomic transaction and serve every read from
    committed state. Subclass, implement the abstract async primitives, and run
    :class:`cognee_langchain.testing.GraphStoreConformanceTests` against the result.
    """

    # -- the contract: async primitives ---------------------------------------------------------
    @abstractmethod
    async def aapply(self, ops: Sequence[WriteOp]) -> WriteResult:
        """Apply ``ops`` in order, in one transaction; raise (changing nothing) on any failure.
        A batch that changes nothing commits nothing: the revision stays where it was."""

    @abstractmethod
    async def acurrent_revision(self) -> int:
        """The revision of the last committed write (0 for an empty store)."""

    @abstractmethod
    async def aget_datasets(self, names: Sequence[str] | None = None) -> list[DatasetInfo]:
        """The named datasets' owners and grants (every dataset when ``None``), by name; unknown
        names are skipped."""

    @abstractmethod
    async def aget_records(self, kind: RecordKind, ids: Sequence[str]) -> list[Record]:
        """Records of ``kind`` by id with full provenance, in the order asked (each once);
        unknown ids are skipped. ``DOCUMENT`` gives :class:`SourceDocument`, ``CHUNK``
        :class:`Chunk`, ``ENTITY`` :class:`Entity`, ``RELATION`` :class:`Relation`."""

    @abstractmethod
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
        """One page of searchable texts of ``datasets``, ordered by id, with id > ``after_id``:
        in one of ``node_sets``, among ``ids``, changed after ``since_revision`` (when given).
        Chunks with an empty summary have no ``SUMMARY`` record; a summary without its own
        vector carries its chunk's vector."""

    @abstractmethod
    async def achanges_since(self, revision: int) -> ChangeSet:
        """Ids of records written or deleted after ``revision``, as of the current revision."""

    @abstractmethod
    async def alinks(
        self, link: Link, ids: Sequence[str], *, node_sets: Sequence[str] | None = None
    ) -> dict[str, list[str]]:
        """For every id asked, the ids ``link`` leads to (see :class:`Link`; an empty list when
        none); with ``node_sets``, only linked records in one of them."""

    @abstractmethod
    async def alookup_entities(
        self,
        dataset: str,
        *,
        keys: Sequence[str] = (),
        token_groups: Sequence[Sequence[str]] = (),
        limit: int = 50,
    ) -> EntityMatches:
        """Entity resolution's read: the entities of ``dataset`` whose normalised name or alias
        is one of ``keys``, and per token group up to ``limit`` entities sharing a name token
        with it, most shared first, with their name vectors (see :class:`EntityMatches`)."""

    @abstractmethod
    async def astats(self, datasets: Sequence[str] | None = None) -> GraphStats:
        """Record counts of ``datasets`` (every dataset when ``None``); unknown ones skipped."""

    @abstractmethod
    async def asnapshot(
        self, datasets: Sequence[str], max_nodes: int | None = 2000
    ) -> GraphSnapshot:
        """The ``max_nodes`` best-connected entities of ``datasets`` (all when ``None``; ties by
        id) and the relations among them, with the totals."""

    async def aclose(self) -> None:  # noqa: B027 - optional hook
        """Release the backend's resources. The store must not be used afterwards."""

    async def aidentity(self) -> str | None:
        """A stable id of where this store's data lives, created with it and never reused by
        another store: a cache of derived data (the retrieval index's snapshot) is only valid
        for the store that wrote it. ``None`` (the default): nothing may be cached."""
        return None

    # -- key-value items (graph.items): optional, for GraphMemoryStore --------------------------
    async def aget_items(
        self, dataset: str, refs: Sequence[tuple[tuple[str, ...], str]]
    ) -> list[StoreItem]:
        """The items of ``dataset`` at ``refs`` (``(namespace, key)`` pairs) that exist, in the
        order asked. A backend that keeps items (applies :class:`PutItem` / :class:`DeleteItem`)
        overrides this and :meth:`alist_items`."""
        raise _no_items(self)

    async def alist_items(
        self, dataset: str, namespace_prefix: tuple[str, ...] = ()
    ) -> list[StoreItem]:
        """Every item of ``dataset`` whose namespace starts with the labels of
        ``namespace_prefix``, latest put first."""
        raise _no_items(self)

    # -- time: versions of a fact and retractions (optional, for history) ----------------------
    async def arelation_history(
        self, dataset: str, source_id: str, kind: str | None = None
    ) -> list[Relation]:
        """Every version of the facts of ``source_id`` in ``dataset`` (of one ``kind`` when
        given), current and closed, ordered by ``valid_at`` (then recorded time, then id).
        A backend that stores intervals (applies :class:`RetractRelation`) overrides this and
        :meth:`aretractions`."""
        raise _no_history(self)

    async def aretractions(self, dataset: str, source_id: str) -> list[Retraction]:
        """The retractions stated about ``source_id`` in ``dataset``, ordered by ``at``."""
        raise _no_history(self)

    # -- a whole dataset, for export and import: optional ---------------------------------------
    async def adump_dataset(self, dataset: str, *, with_vectors: bool = False) -> DatasetDump:
        """Everything stored of ``dataset`` (empty when it holds nothing), read in one
        snapshot: the rows :meth:`DatasetDump.restore_ops` writes back exactly (same ids, times,
        keys and mention order). Vectors only ``with_vectors``. A backend that can export
        overrides this; :class:`cognee_langchain.testing.GraphStoreConformanceTests` checks it."""
        raise InvalidInputError(
            f"{type(self).__name__} cannot export a dataset: use SQLiteGraphStore (the default), "
            "or implement GraphStore.adump_dataset in your graph store."
        )

    @property
    def announces_commits(self) -> bool:
        """Whether :meth:`anext_revision` is told of commits rather than polling for them: an
        index over such a store follows it in the background at no cost while nothing is
        written."""
        return False

    async def anext_revision(self, after: int, timeout: float) -> int:
        """Wait until the store's revision is no longer ``after`` (a write committed, by this
        process or another) or ``timeout`` seconds passed; return the current revision. Reads
        it every 50 ms; a store that is told of commits (PostgreSQL's ``LISTEN``) overrides
        this and waits without reading."""
        check_int(after, "after")
        timeout = check_number(timeout, "timeout")
        deadline = time.monotonic() + timeout
        while True:
            current = await self.acurrent_revision()
            left = deadline - time.monotonic()
            if current != after or left <= 0:
                return current
            await asyncio.sleep(min(_REVISION_POLL, left))

    # -- async helpers built on the primitives --------------------------------------------------
    async def aget_dataset(self, name: str) -> DatasetInfo | None:
        """The dataset's owner and grants, or ``None`` if it does not exist."""
        return next(iter(await self.aget_datasets([name])), None)

    async def alist_datasets(self) -> list[DatasetInfo]:
        """Every dataset, by name."""
        return await self.aget_datasets(None)

    async def aget_documents(self, ids: Sequence[str]) -> list[SourceDocument]:
        """Documents by id, in the order asked; unknown ids are skipped."""
        found = await self.aget_records(RecordKind.DOCUMENT, ids)
        return [r for r in found if isinstance(r, SourceDocument)]

    async def aget_chunks(self, ids: Sequence[str]) -> list[Chunk]:
        """Chunks by id with full provenance, in the order asked; unknown ids are skipped."""
        return [r for r in await self.aget_records(RecordKind.CHUNK, ids) if isinstance(r, Chunk)]

    async def aget_entities(self, ids: Sequence[str]) -> list[Entity]:
        """Entities by id with full provenance, in the order asked; unknown ids are skipped."""
        found = await self.aget_records(RecordKind.ENTITY, ids)
        return [r for r in found if isinstance(r, Entity)]

    async def aget_relations(self, ids: Sequence[str]) -> list[Relation]:
        """Relations by id with full provenance, in the order asked; unknown ids are skipped."""
        found = await self.aget_records(RecordKind.RELATION, ids)
        return [r for r in found if isinstance(r, Relation)]

    async def aexisting_ids(self, kind: RecordKind, ids: Sequence[str]) -> set[str]:
        """The subset of ``ids`` stored as ``kind``."""
        return {r.id for r in await self.aget_records(kind, ids)}

    async def alist_documents(
        self,
        dataset: str,
        *,
        node_set: str | None = None,
        session_id: str | None = None,
        user_id: str | None = None,
    ) -> list[SourceDocument]:
        """Documents of ``dataset`` (optionally of one node set / session / writing user), oldest
        first. Two users' sessions may share an id: pass ``user_id`` to get one user's."""
        wanted = None if node_set is None else [node_set]
        links = await self.alinks(Link.DOCUMENTS, [dataset], node_sets=wanted)
        documents = await self.aget_documents(links.get(dataset, []))
        return [
            d
            for d in documents
            if (session_id is None or d.session_id == session_id)
            and (user_id is None or d.user_id == user_id)
        ]

    async def afind_entities(self, dataset: str, keys: Sequence[str]) -> dict[str, EntityRef]:
        """Entities whose normalised name or alias is one of ``keys``, keyed by the matched key."""
        return dict((await self.alookup_entities(dataset, keys=keys)).by_key)

    async def aentity_candidates(
        self, dataset: str, tokens: Sequence[str], limit: int = 50
    ) -> list[EntityRef]:
        """Up to ``limit`` entities sharing a name token with ``tokens``, most shared first."""
        found = await self.alookup_entities(dataset, token_groups=[tokens], limit=limit)
        return list(found.candidates[0]) if found.candidates else []

    async def aget_vectors(self, kind: TextKind, ids: Sequence[str]) -> dict[str, Vector]:
        """The vectors :meth:`aread_records` carries for ``ids`` of ``kind``, by id."""
        if not ids:
            return {}
        datasets = [info.name for info in await self.aget_datasets()]
        return {
            r.id: r.vector
            async for r in self.aiter_records(kind, datasets, ids=ids)
            if r.vector is not None
        }

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
        """Every matching record, page by page (see :meth:`aread_records`). Pages are read
        separately: read :meth:`acurrent_revision` *before* iterating and later call
        :meth:`achanges_since` with it to catch anything written meanwhile."""
        check_positive(page_size, "page_size")
        opts: dict[str, Any] = dict(node_sets=node_sets, ids=ids, since_revision=since_revision)
        after = ""
        while True:
            page = await self.aread_records(
                kind, datasets, **opts, after_id=after, limit=page_size, with_vectors=with_vectors
            )
            for record in page:
                yield record
            if len(page) < page_size:
                return
            after = page[-1].id

    async def aneighbors(
        self, entity_ids: Sequence[str], *, node_sets: Sequence[str] | None = None
    ) -> list[Edge]:
        """Relations touching any of ``entity_ids`` (either direction), optionally only those in
        one of ``node_sets``; each relation once."""
        links = await self.alinks(Link.RELATIONS, entity_ids, node_sets=node_sets)
        ids = list(dict.fromkeys(r for e in entity_ids for r in links.get(e, [])))
        return [
            Edge(r.id, r.source_id, r.target_id, r.predicate)
            for r in await self.aget_relations(ids)
        ]

    async def achunks_of_entities(self, entity_ids: Sequence[str]) -> dict[str, list[str]]:
        """Ids of the chunks that mention each entity, oldest mention first."""
        return await self.alinks(Link.CHUNKS, entity_ids)

    async def aentities_of_chunks(self, chunk_ids: Sequence[str]) -> dict[str, list[str]]:
        """Ids of the entities each chunk mentions, in extraction order."""
        return await self.alinks(Link.ENTITIES, chunk_ids)

    async def ahas_graph_data(self, dataset: str) -> bool:
        """Whether ``dataset`` holds at least one chunk."""
        return bool(
            await self.aread_records(TextKind.CHUNK, [dataset], limit=1, with_vectors=False)
        )

    async def ato_networkx(self, datasets: Sequence[str]) -> nx.MultiDiGraph:
        """The entities and relations of ``datasets`` as a ``networkx.MultiDiGraph``, for your own
        analysis: a node per entity (``name``, ``type``, ``dataset``, ``node_sets``), an edge per
        relation keyed by its id (``predicate``)."""
        import networkx as nx

        snapshot = await self.asnapshot(datasets, max_nodes=None)
        graph = nx.MultiDiGraph()
        for node in snapshot.nodes:
            graph.add_node(
                node.id,
                name=node.name,
                type=node.type,
                dataset=node.dataset,
                node_sets=sorted(node.node_sets),
            )
        for edge in snapshot.edges:
            graph.add_edge(
                edge.source_id, edge.target_id, key=edge.relation_id, predicate=edge.predicate
            )
        return graph

    # -- sync twins, all through one bridge -----------------------------------------------------
    def apply(self, ops: Sequence[WriteOp]) -> WriteResult:
        """Sync twin of :meth:`aapply`."""
        return run_sync(self.aapply(ops))

    def current_revision(self) -> int:
        """Sync twin of :meth:`acurrent_revision`."""
        return run_sync(self.acurrent_revision())

    def next_revision(self, after: int, timeout: float) -> int:
        """Sync twin of :meth:`anext_revision`."""
        return run_sync(self.anext_revision(after, timeout))

    def get_datasets(self, names: Sequence[str] | None = None) -> list[DatasetInfo]:
        """Sync twin of :meth:`aget_datasets`."""
        return run_sync(self.aget_datasets(names))

    def get_records(self, kind: RecordKind, ids: Sequence[str]) -> list[Record]:
        """Sync twin of :meth:`aget_records`."""
        return run_sync(self.aget_records(kind, ids))

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
        """Sync twin of :meth:`aread_records`."""
        return run_sync(
            self.aread_records(
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

    def changes_since(self, revision: int) -> ChangeSet:
        """Sync twin of :meth:`achanges_since`."""
        return run_sync(self.achanges_since(revision))

    def links(
        self, link: Link, ids: Sequence[str], *, node_sets: Sequence[str] | None = None
    ) -> dict[str, list[str]]:
        """Sync twin of :meth:`alinks`."""
        return run_sync(self.alinks(link, ids, node_sets=node_sets))

    def lookup_entities(
        self,
        dataset: str,
        *,
        keys: Sequence[str] = (),
        token_groups: Sequence[Sequence[str]] = (),
        limit: int = 50,
    ) -> EntityMatches:
        """Sync twin of :meth:`alookup_entities`."""
        return run_sync(
            self.alookup_entities(dataset, keys=keys, token_groups=token_groups, limit=limit)
        )

    def stats(self, datasets: Sequence[str] | None = None) -> GraphStats:
        """Sync twin of :meth:`astats`."""
        return run_sync(self.astats(datasets))

    def snapshot(self, datasets: Sequence[str], max_nodes: int | None = 2000) -> GraphSnapshot:
        """Sync twin of :meth:`asnapshot`."""
        return run_sync(self.asnapshot(datasets, max_nodes))

    def close(self) -> None:
        """Sync twin of :meth:`aclose`."""
        run_sync(self.aclose())

    def identity(self) -> str | None:
        """Sync twin of :meth:`aidentity`."""
        return run_sync(self.aidentity())

    def get_items(
        self, dataset: str, refs: Sequence[tuple[tuple[str, ...], str]]
    ) -> list[StoreItem]:
        """Sync twin of :meth:`aget_items`."""
        return run_sync(self.aget_items(dataset, refs))

    def list_items(self, dataset: str, namespace_prefix: tuple[str, ...] = ()) -> list[StoreItem]:
        """Sync twin of :meth:`alist_items`."""
        return run_sync(self.alist_items(dataset, namespace_prefix))

    def relation_history(
        self, dataset: str, source_id: str, kind: str | None = None
    ) -> list[Relation]:
        """Sync twin of :meth:`arelation_history`."""
        return run_sync(self.arelation_history(dataset, source_id, kind))

    def retractions(self, dataset: str, source_id: str) -> list[Retraction]:
        """Sync twin of :meth:`aretractions`."""
        return run_sync(self.aretractions(dataset, source_id))

    def dump_dataset(self, dataset: str, *, with_vectors: bool = False) -> DatasetDump:
        """Sync twin of :meth:`adump_dataset`."""
        return run_sync(self.adump_dataset(dataset, with_vectors=with_vectors))

    def get_dataset(self, name: str) -> DatasetInfo | None:
        """Sync twin of :meth:`aget_dataset`."""
        return run_sync(self.aget_dataset(name))

    def list_datasets(self) -> list[DatasetInfo]:
        """Sync twin of :meth:`alist_datasets`."""
        return run_sync(self.alist_datasets())

    def get_documents(self, ids: Sequence[str]) -> list[SourceDocument]:
        """Sync twin of :meth:`aget_documents`."""
        return run_sync(self.aget_documents(ids))

    def get_chunks(self, ids: Sequence[str]) -> list[Chunk]:
        """Sync twin of :meth:`aget_chunks`."""
        return run_sync(self.aget_chunks(ids))

    def get_entities(self, ids: Sequence[str]) -> list[Entity]:
        """Sync twin of :meth:`aget_entities`."""
        return run_sync(self.aget_entities(ids))

    def get_relations(self, ids: Sequence[str]) -> list[Relation]:
        """Sync twin of :meth:`aget_relations`."""
        return run_sync(self.aget_relations(ids))

    def existing_ids(self, kind: RecordKind, ids: Sequence[str]) -> set[str]:
        """Sync twin of :meth:`aexisting_ids`."""
        return run_sync(self.aexisting_ids(kind, ids))

    def list_documents(
        self,
        dataset: str,
        *,
        node_set: str | None = None,
        session_id: str | None = None,
        user_id: str | None = None,
    ) -> list[SourceDocument]:
        """Sync twin of :meth:`alist_documents`."""
        return run_sync(
            self.alist_documents(dataset, node_set=node_set, session_id=session_id, user_id=user_id)
        )

    def find_entities(self, dataset: str, keys: Sequence[str]) -> dict[str, EntityRef]:
        """Sync twin of :meth:`afind_entities`."""
        return run_sync(self.afind_entities(dataset, keys))

    def entity_candidates(
        self, dataset: str, tokens: Sequence[str], limit: int = 50
    ) -> list[EntityRef]:
        """Sync twin of :meth:`aentity_candidates`."""
        return run_sync(self.aentity_candidates(dataset, tokens, limit))

    def get_vectors(self, kind: TextKind, ids: Sequence[str]) -> dict[str, Vector]:
        """Sync twin of :meth:`aget_vectors`."""
        return run_sync(self.aget_vectors(kind, ids))

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
        """Sync twin of :meth:`aiter_records`, paging through :meth:`read_records`."""
        check_positive(page_size, "page_size")
        opts: dict[str, Any] = dict(node_sets=node_sets, ids=ids, since_revision=since_revision)
        after = ""
        while True:
            page = self.read_records(
                kind, datasets, **opts, after_id=after, limit=page_size, with_vectors=with_vectors
            )
            yield from page
            if len(page) < page_size:
                return
            after = page[-1].id

    def neighbors(
        self, entity_ids: Sequence[str], *, node_sets: Sequence[str] | None = None
    ) -> list[Edge]:
        """Sync twin of :meth:`aneighbors`."""
        return run_sync(self.aneighbors(entity_ids, node_sets=node_sets))

    def chunks_of_entities(self, entity_ids: Sequence[str]) -> dict[str, list[str]]:
        """Sync twin of :meth:`achunks_of_entities`."""
        return run_sync(self.achunks_of_entities(entity_ids))

    def entities_of_chunks(self, chunk_ids: Sequence[str]) -> dict[str, list[str]]:
        """Sync twin of :meth:`aentities_of_chunks`."""
        return run_sync(self.aentities_of_chunks(chunk_ids))

    def has_graph_data(self, dataset: str) -> bool:
        """Sync twin of :meth:`ahas_graph_data`."""
        return run_sync(self.ahas_graph_data(dataset))

    def to_networkx(self, datasets: Sequence[str]) -> nx.MultiDiGraph:
        """Sync twin of :meth:`ato_networkx`."""
        return run_sync(self.ato_networkx(datasets))
