"""The command line's chat model from the settings, against the scripted OpenAI server: the model
named by ``COGNEE_LANGCHAIN_LLM_MODEL`` is the one requested; limits from the environment hold."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.test_cli import NOTES, OFFLINE_ENV, cli, error_line
from tests.support.llm_server import Reply, ScriptedLLMServer


@pytest.fixture
def llm_server() -> Iterator[ScriptedLLMServer]:
    with ScriptedLLMServer() as server:
        yield server


def test_llm_model_variable_picks_the_model(llm_server: ScriptedLLMServer, tmp_path: Path) -> None:
    env = OFFLINE_ENV | {
        "OPENAI_API_KEY": "test",
        "OPENAI_BASE_URL": llm_server.url,
        "COGNEE_LANGCHAIN_LLM_MODEL": "gpt-settings-test",
        "COGNEE_LLM_MODEL": "gpt-legacy",  # the deprecated name loses to the new one
    }
    notes = tmp_path / "notes.txt"
    notes.write_text(NOTES, encoding="utf-8")
    llm_server.script(Reply.error(401, "invalid api key"))
    proc = cli(tmp_path / "data", "remember", str(notes), env=env, code=6)
    assert "invalid api key" in error_line(proc)
    assert "deprecated" not in proc.stderr
    assert [r.body["model"] for r in llm_server.chat_requests] == ["gpt-settings-test"]


def test_environment_limits_reach_the_memory(tmp_path: Path) -> None:
    env = OFFLINE_ENV | {"COGNEE_LANGCHAIN_MAX_QUERY_CHARS": "5"}
    proc = cli(tmp_path / "data", "search", "a long question", env=env, code=2)
    assert "max_query_chars" in error_line(proc)
    assert cli(tmp_path / "data", "search", "Acme", env=env).returncode == 0
