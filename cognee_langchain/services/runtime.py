"""``MemoryRuntime``: the parts one memory works with, opened lazily, owned in one place.

Every service (ingest, search, recall, persist, access) takes a runtime rather than the
``GraphMemory`` facade, so services never import the facade and the facade only delegates. The
runtime sits at the bottom of the services layer because it builds engines (stores, embeddings,
extractor, index); nothing below it knows it exists.

Everything defaults to embedded and offline (a SQLite graph and session store under
``./.cognee_langchain/``, the offline extractor, WordLlama embeddings), created on first use, so
constructing a runtime loads no model and opens no file.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar

import numpy as np

from cognee_langchain.core.defaults import Limits
from cognee_langchain.core.forks import at_fork_in_child
from cognee_langchain.core.postgres_urls import (
    DEFAULT_POSTGRES_SCHEMA,
    is_postgres_url,
    sessions_schema,
    split_schema,
)
from cognee_langchain.core.redaction import redact_url
from cognee_langchain.core.settings import Settings, check_session_location
from cognee_langchain.core.validation import check_user
from cognee_langchain.errors import CogneeLangchainError, ExtractionError, InvalidInputError
from cognee_langchain.extraction.chunking import TextChunker
from cognee_langchain.extraction.kinds import RelationKinds
from cognee_langchain.graph.resolution import EntityResolver
from cognee_langchain.users import User, get_default_user_sync

if TYPE_CHECKING:
    import numpy.typing as npt
    from langchain_core.embeddings import Embeddings
    from langchain_core.language_models import BaseChatModel

    from cognee_langchain.extraction.base import GraphExtractor
    from cognee_langchain.graph.base import GraphStore
    from cognee_langchain.retrieval.graph_index import GraphIndex
    from cognee_langchain.sessions.base import SessionStore

__all__ = ["MemoryRuntime", "RuntimeOptions", "open_graph_store"]

T = TypeVar("T")


_EMBEDDINGS_FIX = (
    "Check the embeddings model: it must return one finite vector per text, every vector of the "
    "same length (pass GraphMemory(embeddings=...) a working LangChain Embeddings)."
)


class RuntimeOptions(TypedDict, total=False):
    """The keyword options of :class:`MemoryRuntime` (and so of ``GraphMemory``).

    llm: A chat model for extraction (``LLMGraphExtractor``) and answers; offline when ``None``.
    embeddings: Any LangChain ``Embeddings`` (default: offline ``WordLlamaEmbeddings``).
    session_store: Where chat sessions are cached (default: SQLite in ``data_dir``).
    graph_store: Where the graph lives (default: ``SQLiteGraphStore`` in ``data_dir``).
    user: Who acts when a method gets no ``user`` (default: the default user).
    extractor: Overrides the extractor chosen from ``llm``.
    chunk_size: Maximum chunk length in characters (default: ``TextChunker``'s).
    chunk_overlap: Characters shared by consecutive chunks (default: ``TextChunker``'s).
    resolver: Entity resolution settings (default: ``EntityResolver()``).
    relation_kinds: Which relation kinds a newer fact replaces (default: ``RelationKinds()``,
        homes, jobs, titles, relationships and studies; see
        :mod:`cognee_langchain.extraction.kinds`).
    llm_timeout: Seconds any one chat-model call may take (an extraction chunk across its
        retries, a recall answer); default 30.
    limits: Size limits checked before any work (default: ``Limits()``).
    session_namespace: The Redis key namespace of sessions in a store built from a URL
        (default: a digest of the graph store's location, so each memory has its own; give two
        memories the same one to share their sessions).
    settings: Used instead of the environment (default: ``Settings.from_env()``, the
        ``COGNEE_LANGCHAIN_*`` variables); the options above win over it.

    ``session_store`` may also be a Redis URL (``redis://``, ``rediss://``, ``unix://``; a Redis
    Cluster as ``redis+cluster://host:port`` or ``rediss+cluster://``), a PostgreSQL URL
    (``postgresql://user@host:5432/db``, :class:`~cognee_langchain.sessions.PostgresSessionStore`)
    or a path to a SQLite file; ``graph_store`` a PostgreSQL URL
    (:class:`~cognee_langchain.graph.PostgresGraphStore`) or a path to a SQLite file. Options left
    ``None`` come from the settings (see :mod:`cognee_langchain.core.settings`).
    """

    llm: BaseChatModel | None
    embeddings: Embeddings | None
    session_store: SessionStore | str | os.PathLike[str] | None
    graph_store: GraphStore | str | os.PathLike[str] | None
    user: User | None
    extractor: GraphExtractor | None
    chunk_size: int | None
    chunk_overlap: int | None
    resolver: EntityResolver | None
    relation_kinds: RelationKinds | None
    llm_timeout: float | None
    limits: Limits
    session_namespace: str | None
    settings: Settings | None


class MemoryRuntime:
    """The stores, models and settings one memory works with: ``data_dir`` plus the
    :class:`RuntimeOptions`. :class:`~cognee_langchain.memory.GraphMemory` owns one."""

    #: Chunks handed to the extractor per call; the progress bar advances per batch.
    extraction_batch_size = 128

    def __init__(
        self,
        data_dir: str | os.PathLike[str] | None = None,
        *,
        llm: BaseChatModel | None = None,
        embeddings: Embeddings | None = None,
        session_store: SessionStore | str | os.PathLike[str] | None = None,
        graph_store: GraphStore | str | os.PathLike[str] | None = None,
        user: User | None = None,
        extractor: GraphExtractor | None = None,
        chunk_size: int | None = None,
        chunk_overlap: int | None = None,
        resolver: EntityResolver | None = None,
        relation_kinds: RelationKinds | None = None,
        llm_timeout: float | None = None,
        limits: Limits | None = None,
        session_namespace: str | None = None,
        settings: Settings | None = None,
    ) -> None:
        from cognee_langchain.graph.base import GraphStore
        from cognee_langchain.sessions.base import SessionStore

        if settings is not None and not isinstance(settings, Settings):
            raise InvalidInputError(
                f"settings must be a Settings, got {type(settings).__name__}: pass "
                "Settings.from_env() or Settings(...)."
            )
        if session_namespace is not None and isinstance(session_store, SessionStore):
            raise InvalidInputError(
                "session_namespace applies to a session store the memory builds from a URL: "
                "pass namespace= to the RedisSessionStore you pass instead."
            )
        # Arguments win over the settings (the environment's unless settings= is given); each
        # value is checked here (a path the file system cannot take, a zero deadline...), not on
        # first use. Store objects are not settings: they are used as they are.
        self.settings = (Settings.from_env() if settings is None else settings).replace(
            data_dir=data_dir,
            session_store=_session_store_location(session_store),
            graph_store=None if isinstance(graph_store, GraphStore) else graph_store,
            llm_timeout=llm_timeout,
            chunk_size=chunk_size,
            chunk_overlap=chunk_overlap,
            session_namespace=session_namespace,
        )
        settings = self.settings
        self.data_dir = settings.data_dir.absolute()
        self.llm = llm if llm is not None else settings.chat_model()
        if user is None and settings.user is not None:
            user = User(id=settings.user)
        self.user = check_user(user, get_default_user_sync())
        chunk_args = {"chunk_size": settings.chunk_size, "chunk_overlap": settings.chunk_overlap}
        self.chunker = TextChunker(**{k: v for k, v in chunk_args.items() if v is not None})
        if resolver is not None and not isinstance(resolver, EntityResolver):
            raise InvalidInputError(
                f"resolver must be an EntityResolver, got {type(resolver).__name__}."
            )
        self.resolver = resolver or EntityResolver()
        if relation_kinds is not None and not isinstance(relation_kinds, RelationKinds):
            raise InvalidInputError(
                f"relation_kinds must be a RelationKinds, got {type(relation_kinds).__name__}: "
                "pass RelationKinds(single_valued={...}, predicates={...})."
            )
        self.relation_kinds = relation_kinds or RelationKinds()
        self.llm_timeout = settings.llm_timeout
        if limits is not None and not isinstance(limits, Limits):
            raise InvalidInputError(
                f"limits must be a Limits, got {type(limits).__name__}: pass "
                "Limits(max_query_chars=...)."
            )
        self.limits = limits or settings.limits
        _check_parts(llm, embeddings, extractor)
        self._session_store: SessionStore | None = (
            session_store if isinstance(session_store, SessionStore) else None
        )
        self._graph_store: GraphStore | None = (
            graph_store if isinstance(graph_store, GraphStore) else None
        )
        self._embeddings = embeddings
        self._extractor = extractor
        self._graph_index: GraphIndex | None = None
        self._word_vectors: Embeddings | None = None
        self._owned: list[str] = []  # attributes holding stores this runtime opened
        self._init_lock = threading.Lock()
        # background runs (improve(run_in_background=True)) that close() waits for
        self._background: set[concurrent.futures.Future[Any]] = set()
        self._background_lock = threading.Lock()
        at_fork_in_child(self._after_fork)

    def _after_fork(self) -> None:
        """In a forked child: locks of its own, and no background run to wait for on close
        (the parent's go on in the parent). Stores, index and pools re-create their own."""
        self._init_lock = threading.Lock()
        self._background_lock = threading.Lock()
        self._background = set()

    # -- lazily created parts -------------------------------------------------------------------
    def _lazy(self, attribute: str, factory: Callable[[], T], *, owned: bool = False) -> T:
        value: T | None = getattr(self, attribute)
        if value is None:
            with self._init_lock:
                value = getattr(self, attribute)
                if value is None:
                    value = factory()
                    setattr(self, attribute, value)
                    # Only once it opened: a store that failed to open is not ours to close.
                    if owned:
                        self._owned.append(attribute)
        return value

    @property
    def graph_store(self) -> GraphStore:
        """The graph store (``data_dir/graph.sqlite`` unless one was passed)."""

        def create() -> GraphStore:
            return open_graph_store(self.settings.graph_store or self.data_dir / "graph.sqlite")

        return self._lazy("_graph_store", create, owned=True)

    @property
    def session_namespace(self) -> str:
        """The Redis key namespace of the sessions of a store this runtime builds from a URL:
        ``session_namespace`` when set, else a digest of where the graph lives, so that two
        memories on one Redis keep apart unless they share a graph (or are given one namespace).
        """
        if self.settings.session_namespace is not None:
            return self.settings.session_namespace
        store = self._graph_store
        location: object = self.settings.graph_store or self.data_dir / "graph.sqlite"
        if store is not None and self.settings.graph_store is None:
            # A GraphStore passed in: its file, else where its data lives (a server's store
            # is the same from every host), else the data dir.
            location = getattr(store, "path", None) or store.identity() or self.data_dir
        if isinstance(location, PurePath):
            location = Path(location).resolve()
        elif is_postgres_url(location):  # the password may change; the database does not
            location = redact_url(location)
        digest = hashlib.sha256(str(location).encode("utf-8", "surrogateescape")).hexdigest()
        return "g" + digest[:16]

    @property
    def session_store(self) -> SessionStore:
        """The session store (``data_dir/sessions.sqlite`` unless one was passed)."""

        def create() -> SessionStore:
            settings = self.settings
            ttl, max_messages = settings.session_ttl, settings.session_max_messages
            if isinstance(settings.session_store, str) and is_postgres_url(settings.session_store):
                from cognee_langchain.sessions.postgres import PostgresSessionStore

                dsn, schema = split_schema(settings.session_store)
                return PostgresSessionStore(
                    dsn,
                    schema=sessions_schema(schema),
                    namespace=self.session_namespace,
                    ttl=ttl,
                    max_messages=max_messages,
                )
            if isinstance(settings.session_store, str):
                from cognee_langchain.sessions.redis import RedisSessionStore

                return RedisSessionStore(
                    settings.session_store,
                    namespace=self.session_namespace,
                    ttl=ttl,
                    max_messages=max_messages,
                    socket_timeout=settings.redis_timeout,
                    socket_connect_timeout=settings.redis_timeout,
                )
            from cognee_langchain.sessions.sqlite import SQLiteSessionStore

            path = settings.session_store or self.data_dir / "sessions.sqlite"
            return SQLiteSessionStore(path, ttl=ttl, max_messages=max_messages)

        return self._lazy("_session_store", create, owned=True)

    @property
    def embeddings(self) -> Embeddings:
        """The embeddings model (offline ``WordLlamaEmbeddings`` unless one was passed)."""

        def create() -> Embeddings:
            from cognee_langchain.embeddings import WordLlamaEmbeddings

            return WordLlamaEmbeddings()

        return self._lazy("_embeddings", create)

    @property
    def embed_words(self) -> Callable[[Sequence[str]], npt.NDArray[np.float32]]:
        """Word vectors for query term expansion: the offline WordLlama vectors, whatever the
        embeddings model (a word alone is what static vectors are good at, and expanding a
        query must not cost a call to a remote model)."""
        from cognee_langchain.embeddings import WordLlamaEmbeddings

        model = self.embeddings
        if not isinstance(model, WordLlamaEmbeddings):
            model = self._lazy("_word_vectors", WordLlamaEmbeddings)
        assert isinstance(model, WordLlamaEmbeddings)
        return model.embed_array

    @property
    def extractor(self) -> GraphExtractor:
        """The graph extractor: ``LLMGraphExtractor(llm)`` with a chat model, else offline."""

        def create() -> GraphExtractor:
            if self.llm is None:
                from cognee_langchain.extraction.offline import OfflineGraphExtractor

                return OfflineGraphExtractor()
            from cognee_langchain.extraction.llm import LLMGraphExtractor

            return LLMGraphExtractor(self.llm, timeout=self.llm_timeout)

        return self._lazy("_extractor", create)

    @property
    def graph_index(self) -> GraphIndex:
        """The search index over the graph store: loaded on the first search from its snapshot
        in ``data_dir`` (else from the stored vectors), then caught up incrementally; over a
        store that announces commits (PostgreSQL, shared by workers), in the background as
        other workers write, so that searches rarely wait for it."""

        if self._graph_index is not None:
            return self._graph_index
        # Read before the lazy creation below: opening the store takes the same (non-reentrant)
        # lock.
        follow = self.graph_store.announces_commits

        def create() -> GraphIndex:
            from cognee_langchain.retrieval.graph_index import GraphIndex

            return GraphIndex(snapshot_dir=self.data_dir, follow=follow)

        return self._lazy("_graph_index", create)

    def user_of(self, user: object) -> User:
        """``user``, or this runtime's user when ``None``; anything else is an error."""
        return check_user(user, self.user)

    # -- embeddings -----------------------------------------------------------------------------
    async def aembed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
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
                f"Embedding {len(texts)} text(s) with {type(model).__name__} failed",
                exc,
                fix=_EMBEDDINGS_FIX,
            ) from exc
        try:  # ragged rows or non-numbers make numpy raise: the model's fault, not the caller's
            matrix = np.array(raw, dtype=np.float32)  # a copy: normalised in place below
        except (TypeError, ValueError) as exc:
            raise ExtractionError(
                f"{type(model).__name__} returned vectors that are not a matrix of numbers",
                exc,
                fix=_EMBEDDINGS_FIX,
            ) from exc
        if (
            matrix.ndim != 2
            or matrix.shape[0] != len(texts)
            or matrix.shape[1] == 0
            or not np.isfinite(matrix).all()
        ):
            raise ExtractionError(
                f"{type(model).__name__} returned unusable vectors (shape {matrix.shape} for "
                f"{len(texts)} texts)",
                fix=_EMBEDDINGS_FIX,
            )
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        norms[norms == 0] = 1
        matrix /= norms
        return matrix

    # -- lifecycle ------------------------------------------------------------------------------
    def track(self, run: concurrent.futures.Future[Any]) -> None:
        """Have :meth:`close` wait for ``run`` (a background run on this runtime)."""
        with self._background_lock:
            self._background.add(run)
        run.add_done_callback(self._untrack)

    def _untrack(self, run: concurrent.futures.Future[Any]) -> None:
        with self._background_lock:
            self._background.discard(run)

    def _pending(self) -> list[concurrent.futures.Future[Any]]:
        with self._background_lock:
            return [run for run in self._background if not run.done()]

    def _release(self) -> list[GraphStore | SessionStore]:
        with self._init_lock:
            stores = [getattr(self, attribute) for attribute in reversed(self._owned)]
            for attribute in self._owned:
                setattr(self, attribute, None)
            self._owned.clear()
        return [store for store in stores if store is not None]

    def close(self) -> None:
        """Wait for this runtime's background runs (each chat call in them has a deadline), then
        close the stores it opened (stores passed in stay open). Safe in any state and more than
        once; using the runtime again reopens the stores."""
        concurrent.futures.wait(self._pending())
        self._stop_following()
        for store in self._release():
            store.close()

    def _stop_following(self) -> None:
        if self._graph_index is not None:
            self._graph_index.stop_following()

    async def aclose(self) -> None:
        """Async twin of :meth:`close`."""
        pending = self._pending()
        if pending:
            await asyncio.wait([asyncio.wrap_future(run) for run in pending])
        self._stop_following()
        for store in self._release():
            await store.aclose()


def open_graph_store(location: str | os.PathLike[str]) -> GraphStore:
    """The graph store at ``location``: a PostgreSQL URL, else a SQLite file (created when
    missing). The one place a location becomes a store (a memory, ``migrate_graph``, the CLI)."""
    if is_postgres_url(location):
        from cognee_langchain.graph.postgres import PostgresGraphStore

        dsn, schema = split_schema(str(location))
        return PostgresGraphStore(dsn, schema=schema or DEFAULT_POSTGRES_SCHEMA)
    from cognee_langchain.graph.sqlite import SQLiteGraphStore

    return SQLiteGraphStore(location)


def _session_store_location(value: object) -> str | Path | None:
    """The ``session_store`` option as a setting (a Redis URL or a SQLite path), ``None`` for a
    store object or nothing; anything else is an error at once, not on first use."""
    from cognee_langchain.sessions.base import SessionStore

    if value is None or isinstance(value, SessionStore):
        return None
    if isinstance(value, str | PurePath | os.PathLike):
        return check_session_location(value, "session_store")
    raise InvalidInputError(
        "session_store must be a SessionStore, a Redis URL ('redis://host:6379/0'), a "
        "PostgreSQL URL ('postgresql://host:5432/dbname') or a SQLite file path, got "
        f"{type(value).__name__} {redact_url(value)[:60]!r}."
    )


def _check_parts(llm: object, embeddings: object, extractor: object) -> None:
    """Reject at construction what would fail on first use with an AttributeError."""
    if llm is not None and not callable(getattr(llm, "ainvoke", None)):
        raise InvalidInputError(
            f"llm must be a LangChain chat model, got {type(llm).__name__}: pass e.g. "
            "ChatOpenAI(model=...)."
        )
    if embeddings is not None and not callable(getattr(embeddings, "aembed_documents", None)):
        raise InvalidInputError(
            f"embeddings must be a LangChain Embeddings, got {type(embeddings).__name__}."
        )
    if extractor is not None and not callable(getattr(extractor, "aextract", None)):
        raise InvalidInputError(
            f"extractor must be a GraphExtractor, got {type(extractor).__name__}."
        )
