"""Scale-out benchmark: many worker processes on one memory, PostgreSQL against the embedded store.

Two measurements, each on both backends in the same run (the embedded SQLite store is the
baseline of every ratio):

1. **remember throughput** with 1, 2 and 4 worker processes writing into one dataset at once:
   each worker remembers ``--calls`` texts of ~12,000 characters (about 10 chunks each; offline
   extractor, WordLlama embeddings: the defaults), all starting together; chunks per second is
   every worker's chunks over the wall time from the start signal to the last worker's end.
2. **search under writes** at 10,000 and 100,000 chunks: a reader process opens the memory (its
   index from the snapshot a previous open saved, then caught up from the store's change feed)
   and answers ``--queries`` searches (query vectors given, so no model time is measured), one
   every ``--interval`` seconds like a serving process, while three writer processes keep
   remembering into the same dataset; p50 / p95 per search, the writes each search caught up
   with included (back to back, hundreds of searches would fit between two commits and nearly
   none would catch up with anything). The reader's index follows the writers in the background
   on PostgreSQL, as a memory's does (``GraphIndex(follow=True)``). The memories are synthetic
   (the corpus of ``benchmarks/cold_start.py``), built once and cached; the writers' texts are
   real.

Also printed: the reader's open + first query (cold open) time. The machine has 2 cores: more
than 2 processes compete for them, which caps what more workers can add.

**Chat-model mode** (``--extractor llm``, or ``both``, the default, after the offline rows): the
same two measurements with every remembering worker (the throughput workers and the writers
during the searches) extracting through a real ``ChatOpenAI`` (langchain-openai, SDK retries
off) driven by ``LLMGraphExtractor`` (the package's default: one structured-output call per
chunk, 8 in flight per worker), as a deployment with a hosted model does: a worker then mostly
waits on the model. The model is simulated: ONE scripted OpenAI-compatible server
(``tests/support/llm_server.py``'s ``ScriptedLLMServer``) in a child process shared by all
workers, answering each request after ``--llm-latency`` seconds (default 0.3) with the offline
extractor's ``ChunkExtraction`` of the chunk; not a real provider. So that the fake model costs
little CPU on these 2 cores, its answers are precomputed before the clock starts: the server
process chunks every text the workers will send (each worker's texts are deterministic) and
extracts each chunk once, keyed by the chunk without the ``Run s-i.`` sentence that makes each
remembered text unique; a chunk it does not know is extracted on demand and counted. The run
prints the server's requests, its misses and the CPU seconds it used. Nothing downloads:
``ChatOpenAI`` never counts tokens on this path, so tiktoken is not used.

    .venv/bin/python benchmarks/scale_out.py
    .venv/bin/python benchmarks/scale_out.py --sizes 10000 --workers 1 2 --queries 100
    .venv/bin/python benchmarks/scale_out.py --extractor llm --llm-latency 0.5
    .venv/bin/python benchmarks/scale_out.py --postgres postgresql://postgres@127.0.0.1/test
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))  # tests.support is not installed
from cold_start import DATASET, QUERY, build  # the synthetic corpus
from remember import generate_text  # the writers' prose
from retrieval import _table, markdown_table

from cognee_langchain.extraction.chunking import TextChunker
from cognee_langchain.extraction.offline import extract_chunk
from tests.support.llm_server import ScriptedLLMServer, chunk_text_of

DEFAULT_DSN = "postgresql://postgres@127.0.0.1:5432/test"
TEXT_CHARS = 12_000
TEXTS_PER_WORKER = 50  # a writer that runs until stopped cycles through these
WAIT = 1800.0
BACKENDS = ("embedded", "postgres")
MODES = {"offline": ("offline",), "llm": ("llm",), "both": ("offline", "llm")}
THROUGHPUT_SEED = 1  # worker w remembers the texts of seed THROUGHPUT_SEED + w
WRITER_SEED = 100  # writer w during the searches: seed WRITER_SEED + w
_RUN_SENTENCE = re.compile(r"\s*Run \d+-\d+\.$")


# -- the writers' texts and the scripted model's answers -------------------------------------------
def worker_texts(seed: int, calls: int) -> list[str]:
    """The texts the remember worker of ``seed`` cycles through (call ``i`` sends
    :func:`run_text` of text ``i`` modulo their number)."""
    return [
        generate_text(TEXT_CHARS, seed=seed * 1000 + i) for i in range(max(calls, TEXTS_PER_WORKER))
    ]


def run_text(text: str, seed: int, call: int) -> str:
    """What call ``call`` of worker ``seed`` remembers: ``text`` made unique by a last sentence
    (a repeated text would be deduplicated, not remembered)."""
    return f"{text} Run {seed}-{call}."


def answer_key(chunk: str) -> str:
    """The chunk as the precomputed answers know it: without the run sentence of
    :func:`run_text` (it ends a text's last chunk), so one answer serves every call's copy."""
    return _RUN_SENTENCE.sub("", chunk)


class CannedExtractions:
    """The scripted server's responder in chat-model mode: the offline extractor's answer to
    each chunk of ``texts``, computed once up front so that serving a request costs a lookup.

    A chunk not among them (chunk boundaries moved by a run sentence) is extracted when asked
    and counted in :attr:`misses`."""

    def __init__(self, texts: Iterable[str]) -> None:
        chunker = TextChunker()  # GraphMemory's default chunking
        self._answers: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self.requests = self.misses = 0
        for text in texts:
            for chunk in chunker.split(text):
                self._answer(answer_key(chunk))

    def __len__(self) -> int:
        return len(self._answers)

    def _answer(self, key: str) -> dict[str, Any]:
        answer = self._answers.get(key)
        if answer is None:
            answer = self._answers[key] = extract_chunk(key).model_dump()
        return answer

    def __call__(self, request: dict[str, Any]) -> dict[str, Any]:
        """The answer to one chat request (structured output: a dict)."""
        key = answer_key(chunk_text_of(request))
        with self._lock:  # requests arrive on the server's threads
            self.requests += 1
            self.misses += key not in self._answers
            return self._answer(key)


def _serve_llm(latency: float, seeds: list[int], calls: int, out: Any, stop: Any) -> None:
    """The scripted server's process: precompute the answers, serve until ``stop``, report."""
    try:
        responder = CannedExtractions(
            run_text(text, seed, 0) for seed in seeds for text in worker_texts(seed, calls)
        )
        serving = time.process_time()  # the CPU spent serving, not precomputing, is reported
        with ScriptedLLMServer(responder, latency=latency) as server:
            out.put(("ok", server.url, len(responder)))
            stop.wait()
        cpu = time.process_time() - serving
        out.put(("ok", {"requests": responder.requests, "misses": responder.misses, "cpu": cpu}))
    except BaseException as exc:  # the parent reports it
        out.put(("error", f"{type(exc).__name__}: {exc}", 0))


class LLMServer:
    """The one scripted server every chat-model worker of a run shares (a child process)."""

    def __init__(self, latency: float, seeds: list[int], calls: int) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._out, self._stop = ctx.Queue(), ctx.Event()
        self._process = ctx.Process(
            target=_serve_llm, args=(latency, seeds, calls, self._out, self._stop)
        )
        self.url = ""
        self.answers = 0
        self.started = 0.0
        self.stats: dict[str, float] = {}

    def __enter__(self) -> LLMServer:
        self._process.start()
        status, self.url, self.answers = self._out.get(timeout=WAIT)
        if status == "error":
            raise SystemExit(f"the scripted LLM server failed: {self.url}")
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self.stats = self._out.get(timeout=WAIT)[1]
        self.stats["wall"] = time.perf_counter() - self.started
        self._process.join(WAIT)


# -- processes ------------------------------------------------------------------------------------
def _memory(location: str, data_dir: str, llm_url: str | None) -> Any:
    from cognee_langchain import GraphMemory

    if llm_url is None:
        return GraphMemory(data_dir, graph_store=location)
    from langchain_openai import ChatOpenAI

    # The extractor retries, so the SDK does not (LLMGraphExtractor's advice).
    llm = ChatOpenAI(base_url=llm_url, api_key="test", model="gpt-test", max_retries=0, timeout=60)
    return GraphMemory(data_dir, graph_store=location, llm=llm)


def _remember_worker(
    location: str,
    data_dir: str,
    seed: int,
    calls: int,
    llm_url: str | None,
    start: Any,
    stop: Any,
    out: Any,
) -> None:
    """Remember ``calls`` texts (forever, until ``stop``, when ``calls`` is 0); report chunks."""
    try:
        memory = _memory(location, data_dir, llm_url)
        texts = worker_texts(seed, calls)
        memory.embeddings.embed_query("warm up")  # the model loads before the clock starts
        if llm_url is not None:  # and the chat client (a chunk the server has an answer for)
            memory.extractor.extract(memory.chunker.split(texts[0])[:1])
        start.wait(WAIT)
        chunks, i = 0, 0
        while (calls and i < calls) or (not calls and not stop.is_set()):
            chunks += memory.remember(run_text(texts[i % len(texts)], seed, i)).chunks_added
            i += 1
        out.put(("ok", chunks, time.perf_counter()))
        memory.close()
    except BaseException as exc:  # the parent reports it
        out.put(("error", f"{type(exc).__name__}: {exc}", 0.0))


def _search_worker(
    location: str, snapshots: str, queries: int, interval: float, start: Any, stop: Any, out: Any
) -> None:
    """Open the memory, then time ``queries`` searches (the first is the cold open), one every
    ``interval`` seconds."""
    try:
        from cognee_langchain.retrieval.graph_index import GraphIndex
        from cognee_langchain.services.runtime import open_graph_store

        rng = np.random.default_rng(0)
        vectors = rng.standard_normal((queries, 256)).astype(np.float32)

        async def run() -> tuple[float, list[float]]:
            opened = time.perf_counter()
            store = open_graph_store(location)
            # As a memory's index does (MemoryRuntime.graph_index): it follows a store that
            # announces commits (PostgreSQL) in the background.
            index = GraphIndex(snapshot_dir=Path(snapshots), follow=store.announces_commits)
            await index.asearch(store, QUERY, vectors[0])
            cold = time.perf_counter() - opened
            start.wait(WAIT)
            # Time searches only once the writers are writing: their first commit is the sign.
            written = await store.acurrent_revision()
            while await store.acurrent_revision() == written:
                await asyncio.sleep(0.01)
            samples = []
            for vector in vectors[1:]:
                began = time.perf_counter()
                await index.asearch(store, QUERY, vector)
                samples.append(time.perf_counter() - began)
                await asyncio.sleep(max(0.0, interval - samples[-1]))
            await store.aclose()
            return cold, samples

        cold, samples = asyncio.run(run())
        stop.set()
        out.put(("ok", cold, samples))
    except BaseException as exc:
        stop.set()
        out.put(("error", f"{type(exc).__name__}: {exc}", []))


def _gather(procs: list[Any], out: Any, start: Any = None) -> tuple[list[tuple[Any, ...]], float]:
    """Run ``procs`` to their end: what each reported, and when the work began (when the
    parent passed ``start``, the barrier it shares with them, else when they were started)."""
    for proc in procs:
        proc.start()
    if start is not None:
        start.wait(WAIT)
    began = time.perf_counter()
    results = [out.get(timeout=WAIT) for _ in procs]
    for proc in procs:
        proc.join(WAIT)
    errors = [r[1] for r in results if r[0] == "error"]
    if errors:
        raise SystemExit(f"a worker failed: {errors[0]}")
    return results, began


# -- measurements ---------------------------------------------------------------------------------
def throughput(location: str, workers: int, calls: int, tmp: Path, llm_url: str | None) -> float:
    """Chunks per second of ``workers`` processes remembering at once into one memory."""
    ctx = multiprocessing.get_context("spawn")
    start, stop, out = ctx.Barrier(workers + 1), ctx.Event(), ctx.Queue()
    procs = [
        ctx.Process(
            target=_remember_worker,
            args=(
                *(location, str(tmp / f"w{w}"), THROUGHPUT_SEED + w, calls, llm_url),
                *(start, stop, out),
            ),
        )
        for w in range(workers)
    ]
    results, began = _gather(procs, out, start)
    return sum(r[1] for r in results) / (max(r[2] for r in results) - began)


def search_under_writes(
    location: str,
    snapshots: Path,
    queries: int,
    interval: float,
    writers: int,
    tmp: Path,
    llm_url: str | None,
) -> dict[str, float]:
    ctx = multiprocessing.get_context("spawn")
    start, stop, out = ctx.Barrier(writers + 1), ctx.Event(), ctx.Queue()
    reader = ctx.Process(
        target=_search_worker,
        args=(location, str(snapshots), queries, interval, start, stop, out),
    )
    procs = [reader] + [
        ctx.Process(
            target=_remember_worker,
            args=(
                *(location, str(tmp / f"writer{w}"), WRITER_SEED + w, 0, llm_url),
                *(start, stop, out),
            ),
        )
        for w in range(writers)
    ]
    results, _ = _gather(procs, out)
    (searched,) = [r for r in results if isinstance(r[2], list)]
    samples = sorted(searched[2])
    written = sum(r[1] for r in results if not isinstance(r[2], list))
    return {
        "cold_s": searched[1],
        "p50_ms": 1000 * statistics.median(samples),
        "p95_ms": 1000 * samples[int(0.95 * (len(samples) - 1))],
        "written": written,
    }


# -- stores ---------------------------------------------------------------------------------------
def _fresh(backend: str, dsn: str, tmp: Path, name: str) -> str:
    """A new, empty memory on ``backend``, created before the workers start (as a team's shared
    memory is): its creation is no part of the throughput measured."""
    from cognee_langchain.services.runtime import open_graph_store

    if backend == "embedded":
        location = str(tmp / name / "graph.sqlite")
    else:
        location = f"{dsn}?schema=bench_{name}_{uuid.uuid4().hex[:8]}"
    open_graph_store(location).close()
    return location


def _drop(location: str) -> None:
    if not location.startswith("postgresql"):
        return
    import psycopg

    dsn, _, schema = location.partition("?schema=")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _corpus(backend: str, dsn: str, cache: Path, n_chunks: int) -> tuple[str, Path]:
    """The cached synthetic memory of ``n_chunks`` on ``backend`` (built on first use) and the
    directory of its readers' index snapshot."""
    directory = cache / f"scale-out-{backend}-{n_chunks}"
    location = (
        str(directory / "graph.sqlite")
        if backend == "embedded"
        else f"{dsn}?schema=bench_scale_out_{n_chunks}"
    )
    marker = directory / "built"
    if not marker.exists() or not _holds(location, n_chunks):
        _drop(location)
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True)
        started = time.perf_counter()
        build(location, n_chunks)
        _vacuum(location)
        marker.write_text(f"{time.perf_counter() - started:.1f}")
        print(f"built {n_chunks:,} chunks on {backend} in {marker.read_text()} s", flush=True)
    return location, directory / "snapshots"


