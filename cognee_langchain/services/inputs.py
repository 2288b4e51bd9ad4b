"""What ``remember`` accepts, turned into :class:`SourceItem`s: texts, Documents, files.

Kept apart from the ingest pipeline so that input rules (what a file name is, what is too big,
what is empty, what cannot be stored) live in one place and are checked before any model is
called. The size limits are the memory's (``Limits.max_text_chars`` / ``max_id_chars``), passed
in by the ingest service.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path, PurePath
from typing import TypeAlias

import orjson
from langchain_core.documents import Document

from cognee_langchain.core.defaults import MAX_TEXT_CHARS, TEXT_FILE_SUFFIXES
from cognee_langchain.core.validation import check_text, check_unicode
from cognee_langchain.errors import InvalidInputError
from cognee_langchain.graph.models import SourceItem
from cognee_langchain.ids import validate_id

__all__ = ["RememberData", "RememberItem", "check_items", "items_from"]

# A str longer than this, or spanning lines, is always text, never a file name.
_MAX_PATH_CHARS = 4096
# Suffixes of document files people pass by name. A str that is only a name ending in one of
# these (or a text suffix) is taken for a file name, never stored as text: a typo in a path must
# not become a "memory" reading "notes/missing.txt".
_DOCUMENT_SUFFIXES = (
    *(".pdf", ".doc", ".docx", ".odt", ".rtf", ".csv", ".tsv", ".json", ".jsonl", ".xml"),
    *(".html", ".htm", ".yaml", ".yml", ".log", ".rst", ".epub", ".pptx", ".xlsx"),
)

RememberItem: TypeAlias = str | os.PathLike[str] | Document | SourceItem
#: What ``remember`` accepts: one item or a list of them.
RememberData: TypeAlias = RememberItem | Sequence[RememberItem]


def check_items(items: object, *, max_text_chars: int = MAX_TEXT_CHARS) -> list[SourceItem]:
    """``items`` as a list of :class:`SourceItem` with usable texts, names, session and message
    ids and metadata.

    An item's ``session_id`` is provenance (the persist pipeline sets it from a stored session),
    so it is held to the stores' id limit, not the memory's ``Limits.max_id_chars``: a session
    the memory cannot persist is refused where its id is named (``improve``), not here.
    """
    if isinstance(items, str | bytes) or not isinstance(items, Sequence):
        raise InvalidInputError(
            f"items must be a list of SourceItem, got {type(items).__name__}: wrap one as [item]."
        )
    if not items:
        raise InvalidInputError("items is empty: pass at least one SourceItem.")
    for i, item in enumerate(items):
        if not isinstance(item, SourceItem):
            raise InvalidInputError(
                f"items[{i}] must be a SourceItem, got {type(item).__name__}: use remember() for "
                "plain text and documents."
            )
        _check_item(item, f"items[{i}]", max_text_chars)
    return list(items)


def _check_item(item: SourceItem, where: str, max_text_chars: int) -> SourceItem:
    check_text(item.text, f"{where}.text", max_chars=max_text_chars)
    if item.name is not None:
        check_unicode(item.name, f"{where}.name")
    if item.session_id is not None:
        validate_id(item.session_id, f"{where}.session_id")
    for j, message_id in enumerate(item.message_ids):
        validate_id(message_id, f"{where}.message_ids[{j}]")
    _check_metadata(item.metadata, f"{where}.metadata")
    return item


def _check_metadata(metadata: object, where: str) -> None:
    """Metadata is stored as JSON (values JSON cannot hold as their ``str``): refuse what even
    that cannot store — non-str keys, invalid Unicode, cycles, ints beyond 64 bits."""
    try:
        orjson.dumps(metadata, default=str)
    except Exception as exc:
        raise InvalidInputError(
            f"{where} cannot be stored as JSON ({exc}): use str keys and JSON values (str of "
            "valid Unicode, numbers, bools, lists, dicts)."
        ) from None


def items_from(data: object, *, max_text_chars: int = MAX_TEXT_CHARS) -> list[SourceItem]:
    """``remember``'s input as source items (reads files; call it off the event loop)."""
    if isinstance(data, list | tuple):
        if not data:
            raise InvalidInputError(
                "data is an empty list: pass at least one text, Document or file."
            )
        return [_item_from(value, f"data[{i}]", max_text_chars) for i, value in enumerate(data)]
    return [_item_from(data, "data", max_text_chars)]


