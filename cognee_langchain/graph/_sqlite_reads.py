"""Read queries of the SQLite graph store. Each function runs inside a read transaction the caller
opened, so all its statements see one committed snapshot."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import orjson

from cognee_langchain.graph._sqlite_schema import (
    TABLES,
    load_vector,
    marks,
    revision,
    slices,
    unique,
)
from cognee_langchain.graph.base import (
    ChangeSet,
    DatasetStats,
    EntityRef,
    GraphStats,
    NodeSetStats,
    RecordKind,
    TextKind,
    TextRecord,
    Vector,
)
from cognee_langchain.graph.models import Chunk, Entity, Relation, SourceDocument, render_fact

__all__ = [
    "GraphDelta",
    "changes_since",
    "chunks",
    "documents",
    "entities",
    "entity_candidates",
    "existing_ids",
    "find_entities",
    "graph_delta",
    "in_node_sets",
    "list_documents",
    "mention_links",
    "records",
    "relations",
    "stats",
    "vectors",
]


# -- documents and chunks -------------------------------------------------------------------------
def documents(conn: sqlite3.Connection, ids: Sequence[str]) -> list[SourceDocument]:
    """Documents by id, in the order asked; unknown ids skipped."""
    rows: dict[str, tuple[Any, ...]] = {}
    for part in slices(unique(ids)):
        for row in conn.execute(f"SELECT * FROM documents WHERE id IN ({marks(part)})", part):
            rows[row[0]] = row
    return _documents(conn, [rows[i] for i in ids if i in rows])


def list_documents(
    conn: sqlite3.Connection, dataset: str, node_set: str | None, session_id: str | None
) -> list[SourceDocument]:
    """Documents of a dataset, optionally of one node set / session, oldest first."""
    where, params = ["dataset = ?"], [dataset]
    for column, value in (("node_set", node_set), ("session_id", session_id)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    rows = conn.execute(
        f"SELECT * FROM documents WHERE {' AND '.join(where)} ORDER BY created_at, id", params
    ).fetchall()
    return _documents(conn, rows)


def _documents(conn: sqlite3.Connection, rows: Sequence[tuple[Any, ...]]) -> list[SourceDocument]:
    chunk_ids: dict[str, list[str]] = defaultdict(list)
    for part in slices(unique(r[0] for r in rows)):
        for doc_id, chunk_id in conn.execute(
            "SELECT document_id, chunk_id FROM document_chunks "
            f"WHERE document_id IN ({marks(part)}) ORDER BY document_id, position",
            part,
        ):
            chunk_ids[doc_id].append(chunk_id)
    return [
        SourceDocument(
            id=id_,
            dataset=dataset,
            name=name,
            node_set=node_set,
            session_id=session_id,
            message_ids=tuple(orjson.loads(message_ids)),
            metadata=orjson.loads(metadata),
            length=length,
            created_at=created_at,
            chunk_ids=tuple(chunk_ids[id_]),
        )
        for (id_, dataset, name, node_set, session_id, message_ids, metadata, length, created_at, _)
        in rows
    ]  # fmt: skip


class _Source(NamedTuple):
    """A document a chunk appears in, with its session provenance."""

    document_id: str
    session_id: str | None
    message_ids: list[str]


def _chunk_sources(
    conn: sqlite3.Connection, chunk_ids: Iterable[str], *, sessions_only: bool = False
) -> dict[str, list[_Source]]:
    """The documents each chunk appears in (only session documents if ``sessions_only``),
    oldest first."""
    found: dict[str, list[_Source]] = defaultdict(list)
    only_sessions = " AND d.session_id IS NOT NULL" if sessions_only else ""
    for part in slices(unique(chunk_ids)):
        for chunk_id, doc_id, session_id, message_ids in conn.execute(
            "SELECT dc.chunk_id, d.id, d.session_id, d.message_ids FROM document_chunks dc "
            f"JOIN documents d ON d.id = dc.document_id WHERE dc.chunk_id IN ({marks(part)})"
            f"{only_sessions} ORDER BY d.created_at, d.id",
            part,
        ):
            found[chunk_id].append(_Source(doc_id, session_id, orjson.loads(message_ids)))
    return found


def _sessions(
    sources: Mapping[str, list[_Source]], chunk_ids: Iterable[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Session ids and message ids of the documents behind ``chunk_ids``."""
    origins = [s for c in chunk_ids for s in sources.get(c, ()) if s.session_id is not None]
    return (
        unique(s.session_id for s in origins if s.session_id is not None),
        unique(m for s in origins for m in s.message_ids),
    )


