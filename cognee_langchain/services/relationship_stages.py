"""A couple's next stage ends the one before: "engaged to Dara" stops being true when "married to
Dara" starts.

The interval rule of the graph stores (:mod:`cognee_langchain.graph.intervals`) knows a value by
its target alone: for a single-valued kind a statement of another target closes the current
one, and one of the same target restates it. A relationship status is the exception, its value
is a stage *and* a partner: dating, then engaged, then married to the same person. Without this
step both "Siobhan engaged to Dara" and "Siobhan married Dara" would stay current.

The step writes what a speaker would have said: the earlier stage ended when the next began, a
:class:`~cognee_langchain.graph.base.RetractRelation` of that partner at the later stage's
``valid_at`` (a retraction sorts before a statement of the same time, so the new stage stays
open). It is tied to the later stage's chunk, so forgetting that chunk forgets the ending too.
Ingestion order does not matter: a write compares its own stages with the stored ones both
ways, and an earlier stage that arrives late is closed by the later one already stored.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass

from cognee_langchain.errors import InvalidInputError
from cognee_langchain.extraction.kinds import stage_of
from cognee_langchain.graph.base import GraphStore, RetractRelation
from cognee_langchain.graph.models import content_id

__all__ = ["STAGED_KIND", "StageStatement", "astage_endings", "stage_of"]

STAGED_KIND = "relationship_status"
"""The kind whose value is a stage and a partner."""


@dataclass(frozen=True, slots=True)
class StageStatement:
    """A relationship-status statement of this write: ``source`` is with ``target`` at stage
    ``stage`` from ``at`` (epoch seconds), as ``chunk_id`` says."""

    source: str
    target: str
    stage: str
    at: float
    chunk_id: str


@dataclass(frozen=True, slots=True)
class _Start:
    at: float
    stage: str
    chunk_id: str
    ended: float  # when the version is already known to end (inf: open or this write's)
    new: bool


async def astage_endings(
    store: GraphStore, dataset: str, statements: Iterable[StageStatement], recorded: float
) -> list[RetractRelation]:
    """The endings of earlier stages that this write's ``statements`` imply, against each
    other and against the stored versions of their subjects (a store that keeps no history:
    against each other only). ``recorded``: the write's recorded time."""
    mine: dict[tuple[str, str], list[_Start]] = {}
    for s in statements:
        mine.setdefault((s.source, s.target), []).append(
            _Start(s.at, s.stage, s.chunk_id, float("inf"), True)
        )
    endings: dict[str, RetractRelation] = {}
    for source in sorted({source for source, _ in mine}):
        try:
            stored = await store.arelation_history(dataset, source, STAGED_KIND)
        except InvalidInputError:
            stored = []
        for version in stored:
            key = (source, version.target_id)
            if key in mine and version.valid_at is not None and version.chunk_ids:
                ended = float("inf") if version.invalid_at is None else version.invalid_at
                mine[key].append(
                    _Start(
                        version.valid_at,
                        stage_of(version.predicate),
                        version.chunk_ids[0],
                        ended,
                        False,
                    )
                )
    for (source, target), starts in sorted(mine.items()):
        starts.sort(key=lambda start: (start.at, not start.new))
        for before, after in itertools.pairwise(starts):
            if before.stage == after.stage or not (before.new or after.new):
                continue
            if before.ended <= after.at:
                continue  # already over by then ("we broke up", then married someone else)
            rid = content_id(
                "retraction", dataset, source, STAGED_KIND, target, after.chunk_id, "stage"
            )
            # Recorded as of the stage's start: a tie at the same time then sorts the ending
            # before the new stage's statement, whichever write recorded that one and when.
            endings.setdefault(
                rid,
                RetractRelation(
                    rid, dataset, source, STAGED_KIND, target, after.at, after.chunk_id,
                    created_at=min(after.at, recorded),
                ),
            )  # fmt: skip
    return list(endings.values())