def _vacuum(location: str) -> None:
    """What autovacuum does to a freshly loaded PostgreSQL memory: table statistics for the
    planner and the visibility map for index-only scans. This server runs with autovacuum off
    (so its tables would never get either); a default server does it on its own."""
    if not location.startswith("postgresql"):
        return
    import psycopg

    dsn, _, schema = location.partition("?schema=")
    with psycopg.connect(dsn, autocommit=True) as conn:
        tables = [
            f'"{schema}"."{row[0]}"'
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = %s", (schema,)
            )
        ]
        conn.execute(f"VACUUM ANALYZE {', '.join(tables)}")


def _holds(location: str, n_chunks: int) -> bool:
    from cognee_langchain.services.runtime import open_graph_store

    store = open_graph_store(location)
    try:
        held = store.stats([DATASET]).chunks
    finally:
        store.close()
    return held >= n_chunks


def _prime(location: str, snapshots: str) -> None:
    """Open the memory once so that its index snapshot exists (and is caught up)."""
    from cognee_langchain.retrieval.graph_index import GraphIndex
    from cognee_langchain.services.runtime import open_graph_store

    async def run() -> None:
        store = open_graph_store(location)
        index = GraphIndex(snapshot_dir=Path(snapshots))
        await index.asearch(store, QUERY, np.ones(256, dtype=np.float32))
        await index.asave_snapshot(store)
        await store.aclose()

    asyncio.run(run())


