"""Benchmark ``GraphMemory.aimprove``: persist 100 sessions x 10 Q&A through a 300 ms LLM.

Run from the repository root::

    .venv/bin/python benchmarks/improve.py                 # 100 x 10, 300 ms, median of 3 runs
    .venv/bin/python benchmarks/improve.py --sessions 20 --runs 1
    .venv/bin/python benchmarks/improve.py --markdown PATH  # also write the README table

Target (SPEC §9): wall time <= 1.2x the ideal (LLM calls / concurrency x latency) and <= 100 LLM
calls for the 1,000 Q&A entries. cognee's figures are printed as a labelled reference
(``COGNEE_REFERENCE``): quoted from the spec, never measured by this script.

The LLM is the scripted OpenAI-compatible server (``tests/support/llm_server.py``) in a child
process, answering every extraction request after ``--latency`` seconds with the offline
extractor's ``ChunkExtraction`` of the chunk; the client is a real ``ChatOpenAI`` driven by
``LLMGraphExtractor(max_concurrency=8)``. Embeddings are the offline WordLlama default. Prompt
tokens are approximated as characters / 4 of what each request carries (messages and the
response JSON schema), logged on the client's HTTP transport. The offline row runs the same
pipeline on the same sessions with the offline extractor (no LLM), i.e. the pipeline's own cost.

Baseline in the same run: the same chunks (the sessions as the pipeline renders them) through
``LLMGraphExtractor.aextract`` alone, so the table separates what the pipeline adds from what the
LLM client stack costs per call. One extra run at ``--slow-latency`` (default 1 s) shows how the
ratio behaves when the provider, not the client, dominates. A phase table says where the wall time
goes (session reads, watermarks, and the ingestion phases: extraction, resolution, embedding and
the transactional write).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
from langchain_core.messages import AIMessage, HumanMessage

from cognee_langchain.extraction.llm import LLMGraphExtractor
from cognee_langchain.memory import GraphMemory
from cognee_langchain.pipelines.persist_sessions import SESSIONS_NODE_SET, PersistSessionsResult
from cognee_langchain.services import ingest as ingest_service
from cognee_langchain.services.rendering import render_entries, split_entries
from cognee_langchain.users import get_default_user_sync

if TYPE_CHECKING:
    from tests.support.llm_server import SubprocessLLMServer

REPO = Path(__file__).resolve().parents[1]
CONCURRENCY = 8
DATASET = "main_dataset"
# Figures from another system: quoted with their source, printed as a reference, never measured.
COGNEE_REFERENCE = (
    "Reference, not measured here: `../shared/SPEC.md` §9 (the project's spec) states that "
    "cognee 1.6.5 made 200 LLM calls and took 364 s on 100 sessions × 10 Q&A with a 300 ms LLM, "
    "persisting the sessions one after another; it gives no date or method. cognee's own "
    'documentation (docs.cognee.ai, "persist sessions", copy in '
    "`../shared/reference/cognee-persist-sessions-doc.txt`, undated) says only that the pipeline "
    "runs `cognee.add` and `cognee.cognify` on the extracted session data, and states no call "
    "count or time."
)

# -- synthetic sessions ----------------------------------------------------------------------------
FIRST = ["Alice", "Bruno", "Chiara", "Dmitri", "Esther", "Farid", "Greta", "Hiroshi", "Imani"]
LAST = ["Okafor", "Lindqvist", "Moreau", "Tanaka", "Haddad", "Kowalski", "Silva", "Novak"]
ORGS = ["Acme Robotics", "Zeta Labs", "Northwind Freight", "Helios Energy", "Quanta Health"]
ORGS += ["Bluefin Capital", "Orbital Dynamics", "Verde Foods", "Lumen Analytics"]
PLACES = ["Lisbon", "Osaka", "Nairobi", "Toronto", "Krakow", "Valparaiso", "Tallinn", "Denver"]
PRODUCTS = ["Falcon drone", "Atlas scheduler", "Nimbus sensor", "Cobalt battery", "Pulse app"]
PRODUCTS += ["Harbor dashboard", "Tern router", "Mosaic CRM"]
EVENTS = ["the Q3 board review", "the Lisbon summit", "the spring hackathon", "the audit kickoff"]
MONTHS = ["January", "March", "April", "June", "September", "October", "November"]

QUESTIONS: list[tuple[str, str]] = [
    (
        "Who is leading the {product} project at {org} now that {p} moved to {place}?",
        "{q} took over the {product} project at {org} in {month}. {p} still advises the team "
        "from {place} and joins the weekly call with {q} on Thursdays.",
    ),
    (
        "When did {org} open its office in {place}, and who runs it day to day?",
        "{org} opened the {place} office in {month} {year}. {q} runs it day to day and reports "
        "to {p}, who negotiated the lease with the city.",
    ),
    (
        "Can you remind me what {p} said about the {product} launch during {event}?",
        "During {event}, {p} said the {product} launch slips to {month} because {org2} delayed "
        "the certification. {q} proposed a pilot in {place} to keep customers engaged.",
    ),
    (
        "Which supplier did {org} choose for the {product} components?",
        "{org} chose {org2} as the supplier for the {product} components after a bid in {month}. "
        "{p} signed the contract; deliveries start from the {place} plant.",
    ),
    (
        "What is the status of the partnership between {org} and {org2}?",
        "The partnership between {org} and {org2} was renewed in {month} {year}. {p} and {q} "
        "co-chair the steering group, and the next milestone is a joint demo in {place}.",
    ),
    (
        "Where is {event} happening this year and who presents for {org}?",
        "{event} takes place in {place} this year. {p} presents the {product} roadmap for {org}, "
        "and {q} hosts the customer panel with {org2}.",
    ),
    (
        "Did {q} finish the security review of the {product}?",
        "Yes. {q} finished the security review of the {product} in {month} and found two medium "
        "issues, both fixed by {p}'s team at {org} before the {place} rollout.",
    ),
    (
        "How much did {org} raise in its last round, and who led it?",
        "{org} raised 40 million dollars in {month} {year}. {org2} led the round, and {p} joined "
        "the board of {org} as part of the deal.",
    ),
    (
        "Who should I contact at {org2} about shipping to {place}?",
        "Contact {q}, the logistics lead at {org2}. {q} handles shipments to {place} and already "
        "worked with {p} on the {product} deliveries last {month}.",
    ),
    (
        "Why did {p} leave {org}?",
        "{p} left {org} in {month} {year} to found a startup in {place} with {q}. The startup "
        "builds tools on top of the {product} and counts {org2} as its first customer.",
    ),
]


def _entry(rnd: random.Random) -> tuple[str, str]:
    def person() -> str:
        return f"{rnd.choice(FIRST)} {rnd.choice(LAST)}"

    org, org2 = rnd.sample(ORGS, 2)
    values = {
        "p": person(),
        "q": person(),
        "org": org,
        "org2": org2,
        "place": rnd.choice(PLACES),
        "product": rnd.choice(PRODUCTS),
        "event": rnd.choice(EVENTS),
        "month": rnd.choice(MONTHS),
        "year": str(rnd.randint(2019, 2026)),
    }
    question, answer = rnd.choice(QUESTIONS)
    answer = answer.format(**values)
    return question.format(**values), answer[0].upper() + answer[1:]


def generate_sessions(n_sessions: int, per_session: int, seed: int = 11) -> dict[str, list[Any]]:
    """Deterministic sessions of ``per_session`` Q&A turns each (Human + AI with context ids)."""
    rnd = random.Random(seed)
    sessions: dict[str, list[Any]] = {}
    for s in range(n_sessions):
        turns = []
        for t in range(per_session):
            question, answer = _entry(rnd)
            turns.append(
                [
                    HumanMessage(question, id=f"s{s}-q{t}"),
                    AIMessage(
                        answer,
                        id=f"s{s}-a{t}",
                        response_metadata={"context_ids": [f"chunk-{rnd.randint(0, 999)}"]},
                    ),
                ]
            )
        sessions[f"session-{s:03d}"] = turns
    return sessions


SEED_TEXT = (
    "Acme Robotics builds delivery drones in Denver. Zeta Labs supplies batteries to Acme "
    "Robotics. Alice Okafor leads Acme Robotics."
)


# -- measurement ----------------------------------------------------------------------------------
@dataclass
class PhaseTimer:
    """Wall time covered by each phase: the union of the intervals its calls ran in, so that
    concurrent calls (100 session reads at once) count once."""

    intervals: dict[str, list[tuple[float, float]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    replaced: list[tuple[object, str, Any]] = field(default_factory=list)

    def time(self, owner: object, method: str, phase: str) -> None:
        """Replace ``owner.method`` (a coroutine function of an instance or a module) by a timed
        one until :meth:`restore`."""
        original: Callable[..., Awaitable[Any]] = getattr(owner, method)
        self.replaced.append((owner, method, owner.__dict__.get(method)))

        async def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return await original(*args, **kwargs)
            finally:
                self.intervals[phase].append((start, time.perf_counter()))

        setattr(owner, method, timed)

    def restore(self) -> None:
        """Undo every replacement, last first (module functions are shared by all memories)."""
        while self.replaced:
            owner, method, original = self.replaced.pop()
            if original is None:
                delattr(owner, method)
            else:
                setattr(owner, method, original)

    def instrument(self, memory: GraphMemory) -> None:
        """Time the pipeline's session-store calls and the phases of ingestion (the ingest
        service's steps are module functions: timed where ``aingest`` looks them up)."""
        store = memory.session_store
        self.time(store, "aread", "read sessions")
        self.time(store, "aget_watermark", "read / re-check watermarks")
        self.time(store, "aadvance_watermark", "advance watermarks")
        self.time(ingest_service, "_aplan", "ingest: plan (dedupe, chunk)")
        self.time(ingest_service, "aextract", "ingest: extract (LLM calls)")
        self.time(memory.resolver, "aresolve", "ingest: resolve entities")
        self.time(ingest_service, "abuild_ops", "ingest: embed facts, build ops")
        self.time(memory.graph_store, "aapply", "ingest: store write (1 txn)")

    def seconds(self) -> dict[str, float]:
        """Wall seconds per phase."""
        covered = {}
        for phase, spans in self.intervals.items():
            total, end = 0.0, float("-inf")
            for begin, finish in sorted(spans):
                if finish > end:
                    total += finish - max(begin, end)
                    end = finish
            covered[phase] = total
        return covered


