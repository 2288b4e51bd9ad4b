"""Persist cached sessions into the knowledge graph, as a LangGraph graph.

cognee's ``persist_sessions_in_knowledge_graph_pipeline``: two nodes run in sequence,

1. ``extract_user_sessions`` checks the user may write the dataset and that it has graph data,
   then reads the Q&A of each session added since the last run into that dataset;
2. ``cognify_session`` remembers that Q&A under the node set ``user_sessions_from_cache``, with
   session and message provenance, and only then advances each session's watermark.

The node functions take the memory from the run's context (:class:`PersistSessionsContext`) so
they can be added to any user graph; :func:`build_persist_sessions_graph` binds a memory and
compiles the two-node graph, usable on its own or as a subgraph.
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import (
    Awaitable,
    Callable,
    Coroutine,
    Generator,
    Iterable,
    Sequence,
)
from concurrent.futures import Future
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar, cast

from langchain_core.runnables import RunnableLambda
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime, get_runtime
from pydantic import BaseModel, ConfigDict

from cognee_langchain._async import claimed, run_sync
from cognee_langchain.errors import InvalidInputError, NoGraphDataError, NoSessionsFoundError
from cognee_langchain.graph.models import SourceItem
from cognee_langchain.ids import validate_id
from cognee_langchain.pipelines.sessions import SessionEntry, render_entries, split_entries
from cognee_langchain.users import User

if TYPE_CHECKING:
    from langgraph.graph.state import CompiledStateGraph
    from langgraph.types import Checkpointer

    from cognee_langchain.memory import GraphMemory

__all__ = [
    "SESSIONS_NODE_SET",
    "PersistSessionsContext",
    "PersistSessionsResult",
    "PersistSessionsState",
    "PipelineRun",
    "RunStatus",
    "build_persist_sessions_graph",
    "cognify_session",
    "extract_user_sessions",
    "get_pipeline_run",
    "persist_sessions_in_knowledge_graph_pipeline",
]

T = TypeVar("T")

SESSIONS_NODE_SET = "user_sessions_from_cache"
# Q&A entries are short and belong together: one chunk holds about ten of them, so persisting a
# session costs one extraction call rather than one per few entries.
SESSION_CHUNK_CHARS = 6000


class ExtractedSession(BaseModel):
    """The new Q&A of one session, read above its watermark for the target dataset."""

    model_config = ConfigDict(frozen=True)

    session_id: str
    watermark: int
    entries: tuple[SessionEntry, ...]


class PersistSessionsResult(BaseModel):
    """What a run of the pipeline did."""

    model_config = ConfigDict(frozen=True)

    dataset: str
    session_ids: tuple[str, ...] = ()
    sessions_read: int = 0
    entries_persisted: int = 0
    missing_session_ids: tuple[str, ...] = ()
    documents_added: int = 0
    chunks_added: int = 0
    nodes_added: int = 0
    edges_added: int = 0
    duration_s: float = 0.0
    message: str = ""


class PersistSessionsState(TypedDict, total=False):
    """State of the persist-sessions graph. Inputs: ``user``, ``session_ids``, ``dataset``."""

    user: User
    session_ids: list[str] | None
    dataset: str
    extracted: list[ExtractedSession]
    missing_session_ids: list[str]
    started_at: float
    result: PersistSessionsResult


@dataclass(frozen=True, slots=True)
class PersistSessionsContext:
    """Run context of the node functions when they are used in a user's own graph."""

    memory: GraphMemory


# -- the nodes -----------------------------------------------------------------------------------
async def _extract(memory: GraphMemory, state: PersistSessionsState) -> dict[str, Any]:
    user, dataset, session_ids = _inputs(state)
    started = state.get("started_at") or time.time()
    if session_ids is None:
        return {"extracted": [], "missing_session_ids": [], "started_at": started}
    await memory.acheck_permission(dataset, "write", user)
    if not await memory.ahas_graph_data(dataset):
        raise NoGraphDataError(dataset)
    store = memory.session_store

    async def read(session_id: str) -> ExtractedSession | None:
        watermark = await store.aget_watermark(user.id, session_id, dataset)
        stored = await store.aread(user.id, session_id, since=watermark)
        if stored.end == 0:
            return None
        return ExtractedSession(
            session_id=session_id,
            watermark=watermark,
            entries=tuple(split_entries(session_id, stored.items)),
        )

    found = await _settled(read(sid) for sid in session_ids)
    missing = [sid for sid, got in zip(session_ids, found, strict=True) if got is None]
    if session_ids and len(missing) == len(session_ids):
        raise NoSessionsFoundError(session_ids, user.id)
    return {
        "extracted": [got for got in found if got is not None],
        "missing_session_ids": missing,
        "started_at": started,
    }