Rates = dict[tuple[str, int], float]
Searches = dict[tuple[str, int], dict[str, float]]


def measure(
    args: argparse.Namespace, tmp: Path, made: list[str], llm_url: str | None
) -> tuple[Rates, Searches]:
    """Both measurements on both backends, with the offline extractor (``llm_url`` None) or
    through the scripted chat model at ``llm_url``."""
    mode = "offline" if llm_url is None else "llm"
    rates: Rates = {}
    for workers in args.workers:
        for backend in BACKENDS:
            name = f"rem_{mode}_{backend}_{workers}"
            location = _fresh(backend, args.postgres, tmp, name)
            made.append(location)
            rates[backend, workers] = throughput(
                location, workers, args.calls, tmp / f"r{mode}{backend}{workers}", llm_url
            )
            print(f"{mode} remember {backend} x{workers}: {rates[backend, workers]:.0f} chunks/s")
    searches: Searches = {}
    for n_chunks in args.sizes:
        for backend in BACKENDS:
            # The writers grow the cached corpus a little each run; its snapshot catches up.
            location, snapshots = _corpus(backend, args.postgres, args.cache, n_chunks)
            prime = multiprocessing.get_context("spawn").Process(
                target=_prime, args=(location, str(snapshots))
            )
            prime.start()
            prime.join(WAIT)
            searches[backend, n_chunks] = search_under_writes(
                location,
                *(snapshots, args.queries, args.interval, args.writers),
                tmp / f"s{mode}{backend}{n_chunks}",
                llm_url,
            )
            print(f"{mode} search {backend} {n_chunks:,}: {searches[backend, n_chunks]}")
    return rates, searches


