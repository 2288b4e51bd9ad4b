"""Validation and key-safe encoding of user, session and dataset identifiers.

Ids reach Redis keys and SQL rows, so every id is validated once here and encoded so that no id can
collide with another or reach outside its owner's key space (no ``:``, ``*``, ``{``, ``}`` or
whitespace survives encoding).
"""

from __future__ import annotations

from urllib.parse import quote

from cognee_langchain.errors import InvalidInputError

__all__ = ["MAX_ID_LENGTH", "encode_id", "validate_id"]

MAX_ID_LENGTH = 256


def validate_id(value: object, kind: str = "id") -> str:
    """Return ``value`` if it is a usable identifier, else raise :class:`InvalidInputError`.

    A usable id is a non-empty ``str`` of at most :data:`MAX_ID_LENGTH` characters with no control
    characters (newlines, tabs, NUL, ...).
    """
    if not isinstance(value, str):
        raise InvalidInputError(
            f"{kind} must be a str, got {type(value).__name__}: pass a string such as "
            "'demo_session'."
        )
    if not value or value.isspace():
        raise InvalidInputError(f"{kind} must not be empty: pass a string such as 'demo_session'.")
    if len(value) > MAX_ID_LENGTH:
        raise InvalidInputError(
            f"{kind} is {len(value)} characters long; the limit is {MAX_ID_LENGTH}: use a shorter "
            "id (hash long ones)."
        )
    if any(ch < " " or ch == "\x7f" for ch in value):
        raise InvalidInputError(
            f"{kind} {value[:40]!r} contains control characters (newline, tab, NUL...): "
            "remove them."
        )
    return value


def encode_id(value: str) -> str:
    """Encode a validated id so it is safe as one component of a Redis key or file name.

    Percent-encoding keeps ids readable in ``redis-cli`` while guaranteeing that the encoded form
    only contains ``[A-Za-z0-9_.~%-]``: distinct ids stay distinct and never contain separators.
    """
    return quote(value, safe="").replace(".", "%2E").replace("~", "%7E")
