"""Ingest: text in, graph out. Chunk, extract, resolve entities, embed, write in one transaction.

The body of ``GraphMemory.remember`` / ``ingest`` / ``forget``, working on a
:class:`~cognee_langchain.services.runtime.MemoryRuntime`. The extraction and the build of the
write operations live in :mod:`cognee_langchain.services.graph_writes`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from cognee_langchain.core.aio import claimed
from cognee_langchain.core.logs import preview
from cognee_langchain.core.validation import check_bool, check_dataset, check_optional_id
from cognee_langchain.errors import InvalidInputError, PermissionDeniedError, WriteConflictError
from cognee_langchain.extraction.chunking import TextChunker
from cognee_langchain.graph.base import (
    ClaimMessages,
    Forget,
    GraphStore,
    RecordKind,
    RequirePermission,
    WriteOp,
)
from cognee_langchain.graph.models import SourceDocument, SourceItem, content_id, normalize_text
from cognee_langchain.permissions import Permission
from cognee_langchain.services.access import acheck
from cognee_langchain.services.graph_writes import (
    IngestPlan,
    abuild_ops,
    aextract,
    aread_times,
    collect,
)
from cognee_langchain.services.inputs import check_items, items_from
from cognee_langchain.services.runtime import MemoryRuntime
from cognee_langchain.services.units import Unit, extraction_jobs, spread, units_of
from cognee_langchain.users import User

__all__ = [
    "USER_SCOPED",
    "ForgetResult",
    "RememberResult",
    "aforget",
    "aingest",
    "aremember",
    "document_id",
]

T = TypeVar("T")
logger = logging.getLogger(__name__)

#: Attempts of one ingest when a concurrent ``forget`` removes what it was planned against.
WRITE_ATTEMPTS = 3

#: Metadata key of an item that belongs to its writer (``True``): its document id includes the
#: user, as a session's does, so the same text written by another user is another document that
#: each can update or forget without touching the other's (the manage-memory tool's memories).
USER_SCOPED = "user_scoped"


@dataclass(frozen=True, slots=True)
class RememberResult:
    """What one ``remember`` / ``ingest`` call added to the graph.

    ``document_ids`` has one id per input item, in input order, whether the item was new or a
    duplicate; pass one to ``forget(document_id=...)``. ``documents_skipped``: items already
    stored (or repeated in the call). ``chunks_skipped``: chunks of new documents that were stored
    already, so not extracted again. ``entities_merged``: entities already in the graph that the
    new content mentions again (their provenance grew). ``revision``: the store revision after
    the write (unchanged when nothing was added). ``relations_closed``: stored facts this write
    ended (a newer value of a single-valued kind, or a retraction); ``retractions_ignored``:
    ends of facts that matched no fact true at that time ("I quit Renault" with no job at
    Renault stored), kept in case the fact arrives later.
    """

    dataset: str
    node_set: str | None
    document_ids: tuple[str, ...]
    documents_added: int
    documents_skipped: int
    chunks_added: int
    chunks_skipped: int
    entities_added: int
    entities_merged: int
    relations_added: int
    revision: int
    relations_closed: int = 0
    retractions_ignored: int = 0


@dataclass(frozen=True, slots=True)
class ForgetResult:
    """What one ``forget`` call removed from the graph."""

    dataset: str
    documents_removed: int
    chunks_removed: int
    entities_removed: int
    relations_removed: int
    revision: int


async def aremember(
    runtime: MemoryRuntime,
    data: object,
    dataset: str,
    node_set: str | None = None,
    user: User | None = None,
    *,
    session_id: str | None = None,
) -> RememberResult:
    """``remember``: read ``data`` (texts, Documents, files) and ingest it.

    The arguments are checked before any file is read, ``data`` against the memory's limits.
    With ``session_id``, every item is tagged with that session of ``user`` (provenance: its
    document is the user's own, and ``forget(session_id=...)`` removes it); an item already
    tagged with another session is refused.
    """
    limits = runtime.limits
    check_dataset(dataset, max_chars=limits.max_id_chars)
    check_optional_id(node_set, "node_set", max_chars=limits.max_id_chars)
    check_optional_id(session_id, "session_id", max_chars=limits.max_id_chars)
    runtime.user_of(user)
    items = await asyncio.to_thread(items_from, data, max_text_chars=limits.max_text_chars)
    if session_id is not None:
        items = [_in_session(item, session_id, i) for i, item in enumerate(items)]
    return await aingest(runtime, items, dataset, node_set, user)


def _in_session(item: SourceItem, session_id: str, index: int) -> SourceItem:
    if item.session_id not in (None, session_id):
        raise InvalidInputError(
            f"data[{index}] is a SourceItem of session {item.session_id!r}, but "
            f"session_id={session_id!r} was given: drop one of them."
        )
    return item.model_copy(update={"session_id": session_id})


async def aingest(
    runtime: MemoryRuntime,
    items: Sequence[SourceItem],
    dataset: str,
    node_set: str | None = None,
    user: User | None = None,
    *,
    chunk_size: int | None = None,
    chunk_overlap: int | None = None,
    claim_messages: bool = False,
    then: Sequence[WriteOp] = (),
) -> RememberResult:
    """Ingest :class:`SourceItem`s: the core shared by ``remember`` and session persistence.

    Every document, chunk, entity and relation written carries the items' provenance
    (``node_set``, ``session_id``, ``message_ids``). One extractor call per batch of
    :attr:`extraction_batch_size` new chunks; one transaction for the whole call.
    ``chunk_size`` / ``chunk_overlap`` override the memory's chunking for this call (e.g.
    larger chunks to extract many short Q&A entries in one call); an overlap not given is
    the memory's, capped below the chunk size.

    Every document records the user who wrote it. With ``claim_messages`` (session persistence),
    each new document with a session claims its ``metadata["message_keys"]`` in the same
    transaction (:class:`~cognee_langchain.graph.base.ClaimMessages`): a message another run
    stored meanwhile fails the write with a :class:`WriteConflictError` whose ``claimed`` is
    true, for the caller to re-plan. A write planned against a chunk or entity that a concurrent
    ``forget`` removed is planned and written again (up to :data:`WRITE_ATTEMPTS` times).

    ``then``: write operations applied after the ingest's own in the same transaction, even when
    every item was stored already (an update storing the new memory and forgetting the old one:
    both happen or neither).
    """
    limits = runtime.limits
    check_dataset(dataset, max_chars=limits.max_id_chars)
    check_optional_id(node_set, "node_set", max_chars=limits.max_id_chars)
    who = runtime.user_of(user)
    items = check_items(items, max_text_chars=limits.max_text_chars)
    chunker = _chunker_for(runtime.chunker, chunk_size, chunk_overlap)
    started = time.perf_counter()
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        try:
            result = await _aingest_once(
                runtime, items, dataset, node_set, who, chunker, claim_messages, then
            )
        except WriteConflictError as exc:
            if exc.claimed or attempt == WRITE_ATTEMPTS:
                raise
            logger.info(
                "Write into dataset %r lost a race with a concurrent forget (attempt %d of %d): "
                "planning again.",
                *(dataset, attempt, WRITE_ATTEMPTS),
            )
        else:
            _log_ingested(result, len(items), time.perf_counter() - started)
            return result
    raise AssertionError("unreachable")  # pragma: no cover


def _log_ingested(result: RememberResult, items: int, seconds: float) -> None:
    """One INFO record per ingest: names and counts, never the text."""
    logger.info(
        "Ingested %d item(s) into dataset %r (node set %r) in %.2fs: %d document(s) added, %d "
        "already stored; %d chunk(s) added, %d already stored; %d entities added, %d merged; "
        "%d relation(s) added; revision %d.",
        *(items, result.dataset, result.node_set, seconds, result.documents_added),
        *(result.documents_skipped, result.chunks_added, result.chunks_skipped),
        *(result.entities_added, result.entities_merged, result.relations_added),
        result.revision,
    )


async def _aingest_once(
    runtime: MemoryRuntime,
    items: Sequence[SourceItem],
    dataset: str,
    node_set: str | None,
    who: User,
    chunker: TextChunker,
    claim_messages: bool,
    then: Sequence[WriteOp] = (),
) -> RememberResult:
    """One attempt of :func:`aingest`: plan against the current graph, extract, write."""
    store = runtime.graph_store
    # Fail before spending extraction calls; the write re-checks atomically.
    await acheck(store, dataset, Permission.WRITE, who, missing_ok=True)
    plan = await _aplan(store, dataset, node_set, items, chunker, who.id)
    document_ids = tuple(document_id(dataset, node_set, item, who.id) for item in items)
    logger.debug(
        "Dataset %r: %d new document(s), %d new chunk(s) to extract in %d window(s); first "
        "item: %r",
        *(dataset, len(plan.documents), len(plan.new_chunks), len(plan.jobs)),
        preview(items[0].text) if items else "",
    )
    if not plan.documents:  # everything is stored already
        revision = (
            (await store.aapply([_may_write(dataset, who), *then])).revision
            if then
            else await store.acurrent_revision()
        )
        return RememberResult(
            dataset=dataset,
            node_set=node_set,
            document_ids=document_ids,
            documents_added=0,
            documents_skipped=len(items),
            chunks_added=0,
            chunks_skipped=0,
            entities_added=0,
            entities_merged=0,
            relations_added=0,
            revision=revision,
        )
    chunk_ids, texts = list(plan.new_chunks), list(plan.new_chunks.values())
    # Chunk vectors do not depend on extraction: compute them while the extractor runs.
    embedding = asyncio.ensure_future(runtime.aembed(texts))
    try:
        results = await aextract(runtime, [job.text for job in plan.jobs], dataset)
        per_chunk = spread(plan.jobs, results, plan.new_chunks)
        extractions = [per_chunk[cid] for cid in chunk_ids]
        mentions, relations = collect(chunk_ids, extractions)
        relations = await aread_times(runtime, plan, relations)  # dates, while embedding runs
        chunk_vectors = await embedding
    finally:
        await _settle(embedding)
    # Resolution reads the stored entities: two ingests into one dataset resolving at the
    # same time would each miss the other's new entities and store near-duplicates, so
    # resolve-and-write is serialised per dataset (extraction above stays concurrent).
    async with claimed([("graph-write", id(store), dataset)]):
        resolution = await runtime.resolver.aresolve(store, dataset, mentions, runtime.aembed)
        ops = await abuild_ops(
            runtime, dataset, plan, extractions, chunk_vectors, resolution, relations
        )
        claims: list[WriteOp] = (
            [
                ClaimMessages(dataset, who.id, doc.session_id, doc.id, tuple(keys))
                for doc in plan.documents
                if doc.session_id is not None
                and isinstance(keys := doc.metadata.get("message_keys"), list)
            ]
            if claim_messages
            else []
        )
        written = await store.aapply([_may_write(dataset, who), *claims, *ops, *then])
    return RememberResult(
        dataset=dataset,
        node_set=node_set,
        document_ids=document_ids,
        documents_added=written.documents_added,
        documents_skipped=len(items) - written.documents_added,
        chunks_added=written.chunks_added,
        chunks_skipped=plan.chunks_skipped,
        entities_added=written.entities_added,
        entities_merged=sum(not e.new for e in resolution.entities.values()),
        relations_added=written.relations_added,
        revision=written.revision,
        relations_closed=written.relations_closed,
        retractions_ignored=written.retractions_ignored,
    )


def _may_write(dataset: str, who: User) -> RequirePermission:
    """The write's own permission check: a dataset not created yet is created, ``who`` its owner."""
    return RequirePermission(dataset, who.id, Permission.WRITE, create=True)


