"""Issue 12: after ``asyncio.run(main())`` that used a memory with a Redis session store, Python
warned ``ResourceWarning: unclosed Connection`` / ``Event loop is closed``.

The causes: an async client left open when its event loop closed (no ``close()``), and the
client of the sync bridge's loop (sync methods) dropped unclosed by ``close()`` / ``aclose()``.
Each case runs in a fresh interpreter with ResourceWarnings as errors, and its stderr must be
empty: every warning of a collected connection is printed there ("Exception ignored in ...").
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest
import redis

pytestmark = pytest.mark.redis

REPO = Path(__file__).resolve().parents[2]
# What a connection collected unclosed prints.
UNCLOSED = re.compile(r"ResourceWarning|[Uu]nclosed|Event loop is closed")

SCRIPT = textwrap.dedent(
    """
    import asyncio, sys
    from cognee_langchain import GraphMemory
    from cognee_langchain.core.settings import Settings
    from tests.unit.test_memory_support import BagOfWordsEmbeddings

    data_dir, url, namespace, how = sys.argv[1:]

    def open_memory():
        return GraphMemory(
            data_dir,
            session_store=url,
            session_namespace=namespace,
            embeddings=BagOfWordsEmbeddings(),
            settings=Settings(),
        )

    async def use(memory):
        await memory.aremember("Alice leads Acme. Acme builds rockets.")
        if "async" in how.split("+"):
            await memory.arecall("Who leads Acme?", session_id="async_session")
        if "sync" in how.split("+"):  # sync methods inside async code: the bridge's loop
            memory.recall("Who leads Acme?", session_id="sync_session")

    async def main():
        if "global" in how:  # alive until the interpreter exits, never closed
            await use(MEMORY)
        elif "async_with" in how:
            async with open_memory() as memory:
                await use(memory)
        elif "with" in how:
            with open_memory() as memory:  # sync close() on the running loop
                await use(memory)
        else:
            memory = open_memory()
            await use(memory)
            if "aclose" in how:
                await memory.aclose()
            elif "close" in how:
                memory.close()

    if how == "plain_sync":  # no event loop of the caller's: only the bridge's
        MEMORY = open_memory()
        MEMORY.remember("Alice leads Acme.")
        MEMORY.recall("Who leads Acme?", session_id="sync_session")
    else:
        if "global" in how:
            MEMORY = open_memory()
        asyncio.run(main())
    """
)


@pytest.mark.parametrize(
    "how",
    [
        "async",  # no close at all
        "sync",
        "async+sync",
        "async+sync+aclose",
        "async+sync+close",
        "async+sync+with",
        "async+sync+async_with",
        "async+sync+global",
        "plain_sync",
    ],
)
def test_no_unclosed_connection_warning_after_asyncio_run(
    redis_url: str, tmp_path: Path, how: str
) -> None:
    namespace = f"unclosed_{uuid.uuid4().hex[:12]}"
    try:
        proc = subprocess.run(
            [
                sys.executable,
                "-W",
                "error::ResourceWarning",
                "-c",
                SCRIPT,
                str(tmp_path / "data"),
                redis_url,
                namespace,
                how,
            ],
            capture_output=True,
            text=True,
            cwd=REPO,
            timeout=120,
        )
    finally:
        client = redis.Redis.from_url(redis_url)
        keys = list(client.scan_iter(match=f"cognee_langchain:{namespace}:*"))
        if keys:
            client.delete(*keys)
        client.close()
    assert proc.returncode == 0, proc.stderr
    assert keys, "the script never wrote a session: the case tested nothing"
    assert not UNCLOSED.search(proc.stderr), proc.stderr
    # Nothing else either: a memory alive until exit once printed "Exception ignored in:
    # WeakMethod ... '_alive'" from the fork callbacks (core/forks.py).
    assert proc.stderr == "", proc.stderr
