"""Every example runs to completion offline, as a user would run it from the repository root."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(p.name for p in (ROOT / "examples").glob("*.py") if not p.name.startswith("_"))

# What each example must print to show it did its job, not merely that it exited 0.
EXPECTED = {
    "agent_memory.py": "[session-2] agent: From memory:",
    "langgraph_workflow.py": "Lena Park",
    "langmem_store.py": "best match: 'Alice prefers green tea over coffee'",
    "persist_sessions.py": "session_id=demo_session",
    "rag_chain.py": "Bob Tanaka",
    "session_cache.py": "Session index",
}


def test_every_example_is_checked() -> None:
    assert set(EXAMPLES) == set(EXPECTED)


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_runs_offline(example: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / example)],
        cwd=tmp_path,  # examples must not depend on the working directory
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert EXPECTED[example] in done.stdout, done.stdout
    assert "Traceback" not in done.stderr
