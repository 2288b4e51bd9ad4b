"""``cognee-langchain export`` / ``import`` as real subprocesses: a dataset piped from one data
dir to another and exported again gives the same bytes; a file path and ``--vectors``; the
summary on stderr when stdout carries the export; bad files and conflicts exit 2, a stranger 5,
each with one ``error:`` line and nothing written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.test_cli import NOTES, OFFLINE_ENV, cli, cli_json, error_line


def run(data_dir: Path, *args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    """The CLI with ``stdin`` piped in and stdout kept as bytes (an export is bytes)."""
    proc = subprocess.run(
        [sys.executable, "-m", "cognee_langchain", "--data-dir", str(data_dir), *args],
        input=stdin,
        capture_output=True,
        env=OFFLINE_ENV,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    return proc


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """A data dir holding the notes in dataset "main", and its export on stdout."""
    root = tmp_path_factory.mktemp("export")
    notes = root / "notes.md"
    notes.write_text(NOTES, encoding="utf-8")
    data_dir = root / "data"
    cli(data_dir, "remember", str(notes), "--dataset", "main")
    return data_dir, run(data_dir, "export", "main").stdout


def test_export_to_stdout_then_import_from_stdin_round_trips(
    exported: tuple[Path, bytes], tmp_path: Path
) -> None:
    source, data = exported
    header = json.loads(data.splitlines()[0])
    assert header["kind"] == "header" and header["dataset"] == "main"
    assert header["counts"]["document"] == 1 and header["counts"]["entity"] > 0
    target = tmp_path / "copy"
    imported = run(target, "--json", "import", "-", stdin=data)
    result = json.loads(imported.stdout)
    assert result["dataset"] == "main" and result["documents_added"] == 1
    assert result["vectors"] == "recomputed"
    again = run(target, "export", "main")
    assert again.stdout == data
    assert b"Exported dataset 'main' to stdout" in again.stderr  # the summary stays off stdout
    hits = cli_json(target, "search", "Who manages the Berlin office?", "--top-k", "1")
    assert hits == cli_json(source, "search", "Who manages the Berlin office?", "--top-k", "1")


def test_export_to_a_file_with_vectors_and_import_it(
    exported: tuple[Path, bytes], tmp_path: Path
) -> None:
    source, _ = exported
    out = tmp_path / "backup.jsonl"
    written = cli_json(source, "export", "main", "-o", str(out), "--vectors")
    assert written["path"] == str(out) and written["vectors"] is True
    assert json.loads(out.read_text().splitlines()[0])["vectors"]["dimension"] == 256
    assert cli_json(tmp_path / "copy", "import", str(out))["vectors"] == "file"
    assert run(tmp_path / "copy", "export", "main", "--vectors").stdout == out.read_bytes()


def test_bad_files_conflicts_and_strangers_exit_with_one_line(
    exported: tuple[Path, bytes], tmp_path: Path
) -> None:
    source, data = exported
    lines = data.decode().splitlines()
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join([*lines[:2], '{"kind": "chunk"}', *lines[3:]]) + "\n")
    target = tmp_path / "copy"
    assert error_line(cli(target, "import", str(bad), code=2)).startswith("error: Line 3 of ")
    missing = error_line(cli(target, "import", str(tmp_path / "none.jsonl"), code=2))
    assert "Cannot read" in missing and "Pass the path of an export" in missing
    assert cli_json(target, "stats")["documents"] == 0  # nothing was written
    good = tmp_path / "good.jsonl"
    good.write_bytes(data)
    cli(target, "import", str(good))
    assert "--merge" in error_line(cli(target, "import", str(good), code=2))
    assert cli_json(target, "import", str(good), "--merge")["documents_added"] == 0
    assert "read" in error_line(cli(source, "--user", "stranger", "export", "main", code=5))
    assert "Unknown dataset" in error_line(cli(source, "export", "nope", code=2))
