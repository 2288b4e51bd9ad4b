"""The package surface, ids and users."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cognee_langchain
from cognee_langchain.core.validation import check_query, check_text
from cognee_langchain.errors import InvalidInputError, SessionStoreUnavailableError, redact_url
from cognee_langchain.ids import MAX_ID_LENGTH, check_unicode, encode_id, validate_id
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
