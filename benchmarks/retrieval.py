"""Retrieval benchmark: index build, query latency per search type, memory, multi-hop recall.

Synthetic corpora (no downloads): chunks of ~45 words naming 3 entities linked by 2 relations,
one fact item per relation and one summary (the lead sentence) per chunk. Entity popularity is
Zipf-like, so the entity graph has hubs. Vectors are random-ish unit vectors with structure: an
item's vector is the sum of its entities' and predicates' vectors plus noise, and a query's
vector is built the same way from what it names.

Baseline in the same run: brute-force cosine top-k over the chunk vectors alone: one numpy
matrix product of the query vector with every chunk vector, then the top ``K`` (what a dense-only
store does per query; no text, no facts or summaries, no filters). Both sides get the query vector
ready-made: no embedding is timed.

    .venv/bin/python benchmarks/retrieval.py                      # 10,000 and 100,000 chunks
    .venv/bin/python benchmarks/retrieval.py --sizes 10000 --queries 100
    .venv/bin/python benchmarks/retrieval.py --markdown PATH      # also write the README table
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import os
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from cognee_langchain.retrieval import SEARCH_PRESETS, SearchEngine, SearchEntity, SearchItem

DIM = 256
K = 8
BATCH = 10_000
PREDICATES = [
    "leads",
    "founded",
    "acquired",
    "advises",
    "funds",
    "hired",
    "visited",
    "sued",
    "supplies",
    "owns",
    "manages",
    "mentors",
    "criticised",
    "praised",
    "audited",
    "insured",
    "licensed",
    "trains",
    "sponsors",
    "represents",
]
_SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]

Vectors = npt.NDArray[np.float32]


def _word(number: int, syllables: int) -> str:
    """A pronounceable pseudo-word, unique per (number, syllables)."""
    parts = []
    for _ in range(syllables):
        number, digit = divmod(number, len(_SYLLABLES))
        parts.append(_SYLLABLES[digit])
    return "".join(parts)


def _unit(matrix: npt.NDArray[np.floating[Any]]) -> Vectors:
    return (matrix / np.linalg.norm(matrix, axis=-1, keepdims=True)).astype(np.float32)


@dataclass
class Corpus:
    """What the queries need to know about the generated corpus (texts live only in the engine)."""

    n_chunks: int
    names: list[str]
    entity_vectors: Vectors
    predicate_vectors: Vectors
    relations: npt.NDArray[np.int64]  # (n_chunks, 2, 3): (subject, predicate, object) per relation
    mentions: npt.NDArray[np.int64]  # (n_chunks, 3) entity ids
    by_subject: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    """(subject, predicate) -> chunks stating it."""
    onward: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    """subject -> (predicate, chunk) of every relation it is the subject of."""

    @classmethod
    def generate(cls, n_chunks: int, seed: int = 7) -> Corpus:
        rng = np.random.default_rng(seed)
        n_entities = max(1_000, n_chunks // 4)
        popularity = 1.0 / (np.arange(n_entities) + 20.0)
        mentions = rng.choice(n_entities, size=(n_chunks, 3), p=popularity / popularity.sum())
        mentions[:, 1] = np.where(
            mentions[:, 1] == mentions[:, 0], (mentions[:, 1] + 1) % n_entities, mentions[:, 1]
        )
        clash = (mentions[:, 2] == mentions[:, 0]) | (mentions[:, 2] == mentions[:, 1])
        mentions[clash, 2] = (mentions[clash, 2] + 2) % n_entities
        predicates = rng.integers(0, len(PREDICATES), size=(n_chunks, 2))
        relations = np.stack(
            [
                np.stack([mentions[:, 0], predicates[:, 0], mentions[:, 1]], axis=1),
                np.stack([mentions[:, 1], predicates[:, 1], mentions[:, 2]], axis=1),
            ],
            axis=1,
        )
        corpus = cls(
            n_chunks=n_chunks,
            names=[
                f"{_word(i, 3).title()} {_word(i * 7919 % 997, 2).title()}son"
                for i in range(n_entities)
            ],
            entity_vectors=_unit(rng.standard_normal((n_entities, DIM))),
            predicate_vectors=_unit(rng.standard_normal((len(PREDICATES), DIM))),
            relations=relations,
            mentions=mentions,
        )
        for chunk in range(n_chunks):
            for subject, predicate, _ in relations[chunk].tolist():
                corpus.by_subject.setdefault((subject, predicate), []).append(chunk)
                corpus.onward.setdefault(subject, []).append((predicate, chunk))
        return corpus

    def batches(self, rng: np.random.Generator) -> Iterator[list[SearchItem]]:
        """Chunks, facts and summaries, ``BATCH`` chunks' worth at a time."""
        fillers = [_word(i, 2) for i in range(8_000)]
        zipf = 1.0 / (np.arange(len(fillers)) + 5.0)
        zipf /= zipf.sum()
        for start in range(0, self.n_chunks, BATCH):
            chunks = np.arange(start, min(start + BATCH, self.n_chunks))
            words = rng.choice(len(fillers), size=(len(chunks), 34), p=zipf).tolist()
            relations = self.relations[chunks]
            entities = self.entity_vectors[self.mentions[chunks]].sum(axis=1)
            predicates = self.predicate_vectors[relations[:, :, 1]]
            endpoints = (
                self.entity_vectors[relations[:, :, 0]] + self.entity_vectors[relations[:, :, 2]]
            )

            def noisy(matrix: Vectors) -> Vectors:
                return _unit(matrix + rng.standard_normal(matrix.shape).astype(np.float32) * 0.35)

            chunk_vectors = noisy(entities + predicates.sum(axis=1))
            summary_vectors = noisy(entities + predicates[:, 0])
            fact_vectors = noisy(endpoints + predicates)
            items: list[SearchItem] = []
            for i, chunk in enumerate(chunks.tolist()):
                filler = [fillers[w] for w in words[i]]
                facts = [
                    f"{self.names[s]} {PREDICATES[p]} {self.names[o]}"
                    for s, p, o in relations[i].tolist()
                ]
                lead = f"{facts[0]} {' '.join(filler[:10])}."
                text = f"{lead} {facts[1]} {' '.join(filler[10:22])}. {' '.join(filler[22:])}."
                chunk_id = f"c{chunk}"
                entity_ids = tuple(f"e{e}" for e in self.mentions[chunk].tolist())
                items.append(
                    SearchItem(
                        chunk_id, "chunk", text, chunk_vectors[i], "main", entity_ids=entity_ids
                    )
                )
                items.append(
                    SearchItem(
                        f"s{chunk}",
                        "summary",
                        lead,
                        summary_vectors[i],
                        "main",
                        chunk_ids=(chunk_id,),
                        entity_ids=entity_ids,
                    )
                )
                for r, (s, _, o) in enumerate(relations[i].tolist()):
                    items.append(
                        SearchItem(
                            f"f{chunk}.{r}",
                            "fact",
                            f"{facts[r]}.",
                            fact_vectors[i, r],
                            "main",
                            chunk_ids=(chunk_id,),
                            entity_ids=(f"e{s}", f"e{o}"),
                        )
                    )
            yield items

    def entities(self) -> list[SearchEntity]:
        return [
            SearchEntity(f"e{i}", name, vector=self.entity_vectors[i])
            for i, name in enumerate(self.names)
        ]


