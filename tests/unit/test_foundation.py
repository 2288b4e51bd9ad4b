"""The package surface, ids and users."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cognee_langchain
from cognee_langchain.core.validation import check_query, check_text
from cognee_langchain.errors import InvalidInputError, SessionStoreUnavailableError, redact_url
from cognee_langchain.ids import MAX_ID_LENGTH, check_unicode, encode_id, validate_id
from cognee_langchain.users import User, get_default_user, get_default_user_sync


def test_every_public_name_resolves_to_the_object_its_module_defines() -> None:
    # Resolved in a fresh interpreter, so each name goes through the lazy table on first use.
    code = (
        "import importlib, json, cognee_langchain as p\n"
        "table = p._EXPORTS\n"
        "found = {}\n"
        "for name in set(p.__all__) - {'__version__'}:\n"
        "    value = getattr(p, name)\n"
        "    home = importlib.import_module(table[name])\n"
        "    found[name] = [table[name], value is getattr(home, name), name in vars(p)]\n"
        "print(json.dumps({'all': p.__all__, 'table': sorted(table), 'dir': dir(p),"
        " 'found': found}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    result = json.loads(out.stdout)
    # Every public name is in the lazy table and the reverse: none is declared but unresolvable.
    assert sorted(set(result["all"]) - {"__version__"}) == result["table"]
    assert len(set(result["all"])) == len(result["all"])
    assert set(result["all"]) <= set(result["dir"])
    for name, (module, same_object, cached) in result["found"].items():
        assert same_object, f"{name} is not {module}.{name}"
        assert cached, f"{name} is resolved again on every access"
    assert cognee_langchain.__version__ == metadata.version("cognee-langchain")
    # The names the type checker sees (under TYPE_CHECKING) come from the same modules.
    tree = ast.parse(Path(cognee_langchain.__file__).read_text(encoding="utf-8"))
    typed = {
        alias.name: node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.module != "__future__"
        for alias in node.names
        if alias.name in result["table"]
    }
    assert typed == {name: module for name, (module, _, _) in result["found"].items()}


def test_unknown_attribute_raises_attribute_error() -> None:
    with pytest.raises(AttributeError):
        _ = cognee_langchain.DoesNotExist  # type: ignore[attr-defined]


def test_import_loads_no_heavy_dependency() -> None:
    code = (
        "import sys, cognee_langchain;"
        "heavy = [m for m in ('wordllama', 'networkx', 'redis', 'langchain_openai', 'numpy')"
        " if m in sys.modules];"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.parametrize("bad", ["", "   ", "a\nb", "x\x00", "t\tab", "z" * (MAX_ID_LENGTH + 1)])
def test_validate_id_rejects(bad: str) -> None:
    with pytest.raises(InvalidInputError):
        validate_id(bad, "session id")


@pytest.mark.parametrize("bad", [None, 1, b"bytes", ["a"]])
def test_validate_id_rejects_non_str(bad: object) -> None:
    with pytest.raises(InvalidInputError, match="must be a str"):
        validate_id(bad, "session id")


printable_ids = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=64
).filter(lambda s: not s.isspace())


@given(printable_ids, printable_ids)
def test_encoding_is_injective_and_key_safe(a: str, b: str) -> None:
    ea, eb = encode_id(a), encode_id(b)
    assert (ea == eb) == (a == b)
    for forbidden in ":*{}[]? \n":
        assert forbidden not in ea


def test_user_rejects_bad_id_with_our_error() -> None:
    with pytest.raises(InvalidInputError):
        User(id="bad\nid")


async def test_default_user_is_stable() -> None:
    assert (await get_default_user()) == get_default_user_sync()
    fresh = subprocess.run(
        [
            sys.executable,
            "-c",
            "from cognee_langchain import get_default_user_sync as g; print(g().id)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert fresh.stdout.strip() == get_default_user_sync().id


def test_redact_url_hides_password() -> None:
    assert redact_url("redis://user:s3cret@host:6380/0") == "redis://user:***@host:6380/0"
    assert redact_url("redis://127.0.0.1:6379") == "redis://127.0.0.1:6379"
    err = SessionStoreUnavailableError("redis://:hunter2@localhost:1/0", TimeoutError("t"))
    assert "hunter2" not in str(err)


# The foundation, and the package modules each may pull in (nothing above it).
FOUNDATION = {
    "cognee_langchain.errors": {"cognee_langchain.errors"},
    "cognee_langchain.ids": {"cognee_langchain.errors", "cognee_langchain.ids"},
    "cognee_langchain.users": {
        "cognee_langchain.errors",
        "cognee_langchain.ids",
        "cognee_langchain.users",
    },
}


@pytest.mark.parametrize("module", sorted(FOUNDATION))
def test_foundation_modules_import_first_and_alone(module: str) -> None:
    # Imported first in a fresh interpreter: no hidden reliance on another module loading first.
    code = (
        f"import json, sys, {module}\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('cognee_langchain'))))\n"
        "print(json.dumps(sorted(m for m in ('numpy', 'redis', 'networkx', 'wordllama',"
        " 'langchain_core', 'langgraph', 'langchain_openai') if m in sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    loaded, heavy = (json.loads(line) for line in out.stdout.splitlines())
    # The package root and the core layer below everything may come along; nothing above.
    above = {
        name
        for name in loaded
        if name != "cognee_langchain" and not name.startswith("cognee_langchain.core")
    }
    assert above == FOUNDATION[module]
    assert heavy == []


# -- invalid Unicode and the memory's id limit ---------------------------------------------------
@pytest.mark.parametrize(
    ("value", "position"),
    [("\ud800", 0), ("session-\udcff", 8), ("ab\udfffcd\ud800", 2), ("😀x\ud83d", 2)],
)
def test_validate_id_rejects_a_lone_surrogate_naming_its_position(
    value: str, position: int
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        validate_id(value, "session_id")
    message = str(caught.value)
    assert message.startswith("session_id contains invalid Unicode")
    assert f"a lone surrogate at position {position}" in message
    message.encode("utf-8")  # the message itself can be printed and logged


def test_check_unicode_accepts_every_encodable_text() -> None:
    for text in ("", "plain", "Ünïcode 名前 😀", "\x00\n\t"):
        assert check_unicode(text, "text") is text


def test_validate_id_holds_ids_to_the_memory_limit_and_names_its_knob() -> None:
    assert validate_id("a" * 10, "dataset name", max_chars=10) == "a" * 10
    with pytest.raises(InvalidInputError, match=r"limit is 10 .*Limits\(max_id_chars=\.\.\.\)"):
        validate_id("a" * 11, "dataset name", max_chars=10)
    # never beyond the stores' key limit, whatever the memory says
    with pytest.raises(InvalidInputError, match=f"limit is {MAX_ID_LENGTH}"):
        validate_id("a" * (MAX_ID_LENGTH + 1), "dataset name", max_chars=10 * MAX_ID_LENGTH)


@given(st.text(st.characters(exclude_categories=()), max_size=20))
def test_validate_id_raises_only_our_error(value: str) -> None:
    try:
        validate_id(value, "id")
    except InvalidInputError:
        return
    value.encode("utf-8")  # accepted ids can be stored


def test_check_query_and_check_text_enforce_their_limits() -> None:
    assert check_query("q" * 5, max_chars=5) == "q" * 5
    with pytest.raises(InvalidInputError, match=r"limit is 5 .*max_query_chars"):
        check_query("q" * 6, max_chars=5)
    with pytest.raises(InvalidInputError, match="query contains invalid Unicode"):
        check_query("who\ud800")
    with pytest.raises(InvalidInputError, match=r"limit is 5 .*max_text_chars"):
        check_text("t" * 6, "data", max_chars=5)
    with pytest.raises(InvalidInputError, match=r"data\[3\] contains invalid Unicode"):
        check_text("ok \udc80", "data[3]")


def test_user_rejects_a_lone_surrogate_id() -> None:
    with pytest.raises(InvalidInputError, match="invalid Unicode"):
        User(id="user\ud800")