def tables(
    rates: Rates, searches: Searches, workers: list[int], sizes: list[int]
) -> list[tuple[list[str], list[list[str]]]]:
    """The throughput and the search table of one extractor mode."""
    first = workers[0]
    return [
        (
            ["workers", "embedded chunks/s", f"÷ {first} worker", "PostgreSQL chunks/s",
             f"÷ {first} worker", "PostgreSQL ÷ embedded"],
            [
                [
                    str(w),
                    f"{rates['embedded', w]:.0f}",
                    f"{rates['embedded', w] / rates['embedded', first]:.2f}×",
                    f"{rates['postgres', w]:.0f}",
                    f"**{rates['postgres', w] / rates['postgres', first]:.2f}×**",
                    f"{rates['postgres', w] / rates['embedded', w]:.2f}×",
                ]
                for w in workers
            ],
        ),
        (
            ["chunks", "store", "cold open + 1st query (s)", "search p50 ms", "p95 ms",
             "p50 ÷ embedded", "chunks written meanwhile"],
            [
                [
                    f"{n:,}",
                    "embedded (baseline)" if backend == "embedded" else "PostgreSQL",
                    f"{searches[backend, n]['cold_s']:.2f}",
                    f"**{searches[backend, n]['p50_ms']:.1f}**",
                    f"**{searches[backend, n]['p95_ms']:.1f}**",
                    f"{searches[backend, n]['p50_ms'] / searches['embedded', n]['p50_ms']:.2f}×",
                    f"{searches[backend, n]['written']:,.0f}",
                ]
                for n in sizes
                for backend in BACKENDS
            ],
        ),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--calls", type=int, default=20, help="remember calls per worker")
    parser.add_argument("--queries", type=int, default=200, help="searches per size")
    parser.add_argument("--writers", type=int, default=3, help="writers during the searches")
    parser.add_argument(
        "--interval", type=float, default=0.1, help="seconds from one search's start to the next"
    )
    parser.add_argument(
        "--extractor",
        choices=sorted(MODES),
        default="both",
        help="how workers extract: offline, through the scripted chat model (llm), or both",
    )
    parser.add_argument(
        "--llm-latency", type=float, default=0.3, help="seconds the scripted model takes a call"
    )
    parser.add_argument("--postgres", default=DEFAULT_DSN, help="PostgreSQL DSN (a test database)")
    parser.add_argument("--cache", type=Path, default=Path("/tmp"), help="where corpora live")
    parser.add_argument(
        "--markdown", type=Path, default=None, help="also write the README tables to this file"
    )
    args = parser.parse_args()
    modes = MODES[args.extractor]
    load_before = os.getloadavg()[0]
    tmp = Path(tempfile.mkdtemp(prefix="scale-out-"))
    made: list[str] = []
    results: dict[str, tuple[Rates, Searches]] = {}
    server_line = ""
    try:
        if "offline" in modes:
            results["offline"] = measure(args, tmp, made, None)
        if "llm" in modes:
            seeds = [THROUGHPUT_SEED + w for w in range(max(args.workers))]
            seeds += [WRITER_SEED + w for w in range(args.writers)]
            with LLMServer(args.llm_latency, seeds, args.calls) as server:
                print(f"scripted LLM server: {server.answers:,} answers precomputed")
                results["llm"] = measure(args, tmp, made, server.url)
            served = server.stats
            server_line = (
                f"scripted LLM server: {served['requests']:,} requests, {served['misses']:,} "
                "not precomputed (extracted on demand), "
                f"{served['cpu']:.1f} CPU s serving them over {served['wall']:.0f} s"
            )
    finally:
        for location in made:
            _drop(location)
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"\n1-min load average: {load_before:.2f} at start, {os.getloadavg()[0]:.2f} at end")
    if server_line:
        print(server_line)
    print()
    big, first, most = args.sizes[-1], args.workers[0], args.workers[-1]
    markdown, summary = [], []
    for mode in modes:
        rates, searches = results[mode]
        mode_tables = tables(rates, searches, args.workers, args.sizes)
        if mode == "llm":
            print(f"With a chat-model extractor: {llm_label(args.llm_latency)}\n")
        for header, cells in mode_tables:
            _table(header, cells)
        pg = searches["postgres", big]
        scaling = rates["postgres", most] / rates["postgres", first]
        verdict = targets(big, pg["p50_ms"], pg["p95_ms"], most, first, scaling)
        if mode == "offline":
            markdown += [markdown_table(header, cells) for header, cells in mode_tables]
            markdown.append(offline_note(args, verdict))
            summary.append(f"{verdict} Cold open at {big:,} chunks: {pg['cold_s']:.2f} s.")
        else:
            print(f"{verdict}\n")
            markdown.append(
                f"**With a chat-model extractor** — simulated: {llm_label(args.llm_latency)}.\n"
            )
            markdown += [markdown_table(header, cells) for header, cells in mode_tables]
            markdown.append(llm_note(args, verdict))
            summary.append(
                f"Chat model ({args.llm_latency * 1000:.0f} ms scripted server): {verdict} "
                f"remember x{first} / x{most}: PostgreSQL {rates['postgres', first]:.0f} / "
                f"{rates['postgres', most]:.0f} chunks/s, embedded "
                f"{rates['embedded', first]:.0f} / {rates['embedded', most]:.0f} chunks/s "
                f"({rates['embedded', most] / rates['embedded', first]:.2f}×); search p50/p95 "
                + ", ".join(
                    f"{n:,} {backend}: {searches[backend, n]['p50_ms']:.1f}/"
                    f"{searches[backend, n]['p95_ms']:.1f} ms"
                    for n in args.sizes
                    for backend in BACKENDS
                )
                + "."
            )
    if args.markdown is not None:
        args.markdown.write_text("\n".join(markdown))
    print(f"SUMMARY {' '.join(summary)}")