def _chunker_for(
    chunker: TextChunker, chunk_size: int | None, chunk_overlap: int | None
) -> TextChunker:
    """``chunker``, or one with this call's sizes (``TextChunker`` validates them)."""
    if chunk_size is None and chunk_overlap is None:
        return chunker
    size = chunker.chunk_size if chunk_size is None else chunk_size
    if chunk_overlap is None:
        # the memory's overlap, capped so that a smaller chunk size stays valid
        chunk_overlap = min(chunker.chunk_overlap, size // 2) if isinstance(size, int) else 0
    return TextChunker(size, chunk_overlap)


async def _aplan(
    store: GraphStore,
    dataset: str,
    node_set: str | None,
    items: Sequence[SourceItem],
    chunker: TextChunker,
    user_id: str,
) -> IngestPlan:
    """Documents not stored yet, cut into chunks; chunks not stored yet, to extract."""
    documents: dict[str, tuple[SourceItem, str]] = {}
    for item in items:
        documents.setdefault(
            document_id(dataset, node_set, item, user_id), (item, normalize_text(item.text))
        )
    stored = await store.aexisting_ids(RecordKind.DOCUMENT, list(documents))
    fresh = {doc_id: pair for doc_id, pair in documents.items() if doc_id not in stored}
    chunked = await asyncio.to_thread(
        lambda: {
            doc_id: units_of(dataset, item, text, chunker) or [_whole(dataset, text)]
            for doc_id, (item, text) in fresh.items()
        }
    )
    units: dict[str, Unit] = {}
    for pieces in chunked.values():
        for piece in pieces:
            units.setdefault(piece.id, piece)
    known = await store.aexisting_ids(RecordKind.CHUNK, list(units))
    # Each new chunk is extracted once, with the first document that holds it.
    pending = {cid: unit for cid, unit in units.items() if cid not in known}
    jobs = []
    for pieces in chunked.values():
        jobs.extend(extraction_jobs([pending.pop(p.id) for p in pieces if p.id in pending]))
    now = time.time()
    return IngestPlan(
        documents=[
            SourceDocument(
                id=doc_id,
                dataset=dataset,
                created_at=now,
                name=item.name,
                node_set=node_set,
                session_id=item.session_id,
                user_id=user_id,
                message_ids=item.message_ids,
                metadata=item.metadata,
                chunk_ids=tuple(unit.id for unit in chunked[doc_id]),
                length=len(text),
            )
            for doc_id, (item, text) in fresh.items()
        ],
        new_chunks={cid: unit.text for cid, unit in units.items() if cid not in known},
        chunks_skipped=len(known),
        units={cid: u.unit for cid, u in units.items() if cid not in known and u.unit},
        jobs=jobs,
    )


def _whole(dataset: str, text: str) -> Unit:
    """A text the chunker yields nothing for (whitespace only) is one chunk as it is."""
    return Unit(content_id("chunk", dataset, text), text)


async def aforget(
    runtime: MemoryRuntime,
    dataset: str,
    document_id: str | None = None,
    node_set: str | None = None,
    session_id: str | None = None,
    user: User | None = None,
    *,
    all_users: bool = False,
    all_documents: bool = False,
) -> ForgetResult:
    """``forget``: remove the selected documents and whatever only they supported.

    With ``session_id``, only what was persisted from ``user``'s session of that id goes (two
    users' sessions may share an id); ``all_users=True`` forgets every user's session of that
    id, and only the dataset's owner may ask for it. Without any filter, every document of the
    dataset goes, and only when ``all_documents`` confirms it (``forget(..., all=True)``): a
    call that forgot its filter must not wipe a dataset.
    """
    max_id_chars = runtime.limits.max_id_chars
    check_dataset(dataset, max_chars=max_id_chars)
    check_optional_id(document_id, "document_id")  # a content hash, not a name of the caller's
    check_optional_id(node_set, "node_set", max_chars=max_id_chars)
    check_optional_id(session_id, "session_id", max_chars=max_id_chars)
    all_users = check_bool(all_users, "all_users")
    if all_users and session_id is None:
        raise InvalidInputError(
            "all_users=True only applies with session_id=...: without one, forget already "
            "acts on every user's documents of the dataset."
        )
    all_documents = check_bool(all_documents, "all")
    unfiltered = document_id is None and node_set is None and session_id is None
    if unfiltered and not all_documents:
        raise InvalidInputError(
            f"forget({dataset!r}) without document_id, node_set or session_id removes every "
            "document of the dataset: pass all=True to confirm, or name what to forget."
        )
    if all_documents and not unfiltered:
        raise InvalidInputError(
            "all=True forgets every document of the dataset, so it takes no document_id, "
            "node_set or session_id: drop all=True to forget only what they select."
        )
    who = runtime.user_of(user)
    if all_users:
        info = await runtime.graph_store.aget_dataset(dataset)
        if info is not None and info.owner_id != who.id:
            raise _not_owner(who.id, dataset)
    owner = None if all_users or session_id is None else who.id
    written = await runtime.graph_store.aapply(
        [
            RequirePermission(dataset, who.id, Permission.DELETE),
            Forget(dataset, document_id, node_set, session_id, user_id=owner),
        ]
    )
    logger.info(
        "Forgot from dataset %r: %d document(s), %d chunk(s), %d entities, %d relation(s) "
        "removed; revision %d.",
        *(dataset, written.documents_removed, written.chunks_removed),
        *(written.entities_removed, written.relations_removed, written.revision),
    )
    return ForgetResult(
        dataset=dataset,
        documents_removed=written.documents_removed,
        chunks_removed=written.chunks_removed,
        entities_removed=written.entities_removed,
        relations_removed=written.relations_removed,
        revision=written.revision,
    )


async def _settle(task: asyncio.Future[T]) -> None:
    """Cancel ``task`` if it is still running and consume its outcome, whatever it was."""
    if not task.done():
        task.cancel()
    with contextlib.suppress(Exception, asyncio.CancelledError):
        await task


def _not_owner(user_id: str, dataset: str) -> PermissionDeniedError:
    error = PermissionDeniedError(user_id, "owner", f"dataset {dataset!r}")
    error.args = (
        f"User {user_id!r} does not own dataset {dataset!r}: only its owner may forget every "
        "user's session (all_users=True). Forget your own session (drop all_users), or ask the "
        "owner.",
    )
    return error


def document_id(
    dataset: str, node_set: str | None, item: SourceItem, user_id: str | None = None
) -> str:
    """Same text in another node set or session is another document (sharing the chunks); a
    session's document, or a :data:`USER_SCOPED` item's, is also its user's (``user_id``): two
    users' sessions (or memories) never share one."""
    text = normalize_text(item.text)
    parts = [node_set or "", item.session_id or ""]
    owned = item.session_id is not None or item.metadata.get(USER_SCOPED) is True
    if owned and user_id is not None:
        parts.append(f"user:{user_id}")
    return content_id("document", dataset, *parts, text)
