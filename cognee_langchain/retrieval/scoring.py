"""Score fusion: every lane scores every eligible item; normalised scores are weighted, summed and
shifted by priors.

Rank fusion (:mod:`~cognee_langchain.retrieval.fusion`) throws away how far apart hits are, so a
weak lane (word vectors) at equal weight drags a lexical hit that stands far ahead down to the
level of its noise. Here each lane's scores are min-max normalised over the items the filters
let through and summed with the config's weights; the priors then add what the text lanes cannot
see: who spoke, which session is about the question, whether the question asks for a time.
Measured on LoCoMo's development split (``benchmarks/memory_quality.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from cognee_langchain.retrieval.collection import BoolArray, ItemCollection
from cognee_langchain.retrieval.config import PriorConfig, Ranker, SearchConfig
from cognee_langchain.retrieval.cues import asks_when, date_cues
from cognee_langchain.retrieval.recency import change_boost, recency_boost, stand_in_boost
from cognee_langchain.retrieval.timing import (
    TimeContext,
    inherit_relevance,
    time_boost,
    versions_first,
)
from cognee_langchain.retrieval.types import ItemKind, RankedList

__all__ = ["ScoredQuery", "fuse_scores", "merge_kinds"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class ScoredQuery:
    """A query as score fusion needs it: raw text (for cues), lexical terms, its unit vector
    (when a lane needs one), the speaker codes it names, its weighted expansion terms, what
    it knows of time and the entity rows it names (``subjects``)."""

    text: str
    terms: list[str]
    vector: npt.NDArray[np.float32] | None
    speakers: frozenset[int]
    when: TimeContext
    expansions: Sequence[tuple[str, float]] = ()
    subjects: Sequence[int] = ()


def _normalised(scores: npt.NDArray[np.floating], eligible: BoolArray) -> FloatArray:
    """Min-max normalisation over the eligible items; a lane that cannot tell them apart (all
    equal, or nothing matched) contributes nothing."""
    out = np.zeros(len(scores), dtype=np.float64)
    if not eligible.any():
        return out
    values = scores[eligible].astype(np.float64)
    low, high = float(values.min()), float(values.max())
    if high > low:
        out[eligible] = (values - low) / (high - low)
    return out


def _lane(collection: ItemCollection, ranker: Ranker, query: ScoredQuery) -> npt.NDArray:
    if ranker is Ranker.BM25:
        return collection.lexical.scores(query.terms, query.expansions)
    if ranker is Ranker.CONTEXT:
        return collection.context.scores(query.terms, query.expansions)
    assert query.vector is not None, "SearchConfig.needs_query_vector was not checked"
    return collection.dense.scores(query.vector)


def _group_relevance(
    collection: ItemCollection, lexical: FloatArray, eligible: BoolArray, depth: int
) -> FloatArray:
    """Per item, how much its session (or document) is about the query: the mean of the
    ``depth`` best normalised lexical scores among the session's eligible items (fewer count as
    zeros). Measured on LoCoMo's development split: the best item alone beat the sum over the
    session (which favours long sessions) by .007 evidence recall @500, and the best two beat
    the best one by .007: a session that matches twice is about the question, one lucky turn
    is not."""
    groups = collection.group_codes.view
    member = eligible & (groups >= 0)
    relevance = np.zeros(len(lexical))
    # Only matching items can be among a session's best (zeros add nothing): sort just those,
    # by group and best score first; an item's place within its group picks the best few.
    matching = np.flatnonzero(member & (lexical > 0))
    if not len(matching):
        return relevance
    order = matching[np.lexsort((-lexical[matching], groups[matching]))]
    sorted_groups = groups[order]
    starts = np.flatnonzero(np.r_[True, sorted_groups[1:] != sorted_groups[:-1]])
    places = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    best = places < depth
    totals = np.zeros(int(groups.max()) + 1)
    np.add.at(totals, sorted_groups[best], lexical[order[best]])
    relevance[member] = totals[groups[member]] / depth
    return relevance


def _in_periods(times: npt.NDArray[np.float64], query: str) -> BoolArray:
    """Items whose time falls in a year or month the query names."""
    cues = date_cues(query)
    hit = np.zeros(len(times), dtype=np.bool_)
    known = ~np.isnan(times)
    if not cues or not known.any():
        return hit
    stamps = times[known].astype("datetime64[s]")
    years = stamps.astype("datetime64[Y]").astype(np.int64) + 1970
    months = stamps.astype("datetime64[M]").astype(np.int64) % 12 + 1
    matched = np.zeros(len(stamps), dtype=np.bool_)
    for cue in cues:
        match = np.ones(len(stamps), dtype=np.bool_)
        if cue.year is not None:
            match &= years == cue.year
        if cue.month is not None:
            match &= months == cue.month
        matched |= match
    hit[known] = matched
    return hit


def _theirs(collection: ItemCollection, speakers: Collection[int]) -> FloatArray | float:
    """1 for the items of the sessions the people ``speakers`` (their codes) take part in, 0
    for others; 1 everywhere when the query names nobody who speaks. What a named person's
    December held is told in their conversations, not in anyone's December (measured on the
    time-and-change fixtures, one dataset of twelve conversations each: as-of recall within 200
    words .917 -> .950 on the held-out one, .770 -> .812 on the fourth development one)."""
    if not speakers:
        return 1.0
    codes = np.fromiter(speakers, np.int32, len(speakers))
    groups = collection.group_codes.view
    theirs = np.unique(groups[np.isin(collection.speaker_codes.view, codes) & (groups >= 0)])
    if not len(theirs):
        return 1.0
    scope = np.isin(groups, theirs)
    return 1.0 if scope.all() else scope.astype(np.float64)


def _prior_boost(
    collection: ItemCollection,
    priors: PriorConfig,
    query: ScoredQuery,
    lexical: FloatArray,
    eligible: BoolArray,
    scope: FloatArray | float,
) -> FloatArray:
    boost = np.zeros(len(lexical))
    if priors.speaker and query.speakers:
        codes = np.fromiter(query.speakers, np.int32, len(query.speakers))
        boost += priors.speaker * np.isin(collection.speaker_codes.view, codes)
    if priors.conversation and not isinstance(scope, float):
        boost += priors.conversation * scope
    if priors.group:
        boost += priors.group * _group_relevance(collection, lexical, eligible, priors.group_depth)
    if priors.time and asks_when(query.text):
        boost += priors.time * collection.timed.view
    # A month or year the query names is read against the data's own dates; the window the
    # same cue resolves to (a month without a year is resolved against the clock, and the data
    # may be of another year) then raises no turn (see fuse_scores), so the two never add up.
    if priors.date:
        boost += priors.date * _in_periods(collection.times.view, query.text) * scope
    if priors.question:
        boost += priors.question * collection.questions.view
    return boost


def fuse_scores(
    collections: Mapping[ItemKind, ItemCollection],
    config: SearchConfig,
    query: ScoredQuery,
    eligible: Callable[[ItemKind], BoolArray],
    expanded: Callable[[], Mapping[ItemKind, RankedList]] | None,
    limit: int,
) -> dict[ItemKind, RankedList]:
    """Per ranked item kind, the ``limit`` eligible items with the best fused scores, best
    first. ``expanded`` runs the graph expansion (``None``: the config has none)."""
    fused: dict[ItemKind, FloatArray] = {}
    lexical: dict[ItemKind, FloatArray] = {}

    def total(kind: ItemKind) -> FloatArray:
        if kind not in fused:
            fused[kind] = np.zeros(len(collections[kind].records))
        return fused[kind]

    for spec in config.rankers:
        mask = eligible(spec.kind)
        scores = _normalised(_lane(collections[spec.kind], spec.ranker, query), mask)
        if spec.ranker is Ranker.BM25:
            lexical[spec.kind] = scores
        total(spec.kind)[:] += spec.weight * scores
    if config.expansion is not None and expanded is not None:
        for kind, ranked in expanded().items():
            if len(ranked.scores) and ranked.scores[0] > 0:
                total(kind)[ranked.slots] += (
                    config.expansion.weight * ranked.scores / ranked.scores[0]
                )
    for kind, scores in fused.items():  # a kind no lexical lane ranks matched no words
        lexical.setdefault(kind, np.zeros(len(scores)))
    dated = config.priors is not None and bool(config.priors.date) and bool(date_cues(query.text))
    # A chronological listing shows the window's events, whoever's they are.
    scopes = {
        kind: 1.0 if config.chronological else _theirs(collections[kind], query.speakers)
        for kind in fused
    }
    if config.priors is not None:
        for kind, scores in fused.items():
            scores += _prior_boost(
                collections[kind], config.priors, query, lexical[kind], eligible(kind), scopes[kind]
            )
    if config.time_priors is not None:
        speakers = np.fromiter(query.speakers, np.int32, len(query.speakers))
        before = {kind: scores.copy() for kind, scores in fused.items()}
        for kind, scores in fused.items():
            # Turns the query's month or year cue named got the date prior already.
            when = query.when
            if dated and kind != "fact":
                when = replace(when, start=None, end=None)
            scores += time_boost(collections[kind], config.time_priors, when, scopes[kind])
            if kind == "chunk":
                mask = eligible(kind)
                scores += recency_boost(
                    collections[kind], config.time_priors, query.when, mask, scores
                )
                scores += change_boost(
                    collections[kind], config.time_priors, query.when, mask, scores, lexical[kind]
                )
                scores += stand_in_boost(
                    collections[kind], config.time_priors, query.when, mask, speakers
                )
        inherit_relevance(collections, fused, before, config.time_priors, query.when, eligible)
        versions_first(collections, fused, config.time_priors, query.when, query.subjects, eligible)
    return {kind: RankedList.top(scores, limit, eligible(kind)) for kind, scores in fused.items()}


def merge_kinds(
    ranked: Mapping[ItemKind, RankedList], limit: int
) -> Sequence[tuple[ItemKind, int, float]]:
    """The best ``limit`` (kind, slot, score) across kinds, best first (ties: kind order, then
    slot, so the order is deterministic)."""
    merged = [
        (kind, slot, score)
        for kind, ranking in ranked.items()
        for slot, score in zip(ranking.slots.tolist(), ranking.scores.tolist(), strict=True)
    ]
    merged.sort(key=lambda hit: -hit[2])
    return merged[:limit]
