"""Lexical retrieval: a text analyser and an incremental BM25 inverted index.

The index is built for writes that trickle in (one ``remember`` at a time) as well as bulk loads:
postings are append-only per term, removal only updates the statistics BM25 needs (live document
count, document frequencies, total length) and leaves tombstones that readers mask and
:meth:`BM25Index.keep` drops. Scores therefore equal those of an index rebuilt from the live
documents alone.
"""

from __future__ import annotations

import functools
import math
import re
import threading
from collections.abc import Sequence
from itertools import chain

import numpy as np
import numpy.typing as npt
import Stemmer

from cognee_langchain.retrieval.types import (
    GrowableArray,
    PostingLists,
    RankedList,
    State,
    renumbering,
)

__all__ = ["STOPWORDS", "BM25Index", "analyze", "word_tokens"]

_WORD = re.compile(r"\w+")

_STOPWORD_LIST = """
    a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had
    has have having he her here hers herself him himself his how i if in into is it its itself just
    me more most my myself no nor not now of off on once only or other our ours ourselves out over
    own same she should so some such than that the their theirs them themselves then there these
    they this those through to too under until up very was we were what when where which while who
    whom why will with would you your yours yourself yourselves
    s t d ll m re ve"""

STOPWORDS = frozenset(_STOPWORD_LIST.split())
"""Function words dropped from index terms (and never matched alone as entity names), with the
fragments contractions and possessives split into ("alice's" -> "alice", "s")."""


def word_tokens(text: str) -> list[str]:
    """Case-folded runs of unicode word characters: the tokens entity names are matched on."""
    return _WORD.findall(text.casefold())


_stemmers = threading.local()


def _stem(token: str) -> str:
    """The Snowball (Porter 2) English stem of a token ('leads' -> 'lead', 'hiking' -> 'hike').

    Measured on LoCoMo's development split against Harman's plural-only 'S' stemmer: +.016
    evidence recall @500, as questions and answers differ in more than number ("painted" /
    "painting"). A stemmer object is not thread-safe: one per thread.
    """
    stemmer = getattr(_stemmers, "english", None)
    if stemmer is None:
        stemmer = _stemmers.english = Stemmer.Stemmer("english")
    return str(stemmer.stemWord(token))


@functools.lru_cache(maxsize=1 << 16)
def _term(token: str) -> str:
    """The index term of a word token ('' for a stopword); cached because indexing meets the
    same few thousand tokens over and over."""
    return "" if token in STOPWORDS else _stem(token)


def analyze(text: str) -> list[str]:
    """The index terms of ``text``: word tokens minus stopwords, lightly stemmed."""
    return [term for term in map(_term, word_tokens(text)) if term]


# (slot, term id) pairs are packed into one int64 to count them with one np.unique.
_KEY_BITS = 32
_KEY_MASK = (1 << _KEY_BITS) - 1


