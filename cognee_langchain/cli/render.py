"""How command results look in the shell: one-line documents, aligned tables, and JSON-ready data
for ``--json``."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from langchain_core.documents import Document

    from cognee_langchain.services.history import FactVersion

__all__ = [
    "counts",
    "document_lines",
    "history_lines",
    "jsonable",
    "message_text",
    "one_line",
    "table",
    "timestamp",
]

_MAX_TEXT_COLUMNS = 200


def document_lines(documents: Sequence[Document]) -> list[str]:
    """One numbered line per document: its type, score and text."""
    lines = []
    for rank, document in enumerate(documents, 1):
        meta = document.metadata
        score = meta.get("score")
        label = " ".join(
            part
            for part in (
                str(meta.get("type") or ""),
                f"{score:.3f}" if isinstance(score, int | float) else "",
            )
            if part
        )
        lines.append(f"{rank:>3}. [{label}] {one_line(document.page_content)}")
    return lines


def message_text(message: Any) -> str:
    """A chat message's text on one line, with its tool calls."""
    text = one_line(message.text)
    calls = getattr(message, "tool_calls", None) or []
    if calls:
        text += " " + " ".join(f"-> {c['name']}({json.dumps(c['args'])})" for c in calls)
    return text


def one_line(text: str) -> str:
    """``text`` with its whitespace collapsed, clipped to fit a terminal line."""
    text = " ".join(text.split())
    return text if len(text) <= _MAX_TEXT_COLUMNS else text[: _MAX_TEXT_COLUMNS - 1] + "…"


def history_lines(versions: Sequence[FactVersion]) -> list[str]:
    """One line per fact version: its interval, the fact, and how it ended or that it holds."""
    lines = []
    for version in versions:
        start = "?" if version.valid_at is None else version.valid_at.date().isoformat()
        end = "now" if version.invalid_at is None else version.invalid_at.date().isoformat()
        if version.invalid_at is None:
            state = "current"
        elif version.superseded_by is None:
            state = "retracted"
        else:
            state = f"superseded by {version.superseded_by[:12]}"
        said = f' "{version.valid_phrase}"' if version.valid_phrase else ""
        lines.append(f"{start} .. {end}  {one_line(version.fact)}  [{state}]{said}")
    return lines


def counts(row: Any) -> tuple[str, ...]:
    """The document, chunk, entity and relation counts of a stats row, as table cells."""
    return tuple(str(n) for n in (row.documents, row.chunks, row.entities, row.relations))


def table(rows: Sequence[Sequence[str]]) -> str:
    """``rows`` as aligned columns: the first left-aligned, the others right-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    )


def timestamp(seconds: float) -> str:
    """A Unix time as local ``YYYY-MM-DD HH:MM:SS``."""
    return datetime.fromtimestamp(seconds).isoformat(sep=" ", timespec="seconds")


def jsonable(value: object) -> Any:
    """``value`` as JSON-ready data: dataclasses and pydantic models (``Document``, messages,
    results) become objects of their fields, mappings objects, sequences and sets lists, numpy
    values numbers; anything else its ``str``."""
    from pydantic import BaseModel

    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, BaseModel):
        return {name: jsonable(getattr(value, name)) for name in type(value).model_fields}
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((jsonable(item) for item in value), key=str)
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        return value.tolist()
    return str(value)
