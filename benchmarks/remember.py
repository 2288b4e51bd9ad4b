"""Benchmark ``GraphMemory.remember``: offline throughput, memory per chunk, import time.

Run from the repository root::

    .venv/bin/python benchmarks/remember.py            # ~1 MB of text, median of 3 runs
    .venv/bin/python benchmarks/remember.py --mb 0.2 --runs 1
    .venv/bin/python benchmarks/remember.py --markdown PATH   # also write the README table

Memory is measured as a user holds it: a reopened memory after its first search, which loads the
search index. Chat-model calls (``remember`` per chunk, ``recall`` per question) are counted by the
scripted OpenAI-compatible server (``tests/support/llm_server.py``) the LLM path talks to.

Targets (SPEC §9): offline remember >= 200 chunks/s on 2 cores; memory <= 2 KB per chunk plus its
embedding vector; ``import cognee_langchain`` <= 1 s with no model loaded.

Everything runs offline on the embedded defaults (SQLite graph store, ``OfflineGraphExtractor``,
``WordLlamaEmbeddings``) in temporary directories. The baseline row is the pipeline's components
run back to back on the same chunks (chunking, extraction, embedding the chunk texts), so the
table shows what resolution, fact/summary embedding and the transactional write add on top.
"""

from __future__ import annotations

import argparse
import json
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


# Runs in a fresh interpreter: memory held by an opened memory in the state a user has it, i.e.
# after a first search has loaded the search index (vectors included). The embedding model and
# the fixed costs of a first remember and search are paid first and reported apart: they do not
# grow with the chunks.
_MEMORY_PROBE = """
import ctypes, gc, json, sys, tempfile, tracemalloc

def rss():  # resident set after handing freed heap pages back (glibc keeps them otherwise)
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmRSS:"))

def traced():
    gc.collect()
    return tracemalloc.get_traced_memory()[0]

tracemalloc.start()
from cognee_langchain import GraphMemory
from cognee_langchain.embeddings import WordLlamaEmbeddings
embeddings = WordLlamaEmbeddings()
embeddings.embed_query("load the model")
model = traced()
# Fixed costs (modules imported and caches built by a first remember and search) are paid on a
# one-line memory first, so that what follows is what the chunks cost.
warm = GraphMemory(tempfile.mkdtemp(), embeddings=embeddings)
warm.remember("Alice Okafor leads Acme Corp in Denver.")
warm.search("Who leads Acme Corp?")
fixed, fixed_rss = traced(), rss()
memory = GraphMemory(sys.argv[1], embeddings=embeddings)
chunks = memory.graph_store.stats().chunks
memory.graph_store.neighbors([])  # loads the in-memory graph
opened = traced()
memory.search("Who leads Acme Corp?")  # the first search loads the search index
searched, searched_rss = traced(), rss()
engine = memory.graph_index.engine
stats = engine.stats()
vectors = engine.dim * 4 * (sum(stats["items"].values()) + stats["entities"])
print(json.dumps({
    "chunks": chunks, "model": model, "fixed": fixed - model, "opened": opened - fixed,
    "searched": searched - fixed, "rss": searched_rss - fixed_rss, "vectors": vectors,
}))
"""

_IMPORT_PROBE = """
import sys, time
start = time.perf_counter()
import cognee_langchain
elapsed = time.perf_counter() - start
loaded = [m for m in ("wordllama", "networkx", "numpy", "langchain_openai") if m in sys.modules]
print(elapsed, ",".join(loaded) or "-")
"""


