"""Split text into overlapping chunks that end at paragraph, line, sentence or word boundaries.

Sizes are measured in characters: 1,200 characters is roughly 250-300 tokens of English prose for
the usual BPE tokenizers, small enough for one extraction call and big enough to hold a few facts.
Every chunk is an exact slice of the input with surrounding whitespace trimmed, so a chunk's
position in its document can always be recovered (:meth:`TextChunker.spans`).
"""

from __future__ import annotations

import re

from cognee_langchain.core.validation import check_int, check_positive
from cognee_langchain.errors import InvalidInputError

__all__ = ["TextChunker"]

_PARAGRAPH = re.compile(r"\n[ \t\r\f\v]*\n")
_LINE = re.compile(r"\n")
_SENTENCE = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)|[。！？]+")
_SPACE = re.compile(r"\s+")
_NON_SPACE = re.compile(r"\S")
# The last whitespace character before a position: greedy ".*" runs to the end, then backs off.
_LAST_SPACE = re.compile(r"(?s:.*)(\s)")
# Break points, strongest first, and whether a match's end (else its start) is where a chunk
# may end; text between a break point and the next chunk is only whitespace.
_LEVELS = ((_PARAGRAPH, False), (_LINE, False), (_SENTENCE, True))

# A break point is only taken if the chunk it closes is at least this fraction of chunk_size;
# otherwise a weaker break point further on is preferred, so chunks stay close to full size.
_MIN_FILL = 0.5
_LOOKAROUND = 8


class TextChunker:
    """Deterministic, boundary-aware text splitter with bounded overlap.

    Each chunk is at most ``chunk_size`` characters. A chunk ends at the strongest boundary that
    keeps it at least half full — paragraph break, then line break, then sentence end, then
    whitespace — and is cut mid-word only when a single "word" is longer than ``chunk_size``.
    Consecutive chunks share at most ``chunk_overlap`` characters; the next chunk starts at a
    sentence (else word) boundary inside that overlap window so it never begins mid-word.

    Args:
        chunk_size: Maximum chunk length in characters (> 0).
        chunk_overlap: Maximum characters shared by consecutive chunks (0 <= overlap < size).
    """

    def __init__(self, chunk_size: int = 1200, chunk_overlap: int = 150) -> None:
        check_positive(chunk_size, "chunk_size")
        if check_int(chunk_overlap, "chunk_overlap") >= chunk_size:
            raise InvalidInputError(
                f"chunk_overlap must be less than chunk_size={chunk_size}, got "
                f"{chunk_overlap!r}: pass e.g. {chunk_size // 8}."
            )
        self.chunk_size = chunk_size
        self.chunk_overlap = chunk_overlap

    def __repr__(self) -> str:
        return f"TextChunker(chunk_size={self.chunk_size}, chunk_overlap={self.chunk_overlap})"

    def split(self, text: str) -> list[str]:
        """Return the chunks of ``text``; empty or whitespace-only text gives ``[]``."""
        return [text[start:end] for start, end in self.spans(text)]

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Return ``(start, end)`` character offsets of each chunk in ``text``, in order.

        ``text[start:end]`` is the chunk: it starts and ends with a non-whitespace character.
        """
        if not isinstance(text, str):
            raise InvalidInputError(
                f"text must be a str, got {type(text).__name__}: decode bytes or read files first."
            )
        size, overlap, length = self.chunk_size, self.chunk_overlap, len(text)
        first = _NON_SPACE.search(text)
        if first is None:
            return []
        # Each chunk is fresh text starting at ``fresh`` (just after the previous chunk) plus
        # up to ``overlap`` characters of context before it, so every chunk makes progress.
        spans: list[tuple[int, int]] = []
        fresh = start = first.start()
        hard_cut = False
        while True:
            limit = start + size
            if limit >= length or _NON_SPACE.search(text, limit) is None:
                spans.append((start, _rstrip(text, fresh, length)))
                return spans
            min_end = max(fresh + 1, start + int(size * _MIN_FILL))
            end = _best_break(text, fresh, limit, min_end)
            if end is None and start < fresh and not hard_cut:
                start = fresh  # the context leaves no room for the next word: drop it
                continue
            hard_cut = end is None
            # No boundary at all in the window (a huge token, or text without spaces such as
            # CJK): cut hard, there is no word to keep whole.
            end = limit if end is None else _rstrip(text, fresh, end)
            spans.append((start, end))
            following = _NON_SPACE.search(text, end)
            # Text after ``limit`` is not blank, so neither is text after ``end``.
            assert following is not None
            fresh = following.start()
            start = _context_start(text, max(fresh - overlap, start + 1), fresh, hard_cut)


def _best_break(text: str, fresh: int, limit: int, min_end: int) -> int | None:
    """Where a chunk should end: the last break point in ``[min_end, limit]`` of the strongest
    kind that has one (paragraph, line, sentence); else the last whitespace after ``fresh``;
    else None (no boundary: the caller cuts hard)."""
    # A match may begin a little before ``min_end`` (a sentence's closing punctuation) and look a
    # little past ``limit`` (a sentence end checks the next character).
    stop = min(len(text), limit + _LOOKAROUND)
    for pattern, use_end in _LEVELS:
        best = None
        for match in pattern.finditer(text, max(fresh, min_end - _LOOKAROUND), stop):
            position = match.end() if use_end else match.start()
            if position > limit:
                break
            if position >= min_end:
                best = position
        if best is not None:
            return best
    space = _LAST_SPACE.match(text, fresh + 1, limit + 1)
    return space.start(1) if space is not None else None


def _context_start(text: str, low: int, fresh: int, hard_cut: bool) -> int:
    """Where the chunk whose new text starts at ``fresh`` begins: at the earliest sentence (else
    word) start in ``[low, fresh)``, at ``low`` after a hard cut, else at ``fresh`` (no overlap)."""
    if low >= fresh:
        return fresh
    for pattern in (_SENTENCE, _SPACE):
        boundary = pattern.search(text, low, fresh)
        if boundary is not None:
            following = _NON_SPACE.search(text, boundary.end())
            if following is not None and following.start() < fresh:
                return following.start()
    return low if hard_cut else fresh


def _rstrip(text: str, start: int, end: int) -> int:
    """``end`` moved left past trailing whitespace (never before ``start + 1``)."""
    while end > start + 1 and text[end - 1].isspace():
        end -= 1
    return end
