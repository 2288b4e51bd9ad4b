"""From extracted chunks to write operations: run the extractor, collect mentions and relations,
build the one batch of ``Put*`` operations an ingest commits.

Each relation is read for time (:mod:`cognee_langchain.services.fact_times`) against its
chunk's time: a turn's ``occurred_at``, else the document's creation time. A fact becomes a
``PutRelation`` with its kind and a ``RelationMention`` saying when that chunk's statement made it
true; the end of a fact ("I quit Renault") a ``RetractRelation``.

Part of the ingest service (:mod:`cognee_langchain.services.ingest`), apart so that each module
holds one step: planning and committing there, extraction and the shape of the write here.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from cognee_langchain.core.defaults import DEFAULT_ENTITY_TYPE
from cognee_langchain.errors import CogneeLangchainError, ExtractionError, InvalidInputError
from cognee_langchain.extraction.kinds import open_status
from cognee_langchain.extraction.schema import ChunkExtraction
from cognee_langchain.graph.base import (
    EntityMention,
    PutChunk,
    PutDocument,
    PutEntity,
    PutRelation,
    RecordKind,
    RelationMention,
    RetractRelation,
    WriteOp,
)
from cognee_langchain.graph.models import SourceDocument, content_id, render_fact
from cognee_langchain.graph.resolution import Mention, Resolution, normalize_predicate
from cognee_langchain.services.fact_times import Statement, StatementReader
from cognee_langchain.services.relationship_stages import (
    STAGED_KIND,
    StageStatement,
    astage_endings,
    stage_of,
)
from cognee_langchain.services.units import ExtractionJob

if TYPE_CHECKING:
    import numpy.typing as npt

    from cognee_langchain.services.runtime import MemoryRuntime

__all__ = ["IngestPlan", "RelationRow", "abuild_ops", "aextract", "aread_times", "collect"]


#: Seconds between the recorded times of consecutive statements of one write (their order).
_TICK = 1e-6


class RelationRow(NamedTuple):
    """One extracted relation of a chunk, its ends as entity keys (``target`` ``None``: the end
    of any value, "we broke up"), with what the extractor said about its time."""

    chunk_id: str
    source: str
    predicate: str
    target: str | None
    description: str
    kind: str | None = None
    valid_at: str | None = None
    invalid_at: str | None = None
    retracted: bool = False
    statement: Statement | None = None  # what it says about time, once read (aread_times)


@dataclass
class IngestPlan:
    """What one ingestion must write: its new documents, the chunks not stored yet (id -> text;
    ``units``: id -> unit data of those that are turns), how many of its chunks were stored
    already, and the extractor inputs covering the new chunks."""

    documents: list[SourceDocument]
    new_chunks: dict[str, str]
    chunks_skipped: int
    units: dict[str, dict[str, Any]] = field(default_factory=dict)
    jobs: list[ExtractionJob] = field(default_factory=list)


async def aextract(runtime: MemoryRuntime, texts: list[str], dataset: str) -> list[ChunkExtraction]:
    """Extract every chunk, with a progress bar on long runs.

    Batches run concurrently (the extractor bounds its own concurrency), so no batch waits
    for the slowest call of the one before; the first failure cancels the rest.
    """
    if not texts:
        return []
    from tqdm.auto import tqdm

    size = runtime.extraction_batch_size
    extractor = runtime.extractor
    name = type(extractor).__name__
    # disable=None: tqdm shows the bar only on a terminal.
    with tqdm(
        total=len(texts),
        desc=f"remember {dataset}",
        unit="chunk",
        disable=None if len(texts) > size else True,
        leave=False,
    ) as progress:

        async def extract(batch: list[str]) -> list[ChunkExtraction]:
            try:
                extracted = await extractor.aextract(batch)
            except CogneeLangchainError:
                raise
            except Exception as exc:
                raise ExtractionError(f"{name} failed on {len(batch)} chunk(s)", exc) from exc
            if len(extracted) != len(batch) or not all(
                isinstance(e, ChunkExtraction) for e in extracted
            ):
                raise ExtractionError(
                    f"{name} returned {len(extracted)} results for {len(batch)} chunks; an "
                    "extractor must return one ChunkExtraction per chunk"
                )
            progress.update(len(batch))
            return extracted

        tasks = [
            asyncio.ensure_future(extract(texts[start : start + size]))
            for start in range(0, len(texts), size)
        ]
        try:
            batches = await asyncio.gather(*tasks)
        except BaseException:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
    return [extraction for batch in batches for extraction in batch]


async def abuild_ops(
    runtime: MemoryRuntime,
    dataset: str,
    plan: IngestPlan,
    extractions: list[ChunkExtraction],
    chunk_vectors: npt.NDArray[np.float32],
    resolution: Resolution,
    relations: list[RelationRow],
) -> list[WriteOp]:
    """The write: chunks, documents, entities, relations, each with its vectors."""
    chunk_ids = list(plan.new_chunks)
    summaries = {
        cid: e.summary.strip()
        for cid, e in zip(chunk_ids, extractions, strict=True)
        if e.summary.strip() and e.summary.strip() != plan.new_chunks[cid]
    }
    relations = await aread_times(runtime, plan, relations)
    # Statements at the same time are ordered by when they were recorded: number them in text
    # order ("We broke up. I'm dating Chris now." ends the old relationship, not the new one).
    recorded = time.time()
    merged_relations: dict[tuple[str, str, str], dict[str, RelationMention]] = {}
    statements: dict[tuple[str, str, str], Statement] = {}
    retractions: dict[str, RetractRelation] = {}
    created: dict[tuple[str, str, str], float] = {}
    names = {e.id: e.name for e in resolution.entities.values()}
    held = await _aheld_values(runtime, dataset, resolution, relations, names)
    staged: list[StageStatement] = []
    references: dict[str, datetime] = {}  # the chunks' times, read once an open fact needs them
    for order, row in enumerate(relations):
        source = resolution.entity_of_key[row.source]
        target = None if row.target is None else resolution.entity_of_key[row.target]
        statement = row.statement
        assert statement is not None  # read above
        predicate = row.predicate
        if target is None and statement.end is None and statement.single_valued:
            assert statement.kind is not None  # a single-valued fact has a kind
            target = held.value_at(source, statement.kind, statement.valid.at.timestamp())
            if target is None and statement.valid.role == "since":
                # "We've been together since Easter" names whoever the partner is as it is
                # said: a partner first told of later than Easter is still that partner.
                references = references or _chunk_times(plan)
                told = references.get(row.chunk_id, references[""])
                target = held.value_at(source, statement.kind, told.timestamp())
            if target is None and statement.kind == STAGED_KIND:
                # No partner known by then (the couple's start may arrive later): the status
                # itself, "is engaged", when the extractor named it among the chunk's entities.
                status = open_status(predicate)
                target = None if status is None else resolution.entity_of_key.get(status)
                predicate = predicate if target is None else "is"
        if source == target:
            continue  # both names resolved to one entity: not a fact about two things
        if statement.end is not None:
            end = statement.end
            rid = content_id("retraction", dataset, source, end.kind, target or "", row.chunk_id)
            retractions.setdefault(
                rid,
                RetractRelation(
                    rid,
                    dataset,
                    source,
                    end.kind,
                    target,
                    end.at,
                    row.chunk_id,
                    end.phrase,
                    created_at=recorded + order * _TICK,
                ),
            )
        if not statement.store or target is None:
            continue
        if statement.kind == STAGED_KIND:
            # the stored predicate's stage, as later writes read it back
            stage = stage_of(predicate)
            at = statement.valid.at.timestamp()
            staged.append(StageStatement(source, target, stage, at, row.chunk_id))
        triple = (source, predicate, target)
        statements.setdefault(triple, statement)  # a triple's first statement: its kind
        created.setdefault(triple, recorded + order * _TICK)
        valid = statement.valid
        mentions = merged_relations.setdefault(triple, {})
        mentions.setdefault(
            row.chunk_id,
            RelationMention(
                row.chunk_id, row.description, valid.at.timestamp(), valid.grain, valid.phrase
            ),
        )
    for ending in await astage_endings(runtime.graph_store, dataset, staged, recorded):
        retractions.setdefault(ending.id, ending)
    relation_ids = {triple: content_id("relation", dataset, *triple) for triple in merged_relations}
    stored = await runtime.graph_store.aexisting_ids(
        RecordKind.RELATION, list(relation_ids.values())
    )
    new_relations = [t for t, rid in relation_ids.items() if rid not in stored]
    # The vector embeds the triple only: descriptions can change when a source is forgotten.
    facts = [render_fact(names[s], predicate, names[t]) for s, predicate, t in new_relations]
    vectors = await runtime.aembed([*summaries.values(), *facts])
    summary_vectors = dict(zip(summaries, vectors[: len(summaries)], strict=True))
    fact_vectors = dict(zip(new_relations, vectors[len(summaries) :], strict=True))
    ops: list[WriteOp] = [
        PutChunk(
            id=cid,
            dataset=dataset,
            text=plan.new_chunks[cid],
            summary=extraction.summary.strip(),
            vector=vector,
            summary_vector=summary_vectors.get(cid),
            unit=plan.units.get(cid, {}),
        )
        for cid, extraction, vector in zip(chunk_ids, extractions, chunk_vectors, strict=True)
    ]
    ops.extend(PutDocument(doc) for doc in plan.documents)
    ops.extend(
        PutEntity(
            id=entity.id,
            dataset=dataset,
            name=entity.name,
            type=entity.type,
            vector=entity.vector,
            keys=entity.keys,
            tokens=entity.tokens,
            mentions=tuple(
                EntityMention(m.chunk_id, m.name, m.description) for m in entity.mentions
            ),
        )
        for entity in resolution.entities.values()
    )
    ops.extend(
        PutRelation(
            id=relation_ids[triple],
            dataset=dataset,
            source_id=triple[0],
            target_id=triple[2],
            predicate=triple[1],
            vector=fact_vectors.get(triple),
            mentions=tuple(mentions.values()),
            created_at=created[triple],
            kind=statements[triple].kind,
            single_valued=statements[triple].single_valued,
        )
        for triple, mentions in merged_relations.items()
    )
    ops.extend(retractions.values())  # after the entities they name
    return ops


class _HeldValues:
    """The values subjects held, per (subject entity, kind): ``(valid_at, invalid_at, target
    entity)`` of the stored versions and of this write's own statements."""

    def __init__(self) -> None:
        self.versions: dict[tuple[str, str], list[tuple[float, float, str]]] = {}

    def add(self, source: str, kind: str, valid: float, invalid: float, target: str) -> None:
        self.versions.setdefault((source, kind), []).append((valid, invalid, target))

    def value_at(self, source: str, kind: str, at: float) -> str | None:
        """The target of the version begun last by ``at`` and not ended before it."""
        held = [v for v in self.versions.get((source, kind), ()) if v[0] <= at < v[1] or v[0] == at]
        return max(held)[2] if held else None


