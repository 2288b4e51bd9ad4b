"""The package surface, ids and users."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cognee_langchain
from cognee_langchain.errors import InvalidInputError, SessionStoreUnavailableError, redact_url
from cognee_langchain.ids import MAX_ID_LENGTH, encode_id, validate_id
from cognee_langchain.users import User, get_default_user, get_default_user_sync


def test_every_public_name_resolves() -> None:
    for name in cognee_langchain.__all__:
        assert getattr(cognee_langchain, name) is not None, name


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


def test_modules_import_on_their_own() -> None:
    for module in ("cognee_langchain.errors", "cognee_langchain.ids", "cognee_langchain.users"):
        importlib.import_module(module)
