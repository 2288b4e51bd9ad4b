"""Fixtures shared by unit and integration tests, and the rule for tests that need a service.

A test that needs Redis or PostgreSQL (through the ``redis_url`` / ``postgres_dsn`` fixtures, or
marked ``redis`` / ``postgres``) is skipped with the reason when the service is missing, except
in CI (``CI`` set), where it fails: see :mod:`tests.support.services`.
"""

from __future__ import annotations

import uuid
from collections.abc import Generator, Iterator

import pytest

from tests.support.services import (
    POSTGRES_DSN,
    REDIS_URL,
    SERVICE_MARKERS,
    in_ci,
    postgres_unreachable,
    redis_unreachable,
    service_missing,
)

__all__ = ["POSTGRES_DSN", "REDIS_URL"]

# The fixture that provides each service, and the marker of the tests using it.
_SERVICE_FIXTURES = {"redis_url": "redis", "postgres_dsn": "postgres"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test using a service fixture with the service's marker (``-m "not redis"``
    then deselects it, and in CI its skip becomes a failure)."""
    for item in items:
        for fixture, marker in _SERVICE_FIXTURES.items():
            if fixture in getattr(item, "fixturenames", ()) and not item.get_closest_marker(marker):
                item.add_marker(marker)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """In CI a test marked as needing a service fails instead of skipping, whatever skipped it
    (a fixture, ``pytest.skip`` in the test, a missing ``redis-server`` binary)."""
    report = yield
    if report.skipped and not hasattr(report, "wasxfail") and in_ci():
        needs = [marker for marker in SERVICE_MARKERS if item.get_closest_marker(marker)]
        if needs:
            longrepr = report.longrepr
            reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
            report.outcome = "failed"
            report.longrepr = (
                f"needs {' and '.join(needs)} but was skipped: {reason} "
                "[CI is set: a missing service fails the run]"
            )
    return report


@pytest.fixture(scope="session")
def redis_url() -> str:
    """URL of the test Redis (``COGNEE_TEST_REDIS_URL``); when it does not answer, skips the test
    with the reason, or fails it in CI."""
    reason = redis_unreachable(REDIS_URL)
    if reason:
        service_missing(reason)
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


@pytest.fixture(scope="session")
def postgres_dsn() -> str:
    """DSN of the test PostgreSQL (``COGNEE_TEST_POSTGRES_DSN``); when it does not answer, skips
    the test with the reason, or fails it in CI."""
    reason = postgres_unreachable(POSTGRES_DSN)
    if reason:
        service_missing(reason)
    return POSTGRES_DSN


@pytest.fixture
def pg_schema(postgres_dsn: str) -> Iterator[str]:
    """A PostgreSQL schema name no other test uses; afterwards it is dropped, with the
    ``_sessions`` schema a session store built from a URL naming it puts beside it."""
    import psycopg
    from psycopg import sql

    schema = f"cl_test_{uuid.uuid4().hex[:12]}"
    yield schema
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        for name in (schema, f"{schema}_sessions"):
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(name)))
