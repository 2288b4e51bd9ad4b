"""Persist: cached session Q&A into the knowledge graph, as a two-step LangGraph graph.

cognee's ``persist_sessions_in_knowledge_graph_pipeline``: two steps run in sequence,

1. ``extract_user_sessions`` checks the user may write the dataset and that it has graph data,
   then reads the Q&A of each session added since the last run into that dataset;
2. ``cognify_session`` remembers the Q&A not yet in the dataset under the node set
   ``user_sessions_from_cache``, with session and message provenance, and only then advances
   each session's watermark.

**Exactly once, whatever fails.** The graph write and the watermark live in two stores, so a
run can die (or lose its session store) between them. The watermark is therefore only a read
hint: before writing, ``cognify_session`` reads which entries of the session the dataset already
holds (the documents' provenance: each records the keys of its entries) and drops those, so a
retry after any failure writes each entry once. Entries are packed into documents of whole
entries, each one chunk, so no entry is split across, or repeated in, two chunks.

The steps work on a :class:`~cognee_langchain.services.runtime.MemoryRuntime`; the public node
functions, the run context and the default memory are the adapter's
(:mod:`cognee_langchain.pipelines.persist_sessions`). Background runs
(:class:`PipelineRun`) live here too, since ``GraphMemory.improve`` returns them.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine, Generator, Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal, TypedDict, TypeVar, cast, overload

from langchain_core.runnables import RunnableLambda
from langgraph.graph import END, START, StateGraph
from pydantic import BaseModel, ConfigDict

from cognee_langchain.core.aio import claimed, run_sync
from cognee_langchain.core.defaults import DEFAULT_DATASET, SESSIONS_NODE_SET
from cognee_langchain.core.validation import check_bool, check_dataset, check_user
from cognee_langchain.errors import InvalidInputError, NoGraphDataError, NoSessionsFoundError
from cognee_langchain.ids import validate_id
from cognee_langchain.services.access import acheck_permission
from cognee_langchain.services.ingest import aingest
from cognee_langchain.services.rendering import (
    SessionEntry,
    entries_document,
    pack_entries,
    split_entries,
    uncovered,
    unpersisted_entries,
)
from cognee_langchain.services.runtime import MemoryRuntime
from cognee_langchain.users import User

if TYPE_CHECKING:
    from langgraph.graph.state import CompiledStateGraph
    from langgraph.types import Checkpointer

__all__ = [
    "SESSIONS_NODE_SET",
    "ExtractedSession",
    "PersistSessionsResult",
    "PersistSessionsState",
    "PipelineRun",
    "RunStatus",
    "acognify_sessions",
    "aextract_sessions",
    "apersist",
    "build_graph",
    "check_persist_inputs",
    "get_pipeline_run",
]

T = TypeVar("T")
logger = logging.getLogger(__name__)

# Q&A entries are short and belong together: one chunk holds about ten of them, so persisting a
# session costs one extraction call rather than one per few entries.
SESSION_CHUNK_CHARS = 6000


class ExtractedSession(BaseModel):
    """The new Q&A of one session, read above its watermark for the target dataset.

    ``first_stored`` is the oldest sequence number the store still held when read: above
    ``watermark`` when ``max_messages`` trimmed messages before they were persisted.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    session_id: str
    watermark: int
    entries: tuple[SessionEntry, ...]
    first_stored: int = 0


