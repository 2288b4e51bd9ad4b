"""The import contract of ``docs/architecture.md``, checked on the source.

Layers, lowest first: core ← engines ← services ← facade (``memory``) ← adapters. A module
imports only from its own layer or below; engines keep to their own concern; no import cycle;
no module over 500 lines without a reason at its top. Imports under ``if TYPE_CHECKING:`` do not
count (they never run); imports inside functions do.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import cognee_langchain

PACKAGE = Path(cognee_langchain.__file__).parent
ROOT = "cognee_langchain"

# module (or package prefix) -> layer; the longest matching prefix wins.
LAYERS: dict[str, int] = {
    f"{ROOT}.core": 0,
    f"{ROOT}.errors": 0,
    f"{ROOT}.ids": 0,
    f"{ROOT}.users": 0,
    f"{ROOT}.permissions": 0,
    f"{ROOT}.sessions": 1,
    f"{ROOT}.graph": 1,
    f"{ROOT}.extraction": 1,
    f"{ROOT}.retrieval": 1,
    f"{ROOT}.embeddings": 1,
    f"{ROOT}.prompts": 1,
    f"{ROOT}.services": 2,
    f"{ROOT}.memory": 3,
    f"{ROOT}.retrievers": 4,
    f"{ROOT}.tools": 4,
    f"{ROOT}.store": 4,
    f"{ROOT}.chat_message_histories": 4,
    f"{ROOT}.middleware": 4,
    f"{ROOT}.nodes": 4,
    f"{ROOT}.pipelines": 4,
    f"{ROOT}.cli": 4,
    f"{ROOT}.__main__": 4,
    f"{ROOT}.testing": 4,
    ROOT: 4,  # the package __init__: lazy re-exports of every layer
}
LAYER_NAMES = ["core", "engines", "services", "facade", "adapters"]

# The facade's factory methods (GraphMemory.as_retriever / as_tool) build their adapter; the
# adapter names the facade only under TYPE_CHECKING, so no cycle results.
ALLOWED_UPWARD = {
    (f"{ROOT}.memory", f"{ROOT}.retrievers"),
    (f"{ROOT}.memory", f"{ROOT}.tools"),
    (f"{ROOT}.memory", f"{ROOT}.store"),
}

# Engines keep to their concern: stores know nothing of models or ranking, extractors nothing of
# storage or ranking.
ENGINE_FORBIDDEN = {
    f"{ROOT}.sessions": (
        f"{ROOT}.graph",
        f"{ROOT}.extraction",
        f"{ROOT}.retrieval",
        f"{ROOT}.embeddings",
        f"{ROOT}.prompts",
    ),
    f"{ROOT}.graph": (
        f"{ROOT}.sessions",
        f"{ROOT}.extraction",
        f"{ROOT}.retrieval",
        f"{ROOT}.embeddings",
        f"{ROOT}.prompts",
    ),
    f"{ROOT}.extraction": (f"{ROOT}.sessions", f"{ROOT}.graph", f"{ROOT}.retrieval"),
    f"{ROOT}.retrieval": (
        f"{ROOT}.sessions",
        f"{ROOT}.extraction",
        f"{ROOT}.embeddings",
        f"{ROOT}.prompts",
    ),
}

MAX_LINES = 500
SIZE_REASON = "Over 500 lines because"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_nodes(node: ast.AST) -> Iterator[ast.AST]:
    """Every node below ``node`` except the bodies of ``if TYPE_CHECKING:`` blocks."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child.test):
            for other in child.orelse:
                yield other
                yield from _runtime_nodes(other)
            continue
        yield child
        yield from _runtime_nodes(child)


