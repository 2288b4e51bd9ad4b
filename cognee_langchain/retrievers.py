"""Retrieval as LangChain sees it: :class:`GraphRetriever` over a memory.

A thin adapter: every call is ``memory.asearch``, the one search path
(:func:`cognee_langchain.services.search.asearch`, see there for the ``Document`` metadata), so in
a trace the memory's ``cognee_langchain.search`` run is a child of the retriever's run.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from langchain_core.callbacks import (
    AsyncCallbackManagerForRetrieverRun,
    CallbackManagerForRetrieverRun,
)
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import RunnableConfig
from pydantic import ConfigDict, ValidationError, field_validator, model_validator

from cognee_langchain.core.aio import run_sync
from cognee_langchain.core.defaults import DEFAULT_SEARCH_TYPE, DEFAULT_TOP_K
from cognee_langchain.core.time_validation import check_as_of, check_time_range
from cognee_langchain.core.validation import (
    check_datasets,
    check_names,
    check_positive,
    check_user,
    renamed_arguments,
)
from cognee_langchain.errors import InvalidInputError
from cognee_langchain.retrieval.config import SearchConfig, get_search_config
from cognee_langchain.services.runtime import MemoryRuntime
from cognee_langchain.users import User

if TYPE_CHECKING:
    # Type-only: the facade imports this adapter (GraphMemory.as_retriever), never the reverse.
    from cognee_langchain.memory import GraphMemory

__all__ = ["GraphRetriever"]

# invoke() keyword arguments that override the retriever's fields for one call.
_OVERRIDES = frozenset({"top_k", "search_type", "datasets", "node_sets", "as_of", "time_range"})
# Old spellings, accepted for one release with a DeprecationWarning.
_RENAMED = {"k": "top_k"}


class GraphRetriever(BaseRetriever):
    """Hybrid retrieval over a :class:`~cognee_langchain.memory.GraphMemory`.

    ``search_type``: ``"chunks"`` (default: score fusion of each chunk's or turn's words, its
    neighbouring turns' words and its vector, with speaker, session and time priors),
    ``"graph"`` (that plus the chunks the entities the query names lead to), ``"facts"``,
    ``"summaries"`` or a ``SearchConfig``. ``top_k``: how many documents (``k`` is its
    deprecated spelling). ``datasets``: where to search (``None``: every dataset ``user`` may
    read). ``node_sets``: keep only items in one of these node sets. ``user``: who searches
    (default: the memory's user). ``as_of``: when "current" is judged (default: now; facts no
    longer true then rank lower and say until when they were). ``time_range``: ``(start,
    end)`` datetimes (either ``None``: open) whose events rank higher; a naive datetime is
    UTC. Each call may override ``top_k``, ``search_type``, ``datasets``, ``node_sets``,
    ``as_of`` and ``time_range``::

        retriever = memory.as_retriever(top_k=4)
        retriever.invoke("Who leads Acme?")
        retriever.invoke("Acme", top_k=2, search_type="facts")
        retriever.invoke("Where did Alice live?", as_of=datetime(2023, 3, 1, tzinfo=UTC))

    Bad or unknown arguments raise :class:`~cognee_langchain.errors.InvalidInputError`; a
    dataset the user may not read, :class:`~cognee_langchain.errors.PermissionDeniedError`.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True, extra="forbid")

    # Typed as the facade for readers and mypy; validated at run time by what it must have.
    memory: Any
    top_k: int = DEFAULT_TOP_K
    search_type: str | SearchConfig = DEFAULT_SEARCH_TYPE
    datasets: list[str] | None = None
    node_sets: list[str] | None = None
    user: User | None = None
    as_of: datetime | None = None
    time_range: tuple[datetime | None, datetime | None] | None = None

    if TYPE_CHECKING:
        memory: GraphMemory  # type: ignore[no-redef]

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, error['loc'])) or 'arguments'}: {error['msg']}"
                for error in exc.errors(include_url=False)
            )
            raise InvalidInputError(f"Invalid GraphRetriever arguments: {problems}.") from None

    @model_validator(mode="before")
    @classmethod
    def _renamed(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        old = {name: data[name] for name in _RENAMED if name in data}
        if not old:
            return data
        rest = {name: value for name, value in data.items() if name not in old}
        return {**rest, **renamed_arguments("GraphRetriever", old, _RENAMED, **rest)}

    @field_validator("memory", mode="before")
    @classmethod
    def _check_memory(cls, value: object) -> object:
        if not isinstance(getattr(value, "runtime", None), MemoryRuntime):
            raise InvalidInputError(
                f"memory must be a GraphMemory, got {type(value).__name__}: pass "
                "memory=GraphMemory(...) or use memory.as_retriever()."
            )
        return value

    @field_validator("top_k", mode="before")
    @classmethod
    def _check_top_k(cls, value: object) -> int:
        return check_positive(value, "top_k")

    @field_validator("search_type", mode="before")
    @classmethod
    def _check_search_type(cls, value: Any) -> str | SearchConfig:
        get_search_config(value)
        return value

    @field_validator("datasets", mode="before")
    @classmethod
    def _check_datasets(cls, value: object) -> list[str] | None:
        return check_datasets(value)

    @field_validator("node_sets", mode="before")
    @classmethod
    def _check_node_sets(cls, value: object) -> list[str] | None:
        return check_names(value, "node set", allow_empty=True)

    @field_validator("as_of", mode="before")
    @classmethod
    def _check_as_of(cls, value: object) -> datetime | None:
        return check_as_of(value)

    @field_validator("time_range", mode="before")
    @classmethod
    def _check_time_range(cls, value: object) -> tuple[datetime | None, datetime | None] | None:
        return check_time_range(value)

    @field_validator("user", mode="before")
    @classmethod
    def _check_user(cls, value: object) -> User | None:
        return None if value is None else check_user(value)

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, **kwargs: Any
    ) -> list[Document]:
        return run_sync(self._asearch(query, kwargs, {"callbacks": run_manager.get_child()}))

    async def _aget_relevant_documents(
        self, query: str, *, run_manager: AsyncCallbackManagerForRetrieverRun, **kwargs: Any
    ) -> list[Document]:
        return await self._asearch(query, kwargs, {"callbacks": run_manager.get_child()})

    async def _asearch(
        self, query: str, overrides: dict[str, Any], config: RunnableConfig
    ) -> list[Document]:
        """The memory's search (its run a child of this retriever's run: ``config``)."""
        overrides.pop("verbose", None)  # BaseRetriever.invoke passes it on
        old = {name: overrides.pop(name) for name in _RENAMED if name in overrides}
        unknown = overrides.keys() - _OVERRIDES
        if unknown:
            raise InvalidInputError(
                f"Unknown argument(s) {sorted(unknown)}: GraphRetriever calls accept "
                f"{sorted(_OVERRIDES)}."
            )
        overrides = renamed_arguments("GraphRetriever.invoke", old, _RENAMED, **overrides)
        datasets: str | Sequence[str] | None = overrides.get("datasets", self.datasets)
        # Through the memory, not the search service: its run nests under this retriever's.
        documents: list[Document] = await self.memory.asearch(
            query,
            datasets=datasets,
            search_type=overrides.get("search_type", self.search_type),
            top_k=overrides.get("top_k", self.top_k),
            node_sets=overrides.get("node_sets", self.node_sets),
            user=self.user,
            as_of=overrides.get("as_of", self.as_of),
            time_range=overrides.get("time_range", self.time_range),
            config=config,
        )
        return documents

    @property
    def k(self) -> int:
        """Deprecated spelling of :attr:`top_k`."""
        return self.top_k
