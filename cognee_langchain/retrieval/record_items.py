"""Store records as search items: what the index holds of each chunk, summary, fact and
entity — ids unique across kinds, session provenance and a turn's unit data as metadata, index-only
key fields, and the validity spans of what a record states."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from cognee_langchain.graph.base import TextKind, TextRecord
from cognee_langchain.retrieval.types import ItemKind, SearchEntity, SearchItem

__all__ = ["search_entities", "search_items", "summary_item_id"]

_ITEM_KINDS: dict[TextKind, ItemKind] = {
    TextKind.CHUNK: "chunk",
    TextKind.SUMMARY: "summary",
    TextKind.FACT: "fact",
}
# The store keys a summary by its chunk's id; the engine needs ids unique across item kinds.
# Store ids are hex digests, so no chunk or relation id starts with this prefix.
_SUMMARY_PREFIX = "summary:"


def summary_item_id(chunk_id: str) -> str:
    """The search-item id of a chunk's summary."""
    return _SUMMARY_PREFIX + chunk_id


# What a turn's unit data shows in its hits' metadata (the rest is index-only).
_UNIT_METADATA = ("speaker", "occurred_at", "turn_id", "position")


def _spans(record: TextRecord) -> tuple[tuple[float, float | None], ...]:
    """The validity intervals of what a record states: a fact's own, a chunk's facts'."""
    if record.kind is TextKind.FACT:
        return () if record.valid_at is None else ((record.valid_at, record.invalid_at),)
    if record.kind is TextKind.CHUNK:
        return tuple(record.fact_spans)
    return ()


def _provenance(record: TextRecord) -> dict[str, Any]:
    """Item metadata: where session knowledge came from, a turn's speaker, time and place, and
    a fact's kind and interval (epoch seconds; the search service shows them as ISO). A turn's
    own message ids are more precise than its documents'."""
    metadata: dict[str, Any] = {}
    if record.session_ids:
        metadata["session_id"] = record.session_ids[0]
        metadata["session_ids"] = record.session_ids
    if record.message_ids:
        metadata["message_ids"] = record.message_ids
    if record.kind is TextKind.FACT:
        metadata.update(
            kind=record.relation_kind,
            valid_at=record.valid_at,
            invalid_at=record.invalid_at,
            superseded_by=record.superseded_by,
        )
        if record.retracted_in is not None:
            metadata["retracted_in"] = record.retracted_in
    unit = record.unit
    if unit:
        metadata.update({key: unit[key] for key in _UNIT_METADATA if unit.get(key) is not None})
        if unit.get("message_ids"):
            metadata["message_ids"] = tuple(unit["message_ids"])
    return metadata


def search_items(records: Sequence[TextRecord], dim: int) -> list[SearchItem]:
    """Chunk, summary or fact ``records`` as items of an engine of dimension ``dim`` (a record
    without a vector gets zeros: found by its words only)."""
    missing = np.zeros(dim, dtype=np.float32)
    return [
        SearchItem(
            id=summary_item_id(r.id) if r.kind is TextKind.SUMMARY else r.id,
            kind=_ITEM_KINDS[r.kind],
            text=r.text,
            vector=missing if r.vector is None else r.vector,
            dataset=r.dataset,
            node_sets=r.node_sets,
            chunk_ids=(r.id,) if r.kind is TextKind.CHUNK else r.chunk_ids,
            entity_ids=r.entity_ids,
            metadata=_provenance(r),
            keys=r.unit.get("keys", ""),
            context=r.unit.get("context", ""),
            group=r.unit.get("group"),
            speaker=r.unit.get("speaker"),
            occurred_at=r.unit.get("occurred_at"),
            spans=_spans(r),
        )
        for r in records
    ]


def search_entities(records: Sequence[TextRecord]) -> list[SearchEntity]:
    """Entity ``records`` as the engine's entities: name, aliases and vector."""
    return [SearchEntity(id=r.id, name=r.text, aliases=r.aliases, vector=r.vector) for r in records]
