"""Query term expansion: each content word of a query also matches the indexed words closest to
it in a word-vector space ("allergic" -> "dairy", "paintings" -> "canvas").

The engine knows no model: its owner hands it a function that embeds words (offline, the
WordLlama vectors the package ships). The vocabulary is the words the indexes have seen, embedded
once each, as they arrive. Measured on LoCoMo's development split: +.010 evidence recall @500.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence

import numpy as np
import numpy.typing as npt

from cognee_langchain.retrieval.lexical import STOPWORDS, analyze
from cognee_langchain.retrieval.types import GrowableArray, State

__all__ = ["EmbedWords", "Vocabulary", "content_words"]

EmbedWords = Callable[[Sequence[str]], npt.NDArray[np.float32]]
"""Words in, one row per word out (any scale; rows are normalised here)."""

_MIN_WORD = 3


def content_words(tokens: Iterable[str]) -> list[str]:
    """The distinct word tokens worth expanding or matching: no stopwords, numbers or short
    fragments."""
    return list(
        dict.fromkeys(
            t for t in tokens if len(t) >= _MIN_WORD and t not in STOPWORDS and not t.isdigit()
        )
    )


class Vocabulary:
    """Indexed words with their unit vectors and the datasets they occur in.

    Words are noted as items are indexed and embedded later, in one batch, by :meth:`add`.
    A query of some datasets expands only to words of those datasets: what other datasets hold
    never shapes a search (nor wastes its neighbour slots).
    """

    def __init__(self) -> None:
        self._words: list[str] = []
        self._row_of: dict[str, int] = {}
        self._seen: dict[str, set[int]] = {}
        self._rows_of_dataset: dict[int, list[int]] = {}
        self._pending: set[str] = set()
        self._vectors: GrowableArray | None = None

    def __len__(self) -> int:
        return len(self._words)

    def note(self, tokens: Iterable[str], dataset: int) -> None:
        """Record that the content words among ``tokens`` occur in dataset ``dataset``."""
        for word in content_words(tokens):
            datasets = self._seen.get(word)
            if datasets is None:
                datasets = self._seen[word] = set()
                self._pending.add(word)
            if dataset not in datasets:
                datasets.add(dataset)
                row = self._row_of.get(word)
                if row is not None:
                    self._rows_of_dataset.setdefault(dataset, []).append(row)

    def export(self) -> State:
        """The vocabulary as a snapshot holds it: the embedded words in row order with their
        vectors, and every noted word's datasets."""
        return {
            "words": self._words,
            "vectors": None if self._vectors is None else self._vectors.view,
            "seen": {word: sorted(datasets) for word, datasets in self._seen.items()},
        }

    @classmethod
    def restore(cls, state: State) -> Vocabulary:
        """The vocabulary :meth:`export` gave (noted words without a vector stay pending)."""
        vocabulary = cls()
        vocabulary._seen = {word: set(datasets) for word, datasets in state["seen"].items()}
        vocabulary._words = list(state["words"])
        vocabulary._row_of = {word: row for row, word in enumerate(vocabulary._words)}
        for row, word in enumerate(vocabulary._words):
            for dataset in vocabulary._seen.get(word, ()):
                vocabulary._rows_of_dataset.setdefault(dataset, []).append(row)
        vocabulary._pending = set(vocabulary._seen).difference(vocabulary._row_of)
        if state["vectors"] is not None:
            vocabulary._vectors = GrowableArray.of(state["vectors"])
        return vocabulary

    def missing(self) -> list[str]:
        """Noted words without a vector yet, sorted."""
        return sorted(self._pending)

    def add(self, words: Sequence[str], vectors: npt.ArrayLike) -> None:
        """Add vectors for noted ``words`` (normalised here; a zero row never matches)."""
        matrix = np.asarray(vectors, dtype=np.float32)
        if not len(words):
            return
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        matrix = np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)
        if self._vectors is None:
            self._vectors = GrowableArray(np.float32, width=matrix.shape[1])
        self._vectors.extend(matrix)
        for word in words:
            self._pending.discard(word)
            row = self._row_of[word] = len(self._words)
            self._words.append(word)
            for dataset in self._seen.get(word, ()):
                self._rows_of_dataset.setdefault(dataset, []).append(row)

    def neighbours(
        self,
        words: Sequence[str],
        vectors: npt.ArrayLike,
        per_word: int,
        min_similarity: float,
        datasets: Collection[int] | None = None,
    ) -> list[tuple[str, float]]:
        """For each of ``words``, up to ``per_word`` index terms of vocabulary words (of
        ``datasets``; ``None``: any) with cosine at least ``min_similarity`` to it, other than
        its own term, with that cosine; a term reached from several words keeps its best."""
        if self._vectors is None or not len(words):
            return []
        query = np.asarray(vectors, dtype=np.float32)
        norms = np.linalg.norm(query, axis=1, keepdims=True)
        query = np.divide(query, norms, out=np.zeros_like(query), where=norms > 0)
        similarity = query @ self._vectors.view.T
        if datasets is not None:
            allowed = np.zeros(len(self._words), dtype=np.bool_)
            for dataset in datasets:
                allowed[self._rows_of_dataset.get(dataset, [])] = True
            similarity[:, ~allowed] = -np.inf
        own = set(analyze(" ".join(words)))
        best: dict[str, float] = {}
        for row in similarity:
            candidates = np.flatnonzero(row >= min_similarity)
            taken: set[str] = set()
            for index in candidates[np.argsort(-row[candidates], kind="stable")].tolist():
                terms = analyze(self._words[index])
                if not terms or terms[0] in own or terms[0] in taken:
                    continue
                taken.add(terms[0])
                best[terms[0]] = max(best.get(terms[0], 0.0), float(row[index]))
                if len(taken) == per_word:
                    break
        return sorted(best.items(), key=lambda pair: (-pair[1], pair[0]))
