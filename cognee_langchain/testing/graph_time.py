"""Time in the graph-store contract, as a test class: intervals of facts, supersession,
retractions, history reads and their order independence.

:class:`~cognee_langchain.testing.GraphStoreConformanceTests` inherits :class:`GraphTimeTests`,
so every backend runs these with the rest of the suite (same ``store`` fixture). The rule under
test is :mod:`cognee_langchain.graph.intervals`.

Over 500 lines because every case of the time contract is a method of the one class each backend
inherits, with the builders those cases share.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cognee_langchain.core.aio import run_sync
from cognee_langchain.errors import InvalidInputError
from cognee_langchain.graph.base import (
    EARLIEST_TIME,
    Forget,
    GraphStore,
    PutChunk,
    PutDocument,
    PutEntity,
    RecordKind,
    RelationMention,
    RetractRelation,
    TextKind,
    WriteOp,
)
from cognee_langchain.graph.models import Relation, Retraction, content_id
from cognee_langchain.testing.graph_builders import (
    DS,
    chunk_op,
    create,
    doc_op,
    entity_op,
    relation_op,
)

__all__ = ["GraphTimeTests", "Life"]

_HEALTH = [
    HealthCheck.function_scoped_fixture,
    HealthCheck.too_slow,
    HealthCheck.differing_executors,
]


@dataclass
class Life:
    """Builds dated statements about one subject, each said in its own chunk and document (so
    forgetting that document forgets just that statement)."""

    dataset: str = DS
    subject: str = "Alice"
    recorded: float = 1.0

    def entity(self, name: str, *chunks: PutChunk) -> PutEntity:
        return entity_op(name, *chunks, dataset=self.dataset)

    def said(self, text: str) -> tuple[PutChunk, PutDocument]:
        chunk = chunk_op(text, dataset=self.dataset)
        return chunk, doc_op([chunk], text, dataset=self.dataset, created_at=self.recorded)

    def fact(
        self,
        predicate: str,
        target: str,
        at: float | None,
        *,
        kind: str | None = "lives_in",
        single: bool = True,
        subject: str | None = None,
        note: str = "",
        recorded: float | None = None,
    ) -> list[WriteOp]:
        """``subject`` (default: :attr:`subject`) ``predicate`` ``target``, true from ``at``."""
        who = subject or self.subject
        chunk, doc = self.said(f"{who} {predicate} {target} at {at} {note}".strip())
        source, goal = self.entity(who, chunk), self.entity(target, chunk)
        relation = replace(
            relation_op(source, predicate, goal),
            mentions=(RelationMention(chunk.id, "", at, None if at is None else "day", "then"),),
            kind=kind,
            single_valued=single,
            created_at=self.recorded if recorded is None else recorded,
        )
        return [chunk, doc, source, goal, relation]

    def retract(
        self,
        kind: str,
        target: str | None,
        at: float,
        *,
        recorded: float | None = None,
        said_in: PutChunk | None = None,
    ) -> list[WriteOp]:
        """``subject`` stopped ``kind`` ``target`` (any when ``None``) at ``at``; said in a chunk
        of its own, or in ``said_in`` (a statement's)."""
        if said_in is None:
            chunk, doc = self.said(f"{self.subject} no longer {kind} {target} from {at}")
            said: list[WriteOp] = [chunk, doc]
        else:
            chunk, said = said_in, []
        source = self.entity(self.subject, chunk)
        retraction = RetractRelation(
            id=content_id("retraction", self.dataset, chunk.id, kind, target or ""),
            dataset=self.dataset,
            source_id=source.id,
            kind=kind,
            target_id=None if target is None else self.entity(target).id,
            at=at,
            chunk_id=chunk.id,
            phrase="no longer",
            created_at=self.recorded if recorded is None else recorded,
        )
        return [*said, source, retraction]

    def id_of(self, predicate: str, target: str, subject: str | None = None) -> str:
        source = self.entity(subject or self.subject)
        return relation_op(source, predicate, self.entity(target)).id

    def document_of(self, ops: Sequence[WriteOp]) -> str:
        return next(op.document.id for op in ops if isinstance(op, PutDocument))


async def _versions(
    store: GraphStore, dataset: str, source_id: str, kind: str | None = None
) -> list[Relation]:
    try:
        return await store.arelation_history(dataset, source_id, kind)
    except InvalidInputError as exc:
        if "keeps no fact history" not in str(exc):
            raise
        pytest.skip("history reads are optional: this backend has none")


async def _retractions(store: GraphStore, dataset: str, source_id: str) -> list[Retraction]:
    try:
        return await store.aretractions(dataset, source_id)
    except InvalidInputError as exc:
        if "keeps no fact history" not in str(exc):
            raise
        pytest.skip("history reads are optional: this backend has none")


async def _intervals(store: GraphStore, life: Life) -> dict[str, object]:
    """Everything time-related the store reads back about the subject, by text rather than id
    (ids are hashes scoped by dataset): versions, facts, chunks' fact spans, retractions."""
    source = life.entity(life.subject).id
    facts = [
        r async for r in store.aiter_records(TextKind.FACT, [life.dataset], with_vectors=False)
    ]
    name = {r.id: r.text for r in facts}
    chunks = store.aiter_records(TextKind.CHUNK, [life.dataset], with_vectors=False)
    return {
        "versions": [
            (v.fact, v.valid_at, v.invalid_at, name.get(v.superseded_by or ""), len(v.chunk_ids))
            for v in await _versions(store, life.dataset, source)
        ],
        "facts": sorted(
            (r.text, r.valid_at, r.invalid_at, name.get(r.superseded_by or ""), r.relation_kind)
            for r in facts
        ),
        "spans": sorted([(r.text, r.fact_spans) async for r in chunks]),
        "retractions": sorted(
            (r.at, r.target_id is None, tuple(sorted(name[i] for i in r.closed)))
            for r in await _retractions(store, life.dataset, source)
        ),
    }


_targets = st.sampled_from(["Paris", "Berlin", "Rome"])
_times = st.integers(1, 6).map(float)
# (kind of event, target, time): a statement ("fact") or a retraction ("end"; target None: any)
_events = st.lists(
    st.one_of(
        st.tuples(st.just("fact"), _targets, _times),
        st.tuples(st.just("end"), st.one_of(st.none(), _targets), _times),
    ),
    min_size=1,
    max_size=7,
    unique=True,
)


class GraphTimeTests:
    """Time in the graph-store contract (see the module docstring). Needs the ``store`` fixture
    of :class:`~cognee_langchain.testing.GraphStoreConformanceTests`."""

    @pytest.mark.asyncio
    async def test_a_newer_value_closes_the_older_one(self, store: GraphStore) -> None:
        life = Life()
        paris, berlin = (
            life.fact("lives in", "Paris", 100.0),
            life.fact("moved to", "Berlin", 200.0),
        )
        result = await store.aapply([create(), *paris, *berlin])
        assert (result.relations_added, result.relations_closed) == (2, 1)
        p, b = await store.aget_relations(
            [life.id_of("lives in", "Paris"), life.id_of("moved to", "Berlin")]
        )
        assert (p.kind, p.single_valued, p.valid_at, p.invalid_at) == (
            "lives_in",
            True,
            100.0,
            200.0,
        )
        assert (p.superseded_by, p.valid_grain, p.valid_phrase) == (b.id, "day", "then")
        assert (b.valid_at, b.invalid_at, b.superseded_by) == (200.0, None, None)
        assert p.recorded_at == p.created_at == 1.0
        facts = {r.id: r for r in await store.aread_records(TextKind.FACT, [DS])}
        assert (facts[p.id].invalid_at, facts[p.id].superseded_by) == (200.0, b.id)
        assert facts[b.id].relation_kind == "lives_in" and facts[b.id].invalid_at is None
        spans = {r.text: r.fact_spans for r in await store.aread_records(TextKind.CHUNK, [DS])}
        assert sorted(spans.values()) == [((100.0, 200.0),), ((200.0, None),)]

    @pytest.mark.asyncio
    async def test_a_late_older_fact_is_stored_closed(self, store: GraphStore) -> None:
        life = Life()
        await store.aapply([create(), *life.fact("moved to", "Berlin", 200.0)])
        revision = await store.acurrent_revision()
        result = await store.aapply(life.fact("lives in", "Paris", 100.0))
        assert result.relations_closed == 1
        p, b = await store.aget_relations(
            [life.id_of("lives in", "Paris"), life.id_of("moved to", "Berlin")]
        )
        assert (p.invalid_at, p.superseded_by) == (200.0, b.id)
        assert b.invalid_at is None
        # the current value was not touched: no change to report for it
        assert b.id not in (await store.achanges_since(revision)).upserted[RecordKind.RELATION]

    @pytest.mark.asyncio
    async def test_restating_the_current_value_adds_no_version(self, store: GraphStore) -> None:
        life = Life()
        await store.aapply([create(), *life.fact("lives in", "Paris", 100.0)])
        again = await store.aapply(life.fact("lives in", "Paris", 300.0, note="still"))
        assert (again.relations_added, again.relations_closed) == (0, 0)
        (p,) = await store.aget_relations([life.id_of("lives in", "Paris")])
        assert (p.valid_at, p.invalid_at, len(p.chunk_ids)) == (100.0, None, 2)
        versions = await _versions(store, DS, life.entity("Alice").id, "lives_in")
        assert [(v.valid_at, v.invalid_at, len(v.chunk_ids)) for v in versions] == [
            (100.0, None, 2)
        ]

    @pytest.mark.asyncio
    async def test_a_value_stated_again_after_a_change_has_two_versions(
        self, store: GraphStore
    ) -> None:
        life = Life()
        await store.aapply(
            [
                create(),
                *life.fact("lives in", "Paris", 100.0),
                *life.fact("moved to", "Berlin", 200.0),
                *life.fact("lives in", "Paris", 300.0, note="back"),
            ]
        )
        history = await _versions(store, DS, life.entity("Alice").id)
        berlin = life.id_of("moved to", "Berlin")
        paris = life.id_of("lives in", "Paris")
        assert [(v.target_name, v.valid_at, v.invalid_at, v.superseded_by) for v in history] == [
            ("Paris", 100.0, 200.0, berlin),
            ("Berlin", 200.0, 300.0, paris),
            ("Paris", 300.0, None, None),
        ]
        assert [len(v.chunk_ids) for v in history] == [1, 1, 1]

    @pytest.mark.asyncio
    async def test_a_change_never_closes_another_subject_kind_or_dataset(
        self, store: GraphStore
    ) -> None:
        life, other = Life(), Life(dataset="other")
        await store.aapply(
            [
                create(),
                create(dataset="other"),
                *life.fact("lives in", "Paris", 100.0),
                *life.fact("works at", "Renault", 100.0, kind="works_at"),
                *life.fact("lives in", "Rome", 100.0, subject="Bob"),
                *other.fact("lives in", "Oslo", 100.0),
            ]
        )
        await store.aapply(life.fact("moved to", "Berlin", 200.0))
        kept = await store.aget_relations(
            [
                life.id_of("works at", "Renault"),
                life.id_of("lives in", "Rome", subject="Bob"),
                other.id_of("lives in", "Oslo"),
            ]
        )
        assert [(r.invalid_at, r.superseded_by) for r in kept] == [(None, None)] * 3
        (paris,) = await store.aget_relations([life.id_of("lives in", "Paris")])
        assert paris.invalid_at == 200.0

    @pytest.mark.asyncio
    async def test_many_valued_kinds_never_collapse(self, store: GraphStore) -> None:
        life = Life()
        likes = [
            life.fact("likes", name, at, kind="likes", single=False)
            for name, at in (("jazz", 100.0), ("tea", 200.0), ("chess", 300.0))
        ]
        result = await store.aapply([create(), *(op for ops in likes for op in ops)])
        assert result.relations_closed == 0
        ended = await store.aapply(life.retract("likes", "tea", 400.0))
        assert (ended.relations_closed, ended.retractions_ignored) == (1, 0)
        facts = await store.aget_relations(
            [life.id_of("likes", n) for n in ("jazz", "tea", "chess")]
        )
        assert [f.invalid_at for f in facts] == [None, 400.0, None]
        # naming no value, a retraction ends nothing of a many-valued kind
        vague = await store.aapply(life.retract("likes", None, 500.0))
        assert vague.retractions_ignored == 1
        spans = {r.id: r.fact_spans for r in await store.aread_records(TextKind.CHUNK, [DS])}
        assert all(s == () for s in spans.values())  # only single-valued facts make spans

    @pytest.mark.asyncio
    async def test_a_retraction_closes_without_a_successor(self, store: GraphStore) -> None:
        life = Life()
        await store.aapply([create(), *life.fact("works at", "Renault", 100.0, kind="works_at")])
        quit_ = life.retract("works_at", "Renault", 250.0)
        result = await store.aapply(quit_)
        assert (result.relations_closed, result.retractions_ignored) == (1, 0)
        renault = life.id_of("works at", "Renault")
        (r,) = await store.aget_relations([renault])
        assert (r.invalid_at, r.superseded_by) == (250.0, None)
        (retraction,) = await _retractions(store, DS, life.entity("Alice").id)
        assert (retraction.kind, retraction.at, retraction.closed) == (
            "works_at",
            250.0,
            (renault,),
        )
        assert retraction.phrase == "no longer" and retraction.created_at == 1.0
        (record,) = await store.aread_records(TextKind.FACT, [DS], ids=[renault])
        assert record.retracted_in == retraction.chunk_id  # the turn that ended it
        # a later job starts a new value; the retraction stays where it was
        await store.aapply(life.fact("works at", "Zalando", 300.0, kind="works_at"))
        (r,) = await store.aget_relations([renault])
        assert (r.invalid_at, r.superseded_by) == (250.0, None)
        # forgetting the retraction reopens the job until the next one
        await store.aapply([Forget(DS, document_id=life.document_of(quit_))])
        (r,) = await store.aget_relations([renault])
        assert (r.invalid_at, r.superseded_by) == (300.0, life.id_of("works at", "Zalando"))
        assert await _retractions(store, DS, life.entity("Alice").id) == []

    @pytest.mark.asyncio
    async def test_a_retraction_of_nothing_is_a_counted_no_op_kept_for_later_facts(
        self, store: GraphStore
    ) -> None:
        life = Life()
        result = await store.aapply([create(), *life.retract("works_at", "Renault", 250.0)])
        assert (result.retractions_ignored, result.relations_closed) == (1, 0)
        # the job, learned later, began before the retraction: the retraction ends it
        late = await store.aapply(life.fact("works at", "Renault", 100.0, kind="works_at"))
        assert (late.relations_closed, late.retractions_ignored) == (1, 0)
        (r,) = await store.aget_relations([life.id_of("works at", "Renault")])
        assert (r.invalid_at, r.superseded_by) == (250.0, None)
        # a retraction naming another value, or said before the fact began, ends nothing
        other = await store.aapply(life.retract("works_at", "Zalando", 300.0))
        early = await store.aapply(life.retract("works_at", "Renault", 50.0))
        assert (other.retractions_ignored, early.retractions_ignored) == (1, 1)

    @pytest.mark.asyncio
    async def test_forgetting_the_newest_value_reopens_the_previous(
        self, store: GraphStore
    ) -> None:
        life = Life()
        berlin = life.fact("moved to", "Berlin", 200.0)
        await store.aapply([create(), *life.fact("lives in", "Paris", 100.0), *berlin])
        revision = await store.acurrent_revision()
        await store.aapply([Forget(DS, document_id=life.document_of(berlin))])
        (p,) = await store.aget_relations([life.id_of("lives in", "Paris")])
        assert (p.invalid_at, p.superseded_by) == (None, None)
        changed = await store.achanges_since(revision)
        assert p.id in changed.upserted[RecordKind.RELATION]
        paris_chunk = p.chunk_ids[0]
        assert paris_chunk in changed.upserted[RecordKind.CHUNK]  # its fact_spans changed
        (record,) = await store.aread_records(TextKind.CHUNK, [DS], ids=[paris_chunk])
        assert record.fact_spans == ((100.0, None),)

    @pytest.mark.asyncio
    async def test_ties_resolve_to_the_later_recorded_statement(self, store: GraphStore) -> None:
        life = Life()
        await store.aapply(
            [
                create(),
                *life.fact("moved to", "Berlin", 200.0, recorded=2.0),
                *life.fact("moved to", "Rome", 200.0, recorded=1.0),
            ]
        )
        rome, berlin = await store.aget_relations(
            [life.id_of("moved to", "Rome"), life.id_of("moved to", "Berlin")]
        )
        assert (rome.invalid_at, rome.superseded_by) == (200.0, berlin.id)
        assert berlin.invalid_at is None

    @pytest.mark.asyncio
    async def test_a_retraction_and_a_new_value_said_together(self, store: GraphStore) -> None:
        """ "I quit Renault, I'm now at Zalando": the job ends without a successor, the new
        one begins — whatever the ids' order."""
        life = Life()
        await store.aapply([create(), *life.fact("works at", "Renault", 100.0, kind="works_at")])
        result = await store.aapply(
            [
                *life.fact("works at", "Zalando", 200.0, kind="works_at"),
                *life.retract("works_at", "Renault", 200.0),
            ]
        )
        assert (result.relations_closed, result.retractions_ignored) == (1, 0)
        (renault,) = await store.aget_relations([life.id_of("works at", "Renault")])
        assert (renault.invalid_at, renault.superseded_by) == (200.0, None)

    @pytest.mark.asyncio
    async def test_a_chunk_telling_a_change_tells_what_held_before_it(
        self, store: GraphStore
    ) -> None:
        """ "I quit Renault, I'm now at Zalando" in one chunk: its spans begin at the earliest
        time (it answers for before the change too); a chunk stating only a job does not."""
        life = Life()
        told = life.fact("works at", "Zalando", 200.0, kind="works_at")
        alone = life.fact("works at", "Acme", 300.0, kind="works_at", subject="Bob")
        told_in, alone_in = told[0], alone[0]
        assert isinstance(told_in, PutChunk) and isinstance(alone_in, PutChunk)
        change = life.retract("works_at", "Renault", 200.0, said_in=told_in)
        await store.aapply([create(), *told, *change, *alone])
        spans = {r.id: r.fact_spans for r in await store.aread_records(TextKind.CHUNK, [DS])}
        assert spans[told_in.id] == ((EARLIEST_TIME, 200.0), (200.0, None))
        assert spans[alone_in.id] == ((300.0, None),)

    @pytest.mark.asyncio
    async def test_an_undated_statement_is_true_from_when_it_was_recorded(
        self, store: GraphStore
    ) -> None:
        life = Life()
        await store.aapply([create(), *life.fact("lives in", "Paris", None, recorded=50.0)])
        await store.aapply(life.fact("uses", "Linux", None, kind=None, single=False))
        paris, linux = await store.aget_relations(
            [life.id_of("lives in", "Paris"), life.id_of("uses", "Linux")]
        )
        assert (paris.valid_at, paris.valid_grain, paris.valid_phrase) == (50.0, None, "")
        assert (linux.kind, linux.valid_at, linux.invalid_at) == (None, 1.0, None)

    @pytest.mark.asyncio
    async def test_times_must_be_finite_and_retractions_cite_stored_records(
        self, store: GraphStore
    ) -> None:
        for bad in (math.nan, math.inf, -math.inf):
            with pytest.raises(InvalidInputError, match="finite"):
                RelationMention("c", valid_at=bad)
            with pytest.raises(InvalidInputError, match="finite"):
                RetractRelation("r", DS, "s", "works_at", None, bad, "c")
        with pytest.raises(InvalidInputError, match="kind"):
            RetractRelation("r", DS, "s", "", None, 1.0, "c")
        life = Life()
        await store.aapply([create(), *life.fact("lives in", "Paris", 100.0)])
        ops = life.retract("lives_in", None, 200.0)
        retraction = ops[-1]
        assert isinstance(retraction, RetractRelation)
        with pytest.raises(InvalidInputError, match="not stored"):
            await store.aapply([replace(retraction, chunk_id="no such chunk")])
        with pytest.raises(InvalidInputError, match="not stored"):
            await store.aapply([*ops[:2], replace(retraction, source_id="nobody")])
        assert await store.acurrent_revision() == 1

    @pytest.mark.asyncio
    async def test_a_dump_restores_times_and_retractions(self, store: GraphStore) -> None:
        life = Life()
        await store.aapply(
            [
                create(),
                *life.fact("lives in", "Paris", 100.0),
                *life.fact("moved to", "Berlin", 200.0),
                *life.fact("works at", "Renault", 100.0, kind="works_at"),
                *life.retract("works_at", None, 250.0),
            ]
        )
        try:
            dump = await store.adump_dataset(DS, with_vectors=True)
        except InvalidInputError:
            return  # export is optional (see test_a_dump_rebuilds_its_dataset_exactly)
        before = await _intervals(store, life)
        assert len(dump.retractions) == 1
        await store.aapply([Forget(DS)])
        assert await _retractions(store, DS, life.entity("Alice").id) == []
        await store.aapply([create(), *dump.restore_ops()])
        assert await _intervals(store, life) == before

    @settings(max_examples=40, deadline=None, suppress_health_check=_HEALTH)
    @given(events=_events, data=st.data())
    def test_intervals_do_not_depend_on_ingestion_order(
        self, store: GraphStore, events: list[tuple[str, str | None, float]], data: st.DataObject
    ) -> None:
        """Any order and batching of the same statements and retractions, with some of them
        forgotten and put back on the way, ends with the same intervals."""

        def statements(life: Life) -> list[list[WriteOp]]:
            return [
                life.fact("lives in", target or "", at)
                if kind == "fact"
                else life.retract("lives_in", target, at)
                for kind, target, at in events
            ]

        # Same dataset, so the same ids (ties at one time and recorded time fall to the id).
        life = Life(dataset=f"ds-{uuid.uuid4().hex}")
        pieces = statements(life)
        store.apply([create(dataset=life.dataset), *(op for ops in pieces for op in ops)])
        expected = run_sync(_intervals(store, life))
        store.apply([Forget(life.dataset)])

        pieces = data.draw(st.permutations(pieces))
        starts = data.draw(st.lists(st.booleans(), min_size=len(pieces), max_size=len(pieces)))
        batches: list[list[WriteOp]] = []
        for ops, new_batch in zip(pieces, starts, strict=True):
            if new_batch or not batches:
                batches.append([])
            batches[-1].extend(ops)
        for batch in batches:
            store.apply(batch)
        gone = [pieces[i] for i in sorted(data.draw(st.sets(st.integers(0, len(pieces) - 1))))]
        if gone:
            store.apply([Forget(life.dataset, document_id=life.document_of(ops)) for ops in gone])
            store.apply([op for ops in gone for op in ops])
        assert run_sync(_intervals(store, life)) == expected
