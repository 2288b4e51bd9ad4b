"""The session-store conformance suite, run against every backend: a SQLite file and real Redis.

The suite is :class:`cognee_langchain.testing.SessionStoreConformanceTests`; each backend here
only says how to build a fresh store. Redis runs under a key prefix unique to each test (the
``redis_prefix`` fixture deletes its keys) and is skipped, with the reason, when unreachable
(failed when ``CI`` is set). SQLite's sliding-TTL tests run on a clock the test moves; Redis
expires keys on its own clock, so there they wait in real time.
What only one backend does is tested in ``test_redis_session_store.py`` and
``tests/unit/test_sqlite_session_store.py``; a natively async backend, through the sync bridge,
in ``tests/unit/test_session_store_bridge.py``.
"""

from __future__ import annotations

import asyncio
import time
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from cognee_langchain.sessions import RedisSessionStore, SessionStore, SQLiteSessionStore
from cognee_langchain.sessions import sqlite as sqlite_module
from cognee_langchain.testing import SessionStoreConformanceTests
from cognee_langchain.testing import session_store as conformance


class StoreClock:
    """A clock the test moves: stands in for the ``time`` module of the SQLite store and of the
    conformance suite, whose sleeps advance it instead of waiting."""

    def __init__(self) -> None:
        self.now = time.time()

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.now += seconds
        await _real_asyncio_sleep(0)


_real_asyncio_sleep = asyncio.sleep


class TestSQLiteSessionStore(SessionStoreConformanceTests):
    @pytest.fixture
    def store(
        self, tmp_path: Path, store_options: dict[str, Any], monkeypatch: pytest.MonkeyPatch
    ) -> Iterator[SessionStore]:
        ttl = store_options.get("ttl")
        if isinstance(ttl, int | float) and ttl < 5:
            # The sliding-TTL tests (sub-second TTLs, sleeps between writes) run on the store's
            # clock: what they check cannot depend on how loaded the machine is.
            clock = StoreClock()
            monkeypatch.setattr(sqlite_module, "time", clock)
            monkeypatch.setattr(conformance, "time", clock)
            fake_asyncio = types.SimpleNamespace(**vars(asyncio))
            fake_asyncio.sleep = clock.asleep
            monkeypatch.setattr(conformance, "asyncio", fake_asyncio)
        store = SQLiteSessionStore(tmp_path / "sessions.sqlite", **store_options)
        yield store
        store.close()


@pytest.mark.redis
class TestRedisSessionStore(SessionStoreConformanceTests):
    @pytest.fixture
    def store(
        self, redis_url: str, redis_prefix: str, store_options: dict[str, Any]
    ) -> Iterator[SessionStore]:
        store = RedisSessionStore(redis_url, prefix=redis_prefix, **store_options)
        yield store
        store.close()


# -- for suites of components built on a store (test_chat_message_history.py imports these) -------
MakeStore = Callable[..., SessionStore]


@pytest.fixture(params=["sqlite", "redis"])
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MakeStore]:
    """Build stores of the parametrised backend; all stores of one test share their data."""
    stores: list[SessionStore] = []
    redis_options: dict[str, Any] = {}
    if request.param == "redis":
        redis_options = {
            "url": request.getfixturevalue("redis_url"),
            "prefix": request.getfixturevalue("redis_prefix"),
        }

    def make(**options: Any) -> SessionStore:
        store: SessionStore
        if request.param == "redis":
            store = RedisSessionStore(**redis_options, **options)
        else:
            store = SQLiteSessionStore(tmp_path / "sessions.sqlite", **options)
        stores.append(store)
        return store

    yield make
    for store in stores:
        store.close()


@pytest.fixture
def store(make_store: MakeStore) -> SessionStore:
    """A store of each backend (the conformance classes above define their own)."""
    return make_store()
