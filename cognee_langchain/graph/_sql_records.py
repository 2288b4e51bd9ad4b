"""Searchable records of the SQL graph stores (``GraphStore.aread_records``), and the session
provenance every read derives from the documents behind a chunk. Each function runs inside a read
transaction the caller opened."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple

import orjson

from cognee_langchain.graph._sql_dialect import SQLITE, Connection, Dialect
from cognee_langchain.graph._sql_schema import in_node_sets, load_vector, marks, slices, unique
from cognee_langchain.graph.models import render_fact
from cognee_langchain.graph.ops import EARLIEST_TIME, TextKind, TextRecord

__all__ = ["Source", "chunk_sources", "records", "sessions"]


# -- session provenance ---------------------------------------------------------------------------
class Source(NamedTuple):
    """A document a chunk appears in, with its session provenance."""

    document_id: str
    session_id: str | None
    message_ids: list[str]


def chunk_sources(
    conn: Connection,
    chunk_ids: Iterable[str],
    *,
    sessions_only: bool = False,
    dialect: Dialect = SQLITE,
) -> dict[str, list[Source]]:
    """The documents each chunk appears in (only session documents if ``sessions_only``),
    oldest first. ``dialect`` binds the ids (SQLite's ``IN`` lists work on both engines; the
    store's own is faster for many ids)."""
    found: dict[str, list[Source]] = defaultdict(list)
    only_sessions = " AND d.session_id IS NOT NULL" if sessions_only else ""
    for condition, params in dialect.in_ids("dc.chunk_id", unique(chunk_ids)):
        for chunk_id, doc_id, session_id, message_ids in conn.execute(
            "SELECT dc.chunk_id, d.id, d.session_id, d.message_ids FROM document_chunks dc "
            f"JOIN documents d ON d.id = dc.document_id WHERE {condition}"
            f"{only_sessions} ORDER BY d.created_at, d.id",
            params,
        ):
            found[chunk_id].append(Source(doc_id, session_id, orjson.loads(message_ids)))
    return found


def sessions(
    sources: Mapping[str, list[Source]], chunk_ids: Iterable[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Session ids and message ids of the documents behind ``chunk_ids``."""
    origins = [s for c in chunk_ids for s in sources.get(c, ()) if s.session_id is not None]
    return (
        unique(s.session_id for s in origins if s.session_id is not None),
        unique(m for s in origins for m in s.message_ids),
    )


# -- searchable records ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _RecordQuery:
    """How to select one text kind: ``table`` as ``alias`` is the table whose id / dataset / rev
    filter, ``joins`` what else the columns read."""

    table: str
    alias: str
    columns: str
    vector: str
    vector_joins: str
    joins: str = ""
    where: str = ""

    def sql(self, source: str, with_vectors: bool, conditions: Sequence[str]) -> str:
        """The query over ``source`` (``table`` as ``alias``, or a ``FROM`` item standing for
        it), kept to ``conditions``."""
        vector, vector_joins = (self.vector, self.vector_joins) if with_vectors else ("NULL", "")
        where = " AND ".join([*conditions, self.where] if self.where else conditions)
        return (
            f"SELECT {self.columns}, {vector} FROM {source} {self.joins} {vector_joins} "
            f"WHERE {where} ORDER BY {self.alias}.id LIMIT ?"
        )


# A record's links are aggregated in SQL, one JSON array per row: reading the mention rows one
# by one into Python dominated loading a big store.
@cache
def _record_queries(dialect: Dialect) -> dict[TextKind, _RecordQuery]:
    """The query of each text kind, in ``dialect``. Columns: id, dataset, text parts (for a fact,
    then its endpoints and time), links (a JSON array of ids or names), node_sets, rev, then the
    vector. Links: the entities a chunk or summary mentions, an entity's aliases (the other names
    it was mentioned by) or the chunks a fact was extracted from."""
    chunk_entities = dialect.json_list("entity_id", "entity_mentions WHERE chunk_id = c.id", "seq")
    # "Any surface but the name" as two ranges of the (entity_id, surface) index: an entity
    # mentioned in thousands of chunks, nearly always by its name, reads only its other names
    # (one condition with an OR would read every mention: SQLite picks no range for it).
    other_surfaces = (
        "(SELECT surface, seq FROM entity_mentions WHERE entity_id = e.id "
        "AND surface > '' AND surface < e.name UNION ALL SELECT surface, seq FROM "
        "entity_mentions WHERE entity_id = e.id AND surface > e.name) s GROUP BY surface"
    )
    # A fact's first description (by mention order): nearly always its first mention's, found
    # from the (relation_id, chunk_id) index alone and one row; only when that one has none are
    # all its mentions read (a fact stated in thousands of chunks would read each for it).
    any_description = (
        "(SELECT m.description FROM relation_mentions m WHERE m.relation_id = r.id "
        "AND m.description != '' ORDER BY m.seq LIMIT 1)"
    )
    first_description = (
        "COALESCE(NULLIF((SELECT f.description FROM relation_mentions f WHERE f.seq = "
        "(SELECT MIN(seq) FROM relation_mentions WHERE relation_id = r.id)), ''), "
        f"{any_description})"
    )
    return {
        TextKind.CHUNK: _RecordQuery(
            table="chunks",
            alias="c",
            columns=f"c.id, c.dataset, c.text, c.unit, {chunk_entities}, c.node_sets, c.rev",
            vector="v.vector",
            vector_joins="LEFT JOIN vectors v ON v.kind = 'chunk' AND v.id = c.id",
        ),
        TextKind.SUMMARY: _RecordQuery(
            table="chunks",
            alias="c",
            columns=f"c.id, c.dataset, c.summary, {chunk_entities}, c.node_sets, c.rev",
            vector="COALESCE(sv.vector, v.vector)",
            vector_joins="LEFT JOIN vectors sv ON sv.kind = 'summary' AND sv.id = c.id "
            "LEFT JOIN vectors v ON v.kind = 'chunk' AND v.id = c.id",
            where="c.summary != ''",
        ),
        TextKind.ENTITY: _RecordQuery(
            table="entities",
            alias="e",
            columns="e.id, e.dataset, e.name, "
            + dialect.json_list("surface", other_surfaces, "MIN(seq)")
            + ", e.node_sets, e.rev",
            vector="v.vector",
            vector_joins="LEFT JOIN vectors v ON v.kind = 'entity' AND v.id = e.id",
        ),
        TextKind.FACT: _RecordQuery(
            table="relations",
            alias="r",
            columns=f"r.id, r.dataset, s.name, r.predicate, t.name, {first_description}, "
            "r.source_id, r.target_id, "
            "COALESCE(r.valid_at, r.created_at), r.invalid_at, r.superseded_by, r.kind, "
            + dialect.json_list("chunk_id", "relation_mentions WHERE relation_id = r.id", "seq")
            + ", r.node_sets, r.rev",
            joins="JOIN entities s ON s.id = r.source_id JOIN entities t ON t.id = r.target_id",
            vector="v.vector",
            vector_joins="LEFT JOIN vectors v ON v.kind = 'fact' AND v.id = r.id",
        ),
    }


def records(
    conn: Connection,
    dialect: Dialect,
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
    """One page of searchable texts ordered by id (see ``GraphStore.aread_records``)."""
    kind = TextKind(kind)
    if not datasets or limit <= 0:
        return []
    query = _record_queries(dialect)[kind]
    alias = query.alias
    # Ids given: they are looked up by primary key, the other terms only filter what is found.
    term = dialect.unindexed if ids is not None else str
    where = [
        f"{term(alias + '.dataset')} IN ({marks(datasets)})",
        f"{term(alias + '.id')} > ?",
        f"{term(alias + '.rev')} > ?",
    ]
    params: list[object] = [*datasets, after_id, since_revision]
    sets, set_params = in_node_sets(dialect, alias, node_sets)
    if sets:
        where.append(sets)
        params.extend(set_params)
    sources: Iterable[tuple[str, str, list[Any]]] = [(f"{query.table} {alias}", "", [])]
    if ids is not None:
        wanted = sorted(i for i in set(ids) if i > after_id)
        sources = dialect.by_ids(query.table, alias, wanted)
    rows: list[tuple[Any, ...]] = []
    for source, condition, source_params in sources:
        conditions = [*where, condition] if condition else where
        # A FROM item's params precede the WHERE's; an added condition's follow them.
        before, after = ([], source_params) if condition else (source_params, [])
        rows.extend(
            conn.execute(
                query.sql(source, with_vectors, conditions),
                [*before, *params, *after, limit - len(rows)],
            )
        )
        if len(rows) >= limit:
            break
    return _records(conn, dialect, kind, rows)


def _records(
    conn: Connection, dialect: Dialect, kind: TextKind, rows: list[tuple[Any, ...]]
) -> list[TextRecord]:
    """Rows of one record query as records, with their session provenance."""
    none: list[tuple[str, ...]] = [()] * len(rows)
    links = [tuple(dialect.load_list(row[-4])) for row in rows]
    own: list[tuple[str, ...]] = [(row[0],) for row in rows]
    entity_ids, chunk_ids, aliases = none, none, none
    times: list[tuple[Any, ...]] = [(None, None, None, None)] * len(rows)
    if kind is TextKind.FACT:
        texts = [render_fact(s, p, t, d or "") for _, _, s, p, t, d, *_ in rows]
        entity_ids, chunk_ids = [(row[6], row[7]) for row in rows], links
        times = [row[8:12] for row in rows]
    else:
        texts = [row[2] for row in rows]
        if kind is TextKind.ENTITY:
            aliases = links
        else:
            entity_ids = links
            chunk_ids = own if kind is TextKind.SUMMARY else none
    # Session provenance comes from the documents of a chunk: the record's own for a chunk.
    origins = own if kind is TextKind.CHUNK else chunk_ids
    with_sessions = _session_datasets(
        conn, {row[1] for row, cs in zip(rows, origins, strict=True) if cs}
    )
    sources = chunk_sources(
        conn,
        (c for row, cs in zip(rows, origins, strict=True) if row[1] in with_sessions for c in cs),
        sessions_only=True,
        dialect=dialect,
    )
    units = [orjson.loads(row[3]) for row in rows] if kind is TextKind.CHUNK else None
    spans = _fact_spans(conn, dialect, [row[0] for row in rows]) if kind is TextKind.CHUNK else {}
    # Closed and replaced by nothing: only a retraction ends a fact that way.
    ended = [row[0] for row, t in zip(rows, times, strict=True) if t[1] is not None and not t[2]]
    retracted = _retracted_in(
        conn, dialect, ended
    )  # only facts have times: nothing for other kinds
    found = []
    for i, row in enumerate(rows):
        session_ids, message_ids = sessions(sources, origins[i]) if sources else ((), ())
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
                unit=units[i] if units is not None else {},
                valid_at=times[i][0],
                invalid_at=times[i][1],
                superseded_by=times[i][2],
                retracted_in=retracted.get(row[0]),
                relation_kind=times[i][3],
                fact_spans=spans.get(row[0], ()),
            )
        )
    return found


def _session_datasets(conn: Connection, datasets: Iterable[str]) -> set[str]:
    """Those of ``datasets`` holding a document persisted from a session (an index lookup
    each). Only their records have session provenance to look up: in a remembered corpus a
    fact stated in hundreds of chunks would read each chunk's documents for nothing (at 100,000
    chunks that was most of a catch-up's read)."""
    return {
        dataset
        for dataset in datasets
        if conn.execute(
            "SELECT 1 FROM documents WHERE dataset = ? AND session_id IS NOT NULL LIMIT 1",
            (dataset,),
        ).fetchone()
    }


def _retracted_in(
    conn: Connection, dialect: Dialect, relation_ids: Sequence[str]
) -> dict[str, str]:
    """For each closed relation a retraction closed, the chunk that retraction was said in (the
    earliest, when several closed it)."""
    found: dict[str, str] = {}
    for part in slices(relation_ids):
        for relation_id, chunk_id in conn.execute(
            f"SELECT j.value, t.chunk_id FROM retractions t, {dialect.elements('t.closed', 'j')} "
            f"WHERE j.value IN ({marks(part)}) ORDER BY t.at, t.id",
            dialect.element_params(part),
        ):
            found.setdefault(dialect.element_value(relation_id), chunk_id)
    return found


def _fact_spans(
    conn: Connection, dialect: Dialect, chunk_ids: Sequence[str]
) -> dict[str, tuple[tuple[float, float | None], ...]]:
    """Per chunk, the ``(valid_at, invalid_at)`` of every single-valued fact it states (as it
    states it: its own statement's period), in stored order: one query per page. A chunk that
    also ends a fact of the kind it states ("PM -> Senior PM", "I quit Renault, I'm now at
    Zalando") tells what held before too: a span from :data:`EARLIEST_TIME` to its first
    start comes first."""
    found: dict[str, list[tuple[float, float | None]]] = defaultdict(list)
    stated: set[tuple[str, str]] = set()  # (chunk, kind) of each single-valued fact stated
    for condition, params in dialect.in_ids("m.chunk_id", chunk_ids):
        for chunk_id, start, end, kind in conn.execute(
            "SELECT m.chunk_id, COALESCE(m.valid_at, r.created_at), m.invalid_at, r.kind "
            "FROM relation_mentions m JOIN relations r ON r.id = m.relation_id "
            f"WHERE r.single_valued = 1 AND {condition} ORDER BY m.seq",
            params,
        ):
            found[chunk_id].append((start, end))
            stated.add((chunk_id, kind))
    changes: set[str] = set()  # chunks that also end a fact of a kind they state
    for condition, params in dialect.in_ids("chunk_id", list(found)):
        for chunk_id, kind in conn.execute(
            f"SELECT DISTINCT chunk_id, kind FROM retractions WHERE {condition}", params
        ):
            if (chunk_id, kind) in stated:
                changes.add(chunk_id)
    for chunk_id in changes:
        found[chunk_id].insert(0, (EARLIEST_TIME, found[chunk_id][0][0]))
    return {chunk_id: tuple(spans) for chunk_id, spans in found.items()}
