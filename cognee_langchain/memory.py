"""``GraphMemory``: the facade that owns a graph store, a session store, an extractor and an
embeddings model, and turns text into knowledge-graph memory.

Everything defaults to embedded and offline (a SQLite graph and session store under
``./.cognee_langchain/``, the offline extractor, WordLlama embeddings), created lazily on first
use so constructing a ``GraphMemory`` loads no model and opens no file.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

import numpy as np
from langchain_core.documents import Document

from cognee_langchain._async import claimed, run_sync
from cognee_langchain.errors import CogneeLangchainError, ExtractionError, InvalidInputError
from cognee_langchain.extraction.chunking import TextChunker
from cognee_langchain.extraction.schema import ChunkExtraction
from cognee_langchain.graph.base import (
    EntityMention,
    Forget,
    GraphStats,
    GraphStore,
    PutChunk,
    PutDocument,
    PutEntity,
    PutRelation,
    RecordKind,
    RelationMention,
    RequirePermission,
    SetGrant,
    WriteOp,
)
from cognee_langchain.graph.models import (
    SourceDocument,
    SourceItem,
    content_id,
    normalize_text,
    render_fact,
)
from cognee_langchain.graph.resolution import (
    DEFAULT_TYPE,
    EntityResolver,
    Mention,
    Resolution,
    normalize_predicate,
)
from cognee_langchain.ids import validate_id
from cognee_langchain.permissions import DatasetInfo, Permission, parse_permission, require
from cognee_langchain.users import User, get_default_user_sync

if TYPE_CHECKING:
    import numpy.typing as npt
    from langchain_core.embeddings import Embeddings
    from langchain_core.language_models import BaseChatModel
    from langchain_core.tools import BaseTool

    from cognee_langchain.extraction.base import GraphExtractor
    from cognee_langchain.pipelines.persist_sessions import PersistSessionsResult, PipelineRun
    from cognee_langchain.recall import RecallResult
    from cognee_langchain.retrieval.config import SearchConfig
    from cognee_langchain.retrieval.graph_index import GraphIndex
    from cognee_langchain.retrievers import GraphRetriever
    from cognee_langchain.sessions.base import SessionStore

__all__ = [
    "DEFAULT_DATASET",
    "MAX_TEXT_CHARS",
    "TEXT_FILE_SUFFIXES",
    "ForgetResult",
    "GraphMemory",
    "RememberData",
    "RememberResult",
]

DEFAULT_DATASET = "main_dataset"
MAX_TEXT_CHARS = 10_000_000
TEXT_FILE_SUFFIXES = (".txt", ".md")
# A str longer than this, or spanning lines, is always text, never a file name.
_MAX_PATH_CHARS = 4096

T = TypeVar("T")

RememberItem: TypeAlias = str | os.PathLike[str] | Document | SourceItem
#: What ``remember`` accepts: one item or a list of them.
RememberData: TypeAlias = RememberItem | Sequence[RememberItem]


@dataclass(frozen=True, slots=True)
class RememberResult:
    """What one ``remember`` / ``ingest`` call added to the graph.

    ``document_ids`` has one id per input item, in input order, whether the item was new or a
    duplicate; pass one to ``forget(document_id=...)``. ``documents_skipped``: items already
    stored (or repeated in the call). ``chunks_skipped``: chunks of new documents that were stored
    already, so not extracted again. ``entities_merged``: entities already in the graph that the
    new content mentions again (their provenance grew). ``revision``: the store revision after
    the write (unchanged when nothing was added).
    """

    dataset: str
    node_set: str | None
    document_ids: tuple[str, ...]
    documents_added: int
    documents_skipped: int
    chunks_added: int
    chunks_skipped: int
    entities_added: int
    entities_merged: int
    relations_added: int
    revision: int


@dataclass(frozen=True, slots=True)
class ForgetResult:
    """What one ``forget`` call removed from the graph."""

    dataset: str
    documents_removed: int
    chunks_removed: int
    entities_removed: int
    relations_removed: int
    revision: int


@dataclass
class _Plan:
    """What one ingestion must write: its new documents, the chunks not stored yet (id -> text),
    and how many of its chunks were stored already."""

    documents: list[SourceDocument]
    new_chunks: dict[str, str]
    chunks_skipped: int


class GraphMemory:
    """Graph memory for LangChain / LangGraph agents.

    Args:
        data_dir: Where the embedded stores live (default ``./.cognee_langchain/``).
        llm: A chat model for extraction (``LLMGraphExtractor``); offline extraction when ``None``.
        embeddings: Any LangChain ``Embeddings`` (default: offline ``WordLlamaEmbeddings``).
        session_store: Where chat sessions are cached (default: SQLite in ``data_dir``).
        graph_store: Where the graph lives (default: :class:`SQLiteGraphStore` in ``data_dir``).
        user: Who acts when a method gets no ``user`` (default: :func:`get_default_user_sync`).
        extractor: Overrides the extractor chosen from ``llm``.
        chunk_size: Maximum chunk length in characters (default: ``TextChunker``'s).
        chunk_overlap: Characters shared by consecutive chunks (default: ``TextChunker``'s).
        resolver: Entity resolution settings (default: :class:`EntityResolver`).
    """

    #: Chunks handed to the extractor per call; the progress bar advances per batch.
    extraction_batch_size = 128

    def __init__(
        self,
        data_dir: str | os.PathLike[str] | None = None,
        *,
        llm: BaseChatModel | None = None,
        embeddings: Embeddings | None = None,
        session_store: SessionStore | None = None,
        graph_store: GraphStore | None = None,
        user: User | None = None,
        extractor: GraphExtractor | None = None,
        chunk_size: int | None = None,
        chunk_overlap: int | None = None,
        resolver: EntityResolver | None = None,
    ) -> None:
        if data_dir is not None and not isinstance(data_dir, str | os.PathLike):
            raise InvalidInputError(
                f"data_dir must be a str or Path, got {type(data_dir).__name__}: pass a directory."
            )
        if user is not None and not isinstance(user, User):
            raise InvalidInputError(
                f"user must be a User, got {type(user).__name__}: use get_default_user() or User()."
            )
        self.data_dir = Path(data_dir if data_dir is not None else ".cognee_langchain").absolute()
        self.llm = llm
        self.user = user or get_default_user_sync()
        chunk_args = {"chunk_size": chunk_size, "chunk_overlap": chunk_overlap}
        self.chunker = TextChunker(**{k: v for k, v in chunk_args.items() if v is not None})
        self.resolver = resolver or EntityResolver()
        self._graph_store = graph_store
        self._session_store = session_store
        self._embeddings = embeddings
        self._extractor = extractor
        self._graph_index: GraphIndex | None = None
        self._owned: list[str] = []  # attributes holding stores this memory opened
        self._init_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"GraphMemory(data_dir={str(self.data_dir)!r}, user={self.user.id!r})"

    # -- lazily created components ----------------------------------------------------------------
    def _lazy(self, attribute: str, factory: Callable[[], T]) -> T:
        value: T | None = getattr(self, attribute)
        if value is None:
            with self._init_lock:
                value = getattr(self, attribute)
                if value is None:
                    value = factory()
                    setattr(self, attribute, value)
        return value

    @property
    def graph_store(self) -> GraphStore:
        """The graph store (``data_dir/graph.sqlite`` unless one was passed)."""

        def create() -> GraphStore:
            from cognee_langchain.graph.sqlite import SQLiteGraphStore

            self._owned.append("_graph_store")
            return SQLiteGraphStore(self.data_dir / "graph.sqlite")

        return self._lazy("_graph_store", create)

    @property
    def session_store(self) -> SessionStore:
        """The session store (``data_dir/sessions.sqlite`` unless one was passed)."""

        def create() -> SessionStore:
            from cognee_langchain.sessions.sqlite import SQLiteSessionStore

            self._owned.append("_session_store")
            return SQLiteSessionStore(self.data_dir / "sessions.sqlite")

        return self._lazy("_session_store", create)

    @property
    def embeddings(self) -> Embeddings:
        """The embeddings model (offline ``WordLlamaEmbeddings`` unless one was passed)."""

        def create() -> Embeddings:
            from cognee_langchain.embeddings import WordLlamaEmbeddings

            return WordLlamaEmbeddings()

        return self._lazy("_embeddings", create)

    @property
    def extractor(self) -> GraphExtractor:
        """The graph extractor: ``LLMGraphExtractor(llm)`` with a chat model, else offline."""

        def create() -> GraphExtractor:
            if self.llm is None:
                from cognee_langchain.extraction.offline import OfflineGraphExtractor

                return OfflineGraphExtractor()
            from cognee_langchain.extraction.llm import LLMGraphExtractor

            return LLMGraphExtractor(self.llm)

        return self._lazy("_extractor", create)

    @property
    def graph_index(self) -> GraphIndex:
        """The search index over the graph store: loaded from the stored vectors on the first
        search, then caught up incrementally with every write."""

        def create() -> GraphIndex:
            from cognee_langchain.retrieval.graph_index import GraphIndex

            return GraphIndex()

        return self._lazy("_graph_index", create)

    # -- remember -------------------------------------------------------------------------------
    def remember(
        self,
        data: RememberData,
        dataset: str = DEFAULT_DATASET,
        node_set: str | None = None,
        user: User | None = None,
    ) -> RememberResult:
        """Add ``data`` to the knowledge graph: chunk, extract, resolve entities, embed, store.

        ``data`` is a str, a LangChain ``Document``, a ``pathlib.Path`` to a ``.txt`` / ``.md``
        file, a :class:`SourceItem`, or a list of these. A str is read as a file only when it is
        a single line ending in ``.txt`` / ``.md`` naming an existing file; any other str is text
        (pass a ``Path`` to get an error for a missing file). Each text may hold at most
        :data:`MAX_TEXT_CHARS` characters.

        Everything is written in one transaction after extraction succeeded: on any error nothing
        is stored. Content already stored adds nothing and is not extracted again.

        Raises:
            InvalidInputError: empty, oversized or wrongly typed data, a missing or unsupported
                file, a malformed dataset / node set name.
            PermissionDeniedError: ``user`` may not write ``dataset``.
            ExtractionError: the extractor or embeddings model failed.
        """
        return run_sync(self.aremember(data, dataset, node_set, user))

    async def aremember(
        self,
        data: RememberData,
        dataset: str = DEFAULT_DATASET,
        node_set: str | None = None,
        user: User | None = None,
    ) -> RememberResult:
        """Async twin of :meth:`remember`."""
        _check_dataset(dataset)
        items = await asyncio.to_thread(_items_from, data)
        return await self.aingest(items, dataset, node_set, user)

    def ingest(
        self,
        items: Sequence[SourceItem],
        dataset: str = DEFAULT_DATASET,
        node_set: str | None = None,
        user: User | None = None,
        *,
        chunk_size: int | None = None,
        chunk_overlap: int | None = None,
    ) -> RememberResult:
        """Sync twin of :meth:`aingest`."""
        return run_sync(
            self.aingest(
                items, dataset, node_set, user, chunk_size=chunk_size, chunk_overlap=chunk_overlap
            )
        )

    async def aingest(
        self,
        items: Sequence[SourceItem],
        dataset: str = DEFAULT_DATASET,
        node_set: str | None = None,
        user: User | None = None,
        *,
        chunk_size: int | None = None,
        chunk_overlap: int | None = None,
    ) -> RememberResult:
        """Ingest :class:`SourceItem`s: the core shared by ``remember`` and session persistence.

        Every document, chunk, entity and relation written carries the items' provenance
        (``node_set``, ``session_id``, ``message_ids``). One extractor call per batch of
        :attr:`extraction_batch_size` new chunks; one transaction for the whole call.
        ``chunk_size`` / ``chunk_overlap`` override the memory's chunking for this call (e.g.
        larger chunks to extract many short Q&A entries in one call); an overlap not given is
        the memory's, capped below the chunk size.
        """
        _check_dataset(dataset)
        if node_set is not None:
            validate_id(node_set, "node_set")
        who = self._user_of(user)
        items = _check_items(items)
        chunker = self._chunker_for(chunk_size, chunk_overlap)
        store = self.graph_store
        # Fail before spending extraction calls; the write re-checks atomically.
        await self._acheck(dataset, Permission.WRITE, who, missing_ok=True)
        plan = await self._aplan(store, dataset, node_set, items, chunker)
        document_ids = tuple(_document_id(dataset, node_set, item) for item in items)
        if not plan.documents:  # everything is stored already
            return RememberResult(
                dataset=dataset,
                node_set=node_set,
                document_ids=document_ids,
                documents_added=0,
                documents_skipped=len(items),
                chunks_added=0,
                chunks_skipped=0,
                entities_added=0,
                entities_merged=0,
                relations_added=0,
                revision=await store.acurrent_revision(),
            )
        chunk_ids, texts = list(plan.new_chunks), list(plan.new_chunks.values())
        # Chunk vectors do not depend on extraction: compute them while the extractor runs.
        embedding = asyncio.ensure_future(self._aembed(texts))
        try:
            extractions = await self._aextract(texts, dataset)
            mentions, relations = _collect(chunk_ids, extractions)
            chunk_vectors = await embedding
        finally:
            await _settle(embedding)
        # Resolution reads the stored entities: two ingests into one dataset resolving at the
        # same time would each miss the other's new entities and store near-duplicates, so
        # resolve-and-write is serialised per dataset (extraction above stays concurrent).
        async with claimed([("graph-write", id(store), dataset)]):
            resolution = await self.resolver.aresolve(store, dataset, mentions, self._aembed)
            ops = await self._abuild_ops(
                store, dataset, plan, extractions, chunk_vectors, resolution, relations
            )
            written = await store.aapply(
                [RequirePermission(dataset, who.id, Permission.WRITE, create=True), *ops]
            )
        return RememberResult(
            dataset=dataset,
            node_set=node_set,
            document_ids=document_ids,
            documents_added=written.documents_added,
            documents_skipped=len(items) - written.documents_added,
            chunks_added=written.chunks_added,
            chunks_skipped=plan.chunks_skipped,
            entities_added=written.entities_added,
            entities_merged=sum(not e.new for e in resolution.entities.values()),
            relations_added=written.relations_added,
            revision=written.revision,
        )

    def _chunker_for(self, chunk_size: int | None, chunk_overlap: int | None) -> TextChunker:
        """The memory's chunker, or one with this call's sizes (``TextChunker`` validates them)."""
        if chunk_size is None and chunk_overlap is None:
            return self.chunker
        size = self.chunker.chunk_size if chunk_size is None else chunk_size
        if chunk_overlap is None:
            # the memory's overlap, capped so that a smaller chunk size stays valid
            chunk_overlap = (
                min(self.chunker.chunk_overlap, size // 2) if isinstance(size, int) else 0
            )
        return TextChunker(size, chunk_overlap)

    async def _aplan(
        self,
        store: GraphStore,
        dataset: str,
        node_set: str | None,
        items: Sequence[SourceItem],
        chunker: TextChunker,
    ) -> _Plan:
        """Documents not stored yet, cut into chunks; chunks not stored yet, to extract."""
        documents: dict[str, tuple[SourceItem, str]] = {}
        for item in items:
            documents.setdefault(
                _document_id(dataset, node_set, item), (item, normalize_text(item.text))
            )
        stored = await store.aexisting_ids(RecordKind.DOCUMENT, list(documents))
        fresh = {doc_id: pair for doc_id, pair in documents.items() if doc_id not in stored}
        chunked = await asyncio.to_thread(
            lambda: {doc_id: chunker.split(text) or [text] for doc_id, (_, text) in fresh.items()}
        )
        texts: dict[str, str] = {}
        for pieces in chunked.values():
            for piece in pieces:
                texts.setdefault(content_id("chunk", dataset, piece), piece)
        known = await store.aexisting_ids(RecordKind.CHUNK, list(texts))
        now = time.time()
        return _Plan(
            documents=[
                SourceDocument(
                    id=doc_id,
                    dataset=dataset,
                    created_at=now,
                    name=item.name,
                    node_set=node_set,
                    session_id=item.session_id,
                    message_ids=item.message_ids,
                    metadata=item.metadata,
                    chunk_ids=tuple(content_id("chunk", dataset, p) for p in chunked[doc_id]),
                    length=len(text),
                )
                for doc_id, (item, text) in fresh.items()
            ],
            new_chunks={cid: text for cid, text in texts.items() if cid not in known},
            chunks_skipped=len(known),
        )

    async def _aextract(self, texts: list[str], dataset: str) -> list[ChunkExtraction]:
        """Extract every chunk, with a progress bar on long runs.

        Batches run concurrently (the extractor bounds its own concurrency), so no batch waits
        for the slowest call of the one before; the first failure cancels the rest.
        """
        if not texts:
            return []
        from tqdm.auto import tqdm

        size = self.extraction_batch_size
        name = type(self.extractor).__name__
        # disable=None: tqdm shows the bar only on a terminal.
        with tqdm(
            total=len(texts),
            desc=f"remember {dataset}",
            unit="chunk",
            disable=None if len(texts) > size else True,
            leave=False,
        ) as progress:

            async def extract(batch: list[str]) -> list[ChunkExtraction]:
                try:
                    extracted = await self.extractor.aextract(batch)
                except CogneeLangchainError:
                    raise
                except Exception as exc:
                    raise ExtractionError(f"{name} failed on {len(batch)} chunk(s)", exc) from exc
                if len(extracted) != len(batch) or not all(
                    isinstance(e, ChunkExtraction) for e in extracted
                ):
                    raise ExtractionError(
                        f"{name} returned {len(extracted)} results for {len(batch)} chunks; an "
                        "extractor must return one ChunkExtraction per chunk"
                    )
                progress.update(len(batch))
                return extracted

            tasks = [
                asyncio.ensure_future(extract(texts[start : start + size]))
                for start in range(0, len(texts), size)
            ]
            try:
                batches = await asyncio.gather(*tasks)
            except BaseException:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                raise
        return [extraction for batch in batches for extraction in batch]

    async def _aembed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Embed ``texts`` as an L2-normalised float32 matrix, one row per text."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        model = self.embeddings
        # Models offering embed_array (WordLlamaEmbeddings) hand over a numpy array directly,
        # which skips converting every vector to a list of floats and back.
        embed_array = getattr(model, "embed_array", None)
        try:
            if callable(embed_array):
                raw = await asyncio.to_thread(embed_array, list(texts))
            else:
                raw = await model.aembed_documents(list(texts))
        except CogneeLangchainError:
            raise
        except Exception as exc:
            raise ExtractionError(
                f"Embedding {len(texts)} text(s) with {type(model).__name__} failed", exc
            ) from exc
        matrix = np.array(raw, dtype=np.float32)  # a copy: normalised in place below
        if matrix.ndim != 2 or matrix.shape[0] != len(texts) or not np.isfinite(matrix).all():
            raise ExtractionError(
                f"{type(model).__name__} returned unusable vectors (shape {matrix.shape} for "
                f"{len(texts)} texts); an Embeddings model must return one finite vector per text"
            )
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        norms[norms == 0] = 1
        matrix /= norms
        return matrix

    async def _abuild_ops(
        self,
        store: GraphStore,
        dataset: str,
        plan: _Plan,
        extractions: list[ChunkExtraction],
        chunk_vectors: npt.NDArray[np.float32],
        resolution: Resolution,
        relations: list[tuple[str, str, str, str, str]],
    ) -> list[WriteOp]:
        """The write: chunks, documents, entities, relations, each with its vectors."""
        chunk_ids = list(plan.new_chunks)
        summaries = {
            cid: e.summary.strip()
            for cid, e in zip(chunk_ids, extractions, strict=True)
            if e.summary.strip() and e.summary.strip() != plan.new_chunks[cid]
        }
        merged_relations: dict[tuple[str, str, str], dict[str, RelationMention]] = {}
        for chunk_id, source_key, predicate, target_key, description in relations:
            source = resolution.entity_of_key[source_key]
            target = resolution.entity_of_key[target_key]
            if source == target:
                continue  # both names resolved to one entity: not a fact about two things
            mentions = merged_relations.setdefault((source, predicate, target), {})
            mentions.setdefault(chunk_id, RelationMention(chunk_id, description))
        relation_ids = {
            triple: content_id("relation", dataset, *triple) for triple in merged_relations
        }
        stored = await store.aexisting_ids(RecordKind.RELATION, list(relation_ids.values()))
        new_relations = [t for t, rid in relation_ids.items() if rid not in stored]
        names = {e.id: e.name for e in resolution.entities.values()}
        # The vector embeds the triple only: descriptions can change when a source is forgotten.
        facts = [render_fact(names[s], predicate, names[t]) for s, predicate, t in new_relations]
        vectors = await self._aembed([*summaries.values(), *facts])
        summary_vectors = dict(zip(summaries, vectors[: len(summaries)], strict=True))
        fact_vectors = dict(zip(new_relations, vectors[len(summaries) :], strict=True))
        ops: list[WriteOp] = [
            PutChunk(
                id=cid,
                dataset=dataset,
                text=plan.new_chunks[cid],
                summary=extraction.summary.strip(),
                vector=vector,
                summary_vector=summary_vectors.get(cid),
            )
            for cid, extraction, vector in zip(chunk_ids, extractions, chunk_vectors, strict=True)
        ]
        ops.extend(PutDocument(doc) for doc in plan.documents)
        ops.extend(
            PutEntity(
                id=entity.id,
                dataset=dataset,
                name=entity.name,
                type=entity.type,
                vector=entity.vector,
                keys=entity.keys,
                tokens=entity.tokens,
                mentions=tuple(
                    EntityMention(m.chunk_id, m.name, m.description) for m in entity.mentions
                ),
            )
            for entity in resolution.entities.values()
        )
        ops.extend(
            PutRelation(
                id=relation_ids[triple],
                dataset=dataset,
                source_id=triple[0],
                target_id=triple[2],
                predicate=triple[1],
                vector=fact_vectors.get(triple),
                mentions=tuple(mentions.values()),
            )
            for triple, mentions in merged_relations.items()
        )
        return ops

    # -- forget ---------------------------------------------------------------------------------
    def forget(
        self,
        dataset: str,
        document_id: str | None = None,
        node_set: str | None = None,
        session_id: str | None = None,
        user: User | None = None,
    ) -> ForgetResult:
        """Remove documents of ``dataset`` and everything derived only from them.

        Filters combine: ``document_id`` (from :attr:`RememberResult.document_ids`),
        ``node_set``, ``session_id``; with none, the whole dataset's content goes (the dataset
        itself, its owner and grants stay). A chunk, entity or relation also supported by a
        document that stays survives, with its provenance recomputed. Cached sessions are not
        touched. Needs ``delete`` permission.
        """
        return run_sync(self.aforget(dataset, document_id, node_set, session_id, user))

    async def aforget(
        self,
        dataset: str,
        document_id: str | None = None,
        node_set: str | None = None,
        session_id: str | None = None,
        user: User | None = None,
    ) -> ForgetResult:
        """Async twin of :meth:`forget`."""
        _check_dataset(dataset)
        for value, kind in (
            (document_id, "document_id"),
            (node_set, "node_set"),
            (session_id, "session_id"),
        ):
            if value is not None:
                validate_id(value, kind)
        who = self._user_of(user)
        written = await self.graph_store.aapply(
            [
                RequirePermission(dataset, who.id, Permission.DELETE),
                Forget(dataset, document_id, node_set, session_id),
            ]
        )
        return ForgetResult(
            dataset=dataset,
            documents_removed=written.documents_removed,
            chunks_removed=written.chunks_removed,
            entities_removed=written.entities_removed,
            relations_removed=written.relations_removed,
            revision=written.revision,
        )

    # -- improve: persist cached sessions into the graph ----------------------------------------
    def improve(
        self,
        dataset: str = DEFAULT_DATASET,
        session_ids: Sequence[str] | None = None,
        user: User | None = None,
        run_in_background: bool = False,
    ) -> PersistSessionsResult | PipelineRun:
        """Persist the cached Q&A of ``session_ids`` into ``dataset``'s graph (sync twin of
        :meth:`aimprove`). With ``run_in_background=True`` the run continues on the package's
        background loop and a :class:`~cognee_langchain.pipelines.PipelineRun` returns at once."""
        return run_sync(self.aimprove(dataset, session_ids, user, run_in_background))

    async def aimprove(
        self,
        dataset: str = DEFAULT_DATASET,
        session_ids: Sequence[str] | None = None,
        user: User | None = None,
        run_in_background: bool = False,
    ) -> PersistSessionsResult | PipelineRun:
        """Persist sessions into the knowledge graph: cognee's ``improve(dataset, session_ids)``.

        Runs :func:`~cognee_langchain.pipelines.persist_sessions_in_knowledge_graph_pipeline` for
        ``user`` (default: this memory's user). Only Q&A added since the last run into
        ``dataset`` is persisted, under the node set ``user_sessions_from_cache``.
        """
        from cognee_langchain.pipelines.persist_sessions import (
            persist_sessions_in_knowledge_graph_pipeline,
        )

        return await persist_sessions_in_knowledge_graph_pipeline(
            self._user_of(user),
            session_ids,
            dataset,
            run_in_background,
            memory=self,
        )

    # -- permissions ----------------------------------------------------------------------------
    def grant(
        self,
        dataset: str,
        user_id: str | User,
        permission: Permission | str,
        by: User | None = None,
    ) -> None:
        """Give ``user_id`` a permission on ``dataset``; ``by`` must own it or hold ``share``."""
        run_sync(self.agrant(dataset, user_id, permission, by))

    async def agrant(
        self,
        dataset: str,
        user_id: str | User,
        permission: Permission | str,
        by: User | None = None,
    ) -> None:
        """Async twin of :meth:`grant`."""
        await self._aset_grant(dataset, user_id, permission, by, granted=True)

    def revoke(
        self,
        dataset: str,
        user_id: str | User,
        permission: Permission | str,
        by: User | None = None,
    ) -> None:
        """Take a permission on ``dataset`` back from ``user_id``; ``by`` needs ``share``."""
        run_sync(self.arevoke(dataset, user_id, permission, by))

    async def arevoke(
        self,
        dataset: str,
        user_id: str | User,
        permission: Permission | str,
        by: User | None = None,
    ) -> None:
        """Async twin of :meth:`revoke`."""
        await self._aset_grant(dataset, user_id, permission, by, granted=False)

    async def _aset_grant(
        self,
        dataset: str,
        user_id: str | User,
        permission: Permission | str,
        by: User | None,
        *,
        granted: bool,
    ) -> None:
        _check_dataset(dataset)
        target = user_id.id if isinstance(user_id, User) else validate_id(user_id, "user id")
        op = SetGrant(dataset, target, parse_permission(permission), granted, self._user_of(by).id)
        await self.graph_store.aapply([op])

    def check_permission(
        self, dataset: str, permission: Permission | str, user: User | None = None
    ) -> None:
        """Sync twin of :meth:`acheck_permission`."""
        run_sync(self.acheck_permission(dataset, permission, user))

    async def acheck_permission(
        self, dataset: str, permission: Permission | str, user: User | None = None
    ) -> None:
        """Raise :class:`PermissionDeniedError` unless ``user`` holds ``permission`` on ``dataset``.

        A dataset that does not exist yet may be written (its first writer becomes its owner);
        any other permission on it raises :class:`InvalidInputError`.
        """
        _check_dataset(dataset)
        wanted = parse_permission(permission)
        await self._acheck(
            dataset, wanted, self._user_of(user), missing_ok=wanted is Permission.WRITE
        )

    async def _acheck(
        self, dataset: str, permission: Permission, user: User, *, missing_ok: bool
    ) -> None:
        info = await self.graph_store.aget_dataset(dataset)
        if info is not None:
            require(info, user.id, permission)
        elif not missing_ok:
            raise InvalidInputError(
                f"Unknown dataset {dataset!r}: run remember(..., dataset={dataset!r}) first."
            )

    def datasets(self, user: User | None = None) -> list[DatasetInfo]:
        """Sync twin of :meth:`adatasets`."""
        return run_sync(self.adatasets(user))

    async def adatasets(self, user: User | None = None) -> list[DatasetInfo]:
        """The datasets ``user`` may read, by name."""
        who = self._user_of(user)
        datasets = await self.graph_store.alist_datasets()
        return [d for d in datasets if d.allows(who.id, Permission.READ)]

    def readable_datasets(
        self, datasets: str | Sequence[str] | None = None, user: User | None = None
    ) -> list[str]:
        """Sync twin of :meth:`areadable_datasets`."""
        return run_sync(self.areadable_datasets(datasets, user))

    async def areadable_datasets(
        self, datasets: str | Sequence[str] | None = None, user: User | None = None
    ) -> list[str]:
        """The dataset names a search by ``user`` covers.

        ``None`` means every dataset ``user`` may read. Naming a dataset ``user`` may not read
        raises :class:`PermissionDeniedError`; naming an unknown one, :class:`InvalidInputError`.
        """
        who = self._user_of(user)
        if datasets is None:
            return [d.name for d in await self.adatasets(who)]
        names = [datasets] if isinstance(datasets, str) else list(datasets)
        if not names:
            raise InvalidInputError("datasets is empty: pass None to search every dataset.")
        for name in names:
            _check_dataset(name)
            await self._acheck(name, Permission.READ, who, missing_ok=False)
        return list(dict.fromkeys(names))

    # -- inspection -----------------------------------------------------------------------------
    def has_graph_data(self, dataset: str = DEFAULT_DATASET) -> bool:
        """Sync twin of :meth:`ahas_graph_data`."""
        return run_sync(self.ahas_graph_data(dataset))

    async def ahas_graph_data(self, dataset: str = DEFAULT_DATASET) -> bool:
        """Whether ``dataset`` holds any remembered content."""
        _check_dataset(dataset)
        return await self.graph_store.ahas_graph_data(dataset)

    def stats(self, dataset: str | None = None, user: User | None = None) -> GraphStats:
        """Sync twin of :meth:`astats`."""
        return run_sync(self.astats(dataset, user))

    async def astats(self, dataset: str | None = None, user: User | None = None) -> GraphStats:
        """Counts of documents, chunks, entities and relations per readable dataset and node set."""
        names = await self.areadable_datasets(dataset, user)
        return await self.graph_store.astats(names)

    def visualize(
        self,
        path: str | os.PathLike[str],
        dataset: str | Sequence[str] | None = None,
        user: User | None = None,
        max_nodes: int = 2000,
    ) -> Path:
        """Sync twin of :meth:`avisualize`."""
        return run_sync(self.avisualize(path, dataset, user, max_nodes))

    async def avisualize(
        self,
        path: str | os.PathLike[str],
        dataset: str | Sequence[str] | None = None,
        user: User | None = None,
        max_nodes: int = 2000,
    ) -> Path:
        """Write a self-contained interactive HTML view of the graph to ``path`` and return it.

        Shows the ``max_nodes`` best-connected entities of the readable datasets (or the named
        ones), coloured by type or node set. The file needs no network to open.
        """
        from cognee_langchain.visualization import render_graph_html

        if not isinstance(path, str | os.PathLike) or not str(path).strip():
            raise InvalidInputError("path must be a file path such as 'graph.html'.")
        if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes <= 0:
            raise InvalidInputError(f"max_nodes must be a positive int, got {max_nodes!r}.")
        names = await self.areadable_datasets(dataset, user)
        snapshot = await self.graph_store.asnapshot(names, max_nodes)
        target = Path(path)
        html = render_graph_html(snapshot, title=f"cognee-langchain graph: {', '.join(names)}")

        def write() -> None:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(html, encoding="utf-8")

        try:
            await asyncio.to_thread(write)
        except OSError as exc:
            raise InvalidInputError(f"Cannot write {str(target)!r}: {exc}.") from None
        return target

    # -- retrieval and recall -------------------------------------------------------------------
    def search(
        self,
        query: str,
        *,
        dataset: str | Sequence[str] | None = None,
        search_type: str | SearchConfig = "graph",
        top_k: int = 8,
        node_sets: str | Sequence[str] | None = None,
        user: User | None = None,
    ) -> list[Document]:
        """Sync twin of :meth:`asearch`."""
        return run_sync(
            self.asearch(
                query,
                dataset=dataset,
                search_type=search_type,
                top_k=top_k,
                node_sets=node_sets,
                user=user,
            )
        )

    async def asearch(
        self,
        query: str,
        *,
        dataset: str | Sequence[str] | None = None,
        search_type: str | SearchConfig = "graph",
        top_k: int = 8,
        node_sets: str | Sequence[str] | None = None,
        user: User | None = None,
    ) -> list[Document]:
        """The ``top_k`` memories most relevant to ``query``, best first: retrieval only, no
        answer and no session write.

        ``search_type``: ``"graph"`` (hybrid with entity-neighbourhood expansion), ``"chunks"``,
        ``"facts"`` or ``"summaries"``. ``dataset``: name(s) to search, ``None`` for every
        dataset ``user`` may read. ``node_sets``: keep only memories in one of them. Document
        metadata is described in :mod:`cognee_langchain.retrievers`.

        Raises:
            InvalidInputError: empty query, ``top_k`` <= 0, unknown search type or dataset.
            PermissionDeniedError: ``user`` may not read a dataset named in ``dataset``.
        """
        from cognee_langchain.retrievers import asearch_memory

        return await asearch_memory(
            self,
            query,
            dataset=dataset,
            search_type=search_type,
            top_k=top_k,
            node_sets=node_sets,
            user=user,
        )

    def recall(
        self,
        query: str,
        *,
        session_id: str | None = None,
        dataset: str | Sequence[str] | None = None,
        search_type: str = "graph",
        top_k: int = 8,
        node_sets: str | Sequence[str] | None = None,
        user: User | None = None,
    ) -> RecallResult:
        """Sync twin of :meth:`arecall`."""
        return run_sync(
            self.arecall(
                query,
                session_id=session_id,
                dataset=dataset,
                search_type=search_type,
                top_k=top_k,
                node_sets=node_sets,
                user=user,
            )
        )

    async def arecall(
        self,
        query: str,
        *,
        session_id: str | None = None,
        dataset: str | Sequence[str] | None = None,
        search_type: str = "graph",
        top_k: int = 8,
        node_sets: str | Sequence[str] | None = None,
        user: User | None = None,
    ) -> RecallResult:
        """Answer ``query`` from memory and, with ``session_id``, record the Q&A in that session.

        A follow-up question ("Where was she born?") is expanded with the session's recent turns
        before retrieval (no extra model call). The answer comes from :attr:`llm` in one call
        (prompted with the numbered context and the recent turns), or, without a chat model, from
        the context's best sentences. With ``session_id``, ``HumanMessage(query)`` and
        ``AIMessage(answer)`` are appended in one atomic write, the latter with the context ids
        in ``response_metadata["context_ids"]``. See :mod:`cognee_langchain.recall`.

        Raises:
            InvalidInputError: empty query, ``top_k`` <= 0, unknown search type or dataset, a
                malformed session id.
            PermissionDeniedError: ``user`` may not read a dataset named in ``dataset``.
            ExtractionError: the chat model failed or answered nothing (the session is left
                unchanged).
        """
        from cognee_langchain.recall import arecall

        return await arecall(
            self,
            query,
            session_id=session_id,
            dataset=dataset,
            search_type=search_type,
            top_k=top_k,
            node_sets=node_sets,
            user=user,
        )

    def as_retriever(self, **kwargs: Any) -> GraphRetriever:
        """A :class:`~cognee_langchain.retrievers.GraphRetriever` over this memory; ``kwargs``
        are its fields (``k``, ``search_type``, ``datasets``, ``node_sets``, ``user``)."""
        from cognee_langchain.retrievers import GraphRetriever

        return GraphRetriever(memory=self, **kwargs)

    # -- lifecycle ------------------------------------------------------------------------------
    def as_tool(self, **kwargs: Any) -> BaseTool:
        """This memory as a LangChain tool an agent can call to search it (see
        :func:`cognee_langchain.tools.create_memory_tool` for the options)."""
        from cognee_langchain.tools import create_memory_tool

        return create_memory_tool(self, **kwargs)

    def close(self) -> None:
        """Close the stores this memory opened (stores passed in stay open); using the memory
        again reopens them."""
        while self._owned:
            attribute = self._owned.pop()
            store: GraphStore | SessionStore = getattr(self, attribute)
            setattr(self, attribute, None)
            store.close()

    async def aclose(self) -> None:
        """Async twin of :meth:`close`."""
        while self._owned:
            attribute = self._owned.pop()
            store: GraphStore | SessionStore = getattr(self, attribute)
            setattr(self, attribute, None)
            await store.aclose()

    def __enter__(self) -> GraphMemory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def __aenter__(self) -> GraphMemory:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def _user_of(self, user: User | None) -> User:
        if user is None:
            return self.user
        if not isinstance(user, User):
            raise InvalidInputError(
                f"user must be a User, got {type(user).__name__}: use get_default_user() or User()."
            )
        return user


async def _settle(task: asyncio.Future[T]) -> None:
    """Cancel ``task`` if it is still running and consume its outcome, whatever it was."""
    if not task.done():
        task.cancel()
    with contextlib.suppress(Exception, asyncio.CancelledError):
        await task


# -- input handling -------------------------------------------------------------------------------
def _document_id(dataset: str, node_set: str | None, item: SourceItem) -> str:
    """Same text in another node set or session is another document (sharing the chunks)."""
    text = normalize_text(item.text)
    return content_id("document", dataset, node_set or "", item.session_id or "", text)


def _check_dataset(dataset: object) -> str:
    return validate_id(dataset, "dataset name")


def _check_text(text: object, where: str) -> str:
    if isinstance(text, bytes | bytearray):
        raise InvalidInputError(f"{where} is bytes: decode it first, e.g. data.decode('utf-8').")
    if not isinstance(text, str):
        raise InvalidInputError(
            f"{where} must be a str, Document or file path, got {type(text).__name__}."
        )
    if not text.strip():
        raise InvalidInputError(f"{where} is empty: pass some text to remember.")
    if len(text) > MAX_TEXT_CHARS:
        raise InvalidInputError(
            f"{where} has {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,} per text: "
            "split it into several texts."
        )
    return text


def _check_items(items: object) -> list[SourceItem]:
    if isinstance(items, str | bytes) or not isinstance(items, Sequence):
        raise InvalidInputError(
            f"items must be a list of SourceItem, got {type(items).__name__}: wrap one as [item]."
        )
    if not items:
        raise InvalidInputError("items is empty: pass at least one SourceItem.")
    for i, item in enumerate(items):
        if not isinstance(item, SourceItem):
            raise InvalidInputError(
                f"items[{i}] must be a SourceItem, got {type(item).__name__}: use remember() for "
                "plain text and documents."
            )
        _check_text(item.text, f"items[{i}].text")
        if item.session_id is not None:
            validate_id(item.session_id, "session_id")
    return list(items)


def _items_from(data: object) -> list[SourceItem]:
    """``remember``'s input as source items (reads files)."""
    if isinstance(data, list | tuple):
        if not data:
            raise InvalidInputError(
                "data is an empty list: pass at least one text, Document or file."
            )
        return [_item_from(value, f"data[{i}]") for i, value in enumerate(data)]
    return [_item_from(data, "data")]


def _item_from(value: object, where: str) -> SourceItem:
    if isinstance(value, SourceItem):
        _check_text(value.text, f"{where}.text")
        return value
    if isinstance(value, Document):
        text = _check_text(value.page_content, f"{where}.page_content")
        source = value.metadata.get("source")
        return SourceItem(
            text=text,
            name=str(source) if source is not None else None,
            metadata=dict(value.metadata),
        )
    if isinstance(value, PurePath):
        return _read_file(Path(value), where)
    if isinstance(value, str) and _names_text_file(value):
        return _read_file(Path(value.strip()), where)
    return SourceItem(text=_check_text(value, where))


def _names_text_file(value: str) -> bool:
    candidate = value.strip()
    return (
        len(candidate) <= _MAX_PATH_CHARS
        and "\n" not in candidate
        and candidate.lower().endswith(TEXT_FILE_SUFFIXES)
        and Path(candidate).is_file()
    )


def _read_file(path: Path, where: str) -> SourceItem:
    suffixes = " or ".join(TEXT_FILE_SUFFIXES)
    if path.suffix.lower() not in TEXT_FILE_SUFFIXES:
        raise InvalidInputError(
            f"{where}: {str(path)!r} is not a {suffixes} file: convert it to text first and pass "
            "the text or a Document."
        )
    try:
        if not path.is_file():
            raise InvalidInputError(f"{where}: file {str(path)!r} does not exist: check the path.")
        if path.stat().st_size > 4 * MAX_TEXT_CHARS:  # 4 bytes per character at most in UTF-8
            raise InvalidInputError(
                f"{where}: {str(path)!r} is larger than the {MAX_TEXT_CHARS:,}-character limit: "
                "split it into several files."
            )
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InvalidInputError(
            f"{where}: {str(path)!r} is not UTF-8 text: re-encode it as UTF-8."
        ) from None
    except OSError as exc:
        raise InvalidInputError(f"{where}: cannot read {str(path)!r}: {exc.strerror}.") from None
    return SourceItem(text=_check_text(text, f"{where} ({path.name})"), name=str(path))


def _collect(
    chunk_ids: Sequence[str], extractions: Sequence[ChunkExtraction]
) -> tuple[list[Mention], list[tuple[str, str, str, str, str]]]:
    """Entity mentions and relations ``(chunk, source key, predicate, target key, description)``
    of each chunk. A relation endpoint the extractor did not list as an entity becomes one."""
    mentions: list[Mention] = []
    relations: list[tuple[str, str, str, str, str]] = []
    for chunk_id, extraction in zip(chunk_ids, extractions, strict=True):
        keys = _ChunkMentions(chunk_id, mentions)
        for entity in extraction.entities:
            keys.key_of(entity.name, entity.type, entity.description)
        for relation in extraction.relations:
            source, target = keys.key_of(relation.source), keys.key_of(relation.target)
            if source and target:
                predicate = normalize_predicate(relation.predicate)
                relations.append(
                    (chunk_id, source, predicate, target, relation.description.strip())
                )
    return mentions, relations


class _ChunkMentions:
    """The entity mentions of one chunk: one per key, the first naming wins."""

    def __init__(self, chunk_id: str, into: list[Mention]) -> None:
        self.chunk_id = chunk_id
        self.into = into
        self.by_name: dict[str, str | None] = {}
        self.keys: set[str] = set()

    def key_of(self, name: str, type_: str = DEFAULT_TYPE, description: str = "") -> str | None:
        """The key ``name`` resolves to in this chunk (``None`` for an unusable name)."""
        if name in self.by_name:
            return self.by_name[name]
        mention = Mention.create(self.chunk_id, name, type_, description)
        key = None if mention is None else mention.key
        self.by_name[name] = key
        if mention is not None and mention.key not in self.keys:
            self.keys.add(mention.key)
            self.into.append(mention)
        return key