async def _cognify(memory: GraphMemory, state: PersistSessionsState) -> dict[str, Any]:
    user, dataset, session_ids = _inputs(state)
    extracted = state.get("extracted") or []
    store = memory.session_store
    keys = [(id(store), user.id, s.session_id, dataset) for s in extracted]
    written = None
    async with claimed(keys):
        # Another run may have persisted part of what we read: keep only what is still new.
        currents = await _settled(
            store.aget_watermark(user.id, s.session_id, dataset) for s in extracted
        )
        todo = [
            (session, current, entries)
            for session, current in zip(extracted, currents, strict=True)
            if (entries := [e for e in session.entries if e.seq_start >= current])
        ]
        if todo:
            written = await memory.aingest(
                [_source_item(session.session_id, entries) for session, _, entries in todo],
                dataset=dataset,
                node_set=SESSIONS_NODE_SET,
                user=user,
                chunk_size=SESSION_CHUNK_CHARS,
            )
        # Only after the graph write committed: a failed write leaves every watermark where it
        # was. A compare-and-set lost to another process means that process persisted the same
        # entries (to the same document ids), so they are not counted here.
        advanced = await _settled(
            store.aadvance_watermark(
                user.id, session.session_id, dataset, current, entries[-1].seq_end
            )
            for session, current, entries in todo
        )
    persisted = [len(e) for (_, _, e), moved in zip(todo, advanced, strict=True) if moved]
    return {
        "result": PersistSessionsResult(
            dataset=dataset,
            session_ids=tuple(session_ids or ()),
            sessions_read=len(extracted),
            entries_persisted=sum(persisted),
            missing_session_ids=tuple(state.get("missing_session_ids") or ()),
            documents_added=written.documents_added if written else 0,
            chunks_added=written.chunks_added if written else 0,
            nodes_added=written.entities_added if written else 0,
            edges_added=written.relations_added if written else 0,
            duration_s=time.time() - (state.get("started_at") or time.time()),
            message=_outcome(session_ids, sum(persisted), len(persisted)),
        )
    }


def _source_item(session_id: str, entries: Sequence[SessionEntry]) -> SourceItem:
    """The new entries of one session as one document to remember, with their provenance."""
    return SourceItem(
        text=render_entries(entries),
        name=f"session:{session_id}",
        session_id=session_id,
        message_ids=tuple(m for e in entries for m in e.message_ids),
        metadata={
            "session_id": session_id,
            "first_seq": entries[0].seq_start,
            "end_seq": entries[-1].seq_end,
            "context_ids": sorted({c for e in entries for c in e.context_ids}),
        },
    )


def _outcome(session_ids: Sequence[str] | None, entries: int, sessions: int) -> str:
    if session_ids is None:
        return "session_ids is None: no sessions were extracted."
    if not session_ids:
        return "session_ids is empty: no sessions were extracted."
    if entries == 0:
        return (
            "Nothing new to persist: every complete Q&A entry was persisted before (a question "
            "still waiting for its answer is persisted once answered)."
        )
    return f"Persisted {entries} Q&A entries from {sessions} session(s)."


async def _settled(calls: Iterable[Awaitable[T]]) -> list[T]:
    """Await ``calls`` concurrently (one round trip's latency for all sessions, not one each);
    raise the first failure once all have settled, never leaving one running unobserved."""
    outcomes = await asyncio.gather(*calls, return_exceptions=True)
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome
    return cast("list[T]", outcomes)


async def extract_user_sessions(
    state: PersistSessionsState, runtime: Runtime[PersistSessionsContext]
) -> dict[str, Any]:
    """LangGraph node: read the un-persisted Q&A of ``state["session_ids"]`` for the user.

    Raises:
        PermissionDeniedError: the user may not write ``state["dataset"]``.
        NoGraphDataError: the dataset has no graph data yet.
        NoSessionsFoundError: none of the session ids exist for this user.
    """
    return await _extract(_memory_of(runtime), state)


