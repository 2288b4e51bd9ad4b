"""The SQL graph stores' table of key-value items (:mod:`cognee_langchain.graph.items`): its
schema, the write of one :class:`PutItem` / :class:`DeleteItem` inside a write transaction, and
the reads.

Namespaces are stored as their labels joined by ``.`` (labels never hold one), so a namespace
prefix is matched with ``=`` or a ``substr`` comparison: exact, case-sensitive, and blind to
``LIKE`` / ``GLOB`` metacharacters in labels.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from cognee_langchain.errors import InvalidInputError
from cognee_langchain.graph._sql_dialect import Connection
from cognee_langchain.graph._sql_schema import unknown_dataset
from cognee_langchain.graph.items import (
    NAMESPACE_SEPARATOR,
    DeleteItem,
    PutItem,
    StoreItem,
    check_namespace,
    namespace_text,
)

__all__ = ["ITEMS_SCHEMA", "apply_item", "get_items", "list_items"]

ITEMS_SCHEMA = """
CREATE TABLE IF NOT EXISTS store_items (
    dataset TEXT NOT NULL, namespace TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
    document_id TEXT, created_at REAL NOT NULL, updated_at REAL NOT NULL,
    PRIMARY KEY (dataset, namespace, key)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS store_items_document ON store_items (document_id);
CREATE INDEX IF NOT EXISTS store_items_recent ON store_items (dataset, updated_at);
"""

_COLUMNS = "dataset, namespace, key, value, document_id, created_at, updated_at"


def apply_item(
    conn: Connection,
    op: PutItem | DeleteItem,
    now: float,
    raise_if_forgotten: Callable[[str], None],
) -> list[str]:
    """Apply ``op`` and return the ids of documents no item points at any more (the caller
    forgets them in the same transaction). ``raise_if_forgotten(document_id)`` raises the
    retryable conflict when the document was stored once and a concurrent forget removed it."""
    if not isinstance(op.key, str) or not op.key:
        raise InvalidInputError(f"An item key must be a non-empty str, got {op.key!r}.")
    namespace = namespace_text(check_namespace(op.namespace))
    old = conn.execute(
        "SELECT document_id FROM store_items WHERE dataset = ? AND namespace = ? AND key = ?",
        (op.dataset, namespace, op.key),
    ).fetchone()
    before = None if old is None else old[0]
    if isinstance(op, DeleteItem):
        conn.execute(
            "DELETE FROM store_items WHERE dataset = ? AND namespace = ? AND key = ?",
            (op.dataset, namespace, op.key),
        )
    else:
        _check_target(conn, op, raise_if_forgotten)
        conn.execute(
            f"INSERT INTO store_items ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (dataset, namespace, key) DO UPDATE SET value = excluded.value, "
            "document_id = excluded.document_id, updated_at = excluded.updated_at",
            (op.dataset, namespace, op.key, op.value, op.document_id, now, now),
        )
    if before is None or (isinstance(op, PutItem) and before == op.document_id):
        return []
    still = conn.execute(
        "SELECT 1 FROM store_items WHERE document_id = ? AND dataset = ? LIMIT 1",
        (before, op.dataset),
    ).fetchone()
    return [] if still is not None else [before]


def _check_target(conn: Connection, op: PutItem, raise_if_forgotten: Callable[[str], None]) -> None:
    if not isinstance(op.value, str):
        raise InvalidInputError("PutItem.value must be JSON text (a str).")
    if conn.execute("SELECT 1 FROM datasets WHERE name = ?", (op.dataset,)).fetchone() is None:
        raise unknown_dataset(op.dataset)
    if op.document_id is None:
        return
    found = conn.execute(
        "SELECT 1 FROM documents WHERE id = ? AND dataset = ?", (op.document_id, op.dataset)
    ).fetchone()
    if found is None:
        raise_if_forgotten(op.document_id)
        raise InvalidInputError(
            f"Item {op.key!r} points at document {op.document_id}, which is not stored in "
            f"dataset {op.dataset!r}: remember its text first (in the same dataset)."
        )


def _item(row: tuple[str, str, str, str, str | None, float, float]) -> StoreItem:
    dataset, namespace, key, value, document_id, created_at, updated_at = row
    labels = tuple(namespace.split(NAMESPACE_SEPARATOR))
    return StoreItem(dataset, labels, key, value, document_id, created_at, updated_at)


def get_items(
    conn: Connection, dataset: str, refs: Sequence[tuple[tuple[str, ...], str]]
) -> list[StoreItem]:
    """The items of ``dataset`` at ``refs`` (namespace, key) that exist, in the order asked."""
    found = []
    for namespace, key in refs:
        row = conn.execute(
            f"SELECT {_COLUMNS} FROM store_items WHERE dataset = ? AND namespace = ? AND key = ?",
            (dataset, namespace_text(check_namespace(namespace)), key),
        ).fetchone()
        if row is not None:
            found.append(_item(row))
    return found


def list_items(
    conn: Connection, dataset: str, namespace_prefix: tuple[str, ...]
) -> list[StoreItem]:
    """Every item of ``dataset`` under ``namespace_prefix`` (whole labels), latest put first."""
    order = "ORDER BY updated_at DESC, namespace, key"
    if not namespace_prefix:
        rows = conn.execute(
            f"SELECT {_COLUMNS} FROM store_items WHERE dataset = ? {order}", (dataset,)
        )
    else:
        prefix = namespace_text(check_namespace(namespace_prefix))
        below = prefix + NAMESPACE_SEPARATOR
        rows = conn.execute(
            f"SELECT {_COLUMNS} FROM store_items WHERE dataset = ? AND (namespace = ? OR "
            f"substr(namespace, 1, length(CAST(? AS TEXT))) = ?) {order}",
            (dataset, prefix, below, below),
        )
    return [_item(row) for row in rows]
