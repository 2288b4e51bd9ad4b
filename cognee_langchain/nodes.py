"""Ready LangGraph nodes over a :class:`~cognee_langchain.memory.GraphMemory`, and the turn
recording they share with the agent middleware.

* :func:`make_recall_node` adds the memories recalled for the latest user message to the state;
* :func:`make_persist_node` records the thread's new messages into the session cache, then
  persists the session into the knowledge graph (``improve``); it fits ``add_node(...,
  defer=True)``, so it runs once the rest of the turn is done.

Both are ``Runnable``\\ s with a sync and an async face, so the graph works with ``invoke`` and
``ainvoke``. The session id comes from the run's config (``configurable.session_id``, else
``configurable.thread_id``), so a graph compiled with a checkpointer records each thread into the
session of the same name::

    builder = StateGraph(MemoryState)
    builder.add_node(make_recall_node(memory))            # -> state["memory_context"]
    builder.add_node("answer", answer)
    builder.add_node(make_persist_node(memory), defer=True)
    ...
    graph.invoke({"messages": [HumanMessage("Who leads Acme?")]},
                 {"configurable": {"thread_id": "demo_session"}})

Recording is exactly-once: a message is recognised by its id (the ``add_messages`` reducer gives
every message one), and the ids already recorded are kept in the state (``memory_recorded``) when
the state schema has that key (:class:`MemoryState` does), else read back from the session.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Any, Final, TypedDict

from langchain_core.documents import Document
from langchain_core.messages import (
    AnyMessage,
    BaseMessage,
)
from langchain_core.runnables import RunnableConfig, RunnableLambda
from langgraph.graph.message import add_messages

from cognee_langchain.core.aio import run_sync
from cognee_langchain.core.defaults import DEFAULT_DATASET, DEFAULT_SEARCH_TYPE, DEFAULT_TOP_K
from cognee_langchain.core.validation import (
    check_dataset,
    check_optional_id,
    check_positive,
    clip_query,
    renamed_arguments,
)
from cognee_langchain.errors import InvalidInputError
from cognee_langchain.ids import validate_id
from cognee_langchain.services.memory_lines import fit_memories, format_memories
from cognee_langchain.services.recording import (
    RecordedMarker,
    arecord_new_messages,
    latest_question,
)
from cognee_langchain.users import User

if TYPE_CHECKING:
    from cognee_langchain.memory import GraphMemory
    from cognee_langchain.services.search import SearchType

__all__ = [
    "CONTEXT_KEY",
    "RECORDED_KEY",
    "MemoryState",
    "RecordedMarker",
    "arecord_new_messages",
    "latest_question",
    "make_persist_node",
    "make_recall_node",
    "resolve_session_id",
    "resolve_user",
]

CONTEXT_KEY: Final = "memory_context"
RECORDED_KEY: Final = "memory_recorded"


class MemoryState(TypedDict, total=False):
    """A LangGraph state for the memory nodes: ``messages`` plus the keys the nodes write.

    Extend it (``class State(MemoryState): ...``) or add the same keys to your own state; a state
    without ``memory_recorded`` works too, at the cost of reading the session back each turn.
    """

    messages: Annotated[list[AnyMessage], add_messages]
    memory_context: list[Document] | str
    memory_recorded: RecordedMarker


# -- whose session -------------------------------------------------------------------------------
def _lookup(sources: Sequence[object], key: str) -> object:
    for source in sources:
        value = source.get(key) if isinstance(source, Mapping) else getattr(source, key, None)
        if value is not None:
            return value
    return None


def resolve_session_id(sources: Sequence[object], default: str | None, owner: str) -> str:
    """The session of a run: ``session_id``, else ``thread_id``, from the first of ``sources``
    (the run's ``configurable`` dict, its runtime context) that has one, else ``default``."""
    value = _lookup(sources, "session_id")
    if value is None:
        value = _lookup(sources, "thread_id")
    if value is None:
        value = default
    if value is None:
        raise InvalidInputError(
            f"{owner} needs a session id: run the graph with config={{'configurable': "
            f"{{'thread_id': ...}}}} (or 'session_id'), or pass session_id=... to {owner}."
        )
    if isinstance(value, int | uuid.UUID) and not isinstance(value, bool):
        value = str(value)
    return validate_id(value, "session_id")


def resolve_user(sources: Sequence[object], default: User | None, memory: GraphMemory) -> User:
    """The user of a run: ``user`` from the first of ``sources`` that has one, else ``default``,
    else the memory's user."""
    value = _lookup(sources, "user")
    if value is None:
        value = default if default is not None else memory.user
    if not isinstance(value, User):
        raise InvalidInputError(
            f"The run's 'user' must be a User, got {type(value).__name__}: pass "
            "configurable={'user': User(id=...)} or get_default_user()."
        )
    return value


def _configurable(config: RunnableConfig | None) -> Mapping[str, Any]:
    return (config or {}).get("configurable") or {}


def _state_value(state: object, key: str) -> Any:
    # LangGraph states are TypedDicts, pydantic models or dataclasses.
    return state.get(key) if isinstance(state, Mapping) else getattr(state, key, None)


def _state_messages(state: object) -> list[BaseMessage]:
    messages = _state_value(state, "messages")
    if messages is None:
        return []
    if not isinstance(messages, Sequence) or not all(isinstance(m, BaseMessage) for m in messages):
        raise InvalidInputError(
            "state['messages'] must be a list of LangChain messages: declare it as "
            "Annotated[list[AnyMessage], add_messages]."
        )
    return list(messages)


def _check_key(value: object, name: str) -> str:
    if not isinstance(value, str) or not value.isidentifier():
        raise InvalidInputError(
            f"{name} must be a state key such as 'memory_context', got {value!r}."
        )
    return value


# -- the nodes -----------------------------------------------------------------------------------
def make_recall_node(
    memory: GraphMemory,
    *,
    top_k: int = DEFAULT_TOP_K,
    context_key: str = CONTEXT_KEY,
    datasets: str | Sequence[str] | None = None,
    search_type: SearchType = DEFAULT_SEARCH_TYPE,
    as_text: bool = False,
    max_tokens: int | None = None,
    user: User | None = None,
    name: str = "recall_memory",
    **deprecated: Any,
) -> RunnableLambda[Any, dict[str, Any]]:
    """A node that searches ``memory`` for the latest user message in ``state["messages"]``.

    It returns ``{context_key: [Document, ...]}`` (best first; metadata: id, type, score,
    dataset, provenance), or with ``as_text=True`` the memories rendered as bullet lines
    (:func:`~cognee_langchain.services.memory_lines.format_memories`, ``""`` when none), ready for
    a prompt. With no user message (or an empty one) the context is empty. ``max_tokens``
    (≈ characters / 4) bounds what is returned in both forms. The user is
    ``configurable["user"]`` of the run, else ``user``, else the memory's user.

    A user message longer than the memory's ``Limits.max_query_chars`` does not fail the run:
    its beginning and end (:func:`~cognee_langchain.core.validation.clip_query`) are searched,
    since a user may paste any amount of text into a chat.

    ``datasets``: where to search (``None``: every dataset the user may read; ``dataset=`` is its
    deprecated spelling). Add it with ``builder.add_node(make_recall_node(memory))``: the node is
    named ``name``.
    """
    datasets = renamed_arguments(
        "make_recall_node", deprecated, {"dataset": "datasets"}, datasets=datasets
    )["datasets"]
    top_k = check_positive(top_k, "top_k")
    context_key = _check_key(context_key, "context_key")
    if max_tokens is not None:
        max_tokens = check_positive(max_tokens, "max_tokens")

    async def arecall(state: Any, config: RunnableConfig) -> dict[str, Any]:
        question = latest_question(_state_messages(state))
        query = question.text.strip() if question is not None else ""
        documents: list[Document] = []
        if query:
            query = clip_query(query, memory.runtime.limits.max_query_chars)
            who = resolve_user([_configurable(config)], user, memory)
            documents = await memory.asearch(
                query, datasets=datasets, search_type=search_type, top_k=top_k, user=who
            )
        if as_text:
            return {context_key: format_memories(documents, max_tokens=max_tokens)}
        if max_tokens is not None:
            documents = [document for document, _ in fit_memories(documents, max_tokens)]
        return {context_key: documents}

    def recall(state: Any, config: RunnableConfig) -> dict[str, Any]:
        return run_sync(arecall(state, config))

    return RunnableLambda(recall, afunc=arecall, name=name)


def make_persist_node(
    memory: GraphMemory,
    *,
    dataset: str = DEFAULT_DATASET,
    improve: bool = True,
    session_id: str | None = None,
    user: User | None = None,
    context_key: str = CONTEXT_KEY,
    recorded_key: str = RECORDED_KEY,
    name: str = "persist_memory",
) -> RunnableLambda[Any, dict[str, Any]]:
    """A node that records the thread's new messages into the session cache, then persists the
    session into ``dataset``'s knowledge graph (``memory.aimprove``).

    The session is ``configurable["session_id"]`` of the run, else its ``thread_id``, else
    ``session_id``; the user is ``configurable["user"]``, else ``user``, else the memory's user.
    Every message of ``state["messages"]`` is recorded once, in order, with ``tool_calls`` and
    ids intact (system prompts are not recorded); the final answer to the latest question keeps
    the ids of the documents in ``state[context_key]`` as ``response_metadata["context_ids"]``.
    ``improve`` runs only when something new was recorded and its errors propagate (the
    messages stay recorded; the next run persists them): the dataset needs graph data first
    (``memory.remember(..., dataset=...)``), or pass ``improve=False``.

    Returns ``{recorded_key: RecordedMarker}``; keep that key in the state schema
    (:class:`MemoryState` has it) so each run reads back only what is new. Add it with
    ``builder.add_node(make_persist_node(memory), defer=True)``.
    """
    check_dataset(dataset)
    context_key = _check_key(context_key, "context_key")
    recorded_key = _check_key(recorded_key, "recorded_key")
    check_optional_id(session_id, "session_id")

    async def apersist(state: Any, config: RunnableConfig) -> dict[str, Any]:
        sources = [_configurable(config)]
        sid = resolve_session_id(sources, session_id, "make_persist_node")
        who = resolve_user(sources, user, memory)
        context = _state_value(state, context_key)
        context_ids = [
            str(d.metadata["id"])
            for d in (context if isinstance(context, list) else ())
            if isinstance(d, Document) and d.metadata.get("id")
        ]
        new, marker = await arecord_new_messages(
            memory.session_store,
            who.id,
            sid,
            _state_messages(state),
            _state_value(state, recorded_key),
            context_ids,
        )
        if improve and new:
            await memory.aimprove(dataset=dataset, session_ids=[sid], user=who)
        return {recorded_key: marker}

    def persist(state: Any, config: RunnableConfig) -> dict[str, Any]:
        return run_sync(apersist(state, config))

    return RunnableLambda(persist, afunc=apersist, name=name)
