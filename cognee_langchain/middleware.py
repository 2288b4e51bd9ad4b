"""Graph memory for ``langchain.agents.create_agent``: :class:`GraphMemoryMiddleware`.

The middleware gives an agent long-term memory with no change to its prompt or tools::

    memory = GraphMemory()
    agent = create_agent(
        model, tools, middleware=[GraphMemoryMiddleware(memory)], checkpointer=InMemorySaver()
    )
    agent.invoke({"messages": [HumanMessage("Who leads Acme?")]},
                 {"configurable": {"thread_id": "demo_session"}})

* **Recall.** Before each model call, the memories recalled for the latest user message
  (``memory.asearch``, once per message, within ``max_context_tokens``) are added to the
  system message of that call only, inside ``<memory>`` tags. They never enter the agent's
  ``messages``, so they are never recorded or persisted as if someone had said them.
* **Record.** When the agent finishes, the run's new messages (the user message, the AI
  messages with their ``tool_calls``, the tool results, the final answer) are appended to the
  session in one atomic append, each exactly once
  (:func:`~cognee_langchain.nodes.arecord_new_messages`). The final answer carries the ids
  of the memories it was given in ``response_metadata["context_ids"]``, as ``recall``
  answers do.
* **Improve.** Optionally, the session is persisted into the knowledge graph in the background
  every N turns and/or after every run; failures are logged (the messages stay in the session
  for the next run).

The session is the run's ``configurable.session_id``, else the runtime context's
``session_id``, else ``configurable.thread_id``, else the ``session_id`` given to the
middleware; the user is ``configurable["user"]`` / the context's ``user``, else ``user``, else
the memory's user.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import threading
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Future
from typing import TYPE_CHECKING, Annotated, Any, Final, NotRequired, TypedDict, cast

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langgraph.config import get_config

from cognee_langchain.core.aio import run_sync
from cognee_langchain.core.defaults import DEFAULT_DATASET, DEFAULT_SEARCH_TYPE, DEFAULT_TOP_K
from cognee_langchain.core.validation import (
    check_dataset,
    check_datasets,
    check_optional_id,
    check_positive,
    check_user,
    clip_query,
    renamed_arguments,
)
from cognee_langchain.errors import CogneeLangchainError
from cognee_langchain.nodes import RECORDED_KEY, resolve_session_id, resolve_user
from cognee_langchain.retrieval.config import get_search_config
from cognee_langchain.services.memory_lines import fit_memories
from cognee_langchain.services.recording import (
    RecordedMarker,
    arecord_new_messages,
    latest_question,
)
from cognee_langchain.users import User

try:
    from langchain.agents.middleware.types import (
        AgentMiddleware,
        AgentState,
        ContextT,
        PrivateStateAttr,
        ResponseT,
    )
except ImportError as exc:  # pragma: no cover - only with a langchain older than required
    raise ImportError(
        "GraphMemoryMiddleware needs langchain >= 1.0 (langchain.agents.middleware): "
        "pip install -U 'langchain>=1.0'"
    ) from exc

if TYPE_CHECKING:
    from langchain.agents.middleware.types import (
        ExtendedModelResponse,
        ModelRequest,
        ModelResponse,
    )
    from langgraph.runtime import Runtime

    from cognee_langchain.memory import GraphMemory
    from cognee_langchain.services.search import SearchType

__all__ = ["MEMORY_PROMPT", "RECALL_KEY", "GraphMemoryMiddleware", "GraphMemoryState"]

logger = logging.getLogger(__name__)

RECALL_KEY: Final = "memory_recall"
MEMORY_PROMPT = (
    "<memory>\n"
    "Memories recalled for the user's latest message, from earlier conversations and "
    "remembered documents. Use them when relevant; they may be incomplete or out of date.\n"
    "{memories}\n"
    "</memory>"
)


class RecalledMemories(TypedDict):
    """The memories recalled for one user message, as the model is shown them."""

    message_id: str
    text: str
    ids: list[str]


class GraphMemoryState(AgentState[ResponseT]):
    """Agent state with the middleware's private keys (kept out of the input/output schema)."""

    memory_recorded: NotRequired[Annotated[RecordedMarker, PrivateStateAttr]]
    memory_recall: NotRequired[Annotated[RecalledMemories, PrivateStateAttr]]


