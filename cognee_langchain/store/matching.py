"""Which items a ``SearchOp`` filter keeps and which namespaces a ``ListNamespacesOp`` lists,
with the semantics of LangGraph's SQLite and Postgres stores.

A filter maps a field (a dotted path into the value: ``"user.name"``) to a value to equal, a
nested dict to match field by field, a list to equal element by element, or a dict of operators
``$eq``, ``$ne``, ``$gt``, ``$gte``, ``$lt``, ``$lte``. As in SQL, a missing field matches no
condition (not even ``$ne``); ordering compares numbers with numbers and strings with strings,
and anything else does not match. ``True`` never equals ``1``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

from langgraph.store.base import MatchCondition

from cognee_langchain.errors import InvalidInputError

__all__ = ["matches_filter", "matches_namespace"]

_MISSING = object()

_ORDERING: dict[str, Callable[[Any, Any], bool]] = {
    "$gt": operator.gt,
    "$gte": operator.ge,
    "$lt": operator.lt,
    "$lte": operator.le,
}


def matches_filter(value: Mapping[str, Any], conditions: Mapping[str, Any] | None) -> bool:
    """Whether ``value`` meets every condition of ``conditions`` (``None``: no filter)."""
    if not conditions:
        return True
    return all(_meets(_at_path(value, field), wanted) for field, wanted in conditions.items())


def _at_path(value: object, field: str) -> object:
    for part in field.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return _MISSING
        value = value[part]
    return value


def _meets(found: object, wanted: object) -> bool:
    if found is _MISSING:
        return False
    if isinstance(wanted, Mapping):
        if any(isinstance(k, str) and k.startswith("$") for k in wanted):
            return all(_apply(found, op, operand) for op, operand in wanted.items())
        return isinstance(found, Mapping) and all(
            _meets(found.get(k, _MISSING), v) for k, v in wanted.items()
        )
    if isinstance(wanted, list | tuple):
        return (
            isinstance(found, list)
            and len(found) == len(wanted)
            and all(_meets(f, w) for f, w in zip(found, wanted, strict=True))
        )
    return _equal(found, wanted)


def _equal(found: object, wanted: object) -> bool:
    # JSON has no 1 == true: a bool equals only a bool.
    if isinstance(found, bool) != isinstance(wanted, bool):
        return False
    return bool(found == wanted)


def _apply(found: object, op: str, operand: object) -> bool:
    if op == "$eq":
        return _equal(found, operand)
    if op == "$ne":
        return not _equal(found, operand)
    compare = _ORDERING.get(op)
    if compare is None:
        raise InvalidInputError(
            f"Unknown filter operator {op!r}: use $eq, $ne, $gt, $gte, $lt or $lte."
        )
    if _number(found) and _number(operand):
        return compare(found, operand)
    if isinstance(found, str) and isinstance(operand, str):
        return compare(found, operand)
    return False


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def matches_namespace(condition: MatchCondition, namespace: tuple[str, ...]) -> bool:
    """Whether ``namespace`` starts (``"prefix"``) or ends (``"suffix"``) with the condition's
    labels, ``"*"`` standing for any one label."""
    path = tuple(condition.path)
    if len(namespace) < len(path):
        return False
    if condition.match_type == "prefix":
        part = namespace[: len(path)]
    elif condition.match_type == "suffix":
        part = namespace[len(namespace) - len(path) :]
    else:
        raise InvalidInputError(
            f"Unknown namespace match type {condition.match_type!r}: use 'prefix' or 'suffix'."
        )
    return all(p == "*" or p == label for p, label in zip(path, part, strict=True))