def _item_from(value: object, where: str, max_text_chars: int) -> SourceItem:
    if isinstance(value, SourceItem):
        return _check_item(value, where, max_text_chars)
    if isinstance(value, Document):
        text = check_text(value.page_content, f"{where}.page_content", max_chars=max_text_chars)
        source = value.metadata.get("source")
        name = None if source is None else check_unicode(str(source), f"{where}.metadata source")
        metadata = dict(value.metadata)
        _check_metadata(metadata, f"{where}.metadata")
        return SourceItem(text=text, name=name, metadata=metadata)
    if isinstance(value, PurePath):
        return _read_file(Path(value), where, max_text_chars)
    if isinstance(value, str) and _looks_like_a_path(value):
        return _read_path_str(value.strip(), where, max_text_chars)
    return SourceItem(text=check_text(value, where, max_chars=max_text_chars))


def _looks_like_a_path(value: str) -> bool:
    """Whether a str passed to ``remember`` is a file name rather than text: one line with no
    whitespace and no URL scheme, ending in a text or document suffix (``notes/todo.txt``,
    ``report.pdf``). Any other str is text."""
    candidate = value.strip()
    return (
        0 < len(candidate) <= _MAX_PATH_CHARS
        and not any(character.isspace() for character in candidate)
        and "://" not in candidate
        and candidate.lower().endswith((*TEXT_FILE_SUFFIXES, *_DOCUMENT_SUFFIXES))
    )


def _read_path_str(candidate: str, where: str, max_text_chars: int) -> SourceItem:
    """A str that looks like a path: the file's text; a missing file is an error, never text."""
    try:
        exists = Path(candidate).exists()
    except (OSError, ValueError):  # NUL or unencodable characters: no such file
        exists = False
    if not exists:
        raise InvalidInputError(
            f"{where}: {candidate!r} looks like a file path, but no such file exists: fix the "
            f"path (Path({candidate!r}) reads a file), or, to remember these words as text, "
            f"pass Document(page_content={candidate!r})."
        )
    return _read_file(Path(candidate), where, max_text_chars)


def _read_file(path: Path, where: str, max_text_chars: int) -> SourceItem:
    suffixes = " or ".join(TEXT_FILE_SUFFIXES)
    if path.suffix.lower() not in TEXT_FILE_SUFFIXES:
        raise InvalidInputError(
            f"{where}: {str(path)!r} is not a {suffixes} file: convert it to text first and pass "
            "the text or a Document."
        )
    try:
        if not path.is_file():
            raise InvalidInputError(f"{where}: file {str(path)!r} does not exist: check the path.")
        if path.stat().st_size > 4 * max_text_chars:  # 4 bytes per character at most in UTF-8
            raise InvalidInputError(
                f"{where}: {str(path)!r} is larger than the {max_text_chars:,}-character limit "
                "(max_text_chars): split it into several files, or raise the limit with "
                "GraphMemory(limits=Limits(max_text_chars=...))."
            )
        text = path.read_text(encoding="utf-8")
    except InvalidInputError:
        raise
    except UnicodeDecodeError as exc:
        raise InvalidInputError(
            f"{where}: {str(path)!r} is not UTF-8 text (byte {exc.start}): re-encode it as UTF-8."
        ) from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL or unencodable path
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InvalidInputError(f"{where}: cannot read {str(path)!r}: {reason}.") from None
    text = check_text(text, f"{where} ({path.name!r})", max_chars=max_text_chars)
    return SourceItem(text=text, name=_path_name(path))


def _path_name(path: Path) -> str:
    """``path`` as a storable name: a POSIX file name that is not UTF-8 reaches Python with lone
    surrogates (``surrogateescape``); those bytes become U+FFFD in the name (the file itself is
    read by its real name)."""
    raw = str(path)
    if raw.isascii():
        return raw
    try:
        return raw.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:
        return raw.encode("utf-8", "replace").decode("utf-8")
