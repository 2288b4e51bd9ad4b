"""Search latency and index freshness on a 5,000-turn dataset (issue 16).

Builds one dataset of at least 5,000 turn units from a LoCoMo-format file (every session of every
conversation, remembered again under a second name until the dataset is big enough), then
measures, offline, with the default search:

* query latency: every scored question of the file, searched in that dataset (p50 / p95);
* freshness: ``N`` times, one more session is remembered and the first search right after it is
  timed — the index catches up with the write incrementally instead of reloading;
* the baseline of the same run: the first search after reopening the memory, which loads the
  whole index from the store.

Run from the repository root::

    .venv/bin/python benchmarks/index_freshness.py [--data PATH] [--sessions 10] [--markdown PATH]

``--markdown PATH`` also writes the README table to PATH.

Nothing of the data enters the repository.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from cognee_langchain import GraphMemory

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "locomo" / "locomo10-dev.json"
DATASET = "big"
TARGET_UNITS = 5_000


def session_documents(conversation: dict, copy: int) -> list[str]:
    """Each session as the data README's transcript; copy > 0 renames its turn ids, so a copy
    is new content (new units) rather than a duplicate the memory would skip."""
    talk = conversation["conversation"]
    documents, n = [], 1
    while f"session_{n}" in talk:
        lines = [f"Session {n} ({talk[f'session_{n}_date_time']})"]
        for turn in talk[f"session_{n}"]:
            caption = turn.get("blip_caption")
            photo = f" (shares a photo: {caption})" if caption else ""
            turn_id = turn["dia_id"] if copy == 0 else f"C{copy}-{turn['dia_id']}"
            lines.append(f"[{turn_id}] {turn['speaker']}: {turn['text']}{photo}")
        documents.append("\n".join(lines))
        n += 1
    return documents


def _units(memory: GraphMemory) -> int:
    return memory.stats(DATASET).datasets[DATASET].chunks


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--sessions", type=int, default=10, help="sessions added one by one")
    parser.add_argument(
        "--markdown", type=Path, default=None, help="also write the README table to this file"
    )
    args = parser.parse_args()
    if not args.data.is_file():
        raise SystemExit(f"No LoCoMo file at {args.data}: pass --data PATH.")
    conversations = json.loads(args.data.read_text())
    questions = [
        qa["question"]
        for conversation in conversations
        for qa in conversation["qa"]
        if qa.get("category") in (1, 2, 3, 4) and qa.get("evidence")
    ]
    with tempfile.TemporaryDirectory() as tmp:
        memory = GraphMemory(tmp)
        documents = [d for c in conversations for d in session_documents(c, 0)]
        held_back, documents = documents[-args.sessions :], documents[: -args.sessions]
        started = time.perf_counter()
        memory.remember(documents, dataset=DATASET)
        copy = 1
        while (units := _units(memory)) < TARGET_UNITS:
            memory.remember(
                [d for c in conversations for d in session_documents(c, copy)], dataset=DATASET
            )
            copy += 1
        ingest_s = time.perf_counter() - started
        memory.search(questions[0], datasets=[DATASET])  # load the index once

        latencies = []
        for question in questions:
            start = time.perf_counter()
            memory.search(question, datasets=[DATASET])
            latencies.append((time.perf_counter() - start) * 1000)

        fresh = []
        for number, document in enumerate(held_back):
            memory.remember(document, dataset=DATASET)
            start = time.perf_counter()
            memory.search(questions[number], datasets=[DATASET])
            fresh.append((time.perf_counter() - start) * 1000)
        memory.close()

        reopened = GraphMemory(tmp)
        start = time.perf_counter()
        reopened.search(questions[0], datasets=[DATASET])
        cold_ms = (time.perf_counter() - start) * 1000
        reopened.close()

    rows = [
        ("query (every question)", len(latencies), latencies),
        ("first query after one session", len(fresh), fresh),
    ]
    print(f"dataset: {units:,} units, ingested in {ingest_s:.1f} s offline")
    print(f"{'measure':<32} {'n':>4} {'p50 ms':>8} {'p95 ms':>8}")
    for name, n, samples in rows:
        p50, p95 = statistics.median(samples), _percentile(samples, 0.95)
        print(f"{name:<32} {n:>4} {p50:>8.1f} {p95:>8.1f}")
    print(f"{'baseline: first query, reopened':<32} {1:>4} {cold_ms:>8.1f} {cold_ms:>8.1f}")
    fresh_p95 = _percentile(fresh, 0.95)
    print(
        f"index_freshness: {units:,} units  query p95 {_percentile(latencies, 0.95):.1f} ms  "
        f"first query after a session p95 {fresh_p95:.1f} ms  "
        f"vs full load {cold_ms:.0f} ms ({cold_ms / fresh_p95:.0f}x)"
    )
    if args.markdown is not None:
        table = [
            "| measure | n | p50 ms | p95 ms |",
            "|---|---|---|---|",
            *(
                f"| {name} | {n} | {statistics.median(samples):.1f} | "
                f"{_percentile(samples, 0.95):.1f} |"
                for name, n, samples in rows
            ),
            f"| baseline: first query after reopening the memory (loads the whole index) | 1 | "
            f"{cold_ms:,.1f} | |",
        ]
        args.markdown.write_text(
            f"{units:,} turn units in one dataset (ingested offline in {ingest_s:.0f} s); default "
            "search, one run.\n\n"
            + "\n".join(table)
            + f"\n\nThe first query after a write catches the index up incrementally: its "
            f"p95 ({fresh_p95:.1f} ms) is {cold_ms / fresh_p95:.0f}× below the one reopening "
            f"sample ({cold_ms:,.0f} ms).\n"
        )


if __name__ == "__main__":
    main()