class PersistSessionsResult(BaseModel):
    """What a run of the pipeline did.

    ``entries_persisted`` counts the Q&A entries this run added to the graph (not those found
    there already, e.g. written by a run that failed before moving its watermark);
    ``messages_lost_to_trimming`` the messages the session store's ``max_messages`` removed
    before any run persisted them (their Q&A is not in the graph; a warning is logged).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    dataset: str
    session_ids: tuple[str, ...] = ()
    sessions_read: int = 0
    entries_persisted: int = 0
    missing_session_ids: tuple[str, ...] = ()
    documents_added: int = 0
    chunks_added: int = 0
    nodes_added: int = 0
    edges_added: int = 0
    messages_lost_to_trimming: int = 0
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


# -- the steps -----------------------------------------------------------------------------------
async def aextract_sessions(runtime: MemoryRuntime, state: PersistSessionsState) -> dict[str, Any]:
    """Step 1: read the un-persisted Q&A of ``state["session_ids"]`` for the user.

    Raises:
        PermissionDeniedError: the user may not write ``state["dataset"]``.
        NoGraphDataError: the dataset has no graph data yet.
        NoSessionsFoundError: none of the session ids exist for this user.
    """
    user, dataset, session_ids = _inputs(state)
    started = state.get("started_at") or time.time()
    if session_ids is None:
        return {"extracted": [], "missing_session_ids": [], "started_at": started}
    await acheck_permission(runtime, dataset, "write", user)
    if not await runtime.graph_store.ahas_graph_data(dataset):
        raise NoGraphDataError(dataset)
    store = runtime.session_store

    async def read(session_id: str) -> ExtractedSession | None:
        watermark = await store.aget_watermark(user.id, session_id, dataset)
        stored = await store.aread(user.id, session_id, since=watermark)
        if stored.end == 0:
            return None
        return ExtractedSession(
            session_id=session_id,
            watermark=watermark,
            entries=tuple(split_entries(session_id, stored.items)),
            first_stored=stored.start,
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


@dataclass(frozen=True, slots=True)
class _Plan:
    """What a run does for one session: the documents to write (groups of new entries), where
    the watermark moves (``current`` -> ``target``) and how many messages were lost."""

    session_id: str
    current: int
    target: int
    groups: list[list[SessionEntry]]
    lost: int


async def acognify_sessions(runtime: MemoryRuntime, state: PersistSessionsState) -> dict[str, Any]:
    """Step 2: remember the extracted Q&A the dataset does not hold yet under
    ``user_sessions_from_cache``, then advance each session's watermark past what was read."""
    user, dataset, session_ids = _inputs(state)
    extracted = state.get("extracted") or []
    store = runtime.session_store
    keys = [(id(store), user.id, s.session_id, dataset) for s in extracted]
    written = None
    async with claimed(keys):
        # Another run may have moved the watermark since the read, and a run that failed after
        # its graph write (before its watermark moved) left entries behind in the graph: what the
        # dataset holds is dropped by each entry's identity, whatever text it was rendered in.
        currents = await _settled(
            store.aget_watermark(user.id, s.session_id, dataset) for s in extracted
        )
        plans = await _settled(
            _aplan(runtime, dataset, session, current)
            for session, current in zip(extracted, currents, strict=True)
        )
        items = [entries_document(p.session_id, group) for p in plans for group in p.groups]
        if items:
            written = await aingest(
                runtime,
                items,
                dataset=dataset,
                node_set=SESSIONS_NODE_SET,
                user=user,
                chunk_size=SESSION_CHUNK_CHARS,
                chunk_overlap=0,  # a document is whole entries, one chunk unless one is huge
            )
        # Only after the graph write committed. A compare-and-set lost to another process
        # changes nothing here: what it persisted is found by identity on the next run.
        await _settled(
            store.aadvance_watermark(user.id, p.session_id, dataset, p.current, p.target)
            for p in plans
            if p.target > p.current
        )
    for plan in (p for p in plans if p.lost):
        logger.warning(
            "Session %r: %d message(s) were trimmed by the session store (max_messages) before "
            "they were persisted into dataset %r; their Q&A is not in the graph. Raise "
            "max_messages or run improve more often.",
            *(plan.session_id, plan.lost, dataset),
        )
    lost = sum(p.lost for p in plans)
    sizes = [(p.session_id, len(g)) for p in plans for g in p.groups]
    added = _added(sizes, written.documents_added if written else 0)
    return {
        "result": PersistSessionsResult(
            dataset=dataset,
            session_ids=tuple(session_ids or ()),
            sessions_read=len(extracted),
            entries_persisted=sum(n for _, n in added),
            missing_session_ids=tuple(state.get("missing_session_ids") or ()),
            documents_added=written.documents_added if written else 0,
            chunks_added=written.chunks_added if written else 0,
            nodes_added=written.entities_added if written else 0,
            edges_added=written.relations_added if written else 0,
            messages_lost_to_trimming=lost,
            duration_s=time.time() - (state.get("started_at") or time.time()),
            message=_outcome(session_ids, added, lost),
        )
    }


