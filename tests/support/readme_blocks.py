"""The README's code blocks, read and run the way a reader would run them.

The rule the README states: the ``python`` blocks run in document order; the blocks of one ``##``
section share one namespace and one working directory, and each ``##`` section starts afresh.
An HTML comment on the line before a block marks it:

* ``<!-- not-run: REASON -->``: never run (the tests list the reasons they accept);
* ``<!-- needs: redis -->``: run only by the integration test, against the test Redis;
* ``<!-- extra: NAME -->``: run like any block, and it may import what the ``NAME`` extra
  installs (the ``test`` extra installs every one the README uses).

A comment ``# -> TEXT`` in a block is a line the block prints: the printed lines must contain
every such line, in order (``...`` in ``TEXT`` stands for any text).
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "README",
    "Block",
    "Section",
    "bash_blocks",
    "expected_output",
    "missing_output",
    "python_sections",
    "run_section",
]

README = Path(__file__).resolve().parents[2] / "README.md"

_MARKER = re.compile(r"^<!--\s*(not-run|needs|extra):\s*(.*?)\s*-->$")
_EXPECTED = re.compile(r"#\s*->\s?(.*?)\s*$")


@dataclass(frozen=True)
class Block:
    """One fenced code block of the README."""

    language: str
    code: str
    line: int
    """Line number of the opening fence (1-based)."""
    not_run: str | None = None
    """Why the block is never run, when it is marked so."""
    needs: str | None = None
    """The service the block needs (``"redis"``), when it is marked so."""
    extra: str | None = None
    """The extra of ``pyproject.toml`` the block needs, when it is marked so."""


@dataclass
class Section:
    """The ``python`` blocks of one ``##`` section, in document order."""

    title: str
    blocks: list[Block] = field(default_factory=list)


def _blocks(text: str) -> Iterable[tuple[str, Block]]:
    """Every fenced block with the ``##`` section it is in."""
    lines = text.splitlines()
    section, index = "", 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("## "):
            section = line[3:].strip()
        if not line.startswith("```"):
            index += 1
            continue
        start, language = index, line[3:].strip()
        end = index + 1
        while end < len(lines) and not lines[end].startswith("```"):
            end += 1
        if end == len(lines):
            raise ValueError(f"README.md:{start + 1}: a code block is never closed")
        previous = next((lines[i] for i in range(start - 1, -1, -1) if lines[i].strip()), "")
        marker = _MARKER.match(previous.strip())
        kind, value = marker.groups() if marker else (None, None)
        yield (
            section,
            Block(
                language=language,
                code="\n".join(lines[start + 1 : end]) + "\n",
                line=start + 1,
                not_run=value if kind == "not-run" else None,
                needs=value if kind == "needs" else None,
                extra=value if kind == "extra" else None,
            ),
        )
        index = end + 1


def python_sections(text: str) -> list[Section]:
    """The ``##`` sections that hold ``python`` blocks, with those blocks."""
    sections: dict[str, Section] = {}
    for title, block in _blocks(text):
        if block.language == "python":
            sections.setdefault(title, Section(title)).blocks.append(block)
    return list(sections.values())


def bash_blocks(text: str) -> list[Block]:
    """The ``bash`` blocks of the README."""
    return [block for _, block in _blocks(text) if block.language == "bash"]


def expected_output(code: str) -> list[str]:
    """The ``# -> TEXT`` lines of a block, in order."""
    return [m.group(1) for line in code.splitlines() if (m := _EXPECTED.search(line))]


def missing_output(expected: list[str], printed: str) -> list[str]:
    """The expected lines not printed in that order (``...`` matches any text)."""
    lines = iter(printed.splitlines())
    missing = []
    for want in expected:
        pattern = re.compile(".*".join(re.escape(part) for part in want.split("...")))
        if not any(pattern.fullmatch(line.rstrip()) for line in lines):
            missing.append(want)
            lines = iter(printed.splitlines())  # report the others independently
    return missing


def run_section(
    section: Section,
    cwd: Path,
    *,
    runs: Callable[[Block], bool],
    prepare: Callable[[Block], str] = lambda block: block.code,
) -> list[str]:
    """Run the blocks of ``section`` that ``runs`` accepts, in order, in one namespace with
    ``cwd`` as the working directory; return the problems (an empty list when all went well).

    ``prepare`` may rewrite a block's code first (the Redis URL of the test server). Each block's
    printed lines are checked against its ``# -> ...`` comments. The memories and the embedded
    session store the blocks opened are closed at the end.
    """
    from cognee_langchain.memory import GraphMemory
    from cognee_langchain.sessions.sqlite import DEFAULT_SQLITE_PATH, SQLiteSessionStore

    # A module of its own, as a script has: pydantic resolves a class's annotations through it.
    module = types.ModuleType("readme_section")
    namespace = module.__dict__
    problems: list[str] = []
    with contextlib.chdir(cwd):
        sys.modules[module.__name__] = module
        try:
            for block in section.blocks:
                if not runs(block):
                    continue
                printed = io.StringIO()
                code = compile(prepare(block), f"README.md:{block.line}", "exec")
                with contextlib.redirect_stdout(printed):
                    exec(code, namespace)
                missing = missing_output(expected_output(block.code), printed.getvalue())
                if missing:
                    problems.append(
                        f"README.md:{block.line}: expected {missing} in the printed lines:\n"
                        f"{printed.getvalue()}"
                    )
        finally:
            del sys.modules[module.__name__]
            for value in namespace.values():
                if isinstance(value, GraphMemory):
                    value.close()
            if DEFAULT_SQLITE_PATH.exists():
                SQLiteSessionStore.shared(DEFAULT_SQLITE_PATH).close()
    return problems
