"""The README's first command (``pip install -e .``) installs what every example and every README
block imports: each third-party module they import comes from a core dependency of
``pyproject.toml`` or from a package those depend on. An example may use an extra only when its
docstring names it (``pip install "cognee-langchain[langmem]"``), as the README then says.

``tests/integration/test_examples.py`` runs the examples; this test catches the other half of
"runs after the first command" without a fresh virtual environment: a dependency that is only in
the development environment (an extra such as ``test``) would pass there and fail for a user.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib import metadata

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.support.readme_blocks import README, python_sections

ROOT = README.parent
# Modules of the project itself: the package and the examples' shared helper.
_OWN = {"cognee_langchain", "_models"}
_NAMED_EXTRA = re.compile(r"cognee-langchain\[(\w+)\]")


def _imported_modules(source: str) -> set[str]:
    """Top-level names of the modules ``source`` imports (absolute imports only)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def _closure(extras: tuple[str, ...] = ()) -> set[str]:
    """Distributions the core dependencies of ``pyproject.toml`` (and its ``extras``) install,
    transitively, as this environment resolves them; a dependency's own extras count only when
    the requirement names them."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = [*project["dependencies"]]
    for extra in extras:
        specs += project["optional-dependencies"][extra]
    todo = [(Requirement(spec), "") for spec in specs]
    seen: set[str] = set()
    while todo:
        requirement, extra = todo.pop()
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": extra}):
            continue
        name = canonicalize_name(requirement.name)
        if name in seen:
            continue
        seen.add(name)
        for spec in metadata.requires(requirement.name) or ():
            nested = Requirement(spec)
            wanted = ["", *sorted(requirement.extras)]
            todo.extend((nested, option) for option in wanted)
    return seen


def _sources() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Each example and README block: its code and the extras it says it needs."""
    sources = {}
    for path in sorted((ROOT / "examples").glob("*.py")):
        code = path.read_text()
        docstring = ast.get_docstring(ast.parse(code)) or ""
        sources[f"examples/{path.name}"] = (code, tuple(_NAMED_EXTRA.findall(docstring)))
    for section in python_sections(README.read_text()):
        for block in section.blocks:
            if block.not_run is None:  # a block marked not-run may use what the user adds
                extras = (block.extra,) if block.extra else ()
                sources[f"README.md:{block.line}"] = (block.code, extras)
    return sources


def test_examples_and_readme_blocks_import_only_core_dependencies() -> None:
    providers = metadata.packages_distributions()
    outside = {}
    for where, (source, extras) in _sources().items():
        installed = _closure(extras)
        for module in _imported_modules(source) - _OWN:
            if module in sys.stdlib_module_names:
                continue
            dists = {canonicalize_name(d) for d in providers.get(module, [])}
            if not dists & installed:
                outside[f"{where}: {module}"] = sorted(dists) or "not installed"
    assert outside == {}, (
        "make these core dependencies in pyproject.toml, or name the extra an example needs in "
        'its docstring (pip install "cognee-langchain[EXTRA]")'
    )


def test_langchain_is_core_and_the_agents_extra_stays_as_an_empty_alias() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    core = {canonicalize_name(Requirement(spec).name) for spec in project["dependencies"]}
    assert {"langchain", "langgraph", "langchain-core"} <= core
    assert project["optional-dependencies"]["agents"] == []


def test_the_readme_lists_every_extra() -> None:
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    listed = set(re.findall(r"^\| `([\w-]+)` \|", README.read_text(), re.MULTILINE))
    assert sorted(set(extras) - listed) == [], "add a row to the README's table of extras"


def test_an_import_from_an_extra_would_be_caught() -> None:
    assert _imported_modules(
        "import psycopg\nfrom langchain.agents import x\nfrom . import y\n"
    ) == {
        "psycopg",
        "langchain",
    }
    assert "psycopg" not in _closure()  # only in the postgres / test extras
    assert "psycopg" in _closure(("postgres",))
    assert "langchain" in _closure()
