"""A memory on PostgreSQL as a user configures it (issue 13): one URL for the graph and the
sessions, in code, in ``COGNEE_LANGCHAIN_*`` variables or on the command line; an embedded memory
moved into it; a wrong DSN, and a server connection lost in the middle of ``remember`` or
``improve``, each a clear error that leaves nothing half-written, the next call working."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest

from cognee_langchain import GraphMemory, Settings, migrate_graph
from cognee_langchain.cli import main
from cognee_langchain.errors import StoreUnavailableError
from cognee_langchain.graph.postgres import PostgresGraphStore
from cognee_langchain.sessions.postgres import PostgresSessionStore
from tests.support.persist_checks import DATASET, assert_exactly_once, turn

pytestmark = pytest.mark.postgres

TEXT = "Alice Johnson leads Acme Corp. Acme Corp builds rockets in Berlin."


@pytest.fixture
def url(postgres_dsn: str, pg_schema: str) -> str:
    """A URL naming a schema of this test's own (graph) and its ``_sessions`` twin, both
    dropped afterwards."""
    return f"{postgres_dsn}?schema={pg_schema}"


def _tables(url: str) -> dict[str, set[str]]:
    dsn, _, schema = url.partition("?schema=")
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_schema IN (%s, %s)",
            (schema, f"{schema}_sessions"),
        ).fetchall()
    found: dict[str, set[str]] = {}
    for table_schema, table in rows:
        found.setdefault(table_schema, set()).add(table)
    return found


def test_one_url_puts_graph_and_sessions_in_postgres(url: str, tmp_path: Path) -> None:
    memory = GraphMemory(tmp_path, graph_store=url, session_store=url)
    try:
        assert isinstance(memory.graph_store, PostgresGraphStore)
        assert isinstance(memory.session_store, PostgresSessionStore)
        memory.remember(TEXT)
        answer = memory.recall("Who leads Acme Corp?", session_id="chat")
        assert "Alice" in answer.answer and answer.supported
        assert memory.improve(DATASET, ["chat"]).messages_persisted == 2
        assert any("Alice" in d.page_content for d in memory.search("Who leads Acme?"))
    finally:
        memory.close()
    schema = url.partition("?schema=")[2]
    tables = _tables(url)
    assert {"chunks", "entities", "relations"} <= tables[schema]
    assert "messages" in tables[f"{schema}_sessions"]
    assert not (tmp_path / "graph.sqlite").exists() and not (tmp_path / "sessions.sqlite").exists()

    again = GraphMemory(tmp_path / "elsewhere", graph_store=url, session_store=url)
    try:  # another process or host: the same memory, the same sessions
        assert again.stats().documents == 2
        stored = again.session_store.read(again.user.id, "chat").messages
        assert stored[0].content == "Who leads Acme Corp?"
    finally:
        again.close()


def test_the_environment_names_both_stores(url: str, tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "COGNEE_LANGCHAIN_DATA_DIR": str(tmp_path),
            "COGNEE_LANGCHAIN_GRAPH_STORE": url,
            "COGNEE_LANGCHAIN_SESSION_STORE": url,
        }
    )
    memory = GraphMemory(settings=settings)
    try:
        memory.remember(TEXT)
        assert isinstance(memory.graph_store, PostgresGraphStore)
        assert isinstance(memory.session_store, PostgresSessionStore)
    finally:
        memory.close()


def test_an_embedded_memory_moves_into_postgres(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    embedded = GraphMemory(tmp_path / "embedded")
    embedded.remember(TEXT)
    embedded.remember("Alice Johnson moved to Paris. Alice Johnson works at Zalando now.")
    queries = ["Who leads Acme?", "Where does Alice live?", "What does Acme build?"]
    before = {q: [d.page_content for d in embedded.search(q)] for q in queries}
    history = embedded.history("Alice Johnson")
    embedded.close()

    data_dir = str(tmp_path / "embedded")
    assert main(["--data-dir", data_dir, "migrate", "--to", url]) == 0
    assert "Copied dataset 'main_dataset': 2 document(s)" in capsys.readouterr().out

    moved = GraphMemory(tmp_path / "moved", graph_store=url)
    try:
        assert {q: [d.page_content for d in moved.search(q)] for q in queries} == before
        assert moved.history("Alice Johnson") == history
    finally:
        moved.close()
    assert main(["--graph-store", url, "--data-dir", str(tmp_path / "cli"), "search", "Acme"]) == 0
    assert "Acme Corp" in capsys.readouterr().out


def test_migrate_graph_takes_urls_and_paths(url: str, tmp_path: Path) -> None:
    embedded = GraphMemory(tmp_path / "e")
    embedded.remember(TEXT, dataset="team")
    embedded.close()
    (move,) = migrate_graph(tmp_path / "e" / "graph.sqlite", url)
    assert (move.dataset, move.documents, move.chunks) == ("team", 1, 1)


@pytest.mark.parametrize(
    ("dsn", "reason"),
    [
        ("postgresql://postgres:s3cret@127.0.0.1:1/test", "127.0.0.1:1"),
        ("postgresql://postgres:s3cret@127.0.0.1:5432/no_such_database_here", "no_such_database"),
    ],
)
def test_a_wrong_dsn_is_a_clear_error_without_the_password(
    dsn: str, reason: str, tmp_path: Path
) -> None:
    memory = GraphMemory(tmp_path, graph_store=dsn)  # the store opens on first use
    try:
        with pytest.raises(StoreUnavailableError) as caught:
            memory.remember(TEXT)
    finally:
        memory.close()
    assert reason in str(caught.value) and "s3cret" not in str(caught.value)


def _kill_own_backend_during_first_write(store: PostgresGraphStore, dsn: str) -> None:
    """Terminate the store's server connection in the middle of its first write transaction,
    as a server restart or a network cut would."""
    original = store._apply_run
    armed = threading.Event()
    armed.set()

    def apply_run(tx: Any, ops: Any) -> None:
        if armed.is_set():
            armed.clear()
            (pid,) = tx.conn.execute("SELECT pg_backend_pid()").fetchone()
            with psycopg.connect(dsn, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        original(tx, ops)

    store._apply_run = apply_run  # type: ignore[method-assign]


def test_a_connection_lost_mid_remember_writes_nothing_and_the_next_call_works(
    url: str, postgres_dsn: str, tmp_path: Path
) -> None:
    memory = GraphMemory(tmp_path, graph_store=url)
    try:
        store = memory.graph_store
        assert isinstance(store, PostgresGraphStore)
        _kill_own_backend_during_first_write(store, postgres_dsn)
        with pytest.raises(StoreUnavailableError):
            memory.remember(TEXT)
        assert memory.stats().documents == 0  # rolled back: nothing half-written
        memory.remember(TEXT)  # the same memory object, no restart
        assert memory.stats().documents == 1
    finally:
        memory.close()


def test_a_connection_lost_mid_improve_persists_each_message_once_on_retry(
    url: str, postgres_dsn: str, tmp_path: Path
) -> None:
    memory = GraphMemory(tmp_path, graph_store=url, session_store=url)
    try:
        memory.remember(TEXT)
        for i in range(3):
            memory.session_store.append(memory.user.id, "s", turn(i))
        store = memory.graph_store
        assert isinstance(store, PostgresGraphStore)
        _kill_own_backend_during_first_write(store, postgres_dsn)
        with pytest.raises(StoreUnavailableError):
            memory.improve(DATASET, ["s"])
        assert memory.improve(DATASET, ["s"]).messages_persisted == 6
        assert memory.improve(DATASET, ["s"]).messages_persisted == 0
        assert_exactly_once(memory, 3)
    finally:
        memory.close()


def _restart_server() -> None:
    """Restart the PostgreSQL server for real (every connection of every client is cut), and
    wait until it accepts connections again."""
    subprocess.run(["pg_ctlcluster", "15", "main", "restart"], check=True, timeout=120)
    deadline = time.monotonic() + 60
    while subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"], check=False).returncode:
        assert time.monotonic() < deadline, "PostgreSQL did not come back within 60 s"
        time.sleep(0.2)


@pytest.mark.skipif(
    shutil.which("pg_ctlcluster") is None or os.geteuid() != 0,
    reason="restarting the server needs pg_ctlcluster and root (this machine's PostgreSQL 15)",
)
def test_after_a_server_restart_the_same_memory_works_without_a_new_process(
    url: str, tmp_path: Path
) -> None:
    memory = GraphMemory(tmp_path, graph_store=url, session_store=url)
    try:
        memory.remember(TEXT)
        memory.session_store.append(memory.user.id, "s", turn(0))
        _restart_server()
        # Every pooled connection died with the server: the stores replace them on their own.
        memory.remember("Carol Diaz founded Zeta Labs in Lisbon.")
        memory.session_store.append(memory.user.id, "s", turn(1))
        assert memory.improve(DATASET, ["s"]).messages_persisted == 4
        assert memory.stats().documents == 3
        assert any("Zeta" in d.page_content for d in memory.search("Who founded Zeta Labs?"))
    finally:
        memory.close()


def test_a_memory_on_postgres_follows_other_workers_writes_and_stops_on_close(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reader = GraphMemory(tmp_path / "reader", graph_store=url)
    writer = GraphMemory(tmp_path / "writer", graph_store=url)
    try:
        writer.remember(TEXT)
        reader.search("Who leads Acme?")  # loads the index and starts following
        index = reader.runtime.graph_index
        assert reader.graph_store.announces_commits and index.following
        revision = writer.remember("Bob Smith founded Zeta Labs in Munich.").revision
        deadline = time.monotonic() + 10
        while index.revision != revision and time.monotonic() < deadline:
            time.sleep(0.02)
        assert index.revision == revision  # caught up before any search asked

        # While nothing is written, following listens: it reads the revision twice a second
        # (each wait's start and end), where reading every 50 ms would be twenty times.
        store = reader.graph_store
        assert isinstance(store, PostgresGraphStore)
        reads = 0
        read_revision = store._revision

        def counted() -> int:
            nonlocal reads
            reads += 1
            return read_revision()

        monkeypatch.setattr(store, "_revision", counted)
        time.sleep(1.0)
        assert reads <= 4 and index.following
    finally:
        reader.close()
        writer.close()
    assert not index.following


def test_a_couples_next_stage_ends_the_one_before_on_postgres(url: str, tmp_path: Path) -> None:
    """The stage ending is written through the store's own retractions and history: the same
    result as on SQLite, remembered out of order."""
    memory = GraphMemory(tmp_path, graph_store=url)
    try:
        for text in (
            "Session 2 (20 June 2023)\n[E2:1] Siobhan: Dara and I got married on Saturday!\n"
            "[E2:2] Ciaran: Congrats!",
            "Session 1 (10 January 2023)\n[E1:1] Siobhan: Dara and I got engaged on Saturday!\n"
            "[E1:2] Ciaran: Wow!",
        ):
            memory.remember(text, dataset="s")
        versions = memory.history("Siobhan", "relationship_status", dataset="s")
        assert [(v.fact.split(".")[0], v.current) for v in versions] == [
            ("Siobhan got engaged Dara", False),
            ("Siobhan got married Dara", True),
        ]
        assert versions[0].invalid_at == versions[1].valid_at
    finally:
        memory.close()
