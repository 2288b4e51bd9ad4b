"""Argument checks shared by every entry point, so that one mistake gets one message everywhere.

Each check returns the value it accepted (normalised where said) and raises
:class:`~cognee_langchain.errors.InvalidInputError` naming the argument and the fix. Entry points
call these instead of writing their own; stores, engines and adapters alike.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

from cognee_langchain.core.defaults import MAX_TEXT_CHARS
from cognee_langchain.errors import InvalidInputError
from cognee_langchain.ids import validate_id
from cognee_langchain.users import User

__all__ = [
    "check_dataset",
    "check_datasets",
    "check_int",
    "check_names",
    "check_number",
    "check_optional_id",
    "check_positive",
    "check_query",
    "check_text",
    "check_user",
    "renamed_arguments",
]


def check_int(value: object, name: str, minimum: int = 0) -> int:
    """``value`` if it is an int >= ``minimum`` (``bool`` is never a count)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        if minimum == 1:
            raise InvalidInputError(f"{name} must be a positive int, got {value!r}.")
        raise InvalidInputError(f"{name} must be an int >= {minimum}, got {value!r}.")
    return value


def check_positive(value: object, name: str) -> int:
    """``value`` if it is an int >= 1."""
    return check_int(value, name, 1)


def check_number(value: object, name: str, *, minimum: float = 0, exclusive: bool = False) -> float:
    """``value`` as a float if it is a finite number >= ``minimum`` (> with ``exclusive``)."""
    valid = isinstance(value, int | float) and not isinstance(value, bool)
    if not valid or value != value or (value <= minimum if exclusive else value < minimum):  # type: ignore[operator]
        bound = f"> {minimum}" if exclusive else f">= {minimum}"
        raise InvalidInputError(f"{name} must be a number {bound}, got {value!r}.")
    return float(value)  # type: ignore[arg-type]


def check_user(user: object, default: User | None = None) -> User:
    """``user`` if it is a :class:`User`; ``default`` when ``user`` is ``None`` and one is given."""
    if user is None and default is not None:
        return default
    if not isinstance(user, User):
        raise InvalidInputError(
            f"user must be a User, got {type(user).__name__}: use get_default_user() or User()."
        )
    return user


def check_dataset(dataset: object) -> str:
    """One dataset name (where a write goes)."""
    return validate_id(dataset, "dataset name")


def check_optional_id(value: object, kind: str) -> str | None:
    """``None``, or a valid id of ``kind``."""
    return None if value is None else validate_id(value, kind)


def check_names(value: object, kind: str, *, allow_empty: bool = False) -> list[str] | None:
    """``None``, one name, or a list of names (non-empty unless ``allow_empty``), as a
    de-duplicated list."""
    if value is None:
        return None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Sequence) or isinstance(value, bytes | bytearray):
        raise InvalidInputError(
            f"{kind} must be a str or a list of str, got {type(value).__name__}."
        )
    if not value and not allow_empty:
        raise InvalidInputError(f"{kind} is empty: pass None to cover them all.")
    return list(dict.fromkeys(validate_id(name, kind) for name in value))


def check_datasets(value: object) -> list[str] | None:
    """What a read covers: ``None`` (every readable dataset), one name, or a list of names."""
    return check_names(value, "datasets")


def check_query(query: object) -> str:
    """A non-blank query string."""
    if not isinstance(query, str) or not query.strip():
        raise InvalidInputError(
            f"query must be a non-empty string, got {query!r}: pass the question to look up."
        )
    return query


def check_text(text: object, where: str) -> str:
    """A non-blank str of at most :data:`MAX_TEXT_CHARS` characters to remember."""
    if isinstance(text, bytes | bytearray):
        raise InvalidInputError(f"{where} is bytes: decode it first, e.g. data.decode('utf-8').")
    if not isinstance(text, str):
        raise InvalidInputError(
            f"{where} must be a str, Document or file path, got {type(text).__name__}."
        )
    if not text.strip():
        raise InvalidInputError(f"{where} is empty: pass some text to remember.")
    if len(text) > MAX_TEXT_CHARS:
        raise InvalidInputError(
            f"{where} has {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,} per text: "
            "split it into several texts."
        )
    return text


def renamed_arguments(
    where: str, old: Mapping[str, Any], renames: Mapping[str, str], **current: Any
) -> dict[str, Any]:
    """``current`` (the new names' values) with old keyword spellings from ``old`` moved in.

    Old spellings keep working for one release with a :class:`DeprecationWarning`. Giving both
    spellings of one argument, or a keyword that is neither, is an :class:`InvalidInputError`
    (the message lists what ``where`` takes), never silently ignored.
    """
    out = dict(current)
    for name, value in old.items():
        new = renames.get(name)
        if new is None:
            raise InvalidInputError(
                f"{where} got an unknown argument {name!r}: check the spelling "
                f"(it takes {', '.join(sorted(current))}, ...)."
            )
        if out.get(new) is not None:
            raise InvalidInputError(f"{where}: pass {new}= only ({name}= is its old name).")
        warnings.warn(
            f"{where}: {name}= is deprecated and will be removed in 0.3; use {new}=.",
            DeprecationWarning,
            stacklevel=3,
        )
        out[new] = value
    return out
