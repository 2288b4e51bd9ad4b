"""Values of :class:`~cognee_langchain.store.GraphMemoryStore` items: kept exactly, and rendered
as the text that makes them searchable.

A value is a ``dict`` of JSON types (``None``, ``bool``, ``int``, ``float``, ``str``, ``list``,
``dict`` with ``str`` keys). It is stored as JSON text that the graph store never parses, so
it reads back equal to what was put (big ints, ``-0.0``, ``NaN`` and lone surrogates included);
anything JSON would change (a tuple, a non-``str`` key, a ``set``) is refused rather than
silently altered.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from langgraph.store.base import get_text_at_path, tokenize_path

from cognee_langchain.errors import InvalidInputError

__all__ = ["decode_value", "encode_value", "value_text"]


def encode_value(value: object) -> str:
    """``value`` as JSON text, after checking it holds JSON types only."""
    if not isinstance(value, dict):
        raise InvalidInputError(
            f"A store value must be a dict, got {type(value).__name__}: wrap it, e.g. "
            "{'content': ...}."
        )
    _check_json(value, "value")
    # ensure_ascii: lone surrogates and every other code point survive as \u escapes
    return json.dumps(value, ensure_ascii=True, allow_nan=True, separators=(",", ":"))


def decode_value(text: str) -> dict[str, Any]:
    """The value :func:`encode_value` stored."""
    value: dict[str, Any] = json.loads(text)
    return value


def _check_json(value: object, where: str) -> None:
    if value is None or isinstance(value, bool | int | float | str):
        return
    if isinstance(value, list):
        for i, element in enumerate(value):
            _check_json(element, f"{where}[{i}]")
        return
    if isinstance(value, dict):
        for key, element in value.items():
            if not isinstance(key, str):
                raise InvalidInputError(
                    f"Store value key {key!r} at {where} is a {type(key).__name__}: JSON keys "
                    "are strings, so it would not read back as put; use a str key."
                )
            _check_json(element, f"{where}[{key!r}]")
        return
    raise InvalidInputError(
        f"Store value {where} is a {type(value).__name__}, which JSON cannot keep exactly: use "
        "None, bool, int, float, str, list or dict (a list for a tuple)."
    )


def value_text(value: Mapping[str, Any], fields: Sequence[str] | None) -> str:
    """The searchable text of ``value``: the strings at ``fields`` (LangGraph field paths such
    as ``"content"``, ``"memories[*].text"``), or with ``fields=None`` every string in it, in
    order (dict keys are not text). LangMem's ``{"content": "..."}`` is its content; a typed
    memory ``{"kind": "Triple", "content": {...}}`` its kind and its fields' strings."""
    if fields is None:
        texts = list(_strings(value))
    else:
        texts = [t for path in fields for t in get_text_at_path(value, tokenize_path(path))]
    text = "\n".join(t.strip() for t in texts if isinstance(t, str) and t.strip())
    # Only the search text is repaired: the value itself keeps any lone surrogate exactly.
    return text.encode("utf-8", "replace").decode("utf-8")


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for element in value.values():
            yield from _strings(element)
    elif isinstance(value, list):
        for element in value:
            yield from _strings(element)
