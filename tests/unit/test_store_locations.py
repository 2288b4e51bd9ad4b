"""Where the stores live, as a user names it: a PostgreSQL or Redis URL or a SQLite file, in code,
in ``COGNEE_LANGCHAIN_*`` variables or on the command line; checked before anything connects, and
never showing a password."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cognee_langchain.cli import main
from cognee_langchain.core.postgres_urls import check_postgres_url, is_postgres_url
from cognee_langchain.core.settings import Settings
from cognee_langchain.errors import InvalidInputError


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://u:pw@db.example:5432/memory",
        "postgres://u@127.0.0.1/memory?sslmode=require",
        "postgresql:///memory",
        "  postgresql://db/memory  ",
    ],
)
def test_postgres_urls_are_kept_for_both_stores(url: str) -> None:
    settings = Settings(graph_store=url, session_store=url)
    assert settings.graph_store == settings.session_store == url.strip()


def test_variables_name_postgres_stores_and_repr_hides_the_password() -> None:
    settings = Settings.from_env(
        {
            "COGNEE_LANGCHAIN_GRAPH_STORE": "postgresql://me:s3cret@db:5432/memory",
            "COGNEE_LANGCHAIN_SESSION_STORE": "postgresql://me:s3cret@db:5432/memory",
        }
    )
    assert settings.graph_store == "postgresql://me:s3cret@db:5432/memory"
    assert "s3cret" not in repr(settings) and "graph_store='postgresql://me:***@db" in repr(
        settings
    )


def test_a_code_argument_wins_over_the_variable(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {"COGNEE_LANGCHAIN_GRAPH_STORE": "postgresql://db/memory"},
        graph_store=tmp_path / "g.sqlite",
    )
    assert settings.graph_store == tmp_path / "g.sqlite"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "graph_store",
            "postgresql://me:s3cret@db:99999/m",
            r"cannot be parsed \(check the port\)",
        ),
        ("graph_store", "redis://me:s3cret@127.0.0.1:6379/0", "URL of a kind it cannot use"),
        ("session_store", "mysql://me:s3cret@db/m", "URL of a kind it cannot use"),
        ("graph_store", "postgresql://db/m\x00", "NUL character"),
    ],
)
def test_unusable_locations_are_refused_naming_the_fix(
    field: str, value: str, message: str
) -> None:
    with pytest.raises(InvalidInputError, match=message) as caught:
        Settings(**{field: value})
    assert "s3cret" not in str(caught.value)
    assert "postgresql://" in str(caught.value)  # the form that works


def test_a_bad_variable_names_itself_without_the_password() -> None:
    with pytest.raises(InvalidInputError, match="COGNEE_LANGCHAIN_GRAPH_STORE") as caught:
        Settings.from_env({"COGNEE_LANGCHAIN_GRAPH_STORE": "postgresql://me:s3cret@db:0x/m"})
    assert "s3cret" not in str(caught.value)


@given(st.text(max_size=40))
def test_any_text_is_a_url_or_refused_cleanly(tail: str) -> None:
    url = "postgresql://" + tail
    try:
        checked = check_postgres_url(url, "graph_store")
    except InvalidInputError as exc:
        assert "postgresql://" in str(exc)
    else:
        assert is_postgres_url(checked) and checked == url.strip()


def test_the_cli_takes_both_locations_and_refuses_two_session_stores(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    graph, sessions = tmp_path / "g.sqlite", tmp_path / "s.sqlite"
    args = ["--data-dir", str(tmp_path / "d"), "--graph-store", str(graph)]
    assert main([*args, "--session-store", str(sessions), "stats"]) == 0
    assert graph.exists() and not (tmp_path / "d" / "graph.sqlite").exists()
    capsys.readouterr()
    code = main([*args, "--redis-url", "redis://127.0.0.1", "--session-store", "x.sqlite", "stats"])
    assert code == 2
    assert "pass one of them" in capsys.readouterr().err
