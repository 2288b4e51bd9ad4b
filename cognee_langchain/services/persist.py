"""Persist: cached session messages into the knowledge graph, as a two-step LangGraph graph.

cognee's ``persist_sessions_in_knowledge_graph_pipeline``: two steps run in sequence,

1. ``extract_user_sessions`` checks the user may write the dataset and that it has graph data,
   then reads the messages of each session added since the last run into that dataset;
2. ``cognify_session`` remembers the messages not yet in the dataset under the node set
   ``user_sessions_from_cache`` (a transcript, with its turns, session and message provenance),
   and only then advances each session's watermark.

Every message is persisted, in order (rules in :mod:`cognee_langchain.services.rendering`); only
a trailing question still waiting for its answer waits (the watermark stops before it, and the
result counts it in ``messages_waiting``).

**Exactly once, whatever fails.** The graph write and the watermark live in two stores, so a
run can die (or lose its session store) between them. The watermark is therefore only a read
hint: before writing, ``cognify_session`` reads which messages of the session the dataset
already holds (the documents' provenance: each records the keys of its messages) and drops
those, so a retry after any failure writes each message once. Messages are packed into documents
of whole exchanges, each one chunk, so no message is split across, or repeated in, two chunks.

**Exactly once, whatever races.** Two processes (or two memory objects) persisting the same
session at once can both read a message as new. The graph write therefore claims each message
key in the same transaction (``ClaimMessages``; the store keeps one claim per dataset, user,
session and message): the run that commits second fails with a claimed ``WriteConflictError``
and changes nothing, then plans again without what the first one stored. No process-local lock
is involved. Documents record their user, and planning reads only the user's own documents.

The steps work on a :class:`~cognee_langchain.services.runtime.MemoryRuntime`; the public node
functions, the run context and the default memory are the adapter's
(:mod:`cognee_langchain.pipelines.persist_sessions`). Background runs
(:class:`PipelineRun`) live here too, since ``GraphMemory.improve`` returns them.

Over 500 lines because the two steps, the graph that wires them and the background-run handle
share one state and one result type: one pipeline, read in one place.
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

from langchain_core.messages import AIMessage
from langchain_core.runnables import RunnableLambda
from langgraph.graph import END, START, StateGraph
from pydantic import BaseModel, ConfigDict

from cognee_langchain.core.aio import claimed, run_sync
from cognee_langchain.core.defaults import DEFAULT_DATASET, SESSIONS_NODE_SET
from cognee_langchain.core.tracing import traced
from cognee_langchain.core.validation import check_bool, check_dataset, check_user
from cognee_langchain.errors import (
    InvalidInputError,
    NoGraphDataError,
    NoSessionsFoundError,
    WriteConflictError,
)
from cognee_langchain.ids import validate_id
from cognee_langchain.services.access import acheck_permission
from cognee_langchain.services.ingest import RememberResult, aingest
from cognee_langchain.services.rendering import (
    SessionMessage,
    messages_document,
    pack_messages,
    session_messages,
    uncovered,
    unpersisted_messages,
    waiting_from,
)
from cognee_langchain.services.runtime import MemoryRuntime
from cognee_langchain.sessions.base import StoredMessage
from cognee_langchain.users import User

if TYPE_CHECKING:
    from langchain_core.runnables import RunnableConfig
    from langgraph.graph.state import CompiledStateGraph
    from langgraph.types import Checkpointer

__all__ = [
    "PERSIST_RUN_NAME",
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

#: Name of the chain run of a pipeline run (``GraphMemory.improve`` names its own).
PERSIST_RUN_NAME = "cognee_langchain.persist_sessions"

# Exchanges are short and belong together: one document holds about ten of them. Each message is
# a retrieval unit of its own; extraction reads them in windows (services/units.py).
SESSION_CHUNK_CHARS = 6000


class ExtractedSession(BaseModel):
    """The new messages of one session, read above its watermark for the target dataset.

    ``messages`` are those ready to persist (below ``waiting_from``); from ``waiting_from`` to
    ``end`` the trailing question waits for its answer. ``first_stored`` is the oldest sequence
    number the store still held when read: above ``watermark`` when ``max_messages`` trimmed
    messages before they were persisted.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    session_id: str
    watermark: int
    messages: tuple[SessionMessage, ...]
    waiting_from: int
    end: int
    first_stored: int = 0


