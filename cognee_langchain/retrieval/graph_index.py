"""A :class:`SearchEngine` kept in step with a :class:`GraphStore`.

The first search loads every searchable record — chunks, chunk summaries, facts and entities —
with the vectors the store already holds, so opening a big store never re-embeds anything. Each
later search first compares the store's revision with the one the index reflects; when it moved
(a ``remember``, ``forget`` or ``improve``, by this process or another), only the records
:meth:`GraphStore.changes_since` names are read again and re-indexed. Unchanged records re-added
this way cost next to nothing: the engine skips them, and updates where they lie those changed only
in their links (a fact stated in one more chunk).

With a ``snapshot_dir`` (every memory gives its data directory's), the built index is saved
there (:mod:`~cognee_langchain.retrieval.snapshot`), keyed by the store's identity and the revision
it reflects; the next process opening the store loads that file and catches up from its revision
instead of reading every record. A snapshot is saved again once the changes applied since the last
one reach a quarter of the index (amortised O(1) per change). A store without an identity is never
snapshotted.

An index made with ``follow=True`` (a memory's, over a store that announces its commits:
PostgreSQL's ``LISTEN``/``NOTIFY``) also catches up in the background, on the package's background
loop, as each write by any worker commits: the catch-up that a search would otherwise do first is
mostly done before it comes. A search still catches up with whatever is left, so none misses a
write committed before it.

The index covers every dataset; who may read what is decided per search by its dataset filter.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import os
import threading
import time
import weakref
from collections.abc import AsyncIterator, Collection, Iterable, Sequence

import numpy.typing as npt

from cognee_langchain.core.aio import claimed, in_background, run_sync
from cognee_langchain.core.forks import at_fork_in_child
from cognee_langchain.errors import InvalidInputError
from cognee_langchain.graph.base import ChangeSet, GraphStore, RecordKind, TextKind, TextRecord
from cognee_langchain.retrieval.config import DEFAULT_SEARCH_TYPE, SearchConfig
from cognee_langchain.retrieval.engine import SearchEngine
from cognee_langchain.retrieval.record_items import (
    search_entities,
    search_items,
    summary_item_id,
)
from cognee_langchain.retrieval.snapshot import read_snapshot, snapshot_path, write_snapshot
from cognee_langchain.retrieval.timing import TimeContext
from cognee_langchain.retrieval.types import SearchHit
from cognee_langchain.retrieval.vocabulary import EmbedWords

__all__ = ["GraphIndex", "summary_item_id"]

logger = logging.getLogger(__name__)

# A snapshot is saved again once this many records changed since the last one, and at least
# this fraction of the index: rarely enough that saving (O(index)) is amortised (each record
# counts once however often it changed: the next open reads it once).
_MIN_SNAPSHOT_CHANGES = 1000
_SNAPSHOT_FRACTION = 0.25
# What a catch-up reads: the changes, then the chunks, summaries, facts and entities they name.
_ReadChanges = tuple[
    ChangeSet, list[TextRecord], list[TextRecord], list[TextRecord], list[TextRecord]
]
# A follower's longest wait for a commit before it checks whether its index is still wanted.
_FOLLOW_WAIT = 1.0
_FOLLOWERS_LOCK = threading.Lock()
# A search waits this long at most for the follower's catch-up in progress, then does its own.
_STEP_WAIT = 2.0


async def _afollow(index_ref: weakref.ref[GraphIndex], store: GraphStore) -> None:
    """The loop behind :meth:`GraphIndex.start_following`. It holds the index only while
    catching up, so dropping the index ends it; a failure (the server away) is logged and
    retried later, and the next search reports it."""
    failures = 0
    while (index := index_ref()) is not None:
        revision = index.revision or 0
        del index
        try:
            current = await store.anext_revision(revision, _FOLLOW_WAIT)
            if current != revision and (index := index_ref()) is not None:
                await index._afollow_step(store)
                del index
            failures = 0
        except InvalidInputError as exc:  # the store was closed, or cannot be followed
            logger.debug("Stopped following %r: %s", store, exc)
            return
        except Exception as exc:
            failures += 1
            logger.debug("Following %r failed (%d in a row): %s", store, failures, exc)
            await asyncio.sleep(min(_FOLLOW_WAIT * 2**failures, 30.0))


class GraphIndex:
    """Hybrid search over a graph store's records, loaded once and then updated incrementally.

    Safe across threads and event loops: concurrent searches share the engine; catching up with
    the store happens under a claim, one caller at a time, and the engine holds searches back
    only while it is written.

    Args:
        page_size: Records read from the store per page while loading.
        snapshot_dir: Where the index is saved and loaded from (see the module docstring);
            ``None``: never saved, every process loads it from the store.
    """

    def __init__(
        self,
        *,
        page_size: int = 2000,
        snapshot_dir: str | os.PathLike[str] | None = None,
        follow: bool = False,
    ) -> None:
        self.page_size = page_size
        self.snapshot_dir = snapshot_dir
        self.follow = follow
        self._engine: SearchEngine | None = None
        self._revision: int | None = None
        # Items changed since the index was last loaded or saved, each once: a hub entity
        # re-read by every catch-up is one more record for the next open to read, not one each.
        self._unsaved: set[str] = set()
        self._follower: concurrent.futures.Future[None] | None = None
        # Set while the follower reads and applies a catch-up (searches wait for it).
        self._stepping: concurrent.futures.Future[None] | None = None
        at_fork_in_child(self._after_fork)

    def _after_fork(self) -> None:
        """In a forked child: the parent's follower runs in the parent; the next search starts
        the child's own."""
        self._follower, self._stepping = None, None

    def __repr__(self) -> str:
        return f"GraphIndex(revision={self._revision})"

    @property
    def revision(self) -> int | None:
        """The store revision the index reflects (``None`` until the first load)."""
        return self._revision

    @property
    def engine(self) -> SearchEngine | None:
        """The engine, once the store held something to index."""
        return self._engine

    # -- keeping up with the store ----------------------------------------------------------------
    async def arefresh(self, store: GraphStore) -> SearchEngine | None:
        """Bring the index up to ``store``'s current revision; return the engine (``None`` while
        the store has nothing searchable).

        The first call loads everything; later ones apply only what changed. A store whose
        revision went backwards (a deleted and recreated file) is loaded again from scratch.
        Reads go through the store's async primitives (so a natively async backend is never
        bridged); indexing, which is CPU work, runs in a worker thread. An index made with
        ``follow=True`` then keeps following ``store`` (:meth:`start_following`).
        """
        stepping = self._stepping
        if stepping is not None:
            # The follower is reading what this search needs (or part of it): waiting for it
            # costs less than reading it all again beside it on the same cores.
            await asyncio.wait([asyncio.wrap_future(stepping)], timeout=_STEP_WAIT)
        engine = await self._arefresh(store)
        if self.follow:
            self.start_following(store)
        return engine

    async def _arefresh(self, store: GraphStore) -> SearchEngine | None:
        # Callers may be on different event loops (sync methods run on the package's background
        # loop): a cross-loop claim, not an asyncio.Lock, makes one of them catch up at a time.
        async with claimed([("graph-index", id(self))]):
            current = await store.acurrent_revision()
            if self._engine is not None and self._engine.interrupted:
                self._revision = None  # forked mid-write: this copy may be torn, load afresh
            started, since = time.perf_counter(), self._revision
            if self._revision is None:
                await self._arestore(store, current)
            if self._revision is None or current < self._revision:
                await self._aload(store, current)
                await self._asave(store)
            elif current != self._revision:
                await self._aapply(store, await self._aread_changes(store, self._revision))
            else:
                return self._engine
            logger.debug(
                "Search index %s from revision %s to %d in %.3fs.",
                *("caught up" if since is not None and since <= current else "loaded", since),
                *(current, time.perf_counter() - started),
            )
            return self._engine

    def refresh(self, store: GraphStore) -> SearchEngine | None:
        """Sync twin of :meth:`arefresh`."""
        return run_sync(self.arefresh(store))

    def start_following(self, store: GraphStore) -> None:
        """Catch up with each write to ``store`` as it commits, in the background, until
        :meth:`stop_following`, until the store is closed or the index dropped: a search then
        rarely has anything left to catch up with. Costs nothing while nothing is written on a
        store that :attr:`~GraphStore.announces_commits` (PostgreSQL); others are read every
        50 ms. Searches still catch up themselves: none misses a write committed before it.
        Following again while following does nothing."""
        with _FOLLOWERS_LOCK:
            if self._follower is None or self._follower.done():
                self._follower = in_background(_afollow(weakref.ref(self), store))

    def stop_following(self) -> None:
        """Stop what :meth:`start_following` started (nothing when not following)."""
        with _FOLLOWERS_LOCK:
            follower, self._follower = self._follower, None
        if follower is not None:
            follower.cancel()

    @property
    def following(self) -> bool:
        """Whether the index follows its store in the background."""
        return self._follower is not None and not self._follower.done()

    async def _arestore(self, store: GraphStore, current: int) -> None:
        """Load the store's snapshot, when there is a usable one (the catch-up follows)."""
        identity = None if self.snapshot_dir is None else await store.aidentity()
        if identity is None:
            return
        assert self.snapshot_dir is not None
        path = snapshot_path(self.snapshot_dir, identity)
        snapshot = await asyncio.to_thread(read_snapshot, path, identity, current)
        if snapshot is not None:
            self._engine = await asyncio.to_thread(SearchEngine.restore, snapshot.state)
            self._revision, self._unsaved = snapshot.revision, set()
            logger.debug("Search index loaded from %s at revision %d.", path, snapshot.revision)

    async def asave_snapshot(self, store: GraphStore) -> bool:
        """Save the index to its ``snapshot_dir`` now (a load or a large catch-up does this by
        itself); returns whether it was saved (not without a directory, a store identity or
        anything indexed). A directory that cannot be written is logged, never raised."""
        async with claimed([("graph-index", id(self))]):
            return await self._asave(store)

    async def _asave(self, store: GraphStore) -> bool:
        engine, revision = self._engine, self._revision
        identity = None if self.snapshot_dir is None else await store.aidentity()
        if identity is None or engine is None or revision is None:
            return False
        assert self.snapshot_dir is not None
        path = snapshot_path(self.snapshot_dir, identity)
        try:
            await asyncio.to_thread(
                engine.export, lambda state: write_snapshot(path, identity, revision, state)
            )
        except OSError as exc:
            logger.warning("Could not save the search-index snapshot %s: %s", path, exc)
            return False
        self._unsaved = set()
        return True

    async def _apages(
        self,
        store: GraphStore,
        kind: TextKind,
        datasets: Sequence[str],
        ids: Collection[str] | None = None,
    ) -> AsyncIterator[list[TextRecord]]:
        if ids is not None and not ids:
            return
        after = ""
        while True:
            page = await store.aread_records(
                kind,
                datasets,
                ids=None if ids is None else sorted(ids),
                after_id=after,
                limit=self.page_size,
            )
            if page:
                yield page
            if len(page) < self.page_size:
                return
            after = page[-1].id

    async def _aload(self, store: GraphStore, revision: int) -> None:
        # Pages are read in separate transactions: anything committed during the load is
        # re-applied by the next catch-up from ``revision`` (re-adding is idempotent).
        self._engine = None
        datasets = [info.name for info in await store.alist_datasets()]
        for kind in (TextKind.ENTITY, TextKind.CHUNK, TextKind.SUMMARY, TextKind.FACT):
            async for page in self._apages(store, kind, datasets):
                await asyncio.to_thread(self._index, kind, page)
        if self._engine is not None:
            await asyncio.to_thread(self._engine.freeze)
        self._revision, self._unsaved = revision, set()

    async def _afollow_step(self, store: GraphStore) -> None:
        """Catch up as a follower: the changes are read without the claim, which is taken only
        to apply them. A search coming meanwhile waits for this step (it needs what is being
        read), then catches up with whatever came after; the reads of a step that a catch-up
        overtook are dropped."""
        since = self._revision
        if since is None or self._engine is None or self._engine.interrupted:
            await self._arefresh(store)
            return
        stepping: concurrent.futures.Future[None] = concurrent.futures.Future()
        self._stepping = stepping
        try:
            read = await self._aread_changes(store, since)
            if read[0].revision < since:  # the store went back (made anew): load it again
                await self._arefresh(store)
                return
            async with claimed([("graph-index", id(self))]):
                if self._revision == since and read[0].revision > since:
                    await self._aapply(store, read)
        finally:
            self._stepping = None
            stepping.set_result(None)

    async def _aapply(self, store: GraphStore, read: _ReadChanges) -> None:
        """Apply what :meth:`_aread_changes` read (under the claim), then save a snapshot when
        enough changed since the last."""
        await asyncio.to_thread(self._apply_changes, *read)
        if self._engine is not None and len(self._unsaved) >= max(
            _MIN_SNAPSHOT_CHANGES, _SNAPSHOT_FRACTION * len(self._engine)
        ):
            await self._asave(store)

    async def _aread_changes(self, store: GraphStore, since: int) -> _ReadChanges:
        """What changed after revision ``since``, and the records to index again."""
        changes = await store.achanges_since(since)
        # Read after the changes: a dataset they name exists by then (one read before them
        # could miss a dataset created since, and its records would read as deleted).
        datasets = [info.name for info in await store.alist_datasets()]

        async def read(kind: TextKind, ids: Collection[str]) -> list[TextRecord]:
            return [r async for page in self._apages(store, kind, datasets, ids) for r in page]

        chunk_ids = changes.upserted.get(RecordKind.CHUNK, frozenset())
        relation_ids = changes.upserted.get(RecordKind.RELATION, frozenset())
        entity_ids = changes.upserted.get(RecordKind.ENTITY, frozenset())
        # At once: a pooled store reads them on several connections, in parallel.
        chunks, summaries, facts, entities = await asyncio.gather(
            read(TextKind.CHUNK, chunk_ids),
            read(TextKind.SUMMARY, chunk_ids),
            read(TextKind.FACT, relation_ids),
            read(TextKind.ENTITY, entity_ids),
        )
        return changes, chunks, summaries, facts, entities

    def _apply_changes(
        self,
        changes: ChangeSet,
        chunks: list[TextRecord],
        summaries: list[TextRecord],
        facts: list[TextRecord],
        entities: list[TextRecord],
    ) -> None:
        chunk_ids = changes.upserted.get(RecordKind.CHUNK, frozenset())
        relation_ids = changes.upserted.get(RecordKind.RELATION, frozenset())
        entity_ids = changes.upserted.get(RecordKind.ENTITY, frozenset())
        # Written ids that no longer read back were deleted meanwhile; a chunk read back
        # without a summary record has none (any summary item it had goes).
        gone_chunks = changes.deleted.get(RecordKind.CHUNK, frozenset()) | (
            chunk_ids - {r.id for r in chunks}
        )
        summarised = {r.id for r in summaries}
        removed = [
            *gone_chunks,
            *(summary_item_id(c) for c in gone_chunks | chunk_ids if c not in summarised),
            *changes.deleted.get(RecordKind.RELATION, frozenset()),
            *(relation_ids - {r.id for r in facts}),
        ]
        dead_entities = changes.deleted.get(RecordKind.ENTITY, frozenset()) | (
            entity_ids - {r.id for r in entities}
        )
        self._unsaved.update(removed, dead_entities, (r.id for r in entities))
        self._unsaved.update(r.id for r in chunks)
        self._unsaved.update(summary_item_id(r.id) for r in summaries)
        self._unsaved.update(r.id for r in facts)
        if self._engine is not None:
            self._engine.remove(removed)
            self._engine.remove_entities(dead_entities)
        self._index(TextKind.ENTITY, entities)
        for kind, records in (
            (TextKind.CHUNK, chunks),
            (TextKind.SUMMARY, summaries),
            (TextKind.FACT, facts),
        ):
            self._index(kind, records)
        self._revision = changes.revision

    def _index(self, kind: TextKind, records: Sequence[TextRecord]) -> None:
        engine = self._engine_for(records)
        if engine is None:
            return
        if kind is TextKind.ENTITY:
            engine.add_entities(search_entities(records))
        else:
            engine.add(search_items(records, engine.dim))

    def _engine_for(self, records: Sequence[TextRecord]) -> SearchEngine | None:
        """The engine, created at the dimension of the first stored vector seen. Every record
        the store writes has a vector, so a batch without any (and no engine yet) has nothing
        the engine could be sized by."""
        if self._engine is None:
            vector = next((r.vector for r in records if r.vector is not None), None)
            if vector is not None:
                self._engine = SearchEngine(dim=len(vector))
        return self._engine

    # -- searching ----------------------------------------------------------------------------
    async def asearch(
        self,
        store: GraphStore,
        query_text: str,
        query_vector: npt.ArrayLike | None = None,
        config: str | SearchConfig = DEFAULT_SEARCH_TYPE,
        k: int | None = None,
        datasets: Iterable[str] | None = None,
        node_sets: Iterable[str] | None = None,
        embed_words: EmbedWords | None = None,
        when: TimeContext | None = None,
    ) -> list[SearchHit]:
        """Catch up with ``store``, then :meth:`SearchEngine.search` (same arguments) in a worker
        thread. A store with nothing searchable yet finds nothing."""
        engine = await self.arefresh(store)
        if engine is None:
            return []
        return await asyncio.to_thread(
            engine.search,
            *(query_text, query_vector, config, k, datasets, node_sets, embed_words, when),
        )

    def search(
        self,
        store: GraphStore,
        query_text: str,
        query_vector: npt.ArrayLike | None = None,
        config: str | SearchConfig = DEFAULT_SEARCH_TYPE,
        k: int | None = None,
        datasets: Iterable[str] | None = None,
        node_sets: Iterable[str] | None = None,
        embed_words: EmbedWords | None = None,
        when: TimeContext | None = None,
    ) -> list[SearchHit]:
        """Sync twin of :meth:`asearch`."""
        return run_sync(
            self.asearch(
                store, query_text, query_vector, config, k, datasets, node_sets, embed_words, when
            )
        )
