"""The SQL graph stores' dump of one dataset (``GraphStore.adump_dataset``): every row it holds
of the dataset, raw, read inside the one read transaction the caller opened, so the dump is one
committed snapshot even while other processes write."""

from __future__ import annotations

from collections import defaultdict

import orjson

from cognee_langchain.graph._sql_dialect import Connection
from cognee_langchain.graph._sql_reads import documents
from cognee_langchain.graph._sql_schema import load_vector
from cognee_langchain.graph.dump import (
    DatasetDump,
    StoredChunk,
    StoredEntity,
    StoredMention,
    StoredRelation,
)
from cognee_langchain.graph.ops import (
    ClaimMessages,
    RecordKind,
    RetractRelation,
    TextKind,
    Vector,
)

__all__ = ["dump_dataset"]


def _vectors(conn: Connection, table: str, kind: TextKind, dataset: str) -> dict[str, Vector]:
    """The stored vectors of ``kind`` of every record of ``table`` in ``dataset``."""
    found: dict[str, Vector] = {}
    for id_, blob in conn.execute(
        f"SELECT v.id, v.vector FROM vectors v JOIN {table} t ON t.id = v.id "
        "WHERE v.kind = ? AND t.dataset = ?",
        (kind.value, dataset),
    ):
        vector = load_vector(blob)
        if vector is not None:
            found[id_] = vector
    return found


def _by_entity(conn: Connection, table: str, column: str, dataset: str) -> dict[str, list[str]]:
    """``entity_keys`` or ``entity_tokens`` of ``dataset``, sorted, by entity id."""
    found: dict[str, list[str]] = defaultdict(list)
    for entity_id, value in conn.execute(
        f"SELECT entity_id, {column} FROM {table} WHERE dataset = ? ORDER BY {column}, entity_id",
        (dataset,),
    ):
        found[entity_id].append(value)
    return found


def dump_dataset(conn: Connection, dataset: str, with_vectors: bool) -> DatasetDump:
    """Everything stored of ``dataset`` (see :class:`DatasetDump`)."""
    doc_ids = [
        r[0]
        for r in conn.execute("SELECT id FROM documents WHERE dataset = ? ORDER BY id", (dataset,))
    ]
    chunk_vectors = _vectors(conn, "chunks", TextKind.CHUNK, dataset) if with_vectors else {}
    summary_vectors = _vectors(conn, "chunks", TextKind.SUMMARY, dataset) if with_vectors else {}
    chunks = [
        StoredChunk(
            id=id_,
            text=text,
            summary=summary,
            unit=orjson.loads(unit),
            created_at=created_at,
            vector=chunk_vectors.get(id_),
            summary_vector=summary_vectors.get(id_),
        )
        for id_, text, summary, unit, created_at in conn.execute(
            "SELECT id, text, summary, unit, created_at FROM chunks WHERE dataset = ? ORDER BY id",
            (dataset,),
        )
    ]
    keys = _by_entity(conn, "entity_keys", "key", dataset)
    tokens = _by_entity(conn, "entity_tokens", "token", dataset)
    entity_vectors = _vectors(conn, "entities", TextKind.ENTITY, dataset) if with_vectors else {}
    entities = [
        StoredEntity(
            id=id_,
            name=name,
            type=type_,
            created_at=created_at,
            keys=tuple(keys.get(id_, ())),
            tokens=tuple(tokens.get(id_, ())),
            vector=entity_vectors.get(id_),
        )
        for id_, name, type_, created_at in conn.execute(
            "SELECT id, name, type, created_at FROM entities WHERE dataset = ? ORDER BY id",
            (dataset,),
        )
    ]
    fact_vectors = _vectors(conn, "relations", TextKind.FACT, dataset) if with_vectors else {}
    relations = [
        StoredRelation(
            id=id_,
            source_id=source_id,
            target_id=target_id,
            predicate=predicate,
            created_at=created_at,
            vector=fact_vectors.get(id_),
            kind=kind,
            single_valued=bool(single),
        )
        for id_, source_id, target_id, predicate, created_at, kind, single in conn.execute(
            "SELECT id, source_id, target_id, predicate, created_at, kind, single_valued "
            "FROM relations WHERE dataset = ? ORDER BY id",
            (dataset,),
        )
    ]
    # In stored order (seq): a chunk's entities are read back in that order (extraction order).
    mentions = [
        StoredMention(RecordKind.ENTITY, owner, chunk_id, surface, description)
        for owner, chunk_id, surface, description in conn.execute(
            "SELECT m.entity_id, m.chunk_id, m.surface, m.description FROM entity_mentions m "
            "JOIN entities e ON e.id = m.entity_id WHERE e.dataset = ? ORDER BY m.seq",
            (dataset,),
        )
    ]
    mentions.extend(
        StoredMention(RecordKind.RELATION, owner, chunk_id, "", description, at, grain, phrase)
        for owner, chunk_id, description, at, grain, phrase in conn.execute(
            "SELECT m.relation_id, m.chunk_id, m.description, m.valid_at, m.grain, m.phrase "
            "FROM relation_mentions m JOIN relations r ON r.id = m.relation_id "
            "WHERE r.dataset = ? ORDER BY m.seq",
            (dataset,),
        )
    )
    claimed: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for user_id, session_id, document_id, key in conn.execute(
        "SELECT user_id, session_id, document_id, message_key FROM message_claims "
        "WHERE dataset = ? ORDER BY user_id, session_id, document_id, message_key",
        (dataset,),
    ):
        claimed[(user_id, session_id, document_id)].append(key)
    claims = [
        ClaimMessages(dataset, user_id, session_id, document_id, tuple(keys))
        for (user_id, session_id, document_id), keys in claimed.items()
    ]
    retractions = [
        RetractRelation(*row)
        for row in conn.execute(
            "SELECT id, dataset, source_id, kind, target_id, at, chunk_id, phrase, created_at "
            "FROM retractions WHERE dataset = ? ORDER BY id",
            (dataset,),
        )
    ]
    return DatasetDump(
        dataset=dataset,
        documents=documents(conn, doc_ids),
        chunks=chunks,
        entities=entities,
        relations=relations,
        mentions=mentions,
        claims=claims,
        retractions=retractions,
    )
