"""What the shell hands the command line, checked before any memory opens: the arguments must
be UTF-8, standard input too, and ``--data-dir`` a directory that exists or can be created.

Each check raises :class:`~cognee_langchain.errors.InvalidInputError` (exit code 2) with a fix in
shell terms, so bad input never surfaces as an "unexpected" error from deep inside.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from cognee_langchain.errors import InvalidInputError

__all__ = ["check_argv", "check_data_dir", "read_stdin"]

_STDIN_HINT = (
    "re-encode it as UTF-8 first, e.g. iconv -f latin1 -t utf-8 FILE | cognee-langchain ..."
)


def _bad_position(text: str) -> int | None:
    """Where ``text`` stops being encodable as UTF-8 (a byte the shell could not decode becomes
    a lone surrogate), or ``None``."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return exc.start
    return None


def check_argv(argv: Sequence[str]) -> None:
    """Refuse an argument that is not valid UTF-8 (the terminal's or the script's encoding is
    not UTF-8, or a file name holds bytes of another encoding)."""
    for number, arg in enumerate(argv, 1):
        position = _bad_position(arg)
        if position is not None:
            raise InvalidInputError(
                f"argument {number} ({arg!r}) is not valid UTF-8 (undecodable byte at position "
                f"{position}): pass UTF-8 text (check the terminal's encoding, e.g. LANG=C.UTF-8); "
                "for a file whose name is not UTF-8, rename it or pipe it in: "
                "cognee-langchain remember - < FILE"
            )


def read_stdin() -> str:
    """Standard input as text, which must be UTF-8."""
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:  # replaced by a text-only stream (tests, embedding applications)
        text = sys.stdin.read()
        position = _bad_position(text)
        if position is not None:
            raise InvalidInputError(
                f"stdin is not UTF-8 text (undecodable character at position {position}): "
                f"{_STDIN_HINT}"
            )
        return text
    data = buffer.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInputError(
            f"stdin is not UTF-8 text (byte {data[exc.start]:#04x} at offset {exc.start}): "
            f"{_STDIN_HINT}"
        ) from None


def check_data_dir(value: str) -> Path:
    """``--data-dir`` as a path, if it is a directory this process can write, or one it can
    create (its nearest existing ancestor is a writable directory)."""
    if not value.strip() or "\x00" in value:
        raise InvalidInputError(
            f"--data-dir {value!r} is not a usable path: pass a directory, e.g. "
            "--data-dir ./.cognee_langchain"
        )
    path = Path(value)
    if path.exists() and not path.is_dir():
        raise InvalidInputError(
            f"--data-dir {value!r} is a file, not a directory: pass a directory (it is created "
            "when missing)."
        )
    existing = path.absolute()
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise InvalidInputError(
            f"--data-dir {value!r} cannot be created: {str(existing)!r} is a file, not a "
            "directory. Pass another directory."
        )
    if not os.access(existing, os.W_OK | os.X_OK):
        what = "is not writable"
        if existing != path.absolute():
            what = f"cannot be created: {str(existing)!r} is not writable"
        raise InvalidInputError(
            f"--data-dir {value!r} {what} by this user: pass a directory you can write, or fix "
            "its permissions."
        )
    return path
