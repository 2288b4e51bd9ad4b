"""The search engine: per item kind, a BM25 index, a dense index and filter columns kept in
lockstep by slot; an entity table; and the executor of :class:`SearchConfig`\\ s over them.

The engine knows nothing of storage or models. Its owner feeds it items and entities with their
stored vectors (:meth:`SearchEngine.add`, :meth:`SearchEngine.add_entities` — also how an index is
loaded at open, without re-embedding anything), keeps it in step with writes, and embeds each
query once. Writes are incremental: adding appends, removing tombstones, and tombstones are
compacted away once they are a sizeable fraction of an index (amortised O(1) per removal).

The per-kind slot bookkeeping lives in :mod:`~cognee_langchain.retrieval.collection`, the input
checks in :mod:`~cognee_langchain.retrieval.checks`; this module writes across kinds and runs
the search and fusion path. (Over 500 lines because the write path and the search path share
one lock and one slot bookkeeping, which a split would expose between modules.)
"""

from __future__ import annotations

import asyncio
import functools
import math
from collections.abc import Callable, Iterable, Sequence
from itertools import chain
from typing import TypedDict, TypeVar

import numpy as np
import numpy.typing as npt

from cognee_langchain.core.validation import check_positive
from cognee_langchain.errors import InvalidInputError
from cognee_langchain.retrieval.checks import (
    validate_entity,
    validate_item,
    validate_k,
    validate_names,
)
from cognee_langchain.retrieval.collection import (
    BoolArray,
    Change,
    Facets,
    ItemCollection,
    ItemRecord,
)
from cognee_langchain.retrieval.config import (
    DEFAULT_SEARCH_TYPE,
    ExpansionConfig,
    Fusion,
    SearchConfig,
    TermExpansion,
    get_search_config,
)
from cognee_langchain.retrieval.dense import normalize_vectors
from cognee_langchain.retrieval.expansion import EntityTable, personalized_pagerank
from cognee_langchain.retrieval.fusion import reciprocal_rank_fusion
from cognee_langchain.retrieval.lexical import analyze, word_tokens
from cognee_langchain.retrieval.locking import ReadWriteLock
from cognee_langchain.retrieval.queries import RANKERS, Query, query_terms
from cognee_langchain.retrieval.scoring import ScoredQuery, fuse_scores, merge_kinds
from cognee_langchain.retrieval.timing import TimeContext, chronological, in_window, time_boosts
from cognee_langchain.retrieval.types import (
    ITEM_KINDS,
    Codebook,
    ItemKind,
    RankedList,
    SearchEntity,
    SearchHit,
    SearchItem,
    State,
)
from cognee_langchain.retrieval.vocabulary import EmbedWords, Vocabulary, content_words

__all__ = ["EngineStats", "SearchEngine"]

_T = TypeVar("_T")

# Compaction runs once tombstones (or reclaimable entity rows) reach this fraction of an index,
# and at least _MIN_RECLAIMABLE of them: rarely enough that its O(n) cost is amortised.
_COMPACT_FRACTION = 0.25
_MIN_RECLAIMABLE = 1024

# Fused rankings mix kinds, so a ranked item is keyed as (kind index, slot) packed in an int64.
_SLOT_BITS = 40
_SLOT_MASK = (1 << _SLOT_BITS) - 1


class EngineStats(TypedDict):
    """Sizes of a :class:`SearchEngine`."""

    items: dict[str, int]
    entities: int
    tombstones: int
    index_bytes: int
    """Bytes held by the indexes (vectors, postings, columns), spare capacity included."""