class PersistSessionsResult(BaseModel):
    """What a run of the pipeline did.

    ``messages_persisted`` counts the messages this run added to the graph (not those found
    there already, e.g. written by a run that failed before moving its watermark), and
    ``entries_persisted`` the exchanges they belong to (a question with what followed it, or a
    session's opening); ``messages_waiting`` the trailing questions still waiting for their
    answer (persisted by the run after the answer comes); ``messages_lost`` the messages that
    left the session cache before any run persisted them — trimmed by ``max_messages``, evicted
    by Redis under memory pressure, or expired — in the sessions ``lost_session_ids`` (they are
    not in the graph; a warning is logged). ``messages_lost_to_trimming`` is its 0.1 name.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    dataset: str
    session_ids: tuple[str, ...] = ()
    sessions_read: int = 0
    entries_persisted: int = 0
    messages_persisted: int = 0
    messages_waiting: int = 0
    missing_session_ids: tuple[str, ...] = ()
    documents_added: int = 0
    chunks_added: int = 0
    nodes_added: int = 0
    edges_added: int = 0
    messages_lost: int = 0
    lost_session_ids: tuple[str, ...] = ()
    duration_s: float = 0.0
    message: str = ""

    @property
    def messages_lost_to_trimming(self) -> int:
        """The 0.1 name of :attr:`messages_lost` (trimming was then the only way to lose one)."""
        return self.messages_lost


class PersistSessionsState(TypedDict, total=False):
    """State of the persist-sessions graph. Inputs: ``user``, ``session_ids``, ``dataset`` and
    optionally ``create_dataset`` (``True``: a dataset with no graph yet is started from the
    sessions instead of raising :class:`NoGraphDataError`; ``False``: the error names that)."""

    user: User
    session_ids: list[str] | None
    dataset: str
    create_dataset: bool
    extracted: list[ExtractedSession]
    missing_session_ids: list[str]
    started_at: float
    result: PersistSessionsResult


# -- the steps -----------------------------------------------------------------------------------
async def aextract_sessions(runtime: MemoryRuntime, state: PersistSessionsState) -> dict[str, Any]:
    """Step 1: read the un-persisted messages of ``state["session_ids"]`` for the user.

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
    create = state.get("create_dataset")
    if not create and not await runtime.graph_store.ahas_graph_data(dataset):
        error = NoGraphDataError(dataset)
        if create is False:  # GraphMemory.improve, which can start a dataset: say how
            error.args = (
                f"{error} Or, for a chat-only dataset, start it from the sessions alone: "
                f"improve(dataset={dataset!r}, create_dataset=True).",
            )
        raise error
    store = runtime.session_store

    async def read(session_id: str) -> ExtractedSession | None:
        watermark = await store.aget_watermark(user.id, session_id, dataset)
        stored = await store.aread(user.id, session_id, since=watermark)
        if stored.end == 0:
            return None
        wait = waiting_from(stored.items, stored.end)
        ready = [item for item in stored.items if item.seq < wait]
        return ExtractedSession(
            session_id=session_id,
            watermark=watermark,
            messages=tuple(_knowledge(session_messages(session_id, ready), ready)),
            waiting_from=wait,
            end=stored.end,
            first_stored=stored.start,
        )

    found = await _settled(read(sid) for sid in session_ids)
    missing = [sid for sid, got in zip(session_ids, found, strict=True) if got is None]
    if session_ids and len(missing) == len(session_ids):
        raise NoSessionsFoundError(session_ids, user.id)
    logger.debug(
        "Read %d session(s) for dataset %r: %d message(s) ready, %d missing session(s).",
        *(len(found) - len(missing), dataset),
        *(sum(len(got.messages) for got in found if got), len(missing)),
    )
    return {
        "extracted": [got for got in found if got is not None],
        "missing_session_ids": missing,
        "started_at": started,
    }


