"""The behaviour every :class:`~cognee_langchain.sessions.SessionStore` must have, as a test class.

A backend runs the suite by subclassing :class:`SessionStoreConformanceTests` and overriding its
``store`` fixture; see the class for the contract of that fixture. Messages for the round-trip
properties come from :mod:`cognee_langchain.testing.messages`.

Over 500 lines because it is one test class, each test one behaviour of the contract: a backend
subclasses it whole, so splitting it would only make every backend subclass several classes.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from cognee_langchain.errors import InvalidInputError
from cognee_langchain.ids import MAX_ID_LENGTH
from cognee_langchain.sessions.base import (
    DEFAULT_MAX_MESSAGE_CHARS,
    IDEMPOTENCY_KEYS_KEPT,
    SessionStore,
)
from cognee_langchain.testing.messages import assert_same_messages, message_lists, tool_turn, turn

__all__ = ["SessionStoreConformanceTests"]


def _new_id() -> str:
    return f"s-{uuid.uuid4().hex[:8]}"


# One store serves every example (each writes its own session). Every backend's subclass runs the
# same test functions, so hypothesis sees several executors; the tests use no state of ``self``.
_HEALTH = [
    HealthCheck.function_scoped_fixture,
    HealthCheck.too_slow,
    HealthCheck.differing_executors,
]
_WRITERS, _TURNS = 16, 20


def _assert_turns_adjacent_and_ordered(messages: list[BaseMessage]) -> None:
    assert len(messages) == _WRITERS * _TURNS * 2
    seen: dict[str, list[int]] = {}
    for question, answer in zip(messages[::2], messages[1::2], strict=True):
        assert isinstance(question, HumanMessage)
        assert isinstance(answer, AIMessage)
        label = str(question.content).removesuffix(" question")
        assert answer.content == f"{label} answer"
        writer, number = label.split("/")
        seen.setdefault(writer, []).append(int(number))
    assert seen == {str(w): list(range(_TURNS)) for w in range(_WRITERS)}


# Crafted to collide in a naive key scheme (separators, globs, escapes, hash-tag braces).
_CRAFTED_IDS = ["a:b", "a", "b", "*", "{x}", "x", "%41", "A", "a%3Ab", "s:a:msgs", "sessions"]
_CRAFTED_IDS += ["..", "a b", "ü"]
_BAD_IDS = ["", "   ", "line\nbreak", "nul\x00", "z" * (MAX_ID_LENGTH + 1), "k" * 10_000]
_BAD_IDS += ["lone \ud800 surrogate"]
_BAD_ID_NAMES = ["empty", "blank", "newline", "nul", "long", "10kB", "surrogate"]
_CALLS: dict[str, Callable[[SessionStore, str, str], object]] = {
    "append": lambda s, u, i: s.append(u, i, turn("x")),
    "read": lambda s, u, i: s.read(u, i),
    "delete": lambda s, u, i: s.delete(u, i),
    "touch": lambda s, u, i: s.touch(u, i),
    "get_watermark": lambda s, u, i: s.get_watermark(u, i, "main"),
    "advance_watermark": lambda s, u, i: s.advance_watermark(u, i, "main", 0, 1),
}
_ASYNC_CALLS: dict[str, Callable[[SessionStore, str, str], Any]] = {
    "aappend": lambda s, u, i: s.aappend(u, i, turn("x")),
    "aread": lambda s, u, i: s.aread(u, i),
    "adelete": lambda s, u, i: s.adelete(u, i),
    "atouch": lambda s, u, i: s.atouch(u, i),
    "aget_watermark": lambda s, u, i: s.aget_watermark(u, i, "main"),
    "aadvance_watermark": lambda s, u, i: s.aadvance_watermark(u, i, "main", 0, 1),
}
_BAD_OPTIONS: list[dict[str, Any]] = [
    *({"ttl": bad} for bad in (0, -1, "1", True, math.inf, math.nan)),
    *({"max_messages": bad} for bad in (0, 1.5, True)),
    *({"max_message_chars": bad} for bad in (0, 1.5, True, "10")),
]
_BAD_KEYS: list[Any] = ["", "  ", "a\nb", "x" * (MAX_ID_LENGTH + 1), "lone \udc00", 5, b"key"]
_BAD_KEY_NAMES = ["empty", "blank", "newline", "long", "surrogate", "int", "bytes"]
# Wide enough that a loaded machine's pauses (half a second seen in CI) decide no test.
_TTL = {"ttl": 1.5}


def _option_id(options: dict[str, Any]) -> str:
    return ",".join(f"{name}={value!r}" for name, value in options.items())


class SessionStoreConformanceTests:
    """Every behaviour of the :class:`SessionStore` contract, for one backend.

    Subclass it in a test module and override the ``store`` fixture. It gets ``store_options``
    (the ``ttl``, ``max_messages`` and ``max_message_chars`` keyword arguments a test needs;
    ``{}`` by default), must
    return a store built with them whose data no other test sees (a fresh file, key prefix or
    schema), and should close it afterwards (closing twice must be harmless)::

        class TestMyStore(SessionStoreConformanceTests):
            @pytest.fixture
            def store(self, tmp_path, store_options):
                store = MyStore(tmp_path / "sessions", **store_options)
                yield store
                store.close()

    Each test runs the sync methods and, where they differ, the async twins; a backend that
    implements only the async methods is tested through the base class's sync bridge.
    """

    @pytest.fixture
    def store_options(self) -> dict[str, Any]:
        """Keyword arguments for the store (tests parametrize them directly)."""
        return {}

    @pytest.fixture
    def store(self, store_options: dict[str, Any]) -> SessionStore:
        """The store under test: override this fixture (see the class docstring)."""
        raise NotImplementedError(
            f"{type(self).__name__} must override the `store` fixture: build the store with "
            "**store_options on storage no other test uses, yield it, then close it."
        )

    @pytest.fixture
    def runner(self, store: SessionStore) -> Iterator[asyncio.Runner]:
        """An event loop for async calls from sync (hypothesis) tests; closes the store on it."""
        with asyncio.Runner() as runner:
            yield runner
            runner.run(store.aclose())

    @pytest.mark.parametrize(
        "store_options", [{"ttl": 30, "max_messages": 5, "max_message_chars": 50}], ids=["options"]
    )
    def test_store_fixture_passes_store_options(self, store: SessionStore) -> None:
        options = (store.ttl, store.max_messages, store.max_message_chars)
        assert options == (30, 5, 50), "build the store with **store_options"

    # -- round trips and sequence numbers ---------------------------------------------------------
    @settings(max_examples=40, suppress_health_check=_HEALTH, deadline=None)
    @given(first=message_lists, second=message_lists)
    def test_every_message_type_round_trips_exactly(
        self, store: SessionStore, first: list[BaseMessage], second: list[BaseMessage]
    ) -> None:
        session = _new_id()
        before = time.time()
        assert store.append("u", session, first) == len(first)
        assert store.append("u", session, second) == len(first) + len(second)
        after = time.time()
        stored = store.read("u", session)
        assert_same_messages(stored.messages, first + second)
        assert [item.seq for item in stored.items] == list(range(len(first) + len(second)))
        assert all(before <= item.timestamp <= after for item in stored.items)
        assert (stored.start, stored.end) == (0, len(first) + len(second))

    @settings(max_examples=20, suppress_health_check=_HEALTH, deadline=None)
    @given(first=message_lists, second=message_lists)
    def test_async_twins_round_trip_exactly_and_agree_with_sync(
        self,
        store: SessionStore,
        runner: asyncio.Runner,
        first: list[BaseMessage],
        second: list[BaseMessage],
    ) -> None:
        session = _new_id()
        assert runner.run(store.aappend("u", session, first)) == len(first)
        assert store.append("u", session, second) == len(first) + len(second)
        stored = runner.run(store.aread("u", session))
        assert_same_messages(stored.messages, first + second)
        assert stored == store.read("u", session)

    def test_read_since_returns_the_tail_with_absolute_sequence_numbers(
        self, store: SessionStore
    ) -> None:
        for i in range(3):
            store.append("u", "s", turn(str(i)))
        tail = store.read("u", "s", since=4)
        assert (tail.start, tail.end) == (4, 6)
        assert [item.seq for item in tail.items] == [4, 5]
        assert tail.messages == turn("2")
        beyond = store.read("u", "s", since=9)
        assert (beyond.start, beyond.end, beyond.items) == (9, 9, [])

    def test_missing_session_reads_as_empty_slice_at_since(self, store: SessionStore) -> None:
        empty = store.read("u", "never-written", since=3)
        assert empty.session_id == "never-written"
        assert (empty.start, empty.end, empty.items) == (3, 3, [])

    def test_empty_append_writes_nothing(self, store: SessionStore) -> None:
        assert store.append("u", "s", []) == 0
        assert store.list_sessions("u") == []
        store.append("u", "s", turn("a"))
        assert store.append("u", "s", []) == 2

    def test_one_large_append_is_stored_whole_and_in_order(self, store: SessionStore) -> None:
        # 9,001 messages: more than Lua's unpack() takes at once, more than one SQL statement.
        messages: list[BaseMessage] = [HumanMessage(str(i)) for i in range(9001)]
        assert store.append("u", "big", messages) == 9001
        stored = store.read("u", "big", since=8999)
        assert [m.content for m in stored.messages] == ["8999", "9000"]

    # -- bad input --------------------------------------------------------------------------------
    def test_bad_input_is_refused_and_writes_nothing(self, store: SessionStore) -> None:
        with pytest.raises(InvalidInputError):
            store.append("u", "s", [HumanMessage("ok"), "not a message"])  # type: ignore[list-item]
        with pytest.raises(InvalidInputError):
            store.append("u", "s", HumanMessage("alone"))  # type: ignore[arg-type]
        assert store.read("u", "s").items == []
        assert store.list_sessions("u") == []

    @pytest.mark.parametrize("since", [-1, True, 1.5, "1", None], ids=str)
    @pytest.mark.asyncio
    async def test_bad_since_is_refused_by_both_twins(
        self, store: SessionStore, since: Any
    ) -> None:
        with pytest.raises(InvalidInputError, match="since must be an int >= 0"):
            store.read("u", "s", since=since)
        with pytest.raises(InvalidInputError, match="since must be an int >= 0"):
            await store.aread("u", "s", since=since)
        await store.aclose()

    @pytest.mark.parametrize("bad", _BAD_IDS, ids=_BAD_ID_NAMES)
    @pytest.mark.parametrize("call", list(_CALLS))
    def test_unusable_ids_are_refused_by_every_method(
        self, store: SessionStore, call: str, bad: str
    ) -> None:
        with pytest.raises(InvalidInputError):
            _CALLS[call](store, "u", bad)
        with pytest.raises(InvalidInputError):
            _CALLS[call](store, bad, "s")
        with pytest.raises(InvalidInputError):
            store.list_sessions(bad)
        with pytest.raises(InvalidInputError):
            store.get_watermark("u", "s", bad)

    @pytest.mark.parametrize("bad", _BAD_IDS, ids=_BAD_ID_NAMES)
    @pytest.mark.asyncio
    async def test_unusable_ids_are_refused_by_every_async_method(
        self, store: SessionStore, bad: str
    ) -> None:
        for call in _ASYNC_CALLS.values():
            with pytest.raises(InvalidInputError):
                await call(store, "u", bad)
            with pytest.raises(InvalidInputError):
                await call(store, bad, "s")
        with pytest.raises(InvalidInputError):
            await store.alist_sessions(bad)
        with pytest.raises(InvalidInputError):
            await store.aadvance_watermark("u", "s", bad, 0, 1)
        await store.aclose()

    @pytest.mark.parametrize("store_options", _BAD_OPTIONS, ids=_option_id)
    def test_bad_options_are_refused(
        self, request: pytest.FixtureRequest, store_options: dict[str, Any]
    ) -> None:
        (option,) = store_options
        with pytest.raises(InvalidInputError, match=option):
            request.getfixturevalue("store")

    # -- idempotent appends -----------------------------------------------------------------------
    def test_a_retried_append_with_the_same_key_is_applied_once(self, store: SessionStore) -> None:
        assert store.append("u", "s", turn("a"), idempotency_key="turn-a") == 2
        assert store.append("u", "s", turn("b")) == 4
        # A retry of an append that was applied: nothing is written, the first answer comes back.
        assert store.append("u", "s", turn("a"), idempotency_key="turn-a") == 2
        assert store.read("u", "s").messages == turn("a") + turn("b")
        assert [info.message_count for info in store.list_sessions("u")] == [4]

    @pytest.mark.asyncio
    async def test_async_retry_with_the_same_key_is_applied_once(self, store: SessionStore) -> None:
        assert await store.aappend("u", "s", turn("a"), idempotency_key="k") == 2
        assert await store.aappend("u", "s", turn("a"), idempotency_key="k") == 2
        assert store.append("u", "s", turn("a"), idempotency_key="k") == 2  # one key, both twins
        assert await store.aappend("u", "s", turn("b"), idempotency_key="k2") == 4
        assert (await store.aread("u", "s")).messages == turn("a") + turn("b")
        await store.aclose()

    def test_appends_with_different_keys_or_none_are_all_applied(self, store: SessionStore) -> None:
        assert store.append("u", "s", turn("a"), idempotency_key="first") == 2
        assert store.append("u", "s", turn("a"), idempotency_key="second") == 4
        assert store.append("u", "s", turn("b")) == 6  # without a key nothing is deduplicated
        assert store.append("u", "s", turn("b")) == 8
        assert store.read("u", "s").messages == turn("a") * 2 + turn("b") * 2

    def test_keys_belong_to_their_session(self, store: SessionStore) -> None:
        assert store.append("u", "s", turn("a"), idempotency_key="k") == 2
        assert store.append("u", "t", turn("a"), idempotency_key="k") == 2
        assert store.append("v", "s", turn("a"), idempotency_key="k") == 2
        assert store.read("u", "t").messages == store.read("v", "s").messages == turn("a")
        store.delete("u", "s")  # deleting a session forgets its keys, as its sequence numbers
        assert store.append("u", "s", turn("b"), idempotency_key="k") == 2
        assert store.read("u", "s").messages == turn("b")

    def test_an_empty_append_does_not_use_up_its_key(self, store: SessionStore) -> None:
        assert store.append("u", "s", [], idempotency_key="k") == 0
        assert store.append("u", "s", turn("a"), idempotency_key="k") == 2
        assert store.append("u", "s", turn("a"), idempotency_key="k") == 2
        assert store.read("u", "s").messages == turn("a")

    @pytest.mark.parametrize("store_options", [{"max_messages": 2}], ids=["max2"])
    def test_keys_outlive_trimming(self, store: SessionStore) -> None:
        assert store.append("u", "s", turn("a"), idempotency_key="a") == 2
        store.append("u", "s", turn("b"))
        store.append("u", "s", turn("c"))
        assert store.append("u", "s", turn("a"), idempotency_key="a") == 2  # trimmed, not forgotten
        stored = store.read("u", "s")
        assert (stored.start, stored.end, stored.messages) == (4, 6, turn("c"))

    def test_a_session_remembers_the_keys_of_its_latest_appends(self, store: SessionStore) -> None:
        for i in range(IDEMPOTENCY_KEYS_KEPT):
            store.append("u", "s", [HumanMessage(str(i))], idempotency_key=f"k{i}")
        assert store.append("u", "s", [HumanMessage("0")], idempotency_key="k0") == 1
        last = IDEMPOTENCY_KEYS_KEPT - 1
        assert store.append("u", "s", [HumanMessage(str(last))], idempotency_key=f"k{last}") == (
            IDEMPOTENCY_KEYS_KEPT
        )
        assert store.read("u", "s").end == IDEMPOTENCY_KEYS_KEPT

    def test_concurrent_retries_from_threads_apply_exactly_once(self, store: SessionStore) -> None:
        start = threading.Barrier(_WRITERS)
        results: list[int] = []

        def retry() -> None:
            start.wait()
            results.append(store.append("u", "s", turn("once"), idempotency_key="once"))

        threads = [threading.Thread(target=retry) for _ in range(_WRITERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert results == [2] * _WRITERS
        assert store.read("u", "s").messages == turn("once")

    @pytest.mark.asyncio
    async def test_concurrent_retries_from_tasks_apply_exactly_once(
        self, store: SessionStore
    ) -> None:
        results = await asyncio.gather(
            *(store.aappend("u", "s", turn("once"), idempotency_key="once") for _ in range(16))
        )
        assert results == [2] * 16
        assert (await store.aread("u", "s")).messages == turn("once")
        await store.aclose()

    def test_concurrent_writers_retrying_every_turn_store_each_once(
        self, store: SessionStore
    ) -> None:
        start = threading.Barrier(_WRITERS)

        def writer(w: int) -> None:
            start.wait()
            for t in range(_TURNS):
                label = f"{w}/{t}"
                first = store.append("u", "shared", turn(label), idempotency_key=label)
                assert store.append("u", "shared", turn(label), idempotency_key=label) == first

        threads = [threading.Thread(target=writer, args=(w,)) for w in range(_WRITERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        _assert_turns_adjacent_and_ordered(store.read("u", "shared").messages)

    @pytest.mark.parametrize("bad", _BAD_KEYS, ids=_BAD_KEY_NAMES)
    @pytest.mark.asyncio
    async def test_unusable_idempotency_keys_are_refused_before_writing(
        self, store: SessionStore, bad: Any
    ) -> None:
        with pytest.raises(InvalidInputError, match="idempotency_key"):
            store.append("u", "s", turn("a"), idempotency_key=bad)
        with pytest.raises(InvalidInputError, match="idempotency_key"):
            await store.aappend("u", "s", turn("a"), idempotency_key=bad)
        assert store.list_sessions("u") == []
        await store.aclose()

    # -- limits and invalid text ------------------------------------------------------------------
    @pytest.mark.parametrize("store_options", [{"max_message_chars": 10}], ids=["max10"])
    @pytest.mark.asyncio
    async def test_a_message_over_max_message_chars_is_refused_before_storing(
        self, store: SessionStore
    ) -> None:
        at_limit = [HumanMessage("x" * 10), AIMessage(["12345", {"type": "text", "text": "67890"}])]
        assert store.append("u", "s", at_limit) == 2
        for over in (AIMessage("y" * 11), AIMessage(["123456", {"type": "text", "text": "67890"}])):
            with pytest.raises(InvalidInputError, match=r"messages\[1\].*10.*max_message_chars"):
                store.append("u", "s", [HumanMessage("ok"), over])
            with pytest.raises(InvalidInputError, match=r"messages\[1\].*10.*max_message_chars"):
                await store.aappend("u", "s", [HumanMessage("ok"), over], idempotency_key="k")
        assert store.read("u", "s").messages == at_limit
        assert await store.aappend("u", "s", turn("a"), idempotency_key="k") == 4  # key unused
        await store.aclose()

    def test_max_message_chars_defaults_to_a_million(self, store: SessionStore) -> None:
        assert store.max_message_chars == DEFAULT_MAX_MESSAGE_CHARS == 1_000_000
        with pytest.raises(InvalidInputError, match=r"1,000,000.*max_message_chars"):
            store.append("u", "s", [HumanMessage("x" * 1_000_001)])
        assert store.list_sessions("u") == []
        assert store.append("u", "s", [HumanMessage("x" * 1_000_000)]) == 1

    @pytest.mark.asyncio
    async def test_invalid_unicode_is_refused_naming_the_field(self, store: SessionStore) -> None:
        bad_messages: dict[str, list[BaseMessage]] = {
            r"messages\[1\]\.content": [HumanMessage("ok"), AIMessage("half \ud83d emoji")],
            r"messages\[0\]\.additional_kwargs\['k'\]\[1\]": [
                AIMessage("ok", additional_kwargs={"k": ["fine", "\udc00"]})
            ],
            r"messages\[0\]\.id": [HumanMessage("ok", id="\ud800")],
        }
        for field, messages in bad_messages.items():
            with pytest.raises(InvalidInputError, match=f"{field}.*not valid Unicode"):
                store.append("u", "s", messages)
            with pytest.raises(InvalidInputError, match=f"{field}.*not valid Unicode"):
                await store.aappend("u", "s", messages)
        for name, call in {
            "user_id": lambda: store.append("\ud800", "s", turn("a")),
            "session_id": lambda: store.read("u", "s\udfff"),
            "dataset": lambda: store.advance_watermark("u", "s", "\ud800", 0, 1),
        }.items():
            with pytest.raises(InvalidInputError, match=name):
                call()
        assert store.list_sessions("u") == []
        await store.aclose()

    # -- concurrency ------------------------------------------------------------------------------
    def test_concurrent_threads_lose_nothing_and_keep_turns_adjacent(
        self, store: SessionStore
    ) -> None:
        start = threading.Barrier(_WRITERS)

        def writer(w: int) -> None:
            start.wait()
            for t in range(_TURNS):
                store.append("u", "shared", turn(f"{w}/{t}"))

        threads = [threading.Thread(target=writer, args=(w,)) for w in range(_WRITERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        _assert_turns_adjacent_and_ordered(store.read("u", "shared").messages)

    @pytest.mark.asyncio
    async def test_concurrent_tasks_lose_nothing_and_keep_turns_adjacent(
        self, store: SessionStore
    ) -> None:
        async def writer(w: int) -> None:
            for t in range(_TURNS):
                await store.aappend("u", "shared", turn(f"{w}/{t}"))

        await asyncio.gather(*(writer(w) for w in range(_WRITERS)))
        _assert_turns_adjacent_and_ordered((await store.aread("u", "shared")).messages)
        await store.aclose()

    def test_concurrent_watermark_advances_succeed_once(self, store: SessionStore) -> None:
        store.append("u", "s", turn("a"))
        results: list[bool] = []
        threads = [
            threading.Thread(
                target=lambda: results.append(store.advance_watermark("u", "s", "main", 0, 2))
            )
            for _ in range(8)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(results) == [False] * 7 + [True]

    # -- isolation --------------------------------------------------------------------------------
    def test_same_session_id_of_two_users_is_isolated(self, store: SessionStore) -> None:
        store.append("alice", "chat", turn("alice"))
        store.append("bob", "chat", turn("bob"))
        assert store.read("alice", "chat").messages == turn("alice")
        assert store.read("bob", "chat").messages == turn("bob")
        store.advance_watermark("alice", "chat", "main", 0, 2)
        assert store.get_watermark("bob", "chat", "main") == 0
        store.delete("bob", "chat")
        assert store.read("alice", "chat").messages == turn("alice")
        assert [info.session_id for info in store.list_sessions("alice")] == ["chat"]
        assert store.list_sessions("bob") == []

    def test_crafted_ids_neither_collide_nor_leak(self, store: SessionStore) -> None:
        for user in _CRAFTED_IDS:
            for session in _CRAFTED_IDS:
                store.append(user, session, [HumanMessage(f"{user!r}|{session!r}")])
        for user in _CRAFTED_IDS:
            listed = sorted(info.session_id for info in store.list_sessions(user))
            assert listed == sorted(_CRAFTED_IDS)
            for session in _CRAFTED_IDS:
                assert [m.content for m in store.read(user, session).messages] == [
                    f"{user!r}|{session!r}"
                ]

    # -- sliding TTL ------------------------------------------------------------------------------
    @pytest.mark.parametrize("store_options", [_TTL], ids=["ttl"])
    def test_writes_refresh_the_ttl_and_expiry_hides_everything(self, store: SessionStore) -> None:
        store.append("u", "s", turn("a"), idempotency_key="a")
        store.advance_watermark("u", "s", "main", 0, 2)
        store.append("u", "other", turn("o"))
        time.sleep(0.9)
        store.append("u", "s", turn("b"))  # refreshes s, not "other"
        time.sleep(0.9)  # 1.8 s after the first write: alive only because the second refreshed it
        # ... and so is the key of the first: a retry of it changes nothing.
        assert store.append("u", "s", turn("a"), idempotency_key="a") == 2
        assert store.read("u", "s").messages == turn("a") + turn("b")
        assert [info.session_id for info in store.list_sessions("u")] == ["s"]
        assert store.get_watermark("u", "s", "main") == 2
        time.sleep(1.8)
        assert store.read("u", "s").items == []
        assert store.list_sessions("u") == []
        time.sleep(1.8)  # past the time the store remembers an expired session's count (one ttl)
        assert store.read("u", "s").lost == 0
        assert store.get_watermark("u", "s", "main") == 0
        assert store.advance_watermark("u", "s", "main", 0, 1) is False
        # ... so it starts afresh: sequence numbers restart, no stale watermark or key.
        assert store.append("u", "s", turn("c"), idempotency_key="a") == 2
        assert store.read("u", "s").messages == turn("c")

    @pytest.mark.parametrize("store_options", [{"ttl": 2.0}], ids=["ttl"])
    def test_an_expired_session_reports_its_messages_lost_and_keeps_counting(
        self, store: SessionStore
    ) -> None:
        store.append("u", "s", turn("a") + turn("b"), idempotency_key="a")
        assert store.advance_watermark("u", "s", "main", 0, 2) is True
        for _ in range(1200):  # up to a minute: the backend's clock decides when it expires
            if not store.read("u", "s").items:
                break
            time.sleep(0.05)
        else:
            pytest.fail("the session never expired")
        # For at least one more ttl the store remembers the count: nothing is silently lost...
        assert store.get_watermark("u", "s", "main") == 2  # what was persisted is remembered
        gone = store.read("u", "s", since=2)
        assert (gone.start, gone.end, gone.items, gone.lost) == (4, 4, [], 2)
        assert store.read("u", "s").lost == 4
        assert store.read("u", "s", since=9).lost == 0
        assert store.list_sessions("u") == []
        assert store.append("u", "s", []) == 4
        with pytest.raises(InvalidInputError):
            store.advance_watermark("u", "s", "main", 2, 5)
        # The reader moves its watermark past what it reported: reported once.
        assert store.advance_watermark("u", "s", "other", 0, 4) is True
        assert store.read("u", "s", since=store.get_watermark("u", "s", "other")).lost == 0
        # ... and no sequence number is reused: the next append continues the numbering.
        assert store.append("u", "s", turn("c"), idempotency_key="a") == 6  # the key went too
        again = store.read("u", "s", since=store.get_watermark("u", "s", "main"))
        assert (again.start, again.end, again.lost, again.messages) == (4, 6, 2, turn("c"))
        assert store.get_watermark("u", "s", "other") == 4
        assert [info.message_count for info in store.list_sessions("u")] == [2]
        assert store.advance_watermark("u", "s", "main", 2, 6) is True
        assert store.read("u", "s", since=6).lost == 0

    @pytest.mark.parametrize("store_options", [_TTL], ids=["ttl"])
    @pytest.mark.asyncio
    async def test_touch_refreshes_the_ttl_without_writing(self, store: SessionStore) -> None:
        store.append("u", "s", turn("a"))
        store.append("u", "t", turn("b"))
        await asyncio.sleep(0.9)
        store.touch("u", "s")
        await store.atouch("u", "t")
        store.touch("u", "never-written")  # no-op, creates nothing
        await store.atouch("u", "never-written-either")
        await asyncio.sleep(0.9)
        assert store.read("u", "s").messages == turn("a")
        assert store.read("u", "t").messages == turn("b")
        assert sorted(info.session_id for info in store.list_sessions("u")) == ["s", "t"]
        await store.aclose()

    def test_sessions_without_ttl_do_not_expire_and_touch_is_a_no_op(
        self, store: SessionStore
    ) -> None:
        assert store.ttl is None
        store.append("u", "s", turn("a"))
        store.touch("u", "s")
        assert store.read("u", "s").messages == turn("a")

    # -- trimming (max_messages) ------------------------------------------------------------------
    @pytest.mark.parametrize(
        ("store_options", "first_kept"),
        [({"max_messages": 3}, 1), ({"max_messages": 2}, 3)],
        ids=["keeps-the-call", "drops-the-orphan"],
    )
    def test_trimming_never_leaves_a_tool_message_first(
        self, store: SessionStore, first_kept: int
    ) -> None:
        messages = tool_turn("t")  # human, AI tool call, tool result, AI answer
        store.append("u", "s", messages)
        # Keeping 2 would start at the tool result whose call was trimmed: trim it too.
        stored = store.read("u", "s")
        assert (stored.start, stored.end) == (first_kept, 4)
        assert stored.messages == messages[first_kept:]
        assert [i.message_count for i in store.list_sessions("u")] == [4 - first_kept]

    @pytest.mark.parametrize(
        "store_options", [{"max_messages": n} for n in range(1, 8)], ids=_option_id
    )
    @settings(max_examples=12, suppress_health_check=_HEALTH, deadline=None)
    @given(appends=st.lists(st.tuples(st.booleans(), st.integers(1, 3)), min_size=1, max_size=8))
    def test_trimming_keeps_a_valid_suffix_with_absolute_sequence_numbers(
        self, store: SessionStore, store_options: dict[str, int], appends: list[tuple[bool, int]]
    ) -> None:
        max_messages = store_options["max_messages"]
        assert store.max_messages == max_messages
        session = _new_id()
        everything: list[BaseMessage] = []
        for number, (with_tools, tool_results) in enumerate(appends):
            label = f"{session}-{number}"
            batch = tool_turn(label) if with_tools else turn(label)
            if with_tools:  # parallel tool calls: several tool results in a row
                extra = [ToolMessage(f"more {i}", tool_call_id=f"{label}-call") for i in (1, 2)]
                batch[3:3] = extra[: tool_results - 1]
            everything += batch
            store.append("u", session, batch)
            stored = store.read("u", session)
            assert stored.end == len(everything)
            assert len(stored.items) <= max_messages
            assert stored.messages == everything[stored.start :]
            assert [item.seq for item in stored.items] == list(range(stored.start, stored.end))
            assert not stored.items or not isinstance(stored.messages[0], ToolMessage)

    @pytest.mark.parametrize("store_options", [{"max_messages": 2}], ids=["max2"])
    def test_watermark_survives_trimming(self, store: SessionStore) -> None:
        store.append("u", "s", turn("a") + turn("b"))
        assert store.advance_watermark("u", "s", "main", 0, 4) is True
        store.append("u", "s", turn("c"))
        watermark = store.get_watermark("u", "s", "main")
        new = store.read("u", "s", since=watermark)
        assert (new.start, new.end, new.messages) == (4, 6, turn("c"))
        lost = store.read("u", "s", since=1)  # trimmed away: the slice starts later
        assert (lost.start, lost.end, lost.lost) == (4, 6, 3)
        assert new.lost == 0
        assert store.read("u", "s", since=5).lost == 0

    def test_reads_report_nothing_lost_when_nothing_left_the_cache(
        self, store: SessionStore
    ) -> None:
        store.append("u", "s", turn("a") + turn("b"))
        assert [store.read("u", "s", since=i).lost for i in (0, 2, 4, 7)] == [0, 0, 0, 0]
        assert store.read("u", "missing", since=3).lost == 0

    # -- the session index and delete -------------------------------------------------------------
    def test_sessions_are_listed_newest_first_with_counts_and_times(
        self, store: SessionStore
    ) -> None:
        before = time.time()
        store.append("u", "first", turn("1"))
        store.append("u", "second", turn("2") + turn("3"))
        store.append("u", "third", turn("4"))
        store.append("u", "first", [HumanMessage("again")])
        after = time.time()
        infos = store.list_sessions("u")
        assert [(i.session_id, i.message_count) for i in infos] == [
            ("first", 3),
            ("third", 2),
            ("second", 4),
        ]
        first = infos[0]
        assert before <= first.created_at < first.updated_at <= after
        assert infos[0].updated_at >= infos[1].updated_at >= infos[2].updated_at
        assert store.list_sessions("someone-else") == []

    def test_delete_removes_messages_index_entry_and_watermarks(self, store: SessionStore) -> None:
        store.append("u", "s", turn("a"))
        store.advance_watermark("u", "s", "main", 0, 2)
        store.delete("u", "s")
        store.delete("u", "s")  # deleting nothing is fine
        assert store.read("u", "s").items == []
        assert store.list_sessions("u") == []
        assert store.get_watermark("u", "s", "main") == 0
        assert store.append("u", "s", turn("b")) == 2  # sequence numbers restart
        assert store.read("u", "s").lost == 0  # a deleted session's messages are not "lost"

    # -- persistence watermarks (compare-and-set, per session and dataset) ------------------------
    def test_watermark_compare_and_set(self, store: SessionStore) -> None:
        store.append("u", "s", turn("a") + turn("b"))
        assert store.get_watermark("u", "s", "main") == 0
        assert store.advance_watermark("u", "s", "main", 0, 2) is True
        assert store.advance_watermark("u", "s", "main", 0, 4) is False  # someone else moved it
        assert store.get_watermark("u", "s", "main") == 2
        assert store.advance_watermark("u", "s", "main", 2, 4) is True
        assert store.advance_watermark("u", "s", "main", 2, 4) is False  # a second run: nothing
        assert store.get_watermark("u", "s", "main") == 4
        assert store.get_watermark("u", "s", "other") == 0  # one watermark per dataset
        assert store.advance_watermark("u", "s", "other", 0, 1) is True
        assert store.get_watermark("u", "s", "main") == 4
        assert store.advance_watermark("u", "missing", "main", 0, 1) is False

    @pytest.mark.parametrize(
        ("expected", "new"),
        [(2, 2), (3, 1), (-1, 1), (0, True), (0, 1.0)],
        ids=["same", "back", "neg", "bool", "float"],
    )
    @pytest.mark.asyncio
    async def test_watermark_moves_only_forward(
        self, store: SessionStore, expected: Any, new: Any
    ) -> None:
        store.append("u", "s", turn("a") + turn("b"))
        with pytest.raises(InvalidInputError):
            store.advance_watermark("u", "s", "main", expected, new)
        with pytest.raises(InvalidInputError):
            await store.aadvance_watermark("u", "s", "main", expected, new)
        assert await store.aget_watermark("u", "s", "main") == 0
        await store.aclose()

    def test_watermark_cannot_pass_the_last_message(self, store: SessionStore) -> None:
        store.append("u", "s", turn("a"))
        with pytest.raises(InvalidInputError, match="only has 2 messages"):
            store.advance_watermark("u", "s", "main", 0, 3)
        assert store.get_watermark("u", "s", "main") == 0

    # -- async twins ------------------------------------------------------------------------------
    @pytest.mark.parametrize("store_options", [{"ttl": 60, "max_messages": 100}], ids=["ttl"])
    @pytest.mark.asyncio
    async def test_async_twins_match_the_sync_methods(self, store: SessionStore) -> None:
        assert await store.aappend("u", "s", turn("a")) == 2
        assert store.append("u", "s", turn("b")) == 4
        assert (await store.aread("u", "s", since=2)).messages == turn("b")
        assert await store.aread("u", "s", since=1) == store.read("u", "s", since=1)
        assert await store.alist_sessions("u") == store.list_sessions("u")
        assert [i.session_id for i in await store.alist_sessions("u")] == ["s"]
        assert await store.aadvance_watermark("u", "s", "main", 0, 4) is True
        assert store.advance_watermark("u", "s", "main", 0, 4) is False
        assert await store.aget_watermark("u", "s", "main") == store.get_watermark("u", "s", "main")
        assert await store.aget_watermark("u", "s", "main") == 4
        with pytest.raises(InvalidInputError, match="only has 4 messages"):
            await store.aadvance_watermark("u", "s", "main", 4, 5)
        await store.atouch("u", "s")
        assert store.read("u", "s").messages == turn("a") + turn("b")
        await store.adelete("u", "s")
        assert await store.alist_sessions("u") == []
        assert store.read("u", "s").items == []
        assert await store.aappend("u", "s", []) == 0
        with pytest.raises(InvalidInputError):
            await store.aappend("u", "s", [HumanMessage("ok"), "not a message"])  # type: ignore[list-item]
        assert store.list_sessions("u") == []
        await store.aclose()

    @pytest.mark.asyncio
    async def test_async_read_of_a_large_session(self, store: SessionStore) -> None:
        # Large replies may be decoded off the event loop; the result must not change.
        messages: list[BaseMessage] = [HumanMessage(str(i)) for i in range(1500)]
        assert await store.aappend("u", "big", messages) == 1500
        stored = await store.aread("u", "big", since=100)
        assert (stored.start, stored.end) == (100, 1500)
        assert stored.messages == messages[100:]
        await store.aclose()
