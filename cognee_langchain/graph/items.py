"""Key-value items kept beside the graph: the records behind
:class:`~cognee_langchain.store.GraphMemoryStore` (LangGraph's ``BaseStore``).

An item is addressed by ``(dataset, namespace, key)`` and holds a value exactly as given (as
JSON text, which the graph store never parses) and, when the item is searchable, the id of the
document its text was remembered as. Putting or deleting an item is a write operation applied
with the graph's other operations, so it is atomic with them: the document an item stops
pointing at is forgotten in the same transaction, once no other item points at it (two items
of the same text share one document), so nothing stale stays searchable.
"""

from __future__ import annotations

from dataclasses import dataclass

from cognee_langchain.errors import InvalidInputError

__all__ = ["DeleteItem", "PutItem", "StoreItem", "check_namespace", "namespace_text"]

#: Joins namespace labels in storage; LangGraph refuses labels holding a period, so the join is
#: unambiguous and a prefix of labels is a prefix of the text followed by this separator.
NAMESPACE_SEPARATOR = "."


@dataclass(frozen=True, slots=True)
class StoreItem:
    """One stored item. ``value``: the JSON text given to :class:`PutItem`, unchanged;
    ``document_id``: the document its text was remembered as (``None``: not searchable);
    ``created_at`` / ``updated_at``: epoch seconds of its first and its latest put."""

    dataset: str
    namespace: tuple[str, ...]
    key: str
    value: str
    document_id: str | None
    created_at: float
    updated_at: float


@dataclass(frozen=True, slots=True)
class PutItem:
    """Insert or replace an item (its ``created_at`` survives a replace). ``document_id`` must
    name a stored document of ``dataset`` (or be ``None``); the document the item pointed at
    before is forgotten when no item points at it any more."""

    dataset: str
    namespace: tuple[str, ...]
    key: str
    value: str
    document_id: str | None = None


@dataclass(frozen=True, slots=True)
class DeleteItem:
    """Remove an item if it exists, and forget its document when no other item points at it."""

    dataset: str
    namespace: tuple[str, ...]
    key: str


def check_namespace(namespace: object) -> tuple[str, ...]:
    """``namespace`` as a tuple of labels, each a non-empty ``str`` without a period or NUL."""
    if not isinstance(namespace, tuple | list) or not all(isinstance(x, str) for x in namespace):
        raise InvalidInputError(
            f"A namespace must be a tuple of str labels, got {namespace!r}: pass e.g. "
            "('memories', 'alice')."
        )
    for label in namespace:
        if not label or NAMESPACE_SEPARATOR in label or "\x00" in label:
            raise InvalidInputError(
                f"Namespace label {label!r} in {tuple(namespace)!r} is empty or holds a period "
                "or NUL: use labels such as 'memories' or a user id without periods."
            )
    return tuple(namespace)


def namespace_text(namespace: tuple[str, ...]) -> str:
    """The stored form of a (checked) namespace."""
    return NAMESPACE_SEPARATOR.join(namespace)