def chunks(conn: sqlite3.Connection, ids: Sequence[str]) -> list[Chunk]:
    """Chunks by id with their documents and session provenance, in the order asked."""
    rows: dict[str, tuple[Any, ...]] = {}
    for part in slices(unique(ids)):
        for row in conn.execute(
            "SELECT id, dataset, text, summary, node_sets, created_at FROM chunks "
            f"WHERE id IN ({marks(part)})",
            part,
        ):
            rows[row[0]] = row
    sources = _chunk_sources(conn, rows)
    found = []
    for id_ in ids:
        if id_ not in rows:
            continue
        _, dataset, text, summary, node_sets, created_at = rows[id_]
        session_ids, message_ids = _sessions(sources, [id_])
        found.append(
            Chunk(
                id=id_,
                dataset=dataset,
                text=text,
                summary=summary,
                node_sets=tuple(orjson.loads(node_sets)),
                created_at=created_at,
                document_ids=unique(s.document_id for s in sources[id_]),
                session_ids=session_ids,
                message_ids=message_ids,
            )
        )
    return found


# -- entities and relations -----------------------------------------------------------------------
@dataclass
class _Mentions:
    """The chunks an entity or relation was extracted from, with the names and sentences used."""

    chunk_ids: list[str] = field(default_factory=list)
    surfaces: list[str] = field(default_factory=list)
    description: str = ""


def _mentions(
    conn: sqlite3.Connection, kind: RecordKind, ids: Sequence[str]
) -> dict[str, _Mentions]:
    table, owner, surface = (
        ("entity_mentions", "entity_id", "surface")
        if kind is RecordKind.ENTITY
        else ("relation_mentions", "relation_id", "''")
    )
    found: dict[str, _Mentions] = defaultdict(_Mentions)
    for part in slices(ids):
        for owner_id, chunk_id, surf, description in conn.execute(
            f"SELECT {owner}, chunk_id, {surface}, description FROM {table} "
            f"WHERE {owner} IN ({marks(part)}) ORDER BY seq",
            part,
        ):
            entry = found[owner_id]
            entry.chunk_ids.append(chunk_id)
            if surf:
                entry.surfaces.append(surf)
            if description and not entry.description:
                entry.description = description
    return found


def entities(conn: sqlite3.Connection, ids: Sequence[str]) -> list[Entity]:
    """Entities by id with full provenance, in the order asked."""
    rows: dict[str, tuple[Any, ...]] = {}
    for part in slices(unique(ids)):
        for row in conn.execute(
            "SELECT id, dataset, name, type, node_sets, created_at FROM entities "
            f"WHERE id IN ({marks(part)})",
            part,
        ):
            rows[row[0]] = row
    mentions = _mentions(conn, RecordKind.ENTITY, list(rows))
    sources = _chunk_sources(conn, (c for m in mentions.values() for c in m.chunk_ids))
    found = []
    for id_ in ids:
        if id_ not in rows:
            continue
        _, dataset, name, type_, node_sets, created_at = rows[id_]
        entry = mentions[id_]
        session_ids, message_ids = _sessions(sources, entry.chunk_ids)
        found.append(
            Entity(
                id=id_,
                dataset=dataset,
                name=name,
                type=type_,
                created_at=created_at,
                description=entry.description,
                aliases=unique(s for s in entry.surfaces if s != name),
                node_sets=tuple(orjson.loads(node_sets)),
                chunk_ids=unique(entry.chunk_ids),
                session_ids=session_ids,
                message_ids=message_ids,
            )
        )
    return found


