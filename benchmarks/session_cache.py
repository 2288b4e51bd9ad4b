"""Session cache benchmark: our stores against langchain-community and two raw redis-py rows.

Rows (each says what it does, see ``ROW_NOTES``):

* ours on Redis (sync and async clients): one Lua round trip per append; reads decode with the
  package's codec (orjson, messages rebuilt without re-running pydantic validation, the garbage
  collector paused while a large batch is decoded);
* ours on SQLite (WAL file), same codec;
* langchain-community ``RedisChatMessageHistory`` (one LPUSH per message, LRANGE + ``json.loads``
  + ``messages_from_dict``);
* raw redis-py with LangChain's own codec: RPUSH of ``json.dumps(message_to_dict(m))``; LRANGE +
  ``json.loads`` + the validating ``messages_from_dict`` — what a hand-written history does;
* raw redis-py, bytes only — the floor of the Redis path: RPUSH of records encoded before the
  clock starts; LRANGE returning the bytes, nothing decoded. No history can be faster than this
  row; its reads return bytes, not messages.

Every metric is measured for all rows in interleaved rounds, so load on the machine hits all rows
alike; figures are medians of the samples of one run.

Columns: one-turn (2 messages) append p50/p95; 1,000-message bulk append; read of 1k and 10k
messages; throughput of 16 writers on 16 sessions; share of turns left adjacent when 8 writers
append to one session.

Run:  .venv/bin/python benchmarks/session_cache.py [--redis-url redis://127.0.0.1:6379/0]
      [--markdown PATH]   (also write the README table to PATH)
Keys live under a unique prefix and are deleted at the end; SQLite uses a temporary directory.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import tempfile
import threading
import time
import uuid
import warnings
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import redis
from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    HumanMessage,
    message_to_dict,
    messages_from_dict,
)

from cognee_langchain.sessions import RedisSessionStore, SessionStore, SQLiteSessionStore

# langchain-community announces its sunset on import; the notice is noise in this table.
warnings.filterwarnings("ignore", category=DeprecationWarning)
from langchain_community.chat_message_histories import RedisChatMessageHistory  # noqa: E402

APPEND_ROUNDS, APPENDS_PER_ROUND = 5, 200
BULK_ROUNDS, READ_1K_ROUNDS, READ_10K_ROUNDS = 5, 7, 5
CONCURRENT_SESSIONS, CONCURRENT_TURNS = 16, 30
ADJACENCY_WRITERS, ADJACENCY_TURNS = 8, 30
USER = "bench-user"


def make_turn(label: str) -> list[BaseMessage]:
    """A realistic turn: a question, and an answer with provider metadata and token usage."""
    return [
        HumanMessage(f"{label}: what does Acme's rocket division build, and since when?", id=label),
        AIMessage(
            f"{label}: Acme's rocket division builds reusable launch vehicles. " * 6,
            id=f"run-{label}",
            response_metadata={
                "model_name": "gpt-4o-mini-2024-07-18",
                "finish_reason": "stop",
                "system_fingerprint": "fp_0ba0d124f1",
            },
            usage_metadata={"input_tokens": 412, "output_tokens": 96, "total_tokens": 508},
        ),
    ]


def make_messages(count: int, label: str) -> list[BaseMessage]:
    return [m for i in range(count // 2) for m in make_turn(f"{label}-{i}")]


# -- the rows -------------------------------------------------------------------------------------
@dataclass
class Row:
    """One contender: how it appends and reads; async rows return awaitables."""

    name: str
    append: Callable[[str, Sequence[BaseMessage]], Any]
    read: Callable[[str], Any]
    is_async: bool = False
    prepare: Callable[[Sequence[BaseMessage]], None] | None = None
    """Work done before the clock starts (the floor row encodes its records here)."""
    decode: Callable[[Any], list[BaseMessage]] | None = None
    """Turns what ``read`` returned into messages, untimed (for the checks of the floor row)."""
    samples: dict[str, list[float]] = field(default_factory=dict)

    def session(self, name: str) -> str:
        """A session id of this row (rows may share a store, never a session)."""
        return re.sub(r"[^a-z0-9]+", "-", f"{self.name} {name}".lower())

    def record(self, metric: str, values: Sequence[float]) -> None:
        self.samples.setdefault(metric, []).extend(values)

    def ready(self, messages: Sequence[BaseMessage]) -> None:
        """Run the untimed preparation of ``messages``, if this row has one."""
        if self.prepare is not None:
            self.prepare(messages)

    def messages(self, result: Any) -> list[BaseMessage]:
        """What a read returned, as messages (decoded untimed for the floor row)."""
        return self.decode(result) if self.decode is not None else result


class AsyncRunner:
    """One long-lived event loop for the async row (its Redis client is bound to that loop)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()

    def run(self, coroutine: Awaitable[Any]) -> Any:
        return self.loop.run_until_complete(coroutine)

    def close(self) -> None:
        self.loop.close()


