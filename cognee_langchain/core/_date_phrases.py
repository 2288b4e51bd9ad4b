"""The English date phrases :mod:`cognee_langchain.core.dates` reads, as regular expressions with
one resolver each (what a phrase means; :mod:`._date_scan` finds them in text).

Private: :mod:`~cognee_langchain.core.dates` is the public face. Every pattern is explicit
(month and weekday names, numbers in words, ISO and unambiguous numeric dates) because
``dateutil.parser`` finds a date in almost any free text ("I have 2023 photos", "mai"). When a
phrase could mean two dates it yields none: no date is better than a wrong one.

Over 500 lines because each pattern sits beside its resolver and the cue words it cannot match
without: split apart, a pattern would be read away from what it means and from the prefilter
that decides when it runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Literal, NamedTuple

from dateutil.relativedelta import relativedelta

from cognee_langchain.core._holidays import HOLIDAY_NAMES, holiday_date, nth_weekday
from cognee_langchain.core._tense import future_tense, past_tense, present_perfect

__all__ = [
    "BARE_MONTH",
    "BARE_WEEKDAY",
    "BARE_YEAR",
    "CUES",
    "CUE_WORDS",
    "HOLIDAY",
    "MAX_YEARS_AWAY",
    "OFFSET",
    "PATTERNS",
    "Context",
    "DatePattern",
    "DateRole",
    "Grain",
    "fold",
    "grain_end",
    "offset_period",
]

Grain = Literal["instant", "day", "week", "month", "year"]
DateRole = Literal["on", "since", "after", "before", "until"]

#: Dates further than this from the reference are skipped: a typo or a number, not a memory.
MAX_YEARS_AWAY = 200

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}  # fmt: skip
# Abbreviations count only next to a day or a year ("Mar 8", "Dec 2022"): alone, "Jan" is a name
# and "mar" Spanish for sea.
_MONTH_ABBREVIATIONS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}  # fmt: skip
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30,
}  # fmt: skip
# Vague counts: resolved to a likely count, their grain widened one step but for "a couple"
# (see _vague_ago).
_VAGUE_COUNTS = {"a few": 3, "a couple of": 2, "a couple": 2, "couple of": 2, "several": 3}
_UNITS = {"day": "day", "week": "week", "month": "month", "year": "year"}
# Texting spells units short: "2 wks ago", "last wknd", "a couple yrs back".
_UNIT_ALIASES = {"wk": "week", "mth": "month", "yr": "year", "wknd": "weekend", "wkend": "weekend"}

_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_ABBR = "|".join(sorted(_MONTH_ABBREVIATIONS, key=len, reverse=True))
_ANY_MONTH = rf"(?:{_MONTH}|(?:{_ABBR})\.?)"
_WEEKDAY = "|".join(_WEEKDAYS)
_WEEKDAY_ABBREVIATIONS = {
    "mon": 0, "tue": 1, "tues": 1, "wed": 2, "weds": 2, "wednes": 2, "thu": 3, "thur": 3,
    "thurs": 3, "fri": 4, "sat": 5, "sun": 6,
}  # fmt: skip
_WEEKDAY_ABBR = "|".join(sorted(_WEEKDAY_ABBREVIATIONS, key=len, reverse=True))
_WHICH = r"(?P<which>last|next|this\s+past|the\s+past|past|this)"
_NUMBER = r"\d{1,4}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
_VAGUE = "|".join(sorted(_VAGUE_COUNTS, key=len, reverse=True))
_UNIT = r"(?P<unit>day|week|month|year|wk|mth|yr)s?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"


# The letters case-insensitive matching takes for ASCII ones (dotless and dotted i, long s, the
# Kelvin sign): a phrase the patterns match with them is looked up as if written in ASCII.
_ASCII_FOLDS = str.maketrans({"ı": "i", "İ": "i", "ſ": "s", "\u212a": "k"})


def fold(text: str) -> str:
    """``text`` in lower case as the patterns' ``re.I`` matching reads it: the key to look a
    matched word up by ("ſaturday" matches the Saturday pattern and is "saturday")."""
    return text.translate(_ASCII_FOLDS).lower()


class Context:
    """What a resolver needs besides its match: the reference, the sentence's tense (read only
    when a resolver asks), and a year given elsewhere ("between May and July 2023" lends 2023 to
    May)."""

    def __init__(
        self, reference: datetime, sentence: str, year: int | None, *, ahead: bool = False
    ) -> None:
        self.reference = reference
        self.sentence = sentence
        self.year = year
        # A date announced by the present verb right before it ("my last day is Sept 8", "the
        # lease starts on the 1st"): the next such day, whatever the rest of the sentence says.
        self.ahead = ahead

    @cached_property
    def future(self) -> bool:
        return self.ahead or future_tense(self.sentence)

    @cached_property
    def past(self) -> bool:
        return not self.ahead and past_tense(self.sentence)

    @cached_property
    def lasting(self) -> bool:
        """A state that began and still holds: "I've lived here for two years"."""
        return present_perfect(self.sentence) and not self.future


_Resolved = tuple[datetime, Grain] | None
_Resolver = Callable[[re.Match[str], Context], _Resolved]


def grain_end(at: datetime, grain: Grain) -> datetime:
    """The exclusive end of the period of ``grain`` that starts at ``at``."""
    if grain == "instant":
        return at
    if grain == "day":
        return at + timedelta(days=1)
    if grain == "week":
        return at + timedelta(weeks=1)
    if grain == "month":
        return at + relativedelta(months=1)
    return at + relativedelta(years=1)


def _day_start(when: datetime) -> datetime:
    return when.replace(hour=0, minute=0, second=0, microsecond=0)


def _period_start(when: datetime, grain: Grain) -> datetime:
    """The calendar period of ``grain`` containing ``when`` (weeks start on Monday)."""
    day = _day_start(when)
    if grain == "week":
        return day - timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    if grain == "year":
        return day.replace(month=1, day=1)
    return day


def _unit(m: re.Match[str]) -> str:
    """The unit ``m`` names, in full ("wks" -> "week")."""
    word = fold(m["unit"])
    return _UNIT_ALIASES.get(word, word)


def _count(word: str) -> int:
    word = fold(word)
    return int(word) if word.isdigit() else _NUMBER_WORDS[word]


def _month_number(word: str) -> int:
    word = fold(word).rstrip(".")
    return _MONTHS.get(word) or _MONTH_ABBREVIATIONS[word]


def _year_for(month: int, day: int, ctx: Context) -> int:
    """The year of a month (and day) named without one: the most recent not after the reference,
    or the next one not before it in a sentence about the future."""
    if ctx.year is not None:
        return ctx.year
    ref = ctx.reference
    if ctx.future:
        return ref.year if (month, day) >= (ref.month, ref.day) else ref.year + 1
    return ref.year if (month, day) <= (ref.month, ref.day) else ref.year - 1


def _shift(ctx: Context, unit: str, count: int) -> datetime:
    return ctx.reference + relativedelta(**{f"{unit}s": count})


# --- resolvers: each returns (start of period, grain) or None when the phrase is no date -------


def _iso(m: re.Match[str], ctx: Context) -> _Resolved:
    year, month, day = int(m["year"]), int(m["month"]), int(m["day"])
    if m["hour"] is None:
        return datetime(year, month, day, tzinfo=UTC), "day"
    second = int(m["second"] or 0)
    naive = datetime(year, month, day, int(m["hour"]), int(m["minute"]), second)
    if m["zone"] in (None, "Z", "z"):
        return naive.replace(tzinfo=UTC), "instant"
    return datetime.fromisoformat(f"{naive.isoformat()}{m['zone']}").astimezone(UTC), "instant"


def _ymd(m: re.Match[str], ctx: Context) -> _Resolved:
    return datetime(int(m["year"]), int(m["month"]), int(m["day"]), tzinfo=UTC), "day"


def _numeric(m: re.Match[str], ctx: Context) -> _Resolved:
    # 08/05/2023 is 8 May in most of the world and August 5 in the US: read it only when one
    # reading is impossible (a part over 12) or both agree.
    first, second, year = int(m["first"]), int(m["second"]), int(m["year"])
    if first > 12 >= second:
        day, month = first, second
    elif second > 12 >= first or first == second:
        month, day = first, second
    else:
        return None
    return datetime(year, month, day, tzinfo=UTC), "day"


def _day_month(m: re.Match[str], ctx: Context) -> _Resolved:
    month, day = _month_number(m["month"]), int(m["day"])
    year = int(m["year"]) if m["year"] else _year_for(month, day, ctx)
    return datetime(year, month, day, tzinfo=UTC), "day"


def _month_year(m: re.Match[str], ctx: Context) -> _Resolved:
    return datetime(int(m["year"]), _month_number(m["month"]), 1, tzinfo=UTC), "month"


def _bare_month(m: re.Match[str], ctx: Context) -> _Resolved:
    month = _month_number(m["month"])
    which = fold(m["which"] or "")
    ref = ctx.reference
    if which == "last":
        year = ref.year if month < ref.month else ref.year - 1
    elif which == "next":
        year = ref.year if month > ref.month else ref.year + 1
    elif which == "this":
        year = ref.year
    else:
        year = _year_for(month, 1, ctx)
    return datetime(year, month, 1, tzinfo=UTC), "month"


def _year(m: re.Match[str], ctx: Context) -> _Resolved:
    return datetime(int(m["year"]), 1, 1, tzinfo=UTC), "year"


# Holidays ("since Christmas", "at Easter", "on Mother's Day"): see :mod:`._holidays`. A year
# after one says which: "since Valentine's Day last year", "at Easter 2019".
HOLIDAY = re.compile(
    rf"\b(?:(?P<which>last|next|this)\s+)?(?:the\s+)?(?P<holiday>{HOLIDAY_NAMES})\b"
    rf"(?:\s+(?P<when>last|this|next)\s+year\b|,?\s+{_YEAR}\b)?",
    re.I,
)


def _holiday(m: re.Match[str], ctx: Context) -> _Resolved:
    """The most recent such day not after the reference ("last Christmas", and "this
    Christmas" said of the past); the next one for "next Christmas" or in a sentence about the
    future."""
    name, which = m["holiday"], fold(m["which"] or "")
    if name == "Nye":
        return None  # a surname ("a talk by Nye"); New Year's Eve is texted "NYE" or "nye"
    ref = ctx.reference.date()
    year = ctx.year
    if m["year"]:
        year = int(m["year"])
    elif m["when"]:
        year = ref.year + {"last": -1, "this": 0, "next": 1}[fold(m["when"])]
    this = holiday_date(name, year if year is not None else ref.year)
    if year is not None:
        day = this
    elif which == "last" or (which != "next" and not ctx.future):
        before = this < ref if which == "last" else this <= ref
        day = this if before else holiday_date(name, ref.year - 1)
    else:
        after = this > ref if which == "next" else this >= ref
        day = this if after else holiday_date(name, ref.year + 1)
    return datetime(day.year, day.month, day.day, tzinfo=UTC), "day"


_DAY_WORDS = {
    "the day before yesterday": -2, "day before yesterday": -2, "yesterday": -1,
    "last night": -1, "today": 0, "tonight": 0, "this morning": 0, "this afternoon": 0,
    "this evening": 0, "earlier today": 0, "tomorrow": 1, "the day after tomorrow": 2,
    "day after tomorrow": 2,
}  # fmt: skip


def _day_word(m: re.Match[str], ctx: Context) -> _Resolved:
    offset = _DAY_WORDS[" ".join(fold(m[0]).split())]
    return _day_start(ctx.reference) + timedelta(days=offset), "day"


def _which(m: re.Match[str]) -> str:
    """ "last", "next", "this" or "" ("this past week" and "the past week" are last week)."""
    which = fold(m.groupdict().get("which") or "")  # patterns without the group: none said
    return "last" if "past" in which else which


def _saturday(ctx: Context, weeks: int) -> datetime:
    # A weekend as its Saturday: that of the current week (Monday to Sunday), moved by weeks.
    return _period_start(ctx.reference, "week") + timedelta(days=5, weeks=weeks)


def _relative_period(m: re.Match[str], ctx: Context) -> _Resolved:
    which = _which(m)
    unit = _unit(m)
    step = {"last": -1, "this": 0, "next": 1}[which]
    if unit == "weekend":
        return _saturday(ctx, step), "week"  # with a week's grain: the period holds the Sunday
    grain: Grain = _UNITS[unit]  # type: ignore[assignment]
    return _period_start(_shift(ctx, unit, step), grain), grain


def _weekday(m: re.Match[str], ctx: Context) -> _Resolved:
    name = fold(m["weekday"])
    target = _WEEKDAYS[name] if name in _WEEKDAYS else _WEEKDAY_ABBREVIATIONS[name]
    which = _which(m)
    today = _day_start(ctx.reference)
    if which == "this":
        day = _period_start(today, "week") + timedelta(days=target)
        # This week's day, unless the tense says the other side of today: "classes started
        # this Saturday" said on a Monday is two days ago, "I'll see her this Monday" said on a
        # Wednesday is five days ahead.
        if day > today and ctx.past:
            return day - timedelta(weeks=1), "day"
        if day < today and ctx.future:
            return day + timedelta(weeks=1), "day"
        return day, "day"
    if which == "next" or (not which and ctx.future):
        ahead = (target - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead), "day"
    # "last Saturday" and "on Saturday": the most recent one before today.
    back = (today.weekday() - target) % 7 or 7
    return today - timedelta(days=back), "day"


def _counted(m: re.Match[str], ctx: Context, sign: int) -> _Resolved:
    unit = _unit(m)
    grain: Grain = _UNITS[unit]  # type: ignore[assignment]
    return _period_start(_shift(ctx, unit, sign * _count(m["count"])), grain), grain


def _ago(m: re.Match[str], ctx: Context) -> _Resolved:
    return _counted(m, ctx, -1)


def _fortnights_ago(m: re.Match[str], ctx: Context) -> _Resolved:
    return _period_start(ctx.reference - timedelta(weeks=2 * _count(m["count"])), "week"), "week"


def _the_weekend(m: re.Match[str], ctx: Context) -> _Resolved:
    # The weekend under way on a Saturday or Sunday, else the one just gone.
    return _saturday(ctx, 0 if ctx.reference.weekday() >= 5 else -1), "week"


def _year_before_last(m: re.Match[str], ctx: Context) -> _Resolved:
    return _period_start(_shift(ctx, "year", -2), "year"), "year"


def _this_time_last_year(m: re.Match[str], ctx: Context) -> _Resolved:
    # "this time last year": the week a year before the reference's
    return _period_start(_shift(ctx, "year", -1), "week"), "week"


def _week_before_last(m: re.Match[str], ctx: Context) -> _Resolved:
    return _period_start(_shift(ctx, "week", -2), "week"), "week"


def _last_weekday(m: re.Match[str], ctx: Context) -> datetime:
    """The most recent day named by ``m["weekday"]`` before the reference's day."""
    today = _day_start(ctx.reference)
    return today - timedelta(days=(today.weekday() - _WEEKDAYS[fold(m["weekday"])]) % 7 or 7)


def _weekday_before_last(m: re.Match[str], ctx: Context) -> _Resolved:
    # "Friday before last": the Friday before last Friday.
    return _last_weekday(m, ctx) - timedelta(weeks=1), "day"


def _weekday_last(m: re.Match[str], ctx: Context) -> _Resolved:
    # "Sunday just gone", "Saturday last", "the Monday past" (Irish and Scottish): the most
    # recent one before today, whatever the tense around it.
    return _last_weekday(m, ctx), "day"


# "the first Monday in November", "the last week of May": which of a month's.
_NTH = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1}


