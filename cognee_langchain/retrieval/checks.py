"""The search engine's input checks: items, entities, result counts and filter names, each
rejected with an :class:`~cognee_langchain.errors.InvalidInputError` that says what to fix."""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from itertools import repeat

import numpy as np

from cognee_langchain.core.validation import check_names, check_positive
from cognee_langchain.errors import InvalidInputError
from cognee_langchain.ids import MAX_ID_LENGTH, validate_id
from cognee_langchain.retrieval.types import ITEM_KINDS, SearchEntity, SearchItem

__all__ = ["validate_entity", "validate_item", "validate_k", "validate_names"]


def validate_k(k: object) -> int:
    """``k`` as an int if it is a positive int (a numpy integer counts)."""
    return check_positive(int(k) if isinstance(k, np.integer) else k, "k")


def validate_names(values: Iterable[str] | str | None, what: str) -> list[str] | None:
    """``None`` (no filter), or the distinct names of one name or an iterable of them; an empty
    iterable stays empty (it matches nothing)."""
    if isinstance(values, Iterable) and not isinstance(values, str | Sequence):
        values = list(values)  # a set or a generator of names
    return check_names(values, what, allow_empty=True)


def _check_id(value: object, what: str) -> None:
    """:func:`validate_id`, with a fast path for the common, plainly valid id (bulk loads check
    hundreds of thousands)."""
    if not (type(value) is str and 0 < len(value) <= MAX_ID_LENGTH and value.isprintable()):
        validate_id(value, what)


def validate_item(item: object) -> SearchItem:
    """``item`` if it is a well-formed :class:`SearchItem`."""
    if not isinstance(item, SearchItem):
        raise InvalidInputError(
            f"Expected a SearchItem, got {type(item).__name__}: build items with SearchItem(...)."
        )
    _check_id(item.id, "item id")
    _check_id(item.dataset, "dataset")
    if item.kind not in ITEM_KINDS:
        raise InvalidInputError(
            f"Item {item.id!r} has kind {item.kind!r}: use one of {ITEM_KINDS}."
        )
    if not isinstance(item.text, str):
        raise InvalidInputError(f"Item {item.id!r} text must be a str.")
    if not isinstance(item.metadata, Mapping):
        raise InvalidInputError(f"Item {item.id!r} metadata must be a mapping.")
    for what, values in (
        ("node_sets", item.node_sets),
        ("chunk_ids", item.chunk_ids),
        ("entity_ids", item.entity_ids),
    ):
        if not _non_empty_strings(values):
            raise InvalidInputError(
                f"Item {item.id!r} {what} must be a collection of non-empty strings."
            )
    for span in item.spans:
        if not _is_span(span):
            raise InvalidInputError(
                f"Item {item.id!r} span {span!r} must be (valid_at, invalid_at): finite epoch "
                "seconds, invalid_at None (still true) or not before valid_at."
            )
    return item


def _is_span(span: object) -> bool:
    if not isinstance(span, tuple) or len(span) != 2:
        return False
    start, end = span
    numbers = all(
        isinstance(t, int | float) and not isinstance(t, bool) and math.isfinite(t)
        for t in (start, *(() if end is None else (end,)))
    )
    return numbers and (end is None or end >= start)


def _non_empty_strings(values: Collection[str]) -> bool:
    """Whether ``values`` is a collection of non-empty strs; checked at C speed (map, not a
    generator), as a bulk load checks millions of ids."""
    return (
        not isinstance(values, str)
        and all(map(isinstance, values, repeat(str)))
        and "" not in values
    )


def validate_entity(entity: object) -> SearchEntity:
    """``entity`` if it is a well-formed :class:`SearchEntity`."""
    if not isinstance(entity, SearchEntity):
        raise InvalidInputError(
            f"Expected a SearchEntity, got {type(entity).__name__}: build entities with "
            "SearchEntity(...)."
        )
    _check_id(entity.id, "entity id")
    names = (entity.name, *entity.aliases)
    if not all(isinstance(name, str) for name in names) or not entity.name.strip():
        raise InvalidInputError(f"Entity {entity.id!r} needs a non-empty name; aliases are str.")
    return entity
