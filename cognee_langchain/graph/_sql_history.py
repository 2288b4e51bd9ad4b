"""History reads of the SQL graph stores: every version of a subject's facts, and its
retractions (``GraphStore.arelation_history`` / ``aretractions``). Each function runs inside a
read transaction the caller opened.

A version is one period a relation was true: a relation stated again after another value
replaced it (Paris, then Berlin, then Paris again) has one version per period, each with the
chunks (and so the sessions and messages) that stated it then.
"""

from __future__ import annotations

from collections import defaultdict

import orjson

from cognee_langchain.graph._sql_dialect import Connection
from cognee_langchain.graph._sql_reads import relations
from cognee_langchain.graph._sql_records import chunk_sources, sessions
from cognee_langchain.graph._sql_schema import unique
from cognee_langchain.graph.models import Relation, Retraction

__all__ = ["relation_history", "retractions"]


def relation_history(
    conn: Connection, dataset: str, source_id: str, kind: str | None
) -> list[Relation]:
    """Every version of the facts of ``source_id`` (of ``kind`` when given), by ``valid_at``,
    then recorded time, then id."""
    where, params = "r.dataset = ? AND r.source_id = ?", [dataset, source_id]
    if kind is not None:
        where, params = where + " AND r.kind = ?", [*params, kind]
    # (relation, end, successor) -> its statements (chunk, start, grain, phrase), in stored order
    periods: dict[tuple[str, float | None, str | None], list[tuple[str, float, str | None, str]]]
    periods = defaultdict(list)
    for relation_id, chunk_id, start, grain, phrase, end, successor in conn.execute(
        "SELECT r.id, m.chunk_id, COALESCE(m.valid_at, r.created_at), "
        "CASE WHEN m.valid_at IS NULL THEN NULL ELSE m.grain END, "
        "CASE WHEN m.valid_at IS NULL THEN '' ELSE m.phrase END, m.invalid_at, m.superseded_by "
        f"FROM relations r JOIN relation_mentions m ON m.relation_id = r.id WHERE {where} "
        "ORDER BY m.seq",
        params,
    ):
        periods[(relation_id, end, successor)].append((chunk_id, start, grain, phrase))
    stored = {r.id: r for r in relations(conn, unique(key[0] for key in periods))}
    sources = chunk_sources(conn, (s[0] for group in periods.values() for s in group))
    versions: list[Relation] = []
    for (relation_id, end, successor), statements in periods.items():
        relation = stored.get(relation_id)
        if relation is None:
            continue
        chunk_id, start, grain, phrase = min(statements, key=lambda s: (s[1], s[0]))
        chunk_ids = unique(s[0] for s in statements)
        session_ids, message_ids = sessions(sources, chunk_ids)
        versions.append(
            relation.model_copy(
                update={
                    "valid_at": start,
                    "valid_grain": grain,
                    "valid_phrase": phrase,
                    "invalid_at": end,
                    "superseded_by": successor,
                    "chunk_ids": chunk_ids,
                    "session_ids": session_ids,
                    "message_ids": message_ids,
                }
            )
        )
    versions.sort(key=lambda v: (v.valid_at or 0.0, v.created_at, v.id))
    return versions


def retractions(conn: Connection, dataset: str, source_id: str) -> list[Retraction]:
    """The retractions stated about ``source_id``, by ``at``, then recorded time, then id."""
    rows = conn.execute(
        "SELECT id, kind, target_id, at, chunk_id, phrase, created_at, closed FROM retractions "
        "WHERE dataset = ? AND source_id = ? ORDER BY at, created_at, id",
        (dataset, source_id),
    ).fetchall()
    sources = chunk_sources(conn, (row[4] for row in rows))
    found = []
    for id_, kind, target_id, at, chunk_id, phrase, created_at, closed in rows:
        session_ids, message_ids = sessions(sources, (chunk_id,))
        found.append(
            Retraction(
                id=id_,
                dataset=dataset,
                created_at=created_at,
                source_id=source_id,
                kind=kind,
                target_id=target_id,
                at=at,
                chunk_id=chunk_id,
                phrase=phrase,
                closed=tuple(orjson.loads(closed)),
                session_ids=session_ids,
                message_ids=message_ids,
            )
        )
    return found