class BM25Index:
    """Okapi BM25 over documents addressed by slot (appended in order, removed by tombstone).

    ``idf = ln(1 + (N - df + 0.5) / (df + 0.5))`` (never negative) and the usual ``k1`` / ``b``
    length normalisation, with ``N``, ``df`` and the average length taken over live documents.
    """

    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b
        self._term_ids: dict[str, int] = {}
        # Word token -> term id (-1: a stopword): texts are mapped in bulk, one dict lookup per
        # token, instead of stemming and numbering each token in turn.
        self._token_keys: dict[str, int] = {}
        self._postings = PostingLists()
        self._lengths = GrowableArray(np.float32)
        self._live = 0
        self._total_length = 0

    def __len__(self) -> int:
        """Slots, tombstones included."""
        return len(self._lengths)

    @property
    def nbytes(self) -> int:
        """Approximate bytes held: postings, lengths and the term and token dictionaries."""
        terms = sum(49 + len(term) + 80 for term in chain(self._term_ids, self._token_keys))
        return self._postings.nbytes + self._lengths.nbytes + terms

    def _keys(self, texts: Sequence[str]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """The term ids of ``texts``, in order, and the position in ``texts`` of each; terms
        seen for the first time are numbered."""
        tokens_per_text = [word_tokens(text) for text in texts]
        tokens = list(chain.from_iterable(tokens_per_text))
        token_keys, term_ids = self._token_keys, self._term_ids
        for token in set(tokens).difference(token_keys):
            term = _term(token)
            token_keys[token] = term_ids.setdefault(term, len(term_ids)) if term else -1
        keys = np.fromiter(map(token_keys.__getitem__, tokens), np.int64, len(tokens))
        counts = np.fromiter(map(len, tokens_per_text), np.int64, len(texts))
        positions = np.repeat(np.arange(len(texts), dtype=np.int64), counts)
        terms = keys >= 0
        return keys[terms], positions[terms]

    def append(self, texts: Sequence[str]) -> None:
        """Index ``texts`` as the next slots, in order."""
        first = len(self._lengths)
        keys, positions = self._keys(texts)
        lengths = np.bincount(positions, minlength=len(texts))
        # Term frequencies of the whole batch at once: count each (slot, term) pair.
        pairs, frequencies = np.unique(
            ((positions + first) << _KEY_BITS) | keys, return_counts=True
        )
        self._postings.grow_to(len(self._term_ids))
        self._postings.add(pairs & _KEY_MASK, pairs >> _KEY_BITS, frequencies)
        self._lengths.extend(lengths)
        self._live += len(texts)
        self._total_length += int(lengths.sum())

    def discard(self, slots: Sequence[int], texts: Sequence[str]) -> None:
        """Tombstone live ``slots`` whose indexed texts were ``texts``."""
        keys, positions = self._keys(texts)
        # Each removed document lowers a term's document count once, however often it held it.
        pairs = np.unique((positions << _KEY_BITS) | keys)
        self._postings.discard(pairs & _KEY_MASK)
        self._live -= len(slots)
        self._total_length -= int(self._lengths.view[np.asarray(slots, dtype=np.int64)].sum())

    def search(self, terms: Sequence[str], k: int, eligible: npt.NDArray[np.bool_]) -> RankedList:
        """The ``k`` best eligible slots for the query ``terms`` (see :func:`analyze`); only
        documents sharing at least one term with the query are ranked."""
        scores = self.scores(terms)
        return RankedList.top(scores, k, eligible & (scores > 0))

    def scores(
        self, terms: Sequence[str], weighted: Sequence[tuple[str, float]] = ()
    ) -> npt.NDArray[np.float32]:
        """The BM25 score of every slot (0 for documents sharing no term, and tombstones);
        ``weighted`` terms (an expanded query's) add their score times their weight."""
        scores = np.zeros(len(self._lengths), dtype=np.float32)
        if self._live:
            average_length = self._total_length / self._live or 1.0
            plain = [(term, 1.0) for term in dict.fromkeys(terms)]
            for term, weight in (*plain, *weighted):
                key = self._term_ids.get(term)
                if key is not None and self._postings.count(key):
                    self._add_term_scores(scores, key, average_length, weight)
        return scores

    def _add_term_scores(
        self, scores: npt.NDArray[np.float32], key: int, avg: float, weight: float = 1.0
    ) -> None:
        df = self._postings.count(key)
        idf = math.log(1.0 + (self._live - df + 0.5) / (df + 0.5))
        slots, frequencies = self._postings.get(key)
        tf = frequencies.astype(np.float32)
        norm = self.k1 * (1.0 - self.b + self.b * self._lengths.view[slots] / avg)
        # A term occurs once per document in its postings, so fancy-index += is exact here.
        scores[slots] += np.float32(idf * weight) * tf * (self.k1 + 1.0) / (tf + norm)

    def keep(self, keep: npt.NDArray[np.bool_]) -> None:
        """Compact: keep the slots where ``keep`` is true (renumbered in order) and forget terms
        no live document uses."""
        slot_map = renumbering(keep)
        self._postings.remap_slots(slot_map)
        self._lengths.keep(keep)
        counts = self._postings.counts(np.arange(len(self._postings)))
        term_map = renumbering(counts > 0)
        self._postings.remap_keys(term_map, int((counts > 0).sum()))
        self._term_ids = {
            t: int(term_map[k]) for t, k in self._term_ids.items() if term_map[k] >= 0
        }
        # Tokens of forgotten terms are numbered afresh when they come back.
        self._token_keys = {
            token: k if k < 0 else int(term_map[k])
            for token, k in self._token_keys.items()
            if k < 0 or term_map[k] >= 0
        }

    def export(self) -> State:
        """The index as a snapshot holds it: terms in id order, postings in CSR form, document
        lengths and the live statistics."""
        return {
            "k1": self.k1,
            "b": self.b,
            "terms": sorted(self._term_ids, key=self._term_ids.__getitem__),
            "postings": self._postings.export(),
            "lengths": self._lengths.view,
            "live": self._live,
            "total_length": self._total_length,
        }

    @classmethod
    def restore(cls, state: State) -> BM25Index:
        """The index :meth:`export` gave. The token cache starts empty: it refills with the
        same term ids, as the terms are kept."""
        index = cls(float(state["k1"]), float(state["b"]))
        index._term_ids = {term: key for key, term in enumerate(state["terms"])}
        index._postings = PostingLists.restore(state["postings"])
        index._lengths = GrowableArray.of(state["lengths"])
        index._live = int(state["live"])
        index._total_length = int(state["total_length"])
        return index

    def freeze(self) -> None:
        """Merge postings added one batch at a time into one flat array (fewer objects)."""
        self._postings.freeze()