async def _aplan(
    runtime: MemoryRuntime, dataset: str, session: ExtractedSession, current: int
) -> _Plan:
    """The new entries of ``session`` above the ``current`` watermark that ``dataset`` does not
    hold yet, and where the watermark goes: past every entry read, and past trimmed messages."""
    candidates = [e for e in session.entries if e.seq_start >= current]
    first_stored = max(session.first_stored, session.watermark)
    target = max(current, first_stored, candidates[-1].seq_end if candidates else 0)
    if target == current:
        return _Plan(session.session_id, current, current, [], 0)
    documents = await runtime.graph_store.alist_documents(
        dataset, node_set=SESSIONS_NODE_SET, session_id=session.session_id
    )
    new = unpersisted_entries(candidates, documents)
    lost = uncovered(current, first_stored, documents)
    return _Plan(session.session_id, current, target, pack_entries(new, SESSION_CHUNK_CHARS), lost)


def _added(sizes: list[tuple[str, int]], documents_added: int) -> list[tuple[str, int]]:
    """``(session id, entries)`` of the documents this run's write added. All of them, unless
    another process wrote some of the same documents at the same time (the store skips a
    document it holds); then which ones is unknown, and the smallest are counted, so the count
    never claims more than was added."""
    if documents_added >= len(sizes):
        return sizes
    return sorted(sizes, key=lambda size: size[1])[:documents_added]


def _outcome(session_ids: Sequence[str] | None, added: list[tuple[str, int]], lost: int) -> str:
    if session_ids is None:
        return "session_ids is None: no sessions were extracted."
    if not session_ids:
        return "session_ids is empty: no sessions were extracted."
    trimmed = f" {lost} message(s) were trimmed before they were persisted." if lost else ""
    entries = sum(n for _, n in added)
    if entries == 0:
        return (
            "Nothing new to persist: every complete Q&A entry was persisted before (a question "
            f"still waiting for its answer is persisted once answered).{trimmed}"
        )
    sessions = len({sid for sid, _ in added})
    return f"Persisted {entries} Q&A entries from {sessions} session(s).{trimmed}"


async def _settled(calls: Iterable[Awaitable[T]]) -> list[T]:
    """Await ``calls`` concurrently (one round trip's latency for all sessions, not one each);
    raise the first failure once all have settled, never leaving one running unobserved."""
    outcomes = await asyncio.gather(*calls, return_exceptions=True)
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome
    return cast("list[T]", outcomes)


def _inputs(state: PersistSessionsState) -> tuple[User, str, list[str] | None]:
    return check_persist_inputs(
        state.get("user"), state.get("session_ids"), state.get("dataset", DEFAULT_DATASET)
    )


def check_persist_inputs(
    user: object, session_ids: object, dataset: object
) -> tuple[User, str, list[str] | None]:
    """The validated ``(user, dataset, session ids)``: ids deduplicated, in order."""
    user = check_user(user)
    dataset = check_dataset(dataset)
    if session_ids is None:
        return user, dataset, None
    if isinstance(session_ids, str | bytes | bytearray) or not isinstance(session_ids, Sequence):
        raise InvalidInputError(
            "session_ids must be a list of session ids (or None), e.g. ['demo_session']."
        )
    return user, dataset, list(dict.fromkeys(validate_id(s, "session_id") for s in session_ids))


