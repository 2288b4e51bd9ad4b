"""``GraphMemoryStore``: LangGraph's long-term ``BaseStore`` over a :class:`GraphMemory`.

How namespaces map onto the memory: one store is one ``(user, dataset)`` of the memory — the
memory's user (or ``user=``) in the dataset ``"langgraph_store"`` (or ``dataset=``). Every
namespace lives in that dataset and each item keeps its namespace, so a namespace prefix
selects exactly the items below it; use one store per dataset to keep data apart with the
memory's permissions. Each item is kept exactly (see :mod:`cognee_langchain.store.values`) in
the graph store's item table, and its text is remembered as a document of the node set
``"langgraph_store"`` (or ``node_set=``), so ``memory.search`` finds it too. A re-put replaces
that document, and a delete forgets it, in the transaction that changes the item.

``batch`` / ``abatch`` are the one primitive (``get``, ``put``, ``search``, ``list_namespaces``
and their async twins are LangGraph's, on top): reads see the store as it was before the
batch's writes, and of several puts to one key the last wins, as in LangGraph's stores.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from langgraph.store.base import (
    BaseStore,
    GetOp,
    InvalidNamespaceError,
    Item,
    ListNamespacesOp,
    Op,
    PutOp,
    Result,
    SearchItem,
    SearchOp,
    validate_op_namespace,
)

from cognee_langchain.core.aio import run_sync
from cognee_langchain.core.defaults import DEFAULT_SEARCH_TYPE
from cognee_langchain.core.validation import check_dataset, check_names, check_optional_id
from cognee_langchain.errors import InvalidInputError, WriteConflictError
from cognee_langchain.graph.base import (
    DeleteItem,
    PutItem,
    RequirePermission,
    StoreItem,
    WriteOp,
)
from cognee_langchain.graph.models import SourceItem
from cognee_langchain.permissions import Permission
from cognee_langchain.services.runtime import MemoryRuntime
from cognee_langchain.store.matching import matches_filter, matches_namespace
from cognee_langchain.store.values import decode_value, encode_value, value_text
from cognee_langchain.users import User

if TYPE_CHECKING:
    from cognee_langchain.memory import GraphMemory
    from cognee_langchain.services.search import SearchType

__all__ = ["DEFAULT_STORE_DATASET", "DEFAULT_STORE_NODE_SET", "GraphMemoryStore"]

#: The dataset a store keeps its items in unless told otherwise.
DEFAULT_STORE_DATASET = "langgraph_store"
#: The node set of the documents holding the items' text (``memory.search(node_sets=...)``).
DEFAULT_STORE_NODE_SET = "langgraph_store"

#: Attempts of one batch's writes when a concurrent write removed a document it points at.
_WRITE_ATTEMPTS = 3


class GraphMemoryStore(BaseStore):
    """LangGraph's ``BaseStore`` over a :class:`~cognee_langchain.memory.GraphMemory`, for
    ``create_agent(store=...)``, LangMem's memory tools and ``get_store()`` in a graph.

    Build it with ``memory.as_store(...)``.

    Args:
        memory: The memory holding the items.
        dataset: The dataset every namespace lives in (default ``"langgraph_store"``).
        node_set: The node set of the items' documents (default ``"langgraph_store"``).
        user: Who reads and writes (default: the memory's user); needs ``read`` to get and
            search, ``write`` to put and ``delete`` to delete.
        text_fields: The fields whose strings make an item searchable (LangGraph field paths,
            e.g. ``["content"]``); ``None``: every string of the value. ``put(..., index=[...])``
            overrides it per item and ``index=False`` keeps an item out of ``search(query=...)``.
        search_type: How ``search(query=...)`` ranks (a preset name or a ``SearchConfig``).

    TTLs are not supported (``supports_ttl`` is ``False``): a ``ttl`` is refused, never ignored.
    """

    supports_ttl = False

    def __init__(
        self,
        memory: GraphMemory,
        *,
        dataset: str = DEFAULT_STORE_DATASET,
        node_set: str = DEFAULT_STORE_NODE_SET,
        user: User | None = None,
        text_fields: Sequence[str] | None = None,
        search_type: SearchType = DEFAULT_SEARCH_TYPE,
    ) -> None:
        # The facade is named for typing only (it builds this adapter in as_store): a memory is
        # recognised by its runtime, as the retriever does.
        if not isinstance(getattr(memory, "runtime", None), MemoryRuntime):
            raise InvalidInputError(
                f"GraphMemoryStore needs a GraphMemory, got {type(memory).__name__}: use "
                "memory.as_store()."
            )
        limit = memory.runtime.limits.max_id_chars
        self.memory = memory
        self.dataset = check_dataset(dataset, max_chars=limit)
        self.node_set = check_optional_id(node_set, "node_set", max_chars=limit) or node_set
        self.user = memory.runtime.user_of(user)
        self.text_fields = (
            None if text_fields is None else check_names(list(text_fields), "text field")
        )
        self.search_type = search_type

    def __repr__(self) -> str:
        return f"GraphMemoryStore(dataset={self.dataset!r}, user={self.user.id!r})"

    # -- the one primitive ----------------------------------------------------------------------
    def batch(self, ops: Iterable[Op]) -> list[Result]:
        """Sync twin of :meth:`abatch`."""
        return run_sync(self.abatch(ops))

    async def abatch(self, ops: Iterable[Op]) -> list[Result]:
        """Run ``ops`` and return one result per op, in order: an ``Item`` or ``None`` for a
        ``GetOp``, a list of ``SearchItem`` for a ``SearchOp``, a list of namespaces for a
        ``ListNamespacesOp``, ``None`` for a ``PutOp``. Reads run first (they do not see this
        batch's puts); the puts are then written together.

        Raises:
            InvalidNamespaceError: a namespace label is empty, not a str, or holds a period.
            InvalidInputError: an unknown op, a value that is not a dict of JSON types, a
                ``ttl`` (not supported), an unknown filter operator, an over-long query.
            PermissionDeniedError: the store's user lacks the permission on its dataset.
        """
        ops = list(ops)
        for op in ops:
            _check_op(op)
        results: list[Result] = [None] * len(ops)
        readable = await self._areadable()
        for i, op in enumerate(ops):
            if isinstance(op, GetOp):
                results[i] = await self._aget(op) if readable else None
            elif isinstance(op, SearchOp):
                results[i] = await self._asearch(op) if readable else []
            elif isinstance(op, ListNamespacesOp):
                results[i] = await self._alist_namespaces(op) if readable else []
        puts = {(op.namespace, op.key): op for op in ops if isinstance(op, PutOp)}
        if puts:
            await self._aput(list(puts.values()))
        return results

    # -- reads ----------------------------------------------------------------------------------
    async def _areadable(self) -> bool:
        """Whether the dataset exists (a store never written holds nothing); raises
        ``PermissionDeniedError`` when the user may not read it."""
        if await self.memory.graph_store.aget_dataset(self.dataset) is None:
            return False
        await self.memory.acheck_permission(self.dataset, Permission.READ, self.user)
        return True

    async def _aget(self, op: GetOp) -> Item | None:
        found = await self.memory.graph_store.aget_items(self.dataset, [(op.namespace, op.key)])
        return _item(found[0]) if found else None

    async def _asearch(self, op: SearchOp) -> list[SearchItem]:
        items = await self.memory.graph_store.alist_items(self.dataset, op.namespace_prefix)
        candidates = [
            (s, v) for s in items if matches_filter(v := decode_value(s.value), op.filter)
        ]
        if op.query:
            scored = await self._arank(op.query, candidates, op.offset + op.limit)
        else:
            scored = [(None, stored, value) for stored, value in candidates]
        return [
            _search_item(stored, value, score)
            for score, stored, value in scored[op.offset : op.offset + op.limit]
        ]

    async def _arank(
        self, query: str, candidates: list[tuple[StoreItem, dict[str, Any]]], wanted: int
    ) -> list[tuple[float | None, StoreItem, dict[str, Any]]]:
        """``candidates`` ranked by the memory's retrieval of ``query``, best first, each with
        its best chunk's score; the ones retrieval did not return follow, latest first, without
        a score (as LangGraph's stores list unindexed items after the scored ones)."""
        documents = await self.memory.graph_store.aget_documents(
            list(dict.fromkeys(s.document_id for s, _ in candidates if s.document_id))
        )
        by_chunk: dict[str, set[str]] = {}
        for document in documents:
            for chunk_id in document.chunk_ids:
                by_chunk.setdefault(chunk_id, set()).add(document.id)
        best: dict[str, float] = {}  # document id -> best score
        top_k = max(2 * wanted, 16)
        while by_chunk:
            hits = await self.memory.asearch(
                query,
                datasets=[self.dataset],
                node_sets=[self.node_set],
                search_type=self.search_type,
                top_k=top_k,
                user=self.user,
            )
            for hit in hits:
                score = float(hit.metadata.get("score", 0.0))
                for chunk_id in hit.metadata.get("chunk_ids", ()):
                    for document_id in by_chunk.get(chunk_id, ()):
                        best[document_id] = max(score, best.get(document_id, score))
            # Other namespaces' items share the ranking: widen until enough of ours are in it,
            # or retrieval has nothing more to give.
            ranked = sum(1 for s, _ in candidates if s.document_id in best)
            if ranked >= wanted or len(hits) < top_k:
                break
            top_k *= 4
        scored = sorted(
            ((best[s.document_id], s, v) for s, v in candidates if s.document_id in best),
            key=lambda t: -t[0],
        )
        rest = [(None, s, v) for s, v in candidates if s.document_id not in best]
        return [*scored, *rest]

    async def _alist_namespaces(self, op: ListNamespacesOp) -> list[tuple[str, ...]]:
        items = await self.memory.graph_store.alist_items(self.dataset)
        namespaces = {
            s.namespace
            for s in items
            if all(matches_namespace(c, s.namespace) for c in op.match_conditions or ())
        }
        if op.max_depth is not None:
            namespaces = {ns[: op.max_depth] for ns in namespaces}
        return sorted(namespaces)[op.offset : op.offset + op.limit]

    # -- writes ---------------------------------------------------------------------------------
    async def _aput(self, puts: list[PutOp]) -> None:
        """Remember the puts' texts (one ingest), then write the items in one transaction,
        which forgets the documents no item points at any more. A document a concurrent write
        forgot in between is remembered again (up to three attempts)."""
        encoded = {id(op): encode_value(op.value) for op in puts if op.value is not None}
        for attempt in range(1, _WRITE_ATTEMPTS + 1):
            texts = {
                id(op): text for op in puts if op.value is not None and (text := self._text(op))
            }
            document_ids: dict[int, str] = {}
            if texts:
                remembered = await self.memory.aingest(
                    [
                        SourceItem(text=texts[id(op)], name="/".join((*op.namespace, op.key)))
                        for op in puts
                        if id(op) in texts
                    ],
                    self.dataset,
                    self.node_set,
                    self.user,
                )
                document_ids = dict(zip(texts, remembered.document_ids, strict=True))
            try:
                await self.memory.graph_store.aapply(self._write_ops(puts, encoded, document_ids))
                return
            except WriteConflictError:
                if attempt == _WRITE_ATTEMPTS:
                    raise

    def _text(self, op: PutOp) -> str:
        if op.index is False or op.value is None:
            return ""
        fields = self.text_fields if op.index is None else list(op.index)
        return value_text(op.value, fields)

    def _write_ops(
        self, puts: list[PutOp], encoded: dict[int, str], document_ids: dict[int, str]
    ) -> list[WriteOp]:
        ops: list[WriteOp] = [
            RequirePermission(self.dataset, self.user.id, Permission.WRITE, create=True)
        ]
        if any(op.value is None for op in puts):
            ops.append(RequirePermission(self.dataset, self.user.id, Permission.DELETE))
        for op in puts:
            if op.value is None:
                ops.append(DeleteItem(self.dataset, op.namespace, op.key))
            else:
                ops.append(
                    PutItem(
                        self.dataset,
                        op.namespace,
                        op.key,
                        encoded[id(op)],
                        document_ids.get(id(op)),
                    )
                )
        return ops


def _check_op(op: object) -> None:
    if not isinstance(op, GetOp | PutOp | SearchOp | ListNamespacesOp):
        raise InvalidInputError(
            f"Unknown store operation {type(op).__name__}: pass GetOp, PutOp, SearchOp or "
            "ListNamespacesOp from langgraph.store.base."
        )
    validate_op_namespace(op)  # LangGraph's own InvalidNamespaceError for bad labels
    if isinstance(op, GetOp | PutOp) and (not isinstance(op.key, str) or not op.key):
        raise InvalidInputError(f"An item key must be a non-empty str, got {op.key!r}.")
    if isinstance(op, PutOp):
        # BaseStore.put refuses these namespaces too: batch must not be a way around it.
        if not op.namespace:
            raise InvalidNamespaceError("Namespace cannot be empty.")
        if op.namespace[0] == "langgraph":
            raise InvalidNamespaceError(
                f'Root label for namespace cannot be "langgraph". Got: {op.namespace}'
            )
        if op.ttl is not None:
            raise InvalidInputError(
                "GraphMemoryStore does not support TTLs (supports_ttl is False): put without "
                "ttl, and delete items that should expire."
            )
        if op.value is not None:
            encode_value(op.value)  # refuse a bad value before any write of the batch


def _when(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def _item(stored: StoreItem) -> Item:
    return Item(
        value=decode_value(stored.value),
        key=stored.key,
        namespace=stored.namespace,
        created_at=_when(stored.created_at),
        updated_at=_when(stored.updated_at),
    )


def _search_item(stored: StoreItem, value: dict[str, Any], score: float | None) -> SearchItem:
    return SearchItem(
        namespace=stored.namespace,
        key=stored.key,
        value=value,
        created_at=_when(stored.created_at),
        updated_at=_when(stored.updated_at),
        score=score,
    )