async def cognify_session(
    state: PersistSessionsState, runtime: Runtime[PersistSessionsContext]
) -> dict[str, Any]:
    """LangGraph node: remember the extracted Q&A under ``user_sessions_from_cache``, then
    advance each session's watermark."""
    return await _cognify(_memory_of(runtime), state)


def _memory_of(runtime: Runtime[PersistSessionsContext]) -> GraphMemory:
    context = runtime.context
    if context is None or getattr(context, "memory", None) is None:
        raise InvalidInputError(
            "The persist-sessions nodes need a memory: invoke the graph with "
            "context=PersistSessionsContext(memory=...) or use "
            "build_persist_sessions_graph(memory)."
        )
    return context.memory


def _inputs(state: PersistSessionsState) -> tuple[User, str, list[str] | None]:
    return _check_inputs(
        state.get("user"), state.get("session_ids"), state.get("dataset", "main_dataset")
    )


def _check_inputs(
    user: object, session_ids: object, dataset: object
) -> tuple[User, str, list[str] | None]:
    """The validated ``(user, dataset, session ids)``: ids deduplicated, in order."""
    if not isinstance(user, User):
        raise InvalidInputError(
            f"state['user'] must be a User, got {type(user).__name__}: "
            "use await get_default_user()."
        )
    dataset = validate_id(dataset, "dataset")
    if session_ids is None:
        return user, dataset, None
    if isinstance(session_ids, str | bytes | bytearray) or not isinstance(session_ids, Sequence):
        raise InvalidInputError(
            "session_ids must be a list of session ids (or None), e.g. ['demo_session']."
        )
    return user, dataset, list(dict.fromkeys(validate_id(s, "session_id") for s in session_ids))


_Work = Callable[["GraphMemory", PersistSessionsState], Coroutine[Any, Any, dict[str, Any]]]


def _node(name: str, work: _Work, memory: GraphMemory | None) -> RunnableLambda[Any, Any]:
    """A graph node running ``work`` natively async under ``ainvoke`` and through the package's
    background loop under ``invoke``, so the compiled graph serves sync and async callers alike
    (a plain async function would make ``graph.invoke`` fail)."""

    def memory_now() -> GraphMemory:
        return memory if memory is not None else _memory_of(get_runtime(PersistSessionsContext))

    async def arun(state: PersistSessionsState) -> dict[str, Any]:
        return await work(memory_now(), state)

    def run(state: PersistSessionsState) -> dict[str, Any]:
        return run_sync(work(memory_now(), state))

    return RunnableLambda(run, afunc=arun, name=name)


def build_persist_sessions_graph(
    memory: GraphMemory | None = None, *, checkpointer: Checkpointer = None
) -> CompiledStateGraph[Any, Any, Any, Any]:
    """Compile the ``extract_user_sessions`` → ``cognify_session`` graph.

    With ``memory`` the nodes are bound to it and the graph runs with no context (and works as
    a subgraph node of a user graph). Without it, pass ``context=PersistSessionsContext(memory)``
    to ``invoke``. Both ``invoke`` and ``ainvoke`` work. With a ``checkpointer``, a run that
    failed in ``cognify_session`` resumes there (``graph.ainvoke(None, config)``) without
    reading the sessions again.
    """
    builder: StateGraph[Any, Any, Any, Any] = StateGraph(
        PersistSessionsState, context_schema=PersistSessionsContext
    )
    builder.add_node("extract_user_sessions", _node("extract_user_sessions", _extract, memory))
    builder.add_node("cognify_session", _node("cognify_session", _cognify, memory))
    builder.add_edge(START, "extract_user_sessions")
    builder.add_edge("extract_user_sessions", "cognify_session")
    builder.add_edge("cognify_session", END)
    return builder.compile(checkpointer=checkpointer, name="persist_sessions")


# -- runs in the background ----------------------------------------------------------------------
class RunStatus(StrEnum):
    """Where a background run is."""

    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


