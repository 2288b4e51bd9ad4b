"""Cues the ranking priors read from a query and from item text, by plain pattern matching.

What a question asks (a time: "when", "how long"), the month or year it names, which words of it
carry no content (question words and fillers), and whether a turn is itself a question or
mentions a time. Every cue is English; on other languages they simply never fire, and the
lexical and vector lanes rank as they would without them.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from cognee_langchain.retrieval.lexical import STOPWORDS

__all__ = [
    "QUERY_STOPWORDS",
    "DateCue",
    "asks_event",
    "asks_now",
    "asks_still",
    "asks_value",
    "asks_when",
    "date_cues",
    "is_question",
    "mentions_time",
    "states_change",
]

# Words a question is phrased with but that say nothing of what it is about. Dropped from the
# query only: indexed text keeps them, so a quoted phrase still matches (measured on LoCoMo's
# development split: the function-word list alone leaves "likely", "kind", "think" ... ranking).
_QUESTION_WORDS = """
    according actually also always another anything around based besides come considering
    describe did does doing done either else enjoy ever every example favorite favourite feel
    gave get gets getting give given go goes going got happen happened has help ideas include
    including kind kinds know known last like likely lot made make makes many may maybe mention
    mentioned might much name named new one ones part past people person planning plans possibly
    probably reason recent recently said say says see seem share shared similar something
    sort specific still suggest tell thing things think thought time told took try type types
    usually various way ways went whose would year years yet
"""
QUERY_STOPWORDS = STOPWORDS | frozenset(_QUESTION_WORDS.split())
"""Function words plus the question phrasing words dropped from queries (never from indexed
text) by search configs with ``query_stopwords`` set."""

_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_MONTH_NUMBER = {name: i + 1 for i, name in enumerate(_MONTHS)}
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

_TIME_WORDS = (
    r"yesterday|today|tonight|tomorrow|ago|last (?:night|week|weekend|month|year|summer|"
    r"winter|spring|fall|autumn)|next (?:week|weekend|month|year)|this (?:week|weekend|month|"
    r"year|morning|evening)|recently|weekend|since|(?:19|20)\d\d|" + "|".join(_MONTHS + _WEEKDAYS)
)
_MENTIONS_TIME = re.compile(rf"\b(?:{_TIME_WORDS})\b", re.IGNORECASE)
_ASKS_WHEN = re.compile(
    r"\b(?:when|how long|what (?:year|month|day|date|time)|which (?:year|month|day)|"
    r"how many (?:days|weeks|months|years))\b",
    re.IGNORECASE,
)
# A question turn: a question mark ending the text, or before a trailing parenthetical (a shared
# photo's caption, say).
_QUESTION_END = re.compile(r"\?\s*(?:\([^()]*\)\s*)?$")
_YEAR = re.compile(r"\b(19\d\d|20\d\d)\b")
_MONTH_WORD = re.compile(r"\b(" + "|".join(_MONTHS) + r")\b", re.IGNORECASE)


class DateCue(NamedTuple):
    """A calendar period a query names: a year, a month, or a month of a year."""

    year: int | None
    month: int | None


def is_question(text: str) -> bool:
    """Whether a turn asks a question (it then rarely holds the answer)."""
    return _QUESTION_END.search(text) is not None


def mentions_time(text: str) -> bool:
    """Whether ``text`` says when something happened (a date, a weekday, "last week", ...)."""
    return _MENTIONS_TIME.search(text) is not None


# Wordings that say a state ended or changed ("I'm not vegetarian anymore", "we no longer have
# the goldfish", "I sold the Vespa"). Not "now": it is as often a plain present ("I'm a senior
# manager there now"), and with it the rule raised off-topic turns on the time-and-change fixture.
_CHANGE = re.compile(
    r"\b(?:no longer|any ?more|no more|gave up|given up|quit|stopped|sold|selling|switched|"
    r"used to|got rid of|gave .{0,20}away|died|passed away|broke up|divorced|separated|"
    r"split up|called it quits|paused|put .{0,20}on hold|leave of absence|dropped out|"
    r"resigned|moved out|packed in)\b",
    re.IGNORECASE,
)


def states_change(text: str) -> bool:
    """Whether ``text`` says that something stopped or changed (it then tells what holds now)."""
    return _CHANGE.search(text) is not None


# "Now" said outright, rather than a present tense alone ("Where does she live?" is also
# answered by what was said without a date).
_ASKS_NOW = re.compile(r"\b(?:now|currently|these days|nowadays|at the moment)\b", re.IGNORECASE)


def asks_now(query: str) -> bool:
    """Whether ``query`` says outright that it asks what holds now ("What car does Chidi own
    now?", "Who is she dating these days?")."""
    return _ASKS_NOW.search(query) is not None


_ASKS_STILL = re.compile(r"\b(?:still|any ?more|any longer)\b", re.IGNORECASE)


def asks_still(query: str) -> bool:
    """Whether ``query`` asks if a state lasts ("Does Joy still own her Yamaha Mio?", "Is he
    vegetarian anymore?"): like "now", its answer is the latest statement, but the state it
    names is the one asked about, not every value of its kind."""
    return _ASKS_STILL.search(query) is not None


# "What did John attend in March?", "What happened to his job?", "When did ...", "How many ...".
_ASKS_EVENT = re.compile(r"\W*(?:what\s+(?:did|does|do|happened)\b|when\b|how\b)", re.IGNORECASE)


def asks_event(query: str) -> bool:
    """Whether ``query`` asks what happened ("What did John attend in March 2023?") or when or
    how, rather than what held ("Where did Priya live in March 2022?", "What car was he
    driving?")."""
    return _ASKS_EVENT.match(query) is not None


_ASKS_VALUE = re.compile(
    r"\W*(?:(?:and|so|then)\s+)?(?:what|where|who|whom|whose|which|how)\b", re.IGNORECASE
)


def asks_value(query: str) -> bool:
    """Whether ``query`` asks for a value it does not name ("Where does Alice live?", "Who is
    she dating?"), not whether one holds ("Does she still live in Paris?")."""
    return _ASKS_VALUE.match(query) is not None


def asks_when(query: str) -> bool:
    """Whether ``query`` asks for a time or a duration."""
    return _ASKS_WHEN.search(query) is not None


def date_cues(query: str) -> list[DateCue]:
    """The years and months ``query`` names ("in May 2023" -> one cue for that month).

    "May" alone counts only when a year is named too: as a verb it is far more common.
    """
    years = [int(y) for y in _YEAR.findall(query)]
    months = [
        _MONTH_NUMBER[m.casefold()]
        for m in _MONTH_WORD.findall(query)
        if m.casefold() != "may" or years
    ]
    if years and months:
        return [DateCue(year, month) for year in years for month in months]
    return [DateCue(year, None) for year in years] + [DateCue(None, m) for m in months]
