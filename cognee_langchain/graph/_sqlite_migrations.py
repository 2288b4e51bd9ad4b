"""Schema migrations of the SQLite graph store: a file written by an earlier release is upgraded
in place when opened, one version step per transaction."""

from __future__ import annotations

import contextlib
import sqlite3

__all__ = ["MIGRATIONS", "rollback", "upgrade"]


def rollback(conn: sqlite3.Connection) -> None:
    """Roll back what is open, if anything; a failure here (the engine may have rolled back by
    itself after a full disk or I/O error) must not hide the error that got us here."""
    with contextlib.suppress(sqlite3.Error):
        if conn.in_transaction:
            conn.execute("ROLLBACK")


def _column_exists(conn: sqlite3.Connection, statement: str) -> bool:
    """Whether ``statement`` adds a column that is there already (a file created by a newer
    schema, then marked older): the migration step is then a no-op."""
    words = statement.split()
    if words[:2] != ["ALTER", "TABLE"] or words[3:5] != ["ADD", "COLUMN"]:
        return False
    return any(row[1] == words[5] for row in conn.execute(f"PRAGMA table_info({words[2]})"))


# version -> (next version, statements): a file of an earlier release is upgraded in place on open.
MIGRATIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    # 2: conversation turns are chunks of their own, with their speaker, time and context.
    "1": ("2", ("ALTER TABLE chunks ADD COLUMN unit TEXT NOT NULL DEFAULT '{}'",)),
    # 3: documents record their user (whose session they were persisted from); the tables and
    # indexes new in 3 (message_claims, tombstones_id) are in SCHEMA, created on every open.
    "2": ("3", ("ALTER TABLE documents ADD COLUMN user_id TEXT",)),
    # 4: time on relations and their mentions; the retractions table is in SCHEMA. A relation of
    # an earlier release has no kind (so no group) and became true when it was recorded.
    "3": (
        "4",
        (
            "ALTER TABLE relations ADD COLUMN kind TEXT",
            "ALTER TABLE relations ADD COLUMN single_valued INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE relations ADD COLUMN valid_at REAL",
            "ALTER TABLE relations ADD COLUMN valid_grain TEXT",
            "ALTER TABLE relations ADD COLUMN valid_phrase TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE relations ADD COLUMN invalid_at REAL",
            "ALTER TABLE relations ADD COLUMN superseded_by TEXT",
            "ALTER TABLE relation_mentions ADD COLUMN valid_at REAL",
            "ALTER TABLE relation_mentions ADD COLUMN grain TEXT",
            "ALTER TABLE relation_mentions ADD COLUMN phrase TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE relation_mentions ADD COLUMN invalid_at REAL",
            "ALTER TABLE relation_mentions ADD COLUMN superseded_by TEXT",
            "UPDATE relations SET valid_at = created_at WHERE valid_at IS NULL",
        ),
    ),
}


def upgrade(conn: sqlite3.Connection, version: str) -> str:
    """Bring a file at schema ``version`` up to the latest, one step per version, each in one
    transaction (a concurrent opener that migrated first wins); the version reached."""
    while version in MIGRATIONS:
        conn.execute("BEGIN IMMEDIATE")
        try:
            (current,) = conn.execute(
                "SELECT value FROM meta WHERE key = 'schema_version'"
            ).fetchone()
            if current == version:
                target, statements = MIGRATIONS[version]
                for statement in statements:
                    if not _column_exists(conn, statement):
                        conn.execute(statement)
                conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (target,))
                current = target
            conn.execute("COMMIT")
        except BaseException:
            rollback(conn)
            raise
        version = current
    return version
