"""Regenerate the README's benchmark tables from the benchmarks' own output, in one command.

Runs each benchmark script at its published size with ``--markdown FILE`` (the script writes the
table it measured to FILE), then replaces that benchmark's block in the README's
``## Benchmarks`` section: the text between ``<!-- bench:NAME -->`` and the next
``<!-- /bench -->``. Every block starts with a stamp line: the script, when it ran, how long it
took, the machine (cores, CPU model from ``/proc/cpuinfo``, Python version) and its 1-minute load
average at the start and the end (the machine may be shared). Nothing outside
the markers is touched, and nothing outside the ``## Benchmarks`` section.

Run from the repository root::

    .venv/bin/python benchmarks/readme_tables.py                       # every benchmark (~10 min)
    .venv/bin/python benchmarks/readme_tables.py --only session_cache  # one block, for development
    .venv/bin/python benchmarks/readme_tables.py --dry-run             # print, leave README alone

There is no option to shrink the benchmarks: the README shows the published sizes only. A
benchmark that fails leaves its block as it was (its stamp still says when that was measured) and
the command exits with status 1. Each script's full output is kept in ``--log-dir``.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SECTION = "## Benchmarks"
END_MARKER = "<!-- /bench -->"


@dataclass(frozen=True)
class Benchmark:
    name: str
    title: str
    script: str
    args: tuple[str, ...] = ()
    note: str = ""
    """What the figures are, printed under the stamp."""


BENCHMARKS = (
    Benchmark(
        "memory_quality",
        "Memory quality",
        "memory_quality.py",
        note="LoCoMo development split (5 conversations, 760 scored questions; `--data PATH` to "
        "point at it), offline: evidence recall within a reading budget of 200 / 500 / 1,000 "
        "words, each returned turn showing its date; one run (recall is deterministic).",
    ),
    Benchmark(
        "time_and_change",
        "Time and change",
        "time_and_change.py",
        note="Fixture `benchmarks/data/time_and_change.json`: 12 invented conversations in one "
        "dataset (349 turns, 141 questions, 46 dated facts), ingested one session at a time in a "
        "seeded shuffled order on both paths; evidence recall within 200 words, the share of "
        "questions where a superseded turn comes first, and dates resolved within their grain; "
        "the same on `benchmarks/data/time_and_change_heldout.json` (12 conversations, 428 "
        "turns, 167 questions, 97 dated facts, written independently and never tuned on); "
        "then LoCoMo's development split (memory_quality.py's metric). Offline, one run.",
    ),
    Benchmark(
        "index_freshness",
        "Index freshness",
        "index_freshness.py",
        note="Search latency in one large dataset, and the first search after one more "
        "`remember`, against loading the whole index when a memory is opened.",
    ),
    Benchmark(
        "session_cache",
        "Session cache",
        "session_cache.py",
        note="Redis 7 on loopback. Ours against langchain-community and two raw redis-py rows: "
        "LangChain's own codec, and the bytes alone (the floor of the Redis path).",
    ),
    Benchmark(
        "remember",
        "Knowledge graph: remember, memory, import, chat-model calls",
        "remember.py",
        note="Offline defaults (SQLite graph store, offline extractor, WordLlama embeddings); the "
        "LLM rows talk to the scripted OpenAI-compatible server in a child process.",
    ),
    Benchmark(
        "improve",
        "Persisting sessions: `improve`",
        "improve.py",
        note="A real `ChatOpenAI` against the scripted server in a child process, which answers "
        "every request after the stated latency.",
    ),
    Benchmark(
        "cold_start",
        "Opening a large memory: cold start and footprint",
        "cold_start.py",
        note="Synthetic memories of 10,000 and 100,000 chunks (each a document with a summary, "
        "three entities and two facts) in the embedded SQLite store; the index snapshot in the "
        "data dir against loading every record from the store.",
    ),
    Benchmark(
        "scale_out",
        "Scaling out: worker processes on PostgreSQL and on the embedded store",
        "scale_out.py",
        note="PostgreSQL 15 and the embedded SQLite store on the same machine, 1, 2 and 4 worker "
        "processes, remembering with the offline extractor and then through a chat model (a "
        "scripted server on loopback answering after 300 ms); the embedded store is the baseline "
        "of every ratio.",
    ),
    Benchmark(
        "retrieval",
        "Retrieval engine at scale",
        "retrieval.py",
        note="Synthetic corpora of 10,000 and 100,000 chunks (each with a summary and two facts), "
        "the search engine alone.",
    ),
)
NAMES = tuple(b.name for b in BENCHMARKS)


# -- the README ------------------------------------------------------------------------------------
def section_bounds(text: str) -> tuple[int, int]:
    """Start and end offsets of the ``## Benchmarks`` section (up to the next ``## `` heading)."""
    match = re.search(rf"^{re.escape(SECTION)}[ \t]*$", text, re.MULTILINE)
    if match is None:
        raise ValueError(f"no '{SECTION}' heading in the README")
    following = re.search(r"^## ", text[match.end() :], re.MULTILINE)
    end = match.end() + following.start() if following else len(text)
    return match.start(), end