def _encode(kind: ItemKind, slots: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    return (ITEM_KINDS.index(kind) << _SLOT_BITS) | slots


def _decode(key: int) -> tuple[ItemKind, int]:
    return ITEM_KINDS[key >> _SLOT_BITS], key & _SLOT_MASK


def _kind_terms(
    config: SearchConfig, when: TimeContext, terms: list[str]
) -> list[tuple[str, float]]:
    """The weighted terms of the words that state the kinds of fact a question judging turns
    asks for (:attr:`TimePriors.kind_words`), less the query's own terms."""
    priors = config.time_priors
    if priors is None or not priors.kind_words or not when.turns or not when.kind_words:
        return []
    own = set(terms)
    found = analyze(" ".join(sorted(when.kind_words)))
    return [(term, priors.kind_words) for term in dict.fromkeys(found) if term not in own]


class SearchEngine:
    """Hybrid retrieval over chunks, facts and summaries, with entity-graph expansion.

    ``dim`` is the embedding dimension of every vector fed in and of query vectors. Searches run
    concurrently with each other; writes wait for running searches and hold new ones back.
    """

    def __init__(self, dim: int = 256, *, bm25_k1: float = 1.2, bm25_b: float = 0.75) -> None:
        self.dim = check_positive(dim, "dim")
        self._collections = {
            kind: ItemCollection(kind, dim, bm25_k1, bm25_b) for kind in ITEM_KINDS
        }
        self._entities = EntityTable(dim)
        self._datasets: Codebook[str] = Codebook()
        self._node_sets: Codebook[frozenset[str]] = Codebook()
        self._groups: Codebook[tuple[str, str]] = Codebook()
        self._speakers: Codebook[str] = Codebook()
        self._speaker_tokens: list[frozenset[str]] = []  # by speaker code: what names them
        self._vocabulary = Vocabulary()
        self._lock = ReadWriteLock()

    # -- writes ------------------------------------------------------------------------------------
    def add(self, items: Iterable[SearchItem]) -> int:
        """Index ``items``, replacing any indexed item with the same id (whatever its kind).

        Ids are unique across kinds; within ``items`` the last item with an id wins. The whole
        batch is validated before anything changes. Returns how many items were added,
        replaced or updated (unchanged items are skipped; one changed only in its chunk ids,
        metadata, node sets or facets is updated where it lies, without re-indexing).
        """
        batch = list({item.id: item for item in map(validate_item, items)}.values())
        if not batch:
            return 0
        vectors = normalize_vectors([item.vector for item in batch], self.dim, "Item vectors")
        with self._lock.write():
            return self._add(batch, vectors)

    def _add(self, batch: list[SearchItem], vectors: npt.NDArray[np.float32]) -> int:
        dataset_codes = [self._datasets.code(item.dataset) for item in batch]
        node_set_codes = [self._node_sets.code(frozenset(item.node_sets)) for item in batch]
        facets = [self._facets(item) for item in batch]
        replaced: dict[ItemKind, list[int]] = {kind: [] for kind in ITEM_KINDS}
        changed: dict[ItemKind, list[int]] = {kind: [] for kind in ITEM_KINDS}
        updated = 0
        for i, item in enumerate(batch):
            current = self._locate(item.id)
            if current is not None:
                kind, slot = current
                collection = self._collections[kind]
                change = Change.INDEXED
                if kind == item.kind:
                    # Built once for both calls: interning a hub fact's thousands of chunk ids
                    # is most of what comparing it costs.
                    record = ItemRecord.of(item)
                    change = collection.change(
                        slot, record, vectors[i], dataset_codes[i], node_set_codes[i], facets[i]
                    )
                if change is Change.NONE:
                    continue
                if change is Change.IN_PLACE:
                    collection.update(slot, record, node_set_codes[i], facets[i])
                    updated += 1
                    continue
                replaced[kind].append(slot)
            changed[item.kind].append(i)
        for kind, slots in replaced.items():
            if slots:
                self._discard(kind, slots)
        for kind, positions in changed.items():
            if positions:
                self._append(
                    kind,
                    [batch[i] for i in positions],
                    vectors[positions],
                    [dataset_codes[i] for i in positions],
                    [node_set_codes[i] for i in positions],
                    [facets[i] for i in positions],
                )
        self._compact(force=False)
        return updated + sum(len(positions) for positions in changed.values())

    def _facets(self, item: SearchItem) -> Facets:
        group = -1 if item.group is None else self._groups.code((item.dataset, item.group))
        speaker = -1
        if item.speaker is not None:
            speaker = self._speakers.code(item.speaker)
            if speaker == len(self._speaker_tokens):  # a new speaker: tokenise its name once
                self._speaker_tokens.append(frozenset(word_tokens(item.speaker)))
        occurred_at = math.nan if item.occurred_at is None else float(item.occurred_at)
        if not item.spans:
            return Facets(group, speaker, occurred_at)
        # An envelope, not every span: a turn rarely states more than one or two facts.
        start = min(float(valid_at) for valid_at, _ in item.spans)
        end = max(math.inf if until is None else float(until) for _, until in item.spans)
        return Facets(group, speaker, occurred_at, start, end)

    def _append(
        self,
        kind: ItemKind,
        items: list[SearchItem],
        vectors: npt.NDArray[np.float32],
        dataset_codes: list[int],
        node_set_codes: list[int],
        facets: list[Facets],
    ) -> None:
        mentioned = [dict.fromkeys(item.entity_ids) for item in items]
        flat = list(chain.from_iterable(mentioned))
        # Items mention few distinct entities many times over: resolve each id once.
        distinct = dict.fromkeys(flat)
        resolved = self._entities.resolve(list(distinct))
        position = {entity_id: i for i, entity_id in enumerate(distinct)}
        rows = resolved[np.fromiter(map(position.__getitem__, flat), np.int64, len(flat))]
        self._grow_mentions()
        self._entities.reference(rows, +1)
        lengths = np.fromiter(map(len, mentioned), np.int64, len(mentioned))
        for item, dataset in zip(items, dataset_codes, strict=True):
            self._vocabulary.note(word_tokens(item.text), dataset)
        self._collections[kind].append(
            items, vectors, (rows, lengths), dataset_codes, node_set_codes, facets
        )

    def remove(self, ids: Iterable[str]) -> int:
        """Remove the items ``ids``; unknown ids are ignored. Returns how many were removed."""
        ids = list(dict.fromkeys(ids))
        with self._lock.write():
            located: dict[ItemKind, list[int]] = {kind: [] for kind in ITEM_KINDS}
            for item_id in ids:
                current = self._locate(item_id)
                if current is not None:
                    located[current[0]].append(current[1])
            for kind, slots in located.items():
                if slots:
                    self._discard(kind, slots)
            self._compact(force=False)
        return sum(len(slots) for slots in located.values())

    def add_entities(self, entities: Iterable[SearchEntity]) -> int:
        """Add or replace ``entities`` (by id). Returns how many were given."""
        batch = list({e.id: e for e in map(validate_entity, entities)}.values())
        if not batch:
            return 0
        has_vector = np.array([entity.vector is not None for entity in batch])
        vectors = np.zeros((len(batch), self.dim), dtype=np.float32)
        if has_vector.any():
            given = [entity.vector for entity in batch if entity.vector is not None]
            vectors[has_vector] = normalize_vectors(given, self.dim, "Entity vectors")
        with self._lock.write():
            self._entities.upsert(batch, vectors, has_vector)
            self._grow_mentions()
        return len(batch)

    def remove_entities(self, ids: Iterable[str]) -> int:
        """Remove entities by id: they stop seeding searches, while items that still mention them
        keep linking through them. Returns how many were removed."""
        ids = list(ids)
        with self._lock.write():
            removed = self._entities.remove(ids)
            self._compact(force=False)
        return removed

    def compact(self) -> None:
        """Drop every tombstone and reclaimable entity row now (writes do this on their own once
        tombstones reach a quarter of an index)."""
        with self._lock.write():
            self._compact(force=True)

    # -- snapshots ---------------------------------------------------------------------------------
    def freeze(self) -> None:
        """Compact, and merge postings added batch by batch into flat arrays: after a bulk load,
        this leaves the indexes with no Python object per term or entity."""
        with self._lock.write():
            self._compact(force=True)
            for collection in self._collections.values():
                collection.freeze()

    def export(self, write: Callable[[State], _T]) -> _T:
        """Hand the whole engine, as a snapshot saves it (see :meth:`restore`), to ``write``;
        writes wait meanwhile, searches do not. The state is views of the engine's arrays:
        ``write`` must be done with it when it returns."""
        self.freeze()
        with self._lock.read():
            state: State = {
                "dim": self.dim,
                "collections": {k: c.export() for k, c in self._collections.items()},
                "entities": self._entities.export(),
                "datasets": self._datasets.values,
                "node_sets": [sorted(sets) for sets in self._node_sets.values],
                "groups": self._groups.values,
                "speakers": self._speakers.values,
                "vocabulary": self._vocabulary.export(),
            }
            return write(state)

    @classmethod
    def restore(cls, state: State) -> SearchEngine:
        """The engine :meth:`export` gave: it searches exactly as the exported one did."""
        engine = cls(int(state["dim"]))
        engine._collections = {
            kind: ItemCollection.restore(state["collections"][kind]) for kind in ITEM_KINDS
        }
        engine._entities = EntityTable.restore(state["entities"])
        engine._datasets = Codebook.of(state["datasets"])
        engine._node_sets = Codebook.of([frozenset(sets) for sets in state["node_sets"]])
        engine._groups = Codebook.of([(dataset, group) for dataset, group in state["groups"]])
        engine._speakers = Codebook.of(state["speakers"])
        engine._speaker_tokens = [frozenset(word_tokens(s)) for s in engine._speakers.values]
        engine._vocabulary = Vocabulary.restore(state["vocabulary"])
        return engine

    def _locate(self, item_id: str) -> tuple[ItemKind, int] | None:
        for kind, collection in self._collections.items():
            slot = collection.slot_of.get(item_id)
            if slot is not None:
                return kind, slot
        return None

    def _grow_mentions(self) -> None:
        """Give every mention index a key for each entity row (new rows start unmentioned)."""
        for collection in self._collections.values():
            collection.mentions.grow_to(self._entities.rows)

    def _discard(self, kind: ItemKind, slots: Sequence[int]) -> None:
        rows = self._collections[kind].discard(slots)
        self._entities.reference(rows, -1)

    def _compact(self, *, force: bool) -> None:
        def worthwhile(reclaimable: int, size: int) -> bool:
            threshold = max(_MIN_RECLAIMABLE, _COMPACT_FRACTION * size)
            return reclaimable > 0 and (force or reclaimable >= threshold)

        for collection in self._collections.values():
            if worthwhile(collection.tombstones, len(collection.records)):
                collection.compact()
        if worthwhile(self._entities.reclaimable(), self._entities.rows):
            row_map = self._entities.compact()
            for collection in self._collections.values():
                collection.renumber_entities(row_map, self._entities.rows)

    # -- reads -------------------------------------------------------------------------------------
    @property
    def interrupted(self) -> bool:
        """True in a process forked while this engine was being written: it may be half-updated
        there, so its owner rebuilds it (see :meth:`GraphIndex.arefresh`)."""
        return self._lock.interrupted

    def __len__(self) -> int:
        """Live items of every kind."""
        with self._lock.read():
            return sum(len(collection.slot_of) for collection in self._collections.values())

    def __contains__(self, item_id: object) -> bool:
        with self._lock.read():
            return isinstance(item_id, str) and self._locate(item_id) is not None

    def stats(self) -> EngineStats:
        """Counts and index memory."""
        with self._lock.read():
            collections = self._collections.values()
            return EngineStats(
                items={c.kind: len(c.slot_of) for c in collections},
                entities=len(self._entities),
                tombstones=sum(c.tombstones for c in collections),
                index_bytes=sum(c.nbytes for c in collections) + self._entities.nbytes,
            )

    def search(
        self,
        query_text: str,
        query_vector: npt.ArrayLike | None = None,
        config: str | SearchConfig = DEFAULT_SEARCH_TYPE,
        k: int | None = None,
        datasets: Iterable[str] | None = None,
        node_sets: Iterable[str] | None = None,
        embed_words: EmbedWords | None = None,
        when: TimeContext | None = None,
    ) -> list[SearchHit]:
        """The best ``k`` items (default: the config's ``limit``) for a query, best first.

        ``config`` is a search type name (``"graph"``, ``"chunks"``, ``"facts"``,
        ``"summaries"``) or a :class:`SearchConfig`. ``query_vector`` is the query's embedding,
        required when the config uses one. ``datasets`` / ``node_sets`` keep only items in one of
        the given datasets / node sets; ``None`` means no filter, an empty collection matches
        nothing. ``embed_words`` embeds words for a config's ``expand_terms`` (without it the
        query is not expanded). ``when``: what the search knows of time (as of when, which
        window), read by the config's time priors and its chronological order (``None``:
        time plays no part). Raises :class:`InvalidInputError` for an empty query, ``k <= 0``,
        an unknown search type or a missing or malformed query vector.
        """
        resolved = get_search_config(config)
        limit = resolved.limit if k is None else validate_k(k)
        if not isinstance(query_text, str) or not query_text.strip():
            raise InvalidInputError("query_text must be a non-empty string: pass the question.")
        vector = None
        if resolved.needs_query_vector:
            if query_vector is None:
                raise InvalidInputError(
                    "This search type needs query_vector: embed the query with the same "
                    "embeddings model as the indexed items."
                )
            vector = normalize_vectors(query_vector, self.dim, "query_vector")[0]
        tokens = word_tokens(query_text)
        expansions = []
        dataset_filter = validate_names(datasets, "dataset")
        node_set_filter = validate_names(node_sets, "node set")
        if resolved.expand_terms is not None and embed_words is not None:
            expansions = self._expansions(
                tokens, resolved.expand_terms, embed_words, dataset_filter
            )
        terms = query_terms(tokens, resolved.query_stopwords)
        when = TimeContext() if when is None else when
        expansions += _kind_terms(resolved, when, terms)
        query = Query(query_text, tokens, terms, vector, expansions)
        with self._lock.read():
            eligible = self._eligibility(dataset_filter, node_set_filter, resolved, when)
            hits = self._execute(resolved, query, limit, eligible, when)
            return chronological(self._collections, hits) if resolved.chronological else hits

    async def asearch(
        self,
        query_text: str,
        query_vector: npt.ArrayLike | None = None,
        config: str | SearchConfig = DEFAULT_SEARCH_TYPE,
        k: int | None = None,
        datasets: Iterable[str] | None = None,
        node_sets: Iterable[str] | None = None,
        embed_words: EmbedWords | None = None,
        when: TimeContext | None = None,
    ) -> list[SearchHit]:
        """Async twin of :meth:`search`, run in a worker thread so the event loop stays free."""
        return await asyncio.to_thread(
            self.search,
            *(query_text, query_vector, config, k, datasets, node_sets, embed_words, when),
        )

    def _expansions(
        self,
        tokens: list[str],
        expansion: TermExpansion,
        embed_words: EmbedWords,
        datasets: list[str] | None,
    ) -> list[tuple[str, float]]:
        """The weighted terms the query's words expand to, among the words of ``datasets``;
        words indexed since the last expansion are embedded first (each word once, ever)."""
        words = content_words(tokens)
        if not words:
            return []
        if self._vocabulary.missing():
            with self._lock.write():
                missing = self._vocabulary.missing()
                if missing:
                    self._vocabulary.add(missing, embed_words(missing))
        with self._lock.read():
            codes = None
            if datasets is not None:
                wanted = set(datasets)
                codes = [c for c, name in enumerate(self._datasets.values) if name in wanted]
            near = self._vocabulary.neighbours(
                words, embed_words(words), expansion.per_word, expansion.min_similarity, codes
            )
        return [(term, expansion.weight * cosine) for term, cosine in near]

    def _eligibility(
        self,
        datasets: list[str] | None,
        node_sets: list[str] | None,
        config: SearchConfig,
        when: TimeContext,
    ) -> Callable[[ItemKind], BoolArray]:
        """Per kind, the eligibility mask of the filters, computed on first use (a
        chronological search with a window keeps only what is inside it)."""
        dataset_codes = None
        if datasets is not None:
            wanted = set(datasets)
            dataset_codes = [c for c, name in enumerate(self._datasets.values) if name in wanted]
        node_set_codes = None
        if node_sets is not None:
            wanted = set(node_sets)
            node_set_codes = [c for c, sets in enumerate(self._node_sets.values) if sets & wanted]
        masks: dict[ItemKind, BoolArray] = {}

        def eligible(kind: ItemKind) -> BoolArray:
            if kind not in masks:
                collection = self._collections[kind]
                masks[kind] = collection.eligible(dataset_codes, node_set_codes)
                if config.chronological and when.windowed:
                    masks[kind] &= in_window(collection, when)
            return masks[kind]

        return eligible

    def _execute(
        self,
        config: SearchConfig,
        query: Query,
        limit: int,
        eligible: Callable[[ItemKind], BoolArray],
        when: TimeContext,
    ) -> list[SearchHit]:
        depth = max(config.candidates, limit)
        if config.fusion is Fusion.SCORE:
            expansion = config.expansion
            walk = None
            if expansion is not None:
                walk = functools.partial(self._expand, expansion, query, depth, eligible)
            fused = fuse_scores(
                self._collections, config, self._scored(query, when), eligible, walk, limit
            )
            return [
                self._hit((ITEM_KINDS.index(kind) << _SLOT_BITS) | slot, score)
                for kind, slot, score in merge_kinds(fused, limit)
            ]
        rankings: list[npt.NDArray[np.int64]] = []
        weights: list[float] = []
        for spec in config.rankers:
            ranked = RANKERS[spec.ranker](
                self._collections[spec.kind], query, depth, eligible(spec.kind)
            )
            rankings.append(_encode(spec.kind, ranked.slots))
            weights.append(spec.weight)
        if config.expansion is not None:
            for kind, ranked in self._expand(config.expansion, query, depth, eligible).items():
                rankings.append(_encode(kind, ranked.slots))
                weights.append(config.expansion.weight)
        keys, scores = reciprocal_rank_fusion(rankings, weights, config.rrf_k)
        if config.time_priors is not None and len(keys):
            # Time priors as a fraction of the best fused score any item could get.
            best = sum(weights) / (config.rrf_k + 1)
            kinds = [ITEM_KINDS[i] for i in (keys >> _SLOT_BITS).tolist()]
            boost = time_boosts(
                self._collections, config.time_priors, when, kinds, keys & _SLOT_MASK
            )
            scores = scores + best * boost
            order = np.lexsort((keys, -scores))
            keys, scores = keys[order], scores[order]
        return [
            self._hit(key, score)
            for key, score in zip(keys[:limit].tolist(), scores[:limit].tolist(), strict=True)
        ]

    def _scored(self, query: Query, when: TimeContext) -> ScoredQuery:
        """The query as score fusion reads it, with the speakers it names."""
        tokens = set(query.tokens)
        speakers = frozenset(
            code for code, names in enumerate(self._speaker_tokens) if tokens & names
        )
        subjects = self._entities.match_names(query.tokens) if when.kinds else []
        return ScoredQuery(
            query.text, query.terms, query.vector, speakers, when, query.expansions, subjects
        )

    def _expand(
        self,
        expansion: ExpansionConfig,
        query: Query,
        depth: int,
        eligible: Callable[[ItemKind], BoolArray],
    ) -> dict[ItemKind, RankedList]:
        """Items reached from the entities the query names (or resembles), per walked kind."""
        seeds = self._entities.seeds(
            query.tokens, query.vector, expansion.entity_top_k, expansion.entity_min_similarity
        )
        sides = {
            kind: self._collections[kind].walk_side(eligible(kind)) for kind in expansion.kinds
        }
        return personalized_pagerank(
            seeds,
            sides,
            entity_rows=self._entities.rows,
            damping=expansion.damping,
            hops=expansion.hops,
            max_frontier=expansion.max_frontier,
            k=depth,
        )

    def _hit(self, key: int, score: float) -> SearchHit:
        kind, slot = _decode(key)
        collection = self._collections[kind]
        record = collection.records[slot]
        assert record is not None, "a tombstone was ranked"
        return SearchHit(
            id=record.id,
            kind=kind,
            score=score,
            text=record.text,
            dataset=self._datasets.values[collection.dataset_codes.view[slot]],
            node_sets=self._node_sets.values[collection.node_set_codes.view[slot]],
            chunk_ids=record.chunk_ids,
            entity_ids=record.entity_ids,
            metadata=record.metadata,
        )