def _nth_week(m: re.Match[str], ctx: Context) -> _Resolved:
    month = _month_number(m["month"])
    year = int(m["year"]) if m["year"] else _year_for(month, 1, ctx)
    first = datetime(year, month, 1, tzinfo=UTC)
    nth = _NTH[fold(m["nth"])]
    if nth < 0:
        return _in_month("end", first), "week"
    return first + timedelta(weeks=nth - 1), "week"


def _weekdays_ago(m: re.Match[str], ctx: Context) -> _Resolved:
    # "three Saturdays ago": last Saturday is one Saturday ago.
    return _last_weekday(m, ctx) - timedelta(weeks=_count(m["count"]) - 1), "day"


_PART = r"(?P<part>start|beginning|middle|end)"
# "the end of September", "at the start of April", "since the middle of May 2023": a week.
# Also "end of Feb" and, in dialect, "end o' April"; "the end of Jan's shift" names a person.
PART_OF_MONTH = re.compile(
    rf"\b(?:the\s+)?{_PART}\s+(?:of|o['’])\s+(?:(?P<which>last|next|this)\s+)?"
    rf"(?P<month>{_ANY_MONTH})(?!['’]\w)(?:,?\s+{_YEAR})?(?!\w)",
    re.I,
)
# "the end of last year", "the start of this month".
PART_OF_PERIOD = re.compile(
    rf"\b(?:the\s+)?{_PART}\s+of\s+(?P<which>last|next|this|the)\s+(?P<unit>month|year)\b", re.I
)


