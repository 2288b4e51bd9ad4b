"""``Settings``: every knob from ``COGNEE_LANGCHAIN_*`` variables, read in one place; arguments win
over the environment, the environment over the defaults; every bad value is an
``InvalidInputError`` naming its variable; the memory and its session store use them."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from langchain_openai import ChatOpenAI

from cognee_langchain.core.defaults import DEFAULT_LLM_TIMEOUT, Limits
from cognee_langchain.core.settings import ENV_PREFIX, Settings
from cognee_langchain.errors import InvalidInputError
from cognee_langchain.memory import GraphMemory
from cognee_langchain.sessions import RedisSessionStore, SQLiteSessionStore
from cognee_langchain.sessions.redis_layout import key_prefix, user_keys
from cognee_langchain.users import User, get_default_user_sync

FIELDS = [field.name for field in dataclasses.fields(Settings)]
# A good value of each variable, and what the field holds then.
GOOD = {
    "data_dir": ("./memory", Path("memory")),
    "session_store": ("redis://:pw@127.0.0.1:6379/2", "redis://:pw@127.0.0.1:6379/2"),
    "session_namespace": ("my_project", "my_project"),
    "session_ttl": ("3600", 3600.0),
    "session_max_messages": ("500", 500),
    "redis_timeout": ("2.5", 2.5),
    "graph_store": ("./g.sqlite", Path("g.sqlite")),
    "llm_model": ("gpt-4o-mini", "gpt-4o-mini"),
    "llm_timeout": ("12", 12.0),
    "max_query_chars": ("100", 100),
    "max_text_chars": ("1000", 1000),
    "max_id_chars": ("64", 64),
    "chunk_size": ("800", 800),
    "chunk_overlap": ("80", 80),
    "user": ("alice", "alice"),
}
# Unusable values of each variable.
BAD = {
    "data_dir": ["a\x00b"],
    "session_store": ["redis://h:port/0", "redis://h\ud800:6379/0"],
    "session_namespace": ["a\tb", "x" * 300],
    "session_ttl": ["soon", "0", "-5", "nan", "inf"],
    "session_max_messages": ["0", "1.5", "many"],
    "redis_timeout": ["0", "-1", "fast", "1e999"],
    "graph_store": [":memory:", "g\x00.sqlite"],
    "llm_model": ["gpt\n4"],
    "llm_timeout": ["0", "-1", "thirty", "nan"],
    "max_query_chars": ["0", "-3", "ten", "1e3"],
    "max_text_chars": ["0", "lots"],
    "max_id_chars": ["0", "257"],
    "chunk_size": ["0", "big"],
    "chunk_overlap": ["-1", "some"],
    "user": ["al\nice", "x" * 300],
}


def var(field: str) -> str:
    return ENV_PREFIX + field.upper()


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No COGNEE_LANGCHAIN_* variable or OpenAI key of the developer's shell leaks in."""
    import os

    for name in list(os.environ):
        if name.startswith(ENV_PREFIX) or name.startswith("OPENAI_"):
            monkeypatch.delenv(name)


def test_every_field_has_a_variable_and_a_tested_good_and_bad_value() -> None:
    assert sorted(GOOD) == sorted(FIELDS) == sorted(BAD)


@pytest.mark.parametrize("field", FIELDS)
def test_each_variable_sets_its_field(field: str) -> None:
    text, expected = GOOD[field]
    settings = Settings.from_env({var(field): text})
    assert getattr(settings, field) == expected
    # ...and nothing else
    others = {f: getattr(settings, f) for f in FIELDS if f != field}
    assert others == {f: getattr(Settings(), f) for f in FIELDS if f != field}


