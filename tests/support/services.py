"""The services integration tests need (Redis, PostgreSQL): where they are, whether they answer,
and what a test does when one does not.

On a developer's machine a test whose service is missing is skipped, with the reason printed in
the summary (``-rs`` in the pytest options). In CI (the ``CI`` environment variable set to
anything but ``""``, ``0``, ``false``, ``no`` or ``off``) it fails instead: a run that silently
skipped the Redis tests would be green without having tested Redis.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

__all__ = [
    "POSTGRES_DSN",
    "REDIS_URL",
    "SERVICE_MARKERS",
    "in_ci",
    "postgres_unreachable",
    "redis_unreachable",
    "service_missing",
]

REDIS_URL = os.environ.get("COGNEE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
POSTGRES_DSN = os.environ.get(
    "COGNEE_TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/test"
)
#: Markers of tests that need a service: in CI such a test never skips.
SERVICE_MARKERS = ("redis", "postgres")

_NOT_CI = {"", "0", "false", "no", "off"}


def in_ci() -> bool:
    """Whether this run is CI's: ``CI`` is set to a true value (``1``, ``true``...)."""
    return os.environ.get("CI", "").strip().lower() not in _NOT_CI


def service_missing(reason: str) -> NoReturn:
    """Skip the test for ``reason``, or in CI fail it."""
    if in_ci():
        pytest.fail(f"{reason} [CI is set: a missing service fails the run]", pytrace=False)
    pytest.skip(reason)


def redis_unreachable(url: str = REDIS_URL) -> str | None:
    """None when Redis at ``url`` answers PING, else why not."""
    import redis

    from cognee_langchain.errors import redact_url

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        try:
            client.ping()
        finally:
            client.close()
    except Exception as exc:
        return (
            f"Redis not reachable at {redact_url(url)} ({type(exc).__name__}); "
            "start it or set COGNEE_TEST_REDIS_URL"
        )
    return None


def postgres_unreachable(dsn: str = POSTGRES_DSN) -> str | None:
    """None when PostgreSQL at ``dsn`` answers ``SELECT 1``, else why not."""
    from cognee_langchain.errors import redact_url

    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed: pip install -e '.[test]'"
    try:
        with psycopg.connect(dsn, connect_timeout=2) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:
        return (
            f"PostgreSQL not reachable at {redact_url(dsn)} ({type(exc).__name__}); "
            "start it or set COGNEE_TEST_POSTGRES_DSN"
        )
    return None