async def _aheld_values(
    runtime: MemoryRuntime,
    dataset: str,
    resolution: Resolution,
    relations: list[RelationRow],
    names: dict[str, str],
) -> _HeldValues:
    """What the subjects of this write's open facts ("we got married") held of their kind, a
    single-valued one (of many values, "the one that holds" names none): their stored versions
    and this write's statements with a target. ``names`` gains the stored targets' names."""
    held = _HeldValues()
    if all(row.target is not None for row in relations):
        return held  # nearly every write: no open fact to fill in
    wanted: set[tuple[str, str]] = set()
    for row in relations:
        statement = row.statement
        if statement is None or not statement.single_valued or statement.end is not None:
            continue
        assert statement.kind is not None  # a single-valued fact has a kind
        source = resolution.entity_of_key[row.source]
        if row.target is None:
            wanted.add((source, statement.kind))
        else:
            target = resolution.entity_of_key[row.target]
            held.add(source, statement.kind, statement.valid.at.timestamp(), np.inf, target)
    for source, kind in sorted(wanted):
        try:
            versions = await runtime.graph_store.arelation_history(dataset, source, kind)
        except InvalidInputError:  # a store that keeps no history: no value to fill in
            return held
        for version in versions:
            if version.valid_at is None:
                continue
            ended = np.inf if version.invalid_at is None else version.invalid_at
            held.add(source, kind, version.valid_at, ended, version.target_id)
            names.setdefault(version.target_id, version.target_name)
    return held


