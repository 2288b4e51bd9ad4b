"""CI is not green without its services: with ``CI`` set, a test that needs Redis or PostgreSQL
fails when the service is missing; without it the test skips and the summary says why. And
``.ci/run`` stops, naming the service, when one does not come up after it tried to start it.

Each case runs pytest in a subprocess, with this suite's conftest as a plugin, on a small test
module, the service's address pointed at a closed port (port 1: nothing listens there).
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DEAD_REDIS = "redis://127.0.0.1:1/0"
DEAD_POSTGRES = "postgresql://postgres@127.0.0.1:1/test"

TESTS = """
import pytest


def test_redis(redis_url):
    import redis

    client = redis.Redis.from_url(redis_url)
    assert client.ping()
    client.close()


def test_postgres(postgres_dsn):
    import psycopg

    with psycopg.connect(postgres_dsn) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


@pytest.mark.redis
def test_marked_redis_skipping_itself():
    pytest.skip("redis-server is not installed")


@pytest.mark.redis
@pytest.mark.xfail(reason="known bug", strict=True)
def test_marked_redis_expected_to_fail():
    raise AssertionError("still broken")


def test_needing_nothing_skips():
    pytest.skip("nothing to do with services")
"""


@dataclass
class Run:
    code: int
    output: str
    outcomes: dict[str, tuple[str, str]]  # test name -> (outcome, message)


def run_pytest(tmp_path: Path, env_changes: dict[str, str | None]) -> Run:
    """Run :data:`TESTS` with the suite's conftest and pyproject options; ``None`` unsets."""
    module = tmp_path / "test_services_probe.py"
    module.write_text(TESTS, encoding="utf-8")
    report = tmp_path / "report.xml"
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_ADDOPTS")}
    for name, value in env_changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    proc = subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "-c", str(REPO / "pyproject.toml")),
            *("--rootdir", str(tmp_path), "-p", "tests.conftest", "-p", "no:cacheprovider"),
            *("--junitxml", str(report), str(module)),
        ],
        cwd=REPO,  # `tests` is importable from here
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    outcomes: dict[str, tuple[str, str]] = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        found = [child for child in case if child.tag in ("failure", "error", "skipped")]
        if found:
            outcomes[case.attrib["name"]] = (found[0].tag, found[0].attrib.get("message", ""))
        else:
            outcomes[case.attrib["name"]] = ("passed", "")
    return Run(proc.returncode, proc.stdout + proc.stderr, outcomes)


DEAD = {"COGNEE_TEST_REDIS_URL": DEAD_REDIS, "COGNEE_TEST_POSTGRES_DSN": DEAD_POSTGRES}


@pytest.mark.parametrize("ci", ["1", "true"])
def test_in_ci_a_missing_service_fails_the_run(tmp_path: Path, ci: str) -> None:
    run = run_pytest(tmp_path, {**DEAD, "CI": ci})

    assert run.code == 1, run.output
    outcome, message = run.outcomes["test_redis"]
    assert outcome == "error"  # the fixture failed in setup
    assert "Redis not reachable at redis://127.0.0.1:1/0" in message
    assert "CI is set" in message
    outcome, message = run.outcomes["test_postgres"]
    assert outcome == "error"
    # a user name alone may be a token: redaction hides all of the userinfo
    assert "PostgreSQL not reachable at postgresql://***@127.0.0.1:1/test" in message
    # Marked as needing Redis: its own skip is a failure too, whoever raised it.
    outcome, message = run.outcomes["test_marked_redis_skipping_itself"]
    assert outcome == "failure"
    assert "needs redis but was skipped" in message and "redis-server is not installed" in message
    # An expected failure stays one, and a test needing no service may still skip.
    assert run.outcomes["test_marked_redis_expected_to_fail"][0] == "skipped"
    assert run.outcomes["test_needing_nothing_skips"][0] == "skipped"


