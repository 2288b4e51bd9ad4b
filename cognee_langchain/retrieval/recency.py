"""Boosts from when turns were said, on questions about a time: not what facts were drawn.

A turn's own time tells what held even when no fact was drawn from it: of two statements of a
home the later is likelier to hold (:func:`recency_boost`); a turn saying a state ended tells the
state now (:func:`change_boost`); the last session before a window in which nothing was said
tells what held when it opened (:func:`stand_in_boost`). The fact-level rules (current and stale,
the asked versions) are in :mod:`~cognee_langchain.retrieval.timing`.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from cognee_langchain.retrieval.collection import BoolArray, ItemCollection
from cognee_langchain.retrieval.config import TimePriors
from cognee_langchain.retrieval.cues import states_change
from cognee_langchain.retrieval.timing import TimeContext

__all__ = ["change_boost", "recency_boost", "stand_in_boost"]

FloatArray = npt.NDArray[np.float64]


# How many of the best turns the recency prior spreads over: those that compete for the answer
# (the whole dataset's time span would flatten one person's few months to nothing).
_RECENCY_POOL = 50


def recency_boost(
    collection: ItemCollection,
    priors: TimePriors,
    context: TimeContext,
    eligible: BoolArray,
    scores: FloatArray,
) -> FloatArray:
    """Per turn, ``priors.recent`` x how late it was said among the best-scored eligible turns
    said by the judged instant (0 for the earliest of them, 1 for the latest), on a question
    about what holds at an instant that asks for a single-valued kind of fact: of two
    statements of a home or a job, the later one is likelier to still hold, whether or not a
    fact was drawn from it (tastes add up rather than replace each other: no such rule for
    them). A question saying "now" outright (:attr:`TimeContext.latest`) gets
    ``priors.recent_now`` instead, whatever it asks: "What does Earlene get around in now?"
    names no kind of fact, yet its answer is the latest statement. On a question about what
    held during a window ("Where did Priya live in March 2022?", :attr:`TimeContext.state`),
    ``priors.recent_then`` for how late a turn was said by the window's end: the last statement
    before or inside it is likelier to describe it than an older one. Zeros when it does not
    apply."""
    boost = np.zeros(len(collection.records))
    if context.at is not None:
        at, strength = context.at, priors.recent_now if context.latest else priors.recent
    elif context.state and context.start is not None and context.end is not None:
        at, strength = context.end, priors.recent_then
    else:
        return boost
    if not strength or not context.turns or not (context.single or context.latest):
        return boost
    times = collection.times.view
    said = np.flatnonzero(eligible & (times <= at))  # NaN compares false
    if not len(said):
        return boost
    pool = said[np.argsort(-scores[said], kind="stable")[:_RECENCY_POOL]]
    earliest, latest = float(times[pool].min()), float(times[pool].max())
    if latest > earliest:
        boost[pool] = strength * (times[pool] - earliest) / (latest - earliest)
    return boost


def stand_in_boost(
    collection: ItemCollection,
    priors: TimePriors,
    context: TimeContext,
    eligible: BoolArray,
    speakers: npt.NDArray[np.int32],
) -> FloatArray:
    """``priors.window`` for the turns of the last session before the asked window in which the
    people the question names (``speakers``, their codes) spoke, when they said nothing inside
    it, on a question about a window that asks for a kind of fact. What held when the window
    opened was last stated then: "Where did Nora live in January 2023?", asked of her sessions
    of August 2022 and September 2023, is answered by August, not by the later move. Zeros
    when it does not apply."""
    boost = np.zeros(len(collection.records))
    if not priors.window or context.start is None or not context.turns or not len(speakers):
        return boost
    theirs = eligible & np.isin(collection.speaker_codes.view, speakers)
    times = collection.times.view
    end = math.inf if context.end is None else context.end
    earlier = np.flatnonzero(theirs & (times < context.start))  # NaN compares false
    if not len(earlier) or (theirs & (times >= context.start) & (times < end)).any():
        return boost
    last = earlier[np.argmax(times[earlier])]
    boost[theirs & (collection.group_codes.view == collection.group_codes.view[last])] = (
        priors.window
    )
    return boost


_CHANGE_POOL = 10
"""The best candidates a change statement must be among to be raised (a statement of a change
further down is rarely about what was asked)."""


def change_boost(
    collection: ItemCollection,
    priors: TimePriors,
    context: TimeContext,
    eligible: BoolArray,
    scores: FloatArray,
    lexical: FloatArray,
) -> FloatArray:
    """``priors.changed`` for the turns among the best-scored candidates said by the judged
    instant that share a word with the question and say that something stopped or changed
    ("I'm not vegetarian anymore", "we no longer have the goldfish"), on a question about what
    holds at an instant. Such a turn tells the current state even when no fact was drawn from
    it: "Is Jonas vegetarian?" is answered by the later "not anymore", not by "I've gone
    vegetarian". Zeros when it does not apply."""
    boost = np.zeros(len(collection.records))
    if not priors.changed or context.at is None or not context.turns:
        return boost
    said = np.flatnonzero(eligible & (collection.times.view <= context.at) & (lexical > 0))
    pool = said[np.argsort(-scores[said], kind="stable")[:_CHANGE_POOL]]
    for slot in pool.tolist():
        record = collection.records[slot]
        if record is not None and states_change(record.text):
            boost[slot] = priors.changed
    return boost