def bench_memory(data_dir: Path) -> dict[str, float]:
    """Memory held by a reopened memory after its first search (see ``_MEMORY_PROBE``): bytes
    traced by ``tracemalloc`` and resident-set growth, per chunk, and the model's bytes apart."""
    out = subprocess.run(
        [sys.executable, "-c", _MEMORY_PROBE, str(data_dir)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    probe = json.loads(out.strip().splitlines()[-1])
    chunks = probe["chunks"]
    return {
        "chunks": chunks,
        "model_mb": probe["model"] / 2**20,
        "fixed_mb": probe["fixed"] / 2**20,
        "opened": probe["opened"] / chunks,
        "searched": probe["searched"] / chunks,
        "rss": probe["rss"] / chunks,
        "vectors": probe["vectors"] / chunks,
    }


def bench_import(runs: int) -> tuple[float, list[float], str]:
    """Seconds of ``import cognee_langchain`` in fresh interpreters (median, each run), and the
    heavy modules it loaded."""
    times, loaded = [], ""
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", _IMPORT_PROBE], cwd=REPO, capture_output=True, text=True
        ).stdout.split()
        times.append(float(out[0]))
        loaded = out[1]
    return statistics.median(times), times, loaded


# -- LLM extraction benchmark ---------------------------------------------------------------------
# Questions asked through ``recall`` after the LLM remember: answerable ones about the generated
# text, then follow-ups that need the session's earlier turns.
RECALL_QUESTIONS = [
    *(f"Who leads {org}?" for org in ORGS),
    *(f"Who moved to {place}?" for place in PLACES[:4]),
    "When did that happen?",
    "Where did they work before?",
    "Who else works there?",
]


def bench_llm(text: str, data_dir: Path, latency: float, concurrency: int) -> dict[str, float]:
    """Remember ``text`` through ``LLMGraphExtractor`` against the scripted server in a child
    process (its CPU work then does not count here, as with a real provider); then re-remember it,
    and ask ``RECALL_QUESTIONS`` through ``recall`` with the same chat model, in one session."""
    sys.path.insert(0, str(REPO))
    from cognee_langchain.extraction.llm import LLMGraphExtractor
    from cognee_langchain.memory import GraphMemory
    from tests.support.llm_server import SubprocessLLMServer

    with SubprocessLLMServer(latency=latency) as server:
        chat_model = server.chat_model(timeout=30)
        extractor = LLMGraphExtractor(chat_model, max_concurrency=concurrency)
        memory = GraphMemory(data_dir, llm=chat_model, extractor=extractor)
        memory.embeddings.embed_documents(["warm up: load the model"])
        start = time.perf_counter()
        result = memory.remember(text)
        elapsed = time.perf_counter() - start
        calls = server.stats()["chat_requests"]
        again = time.perf_counter()
        memory.remember(text)  # identical text: no chunk is extracted again
        repeat = time.perf_counter() - again
        repeat_calls = server.stats()["chat_requests"] - calls
        before_recall = server.stats()["chat_requests"]
        answered = 0
        for question in RECALL_QUESTIONS:
            answered += bool(memory.recall(question, session_id="bench-recall").answer)
        recall_calls = server.stats()["chat_requests"] - before_recall
        memory.close()
    ideal = calls / concurrency * latency
    return {
        "chunks": result.chunks_added,
        "calls": calls,
        "elapsed": elapsed,
        "ideal": ideal,
        "repeat": repeat,
        "repeat_calls": repeat_calls,
        "recalls": len(RECALL_QUESTIONS),
        "answered": answered,
        "recall_calls": recall_calls,
    }


# Figures from other systems: quoted with their source, printed as a reference, never measured.
COGNEE_REFERENCE = (
    "Reference, not measured here: according to `../shared/SPEC.md` §9 (the project's spec, which "
    "gives no date or method), cognee 1.6.5 makes 2 chat-model calls per chunk plus a connection "
    "test in `remember`, and 2 per recall."
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=1.0, help="megabytes of text (default 1)")
    parser.add_argument("--runs", type=int, default=3, help="remember runs; median reported")
    parser.add_argument("--llm-mb", type=float, default=0.2, help="megabytes for the LLM run")
    parser.add_argument("--latency", type=float, default=0.3, help="scripted LLM latency, s")
    parser.add_argument("--concurrency", type=int, default=8, help="LLM calls in flight")
    parser.add_argument(
        "--markdown", type=Path, default=None, help="also write the README table to this file"
    )
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
        mem = bench_memory(Path(tmp) / "run0")
    remember = statistics.median(timings)
    rates = sorted(chunks / t for t in timings)
    import_time, import_times, heavy = bench_import(5)
    with tempfile.TemporaryDirectory() as tmp:
        llm = bench_llm(
            generate_text(int(args.llm_mb * 1_000_000), seed=11),
            Path(tmp),
            args.latency,
            args.concurrency,
        )
    llm_ratio = llm["elapsed"] / llm["ideal"]
    per_chunk_calls = llm["calls"] / llm["chunks"]
    per_recall_calls = llm["recall_calls"] / llm["recalls"]

    rows = [
        (
            f"offline `remember`, {len(text) / 1e6:.2f} MB ({chunks:,} chunks), "
            f"median of {args.runs} runs",
            f"**{chunks / remember:.0f} chunks/s** ({remember:.2f} s; runs "
            f"{rates[0]:.0f}–{rates[-1]:.0f} chunks/s)",
            "≥ 200 chunks/s",
        ),
        (
            "baseline: chunk + extract + embed chunk texts, back to back, 1 run",
            f"{chunks / baseline:.0f} chunks/s ({baseline:.2f} s: extract "
            f"{components['extract']:.2f} s, embed {components['embed']:.2f} s)",
            "-",
        ),
        (
            f"memory of a reopened store after its first search ({mem['chunks']:,} chunks; "
            "Python heap traced by `tracemalloc`)",
            f"**{mem['searched']:,.0f} B per chunk**, of which {mem['vectors']:,.0f} B of vectors "
            f"(before the first search: {mem['opened']:,.0f} B); paid once: embedding model "
            f"{mem['model_mb']:.0f} MB, first remember and search {mem['fixed_mb']:.0f} MB; the "
            f"process's resident set grew {mem['rss'] * mem['chunks'] / 2**20:.0f} MB (SQLite's "
            "page caches included)",
            "≤ 2,048 B + vector",
        ),
        (
            "`import cognee_langchain`, median of 5 fresh interpreters",
            f"**{import_time * 1000:.0f} ms** (runs {min(import_times) * 1000:.0f}–"
            f"{max(import_times) * 1000:.0f}); heavy modules loaded: {heavy}",
            "≤ 1 s, none",
        ),
        (
            f"LLM `remember`, {llm['chunks']:.0f} chunks, scripted model at "
            f"{args.latency * 1000:.0f} ms, concurrency {args.concurrency}, 1 run",
            f"{llm['elapsed']:.2f} s vs ideal {llm['ideal']:.2f} s = **{llm_ratio:.2f}×**",
            "≤ 1.2×",
        ),
        (
            "chat-model calls per chunk (`remember`), counted by the scripted server",
            f"**{per_chunk_calls:.2f}** ({llm['calls']:.0f} calls)",
            "exactly 1",
        ),
        (
            f"chat-model calls per `recall` ({llm['recalls']} questions in one session, "
            "follow-ups included), counted by the scripted server",
            f"**{per_recall_calls:.2f}** ({llm['recall_calls']:.0f} calls, "
            f"{llm['answered']} answers)",
            "≤ 1",
        ),
        (
            "re-remembering the same text",
            f"{llm['repeat_calls']:.0f} chat calls ({llm['repeat']:.2f} s)",
            "0 calls",
        ),
    ]
    lines = ["| measure | value | target |", "|---|---|---|"]
    lines += [f"| {measure} | {value} | {target} |" for measure, value, target in rows]
    reference = COGNEE_REFERENCE
    print(f"Offline remember of {len(text) / 1e6:.2f} MB: {chunks} chunks, {result}\n")
    print("\n".join(lines))
    print(f"\n{reference}")
    print(
        f"SUMMARY offline {chunks / remember:.0f} chunks/s (>=200) | {mem['searched']:.0f} B/chunk "
        f"after a search (<=2048 + vector) | import {import_time * 1000:.0f} ms (<=1000) | LLM "
        f"{llm_ratio:.2f}x ideal (<=1.2), {per_chunk_calls:.2f} calls/chunk (1), "
        f"{per_recall_calls:.2f} calls/recall (<=1)"
    )
    if args.markdown is not None:
        args.markdown.write_text("\n".join(lines) + f"\n\n{reference}\n")


if __name__ == "__main__":
    main()
