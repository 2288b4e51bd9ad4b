"""The README blocks the unit tests cannot run: those marked ``<!-- needs: redis -->`` or
``<!-- needs: postgres -->`` (with the rest of their section, against the test server under a
key prefix or schema of their own) and the command
line block, run in a shell as a reader would.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.readme_blocks import README, Block, bash_blocks, python_sections, run_section

TEXT = README.read_text()
_README_REDIS = 'RedisSessionStore("redis://127.0.0.1:6379/0"'
_README_POSTGRES = '"postgresql://postgres@127.0.0.1:5432/test"'


def _with_test_redis(url: str, prefix: str) -> Callable[[Block], str]:
    """Point the Redis blocks at the test server, under the test's own key prefix."""

    def prepare(block: Block) -> str:
        if block.needs != "redis":
            return block.code
        # One store, swapped: nothing else in the block may reach a database outside the prefix.
        assert block.code.count(_README_REDIS) == 1, f"README.md:{block.line}: no {_README_REDIS}"
        assert block.code.count("redis://") == 1, f"README.md:{block.line}: another Redis URL"
        return block.code.replace(_README_REDIS, f"RedisSessionStore({url!r}, prefix={prefix!r}")

    return prepare


def test_readme_blocks_that_need_redis_run_on_the_test_redis(
    redis_url: str, redis_prefix: str, tmp_path: Path
) -> None:
    import redis

    sections = [s for s in python_sections(TEXT) if any(b.needs == "redis" for b in s.blocks)]
    assert sections, "the README shows the chat history on Redis"
    for number, section in enumerate(sections):
        cwd = tmp_path / f"section_{number}"
        cwd.mkdir()
        problems = run_section(
            section,
            cwd,
            runs=lambda block: block.not_run is None,
            prepare=_with_test_redis(redis_url, redis_prefix),
        )
        assert not problems, "\n\n".join(problems)
    client = redis.Redis.from_url(redis_url)
    assert list(client.scan_iter(match=f"{redis_prefix}:*")), "the block wrote to the test Redis"
    client.close()


def test_readme_blocks_that_need_postgres_run_on_the_test_server(
    postgres_dsn: str, pg_schema: str, tmp_path: Path
) -> None:
    import psycopg

    schema = pg_schema

    def prepare(block: Block) -> str:
        if block.needs != "postgres":
            return block.code
        # One URL, swapped for the test server under schemas of the test's own.
        assert block.code.count(_README_POSTGRES) == 1, f"README.md:{block.line}: one URL"
        return block.code.replace(_README_POSTGRES, repr(f"{postgres_dsn}?schema={schema}"))

    sections = [s for s in python_sections(TEXT) if any(b.needs == "postgres" for b in s.blocks)]
    assert sections, "the README shows a memory on PostgreSQL"
    for number, section in enumerate(sections):
        cwd = tmp_path / f"section_{number}"
        cwd.mkdir()
        problems = run_section(
            section, cwd, runs=lambda block: block.not_run is None, prepare=prepare
        )
        assert not problems, "\n\n".join(problems)
    with psycopg.connect(postgres_dsn) as conn:
        (chunks,) = conn.execute(f'SELECT count(*) FROM "{schema}".chunks').fetchone()
    assert chunks, "the block wrote to the test server"


def test_the_command_line_block_runs_in_a_shell(tmp_path: Path) -> None:
    scripts = Path(sys.executable).parent
    if shutil.which("cognee-langchain", path=str(scripts)) is None:
        pytest.skip(f"cognee-langchain is not installed next to {sys.executable}")
    blocks = [b for b in bash_blocks(TEXT) if "cognee-langchain " in b.code]
    assert blocks
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "COGNEE_"))}
    env["PATH"] = f"{scripts}{os.pathsep}{env.get('PATH', '')}"
    for block in blocks:
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", block.code],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=240,
        )
        assert done.returncode == 0, f"README.md:{block.line}\n{done.stdout}\n{done.stderr}"
        assert "Traceback" not in done.stderr
    assert (tmp_path / "graph.html").is_file()
    assert (tmp_path / ".cognee_langchain").is_dir()
