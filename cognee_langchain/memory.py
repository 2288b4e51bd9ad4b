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

Tracing: ``remember``, ``recall``, ``improve`` and ``search`` take a keyword-only ``config`` (a
LangChain ``RunnableConfig``: callbacks, tags, metadata, ``run_name``) and each shows in LangChain
callbacks / LangSmith as one chain run named ``cognee_langchain.<method>``, its model calls and
pipeline nodes as child runs; called inside a ``Runnable``, LangGraph node or tool, the run nests
under the caller's (see :mod:`cognee_langchain.core.tracing`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime
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
    from langchain_core.runnables import RunnableConfig
    from langchain_core.tools import BaseTool

    from cognee_langchain.core.settings import Settings
    from cognee_langchain.core.time_validation import TimeRange
    from cognee_langchain.extraction.base import GraphExtractor
    from cognee_langchain.extraction.chunking import TextChunker
    from cognee_langchain.graph.base import GraphStats, GraphStore
    from cognee_langchain.graph.models import SourceItem
    from cognee_langchain.graph.resolution import EntityResolver
    from cognee_langchain.permissions import DatasetInfo, Permission
    from cognee_langchain.retrieval.graph_index import GraphIndex
    from cognee_langchain.retrievers import GraphRetriever
    from cognee_langchain.services.history import FactVersion
    from cognee_langchain.services.persist import PersistSessionsResult, PipelineRun
    from cognee_langchain.services.recall import RecallResult
    from cognee_langchain.services.search import SearchType
    from cognee_langchain.services.transfer import (
        ExportResult,
        ImportResult,
        OnConflict,
        Source,
        Target,
    )
    from cognee_langchain.sessions.base import SessionStore
    from cognee_langchain.store import GraphMemoryStore

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

# BaseStore methods a caller may try on the memory itself (see GraphMemory.__getattr__).
_STORE_METHODS = frozenset(
    {
        "put",
        "aput",
        "get",
        "aget",
        "delete",
        "adelete",
        "batch",
        "abatch",
        "list_namespaces",
        "alist_namespaces",
    }
)

# Old keyword spellings of read methods, accepted for one release with a DeprecationWarning.
_READ_RENAMES = {"dataset": "datasets"}


