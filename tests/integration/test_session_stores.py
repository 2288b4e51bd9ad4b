"""One behaviour suite, run against every session store (SQLite file and real Redis).

Redis runs under a prefix unique to each test (the ``redis_prefix`` fixture deletes its keys).
"""

from __future__ import annotations

import asyncio
import gc
import socket
import threading
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from redis.cluster import key_slot

from cognee_langchain.errors import InvalidInputError, SessionStoreUnavailableError
from cognee_langchain.ids import MAX_ID_LENGTH, encode_id
from cognee_langchain.sessions import RedisSessionStore, SessionStore, SQLiteSessionStore
from tests.unit.test_codec import assert_same_messages, message_lists

MakeStore = Callable[..., SessionStore]
FIXTURE_HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


@pytest.fixture(params=["sqlite", "redis"])
def make_store(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[MakeStore]:
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
    return make_store()


def turn(label: str) -> list[BaseMessage]:
    return [HumanMessage(f"{label} question", id=f"{label}-q"), AIMessage(f"{label} answer")]


def tool_turn(label: str) -> list[BaseMessage]:
    """A human question, an AI tool call, its tool result and the final AI answer."""
    call = {"name": "lookup", "args": {"q": label}, "id": f"{label}-call"}
    return [
        HumanMessage(f"{label} question"),
        AIMessage("", tool_calls=[call]),
        ToolMessage(f"{label} result", tool_call_id=f"{label}-call"),
        AIMessage(f"{label} answer"),
    ]


def new_id() -> str:
    return f"s-{uuid.uuid4().hex[:8]}"


# -- round trips and sequence numbers -------------------------------------------------------------
@settings(max_examples=40, suppress_health_check=FIXTURE_HEALTH, deadline=None)
@given(first=message_lists, second=message_lists)
def test_every_message_type_round_trips_exactly(
    store: SessionStore, first: list[BaseMessage], second: list[BaseMessage]
) -> None:
    session = new_id()
    before = time.time()
    assert store.append("u", session, first) == len(first)
    assert store.append("u", session, second) == len(first) + len(second)
    after = time.time()
    stored = store.read("u", session)
    assert_same_messages(stored.messages, first + second)
    assert [item.seq for item in stored.items] == list(range(len(first) + len(second)))
    assert all(before <= item.timestamp <= after for item in stored.items)
    assert (stored.start, stored.end) == (0, len(first) + len(second))


def test_read_since_returns_the_tail_with_absolute_sequence_numbers(store: SessionStore) -> None:
    for i in range(3):
        store.append("u", "s", turn(str(i)))
    tail = store.read("u", "s", since=4)
    assert (tail.start, tail.end) == (4, 6)
    assert [item.seq for item in tail.items] == [4, 5]
    assert tail.messages == turn("2")
    beyond = store.read("u", "s", since=9)
    assert (beyond.start, beyond.end, beyond.items) == (9, 9, [])


def test_missing_session_reads_as_empty_slice_at_since(store: SessionStore) -> None:
    empty = store.read("u", "never-written", since=3)
    assert (empty.session_id, empty.start, empty.end, empty.items) == ("never-written", 3, 3, [])


def test_empty_append_writes_nothing(store: SessionStore) -> None:
    assert store.append("u", "s", []) == 0
    assert store.list_sessions("u") == []
    store.append("u", "s", turn("a"))
    assert store.append("u", "s", []) == 2


def test_one_append_larger_than_the_lua_unpack_limit(store: SessionStore) -> None:
    # Lua's unpack() cannot take ~8000 values at once: the append script pushes in batches.
    messages: list[BaseMessage] = [HumanMessage(str(i)) for i in range(9001)]
    assert store.append("u", "big", messages) == 9001
    stored = store.read("u", "big", since=8999)
    assert [m.content for m in stored.messages] == ["8999", "9000"]


def test_bad_input_is_refused_and_writes_nothing(store: SessionStore) -> None:
    with pytest.raises(InvalidInputError):
        store.append("u", "s", [HumanMessage("ok"), "not a message"])  # type: ignore[list-item]
    with pytest.raises(InvalidInputError):
        store.read("u", "s", since=-1)
    assert store.read("u", "s").items == []
    assert store.list_sessions("u") == []


# -- concurrency ----------------------------------------------------------------------------------
WRITERS, TURNS = 16, 20


def assert_turns_adjacent_and_ordered(messages: list[BaseMessage]) -> None:
    assert len(messages) == WRITERS * TURNS * 2
    seen: dict[str, list[int]] = {}
    for question, answer in zip(messages[::2], messages[1::2], strict=True):
        assert isinstance(question, HumanMessage)
        assert isinstance(answer, AIMessage)
        label = str(question.content).removesuffix(" question")
        assert answer.content == f"{label} answer"
        writer, number = label.split("/")
        seen.setdefault(writer, []).append(int(number))
    assert seen == {str(w): list(range(TURNS)) for w in range(WRITERS)}


def test_concurrent_threads_lose_nothing_and_keep_turns_adjacent(store: SessionStore) -> None:
    start = threading.Barrier(WRITERS)

    def writer(w: int) -> None:
        start.wait()
        for t in range(TURNS):
            store.append("u", "shared", turn(f"{w}/{t}"))

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert_turns_adjacent_and_ordered(store.read("u", "shared").messages)


async def test_concurrent_tasks_lose_nothing_and_keep_turns_adjacent(store: SessionStore) -> None:
    async def writer(w: int) -> None:
        for t in range(TURNS):
            await store.aappend("u", "shared", turn(f"{w}/{t}"))

    await asyncio.gather(*(writer(w) for w in range(WRITERS)))
    assert_turns_adjacent_and_ordered((await store.aread("u", "shared")).messages)
    await store.aclose()


# -- isolation and ids ----------------------------------------------------------------------------
CRAFTED_IDS = [
    "a:b",
    "a",
    "b",
    "*",
    "{x}",
    "x",
    "%41",
    "A",
    "a%3Ab",
    "s:a:msgs",
    "sessions",
    "..",
    "a b",
    "ü",
]


def test_same_session_id_of_two_users_is_isolated(store: SessionStore) -> None:
    store.append("alice", "chat", turn("alice"))
    store.append("bob", "chat", turn("bob"))
    assert store.read("alice", "chat").messages == turn("alice")
    assert store.read("bob", "chat").messages == turn("bob")
    store.advance_watermark("alice", "chat", "main", 0, 2)
    assert store.get_watermark("bob", "chat", "main") == 0
    store.delete("bob", "chat")
    assert store.read("alice", "chat").messages == turn("alice")


def test_crafted_ids_neither_collide_nor_leak(store: SessionStore) -> None:
    for user in CRAFTED_IDS:
        for session in CRAFTED_IDS:
            store.append(user, session, [HumanMessage(f"{user!r}|{session!r}")])
    for user in CRAFTED_IDS:
        listed = sorted(info.session_id for info in store.list_sessions(user))
        assert listed == sorted(CRAFTED_IDS)
        for session in CRAFTED_IDS:
            assert [m.content for m in store.read(user, session).messages] == [
                f"{user!r}|{session!r}"
            ]


BAD_IDS = ["", "   ", "line\nbreak", "nul\x00", "z" * (MAX_ID_LENGTH + 1), "k" * 10_000]
CALLS: dict[str, Callable[[SessionStore, str, str], object]] = {
    "append": lambda s, u, i: s.append(u, i, turn("x")),
    "read": lambda s, u, i: s.read(u, i),
    "delete": lambda s, u, i: s.delete(u, i),
    "touch": lambda s, u, i: s.touch(u, i),
    "get_watermark": lambda s, u, i: s.get_watermark(u, i, "main"),
    "advance_watermark": lambda s, u, i: s.advance_watermark(u, i, "main", 0, 1),
}


@pytest.mark.parametrize("bad", BAD_IDS, ids=["empty", "blank", "newline", "nul", "long", "10kB"])
@pytest.mark.parametrize("call", list(CALLS))
def test_unusable_ids_are_refused_by_every_method(store: SessionStore, call: str, bad: str) -> None:
    with pytest.raises(InvalidInputError):
        CALLS[call](store, "u", bad)
    with pytest.raises(InvalidInputError):
        CALLS[call](store, bad, "s")
    with pytest.raises(InvalidInputError):
        store.list_sessions(bad)
    with pytest.raises(InvalidInputError):
        store.get_watermark("u", "s", bad)


# -- TTL ------------------------------------------------------------------------------------------
def test_writes_refresh_the_ttl_and_expiry_hides_everything(make_store: MakeStore) -> None:
    store = make_store(ttl=0.8)
    store.append("u", "s", turn("a"))
    store.advance_watermark("u", "s", "main", 0, 2)
    store.append("u", "other", turn("o"))
    time.sleep(0.5)
    store.append("u", "s", turn("b"))  # refreshes s, not "other"
    time.sleep(0.5)  # 1.0 s after the first write: alive only because the second refreshed it
    assert store.read("u", "s").messages == turn("a") + turn("b")
    assert [info.session_id for info in store.list_sessions("u")] == ["s"]
    assert store.get_watermark("u", "s", "main") == 2
    time.sleep(1.0)
    assert store.read("u", "s").items == []
    assert store.list_sessions("u") == []
    assert store.get_watermark("u", "s", "main") == 0
    assert store.advance_watermark("u", "s", "main", 0, 1) is False
    # An expired session starts afresh: sequence numbers restart, no stale watermark.
    assert store.append("u", "s", turn("c")) == 2
    assert store.read("u", "s").messages == turn("c")


def test_touch_refreshes_the_ttl_without_writing(make_store: MakeStore) -> None:
    store = make_store(ttl=0.8)
    store.append("u", "s", turn("a"))
    time.sleep(0.5)
    store.touch("u", "s")
    store.touch("u", "never-written")  # no-op, creates nothing
    time.sleep(0.5)
    assert store.read("u", "s").messages == turn("a")
    assert [info.session_id for info in store.list_sessions("u")] == ["s"]


def test_sessions_without_ttl_do_not_expire_and_touch_is_a_no_op(store: SessionStore) -> None:
    assert store.ttl is None
    store.append("u", "s", turn("a"))
    store.touch("u", "s")
    assert store.read("u", "s").messages == turn("a")


# -- trimming -------------------------------------------------------------------------------------
def test_trimming_never_leaves_a_tool_message_first(make_store: MakeStore) -> None:
    messages = tool_turn("t")  # human, AI tool call, tool result, AI answer
    keeps_call = make_store(max_messages=3)
    keeps_call.append("u", "three", messages)
    assert keeps_call.read("u", "three").messages == messages[1:]
    store = make_store(max_messages=2)
    store.append("u", "two", messages)
    # Keeping 2 would start at the tool result whose call was trimmed: trim it too.
    stored = store.read("u", "two")
    assert (stored.start, stored.end) == (3, 4)
    assert stored.messages == messages[3:]
    assert {i.session_id: i.message_count for i in store.list_sessions("u")}["two"] == 1


tool_turns = st.lists(
    st.tuples(st.booleans(), st.integers(min_value=1, max_value=3)), min_size=1, max_size=8
)


@settings(max_examples=25, suppress_health_check=FIXTURE_HEALTH, deadline=None)
@given(appends=tool_turns, max_messages=st.integers(min_value=1, max_value=7))
def test_trimming_keeps_a_valid_suffix_with_absolute_sequence_numbers(
    make_store: MakeStore, appends: list[tuple[bool, int]], max_messages: int
) -> None:
    store = make_store(max_messages=max_messages)
    session = new_id()
    everything: list[BaseMessage] = []
    for number, (with_tools, tool_results) in enumerate(appends):
        label = f"{session}-{number}"
        batch = tool_turn(label) if with_tools else turn(label)
        if with_tools:  # parallel tool calls: several tool results in a row
            extra = [ToolMessage(f"more {i}", tool_call_id=f"{label}-call") for i in range(1, 3)]
            batch[3:3] = extra[: tool_results - 1]
        everything += batch
        store.append("u", session, batch)
        stored = store.read("u", session)
        assert stored.end == len(everything)
        assert len(stored.items) <= max_messages
        assert stored.messages == everything[stored.start :]
        assert [item.seq for item in stored.items] == list(range(stored.start, stored.end))
        assert not stored.items or not isinstance(stored.messages[0], ToolMessage)


# -- the session index ----------------------------------------------------------------------------
def test_sessions_are_listed_newest_first_with_counts_and_times(store: SessionStore) -> None:
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


def test_delete_removes_messages_index_entry_and_watermarks(store: SessionStore) -> None:
    store.append("u", "s", turn("a"))
    store.advance_watermark("u", "s", "main", 0, 2)
    store.delete("u", "s")
    store.delete("u", "s")  # deleting nothing is fine
    assert store.read("u", "s").items == []
    assert store.list_sessions("u") == []
    assert store.get_watermark("u", "s", "main") == 0
    assert store.append("u", "s", turn("b")) == 2  # sequence numbers restart


# -- persistence watermarks -----------------------------------------------------------------------
def test_watermark_compare_and_set(store: SessionStore) -> None:
    store.append("u", "s", turn("a") + turn("b"))
    assert store.get_watermark("u", "s", "main") == 0
    assert store.advance_watermark("u", "s", "main", 0, 2) is True
    assert store.advance_watermark("u", "s", "main", 0, 4) is False  # someone else moved it
    assert store.get_watermark("u", "s", "main") == 2
    assert store.advance_watermark("u", "s", "main", 2, 4) is True
    assert store.advance_watermark("u", "s", "main", 2, 4) is False  # a second run adds nothing
    assert store.get_watermark("u", "s", "main") == 4
    assert store.get_watermark("u", "s", "other") == 0  # one watermark per dataset
    assert store.advance_watermark("u", "missing", "main", 0, 1) is False


@pytest.mark.parametrize(
    ("expected", "new"), [(2, 2), (3, 1), (-1, 1), (0, True)], ids=["same", "back", "neg", "bool"]
)
def test_watermark_moves_only_forward(store: SessionStore, expected: int, new: int) -> None:
    store.append("u", "s", turn("a") + turn("b"))
    with pytest.raises(InvalidInputError):
        store.advance_watermark("u", "s", "main", expected, new)


def test_watermark_cannot_pass_the_last_message(store: SessionStore) -> None:
    store.append("u", "s", turn("a"))
    with pytest.raises(InvalidInputError, match="only has 2 messages"):
        store.advance_watermark("u", "s", "main", 0, 3)
    assert store.get_watermark("u", "s", "main") == 0


def test_watermark_survives_trimming(make_store: MakeStore) -> None:
    store = make_store(max_messages=2)
    store.append("u", "s", turn("a") + turn("b"))
    assert store.advance_watermark("u", "s", "main", 0, 4) is True
    store.append("u", "s", turn("c"))
    watermark = store.get_watermark("u", "s", "main")
    new = store.read("u", "s", since=watermark)
    assert (new.start, new.end, new.messages) == (4, 6, turn("c"))


def test_concurrent_watermark_advances_succeed_once(store: SessionStore) -> None:
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


# -- async twins ----------------------------------------------------------------------------------
async def test_async_twins_match_the_sync_methods(make_store: MakeStore) -> None:
    store = make_store(ttl=60, max_messages=100)
    assert await store.aappend("u", "s", turn("a")) == 2
    assert await store.aappend("u", "s", turn("b")) == 4
    assert (await store.aread("u", "s", since=2)).messages == turn("b")
    assert [i.session_id for i in await store.alist_sessions("u")] == ["s"]
    assert await store.aadvance_watermark("u", "s", "main", 0, 4) is True
    assert await store.aget_watermark("u", "s", "main") == 4
    await store.atouch("u", "s")
    assert store.read("u", "s").messages == turn("a") + turn("b")
    await store.adelete("u", "s")
    assert await store.alist_sessions("u") == []
    with pytest.raises(InvalidInputError):
        await store.aappend("u", "bad\nid", turn("x"))
    await store.aclose()


async def test_async_read_of_a_large_session(store: SessionStore) -> None:
    # Large replies are decoded off the event loop; the result must not change.
    messages: list[BaseMessage] = [HumanMessage(str(i)) for i in range(1500)]
    assert await store.aappend("u", "big", messages) == 1500
    stored = await store.aread("u", "big", since=100)
    assert (stored.start, stored.end) == (100, 1500)
    assert stored.messages == messages[100:]
    await store.aclose()


# -- Redis specifics ------------------------------------------------------------------------------
@pytest.fixture
def redis_store(redis_url: str, redis_prefix: str) -> Iterator[RedisSessionStore]:
    store = RedisSessionStore(redis_url, prefix=redis_prefix, ttl=60)
    yield store
    store.close()


def test_redis_keys_of_a_user_share_one_cluster_slot(
    redis_store: RedisSessionStore, redis_url: str, redis_prefix: str
) -> None:
    for session in ("a", "b:c", "{x}"):
        redis_store.append("user:1", session, turn("t"))
        redis_store.advance_watermark("user:1", session, "main", 0, 2)
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{redis_prefix}:*"))
    client.close()
    assert len(keys) == 3 * 3 + 1  # msgs, meta, wm per session + the index
    tag = f"{redis_prefix}:{{u:{encode_id('user:1')}}}:".encode()
    assert all(key.startswith(tag) for key in keys)
    assert len({key_slot(key) for key in keys}) == 1


def test_redis_index_entry_of_an_expired_session_is_pruned(
    redis_url: str, redis_prefix: str
) -> None:
    store = RedisSessionStore(redis_url, prefix=redis_prefix, ttl=0.3)
    store.append("u", "short", turn("a"))
    client = redis.Redis.from_url(redis_url)
    index = f"{redis_prefix}:{{u:u}}:sessions"
    try:
        # Another session keeps the index alive after "short" expired.
        time.sleep(0.2)
        store.append("u", "kept", turn("b"))
        time.sleep(0.2)
        assert client.zscore(index, "short") is not None
        assert [info.session_id for info in store.list_sessions("u")] == ["kept"]
        assert client.zscore(index, "short") is None
    finally:
        client.close()
        store.close()


@pytest.mark.parametrize("prefix", ["{tag}", "a}b", "with space", "", "x\n"])
def test_redis_prefix_that_could_break_the_hash_tag_is_refused(prefix: str) -> None:
    with pytest.raises(InvalidInputError):
        RedisSessionStore(prefix=prefix)


def test_redis_client_decoding_responses_is_refused(redis_url: str) -> None:
    with pytest.raises(InvalidInputError, match="decode_responses"):
        RedisSessionStore(client=redis.Redis.from_url(redis_url, decode_responses=True))


def test_redis_store_with_given_clients(redis_url: str, redis_prefix: str) -> None:
    client = redis.Redis.from_url(redis_url)
    store = RedisSessionStore(client=client, prefix=redis_prefix)
    assert store.url == "redis://127.0.0.1:6379/0"
    store.append("u", "s", turn("a"))
    assert store.read("u", "s").messages == turn("a")
    with pytest.raises(InvalidInputError, match="async_client="):
        asyncio.run(store.aread("u", "s"))
    store.close()
    assert client.ping()  # a client passed in stays open: it belongs to the caller
    client.close()


def test_redis_async_methods_work_across_event_loops(redis_store: RedisSessionStore) -> None:
    # redis.asyncio clients are bound to one loop: the store keeps one client per loop.
    with warnings.catch_warnings():
        # asyncio.run closes each loop before its connections can be closed on it; their
        # clients warn when collected. Collect them here, inside this filter.
        warnings.simplefilter("ignore", ResourceWarning)
        asyncio.run(redis_store.aappend("u", "s", turn("a")))
        asyncio.run(redis_store.aappend("u", "s", turn("b")))
        messages = asyncio.run(redis_store.aread("u", "s")).messages
        redis_store.close()
        gc.collect()
    assert messages == turn("a") + turn("b")


UNREACHABLE = "redis://someone:s3cret@127.0.0.1:1/0"
SYNC_CALLS: dict[str, Callable[[RedisSessionStore], object]] = {
    "append": lambda s: s.append("u", "s", turn("x")),
    "read": lambda s: s.read("u", "s"),
    "list_sessions": lambda s: s.list_sessions("u"),
    "delete": lambda s: s.delete("u", "s"),
    "touch": lambda s: s.touch("u", "s"),
    "get_watermark": lambda s: s.get_watermark("u", "s", "main"),
    "advance_watermark": lambda s: s.advance_watermark("u", "s", "main", 0, 1),
}


@pytest.mark.parametrize("call", list(SYNC_CALLS))
def test_redis_unreachable_raises_our_error_without_the_password(call: str) -> None:
    store = RedisSessionStore(UNREACHABLE, ttl=10, socket_connect_timeout=1)
    with pytest.raises(SessionStoreUnavailableError) as raised:
        SYNC_CALLS[call](store)
    assert "127.0.0.1:1" in str(raised.value)
    assert "s3cret" not in str(raised.value)


async def test_redis_unreachable_raises_our_error_from_async_methods() -> None:
    store = RedisSessionStore(UNREACHABLE, ttl=10, socket_connect_timeout=1)
    for call in (
        store.aappend("u", "s", turn("x")),
        store.aread("u", "s"),
        store.alist_sessions("u"),
        store.adelete("u", "s"),
        store.atouch("u", "s"),
        store.aget_watermark("u", "s", "main"),
        store.aadvance_watermark("u", "s", "main", 0, 1),
    ):
        with pytest.raises(SessionStoreUnavailableError, match=r"someone:\*\*\*@127\.0\.0\.1:1"):
            await call


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A loopback server that accepts connections and never answers (a hung Redis)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    server.close()


def test_redis_timeout_raises_our_error(silent_server: str) -> None:
    store = RedisSessionStore(silent_server, socket_timeout=0.3)
    with pytest.raises(SessionStoreUnavailableError, match="Timeout"):
        store.append("u", "s", turn("x"))
    store.close()