def _in_month(part: str, start: datetime) -> datetime:
    """The week a part of the month starting at ``start`` names: its first, one around the
    15th, its last seven days."""
    if part in ("start", "beginning"):
        return start
    if part == "middle":
        return start.replace(day=11)
    return start + relativedelta(months=1) - timedelta(days=7)


def _part_of_month(m: re.Match[str], ctx: Context) -> _Resolved:
    month = _month_number(m["month"])
    start = datetime(int(m["year"]), month, 1, tzinfo=UTC) if m["year"] else None
    if start is None:
        resolved = _bare_month(m, ctx)
        assert resolved is not None  # a month always resolves
        start = resolved[0]
    return _in_month(fold(m["part"]), start), "week"


def _part_of_period(m: re.Match[str], ctx: Context) -> _Resolved:
    which, part = fold(m["which"]), fold(m["part"])
    step = {"last": -1, "next": 1}.get(which, 0)
    if fold(m["unit"]) == "month":
        return _in_month(part, _period_start(_shift(ctx, "month", step), "month")), "week"
    year = ctx.reference.year + step
    month = {"start": 1, "beginning": 1, "middle": 6}.get(part, 12)
    return datetime(year, month, 1, tzinfo=UTC), "month"


_ORDINAL_WORDS = {
    word: number
    for number, word in enumerate(
        (
            "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
            "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
            "seventeenth", "eighteenth", "nineteenth", "twentieth", "twenty-first",
            "twenty-second", "twenty-third", "twenty-fourth", "twenty-fifth", "twenty-sixth",
            "twenty-seventh", "twenty-eighth", "twenty-ninth", "thirtieth", "thirty-first",
        ),
        start=1,
    )
}  # fmt: skip
# Days said as numbers ("the twenty of July", heard in speech): ten and over only, for "the two
# of June" and "the three of May" are more often people.
_DAY_NUMBER_WORDS = {
    word: number
    for number, word in enumerate(
        (
            "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
            "eighteen", "nineteen", "twenty", "twenty-one", "twenty-two", "twenty-three",
            "twenty-four", "twenty-five", "twenty-six", "twenty-seven", "twenty-eight",
            "twenty-nine", "thirty", "thirty-one",
        ),
        start=10,
    )
}  # fmt: skip
_DAY_WORDS_BY_NAME = _ORDINAL_WORDS | _DAY_NUMBER_WORDS
# "twenty-third", "twenty third", "twenty–third": one day.
ORDINAL_WORD = "|".join(
    word.replace("-", r"[-–\s]") for word in sorted(_DAY_WORDS_BY_NAME, key=len, reverse=True)
)
_ORDINAL_DAY = rf"(?P<ordinal>last\s+day|(?:{ORDINAL_WORD}|\d{{1,2}}(?:st|nd|rd|th))(?:\s+day)?)"
# "the first of December", "the twenty-third of May", "the fifth of this month", "the last day
# of April", "the first of the month", "the 1st day of Feb".
ORDINAL_OF_MONTH = re.compile(
    rf"\b(?:the\s+)?{_ORDINAL_DAY}\s+of\s+"
    rf"(?:(?P<month>{_ANY_MONTH})(?!['’]\w)(?:,?\s+{_YEAR})?|(?P<which>last|this|next|the)\s+month)"
    r"(?!\w)",
    re.I,
)


