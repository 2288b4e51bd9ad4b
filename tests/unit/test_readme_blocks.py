"""Every ``python`` block of the README runs offline and prints what its ``# -> ...`` comments say;
every ``cognee-langchain`` command of its ``bash`` blocks parses.

Blocks that need Redis run in ``tests/integration/test_readme_blocks.py``; the rule the blocks
follow (one namespace and working directory per ``##`` section) is in
:mod:`tests.support.readme_blocks`.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from cognee_langchain.cli.parser import build_parser
from tests.support.readme_blocks import (
    README,
    Block,
    Section,
    bash_blocks,
    expected_output,
    missing_output,
    python_sections,
    run_section,
)

ROOT = README.parent
TEXT = README.read_text()
SECTIONS = python_sections(TEXT)

# The only reasons a python block may give for not running: a new one is a decision, made here.
ACCEPTED_NOT_RUN = {"needs OPENAI_API_KEY and the network"}
# Services a block may need; the integration test runs those blocks against the test server.
ACCEPTED_NEEDS = {"redis", "postgres"}


def _offline(block: Block) -> bool:
    return block.not_run is None and block.needs is None


@pytest.mark.parametrize("section", SECTIONS, ids=[s.title for s in SECTIONS])
def test_python_blocks_of_each_section_run_and_print_what_they_say(
    section: Section, tmp_path: Path
) -> None:
    problems = run_section(section, tmp_path, runs=_offline)
    assert not problems, "\n\n".join(problems)


def test_the_usage_sections_have_blocks_that_run() -> None:
    runnable = {s.title for s in SECTIONS if any(_offline(b) for b in s.blocks)}
    assert {"Five-minute tour", "In LangChain and LangGraph", "Permissions"} <= runnable
    # Most blocks say what they print, so a block that runs but does the wrong thing fails.
    checked = [b for s in SECTIONS for b in s.blocks if _offline(b) and expected_output(b.code)]
    assert len(checked) >= 10


def test_blocks_not_run_offline_say_why_with_an_accepted_reason() -> None:
    blocks = [b for s in SECTIONS for b in s.blocks]
    reasons = {b.not_run for b in blocks if b.not_run is not None}
    needs = {b.needs for b in blocks if b.needs is not None}
    assert reasons <= ACCEPTED_NOT_RUN, "a new reason not to run a block: accept it here or run it"
    assert needs <= ACCEPTED_NEEDS
    assert needs, "the Redis chat-history block is marked and run by the integration test"


def test_every_cognee_langchain_command_of_the_bash_blocks_parses() -> None:
    parser = build_parser()
    commands = [
        words
        for block in bash_blocks(TEXT)
        for line in block.code.splitlines()
        if (words := shlex.split(line, comments=True)) and words[0] == "cognee-langchain"
    ]
    assert len(commands) >= 8
    refused = []
    for words in commands:
        try:
            parser.parse_args(words[1:])
        except SystemExit:
            refused.append(shlex.join(words))
    assert refused == []


def test_scripts_the_readme_names_exist_and_every_example_is_listed() -> None:
    named = set(re.findall(r"\b((?:examples|benchmarks)/[\w/]+\.py)\b", TEXT))
    assert [path for path in sorted(named) if not (ROOT / path).is_file()] == []
    examples = {f"examples/{p.name}" for p in (ROOT / "examples").glob("[!_]*.py")}
    assert examples <= named, "list each example in the README's table of examples"


# -- the reader of blocks itself ------------------------------------------------------------------
SAMPLE = """# P
## One
<!-- not-run: needs a key -->
```python
import secret
```

```python
x = 1
print(x)  # -> 1
```
## Two
<!-- needs: redis -->

```python
print("r")
```
```bash
cognee-langchain stats
```
"""


def test_blocks_are_grouped_by_section_with_their_markers() -> None:
    sections = python_sections(SAMPLE)
    assert [s.title for s in sections] == ["One", "Two"]
    first, second = sections[0].blocks
    assert (first.not_run, first.needs, first.line) == ("needs a key", None, 4)
    assert (second.not_run, second.needs, second.code) == (None, None, "x = 1\nprint(x)  # -> 1\n")
    assert sections[1].blocks[0].needs == "redis"
    assert [b.code for b in bash_blocks(SAMPLE)] == ["cognee-langchain stats\n"]


def test_printed_lines_must_match_in_order_with_wildcards() -> None:
    printed = "start\n[chunk] (3 May) Alice leads Acme.\nend\n"
    assert missing_output(["[chunk] ...Alice leads Acme...", "end"], printed) == []
    assert missing_output(["end", "start"], printed) == ["start"]
    assert missing_output(["Alice leads Acme."], printed) == ["Alice leads Acme."]
    assert expected_output("print(1)  # -> 1\n# -> two words\nx = 2  # a comment\n") == [
        "1",
        "two words",
    ]


def test_a_block_that_prints_something_else_or_fails_is_reported(tmp_path: Path) -> None:
    wrong = Section("S", [Block("python", "print('no')  # -> yes\n", 3)])
    assert run_section(wrong, tmp_path, runs=_offline)[0].startswith(
        "README.md:3: expected ['yes']"
    )
    failing = Section("S", [Block("python", "raise ValueError('boom')\n", 7)])
    with pytest.raises(ValueError, match="boom"):
        run_section(failing, tmp_path, runs=_offline)
