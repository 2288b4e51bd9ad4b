"""Dates in English text, resolved against the time the text was written.

Memory stores time as data: when a fact became true (``valid_at``), when it stopped, when a turn
was said. This module turns the words people use for time ("last Saturday", "two weeks ago",
"in March", "since 2021", "8 May 2023") into periods, and reads the time cues of a question
("in May 2023", "before she moved to Berlin"). Everything is offline and never raises on text.

Rules, each chosen so that a phrase yields no date rather than a wrong one:

- Time is timezone-aware UTC. A naive reference is taken as UTC; calendar arithmetic ("yesterday",
  "last week") is done in UTC.
- Relative phrases resolve to the past ("in March" is the most recent March not after the
  reference, "on Saturday" the last Saturday before that day) unless the phrase or its sentence
  points ahead ("next month", "tomorrow", "in two weeks", "I will move in March").
- Weeks start on Monday. "last week" is the previous calendar week; "two weeks ago" the calendar
  week holding the day fourteen days back; "last weekend" its Saturday, with a week's grain.
- Vague amounts widen the grain: "a few days ago" and "the other day" are the past week, "a few
  weeks ago" the past month, "a few months ago" the past year. "recently" and "lately" are no
  date (the message time is the better guess).
- "08/05/2023" is 8 May in most of the world and August 5 in the US: numeric dates are read only
  when one reading is impossible ("13/05/2023") or both agree. ISO dates are always read.
- Holidays (New Year's Day and Eve, "NYE", Valentine's Day, St Patrick's Day, Halloween, Bonfire
  Night, Remembrance Day, Christmas Eve and Day, Boxing Day; Easter and the days counted from it,
  Shrove Tuesday, Whitsun; Thanksgiving, Labor / Labour Day, Mother's Day and other days that fall
  on an nth weekday; Lunar New Year from a table for 2000-2040) are that day of the most recent
  year (or the next one in a future sentence, or the year said: "Easter 2019", "Valentine's Day
  last year"), after a cue ("since Christmas", "on New Year's Eve", "last Halloween"): "I love
  Christmas" holds no date. "the Tuesday after Bonfire Night" is the first Tuesday after it.
- A sentence's ": " and "; " start a new clause for its tense ("You will have guessed: we got
  engaged on Easter Monday" is the Easter Monday past); a date right after a present "is" or a
  verb of schedule ("my last day is Sept 8", "the lease starts on the 1st") is the next one.
- A bare month or year needs a word that makes it a date ("in 2022", "since March", "May 2023"):
  "I have 2023 photos" and "May I ask" hold no date, nor do "talked to April" or "a painting by
  June" (people). A text that is only a month or a year ("March") is that date. Abbreviations
  count only next to a day or year ("Mar 8", "Dec 2022"); for weekdays, after a preposition or
  last/next/this ("last Fri", "since sat"; "I sat" is no Saturday), or alone when no word is
  spelt so ("tues", "weds", "thurs"). Texting's units count too ("2 wks ago", "last wknd").
- Impossible dates ("February 30", "31 April") and dates more than 200 years from the reference
  are skipped.
- Only English words are read: "Ich bin im März umgezogen" and "en mai" hold no date. A date
  written the same way in every language ("2023-05-08") is still read: it cannot be misread.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Literal

from dateutil.relativedelta import relativedelta

from cognee_langchain.core._date_phrases import DateRole, Grain
from cognee_langchain.core._date_scan import PhraseMatch, scan, scan_whole
from cognee_langchain.core._tense import present_question
from cognee_langchain.core.turns import display_date
from cognee_langchain.errors import InvalidInputError

__all__ = [
    "DateRole",
    "Grain",
    "ResolvedDate",
    "TimeWindow",
    "as_utc",
    "display_until",
    "is_present_tense",
    "query_window",
    "resolve_dates",
    "resolve_valid_at",
]


def as_utc(value: object, name: str = "reference") -> datetime:
    """``value`` as a timezone-aware UTC datetime: a naive one is taken as UTC, an aware one is
    converted. Anything else (a ``date``, a string, a timestamp) raises
    :class:`~cognee_langchain.errors.InvalidInputError` naming ``name`` and the fix."""
    if not isinstance(value, datetime):
        raise InvalidInputError(
            f"{name} must be a datetime (e.g. datetime(2023, 5, 8, tzinfo=UTC)), got "
            f"{type(value).__name__} {value!r}: convert it first "
            "(datetime.fromisoformat(...) or datetime.fromtimestamp(t, UTC))."
        )
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:  # datetime.min in a zone east of UTC has no UTC form
        raise InvalidInputError(
            f"{name} {value!r} cannot be converted to UTC: pass a time within years 1 to 9999."
        ) from None


@dataclass(frozen=True, slots=True)
class ResolvedDate:
    """A date phrase of a text, resolved to the period it names.

    ``at``: start of the period, tz-aware UTC ("in March 2023" -> 2023-03-01T00:00Z). ``grain``:
    how precise ("last Saturday" -> day, "two weeks ago" -> week, "in March" -> month).
    ``phrase``: the phrase as written, with the preposition that gives its meaning ("since
    2021"); "" when the date is the reference time itself. ``end``: exclusive end of the period
    (``at`` plus one grain; ``== at`` for "instant"). ``role``: what the phrase says of the
    period: "on" (it happened then), "since", "after", "before" or "until" ("until June": an
    end, the stuff of ``invalid_at``).
    """

    at: datetime
    grain: Grain
    phrase: str
    end: datetime
    role: DateRole = "on"


def _resolved(match: PhraseMatch) -> ResolvedDate:
    return ResolvedDate(match.at, match.grain, match.phrase, match.until, match.role)


def resolve_dates(text: str, reference: datetime) -> list[ResolvedDate]:
    """Every explicit or relative date phrase in English ``text``, resolved against
    ``reference`` (the message's time), in text order.

    Relative phrases resolve to the past unless the text says otherwise ("next month",
    "tomorrow", "in two weeks"). Impossible dates and dates more than 200 years from the
    reference are skipped; non-English text yields ``[]``. A text that is only a month or a
    year ("March", "2022", as a model fills a ``valid_at`` field) is that date; inside a
    sentence they need their preposition ("in March"). Never raises on any ``str``; a
    ``reference`` that is not a datetime raises ``InvalidInputError``.
    """
    ref = as_utc(reference)
    if not isinstance(text, str):
        raise InvalidInputError(f"text must be a str, got {type(text).__name__}.")
    found = scan(text, ref)
    whole = None if found else scan_whole(text, ref)
    return [_resolved(match) for match in (found if whole is None else [whole])]


_COUNTED_BACK = re.compile(r"\b(?:ago|back)\b", re.IGNORECASE)

# What "after" or "before" a period of this grain names: the next or previous such period, a
# day's the week beside it ("after Easter": the week after); its grain and length.
_BESIDE: dict[str, tuple[Grain, relativedelta]] = {
    "day": ("week", relativedelta(weeks=1)),
    "week": ("week", relativedelta(weeks=1)),
    "month": ("month", relativedelta(months=1)),
    "year": ("year", relativedelta(years=1)),
}


def _beside(date: ResolvedDate) -> ResolvedDate | None:
    """The period just after or before ``date`` ("after Easter": the week from Easter Monday,
    "before Christmas": the week before it, "after May": June), as an "on" date; ``None`` for
    any other role, or a grain with no period beside it."""
    beside = _BESIDE.get(date.grain)
    if date.role not in ("after", "before") or beside is None:
        return None
    grain, step = beside
    at = date.end if date.role == "after" else date.at - step
    return ResolvedDate(at, grain, date.phrase, at + step, "on")


def resolve_valid_at(text: str, reference: datetime) -> ResolvedDate:
    """When the fact stated in ``text`` (one sentence) became true.

    Rule: of the sentence's phrases that say when something happened or began ("last week",
    "since 2021"; not ends such as "until June" or "before 2020") and are not in the future of
    ``reference``, the first; when a later one lies inside it and so agrees, more precisely
    ("last week, on Tuesday" -> that Tuesday; a count back from the message is about then, either
    side: "three weeks back, on the 23rd" -> the 23rd). Two phrases that disagree ("in March, no, in
    April"): the first. A sentence whose only such phrases point ahead states a change to come
    ("I'm moving to Berlin next month"): it holds from the first of them, not from the message
    time. A sentence with none but "after" or "before" a date tells an event beside it: the
    period just after or before ("I quit after Easter" -> the week after Easter, "Told them before
    Christmas" -> the week before, "after May" -> June). No such phrase: ``ResolvedDate(reference,
    "instant", "", reference)``.
    """
    ref = as_utc(reference)
    dates = resolve_dates(text, ref)
    starts = [date for date in dates if date.role in ("on", "since")]
    candidates = [date for date in starts if date.at <= ref]
    if not starts:
        # "I quit after Easter", "Told them before Christmas": the period just beside it
        # (in the past only: a change to come is told by its own date, "next month")
        starts = [b for date in dates if (b := _beside(date)) is not None and b.at <= ref]
        candidates = starts
    if not candidates:
        return starts[0] if starts else ResolvedDate(ref, "instant", "", ref)
    best = candidates[0]
    for date in candidates[1:]:
        span = best.end - best.at
        # A count back from the message ("three weeks back") is about then, either side: "Three
        # weeks back, on the 23rd" agrees though the 23rd falls a day before the count's week.
        early = span if _COUNTED_BACK.search(best.phrase) else timedelta(0)
        if best.at - early <= date.at and date.end <= best.end and date.end - date.at < span:
            best = date
    return best


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """The time a question asks about.

    ``start``: inclusive, ``None`` = open. ``end``: exclusive, ``None`` = open. ``phrase``: what
    in the query made it. ``anchor``: for "before/after <event>", the event text ("she moved to
    Berlin"), with ``start`` and ``end`` ``None``: retrieval finds when the event happened and
    calls :meth:`at_anchor`. ``direction``: for an anchor, which side of the event is asked
    about. ``end_anchor``: for "between <event> and <event>", the second event (``anchor`` is
    the first, ``direction`` "after"): the window closes when it happened (:meth:`at_end_anchor`).
    """

    start: datetime | None
    end: datetime | None
    phrase: str
    anchor: str | None = None
    direction: Literal["before", "after"] | None = None
    end_anchor: str | None = None

    def at_anchor(self, when: datetime) -> TimeWindow:
        """This anchored window once its event is known to have happened at ``when``: "before"
        ends there, "after" starts there. A window without an anchor is returned unchanged."""
        if self.anchor is None:
            return self
        when = as_utc(when, "when")
        if self.direction == "before":
            return replace(self, start=None, end=when)
        # "between A and B" with B dated no later than A: only "after A" is known.
        end = self.end if self.end is not None and self.end > when else None
        return replace(self, start=when, end=end)

    def at_end_anchor(self, when: datetime) -> TimeWindow:
        """This window once its closing event is known to have happened at ``when`` (a window
        without an ``end_anchor`` is returned unchanged)."""
        if self.end_anchor is None:
            return self
        return replace(self, end=as_utc(when, "when"))


# "between May and July 2023", "from 2019 to 2021": the second date may lend its year.
_RANGE = re.compile(
    r"\b(?:between|from)\s+(?P<a>.{2,40}?)\s+(?:and|to|until|till|through|-)\s+(?P<b>.{2,40}?)"
    r"(?=[?.!,;]|$)",
    re.I,
)
# "before she moved to Berlin", "after quitting Renault", "since Alice left Paris"; a dot inside
# a word is no end ("before Booking.com").
_ANCHOR = re.compile(
    r"\b(?P<side>before|after|since|until|till|prior to)\s+"
    r"(?P<event>\w(?:[^?.!,;\n]|\.(?=\w)){2,119})",
    re.I,
)
# What after "before"/"after" is no event: "before that", "after work", "long before then".
_NOT_EVENTS = {
    "that", "this", "then", "it", "now", "long", "all", "ever", "work", "school", "lunch",
    "dinner", "breakfast", "bed", "me", "you", "him", "her", "us", "them",
}  # fmt: skip
_NOT_EVENT_STARTS = {"that", "this", "then", "now", "long", "ever", "all", "when", "which"}


def _window(date: ResolvedDate) -> TimeWindow:
    if date.role == "since":
        return TimeWindow(date.at, None, date.phrase)
    if date.role == "after":
        return TimeWindow(date.end, None, date.phrase)
    if date.role == "before":
        return TimeWindow(None, date.at, date.phrase)
    if date.role == "until":
        return TimeWindow(None, date.end, date.phrase)
    if date.grain == "instant":  # "on 2023-05-08T10:30": the day of that moment
        day = date.at.replace(hour=0, minute=0, second=0, microsecond=0)
        return TimeWindow(day, day + timedelta(days=1), date.phrase)
    return TimeWindow(date.at, date.end, date.phrase)


# "in early 2022", "mid-2023", "late 2021": a third of the year (a question's cue only; a
# statement dated so keeps its year, the grain that is sure).
_PART_OF_YEAR = re.compile(r"\b(?P<part>early|mid|late)[\s-]+(?P<year>\d{4})\b", re.I)
_THIRDS = {"early": (1, 5), "mid": (5, 9), "late": (9, 13)}


def _part_of_year(query: str) -> TimeWindow | None:
    m = _PART_OF_YEAR.search(query)
    if m is None or not 1 <= int(m["year"]) <= 9998:
        return None
    year = int(m["year"])
    first, last = _THIRDS[m["part"].lower()]
    end = (
        datetime(year + 1, 1, 1, tzinfo=UTC) if last == 13 else datetime(year, last, 1, tzinfo=UTC)
    )
    return TimeWindow(datetime(year, first, 1, tzinfo=UTC), end, m[0])


def _range(query: str, now: datetime) -> TimeWindow | None:
    for m in _RANGE.finditer(query):
        # The second date lends its year to the first: "between May and July 2023".
        last = scan_whole(m["b"], now)
        first = scan_whole(m["a"], now, year=last.at.year) if last is not None else None
        if last is not None and first is not None and first.at <= last.at:
            return TimeWindow(first.at, last.until, m[0])
        if m[0].lower().startswith("between") and _are_events(m["a"], m["b"], now):
            return TimeWindow(None, None, m[0], m["a"].strip(), "after", m["b"].strip())
    return None


_EVENT_WORD = re.compile(r"\b\w{3,}(?:ing|ed)\b", re.I)


def _are_events(first: str, second: str, now: datetime) -> bool:
    """Whether "between <first> and <second>" names two events ("between leaving the bank and
    the climbing gym job") rather than two things ("between Alice and Bob", "between cats and
    dogs"): neither is a date, both have two words or more, and one says what happened."""
    sides = (first, second)
    return (
        all(_is_event(side) and len(side.split()) >= 2 for side in sides)
        and not scan(first, now)
        and not scan(second, now)
        and any(_EVENT_WORD.search(side) for side in sides)
    )


def _is_event(text: str) -> bool:
    words = text.lower().split()
    return bool(words) and " ".join(words) not in _NOT_EVENTS and words[0] not in _NOT_EVENT_STARTS


def query_window(query: str, now: datetime) -> TimeWindow | None:
    """The time window a question asks about, or ``None`` when it has no time cue.

    "in May 2023", "last year", "yesterday", "two weeks ago" -> that period ("early 2022": its
    first four months, "mid-" and "late" the next and the last); "before 2023" ->
    ends where 2023 starts; "after March 2023" -> starts where March ends; "since 2021" -> starts
    with 2021; "between May and July 2023" -> May to the end of July. "before she moved to
    Berlin" -> an anchored window (``anchor`` = the event); "between leaving the bank and the
    gym job" -> one anchored at both ends (``end_anchor``). "When did ...?" asks for a time and
    gives none: ``None``. The first cue of the question counts.
    """
    ref = as_utc(now, "now")
    if not isinstance(query, str):
        raise InvalidInputError(f"query must be a str, got {type(query).__name__}.")
    window = _range(query, ref) or _part_of_year(query)
    if window is not None:
        return window
    found = scan(query, ref)
    anchor = _ANCHOR.search(query)
    # An event after "before"/"after" wins over a date inside it ("before she moved to Berlin in
    # 2022" asks about the move); a date right after the word is no event ("before 2023").
    if (
        anchor is not None
        and _is_event(anchor["event"])
        and (not found or found[0].start > anchor.start("event"))
    ):
        side = anchor["side"].lower()
        direction: Literal["before", "after"] = (
            "before" if side in ("before", "until", "till", "prior to") else "after"
        )
        return TimeWindow(None, None, anchor[0].strip(), anchor["event"].strip(), direction)
    return _window(_resolved(found[0])) if found else None


def is_present_tense(query: str) -> bool:
    """Whether a question asks about now ("Where does Alice live?", "What is her job?", "Is she
    married?", "Who lives in Berlin?") rather than history ("Where did Alice live?", "When did
    she move?", "What did she use to do?", "Where has she worked?", "Who moved to Berlin?") or
    the future ("Where will she live?").

    The rule, in order: a past or future auxiliary, "used to", "ago", "before", "previously" ...
    or a present perfect -> False; a question naming a date outside the present ("in 2022",
    "last year") -> False whatever its verbs; a present auxiliary ("does", "is", "has", "'s")
    -> True; a verb in the past tense -> False; else True.
    """
    if not isinstance(query, str) or not present_question(query):
        return False
    now = datetime.now(UTC)
    return all(date.at <= now < max(date.end, date.at) for date in resolve_dates(query, now))


def display_until(at: datetime, grain: Grain) -> str:
    """An interval's end as a reader sees it, as precise as it is known: "10 June 2023" (day,
    week or instant), "June 2023" (month), "2023" (year)."""
    at = as_utc(at, "at")
    if grain == "year":
        return str(at.year)
    if grain == "month":
        return f"{at:%B %Y}"
    return display_date(at)
