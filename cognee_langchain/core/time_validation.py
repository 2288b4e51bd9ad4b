"""Checks of the time arguments of reads: ``as_of`` (an instant) and ``time_range`` (a window).

Times at the public API are ``datetime``\\ s; a naive one is taken as UTC (the package stores
epoch seconds, UTC). Anything else — a date string, a number, a ``date`` without a time, a window
whose start is not before its end — raises :class:`InvalidInputError` naming the fix, before any
I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from cognee_langchain.core.dates import as_utc
from cognee_langchain.errors import InvalidInputError

__all__ = ["TimeRange", "check_as_of", "check_time_range"]

TimeRange = tuple[datetime | None, datetime | None]
"""``(start, end)``: start inclusive, end exclusive, ``None`` for an open side."""


def _moment(value: object, name: str) -> datetime:
    try:
        return as_utc(value, name)
    except (OverflowError, ValueError) as exc:  # datetime.min in a zone east of UTC
        raise InvalidInputError(f"{name} {value!r} cannot be converted to UTC: {exc}.") from None


def check_as_of(value: object) -> datetime | None:
    """The instant a read judges what is current at (``None``: now)."""
    return None if value is None else _moment(value, "as_of")


def check_time_range(value: object) -> TimeRange | None:
    """A ``(start, end)`` window (either side ``None`` = open); ``None`` or ``(None, None)``:
    no window. The start must be before the end."""
    if value is None:
        return None
    if isinstance(value, str | bytes) or not isinstance(value, Sequence) or len(value) != 2:
        raise InvalidInputError(
            f"time_range must be a (start, end) pair of datetimes or None, got {value!r}: pass "
            "e.g. (datetime(2023, 5, 1, tzinfo=UTC), None) for 'since May 2023'."
        )
    start = None if value[0] is None else _moment(value[0], "time_range start")
    end = None if value[1] is None else _moment(value[1], "time_range end")
    if start is None and end is None:
        return None
    if start is not None and end is not None and start >= end:
        raise InvalidInputError(
            f"time_range start {start.isoformat()} is not before its end {end.isoformat()}: "
            "pass (earlier, later); the end is exclusive."
        )
    return start, end
