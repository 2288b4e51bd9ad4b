"""What ``remember`` accepts, turned into :class:`SourceItem`s: texts, Documents, files.

Kept apart from the ingest pipeline so that input rules (what a file name is, what is too big,
what is empty) live in one place and are checked before any model is called.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path, PurePath
from typing import TypeAlias

from langchain_core.documents import Document

from cognee_langchain.core.defaults import MAX_TEXT_CHARS, TEXT_FILE_SUFFIXES
from cognee_langchain.core.validation import check_text
from cognee_langchain.errors import InvalidInputError
from cognee_langchain.graph.models import SourceItem
from cognee_langchain.ids import validate_id

__all__ = ["RememberData", "RememberItem", "check_items", "items_from"]

# A str longer than this, or spanning lines, is always text, never a file name.
_MAX_PATH_CHARS = 4096

RememberItem: TypeAlias = str | os.PathLike[str] | Document | SourceItem
#: What ``remember`` accepts: one item or a list of them.
RememberData: TypeAlias = RememberItem | Sequence[RememberItem]


def check_items(items: object) -> list[SourceItem]:
    """``items`` as a list of :class:`SourceItem` with usable texts and session ids."""
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
        check_text(item.text, f"items[{i}].text")
        if item.session_id is not None:
            validate_id(item.session_id, "session_id")
    return list(items)


def items_from(data: object) -> list[SourceItem]:
    """``remember``'s input as source items (reads files; call it off the event loop)."""
    if isinstance(data, list | tuple):
        if not data:
            raise InvalidInputError(
                "data is an empty list: pass at least one text, Document or file."
            )
        return [_item_from(value, f"data[{i}]") for i, value in enumerate(data)]
    return [_item_from(data, "data")]


def _item_from(value: object, where: str) -> SourceItem:
    if isinstance(value, SourceItem):
        check_text(value.text, f"{where}.text")
        return value
    if isinstance(value, Document):
        text = check_text(value.page_content, f"{where}.page_content")
        source = value.metadata.get("source")
        return SourceItem(
            text=text,
            name=str(source) if source is not None else None,
            metadata=dict(value.metadata),
        )
    if isinstance(value, PurePath):
        return _read_file(Path(value), where)
    if isinstance(value, str) and _names_text_file(value):
        return _read_file(Path(value.strip()), where)
    return SourceItem(text=check_text(value, where))


def _names_text_file(value: str) -> bool:
    candidate = value.strip()
    return (
        len(candidate) <= _MAX_PATH_CHARS
        and "\n" not in candidate
        and candidate.lower().endswith(TEXT_FILE_SUFFIXES)
        and Path(candidate).is_file()
    )


def _read_file(path: Path, where: str) -> SourceItem:
    suffixes = " or ".join(TEXT_FILE_SUFFIXES)
    if path.suffix.lower() not in TEXT_FILE_SUFFIXES:
        raise InvalidInputError(
            f"{where}: {str(path)!r} is not a {suffixes} file: convert it to text first and pass "
            "the text or a Document."
        )
    try:
        if not path.is_file():
            raise InvalidInputError(f"{where}: file {str(path)!r} does not exist: check the path.")
        if path.stat().st_size > 4 * MAX_TEXT_CHARS:  # 4 bytes per character at most in UTF-8
            raise InvalidInputError(
                f"{where}: {str(path)!r} is larger than the {MAX_TEXT_CHARS:,}-character limit: "
                "split it into several files."
            )
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InvalidInputError(
            f"{where}: {str(path)!r} is not UTF-8 text: re-encode it as UTF-8."
        ) from None
    except OSError as exc:
        raise InvalidInputError(f"{where}: cannot read {str(path)!r}: {exc.strerror}.") from None
    return SourceItem(text=check_text(text, f"{where} ({path.name})"), name=str(path))
