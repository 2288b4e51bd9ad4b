"""Builders of write operations for graph-store tests: reproducible vectors, chunks, documents,
entities and relations, and :class:`SmallGraph` (a two-document graph). The conformance suites
(:mod:`cognee_langchain.testing.graph_store`, which re-exports them, and
:mod:`cognee_langchain.testing.graph_time`) build their batches with these; backend-specific tests
may too."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cognee_langchain.graph.base import (
    EntityMention,
    PutChunk,
    PutDocument,
    PutEntity,
    PutRelation,
    RelationMention,
    RequirePermission,
    SetGrant,
    Vector,
    WriteOp,
)
from cognee_langchain.graph.models import SourceDocument, content_id
from cognee_langchain.permissions import Permission

__all__ = [
    "DS",
    "SmallGraph",
    "chunk_op",
    "create",
    "doc_op",
    "entity_op",
    "grant_op",
    "relation_op",
    "vec",
]

DS = "ds"


def vec(seed: int, dim: int = 8) -> Vector:
    """A reproducible random vector (not normalised: stores normalise)."""
    return np.random.default_rng(seed).standard_normal(dim).astype(np.float32)


def _seed(*parts: str) -> int:
    return int(content_id("seed", *parts)[:8], 16)


def chunk_op(text: str, summary: str = "", dataset: str = DS) -> PutChunk:
    return PutChunk(content_id("chunk", dataset, text), dataset, text, summary, vec(_seed(text)))


def doc_op(
    chunks: Sequence[PutChunk],
    name: str,
    node_set: str | None = None,
    dataset: str = DS,
    **extra: Any,
) -> PutDocument:
    session = str(extra.get("session_id") or "")
    return PutDocument(
        SourceDocument(
            id=content_id("document", dataset, name, node_set or "", session),
            dataset=dataset,
            created_at=extra.pop("created_at", time.time()),
            name=name,
            node_set=node_set,
            chunk_ids=tuple(c.id for c in chunks),
            **extra,
        )
    )


def entity_op(name: str, *chunks: PutChunk, type_: str = "Thing", dataset: str = DS) -> PutEntity:
    key = name.lower()
    return PutEntity(
        id=content_id("entity", dataset, key),
        dataset=dataset,
        name=name,
        type=type_,
        vector=vec(_seed(key)),
        keys=(key,),
        tokens=tuple(key.split()),
        mentions=tuple(EntityMention(c.id, name, f"{name} in {c.text}") for c in chunks),
    )


def relation_op(
    source: PutEntity, predicate: str, target: PutEntity, *chunks: PutChunk
) -> PutRelation:
    return PutRelation(
        id=content_id("relation", source.dataset, source.id, predicate, target.id),
        dataset=source.dataset,
        source_id=source.id,
        target_id=target.id,
        predicate=predicate,
        vector=vec(_seed(source.id, predicate, target.id)),
        mentions=tuple(
            RelationMention(c.id, f"{source.name} {predicate} {target.name}") for c in chunks
        ),
    )


def create(user: str = "owner", dataset: str = DS) -> RequirePermission:
    """Create ``dataset`` owned by ``user`` (or check ``user`` may write to it)."""
    return RequirePermission(dataset, user, Permission.WRITE, create=True)


def grant_op(
    user: str, permission: Permission, by: str = "owner", granted: bool = True, dataset: str = DS
) -> SetGrant:
    """``by`` grants (or, with ``granted=False``, revokes) ``permission`` on ``dataset``."""
    return SetGrant(dataset, user, permission, granted, by)


@dataclass
class SmallGraph:
    """Alice leads Acme (document "one"); Bob joined Acme (document "two", node set "news")."""

    c1: PutChunk = field(default_factory=lambda: chunk_op("Alice leads Acme.", "Alice leads."))
    c2: PutChunk = field(default_factory=lambda: chunk_op("Bob joined Acme."))

    def __post_init__(self) -> None:
        self.alice = entity_op("Alice", self.c1, type_="Person")
        self.bob = entity_op("Bob", self.c2, type_="Person")
        self.acme = entity_op("Acme", self.c1, self.c2, type_="Org")
        self.leads = relation_op(self.alice, "leads", self.acme, self.c1)
        self.joined = relation_op(self.bob, "joined", self.acme, self.c2)
        self.d1 = doc_op([self.c1], "one", created_at=1.0)
        self.d2 = doc_op([self.c2], "two", node_set="news", created_at=2.0)

    @property
    def ops(self) -> list[WriteOp]:
        return [
            create(), self.c1, self.c2, self.d1, self.d2,
            self.alice, self.bob, self.acme, self.leads, self.joined,
        ]  # fmt: skip
