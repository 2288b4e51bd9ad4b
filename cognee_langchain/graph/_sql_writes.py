"""One write transaction of the SQL graph stores: applies write operations in bulk and keeps
derived provenance (node sets) and fact intervals right, on puts, retractions and forgets, claims
session messages and tells a record a concurrent forget removed from one never written.

Over 500 lines because puts, forgets and the conflict checks share one transaction's state (the
node sets seen, the links made, the fact groups touched): split apart, each piece would need all
of it. The interval rule itself lives in :mod:`cognee_langchain.graph.intervals` and its reads
and writes in ``_sql_intervals``; this module only records which groups a write touched.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np
import orjson

from cognee_langchain.errors import InvalidInputError, WriteConflictError
from cognee_langchain.graph._sql_dialect import Connection
from cognee_langchain.graph._sql_intervals import GroupKey, recompute
from cognee_langchain.graph._sql_items import apply_item
from cognee_langchain.graph._sql_schema import (
    TABLES,
    dataset_info,
    dumps,
    marks,
    slices,
    unique,
    unit_rows,
    unknown_dataset,
)
from cognee_langchain.graph.items import DeleteItem, PutItem
from cognee_langchain.graph.ops import (
    ClaimMessages,
    Forget,
    PutChunk,
    PutDocument,
    PutEntity,
    PutRelation,
    RecordKind,
    RequirePermission,
    RetractRelation,
    SetGrant,
    TextKind,
    Vector,
    WriteOp,
    WriteResult,
)
from cognee_langchain.permissions import check_grant, parse_permission, require

__all__ = ["WriteTransaction"]

_MENTIONS = {
    RecordKind.ENTITY: ("entity_mentions", "entity_id"),
    RecordKind.RELATION: ("relation_mentions", "relation_id"),
}
_VECTOR_KINDS = {RecordKind.ENTITY: TextKind.ENTITY, RecordKind.RELATION: TextKind.FACT}


class WriteTransaction:
    """Applies operations inside a transaction the caller opened (and commits or rolls back).

    Node sets flow from documents to chunks to entities and relations. Puts only ever add node
    sets, so they are merged incrementally in :meth:`finish`; forgetting recomputes them for
    whatever survives.
    """

    def __init__(self, conn: Connection, rev: int, now: float, *, store: str = "sqlite") -> None:
        self.conn = conn
        self.store = store
        self.rev = rev
        self.now = now
        self.changed = False
        self.counts: dict[str, int] = defaultdict(int)
        # owner id -> chunk ids linked to it by this transaction
        self._entity_links: dict[str, set[str]] = defaultdict(set)
        self._relation_links: dict[str, set[str]] = defaultdict(set)
        self._grown_chunks: set[str] = set()  # chunks that gained a node set
        self._inserted: set[str] = set()  # entity and relation ids inserted
        self._entities: set[str] = set()  # entity ids known to exist
        # node sets of records read or written by this transaction, by id (ids of different
        # record kinds are hashes of different inputs, so they never collide)
        self._node_sets: dict[str, list[str]] = {}
        self._vector_dim: int | None = None
        # Time: the groups whose intervals this transaction must recompute, kind-less relations
        # whose valid_at may have moved, retractions applied, mentions added.
        self._groups: set[GroupKey] = set()
        self._loose: set[str] = set()
        self._retracted: set[str] = set()
        self._fresh: set[tuple[str, str]] = set()

    def result(self) -> WriteResult:
        """What the transaction changed, once :meth:`finish` ran."""
        return WriteResult(revision=self.rev, **self.counts)

    def apply_run(self, ops: Sequence[WriteOp]) -> None:
        """Apply consecutive operations of one type; puts are written in bulk."""
        for op in ops:
            match op:
                case RequirePermission():
                    self._require_permission(op)
                case SetGrant():
                    self._set_grant(op)
                case ClaimMessages():
                    self._claim_messages(op)
                case PutDocument():
                    self._put_document(op)
                case Forget():
                    self._forget(op)
                case PutItem() | DeleteItem():
                    self._apply_item(op)
                case PutChunk() | PutEntity() | PutRelation() | RetractRelation():
                    pass
                case _:
                    raise InvalidInputError(
                        f"Unknown write operation {type(op).__name__}: use the ops of "
                        "cognee_langchain.graph.base."
                    )
        self._put_chunks([op for op in ops if isinstance(op, PutChunk)])
        self._put_entities([op for op in ops if isinstance(op, PutEntity)])
        self._put_relations([op for op in ops if isinstance(op, PutRelation)])
        self._retract([op for op in ops if isinstance(op, RetractRelation)])

    def finish(self) -> None:
        """Settle node sets (see :meth:`_settle_node_sets`), then recompute the intervals of
        every group this transaction touched, once, from its final state."""
        self._settle_node_sets()
        counts = recompute(
            self.conn,
            self._groups,
            self._loose,
            rev=self.rev,
            written=self._retracted,
            fresh=self._fresh,
        )
        self.counts["relations_closed"] += counts.closed
        self.counts["retractions_ignored"] += counts.ignored
        for pending in (self._groups, self._loose, self._retracted, self._fresh):
            pending.clear()

    def _settle_node_sets(self) -> None:
        """Give entities and relations the node sets of the chunks newly linked to them, and of
        chunks that gained a node set in this transaction."""
        for kind, new_links in (
            (RecordKind.ENTITY, self._entity_links),
            (RecordKind.RELATION, self._relation_links),
        ):
            mentions, owner_col = _MENTIONS[kind]
            sources: dict[str, set[str]] = defaultdict(set)
            for owner, chunk_ids in new_links.items():
                sources[owner] |= chunk_ids
            for part in slices(sorted(self._grown_chunks)):
                for chunk_id, owner in self.conn.execute(
                    f"SELECT chunk_id, {owner_col} FROM {mentions} "
                    f"WHERE chunk_id IN ({marks(part)})",
                    part,
                ):
                    sources[owner].add(chunk_id)
            if sources:
                self._merge_node_sets(kind, sources)

    def _merge_node_sets(self, kind: RecordKind, sources: dict[str, set[str]]) -> None:
        table = TABLES[kind]
        chunk_sets = self._node_sets_of("chunks", {c for s in sources.values() for c in s})
        owner_sets = self._node_sets_of(table, set(sources))
        updates: list[tuple[str, int, str]] = []
        for owner, chunk_ids in sources.items():
            missing = [c for c in chunk_ids if c not in chunk_sets]
            if missing:
                self._raise_if_forgotten(RecordKind.CHUNK, missing, f"{kind.value} {owner}")
                raise InvalidInputError(
                    f"{kind.value.capitalize()} {owner} cites chunk {min(missing)}, which is not "
                    "stored: put the chunk in the same batch."
                )
            merged = sorted(set(owner_sets[owner]).union(*(chunk_sets[c] for c in chunk_ids)))
            if owner in self._inserted and merged == owner_sets[owner]:
                continue  # inserted by this transaction: node sets and revision are current
            self._node_sets[owner] = merged
            updates.append((dumps(merged), self.rev, owner))
        self.conn.executemany(f"UPDATE {table} SET node_sets = ?, rev = ? WHERE id = ?", updates)

    # -- datasets and permissions ---------------------------------------------------------------
    def _require_permission(self, op: RequirePermission) -> None:
        info = dataset_info(self.conn, op.dataset)
        if info is not None:
            require(info, op.user_id, op.permission)
        elif op.create:
            self.conn.execute(
                "INSERT INTO datasets VALUES (?, ?, ?)", (op.dataset, op.user_id, self.now)
            )
            self.changed = True
        else:
            raise unknown_dataset(op.dataset)

    def _set_grant(self, op: SetGrant) -> None:
        info = dataset_info(self.conn, op.dataset)
        if info is None:
            raise unknown_dataset(op.dataset)
        if not check_grant(info, op.by_user_id, op.user_id, op.permission, op.granted):
            return
        permission = parse_permission(op.permission).value
        if op.granted:
            cur = self.conn.execute(
                "INSERT INTO grants VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (op.dataset, op.user_id, permission, op.by_user_id, self.now),
            )
        else:
            cur = self.conn.execute(
                "DELETE FROM grants WHERE dataset = ? AND user_id = ? AND permission = ?",
                (op.dataset, op.user_id, permission),
            )
        self.changed |= cur.rowcount > 0

    # -- puts -----------------------------------------------------------------------------------
    def _put_chunks(self, ops: list[PutChunk]) -> None:
        if not ops:
            return
        stored = self._stored("chunks", {op.id: op.dataset for op in ops})
        rows, vectors = [], []
        for op in ops:
            if op.id in stored:
                continue  # stored already, or earlier in this run
            stored[op.id] = self._node_sets[op.id] = []
            unit = dumps(dict(op.unit)) if op.unit else "{}"
            created = self.now if op.created_at is None else op.created_at
            rows.append((op.id, op.dataset, op.text, op.summary, created, self.rev, unit))
            vectors.append((TextKind.CHUNK, op.id, op.vector))
            if op.summary_vector is not None:
                vectors.append((TextKind.SUMMARY, op.id, op.summary_vector))
        self.conn.executemany("INSERT INTO chunks VALUES (?, ?, ?, ?, '[]', ?, ?, ?)", rows)
        self._put_vectors(vectors)
        self.counts["chunks_added"] += len(rows)
        self.changed |= bool(rows)

    def _put_document(self, op: PutDocument) -> None:
        doc = op.document
        cur = self.conn.execute(
            "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (
                doc.id,
                doc.dataset,
                doc.name,
                doc.node_set,
                doc.session_id,
                dumps(list(doc.message_ids)),
                dumps(doc.metadata),
                doc.length,
                doc.created_at,
                self.rev,
                doc.user_id,
            ),
        )
        if cur.rowcount == 0:
            return
        self.changed = True
        self.counts["documents_added"] += 1
        self.conn.executemany(
            "INSERT INTO document_chunks VALUES (?, ?, ?)",
            [(doc.id, position, chunk_id) for position, chunk_id in enumerate(doc.chunk_ids)],
        )
        chunk_ids = unique(doc.chunk_ids)
        found = self._stored("chunks", dict.fromkeys(chunk_ids, doc.dataset))
        missing = [c for c in chunk_ids if c not in found]
        if missing:
            self._raise_if_forgotten(RecordKind.CHUNK, missing, f"document {doc.id}")
            raise InvalidInputError(
                f"Document {doc.id} links {len(missing)} chunk(s) that are not stored (e.g. "
                f"{missing[0]}): put them in the same batch."
            )
        # A chunk's record changes with its node sets and with its session provenance (only
        # documents of a session give it one): a plain document linking stored chunks leaves
        # them as they were, and marking them changed would have every index re-read them.
        from_session = doc.session_id is not None
        updates = []
        for chunk_id, node_sets in found.items():
            if doc.node_set is not None and doc.node_set not in node_sets:
                node_sets = self._node_sets[chunk_id] = sorted({*node_sets, doc.node_set})
                self._grown_chunks.add(chunk_id)
            elif not from_session:
                continue
            updates.append((dumps(node_sets), self.rev, chunk_id))
        self.conn.executemany("UPDATE chunks SET node_sets = ?, rev = ? WHERE id = ?", updates)

    def _put_entities(self, ops: list[PutEntity]) -> None:
        if not ops:
            return
        stored = self._stored("entities", {op.id: op.dataset for op in ops})
        rows, vectors = [], []
        keys: list[tuple[str, str, str]] = []
        tokens: list[tuple[str, str, str]] = []
        mentions: list[tuple[str, str, str, str]] = []
        for op in ops:
            if op.id not in stored:
                if op.vector is None:
                    self._raise_if_forgotten(RecordKind.ENTITY, [op.id], "an entity merge")
                    raise InvalidInputError(f"New entity {op.id} ({op.name!r}) needs a vector.")
                stored[op.id] = self._node_sets[op.id] = []
                self._inserted.add(op.id)
                created = self.now if op.created_at is None else op.created_at
                rows.append((op.id, op.dataset, op.name, op.type, created, self.rev))
                vectors.append((TextKind.ENTITY, op.id, op.vector))
            keys.extend((op.dataset, key, op.id) for key in op.keys)
            tokens.extend((op.dataset, token, op.id) for token in op.tokens)
            mentions.extend((op.id, m.chunk_id, m.surface, m.description) for m in op.mentions)
            # At worst a superset of the new links (a mention may exist already): harmless, node
            # sets only flow from chunks that really are linked.
            self._entity_links[op.id].update(m.chunk_id for m in op.mentions)
        self.conn.executemany("INSERT INTO entities VALUES (?, ?, ?, ?, '[]', ?, ?)", rows)
        self._put_vectors(vectors)
        self.conn.executemany(
            "INSERT INTO entity_keys VALUES (?, ?, ?) ON CONFLICT DO NOTHING", keys
        )
        self.conn.executemany(
            "INSERT INTO entity_tokens VALUES (?, ?, ?) ON CONFLICT DO NOTHING", tokens
        )
        added = self.conn.executemany(
            "INSERT INTO entity_mentions (entity_id, chunk_id, surface, description) "
            "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            mentions,
        ).rowcount
        self._entities.update(op.id for op in ops)
        self.counts["entities_added"] += len(rows)
        self.changed |= bool(rows) or added > 0

    def _put_relations(self, ops: list[PutRelation]) -> None:
        if not ops:
            return
        endpoints = {e: op.dataset for op in ops for e in (op.source_id, op.target_id)}
        unknown = {e: d for e, d in endpoints.items() if e not in self._entities}
        missing = unknown.keys() - self._stored("entities", unknown).keys()
        if missing:
            self._raise_if_forgotten(RecordKind.ENTITY, sorted(missing), "a relation")
            raise InvalidInputError(
                f"{len(missing)} relation endpoint(s) (e.g. {min(missing)}) are not stored: put "
                "the entities in the same batch."
            )
        self._entities.update(unknown)
        stored = self._stored("relations", {op.id: op.dataset for op in ops})
        self._reclassify([op for op in ops if op.id in stored and op.kind is not None])
        rows, vectors = [], []
        mentions: list[tuple[object, ...]] = []
        for op in ops:
            if op.id not in stored:
                if op.vector is None:
                    self._raise_if_forgotten(RecordKind.RELATION, [op.id], "a relation merge")
                    raise InvalidInputError(f"New relation {op.id} needs a vector.")
                stored[op.id] = self._node_sets[op.id] = []
                self._inserted.add(op.id)
                created = self.now if op.created_at is None else op.created_at
                row = (op.id, op.dataset, op.source_id, op.target_id, op.predicate, created)
                rows.append((*row, self.rev, op.kind, int(op.single_valued), created))
                vectors.append((TextKind.FACT, op.id, op.vector))
            if op.kind is None:
                # A new kind-less relation with undated mentions is true from when it was
                # recorded, as inserted: nothing to derive.
                if op.id not in self._inserted or any(m.valid_at is not None for m in op.mentions):
                    self._loose.add(op.id)
            else:
                self._groups.add((op.dataset, op.source_id, op.kind))
            for m in op.mentions:
                mentions.append((op.id, m.chunk_id, m.description, m.valid_at, m.grain, m.phrase))
                self._fresh.add((op.id, m.chunk_id))
            self._relation_links[op.id].update(m.chunk_id for m in op.mentions)
        self.conn.executemany(
            "INSERT INTO relations (id, dataset, source_id, target_id, predicate, node_sets, "
            "created_at, rev, kind, single_valued, valid_at) "
            "VALUES (?, ?, ?, ?, ?, '[]', ?, ?, ?, ?, ?)",
            rows,
        )
        self._put_vectors(vectors)
        added = self.conn.executemany(
            "INSERT INTO relation_mentions "
            "(relation_id, chunk_id, description, valid_at, grain, phrase) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            mentions,
        ).rowcount
        self.counts["relations_added"] += len(rows)
        self.changed |= bool(rows) or added > 0

    def _reclassify(self, ops: list[PutRelation]) -> None:
        """Give stored relations the kind a merge names (the latest classification wins: a user
        who extended the kinds re-files older facts), recomputing the group they leave."""
        wanted = {op.id: op for op in ops}
        for part in slices(sorted(wanted)):
            for id_, dataset, source_id, kind, single in self.conn.execute(
                "SELECT id, dataset, source_id, kind, single_valued FROM relations "
                f"WHERE id IN ({marks(part)})",
                part,
            ):
                op = wanted[id_]
                if (kind, bool(single)) == (op.kind, op.single_valued):
                    continue
                if kind is not None:
                    self._groups.add((dataset, source_id, kind))
                self.conn.execute(
                    "UPDATE relations SET kind = ?, single_valued = ?, rev = ? WHERE id = ?",
                    (op.kind, int(op.single_valued), self.rev, id_),
                )
                self.changed = True

    def _retract(self, ops: list[RetractRelation]) -> None:
        """Store retractions (each once, by id); the chunk stating one and its subject must be
        stored, or put earlier in the batch."""
        if not ops:
            return
        chunks = self._stored("chunks", {op.chunk_id: op.dataset for op in ops})
        missing = sorted({op.chunk_id for op in ops} - chunks.keys())
        if missing:
            self._raise_if_forgotten(RecordKind.CHUNK, missing, "a retraction")
            raise InvalidInputError(
                f"A retraction cites chunk {missing[0]}, which is not stored: put the chunk in "
                "the same batch, before the retraction."
            )
        subjects = {op.source_id: op.dataset for op in ops if op.source_id not in self._entities}
        unknown = sorted(subjects.keys() - self._stored("entities", subjects).keys())
        if unknown:
            self._raise_if_forgotten(RecordKind.ENTITY, unknown, "a retraction")
            raise InvalidInputError(
                f"A retraction's subject {unknown[0]} is not stored: put the entity in the same "
                "batch, before the retraction."
            )
        self._entities.update(subjects)
        added = self.conn.executemany(
            "INSERT INTO retractions (id, dataset, source_id, kind, target_id, at, "
            "chunk_id, phrase, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            [
                (
                    op.id,
                    op.dataset,
                    op.source_id,
                    op.kind,
                    op.target_id,
                    op.at,
                    op.chunk_id,
                    op.phrase,
                    self.now if op.created_at is None else op.created_at,
                )
                for op in ops
            ],
        ).rowcount
        for op in ops:
            self._groups.add((op.dataset, op.source_id, op.kind))
            self._retracted.add(op.id)
        self.changed |= added > 0

    def _put_vectors(self, items: list[tuple[TextKind, str, Vector]]) -> None:
        """Store vectors, L2-normalised, after checking they are finite and of the store's size."""
        if not items:
            return
        if self._vector_dim is None:
            stored = self.conn.execute("SELECT value FROM meta WHERE key = 'vector_dim'").fetchone()
            dim = int(stored[0]) if stored else np.asarray(items[0][2]).size
            if stored is None:
                self.conn.execute("INSERT INTO meta VALUES ('vector_dim', ?)", (str(dim),))
            self._vector_dim = dim
        matrix = unit_rows([v for _, _, v in items], self._vector_dim)
        self.conn.executemany(
            "INSERT INTO vectors VALUES (?, ?, ?) "
            "ON CONFLICT (kind, id) DO UPDATE SET vector = excluded.vector",
            [
                (kind.value, id_, row.tobytes())
                for (kind, id_, _), row in zip(items, matrix, strict=True)
            ],
        )

    # -- claims and conflicts -------------------------------------------------------------------
    def _claim_messages(self, op: ClaimMessages) -> None:
        """Claim each message key for ``op.document_id``; a key another document holds fails the
        batch with a retryable :class:`WriteConflictError` (the caller rolls back)."""
        keys = unique(op.message_keys)
        owner = (op.dataset, op.user_id, op.session_id)
        for part in slices(keys):
            taken = self.conn.execute(
                "SELECT message_key, document_id FROM message_claims WHERE dataset = ? AND "
                f"user_id = ? AND session_id = ? AND message_key IN ({marks(part)})",
                [*owner, *part],
            ).fetchall()
            clash = [key for key, doc in taken if doc != op.document_id]
            if clash:
                raise WriteConflictError(
                    self.store,
                    f"{len(clash)} message(s) of session {op.session_id!r} (e.g. {clash[0]}) "
                    "were stored by another run meanwhile",
                    claimed=True,
                )
        self.conn.executemany(
            "INSERT INTO message_claims VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [(*owner, key, op.document_id) for key in keys],
        )

    def _raise_if_forgotten(self, kind: RecordKind, ids: Sequence[str], what: str) -> None:
        """A record this batch needs is missing: if it was stored once (it has a tombstone), a
        concurrent forget removed it after the batch was planned: a retryable conflict, not the
        caller's mistake (the caller raises that when this returns)."""
        for part in slices(ids):
            row = self.conn.execute(
                "SELECT id FROM tombstones WHERE kind = ? AND rev < ? "
                f"AND id IN ({marks(part)}) LIMIT 1",
                [kind.value, self.rev, *part],
            ).fetchone()
            if row is not None:
                raise WriteConflictError(
                    self.store,
                    f"{kind.value} {row[0]}, which {what} needs, was forgotten meanwhile",
                )

    # -- key-value items (graph.items) ----------------------------------------------------------
    def _apply_item(self, op: PutItem | DeleteItem) -> None:
        def raise_if_forgotten(document_id: str) -> None:
            self._raise_if_forgotten(RecordKind.DOCUMENT, [document_id], f"item {op.key!r}")

        orphans = apply_item(self.conn, op, self.now, raise_if_forgotten)
        self.changed = True
        for document_id in orphans:
            self._forget(Forget(op.dataset, document_id=document_id))

    # -- forgetting -----------------------------------------------------------------------------
    def _forget(self, op: Forget) -> None:
        # Settle what earlier puts of this batch linked, then forget from a consistent state
        # (intervals are recomputed once, at the end of the batch, from its final state).
        self._settle_node_sets()
        for pending in (self._entity_links, self._relation_links, self._grown_chunks):
            pending.clear()
        self._node_sets.clear()  # forgetting recomputes node sets in place
        where, params = ["dataset = ?"], [op.dataset]
        for column, value in (
            ("id", op.document_id),
            ("node_set", op.node_set),
            ("session_id", op.session_id),
            ("user_id", op.user_id),
        ):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        doc_ids = [
            r[0]
            for r in self.conn.execute(
                f"SELECT id FROM documents WHERE {' AND '.join(where)}", params
            )
        ]
        if not doc_ids:
            return
        self.changed = True
        chunk_ids: set[str] = set()
        for part in slices(doc_ids):
            in_part = marks(part)
            chunk_ids.update(
                r[0]
                for r in self.conn.execute(
                    f"SELECT chunk_id FROM document_chunks WHERE document_id IN ({in_part})", part
                )
            )
            self.conn.execute(f"DELETE FROM document_chunks WHERE document_id IN ({in_part})", part)
            self.conn.execute(f"DELETE FROM documents WHERE id IN ({in_part})", part)
            self.conn.execute(f"DELETE FROM message_claims WHERE document_id IN ({in_part})", part)
        self._tombstone(RecordKind.DOCUMENT, doc_ids)
        self.counts["documents_removed"] += len(doc_ids)
        self._prune_chunks(sorted(chunk_ids))

    def _prune_chunks(self, chunk_ids: list[str]) -> None:
        """Delete chunks no document links any more; recompute the node sets of the others and
        of every entity and relation extracted from an affected chunk."""
        remaining: dict[str, set[str]] = {}
        for part in slices(chunk_ids):
            for chunk_id, node_set in self.conn.execute(
                "SELECT dc.chunk_id, d.node_set FROM document_chunks dc "
                f"JOIN documents d ON d.id = dc.document_id WHERE dc.chunk_id IN ({marks(part)})",
                part,
            ):
                remaining.setdefault(chunk_id, set())
                if node_set is not None:
                    remaining[chunk_id].add(node_set)
        orphans = [c for c in chunk_ids if c not in remaining]
        self.conn.executemany(
            "UPDATE chunks SET node_sets = ?, rev = ? WHERE id = ?",
            [(dumps(sorted(sets)), self.rev, chunk) for chunk, sets in remaining.items()],
        )
        affected: dict[RecordKind, set[str]] = {}
        for kind, (mentions, owner_col) in _MENTIONS.items():
            affected[kind] = set()
            for part in slices(chunk_ids):
                affected[kind].update(
                    r[0]
                    for r in self.conn.execute(
                        f"SELECT {owner_col} FROM {mentions} WHERE chunk_id IN ({marks(part)})",
                        part,
                    )
                )
        self._touch_groups(sorted(affected[RecordKind.RELATION]))
        for part in slices(orphans):
            in_part = marks(part)
            for group in self.conn.execute(
                f"SELECT dataset, source_id, kind FROM retractions WHERE chunk_id IN ({in_part})",
                part,
            ):
                self._groups.add(group)
            self.conn.execute(f"DELETE FROM retractions WHERE chunk_id IN ({in_part})", part)
            self.conn.execute(f"DELETE FROM chunks WHERE id IN ({in_part})", part)
            self.conn.execute(
                f"DELETE FROM vectors WHERE kind IN ('chunk', 'summary') AND id IN ({in_part})",
                part,
            )
            self.conn.execute(f"DELETE FROM entity_mentions WHERE chunk_id IN ({in_part})", part)
            self.conn.execute(f"DELETE FROM relation_mentions WHERE chunk_id IN ({in_part})", part)
        self._tombstone(RecordKind.CHUNK, orphans)
        self.counts["chunks_removed"] += len(orphans)
        # relations first: a relation's chunks are a subset of its endpoints' chunks
        self._prune_derived(RecordKind.RELATION, sorted(affected[RecordKind.RELATION]))
        self._prune_derived(RecordKind.ENTITY, sorted(affected[RecordKind.ENTITY]))

    def _prune_derived(self, kind: RecordKind, ids: list[str]) -> None:
        """Delete entities or relations left without a mention; recompute the node sets of the
        others from the chunks that still mention them."""
        mentions, owner_col = _MENTIONS[kind]
        sets: dict[str, set[str]] = {}
        for part in slices(ids):
            for owner, node_sets in self.conn.execute(
                f"SELECT m.{owner_col}, c.node_sets FROM {mentions} m "
                f"JOIN chunks c ON c.id = m.chunk_id WHERE m.{owner_col} IN ({marks(part)})",
                part,
            ):
                sets.setdefault(owner, set()).update(orjson.loads(node_sets))
        self.conn.executemany(
            f"UPDATE {TABLES[kind]} SET node_sets = ?, rev = ? WHERE id = ?",
            [(dumps(sorted(node_sets)), self.rev, owner) for owner, node_sets in sets.items()],
        )
        dead = [i for i in ids if i not in sets]
        if kind is RecordKind.ENTITY and dead:
            # Defensive: no relation may outlive its endpoints.
            touching: list[str] = []
            for part in slices(dead):
                in_part = marks(part)
                touching.extend(
                    r[0]
                    for r in self.conn.execute(
                        f"SELECT id FROM relations WHERE source_id IN ({in_part}) "
                        f"OR target_id IN ({in_part})",
                        [*part, *part],
                    )
                )
            self._touch_groups(touching)
            for part in slices(touching):
                self.conn.execute(
                    f"DELETE FROM relation_mentions WHERE relation_id IN ({marks(part)})", part
                )
            self._delete_rows(RecordKind.RELATION, touching)
        self._delete_rows(kind, dead)

    def _delete_rows(self, kind: RecordKind, ids: Sequence[str]) -> None:
        if not ids:
            return
        for part in slices(ids):
            in_part = marks(part)
            self.conn.execute(f"DELETE FROM {TABLES[kind]} WHERE id IN ({in_part})", part)
            self.conn.execute(
                f"DELETE FROM vectors WHERE kind = ? AND id IN ({in_part})",
                [_VECTOR_KINDS[kind].value, *part],
            )
            if kind is RecordKind.ENTITY:
                self.conn.execute(f"DELETE FROM entity_keys WHERE entity_id IN ({in_part})", part)
                self.conn.execute(f"DELETE FROM entity_tokens WHERE entity_id IN ({in_part})", part)
        self._tombstone(kind, ids)
        self.counts[f"{TABLES[kind]}_removed"] += len(ids)

    def _touch_groups(self, relation_ids: Sequence[str]) -> None:
        """Mark the groups of these relations (about to lose mentions or be deleted) for
        interval recompute."""
        for part in slices(relation_ids):
            for relation_id, dataset, source_id, kind in self.conn.execute(
                f"SELECT id, dataset, source_id, kind FROM relations WHERE id IN ({marks(part)})",
                part,
            ):
                if kind is None:
                    self._loose.add(relation_id)
                else:
                    self._groups.add((dataset, source_id, kind))

    def _tombstone(self, kind: RecordKind, ids: Sequence[str]) -> None:
        self.conn.executemany(
            "INSERT INTO tombstones VALUES (?, ?, ?)", [(self.rev, kind.value, i) for i in ids]
        )

    # -- lookups inside the transaction ---------------------------------------------------------
    def _stored(self, table: str, datasets: dict[str, str]) -> dict[str, list[str]]:
        """The node sets of the stored records among ``datasets`` (id -> dataset the caller
        expects); raises if one lies in another dataset."""
        found: dict[str, list[str]] = {}
        for part in slices(sorted(datasets)):
            for id_, dataset, node_sets in self.conn.execute(
                f"SELECT id, dataset, node_sets FROM {table} WHERE id IN ({marks(part)})", part
            ):
                if dataset != datasets[id_]:
                    raise InvalidInputError(
                        f"{table[:-1].capitalize()} {id_} belongs to dataset {dataset!r}, not "
                        f"{datasets[id_]!r}."
                    )
                found[id_] = self._node_sets[id_] = orjson.loads(node_sets)
        return found

    def _node_sets_of(self, table: str, ids: set[str]) -> dict[str, list[str]]:
        """Node sets by id, from what this transaction saw or else from ``table``."""
        found = {i: self._node_sets[i] for i in ids if i in self._node_sets}
        for part in slices(sorted(ids - found.keys())):
            for id_, node_sets in self.conn.execute(
                f"SELECT id, node_sets FROM {table} WHERE id IN ({marks(part)})", part
            ):
                found[id_] = orjson.loads(node_sets)
        return found
