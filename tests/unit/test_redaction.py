"""No secret in any output: URLs (userinfo or query string, any scheme) are shown redacted."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cognee_langchain.core.redaction import REDACTED, redact_text, redact_url
from cognee_langchain.errors import InvalidInputError, SessionStoreRefusedError
from cognee_langchain.sessions import RedisSessionStore
from cognee_langchain.sessions.errors import unavailable

_schemes = st.sampled_from(
    ["redis", "rediss", "unix", "postgresql", "https", "redis+sentinel", "amqp", "x-y.z"]
)
_plain = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789.-", min_size=1, max_size=12)
_secrets = st.text(min_size=4, max_size=24).filter(lambda s: "\x00" not in s)
_tails = st.sampled_from(["", "/0", "/db?ssl=true", "/0?db=1#frag", "/path/to?x=1&y=2"])


def _hidden(secret: str, shown: str) -> bool:
    return secret not in shown and quote(secret, safe="") not in shown


@settings(max_examples=300, deadline=None)
@given(scheme=_schemes, user=_plain | st.just(""), password=_secrets, host=_plain, tail=_tails)
def test_no_userinfo_password_survives(
    scheme: str, user: str, password: str, host: str, tail: str
) -> None:
    assume(not any(password in part for part in (scheme, user, host, tail, REDACTED, "://")))
    for secret in (password, quote(password, safe="")):  # raw (malformed) or percent-encoded
        url = f"{scheme}://{user}:{secret}@{host}:6379{tail}"
        shown = redact_url(url)
        assert _hidden(password, shown), (url, shown)
        if not any(ch.isspace() for ch in password):  # a URL in a text ends at a space
            assert _hidden(password, redact_text(f"cannot reach {url} (timeout)"))
        assert f"{user}:{REDACTED}@" in shown


@settings(max_examples=300, deadline=None)
@given(
    scheme=_schemes,
    name=st.sampled_from(["password", "PASSWORD", "pass", "token", "api_key", "access-token"]),
    password=_secrets,
    host=_plain,
    before=st.sampled_from(["", "db=1&", "ssl=true;"]),
    after=st.sampled_from(["", "&db=2", "#x"]),
)
def test_no_query_string_secret_survives(
    scheme: str, name: str, password: str, host: str, before: str, after: str
) -> None:
    encoded = quote(password, safe="")
    assume(not any(password in part for part in (scheme, host, name, before, after, REDACTED)))
    url = f"{scheme}://{host}/0?{before}{name}={encoded}{after}"
    shown = redact_url(url)
    assert _hidden(password, shown), (url, shown)
    assert f"{name}={REDACTED}" in shown
    assert shown.startswith(f"{scheme}://{host}/0?{before}")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0"),
        ("redis://:pw@h:1/0", f"redis://:{REDACTED}@h:1/0"),
        ("redis://alice:pw@h/0?db=1", f"redis://alice:{REDACTED}@h/0?db=1"),
        ("redis://h/0?password=pw&db=1", f"redis://h/0?password={REDACTED}&db=1"),
        ("unix:///tmp/r.sock?password=pw", f"unix:///tmp/r.sock?password={REDACTED}"),
        ("https://TOKEN@example.com/x", f"https://{REDACTED}@example.com/x"),
        ("redis://u:p/w?x#y@h/0", f"redis://u:{REDACTED}@h/0"),
        ("sqlite:///tmp/sessions.sqlite", "sqlite:///tmp/sessions.sqlite"),
    ],
)
def test_redact_url_examples(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_redact_text_hides_pairs_outside_urls() -> None:
    assert redact_text("auth failed: password=hunter2, token: abc") == (
        f"auth failed: password={REDACTED}, token: {REDACTED}"
    )


@pytest.mark.parametrize(
    "url", ["redis://u:s3cr3t@h:port/0", "redis://u:s3cr3t/x@h:1/0", "http://u:s3cr3t@h/0"]
)
def test_a_bad_redis_url_is_refused_without_its_password(url: str) -> None:
    with pytest.raises(InvalidInputError) as raised:
        RedisSessionStore(url)
    assert "s3cr3t" not in str(raised.value)


def test_session_errors_redact_what_they_quote() -> None:
    cause = ConnectionError("Error connecting to redis://u:s3cr3t@h:1/0?password=s3cr3t")
    for error in (
        unavailable("redis://u:s3cr3t@h:1/0?token=s3cr3t", cause),
        SessionStoreRefusedError("redis://h/0?password=s3cr3t", "read_only", "fix it.", cause),
    ):
        assert "s3cr3t" not in str(error)
        assert "s3cr3t" not in error.url


def test_a_user_named_like_a_secret_keeps_the_host() -> None:
    """Hypothesis found it: the user name "passwd" made ``passwd:***@host`` read as a secret
    pair, and the host vanished from the shown URL (nothing leaked, but the URL was useless)."""
    assert redact_url("redis://passwd:0000@cache.local:6379/0") == (
        "redis://passwd:***@cache.local:6379/0"
    )