@dataclass
class Question:
    text: str
    vector: Vectors
    gold: list[set[str]]
    """Chunks answering each hop (any chunk of a set counts)."""


def single_hop(corpus: Corpus, rng: np.random.Generator, count: int) -> list[Question]:
    """'Whom does <subject> <predicate>?' — answered by one chunk."""
    questions = []
    for chunk in rng.integers(0, corpus.n_chunks, size=count).tolist():
        subject, predicate, _ = corpus.relations[chunk, 0].tolist()
        vector = corpus.entity_vectors[subject] + corpus.predicate_vectors[predicate]
        noise = rng.standard_normal(DIM) * 0.05
        gold = {f"c{c}" for c in corpus.by_subject[(subject, predicate)]}
        text = f"Whom does {corpus.names[subject]} {PREDICATES[predicate]}?"
        questions.append(Question(text, _unit(vector + noise), [gold]))
    return questions


def multi_hop(corpus: Corpus, rng: np.random.Generator, count: int) -> list[Question]:
    """'Whom does the one <subject> <p1> <p2>?' — the bridge entity is never named: the second
    chunk shares no name with the question."""
    questions: list[Question] = []
    while len(questions) < count:
        chunk = int(rng.integers(0, corpus.n_chunks))
        subject, p1, bridge = corpus.relations[chunk, 0].tolist()
        onward = [(p, c) for p, c in corpus.onward.get(bridge, []) if c != chunk and p != p1]
        if not onward:
            continue
        p2, _ = onward[int(rng.integers(0, len(onward)))]
        text = f"Whom does the one {corpus.names[subject]} {PREDICATES[p1]} {PREDICATES[p2]}?"
        vector = (
            corpus.entity_vectors[subject]
            + corpus.predicate_vectors[p1]
            + corpus.predicate_vectors[p2]
        )
        hops = [
            {f"c{c}" for c in corpus.by_subject[(subject, p1)]},
            {f"c{c}" for c in corpus.by_subject[(bridge, p2)]},
        ]
        questions.append(Question(text, _unit(vector + rng.standard_normal(DIM) * 0.05), hops))
    return questions