LANGCHAIN_CODEC = "redis-py + LangChain's codec"
FLOOR = "redis-py bytes, no codec (floor)"
OURS_REDIS = "ours Redis (sync)"

ROW_NOTES = {
    OURS_REDIS: "one Lua script (one round trip) per append, atomic, so a turn's messages stay "
    "adjacent; reads decode with orjson and rebuild messages without re-running pydantic "
    "validation, the garbage collector paused while a large batch is decoded",
    "ours Redis (async)": "the same store through its asyncio client",
    "ours SQLite": "one transaction per append in a WAL file, same codec as ours on Redis",
    "langchain-community Redis": "`RedisChatMessageHistory`: one LPUSH round trip per message; "
    "LRANGE + `json.loads` + `messages_from_dict`",
    LANGCHAIN_CODEC: "RPUSH of `json.dumps(message_to_dict(m))` in one round trip; LRANGE + "
    "`json.loads` + `messages_from_dict` (LangChain's own codec, validating)",
    FLOOR: "RPUSH of records encoded before the clock starts; LRANGE returning the bytes, "
    "nothing decoded: the network and Redis alone, the floor of any Redis-backed history",
}


def langchain_codec_row(client: redis.Redis, prefix: str) -> Row:
    def append(session: str, messages: Sequence[BaseMessage]) -> None:
        client.rpush(
            f"{prefix}:lc-codec:{session}", *[json.dumps(message_to_dict(m)) for m in messages]
        )

    def read(session: str) -> list[BaseMessage]:
        raw = client.lrange(f"{prefix}:lc-codec:{session}", 0, -1)
        return messages_from_dict([json.loads(item) for item in raw])

    return Row(LANGCHAIN_CODEC, append, read)


def floor_row(client: redis.Redis, prefix: str) -> Row:
    encoded: dict[int, tuple[BaseMessage, bytes]] = {}  # id(message) -> (message, its record)

    def prepare(messages: Sequence[BaseMessage]) -> None:
        for message in messages:
            if id(message) not in encoded:  # the message is kept alive, so its id stays unique
                encoded[id(message)] = (message, json.dumps(message_to_dict(message)).encode())

    def append(session: str, messages: Sequence[BaseMessage]) -> None:
        client.rpush(f"{prefix}:floor:{session}", *[encoded[id(m)][1] for m in messages])

    def read(session: str) -> list[bytes]:
        return client.lrange(f"{prefix}:floor:{session}", 0, -1)

    def decode(records: list[bytes]) -> list[BaseMessage]:
        return messages_from_dict([json.loads(item) for item in records])

    return Row(FLOOR, append, read, prepare=prepare, decode=decode)


def community_row(url: str, prefix: str) -> Row:
    histories: dict[str, RedisChatMessageHistory] = {}

    def history(session: str) -> RedisChatMessageHistory:
        if session not in histories:
            histories[session] = RedisChatMessageHistory(
                session, url=url, key_prefix=f"{prefix}:lc:"
            )
        return histories[session]

    return Row(
        "langchain-community Redis",
        lambda session, messages: history(session).add_messages(messages),
        lambda session: history(session).messages,
    )


def store_row(name: str, store: SessionStore) -> Row:
    return Row(
        name,
        lambda session, messages: store.append(USER, session, messages),
        lambda session: store.read(USER, session).messages,
    )


def async_store_row(store: SessionStore) -> Row:
    async def read(session: str) -> list[BaseMessage]:
        return (await store.aread(USER, session)).messages

    return Row(
        "ours Redis (async)",
        lambda session, messages: store.aappend(USER, session, messages),
        read,
        is_async=True,
    )


# -- measurements ---------------------------------------------------------------------------------
def timed(row: Row, runner: AsyncRunner, calls: Sequence[Callable[[], Any]]) -> list[float]:
    """Seconds taken by each call, timed inside the event loop for async rows."""
    if not row.is_async:
        out = []
        for call in calls:
            start = time.perf_counter()
            call()
            out.append(time.perf_counter() - start)
        return out

    async def run_all() -> list[float]:
        out = []
        for call in calls:
            start = time.perf_counter()
            await call()
            out.append(time.perf_counter() - start)
        return out

    return list(runner.run(run_all()))


def concurrently(row: Row, runner: AsyncRunner, jobs: Sequence[Callable[[], Any]]) -> float:
    """Wall seconds for ``jobs`` run at once (threads, or tasks for async rows)."""
    if row.is_async:

        async def gather() -> None:
            await asyncio.gather(*(job() for job in jobs))

        start = time.perf_counter()
        runner.run(gather())
        return time.perf_counter() - start
    barrier = threading.Barrier(len(jobs) + 1)

    def run(job: Callable[[], Any]) -> None:
        barrier.wait()
        job()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start