def _knowledge(
    messages: Sequence[SessionMessage], items: Sequence[StoredMessage]
) -> list[SessionMessage]:
    """``messages`` without the answers marked ``response_metadata["supported"] = False`` (an
    offline ``recall`` that found nothing: "I don't have anything in memory about Berlin."):
    such an answer is no knowledge. What the user said stays: it may be the only record of a
    fact ("Carol joined Acme in May"), and a question alone states none. The watermark still
    moves past the answer, so it is skipped once, not left waiting."""
    unsupported = {
        item.seq
        for item in items
        if isinstance(item.message, AIMessage)
        and item.message.response_metadata.get("supported") is False
    }
    return [m for m in messages if m.seq not in unsupported]


@dataclass(frozen=True, slots=True)
class _Plan:
    """What a run does for one session: the documents to write (groups of new messages), where
    the watermark moves (``current`` -> ``target``), how many messages were lost and how many
    wait for their answer."""

    session_id: str
    current: int
    target: int
    groups: list[list[SessionMessage]]
    lost: int
    waiting: int


async def acognify_sessions(runtime: MemoryRuntime, state: PersistSessionsState) -> dict[str, Any]:
    """Step 2: remember the extracted messages the dataset does not hold yet under
    ``user_sessions_from_cache``, then advance each session's watermark past what was read
    (up to a question still waiting for its answer)."""
    user, dataset, session_ids = _inputs(state)
    extracted = state.get("extracted") or []
    store = runtime.session_store
    keys = [(id(store), user.id, s.session_id, dataset) for s in extracted]
    async with claimed(keys):
        plans, written = await _awrite(runtime, user, dataset, extracted)
        # Only after the graph write committed. A compare-and-set lost to another process
        # changes nothing here: what it persisted is found by identity on the next run.
        await _settled(
            store.aadvance_watermark(user.id, p.session_id, dataset, p.current, p.target)
            for p in plans
            if p.target > p.current
        )
    for plan in (p for p in plans if p.lost):
        logger.warning(
            "Session %r: %d message(s) left the session cache (trimmed by max_messages, evicted "
            "or expired) before they were persisted into dataset %r; they are not in the graph. "
            "Raise max_messages or the ttl, use Redis maxmemory-policy noeviction, or run "
            "improve more often.",
            *(plan.session_id, plan.lost, dataset),
        )
    lost = sum(p.lost for p in plans)
    waiting = sum(p.waiting for p in plans)
    sizes = [(p.session_id, g) for p in plans for g in p.groups]
    added = _added(sizes, written.documents_added if written else 0)
    return {
        "result": PersistSessionsResult(
            dataset=dataset,
            session_ids=tuple(session_ids or ()),
            sessions_read=len(extracted),
            entries_persisted=_exchanges(added),
            messages_persisted=sum(len(g) for _, g in added),
            messages_waiting=waiting,
            missing_session_ids=tuple(state.get("missing_session_ids") or ()),
            documents_added=written.documents_added if written else 0,
            chunks_added=written.chunks_added if written else 0,
            nodes_added=written.entities_added if written else 0,
            edges_added=written.relations_added if written else 0,
            messages_lost=lost,
            lost_session_ids=tuple(p.session_id for p in plans if p.lost),
            duration_s=time.time() - (state.get("started_at") or time.time()),
            message=_outcome(session_ids, added, lost, waiting),
        )
    }


#: Rounds of plan-and-write when other runs keep storing messages of the same sessions first.
WRITE_ROUNDS = 5


async def _awrite(
    runtime: MemoryRuntime, user: User, dataset: str, extracted: Sequence[ExtractedSession]
) -> tuple[list[_Plan], RememberResult | None]:
    """Plan the sessions' documents against the current graph and write them with their message
    claims. Another process (or memory object) that stored some of the same messages first makes
    the write fail with a claimed :class:`WriteConflictError` and change nothing; then the plan
    is made again, without what that run stored, so each message is stored exactly once."""
    store = runtime.session_store
    for round_ in range(1, WRITE_ROUNDS + 1):
        # Another run may have moved the watermark since the read, and a run that failed after
        # its graph write (before its watermark moved) left messages behind in the graph: what
        # the dataset holds is dropped by each message's identity, whatever text it was
        # rendered in.
        currents = await _settled(
            store.aget_watermark(user.id, s.session_id, dataset) for s in extracted
        )
        plans = await _settled(
            _aplan(runtime, user, dataset, session, current)
            for session, current in zip(extracted, currents, strict=True)
        )
        items = [messages_document(p.session_id, group) for p in plans for group in p.groups]
        if not items:
            return plans, None
        try:
            written = await aingest(
                runtime,
                items,
                dataset=dataset,
                node_set=SESSIONS_NODE_SET,
                user=user,
                chunk_overlap=0,  # a message longer than a chunk is cut, never repeated
                claim_messages=True,
            )
        except WriteConflictError as exc:
            if not exc.claimed or round_ == WRITE_ROUNDS:
                raise
            logger.info("Persist into %r lost a race to another run; planning again.", dataset)
            continue
        return plans, written
    raise AssertionError("unreachable")  # pragma: no cover


