"""Validation and key-safe encoding of user, session and dataset identifiers.

Ids reach Redis keys and SQL rows, so every id is validated once here and encoded so that no id can
collide with another or reach outside its owner's key space (no ``:``, ``*``, ``{``, ``}`` or
whitespace survives encoding). :func:`check_unicode` is the one test for text that cannot be
stored at all (a lone surrogate has no UTF-8 form), shared by every text check.
"""

from __future__ import annotations

from urllib.parse import quote

from cognee_langchain.errors import InvalidInputError

__all__ = ["ID_LIMIT_KNOB", "MAX_ID_LENGTH", "check_unicode", "encode_id", "validate_id"]

#: The stores' key limit: no id may be longer, whatever ``Limits.max_id_chars`` says.
MAX_ID_LENGTH = 256
#: How a memory's id limit is set (named by the error an over-long id raises).
ID_LIMIT_KNOB = "GraphMemory(limits=Limits(max_id_chars=...))"


def check_unicode(value: str, kind: str) -> str:
    """``value`` if it is valid Unicode, i.e. has a UTF-8 form (no lone surrogate such as
    ``"\\ud800"``, which ``surrogateescape`` decoding or broken JSON leaves behind); else an
    :class:`InvalidInputError` naming ``kind`` and the position of the first bad character."""
    if value.isascii():
        return value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        start = exc.start
        around = value[max(0, start - 20) : start + 20]
        raise InvalidInputError(
            f"{kind} contains invalid Unicode (a lone surrogate at position {start}): "
            f"{around!r}: fix the text's decoding (decode bytes as UTF-8, with errors='replace' "
            "for damaged input) or remove the character."
        ) from None
    return value


def validate_id(value: object, kind: str = "id", *, max_chars: int | None = None) -> str:
    """Return ``value`` if it is a usable identifier, else raise :class:`InvalidInputError`.

    A usable id is a non-empty ``str`` of valid Unicode, with no control characters (newlines,
    tabs, NUL, ...) and at most :data:`MAX_ID_LENGTH` characters, or ``max_chars`` when that is
    smaller (a memory passes its ``Limits.max_id_chars``; the error then names that knob).
    """
    if not isinstance(value, str):
        raise InvalidInputError(
            f"{kind} must be a str, got {type(value).__name__}: pass a string such as "
            "'demo_session'."
        )
    if not value or value.isspace():
        raise InvalidInputError(f"{kind} must not be empty: pass a string such as 'demo_session'.")
    limit = MAX_ID_LENGTH if max_chars is None else min(max_chars, MAX_ID_LENGTH)
    if len(value) > limit:
        knob = "" if max_chars is None else f" (set by {ID_LIMIT_KNOB}, at most {MAX_ID_LENGTH})"
        raise InvalidInputError(
            f"{kind} is {len(value)} characters long; the limit is {limit}{knob}: use a shorter "
            "id (hash long ones)."
        )
    if any(ch < " " or ch == "\x7f" for ch in value):
        raise InvalidInputError(
            f"{kind} {value[:40]!r} contains control characters (newline, tab, NUL...): "
            "remove them."
        )
    return check_unicode(value, kind)


def encode_id(value: str) -> str:
    """Encode a validated id so it is safe as one component of a Redis key or file name.

    Percent-encoding keeps ids readable in ``redis-cli`` while guaranteeing that the encoded form
    only contains ``[A-Za-z0-9_.~%-]``: distinct ids stay distinct and never contain separators.
    """
    return quote(value, safe="").replace(".", "%2E").replace("~", "%7E")