async def aread_times(
    runtime: MemoryRuntime, plan: IngestPlan, relations: list[RelationRow]
) -> list[RelationRow]:
    """``relations`` with their :class:`Statement` read against their chunks' times, in a
    worker thread: an ingest does it while the chunk vectors are computed, outside the
    per-dataset write lock. Rows read already are kept as they are."""
    if all(row.statement is not None for row in relations):
        return relations

    def read() -> list[RelationRow]:
        references = _chunk_times(plan)
        reader = StatementReader(runtime.relation_kinds)
        return [
            row
            if row.statement is not None
            else row._replace(
                statement=reader.read(
                    row.predicate,
                    row.description,
                    references.get(row.chunk_id, references[""]),
                    kind=row.kind,
                    valid_at=row.valid_at,
                    invalid_at=row.invalid_at,
                    retracted=row.retracted,
                    target=row.target,
                )
            )
            for row in relations
        ]

    return await asyncio.to_thread(read)


def _chunk_times(plan: IngestPlan) -> dict[str, datetime]:
    """What each new chunk's dates resolve against: a turn's time, else its document's creation
    time (key ``""``: the ingest's time, for a chunk of no new document)."""
    times: dict[str, datetime] = {}
    for document in plan.documents:
        created = datetime.fromtimestamp(document.created_at, UTC)
        for chunk_id in document.chunk_ids:
            times.setdefault(chunk_id, created)
    for chunk_id, unit in plan.units.items():
        occurred = unit.get("occurred_at")
        if isinstance(occurred, int | float):
            times[chunk_id] = datetime.fromtimestamp(occurred, UTC)
    created_at = [document.created_at for document in plan.documents]
    times[""] = datetime.fromtimestamp(min(created_at), UTC) if created_at else datetime.now(UTC)
    return times


