"""Argument checks shared by every entry point, so that one mistake gets one message everywhere.

Each check returns the value it accepted (normalised where said) and raises
:class:`~cognee_langchain.errors.InvalidInputError` naming the argument and the fix. Entry points
call these instead of writing their own; stores, engines and adapters alike.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from cognee_langchain.errors import InvalidInputError
from cognee_langchain.ids import check_unicode, validate_id
from cognee_langchain.users import User

__all__ = [
    "CLIP_MARK",
    "check_bool",
    "check_dataset",
    "check_datasets",
    "check_int",
    "check_names",
    "check_number",
    "check_optional_id",
    "check_path",
    "check_positive",
    "check_query",
    "check_text",
    "check_unicode",
    "check_user",
    "clip_query",
    "renamed_arguments",
]

#: What :func:`clip_query` puts where it cut a message.
CLIP_MARK = " … "


def check_bool(value: object, name: str) -> bool:
    """``value`` if it is a real ``bool``: a flag given as ``"no"``, ``0`` or ``None`` is a
    mistake, not a truth value."""
    if not isinstance(value, bool):
        raise InvalidInputError(f"{name} must be True or False, got {value!r}.")
    return value


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


def check_path(value: object, name: str, *, example: str) -> Path:
    """``value`` (a str or ``os.PathLike``) as a :class:`~pathlib.Path` the file system can take:
    not blank, no NUL character, no character the file system encoding cannot encode (a lone
    surrogate such as ``"\\ud800"``; the ``surrogateescape`` form of a non-UTF-8 POSIX name is
    fine). ``example`` is shown in the message for a value of the wrong type."""
    if not isinstance(value, str | os.PathLike):
        raise InvalidInputError(
            f"{name} must be a str or Path, got {type(value).__name__}: pass a path such as "
            f"{example!r}."
        )
    raw = os.fspath(value)
    text = os.fsdecode(raw) if isinstance(raw, bytes) else raw
    if not isinstance(text, str) or not text.strip():
        raise InvalidInputError(f"{name} is empty: pass a path such as {example!r}.")
    shown = repr(text if len(text) <= 80 else text[:77] + "...")
    if "\x00" in text:
        raise InvalidInputError(
            f"{name} {shown} contains a NUL character, which no file name can hold: remove it."
        )
    try:
        os.fsencode(text)
    except UnicodeEncodeError as exc:
        raise InvalidInputError(
            f"{name} {shown} has a character the file system cannot encode (a lone surrogate at "
            f"position {exc.start}): fix the name's decoding or remove the character."
        ) from None
    return Path(text)


def check_user(user: object, default: User | None = None) -> User:
    """``user`` if it is a :class:`User`; ``default`` when ``user`` is ``None`` and one is given."""
    if user is None and default is not None:
        return default
    if not isinstance(user, User):
        raise InvalidInputError(
            f"user must be a User, got {type(user).__name__}: use get_default_user() or User()."
        )
    return user


def check_dataset(dataset: object, *, max_chars: int | None = None) -> str:
    """One dataset name (where a write goes); ``max_chars``: the memory's
    ``Limits.max_id_chars`` (see :func:`~cognee_langchain.ids.validate_id`)."""
    return validate_id(dataset, "dataset name", max_chars=max_chars)


def check_optional_id(value: object, kind: str, *, max_chars: int | None = None) -> str | None:
    """``None``, or a valid id of ``kind``."""
    return None if value is None else validate_id(value, kind, max_chars=max_chars)


def check_names(
    value: object, kind: str, *, allow_empty: bool = False, max_chars: int | None = None
) -> list[str] | None:
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
    return list(dict.fromkeys(validate_id(name, kind, max_chars=max_chars) for name in value))


def check_datasets(value: object, *, max_chars: int | None = None) -> list[str] | None:
    """What a read covers: ``None`` (every readable dataset), one name, or a list of names."""
    return check_names(value, "datasets", max_chars=max_chars)


def check_query(query: object, *, max_chars: int | None = None) -> str:
    """A non-blank query string of valid Unicode, of at most ``max_chars`` characters when given
    (a memory passes its ``Limits.max_query_chars``)."""
    if not isinstance(query, str) or not query.strip():
        shown = repr(query[:40]) if isinstance(query, str) else type(query).__name__
        raise InvalidInputError(
            f"query must be a non-empty string, got {shown}: pass the question to look up."
        )
    if max_chars is not None and len(query) > max_chars:
        raise InvalidInputError(
            f"query has {len(query):,} characters; the limit is {max_chars:,} (max_query_chars): "
            "shorten it, e.g. to its key sentence, or raise the limit with "
            "GraphMemory(limits=Limits(max_query_chars=...))."
        )
    return check_unicode(query, "query")


def clip_query(text: str, max_chars: int) -> str:
    """``text`` as a query of at most ``max_chars`` characters: unchanged when it fits, else
    its beginning and its end joined by :data:`CLIP_MARK`, since a long chat message usually
    asks its question before or after what it pastes."""
    if len(text) <= max_chars:
        return text
    if max_chars <= len(CLIP_MARK) + 1:
        return text[:max_chars]
    room = max_chars - len(CLIP_MARK)
    head = (room + 1) // 2
    return text[:head].rstrip() + CLIP_MARK + text[len(text) - (room - head) :].lstrip()


def check_text(text: object, where: str, *, max_chars: int | None = None) -> str:
    """A non-blank str of valid Unicode to remember, of at most ``max_chars`` characters when
    given (a memory passes its ``Limits.max_text_chars``)."""
    if isinstance(text, bytes | bytearray):
        raise InvalidInputError(f"{where} is bytes: decode it first, e.g. data.decode('utf-8').")
    if not isinstance(text, str):
        raise InvalidInputError(
            f"{where} must be a str, Document or file path, got {type(text).__name__}."
        )
    if max_chars is not None and len(text) > max_chars:
        raise InvalidInputError(
            f"{where} has {len(text):,} characters; the limit is {max_chars:,} per text "
            "(max_text_chars): split it into several texts, or raise the limit with "
            "GraphMemory(limits=Limits(max_text_chars=...))."
        )
    if not text.strip():
        raise InvalidInputError(f"{where} is empty: pass some text to remember.")
    return check_unicode(text, where)


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