def _rss_bytes() -> int:
    """Resident memory after handing freed heap pages back to the OS (glibc keeps them otherwise,
    which would charge the engine for the generator's garbage)."""
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def _time_queries(
    run: Callable[[Question], object], questions: list[Question]
) -> tuple[float, float]:
    for question in questions[:10]:
        run(question)
    samples = []
    for question in questions:
        start = time.perf_counter()
        run(question)
        samples.append((time.perf_counter() - start) * 1e3)
    return _percentiles(samples)


def _recall(engine: SearchEngine, search_type: str, questions: list[Question]) -> float:
    per_question = []
    for question in questions:
        hits = engine.search(question.text, question.vector, search_type, k=K)
        covered = {hit.id for hit in hits} | {c for hit in hits for c in hit.chunk_ids}
        per_question.append(statistics.mean(bool(hop & covered) for hop in question.gold))
    return statistics.mean(per_question)


def run(n_chunks: int, n_queries: int) -> dict[str, float]:
    rng = np.random.default_rng(n_chunks)
    corpus = Corpus.generate(n_chunks)
    # The baseline's copy of the chunk vectors, allocated (and touched) before the memory reading.
    chunk_matrix = np.ones((n_chunks, DIM), dtype=np.float32)
    rss_before = _rss_bytes()

    engine = SearchEngine(DIM)
    build_s = 0.0
    for first, batch in zip(range(0, n_chunks, BATCH), corpus.batches(rng), strict=True):
        start = time.perf_counter()
        if not first:
            engine.add_entities(corpus.entities())
        engine.add(batch)
        build_s += time.perf_counter() - start
        chunk_matrix[first : first + BATCH] = np.stack(
            [np.asarray(i.vector) for i in batch if i.kind == "chunk"]
        )
    del batch
    rss_delta = _rss_bytes() - rss_before
    stats = engine.stats()
    items = sum(stats["items"].values())
    vector_bytes = DIM * 4 * (items + stats["entities"])

    # Incremental writes: one "remember" = one chunk with its summary and two facts.
    extra = [item for batch in Corpus.generate(200, seed=99).batches(rng) for item in batch]
    remember_ms = []
    for i in range(0, len(extra), 4):
        fresh = [replace(item, id=f"x{item.id}") for item in extra[i : i + 4]]
        start = time.perf_counter()
        engine.add(fresh)
        remember_ms.append((time.perf_counter() - start) * 1e3)

    questions = single_hop(corpus, rng, n_queries)

    def brute_force(question: Question) -> object:
        scores = chunk_matrix @ question.vector
        top = np.argpartition(-scores, K)[:K]
        return top[np.argsort(-scores[top])]

    row: dict[str, float] = {
        "chunks": n_chunks,
        "items": items,
        "entities": stats["entities"],
        "build_s": build_s,
        "remember_p50_ms": statistics.median(remember_ms),
        "rss_mb": rss_delta / 2**20,
        "bytes_per_chunk": rss_delta / n_chunks,
        "vector_bytes_per_chunk": vector_bytes / n_chunks,
        "other_bytes_per_item": (rss_delta - vector_bytes) / items,
    }
    row["baseline_p50"], row["baseline_p95"] = _time_queries(brute_force, questions)
    for search_type in SEARCH_PRESETS:

        def query(question: Question, search_type: str = search_type) -> object:
            return engine.search(question.text, question.vector, search_type, k=K)

        row[f"{search_type}_p50"], row[f"{search_type}_p95"] = _time_queries(query, questions)
    hops = multi_hop(corpus, rng, 100)
    for search_type in ("chunks", "graph"):
        row[f"1hop_{search_type}"] = _recall(engine, search_type, questions)
        row[f"2hop_{search_type}"] = _recall(engine, search_type, hops)
    return row