@dataclass
class PromptLog:
    """Request sizes seen on the client's HTTP transport."""

    requests: int = 0
    chars: int = 0

    async def __call__(self, request: httpx.Request) -> None:
        if not request.url.path.endswith("/chat/completions"):
            return
        body = json.loads(request.content)
        self.requests += 1
        self.chars += sum(len(str(m.get("content") or "")) for m in body.get("messages", []))
        for extra in ("response_format", "tools"):
            if extra in body:
                self.chars += len(json.dumps(body[extra]))


@dataclass
class RunFigures:
    """One LLM run: the improve, the same chunks through the extractor alone, the rerun."""

    wall: float
    extractor_wall: float
    second_wall: float
    llm_calls: int
    server_calls: int
    max_in_flight: int
    prompt_chars: int
    result: PersistSessionsResult
    phases: dict[str, float]


async def _record(memory: GraphMemory, sessions: dict[str, list[Any]]) -> None:
    user = get_default_user_sync()
    store = memory.session_store
    for session_id, turns in sessions.items():
        for turn in turns:
            await store.aappend(user.id, session_id, turn)


async def _rendered(memory: GraphMemory, session_ids: list[str]) -> list[str]:
    """The chunk texts the pipeline extracts: each session's entries as it renders them."""
    user = get_default_user_sync()
    texts = []
    for session_id in session_ids:
        stored = await memory.session_store.aread(user.id, session_id)
        texts.append(render_entries(split_entries(session_id, stored.items)))
    return texts


