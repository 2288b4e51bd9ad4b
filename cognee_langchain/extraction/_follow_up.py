"""A change a speaker states without a date, dated by the sentence that follows it in the same
turn: "I'm seeing someone new, Leah. We met at the pool in May." -> seeing Leah since May;
"Erik and I are separating. We decided in February." -> the end in February.

The next sentence must say when *that* happened: "it"/"that" was, happened, started or ended
("I moved to Lyon. That was in 2021."), or "we"/"she"/"he"/"they" met, decided, agreed, began,
started or signed (the start of what was just said), or "I've lived here" / "been there" (how
long a home just named has been one: "Oslo is home now. I've lived here since May."); "We went
to Rome in May" dates a trip, not the change before it. Its date must lie in the past (not
"We'll meet in May"), and the change's own sentence must name no date of its own, which always
wins. Only the phrase is passed on ("in
May"): it is resolved against the message's time with every other date when the write is built.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from cognee_langchain.core.dates import resolve_dates, resolve_valid_at

__all__ = ["follow_up_date"]

_CONTINUES = re.compile(
    r"\W*(?:(?:we|she|he|they)\s+(?:(?:first|finally|only|just|actually|both|officially)\s+)?"
    r"(?:met|decided|agreed|began|started|signed|finali[sz]ed|made\s+it\s+official)"
    r"|(?:it|that|this)(?:\s+all)?\s+(?:was|happened|started|began|ended)"
    r"|I(?:['’]ve|\s+have)\s+(?:(?:only|just)\s+)?(?:lived|been|stayed)\s+(?:here|there))\b",
    re.I,
)


def follow_up_date(text: str, following: str) -> str | None:
    """The date phrase ``following`` (the next sentence of the turn) gives a change stated in
    ``text``, or ``None``."""
    if not _CONTINUES.match(following):
        return None
    # Which way a phrase points comes from its words and tense, not from this reference: any
    # time serves to tell a past phrase from one ahead.
    now = datetime.now(UTC)
    when = resolve_valid_at(following, now)
    if not when.phrase or when.at > now or resolve_dates(text, now):
        return None
    return when.phrase