@pytest.mark.parametrize("ci", [None, "false"])
def test_outside_ci_a_missing_service_skips_with_its_reason_in_the_summary(
    tmp_path: Path, ci: str | None
) -> None:
    run = run_pytest(tmp_path, {**DEAD, "CI": ci})

    assert run.code == 0, run.output
    assert {name: outcome for name, (outcome, _) in run.outcomes.items()} == {
        "test_redis": "skipped",
        "test_postgres": "skipped",
        "test_marked_redis_skipping_itself": "skipped",
        "test_marked_redis_expected_to_fail": "skipped",
        "test_needing_nothing_skips": "skipped",
    }
    # The reasons are in the short summary by default (-rs in pyproject's addopts).
    summary = run.output[run.output.index("short test summary info") :]
    skipped = [line for line in summary.splitlines() if line.startswith("SKIPPED")]
    assert any("Redis not reachable at redis://127.0.0.1:1/0" in line for line in skipped)
    assert any("PostgreSQL not reachable at postgresql://***@" in line for line in skipped)
    assert any("redis-server is not installed" in line for line in skipped)
    assert "4 skipped, 1 xfailed" in run.output


def test_in_ci_with_the_services_up_the_tests_pass(
    tmp_path: Path, redis_url: str, postgres_dsn: str
) -> None:
    run = run_pytest(
        tmp_path,
        {"COGNEE_TEST_REDIS_URL": redis_url, "COGNEE_TEST_POSTGRES_DSN": postgres_dsn, "CI": "1"},
    )

    assert run.outcomes["test_redis"] == ("passed", ""), run.output
    assert run.outcomes["test_postgres"] == ("passed", ""), run.output


# -- .ci/run ---------------------------------------------------------------------------------------
def fake_tools(directory: Path, tools: dict[str, str]) -> dict[str, str]:
    """Shell scripts named after ``tools`` (name -> body) in ``directory``, first on PATH."""
    directory.mkdir()
    for name, body in tools.items():
        path = directory / name
        path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
        path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return {"PATH": f"{directory}{os.pathsep}{os.environ['PATH']}"}


def run_ci(tmp_path: Path, tools: dict[str, str]) -> subprocess.CompletedProcess[str]:
    installed = tmp_path / "installed"
    # python3 stands in for the install step: if .ci/run went on, it leaves a trace and fails.
    tools = {"python3": f"touch {installed}; exit 1", **tools}
    env = os.environ | fake_tools(tmp_path / "bin", tools)
    env |= {
        "CI_SERVICE_TIMEOUT": "1",
        "CI_REDIS_DIR": str(tmp_path / "redis"),
        "CI_REDIS_LOG": str(tmp_path / "redis-log" / "ci.log"),
    }
    proc = subprocess.run(
        ["bash", str(REPO / ".ci" / "run")], env=env, capture_output=True, text=True, timeout=120
    )
    assert not installed.exists(), "the script went on to install and test"
    return proc


def test_ci_run_stops_when_redis_does_not_come_up(tmp_path: Path) -> None:
    proc = run_ci(
        tmp_path,
        {
            "redis-cli": "echo 'Could not connect to Redis' >&2; exit 1",
            "redis-server": "exit 0",  # "starts", but nothing ever answers
        },
    )

    assert proc.returncode != 0
    assert proc.stderr.strip().splitlines()[-1] == (
        "error: Redis did not come up at 127.0.0.1:6379 within 1s of starting it "
        f"(see {tmp_path / 'redis-log' / 'ci.log'})"
    )


def test_ci_run_stops_when_redis_server_fails_to_start(tmp_path: Path) -> None:
    proc = run_ci(tmp_path, {"redis-cli": "exit 1", "redis-server": "exit 1"})

    assert proc.returncode != 0
    assert proc.stderr.strip().splitlines()[-1].startswith("error: redis-server did not start")


def test_ci_run_stops_when_postgres_does_not_come_up(tmp_path: Path) -> None:
    proc = run_ci(
        tmp_path,
        {
            "redis-cli": "echo PONG",
            "pg_isready": "echo '127.0.0.1:5432 - no response'; exit 2",
            "pg_ctlcluster": "exit 0",
        },
    )

    assert proc.returncode != 0
    assert "Redis is up" in proc.stdout
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("error: PostgreSQL ") and "127.0.0.1:5432" in last
    if Path("/etc/postgresql").is_dir():  # a cluster to start: it was waited for
        assert "did not come up" in last and "within 1s" in last