def llm_label(latency: float) -> str:
    """What the chat-model rows talk to, said plainly (it is not a real provider)."""
    return (
        "each worker's real `ChatOpenAI` makes one extraction call per chunk through "
        "`LLMGraphExtractor` (8 in flight per worker) to one scripted OpenAI-compatible server "
        "on loopback (`tests/support/llm_server.py`) shared by all workers, which answers every "
        f"call after {latency * 1000:.0f} ms with a precomputed offline extraction; not a real "
        "provider"
    )


def offline_note(args: argparse.Namespace, verdict: str) -> str:
    """The offline tables' paragraph of the README block."""
    return (
        f"remember: each worker process remembers {args.calls} texts of ~"
        f"{TEXT_CHARS:,} characters (offline defaults), all starting together, into one "
        f"dataset; one run. Search: {args.queries} searches (query vector given), one every "
        f"{args.interval:g} s, by one reader process while {args.writers} writer processes "
        "remember into the same dataset; the reader's index, as a memory's does, follows "
        "their writes in the background on PostgreSQL (LISTEN/NOTIFY) and catches up with "
        "whatever is left before each search (that time included), on the embedded store "
        "before each search only. The PostgreSQL memory was vacuumed and "
        "analyzed once built (this server runs with autovacuum off; a default server does "
        "it by itself). The machine has 2 cores, shared by every process of a row. "
        f"{verdict}\n"
    )


