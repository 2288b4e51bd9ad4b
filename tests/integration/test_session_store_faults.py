"""Session stores on sick storage: each fault is a typed error naming the fix, at every method.

Redis: ``maxmemory`` reached under ``noeviction`` (OOM), a read-only replica (``REPLICAOF``, as
after a failover: READONLY), an ACL user without write commands (NOPERM), writes stopped after a
failed RDB save (MISCONF: the server's directory is removed, then ``BGSAVE`` fails even as root).
Each runs on a ``redis-server`` of the test's own. SQLite: a file locked by another process, a
read-only database, a full one (``max_page_count``), a damaged or foreign file. Reads keep
working where the backend allows them; writes are refused with
:class:`SessionStoreRefusedError` (not retryable, nothing written) or, for a lock,
:class:`SessionStoreUnavailableError` (retryable). No message shows a password.
"""

from __future__ import annotations

import asyncio
import hashlib
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from cognee_langchain.errors import (
    SessionStoreRefusedError,
    SessionStoreUnavailableError,
)
from cognee_langchain.sessions import RedisSessionStore, SessionStore, SQLiteSessionStore
from cognee_langchain.testing.messages import turn
from tests.integration.test_redis_faults import OwnRedis


def _writes(store: SessionStore) -> dict[str, Callable[[], Any]]:
    """Every writing method, sync and async."""
    return {
        "append": lambda: store.append("u", "s", turn("new"), idempotency_key="new"),
        "aappend": lambda: asyncio.run(store.aappend("u", "s", turn("new"))),
        "advance_watermark": lambda: store.advance_watermark("u", "s", "main", 0, 2),
        "aadvance_watermark": lambda: asyncio.run(store.aadvance_watermark("u", "s", "m", 0, 2)),
    }


def _reads(store: SessionStore) -> dict[str, Callable[[], Any]]:
    return {
        "read": lambda: store.read("u", "s"),
        "aread": lambda: asyncio.run(store.aread("u", "s")),
        "list_sessions": lambda: store.list_sessions("u"),
        "get_watermark": lambda: store.get_watermark("u", "s", "main"),
    }


def _assert_refused(call: Callable[[], Any], reason: str, *fix_words: str) -> None:
    with pytest.raises(SessionStoreRefusedError) as raised:
        call()
    error = raised.value
    assert error.reason == reason
    assert error.retryable is False
    assert isinstance(error, SessionStoreUnavailableError)  # existing handlers still catch it
    message = str(error)
    assert "Retrying will not help" in message
    for word in fix_words:
        assert word in message, message
    assert "s3cr3t" not in message


# -- Redis ---------------------------------------------------------------------------------------
@pytest.fixture
def start_redis(tmp_path: Path) -> Iterator[Callable[..., OwnRedis]]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    servers: list[OwnRedis] = []

    def start(*options: str, directory: Path = tmp_path) -> OwnRedis:
        server = OwnRedis(directory, *options)
        server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.kill()


def _seeded(url: str) -> RedisSessionStore:
    store = RedisSessionStore(url, socket_timeout=5)
    assert store.append("u", "s", turn("old")) == 2
    return store


def _wait_for(condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what}: not within {timeout} s"
        time.sleep(0.02)


def _assert_reads_work(store: SessionStore) -> None:
    for call in _reads(store).values():
        call()
    assert store.read("u", "s").messages == turn("old")  # nothing partial was written


@pytest.mark.redis
def test_redis_at_maxmemory_refuses_writes_naming_the_fix(
    start_redis: Callable[..., OwnRedis],
) -> None:
    server = start_redis("--maxmemory", "1mb", "--maxmemory-policy", "noeviction")
    store = _seeded(server.url)
    admin = redis.Redis(port=server.port)
    try:
        for i in range(100):  # fill it up until Redis itself refuses
            admin.set(f"filler:{i}", b"x" * 100_000)
    except redis.exceptions.OutOfMemoryError:
        pass
    finally:
        admin.close()
    for call in _writes(store).values():
        _assert_refused(call, "out_of_memory", "maxmemory")
    _assert_refused(lambda: store.delete("u", "s"), "out_of_memory", "maxmemory")
    _assert_reads_work(store)  # Redis serves reads at maxmemory
    store.close()


@pytest.mark.redis
def test_a_read_only_replica_refuses_writes_saying_to_use_the_primary(
    start_redis: Callable[..., OwnRedis],
) -> None:
    server = start_redis()
    store = _seeded(server.url)
    admin = redis.Redis(port=server.port)
    admin.execute_command("REPLICAOF", "127.0.0.1", "1")  # as after a failover: now a replica
    admin.close()
    for call in [*_writes(store).values(), lambda: store.delete("u", "s")]:
        _assert_refused(call, "read_only", "primary")
    _assert_reads_work(store)
    store.close()


@pytest.mark.redis
def test_an_acl_without_writes_is_refused_naming_the_grant(
    start_redis: Callable[..., OwnRedis],
) -> None:
    server = start_redis("--requirepass", "s3cr3t-admin")
    admin = redis.Redis(port=server.port, password="s3cr3t-admin")
    admin.execute_command("ACL", "SETUSER", "reader", "on", ">s3cr3t", "~*", "+@all", "-@write")
    seeded = RedisSessionStore(f"redis://:s3cr3t-admin@127.0.0.1:{server.port}/0")
    seeded.append("u", "s", turn("old"))
    seeded.close()
    admin.close()
    store = RedisSessionStore(f"redis://reader:s3cr3t@127.0.0.1:{server.port}/0")
    for call in [*_writes(store).values(), lambda: store.delete("u", "s")]:
        _assert_refused(call, "no_permission", "ACL")
    _assert_reads_work(store)
    store.close()


