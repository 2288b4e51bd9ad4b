"""Read queries of the SQL graph stores. Each function runs inside a read transaction the caller
opened, so all its statements see one committed snapshot."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import orjson

from cognee_langchain.graph._sql_dialect import Connection, Dialect
from cognee_langchain.graph._sql_records import chunk_sources, sessions
from cognee_langchain.graph._sql_schema import (
    TABLES,
    dataset_info,
    in_node_sets,
    marks,
    revision,
    slices,
    unique,
)
from cognee_langchain.graph.models import Chunk, Entity, Relation, SourceDocument
from cognee_langchain.graph.ops import (
    ChangeSet,
    DatasetStats,
    Edge,
    EntityMatches,
    EntityRef,
    GraphSnapshot,
    GraphStats,
    Link,
    NodeSetStats,
    Record,
    RecordKind,
    SnapshotNode,
    TextKind,
    Vector,
)
from cognee_langchain.permissions import DatasetInfo

__all__ = [
    "changes_since",
    "dataset_infos",
    "existing_ids",
    "links",
    "lookup_entities",
    "records",
    "snapshot",
    "stats",
]


# -- datasets -------------------------------------------------------------------------------------
def dataset_infos(conn: Connection, names: Sequence[str] | None) -> list[DatasetInfo]:
    """The named datasets (all when ``None``) by name; unknown names skipped."""
    if names is None:
        names = [r[0] for r in conn.execute("SELECT name FROM datasets")]
    return [info for n in sorted(set(names)) if (info := dataset_info(conn, n)) is not None]


# -- documents and chunks -------------------------------------------------------------------------
def documents(conn: Connection, ids: Sequence[str]) -> list[SourceDocument]:
    """Documents by id, in the order asked; unknown ids skipped."""
    rows: dict[str, tuple[Any, ...]] = {}
    for part in slices(unique(ids)):
        for row in conn.execute(f"SELECT * FROM documents WHERE id IN ({marks(part)})", part):
            rows[row[0]] = row
    return _documents(conn, [rows[i] for i in ids if i in rows])


def _documents(conn: Connection, rows: Sequence[tuple[Any, ...]]) -> list[SourceDocument]:
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
            user_id=user_id,
        )
        for (
            id_, dataset, name, node_set, session_id, message_ids, metadata, length, created_at, _,
            user_id,
        ) in rows
    ]  # fmt: skip


def chunks(conn: Connection, ids: Sequence[str]) -> list[Chunk]:
    """Chunks by id with their documents and session provenance, in the order asked."""
    rows: dict[str, tuple[Any, ...]] = {}
    for part in slices(unique(ids)):
        for row in conn.execute(
            "SELECT id, dataset, text, summary, node_sets, created_at, unit FROM chunks "
            f"WHERE id IN ({marks(part)})",
            part,
        ):
            rows[row[0]] = row
    sources = chunk_sources(conn, rows)
    found = []
    for id_ in ids:
        if id_ not in rows:
            continue
        _, dataset, text, summary, node_sets, created_at, unit = rows[id_]
        session_ids, message_ids = sessions(sources, [id_])
        found.append(
            Chunk(
                id=id_,
                dataset=dataset,
                text=text,
                summary=summary,
                unit=orjson.loads(unit),
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


def _mentions(conn: Connection, kind: RecordKind, ids: Sequence[str]) -> dict[str, _Mentions]:
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


def entities(conn: Connection, ids: Sequence[str]) -> list[Entity]:
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
    sources = chunk_sources(conn, (c for m in mentions.values() for c in m.chunk_ids))
    found = []
    for id_ in ids:
        if id_ not in rows:
            continue
        _, dataset, name, type_, node_sets, created_at = rows[id_]
        entry = mentions[id_]
        session_ids, message_ids = sessions(sources, entry.chunk_ids)
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


def relations(conn: Connection, ids: Sequence[str]) -> list[Relation]:
    """Relations by id with full provenance, in the order asked."""
    rows: dict[str, tuple[Any, ...]] = {}
    for part in slices(unique(ids)):
        for row in conn.execute(
            "SELECT r.id, r.dataset, r.source_id, r.target_id, s.name, t.name, r.predicate, "
            "r.node_sets, r.created_at, r.kind, r.single_valued, COALESCE(r.valid_at, "
            "r.created_at), r.valid_grain, r.valid_phrase, r.invalid_at, r.superseded_by "
            "FROM relations r JOIN entities s ON s.id = r.source_id "
            f"JOIN entities t ON t.id = r.target_id WHERE r.id IN ({marks(part)})",
            part,
        ):
            rows[row[0]] = row
    mentions = _mentions(conn, RecordKind.RELATION, list(rows))
    sources = chunk_sources(conn, (c for m in mentions.values() for c in m.chunk_ids))
    found = []
    for id_ in ids:
        if id_ not in rows:
            continue
        _, dataset, source_id, target_id, source, target, predicate, node_sets, created, *time = (
            rows[id_]
        )
        kind, single, valid_at, grain, phrase, invalid_at, superseded_by = time
        entry = mentions[id_]
        session_ids, message_ids = sessions(sources, entry.chunk_ids)
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
                kind=kind,
                single_valued=bool(single),
                valid_at=valid_at,
                valid_grain=grain,
                valid_phrase=phrase,
                invalid_at=invalid_at,
                superseded_by=superseded_by,
                recorded_at=created,
            )
        )
    return found


def records(conn: Connection, kind: RecordKind, ids: Sequence[str]) -> list[Record]:
    """Records of ``kind`` by id, in the order asked, each once."""
    kind, ids = RecordKind(kind), unique(ids)
    if kind is RecordKind.DOCUMENT:
        return list(documents(conn, ids))
    if kind is RecordKind.CHUNK:
        return list(chunks(conn, ids))
    if kind is RecordKind.ENTITY:
        return list(entities(conn, ids))
    return list(relations(conn, ids))


def existing_ids(conn: Connection, kind: RecordKind, ids: Sequence[str]) -> set[str]:
    """The subset of ``ids`` stored as ``kind``."""
    table = TABLES[RecordKind(kind)]
    found: set[str] = set()
    for part in slices(unique(ids)):
        found.update(
            r[0] for r in conn.execute(f"SELECT id FROM {table} WHERE id IN ({marks(part)})", part)
        )
    return found


# -- links ----------------------------------------------------------------------------------------
def _and(condition: tuple[str, list[str]]) -> tuple[str, list[str]]:
    """A condition of :func:`in_node_sets` to append with ``AND``."""
    sql, params = condition
    return (f" AND {sql}" if sql else ""), params


def links(
    conn: Connection,
    dialect: Dialect,
    link: Link,
    ids: Sequence[str],
    node_sets: Sequence[str] | None,
) -> dict[str, list[str]]:
    """What ``link`` leads to from each of ``ids`` (see :class:`Link`)."""
    link = Link(link)
    found: dict[str, list[str]] = {i: [] for i in ids}
    if link is Link.DOCUMENTS:
        sets = "" if node_sets is None else f" AND node_set IN ({marks(node_sets)})"
        for part in slices(unique(ids)):
            for dataset, id_ in conn.execute(
                f"SELECT dataset, id FROM documents WHERE dataset IN ({marks(part)}){sets} "
                "ORDER BY created_at, id",
                [*part, *(node_sets or ())],
            ):
                found[dataset].append(id_)
        return found
    if link is Link.RELATIONS:
        sets, params = _and(in_node_sets(dialect, "r", node_sets))
        for part in slices(unique(ids)):
            in_part = marks(part)
            for id_, source_id, target_id in conn.execute(
                f"SELECT id, source_id, target_id FROM relations r WHERE (source_id IN ({in_part}) "
                f"OR target_id IN ({in_part})){sets} ORDER BY id",
                [*part, *part, *params],
            ):
                for end in unique((source_id, target_id)):
                    if end in found:
                        found[end].append(id_)
        return found
    by, other, table = (
        ("entity_id", "chunk_id", "chunks")
        if link is Link.CHUNKS
        else ("chunk_id", "entity_id", "entities")
    )
    sets, params = _and(in_node_sets(dialect, "t", node_sets))
    for part in slices(unique(ids)):
        for key, value in conn.execute(
            f"SELECT m.{by}, m.{other} FROM entity_mentions m JOIN {table} t ON t.id = m.{other} "
            f"WHERE m.{by} IN ({marks(part)}){sets} ORDER BY m.seq",
            [*part, *params],
        ):
            found[key].append(value)
    return found


# -- entity resolution ----------------------------------------------------------------------------
def lookup_entities(
    conn: Connection,
    dataset: str,
    keys: Sequence[str],
    token_groups: Sequence[Sequence[str]],
    limit: int,
) -> EntityMatches:
    """Entities by normalised name or alias key, and name-token candidates with their vectors."""
    by_key: dict[str, EntityRef] = {}
    for part in slices(unique(keys)):
        for key, id_, name, type_ in conn.execute(
            "SELECT k.key, e.id, e.name, e.type FROM entity_keys k "
            "JOIN entities e ON e.id = k.entity_id "
            f"WHERE k.dataset = ? AND k.key IN ({marks(part)})",
            [dataset, *part],
        ):
            by_key[key] = EntityRef(id_, name, type_)
    candidates = [_candidates(conn, dataset, tokens, limit) for tokens in token_groups]
    ids = unique(ref.id for refs in candidates for ref in refs)
    return EntityMatches(by_key, candidates, _vectors(conn, TextKind.ENTITY, ids))


def _candidates(
    conn: Connection, dataset: str, tokens: Sequence[str], limit: int
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


def _vectors(conn: Connection, kind: TextKind, ids: Sequence[str]) -> dict[str, Vector]:
    """Stored vectors of one kind by id."""
    found: dict[str, Vector] = {}
    for part in slices(unique(ids)):
        for id_, blob in conn.execute(
            f"SELECT id, vector FROM vectors WHERE kind = ? AND id IN ({marks(part)})",
            [TextKind(kind).value, *part],
        ):
            found[id_] = np.frombuffer(blob, dtype=np.float32)
    return found


# -- changes and counts ---------------------------------------------------------------------------
def changes_since(conn: Connection, since: int) -> ChangeSet:
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


def stats(conn: Connection, dialect: Dialect, datasets: Sequence[str] | None) -> GraphStats:
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
                f"SELECT t.dataset, j.value, COUNT(*) FROM {table} t, "
                f"{dialect.elements('t.node_sets', 'j')} "
                f"WHERE t.dataset IN ({in_part}) GROUP BY t.dataset, j.value",
                part,
            ):
                per_set[dataset][dialect.element_value(node_set)][table] = n
    return GraphStats(
        datasets={
            name: DatasetStats(
                **counts[name],
                node_sets={node_set: NodeSetStats(**c) for node_set, c in per_set[name].items()},
            )
            for name in wanted
        }
    )


# -- the picture of the graph ---------------------------------------------------------------------
_ALL = 2**63 - 1  # LIMIT for "no limit": the largest 64-bit integer both engines take


def snapshot(conn: Connection, datasets: Sequence[str], max_nodes: int | None) -> GraphSnapshot:
    """The best-connected entities of ``datasets`` (degree: relations in and out, a loop twice;
    ties by id) and the relations among them."""
    wanted = unique(datasets)
    if not wanted:
        return GraphSnapshot(nodes=[], edges=[], total_nodes=0, total_edges=0)
    in_wanted = marks(wanted)
    (total_nodes,) = conn.execute(
        f"SELECT COUNT(*) FROM entities WHERE dataset IN ({in_wanted})", wanted
    ).fetchone()
    (total_edges,) = conn.execute(
        f"SELECT COUNT(*) FROM relations WHERE dataset IN ({in_wanted})", wanted
    ).fetchone()
    nodes = [
        SnapshotNode(id_, name, type_, dataset, frozenset(orjson.loads(node_sets)), degree)
        for id_, name, type_, dataset, node_sets, degree in conn.execute(
            "SELECT e.id, e.name, e.type, e.dataset, e.node_sets, "
            "(SELECT COUNT(*) FROM relations r WHERE r.source_id = e.id) + "
            "(SELECT COUNT(*) FROM relations r WHERE r.target_id = e.id) AS degree "
            f"FROM entities e WHERE e.dataset IN ({in_wanted}) ORDER BY degree DESC, e.id "
            "LIMIT ?",
            [*wanted, _ALL if max_nodes is None else min(max_nodes, _ALL)],
        )
    ]
    chosen = [node.id for node in nodes]
    inside = set(chosen)
    edges: list[Edge] = []
    for part in slices(chosen):
        edges.extend(
            Edge(*row)
            for row in conn.execute(
                "SELECT id, source_id, target_id, predicate FROM relations "
                f"WHERE source_id IN ({marks(part)})",
                part,
            )
            if row[2] in inside
        )
    edges.sort()
    return GraphSnapshot(nodes=nodes, edges=edges, total_nodes=total_nodes, total_edges=total_edges)