class GraphMemory:
    """Graph memory for LangChain / LangGraph agents.

    Args:
        data_dir: Where the embedded stores live (default ``./.cognee_langchain/``).
        **options: :class:`~cognee_langchain.services.runtime.RuntimeOptions` — ``llm`` (a chat
            model for extraction and answers; offline when ``None``), ``embeddings`` (any
            LangChain ``Embeddings``; default offline ``WordLlamaEmbeddings``),
            ``session_store`` (a store, a Redis or PostgreSQL URL, or a SQLite file; default
            SQLite in ``data_dir``), ``graph_store`` (a store, a PostgreSQL URL
            ``postgresql://user@host:5432/db``, or a SQLite file; default
            ``SQLiteGraphStore`` in ``data_dir``), ``user`` (who acts when a method gets none),
            ``extractor`` (overrides the one chosen from ``llm``), ``chunk_size``,
            ``chunk_overlap``, ``resolver`` (entity resolution settings), ``relation_kinds``
            (a ``RelationKinds``: which facts a newer one replaces), ``llm_timeout``,
            ``limits``, ``session_namespace``, ``settings``. An unknown option is a
            ``TypeError``, as for any Python call.

    Configuration: every option left out comes from the ``COGNEE_LANGCHAIN_*`` environment
    variables (``COGNEE_LANGCHAIN_DATA_DIR``, ``..._SESSION_STORE``, ``..._LLM_MODEL``, ...; see
    :class:`~cognee_langchain.core.settings.Settings`), else from the defaults; an option given
    here wins over the environment. ``settings=Settings(...)`` replaces the environment.

    Redis sessions: a memory that builds its session store from a Redis URL keeps its sessions
    under a namespace of its own (``session_namespace``; default a digest of where its graph
    lives), so memories sharing one Redis never see each other's sessions. To share sessions
    deliberately, give the memories the same ``session_namespace`` (or pass them one
    ``RedisSessionStore``; a store you build yourself has no namespace unless you give it one,
    which is also how sessions written by 0.1, without a namespace, stay readable).
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

    @property
    def settings(self) -> Settings:
        """The settings in effect: the options given, else the environment's, else defaults."""
        return self.runtime.settings

    # -- remember -------------------------------------------------------------------------------
    def remember(
        self,
        data: RememberData,
        dataset: str = DEFAULT_DATASET,
        node_set: str | None = None,
        user: User | None = None,
        *,
        session_id: str | None = None,
        config: RunnableConfig | None = None,
    ) -> RememberResult:
        """Add ``data`` to the knowledge graph: chunk, extract, resolve entities, embed, store.

        ``data`` is a str, a LangChain ``Document``, a ``pathlib.Path`` to a ``.txt`` / ``.md``
        file, a :class:`SourceItem`, or a list of these. A ``Path`` is a file; a str that is only
        a file name (one line, no whitespace, no ``://``, ending in ``.txt`` / ``.md`` or a
        document suffix such as ``.pdf`` / ``.json``) is one too: read when it exists, else an
        :class:`InvalidInputError` — never stored as text. Any other str is text; to remember
        words that look like a file name, pass ``Document(page_content=...)``. Each text may
        hold at most ``Limits.max_text_chars`` characters (default :data:`MAX_TEXT_CHARS`; set
        it with ``GraphMemory(limits=Limits(max_text_chars=...))``), and ``dataset`` /
        ``node_set`` at most ``Limits.max_id_chars``.

        Everything is written in one transaction after extraction succeeded: on any error nothing
        is stored. Content already stored adds nothing and is not extracted again.

        ``session_id``: memory an agent writes during a chat session (cognee's
        ``remember(..., session_id=...)``). The text is tagged with ``user``'s session of that id:
        its document is that user's own, search results carry the ``session_id``, and
        ``forget(dataset, session_id=...)`` removes it with the rest of the session's knowledge.
        Unlike cognee, which caches it in the session until ``improve`` bridges it, it goes to the
        graph at once (searchable now, no ``improve`` needed) and not into the session cache, so
        ``improve`` never persists it a second time. The first write starts the dataset: a
        chat-only agent needs nothing remembered before.

        Raises:
            InvalidInputError: empty or wrongly typed data, a text over ``max_text_chars``, text
                of invalid Unicode (a lone surrogate), a missing or unsupported file (or a str
                naming one), a malformed dataset / node set / session id or one over
                ``max_id_chars``.
            PermissionDeniedError: ``user`` may not write ``dataset``.
            ExtractionError: the extractor or embeddings model failed.
        """
        return run_sync(
            self.aremember(data, dataset, node_set, user, session_id=session_id, config=config)
        )

    async def aremember(
        self,
        data: RememberData,
        dataset: str = DEFAULT_DATASET,
        node_set: str | None = None,
        user: User | None = None,
        *,
        session_id: str | None = None,
        config: RunnableConfig | None = None,
    ) -> RememberResult:
        """Async twin of :meth:`remember`."""
        from cognee_langchain.core.tracing import traced

        inputs = {"data": data, "dataset": dataset, "node_set": node_set}
        async with traced("cognee_langchain.remember", inputs, config) as run:
            result = await ingest.aremember(
                self.runtime, data, dataset, node_set, user, session_id=session_id
            )
            run.output = result
        return result

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
        all: bool = False,
    ) -> ForgetResult:
        """Remove documents of ``dataset`` and everything derived only from them.

        Filters combine: ``document_id`` (from :attr:`RememberResult.document_ids`),
        ``node_set``, ``session_id``. To remove the whole dataset's content (the dataset itself,
        its owner and grants stay), pass no filter and ``all=True``: without a filter and without
        ``all=True`` it raises :class:`InvalidInputError`, as the CLI demands ``--all``, so a
        forgotten filter never wipes a dataset. A chunk, entity or relation also supported by a
        document that stays survives, with its provenance recomputed. Cached sessions are not
        touched. Needs ``delete`` permission.

        ``session_id`` names one of ``user``'s sessions: another user's session of the same id
        in a shared dataset is left alone. ``all_users=True`` (with ``session_id``) forgets every
        user's session of that id; only the dataset's owner may ask for it
        (:class:`PermissionDeniedError` otherwise).
        """
        return run_sync(
            self.aforget(
                dataset, document_id, node_set, session_id, user, all_users=all_users, all=all
            )
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
        all: bool = False,
    ) -> ForgetResult:
        """Async twin of :meth:`forget`."""
        return await ingest.aforget(
            self.runtime,
            dataset,
            document_id,
            node_set,
            session_id,
            user,
            all_users=all_users,
            all_documents=all,
        )

    # -- improve: persist cached sessions into the graph ----------------------------------------
    @overload
    def improve(
        self,
        dataset: str = ...,
        session_ids: Sequence[str] | None = ...,
        user: User | None = ...,
        run_in_background: Literal[False] = ...,
        *,
        create_dataset: bool = ...,
        config: RunnableConfig | None = ...,
    ) -> PersistSessionsResult: ...

    @overload
    def improve(
        self,
        dataset: str,
        session_ids: Sequence[str] | None,
        user: User | None,
        run_in_background: Literal[True],
        *,
        create_dataset: bool = ...,
        config: RunnableConfig | None = ...,
    ) -> PipelineRun: ...

    @overload
    def improve(
        self,
        dataset: str = ...,
        session_ids: Sequence[str] | None = ...,
        user: User | None = ...,
        *,
        run_in_background: Literal[True],
        create_dataset: bool = ...,
        config: RunnableConfig | None = ...,
    ) -> PipelineRun: ...

    @overload
    def improve(
        self,
        dataset: str = ...,
        session_ids: Sequence[str] | None = ...,
        user: User | None = ...,
        run_in_background: bool = ...,
        *,
        create_dataset: bool = ...,
        config: RunnableConfig | None = ...,
    ) -> PersistSessionsResult | PipelineRun: ...

    def improve(
        self,
        dataset: str = DEFAULT_DATASET,
        session_ids: Sequence[str] | None = None,
        user: User | None = None,
        run_in_background: bool = False,
        *,
        create_dataset: bool = False,
        config: RunnableConfig | None = None,
    ) -> PersistSessionsResult | PipelineRun:
        """Persist the cached Q&A of ``session_ids`` into ``dataset``'s graph (sync twin of
        :meth:`aimprove`). With ``run_in_background=True`` the run continues on the package's
        background loop and a :class:`~cognee_langchain.pipelines.PipelineRun` returns at once."""
        return run_sync(
            self.aimprove(
                dataset,
                session_ids,
                user,
                run_in_background,
                create_dataset=create_dataset,
                config=config,
            )
        )

    @overload
    async def aimprove(
        self,
        dataset: str = ...,
        session_ids: Sequence[str] | None = ...,
        user: User | None = ...,
        run_in_background: Literal[False] = ...,
        *,
        create_dataset: bool = ...,
        config: RunnableConfig | None = ...,
    ) -> PersistSessionsResult: ...

    @overload
    async def aimprove(
        self,
        dataset: str,
        session_ids: Sequence[str] | None,
        user: User | None,
        run_in_background: Literal[True],
        *,
        create_dataset: bool = ...,
        config: RunnableConfig | None = ...,
    ) -> PipelineRun: ...

    @overload
    async def aimprove(
        self,
        dataset: str = ...,
        session_ids: Sequence[str] | None = ...,
        user: User | None = ...,
        *,
        run_in_background: Literal[True],
        create_dataset: bool = ...,
        config: RunnableConfig | None = ...,
    ) -> PipelineRun: ...

    @overload
    async def aimprove(
        self,
        dataset: str = ...,
        session_ids: Sequence[str] | None = ...,
        user: User | None = ...,
        run_in_background: bool = ...,
        *,
        create_dataset: bool = ...,
        config: RunnableConfig | None = ...,
    ) -> PersistSessionsResult | PipelineRun: ...

    async def aimprove(
        self,
        dataset: str = DEFAULT_DATASET,
        session_ids: Sequence[str] | None = None,
        user: User | None = None,
        run_in_background: bool = False,
        *,
        create_dataset: bool = False,
        config: RunnableConfig | None = None,
    ) -> PersistSessionsResult | PipelineRun:
        """Persist sessions into the knowledge graph: cognee's ``improve(dataset, session_ids)``.

        Runs the persist-sessions pipeline (``extract_user_sessions`` → ``cognify_session``) for
        ``user`` (default: this memory's user). Only Q&A added since the last run into
        ``dataset`` is persisted, under the node set ``user_sessions_from_cache``; each Q&A is
        stored exactly once, whatever failed before.

        ``session_ids=None`` (the default) persists every session of ``user`` in the session
        cache (those with nothing new add nothing; the result's ``session_ids`` lists them and
        its ``message`` says when there were none). cognee's pipeline
        (:func:`~cognee_langchain.pipelines.persist_sessions_in_knowledge_graph_pipeline`) keeps
        cognee's meaning of ``None``: no session.

        ``create_dataset=True`` starts a dataset that has no graph yet from the sessions alone
        (a chat-only agent: nothing remembered first; ``user`` becomes its owner). Without it,
        such a dataset raises :class:`NoGraphDataError`, as cognee's pipeline does, naming this
        option.

        Raises:
            InvalidInputError: a malformed dataset name or session id, or one longer than
                ``Limits.max_id_chars``; ``run_in_background`` or ``create_dataset`` not a bool.
            PermissionDeniedError: ``user`` may not write ``dataset``.
            NoGraphDataError: ``dataset`` has no graph data yet and ``create_dataset`` is false.
            NoSessionsFoundError: none of ``session_ids`` exist for ``user``.
        """
        from cognee_langchain.services import persist

        return await persist.apersist(
            self.runtime,
            self.runtime.user_of(user),
            session_ids,
            dataset,
            run_in_background,
            config=config,
            run_name="cognee_langchain.improve",
            every_session=True,
            create_dataset=create_dataset,
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
        ones), coloured by type or node set, laid out in Python (stable at any size; 10,000
        entities draw in well under 3 s) and fitted to the window. The most connected entities
        are named at rest and labels never overlap; zoom in for more. Scroll to zoom, drag to
        pan, search to highlight and centre matches, click an entity for its type, description,
        relations, node sets, sessions and source passages. ``graph.html#search=Acme`` or
        ``#select=Acme Corp`` opens it searching or showing one entity. The file needs no
        network to open.

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

    # -- export and import: a dataset as JSON Lines ---------------------------------------------
    def export_dataset(
        self,
        dataset: str,
        out: Target,
        *,
        include_vectors: bool = False,
        user: User | None = None,
    ) -> ExportResult:
        """Sync twin of :meth:`aexport_dataset`."""
        return run_sync(
            self.aexport_dataset(dataset, out, include_vectors=include_vectors, user=user)
        )

    async def aexport_dataset(
        self,
        dataset: str,
        out: Target,
        *,
        include_vectors: bool = False,
        user: User | None = None,
    ) -> ExportResult:
        """Write ``dataset`` to ``out`` as JSON Lines, to back it up, move it to another store or
        read it: a header line (format and version, package version, dataset, counts, and the
        embeddings model and dimension when ``include_vectors``), then one line per document,
        chunk, entity, relation, entity / relation mention and message claim. ``out`` is a path
        (written whole or not at all) or an open file, text or binary. The same dataset
        exported twice gives the same bytes. Needs ``read`` permission.

        Raises:
            InvalidInputError: an unknown or malformed dataset name, a path that cannot be
                written, a graph store that cannot export.
            PermissionDeniedError: ``user`` may not read ``dataset``.
        """
        from cognee_langchain.services.transfer import aexport_dataset

        return await aexport_dataset(
            self.runtime, dataset, out, include_vectors=include_vectors, user=user
        )

    def import_dataset(
        self,
        source: Source,
        *,
        user: User | None = None,
        on_conflict: OnConflict = "error",
        recompute_vectors: bool = False,
    ) -> ImportResult:
        """Sync twin of :meth:`aimport_dataset`."""
        return run_sync(
            self.aimport_dataset(
                source, user=user, on_conflict=on_conflict, recompute_vectors=recompute_vectors
            )
        )

    async def aimport_dataset(
        self,
        source: Source,
        *,
        user: User | None = None,
        on_conflict: OnConflict = "error",
        recompute_vectors: bool = False,
    ) -> ImportResult:
        """Import a file written by :meth:`export_dataset` (a path or an open file) into the
        dataset its header names, keeping every id, time and provenance: exporting it again
        gives the same bytes. Every line is checked first and the whole file is written in one
        transaction, so a bad line (named by its number) writes nothing; searches see the
        imported records at once.

        A missing dataset is created, owned by ``user``; an existing one needs ``write``
        permission and must hold no documents unless ``on_conflict="merge"`` (records stored
        already stay as they are). The file's vectors are used when they match this memory's
        embeddings (dimension and model), else the import fails with the fix; with
        ``recompute_vectors=True``, or a file without vectors, this memory's embeddings compute
        them.

        Raises:
            InvalidInputError: an unreadable file, a line that is not a valid record (the message
                names the line), a file of another format version, vectors of another
                dimension or model, a dataset holding documents without ``on_conflict="merge"``.
            PermissionDeniedError: ``user`` may not write the dataset.
        """
        from cognee_langchain.services.transfer import aimport_dataset

        return await aimport_dataset(
            self.runtime,
            source,
            user=user,
            on_conflict=on_conflict,
            recompute_vectors=recompute_vectors,
        )

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
        as_of: datetime | None = None,
        time_range: TimeRange | None = None,
        config: RunnableConfig | None = None,
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
                as_of=as_of,
                time_range=time_range,
                config=config,
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
        as_of: datetime | None = None,
        time_range: TimeRange | None = None,
        config: RunnableConfig | None = None,
        **deprecated: Any,
    ) -> list[Document]:
        """The ``top_k`` memories most relevant to ``query``, best first: retrieval only, no
        answer and no session write.

        ``search_type``: ``"chunks"`` (default: fused lexical, context and vector lanes with
        priors), ``"graph"`` (plus entity-neighbourhood expansion), ``"facts"``,
        ``"summaries"``, ``"temporal"`` (events of the asked window, oldest first) or a
        ``SearchConfig``. ``datasets``: name(s) to search,
        ``None`` for every dataset ``user`` may read (``dataset=`` is its deprecated spelling).
        ``node_sets``: keep only memories in one of them. Document metadata is described in
        :mod:`cognee_langchain.services.search`.

        Time: ``as_of`` (default now) is when "current" is judged: facts no longer (or not
        yet) true then rank below true ones, and say so ("Alice lives in Paris (until 10 June
        2023)."). ``time_range=(start, end)`` (either side ``None``: open; end exclusive) — or
        the query's own cue ("in May 2023", "last year", "before she moved to Berlin") —
        raises what happened in that window without dropping the rest. A naive datetime is
        taken as UTC.

        Raises:
            InvalidInputError: empty query, one longer than ``Limits.max_query_chars`` (set it
                with ``GraphMemory(limits=Limits(max_query_chars=...))``) or of invalid Unicode
                (a lone surrogate); ``top_k`` <= 0, unknown search type or dataset, a node set
                name over ``Limits.max_id_chars``; ``as_of`` not a datetime, ``time_range``
                not a ``(start, end)`` pair of datetimes with start before end.
            PermissionDeniedError: ``user`` may not read a dataset named in ``datasets``.
        """
        datasets = renamed_arguments(
            "GraphMemory.search", deprecated, _READ_RENAMES, datasets=datasets
        )["datasets"]
        from cognee_langchain.core.tracing import traced
        from cognee_langchain.services import search

        inputs = {"query": query, "datasets": datasets, "search_type": search_type, "top_k": top_k}
        async with traced("cognee_langchain.search", inputs, config) as run:
            documents = await search.asearch(
                self.runtime,
                query,
                datasets=datasets,
                search_type=search_type,
                top_k=top_k,
                node_sets=node_sets,
                user=user,
                as_of=as_of,
                time_range=time_range,
            )
            run.output = documents
        return documents

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
        as_of: datetime | None = None,
        time_range: TimeRange | None = None,
        config: RunnableConfig | None = None,
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
                as_of=as_of,
                time_range=time_range,
                config=config,
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
        as_of: datetime | None = None,
        time_range: TimeRange | None = None,
        config: RunnableConfig | None = None,
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
        once, with that key, when the store cannot confirm it. ``as_of`` / ``time_range``
        steer retrieval as in :meth:`asearch`.

        Raises:
            InvalidInputError: empty query, one longer than ``Limits.max_query_chars`` (set it
                with ``GraphMemory(limits=Limits(max_query_chars=...))``) or of invalid Unicode
                (a lone surrogate); ``top_k`` <= 0, unknown search type or dataset, a malformed
                session id or one longer than ``Limits.max_id_chars``; a bad ``as_of`` or
                ``time_range`` (see :meth:`asearch`).
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
        from cognee_langchain.core.tracing import traced
        from cognee_langchain.services import recall

        inputs = {"query": query, "session_id": session_id, "datasets": datasets, "top_k": top_k}
        async with traced("cognee_langchain.recall", inputs, config) as run:
            result = await recall.arecall(
                self.runtime,
                query,
                session_id=session_id,
                datasets=datasets,
                search_type=search_type,
                top_k=top_k,
                node_sets=node_sets,
                user=user,
                as_of=as_of,
                time_range=time_range,
            )
            run.output = result
        return result

    def history(
        self,
        subject: str,
        relation: str | None = None,
        *,
        dataset: str = DEFAULT_DATASET,
        user: User | None = None,
    ) -> list[FactVersion]:
        """Sync twin of :meth:`ahistory`."""
        return run_sync(self.ahistory(subject, relation, dataset=dataset, user=user))

    async def ahistory(
        self,
        subject: str,
        relation: str | None = None,
        *,
        dataset: str = DEFAULT_DATASET,
        user: User | None = None,
    ) -> list[FactVersion]:
        """Every version of what ``dataset`` knows about ``subject`` (an entity name, "Alice"),
        oldest first: each ``FactVersion`` with its interval (``valid_at`` with its grain and
        phrase, ``invalid_at``, ``superseded_by``), when the memory learned it and where it was
        said (session, message and chunk ids); a value told only by its end ("I sold the Golf",
        the Golf never mentioned) comes last, with ``valid_at`` ``None``. ``relation``: only that
        kind (``"lives_in"``, ``"works at"``). ``[]`` when the subject is unknown. See
        :mod:`cognee_langchain.services.history`.

        Raises:
            InvalidInputError: a blank subject, a relation that is no kind, a malformed dataset.
            PermissionDeniedError: ``user`` may not read ``dataset``.
        """
        from cognee_langchain.services.history import ahistory

        return await ahistory(self.runtime, subject, relation, dataset=dataset, user=user)

    # -- adapters built on this memory ----------------------------------------------------------
    def as_retriever(self, **kwargs: Any) -> GraphRetriever:
        """A :class:`~cognee_langchain.retrievers.GraphRetriever` over this memory; ``kwargs``
        are its fields (``top_k``, ``search_type``, ``datasets``, ``node_sets``, ``user``,
        ``as_of``, ``time_range``)."""
        # The facade's factories are the only imports of an adapter from below it (see
        # docs/architecture.md); the adapter refers back to the facade for typing only.
        from cognee_langchain.retrievers import GraphRetriever

        return GraphRetriever(memory=self, **kwargs)

    def as_tool(self, **kwargs: Any) -> BaseTool:
        """This memory as a LangChain tool an agent can call to search it (see
        :func:`cognee_langchain.tools.create_memory_tool` for the options)."""
        from cognee_langchain.tools import create_memory_tool

        return create_memory_tool(self, **kwargs)

    def as_manage_tool(self, **kwargs: Any) -> BaseTool:
        """This memory as a LangChain tool an agent calls to create, update or delete one memory
        of its user (see :func:`cognee_langchain.tools.create_manage_memory_tool` for the
        options)."""
        from cognee_langchain.tools import create_manage_memory_tool

        return create_manage_memory_tool(self, **kwargs)

    def as_store(self, **kwargs: Any) -> GraphMemoryStore:
        """This memory as LangGraph's long-term ``BaseStore`` (for ``create_agent(store=...)``,
        LangMem's memory tools, ``get_store()``); ``kwargs`` are
        :class:`~cognee_langchain.store.GraphMemoryStore`'s (``dataset``, ``node_set``,
        ``user``, ``text_fields``, ``search_type``)."""
        from cognee_langchain.store import GraphMemoryStore

        return GraphMemoryStore(self, **kwargs)

    def __getattr__(self, name: str) -> Any:
        # create_agent(store=memory) is accepted (LangGraph does not check a store's type) and
        # then fails deep inside a tool; name the fix instead of a bare AttributeError.
        if name in _STORE_METHODS:
            raise AttributeError(
                f"GraphMemory has no {name!r}: it is not a LangGraph BaseStore. Pass "
                "memory.as_store() where a store is expected, e.g. create_agent(..., "
                "store=memory.as_store())."
            )
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

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