def llm_note(args: argparse.Namespace, verdict: str) -> str:
    """The chat-model tables' paragraph of the README block."""
    return (
        "The same measurements with every remembering worker (the throughput workers and the "
        f"{args.writers} writers during the searches) extracting each chunk through the chat "
        f"model instead of offline. This simulates a deployment whose extraction calls a hosted "
        f"model taking {args.llm_latency * 1000:.0f} ms per call, so that workers mostly wait "
        "on I/O rather than on the 2 cores; the scripted server is not a real provider (no "
        "rate limits, no variance in latency, answers precomputed so that it costs little CPU). "
        f"{verdict}\n"
    )


def targets(size: int, p50: float, p95: float, most: int, first: int, scaling: float) -> str:
    """The issue's targets against what was measured, each said met or missed."""

    def met(ok: bool) -> str:
        return "met" if ok else "**missed**"

    return (
        f"Targets: search p50 ≤ 20 ms / p95 ≤ 50 ms on PostgreSQL at {size:,} chunks with "
        f"writes going on: {met(p50 <= 20 and p95 <= 50)} ({p50:.1f} / {p95:.1f} ms); "
        f"{most} workers remember ≥ 2.5× the chunks per second of {first}: "
        f"{met(scaling >= 2.5)} ({scaling:.2f}×)."
    )


if __name__ == "__main__":
    main()
