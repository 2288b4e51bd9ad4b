"""Benchmark ``GraphMemory.remember``: offline throughput, memory per chunk, import time.

Run from the repository root::

    .venv/bin/python benchmarks/remember.py            # ~1 MB of text, median of 3 runs
    .venv/bin/python benchmarks/remember.py --mb 0.2 --runs 1

Targets (SPEC §9): offline remember >= 200 chunks/s on 2 cores; memory <= 2 KB per chunk plus its
embedding vector; ``import cognee_langchain`` <= 1 s with no model loaded.

Everything runs offline on the embedded defaults (SQLite graph store, ``OfflineGraphExtractor``,
``WordLlamaEmbeddings``) in temporary directories. The baseline row is the pipeline's components
run back to back on the same chunks (chunking, extraction, embedding the chunk texts), so the
table shows what resolution, fact/summary embedding and the transactional write add on top.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

FIRST = ["Alice", "Bob", "Carol", "David", "Emma", "Farid", "Grace", "Hiro", "Ines", "Jonas"]
LAST = ["Johnson", "Smith", "Diaz", "Nguyen", "Müller", "Okafor", "Rossi", "Tanaka", "Haddad"]
ORGS = ["Acme Corp", "Zeta Labs", "Globex", "Initech", "Umbrella Systems", "Hooli", "Soylent Corp"]
PLACES = ["Denver", "Paris", "Berlin", "Tokyo", "Lagos", "Toronto", "Mumbai", "Lisbon", "Seoul"]
TEMPLATES = [
    "{p} leads {o}.",
    "{p} joined {o} in {y}.",
    "{o} opened an office in {c} in {y}.",
    "{p} moved to {c} after working at {o}.",
    "{o} acquired {o2} for an undisclosed sum.",
    "{p} works with {q} on the {c} project.",
    "{q} founded {o} in {c}.",
    "In {y}, {o} started building rockets near {c}.",
    "{p} met {q} at a conference in {c}.",
    "{o} hired {p} as chief engineer.",
]


def generate_text(n_chars: int, seed: int = 7) -> str:
    """Deterministic prose about people, organisations and places, in paragraphs."""
    rnd = random.Random(seed)

    def person() -> str:
        return f"{rnd.choice(FIRST)} {rnd.choice(LAST)}"

    paragraphs: list[str] = []
    size = 0
    while size < n_chars:
        sentences = [
            rnd.choice(TEMPLATES).format(
                p=person(),
                q=person(),
                o=rnd.choice(ORGS),
                o2=rnd.choice(ORGS),
                c=rnd.choice(PLACES),
                y=rnd.randint(1990, 2024),
            )
            for _ in range(rnd.randint(3, 7))
        ]
        paragraphs.append(" ".join(sentences))
        size += len(paragraphs[-1]) + 2
    return "\n\n".join(paragraphs)


def bench_components(text: str) -> dict[str, float]:
    """Seconds for each component alone on the same input (the baseline)."""
    from cognee_langchain.embeddings import WordLlamaEmbeddings
    from cognee_langchain.extraction.chunking import TextChunker
    from cognee_langchain.extraction.offline import OfflineGraphExtractor

    embeddings = WordLlamaEmbeddings()
    embeddings.embed_array(["warm up: load the model"])
    start = time.perf_counter()
    chunks = TextChunker().split(text)
    chunked = time.perf_counter()
    OfflineGraphExtractor().extract(chunks)
    extracted = time.perf_counter()
    embeddings.embed_array(chunks)
    embedded = time.perf_counter()
    return {
        "chunks": len(chunks),
        "chunk": chunked - start,
        "extract": extracted - chunked,
        "embed": embedded - extracted,
    }


def bench_remember(text: str, data_dir: Path) -> tuple[float, object]:
    """Seconds for one offline remember of ``text`` into a fresh store (model already loaded)."""
    from cognee_langchain.memory import GraphMemory

    memory = GraphMemory(data_dir)
    memory.embeddings.embed_documents(["warm up: load the model"])
    start = time.perf_counter()
    result = memory.remember(text)
    elapsed = time.perf_counter() - start
    memory.close()
    return elapsed, result


# Runs in a fresh interpreter: memory held by an opened store once its graph is loaded.
_MEMORY_PROBE = """
import sys, tracemalloc
from cognee_langchain.graph.sqlite import SQLiteGraphStore
tracemalloc.start()
store = SQLiteGraphStore(sys.argv[1])
store.neighbors([])  # loads the in-memory graph
current, _ = tracemalloc.get_traced_memory()
print(current, store.stats().chunks)
"""

_IMPORT_PROBE = """
import sys, time
start = time.perf_counter()
import cognee_langchain
elapsed = time.perf_counter() - start
loaded = [m for m in ("wordllama", "networkx", "numpy", "langchain_openai") if m in sys.modules]
print(elapsed, ",".join(loaded) or "-")
"""


def bench_memory(graph_file: Path) -> tuple[float, int]:
    """Bytes of Python memory per chunk held by a reopened store, and the chunk count."""
    out = subprocess.run(
        [sys.executable, "-c", _MEMORY_PROBE, str(graph_file)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    held, chunks = int(out[0]), int(out[1])
    return held / chunks, chunks


def bench_import(runs: int) -> tuple[float, str]:
    """Median seconds of ``import cognee_langchain`` in fresh interpreters, and heavy modules."""
    times, loaded = [], ""
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", _IMPORT_PROBE], cwd=REPO, capture_output=True, text=True
        ).stdout.split()
        times.append(float(out[0]))
        loaded = out[1]
    return statistics.median(times), loaded


# -- LLM extraction benchmark ---------------------------------------------------------------------
def bench_llm(text: str, data_dir: Path, latency: float, concurrency: int) -> dict[str, float]:
    """Remember ``text`` through ``LLMGraphExtractor`` against the scripted server in a child
    process (its CPU work then does not count here, as with a real provider)."""
    sys.path.insert(0, str(REPO))
    from cognee_langchain.extraction.llm import LLMGraphExtractor
    from cognee_langchain.memory import GraphMemory
    from tests.support.llm_server import SubprocessLLMServer

    with SubprocessLLMServer(latency=latency) as server:
        extractor = LLMGraphExtractor(server.chat_model(timeout=30), max_concurrency=concurrency)
        memory = GraphMemory(data_dir, extractor=extractor)
        memory.embeddings.embed_documents(["warm up: load the model"])
        start = time.perf_counter()
        result = memory.remember(text)
        elapsed = time.perf_counter() - start
        calls = server.stats()["chat_requests"]
        again = time.perf_counter()
        memory.remember(text)  # identical text: no chunk is extracted again
        repeat = time.perf_counter() - again
        repeat_calls = server.stats()["chat_requests"] - calls
        memory.close()
    ideal = calls / concurrency * latency
    return {
        "chunks": result.chunks_added,
        "calls": calls,
        "elapsed": elapsed,
        "ideal": ideal,
        "repeat": repeat,
        "repeat_calls": repeat_calls,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=1.0, help="megabytes of text (default 1)")
    parser.add_argument("--runs", type=int, default=3, help="remember runs; median reported")
    parser.add_argument("--llm-mb", type=float, default=0.2, help="megabytes for the LLM run")
    parser.add_argument("--latency", type=float, default=0.3, help="scripted LLM latency, s")
    parser.add_argument("--concurrency", type=int, default=8, help="LLM calls in flight")
    args = parser.parse_args()

    text = generate_text(int(args.mb * 1_000_000))
    components = bench_components(text)
    chunks = int(components["chunks"])
    baseline = components["chunk"] + components["extract"] + components["embed"]

    timings = []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):
            elapsed, result = bench_remember(text, Path(tmp) / f"run{run}")
            timings.append(elapsed)
        per_chunk, stored = bench_memory(Path(tmp) / "run0" / "graph.sqlite")
    remember = statistics.median(timings)
    import_time, heavy = bench_import(5)
    with tempfile.TemporaryDirectory() as tmp:
        llm = bench_llm(
            generate_text(int(args.llm_mb * 1_000_000), seed=11),
            Path(tmp),
            args.latency,
            args.concurrency,
        )
    llm_ratio = llm["elapsed"] / llm["ideal"]

    print(f"Offline remember of {len(text) / 1e6:.2f} MB: {chunks} chunks, {result}\n")
    print("| measure | value | target |")
    print("|---|---|---|")
    print(
        f"| offline remember, median of {args.runs} | {remember:.2f} s = "
        f"**{chunks / remember:.0f} chunks/s** | >= 200 chunks/s |"
    )
    print(
        f"| baseline: chunk + extract + embed chunks, back to back | {baseline:.2f} s = "
        f"{chunks / baseline:.0f} chunks/s (extract {components['extract']:.2f} s, embed "
        f"{components['embed']:.2f} s) | - |"
    )
    print(
        f"| memory held by a reopened store ({stored} chunks) | **{per_chunk:.0f} B per chunk** "
        "+ vectors on disk | <= 2048 B + vector |"
    )
    print(
        f"| `import cognee_langchain`, median of 5 | **{import_time * 1000:.0f} ms**, heavy "
        f"modules loaded: {heavy} | <= 1 s, none |"
    )
    print(
        f"| LLM remember, {llm['chunks']:.0f} chunks at {args.latency * 1000:.0f} ms, "
        f"concurrency {args.concurrency} | {llm['elapsed']:.2f} s vs ideal {llm['ideal']:.2f} s "
        f"= **{llm_ratio:.2f}x** | <= 1.2x |"
    )
    print(
        f"| chat-model calls per chunk | **{llm['calls'] / llm['chunks']:.2f}** "
        f"({llm['calls']:.0f} calls) | exactly 1 (cognee: 2 + a connection test) |"
    )
    print(
        f"| re-remember of the same text | {llm['repeat']:.2f} s, "
        f"{llm['repeat_calls']:.0f} chat calls | 0 calls |"
    )
    print(
        f"SUMMARY offline {chunks / remember:.0f} chunks/s (>=200) | {per_chunk:.0f} B/chunk "
        f"(<=2048) | import {import_time * 1000:.0f} ms (<=1000) | LLM {llm_ratio:.2f}x ideal "
        f"(<=1.2), {llm['calls'] / llm['chunks']:.2f} calls/chunk (1)"
    )


if __name__ == "__main__":
    main()
