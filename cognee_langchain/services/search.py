"""Search: the one retrieval path behind ``GraphMemory.search``, the retriever, ``recall``, the
memory tool, the recall node and the agent middleware.

Check the arguments, resolve the datasets the user may read, embed the query once, search the
runtime's :class:`~cognee_langchain.retrieval.graph_index.GraphIndex` (caught up with the graph
store first) and turn the hits into ``Document``\\ s.

Each ``Document`` has ``id`` and ``page_content`` (the chunk text, the fact sentence or the
summary) and this metadata:

* ``id``, ``type`` (``"chunk"``, ``"fact"`` or ``"summary"``), ``score`` (fused, higher is
  better), ``dataset``, ``node_set`` (list of node sets), ``chunk_ids`` (source chunks; a chunk's
  own id for a chunk);
* for knowledge persisted from chat sessions: ``session_id`` (the first session it came from),
  ``session_ids`` and ``message_ids``;
* for a conversation turn: ``speaker``, ``turn_id`` (the transcript's own id, if any),
  ``position`` (its place in its session or document) and ``occurred_at`` (ISO 8601, UTC; the
  ``page_content`` then starts with the date, e.g. ``(8 May 2023) Caroline: ...``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from langchain_core.documents import Document

from cognee_langchain.core.defaults import (
    DEFAULT_SEARCH_TYPE,
    DEFAULT_TOP_K,
    MEMORIES_NODE_SET,
    Limits,
)
from cognee_langchain.core.logs import preview
from cognee_langchain.core.turns import display_date
from cognee_langchain.core.validation import check_names, check_positive, check_query
from cognee_langchain.retrieval.config import SearchConfig, get_search_config
from cognee_langchain.retrieval.types import SearchHit
from cognee_langchain.services.access import areadable_datasets
from cognee_langchain.services.runtime import MemoryRuntime
from cognee_langchain.users import User

__all__ = ["SearchType", "aretrieve", "asearch", "check_search_args", "document_from_hit"]

#: A preset name (``"graph"``, ``"chunks"``, ``"facts"``, ``"summaries"``) or a config.
SearchType = str | SearchConfig

logger = logging.getLogger(__name__)


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
    text = hit.text
    occurred_at = hit.metadata.get("occurred_at")
    if isinstance(occurred_at, int | float):
        # A turn shows its date once, compactly: a reader (or model) needs it to place "last
        # week"; the full time stays in the metadata.
        when = datetime.fromtimestamp(occurred_at, UTC)
        metadata["occurred_at"] = when.isoformat()
        text = f"({display_date(when)}) {text}"
    return Document(page_content=text, id=hit.id, metadata=metadata)


def check_search_args(
    query: object,
    search_type: object,
    top_k: object,
    node_sets: object,
    limits: Limits | None = None,
) -> tuple[str, SearchConfig, int, list[str] | None]:
    """The validated ``(query, config, top_k, node sets)`` of a search, before any I/O.

    ``limits`` (the memory's, ``runtime.limits``) bounds the query's length and the node set
    names' (without it only the stores' id limit applies).
    """
    return (
        check_query(query, max_chars=None if limits is None else limits.max_query_chars),
        get_search_config(search_type),  # type: ignore[arg-type]
        check_positive(top_k, "top_k"),
        check_names(
            node_sets,
            "node set",
            allow_empty=True,
            max_chars=None if limits is None else limits.max_id_chars,
        ),
    )


async def asearch(
    runtime: MemoryRuntime,
    query: str,
    *,
    datasets: str | Sequence[str] | None = None,
    search_type: SearchType = DEFAULT_SEARCH_TYPE,
    top_k: int = DEFAULT_TOP_K,
    node_sets: str | Sequence[str] | None = None,
    user: User | None = None,
) -> list[Document]:
    """The ``top_k`` best documents for ``query``, best first.

    ``datasets``: name(s) to search, ``None`` for every dataset ``user`` may read. ``node_sets``:
    keep only items in one of them (``None``: no filter). ``search_type``: ``"graph"``,
    ``"chunks"``, ``"facts"``, ``"summaries"`` or a :class:`SearchConfig`.

    Raises:
        InvalidInputError: empty query, or one longer than ``runtime.limits.max_query_chars``
            or of invalid Unicode; ``top_k`` not a positive int, unknown search type or dataset,
            malformed node set.
        PermissionDeniedError: ``user`` may not read a dataset named in ``datasets``.
    """
    checked = check_search_args(query, search_type, top_k, node_sets, runtime.limits)
    return await aretrieve(runtime, *checked, datasets=datasets, user=user)


async def aretrieve(
    runtime: MemoryRuntime,
    query: str,
    config: SearchConfig,
    top_k: int,
    node_set_filter: list[str] | None,
    *,
    datasets: str | Sequence[str] | None = None,
    user: User | None = None,
) -> list[Document]:
    """:func:`asearch` on arguments :func:`check_search_args` accepted (``datasets`` and
    ``user`` are checked here). ``recall`` searches its follow-up-expanded query through here:
    the question was held to the query limit, its expansion with earlier turns may exceed it."""
    started = time.perf_counter()
    names = await areadable_datasets(runtime, datasets, user)
    if not names:
        logger.debug("Search %r: no readable dataset, no hits.", preview(query))
        return []
    vector = (await runtime.aembed([query]))[0] if config.needs_query_vector else None
    embed_words = runtime.embed_words if config.expand_terms is not None else None
    hits = await runtime.graph_index.asearch(
        runtime.graph_store, query, vector, config, top_k, names, node_set_filter, embed_words
    )
    # DEBUG, not INFO: agents search on every message.
    logger.debug(
        "Search %r over %s: %d hit(s) of top_k=%d in %.3fs.",
        *(preview(query), names, len(hits), top_k, time.perf_counter() - started),
    )
    documents = [document_from_hit(hit) for hit in hits]
    await _aname_managed_memories(runtime, documents, runtime.user_of(user))
    return documents


async def _aname_managed_memories(
    runtime: MemoryRuntime, documents: Sequence[Document], who: User
) -> None:
    """Set ``metadata["memory_id"]`` on hits that are memories ``who`` manages (node set
    :data:`MEMORIES_NODE_SET`): the id the manage tool takes, so an agent can update or delete
    what a search found. A hit is a chunk, and a chunk may be shared by several documents: the
    caller's own is the memory."""
    managed = {
        str(d.id): d
        for d in documents
        if d.metadata.get("type") == "chunk" and MEMORIES_NODE_SET in d.metadata["node_set"]
    }
    if not managed:
        return
    store = runtime.graph_store
    chunks = await store.aget_chunks(list(managed))
    owned = {
        document.id
        for document in await store.aget_documents([i for c in chunks for i in c.document_ids])
        if document.user_id == who.id and document.node_set == MEMORIES_NODE_SET
    }
    for chunk in chunks:
        mine = [i for i in chunk.document_ids if i in owned]
        if mine:
            managed[chunk.id].metadata["memory_id"] = mine[0]
