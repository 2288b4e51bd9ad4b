"""The ``cognee-langchain`` command line, run as a real subprocess (``python -m cognee_langchain``):
real exit codes, ``--json`` output parsed, one-line errors without tracebacks.

Each subprocess pays for loading the embeddings model, so read-only checks share one data dir
(``remembered``) and the session story (recall → sessions → improve → forget → clear) is one test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cognee_langchain.cli import main
from tests.support.llm_server import Reply, ScriptedLLMServer

NOTES = (
    "Alice Martin works at Acme Corp in Paris. Acme Corp builds solar panels.\n"
    "Bob Stone manages the Berlin office of Acme Corp.\n"
)
# Offline by default, whatever the developer's shell exports.
OFFLINE_ENV = {
    k: v
    for k, v in os.environ.items()
    if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "COGNEE_LLM_MODEL")
    and not k.startswith("COGNEE_LANGCHAIN_")
}


def cli(
    data_dir: Path, *args: str, code: int = 0, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the CLI on ``data_dir``; assert its exit code and that no traceback escaped."""
    proc = subprocess.run(
        [sys.executable, "-m", "cognee_langchain", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        cwd=data_dir.parent,
        env=env or OFFLINE_ENV,
        timeout=120,
    )
    assert proc.returncode == code, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    assert "Traceback" not in proc.stderr, proc.stderr
    if code != 0:
        lines = proc.stderr.strip().splitlines()
        assert lines and lines[-1].startswith("error: "), proc.stderr
    return proc


def cli_json(data_dir: Path, *args: str) -> Any:
    return json.loads(cli(data_dir, "--json", *args).stdout)


def error_line(proc: subprocess.CompletedProcess[str]) -> str:
    return proc.stderr.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def remembered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir holding NOTES, remembered through the CLI (read-only for the tests)."""
    root = tmp_path_factory.mktemp("cli")
    notes = root / "notes.txt"
    notes.write_text(NOTES, encoding="utf-8")
    data_dir = root / "data"
    # --json after the command name: global options are accepted on both sides.
    result = json.loads(cli(data_dir, "remember", str(notes), "--json").stdout)
    assert result["dataset"] == "main_dataset"
    assert result["documents_added"] == 1
    assert result["entities_added"] > 0
    assert len(result["document_ids"]) == 1
    return data_dir


def test_stats_counts_what_remember_added(remembered: Path) -> None:
    stats = cli_json(remembered, "stats")
    assert stats["documents"] == 1
    assert stats["chunks"] > 0 and stats["entities"] > 0 and stats["relations"] > 0
    assert stats["datasets"]["main_dataset"]["entities"] == stats["entities"]

    table = cli(remembered, "stats").stdout
    assert "main_dataset" in table and "total" in table


def test_search_finds_a_remembered_fact(remembered: Path) -> None:
    documents = cli_json(remembered, "search", "Where does Alice Martin work?", "--top-k", "3")
    assert 0 < len(documents) <= 3
    assert any("Acme" in d["page_content"] for d in documents)
    assert all(isinstance(d["metadata"], dict) for d in documents)

    text = cli(remembered, "search", "Who manages the Berlin office?").stdout
    assert "Bob Stone" in text


def test_visualize_writes_a_self_contained_html_file(remembered: Path, tmp_path: Path) -> None:
    out = tmp_path / "views" / "graph.html"
    payload = cli_json(remembered, "visualize", str(out))
    assert Path(payload["path"]) == out
    html = out.read_text(encoding="utf-8")
    assert "<html" in html.lower() and "Acme" in html


def test_session_story_recall_sessions_improve_forget_clear(tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text(NOTES, encoding="utf-8")
    data = tmp_path / "data"
    cli(data, "remember", str(notes), "--dataset", "team")

    question = "Which company does Alice Martin work for?"
    recalled = cli_json(data, "recall", question, "--session", "s1", "--dataset", "team")
    assert recalled["answer"].strip()
    assert recalled["session_id"] == "s1"
    assert any("Acme" in d["page_content"] for d in recalled["context"])

    sessions = cli_json(data, "sessions", "list")
    assert [(s["session_id"], s["message_count"]) for s in sessions] == [("s1", 2)]

    shown = cli_json(data, "sessions", "show", "s1")
    messages = [item["message"] for item in shown["items"]]
    assert [(m["type"], m["content"]) for m in messages] == [
        ("human", question),
        ("ai", recalled["answer"]),
    ]
    text = cli(data, "sessions", "show", "s1").stdout
    assert "human: " + question in text and "ai: " in text

    improved = cli_json(data, "improve", "--session", "s1", "--dataset", "team")
    assert improved["entries_persisted"] >= 1
    assert improved["session_ids"] == ["s1"]
    stats = cli_json(data, "stats", "--dataset", "team")
    assert "user_sessions_from_cache" in stats["datasets"]["team"]["node_sets"]

    forgotten = cli_json(data, "forget", "--dataset", "team", "--session", "s1")
    assert forgotten["documents_removed"] >= 1
    stats = cli_json(data, "stats", "--dataset", "team")
    assert stats["documents"] == 1  # the notes stay

    assert cli_json(data, "sessions", "clear", "s1", "s2") == {"cleared": ["s1"], "missing": ["s2"]}
    assert cli_json(data, "sessions", "list") == []


def test_improve_on_a_missing_session_exits_3_naming_the_fix(remembered: Path) -> None:
    proc = cli(remembered, "improve", "--session", "never_seen", code=3)
    line = error_line(proc)
    assert "never_seen" in line and "recall" in line and "--session" in line


def test_improve_on_an_empty_data_dir_exits_4(tmp_path: Path) -> None:
    proc = cli(tmp_path / "empty", "improve", "--session", "s1", code=4)
    assert "cognee-langchain remember" in error_line(proc)


def test_showing_a_missing_session_exits_3(tmp_path: Path) -> None:
    cli(tmp_path / "data", "sessions", "show", "nope", code=3)


def test_bad_input_exits_2_with_one_line_and_changes_nothing(remembered: Path) -> None:
    missing = remembered.parent / "missing.txt"
    proc = cli(remembered, "remember", str(missing), code=2)
    assert "missing.txt" in error_line(proc)
    assert proc.stdout == ""
    # Whole-dataset forget needs an explicit --all.
    proc = cli(remembered, "forget", "--dataset", "main_dataset", code=2)
    assert "--all" in error_line(proc)
    assert cli_json(remembered, "stats")["documents"] == 1


def test_another_user_is_denied_with_exit_5(remembered: Path) -> None:
    proc = cli(
        remembered, "--user", "mallory", "search", "Alice", "--dataset", "main_dataset", code=5
    )
    assert "mallory" in error_line(proc)


def test_unreachable_redis_exits_7_without_leaking_the_password(tmp_path: Path) -> None:
    proc = cli(
        tmp_path / "data",
        "--redis-url",
        "redis://:hunter2@127.0.0.1:1/0",
        "--redis-timeout",
        "0.5",
        "sessions",
        "list",
        code=7,
    )
    line = error_line(proc)
    assert "127.0.0.1:1" in line and "hunter2" not in proc.stderr


@pytest.mark.redis
def test_redis_url_routes_sessions_to_redis(redis_url: str, tmp_path: Path) -> None:
    from langchain_core.messages import AIMessage, HumanMessage

    from cognee_langchain.memory import GraphMemory

    user = f"cli_{uuid.uuid4().hex[:12]}"
    # The sessions of the library's memory on the same data dir: the CLI sees them (one
    # namespace per graph), the CLI on another data dir does not.
    memory = GraphMemory(tmp_path / "data", session_store=redis_url)
    store = memory.session_store
    try:
        store.append(user, "r1", [HumanMessage("hi"), AIMessage("hello")])
        base = (tmp_path / "data", "--redis-url", redis_url, "--user", user)
        assert [s["session_id"] for s in cli_json(*base, "sessions", "list")] == ["r1"]
        other = (tmp_path / "other", "--redis-url", redis_url, "--user", user)
        assert cli_json(*other, "sessions", "list") == []
        shown = cli_json(*base, "sessions", "show", "r1")
        assert [item["message"]["content"] for item in shown["items"]] == ["hi", "hello"]
        assert cli_json(*base, "sessions", "clear", "r1")["cleared"] == ["r1"]
        assert store.list_sessions(user) == []
        assert not (tmp_path / "data" / "sessions.sqlite").exists()
    finally:
        store.delete(user, "r1")
        memory.close()


@pytest.fixture
def llm_server() -> Iterator[ScriptedLLMServer]:
    with ScriptedLLMServer() as server:
        yield server


def test_openai_api_key_switches_to_chat_model_and_its_failure_exits_6(
    llm_server: ScriptedLLMServer, tmp_path: Path
) -> None:
    env = OFFLINE_ENV | {
        "OPENAI_API_KEY": "test",
        "OPENAI_BASE_URL": llm_server.url,
        "COGNEE_LLM_MODEL": "gpt-cli-test",
    }
    notes = tmp_path / "notes.txt"
    notes.write_text(NOTES, encoding="utf-8")
    data = tmp_path / "data"
    # A non-transient provider failure is an ExtractionError: exit 6, nothing stored.
    llm_server.script(Reply.error(401, "invalid api key"))
    proc = cli(data, "remember", str(notes), env=env, code=6)
    assert "invalid api key" in error_line(proc)
    assert "INFO" not in proc.stderr  # wordllama's logging.basicConfig(level=INFO) is overridden
    assert "warning: COGNEE_LLM_MODEL is deprecated" in proc.stderr
    assert [r.body["model"] for r in llm_server.chat_requests] == ["gpt-cli-test"]
    assert cli_json(data, "stats")["documents"] == 0


# -- in process: argument handling that loads no model ----------------------------------------
def test_help_and_version_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("cognee-langchain ")
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("remember", "recall", "improve", "sessions", "search", "forget", "visualize"):
        assert command in out
    assert "OPENAI_API_KEY" in out and "COGNEE_LLM_MODEL" in out


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["bogus"],
        ["sessions"],
        ["improve", "--create-dataset", "yes"],  # a flag takes no value
        ["search", "q", "--top-k", "many"],
        ["forget"],  # --dataset is required
    ],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert "usage:" in capsys.readouterr().err


def test_default_dataset_matches_the_library() -> None:
    from cognee_langchain.cli import DEFAULT_DATASET
    from cognee_langchain.memory import DEFAULT_DATASET as LIBRARY_DEFAULT

    assert DEFAULT_DATASET == LIBRARY_DEFAULT


def test_help_imports_no_heavy_module() -> None:
    # --help must answer at once: no model, numpy, langchain or redis import before a command runs.
    code = (
        "import sys\n"
        "from cognee_langchain.cli import main\n"
        "assert main(['--help']) == 0\n"
        "heavy = {'numpy', 'langchain_core', 'langgraph', 'redis', 'wordllama', 'pydantic'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=OFFLINE_ENV, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[]"


# -- bad shell input: one line, exit 2, never "unexpected ..." --------------------------------
def _error_lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    assert "unexpected" not in lines[0]
    return lines


@pytest.mark.parametrize(
    "argv",
    [
        ["search", "caf\udce9"],
        ["--user", "\udcff", "stats"],
        ["recall", "hi", "--session", "s\udc80"],
        ["remember", "notes\udcff.txt"],
    ],
)
def test_arguments_that_are_not_utf8_exit_2(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--data-dir", str(tmp_path / "data"), *argv]) == 2
    (line,) = _error_lines(capsys)
    assert "is not valid UTF-8" in line and "remember - < FILE" in line
    assert not (tmp_path / "data").exists()  # checked before any memory opens


def test_non_utf8_arguments_from_the_shell_exit_2(tmp_path: Path) -> None:
    proc = cli(tmp_path / "data", "search", os.fsdecode(b"caf\xe9"), code=2)
    assert "argument 4" in error_line(proc) and "not valid UTF-8" in error_line(proc)


def test_stdin_that_is_not_utf8_exits_2_and_stores_nothing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    proc = subprocess.run(
        [sys.executable, "-m", "cognee_langchain", "--data-dir", str(data), "remember", "-"],
        input=b"Alice Martin works at Caf\xe9 Central.\n",
        capture_output=True,
        env=OFFLINE_ENV,
        timeout=120,
    )
    stderr = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 2, stderr
    assert stderr.strip().splitlines() == [
        "error: stdin is not UTF-8 text (byte 0xe9 at offset 25): re-encode it as UTF-8 first, "
        "e.g. iconv -f latin1 -t utf-8 FILE | cognee-langchain ..."
    ]
    assert not (data / "graph.sqlite").exists()


def test_a_data_dir_that_is_a_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text(NOTES, encoding="utf-8")
    assert main(["--data-dir", str(a_file), "stats"]) == 2
    (line,) = _error_lines(capsys)
    assert "--data-dir" in line and "is a file, not a directory" in line
    assert main(["--data-dir", str(a_file / "data"), "sessions", "list"]) == 2
    (line,) = _error_lines(capsys)
    assert "cannot be created" in line and "is a file" in line
    assert main(["--data-dir", "", "stats"]) == 2
    (line,) = _error_lines(capsys)
    assert "--data-dir '' is not a usable path" in line


def test_an_unwritable_data_dir_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import cognee_langchain.cli.inputs as inputs

    locked = tmp_path / "locked"
    locked.mkdir()
    # as root every directory is writable: have os.access answer as for another user
    monkeypatch.setattr(inputs.os, "access", lambda path, mode: Path(path) != locked)
    assert main(["--data-dir", str(locked), "stats"]) == 2
    (line,) = _error_lines(capsys)
    assert "is not writable by this user" in line
    assert main(["--data-dir", str(locked / "new" / "data"), "stats"]) == 2
    (line,) = _error_lines(capsys)
    assert "cannot be created" in line and "is not writable" in line


def test_output_the_terminal_cannot_encode_is_escaped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from langchain_core.messages import HumanMessage

    from cognee_langchain.sessions.sqlite import SQLiteSessionStore
    from cognee_langchain.users import get_default_user_sync

    data = tmp_path / "data"
    store = SQLiteSessionStore(data / "sessions.sqlite")
    store.append(get_default_user_sync().id, "café-名前", [HumanMessage("hi")])
    store.close()
    out = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    monkeypatch.setattr(sys, "stdout", out)
    assert main(["--data-dir", str(data), "sessions", "list"]) == 0
    out.flush()
    printed = out.buffer.getvalue().decode("ascii")  # type: ignore[attr-defined]
    assert "caf\\xe9-\\u540d\\u524d" in printed


# -- exit codes ---------------------------------------------------------------------------------
def test_every_library_error_has_its_own_exit_code_and_the_help_lists_it() -> None:
    import cognee_langchain.errors as errors
    from cognee_langchain.cli.exits import EXIT_CODES
    from cognee_langchain.cli.parser import build_parser

    kinds = [kind for kind, _ in EXIT_CODES]
    codes = [code for _, code in EXIT_CODES]
    assert len(set(codes)) == len(codes)
    # exit_code takes the first match, so a subclass must come before its base class
    for at, kind in enumerate(kinds):
        assert not any(issubclass(later, kind) for later in kinds[at + 1 :]), kind
    declared = {
        value
        for name in errors.__all__
        if isinstance(value := getattr(errors, name), type)
        and issubclass(value, errors.CogneeLangchainError)
        and value not in (errors.CogneeLangchainError, errors.StoreError)  # bases, not errors
    }
    assert set(kinds) == declared
    epilog = " ".join((build_parser().epilog or "").split())
    for code in codes:
        assert f" {code} " in epilog, code


def test_an_unconfirmed_session_write_exits_8_with_what_to_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from cognee_langchain.errors import SessionWriteUnknownError
    from cognee_langchain.memory import GraphMemory

    def unconfirmed(*args: object, **kwargs: object) -> None:
        raise SessionWriteUnknownError("redis://:hunter2@127.0.0.1:6379/0", TimeoutError("read"))

    monkeypatch.setattr(GraphMemory, "recall", unconfirmed)
    argv = ["--data-dir", str(tmp_path / "data"), "recall", "Who leads Acme?", "--session", "s1"]
    assert main(argv) == 8
    (line,) = _error_lines(capsys)
    assert "may or may not have been applied" in line
    assert "cognee-langchain sessions show" in line and "hunter2" not in line


def test_an_unexpected_error_exits_1_with_one_line_and_debug_adds_the_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from cognee_langchain.memory import GraphMemory

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(GraphMemory, "stats", broken)
    argv = ["--data-dir", str(tmp_path / "data"), "stats"]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [
        "error: unexpected RuntimeError: disk on fire (rerun with --debug for details)"
    ]
    assert main([*argv, "--debug"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and "RuntimeError: disk on fire" in err
    assert err.strip().splitlines()[-1].startswith("error: unexpected RuntimeError")


def test_a_library_error_without_its_own_code_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from cognee_langchain.errors import CogneeLangchainError
    from cognee_langchain.memory import GraphMemory

    def failing(*args: object, **kwargs: object) -> None:
        raise CogneeLangchainError("something the library could not do")

    monkeypatch.setattr(GraphMemory, "stats", failing)
    assert main(["--data-dir", str(tmp_path / "data"), "stats"]) == 1
    (line,) = _error_lines(capsys)
    assert line == "error: something the library could not do"


def test_ctrl_c_exits_130_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from cognee_langchain.memory import GraphMemory

    closed: list[bool] = []
    close = GraphMemory.close

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    def closing(self: GraphMemory) -> None:
        closed.append(True)
        close(self)

    monkeypatch.setattr(GraphMemory, "search", interrupted)
    monkeypatch.setattr(GraphMemory, "close", closing)
    assert main(["--data-dir", str(tmp_path / "data"), "search", "Alice"]) == 130
    captured = capsys.readouterr()
    assert captured.err == "error: interrupted\n" and captured.out == ""
    assert closed == [True]  # the memory was closed on the way out


def test_a_closed_stdout_exits_1_without_a_traceback(tmp_path: Path) -> None:
    # The reader left before the output was written (`cognee-langchain ... | head -0`).
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run(
            [
                *(sys.executable, "-m", "cognee_langchain"),
                *("--data-dir", str(tmp_path / "data"), "--json", "sessions", "list"),
            ],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env=OFFLINE_ENV,
            timeout=120,
        )
    finally:
        os.close(write_end)
    assert proc.returncode == 1
    # Neither a traceback nor Python's "Exception ignored ... BrokenPipeError" at exit.
    assert proc.stderr == ""


def test_visualize_to_a_path_that_cannot_be_written_exits_2(
    remembered: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file", encoding="utf-8")
    proc = cli(remembered, "visualize", str(blocker / "graph.html"), code=2)
    line = error_line(proc)
    assert "Cannot write" in line and str(blocker / "graph.html") in line
    proc = cli(remembered, "visualize", str(tmp_path), code=2)  # a directory
    assert "Cannot write" in error_line(proc)