def replace_block(text: str, name: str, content: str) -> str:
    """``text`` with the block ``name`` of its Benchmarks section holding ``content``.

    The block is everything between ``<!-- bench:NAME -->`` and the next ``<!-- /bench -->``;
    the markers stay, and the content is put on lines of its own between them. A missing or
    repeated marker is an error rather than a silent no-op.
    """
    start, end = section_bounds(text)
    section = text[start:end]
    opening = f"<!-- bench:{name} -->"
    count = section.count(opening)
    if count != 1:
        raise ValueError(
            f"the {SECTION} section has {count} '{opening}' markers; it needs exactly one"
        )
    begin = section.index(opening) + len(opening)
    close = section.find(END_MARKER, begin)
    if close < 0:
        raise ValueError(f"'{opening}' has no closing '{END_MARKER}'")
    if "<!-- bench:" in section[begin:close]:
        raise ValueError(f"'{opening}' is closed only after another block opens")
    body = "\n" + content.strip("\n") + "\n"
    return text[:start] + section[:begin] + body + section[close:] + text[end:]


# -- the machine -----------------------------------------------------------------------------------
def cpu_model(cpuinfo: str | None = None) -> str:
    """The CPU model named by ``/proc/cpuinfo`` (``platform.processor()`` when it is absent)."""
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text()
        except OSError:
            cpuinfo = ""
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "model name" and value.strip():
            return value.strip()
    return platform.processor() or "unknown CPU"


def machine() -> str:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{cores} cores, {cpu_model()}, Python {platform.python_version()}"


def stamp(
    benchmark: Benchmark, when: datetime, seconds: float, host: str, load: tuple[float, float]
) -> str:
    """The block's first line: what ran, when, for how long, where, and how busy the machine was
    (1-minute load average at the start and the end: other work shares the cores)."""
    return (
        f"**{benchmark.title}** — `benchmarks/{benchmark.script}`, run "
        f"{when:%Y-%m-%d %H:%M} UTC ({seconds:.0f} s) on {host}; load average "
        f"{load[0]:.1f} → {load[1]:.1f}. {benchmark.note}"
    )


# -- running ---------------------------------------------------------------------------------------
def run(benchmark: Benchmark, extra: list[str], log_dir: Path) -> tuple[str | None, float]:
    """Run one benchmark; its markdown, or ``None`` when it failed, and the seconds it took."""
    markdown = log_dir / f"{benchmark.name}.md"
    markdown.unlink(missing_ok=True)
    log = log_dir / f"{benchmark.name}.log"
    command = [
        sys.executable,
        str(REPO / "benchmarks" / benchmark.script),
        *benchmark.args,
        *extra,
        "--markdown",
        str(markdown),
    ]
    print(f"== {benchmark.name}: {' '.join(command[1:])}", flush=True)
    started = time.perf_counter()
    with log.open("w") as out:
        process = subprocess.Popen(
            command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        assert process.stdout is not None
        for line in process.stdout:
            out.write(line)
            print(f"   {line}", end="", flush=True)
        status = process.wait()
    seconds = time.perf_counter() - started
    if status != 0 or not markdown.is_file():
        print(f"== {benchmark.name} FAILED (exit {status}); full output: {log}", flush=True)
        return None, seconds
    print(f"== {benchmark.name} done in {seconds:.0f} s", flush=True)
    return markdown.read_text(), seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only",
        action="append",
        choices=NAMES,
        help="run only this benchmark (repeatable); default: all, in README order",
    )
    parser.add_argument("--readme", type=Path, default=REPO / "README.md")
    parser.add_argument("--dry-run", action="store_true", help="print the blocks, keep README")
    parser.add_argument("--log-dir", type=Path, default=None, help="keep each script's output")
    parser.add_argument("--redis-url", default=None, help="passed to session_cache.py")
    parser.add_argument("--data", default=None, help="LoCoMo file for the LoCoMo benchmarks")
    args = parser.parse_args()

    selected = [b for b in BENCHMARKS if not args.only or b.name in args.only]
    text = args.readme.read_text()
    for benchmark in selected:  # fail before an hour of measuring, not after
        replace_block(text, benchmark.name, "check")
    log_dir = args.log_dir or Path(tempfile.mkdtemp(prefix="readme_tables_"))
    log_dir.mkdir(parents=True, exist_ok=True)
    host = machine()
    print(f"machine: {host}; logs in {log_dir}", flush=True)

    started = time.perf_counter()
    failed = []
    for benchmark in selected:
        extra = []
        if benchmark.name == "session_cache" and args.redis_url:
            extra = ["--redis-url", args.redis_url]
        if benchmark.name in ("memory_quality", "index_freshness") and args.data:
            extra = ["--data", args.data]
        when, load_before = datetime.now(UTC), os.getloadavg()[0]
        markdown, seconds = run(benchmark, extra, log_dir)
        if markdown is None:
            failed.append(benchmark.name)
            continue
        load = (load_before, os.getloadavg()[0])
        block = stamp(benchmark, when, seconds, host, load) + "\n\n" + markdown
        if args.dry_run:
            print(f"\n<!-- bench:{benchmark.name} -->\n{block}{END_MARKER}\n")
        else:
            # Re-read and write after each benchmark: a later failure keeps what was measured,
            # and an edit made to the rest of the README meanwhile is not overwritten.
            text = replace_block(args.readme.read_text(), benchmark.name, block)
            args.readme.write_text(text)
    total = time.perf_counter() - started
    done = len(selected) - len(failed)
    where = "printed above" if args.dry_run else f"written to {args.readme}"
    print(f"\n{done} of {len(selected)} tables {where} in {total:.0f} s; logs in {log_dir}")
    if failed:
        print(f"FAILED, blocks left as they were: {', '.join(failed)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