def day_number(word: str) -> int:
    """The day of the month an ordinal names: "23rd", "twenty third", "twenty"; -1 for "last
    day"."""
    word = re.sub(r"[-–\s]+", "-", fold(word)).removesuffix("-day")
    if word == "last":
        return -1
    return int(word[:-2]) if word[0].isdigit() else _DAY_WORDS_BY_NAME[word]


def _month_day(month: datetime, day: int) -> datetime:
    """Day ``day`` of the month starting at ``month``; -1: its last day."""
    return month + relativedelta(months=1, days=-1) if day < 0 else month.replace(day=day)


def _ordinal_of_month(m: re.Match[str], ctx: Context) -> _Resolved:
    day = day_number(m["ordinal"])
    which = fold(m["which"] or "")
    if which == "the":  # "since the first of the month": the latest not after the reference
        when = recent_day_of_month(ctx, day)
        return None if when is None else (when, "day")
    if which:  # "the fifth of this month"
        step = {"last": -1, "this": 0, "next": 1}[which]
        return _month_day(_period_start(_shift(ctx, "month", step), "month"), day), "day"
    month = _month_number(m["month"])
    year = int(m["year"]) if m["year"] else None
    if day < 0:
        last = _month_day(datetime(year or ctx.reference.year, month, 1, tzinfo=UTC), -1)
        day = last.day
    if year is None:
        year = _year_for(month, day, ctx)
    return datetime(year, month, day, tzinfo=UTC), "day"


