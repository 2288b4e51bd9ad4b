"""Retrieval units and extraction windows: how ingested text is cut for reading and for extracting.

A transcript (or a session persisted by ``improve``) becomes one unit per turn, each carrying its
speaker, time, session and place, plus index-only keys (its date) and context (the neighbouring
turns' text, which holds the words a question about the turn often uses). Prose keeps the
chunker's boundary-aware chunks.

What one extractor call reads is decoupled from what one hit returns: consecutive turns of a
document are packed into windows of up to :data:`WINDOW_CHARS` characters, each extracted in one
call, and what a window yields is shared out among the turns that name it
(:func:`~cognee_langchain.extraction.transcripts.distribute`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from cognee_langchain.core.turns import Turn, display_date
from cognee_langchain.extraction.chunking import TextChunker
from cognee_langchain.extraction.gazetteer import place_words
from cognee_langchain.extraction.schema import ChunkExtraction
from cognee_langchain.extraction.transcripts import distribute, parse_transcript
from cognee_langchain.graph.models import SourceItem, content_id

__all__ = [
    "CONTEXT_TURNS",
    "WINDOW_CHARS",
    "ExtractionJob",
    "Unit",
    "extraction_jobs",
    "spread",
    "units_of",
]

#: Characters of turns one extractor call reads: 200 KB of chat in at most 41 calls, as many as
#: cognee makes for it.
WINDOW_CHARS = 5_000
#: Turns on each side whose text is a turn's index-only context (measured on LoCoMo's
#: development split: 2 beat 1 by .009 and 3 by .001 evidence recall @500).
CONTEXT_TURNS = 2


@dataclass(frozen=True, slots=True)
class Unit:
    """One retrieval unit of a document: a chunk id, its text and (for a turn) its unit data."""

    id: str
    text: str
    unit: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ExtractionJob:
    """What one extractor input covers: one prose chunk, or a window of turns."""

    chunk_ids: tuple[str, ...]
    text: str
    window: bool = False


def _turn_text(turn: Turn, body: str) -> str:
    line = f"{turn.speaker}: {body}"
    return f"[{turn.turn_id}] {line}" if turn.turn_id else line


def _keys(turn: Turn, piece: str, speakers: set[str]) -> str:
    """A turn's index-only key words: its date ("8 May 2023") and the categories of the places
    it names, so "US cities" finds "Seattle" (:mod:`~cognee_langchain.extraction.gazetteer`)."""
    date = "" if turn.occurred_at is None else display_date(turn.occurred_at)
    return " ".join(part for part in (date, place_words(piece, speakers)) if part)


def units_of(dataset: str, item: SourceItem, text: str, chunker: TextChunker) -> list[Unit]:
    """The units of one document (``text`` is the item's normalised text)."""
    turns = list(item.turns) or parse_transcript(text)
    if not turns:
        return [Unit(content_id("chunk", dataset, piece), piece) for piece in chunker.split(text)]
    group = item.session_id or content_id("transcript", dataset, text)
    # A turn longer than a chunk is cut at sentence boundaries into several units, never dropped.
    pieces = [(turn, piece) for turn in turns for piece in chunker.split(turn.text)]
    plain = [f"{turn.speaker}: {piece}" for turn, piece in pieces]
    speakers = {turn.speaker for turn in turns}
    units = []
    for position, (turn, piece) in enumerate(pieces):
        text_of_unit = _turn_text(turn, piece)
        neighbours = plain[max(0, position - CONTEXT_TURNS) : position]
        neighbours += plain[position + 1 : position + 1 + CONTEXT_TURNS]
        place = ",".join(turn.message_ids) or str(position)
        data: dict[str, Any] = {
            "speaker": turn.speaker,
            "group": group,
            "position": position,
            "keys": _keys(turn, piece, speakers),
            "context": "\n".join(neighbours),
        }
        if turn.occurred_at is not None:
            data["occurred_at"] = turn.occurred_at.timestamp()
        if turn.turn_id:
            data["turn_id"] = turn.turn_id
        if turn.message_ids:
            data["message_ids"] = list(turn.message_ids)
        unit_id = content_id("chunk", dataset, "turn", group, place, text_of_unit)
        units.append(Unit(unit_id, text_of_unit, data))
    return units


def extraction_jobs(units: Sequence[Unit]) -> list[ExtractionJob]:
    """The extractor inputs of one document's new units: each prose chunk alone, consecutive
    turns packed into windows of up to :data:`WINDOW_CHARS` characters."""
    jobs: list[ExtractionJob] = []
    window: list[Unit] = []

    def flush() -> None:
        if window:
            ids = tuple(u.id for u in window)
            jobs.append(ExtractionJob(ids, "\n".join(u.text for u in window), window=True))
            window.clear()

    for unit in units:
        if not unit.unit:
            flush()
            jobs.append(ExtractionJob((unit.id,), unit.text))
            continue
        if window and sum(len(u.text) + 1 for u in window) + len(unit.text) > WINDOW_CHARS:
            flush()
        window.append(unit)
    flush()
    return jobs


def spread(
    jobs: Sequence[ExtractionJob],
    results: Sequence[ChunkExtraction],
    texts: dict[str, str],
) -> dict[str, ChunkExtraction]:
    """Each chunk's extraction: a prose chunk's own, a turn's share of its window's."""
    per_chunk: dict[str, ChunkExtraction] = {}
    for job, result in zip(jobs, results, strict=True):
        if not job.window:
            per_chunk[job.chunk_ids[0]] = result
            continue
        shares = distribute([texts[cid] for cid in job.chunk_ids], result)
        per_chunk.update(zip(job.chunk_ids, shares, strict=True))
    return per_chunk