def relations(conn: sqlite3.Connection, ids: Sequence[str]) -> list[Relation]:
    """Relations by id with full provenance, in the order asked."""
    rows: dict[str, tuple[Any, ...]] = {}
    for part in slices(unique(ids)):
        for row in conn.execute(
            "SELECT r.id, r.dataset, r.source_id, r.target_id, s.name, t.name, r.predicate, "
            "r.node_sets, r.created_at FROM relations r JOIN entities s ON s.id = r.source_id "
            f"JOIN entities t ON t.id = r.target_id WHERE r.id IN ({marks(part)})",
            part,
        ):
            rows[row[0]] = row
    mentions = _mentions(conn, RecordKind.RELATION, list(rows))
    sources = _chunk_sources(conn, (c for m in mentions.values() for c in m.chunk_ids))
    found = []
    for id_ in ids:
        if id_ not in rows:
            continue
        _, dataset, source_id, target_id, source, target, predicate, node_sets, created = rows[id_]
        entry = mentions[id_]
        session_ids, message_ids = _sessions(sources, entry.chunk_ids)
        found.append(
            Relation(
                id=id_,
                dataset=dataset,
                source_id=source_id,
                target_id=target_id,
                source_name=source,
                target_name=target,
                predicate=predicate,
                created_at=created,
                description=entry.description,
                node_sets=tuple(orjson.loads(node_sets)),
                chunk_ids=unique(entry.chunk_ids),
                session_ids=session_ids,
                message_ids=message_ids,
            )
        )
    return found


def existing_ids(conn: sqlite3.Connection, kind: RecordKind, ids: Sequence[str]) -> set[str]:
    """The subset of ``ids`` stored as ``kind``."""
    table = TABLES[RecordKind(kind)]
    found: set[str] = set()
    for part in slices(unique(ids)):
        found.update(
            r[0] for r in conn.execute(f"SELECT id FROM {table} WHERE id IN ({marks(part)})", part)
        )
    return found


def find_entities(
    conn: sqlite3.Connection, dataset: str, keys: Sequence[str]
) -> dict[str, EntityRef]:
    """Entities by normalised name or alias key."""
    found: dict[str, EntityRef] = {}
    for part in slices(unique(keys)):
        for key, id_, name, type_ in conn.execute(
            "SELECT k.key, e.id, e.name, e.type FROM entity_keys k "
            "JOIN entities e ON e.id = k.entity_id "
            f"WHERE k.dataset = ? AND k.key IN ({marks(part)})",
            [dataset, *part],
        ):
            found[key] = EntityRef(id_, name, type_)
    return found


def entity_candidates(
    conn: sqlite3.Connection, dataset: str, tokens: Sequence[str], limit: int
) -> list[EntityRef]:
    """Entities sharing name tokens with ``tokens``, most tokens shared first."""
    wanted = unique(tokens)[:500]
    if not wanted or limit <= 0:
        return []
    rows = conn.execute(
        "SELECT e.id, e.name, e.type FROM entity_tokens t JOIN entities e ON e.id = t.entity_id "
        f"WHERE t.dataset = ? AND t.token IN ({marks(wanted)}) "
        "GROUP BY e.id ORDER BY COUNT(*) DESC, e.id LIMIT ?",
        [dataset, *wanted, limit],
    ).fetchall()
    return [EntityRef(*row) for row in rows]


def vectors(conn: sqlite3.Connection, kind: TextKind, ids: Sequence[str]) -> dict[str, Vector]:
    """Stored vectors of one kind by id."""
    found: dict[str, Vector] = {}
    for part in slices(unique(ids)):
        for id_, blob in conn.execute(
            f"SELECT id, vector FROM vectors WHERE kind = ? AND id IN ({marks(part)})",
            [TextKind(kind).value, *part],
        ):
            found[id_] = np.frombuffer(blob, dtype=np.float32)
    return found