@pytest.mark.redis
def test_redis_that_cannot_save_refuses_writes_naming_the_disk(
    start_redis: Callable[..., OwnRedis], tmp_path: Path
) -> None:
    directory = tmp_path / "redis-dir"
    directory.mkdir()
    server = start_redis("--save", "3600 1", directory=directory)
    store = _seeded(server.url)
    admin = redis.Redis(port=server.port)
    shutil.rmtree(directory)  # the RDB can no longer be written, whoever runs the server
    admin.bgsave()
    _wait_for(
        lambda: admin.info("persistence")["rdb_last_bgsave_status"] == "err", "BGSAVE to fail"
    )
    admin.close()
    for call in [*_writes(store).values(), lambda: store.delete("u", "s")]:
        _assert_refused(call, "persistence_failed", "disk")
    _assert_reads_work(store)
    store.close()


@pytest.mark.parametrize(
    "url",
    [
        "redis://alice:s3cr3t-pw@127.0.0.1:1/0",
        "redis://127.0.0.1:1/0?password=s3cr3t-pw",
        "rediss://:s3cr3t-pw@127.0.0.1:1/0?ssl_cert_reqs=none",
    ],
)
def test_the_redis_store_never_shows_its_password(url: str) -> None:
    store = RedisSessionStore(url, socket_timeout=0.5, socket_connect_timeout=0.5)
    assert "s3cr3t" not in store.url
    assert "s3cr3t" not in repr(store)
    for call in (lambda: store.append("u", "s", []), lambda: store.read("u", "s")):
        with pytest.raises(SessionStoreUnavailableError) as raised:  # nothing listens on port 1
            call()
        assert "s3cr3t" not in str(raised.value)
        assert "s3cr3t" not in raised.value.url
    store.close()


# -- SQLite --------------------------------------------------------------------------------------
@pytest.fixture
def sqlite_path(tmp_path: Path) -> Path:
    path = tmp_path / "sessions.sqlite"
    store = SQLiteSessionStore(path)
    store.append("u", "s", turn("old"))
    store.close()
    return path


def test_a_file_locked_by_another_process_is_retryable(sqlite_path: Path) -> None:
    store = SQLiteSessionStore(sqlite_path, timeout=0.2)
    other = sqlite3.connect(sqlite_path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another process writing
    try:
        for call in _writes(store).values():
            with pytest.raises(SessionStoreUnavailableError, match="lock") as raised:
                call()
            assert not isinstance(raised.value, SessionStoreRefusedError)
        assert store.read("u", "s").messages == turn("old")  # WAL: readers go on
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert store.append("u", "s", turn("new")) == 4  # the lock is gone: the retry works
    store.close()


def test_a_read_only_database_is_refused_naming_the_fix(sqlite_path: Path) -> None:
    store = SQLiteSessionStore(sqlite_path)
    # Running as root, file modes do not stop writes; SQLite's own read-only switch does.
    store._conn.execute("PRAGMA query_only = 1")
    for call in [*_writes(store).values(), lambda: store.delete("u", "s")]:
        _assert_refused(call, "read_only_file", "writable")
    _assert_reads_work(store)
    store.close()


def test_a_full_database_is_refused_and_nothing_partial_stays(sqlite_path: Path) -> None:
    store = SQLiteSessionStore(sqlite_path)
    (pages,) = store._conn.execute("PRAGMA page_count").fetchone()
    store._conn.execute(f"PRAGMA max_page_count = {pages}")  # as if the disk were full
    big = [turn("x" * 20_000)[0]] * 20
    _assert_refused(lambda: store.append("u", "s", big), "disk_full", "free space")
    _assert_refused(lambda: asyncio.run(store.aappend("u", "s", big)), "disk_full")
    assert store.read("u", "s").messages == turn("old")  # rolled back whole
    store._conn.execute("PRAGMA max_page_count = 1073741823")  # space freed: it works again
    assert store.append("u", "s", turn("new")) == 4
    store.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_damaged_file_is_refused_and_never_written_again(sqlite_path: Path) -> None:
    store = SQLiteSessionStore(sqlite_path)
    for i in range(40):  # enough pages that damage lands inside the tables
        store.append("u", f"s{i}", turn("y" * 2000))
    store.close()
    data = bytearray(sqlite_path.read_bytes())
    page = 4096
    for offset in range(page, len(data) - page, page):  # every page but the header page
        data[offset : offset + 64] = b"\xff" * 64
    sqlite_path.write_bytes(bytes(data))
    for suffix in ("-wal", "-shm"):
        Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
    before = _digest(sqlite_path)
    try:
        store = SQLiteSessionStore(sqlite_path)
    except SessionStoreRefusedError as error:  # damage found while opening
        assert error.reason == "corrupted"
    else:
        calls = [
            *_reads(store).values(),
            *_writes(store).values(),
            lambda: store.delete("u", "s"),
        ]
        _assert_refused(lambda: [call() for call in calls], "corrupted", "move it aside")
        for call in _writes(store).values():  # once found, it never touches the file again
            _assert_refused(call, "corrupted", "move it aside")
        store.close()
    assert _digest(sqlite_path) == before


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"these are my notes, not a database\n" * 200)
    with pytest.raises(SessionStoreRefusedError) as raised:
        SQLiteSessionStore(path)
    assert raised.value.reason == "corrupted"
    assert path.read_bytes() == b"these are my notes, not a database\n" * 200
