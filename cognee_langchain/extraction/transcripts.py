"""Transcripts: recognise dialogue in text, cut it into turns, and share one extraction window's
findings out among the turns it read.

A transcript is an optional date line, then ``Speaker: text`` lines, each optionally led by a
turn id in brackets::

    Session 1 (1:56 pm on 8 May, 2023)
    [D1:1] Caroline: Hey Mel! Good to see you!
    [D1:2] Melanie: Hey Caroline! I'm swamped with the kids & work.

A date line is ``Date: <date>``, ``Session <n> (<date>)``, ``Session <n> - <date>`` or a line that
is only a date with a year; it dates the turns after it. A line that is not a turn continues the
turn before it (session renderings indent them). Text is a transcript when turn lines are at least
half of its lines; anything else is prose and keeps prose chunking.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime

from dateutil import parser as date_parser

from cognee_langchain.core.turns import Turn
from cognee_langchain.extraction.schema import ChunkExtraction, ExtractedEntity, ExtractedRelation

__all__ = ["distribute", "parse_date_line", "parse_transcript"]

# "[D1:3] Caroline: text": a name of at most four words, then a colon and a space (so "http://"
# and "10:30" are never speakers).
_TURN = re.compile(
    r"^(?:\[(?P<id>[^\]\n]{1,32})\]\s*)?"
    r"(?P<speaker>[^\W\d_][\w.'’-]*(?: [\w.'’-]+){0,3}):\s+(?P<text>\S.*)$"
)
_SESSION_DATE = re.compile(
    r"^Session\b(?:[^()\n]{0,40}\((?P<date>[^()\n]{4,60})\)"
    # "Session 2 - 20 June 2023", "Session 3: 2023-06-01"
    r"|\s*\d{1,4}\s*[:\-–—]\s*(?P<dated>[^()\n]{4,60}?))\s*$",
    re.I,
)
_DATE_FIELD = re.compile(r"^Date:\s*(?P<date>.{4,60})$", re.I)
_YEAR = re.compile(r"\b\d{4}\b")
# Two turns tell dialogue from prose that has a "Label: text" line; one turn is enough when a
# date line or a turn id marks it ("Session 3 (...)" then "[D3:1] Alice: I moved to Berlin").
_MIN_TURNS = 2


def parse_date_line(line: str) -> datetime | None:
    """The time a date line gives (UTC when it names no zone), ``None`` for any other line."""
    line = line.strip()
    match = _SESSION_DATE.match(line) or _DATE_FIELD.match(line)
    # The date is the one group a date line's pattern captured.
    candidate = next(filter(None, match.groups())) if match else line.strip("()[] ")
    if not _YEAR.search(candidate) or len(candidate) > 60:
        return None
    try:
        parsed = datetime.fromisoformat(candidate)
    except ValueError:
        try:
            parsed = date_parser.parse(candidate, fuzzy=match is not None)
        except (ValueError, OverflowError):
            return None
    return parsed.astimezone(UTC) if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def parse_transcript(text: str) -> list[Turn] | None:
    """The turns of ``text`` if it is a transcript, else ``None``."""
    lines = [line.rstrip() for line in text.splitlines()]
    when: datetime | None = None
    turns: list[list[str | None]] = []  # [speaker, turn id, text] of each turn
    times: list[datetime | None] = []
    others = 0
    marked = False
    for line in lines:
        if not line.strip():
            continue
        labelled = _SESSION_DATE.match(line) or _DATE_FIELD.match(line)
        match = None if labelled or line[:1].isspace() else _TURN.match(line)
        if match is not None:
            turns.append([match["speaker"], match["id"], match["text"]])
            times.append(when)
            marked = marked or when is not None or match["id"] is not None
            continue
        dated = parse_date_line(line)
        if dated is not None:
            when = dated
        elif turns:
            turns[-1][2] = f"{turns[-1][2]}\n{line.strip()}"
            others += not line[:1].isspace()
        else:
            others += 1
    if len(turns) < (1 if marked else _MIN_TURNS) or others > len(turns):
        return None
    return [
        Turn(speaker=str(speaker), text=str(body), occurred_at=at, turn_id=turn_id)
        for (speaker, turn_id, body), at in zip(turns, times, strict=True)
    ]


def distribute(unit_texts: Sequence[str], extraction: ChunkExtraction) -> list[ChunkExtraction]:
    """One window's extraction shared out among the units (turns) it read, one result per unit.

    An entity goes to every unit that names it. A relation goes to the unit holding most of the
    words of its description when that unit holds most of them (the offline extractor describes
    a fact by its own sentence: "I'm freelancing now" is the turn saying it, not an earlier turn
    of the same speaker), else to the units naming both its ends, else to the first naming
    either. What no unit names (a model's paraphrase) goes to the first unit, so nothing
    extracted is lost. Units get no summary: a turn is its own summary.
    """
    folded = [text.casefold() for text in unit_texts]
    unit_words = [set(_WORDS.findall(text)) for text in folded]

    def naming(name: str) -> list[int]:
        key = name.casefold().strip()
        return [i for i, text in enumerate(folded) if key and key in text]

    entities: list[list[ExtractedEntity]] = [[] for _ in unit_texts]
    relations: list[list[ExtractedRelation]] = [[] for _ in unit_texts]
    for entity in extraction.entities:
        for i in naming(entity.name) or [0]:
            entities[i].append(entity)
    for relation in extraction.relations:
        said = _said_in(unit_words, relation.description)
        source, target = set(naming(relation.source)), set(naming(relation.target))
        both = sorted(source & target)
        either = sorted(source | target)
        for i in said or both or either[:1] or [0]:
            relations[i].append(relation)
    return [
        ChunkExtraction(entities=e, relations=r) for e, r in zip(entities, relations, strict=True)
    ]


_WORDS = re.compile(r"\w+")
# Share of a description's words one unit must hold to be where the fact was said.
_SAID = 0.6


def _said_in(unit_words: Sequence[set[str]], description: str) -> list[int]:
    """``[the unit]`` holding the largest share of ``description``'s words, when that share
    reaches :data:`_SAID` (earliest on a tie); ``[]`` otherwise."""
    words = set(_WORDS.findall(description.casefold()))
    if not words or not unit_words:
        return []
    shares = [len(words & unit) / len(words) for unit in unit_words]
    best = max(range(len(shares)), key=lambda i: (shares[i], -i))
    return [best] if shares[best] >= _SAID else []