def mention_links(
    conn: sqlite3.Connection, by: str, other: str, ids: Sequence[str]
) -> dict[str, list[str]]:
    """Entity-chunk links: ``by`` is ``entity_id`` or ``chunk_id``, ``other`` the other column."""
    found: dict[str, list[str]] = {i: [] for i in ids}
    for part in slices(unique(ids)):
        for key, value in conn.execute(
            f"SELECT {by}, {other} FROM entity_mentions WHERE {by} IN ({marks(part)}) ORDER BY seq",
            part,
        ):
            found[key].append(value)
    return found


# -- searchable records ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _RecordQuery:
    """How to select one text kind: ``alias`` names the table whose id/dataset/rev filter."""

    alias: str
    columns: str
    source: str
    vector: str
    vector_joins: str
    where: str = ""

    def sql(self, with_vectors: bool, conditions: Sequence[str]) -> str:
        vector, joins = (self.vector, self.vector_joins) if with_vectors else ("NULL", "")
        where = " AND ".join([*conditions, self.where] if self.where else conditions)
        return (
            f"SELECT {self.columns}, {vector} FROM {self.source} {joins} WHERE {where} "
            f"ORDER BY {self.alias}.id LIMIT ?"
        )


# A record's links are aggregated in SQL, one JSON array per row: reading the mention rows one
# by one into Python dominated loading a big store. The ORDER BY sits in a subquery because
# SQLite aggregates in the order a subquery delivers its rows (json_group_array takes none).
def _json_list(column: str, source: str, order: str = "seq") -> str:
    return (
        f"(SELECT json_group_array({column}) FROM (SELECT {column} FROM {source} ORDER BY {order}))"
    )


_CHUNK_ENTITIES = _json_list("entity_id", "entity_mentions WHERE chunk_id = c.id")

# Columns: id, dataset, text parts, links (a JSON array of ids or names), node_sets, rev, then
# the vector. Links: the entities a chunk or summary mentions, an entity's aliases (the other
# names it was mentioned by) or the chunks a fact was extracted from.
_RECORD_QUERIES: dict[TextKind, _RecordQuery] = {
    TextKind.CHUNK: _RecordQuery(
        alias="c",
        columns=f"c.id, c.dataset, c.text, {_CHUNK_ENTITIES}, c.node_sets, c.rev",
        source="chunks c",
        vector="v.vector",
        vector_joins="LEFT JOIN vectors v ON v.kind = 'chunk' AND v.id = c.id",
    ),
    TextKind.SUMMARY: _RecordQuery(
        alias="c",
        columns=f"c.id, c.dataset, c.summary, {_CHUNK_ENTITIES}, c.node_sets, c.rev",
        source="chunks c",
        vector="COALESCE(sv.vector, v.vector)",
        vector_joins="LEFT JOIN vectors sv ON sv.kind = 'summary' AND sv.id = c.id "
        "LEFT JOIN vectors v ON v.kind = 'chunk' AND v.id = c.id",
        where="c.summary != ''",
    ),
    TextKind.ENTITY: _RecordQuery(
        alias="e",
        columns="e.id, e.dataset, e.name, "
        + _json_list(
            "surface",
            "entity_mentions WHERE entity_id = e.id AND surface NOT IN ('', e.name) "
            "GROUP BY surface",
            order="MIN(seq)",
        )
        + ", e.node_sets, e.rev",
        source="entities e",
        vector="v.vector",
        vector_joins="LEFT JOIN vectors v ON v.kind = 'entity' AND v.id = e.id",
    ),
    TextKind.FACT: _RecordQuery(
        alias="r",
        columns="r.id, r.dataset, s.name, r.predicate, t.name, "
        "(SELECT m.description FROM relation_mentions m WHERE m.relation_id = r.id "
        "AND m.description != '' ORDER BY m.seq LIMIT 1), r.source_id, r.target_id, "
        + _json_list("chunk_id", "relation_mentions WHERE relation_id = r.id")
        + ", r.node_sets, r.rev",
        source="relations r JOIN entities s ON s.id = r.source_id "
        "JOIN entities t ON t.id = r.target_id",
        vector="v.vector",
        vector_joins="LEFT JOIN vectors v ON v.kind = 'fact' AND v.id = r.id",
    ),
}


