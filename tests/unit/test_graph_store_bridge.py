"""A backend implementing only the abstract async primitives passes the conformance suite: every
helper, lookup and sync twin comes from :class:`GraphStore` itself (the way a PostgreSQL backend
would get them)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from cognee_langchain.graph.base import (
    ChangeSet,
    EntityMatches,
    GraphSnapshot,
    GraphStats,
    GraphStore,
    Link,
    Record,
    RecordKind,
    TextKind,
    TextRecord,
    WriteOp,
    WriteResult,
)
from cognee_langchain.graph.models import Relation, Retraction
from cognee_langchain.graph.sqlite import SQLiteGraphStore
from cognee_langchain.permissions import DatasetInfo
from cognee_langchain.testing import GraphStoreConformanceTests


class AsyncOnlyGraphStore(GraphStore):
    """The ten abstract primitives (and ``aclose``, and the optional fact-history reads), each
    awaited on a running loop, served by a SQLite store's async primitives; nothing else is
    overridden."""

    def __init__(self, path: Path) -> None:
        self.inner = SQLiteGraphStore(path)
        self.calls: list[str] = []

    def _seen(self, name: str) -> None:
        asyncio.get_running_loop()  # raises unless called from a coroutine on a loop
        self.calls.append(name)

    async def aapply(self, ops: Sequence[WriteOp]) -> WriteResult:
        self._seen("aapply")
        return await self.inner.aapply(ops)

    async def acurrent_revision(self) -> int:
        self._seen("acurrent_revision")
        return await self.inner.acurrent_revision()

    async def aget_datasets(self, names: Sequence[str] | None = None) -> list[DatasetInfo]:
        self._seen("aget_datasets")
        return await self.inner.aget_datasets(names)

    async def aget_records(self, kind: RecordKind, ids: Sequence[str]) -> list[Record]:
        self._seen("aget_records")
        return await self.inner.aget_records(kind, ids)

    async def aread_records(
        self,
        kind: TextKind,
        datasets: Sequence[str],
        *,
        node_sets: Sequence[str] | None = None,
        ids: Sequence[str] | None = None,
        since_revision: int = 0,
        after_id: str = "",
        limit: int = 2000,
        with_vectors: bool = True,
    ) -> list[TextRecord]:
        self._seen("aread_records")
        return await self.inner.aread_records(
            kind,
            datasets,
            node_sets=node_sets,
            ids=ids,
            since_revision=since_revision,
            after_id=after_id,
            limit=limit,
            with_vectors=with_vectors,
        )

    async def achanges_since(self, revision: int) -> ChangeSet:
        self._seen("achanges_since")
        return await self.inner.achanges_since(revision)

    async def alinks(
        self, link: Link, ids: Sequence[str], *, node_sets: Sequence[str] | None = None
    ) -> dict[str, list[str]]:
        self._seen("alinks")
        return await self.inner.alinks(link, ids, node_sets=node_sets)

    async def alookup_entities(
        self,
        dataset: str,
        *,
        keys: Sequence[str] = (),
        token_groups: Sequence[Sequence[str]] = (),
        limit: int = 50,
    ) -> EntityMatches:
        self._seen("alookup_entities")
        return await self.inner.alookup_entities(
            dataset, keys=keys, token_groups=token_groups, limit=limit
        )

    async def astats(self, datasets: Sequence[str] | None = None) -> GraphStats:
        self._seen("astats")
        return await self.inner.astats(datasets)

    async def asnapshot(
        self, datasets: Sequence[str], max_nodes: int | None = 2000
    ) -> GraphSnapshot:
        self._seen("asnapshot")
        return await self.inner.asnapshot(datasets, max_nodes)

    async def aclose(self) -> None:
        self._seen("aclose")
        await self.inner.aclose()

    # Optional reads (fact history), so the conformance suite's time cases run here too.
    async def arelation_history(
        self, dataset: str, source_id: str, kind: str | None = None
    ) -> list[Relation]:
        self._seen("arelation_history")
        return await self.inner.arelation_history(dataset, source_id, kind)

    async def aretractions(self, dataset: str, source_id: str) -> list[Retraction]:
        self._seen("aretractions")
        return await self.inner.aretractions(dataset, source_id)


class TestAsyncOnlyGraphStore(GraphStoreConformanceTests):
    @pytest.fixture
    def store(self, tmp_path: Path) -> Iterator[GraphStore]:
        store = AsyncOnlyGraphStore(tmp_path / "graph.sqlite")
        yield store
        store.close()


def test_the_protocol_has_at_most_ten_abstract_methods_all_async() -> None:
    abstract = GraphStore.__abstractmethods__
    assert len(abstract) <= 10
    assert all(asyncio.iscoroutinefunction(getattr(GraphStore, name)) for name in abstract)


def test_sync_twins_run_the_async_primitives(tmp_path: Path) -> None:
    store = AsyncOnlyGraphStore(tmp_path / "graph.sqlite")
    assert store.current_revision() == 0
    assert store.existing_ids(RecordKind.CHUNK, ["x"]) == set()
    assert store.list_documents("ds") == []
    assert not store.has_graph_data("ds")
    store.close()
    assert store.calls == [
        "acurrent_revision",
        "aget_records",
        "alinks",
        "aget_records",
        "aread_records",
        "aclose",
    ]