def collect(
    chunk_ids: Sequence[str], extractions: Sequence[ChunkExtraction]
) -> tuple[list[Mention], list[RelationRow]]:
    """Entity mentions and the :class:`RelationRow` of each relation of each chunk. A relation
    endpoint the extractor did not list as an entity becomes one; a blank target is kept only
    for the end of a fact ("we broke up": whoever the partner was) or a fact of a kind ("we got
    married": the write fills in whoever the partner is then, see :func:`abuild_ops`)."""
    mentions: list[Mention] = []
    relations: list[RelationRow] = []
    for chunk_id, extraction in zip(chunk_ids, extractions, strict=True):
        keys = _ChunkMentions(chunk_id, mentions)
        for entity in extraction.entities:
            keys.key_of(entity.name, entity.type, entity.description)
        for relation in extraction.relations:
            source = keys.key_of(relation.source)
            # A blank target: the end of whatever value held ("we broke up"), or a new state
            # of the value that holds ("we got married": to the partner of the time).
            open_end = not relation.target.strip() and (relation.retracted or bool(relation.kind))
            target = None if open_end else keys.key_of(relation.target)
            if source and (target or open_end):
                relations.append(
                    RelationRow(
                        chunk_id,
                        source,
                        normalize_predicate(relation.predicate),
                        target,
                        relation.description.strip(),
                        relation.kind,
                        relation.valid_at,
                        relation.invalid_at,
                        relation.retracted,
                    )
                )
    return mentions, relations


class _ChunkMentions:
    """The entity mentions of one chunk: one per key, the first naming wins."""

    def __init__(self, chunk_id: str, into: list[Mention]) -> None:
        self.chunk_id = chunk_id
        self.into = into
        self.by_name: dict[str, str | None] = {}
        self.keys: set[str] = set()

    def key_of(
        self, name: str, type_: str = DEFAULT_ENTITY_TYPE, description: str = ""
    ) -> str | None:
        """The key ``name`` resolves to in this chunk (``None`` for an unusable name)."""
        if name in self.by_name:
            return self.by_name[name]
        mention = Mention.create(self.chunk_id, name, type_, description)
        key = None if mention is None else mention.key
        self.by_name[name] = key
        if mention is not None and mention.key not in self.keys:
            self.keys.add(mention.key)
            self.into.append(mention)
        return key
