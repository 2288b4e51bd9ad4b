"""Persist cached sessions into the knowledge graph, as a LangGraph graph: the public adapter.

The two nodes, ``extract_user_sessions`` → ``cognify_session``, are the steps of
:mod:`cognee_langchain.services.persist`. Here they take the memory from the run's context
(:class:`PersistSessionsContext`) so they can be added to any user graph;
:func:`build_persist_sessions_graph` binds a memory and compiles the two-node graph, usable on its
own or as a subgraph; :func:`persist_sessions_in_knowledge_graph_pipeline` is cognee's entry point.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

from langgraph.runtime import Runtime, get_runtime

from cognee_langchain.core.defaults import DEFAULT_DATASET, SESSIONS_NODE_SET
from cognee_langchain.errors import InvalidInputError
from cognee_langchain.memory import GraphMemory
from cognee_langchain.services.persist import (
    PersistSessionsResult,
    PersistSessionsState,
    PipelineRun,
    RunStatus,
    acognify_sessions,
    aextract_sessions,
    apersist,
    build_graph,
    get_pipeline_run,
)
from cognee_langchain.services.runtime import MemoryRuntime
from cognee_langchain.users import User

if TYPE_CHECKING:
    from langchain_core.runnables import RunnableConfig
    from langgraph.graph.state import CompiledStateGraph
    from langgraph.types import Checkpointer

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


@dataclass(frozen=True, slots=True)
class PersistSessionsContext:
    """Run context of the node functions when they are used in a user's own graph."""

    memory: GraphMemory


def _memory_of(runtime: Runtime[PersistSessionsContext] | Any) -> GraphMemory:
    context = getattr(runtime, "context", None)
    memory = getattr(context, "memory", None)
    if not isinstance(memory, GraphMemory):
        raise InvalidInputError(
            "The persist-sessions nodes need a memory: invoke the graph with "
            "context=PersistSessionsContext(memory=...) or use "
            "build_persist_sessions_graph(memory)."
        )
    return memory


async def extract_user_sessions(
    state: PersistSessionsState, runtime: Runtime[PersistSessionsContext]
) -> dict[str, Any]:
    """LangGraph node: read the un-persisted Q&A of ``state["session_ids"]`` for the user.

    Raises:
        PermissionDeniedError: the user may not write ``state["dataset"]``.
        NoGraphDataError: the dataset has no graph data yet.
        NoSessionsFoundError: none of the session ids exist for this user.
    """
    return await aextract_sessions(_memory_of(runtime).runtime, state)


async def cognify_session(
    state: PersistSessionsState, runtime: Runtime[PersistSessionsContext]
) -> dict[str, Any]:
    """LangGraph node: remember the extracted Q&A under ``user_sessions_from_cache``, then
    advance each session's watermark."""
    return await acognify_sessions(_memory_of(runtime).runtime, state)


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
    if memory is not None and not isinstance(memory, GraphMemory):
        raise InvalidInputError(f"memory must be a GraphMemory, got {type(memory).__name__}.")

    def runtime_of() -> MemoryRuntime:
        bound = memory if memory is not None else _memory_of(get_runtime(PersistSessionsContext))
        return bound.runtime

    return build_graph(runtime_of, checkpointer=checkpointer, context_schema=PersistSessionsContext)


_default_memories: dict[Path, GraphMemory] = {}
_default_memories_lock = threading.Lock()


def _default_memory() -> GraphMemory:
    """The process-wide ``GraphMemory()`` of the working directory's embedded defaults.

    Shared by every call made without ``memory=``: a memory per call would open its stores
    and load its embeddings model again each time, and never close them.
    """
    key = Path(".cognee_langchain").absolute()
    with _default_memories_lock:
        memory = _default_memories.get(key)
        if memory is None:
            memory = _default_memories[key] = GraphMemory(key)
        return memory


@overload
async def persist_sessions_in_knowledge_graph_pipeline(
    user: User,
    session_ids: Sequence[str] | None,
    dataset: str = DEFAULT_DATASET,
    run_in_background: Literal[False] = False,
    *,
    memory: GraphMemory | None = None,
    config: RunnableConfig | None = None,
) -> PersistSessionsResult: ...


@overload
async def persist_sessions_in_knowledge_graph_pipeline(
    user: User,
    session_ids: Sequence[str] | None,
    dataset: str,
    run_in_background: Literal[True],
    *,
    memory: GraphMemory | None = None,
    config: RunnableConfig | None = None,
) -> PipelineRun: ...


@overload
async def persist_sessions_in_knowledge_graph_pipeline(
    user: User,
    session_ids: Sequence[str] | None,
    dataset: str = DEFAULT_DATASET,
    run_in_background: bool = False,
    *,
    memory: GraphMemory | None = None,
    config: RunnableConfig | None = None,
) -> PersistSessionsResult | PipelineRun: ...


async def persist_sessions_in_knowledge_graph_pipeline(
    user: User,
    session_ids: Sequence[str] | None,
    dataset: str = DEFAULT_DATASET,
    run_in_background: bool = False,
    *,
    memory: GraphMemory | None = None,
    config: RunnableConfig | None = None,
) -> PersistSessionsResult | PipelineRun:
    """Persist the cached Q&A of ``session_ids`` into ``dataset``'s knowledge graph.

    Same parameters as cognee's pipeline. ``memory`` defaults to a :class:`GraphMemory` over the
    embedded defaults (``./.cognee_langchain/``). Only Q&A the dataset does not hold yet is
    persisted, each entry exactly once: running it twice adds nothing the second time, and a run
    that failed or was killed at any step is completed by the next one (no entry stored twice,
    none lost). Q&A the session store trimmed (``max_messages``) before it was persisted is
    counted in ``messages_lost`` (with ``lost_session_ids``) and logged as a warning.

    Returns the :class:`PersistSessionsResult`, or with ``run_in_background=True`` at once a
    :class:`PipelineRun`. The run shows in LangChain callbacks as one chain run named
    ``cognee_langchain.persist_sessions`` (``config``: the caller's ``RunnableConfig``; inside a
    ``Runnable`` or graph node it nests under the caller's run).

    Raises:
        PermissionDeniedError: ``user`` may not write ``dataset``.
        NoGraphDataError: ``dataset`` has no graph yet: run ``remember(..., dataset=...)`` first.
        NoSessionsFoundError: none of ``session_ids`` exist for ``user``.
        ExtractionError: the chat model failed; no watermark moved, the graph is unchanged.
        InvalidInputError: ``session_ids`` is not a list of valid ids (a single str is
            rejected: pass ``[session_id]``), ``user`` is not a :class:`User`, ``dataset`` is
            not a valid name, or ``run_in_background`` is not a bool.
    """
    if memory is not None and not isinstance(memory, GraphMemory):
        raise InvalidInputError(f"memory must be a GraphMemory, got {type(memory).__name__}.")
    runtime = (memory or _default_memory()).runtime
    return await apersist(runtime, user, session_ids, dataset, run_in_background, config=config)