@pytest.mark.parametrize(("field", "text"), [(f, t) for f, texts in BAD.items() for t in texts])
def test_every_bad_value_names_its_variable_and_an_example(field: str, text: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        Settings.from_env({var(field): text})
    message = str(caught.value)
    assert message.startswith(f"{var(field)}=")
    assert f"Set e.g. {var(field)}=" in message


def test_precedence_arguments_then_environment_then_defaults() -> None:
    environ = {var("llm_timeout"): "5", var("chunk_size"): "900"}
    settings = Settings.from_env(environ, llm_timeout=7, chunk_overlap=None)
    assert settings.llm_timeout == 7.0  # argument over environment
    assert settings.chunk_size == 900  # environment over default
    assert settings.chunk_overlap is None  # None is "not given": the default
    assert settings.max_query_chars == Limits().max_query_chars
    assert Settings().llm_timeout == DEFAULT_LLM_TIMEOUT


def test_blank_variables_count_as_unset_and_unknown_ones_are_refused() -> None:
    assert Settings.from_env({var("llm_timeout"): "  ", var("user"): ""}) == Settings()
    with pytest.raises(InvalidInputError, match="did you mean COGNEE_LANGCHAIN_DATA_DIR"):
        Settings.from_env({"COGNEE_LANGCHAIN_DATADIR": "./memory"})
    with pytest.raises(InvalidInputError, match="no field 'timeout'"):
        Settings.from_env({}, timeout=5)


def test_values_fine_alone_but_not_together_name_the_variables() -> None:
    with pytest.raises(InvalidInputError, match="chunk_overlap must be less") as caught:
        Settings.from_env({var("chunk_size"): "100", var("chunk_overlap"): "100"})
    assert var("chunk_size") in str(caught.value) and var("chunk_overlap") in str(caught.value)


def test_a_redis_password_never_shows() -> None:
    settings = Settings.from_env({var("session_store"): "redis://:hunter2@h:6379/0"})
    assert "hunter2" not in repr(settings)
    with pytest.raises(InvalidInputError) as caught:
        Settings.from_env({var("session_store"): "redis://:hunter2@h:port/0"})
    assert "hunter2" not in str(caught.value)


@given(
    field=st.sampled_from(FIELDS),
    text=st.one_of(
        st.text(max_size=40),
        st.text(st.characters(exclude_categories=()), max_size=12),  # lone surrogates too
        st.from_regex(r"-?[0-9]{0,6}(\.[0-9]{0,3})?(e[0-9]{1,4})?", fullmatch=True),
        st.sampled_from(["nan", "inf", "-inf", "1_000", "0x10", "redis://", ":memory:"]),
    ),
)
def test_any_value_gives_settings_or_invalid_input_error(field: str, text: str) -> None:
    try:
        settings = Settings.from_env({var(field): text})
    except InvalidInputError as exc:
        assert var(field) in str(exc)
    else:
        assert isinstance(settings, Settings)
        assert settings == Settings.from_env({var(field): text})  # reading twice: the same


# -- the memory uses them ------------------------------------------------------------------------
def test_memory_takes_every_option_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    environ = {
        "data_dir": str(tmp_path / "data"),
        "session_store": str(tmp_path / "sessions.sqlite"),
        "session_ttl": "60",
        "session_max_messages": "7",
        "graph_store": str(tmp_path / "graph.sqlite"),
        "llm_timeout": "9",
        "max_query_chars": "50",
        "max_text_chars": "5000",
        "max_id_chars": "40",
        "chunk_size": "300",
        "chunk_overlap": "30",
        "user": "alice",
    }
    for field, text in environ.items():
        monkeypatch.setenv(var(field), text)
    memory = GraphMemory()
    try:
        assert memory.data_dir == tmp_path / "data"
        assert memory.runtime.llm_timeout == 9.0
        assert memory.runtime.limits == Limits(50, 5000, 40)
        assert (memory.chunker.chunk_size, memory.chunker.chunk_overlap) == (300, 30)
        assert memory.user == User(id="alice")
        store = memory.session_store
        assert isinstance(store, SQLiteSessionStore)
        assert (Path(store.path), store.ttl, store.max_messages) == (
            tmp_path / "sessions.sqlite",
            60,
            7,
        )
        assert memory.graph_store.path == tmp_path / "graph.sqlite"  # type: ignore[attr-defined]
        with pytest.raises(InvalidInputError, match="max_query_chars"):
            memory.search("q" * 51)
    finally:
        memory.close()


def test_memory_arguments_win_and_settings_replace_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(var("llm_timeout"), "9")
    monkeypatch.setenv(var("user"), "alice")
    monkeypatch.setenv(var("max_query_chars"), "50")
    memory = GraphMemory(tmp_path, llm_timeout=3, user=User(id="bob"), limits=Limits(10, 10, 10))
    assert (memory.runtime.llm_timeout, memory.user.id) == (3.0, "bob")
    assert memory.runtime.limits == Limits(10, 10, 10)  # limits= replaces all three
    assert memory.settings.llm_timeout == 3.0
    plain = GraphMemory(tmp_path, settings=Settings())
    assert plain.runtime.llm_timeout == DEFAULT_LLM_TIMEOUT
    assert plain.user == get_default_user_sync()
    with pytest.raises(InvalidInputError, match="settings must be a Settings"):
        GraphMemory(tmp_path, settings={"llm_timeout": 3})  # type: ignore[typeddict-item]


def test_bad_environment_fails_when_the_memory_is_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(var("llm_timeout"), "0")
    with pytest.raises(InvalidInputError, match="COGNEE_LANGCHAIN_LLM_TIMEOUT='0'"):
        GraphMemory(tmp_path)
    assert not (tmp_path / "graph.sqlite").exists()


def test_a_model_name_needs_an_api_key_and_stays_offline_without_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert GraphMemory(tmp_path).llm is None  # offline by default
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    assert GraphMemory(tmp_path).llm is None  # a key alone starts no paid model
    monkeypatch.setenv(var("llm_model"), "gpt-4o-mini")
    llm = GraphMemory(tmp_path).llm
    assert isinstance(llm, ChatOpenAI)
    assert (llm.model_name, llm.max_retries) == ("gpt-4o-mini", 0)
    monkeypatch.delenv("OPENAI_API_KEY")
    with pytest.raises(InvalidInputError, match="needs an OpenAI key: set OPENAI_API_KEY"):
        GraphMemory(tmp_path)


# -- session namespaces (the keys; tests/integration/ runs them on Redis) ------------------------
def test_a_namespace_is_part_of_every_key_and_checked() -> None:
    assert key_prefix("cl", None) == "cl" and key_prefix("cl", "proj") == "cl:proj"
    index, counts, sessions = user_keys(key_prefix("cl", "proj"), "alice")
    assert all(key.startswith("cl:proj:{u:alice}:") for key in (index, counts, sessions))
    store = RedisSessionStore("redis://127.0.0.1:6379/0", namespace="proj")  # connects lazily
    assert store.namespace == "proj" and "namespace='proj'" in repr(store)
    for bad in ("a{b", "a b", "", "x" * 300):
        with pytest.raises(InvalidInputError, match="namespace"):
            RedisSessionStore("redis://127.0.0.1:6379/0", namespace=bad)


def test_each_memory_gets_its_own_namespace_unless_given_one(tmp_path: Path) -> None:
    url = "redis://127.0.0.1:6379/0"

    def namespace(data_dir: Path, **options: object) -> str | None:
        memory = GraphMemory(data_dir, session_store=url, settings=Settings(), **options)  # type: ignore[arg-type]
        store = memory.session_store
        assert isinstance(store, RedisSessionStore)
        return store.namespace

    one, two = namespace(tmp_path / "one"), namespace(tmp_path / "two")
    assert one and two and one != two
    assert namespace(tmp_path / "one") == one  # stable: the same graph, the same sessions
    # a relative path names the same graph as its absolute form
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        assert namespace(Path("one")) == one
    # the graph's location decides, not the data dir
    assert namespace(tmp_path / "x", graph_store=tmp_path / "one" / "graph.sqlite") == one
    assert namespace(tmp_path / "one", session_namespace="team") == "team"
    with pytest.raises(InvalidInputError, match="session_namespace applies"):
        GraphMemory(tmp_path, session_store=RedisSessionStore(url), session_namespace="team")
