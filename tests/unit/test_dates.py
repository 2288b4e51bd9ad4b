"""Dates in English text: phrases resolved against the message time, question time cues, tense."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cognee_langchain.core.dates import (
    ResolvedDate,
    TimeWindow,
    as_utc,
    display_until,
    is_present_tense,
    query_window,
    resolve_dates,
    resolve_valid_at,
)
from cognee_langchain.errors import InvalidInputError

# Wednesday 14 June 2023, 15:00 UTC.
REF = datetime(2023, 6, 14, 15, 0, tzinfo=UTC)


def _day(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, tzinfo=UTC)


def test_on_a_weekend_the_weekend_is_the_one_under_way() -> None:
    sunday = datetime(2023, 6, 18, 20, tzinfo=UTC)
    assert _one("over the weekend", sunday).at == _day(2023, 6, 17)


def _one(text: str, reference: datetime = REF) -> ResolvedDate:
    found = resolve_dates(text, reference)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "at", "grain", "phrase"),
    [
        ("I adopted a cat named Miso last Saturday", _day(2023, 6, 10), "day", "last Saturday"),
        ("We went there on Saturday", _day(2023, 6, 10), "day", "on Saturday"),
        ("Last Wednesday was fun", _day(2023, 6, 7), "day", "Last Wednesday"),
        ("I moved to Berlin last week", _day(2023, 6, 5), "week", "last week"),
        ("I quit two weeks ago", _day(2023, 5, 29), "week", "two weeks ago"),
        ("I quit a fortnight ago", _day(2023, 5, 29), "week", "a fortnight ago"),
        ("we moved the week before last", _day(2023, 5, 29), "week", "the week before last"),
        ("Sunday just gone, at the café", _day(2023, 6, 11), "day", "Sunday just gone"),
        ("I moved Sunday gone", _day(2023, 6, 11), "day", "Sunday gone"),
        ("the summer before last", _day(2021, 7, 1), "month", "the summer before last"),
        ("the winter before last", _day(2022, 1, 1), "month", "the winter before last"),
        ("this time last year", _day(2022, 6, 13), "week", "this time last year"),
        ("3 days ago it rained", _day(2023, 6, 11), "day", "3 days ago"),
        ("a month ago", _day(2023, 5, 1), "month", "a month ago"),
        ("three years ago", _day(2020, 1, 1), "year", "three years ago"),
        ("in March I was in Paris", _day(2023, 3, 1), "month", "in March"),
        ("in September I was in Rome", _day(2022, 9, 1), "month", "in September"),
        ("In March 2023 we met", _day(2023, 3, 1), "month", "In March 2023"),
        ("Dec 2022", _day(2022, 12, 1), "month", "Dec 2022"),
        # "last March" is the most recent March already over.
        ("last March", _day(2023, 3, 1), "month", "last March"),
        ("last June", _day(2022, 6, 1), "month", "last June"),
        ("on 8 May 2023", _day(2023, 5, 8), "day", "on 8 May 2023"),
        ("May 8, 2023", _day(2023, 5, 8), "day", "May 8, 2023"),
        ("the 8th of May", _day(2023, 5, 8), "day", "the 8th of May"),
        ("On Dec. 8 we met", _day(2022, 12, 8), "day", "On Dec. 8"),
        ("2023-05-08", _day(2023, 5, 8), "day", "2023-05-08"),
        ("2023/05/08", _day(2023, 5, 8), "day", "2023/05/08"),
        ("13/05/2023", _day(2023, 5, 13), "day", "13/05/2023"),
        ("05/13/2023", _day(2023, 5, 13), "day", "05/13/2023"),
        ("in 2022", _day(2022, 1, 1), "year", "in 2022"),
        ("yesterday", _day(2023, 6, 13), "day", "yesterday"),
        ("last night", _day(2023, 6, 13), "day", "last night"),
        ("this morning", _day(2023, 6, 14), "day", "this morning"),
        ("the day before yesterday", _day(2023, 6, 12), "day", "the day before yesterday"),
        ("last weekend", _day(2023, 6, 10), "week", "last weekend"),
        ("that trip this past weekend", _day(2023, 6, 10), "week", "this past weekend"),
        ("two weekends ago", _day(2023, 6, 3), "week", "two weekends ago"),
        ("a reading last fri - it was", _day(2023, 6, 9), "day", "last fri"),
        ("the group last Tues. I went", _day(2023, 6, 13), "day", "last Tues."),
        ("last month", _day(2023, 5, 1), "month", "last month"),
        ("last year", _day(2022, 1, 1), "year", "last year"),
        ("this year", _day(2023, 1, 1), "year", "this year"),
        # Vague amounts: the wider period that holds every reading (the past week).
        ("a few days ago", _day(2023, 6, 7), "week", "a few days ago"),
        ("the other day", _day(2023, 6, 7), "week", "the other day"),
        ("a few weeks ago", _day(2023, 5, 14), "month", "a few weeks ago"),
        ("the week before 8 May 2023", _day(2023, 5, 1), "week", "the week before 8 May 2023"),
        ("two days after 8 May 2023", _day(2023, 5, 10), "day", "two days after 8 May 2023"),
        ("the day after 8 May 2023", _day(2023, 5, 9), "day", "the day after 8 May 2023"),
        ("several months ago", _day(2022, 6, 14), "year", "several months ago"),
        ("a couple of years ago", _day(2021, 1, 1), "year", "a couple of years ago"),
        # "a couple" is said for two
        ("a couple of days ago", _day(2023, 6, 12), "day", "a couple of days ago"),
        # "back" for "ago", weekdays counted back, a day of the month alone
        ("a month back", _day(2023, 5, 1), "month", "a month back"),
        ("three Saturdays ago", _day(2023, 5, 27), "day", "three Saturdays ago"),
        ("the Friday before last", _day(2023, 6, 2), "day", "Friday before last"),
        ("week before last", _day(2023, 5, 29), "week", "week before last"),
        # approximate counts, the weekend just gone, the year before last
        ("a month or so ago", _day(2023, 5, 1), "month", "a month or so ago"),
        ("a week or two back", _day(2023, 6, 5), "week", "a week or two back"),
        ("we met over the weekend", _day(2023, 6, 10), "week", "over the weekend"),
        ("at the weekend", _day(2023, 6, 10), "week", "at the weekend"),
        ("the year before last", _day(2021, 1, 1), "year", "the year before last"),
        ("it was on the 1st, I think", _day(2023, 6, 1), "day", "on the 1st"),
        ("by the 18th.", _day(2023, 5, 18), "day", "the 18th"),
        ("the letter came on the 2nd itself", _day(2023, 6, 2), "day", "on the 2nd"),
        ("the 31st", _day(2023, 5, 31), "day", "the 31st"),
        # parts of a month or year, ordinals in words, the n-th weekday of a month
        ("at the end of May", _day(2023, 5, 25), "week", "the end of May"),
        ("since the middle of March", _day(2023, 3, 11), "week", "since the middle of March"),
        ("the start of April 2021", _day(2021, 4, 1), "week", "the start of April 2021"),
        ("end of last year", _day(2022, 12, 1), "month", "end of last year"),
        ("the first of December", _day(2022, 12, 1), "day", "the first of December"),
        ("the first Monday in November", _day(2022, 11, 7), "day", "the first Monday in November"),
        (
            "the second weekend in October",
            _day(2022, 10, 8),
            "week",
            "the second weekend in October",
        ),
        # seasons (northern), by their middle month; said in June, "last summer" is a year ago
        ("last summer", _day(2022, 7, 1), "month", "last summer"),
        ("in the spring", _day(2023, 4, 1), "month", "in the spring"),
        ("over the winter", _day(2023, 1, 1), "month", "over the winter"),
        ("next summer", _day(2024, 7, 1), "month", "next summer"),
        ("the autumn of 2021", _day(2021, 10, 1), "month", "the autumn of 2021"),
        ("the winter of 2021", _day(2022, 1, 1), "month", "the winter of 2021"),
        # holidays, fixed and moving, and days told by them
        ("at Easter", _day(2023, 4, 9), "day", "Easter"),
        ("on Mother's Day", _day(2023, 5, 14), "day", "on Mother's Day"),
        ("right after Labor Day", _day(2022, 9, 5), "day", "right after Labor Day"),
        ("the week after Thanksgiving", _day(2022, 11, 25), "week", "the week after Thanksgiving"),
        (
            "since the August bank holiday",
            _day(2022, 8, 29),
            "day",
            "since the August bank holiday",
        ),
        (
            "the Tuesday after Bonfire Night",
            _day(2022, 11, 8),
            "day",
            "the Tuesday after Bonfire Night",
        ),
        ("the Fourth of July", _day(2022, 7, 4), "day", "the Fourth of July"),
        ("Saturday last", _day(2023, 6, 10), "day", "Saturday last"),
        ("the first week of February", _day(2023, 2, 1), "week", "the first week of February"),
        ("on the fifth of this month", _day(2023, 6, 5), "day", "on the fifth of this month"),
        ("Since three weeks am I in Leith", _day(2023, 5, 22), "week", "Since three weeks"),
    ],
)
def test_phrases_resolve_against_the_reference(
    text: str, at: datetime, grain: str, phrase: str
) -> None:
    found = _one(text)
    assert (found.at, found.grain, found.phrase) == (at, grain, phrase)


@pytest.mark.parametrize(
    ("text", "at", "grain"),
    [
        ("tomorrow", _day(2023, 6, 15), "day"),
        ("next month", _day(2023, 7, 1), "month"),
        ("next Saturday", _day(2023, 6, 17), "day"),
        ("See you in two weeks!", _day(2023, 6, 26), "week"),
        ("I'm excited, see you in 3 days", _day(2023, 6, 17), "day"),
        ("5 days from now", _day(2023, 6, 19), "day"),
        # A sentence about the future turns bare months and weekdays ahead.
        ("I will move in March", _day(2024, 3, 1), "month"),
        ("I'll see her on Saturday", _day(2023, 6, 17), "day"),
        # A start not yet made is scheduled ahead; one made since is past.
        ("New job at Deloitte, starting in September", _day(2023, 9, 1), "month"),
        ("I start at the clinic in March", _day(2024, 3, 1), "month"),
        # a change announced with the date it takes effect
        ("Appointed headmaster, effective from September", _day(2023, 9, 1), "month"),
    ],
)
def test_the_text_can_point_to_the_future(text: str, at: datetime, grain: str) -> None:
    found = _one(text)
    assert (found.at, found.grain) == (at, grain)


def test_last_weekend_is_the_one_of_the_week_before() -> None:
    sunday, monday = datetime(2023, 6, 18, 20, 0), datetime(2023, 6, 19, 9, 0)
    assert _one("last weekend", sunday).at == _day(2023, 6, 10)
    assert _one("this weekend", sunday).at == _day(2023, 6, 17)
    assert _one("last weekend", monday).at == _day(2023, 6, 17)


def test_this_weekday_is_this_weeks_unless_the_tense_says_the_other_side_of_today() -> None:
    monday, wednesday = datetime(2021, 8, 9, 9, 0), datetime(2021, 8, 11, 9, 0)
    assert _one("The party is this Saturday.", monday).at == _day(2021, 8, 14)
    assert _one("Classes started this Saturday only.", monday).at == _day(2021, 8, 7)
    assert _one("I went there this Monday.", wednesday).at == _day(2021, 8, 9)
    assert _one("I'll see her this Monday.", wednesday).at == _day(2021, 8, 16)


def test_tense_is_read_per_sentence() -> None:
    found = resolve_dates("We met on Saturday. I will see her on Saturday.", REF)
    assert [d.at for d in found] == [_day(2023, 6, 10), _day(2023, 6, 17)]


def test_in_n_days_in_a_past_sentence_is_a_duration_not_a_date() -> None:
    assert resolve_dates("I finished the book in two days", REF) == []


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("since 2021", "since"),
        ("starting in 2022", "since"),
        ("from last Friday", "on"),  # "a pic from last Friday": when, not since when
        ("after March 2023", "after"),
        ("before 2023", "before"),
        ("until June", "until"),
        ("till 2022", "until"),
        ("in 2022", "on"),
    ],
)
def test_the_preposition_gives_the_role_and_stays_in_the_phrase(text: str, role: str) -> None:
    found = _one(text)
    assert (found.role, found.phrase) == (role, text)


def test_end_is_one_grain_after_at() -> None:
    day, week, month, year = (_one(t) for t in ("yesterday", "last week", "in March", "in 2022"))
    assert day.end - day.at == timedelta(days=1)
    assert week.end - week.at == timedelta(weeks=1)
    assert month.end == _day(2023, 4, 1)
    assert year.end == _day(2023, 1, 1)
    instant = _one("2023-05-08T10:30:00+02:00")
    assert (instant.at, instant.grain, instant.end) == (
        datetime(2023, 5, 8, 8, 30, tzinfo=UTC),
        "instant",
        instant.at,
    )


@pytest.mark.parametrize(
    "text",
    [
        "February 30",
        "on 30 February 2023",
        "31 April 2023",  # and not "April 2023": a part of an impossible date is no date
        "2023-02-30",
        "in 1700",  # more than 200 years from the reference
        "in 2400",
        "9999-12-31",
        "5000 years ago",
    ],
)
def test_impossible_and_far_dates_are_skipped(text: str) -> None:
    assert resolve_dates(text, REF) == []


@pytest.mark.parametrize(
    "text", ["summer camp was fun", "she took a fall", "before the fall of Rome"]
)
def test_a_season_word_is_a_date_only_when_it_names_a_time(text: str) -> None:
    assert resolve_dates(text, REF) == []


@pytest.mark.parametrize(
    "text",
    [
        "Ich bin im März umgezogen",
        "Ich bin am 8. Mai 2023 umgezogen",
        "Je suis arrivé en mai 2023",
        "Me mudé en marzo de 2022",
        "Ik ben in maart verhuisd",
        "Nous sommes partis lundi dernier",
    ],
)
def test_other_languages_are_never_mis_dated(text: str) -> None:
    assert resolve_dates(text, REF) == []


@pytest.mark.parametrize(
    "text",
    [
        "I have 2023 photos",  # a number, not a year
        "May I ask?",
        "I may go",
        "We will march on",
        "I want to march",
        "Jan came over",  # a name, not January
        "08/05/2023",  # 8 May or August 5: no date rather than a wrong one
        "Black Friday sales",
        "I sat on the sofa",  # "sat" is a weekday only after last/next/this
        "every Saturday I swim",
        "I go to aqua aerobics on a Tuesday",  # a habit names no one day
        "a class on Thursday mornings",
        "we bowl on Friday nights",
        "recently",
        "Call me at 555 2023",
        "I talked to April about it",  # after "to", "by", "and" a month name is a person
        "a painting by June",
        "Me and May went out",
    ],
)
def test_words_and_numbers_that_are_no_date(text: str) -> None:
    assert resolve_dates(text, REF) == []


@pytest.mark.parametrize(
    ("text", "phrase", "at", "grain"),
    [
        ("We met on the 11th of January and he called the day after.", "the day after",
         _day(2023, 1, 12), "day"),
        ("I moved up on the 11th of January, started in Hibernia the Monday after, and then",
         "the Monday after", _day(2023, 1, 16), "day"),
        ("I moved on 11 January. I started work the following Monday.", "the following Monday",
         _day(2023, 1, 16), "day"),
        ("We met in March and got engaged two months later.", "two months later",
         _day(2023, 5, 1), "month"),
        ("Sold the flat on the 2nd, moved out the next day.", "the next day", _day(2023, 6, 3),
         "day"),
    ],
)  # fmt: skip
def test_a_date_told_by_the_one_before_it(text: str, phrase: str, at: datetime, grain: str) -> None:
    (found,) = [d for d in resolve_dates(text, REF) if d.phrase == phrase]
    assert (found.at, found.grain) == (at, grain)


@pytest.mark.parametrize("text", ["He called the day after.", "the Monday after, I think"])
def test_a_date_after_nothing_named_is_no_date(text: str) -> None:
    assert resolve_dates(text, REF) == []


def test_one_weekday_night_is_a_date_where_the_nights_are_a_habit() -> None:
    assert _one("we went out on Thursday night").at == _day(2023, 6, 8)


@pytest.mark.parametrize(
    ("text", "at", "grain"),
    [
        ("March", _day(2023, 3, 1), "month"),
        (" 2022. ", _day(2022, 1, 1), "year"),
        ("Saturday", _day(2023, 6, 10), "day"),
        ("last week", _day(2023, 6, 5), "week"),
    ],
)
def test_a_text_that_is_only_a_date_is_that_date(text: str, at: datetime, grain: str) -> None:
    # How a model fills a valid_at field: the bare month or year needs no preposition.
    found = _one(text)
    assert (found.at, found.grain, found.phrase) == (at, grain, text.strip(" ."))
    assert resolve_valid_at(text, REF).at == at


def test_an_iso_date_reads_the_same_in_any_language() -> None:
    assert _one("Umzug am 2023-05-08").at == _day(2023, 5, 8)


def test_reference_naive_is_utc_and_aware_is_converted() -> None:
    naive = datetime(2023, 6, 14, 15, 0)
    assert resolve_dates("yesterday", naive) == resolve_dates("yesterday", REF)
    tokyo = timezone(timedelta(hours=9))
    # 00:30 on 15 June in Tokyo is still 14 June in UTC.
    assert _one("yesterday", datetime(2023, 6, 15, 0, 30, tzinfo=tokyo)).at == _day(2023, 6, 13)
    assert resolve_valid_at("no date here", naive).at.tzinfo is UTC


@pytest.mark.parametrize("reference", [date(2023, 6, 14), "2023-06-14", 1686754800.0, None])
def test_reference_of_another_type_names_the_fix(reference: object) -> None:
    with pytest.raises(InvalidInputError, match=r"reference must be a datetime.*convert"):
        resolve_dates("yesterday", reference)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="reference must be a datetime"):
        resolve_valid_at("yesterday", reference)  # type: ignore[arg-type]


def test_as_utc_refuses_a_time_without_utc_form() -> None:
    east = datetime.min.replace(tzinfo=timezone(timedelta(hours=1)))
    with pytest.raises(InvalidInputError, match=r"as_of .* cannot be converted to UTC"):
        as_utc(east, "as_of")


@pytest.mark.parametrize("reference", [datetime(9999, 12, 31, 23, 0), datetime(1, 1, 1)])
def test_periods_past_the_calendar_are_skipped(reference: datetime) -> None:
    text = "today, tomorrow, next year, in 3 weeks, 2 days from now, 5 years ago, yesterday"
    for found in resolve_dates(text, reference):
        assert found.at <= found.end


# --- resolve_valid_at -------------------------------------------------------------------------


def test_valid_at_without_a_phrase_is_the_reference_instant() -> None:
    assert resolve_valid_at("I live in Paris now", REF) == ResolvedDate(REF, "instant", "", REF)


def test_valid_at_takes_the_first_past_phrase() -> None:
    found = resolve_valid_at("I moved to Berlin two weeks ago", REF)
    assert (found.at, found.grain, found.phrase) == (_day(2023, 5, 29), "week", "two weeks ago")


def test_valid_at_skips_ends_and_prefers_past_phrases() -> None:
    assert resolve_valid_at("I lived in Paris until June", REF).phrase == ""
    found = resolve_valid_at("I moved last week and will start a new job next month", REF)
    assert found.phrase == "last week"
    found = resolve_valid_at("Until 2020 I rented; since 2021 I own a flat", REF)
    assert (found.at, found.phrase) == (_day(2021, 1, 1), "since 2021")


@pytest.mark.parametrize(
    ("text", "at", "grain"),
    [
        ("I quit after Easter.", _day(2023, 4, 10), "week"),  # Easter Sunday 9 April 2023
        ("Told them before Christmas.", _day(2022, 12, 18), "week"),
        ("I moved after May.", _day(2023, 6, 1), "month"),
        ("I left before 2020.", _day(2019, 1, 1), "year"),
    ],
)
def test_an_event_after_or_before_a_date_is_in_the_period_beside_it(
    text: str, at: datetime, grain: str
) -> None:
    found = resolve_valid_at(text, REF)
    assert (found.at, found.grain) == (at, grain)


def test_a_date_of_its_own_wins_over_one_beside_it() -> None:
    assert resolve_valid_at("I quit in May, after the wedding in April.", REF).phrase == "in May"
    assert resolve_valid_at("I quit after work.", REF).phrase == ""


def test_a_start_made_since_a_month_is_past() -> None:
    assert _one("Since starting in March I have loved it").at == _day(2023, 3, 1)


def test_valid_at_of_a_change_to_come_is_its_future_date() -> None:
    # Dating a planned move from the message would make it true before it happens.
    found = resolve_valid_at("I'm moving to Berlin next month", REF)
    assert (found.at, found.grain, found.phrase) == (_day(2023, 7, 1), "month", "next month")
    assert resolve_valid_at("I will start there on Monday", REF).at > REF


def test_valid_at_conflicting_phrases_first_wins() -> None:
    found = resolve_valid_at("I moved in March, no wait, in April", REF)
    assert (found.at, found.phrase) == (_day(2023, 3, 1), "in March")


def test_valid_at_agreeing_phrases_keep_the_more_precise() -> None:
    found = resolve_valid_at("I moved in June 2023, on 3 June to be exact", REF)
    assert (found.at, found.grain) == (_day(2023, 6, 3), "day")
    # a count back is about then, either side of the week it counts to
    monday = datetime(2022, 2, 14, 9, 0, tzinfo=UTC)
    found = resolve_valid_at("We got engaged three weeks back, on the 23rd.", monday)
    assert (found.at, found.grain) == (_day(2022, 1, 23), "day")
    found = resolve_valid_at("We got engaged last week, on the 23rd.", monday)
    assert found.phrase == "last week"  # a calendar week has sides: the 23rd is outside it


# --- query_window -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "start", "end"),
    [
        ("Where did Alice live in March 2023?", _day(2023, 3, 1), _day(2023, 4, 1)),
        ("What did Melanie paint in 2022?", _day(2022, 1, 1), _day(2023, 1, 1)),
        ("What happened last year?", _day(2022, 1, 1), _day(2023, 1, 1)),
        ("Where did she work before 2023?", None, _day(2023, 1, 1)),
        ("Where did she live after March 2023?", _day(2023, 4, 1), None),
        ("Where did she live between May and July 2023?", _day(2023, 5, 1), _day(2023, 8, 1)),
        ("What did she do from 2019 to 2021?", _day(2019, 1, 1), _day(2022, 1, 1)),
        ("Where was she between March and May?", _day(2023, 3, 1), _day(2023, 6, 1)),
        ("What has she done since 2021?", _day(2021, 1, 1), None),
        ("Where did she work until June 2022?", None, _day(2022, 7, 1)),
        ("What did she eat yesterday?", _day(2023, 6, 13), _day(2023, 6, 14)),
        ("What did she do two weeks ago?", _day(2023, 5, 29), _day(2023, 6, 5)),
        ("Who did she meet on 8 May 2023?", _day(2023, 5, 8), _day(2023, 5, 9)),
        ("What happened at 2023-05-08T10:30Z?", _day(2023, 5, 8), _day(2023, 5, 9)),
        ("Where did Hana live in early 2022?", _day(2022, 1, 1), _day(2022, 5, 1)),
        ("What was she doing mid-2021?", _day(2021, 5, 1), _day(2021, 9, 1)),
        ("Who was she dating in late 2022?", _day(2022, 9, 1), _day(2023, 1, 1)),
    ],
)
def test_query_time_cues_make_a_window(
    query: str, start: datetime | None, end: datetime | None
) -> None:
    window = query_window(query, REF)
    assert window is not None
    assert (window.start, window.end, window.anchor) == (start, end, None)
    assert window.phrase and window.phrase in query


@pytest.mark.parametrize(
    ("query", "anchor", "direction"),
    [
        ("Where did Alice live before she moved to Berlin?", "she moved to Berlin", "before"),
        ("What did she do after Alice quit Renault?", "Alice quit Renault", "after"),
        ("What did Caroline realize after her charity race?", "her charity race", "after"),
        ("Where has she lived since leaving Paris?", "leaving Paris", "after"),
        # A date inside the event is part of the event.
        ("Where did she live before she moved to Berlin in 2022?", "she moved to Berlin in 2022",
         "before"),
    ],
)  # fmt: skip
def test_before_or_after_an_event_is_an_anchor(query: str, anchor: str, direction: str) -> None:
    window = query_window(query, REF)
    assert window is not None
    assert (window.start, window.end, window.anchor, window.direction) == (
        None,
        None,
        anchor,
        direction,
    )


def test_an_anchor_becomes_a_window_once_its_event_is_dated() -> None:
    moved = _day(2023, 6, 5)
    before = query_window("Where did she live before she moved to Berlin?", REF)
    after = query_window("What did she do after she moved to Berlin?", REF)
    assert before is not None and after is not None
    assert (before.at_anchor(moved).start, before.at_anchor(moved).end) == (None, moved)
    assert (after.at_anchor(moved).start, after.at_anchor(moved).end) == (moved, None)
    plain = TimeWindow(_day(2022, 1, 1), None, "since 2022")
    assert plain.at_anchor(moved) is plain


def test_between_two_events_is_a_window_anchored_at_both_ends() -> None:
    window = query_window("What did Tom do between leaving the bank and the gym job?", REF)
    assert window is not None
    assert (window.anchor, window.direction, window.end_anchor) == (
        "leaving the bank",
        "after",
        "the gym job",
    )
    quit_at, started = _day(2023, 5, 19), _day(2024, 3, 4)
    dated = window.at_end_anchor(started).at_anchor(quit_at)
    assert (dated.start, dated.end) == (quit_at, started)
    # a closing event dated before the opening one leaves "after the first" only
    backwards = window.at_end_anchor(quit_at).at_anchor(started)
    assert (backwards.start, backwards.end) == (started, None)
    # two dates stay a dated range; two things are no events
    dates = query_window("Where did she live between May and July 2023?", REF)
    assert dates is not None and dates.anchor is None and dates.start == _day(2023, 5, 1)
    assert query_window("What is the relationship between Alice and Bob?", REF) is None
    assert query_window("What's the difference between cats and dogs?", REF) is None


@pytest.mark.parametrize(
    "query",
    [
        "When did Caroline go to the LGBTQ support group?",  # asks for a time, gives none
        "When did she move?",
        "Where did she live when she lived in Paris?",
        "Where was she working before?",
        "What did she do before that?",
        "What did she eat after work?",
        "How did she get from Paris to Berlin?",
        "Since when does she live in Berlin?",
        "Where does Alice live?",
        "How many photos did she take? 2023 of them",
        "",
    ],
)
def test_questions_without_a_time_cue_have_no_window(query: str) -> None:
    assert query_window(query, REF) is None


# --- is_present_tense -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "Where does Alice live?",
        "What is her job?",
        "Who is she dating?",
        "Is she married?",
        "Does she have a pet?",
        "Has she got a pet?",
        "Who lives in Berlin?",
        "Where's Alice working now?",
        "What does she do these days?",
    ],
)
def test_questions_about_now(query: str) -> None:
    assert is_present_tense(query)


@pytest.mark.parametrize(
    "query",
    [
        "Where did Alice live in 2022?",
        "When did she move?",
        "Where was she working before?",
        "What did she use to do?",
        "What did she used to do for work?",
        "Where has she worked?",
        "Who moved to Berlin?",
        "Where will she live?",
        "What was her job two years ago?",
        "What is her job in 2019?",  # a past date makes it history whatever the verb
        "Who was she dating previously?",
    ],
)
def test_questions_about_history(query: str) -> None:
    assert not is_present_tense(query)


# --- display_until ----------------------------------------------------------------------------


def test_display_until_is_as_precise_as_the_grain() -> None:
    at = _day(2023, 6, 10)
    assert display_until(at, "day") == "10 June 2023"
    assert display_until(at, "instant") == "10 June 2023"
    assert display_until(_day(2023, 6, 1), "month") == "June 2023"
    assert display_until(_day(2023, 1, 1), "year") == "2023"
    assert display_until(
        datetime(2023, 6, 10, 23, 0, tzinfo=timezone(timedelta(hours=-5))), "day"
    ) == ("11 June 2023")


# --- properties -------------------------------------------------------------------------------

references = st.datetimes(
    min_value=datetime(1900, 1, 1), max_value=datetime(2150, 12, 31), timezones=st.just(UTC)
)
words = st.sampled_from(
    [
        "in", "on", "since", "until", "before", "after", "last", "next", "this", "ago", "the",
        "of", "May", "march", "June", "Saturday", "week", "weeks", "two", "a few", "days",
        "2023", "1999", "8th", "31", "February", "30", "yesterday", "tomorrow", "between", "and",
        "to", "from", "will", "moved", "I", ",", ".", "?", "\n", "2023-05-08", "13/05/2023",
        "Dec.", "mai", "März", "the week", "9999 years", "Jan 0001", "9999", "she", "quit",
        "Renault", "weekend", "year", "month",
    ]
)  # fmt: skip
phrasey = st.lists(words, max_size=14).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.text(max_size=200), phrasey), reference=references)
def test_any_text_resolves_without_raising_to_consistent_dates(
    text: str, reference: datetime
) -> None:
    found = resolve_dates(text, reference)
    cursor = 0
    for date_ in found:
        assert date_.at.tzinfo is UTC and date_.end >= date_.at
        assert abs(date_.at.year - reference.year) <= 200
        # Each phrase is in the text, after the one before it: text order, no overlap.
        position = text.find(date_.phrase, cursor) if date_.phrase else -1
        assert position >= 0
        cursor = position + len(date_.phrase)
    valid = resolve_valid_at(text, reference)
    # Later than the message only for a phrase of the text that points ahead, and only when
    # the text names nothing earlier that says when it happened.
    assert valid.at <= reference or (
        valid in found and not any(d.at <= reference and d.role in ("on", "since") for d in found)
    )
    query_window(text, reference)
    is_present_tense(text)


@settings(max_examples=200, deadline=None)
@given(
    day=st.dates(min_value=date(1900, 1, 1), max_value=date(2150, 12, 31)),
    reference=references,
    form=st.sampled_from(
        [
            "{d} {B} {Y}",
            "{B} {d}, {Y}",
            "the {d}th of {B} {Y}",
            "{Y}-{m:02d}-{d:02d}",
            "{b} {d} {Y}",
        ]
    ),
)
def test_an_explicit_date_round_trips_in_every_written_form(
    day: date, reference: datetime, form: str
) -> None:
    text = form.format(d=day.day, m=day.month, Y=day.year, B=f"{day:%B}", b=f"{day:%b}")
    found = resolve_dates(f"It happened on {text}.", reference)
    if abs(day.year - reference.year) > 200:
        assert found == []
    else:
        assert [(d.at.date(), d.grain) for d in found] == [(day, "day")]


@settings(max_examples=200, deadline=None)
@given(reference=references, count=st.integers(1, 40), unit=st.sampled_from(["day", "week"]))
def test_n_units_ago_is_the_period_holding_that_day(
    reference: datetime, count: int, unit: str
) -> None:
    found = _one(f"it was {count} {unit}s ago", reference)
    back = reference - timedelta(**{f"{unit}s": count})
    assert found.at <= back < found.end
    assert found.end <= reference.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(
        days=1
    )


@settings(max_examples=200, deadline=None)
@given(reference=references, month=st.sampled_from(["January", "May", "August", "December"]))
def test_a_bare_month_is_the_latest_not_after_the_reference(
    reference: datetime, month: str
) -> None:
    found = _one(f"I was there in {month}", reference)
    assert found.grain == "month" and found.at <= reference
    assert reference - found.at < timedelta(days=366)
    ahead = _one(f"I will be there in {month}", reference)
    assert ahead.end > reference and ahead.at - reference < timedelta(days=366)


# -- holidays on a fixed date (issue 18) ----------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "phrase", "expected"),
    [
        ("We've been together since Christmas.", "since Christmas", "2023-12-25"),
        ("We got engaged on New Year's Eve.", "on New Year's Eve", "2023-12-31"),
        ("Dating since New Year's.", "since New Year's", "2024-01-01"),
        ("It happened on Valentine's Day.", "on Valentine's Day", "2023-02-14"),
        ("We met at a party on Halloween.", "on Halloween", "2023-10-31"),
        ("I bought it on Boxing Day.", "on Boxing Day", "2023-12-26"),
        ("Last Christmas was quiet.", "Last Christmas", "2023-12-25"),
        ("We'll marry next Halloween.", "next Halloween", "2024-10-31"),
        ("I will fly home for Christmas.", "Christmas", "2024-12-25"),  # a future sentence
    ],
)
def test_fixed_date_holidays_resolve_to_the_latest_one_unless_the_future(
    text: str, phrase: str, expected: str
) -> None:
    (found,) = resolve_dates(text, datetime(2024, 1, 18, 9, 0, tzinfo=UTC))
    assert (found.phrase, found.at.date().isoformat(), found.grain) == (phrase, expected, "day")


@pytest.mark.parametrize(
    "text", ["I love Christmas.", "Halloween costumes are fun.", "Happy New Year!"]
)
def test_a_holiday_without_a_cue_is_a_topic_not_a_date(text: str) -> None:
    assert resolve_dates(text, datetime(2024, 1, 18, tzinfo=UTC)) == []


# -- the cue prefilter is a fast path, never a different answer ------------------------------------
# Words of every pattern, words that only look like them, and characters that case-fold to ASCII
# letters (long s, Kelvin sign), digits and punctuation: texts where a wrong shortcut would show.
_CUE_VOCABULARY = [
    "in", "on", "since", "until", "before", "after", "the", "last", "next", "this", "past",
    "a", "few", "two", "three", "12", "8th", "2023", "2019", "08/05/2023", "2023-05-08",
    "13.05.2023", "2023/05/08", "May", "may", "March", "Mar.", "Sept", "dec", "Monday", "fri",
    "Sat", "sun", "Sunday", "saturdays", "yesterday", "today", "tonight", "night", "morning",
    "day", "days", "week", "weekend", "weekends", "month", "months", "year's", "years", "ago",
    "other", "New", "Year", "Christmas", "Eve", "Valentine's", "valentines", "Halloween", "xmas",
    "Boxing", "from", "now", "of", "and", "I", "will", "moved", "birthday", "holiday", "monday_",
    "ſaturday", "\u212aelvin", "weeK", "\u0130stanbul", "Dezember", "Mai", "12345", "D1:3",
    "tues", "weds", "sat", "wks", "wknd", "yr", "nye", "o'", "twentieth", "twenty", "Feb", "is",
    "starts", "past", "end", "1st", "Lunar", "Shrove", "midsummer",
]  # fmt: skip
_CUE_TEXTS = st.lists(
    st.tuples(st.sampled_from(_CUE_VOCABULARY), st.sampled_from([" ", " ", ", ", ". ", "\n", "-"])),
    max_size=14,
).map(lambda parts: "".join(word + gap for word, gap in parts))


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(_CUE_TEXTS, st.text(max_size=40)))
def test_cue_classes_read_ascii_word_by_word_as_the_cue_pattern_does(text: str) -> None:
    from cognee_langchain.core._date_phrases import CUES
    from cognee_langchain.core._date_scan import cue_classes

    assert cue_classes(text) == {str(m.lastgroup) for m in CUES.finditer(text)}


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(_CUE_TEXTS, st.text(max_size=40)))
def test_the_cue_prefilter_finds_what_every_pattern_on_every_sentence_finds(text: str) -> None:
    from cognee_langchain.core import _date_scan
    from cognee_langchain.core._date_scan import PATTERNS

    fast = resolve_dates(text, REF)
    with pytest.MonkeyPatch.context() as patched:
        # The slow reading: every sentence with any character searched with every pattern.
        patched.setattr(_date_scan, "cue_classes", lambda body: {"any"} if body else set())
        patched.setattr(_date_scan, "patterns_for", lambda cues: PATTERNS)
        slow = resolve_dates(text, REF)
    assert fast == slow


@pytest.mark.parametrize(
    ("text", "at"),
    [
        ("since New Years", _day(2023, 1, 1)),  # no apostrophe: the same holiday
        ("on new year eve", _day(2022, 12, 31)),
        ("on Valentines", _day(2023, 2, 14)),
        # Letters re.I takes for ASCII ones (long s, Kelvin sign) are read as those letters.
        ("ſince ſaturday", _day(2023, 6, 10)),
        ("la\u017ft wee\u212a", _day(2023, 6, 5)),
    ],
)
def test_every_form_a_pattern_matches_resolves(text: str, at: datetime) -> None:
    assert _one(text).at == at


@pytest.mark.parametrize(
    ("text", "at", "grain"),
    [
        ("I've lived in Lyon for three years.", _day(2020, 1, 1), "year"),
        ("She has been working there for the past two months", _day(2023, 4, 1), "month"),
        ("We've had the cat for a week now", _day(2023, 6, 5), "week"),
    ],
)
def test_how_long_a_state_has_lasted_dates_its_start(text: str, at: datetime, grain: str) -> None:
    found = resolve_valid_at(text, REF)
    assert (found.at, found.grain) == (at, grain)


@pytest.mark.parametrize(
    "text",
    [
        "I lived in Lyon for three years.",  # a length of time in the past
        "I'll be in Lyon for two weeks.",  # and in the future
        "I had worked there for two years by then.",
    ],
)
def test_a_length_of_time_is_no_date(text: str) -> None:
    assert resolve_dates(text, REF) == []


@given(year=st.integers(1900, 2200))
def test_moving_holidays_fall_on_their_weekday_in_their_season(year: int) -> None:
    from cognee_langchain.core._holidays import holiday_date

    easter = holiday_date("Easter", year)
    assert easter.weekday() == 6 and date(year, 3, 22) <= easter <= date(year, 4, 25)
    assert holiday_date("good friday", year) == easter - timedelta(days=2)
    for name, month, weekday in (
        ("Thanksgiving", 11, 3),
        ("Labor Day", 9, 0),
        ("Mother’s Day", 5, 6),
        ("August bank holiday", 8, 0),
    ):
        day = holiday_date(name, year)
        assert (day.month, day.weekday()) == (month, weekday)
    assert holiday_date("Thanksgiving", year).day >= 22  # the fourth Thursday
    assert holiday_date("August bank holiday", year).day >= 25  # the last Monday


# -- texting and regional English ----------------------------------------------------------------
# References: Wednesday 14 June 2023 (REF), Sunday 6 March 2022, Wednesday 6 June 2018, Tuesday
# 15 August 2023, Wednesday 15 March 2023.
_SUNDAY = datetime(2022, 3, 6, 18, 0, tzinfo=UTC)
_JUNE_2018 = datetime(2018, 6, 6, 9, 0, tzinfo=UTC)
_MID_AUGUST = datetime(2023, 8, 15, 9, 0, tzinfo=UTC)
_MID_MARCH = datetime(2023, 3, 15, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "reference", "phrase", "at", "grain"),
    [
        # weekday abbreviations after a preposition or last/next/this, and alone where no word
        ("Been poorly since sat, ugh", REF, "since sat", _day(2023, 6, 10), "day"),
        ("I saw him on thurs and he was fine", REF, "on thurs", _day(2023, 6, 8), "day"),
        ("last weds was mad", REF, "last weds", _day(2023, 6, 7), "day"),
        ("I saw him tues", REF, "tues", _day(2023, 6, 13), "day"),
        ("we spoke weds, all good", REF, "weds", _day(2023, 6, 7), "day"),
        ("it's been quiet since Mon.", REF, "since Mon.", _day(2023, 6, 12), "day"),
        ("I'll ring you on fri", REF, "on fri", _day(2023, 6, 16), "day"),
        # unit abbreviations
        ("moved out 2 wks ago", REF, "2 wks ago", _day(2023, 5, 29), "week"),
        ("went camping last wknd", REF, "last wknd", _day(2023, 6, 10), "week"),
        ("saw it last wkend", REF, "last wkend", _day(2023, 6, 10), "week"),
        ("a couple wks back we met", REF, "a couple wks back", _day(2023, 5, 29), "week"),
        ("quit 3 mths ago", REF, "3 mths ago", _day(2023, 3, 1), "month"),
        ("we split 2 yrs ago", REF, "2 yrs ago", _day(2021, 1, 1), "year"),
        ("got married last yr", REF, "last yr", _day(2022, 1, 1), "year"),
        # the week and the weekend before last (weeks start on Monday)
        (
            "we moved the week before last",
            _SUNDAY,
            "the week before last",
            _day(2022, 2, 14),
            "week",
        ),
        ("the weekend before last", _SUNDAY, "the weekend before last", _day(2022, 2, 19), "week"),
        (
            "I went the weekend before last",
            REF,
            "the weekend before last",
            _day(2023, 6, 3),
            "week",
        ),
        # a weekday before or after a holiday, "on" and all
        (
            "back to work the Monday after New Year",
            REF,
            "the Monday after New Year",
            _day(2023, 1, 2),
            "day",
        ),
        (
            "flew home the Sunday before Christmas",
            REF,
            "the Sunday before Christmas",
            _day(2022, 12, 18),
            "day",
        ),
        (
            "we had the party on the Tuesday before Christmas",
            REF,
            "on the Tuesday before Christmas",
            _day(2022, 12, 20),
            "day",
        ),
        (
            "she arrived on the Saturday before Easter, I think",
            REF,
            "on the Saturday before Easter",
            _day(2023, 4, 8),
            "day",
        ),
        # holidays
        ("we met on Christmas Eve", REF, "on Christmas Eve", _day(2022, 12, 24), "day"),
        ("engaged on xmas eve!!", REF, "on xmas eve", _day(2022, 12, 24), "day"),
        ("got together on NYE", REF, "on NYE", _day(2022, 12, 31), "day"),
        ("since nye", REF, "since nye", _day(2022, 12, 31), "day"),
        ("I proposed on New Year's Eve", REF, "on New Year's Eve", _day(2022, 12, 31), "day"),
        ("since Shrove Tuesday", REF, "since Shrove Tuesday", _day(2023, 2, 21), "day"),
        ("we met on Pancake Day", REF, "on Pancake Day", _day(2023, 2, 21), "day"),
        ("on Remembrance Day", REF, "on Remembrance Day", _day(2022, 11, 11), "day"),
        ("moved in right after Labour Day", REF, "right after Labour Day", _day(2022, 9, 5), "day"),
        ("since Labor Day", REF, "since Labor Day", _day(2022, 9, 5), "day"),
        ("out on St Paddy's Day", REF, "on St Paddy's Day", _day(2023, 3, 17), "day"),
        ("drunk since Paddy's Day", REF, "since Paddy's Day", _day(2023, 3, 17), "day"),
        ("we wed at midsummer", REF, "midsummer", _day(2022, 6, 24), "day"),
        ("on Midsummer's Day", REF, "on Midsummer's Day", _day(2022, 6, 24), "day"),
        ("home for Chinese New Year", REF, "Chinese New Year", _day(2023, 1, 22), "day"),
        (
            "since Lunar New Year",
            _day(2024, 6, 1),
            "since Lunar New Year",
            _day(2024, 2, 10),
            "day",
        ),
        (
            "dating since Valentine's Day last year",
            REF,
            "since Valentine's Day last year",
            _day(2022, 2, 14),
            "day",
        ),
        ("at Christmas this year", REF, "Christmas this year", _day(2023, 12, 25), "day"),
        ("at Easter 2019", REF, "Easter 2019", _day(2019, 4, 21), "day"),
        # the first and last days of months
        (
            "it ended on the last day of April",
            REF,
            "on the last day of April",
            _day(2023, 4, 30),
            "day",
        ),
        (
            "since the first of the month",
            REF,
            "since the first of the month",
            _day(2023, 6, 1),
            "day",
        ),
        ("I've been off from 1st", REF, "from 1st", _day(2023, 6, 1), "day"),
        (
            "paid on the last day of the month",
            REF,
            "on the last day of the month",
            _day(2023, 5, 31),
            "day",
        ),
        (
            "on the last day of Feb 2024",
            REF,
            "on the last day of Feb 2024",
            _day(2024, 2, 29),
            "day",
        ),
        # days in words
        ("married on the twenty of July", REF, "on the twenty of July", _day(2022, 7, 20), "day"),
        ("the twentieth of July", REF, "the twentieth of July", _day(2022, 7, 20), "day"),
        ("the fifth of this month", REF, "the fifth of this month", _day(2023, 6, 5), "day"),
        ("on the twenty third of May", REF, "on the twenty third of May", _day(2023, 5, 23), "day"),
        ("on May the twenty-third", REF, "on May the twenty-third", _day(2023, 5, 23), "day"),
        ("born April thirtieth, 1990", REF, "April thirtieth, 1990", _day(1990, 4, 30), "day"),
        # the most recent weekday, Irish and Scottish
        ("I saw her the Monday past", REF, "the Monday past", _day(2023, 6, 12), "day"),
        ("Friday past, at the match", REF, "Friday past", _day(2023, 6, 9), "day"),
        # the end of a month, abbreviated or in dialect
        ("at the end of Feb", REF, "the end of Feb", _day(2023, 2, 22), "week"),
        ("end of Sept", REF, "end of Sept", _day(2022, 9, 24), "week"),
        ("end o' April", REF, "end o' April", _day(2023, 4, 24), "week"),
        # tense is read per clause: the engagement is past though the news opens in the future
        (
            "I have news which you will have guessed: Marta and I became engaged on Easter Monday",
            _JUNE_2018,
            "on Easter Monday",
            _day(2018, 4, 2),
            "day",
        ),
        # a present verb announces a day to come
        ("my last day is sept 8", _MID_AUGUST, "sept 8", _day(2023, 9, 8), "day"),
        ("my last duty is on the 31st", _MID_MARCH, "on the 31st", _day(2023, 3, 31), "day"),
        ("the lease starts on the 1st", _MID_MARCH, "on the 1st", _day(2023, 4, 1), "day"),
        ("the party is on Saturday", REF, "on Saturday", _day(2023, 6, 17), "day"),
        # ... but not in the past, nor what recurs
        ("my last day was sept 8", _MID_AUGUST, "sept 8", _day(2022, 9, 8), "day"),
        ("my birthday is on the 3rd", _MID_MARCH, "on the 3rd", _day(2023, 3, 3), "day"),
        ("Today is Monday", REF, "Today", _day(2023, 6, 14), "day"),
    ],
)
def test_texting_and_regional_phrases(
    text: str, reference: datetime, phrase: str, at: datetime, grain: str
) -> None:
    found = resolve_dates(text, reference)
    assert [(d.phrase, d.at, d.grain) for d in found][:1] == [(phrase, at, grain)]


@pytest.mark.parametrize(
    "text",
    [
        "I sat down",
        "the Sun said so",
        "Wed. I'll see",  # "wed" alone may be the verb
        "we put on sun cream",
        "had to sit on sat nav duty",
        "you may first want to check",
        "a talk by Nye",  # a surname, not New Year's Eve
        "every tues I swim",
        "we bowl on thurs nights",
        "the end of Jan's shift",
        "a Midsummer Night's Dream",
        "yr mum called",
    ],
)
def test_near_misses_of_texting_and_regional_phrases_are_no_date(text: str) -> None:
    assert resolve_dates(text, REF) == []


def test_a_weekday_past_an_hour_is_that_weekday_and_a_number_of_a_month_is_no_day() -> None:
    assert _one("on Monday past noon").phrase == "on Monday"
    # "the two of July": people more often than a day; the month stays a date after "of"
    assert _one("the two of July").grain == "month"


def test_lunar_new_year_outside_its_table_is_no_date() -> None:
    assert resolve_dates("since Chinese New Year", datetime(2060, 6, 1, tzinfo=UTC)) == []


def test_a_holiday_said_to_be_when_is_that_day() -> None:
    # "My last day was Good Friday": "was" makes the holiday a date; alone it names a feast
    ref = datetime(2024, 4, 4, 12, tzinfo=UTC)
    (found,) = resolve_dates("Last day was Good Friday, they gave me a cake.", ref)
    assert (found.at, found.grain) == (datetime(2024, 3, 29, tzinfo=UTC), "day")
    assert resolve_dates("I love Good Friday.", ref) == []