def writer(row: Row, session: str, label: str, turns: int) -> Callable[[], Any]:
    """A job appending ``turns`` turns one after another."""
    batches = [make_turn(f"{label}/{t}") for t in range(turns)]
    for batch in batches:
        row.ready(batch)
    if row.is_async:

        async def run_async() -> None:
            for batch in batches:
                await row.append(session, batch)

        return run_async

    def run() -> None:
        for batch in batches:
            row.append(session, batch)

    return run


def adjacency(messages: list[BaseMessage]) -> float:
    """Share of turns whose question is immediately followed by its own answer."""
    questions = {i: m for i, m in enumerate(messages) if isinstance(m, HumanMessage)}
    adjacent = sum(
        1
        for i, question in questions.items()
        if i + 1 < len(messages) and messages[i + 1].id == f"run-{question.id}"
    )
    return adjacent / max(1, len(questions))


def measure(rows: list[Row], runner: AsyncRunner) -> None:
    """Fill every row's samples; each metric runs for all rows in interleaved rounds."""

    def settle(row: Row, result: Any) -> Any:
        return runner.run(result) if row.is_async else result

    run = uuid.uuid4().hex[:6]
    turn = make_turn("t")
    bulk = make_messages(1000, "bulk")
    reads = {size: make_messages(size, f"r{size}") for size in (1000, 10_000)}
    for row in rows:
        for messages in (turn, bulk, *reads.values()):
            row.ready(messages)
    for row in rows:  # warm up connections, scripts and caches
        for _ in range(20):
            settle(row, row.append(row.session(f"warm-{run}"), turn))
        settle(row, row.read(row.session(f"warm-{run}")))

    for round_ in range(APPEND_ROUNDS):
        for row in rows:
            append = partial(row.append, row.session(f"turns-{run}-{round_}"), turn)
            row.record("append", timed(row, runner, [append] * APPENDS_PER_ROUND))

    for round_ in range(BULK_ROUNDS):
        for row in rows:
            append = partial(row.append, row.session(f"bulk-{run}-{round_}"), bulk)
            row.record("bulk", timed(row, runner, [append]))

    for size, rounds in ((1000, READ_1K_ROUNDS), (10_000, READ_10K_ROUNDS)):
        messages = reads[size]
        for row in rows:
            session = row.session(f"read{size}-{run}")
            for offset in range(0, size, 1000):
                settle(row, row.append(session, messages[offset : offset + 1000]))
            assert len(row.messages(settle(row, row.read(session)))) == size, row.name
        for _ in range(rounds):
            for row in rows:
                read = partial(row.read, row.session(f"read{size}-{run}"))
                row.record(f"read{size}", timed(row, runner, [read]))

    for row in rows:
        jobs = [
            writer(row, row.session(f"conc-{run}-{s}"), f"c{s}", CONCURRENT_TURNS)
            for s in range(CONCURRENT_SESSIONS)
        ]
        seconds = concurrently(row, runner, jobs)
        row.record("throughput", [CONCURRENT_SESSIONS * CONCURRENT_TURNS / seconds])

    for row in rows:
        session = row.session(f"adjacent-{run}")
        jobs = [writer(row, session, f"w{w}", ADJACENCY_TURNS) for w in range(ADJACENCY_WRITERS)]
        concurrently(row, runner, jobs)
        messages = row.messages(settle(row, row.read(session)))
        assert len(messages) == 2 * ADJACENCY_WRITERS * ADJACENCY_TURNS, row.name
        row.record("adjacent", [adjacency(messages)])


# -- report ---------------------------------------------------------------------------------------
def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


NAME_WIDTH = 36


def report(rows: list[Row]) -> str:
    header = (
        f"{'row':<{NAME_WIDTH}}{'append p50':>12}{'append p95':>12}{'bulk 1k':>10}"
        f"{'read 1k':>10}{'read 10k':>10}{'16-session':>12}{'adjacent':>10}"
    )
    units = (
        f"{'':<{NAME_WIDTH}}{'µs':>12}{'µs':>12}{'ms':>10}{'ms':>10}{'ms':>10}{'turns/s':>12}"
        f"{'8 writers':>10}"
    )
    lines = [header, units, "-" * len(header)]
    for row in rows:
        s = row.samples
        lines.append(
            f"{row.name:<{NAME_WIDTH}}{statistics.median(s['append']) * 1e6:>12.0f}"
            f"{percentile(s['append'], 0.95) * 1e6:>12.0f}"
            f"{statistics.median(s['bulk']) * 1e3:>10.2f}"
            f"{statistics.median(s['read1000']) * 1e3:>10.2f}"
            f"{statistics.median(s['read10000']) * 1e3:>10.1f}"
            f"{s['throughput'][0]:>12.0f}{s['adjacent'][0]:>10.1%}"
        )
    lines.append("")
    lines += [f"{name}: {note}" for name, note in ROW_NOTES.items()]
    return "\n".join(lines)