async def _aplan(
    runtime: MemoryRuntime, user: User, dataset: str, session: ExtractedSession, current: int
) -> _Plan:
    """The new messages of ``session`` above the ``current`` watermark that ``dataset`` does not
    hold yet, and where the watermark goes: past every message read but a waiting question, and
    past trimmed messages."""
    candidates = [m for m in session.messages if m.seq >= current]
    first_stored = max(session.first_stored, session.watermark)
    target = max(current, first_stored, session.waiting_from)
    waiting = session.end - max(session.waiting_from, current)
    if target == current:
        return _Plan(session.session_id, current, current, [], 0, waiting)
    found = await runtime.graph_store.alist_documents(
        dataset, node_set=SESSIONS_NODE_SET, session_id=session.session_id
    )
    # This user's session only (another user's session may share its id); a document written
    # before users were recorded has none and counts, so nothing it holds is stored again.
    documents = [d for d in found if d.user_id in (None, user.id)]
    new = unpersisted_messages(candidates, documents)
    lost = uncovered(current, first_stored, documents)
    groups = pack_messages(new, SESSION_CHUNK_CHARS)
    return _Plan(session.session_id, current, target, groups, lost, waiting)


_Group = tuple[str, list[SessionMessage]]


def _added(groups: list[_Group], documents_added: int) -> list[_Group]:
    """``(session id, messages)`` of the documents this run's write added. All of them, unless
    another process wrote some of the same documents at the same time (the store skips a
    document it holds); then which ones is unknown, and the smallest are counted, so the count
    never claims more than was added."""
    if documents_added >= len(groups):
        return groups
    return sorted(groups, key=lambda group: len(group[1]))[:documents_added]


def _exchanges(added: list[_Group]) -> int:
    """How many exchanges the added messages belong to (one split across documents counts in
    each)."""
    return sum(len({m.exchange for m in group}) for _, group in added)


def _outcome(
    session_ids: Sequence[str] | None, added: list[_Group], lost: int, waiting: int
) -> str:
    if session_ids is None:
        return "session_ids is None: no sessions were extracted."
    if not session_ids:
        return "No sessions to persist (the user has none cached): no sessions were extracted."
    trimmed = (
        f" {lost} message(s) left the session cache before they were persisted." if lost else ""
    )
    waits = (
        f" {waiting} message(s) wait for an answer: a trailing question is persisted once answered."
        if waiting
        else ""
    )
    messages = sum(len(group) for _, group in added)
    if messages == 0:
        return f"Nothing new to persist: every message was persisted before.{waits}{trimmed}"
    sessions = len({sid for sid, _ in added})
    return (
        f"Persisted {messages} message(s) ({_exchanges(added)} exchange(s)) from {sessions} "
        f"session(s).{waits}{trimmed}"
    )


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
    user: object, session_ids: object, dataset: object, *, max_id_chars: int | None = None
) -> tuple[User, str, list[str] | None]:
    """The validated ``(user, dataset, session ids)``: ids deduplicated, in order; the dataset
    and ids held to ``max_id_chars`` (the memory's ``Limits.max_id_chars``) when given."""
    user = check_user(user)
    dataset = check_dataset(dataset, max_chars=max_id_chars)
    if session_ids is None:
        return user, dataset, None
    if isinstance(session_ids, str | bytes | bytearray) or not isinstance(session_ids, Sequence):
        raise InvalidInputError(
            "session_ids must be a list of session ids (or None), e.g. ['demo_session']."
        )
    ids = (validate_id(s, "session_id", max_chars=max_id_chars) for s in session_ids)
    return user, dataset, list(dict.fromkeys(ids))


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
    runtime: MemoryRuntime,
    user: User,
    session_ids: list[str] | None,
    dataset: str,
    config: RunnableConfig | None,
    run_name: str,
    create_dataset: bool | None = None,
) -> PersistSessionsResult:
    # checkpointer=False: run inside a caller's graph node, the pipeline must not become a
    # subgraph of the caller's checkpointer (a sync SqliteSaver fails there; an async one would
    # fill with the pipeline's own checkpoints).
    graph = build_graph(lambda: runtime, checkpointer=False)
    inputs = {"dataset": dataset, "session_ids": session_ids, "user_id": user.id}
    # One run tree: the graph (and its nodes' model calls) picks up the traced run's config.
    async with traced(run_name, inputs, config) as run:
        state = await graph.ainvoke(
            {"user": user, "session_ids": session_ids, "dataset": dataset}
            | ({} if create_dataset is None else {"create_dataset": create_dataset})
        )
        result: PersistSessionsResult = state["result"]
        run.output = result
    logger.info(
        "Persisted sessions into dataset %r in %.2fs: %d session(s) read, %d missing; %d "
        "message(s) persisted (%d exchange(s)), %d waiting for an answer, %d lost; %d "
        "document(s), %d entities, %d relation(s) added.",
        *(dataset, result.duration_s, result.sessions_read, len(result.missing_session_ids)),
        *(result.messages_persisted, result.entries_persisted, result.messages_waiting),
        *(result.messages_lost, result.documents_added, result.nodes_added, result.edges_added),
    )
    return result