_Step = Callable[[MemoryRuntime, PersistSessionsState], Coroutine[Any, Any, dict[str, Any]]]


def _node(
    name: str, step: _Step, runtime_of: Callable[[], MemoryRuntime]
) -> RunnableLambda[Any, Any]:
    """A graph node running ``step`` natively async under ``ainvoke`` and through the package's
    background loop under ``invoke``, so the compiled graph serves sync and async callers alike
    (a plain async function would make ``graph.invoke`` fail)."""

    async def arun(state: PersistSessionsState) -> dict[str, Any]:
        return await step(runtime_of(), state)

    def run(state: PersistSessionsState) -> dict[str, Any]:
        return run_sync(step(runtime_of(), state))

    return RunnableLambda(run, afunc=arun, name=name)


def build_graph(
    runtime_of: Callable[[], MemoryRuntime],
    *,
    checkpointer: Checkpointer = None,
    context_schema: type[Any] | None = None,
) -> CompiledStateGraph[Any, Any, Any, Any]:
    """Compile the ``extract_user_sessions`` → ``cognify_session`` graph; each node asks
    ``runtime_of()`` for the runtime it works on when it runs."""
    builder: StateGraph[Any, Any, Any, Any] = StateGraph(
        PersistSessionsState, context_schema=context_schema
    )
    builder.add_node(
        "extract_user_sessions", _node("extract_user_sessions", aextract_sessions, runtime_of)
    )
    builder.add_node("cognify_session", _node("cognify_session", acognify_sessions, runtime_of))
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


_MAX_RUNS_KEPT = 1000
_runs: OrderedDict[str, PipelineRun] = OrderedDict()
_tasks: set[asyncio.Task[None]] = set()  # strong references: the loop keeps only weak ones


def get_pipeline_run(run_id: str) -> PipelineRun | None:
    """The background run with this id, if this process started it."""
    return _runs.get(run_id)


async def _run(
    runtime: MemoryRuntime, user: User, session_ids: list[str] | None, dataset: str
) -> PersistSessionsResult:
    graph = build_graph(lambda: runtime)
    state = await graph.ainvoke({"user": user, "session_ids": session_ids, "dataset": dataset})
    result: PersistSessionsResult = state["result"]
    return result


@overload
async def apersist(
    runtime: MemoryRuntime,
    user: object,
    session_ids: object,
    dataset: object,
    run_in_background: Literal[False] = False,
) -> PersistSessionsResult: ...


@overload
async def apersist(
    runtime: MemoryRuntime,
    user: object,
    session_ids: object,
    dataset: object,
    run_in_background: Literal[True],
) -> PipelineRun: ...


@overload
async def apersist(
    runtime: MemoryRuntime,
    user: object,
    session_ids: object,
    dataset: object,
    run_in_background: bool,
) -> PersistSessionsResult | PipelineRun: ...


async def apersist(
    runtime: MemoryRuntime,
    user: object,
    session_ids: object,
    dataset: object,
    run_in_background: bool = False,
) -> PersistSessionsResult | PipelineRun:
    """Run the graph for ``user``: the result, or with ``run_in_background`` at once a
    :class:`PipelineRun`. Bad input fails here, at once, even for a background run."""
    run_in_background = check_bool(run_in_background, "run_in_background")
    user, dataset, ids = check_persist_inputs(user, session_ids, dataset)
    work = _run(runtime, user, ids, dataset)
    if not run_in_background:
        return await work
    run = PipelineRun(dataset, ids)
    runtime.track(run._future)  # close() waits for it rather than closing stores under it
    _runs[run.id] = run
    while len(_runs) > _MAX_RUNS_KEPT:
        _runs.popitem(last=False)
    task = asyncio.get_running_loop().create_task(run._drive(work))
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)
    return run