def _ratio(rows: list[Row], metric: str, of: str, to: str) -> float:
    by_name = {row.name: row.samples for row in rows}
    return statistics.median(by_name[of][metric]) / statistics.median(by_name[to][metric])


def summary(rows: list[Row]) -> str:
    by_name = {row.name: row.samples for row in rows}
    community, sqlite = by_name["langchain-community Redis"], by_name["ours SQLite"]
    ours_adjacent = min(row.samples["adjacent"][0] for row in rows if row.name.startswith("ours"))

    def both(metric: str) -> str:
        return (
            f"{_ratio(rows, metric, OURS_REDIS, FLOOR):.2f}x floor, "
            f"{_ratio(rows, metric, OURS_REDIS, LANGCHAIN_CODEC):.2f}x LangChain codec"
        )

    return (
        f"SUMMARY ours Redis: append p50 {both('append')} | bulk 1k {both('bulk')}, "
        f"{_ratio(rows, 'bulk', 'langchain-community Redis', OURS_REDIS):.1f}x faster than "
        f"community | read 10k {both('read10000')} | adjacent ours {ours_adjacent:.0%} vs "
        f"community {community['adjacent'][0]:.1%} | SQLite append p50 "
        f"{statistics.median(sqlite['append']) * 1e3:.3f} ms"
    )


def markdown(rows: list[Row]) -> str:
    """The README's table: every row, then ours on Redis against both raw rows."""

    def cells(samples: dict[str, list[float]]) -> list[str]:
        return [
            f"{statistics.median(samples['append']) * 1e6:,.0f} µs",
            f"{statistics.median(samples['bulk']) * 1e3:,.1f} ms",
            f"{statistics.median(samples['read10000']) * 1e3:,.1f} ms",
            f"{samples['throughput'][0]:,.0f} turns/s",
            f"{samples['adjacent'][0]:.1%}",
        ]

    lines = [
        "| row | one-turn append p50 | bulk 1,000 msgs | read 10k msgs | 16 writers, 16 sessions "
        "| turns adjacent, 8 writers on one session |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(f"| {row.name} | " + " | ".join(cells(row.samples)) + " |")
    for baseline in (FLOOR, LANGCHAIN_CODEC):
        ratios = [
            f"{_ratio(rows, metric, OURS_REDIS, baseline):.2f}×"
            for metric in ("append", "bulk", "read10000")
        ]
        lines.append(f"| *{OURS_REDIS} ÷ {baseline}* | " + " | ".join(ratios) + " | | |")
    lines.append("")
    lines.append(
        "Times are medians of the samples of one run (append: "
        f"{APPEND_ROUNDS} × {APPENDS_PER_ROUND} calls; bulk: {BULK_ROUNDS}; read 10k: "
        f"{READ_10K_ROUNDS}), all rows interleaved; a ratio below 1 is faster. What each row does:"
    )
    lines.append("")
    lines += [f"- *{name}*: {note}." for name, note in ROW_NOTES.items()]
    return "\n".join(lines) + "\n"


@contextmanager
def contenders(url: str) -> Iterator[tuple[list[Row], AsyncRunner]]:
    prefix = f"bench_{uuid.uuid4().hex[:10]}"
    client = redis.Redis.from_url(url)
    runner = AsyncRunner()
    redis_store = RedisSessionStore(url, prefix=prefix)
    with tempfile.TemporaryDirectory() as directory:
        sqlite_store = SQLiteSessionStore(Path(directory) / "sessions.sqlite")
        rows = [
            store_row(OURS_REDIS, redis_store),
            async_store_row(redis_store),
            store_row("ours SQLite", sqlite_store),
            community_row(url, prefix),
            langchain_codec_row(client, prefix),
            floor_row(client, prefix),
        ]
        try:
            yield rows, runner
        finally:
            runner.run(redis_store.aclose())
            runner.close()
            sqlite_store.close()
            keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
            for start in range(0, len(keys), 1000):
                client.delete(*keys[start : start + 1000])
            client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument(
        "--markdown", type=Path, default=None, help="also write the README table to this file"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    with contenders(args.redis_url) as (rows, runner):
        measure(rows, runner)
    print(report(rows))
    print(f"(measured in {time.perf_counter() - started:.0f} s)")
    print(summary(rows))
    if args.markdown is not None:
        args.markdown.write_text(markdown(rows))


if __name__ == "__main__":
    main()
