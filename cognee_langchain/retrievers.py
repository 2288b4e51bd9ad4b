"""Retrieval as LangChain sees it: :class:`GraphRetriever`, and the one search path behind it.

:func:`asearch_memory` is what ``GraphMemory.search`` / ``asearch``, the retriever, ``recall``,
the memory tool and the agent middleware all run: check the arguments, resolve the datasets the
user may read, embed the query once, search the memory's :class:`GraphIndex` (caught up with the
graph store first) and turn the hits into ``Document``\\ s.

Each ``Document`` has ``id`` and ``page_content`` (the chunk text, the fact sentence or the
summary) and this metadata:

* ``id``, ``type`` (``"chunk"``, ``"fact"`` or ``"summary"``), ``score`` (fused, higher is
  better), ``dataset``, ``node_set`` (list of node sets), ``chunk_ids`` (source chunks; a chunk's
  own id for a chunk);
* for knowledge persisted from chat sessions: ``session_id`` (the first session it came from),
  ``session_ids`` and ``message_ids``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langchain_core.callbacks import (
    AsyncCallbackManagerForRetrieverRun,
    CallbackManagerForRetrieverRun,
)
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, ValidationError, field_validator

from cognee_langchain._async import run_sync
from cognee_langchain.errors import InvalidInputError
from cognee_langchain.ids import validate_id
from cognee_langchain.memory import GraphMemory
from cognee_langchain.retrieval.config import DEFAULT_SEARCH_TYPE, SearchConfig, get_search_config
from cognee_langchain.retrieval.types import SearchHit
from cognee_langchain.tools import check_positive
from cognee_langchain.users import User

__all__ = [
    "DEFAULT_TOP_K",
    "GraphRetriever",
    "asearch_memory",
    "check_query",
    "document_from_hit",
]

DEFAULT_TOP_K = 8
# invoke() keyword arguments that override the retriever's fields for one call.
_OVERRIDES = frozenset({"k", "search_type", "datasets", "node_sets"})


def check_query(query: object) -> str:
    """Return ``query`` if it is a non-blank str, else raise :class:`InvalidInputError`."""
    if not isinstance(query, str) or not query.strip():
        raise InvalidInputError(
            f"query must be a non-empty string, got {query!r}: pass the question to look up."
        )
    return query


def _check_node_sets(node_sets: str | Sequence[str] | None) -> list[str] | None:
    if node_sets is None:
        return None
    if isinstance(node_sets, str):
        node_sets = [node_sets]
    if not isinstance(node_sets, Sequence):
        raise InvalidInputError(
            f"node_sets must be a str or a list of str, got {type(node_sets).__name__}."
        )
    return [validate_id(name, "node set") for name in node_sets]


def document_from_hit(hit: SearchHit) -> Document:
    """A search hit as a LangChain ``Document`` (see the module docstring for its metadata)."""
    metadata: dict[str, Any] = {
        "id": hit.id,
        "type": hit.kind,
        "score": hit.score,
        "dataset": hit.dataset,
        "node_set": sorted(hit.node_sets),
        "chunk_ids": list(hit.chunk_ids),
    }
    for key, value in hit.metadata.items():
        metadata[key] = list(value) if isinstance(value, tuple) else value
    return Document(page_content=hit.text, id=hit.id, metadata=metadata)


async def asearch_memory(
    memory: GraphMemory,
    query: str,
    *,
    dataset: str | Sequence[str] | None = None,
    search_type: str | SearchConfig = DEFAULT_SEARCH_TYPE,
    top_k: int = DEFAULT_TOP_K,
    node_sets: str | Sequence[str] | None = None,
    user: User | None = None,
) -> list[Document]:
    """The ``top_k`` best documents of ``memory`` for ``query``, best first.

    ``dataset``: name(s) to search, ``None`` for every dataset ``user`` may read. ``node_sets``:
    keep only items in one of them (``None``: no filter). ``search_type``: ``"graph"``,
    ``"chunks"``, ``"facts"``, ``"summaries"`` or a :class:`SearchConfig`.

    Raises:
        InvalidInputError: empty query, ``top_k`` not a positive int, unknown search type or
            dataset, malformed node set.
        PermissionDeniedError: ``user`` may not read a dataset named in ``dataset``.
    """
    query = check_query(query)
    top_k = check_positive(top_k, "top_k")
    config = get_search_config(search_type)
    node_set_filter = _check_node_sets(node_sets)
    datasets = await memory.areadable_datasets(dataset, user)
    if not datasets:
        return []
    vector = (await memory._aembed([query]))[0] if config.needs_query_vector else None
    hits = await memory.graph_index.asearch(
        memory.graph_store, query, vector, config, top_k, datasets, node_set_filter
    )
    return [document_from_hit(hit) for hit in hits]


class GraphRetriever(BaseRetriever):
    """Hybrid retrieval over a :class:`~cognee_langchain.memory.GraphMemory`.

    ``search_type``: ``"graph"`` (default: BM25 + dense chunk ranking fused with the chunks and
    facts reached from the entities the query names), ``"chunks"``, ``"facts"`` or
    ``"summaries"``. ``datasets``: where to search (``None``: every dataset ``user`` may read).
    ``node_sets``: keep only items in one of these node sets. ``user``: who searches (default:
    the memory's user). Each call may override ``k``, ``search_type``, ``datasets`` and
    ``node_sets``::

        retriever = memory.as_retriever(k=4)
        retriever.invoke("Who leads Acme?")
        retriever.invoke("Acme", k=2, search_type="facts")

    Bad arguments raise :class:`~cognee_langchain.errors.InvalidInputError`; a dataset the user
    may not read, :class:`~cognee_langchain.errors.PermissionDeniedError`.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    memory: GraphMemory
    k: int = DEFAULT_TOP_K
    search_type: str = DEFAULT_SEARCH_TYPE
    datasets: list[str] | None = None
    node_sets: list[str] | None = None
    user: User | None = None

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, error['loc'])) or 'arguments'}: {error['msg']}"
                for error in exc.errors(include_url=False)
            )
            raise InvalidInputError(f"Invalid GraphRetriever arguments: {problems}.") from None

    @field_validator("k", mode="before")
    @classmethod
    def _check_k(cls, value: object) -> int:
        return check_positive(value, "k")

    @field_validator("search_type")
    @classmethod
    def _check_search_type(cls, value: str) -> str:
        get_search_config(value)
        return value

    @field_validator("datasets", "node_sets", mode="before")
    @classmethod
    def _check_names(cls, value: object) -> object:
        # One name is a list of one; validate_id rejects what cannot be a name.
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list | tuple):
            return [validate_id(name, "name") for name in value]
        return value

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, **kwargs: Any
    ) -> list[Document]:
        return run_sync(self._asearch(query, kwargs))

    async def _aget_relevant_documents(
        self, query: str, *, run_manager: AsyncCallbackManagerForRetrieverRun, **kwargs: Any
    ) -> list[Document]:
        return await self._asearch(query, kwargs)

    async def _asearch(self, query: str, overrides: dict[str, Any]) -> list[Document]:
        overrides.pop("verbose", None)  # BaseRetriever.invoke passes it on
        unknown = overrides.keys() - _OVERRIDES
        if unknown:
            raise InvalidInputError(
                f"Unknown argument(s) {sorted(unknown)}: GraphRetriever calls accept "
                f"{sorted(_OVERRIDES)}."
            )
        return await asearch_memory(
            self.memory,
            query,
            dataset=overrides.get("datasets", self.datasets),
            search_type=overrides.get("search_type", self.search_type),
            top_k=overrides.get("k", self.k),
            node_sets=overrides.get("node_sets", self.node_sets),
            user=self.user,
        )