@overload
async def apersist(
    runtime: MemoryRuntime,
    user: object,
    session_ids: object,
    dataset: object,
    run_in_background: Literal[False] = False,
    *,
    config: RunnableConfig | None = ...,
    run_name: str = ...,
    every_session: bool = ...,
    create_dataset: bool | None = ...,
) -> PersistSessionsResult: ...


@overload
async def apersist(
    runtime: MemoryRuntime,
    user: object,
    session_ids: object,
    dataset: object,
    run_in_background: Literal[True],
    *,
    config: RunnableConfig | None = ...,
    run_name: str = ...,
    every_session: bool = ...,
    create_dataset: bool | None = ...,
) -> PipelineRun: ...


@overload
async def apersist(
    runtime: MemoryRuntime,
    user: object,
    session_ids: object,
    dataset: object,
    run_in_background: bool,
    *,
    config: RunnableConfig | None = ...,
    run_name: str = ...,
    every_session: bool = ...,
    create_dataset: bool | None = ...,
) -> PersistSessionsResult | PipelineRun: ...


async def apersist(
    runtime: MemoryRuntime,
    user: object,
    session_ids: object,
    dataset: object,
    run_in_background: bool = False,
    *,
    config: RunnableConfig | None = None,
    run_name: str = PERSIST_RUN_NAME,
    every_session: bool = False,
    create_dataset: bool | None = None,
) -> PersistSessionsResult | PipelineRun:
    """Run the graph for ``user``: the result, or with ``run_in_background`` at once a
    :class:`PipelineRun`. Bad input fails here, at once, even for a background run.

    The run is one chain run named ``run_name`` (or ``config``'s ``run_name``) in LangChain
    callbacks, the graph and its nodes nested in it; a background run's too, from its start to
    its end (:func:`~cognee_langchain.core.tracing.traced`).

    ``every_session`` (``GraphMemory.improve``): ``session_ids=None`` means every session of
    ``user`` in the session cache (those with nothing new persist nothing), not none as in
    cognee's pipeline. ``create_dataset``: see :class:`PersistSessionsState`."""
    run_in_background = check_bool(run_in_background, "run_in_background")
    if create_dataset is not None:
        create_dataset = check_bool(create_dataset, "create_dataset")
    user, dataset, ids = check_persist_inputs(
        user, session_ids, dataset, max_id_chars=runtime.limits.max_id_chars
    )
    if ids is None and every_session:
        ids = [info.session_id for info in await runtime.session_store.alist_sessions(user.id)]
    work = _run(runtime, user, ids, dataset, config, run_name, create_dataset)
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