def records(
    conn: sqlite3.Connection,
    kind: TextKind,
    datasets: Sequence[str],
    *,
    node_sets: Sequence[str] | None,
    ids: Sequence[str] | None,
    since_revision: int,
    after_id: str,
    limit: int,
    with_vectors: bool,
) -> list[TextRecord]:
    """One page of searchable texts ordered by id (see ``GraphStore.read_records``)."""
    kind = TextKind(kind)
    if not datasets or limit <= 0:
        return []
    query = _RECORD_QUERIES[kind]
    alias = query.alias
    where = [f"{alias}.dataset IN ({marks(datasets)})", f"{alias}.id > ?", f"{alias}.rev > ?"]
    params: list[object] = [*datasets, after_id, since_revision]
    if node_sets is not None:
        where.append(
            f"EXISTS (SELECT 1 FROM json_each({alias}.node_sets) "
            f"WHERE value IN ({marks(node_sets)}))"
        )
        params.extend(node_sets)
    groups: list[Sequence[str] | None] = [None]
    if ids is not None:
        groups = list(slices(sorted(i for i in set(ids) if i > after_id)))
    rows: list[tuple[Any, ...]] = []
    for group in groups:
        conditions, extra = where, []
        if group is not None:
            conditions, extra = [*where, f"{alias}.id IN ({marks(group)})"], list(group)
        rows.extend(
            conn.execute(query.sql(with_vectors, conditions), [*params, *extra, limit - len(rows)])
        )
        if len(rows) >= limit:
            break
    return _records(conn, kind, rows)


def _records(
    conn: sqlite3.Connection, kind: TextKind, rows: list[tuple[Any, ...]]
) -> list[TextRecord]:
    """Rows of one record query as records, with their session provenance."""
    none: list[tuple[str, ...]] = [()] * len(rows)
    links = [tuple(orjson.loads(row[-4])) for row in rows]
    own: list[tuple[str, ...]] = [(row[0],) for row in rows]
    entity_ids, chunk_ids, aliases = none, none, none
    if kind is TextKind.FACT:
        texts = [render_fact(s, p, t, d or "") for _, _, s, p, t, d, *_ in rows]
        entity_ids, chunk_ids = [(row[6], row[7]) for row in rows], links
    else:
        texts = [row[2] for row in rows]
        if kind is TextKind.ENTITY:
            aliases = links
        else:
            entity_ids = links
            chunk_ids = own if kind is TextKind.SUMMARY else none
    # Session provenance comes from the documents of a chunk: the record's own for a chunk.
    origins = own if kind is TextKind.CHUNK else chunk_ids
    sources = _chunk_sources(conn, (c for cs in origins for c in cs), sessions_only=True)
    found = []
    for i, row in enumerate(rows):
        session_ids, message_ids = _sessions(sources, origins[i]) if sources else ((), ())
        found.append(
            TextRecord(
                kind=kind,
                id=row[0],
                dataset=row[1],
                text=texts[i],
                node_sets=frozenset(orjson.loads(row[-3])),
                revision=row[-2],
                vector=load_vector(row[-1]),
                entity_ids=entity_ids[i],
                chunk_ids=chunk_ids[i],
                aliases=aliases[i],
                session_ids=session_ids,
                message_ids=message_ids,
            )
        )
    return found


# -- changes and counts ---------------------------------------------------------------------------
def changes_since(conn: sqlite3.Connection, since: int) -> ChangeSet:
    """Record ids written or deleted after revision ``since``."""
    upserted = {
        kind: frozenset(
            r[0] for r in conn.execute(f"SELECT id FROM {table} WHERE rev > ?", (since,))
        )
        for kind, table in TABLES.items()
    }
    deleted: dict[RecordKind, set[str]] = defaultdict(set)
    for kind, id_ in conn.execute("SELECT kind, id FROM tombstones WHERE rev > ?", (since,)):
        deleted[RecordKind(kind)].add(id_)
    return ChangeSet(
        revision=revision(conn),
        upserted=upserted,
        deleted={
            kind: frozenset(deleted[kind] - existing_ids(conn, kind, sorted(deleted[kind])))
            for kind in RecordKind
        },
    )