async def _persist(memory: GraphMemory, session_ids: list[str]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = await memory.aimprove(DATASET, session_ids)
    return time.perf_counter() - start, result


async def run_llm(
    server: SubprocessLLMServer, sessions: dict[str, list[Any]], data_dir: Path
) -> RunFigures:
    """One improve of every session through the LLM, then a second one with nothing new; and,
    as the baseline, the same chunks through the extractor alone (no pipeline around it)."""
    log = PromptLog()
    client = httpx.AsyncClient(event_hooks={"request": [log]}, timeout=60)
    llm = server.chat_model(timeout=60, http_async_client=client)
    extractor = LLMGraphExtractor(llm, max_concurrency=CONCURRENCY, timeout=120)
    memory = GraphMemory(data_dir, llm=llm, extractor=extractor)
    await memory.aremember(SEED_TEXT, dataset=DATASET)  # the pipeline needs graph data
    await _record(memory, sessions)
    texts = await _rendered(memory, list(sessions))
    await memory.graph_store.astats([DATASET])  # warm: the store has loaded its graph
    calls_before, server_before = extractor.llm_calls, server.stats()["chat_requests"]
    log.requests = log.chars = 0
    timer = PhaseTimer()
    timer.instrument(memory)

    try:
        wall, result = await _persist(memory, list(sessions))
    finally:
        timer.restore()
    stats = server.stats()
    second_wall, second = await _persist(memory, list(sessions))
    assert second.entries_persisted == 0, second
    persisted = await memory.graph_store.alist_documents(DATASET, node_set=SESSIONS_NODE_SET)
    assert len(persisted) == len(sessions), "every session becomes one document"
    calls, prompt_chars = extractor.llm_calls - calls_before, log.chars
    start = time.perf_counter()
    await extractor.aextract(texts)
    extractor_wall = time.perf_counter() - start
    await memory.aclose()
    await client.aclose()
    return RunFigures(
        wall=wall,
        extractor_wall=extractor_wall,
        second_wall=second_wall,
        llm_calls=calls,
        server_calls=stats["chat_requests"] - server_before,
        max_in_flight=stats["max_in_flight"],
        prompt_chars=prompt_chars,
        result=result,
        phases=timer.seconds(),
    )


async def run_offline(
    sessions: dict[str, list[Any]], data_dir: Path
) -> tuple[float, dict[str, float]]:
    """The same improve with the offline extractor: the pipeline's own cost."""
    memory = GraphMemory(data_dir)
    await memory.aremember(SEED_TEXT, dataset=DATASET)
    await _record(memory, sessions)
    timer = PhaseTimer()
    timer.instrument(memory)
    wall, result = await _persist(memory, list(sessions))
    assert result.entries_persisted == sum(len(t) for t in sessions.values()), result
    await memory.aclose()
    return wall, timer.seconds()


def med(values: Sequence[float]) -> float:
    return statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument("--turns", type=int, default=10, help="Q&A entries per session")
    parser.add_argument("--latency", type=float, default=0.3, help="LLM latency in seconds")
    parser.add_argument("--runs", type=int, default=3, help="runs; medians reported")
    parser.add_argument(
        "--slow-latency",
        type=float,
        default=1.0,
        help="latency of one extra run showing the fixed per-call cost shrink (0: skip)",
    )
    parser.add_argument(
        "--markdown", type=Path, default=None, help="also write the README table to this file"
    )
    args = parser.parse_args()
    logging.getLogger("httpx").setLevel(logging.WARNING)  # wordllama turns on INFO logging
    sys.path.insert(0, str(REPO))  # tests.support is not installed
    from tests.support.llm_server import SubprocessLLMServer

    sessions = generate_sessions(args.sessions, args.turns)
    entries = args.sessions * args.turns
    entry_chars = [len(t[0].content) + len(t[1].content) for ts in sessions.values() for t in ts]

    runs: list[RunFigures] = []
    offline: list[tuple[float, dict[str, float]]] = []
    slow: RunFigures | None = None
    with tempfile.TemporaryDirectory() as tmp:
        GraphMemory(Path(tmp) / "warm").embeddings.embed_documents(["load the model once"])
        with SubprocessLLMServer(latency=args.latency) as server:
            for run in range(args.runs):
                runs.append(asyncio.run(run_llm(server, sessions, Path(tmp) / f"llm{run}")))
                offline.append(asyncio.run(run_offline(sessions, Path(tmp) / f"offline{run}")))
        if args.slow_latency > 0:
            with SubprocessLLMServer(latency=args.slow_latency) as server:
                slow = asyncio.run(run_llm(server, sessions, Path(tmp) / "slow"))

    calls = runs[0].llm_calls
    rounds = -(-calls // CONCURRENCY)  # whole rounds of concurrent calls

    def ideal(latency: float) -> float:
        return calls / CONCURRENCY * latency

    wall = med([r.wall for r in runs])
    alone = med([r.extractor_wall for r in runs])
    second = med([r.second_wall for r in runs])
    offline_wall = med([o[0] for o in offline])
    prompt_tokens = med([r.prompt_chars / 4 for r in runs])
    result = runs[0].result
    ms = args.latency * 1000
    runs_s = ", ".join(f"{r.wall:.2f}" for r in runs)

    rows = [
        (
            f"wall time, one `aimprove` of all sessions, median of {args.runs} runs",
            f"**{wall:.2f} s** (runs {runs_s} s)",
            "-",
        ),
        (
            f"ideal: {calls} calls ÷ {CONCURRENCY} in flight × {ms:.0f} ms",
            f"{ideal(args.latency):.2f} s ({rounds} whole rounds: {rounds * args.latency:.2f} s)",
            "-",
        ),
        ("**wall ÷ ideal**", f"**{wall / ideal(args.latency):.2f}×**", "≤ 1.2×"),
        (
            f"baseline: the same {calls} chunks through `LLMGraphExtractor` alone, median",
            f"{alone:.2f} s = {alone / ideal(args.latency):.2f}× ideal; the pipeline adds "
            f"{wall - alone:.2f} s",
            "-",
        ),
    ]
    if slow is not None:
        slow_ideal = ideal(args.slow_latency)
        rows.append(
            (
                f"same improve at {args.slow_latency * 1000:.0f} ms latency, 1 run",
                f"{slow.wall:.2f} s = **{slow.wall / slow_ideal:.2f}×** ideal "
                f"({slow_ideal:.2f} s); extractor alone {slow.extractor_wall / slow_ideal:.2f}×",
                "≤ 1.2×",
            )
        )
    rows += [
        (
            "LLM calls, counted by the extractor / by the scripted server",
            f"**{calls}** / {runs[0].server_calls} = {calls / entries:.2f} per Q&A entry "
            f"(max in flight {runs[0].max_in_flight})",
            "≤ 100",
        ),
        (
            "prompt tokens (characters ÷ 4 of each request)",
            f"{prompt_tokens:,.0f} = **{prompt_tokens / entries:.0f} per entry** "
            f"({prompt_tokens / max(calls, 1):,.0f} per call)",
            "-",
        ),
        (
            f"offline wall (no LLM, same pipeline), median of {args.runs}",
            f"{offline_wall:.2f} s",
            "-",
        ),
        ("second run, nothing new, median", f"{second * 1000:.1f} ms", "persists 0"),
        (
            "graph written",
            f"{result.documents_added} documents, {result.chunks_added} chunks, "
            f"{result.nodes_added} entities, {result.edges_added} relations",
            "-",
        ),
    ]
    title = (
        f"improve of {args.sessions} sessions x {args.turns} Q&A ({entries} entries, "
        f"{min(entry_chars)}-{max(entry_chars)} chars each, median {med(entry_chars):.0f}); "
        f"scripted LLM latency {ms:.0f} ms, max_concurrency {CONCURRENCY}; median of "
        f"{args.runs} runs"
    )
    table = ["| measure | value | target |", "|---|---|---|"]
    table += [f"| {measure} | {value} | {target} |" for measure, value, target in rows]
    phases = [
        "| phase (median seconds it was running; phases overlap) | LLM run | offline run |",
        "|---|---|---|",
    ]
    for phase in runs[0].phases:
        llm_s = med([r.phases.get(phase, 0.0) for r in runs])
        off_s = med([o[1].get(phase, 0.0) for o in offline])
        phases.append(f"| {phase} | {llm_s:.2f} | {off_s:.2f} |")

    print(title + "\n")
    print("\n".join(table))
    print()
    print("\n".join(phases))
    print(f"\n{COGNEE_REFERENCE}")
    print(
        f"\nSUMMARY improve {args.sessions}x{args.turns}: wall {wall:.2f} s = "
        f"{wall / ideal(args.latency):.2f}x ideal ({ideal(args.latency):.2f} s; target <= 1.2x; "
        f"extractor alone {alone / ideal(args.latency):.2f}x), {calls} LLM calls "
        f"({calls / entries:.2f}/entry; target <= 100), "
        f"{prompt_tokens / entries:.0f} prompt tokens/entry, offline {offline_wall:.2f} s, "
        f"second run {second * 1000:.0f} ms"
    )
    if args.markdown is not None:
        args.markdown.write_text(f"{title}.\n\n" + "\n".join(table) + f"\n\n{COGNEE_REFERENCE}\n")


if __name__ == "__main__":
    main()
