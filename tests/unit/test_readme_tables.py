"""The README-table rewriting of ``benchmarks/readme_tables.py`` on small strings."""

from __future__ import annotations

import importlib.util
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest

_ROOT = Path(__file__).resolve().parents[2]


def _load() -> ModuleType:
    path = _ROOT / "benchmarks" / "readme_tables.py"
    spec = importlib.util.spec_from_file_location("readme_tables_benchmark", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module by name
    spec.loader.exec_module(module)
    return module


rt = _load()

README = """# Project

<!-- bench:session_cache -->
outside the section: never touched
<!-- /bench -->

## Benchmarks

Intro stays.

<!-- bench:session_cache -->
| old | table |
<!-- /bench -->

Between blocks stays.

<!-- bench:remember -->
old remember
<!-- /bench -->

## Development

<!-- bench:remember -->
also outside
<!-- /bench -->
"""


def test_only_the_named_block_of_the_benchmarks_section_is_replaced() -> None:
    out = rt.replace_block(README, "session_cache", "| new | table |\n|---|---|\n")

    assert out == README.replace("| old | table |\n", "| new | table |\n|---|---|\n")
    assert "outside the section: never touched" in out
    assert out.count("| new | table |") == 1
    assert out.index("| new | table |") > out.index("## Benchmarks")
    assert "old remember" in out and "also outside" in out
    assert "Intro stays." in out and "Between blocks stays." in out


def test_replacing_twice_is_stable_and_keeps_the_markers() -> None:
    once = rt.replace_block(README, "remember", "\n\nnew remember\n\n")
    twice = rt.replace_block(once, "remember", "new remember")

    assert once == twice
    assert "<!-- bench:remember -->\nnew remember\n<!-- /bench -->" in twice
    assert "also outside" in twice  # the block after the section is not the one replaced


def test_a_block_in_the_last_section_is_found() -> None:
    text = "# P\n\n## Benchmarks\n\n<!-- bench:retrieval -->\nx\n<!-- /bench -->\n"
    assert rt.replace_block(text, "retrieval", "y").endswith(
        "<!-- bench:retrieval -->\ny\n<!-- /bench -->\n"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("# P\n\n## Usage\n<!-- bench:remember -->\nx\n<!-- /bench -->\n", "no '## Benchmarks'"),
        (README, "0 '<!-- bench:improve -->' markers"),
        (
            "## Benchmarks\n<!-- bench:improve -->\na\n<!-- /bench -->\n"
            "<!-- bench:improve -->\nb\n<!-- /bench -->\n",
            "2 '<!-- bench:improve -->' markers",
        ),
        ("## Benchmarks\n<!-- bench:improve -->\na\n", "no closing"),
        (
            "## Benchmarks\n<!-- bench:improve -->\na\n<!-- bench:remember -->\nb\n"
            "<!-- /bench -->\n",
            "another block opens",
        ),
    ],
)
def test_a_missing_repeated_or_unclosed_marker_is_an_error(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        rt.replace_block(text, "improve", "new")


def test_the_stamp_names_the_script_the_time_and_the_machine() -> None:
    cpuinfo = "processor\t: 0\nmodel name\t: Test CPU @ 2.0GHz\nprocessor\t: 1\n"
    assert rt.cpu_model(cpuinfo) == "Test CPU @ 2.0GHz"
    benchmark = rt.BENCHMARKS[rt.NAMES.index("session_cache")]
    when = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    line = rt.stamp(benchmark, when, 41.6, "2 cores, X", (1.234, 2.0))

    assert "`benchmarks/session_cache.py`" in line
    assert "2026-01-02 03:04 UTC (42 s) on 2 cores, X; load average 1.2 → 2.0." in line


def test_the_readme_has_one_block_for_every_benchmark() -> None:
    text = (_ROOT / "README.md").read_text()
    for name in rt.NAMES:
        rt.replace_block(text, name, "check")  # raises when a marker is missing or repeated