class PipelineRun:
    """Handle of a pipeline run started with ``run_in_background=True``.

    ``await run`` or ``run.result(timeout)`` give the :class:`PersistSessionsResult` (or raise
    the run's exception); :attr:`status` and :attr:`exception` can be polled, and
    :func:`get_pipeline_run` finds the handle again by :attr:`id`.
    """

    def __init__(self, dataset: str, session_ids: Sequence[str] | None) -> None:
        self.id = uuid.uuid4().hex
        self.dataset = dataset
        self.session_ids = list(session_ids) if session_ids is not None else None
        self.status = RunStatus.PENDING
        self._future: Future[PersistSessionsResult] = Future()

    def __repr__(self) -> str:
        return f"PipelineRun(id={self.id!r}, status={self.status.value!r})"

    @property
    def exception(self) -> BaseException | None:
        """The exception the run failed with, ``None`` while running or when it succeeded."""
        return self._future.exception() if self._future.done() else None

    def done(self) -> bool:
        return self._future.done()

    def result(self, timeout: float | None = None) -> PersistSessionsResult:
        """Block until the run ends; do not call it from the event loop running the pipeline."""
        return self._future.result(timeout)

    def __await__(self) -> Generator[Any, None, PersistSessionsResult]:
        return asyncio.wrap_future(self._future).__await__()

    async def _drive(self, work: Any) -> None:
        self.status = RunStatus.RUNNING
        try:
            result = await work
        except BaseException as exc:
            self.status = RunStatus.FAILED
            self._future.set_exception(exc)
            if not isinstance(exc, Exception):
                raise
        else:
            self.status = RunStatus.COMPLETED
            self._future.set_result(result)


_default_memories: dict[Path, GraphMemory] = {}
_default_memories_lock = threading.Lock()


def _default_memory() -> GraphMemory:
    """The process-wide ``GraphMemory()`` of the working directory's embedded defaults.

    Shared by every call made without ``memory=``: a memory per call would open its stores
    and load its embeddings model again each time, and never close them.
    """
    from cognee_langchain.memory import GraphMemory

    key = Path(".cognee_langchain").absolute()
    with _default_memories_lock:
        memory = _default_memories.get(key)
        if memory is None:
            memory = _default_memories[key] = GraphMemory(key)
        return memory


_MAX_RUNS_KEPT = 1000
_runs: OrderedDict[str, PipelineRun] = OrderedDict()
_tasks: set[asyncio.Task[None]] = set()  # strong references: the loop keeps only weak ones


def get_pipeline_run(run_id: str) -> PipelineRun | None:
    """The background run with this id, if this process started it."""
    return _runs.get(run_id)


async def _run(
    memory: GraphMemory, user: User, session_ids: list[str] | None, dataset: str
) -> PersistSessionsResult:
    graph = build_persist_sessions_graph(memory)
    state = await graph.ainvoke({"user": user, "session_ids": session_ids, "dataset": dataset})
    result: PersistSessionsResult = state["result"]
    return result


async def persist_sessions_in_knowledge_graph_pipeline(
    user: User,
    session_ids: Sequence[str] | None,
    dataset: str = "main_dataset",
    run_in_background: bool = False,
    *,
    memory: GraphMemory | None = None,
) -> PersistSessionsResult | PipelineRun:
    """Persist the cached Q&A of ``session_ids`` into ``dataset``'s knowledge graph.

    Same parameters as cognee's pipeline. ``memory`` defaults to a :class:`GraphMemory` over the
    embedded defaults (``./.cognee_langchain/``). Only Q&A added since the last run into this
    dataset is persisted; running it twice adds nothing the second time.

    Returns the :class:`PersistSessionsResult`, or with ``run_in_background=True`` at once a
    :class:`PipelineRun`.

    Raises:
        PermissionDeniedError: ``user`` may not write ``dataset``.
        NoGraphDataError: ``dataset`` has no graph yet: run ``remember(..., dataset=...)`` first.
        NoSessionsFoundError: none of ``session_ids`` exist for ``user``.
        ExtractionError: the chat model failed; no watermark moved, the graph is unchanged.
        InvalidInputError: ``session_ids`` is not a list of valid ids (a single str is
            rejected: pass ``[session_id]``), ``user`` is not a :class:`User`, or ``dataset`` is
            not a valid name.
    """
    # Bad input fails here, at once, even for a run that would go to the background.
    user, dataset, ids = _check_inputs(user, session_ids, dataset)
    work = _run(memory or _default_memory(), user, ids, dataset)
    if not run_in_background:
        return await work
    run = PipelineRun(dataset, ids)
    _runs[run.id] = run
    while len(_runs) > _MAX_RUNS_KEPT:
        _runs.popitem(last=False)
    task = asyncio.get_running_loop().create_task(run._drive(work))
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)
    return run