def _resolve(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    package = base if MODULES[module].name == "__init__.py" else base[:-1]
    package = package[: len(package) - (node.level - 1)]
    return ".".join([*package, *([node.module] if node.module else [])])


def runtime_imports(module: str) -> set[str]:
    """The package modules ``module`` imports when it runs."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, node)
            found.add(target)
            # ``from pkg import submodule`` imports the submodule
            found.update(
                f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in MODULES
            )
    return {name for name in found if name in MODULES and name != module}


def layer_of(module: str) -> int:
    prefix = max(
        (p for p in LAYERS if module == p or module.startswith(p + ".")), key=len, default=None
    )
    assert prefix is not None, f"{module} has no layer: add it to LAYERS and the architecture doc"
    return LAYERS[prefix]


GRAPH = {module: runtime_imports(module) for module in MODULES}


def test_every_module_has_a_layer() -> None:
    for module in MODULES:
        layer_of(module)


def test_no_module_imports_from_a_layer_above_its_own() -> None:
    violations = [
        f"{module} ({LAYER_NAMES[layer_of(module)]}) imports {target} "
        f"({LAYER_NAMES[layer_of(target)]})"
        for module, targets in GRAPH.items()
        for target in sorted(targets)
        if layer_of(target) > layer_of(module) and (module, target) not in ALLOWED_UPWARD
    ]
    assert violations == []


@pytest.mark.parametrize("engine", sorted(ENGINE_FORBIDDEN))
def test_engines_keep_to_their_concern(engine: str) -> None:
    forbidden = ENGINE_FORBIDDEN[engine]
    violations = [
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        if module == engine or module.startswith(engine + ".")
        for target in sorted(targets)
        if any(target == f or target.startswith(f + ".") for f in forbidden)
    ]
    assert violations == []


def test_services_take_the_runtime_never_the_facade() -> None:
    for module, targets in GRAPH.items():
        if layer_of(module) <= LAYER_NAMES.index("services"):
            assert f"{ROOT}.memory" not in targets, module


def _cycle() -> list[str] | None:
    """One import cycle among runtime imports, or ``None``."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for target in sorted(GRAPH[module]):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        path.pop()
        state[module] = 2
        return None

    for module in sorted(GRAPH):
        if module not in state and (found := visit(module)):
            return found
    return None


def test_no_import_cycle() -> None:
    assert _cycle() is None


def test_the_contract_test_sees_a_cycle_and_an_upward_import() -> None:
    """The checks above can fail: a planted cycle and a planted upward import are found."""
    planted = {f"{ROOT}.services.search": {f"{ROOT}.memory"}, f"{ROOT}.memory": set()}
    saved = {module: GRAPH[module] for module in planted}
    try:
        GRAPH[f"{ROOT}.services.search"] = GRAPH[f"{ROOT}.services.search"] | {f"{ROOT}.memory"}
        GRAPH[f"{ROOT}.memory"] = GRAPH[f"{ROOT}.memory"] | {f"{ROOT}.services.search"}
        assert _cycle() is not None
        with pytest.raises(AssertionError):
            test_services_take_the_runtime_never_the_facade()
        with pytest.raises(AssertionError):
            test_no_module_imports_from_a_layer_above_its_own()
    finally:
        GRAPH.update(saved)


def test_imports_under_type_checking_and_in_functions_are_told_apart() -> None:
    # memory imports the retriever adapter inside as_retriever (counted) and the search types
    # under TYPE_CHECKING (not counted); the retriever names the facade for typing only.
    assert f"{ROOT}.retrievers" in GRAPH[f"{ROOT}.memory"]
    assert f"{ROOT}.memory" not in GRAPH[f"{ROOT}.retrievers"]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_stay_small_or_say_why(module: str) -> None:
    text = MODULES[module].read_text(encoding="utf-8")
    lines = text.count("\n")
    docstring = " ".join((ast.get_docstring(ast.parse(text)) or "").split())
    if lines > MAX_LINES and SIZE_REASON not in docstring:
        pytest.fail(
            f"{module} has {lines} lines: split it, or say at its top why not ('{SIZE_REASON} ...')"
        )


@pytest.mark.parametrize("module", sorted(MODULES))
def test_every_package_declares_its_public_names(module: str) -> None:
    if MODULES[module].name != "__init__.py":
        return
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    assert any(
        isinstance(node, ast.Assign | ast.AnnAssign)
        and any(
            isinstance(t, ast.Name) and t.id == "__all__"
            for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
        )
        for node in tree.body
    ), f"{module} has no __all__"
