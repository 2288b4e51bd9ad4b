"""The extractor interface: text chunks in, entities + relations + a summary per chunk out."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

from cognee_langchain.core.aio import run_sync
from cognee_langchain.errors import InvalidInputError
from cognee_langchain.extraction.schema import ChunkExtraction

__all__ = ["GraphExtractor", "check_texts"]


class GraphExtractor(ABC):
    """Turns chunks of text into :class:`ChunkExtraction` records, one per chunk.

    Extraction is all-or-nothing: either every chunk yields a result (in input order) or
    :class:`~cognee_langchain.errors.ExtractionError` is raised, so a caller never stores a
    partial document.
    """

    @abstractmethod
    async def aextract(self, texts: Sequence[str]) -> list[ChunkExtraction]:
        """Extract every chunk of ``texts``; the result has the same length and order.

        Raises:
            InvalidInputError: ``texts`` is not a sequence of strings.
            ExtractionError: a chunk could not be extracted (after retries, where applicable).
        """

    def extract(self, texts: Sequence[str]) -> list[ChunkExtraction]:
        """Sync twin of :meth:`aextract`; safe to call from inside a running event loop."""
        return run_sync(self.aextract(texts))


def check_texts(texts: object) -> list[str]:
    """Return ``texts`` as a list of str, or raise :class:`InvalidInputError`."""
    # A bare str is a Sequence[str] too; iterating it would extract single characters.
    if isinstance(texts, str | bytes) or not isinstance(texts, Sequence):
        raise InvalidInputError(
            f"texts must be a list of str, got {type(texts).__name__}: wrap a single text as "
            "[text]."
        )
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise InvalidInputError(
                f"texts[{i}] must be a str, got {type(text).__name__}: decode bytes or convert "
                "documents to text first."
            )
    return list(texts)
