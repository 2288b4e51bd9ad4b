"""Date phrases of texting and of regional English that :mod:`._date_phrases` does not read:
weekday abbreviations after a preposition ("since sat", "on thurs") or alone where they are no
other word ("tues", "weds"), "the weekend before last", and a month with its day in words ("May
the twenty-third").

Kept apart so that :mod:`._date_phrases` holds the common forms; :mod:`._date_scan` searches
with both lists. Private: :mod:`~cognee_langchain.core.dates` is the public face.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from cognee_langchain.core._date_phrases import (
    _ANY_MONTH,
    _MONTH_WORD,
    _ORDINAL_WORDS,
    _WEEKDAY_ABBREVIATIONS,
    _YEAR,
    Context,
    DatePattern,
    _month_number,
    _pattern,
    _Resolved,
    _saturday,
    _weekday,
    _year_for,
    day_number,
    fold,
)

__all__ = ["IDIOM_PATTERNS"]

_ABBR = "|".join(sorted(_WEEKDAY_ABBREVIATIONS, key=len, reverse=True))
# Abbreviations that are words too ("on sun cream", "since sat nav"): a date only at the end of
# a clause or before a word that can follow one ("on Sat and Sun", "since mon when").
_WORDLIKE = {"sun", "sat", "mon"}
_AFTER_WORDLIKE = re.compile(
    r"\s*(?:[.,;:!?)]|$)|\s+(?:and|but|so|at|in|when|after|before|because|then|was|is|i|we|he|"
    r"she|they|it|for|or|to|with|too|night|morning|afternoon|evening)\b",
    re.I,
)
# "since sat", "on thurs", "from weds": after a preposition an abbreviation is a day ("last
# Fri" and "this Tues" are read by :mod:`._date_phrases`); "on thurs nights" is a habit.
_AFTER_PREPOSITION = re.compile(
    r"(?:(?<=\bon\s)|(?<=\bsince\s)|(?<=\bfrom\s)|(?<=\buntil\s)|(?<=\btill\s)|(?<=\bby\s))"
    rf"(?P<weekday>{_ABBR})\b\.?(?!\s+(?:mornings|afternoons|evenings|nights)\b)",
    re.I,
)
# "I saw him tues": these abbreviations are no other word ("wed", "sat", "sun" and "mon" are).
# Not a habit: "every weds", "on a thurs", "tues nights".
_ALONE = re.compile(
    r"(?<!\ba\s)(?<!\bevery\s)(?<!\beach\s)\b(?P<weekday>tues|weds|wednes|thurs|thur)\b\.?"
    r"(?!\s+(?:mornings|afternoons|evenings|nights)\b)",
    re.I,
)


def _texted_weekday(m: re.Match[str], ctx: Context) -> _Resolved:
    name = fold(m["weekday"])
    if name in _WORDLIKE and not _AFTER_WORDLIKE.match(m.string, m.end()):
        return None
    return _weekday(m, ctx)  # as "on Saturday"


def _weekend_before_last(m: re.Match[str], ctx: Context) -> _Resolved:
    # "the weekend before last": the one before last weekend, as "two weekends ago".
    return _saturday(ctx, -2), "week"


# "May the twenty-third", "July twentieth": a month, then its day as an ordinal word (not a
# number word: "in May twenty people came"). Capitalised for the verbs "may" and "march": "you
# may first want to" is no date.
_MONTH_ORDINAL = re.compile(
    rf"\b(?P<month>{_ANY_MONTH})\s+(?:the\s+)?(?P<ordinal>"
    + "|".join(w.replace("-", r"[-–\s]") for w in sorted(_ORDINAL_WORDS, key=len, reverse=True))
    + rf")(?:,?\s+{_YEAR})?(?!\w)",
    re.I,
)


def _month_ordinal(m: re.Match[str], ctx: Context) -> _Resolved:
    if fold(m["month"]) in ("may", "march") and not m["month"][0].isupper():
        return None
    month, day = _month_number(m["month"]), day_number(m["ordinal"])
    year = int(m["year"]) if m["year"] else _year_for(month, day, ctx)
    return datetime(year, month, day, tzinfo=UTC), "day"


#: Searched after :data:`._date_phrases.PATTERNS`, each with the cue classes it needs.
IDIOM_PATTERNS: list[DatePattern] = [
    _pattern(_AFTER_PREPOSITION, _texted_weekday, "weekday_abbreviation"),
    _pattern(_ALONE, _texted_weekday, "weekday_abbreviation"),
    _pattern(
        re.compile(r"\b(?:the\s+)?(?:weekend|wknd|wkend)\s+before\s+last\b", re.I),
        _weekend_before_last,
        "unit",
    ),
    _pattern(_MONTH_ORDINAL, _month_ordinal, *_MONTH_WORD),
]