# "the first Monday in November", "the last Friday of June", "the second weekend in October".
NTH_WEEKDAY = re.compile(
    rf"\bthe\s+(?P<nth>first|second|third|fourth|last)\s+(?P<weekday>{_WEEKDAY}|weekend)\s+"
    rf"(?:in|of)\s+(?P<month>{_MONTH})(?:,?\s+{_YEAR})?\b",
    re.I,
)


def _nth_weekday(m: re.Match[str], ctx: Context) -> _Resolved:
    name = fold(m["weekday"])
    # A weekend is known by its Saturday, with a week's grain (it holds the Sunday too).
    month, weekday = _month_number(m["month"]), _WEEKDAYS.get(name, _WEEKDAYS["saturday"])
    year = int(m["year"]) if m["year"] else _year_for(month, 1, ctx)
    day = nth_weekday(year, month, weekday, _NTH[fold(m["nth"])])
    grain: Grain = "day" if name in _WEEKDAYS else "week"
    return datetime(day.year, day.month, day.day, tzinfo=UTC), grain


# "last summer", "in the spring", "this winter", "the autumn of 2021": a season of the northern
# hemisphere's calendar, dated by its middle month (the nearest a month's grain comes to it).
_SEASON_MIDDLE = {"spring": 4, "summer": 7, "autumn": 10, "fall": 10, "winter": 1}
SEASON = re.compile(
    r"\b(?:(?P<which>last|this|next)\s+|(?:in|during|over|since)\s+the\s+|the\s+(?=\w+\s+of\s+\d))"
    rf"(?P<season>spring|summer|autumn|fall|winter)(?:\s+(?:of\s+)?{_YEAR})?\b",
    re.I,
)


# "the summer before last": the one before last summer.
SEASON_BEFORE_LAST = re.compile(
    r"\bthe\s+(?P<season>spring|summer|autumn|fall|winter)\s+before\s+last\b", re.I
)


def _season(m: re.Match[str], ctx: Context) -> _Resolved:
    return _season_at(m["season"], m["which"] or "", m["year"], ctx)


def _season_before_last(m: re.Match[str], ctx: Context) -> _Resolved:
    last, grain = _season_at(m["season"], "last", None, ctx)
    return last.replace(year=last.year - 1), grain


def _season_at(
    season: str, which: str, year_given: str | None, ctx: Context
) -> tuple[datetime, Grain]:
    middle = _SEASON_MIDDLE[fold(season)]
    if year_given:
        # Winter straddles the new year: "the winter of 2021" is the one that began in it.
        year = int(year_given) + (middle == 1)
        return datetime(year, middle, 1, tzinfo=UTC), "month"
    ref = ctx.reference
    # The season's middle month in the year it last began by the reference (winter's January
    # belongs to the December before it).
    year = ref.year + (middle == 1 and ref.month == 12)
    if (year, middle - 1) > (ref.year, ref.month):
        year -= 1
    current = ref.month in (middle - 1, middle, middle + 1) or (middle == 1 and ref.month == 12)
    which = fold(which)
    if which == "last" and current:
        year -= 1  # said during a summer, "last summer" is the one before
    elif which == "next" or (which != "last" and not current and ctx.future):
        year += 1
    return datetime(year, middle, 1, tzinfo=UTC), "month"


# A day of the month alone, "on the 18th", "by the 31st": never before a noun ("the 3rd
# floor", "the 2nd time") or a month (read above).
# Without "the" after "from" or "since" ("from 1st", as British English writes it).
BARE_DAY = re.compile(
    r"(?:\bthe\s+|(?<=\bfrom\s)|(?<=\bsince\s))(?P<day>\d{1,2})(?:st|nd|rd|th)\b"
    r"(?=\s*(?:[.,;:!?)]|$|\s+(?:and|but|so|at|in|when|after|before|because|then|was|is|I|we|he|"
    r"she|they|it|for|or|to|with|from|"
    # "came on the 2nd itself", "on the 18th already"
    r"itself|already|too|just|only|exactly|actually)\b))",
    re.I,
)


