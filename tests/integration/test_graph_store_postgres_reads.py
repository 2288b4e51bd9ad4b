"""The reads a search index catches up with, on PostgreSQL against SQLite: records looked up by id
come back the same from both stores whatever the ids and texts hold (quotes, backslashes, braces,
NUL and the NUL escape character travel inside one array parameter on PostgreSQL, in ``IN``
lists on SQLite), however many ids are asked for at once; and a schema made before the index
these reads rely on gains it when opened.

Skipped with the reason when PostgreSQL does not answer (failed when ``CI`` is set).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from cognee_langchain.graph.base import (
    EntityMention,
    GraphStore,
    PutChunk,
    PutEntity,
    PutRelation,
    RelationMention,
    TextKind,
    TextRecord,
    WriteOp,
)
from cognee_langchain.graph.postgres import PostgresGraphStore
from cognee_langchain.graph.sqlite import SQLiteGraphStore
from cognee_langchain.testing.graph_builders import DS, create, doc_op, vec

pytestmark = pytest.mark.postgres

# Ids and texts an array literal or the NUL escape could get wrong.
ODD = ['q"uote', "back\\slash", "com,ma", "{brace}", "nul\x00byte", "esc\x01ape", "sp ace", "é"]


@pytest.fixture
def stores(
    postgres_dsn: str, pg_schema: str, tmp_path: Path
) -> Iterator[tuple[GraphStore, GraphStore]]:
    postgres = PostgresGraphStore(postgres_dsn, schema=pg_schema, max_size=4)
    sqlite = SQLiteGraphStore(tmp_path / "graph.sqlite")
    yield postgres, sqlite
    postgres.close()
    sqlite.close()


def _odd_graph() -> list[WriteOp]:
    """Chunks, entities (mentioned under other names too) and relations whose ids and texts
    hold every :data:`ODD` string."""
    chunks = [
        PutChunk(f"chunk {odd}", DS, f"text {odd}", f"summary {odd}", vec(i))
        for i, odd in enumerate(ODD)
    ]
    entities = [
        PutEntity(
            f"entity {odd}",
            DS,
            f"Name {odd}",
            "Thing",
            vec(100 + i),
            (f"key {odd}",),
            ("token",),
            tuple(
                EntityMention(c.id, f"Name {odd}" if j % 2 else f"Alias {odd} {j}", "")
                for j, c in enumerate(chunks)
            ),
        )
        for i, odd in enumerate(ODD)
    ]
    relations = [
        PutRelation(
            f"relation {odd}",
            DS,
            entities[i].id,
            entities[(i + 1) % len(ODD)].id,
            f"knows {odd}",
            vec(200 + i),
            tuple(RelationMention(c.id, f"said {odd}") for c in chunks),
        )
        for i, odd in enumerate(ODD)
    ]
    return [create(), *chunks, *entities, *relations, doc_op(chunks, "odd")]


def _comparable(records: list[TextRecord]) -> list[tuple[object, ...]]:
    return [
        (
            r.id,
            r.text,
            r.entity_ids,
            r.chunk_ids,
            r.aliases,
            r.node_sets,
            None if r.vector is None else r.vector.tolist(),
        )
        for r in records
    ]


async def test_records_read_by_id_are_the_same_on_both_stores_whatever_the_ids_hold(
    stores: tuple[GraphStore, GraphStore],
) -> None:
    postgres, sqlite = stores
    ops = _odd_graph()
    for store in stores:
        await store.aapply(ops)
    for kind, prefix in (
        (TextKind.CHUNK, "chunk"),
        (TextKind.SUMMARY, "chunk"),
        (TextKind.ENTITY, "entity"),
        (TextKind.FACT, "relation"),
    ):
        ids = [f"{prefix} {odd}" for odd in ODD] + [f"{prefix} missing"]
        read = await postgres.aread_records(kind, [DS], ids=ids)
        assert _comparable(read) == _comparable(await sqlite.aread_records(kind, [DS], ids=ids))
        assert sorted(r.id for r in read) == sorted(ids[:-1])
    (fact,) = await postgres.aread_records(TextKind.FACT, [DS], ids=['relation q"uote'])
    assert set(fact.chunk_ids) == {f"chunk {odd}" for odd in ODD}
    (entity,) = await postgres.aread_records(TextKind.ENTITY, [DS], ids=["entity esc\x01ape"])
    assert "Alias esc\x01ape 0" in entity.aliases and "Name esc\x01ape" not in entity.aliases


async def test_more_ids_than_one_in_list_takes_read_alike_and_page_by_limit(
    stores: tuple[GraphStore, GraphStore],
) -> None:
    chunks = [PutChunk(f"c{i:05d}", DS, f"text {i}", "", vec(i)) for i in range(1200)]
    for store in stores:
        await store.aapply([create(), *chunks, doc_op(chunks, "many")])
    wanted = [c.id for c in chunks[::2]] + ["absent"]
    postgres, sqlite = stores
    for store in stores:
        first = await store.aread_records(TextKind.CHUNK, [DS], ids=wanted, limit=500)
        rest = await store.aread_records(
            TextKind.CHUNK, [DS], ids=wanted, after_id=first[-1].id, limit=500
        )
        last = await store.aread_records(
            TextKind.CHUNK, [DS], ids=wanted, after_id=rest[-1].id, limit=500
        )
        assert [r.id for r in first + rest + last] == sorted(wanted[:-1])
        assert (len(first), len(rest), len(last)) == (500, 100, 0)
    assert _comparable(await postgres.aread_records(TextKind.CHUNK, [DS], ids=wanted)) == (
        _comparable(await sqlite.aread_records(TextKind.CHUNK, [DS], ids=wanted))
    )


def test_a_schema_made_before_the_catch_up_index_gains_it_on_open(
    postgres_dsn: str, pg_schema: str
) -> None:
    PostgresGraphStore(postgres_dsn, schema=pg_schema).close()
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        conn.execute(f'DROP INDEX "{pg_schema}".relation_mentions_relation_seq')
    PostgresGraphStore(postgres_dsn, schema=pg_schema).close()
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        (definition,) = conn.execute(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = %s AND indexname = %s",
            (pg_schema, "relation_mentions_relation_seq"),
        ).fetchone() or (None,)
    assert definition is not None and "(relation_id, seq) INCLUDE (chunk_id)" in definition
