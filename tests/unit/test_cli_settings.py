"""The command line reads the same settings as the library: flags win over ``COGNEE_LANGCHAIN_*``
variables, which win over the defaults; a bad variable is a one-line usage error (exit 2)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from langchain_core.messages import AIMessage, HumanMessage

from cognee_langchain.cli import main
from cognee_langchain.core.settings import ENV_PREFIX
from cognee_langchain.memory import GraphMemory
from cognee_langchain.users import User


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith(ENV_PREFIX) or name.startswith("OPENAI_") or name == "COGNEE_LLM_MODEL":
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # the default data dir, if used, lands here


def _error(capsys: pytest.CaptureFixture[str]) -> str:
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines and lines[-1].startswith("error: ")
    return lines[-1]


def test_data_dir_comes_from_the_environment_and_the_flag_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(f"{ENV_PREFIX}DATA_DIR", str(tmp_path / "from_env"))
    assert main(["--json", "stats"]) == 0
    assert json.loads(capsys.readouterr().out)["documents"] == 0
    assert (tmp_path / "from_env" / "graph.sqlite").exists()
    assert main(["--data-dir", str(tmp_path / "from_flag"), "stats"]) == 0
    assert (tmp_path / "from_flag" / "graph.sqlite").exists()
    assert not (tmp_path / ".cognee_langchain").exists()


def test_user_comes_from_the_environment_and_the_flag_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with GraphMemory(tmp_path / "data", user=User(id="alice")) as memory:
        memory.session_store.append("alice", "chat", [HumanMessage("hi"), AIMessage("hello")])
    data = ["--data-dir", str(tmp_path / "data"), "--json"]
    monkeypatch.setenv(f"{ENV_PREFIX}USER", "alice")
    assert main([*data, "sessions", "list"]) == 0
    assert [s["session_id"] for s in json.loads(capsys.readouterr().out)] == ["chat"]
    assert main([*data, "--user", "bob", "sessions", "list"]) == 0
    assert json.loads(capsys.readouterr().out) == []


@pytest.mark.parametrize(
    ("argv", "environ", "expected"),
    [
        (["stats"], {"LLM_TIMEOUT": "soon"}, f"{ENV_PREFIX}LLM_TIMEOUT='soon'"),
        (["stats"], {"MAX_ID_CHARS": "999"}, f"{ENV_PREFIX}MAX_ID_CHARS='999'"),
        (["stats"], {"DATA_DIRECTORY": "x"}, f"did you mean {ENV_PREFIX}DATA_DIR"),
        (["--redis-url", "127.0.0.1:6379", "stats"], {}, "--redis-url '127.0.0.1:6379' is not"),
        (["--redis-timeout", "0", "stats"], {}, "redis_timeout must be a number > 0"),
        (["--user", "a\tb", "stats"], {}, "user id"),
        (["remember", "-"], {"LLM_MODEL": "gpt-4o-mini"}, "set OPENAI_API_KEY"),
    ],
)
def test_bad_settings_exit_2_with_one_line_naming_them(
    argv: list[str],
    environ: dict[str, str],
    expected: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, value in environ.items():
        monkeypatch.setenv(ENV_PREFIX + name, value)
    assert main(argv) == 2
    assert expected in _error(capsys)


def test_a_command_without_a_model_needs_no_key(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(f"{ENV_PREFIX}LLM_MODEL", "gpt-4o-mini")  # no OPENAI_API_KEY
    assert main(["stats"]) == 0


def test_help_names_the_environment_variables(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for name in ("DATA_DIR", "SESSION_STORE", "SESSION_NAMESPACE", "LLM_MODEL", "REDIS_TIMEOUT"):
        assert name in out
    assert f"{ENV_PREFIX}DATA_DIR" in out and f"{ENV_PREFIX}LLM_MODEL" in out