def recent_day_of_month(ctx: Context, day: int) -> datetime | None:
    """The latest day ``day`` (-1: the last day) of a month not after the reference (the next
    one not before it in a sentence about the future); a day no month of the last three has is
    no date."""
    step = 1 if ctx.future else -1
    month = _period_start(ctx.reference, "month")
    today = _day_start(ctx.reference)
    for _ in range(3):
        try:
            when = _month_day(month, day)
        except ValueError:  # the 31st of a month of 30 days
            month += relativedelta(months=step)
            continue
        if (when <= today) if step < 0 else (when >= today):
            return when
        month += relativedelta(months=step)
    return None


def _bare_day(m: re.Match[str], ctx: Context) -> _Resolved:
    when = recent_day_of_month(ctx, int(m["day"]))
    return None if when is None else (when, "day")


def _weekends_ago(m: re.Match[str], ctx: Context) -> _Resolved:
    return _saturday(ctx, -_count(m["count"])), "week"  # "a weekend ago" is last weekend


def _lasted(m: re.Match[str], ctx: Context) -> _Resolved:
    # "I've lived here for two years": since two years back. Elsewhere "for two years" is a
    # length of time ("I lived there for two years", "I'm away for two weeks"), not a date.
    return _counted(m, ctx, -1) if ctx.lasting else None


def _ahead(m: re.Match[str], ctx: Context) -> _Resolved:
    if fold(m[0][:2]) == "in" and ctx.past and not ctx.future:
        return None  # "I finished it in two days": a duration, not a date
    return _counted(m, ctx, 1)


_ONE = {
    "week": relativedelta(weeks=1),
    "month": relativedelta(months=1),
    "year": relativedelta(years=1),
}
_WIDER: dict[str, Grain] = {"day": "week", "week": "month", "month": "year", "year": "year"}


def _vague_ago(m: re.Match[str], ctx: Context) -> _Resolved:
    # "a few days ago": the period of the next wider grain ending today (the past week), which
    # holds every day "a few" can mean; years have no wider grain, so the likely year is kept.
    # "A couple" is said for two: "a couple of days ago" is the day before yesterday.
    unit = _unit(m)
    if "couple" in fold(m["count"]):
        grain: Grain = _UNITS[unit]  # type: ignore[assignment]
        return _period_start(_shift(ctx, unit, -2), grain), grain
    grain = _WIDER[unit]
    if unit == "year":
        return _period_start(_shift(ctx, "year", -_VAGUE_COUNTS[fold(m["count"])]), grain), grain
    today = _day_start(ctx.reference)
    return today - _ONE[grain], grain


def _other_day(m: re.Match[str], ctx: Context) -> _Resolved:
    today = _day_start(ctx.reference)
    return today - timedelta(weeks=1), "week"


# Months, years and weekdays that may stand alone: the scan asks for a cue word before them.
BARE_MONTH = re.compile(rf"\b(?:(?P<which>last|next|this)\s+)?(?P<month>{_MONTH})\b", re.I)
BARE_YEAR = re.compile(rf"\b{_YEAR}\b(?![.,:/-]?\d)")
# Not a habit: "on a Tuesday", "every Friday", "on Thursday nights" name no one day.
BARE_WEEKDAY = re.compile(
    rf"(?<!\ba\s)(?<!\bevery\s)(?<!\beach\s)\b(?:{_WHICH}\s+)?(?P<weekday>{_WEEKDAY})\b"
    r"(?!\s+(?:mornings|afternoons|evenings|nights)\b)",
    re.I,
)


def _ordinal(day: int) -> str:
    """ "1st", "2nd", "11th", "23rd"."""
    suffix = "th" if day // 10 == 1 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


# The words (or four digits: class "digits") without which a pattern cannot match, by class:
# a text holding none of a pattern's classes is not searched with it. No word is in two classes.
_CUE_CLASSES: dict[str, tuple[str, ...]] = {
    "month": tuple(_MONTHS),
    "abbreviation": tuple(_MONTH_ABBREVIATIONS),
    "weekday": tuple(_WEEKDAYS),
    "weekday_abbreviation": tuple(_WEEKDAY_ABBREVIATIONS),
    "day_word": (
        "yesterday", "today", "tonight", "tomorrow", "night", "morning", "afternoon", "evening"
    ),
    "unit": tuple(
        word
        for unit in ("day", "week", "weekend", "month", "year", *_UNIT_ALIASES)
        for word in (unit, f"{unit}s")
    ),
    "ago": ("ago", "back"),
    "holiday": (
        "valentine", "valentines", "halloween", "christmas", "xmas", "easter", "whitsun",
        "pentecost", "pfingsten", "thanksgiving", "hogmanay", "bonfire", "fawkes", "patricks",
        "patrick", "anzac", "waitangi", "bastille", "nye", "midsummer", "midsummers",
    ),
    "season": ("spring", "summer", "autumn", "fall", "winter"),
    # A day of the month by its ordinal alone: "on the 18th".
    "day_number": tuple(_ordinal(day) for day in range(1, 32)),
}  # fmt: skip
#: Lower-case cue word -> its class.
CUE_WORDS: dict[str, str] = {word: kind for kind, words in _CUE_CLASSES.items() for word in words}
#: The cues as one pattern, each class a named group: how a text that is not ASCII is read, by
#: the same engine (word boundaries, case folding) as the patterns themselves.
CUES = re.compile(
    r"(?P<digits>\d{4})|\b(?:"
    + "|".join(
        f"(?P<{kind}>{'|'.join(sorted(words, key=len, reverse=True))})"
        for kind, words in _CUE_CLASSES.items()
    )
    + r")\b",
    re.I,
)


