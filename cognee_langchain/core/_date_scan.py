"""Finding date phrases in text: sentence by sentence, each pattern of
:mod:`._date_phrases` with the word before it (the cue that makes "March" a date, the preposition
that gives its role), overlaps settled, impossible dates blocked with their parts.

Private: :mod:`~cognee_langchain.core.dates` is the public face.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta

from cognee_langchain.core import _date_phrases
from cognee_langchain.core._date_idioms import IDIOM_PATTERNS
from cognee_langchain.core._date_phrases import (
    _NUMBER,
    _WEEKDAY,
    _WEEKDAYS,
    BARE_MONTH,
    BARE_WEEKDAY,
    BARE_YEAR,
    CUE_WORDS,
    CUES,
    HOLIDAY,
    MAX_YEARS_AWAY,
    OFFSET,
    Context,
    DatePattern,
    DateRole,
    Grain,
    _count,
    fold,
    grain_end,
    offset_period,
)

__all__ = ["PATTERNS", "PhraseMatch", "cue_classes", "patterns_for", "scan", "scan_whole"]

#: Every date pattern, in the order they are searched.
PATTERNS: tuple[DatePattern, ...] = (*_date_phrases.PATTERNS, *IDIOM_PATTERNS)

# The word before a bare month or year that makes it a date ("in March", "since 2021"); without
# one, "May I ask" and "I have 2023 photos" stay words. "talked to April", "a painting by June"
# name people, so "to/and/or/by" make years dates but not months.
_MONTH_CUES = {
    "in", "since", "until", "till", "til", "before", "after", "during", "from", "of", "through",
    "throughout", "early", "late", "mid", "around", "between",
}  # fmt: skip
_YEAR_CUES = _MONTH_CUES | {"to", "and", "or", "by", "year", "summer", "winter", "spring", "fall"}
# A holiday is a date after these ("since Christmas", "over Easter break"), a topic otherwise ("I
# love Christmas", "Halloween costumes").
# "My last day was Good Friday": a holiday said to be when something was is that day.
_HOLIDAY_CUES = _MONTH_CUES | {"on", "at", "over", "for", "by", "around", "was", "is"}

# Prepositions that give a phrase its role; they become part of the phrase.
_ROLE_WORDS: dict[str, DateRole] = {
    "since": "since", "from": "on", "starting": "since", "starting in": "since",
    "starting on": "since", "as of": "since", "after": "after", "before": "before",
    "prior to": "before", "until": "until", "till": "until", "til": "until", "up to": "until",
    "up until": "until", "through": "until", "in": "on", "on": "on", "during": "on",
    "back in": "on", "around": "on",
    # close enough to be the date itself: "right after Labor Day"
    "right after": "on", "just after": "on", "straight after": "on", "soon after": "on",
    "shortly after": "on",
}  # fmt: skip
_ROLE_BEFORE = re.compile(
    r"(?:^|(?<=\W))(?P<word>"
    + "|".join(sorted((re.escape(w) for w in _ROLE_WORDS), key=len, reverse=True))
    + r")\s+(?:the\s+)?$",
    re.I,
)
_WORD_BEFORE = re.compile(r"(?<![A-Za-z])(?P<word>[A-Za-z]+)[\s-]+$")
# How far back the word before a phrase is looked for ("starting in the " is the longest).
_LOOKBACK = 24


@dataclass(frozen=True, slots=True)
class PhraseMatch:
    """One date phrase found in a text: where it is, what it says and how it is meant."""

    start: int
    end: int
    phrase: str
    at: datetime
    grain: Grain
    role: DateRole
    until: datetime  # exclusive end of the period


_EDGES = " \t\r\n.,;:!?\"'()[]"
# A sentence ends at . ! ? before a capital (so "Dec. 8" and "08.05.2023" stay whole) or a newline;
# a clause, read on its own for its tense, at ":" or ";" before a space ("news you will have
# guessed: we got engaged at Easter" is a past engagement; "10:30" stays whole).
_SENTENCE_END = re.compile(r"[.!?]+(?=\s+[A-Z\"“'‘(\[])|[:;](?=\s)|\n+")

# A present verb right before a date announces a day to come: "my last day is Sept 8", "the lease
# starts on the 1st", "the party is on Saturday". Not what recurs ("my birthday is on the 3rd",
# "we meet every Monday") nor the day itself ("today is Monday").
_ANNOUNCED = re.compile(
    r"(?<![\w'’])(?P<subject>\w+)\s+(?:is|are|starts|begins|ends|finishes|runs|opens|closes|"
    r"expires|falls|kicks\s+off)\s+(?:(?:on|in|from)\s+)?(?:the\s+)?$",
    re.I,
)
_NOT_ANNOUNCED = {"today", "tomorrow", "yesterday", "tonight", "it", "this", "that", "there"}
_RECURRING = re.compile(
    r"\b(?:birthdays?|b-?days?|anniversar(?:y|ies)|every|each|usually|always|normally|often)\b",
    re.I,
)


def _needs_cue(pattern: re.Pattern[str], m: re.Match[str], text: str) -> bool:
    """Whether a bare month or year lacks the word that would make it a date."""
    if pattern is BARE_MONTH:
        if m["which"]:
            return False
        word = _WORD_BEFORE.search(text, max(0, m.start() - _LOOKBACK), m.start())
        return not word or word["word"].lower() not in _MONTH_CUES
    if pattern is HOLIDAY:
        if m["which"]:
            return False
        word = _WORD_BEFORE.search(text, max(0, m.start() - _LOOKBACK), m.start())
        return not word or word["word"].lower() not in _HOLIDAY_CUES
    if pattern is BARE_YEAR:
        word = _WORD_BEFORE.search(text, max(0, m.start() - _LOOKBACK), m.start())
        return not word or word["word"].lower() not in _YEAR_CUES
    if pattern is BARE_WEEKDAY and not m["which"]:
        # "every Saturday" is a habit, "Black Friday" a name: neither is one day.
        word = _WORD_BEFORE.search(text, max(0, m.start() - _LOOKBACK), m.start())
        return word is not None and (
            word["word"].lower() in {"every", "each"} or word["word"].istitle()
        )
    return False


_WORD = re.compile(r"\w+")
_FOUR_DIGITS = re.compile(r"\d{4}")


def cue_classes(text: str) -> set[str]:
    """The :data:`CUES` classes ``text`` holds. ASCII text (nearly all) is read word by word,
    many times faster than the one alternation of every cue word, and the same: in ASCII a
    word boundary is the edge of a run of ``\\w`` and case folding is ``lower()``."""
    if not text.isascii():
        return {str(m.lastgroup) for m in CUES.finditer(text)}
    held = {CUE_WORDS[word] for word in CUE_WORDS.keys() & _WORD.findall(text.lower())}
    if _FOUR_DIGITS.search(text):
        held.add("digits")
    return held


def patterns_for(cues: set[str]) -> list[DatePattern]:
    """The patterns, in order, that can match a text holding the :data:`CUES` classes
    ``cues``: most sentences hold none and are searched with none."""
    return [entry for entry in PATTERNS if not entry.cues.isdisjoint(cues)]


def _candidates(
    sentence: str, offset: int, ctx: Context, patterns: Sequence[DatePattern]
) -> Iterator[PhraseMatch]:
    # Spans of impossible dates ("31 April 2023"): their parts ("April 2023") are no date either.
    # Patterns run longest form first, so a span is blocked before its parts are tried; a
    # pattern left out could match nothing, so it would have blocked nothing.
    blocked: list[tuple[int, int]] = []
    ahead: Context | None = None  # the sentence's context for a date announced ahead
    for pattern, resolve, _ in patterns:
        for m in pattern.finditer(sentence):
            if _needs_cue(pattern, m, sentence) or any(
                m.start() < end and start < m.end() for start, end in blocked
            ):
                continue
            here = ctx
            if _announced(sentence, m.start(), ctx):
                ahead = ahead or Context(ctx.reference, sentence, ctx.year, ahead=True)
                here = ahead
            try:
                resolved = resolve(m, here)
                if resolved is None:
                    continue
                at, grain = resolved
                until = grain_end(at, grain)
            except (ValueError, OverflowError):
                blocked.append(m.span())  # "February 30", a year past 9999: no such date
                continue
            if abs(at.year - ctx.reference.year) > MAX_YEARS_AWAY:
                blocked.append(m.span())
                continue
            start = m.start()
            role: DateRole = "on"
            lead = _ROLE_BEFORE.search(sentence, max(0, start - _LOOKBACK), start)
            if lead and not fold(m[0]).startswith("in "):
                role = _ROLE_WORDS[" ".join(fold(lead["word"]).split())]
                start = lead.start()
                offset_by = OFFSET.search(sentence, max(0, start - _LOOKBACK), start)
                if offset_by and role in ("before", "after"):
                    # "the week before 8 May": a period of its own, just before or after.
                    try:
                        at, grain, until = offset_period(offset_by, role, at, until)
                    except (ValueError, OverflowError):
                        blocked.append(m.span())  # past the calendar's ends
                        continue
                    role, start = "on", offset_by.start()
                    # "on the Tuesday before Christmas", "since the week after Easter"
                    lead = _ROLE_BEFORE.search(sentence, max(0, start - _LOOKBACK), start)
                    if lead and _ROLE_WORDS[" ".join(fold(lead["word"]).split())] not in (
                        "before",
                        "after",
                    ):
                        role = _ROLE_WORDS[" ".join(fold(lead["word"]).split())]
                        start = lead.start()
            phrase = sentence[start : m.end()]
            yield PhraseMatch(offset + start, offset + m.end(), phrase, at, grain, role, until)


def _announced(sentence: str, start: int, ctx: Context) -> bool:
    """Whether the date at ``start`` follows a present verb that announces it ("my last day is
    Sept 8") in a sentence that is not about the past or about what recurs."""
    verb = _ANNOUNCED.search(sentence, max(0, start - 40), start)
    return (
        verb is not None
        and fold(verb["subject"]) not in _NOT_ANNOUNCED
        and not ctx.past
        and not _RECURRING.search(sentence)
    )


def scan(text: str, reference: datetime, *, year: int | None = None) -> list[PhraseMatch]:
    """Every date phrase of ``text`` in text order, resolved against ``reference`` (tz-aware
    UTC). ``year``: the year of months and days named without one. Overlapping phrases keep the
    one that starts first, then the longest."""
    # Most texts name no time: one look at the whole text instead of every pattern on every
    # sentence (a sentence's edges are no part of a word, so it holds no cue the text lacks).
    cues = cue_classes(text)
    if not cues:
        return []
    found: list[PhraseMatch] = []
    starts = [0, *(end.end() for end in _SENTENCE_END.finditer(text))]
    for start, stop in zip(starts, [*starts[1:], len(text)], strict=True):
        body = text[start:stop]
        held = cues if len(starts) == 1 else cue_classes(body)  # one sentence: the text's
        if held:
            ctx = Context(reference, body, year)
            found.extend(_candidates(body, start, ctx, patterns_for(held)))
    found.sort(key=lambda p: (p.start, -(p.end - p.start)))
    kept: list[PhraseMatch] = []
    for match in found:
        if kept and match.start < kept[-1].end:
            continue
        kept.append(match)
    return _with_sequels(text, kept) if kept and _SEQUEL_WORDS.search(text) else kept


# A date told by the one before it in the text: "the day after", "the Monday after", "the
# following week", "the next day", "two weeks later" ("We met on the 11th of January and he
# called the day after."). Alone, they name no date: "after" what is the text before.
_SEQUEL = re.compile(
    rf"\b(?:the\s+(?P<unit>day|week|month|year|weekend|{_WEEKDAY})\s+after"
    rf"(?=\s*(?:[.,;:!?)]|$|\s+(?:and|but|so|then|that|I|we|he|she|they|it)\b))"
    rf"|the\s+(?:following|next)\s+(?P<next>day|week|month|year|weekend|{_WEEKDAY})\b"
    rf"|(?P<count>{_NUMBER})\s+(?P<counted>day|week|month|year)s?\s+later\b)",
    re.I,
)
_SEQUEL_WORDS = re.compile(r"\b(?:after|following|next|later)\b", re.I)
# The unit each word counts in, which is also the grain of the date it tells.
_SEQUEL_UNIT: dict[str, Grain] = {
    "day": "day",
    "week": "week",
    "weekend": "week",
    "month": "month",
    "year": "year",
}


def _with_sequels(text: str, kept: list[PhraseMatch]) -> list[PhraseMatch]:
    """``kept`` with the dates told by the one before them (:data:`_SEQUEL`), each resolved
    from the last date the text names before it; a date found inside one ("Monday" of "the
    Monday after") gives way to it, and is no date when nothing before anchors it; "the next
    month" with nothing before it is the coming month, as before."""
    sequels: list[PhraseMatch] = []
    spans: list[tuple[int, int]] = []
    for m in _SEQUEL.finditer(text):
        if m["unit"]:  # "the Monday after" is no Monday; "the next month" may be the coming one
            spans.append(m.span())
        anchor = next((p for p in reversed(kept) if p.end <= m.start()), None)
        if anchor is None:
            continue
        word = fold(m["unit"] or m["next"] or m["counted"])
        at = anchor.at
        if word in _WEEKDAYS:
            at += timedelta(days=(_WEEKDAYS[word] - at.weekday() - 1) % 7 + 1)
            grain: Grain = "day"
        else:
            count = _count(m["count"]) if m["count"] else 1
            grain = _SEQUEL_UNIT[word]
            at += relativedelta(**{f"{grain}s": count})
        sequels.append(PhraseMatch(m.start(), m.end(), m[0], at, grain, "on", grain_end(at, grain)))
    spans += [(p.start, p.end) for p in sequels]
    outside = [p for p in kept if not any(a <= p.start and p.end <= b for a, b in spans)]
    return sorted([*outside, *sequels], key=lambda p: p.start)


def scan_whole(text: str, reference: datetime, *, year: int | None = None) -> PhraseMatch | None:
    """The date ``text`` is when it is nothing but one date phrase, a bare month or year
    included ("March", "2022": a model's ``valid_at`` field, one side of a range), else
    ``None``. The phrase is the text without its surrounding spaces and punctuation."""
    start = len(text) - len(text.lstrip(_EDGES))
    phrase = text.strip(_EDGES)
    if not cue_classes(phrase):  # no pattern can match: spare the two scans
        return None
    for found in (scan(phrase, reference, year=year), scan(f"in {phrase}", reference, year=year)):
        if len(found) == 1 and found[0].phrase.endswith(phrase) and phrase:
            return replace(found[0], start=start, end=start + len(phrase), phrase=phrase)
    return None
