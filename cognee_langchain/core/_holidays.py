"""The holidays people date things by in chat ("at Easter", "right after Labor Day", "on Mother's
Day"), and the day each falls on in a given year: fixed dates, and the moving ones computed
(Easter by the Gregorian computus, the others as the n-th weekday of their month).

Where a name means different days in different countries, the reading is the one its spelling
points to ("Labor Day": the US one; "Mother's Day": the US and most of the world's, the second
Sunday of May), and names with no clear reading are left out: no date beats a wrong one.
Private: :mod:`~cognee_langchain.core.dates` is the public face.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

__all__ = ["HOLIDAY_NAMES", "holiday_date", "holiday_key", "nth_weekday"]

_MONDAY, _THURSDAY, _SUNDAY = 0, 3, 6


def _easter(year: int) -> date:
    """Easter Sunday of ``year`` (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month = (h + el - 7 * m + 114) // 31
    day = (h + el - 7 * m + 114) % 31 + 1
    return date(year, month, day)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The ``n``-th ``weekday`` (Monday 0) of ``month`` of ``year``; ``n`` -1: the last."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _nth(month: int, weekday: int, n: int) -> Callable[[int], date]:
    return lambda year: nth_weekday(year, month, weekday, n)


def _from_easter(days: int) -> Callable[[int], date]:
    return lambda year: _easter(year) + timedelta(days=days)


def _fixed(month: int, day: int) -> Callable[[int], date]:
    return lambda year: date(year, month, day)


# The first day of the Chinese calendar's year, which follows the moon: a table, not a rule. A
# year outside it raises ValueError, and the phrase is no date.
_LUNAR_NEW_YEAR = {
    2000: (2, 5), 2001: (1, 24), 2002: (2, 12), 2003: (2, 1), 2004: (1, 22), 2005: (2, 9),
    2006: (1, 29), 2007: (2, 18), 2008: (2, 7), 2009: (1, 26), 2010: (2, 14), 2011: (2, 3),
    2012: (1, 23), 2013: (2, 10), 2014: (1, 31), 2015: (2, 19), 2016: (2, 8), 2017: (1, 28),
    2018: (2, 16), 2019: (2, 5), 2020: (1, 25), 2021: (2, 12), 2022: (2, 1), 2023: (1, 22),
    2024: (2, 10), 2025: (1, 29), 2026: (2, 17), 2027: (2, 6), 2028: (1, 26), 2029: (2, 13),
    2030: (2, 3), 2031: (1, 23), 2032: (2, 11), 2033: (1, 31), 2034: (2, 19), 2035: (2, 8),
    2036: (1, 28), 2037: (2, 15), 2038: (2, 4), 2039: (1, 24), 2040: (2, 12),
}  # fmt: skip


def _lunar_new_year(year: int) -> date:
    if year not in _LUNAR_NEW_YEAR:
        raise ValueError(f"no Lunar New Year known for {year}")
    return date(year, *_LUNAR_NEW_YEAR[year])


# Keys are lower case without apostrophes or dots; a "'" in a name below marks where one may be.
_DAYS: dict[str, Callable[[int], date]] = {
    "new year's eve": _fixed(12, 31), "new year's day": _fixed(1, 1), "new year's": _fixed(1, 1),
    "new year eve": _fixed(12, 31), "new year day": _fixed(1, 1), "new year": _fixed(1, 1),
    "valentine's day": _fixed(2, 14), "valentine's": _fixed(2, 14), "halloween": _fixed(10, 31),
    "christmas eve": _fixed(12, 24), "christmas day": _fixed(12, 25), "christmas": _fixed(12, 25),
    "xmas": _fixed(12, 25), "boxing day": _fixed(12, 26), "hogmanay": _fixed(12, 31),
    "fourth of july": _fixed(7, 4), "bonfire night": _fixed(11, 5),
    "guy fawkes night": _fixed(11, 5), "st patrick's day": _fixed(3, 17),
    "canada day": _fixed(7, 1), "australia day": _fixed(1, 26), "anzac day": _fixed(4, 25),
    "waitangi day": _fixed(2, 6), "bastille day": _fixed(7, 14),
    "easter sunday": _easter, "easter monday": _from_easter(1), "easter weekend": _from_easter(-1),
    "easter": _easter, "good friday": _from_easter(-2), "whitsun": _from_easter(49),
    "pentecost": _from_easter(49), "pfingsten": _from_easter(49),
    "thanksgiving": _nth(11, _THURSDAY, 4), "labor day": _nth(9, _MONDAY, 1),
    "memorial day": _nth(5, _MONDAY, -1), "mother's day": _nth(5, _SUNDAY, 2),
    "father's day": _nth(6, _SUNDAY, 3), "august bank holiday": _nth(8, _MONDAY, -1),
    "early may bank holiday": _nth(5, _MONDAY, 1), "spring bank holiday": _nth(5, _MONDAY, -1),
    # Texting, British, Irish, Canadian and Australian names: "nye", "pancake day" (Shrove
    # Tuesday, 47 days before Easter), "Paddy's Day", Midsummer's Day (24 June in the UK and
    # Ireland), "Labour Day" (the Canadian spelling of the US day: both the first Monday of
    # September; Australia's differs by state, so this is the North American one).
    "nye": _fixed(12, 31), "xmas eve": _fixed(12, 24), "xmas day": _fixed(12, 25),
    "shrove tuesday": _from_easter(-47), "pancake day": _from_easter(-47),
    "remembrance day": _fixed(11, 11), "labour day": _nth(9, _MONDAY, 1),
    "st paddy's day": _fixed(3, 17), "paddy's day": _fixed(3, 17),
    "st patrick's": _fixed(3, 17), "midsummer's day": _fixed(6, 24),
    "midsummer day": _fixed(6, 24), "midsummer": _fixed(6, 24),
    "chinese new year": _lunar_new_year, "lunar new year": _lunar_new_year,
}  # fmt: skip
_SPARE = re.compile(r"['’.]")


def holiday_key(name: str) -> str:
    """``name`` as :func:`holiday_date` looks it up: lower case, one space, no apostrophes or
    dots ("St. Patrick’s  Day" -> "st patricks day")."""
    return " ".join(_SPARE.sub("", name.lower()).split())


_ON = {holiday_key(name): on for name, on in _DAYS.items()}


def _pattern(name: str) -> str:
    words = (
        r"st\.?" if word == "st" else re.escape(word).replace("'", "['’]?") for word in name.split()
    )
    return r"\s+".join(words)


#: Every holiday name as one alternation, longest first (for a pattern's ``holiday`` group).
HOLIDAY_NAMES = "|".join(_pattern(name) for name in sorted(_DAYS, key=len, reverse=True))


def holiday_date(name: str, year: int) -> date:
    """The day holiday ``name`` (any case, apostrophes optional) falls on in ``year``; raises
    ``KeyError`` for a name it does not know and ``ValueError`` past the calendar's ends."""
    return _ON[holiday_key(name)](year)
