"""Cold-start benchmark: opening a memory and answering its first query; memory once searchable.

Synthetic memories (no downloads), written once straight into a graph store as the write
operations ``remember`` commits and cached under ``--cache``: per chunk one document, one chunk
of ~45 words with a summary (its lead sentence), three entities (Zipf-popular, so the graph has
hubs) and two relations; every text carries a vector built from what it names, like
``benchmarks/retrieval.py``'s corpus. Each measurement runs in a FRESH interpreter: open the store,
build or load the retrieval index, answer one query (its vector given: no model is loaded).

Baseline in the same run: the same open with the index snapshot removed (a full load from the
store, which is what every open cost before snapshots). Memory: bytes traced by ``tracemalloc``
and resident-set growth after the first search, per chunk.

    .venv/bin/python benchmarks/cold_start.py                          # 10,000 and 100,000 chunks
    .venv/bin/python benchmarks/cold_start.py --sizes 10000 --runs 3
    .venv/bin/python benchmarks/cold_start.py --graph-store postgresql://postgres@127.0.0.1/test
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from cognee_langchain.graph.base import (
    EntityMention,
    PutChunk,
    PutDocument,
    PutEntity,
    PutRelation,
    RelationMention,
    RequirePermission,
)
from cognee_langchain.graph.models import SourceDocument
from cognee_langchain.permissions import Permission
from cognee_langchain.services.runtime import open_graph_store
from cognee_langchain.users import get_default_user_sync

# The corpus words and the table printer are retrieval.py's (benchmarks are scripts, not a package).
sys.path.insert(0, str(Path(__file__).resolve().parent))
from retrieval import _table, _unit, _word, markdown_table

REPO = Path(__file__).resolve().parent.parent
DIM = 256
DATASET = "main_dataset"
BATCH = 2_000
PREDICATES = ["leads", "founded", "acquired", "advises", "funds", "hired", "visited", "owns"]
QUERY = "Whom does Badaba Kason lead?"


def _hex(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def _batches(n_chunks: int, seed: int = 7) -> list[list[object]]:
    """Write batches of ``BATCH`` chunks' worth of operations each."""
    rng = np.random.default_rng(seed)
    n_entities = max(1_000, n_chunks // 4)
    names = [
        f"{_word(i, 3).title()} {_word(i * 7919 % 997, 2).title()}son" for i in range(n_entities)
    ]
    entity_vectors = _unit(rng.standard_normal((n_entities, DIM)))
    predicate_vectors = _unit(rng.standard_normal((len(PREDICATES), DIM)))
    popularity = 1.0 / (np.arange(n_entities) + 20.0)
    mentions = rng.choice(n_entities, size=(n_chunks, 3), p=popularity / popularity.sum())
    mentions[:, 1] = (mentions[:, 0] + 1 + mentions[:, 1] % (n_entities - 1)) % n_entities
    mentions[:, 2] = np.where(
        np.isin(mentions[:, 2], mentions[:, :2]), (mentions[:, 1] + 1) % n_entities, mentions[:, 2]
    )
    predicates = rng.integers(0, len(PREDICATES), size=(n_chunks, 2))
    fillers = [_word(i, 2) for i in range(8_000)]
    zipf = 1.0 / (np.arange(len(fillers)) + 5.0)
    words = rng.choice(len(fillers), size=(n_chunks, 34), p=zipf / zipf.sum())
    user = get_default_user_sync().id
    batches: list[list[object]] = []
    created: set[int] = set()
    for start in range(0, n_chunks, BATCH):
        ops: list[object] = [RequirePermission(DATASET, user, Permission.WRITE, create=True)]
        for chunk in range(start, min(start + BATCH, n_chunks)):
            a, b, c = mentions[chunk].tolist()
            p, q = predicates[chunk].tolist()
            facts = [(a, p, b), (b, q, c)]
            sentences = [f"{names[s]} {PREDICATES[r]} {names[o]}" for s, r, o in facts]
            filler = [fillers[w] for w in words[chunk].tolist()]
            lead = f"{sentences[0]} {' '.join(filler[:10])}."
            text = f"{lead} {sentences[1]} {' '.join(filler[10:22])}. {' '.join(filler[22:])}."
            named = entity_vectors[[a, b, c]].sum(axis=0)
            noise = rng.standard_normal((4, DIM)) * 0.35
            chunk_id, document_id = _hex("chunk", chunk), _hex("document", chunk)
            ops.append(
                PutChunk(
                    chunk_id,
                    DATASET,
                    text,
                    lead,
                    _unit(named + predicate_vectors[[p, q]].sum(axis=0) + noise[0]),
                    _unit(named + predicate_vectors[p] + noise[1]),
                )
            )
            for entity in (a, b, c):
                ops.append(
                    PutEntity(
                        _hex("entity", entity),
                        DATASET,
                        names[entity],
                        "Person",
                        None if entity in created else entity_vectors[entity],
                        (names[entity].casefold(),),
                        tuple(names[entity].casefold().split()),
                        (EntityMention(chunk_id, names[entity]),),
                    )
                )
                created.add(entity)
            for r, (s, predicate, o) in enumerate(facts):
                vector = entity_vectors[s] + entity_vectors[o] + predicate_vectors[predicate]
                ops.append(
                    PutRelation(
                        _hex("relation", s, predicate, o),
                        DATASET,
                        _hex("entity", s),
                        _hex("entity", o),
                        PREDICATES[predicate],
                        _unit(vector + noise[2 + r]),
                        (RelationMention(chunk_id),),
                    )
                )
            ops.append(
                PutDocument(
                    SourceDocument(
                        id=document_id,
                        dataset=DATASET,
                        created_at=1.7e9 + chunk,
                        user_id=user,
                        chunk_ids=(chunk_id,),
                        length=len(text),
                    )
                )
            )
        # Grouped by kind (chunks, entities, relations, documents: each after what it cites),
        # as remember orders its ops: a store writes each run of one kind in bulk.
        order = (RequirePermission, PutChunk, PutEntity, PutRelation, PutDocument)
        batches.append(sorted(ops, key=lambda op: order.index(type(op))))
    return batches


def build(location: str, n_chunks: int) -> None:
    """Write a memory of ``n_chunks`` chunks into the (empty) store at ``location``."""

    async def write() -> None:
        store = open_graph_store(location)
        try:
            for ops in _batches(n_chunks):
                await store.aapply(ops)  # type: ignore[arg-type]
        finally:
            await store.aclose()

    asyncio.run(write())


# Runs in a fresh interpreter: open the store, then the first search (the index is loaded from
# its snapshot when there is one, else from the store). Memory is what the index holds after
# that search, over what the interpreter held with the modules imported and the store open.
_PROBE = """
import asyncio, ctypes, gc, json, sys, time, tracemalloc
import numpy as np

def rss():  # resident set after handing freed heap pages back (glibc keeps them otherwise)
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmRSS:"))

start = time.perf_counter()
from cognee_langchain.retrieval.graph_index import GraphIndex
from cognee_langchain.services.runtime import open_graph_store
location, snapshot_dir, query, trace = sys.argv[1:5]
vector = np.random.default_rng(0).standard_normal(256).astype(np.float32)

async def main():
    store = open_graph_store(location)
    await store.acurrent_revision()
    if trace == "1":
        tracemalloc.start()
    before, before_rss = tracemalloc.get_traced_memory()[0], rss()
    opened = time.perf_counter()
    index = GraphIndex(snapshot_dir=snapshot_dir or None)
    hits = await index.asearch(store, query, vector)
    answered = time.perf_counter()
    for search_type in ("chunks", "facts", "summaries"):  # every part of the index in use
        await index.asearch(store, query, vector, search_type)
    gc.collect()
    traced = tracemalloc.get_traced_memory()[0] - before
    grown = rss() - before_rss
    stats = index.engine.stats()
    await store.aclose()
    print(json.dumps({
        "wall": answered - start, "index": answered - opened, "hits": len(hits),
        "traced": traced, "rss": grown, "items": sum(stats["items"].values()),
        "entities": stats["entities"], "dim": index.engine.dim,
    }))

asyncio.run(main())
"""


def _probe(location: str, snapshot_dir: Path | None, trace: bool) -> dict[str, float]:
    """One fresh interpreter's open and first search (``snapshot_dir`` None: no snapshot is
    read or written, the index is loaded from the store as before snapshots existed)."""
    directory = "" if snapshot_dir is None else str(snapshot_dir)
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, location, directory, QUERY, "1" if trace else "0"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def _location(template: str, cache: Path, n_chunks: int) -> tuple[str, Path]:
    """The store of the ``n_chunks`` memory and its snapshot directory: ``template`` is a SQLite
    path pattern with ``{n}`` (default: a file in ``cache``) or a PostgreSQL URL (then one
    schema or database per size is the caller's business: pass ``{n}`` in it)."""
    directory = cache / f"cold-start-{n_chunks}"
    location = template.format(n=n_chunks) if template else str(directory / "graph.sqlite")
    return location, directory


def measure(
    template: str, cache: Path, n_chunks: int, runs: int, baseline_runs: int
) -> dict[str, float]:
    location, directory = _location(template, cache, n_chunks)
    marker = directory / "built"
    if not marker.exists():
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True)
        started = time.perf_counter()
        build(location, n_chunks)
        marker.write_text(f"{time.perf_counter() - started:.1f}")
        print(f"built {n_chunks:,} chunks in {marker.read_text()} s -> {location}")
    snapshots = directory / "snapshots"
    cold, saving, warm = [], [], []
    for run in range(runs):
        if run < baseline_runs:  # the baseline is 30x slower: fewer runs of it
            cold.append(_probe(location, None, trace=False))
            shutil.rmtree(snapshots, ignore_errors=True)
            saving.append(_probe(location, snapshots, trace=False))  # loads, then saves one
        warm.append(_probe(location, snapshots, trace=False))
    cold_memory = _probe(location, None, trace=True)
    warm_memory = _probe(location, snapshots, trace=True)
    snapshot_bytes = sum(p.stat().st_size for p in snapshots.glob("*.snapshot"))
    return {
        "chunks": n_chunks,
        "items": warm_memory["items"],
        "cold_s": statistics.median(r["wall"] for r in cold),
        "cold_index_s": statistics.median(r["index"] for r in cold),
        "saving_s": statistics.median(r["wall"] for r in saving),
        "warm_s": statistics.median(r["wall"] for r in warm),
        "warm_index_s": statistics.median(r["index"] for r in warm),
        "cold_traced": cold_memory["traced"] / n_chunks,
        "cold_rss": cold_memory["rss"] / n_chunks,
        "warm_traced": warm_memory["traced"] / n_chunks,
        "warm_rss": warm_memory["rss"] / n_chunks,
        "vectors": 4
        * warm_memory["dim"]
        * (warm_memory["items"] + warm_memory["entities"])
        / n_chunks,
        "snapshot_mb": snapshot_bytes / 2**20,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3, help="opens with the snapshot per size")
    parser.add_argument(
        "--baseline-runs", type=int, default=1, help="opens without a snapshot per size"
    )
    parser.add_argument(
        "--markdown", type=Path, default=None, help="also write the README tables to this file"
    )
    parser.add_argument("--cache", type=Path, default=Path("/tmp"), help="where memories live")
    parser.add_argument(
        "--graph-store",
        default="",
        help="store location per size: a SQLite path or postgresql:// URL, '{n}' = chunks "
        "(default: CACHE/cold-start-N/graph.sqlite)",
    )
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    rows = [
        measure(args.graph_store, args.cache, n, args.runs, min(args.baseline_runs, args.runs))
        for n in args.sizes
    ]
    print(f"\n1-min load average: {load_before:.2f} at start, {os.getloadavg()[0]:.2f} at end\n")
    tables = [
        (
            [
                "chunks",
                "items",
                "open + 1st query, snapshot (s)",
                "of which index",
                "baseline: no snapshot (s)",
                "of which index",
                "first open, saving the snapshot (s)",
                "snapshot MB",
            ],
            [
                [
                    f"{r['chunks']:,.0f}",
                    f"{r['items']:,.0f}",
                    f"**{r['warm_s']:.2f}**",
                    f"{r['warm_index_s']:.2f}",
                    f"{r['cold_s']:.2f}",
                    f"{r['cold_index_s']:.2f}",
                    f"{r['saving_s']:.2f}",
                    f"{r['snapshot_mb']:,.0f}",
                ]
                for r in rows
            ],
        ),
        (
            [
                "chunks",
                "B/chunk RSS growth, snapshot",
                "traced",
                "baseline RSS growth",
                "traced",
                "of which vectors",
            ],
            [
                [
                    f"{r['chunks']:,.0f}",
                    f"**{r['warm_rss']:,.0f}**",
                    f"{r['warm_traced']:,.0f}",
                    f"{r['cold_rss']:,.0f}",
                    f"{r['cold_traced']:,.0f}",
                    f"{r['vectors']:,.0f}",
                ]
                for r in rows
            ],
        ),
    ]
    for header, cells in tables:
        _table(header, cells)
    if args.markdown is not None:
        args.markdown.write_text(
            "\n".join(markdown_table(header, cells) for header, cells in tables)
            + f"\nTimes: a fresh interpreter per open (Python start, imports and the store's "
            f"open included), median of {args.runs} with the snapshot and "
            f"{min(args.baseline_runs, args.runs)} without; memory after one search of each "
            "type (graph, chunks, facts, summaries), over the process before the index: the "
            "snapshot's arrays are mapped from its file, so they count in RSS, not in the "
            "traced Python heap.\n"
        )
    big = rows[-1]
    print(
        f"SUMMARY {big['chunks']:,.0f} chunks: open + first query {big['warm_s']:.2f} s with the "
        f"snapshot vs {big['cold_s']:.2f} s without (target <= 5 s); "
        f"{big['warm_rss']:,.0f} B/chunk RSS, {big['warm_traced']:,.0f} B traced (mapped "
        f"snapshot pages are RSS, not traced), vectors {big['vectors']:,.0f} B/chunk "
        "(target <= 8,192 B incl. vectors)"
    )


if __name__ == "__main__":
    main()
