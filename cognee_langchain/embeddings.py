"""The default embeddings: wordllama's static token vectors, shipped inside its PyPI wheel.

No download, no GPU, no server: a text's vector is the mean of its tokens' vectors (a
256-dimensional slice of a large model's token embedding table), L2-normalised. Quality is below a
transformer encoder, speed is far above it (here: ~17,000 entity names or ~1,200 chunks of 1,200
characters per second), which is the trade an embedded default should make. Pass any LangChain
``Embeddings`` to ``GraphMemory(embeddings=...)`` for better vectors.

Importing this module loads neither wordllama nor numpy; the model is loaded on first use.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_core.embeddings import Embeddings

from cognee_langchain.core.forks import at_fork_in_child
from cognee_langchain.errors import CogneeLangchainError, InvalidInputError
from cognee_langchain.extraction.base import check_texts

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = ["WordLlamaEmbeddings"]

# Dimensions the bundled l2_supercat_256 weights can be truncated to (wordllama's Matryoshka
# training makes every prefix of the vector a usable embedding).
_DIMENSIONS = (64, 128, 256)
# Texts tokenised at once, and token vectors summed per numpy step (1 MB at 256 dimensions).
_TEXTS_PER_BATCH = 1024
_TOKENS_PER_STEP = 1024


class WordLlamaEmbeddings(Embeddings):
    """LangChain ``Embeddings`` backed by the wordllama model bundled in its wheel.

    Args:
        dim: Vector size, one of 64, 128 or 256 (default). Smaller is faster and lighter with
            somewhat lower quality.

    Vectors are L2-normalised (an empty text gives the zero vector), so a dot product is the
    cosine similarity. :meth:`embed_array` returns a float32 numpy array for callers that can use
    one directly. The model loads lazily, once, thread-safely, strictly from the installed package
    (``disable_download=True``).
    """

    def __init__(self, *, dim: int = 256) -> None:
        if isinstance(dim, bool) or dim not in _DIMENSIONS:
            raise InvalidInputError(
                f"dim must be one of {_DIMENSIONS}, got {dim!r}: the bundled wordllama weights "
                "are 256-dimensional and can be truncated to 64 or 128."
            )
        self.dim = dim
        self._model: Any = None
        self._lock = threading.Lock()
        at_fork_in_child(self._after_fork)

    def _after_fork(self) -> None:
        # In a forked child: a lock no vanished thread (loading the model at the fork) holds.
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"WordLlamaEmbeddings(dim={self.dim})"

    @property
    def dimension(self) -> int:
        """Length of every vector this model returns."""
        return self.dim

    def embed_array(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Embed ``texts`` into a ``(len(texts), dim)`` float32 array of unit (or zero) rows."""
        import numpy as np

        texts = check_texts(texts)
        model = self._load()
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        for begin in range(0, len(texts), _TEXTS_PER_BATCH):
            batch = texts[begin : begin + _TEXTS_PER_BATCH]
            encodings = model.tokenizer.encode_batch(batch, add_special_tokens=False)
            _sum_token_vectors(
                model.embedding, [e.ids for e in encodings], vectors[begin : begin + len(batch)]
            )
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        np.divide(vectors, norms, out=vectors, where=norms > 0)
        return vectors

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed search documents."""
        return self.embed_array(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        """Embed a query text."""
        if not isinstance(text, str):
            raise InvalidInputError(
                f"text must be a str, got {type(text).__name__}: pass the query as a string."
            )
        return self.embed_array([text])[0].tolist()

    async def aembed_array(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Async twin of :meth:`embed_array` (runs in a worker thread)."""
        return await asyncio.to_thread(self.embed_array, texts)

    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        """Async twin of :meth:`embed_documents` (runs in a worker thread)."""
        return await asyncio.to_thread(self.embed_documents, texts)

    async def aembed_query(self, text: str) -> list[float]:
        """Async twin of :meth:`embed_query` (runs in a worker thread)."""
        return await asyncio.to_thread(self.embed_query, text)

    def _load(self) -> Any:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = _load_wordllama(self.dim)
        return self._model


def _load_wordllama(dim: int) -> Any:
    """The wordllama inference object, from the files inside the installed wheel only."""
    with _root_logging_kept():
        import wordllama
        from wordllama import WordLlama

    try:
        model = WordLlama.load(
            cache_dir=Path(wordllama.__file__).parent,
            disable_download=True,
            trunc_dim=None if dim == 256 else dim,
        )
    except FileNotFoundError as exc:
        raise CogneeLangchainError(
            f"The wordllama model files are missing from {Path(wordllama.__file__).parent} "
            f"({exc}): reinstall wordllama (pip install --force-reinstall wordllama) or pass "
            "another LangChain Embeddings to GraphMemory(embeddings=...)."
        ) from exc
    # Padding would make a batch as wide as its longest text; the sums above need none.
    model.tokenizer.no_padding()
    return model


def _sum_token_vectors(table: Any, token_ids: list[list[int]], out: Any) -> None:
    """Add to ``out[i]`` the sum of the rows of ``table`` for ``token_ids[i]``.

    The mean's scale vanishes on normalising, so a sum will do. Token vectors are gathered a
    cache-sized step at a time into one reused buffer, which is several times faster than one big
    gather and keeps memory flat even for a huge text.
    """
    import numpy as np

    lengths = np.fromiter(map(len, token_ids), dtype=np.int64, count=len(token_ids))
    total = int(lengths.sum())
    if not total:
        return
    ids = np.fromiter(chain.from_iterable(token_ids), dtype=np.int64, count=total)
    np.clip(ids, 0, table.shape[0] - 1, out=ids)  # as wordllama does for out-of-vocabulary ids
    owners = np.repeat(np.arange(len(token_ids)), lengths)
    buffer = np.empty((min(total, _TOKENS_PER_STEP), table.shape[1]), dtype=table.dtype)
    for begin in range(0, total, _TOKENS_PER_STEP):
        step_ids = ids[begin : begin + _TOKENS_PER_STEP]
        step_owners = owners[begin : begin + _TOKENS_PER_STEP]
        gathered = buffer[: len(step_ids)]
        np.take(table, step_ids, axis=0, out=gathered)
        firsts = np.flatnonzero(np.r_[True, step_owners[1:] != step_owners[:-1]])
        out[step_owners[firsts]] += np.add.reduceat(gathered, firsts, axis=0)


@contextmanager
def _root_logging_kept() -> Iterator[None]:
    """Undo what importing wordllama does to the root logger.

    wordllama calls ``logging.basicConfig(level=INFO)`` at import, which would make every
    library's INFO records appear on stderr in our users' programs.
    """
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
