"""The PostgreSQL session store on the real server: the whole conformance suite, and what only it
does (row locks across threads and processes, namespaces in one schema, its schema's version,
its errors, connections the server ends).

Every test works in a schema of its own (``pg_schema``, in ``tests/conftest.py``), dropped
afterwards; tests needing the server are skipped, with the reason, when it does not answer
(failed when ``CI`` is set). The sliding-TTL tests of the suite run in real time: the store's
clock is this process's.
"""

from __future__ import annotations

import importlib
import multiprocessing
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg_pool import ConnectionPool

from cognee_langchain.errors import (
    InvalidInputError,
    SessionStoreRefusedError,
    SessionStoreUnavailableError,
    SessionWriteUnknownError,
)
from cognee_langchain.sessions import PostgresSessionStore, SessionStore
from cognee_langchain.testing import SessionStoreConformanceTests
from cognee_langchain.testing.messages import turn

_PASSWORD = "s3cret-Pa55"


def _admin(dsn: str, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        cursor = conn.execute(query, params)
        return cursor.fetchall() if cursor.description else []


def _application(schema: str) -> str:
    return f"cognee-langchain-sessions:{schema}"


def _wait_until(condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    """Poll until ``condition`` holds (only a broken store waits the whole ``timeout``)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what}: not within {timeout} s"
        time.sleep(0.02)


@pytest.mark.postgres
class TestPostgresSessionStore(SessionStoreConformanceTests):
    @pytest.fixture
    def store(
        self, postgres_dsn: str, pg_schema: str, store_options: dict[str, Any]
    ) -> Iterator[SessionStore]:
        store = PostgresSessionStore(postgres_dsn, schema=pg_schema, **store_options)
        yield store
        store.close()


# -- one session, many writers: threads and processes ------------------------------------------
_TURNS = 25


def _labelled_turn(writer: int, number: int) -> list[BaseMessage]:
    """Three messages, so an interleaved turn cannot pass for two adjacent ones."""
    label = f"{writer}/{number}"
    return [HumanMessage(f"{label} q"), AIMessage(f"{label} a"), HumanMessage(f"{label} thanks")]


def _append_turns(store: PostgresSessionStore, writer: int, start: Any) -> None:
    start.wait()
    for number in range(_TURNS):
        store.append("u", "shared", _labelled_turn(writer, number))


def _append_turns_and_close(store: PostgresSessionStore, writer: int, start: Any) -> None:
    try:
        _append_turns(store, writer, start)
    finally:
        store.close()  # in a forked child: the child's pool; the parent's stays open


def _append_turns_from_own_store(dsn: str, schema: str, writer: int, start: Any) -> None:
    _append_turns_and_close(PostgresSessionStore(dsn, schema=schema), writer, start)


def _assert_turns_whole_and_gapless(store: PostgresSessionStore, writers: int) -> None:
    stored = store.read("u", "shared")
    assert [item.seq for item in stored.items] == list(range(writers * _TURNS * 3))
    seen: dict[int, list[int]] = {}
    for offset in range(0, len(stored.messages), 3):
        labels = {str(m.content).rsplit(" ", 1)[0] for m in stored.messages[offset : offset + 3]}
        assert len(labels) == 1, f"a turn was interleaved at seq {offset}: {labels}"
        writer, number = labels.pop().split("/")
        seen.setdefault(int(writer), []).append(int(number))
    assert seen == {writer: list(range(_TURNS)) for writer in range(writers)}


@pytest.mark.postgres
def test_four_threads_appending_to_a_new_session_keep_turns_whole(
    postgres_dsn: str, pg_schema: str
) -> None:
    store = PostgresSessionStore(postgres_dsn, schema=pg_schema, max_size=4)
    start = threading.Barrier(4)
    threads = [
        threading.Thread(target=_append_turns, args=(store, writer, start)) for writer in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    _assert_turns_whole_and_gapless(store, 4)
    store.close()


@pytest.mark.postgres
@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_two_processes_appending_to_a_new_session_keep_turns_whole(
    postgres_dsn: str, pg_schema: str, method: str
) -> None:
    """``fork``: the children use the store they inherited (each builds a pool of its own);
    ``spawn``: each opens its own store, as separate workers do."""
    context = multiprocessing.get_context(method)
    store = PostgresSessionStore(postgres_dsn, schema=pg_schema)
    store.append("u", "warm-up", turn("x"))  # the parent's pool is open and used when it forks
    start = context.Barrier(2)
    processes = [
        context.Process(target=_append_turns_and_close, args=(store, writer, start))
        if method == "fork"
        else context.Process(
            target=_append_turns_from_own_store, args=(postgres_dsn, pg_schema, writer, start)
        )
        for writer in range(2)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [process.exitcode for process in processes] == [0, 0]
    _assert_turns_whole_and_gapless(store, 2)
    assert store.read("u", "warm-up").messages == turn("x")  # the parent's store still works
    store.close()


@pytest.mark.postgres
def test_stores_opening_a_new_schema_at_once_create_it_once(
    postgres_dsn: str, pg_schema: str
) -> None:
    stores: list[PostgresSessionStore] = []
    failures: list[BaseException] = []
    start = threading.Barrier(4)

    def open_store() -> None:
        start.wait()
        try:
            stores.append(PostgresSessionStore(postgres_dsn, schema=pg_schema, min_size=0))
        except BaseException as exc:  # reported below, with the others
            failures.append(exc)

    threads = [threading.Thread(target=open_store) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert [store.append("u", "s", turn(str(i))) for i, store in enumerate(stores)] == [2, 4, 6, 8]
    for store in stores:
        store.close()


# -- namespaces ----------------------------------------------------------------------------------
@pytest.mark.postgres
def test_two_namespaces_on_one_schema_never_see_each_other(
    postgres_dsn: str, pg_schema: str
) -> None:
    stores = {
        name: PostgresSessionStore(postgres_dsn, schema=pg_schema, namespace=name)
        for name in ("a", "b", None)
    }
    for name, store in stores.items():
        assert store.append("u", "s", turn(str(name)), idempotency_key="k") == 2  # keys apart
        assert store.advance_watermark("u", "s", "main", 0, 2) is True  # watermarks apart
    stores["a"].append("u", "only-a", turn("a2"))
    for name, store in stores.items():
        assert store.read("u", "s").messages == turn(str(name))
    assert [i.session_id for i in stores["a"].list_sessions("u")] == ["only-a", "s"]
    assert [i.session_id for i in stores["b"].list_sessions("u")] == ["s"]
    stores["a"].delete("u", "s")
    assert stores["a"].get_watermark("u", "s", "main") == 0
    assert stores["b"].read("u", "s").messages == turn("b")
    assert stores["b"].get_watermark("u", "s", "main") == 2
    assert stores[None].read("u", "s").messages == turn("None")
    assert stores[None].read("u", "only-a").items == []
    for store in stores.values():
        store.close()


@pytest.mark.postgres
def test_the_sweep_purges_forgotten_sessions_of_its_own_namespace_only(
    postgres_dsn: str, pg_schema: str
) -> None:
    ttl = 0.3
    first = PostgresSessionStore(postgres_dsn, schema=pg_schema, namespace="a", ttl=ttl)
    other = PostgresSessionStore(postgres_dsn, schema=pg_schema, namespace="b", ttl=ttl)
    first.append("u", "old", turn("old"), idempotency_key="k")
    first.advance_watermark("u", "old", "main", 0, 2)
    other.append("u", "old", turn("other"))
    time.sleep(2 * ttl + 0.1)  # both expired, and past the time their count is remembered
    # A new store sweeps on its first write (then at most once a minute).
    second = PostgresSessionStore(postgres_dsn, schema=pg_schema, namespace="a", ttl=ttl)
    second.append("u", "new", turn("new"))
    expected = {  # namespace b's expired session is b's stores' to purge
        "sessions": [("a", "new"), ("b", "old")],
        "messages": [("a", "new"), ("a", "new"), ("b", "old"), ("b", "old")],
        "watermarks": [],
        "idempotency": [],
    }
    for table, rows in expected.items():
        query = f'SELECT namespace, session_id FROM "{pg_schema}".{table} ORDER BY 1, 2'
        assert _admin(postgres_dsn, query) == rows, table
    for store in (first, other, second):
        store.close()


# -- the schema and its version --------------------------------------------------------------------
@pytest.mark.postgres
def test_a_schema_of_a_newer_release_is_refused_naming_the_upgrade(
    postgres_dsn: str, pg_schema: str
) -> None:
    store = PostgresSessionStore(postgres_dsn, schema=pg_schema)
    store.append("u", "s", turn("a"))
    store.close()
    _admin(
        postgres_dsn, f"UPDATE \"{pg_schema}\".meta SET value = '2' WHERE key = 'schema_version'"
    )
    with pytest.raises(InvalidInputError, match=r"version 2; this release reads version 1.*-U"):
        PostgresSessionStore(postgres_dsn, schema=pg_schema)
    # Nothing was changed: the rows and the version are as the newer release left them.
    meta = _admin(postgres_dsn, f'SELECT value FROM "{pg_schema}".meta')
    assert meta == [("2",)]
    assert _admin(postgres_dsn, f'SELECT count(*) FROM "{pg_schema}".messages') == [(2,)]


@pytest.mark.postgres
def test_tables_are_created_in_the_schema_keyed_by_namespace(
    postgres_dsn: str, pg_schema: str
) -> None:
    store = PostgresSessionStore(postgres_dsn, schema=pg_schema, namespace="n")
    store.append("u", "s", turn("a"), idempotency_key="k")
    store.advance_watermark("u", "s", "main", 0, 2)
    store.close()
    tables = _admin(
        postgres_dsn,
        "SELECT table_name FROM information_schema.tables WHERE table_schema = %s ORDER BY 1",
        (pg_schema,),
    )
    assert [name for (name,) in tables] == [
        "idempotency", "messages", "meta", "sessions", "watermarks"
    ]  # fmt: skip
    for table in ("idempotency", "messages", "sessions", "watermarks"):
        rows = _admin(postgres_dsn, f'SELECT DISTINCT namespace FROM "{pg_schema}".{table}')
        assert rows == [("n",)]


@pytest.mark.postgres
def test_a_key_value_dsn_works_and_hides_its_password(postgres_dsn: str, pg_schema: str) -> None:
    dsn = make_conninfo("", **conninfo_to_dict(postgres_dsn), password=_PASSWORD)
    store = PostgresSessionStore(dsn, schema=pg_schema)
    assert store.append("u", "s", turn("a")) == 2
    assert _PASSWORD not in store.url
    assert _PASSWORD not in repr(store)
    store.close()


# -- faults ----------------------------------------------------------------------------------------
def _with(dsn: str, **parts: Any) -> str:
    """``dsn`` with other connection parameters, as a URL with a password."""
    params = {**conninfo_to_dict(dsn), **parts}
    return (
        f"postgresql://{params.get('user', 'postgres')}:{params['password']}@"
        f"{params.get('host', '127.0.0.1')}:{params.get('port', 5432)}/{params['dbname']}"
    )


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("parts", "reason"),
    [
        ({"port": 1}, None),  # nothing listens there: refused, retryable
        ({"user": "no_such_role_x"}, "authentication"),
        ({"dbname": "no_such_database_x"}, "no_database"),
    ],
    ids=["refused", "unknown-user", "unknown-database"],
)
def test_a_wrong_dsn_fails_at_once_with_the_fix_and_no_password(
    postgres_dsn: str, pg_schema: str, parts: dict[str, Any], reason: str | None
) -> None:
    dsn = _with(postgres_dsn, password=_PASSWORD, **parts)
    with pytest.raises(SessionStoreUnavailableError) as raised:
        PostgresSessionStore(dsn, schema=pg_schema, timeout=5)
    error = raised.value
    for shown in (str(error), repr(error), error.url):
        assert _PASSWORD not in shown
    if reason is None:
        assert type(error) is SessionStoreUnavailableError
        assert error.retryable is True
        assert "Start PostgreSQL" in str(error)
    else:
        assert isinstance(error, SessionStoreRefusedError)
        assert (error.reason, error.retryable) == (reason, False)
        assert "DSN" in error.fix


def _backend_of(dsn: str, schema: str, *, waiting: bool) -> list[int]:
    rows = _admin(
        dsn,
        "SELECT pid FROM pg_stat_activity WHERE application_name = %s"
        + (" AND wait_event_type = 'Lock'" if waiting else ""),
        (_application(schema),),
    )
    return [pid for (pid,) in rows]


@pytest.mark.postgres
def test_a_backend_terminated_mid_append_writes_nothing_and_the_retry_works(
    postgres_dsn: str, pg_schema: str
) -> None:
    store = PostgresSessionStore(postgres_dsn, schema=pg_schema)
    assert store.append("u", "s", turn("before"), idempotency_key="before") == 2
    cut = [*turn("cut"), HumanMessage("and a third")]
    # The append inserts its messages and then waits for this lock to record its key: it is
    # killed with its messages written but not committed.
    locker = psycopg.connect(postgres_dsn)
    locker.execute(
        sql.SQL("LOCK TABLE {}.idempotency IN EXCLUSIVE MODE").format(sql.Identifier(pg_schema))
    )
    failures: list[BaseException] = []

    def append() -> None:
        try:
            store.append("u", "s", cut, idempotency_key="cut")
        except BaseException as exc:  # asserted below
            failures.append(exc)

    thread = threading.Thread(target=append)
    thread.start()
    try:
        _wait_until(lambda: bool(_backend_of(postgres_dsn, pg_schema, waiting=True)), "blocked")
        (pid,) = _backend_of(postgres_dsn, pg_schema, waiting=True)
        assert _admin(postgres_dsn, "SELECT pg_terminate_backend(%s)", (pid,)) == [(True,)]
        thread.join(timeout=60)
    finally:
        locker.close()
    (error,) = failures
    # Killed before its COMMIT was sent: known not applied, so not SessionWriteUnknownError.
    assert type(error) is SessionStoreUnavailableError
    assert error.retryable is True
    assert "Nothing of this call was written" in str(error)
    assert store.read("u", "s").messages == turn("before")  # no partial turn
    assert store.list_sessions("u")[0].message_count == 2
    assert store.append("u", "s", cut, idempotency_key="cut") == 5  # the retry applies it once
    assert store.append("u", "s", cut, idempotency_key="cut") == 5
    assert store.read("u", "s").messages == turn("before") + cut
    store.close()


@pytest.mark.postgres
def test_connections_the_server_ended_while_idle_are_replaced(
    postgres_dsn: str, pg_schema: str
) -> None:
    """As after a server restart: every pooled connection is dead, and the next call works."""
    store = PostgresSessionStore(postgres_dsn, schema=pg_schema, min_size=2)
    store.append("u", "s", turn("a"))
    _wait_until(lambda: len(_backend_of(postgres_dsn, pg_schema, waiting=False)) >= 2, "pool")
    pids = _backend_of(postgres_dsn, pg_schema, waiting=False)
    _admin(postgres_dsn, "SELECT pg_terminate_backend(pid) FROM unnest(%s::int[]) AS pid", (pids,))
    _wait_until(
        lambda: not set(pids) & set(_backend_of(postgres_dsn, pg_schema, waiting=False)), "ended"
    )
    assert store.append("u", "s", turn("b")) == 4
    assert store.read("u", "s").messages == turn("a") + turn("b")
    store.close()


@pytest.mark.postgres
def test_a_lost_commit_is_reported_as_unknown(postgres_dsn: str, pg_schema: str) -> None:
    """The connection dies while the COMMIT is in flight: the append may have been applied."""
    store = PostgresSessionStore(postgres_dsn, schema=pg_schema)
    original = psycopg.Transaction.__exit__

    def commit_then_lose_the_answer(transaction: psycopg.Transaction, *exc_info: Any) -> Any:
        original(transaction, *exc_info)
        if exc_info[0] is None:
            raise psycopg.OperationalError("server closed the connection unexpectedly")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(psycopg.Transaction, "__exit__", commit_then_lose_the_answer)
        with pytest.raises(SessionWriteUnknownError, match="idempotency_key"):
            store.append("u", "s", turn("a"), idempotency_key="a")
        with pytest.raises(SessionStoreUnavailableError) as raised:  # not an append: not unknown
            store.advance_watermark("u", "s", "main", 0, 2)
        assert type(raised.value) is SessionStoreUnavailableError
    assert store.append("u", "s", turn("a"), idempotency_key="a") == 2  # the retry: once
    assert store.read("u", "s").messages == turn("a")
    assert store.get_watermark("u", "s", "main") == 2  # it was committed, too
    store.close()


# -- construction ----------------------------------------------------------------------------------
@pytest.mark.postgres
def test_a_pool_passed_in_is_used_and_given_back_as_it_was(
    postgres_dsn: str, pg_schema: str
) -> None:
    """Even an autocommit pool: each call is still one transaction, and the connection's
    settings are restored."""
    pool: ConnectionPool[psycopg.Connection[Any]] = ConnectionPool(
        postgres_dsn, min_size=1, max_size=1, kwargs={"autocommit": True}, open=True
    )
    try:
        store = PostgresSessionStore(pool=pool, schema=pg_schema)
        assert store.append("u", "s", turn("a")) == 2
        assert store.read("u", "s").messages == turn("a")
        store.close()
        assert not pool.closed
        with pool.connection() as conn:
            assert (conn.autocommit, conn.read_only, conn.isolation_level) == (True, None, None)
            query = sql.SQL("SELECT count(*) FROM {}.messages").format(sql.Identifier(pg_schema))
            assert conn.execute(query).fetchone() == (2,)
    finally:
        pool.close()


@pytest.mark.postgres
def test_no_free_connection_within_the_timeout_is_unavailable(
    postgres_dsn: str, pg_schema: str
) -> None:
    store = PostgresSessionStore(postgres_dsn, schema=pg_schema, max_size=1, timeout=0.5)
    store.append("u", "s", turn("a"))
    locker = psycopg.connect(postgres_dsn)
    locker.execute(
        sql.SQL("LOCK TABLE {}.sessions IN EXCLUSIVE MODE").format(sql.Identifier(pg_schema))
    )
    thread = threading.Thread(target=store.append, args=("u", "s", turn("b")))
    thread.start()  # holds the pool's one connection, waiting for the lock
    try:
        _wait_until(lambda: bool(_backend_of(postgres_dsn, pg_schema, waiting=True)), "blocked")
        with pytest.raises(SessionStoreUnavailableError, match="connection of the pool is busy"):
            store.read("u", "s")
    finally:
        locker.close()
        thread.join(timeout=60)
    assert store.read("u", "s").messages == turn("a") + turn("b")
    store.close()


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({}, "exactly one of dsn= .* and pool="),
        ({"dsn": "postgresql://h/db", "pool": object()}, "exactly one of"),
        ({"pool": object()}, "psycopg_pool.ConnectionPool"),
        ({"dsn": "redis://127.0.0.1:6379/0"}, "neither a PostgreSQL URL nor a connection string"),
        ({"dsn": f"not a dsn password={_PASSWORD}"}, "neither a PostgreSQL URL"),
        ({"dsn": "postgresql://h:port/db"}, "check the port"),
        ({"dsn": f"postgresql://u:{_PASSWORD}@h/db name"}, "percent-encode spaces"),
        ({"dsn": "postgresql://h/db", "schema": "1abc"}, "schema must be a name"),
        ({"dsn": "postgresql://h/db", "schema": "a-b"}, "schema must be a name"),
        ({"dsn": "postgresql://h/db", "schema": "x" * 64}, "schema must be a name"),
        ({"dsn": "postgresql://h/db", "schema": "pg_mine"}, "reserves"),
        ({"dsn": "postgresql://h/db", "namespace": ""}, "namespace"),
        ({"dsn": "postgresql://h/db", "min_size": 3, "max_size": 2}, "max_size must be an int"),
        ({"dsn": "postgresql://h/db", "timeout": 0}, "timeout must be a number > 0"),
    ],
    ids=lambda value: str(value)[:40],
)
def test_unusable_arguments_are_refused_before_connecting(
    options: dict[str, Any], match: str
) -> None:
    with pytest.raises(InvalidInputError, match=match) as raised:
        PostgresSessionStore(**options)
    assert _PASSWORD not in str(raised.value)


def test_importing_the_sessions_package_does_not_import_psycopg() -> None:
    code = "import sys, cognee_langchain.sessions; print('psycopg' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == "False"


def test_a_missing_psycopg_names_the_extra_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if it were not installed
    monkeypatch.setitem(sys.modules, "psycopg_pool", None)
    monkeypatch.delitem(sys.modules, "cognee_langchain.sessions.postgres")
    with pytest.raises(InvalidInputError, match=r'pip install "cognee-langchain\[postgres\]"'):
        importlib.import_module("cognee_langchain.sessions.postgres")
