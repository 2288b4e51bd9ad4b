"""Redis URLs, one check for the settings and the store: issue 13's ``redis+cluster://`` form."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cognee_langchain.core.redis_urls import check_redis_url, is_cluster_url, node_url
from cognee_langchain.core.settings import Settings, check_session_location
from cognee_langchain.errors import InvalidInputError
from cognee_langchain.sessions import RedisSessionStore


@given(
    tls=st.booleans(),
    host=st.from_regex(r"[a-z][a-z0-9.-]{0,20}", fullmatch=True),
    port=st.integers(1, 65535),
)
def test_a_cluster_url_names_its_seed_node_under_the_plain_scheme(
    tls: bool, host: str, port: int
) -> None:
    scheme = "rediss" if tls else "redis"
    url = f"{scheme}+cluster://alice:pw@{host}:{port}"
    assert check_redis_url(url, "url") == url and is_cluster_url(url)
    assert node_url(url) == f"{scheme}://alice:pw@{host}:{port}"
    plain = f"{scheme}://{host}:{port}/0"
    assert not is_cluster_url(plain) and node_url(plain) == plain


def test_the_settings_take_a_cluster_url_as_the_session_store() -> None:
    url = "redis+cluster://127.0.0.1:7000"
    assert check_session_location(url, "session_store") == url
    assert Settings.from_env({"COGNEE_LANGCHAIN_SESSION_STORE": url}).session_store == url


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("redis+cluster://127.0.0.1:7000/3", "only db 0"),
        ("rediss+cluster://:p@ss@h:notaport", "cannot be parsed"),
    ],
)
def test_a_bad_cluster_url_is_refused_naming_the_fix_by_settings_and_store(
    url: str, words: str
) -> None:
    for check in (
        lambda: check_session_location(url, "session_store"),
        lambda: RedisSessionStore(url),
    ):
        with pytest.raises(InvalidInputError, match=words) as raised:
            check()
        assert "p@ss" not in str(raised.value) and "redis+cluster://" in str(raised.value)


def test_a_client_of_the_wrong_kind_is_refused_at_construction() -> None:
    import redis
    import redis.asyncio as aioredis

    with pytest.raises(InvalidInputError, match="async_client="):
        RedisSessionStore(client=aioredis.Redis())  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="client="):
        RedisSessionStore(async_client=redis.Redis())  # type: ignore[arg-type]