def _table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]
    for row in (header, *rows):
        print("  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))
    print()


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    """The rows :func:`_table` prints, as a Markdown table (for the README's blocks)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


BASELINE_LABEL = "baseline: brute-force cosine over chunk vectors (one matrix product + top-8)"


def markdown(rows: list[dict[str, float]], n_queries: int) -> str:
    """The README's table: latency per search type against the baseline, recall, memory."""
    lines = [
        "| chunks | search | p50 ms | p95 ms | p50 ÷ baseline | 1-hop R@8 | 2-hop R@8 "
        "| memory per chunk |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        memory = (
            f"{r['bytes_per_chunk']:,.0f} B (RSS growth), of which "
            f"{r['vector_bytes_per_chunk']:,.0f} B of vectors"
        )
        for name in ("graph", "chunks"):
            lines.append(
                f"| {r['chunks']:,.0f} | `{name}` | {r[name + '_p50']:.1f} | "
                f"{r[name + '_p95']:.1f} | {r[name + '_p50'] / r['baseline_p50']:.1f}× | "
                f"{r['1hop_' + name]:.2f} | {r['2hop_' + name]:.2f} | {memory} |"
            )
        lines.append(
            f"| {r['chunks']:,.0f} | {BASELINE_LABEL} | {r['baseline_p50']:.1f} | "
            f"{r['baseline_p95']:.1f} | 1.0× | | | |"
        )
    return (
        "\n".join(lines)
        + f"\n\nLatency: {n_queries} single-hop queries per size after 10 untimed, one run, the "
        "search engine alone (query vector given, nothing embedded); R@8: share of hops whose "
        "answer chunk is among the 8 results (100 two-hop questions).\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--markdown", type=Path, default=None, help="also write the README table to this file"
    )
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    rows = [run(size, args.queries) for size in args.sizes]
    # The machine may be shared: latencies are only comparable with the baseline of the same run.
    print(f"\n1-min load average: {load_before:.2f} at start, {os.getloadavg()[0]:.2f} at end\n")
    _table(
        [
            "chunks",
            "items",
            "entities",
            "build s",
            "items/s",
            "remember ms",
            "RSS MB",
            "B/chunk",
            "vector B/chunk",
            "other B/item",
        ],
        [
            [
                f"{r['chunks']:,.0f}",
                f"{r['items']:,.0f}",
                f"{r['entities']:,.0f}",
                f"{r['build_s']:.1f}",
                f"{r['items'] / r['build_s']:,.0f}",
                f"{r['remember_p50_ms']:.2f}",
                f"{r['rss_mb']:,.0f}",
                f"{r['bytes_per_chunk']:,.0f}",
                f"{r['vector_bytes_per_chunk']:,.0f}",
                f"{r['other_bytes_per_item']:,.0f}",
            ]
            for r in rows
        ],
    )
    types = ["baseline", *SEARCH_PRESETS]
    _table(
        ["chunks", *(f"{t} p50/p95 ms" for t in types)],
        [
            [f"{r['chunks']:,.0f}", *(f"{r[t + '_p50']:.2f} / {r[t + '_p95']:.2f}" for t in types)]
            for r in rows
        ],
    )
    _table(
        ["chunks", "1-hop R@8 chunks", "graph", "2-hop R@8 chunks", "graph"],
        [
            [
                f"{r['chunks']:,.0f}",
                f"{r['1hop_chunks']:.3f}",
                f"{r['1hop_graph']:.3f}",
                f"{r['2hop_chunks']:.3f}",
                f"{r['2hop_graph']:.3f}",
            ]
            for r in rows
        ],
    )
    big = rows[-1]
    print(
        f"SUMMARY {big['chunks']:,.0f} chunks: graph p50 {big['graph_p50']:.1f} ms, "
        f"p95 {big['graph_p95']:.1f} ms (target 20 / 50; brute-force cosine p50 "
        f"{big['baseline_p50']:.1f} ms); {big['bytes_per_chunk']:,.0f} B/chunk incl. "
        f"{big['vector_bytes_per_chunk']:,.0f} B of vectors; 2-hop R@{K} graph "
        f"{big['2hop_graph']:.2f} vs chunks {big['2hop_chunks']:.2f}"
    )
    if args.markdown is not None:
        args.markdown.write_text(markdown(rows, args.queries))


if __name__ == "__main__":
    main()
