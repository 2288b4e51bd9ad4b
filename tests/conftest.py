"""Fixtures shared by unit and integration tests."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

REDIS_URL = os.environ.get("COGNEE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
POSTGRES_DSN = os.environ.get(
    "COGNEE_TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/test"
)


def _redis_reachable() -> str | None:
    """None when Redis answers PING, else the reason to skip."""
    import redis

    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
        client.close()
    except Exception as exc:
        return (
            f"Redis not reachable at {REDIS_URL} ({type(exc).__name__}); set COGNEE_TEST_REDIS_URL"
        )
    return None


@pytest.fixture(scope="session")
def redis_url() -> str:
    """URL of the test Redis; skips the test with the reason when Redis is not running."""
    reason = _redis_reachable()
    if reason:
        pytest.skip(reason)
    return REDIS_URL


@pytest.fixture
def redis_prefix(redis_url: str) -> Iterator[str]:
    """A key prefix unique to this test; every key under it is deleted afterwards."""
    import redis

    prefix = f"cl_test_{uuid.uuid4().hex[:12]}"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()