class DatePattern(NamedTuple):
    """A date phrase's pattern, its resolver, and the :data:`CUES` classes one of which each
    of its matches holds."""

    pattern: re.Pattern[str]
    resolve: _Resolver
    cues: frozenset[str]


def _pattern(pattern: re.Pattern[str], resolve: _Resolver, *cues: str) -> DatePattern:
    return DatePattern(pattern, resolve, frozenset(cues))


_MONTH_WORD = ("month", "abbreviation")  # a day and month: "8 May", "Dec 8th"

# Longest forms first: overlapping matches keep the one that starts first, then the longest.
PATTERNS: list[DatePattern] = [
    _pattern(
        re.compile(
            r"\b(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"
            r"(?:[T ](?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d+)?)?"
            r"(?P<zone>[Zz]|[+-]\d{2}:?\d{2})?)?(?![\d-])"
        ),
        _iso,
        "digits",
    ),
    _pattern(
        re.compile(r"(?<![\d/.])(?P<year>\d{4})/(?P<month>\d{1,2})/(?P<day>\d{1,2})(?![\d/])"),
        _ymd,
        "digits",
    ),
    _pattern(
        re.compile(
            r"(?<![\d/.])(?P<first>\d{1,2})([/.])(?P<second>\d{1,2})\2(?P<year>\d{4})(?![\d/])"
        ),
        _numeric,
        "digits",
    ),
    _pattern(
        re.compile(
            rf"\b(?:the\s+)?{_DAY}(?:\s+of)?\s+(?P<month>{_ANY_MONTH})(?:,?\s+{_YEAR})?(?!\w)", re.I
        ),
        _day_month,
        *_MONTH_WORD,
    ),
    _pattern(
        re.compile(
            rf"\b(?P<month>{_ANY_MONTH})\s+(?:the\s+)?{_DAY}(?![\d:])\b(?:,?\s+{_YEAR}\b)?", re.I
        ),
        _day_month,
        *_MONTH_WORD,
    ),
    _pattern(
        re.compile(rf"\b(?P<month>{_ANY_MONTH}),?\s+(?:of\s+)?{_YEAR}\b", re.I),
        _month_year,
        "digits",
    ),
    # "new year" and "labor day" hold a unit word, "fourth of july" a month, "good friday" a
    # weekday.
    _pattern(HOLIDAY, _holiday, "holiday", "unit", "month", "weekday"),
    _pattern(PART_OF_MONTH, _part_of_month, *_MONTH_WORD),
    _pattern(PART_OF_PERIOD, _part_of_period, "unit"),
    _pattern(ORDINAL_OF_MONTH, _ordinal_of_month, *_MONTH_WORD, "unit"),
    _pattern(NTH_WEEKDAY, _nth_weekday, "weekday", "unit"),
    _pattern(SEASON_BEFORE_LAST, _season_before_last, "season"),
    _pattern(SEASON, _season, "season"),
    _pattern(BARE_DAY, _bare_day, "day_number"),
    _pattern(BARE_MONTH, _bare_month, "month"),
    _pattern(BARE_YEAR, _year, "digits"),
    _pattern(
        re.compile(
            r"\b(?:the\s+)?day\s+(?:before\s+yesterday|after\s+tomorrow)\b|\byesterday\b|\btoday\b"
            r"|\btonight\b|\btomorrow\b|\blast\s+night\b|\bthis\s+(?:morning|afternoon|evening)\b"
            r"|\bearlier\s+today\b",
            re.I,
        ),
        _day_word,
        "day_word",
    ),
    _pattern(
        re.compile(rf"\b{_WHICH}\s+(?P<unit>week|weekend|month|year|wknd|wkend|wk|mth|yr)\b", re.I),
        _relative_period,
        "unit",
    ),
    # "Sunday just gone", "Sunday gone", "Saturday last" (formal British English), "the Monday
    # past" (Irish, Scottish): the most recent one. Not "Friday past noon", "Monday past the
    # deadline".
    _pattern(
        re.compile(
            # "Sunday gone" too (not "Sunday gone wrong")
            rf"\b(?:the\s+)?(?P<weekday>{_WEEKDAY})\s+(?:(?:just\s+)?gone\b(?!\s+(?:wrong|bad|by)\b)"
            r"|last\b(?!\s+(?:week|month|year)\b)|past\b(?!\s+(?:noon|midnight|the|a|an|\w*\d"
            r"|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|half|quarter)\b))",
            re.I,
        ),
        _weekday_last,
        "weekday",
    ),
    _pattern(
        re.compile(rf"\b(?P<weekday>{_WEEKDAY})\s+before\s+last\b", re.I),
        _weekday_before_last,
        "weekday",
    ),
    # "the first week of February", "the last week of May": that week.
    _pattern(
        re.compile(
            rf"\bthe\s+(?P<nth>first|second|third|fourth|last)\s+week\s+(?:of|in)\s+"
            rf"(?P<month>{_MONTH})(?:,?\s+{_YEAR})?\b",
            re.I,
        ),
        _nth_week,
        "month",
    ),
    # "since three weeks" (as German, French and Spanish speakers say it): three weeks ago.
    _pattern(
        re.compile(rf"\bsince\s+(?P<count>{_NUMBER})\s+{_UNIT}\b(?!\s+ago)", re.I),
        _ago,
        "unit",
    ),
    _pattern(
        re.compile(rf"\b(?P<count>{_NUMBER})\s+(?P<weekday>{_WEEKDAY})s\s+(?:ago|back)\b", re.I),
        _weekdays_ago,
        "ago",
    ),
    _pattern(BARE_WEEKDAY, _weekday, "weekday"),
    # "last Fri": abbreviations only after last/next/this ("I sat", "the Sun").
    _pattern(
        re.compile(rf"\b{_WHICH}\s+(?P<weekday>{_WEEKDAY_ABBR})\b\.?", re.I),
        _weekday,
        "weekday_abbreviation",
    ),
    _pattern(
        re.compile(rf"\b(?P<count>{_NUMBER})\s+(?:weekend|wknd|wkend)s?\s+ago\b", re.I),
        _weekends_ago,
        "ago",
    ),
    # British, Irish and Australian English count in fortnights.
    _pattern(
        re.compile(rf"\b(?P<count>{_NUMBER})\s+fortnights?\s+ago\b", re.I), _fortnights_ago, "ago"
    ),
    _pattern(re.compile(r"\b(?:the\s+)?week\s+before\s+last\b", re.I), _week_before_last, "unit"),
    # "back" as "ago": "a month back", "Three weeks back".
    _pattern(
        re.compile(rf"\b(?P<count>{_VAGUE})\s+{_UNIT}\s+(?:ago|back)\b", re.I), _vague_ago, "ago"
    ),
    _pattern(re.compile(rf"\b(?P<count>{_NUMBER})\s+{_UNIT}\s+(?:ago|back)\b", re.I), _ago, "ago"),
    _pattern(re.compile(r"\bthe\s+other\s+day\b", re.I), _other_day, "unit"),
    # "a month or so ago", "a week or two back": the first count, roughly.
    _pattern(
        re.compile(
            rf"\b(?P<count>{_NUMBER})\s+{_UNIT}\s+or\s+(?:so|two|three)\s+(?:ago|back)\b", re.I
        ),
        _ago,
        "ago",
    ),
    # "over the weekend", "at the weekend" (British), "on the weekend": the latest one.
    _pattern(re.compile(r"\b(?:over|at|on)\s+the\s+weekend\b", re.I), _the_weekend, "unit"),
    _pattern(re.compile(r"\bthe\s+year\s+before\s+last\b", re.I), _year_before_last, "unit"),
    _pattern(
        re.compile(r"\b(?:this|about\s+this|around\s+this)\s+time\s+last\s+year\b", re.I),
        _this_time_last_year,
        "unit",
    ),
    _pattern(
        re.compile(rf"\bin\s+(?P<count>{_NUMBER})\s+{_UNIT}\b(?!\s+ago)", re.I), _ahead, "unit"
    ),
    _pattern(re.compile(rf"\b(?P<count>{_NUMBER})\s+{_UNIT}\s+from\s+now\b", re.I), _ahead, "unit"),
    _pattern(
        re.compile(
            rf"\bfor\s+(?:the\s+(?:past|last)\s+)?(?P<count>{_NUMBER})\s+{_UNIT}\b(?!\s+ago)", re.I
        ),
        _lasted,
        "unit",
    ),
]
# "the week", "two days", "a month", "the Tuesday" right before "before/after <date>".
OFFSET = re.compile(
    rf"(?<![\w-])(?:(?P<count>the|{_NUMBER})\s+{_UNIT}"
    rf"|(?:the\s+)?(?P<weekday>{_WEEKDAY}))\s+$",
    re.I,
)


def offset_period(
    m: re.Match[str], role: str, at: datetime, until: datetime
) -> tuple[datetime, Grain, datetime]:
    """The period ``m`` (an :data:`OFFSET` match, "the week") names ``role`` ("before" or
    "after") the period ``[at, until)``: "the week before 8 May" is 1-8 May, "the Tuesday after
    Bonfire Night" the first Tuesday after 5 November. Raises
    ``ValueError`` or ``OverflowError`` past the calendar's ends."""
    if m["weekday"]:  # "the Tuesday after Bonfire Night": the first one after it
        target = _WEEKDAYS[fold(m["weekday"])]
        if role == "before":
            day = at - timedelta(days=(at.weekday() - target) % 7 or 7)
        else:
            day = until + timedelta(days=(target - until.weekday()) % 7)
        return day, "day", day + timedelta(days=1)
    unit = _unit(m)
    grain: Grain = _UNITS[unit]  # type: ignore[assignment]
    count = 1 if fold(m["count"]) == "the" else _count(m["count"])
    step = relativedelta(**{f"{unit}s": count})
    start = at - step if role == "before" else until + step - relativedelta(**{f"{unit}s": 1})
    return start, grain, grain_end(start, grain)
