"""The async convention of session stores: a backend implementing only the async methods works.

``AsyncOnlyStore`` stands in for a natively async backend (PostgreSQL via psycopg async, say): it
implements the abstract async methods and nothing else, so every sync method it has is the base
class's bridge (``run_sync``). It passes the whole conformance suite, which is what the SQLite
and Redis stores are held to as well.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from langchain_core.messages import BaseMessage

from cognee_langchain.ids import validate_id
from cognee_langchain.sessions.base import (
    DEFAULT_MAX_MESSAGE_CHARS,
    IDEMPOTENCY_KEYS_KEPT,
    SessionInfo,
    SessionSlice,
    SessionStore,
    check_idempotency_key,
    check_max_message_chars,
    check_max_messages,
    check_scope,
    check_since,
    check_ttl,
    check_watermark_move,
    lost_below,
    slice_bounds,
    watermark_beyond_end,
)
from cognee_langchain.sessions.codec import TOOL_RECORD_PREFIXES, decode_records, encode_messages
from cognee_langchain.testing import SessionStoreConformanceTests
from cognee_langchain.testing.messages import turn


@dataclass
class _Session:
    created: float
    updated: float = 0.0
    expires: float | None = None
    first: int = 0
    records: list[bytes] = field(default_factory=list)
    watermarks: dict[str, int] = field(default_factory=dict)
    keys: dict[str, int] = field(default_factory=dict)  # idempotency key -> count, oldest first

    @property
    def total(self) -> int:
        return self.first + len(self.records)


class AsyncOnlyStore(SessionStore):
    """An in-memory store with async methods only; a lock makes each operation atomic."""

    def __init__(
        self,
        *,
        ttl: float | None = None,
        max_messages: int | None = None,
        max_message_chars: int | None = DEFAULT_MAX_MESSAGE_CHARS,
    ) -> None:
        self.ttl = check_ttl(ttl)
        self.max_messages = check_max_messages(max_messages)
        self.max_message_chars = check_max_message_chars(max_message_chars)
        self.loops: set[str] = set()  # names of the threads the async methods ran on
        self._sessions: dict[tuple[str, str], _Session] = {}
        # An expired session, remembered one more ttl: its count, watermarks, forgotten at.
        self._counts: dict[tuple[str, str], tuple[int, dict[str, int], float]] = {}
        self._lock = threading.Lock()

    def _live(self, scope: tuple[str, str], now: float) -> _Session | None:
        session = self._sessions.get(scope)
        if session is not None and session.expires is not None and session.expires <= now:
            del self._sessions[scope]
            forget = 2 * session.expires - session.updated
            self._counts[scope] = (session.total, session.watermarks, forget)
            return None
        return session

    def _remembered(self, scope: tuple[str, str], now: float) -> tuple[int, dict[str, int]]:
        count, watermarks, forget = self._counts.get(scope, (0, {}, now))
        return (count, watermarks) if forget > now else (0, {})

    async def _enter(self) -> None:
        self.loops.add(threading.current_thread().name)
        await asyncio.sleep(0)  # a real driver awaits I/O: let other tasks interleave here

    async def aappend(
        self,
        user_id: str,
        session_id: str,
        messages: Sequence[BaseMessage],
        *,
        idempotency_key: str | None = None,
    ) -> int:
        scope = check_scope(user_id, session_id)
        key = check_idempotency_key(idempotency_key)
        now = time.time()
        records = encode_messages(messages, now, self.max_message_chars)
        await self._enter()
        with self._lock:  # checking the key and appending: one atomic step
            session = self._live(scope, now)
            if not records:
                return self._remembered(scope, now)[0] if session is None else session.total
            if session is None:
                first, watermarks = self._remembered(scope, now)
                session = self._sessions[scope] = _Session(
                    created=now, first=first, watermarks=dict(watermarks)
                )
            elif key in session.keys:
                return session.keys[key]
            session.records += records
            if self.max_messages is not None and len(session.records) > self.max_messages:
                drop = len(session.records) - self.max_messages
                while drop < len(session.records) and session.records[drop].startswith(
                    TOOL_RECORD_PREFIXES
                ):
                    drop += 1
                session.first += drop
                del session.records[:drop]
            session.updated = now
            session.expires = None if self.ttl is None else now + self.ttl
            if key is not None:
                session.keys[key] = session.total
                if len(session.keys) > IDEMPOTENCY_KEYS_KEPT:
                    del session.keys[next(iter(session.keys))]
            return session.total

    async def adelete(self, user_id: str, session_id: str) -> None:
        scope = check_scope(user_id, session_id)
        await self._enter()
        with self._lock:
            self._sessions.pop(scope, None)
            self._counts.pop(scope, None)

    async def atouch(self, user_id: str, session_id: str) -> None:
        scope = check_scope(user_id, session_id)
        await self._enter()
        now = time.time()
        with self._lock:
            session = self._live(scope, now)
            if session is not None and self.ttl is not None:
                session.expires = now + self.ttl

    async def aread(self, user_id: str, session_id: str, since: int = 0) -> SessionSlice:
        scope = check_scope(user_id, session_id)
        since = check_since(since)
        await self._enter()
        with self._lock:
            now = time.time()
            session = self._live(scope, now)
            if session is None:
                start = max(since, self._remembered(scope, now)[0])
                return SessionSlice(scope[1], start, start, [], lost_below(since, start))
            start, end = slice_bounds(since, session.first, session.total)
            records = session.records[start - session.first :]
        items = decode_records(records, start)
        return SessionSlice(scope[1], start, end, items, lost_below(since, start))

    async def alist_sessions(self, user_id: str) -> list[SessionInfo]:
        user_id = validate_id(user_id, "user_id")
        await self._enter()
        now = time.time()
        with self._lock:
            infos = [
                SessionInfo(scope[1], len(session.records), session.created, session.updated)
                for scope in list(self._sessions)
                if scope[0] == user_id and (session := self._live(scope, now)) is not None
            ]
        return sorted(infos, key=lambda info: (-info.updated_at, info.session_id))

    async def aget_watermark(self, user_id: str, session_id: str, dataset: str) -> int:
        scope = check_scope(user_id, session_id)
        dataset = validate_id(dataset, "dataset")
        await self._enter()
        with self._lock:
            now = time.time()
            session = self._live(scope, now)
            watermarks = self._remembered(scope, now)[1] if session is None else session.watermarks
            return watermarks.get(dataset, 0)

    async def aadvance_watermark(
        self, user_id: str, session_id: str, dataset: str, expected: int, new: int
    ) -> bool:
        scope = check_scope(user_id, session_id)
        dataset, expected, new = check_watermark_move(dataset, expected, new)
        await self._enter()
        with self._lock:
            now = time.time()
            session = self._live(scope, now)
            if session is None:
                total, watermarks = self._remembered(scope, now)
                if total == 0:
                    return False
            else:
                total, watermarks = session.total, session.watermarks
            if new > total:
                raise watermark_beyond_end(dataset, new, total)
            if watermarks.get(dataset, 0) != expected:
                return False
            watermarks[dataset] = new
            return True


class TestAsyncOnlyStore(SessionStoreConformanceTests):
    @pytest.fixture
    def store(self, store_options: dict[str, Any]) -> Iterator[SessionStore]:
        store = AsyncOnlyStore(**store_options)
        yield store
        store.close()


# -- the convention -------------------------------------------------------------------------------
ASYNC_METHODS = {
    "aappend",
    "adelete",
    "atouch",
    "aread",
    "alist_sessions",
    "aget_watermark",
    "aadvance_watermark",
}


def test_the_async_methods_are_the_contract() -> None:
    assert SessionStore.__abstractmethods__ == ASYNC_METHODS
    for name in ASYNC_METHODS:
        assert asyncio.iscoroutinefunction(getattr(SessionStore, name))
        assert not asyncio.iscoroutinefunction(getattr(SessionStore, name.removeprefix("a")))


def test_a_backend_with_only_sync_methods_is_incomplete() -> None:
    namespace = {name.removeprefix("a"): lambda self, *args: None for name in ASYNC_METHODS}
    sync_only = type("SyncOnly", (SessionStore,), namespace)
    with pytest.raises(TypeError, match="abstract"):
        sync_only()


def test_sync_twins_run_the_async_methods_on_the_bridge_loop() -> None:
    store = AsyncOnlyStore()
    assert store.append("u", "s", turn("a")) == 2
    assert store.read("u", "s").messages == turn("a")
    assert store.loops == {"cognee-langchain-sync"}  # run_sync's background loop
    store.close()


async def test_sync_twins_work_inside_a_running_event_loop() -> None:
    # Blocking, as any sync call inside async code is, but not deadlocking.
    store = AsyncOnlyStore()
    store.append("u", "s", turn("a"))
    assert (await store.aread("u", "s")).messages == store.read("u", "s").messages == turn("a")
    assert threading.current_thread().name in store.loops
    await store.aclose()
    store.close()
