"""``GraphMemory``: the facade of the package. It owns a
:class:`~cognee_langchain.services.runtime.MemoryRuntime` and delegates every call to a service.
(Over 500 lines because each public method has its sync twin and full docstring here; no logic
lives in this module.)

Everything defaults to embedded and offline (a SQLite graph and session store under
``./.cognee_langchain/``, the offline extractor, WordLlama embeddings), created lazily on first
use so constructing a ``GraphMemory`` loads no model and opens no file.

Conventions, the same on every method: ``dataset`` names the one dataset a write goes to;
``datasets`` the dataset(s) a read covers (one name, a list, or ``None`` for every dataset the
user may read); ``top_k`` is the number of results; ``search_type`` is a preset name or a
``SearchConfig``. Every I/O method is async-native (``a``-prefixed); its sync twin drives it
through the one bridge, :func:`cognee_langchain.core.aio.run_sync`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Unpack, overload

from cognee_langchain.core.aio import run_sync
from cognee_langchain.core.defaults import (
    DEFAULT_DATASET,
    DEFAULT_SEARCH_TYPE,
    DEFAULT_TOP_K,
    MAX_TEXT_CHARS,
    TEXT_FILE_SUFFIXES,
)
from cognee_langchain.core.validation import check_dataset, renamed_arguments
from cognee_langchain.services import access, ingest
from cognee_langchain.services.ingest import ForgetResult, RememberResult
from cognee_langchain.services.inputs import RememberData
from cognee_langchain.services.runtime import MemoryRuntime, RuntimeOptions
from cognee_langchain.users import User

if TYPE_CHECKING:
    import networkx as nx
    from langchain_core.documents import Document
    from langchain_core.embeddings import Embeddings
    from langchain_core.language_models import BaseChatModel
    from langchain_core.tools import BaseTool

    from cognee_langchain.extraction.base import GraphExtractor
    from cognee_langchain.extraction.chunking import TextChunker
    from cognee_langchain.graph.base import GraphStats, GraphStore
    from cognee_langchain.graph.models import SourceItem
    from cognee_langchain.graph.resolution import EntityResolver
    from cognee_langchain.permissions import DatasetInfo, Permission
    from cognee_langchain.retrieval.graph_index import GraphIndex
    from cognee_langchain.retrievers import GraphRetriever
    from cognee_langchain.services.persist import PersistSessionsResult, PipelineRun
    from cognee_langchain.services.recall import RecallResult
    from cognee_langchain.services.search import SearchType
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

# The search, recall and persist services (the retrieval engine, LangGraph) are imported by the
# methods that use them, so that importing the facade stays cheap.

# Old keyword spellings of read methods, accepted for one release with a DeprecationWarning.
_READ_RENAMES = {"dataset": "datasets"}


class GraphMemory:
    """Graph memory for LangChain / LangGraph agents.

    Args:
        data_dir: Where the embedded stores live (default ``./.cognee_langchain/``).
        **options: :class:`~cognee_langchain.services.runtime.RuntimeOptions` — ``llm`` (a chat
            model for extraction and answers; offline when ``None``), ``embeddings`` (any
            LangChain ``Embeddings``; default offline ``WordLlamaEmbeddings``),
            ``session_store`` (default SQLite in ``data_dir``), ``graph_store`` (default
            ``SQLiteGraphStore`` in ``data_dir``), ``user`` (who acts when a method gets none),
            ``extractor`` (overrides the one chosen from ``llm``), ``chunk_size``,
            ``chunk_overlap``, ``resolver`` (entity resolution settings). An unknown option is a
            ``TypeError``, as for any Python call.
    """

    def __init__(
        self, data_dir: str | os.PathLike[str] | None = None, **options: Unpack[RuntimeOptions]
    ) -> None:
        self.runtime = MemoryRuntime(data_dir, **options)

    def __repr__(self) -> str:
        return f"GraphMemory(data_dir={str(self.data_dir)!r}, user={self.user.id!r})"

    # -- the runtime's parts, for inspection ----------------------------------------------------
    @property
    def data_dir(self) -> Path:
        """Where the embedded stores live."""
        return self.runtime.data_dir

    @property
    def user(self) -> User:
        """Who acts when a method gets no ``user``."""
        return self.runtime.user

    @property
    def llm(self) -> BaseChatModel | None:
        """The chat model used for extraction and answers (``None``: offline)."""
        return self.runtime.llm

    @property
    def chunker(self) -> TextChunker:
        """How ``remember`` cuts prose into chunks."""
        return self.runtime.chunker

    @property
    def resolver(self) -> EntityResolver:
        """How extracted names are merged with stored entities."""
        return self.runtime.resolver

    @property
    def graph_store(self) -> GraphStore:
        """The graph store (``data_dir/graph.sqlite`` unless one was passed)."""
        return self.runtime.graph_store

    @property
    def session_store(self) -> SessionStore:
        """The session store (``data_dir/sessions.sqlite`` unless one was passed)."""
        return self.runtime.session_store

    @property
    def embeddings(self) -> Embeddings:
        """The embeddings model (offline ``WordLlamaEmbeddings`` unless one was passed)."""
        return self.runtime.embeddings

    @property
    def extractor(self) -> GraphExtractor:
        """The graph extractor: ``LLMGraphExtractor(llm)`` with a chat model, else offline."""
        return self.runtime.extractor

    @property
    def graph_index(self) -> GraphIndex:
        """The search index over the graph store, caught up incrementally with every write."""
        return self.runtime.graph_index

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
        ``Limits.max_text_chars`` characters (default :data:`MAX_TEXT_CHARS`; set it with
        ``GraphMemory(limits=Limits(max_text_chars=...))``), and ``dataset`` / ``node_set`` at
        most ``Limits.max_id_chars``.

        Everything is written in one transaction after extraction succeeded: on any error nothing
        is stored. Content already stored adds nothing and is not extracted again.

        Raises:
            InvalidInputError: empty or wrongly typed data, a text over ``max_text_chars``, text
                of invalid Unicode (a lone surrogate), a missing or unsupported file, a
                malformed dataset / node set name or one over ``max_id_chars``.
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
        return await ingest.aremember(self.runtime, data, dataset, node_set, user)

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
        """Ingest :class:`SourceItem`\\ s: the core shared by ``remember`` and session persistence.

        Every document, chunk, entity and relation written carries the items' provenance
        (``node_set``, ``session_id``, ``message_ids``); one transaction for the whole call.
        ``chunk_size`` / ``chunk_overlap`` override the memory's chunking for this call.
        """
        return await ingest.aingest(
            self.runtime,
            items,
            dataset,
            node_set,
            user,
            chunk_size=chunk_size,
            chunk_overlap=chunk_overlap,
        )

    # -- forget ---------------------------------------------------------------------------------
    def forget(
        self,
        dataset: str,
        document_id: str | None = None,
        node_set: str | None = None,
        session_id: str | None = None,
        user: User | None = None,
        *,
        all_users: bool = False,
    ) -> ForgetResult:
        """Remove documents of ``dataset`` and everything derived only from them.

        Filters combine: ``document_id`` (from :attr:`RememberResult.document_ids`),
        ``node_set``, ``session_id``; with none, the whole dataset's content goes (the dataset
        itself, its owner and grants stay). A chunk, entity or relation also supported by a
        document that stays survives, with its provenance recomputed. Cached sessions are not
        touched. Needs ``delete`` permission.

        ``session_id`` names one of ``user``'s sessions: another user's session of the same id
        in a shared dataset is left alone. ``all_users=True`` (with ``session_id``) forgets every
        user's session of that id; only the dataset's owner may ask for it
        (:class:`PermissionDeniedError` otherwise).
        """
        return run_sync(
            self.aforget(dataset, document_id, node_set, session_id, user, all_users=all_users)
        )

    async def aforget(
        self,
        dataset: str,
        document_id: str | None = None,
        node_set: str | None = None,
        session_id: str | None = None,
        user: User | None = None,
        *,
        all_users: bool = False,
    ) -> ForgetResult:
        """Async twin of :meth:`forget`."""
        return await ingest.aforget(
            self.runtime, dataset, document_id, node_set, session_id, user, all_users=all_users
        )

    # -- improve: persist cached sessions into the graph ----------------------------------------
    @overload
    def improve(
        self,
        dataset: str = ...,
        session_ids: Sequence[str] | None = ...,
        user: User | None = ...,
        run_in_background: Literal[False] = ...,
    ) -> PersistSessionsResult: ...

    @overload
    def improve(
        self,
        dataset: str,
        session_ids: Sequence[str] | None,
        user: User | None,
        run_in_background: Literal[True],
    ) -> PipelineRun: ...

    @overload
    def improve(
        self,
        dataset: str = ...,
        session_ids: Sequence[str] | None = ...,
        user: User | None = ...,
        *,
        run_in_background: Literal[True],
    ) -> PipelineRun: ...

    @overload
    def improve(
        self,
        dataset: str = ...,
        session_ids: Sequence[str] | None = ...,
        user: User | None = ...,
        run_in_background: bool = ...,
    ) -> PersistSessionsResult | PipelineRun: ...

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

    @overload
    async def aimprove(
        self,
        dataset: str = ...,
        session_ids: Sequence[str] | None = ...,
        user: User | None = ...,
        run_in_background: Literal[False] = ...,
    ) -> PersistSessionsResult: ...

    @overload
    async def aimprove(
        self,
        dataset: str,
        session_ids: Sequence[str] | None,
        user: User | None,
        run_in_background: Literal[True],
    ) -> PipelineRun: ...

    @overload
    async def aimprove(
        self,
        dataset: str = ...,
        session_ids: Sequence[str] | None = ...,
        user: User | None = ...,
        *,
        run_in_background: Literal[True],
    ) -> PipelineRun: ...

    @overload
    async def aimprove(
        self,
        dataset: str = ...,
        session_ids: Sequence[str] | None = ...,
        user: User | None = ...,
        run_in_background: bool = ...,
    ) -> PersistSessionsResult | PipelineRun: ...

    async def aimprove(
        self,
        dataset: str = DEFAULT_DATASET,
        session_ids: Sequence[str] | None = None,
        user: User | None = None,
        run_in_background: bool = False,
    ) -> PersistSessionsResult | PipelineRun:
        """Persist sessions into the knowledge graph: cognee's ``improve(dataset, session_ids)``.

        Runs the persist-sessions pipeline (``extract_user_sessions`` → ``cognify_session``) for
        ``user`` (default: this memory's user). Only Q&A added since the last run into
        ``dataset`` is persisted, under the node set ``user_sessions_from_cache``; each Q&A is
        stored exactly once, whatever failed before.

        Raises:
            InvalidInputError: a malformed dataset name or session id, or one longer than
                ``Limits.max_id_chars``; ``run_in_background`` not a bool.
            PermissionDeniedError: ``user`` may not write ``dataset``.
            NoGraphDataError: ``dataset`` has no graph data yet.
            NoSessionsFoundError: none of ``session_ids`` exist for ``user``.
        """
        from cognee_langchain.services import persist

        return await persist.apersist(
            self.runtime, self.runtime.user_of(user), session_ids, dataset, run_in_background
        )

    # -- permissions ----------------------------------------------------------------------------
    def grant(
        self,
        dataset: str,
        user_id: str | User,
        permission: Permission | str,
        by: User | None = None,
    ) -> None:
        """Give ``user_id`` a permission on ``dataset``. ``by`` must own it, or hold ``share``
        and the permission itself (never for itself); see :mod:`cognee_langchain.permissions`."""
        run_sync(self.agrant(dataset, user_id, permission, by))

    async def agrant(
        self,
        dataset: str,
        user_id: str | User,
        permission: Permission | str,
        by: User | None = None,
    ) -> None:
        """Async twin of :meth:`grant`."""
        await access.aset_grant(self.runtime, dataset, user_id, permission, by, granted=True)

    def revoke(
        self,
        dataset: str,
        user_id: str | User,
        permission: Permission | str,
        by: User | None = None,
    ) -> None:
        """Take a permission on ``dataset`` back from ``user_id`` (never from the owner). ``by``
        must own it, or hold ``share`` and the permission; see
        :mod:`cognee_langchain.permissions`."""
        run_sync(self.arevoke(dataset, user_id, permission, by))

    async def arevoke(
        self,
        dataset: str,
        user_id: str | User,
        permission: Permission | str,
        by: User | None = None,
    ) -> None:
        """Async twin of :meth:`revoke`."""
        await access.aset_grant(self.runtime, dataset, user_id, permission, by, granted=False)

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
        await access.acheck_permission(self.runtime, dataset, permission, user)

    def datasets(self, user: User | None = None) -> list[DatasetInfo]:
        """Sync twin of :meth:`adatasets`."""
        return run_sync(self.adatasets(user))

    async def adatasets(self, user: User | None = None) -> list[DatasetInfo]:
        """The datasets ``user`` may read, by name."""
        return await access.adatasets(self.runtime, user)

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
        return await access.areadable_datasets(self.runtime, datasets, user)

    # -- inspection -----------------------------------------------------------------------------
    def has_graph_data(self, dataset: str = DEFAULT_DATASET) -> bool:
        """Sync twin of :meth:`ahas_graph_data`."""
        return run_sync(self.ahas_graph_data(dataset))

    async def ahas_graph_data(self, dataset: str = DEFAULT_DATASET) -> bool:
        """Whether ``dataset`` holds any remembered content."""
        return await self.runtime.graph_store.ahas_graph_data(check_dataset(dataset))

    def stats(
        self,
        datasets: str | Sequence[str] | None = None,
        user: User | None = None,
        **deprecated: Any,
    ) -> GraphStats:
        """Sync twin of :meth:`astats`."""
        return run_sync(self.astats(datasets, user, **deprecated))

    async def astats(
        self,
        datasets: str | Sequence[str] | None = None,
        user: User | None = None,
        **deprecated: Any,
    ) -> GraphStats:
        """Counts of documents, chunks, entities and relations per readable dataset and node set
        (``datasets``: the ones to count, ``None`` for every readable one)."""
        datasets = renamed_arguments(
            "GraphMemory.stats", deprecated, _READ_RENAMES, datasets=datasets
        )["datasets"]
        names = await access.areadable_datasets(self.runtime, datasets, user)
        return await self.runtime.graph_store.astats(names)

    def visualize(
        self,
        path: str | os.PathLike[str],
        datasets: str | Sequence[str] | None = None,
        user: User | None = None,
        max_nodes: int = 2000,
        **deprecated: Any,
    ) -> Path:
        """Sync twin of :meth:`avisualize`."""
        return run_sync(self.avisualize(path, datasets, user, max_nodes, **deprecated))

    async def avisualize(
        self,
        path: str | os.PathLike[str],
        datasets: str | Sequence[str] | None = None,
        user: User | None = None,
        max_nodes: int = 2000,
        **deprecated: Any,
    ) -> Path:
        """Write a self-contained interactive HTML view of the graph to ``path`` and return it.

        Shows the ``max_nodes`` best-connected entities of the readable datasets (or the named
        ones), coloured by type or node set. The file needs no network to open.

        Raises:
            InvalidInputError: ``path`` is not a str or Path, is empty, holds a NUL or a
                character the file system cannot encode, or cannot be written; ``max_nodes`` is
                not a positive int (any larger than SQLite's 2**63 - 1 means all).
            PermissionDeniedError: ``user`` may not read a dataset named in ``datasets``.
        """
        from cognee_langchain.services.visualization import awrite_graph_html

        datasets = renamed_arguments(
            "GraphMemory.visualize", deprecated, _READ_RENAMES, datasets=datasets
        )["datasets"]
        return await awrite_graph_html(self.runtime, path, datasets, user, max_nodes)

    def to_networkx(
        self, datasets: str | Sequence[str] | None = None, user: User | None = None
    ) -> nx.MultiDiGraph:
        """Sync twin of :meth:`ato_networkx`."""
        return run_sync(self.ato_networkx(datasets, user))

    async def ato_networkx(
        self, datasets: str | Sequence[str] | None = None, user: User | None = None
    ) -> nx.MultiDiGraph:
        """The readable graph (or the named datasets') as a ``networkx.MultiDiGraph`` for your
        own analysis: entities are nodes (``name``, ``type``, ``dataset``), relations edges
        (``predicate``)."""
        names = await access.areadable_datasets(self.runtime, datasets, user)
        return await self.runtime.graph_store.ato_networkx(names)

    # -- retrieval and recall -------------------------------------------------------------------
    def search(
        self,
        query: str,
        *,
        datasets: str | Sequence[str] | None = None,
        search_type: SearchType = DEFAULT_SEARCH_TYPE,
        top_k: int = DEFAULT_TOP_K,
        node_sets: str | Sequence[str] | None = None,
        user: User | None = None,
        **deprecated: Any,
    ) -> list[Document]:
        """Sync twin of :meth:`asearch`."""
        return run_sync(
            self.asearch(
                query,
                datasets=datasets,
                search_type=search_type,
                top_k=top_k,
                node_sets=node_sets,
                user=user,
                **deprecated,
            )
        )

    async def asearch(
        self,
        query: str,
        *,
        datasets: str | Sequence[str] | None = None,
        search_type: SearchType = DEFAULT_SEARCH_TYPE,
        top_k: int = DEFAULT_TOP_K,
        node_sets: str | Sequence[str] | None = None,
        user: User | None = None,
        **deprecated: Any,
    ) -> list[Document]:
        """The ``top_k`` memories most relevant to ``query``, best first: retrieval only, no
        answer and no session write.

        ``search_type``: ``"chunks"`` (default: fused lexical, context and vector lanes with
        priors), ``"graph"`` (plus entity-neighbourhood expansion), ``"facts"``,
        ``"summaries"`` or a ``SearchConfig``. ``datasets``: name(s) to search,
        ``None`` for every dataset ``user`` may read (``dataset=`` is its deprecated spelling).
        ``node_sets``: keep only memories in one of them. Document metadata is described in
        :mod:`cognee_langchain.services.search`.

        Raises:
            InvalidInputError: empty query, one longer than ``Limits.max_query_chars`` (set it
                with ``GraphMemory(limits=Limits(max_query_chars=...))``) or of invalid Unicode
                (a lone surrogate); ``top_k`` <= 0, unknown search type or dataset, a node set
                name over ``Limits.max_id_chars``.
            PermissionDeniedError: ``user`` may not read a dataset named in ``datasets``.
        """
        datasets = renamed_arguments(
            "GraphMemory.search", deprecated, _READ_RENAMES, datasets=datasets
        )["datasets"]
        from cognee_langchain.services import search

        return await search.asearch(
            self.runtime,
            query,
            datasets=datasets,
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
        datasets: str | Sequence[str] | None = None,
        search_type: SearchType = DEFAULT_SEARCH_TYPE,
        top_k: int = DEFAULT_TOP_K,
        node_sets: str | Sequence[str] | None = None,
        user: User | None = None,
        **deprecated: Any,
    ) -> RecallResult:
        """Sync twin of :meth:`arecall`."""
        return run_sync(
            self.arecall(
                query,
                session_id=session_id,
                datasets=datasets,
                search_type=search_type,
                top_k=top_k,
                node_sets=node_sets,
                user=user,
                **deprecated,
            )
        )

    async def arecall(
        self,
        query: str,
        *,
        session_id: str | None = None,
        datasets: str | Sequence[str] | None = None,
        search_type: SearchType = DEFAULT_SEARCH_TYPE,
        top_k: int = DEFAULT_TOP_K,
        node_sets: str | Sequence[str] | None = None,
        user: User | None = None,
        **deprecated: Any,
    ) -> RecallResult:
        """Answer ``query`` from memory and, with ``session_id``, record the Q&A in that session.

        A follow-up question ("Where was she born?") is expanded with the session's recent turns
        before retrieval (no extra model call). The answer comes from :attr:`llm` in one call
        (prompted with the numbered context and the recent turns), or, without a chat model, from
        the context's best sentences. With ``session_id``, ``HumanMessage(query)`` and
        ``AIMessage(answer)`` are appended in one atomic write, the latter with the context ids
        in ``response_metadata["context_ids"]``. See :mod:`cognee_langchain.services.recall`.

        Only the question is held to ``Limits.max_query_chars``: the follow-up expansion
        searched for may be longer. The Q&A append carries an idempotency key and is retried
        once, with that key, when the store cannot confirm it.

        Raises:
            InvalidInputError: empty query, one longer than ``Limits.max_query_chars`` (set it
                with ``GraphMemory(limits=Limits(max_query_chars=...))``) or of invalid Unicode
                (a lone surrogate); ``top_k`` <= 0, unknown search type or dataset, a malformed
                session id or one longer than ``Limits.max_id_chars``.
            PermissionDeniedError: ``user`` may not read a dataset named in ``datasets``.
            ExtractionError: the chat model failed, answered nothing or took longer than
                ``llm_timeout`` (the session is left unchanged).
            SessionStoreUnavailableError: the session store could not be reached.
            SessionWriteUnknownError: the Q&A append stayed unconfirmed after its retry: it
                may or may not be in the session (read it before asking again).
        """
        datasets = renamed_arguments(
            "GraphMemory.recall", deprecated, _READ_RENAMES, datasets=datasets
        )["datasets"]
        from cognee_langchain.services import recall

        return await recall.arecall(
            self.runtime,
            query,
            session_id=session_id,
            datasets=datasets,
            search_type=search_type,
            top_k=top_k,
            node_sets=node_sets,
            user=user,
        )

    # -- adapters built on this memory ----------------------------------------------------------
    def as_retriever(self, **kwargs: Any) -> GraphRetriever:
        """A :class:`~cognee_langchain.retrievers.GraphRetriever` over this memory; ``kwargs``
        are its fields (``top_k``, ``search_type``, ``datasets``, ``node_sets``, ``user``)."""
        # The facade's factories are the only imports of an adapter from below it (see
        # docs/architecture.md); the adapter refers back to the facade for typing only.
        from cognee_langchain.retrievers import GraphRetriever

        return GraphRetriever(memory=self, **kwargs)

    def as_tool(self, **kwargs: Any) -> BaseTool:
        """This memory as a LangChain tool an agent can call to search it (see
        :func:`cognee_langchain.tools.create_memory_tool` for the options)."""
        from cognee_langchain.tools import create_memory_tool

        return create_memory_tool(self, **kwargs)

    # -- lifecycle ------------------------------------------------------------------------------
    def close(self) -> None:
        """Close the stores this memory opened (stores passed in stay open); using the memory
        again reopens them."""
        self.runtime.close()

    async def aclose(self) -> None:
        """Async twin of :meth:`close`."""
        await self.runtime.aclose()

    def __enter__(self) -> GraphMemory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def __aenter__(self) -> GraphMemory:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