class GraphMemoryMiddleware(AgentMiddleware[GraphMemoryState[ResponseT], ContextT, ResponseT]):
    """Record each agent turn into the session cache and inject recalled memories.

    Works with ``invoke`` and ``ainvoke`` (and streaming). See the module docstring for what it
    records and injects.

    Args:
        memory: the graph memory: its session store caches the turns, ``asearch`` recalls,
            ``aimprove`` persists.
        session_id: the session when the run names none (no ``thread_id`` / ``session_id``).
        user: who acts when the run names no ``user``; defaults to the memory's user.
        recall: inject recalled memories before model calls.
        top_k: how many memories to recall per user message.
        max_context_tokens: budget of the injected memories (≈ characters / 4).
        datasets: dataset name(s) to recall from; ``None`` for every readable dataset
            (``recall_datasets=`` is its deprecated spelling).
        search_type: ``"chunks"`` (fused, default), ``"graph"``, ``"facts"``, ``"summaries"``
            or a ``SearchConfig``.
        improve_every_n_turns: persist the session into ``dataset`` in the background once
            this many user turns were recorded since the last time (counted per process).
        improve_at_end: persist the session into ``dataset`` in the background after every run
            that recorded something.
        dataset: where ``improve`` persists the sessions.
    """

    state_schema = GraphMemoryState  # type: ignore[assignment]

    def __init__(
        self,
        memory: GraphMemory,
        *,
        session_id: str | None = None,
        user: User | None = None,
        recall: bool = True,
        top_k: int = DEFAULT_TOP_K,
        max_context_tokens: int = 800,
        datasets: str | Sequence[str] | None = None,
        search_type: SearchType = DEFAULT_SEARCH_TYPE,
        improve_every_n_turns: int | None = None,
        improve_at_end: bool = False,
        dataset: str = DEFAULT_DATASET,
        **deprecated: Any,
    ) -> None:
        super().__init__()
        datasets = renamed_arguments(
            "GraphMemoryMiddleware", deprecated, {"recall_datasets": "datasets"}, datasets=datasets
        )["datasets"]
        check_optional_id(session_id, "session_id")
        if user is not None:
            check_user(user)
        get_search_config(search_type)
        if improve_every_n_turns is not None:
            check_positive(improve_every_n_turns, "improve_every_n_turns")
        self.memory = memory
        self.session_id = session_id
        self.user = user
        self.recall = bool(recall)
        self.top_k = check_positive(top_k, "top_k")
        self.max_context_tokens = check_positive(max_context_tokens, "max_context_tokens")
        self.datasets = check_datasets(datasets)
        self.search_type = search_type
        self.improve_every_n_turns = improve_every_n_turns
        self.improve_at_end = bool(improve_at_end)
        self.dataset = check_dataset(dataset)
        self._lock = threading.Lock()
        # (user id, session id) -> user turns recorded since improve last started
        self._turns: dict[tuple[str, str], int] = {}
        # (user id, session id) -> resolved when the background improve started for it ends
        self._improving: dict[tuple[str, str], Future[None]] = {}
        self._watchers: set[asyncio.Task[None]] = set()  # strong refs: loops keep weak ones

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(memory={self.memory!r}, session_id={self.session_id!r}, "
            f"recall={self.recall}, improve_every_n_turns={self.improve_every_n_turns}, "
            f"improve_at_end={self.improve_at_end})"
        )

    # -- whose session ---------------------------------------------------------------------------
    def _scope(self, runtime: Runtime[ContextT]) -> tuple[str, User]:
        try:
            configurable = get_config().get("configurable") or {}
        except RuntimeError:  # a hook called by hand, outside a graph run
            configurable = {}
        context = getattr(runtime, "context", None)
        sources = [configurable] if context is None else [configurable, context]
        session_id = resolve_session_id(sources, self.session_id, type(self).__name__)
        return session_id, resolve_user(sources, self.user, self.memory)

    # -- recall ----------------------------------------------------------------------------------
    def _question_to_recall(self, state: GraphMemoryState[ResponseT]) -> HumanMessage | None:
        """The latest user message when its memories are not recalled yet, else ``None``."""
        if not self.recall:
            return None
        question = latest_question(state["messages"])
        if question is None or not question.id or not question.text.strip():
            return None
        recalled = state.get(RECALL_KEY)
        if recalled is not None and recalled["message_id"] == question.id:
            return None  # a later model call of the same turn: recalled already
        return question

    async def _arecall(self, question: HumanMessage, user: User) -> dict[str, Any]:
        # A message over the memory's query limit (a pasted document) searches by its beginning
        # and end, as the recall node does, rather than failing the agent's turn.
        query = clip_query(question.text.strip(), self.memory.runtime.limits.max_query_chars)
        documents = await self.memory.asearch(
            query,
            datasets=self.datasets,
            search_type=self.search_type,
            top_k=self.top_k,
            user=user,
        )
        fitted = fit_memories(documents, self.max_context_tokens)
        recalled: RecalledMemories = {
            "message_id": question.id or "",
            "text": "\n".join(line for _, line in fitted),
            "ids": [str(d.metadata["id"]) for d, _ in fitted if d.metadata.get("id")],
        }
        return {RECALL_KEY: recalled}

    def before_model(
        self, state: GraphMemoryState[ResponseT], runtime: Runtime[ContextT]
    ) -> dict[str, Any] | None:
        """Recall memories for a new user message (and fail early if no session can be found)."""
        _, user = self._scope(runtime)
        question = self._question_to_recall(state)
        return None if question is None else run_sync(self._arecall(question, user))

    async def abefore_model(
        self, state: GraphMemoryState[ResponseT], runtime: Runtime[ContextT]
    ) -> dict[str, Any] | None:
        """Async twin of :meth:`before_model`."""
        _, user = self._scope(runtime)
        question = self._question_to_recall(state)
        return None if question is None else await self._arecall(question, user)

    def _with_memories(self, request: ModelRequest[ContextT]) -> ModelRequest[ContextT]:
        # request.state is typed as the base AgentState, which does not declare our keys.
        recalled = cast("RecalledMemories | None", request.state.get(RECALL_KEY))
        if not recalled or not recalled["text"]:
            return request
        question = latest_question(request.state.get("messages") or [])
        if question is None or question.id != recalled["message_id"]:
            return request  # recalled for an earlier message: stale
        block = MEMORY_PROMPT.format(memories=recalled["text"])
        return request.override(system_message=_extend_system(request.system_message, block))

    def wrap_model_call(
        self,
        request: ModelRequest[ContextT],
        handler: Callable[[ModelRequest[ContextT]], ModelResponse[ResponseT]],
    ) -> ModelResponse[ResponseT] | AIMessage | ExtendedModelResponse[ResponseT]:
        """Call the model with the recalled memories added to the system message."""
        return handler(self._with_memories(request))

    async def awrap_model_call(
        self,
        request: ModelRequest[ContextT],
        handler: Callable[[ModelRequest[ContextT]], Awaitable[ModelResponse[ResponseT]]],
    ) -> ModelResponse[ResponseT] | AIMessage | ExtendedModelResponse[ResponseT]:
        """Async twin of :meth:`wrap_model_call`."""
        return await handler(self._with_memories(request))

    # -- record and improve ----------------------------------------------------------------------
    def after_agent(
        self, state: GraphMemoryState[ResponseT], runtime: Runtime[ContextT]
    ) -> dict[str, Any] | None:
        """Record the run's new messages into the session; start ``improve`` if it is due."""
        session_id, user = self._scope(runtime)
        return run_sync(self._afinish(state, session_id, user))

    async def aafter_agent(
        self, state: GraphMemoryState[ResponseT], runtime: Runtime[ContextT]
    ) -> dict[str, Any] | None:
        """Async twin of :meth:`after_agent`."""
        session_id, user = self._scope(runtime)
        return await self._afinish(state, session_id, user)

    async def _afinish(
        self, state: GraphMemoryState[ResponseT], session_id: str, user: User
    ) -> dict[str, Any]:
        messages = state["messages"]
        recalled = state.get(RECALL_KEY)
        question = latest_question(messages)
        context_ids: list[str] = []
        if recalled is not None and question is not None and recalled["message_id"] == question.id:
            context_ids = recalled["ids"]  # the memories the final answer was given
        new, marker = await arecord_new_messages(
            self.memory.session_store,
            user.id,
            session_id,
            messages,
            state.get(RECORDED_KEY),
            context_ids,
        )
        started = self._reserve_improve((user.id, session_id), new)
        if started is not None:
            await self._astart_improve(user, session_id, started)
        return {RECORDED_KEY: marker}

    def _reserve_improve(
        self, key: tuple[str, str], new: Sequence[BaseMessage]
    ) -> Future[None] | None:
        """A fresh completion future when an improve of ``key`` is due and none is running."""
        every = self.improve_every_n_turns
        if not new or (every is None and not self.improve_at_end):
            return None
        with self._lock:
            turns = self._turns.get(key, 0) + sum(isinstance(m, HumanMessage) for m in new)
            self._turns[key] = turns
            running = self._improving.get(key)
            due = self.improve_at_end or (every is not None and turns >= every)
            if not due or (running is not None and not running.done()):
                return None  # a running improve will be followed by the next due one
            self._turns.pop(key)
            started: Future[None] = Future()
            self._improving[key] = started
            return started

    async def _astart_improve(self, user: User, session_id: str, started: Future[None]) -> None:
        try:
            run = await self.memory.aimprove(
                dataset=self.dataset, session_ids=[session_id], user=user, run_in_background=True
            )
        except CogneeLangchainError as exc:
            _log_failure(session_id, self.dataset, exc)
            self._settle((user.id, session_id), started)
            return
        if not inspect.isawaitable(run):  # the memory ran it to completion already
            self._settle((user.id, session_id), started)
            return
        task = asyncio.ensure_future(self._awatch(run, user.id, session_id, started))
        self._watchers.add(task)
        task.add_done_callback(self._watchers.discard)

    async def _awatch(
        self, run: Awaitable[object], user_id: str, session_id: str, started: Future[None]
    ) -> None:
        try:
            await run
        except Exception as exc:
            _log_failure(session_id, self.dataset, exc)
        finally:
            self._settle((user_id, session_id), started)

    def _settle(self, key: tuple[str, str], started: Future[None]) -> None:
        with self._lock:
            if self._improving.get(key) is started:
                del self._improving[key]
        started.set_result(None)

    def drain(self, timeout: float | None = None) -> None:
        """Wait until the background improves this middleware started have finished.

        Call it before a script exits (after a synchronous ``invoke``); in async code use
        :meth:`adrain` instead, since blocking here would stop the event loop they run on.
        """
        with self._lock:
            pending = list(self._improving.values())
        for future in pending:
            future.result(timeout)

    async def adrain(self) -> None:
        """Async twin of :meth:`drain`; await it before the event loop of ``ainvoke`` closes
        (a closing loop cancels the improves still running on it)."""
        with self._lock:
            pending = list(self._improving.values())
        for future in pending:
            await asyncio.wrap_future(future)


def _log_failure(session_id: str, dataset: str, exc: BaseException) -> None:
    logger.warning(
        "Background improve of session %r into dataset %r failed (its messages stay in the "
        "session for the next improve): %s: %s",
        session_id,
        dataset,
        type(exc).__name__,
        exc,
    )


def _extend_system(system: SystemMessage | None, block: str) -> SystemMessage:
    """``system`` with ``block`` appended (a new system message when there is none)."""
    if system is None:
        return SystemMessage(block)
    content = system.content
    if isinstance(content, str):
        extended: str | list[str | dict[str, Any]] = f"{content}\n\n{block}" if content else block
    else:
        extended = [*content, {"type": "text", "text": block}]
    return system.model_copy(update={"content": extended})