def stats(conn: sqlite3.Connection, datasets: Sequence[str] | None) -> GraphStats:
    """Record counts per dataset and node set."""
    names = [r[0] for r in conn.execute("SELECT name FROM datasets ORDER BY name")]
    known = set(names)
    wanted = names if datasets is None else [d for d in unique(datasets) if d in known]
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    per_set: dict[str, dict[str, dict[str, int]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(int))
    )
    for part in slices(wanted):
        in_part = marks(part)
        for dataset, node_set, n in conn.execute(
            "SELECT dataset, node_set, COUNT(*) FROM documents "
            f"WHERE dataset IN ({in_part}) GROUP BY dataset, node_set",
            part,
        ):
            counts[dataset]["documents"] += n
            if node_set is not None:
                per_set[dataset][node_set]["documents"] += n
        for table in ("chunks", "entities", "relations"):
            for dataset, n in conn.execute(
                f"SELECT dataset, COUNT(*) FROM {table} WHERE dataset IN ({in_part}) "
                "GROUP BY dataset",
                part,
            ):
                counts[dataset][table] = n
            for dataset, node_set, n in conn.execute(
                f"SELECT t.dataset, j.value, COUNT(*) FROM {table} t, json_each(t.node_sets) j "
                f"WHERE t.dataset IN ({in_part}) GROUP BY t.dataset, j.value",
                part,
            ):
                per_set[dataset][node_set][table] = n
    return GraphStats(
        datasets={
            name: DatasetStats(
                **counts[name],
                node_sets={node_set: NodeSetStats(**c) for node_set, c in per_set[name].items()},
            )
            for name in wanted
        }
    )


class GraphDelta(NamedTuple):
    """What the in-memory graph needs to catch up from one revision to ``revision``."""

    revision: int
    entities: list[tuple[str, str, str, str, str]]  # id, name, type, dataset, node_sets JSON
    relations: list[tuple[str, str, str]]  # source id, target id, predicate
    dead_entities: set[str]
    dead_relations: set[str]


def graph_delta(conn: sqlite3.Connection, since: int) -> GraphDelta:
    """Entities and relations written, and those deleted, after revision ``since``."""
    entity_rows = conn.execute(
        "SELECT id, name, type, dataset, node_sets FROM entities WHERE rev > ?", (since,)
    ).fetchall()
    relation_rows = conn.execute(
        "SELECT id, source_id, target_id, predicate FROM relations WHERE rev > ?", (since,)
    ).fetchall()
    alive = {row[0] for row in entity_rows} | {row[0] for row in relation_rows}
    dead: dict[str, set[str]] = {"entity": set(), "relation": set()}
    for kind, id_ in conn.execute(
        "SELECT kind, id FROM tombstones WHERE rev > ? AND kind IN ('entity', 'relation')",
        (since,),
    ):
        if id_ not in alive:
            dead[kind].add(id_)
    return GraphDelta(
        revision(conn),
        entity_rows,
        [row[1:] for row in relation_rows],
        dead["entity"],
        dead["relation"],
    )


def in_node_sets(
    conn: sqlite3.Connection, relation_ids: Sequence[str], node_sets: Sequence[str]
) -> set[str]:
    """The relations among ``relation_ids`` in at least one of ``node_sets``."""
    found: set[str] = set()
    for part in slices(unique(relation_ids)):
        found.update(
            r[0]
            for r in conn.execute(
                f"SELECT id FROM relations WHERE id IN ({marks(part)}) AND EXISTS (SELECT 1 FROM "
                f"json_each(node_sets) WHERE value IN ({marks(node_sets)}))",
                [*part, *node_sets],
            )
        )
    return found
