"""The behaviour every :class:`~cognee_langchain.graph.base.GraphStore` must have, as a test class.

A backend runs the suite by subclassing :class:`GraphStoreConformanceTests` and overriding its
``store`` fixture. The builders of :mod:`cognee_langchain.testing.graph_builders` (re-exported
here: :func:`chunk_op`, :class:`SmallGraph`, ...) make the write operations the tests use;
backend-specific tests may use them too.

Over 500 lines because it is the whole contract as one test class: a backend subclasses one
class, and a behaviour added to the contract lands here once.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
import uuid
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cognee_langchain.core.aio import run_sync
from cognee_langchain.errors import InvalidInputError, PermissionDeniedError, WriteConflictError
from cognee_langchain.graph.base import (
    ClaimMessages,
    DeleteItem,
    EntityMention,
    Forget,
    GraphStore,
    Link,
    PutChunk,
    PutDocument,
    PutEntity,
    PutItem,
    RecordKind,
    RelationMention,
    RequirePermission,
    SetGrant,
    TextKind,
    Vector,
    WriteOp,
)
from cognee_langchain.graph.models import SourceDocument, content_id
from cognee_langchain.permissions import Permission
from cognee_langchain.testing.graph_builders import (
    DS,
    SmallGraph,
    chunk_op,
    create,
    doc_op,
    entity_op,
    grant_op,
    relation_op,
    vec,
)
from cognee_langchain.testing.graph_time import GraphTimeTests

P = Permission

__all__ = [
    "DS",
    "GraphStoreConformanceTests",
    "SmallGraph",
    "chunk_op",
    "create",
    "doc_op",
    "entity_op",
    "grant_op",
    "relation_op",
    "vec",
]


def _unit(vector: Vector) -> Vector:
    v = np.asarray(vector, dtype=np.float32)
    norm = np.linalg.norm(v)
    return v / norm if norm > 0 else v


def _comparable(value: Any) -> Any:
    """``value`` with numpy vectors replaced by tuples, so results compare with ``==``."""
    if isinstance(value, np.ndarray):
        return tuple(value.tolist())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (
            type(value),
            _comparable([getattr(value, f.name) for f in dataclasses.fields(value)]),
        )
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_comparable(v) for v in value]
    return value


# One store serves every example (each writes its own dataset). Every backend's subclass runs the
# same test functions, so hypothesis sees several executors; the tests use no state of ``self``.
_HEALTH = [
    HealthCheck.function_scoped_fixture,
    HealthCheck.too_slow,
    HealthCheck.differing_executors,
]
_names = st.text(min_size=1, max_size=30)
# (by, target, permission, granted) among the owner, two users and one who never gets anything
_users = st.sampled_from(["owner", "ann", "bob", "eve"])
_grant_calls = st.tuples(_users, _users, st.sampled_from(list(Permission)), st.booleans())
# what the owner grants first, so that sharers exist from the start
_start_rights = st.dictionaries(
    st.sampled_from(["ann", "bob"]), st.sets(st.sampled_from(list(Permission)), min_size=1)
)


async def _rights(store: GraphStore, dataset: str = DS) -> dict[str, set[Permission]]:
    """The permissions granted on ``dataset``, per user."""
    info = await store.aget_dataset(dataset)
    assert info is not None
    return {user: set(perms) for user, perms in info.grants.items()}


class GraphStoreConformanceTests(GraphTimeTests):
    """Every behaviour of the :class:`GraphStore` contract, for one backend (time on facts:
    the inherited :class:`~cognee_langchain.testing.graph_time.GraphTimeTests`).

    Subclass it in a test module and override the ``store`` fixture: it must return an empty
    store no other test sees (a fresh file, schema or database) and should close it afterwards::

        class TestMyGraphStore(GraphStoreConformanceTests):
            @pytest.fixture
            def store(self, tmp_path):
                store = MyGraphStore(tmp_path / "graph")
                yield store
                store.close()

    Tests call the async primitives (the contract) and, where they differ, the sync twins; a
    backend that implements only the abstract async methods is tested through the base class's
    helpers and sync bridge. Vectors are 8-dimensional.
    """

    @pytest.fixture
    def store(self) -> GraphStore:
        """The store under test: override this fixture (see the class docstring)."""
        raise NotImplementedError(
            f"{type(self).__name__} must override the `store` fixture: yield an empty store on "
            "storage no other test uses, then close it."
        )

    @pytest.mark.asyncio
    async def test_identity_is_stable_and_unique_per_store(self, store: GraphStore) -> None:
        # A cache keyed by the identity must never be served to another store: an id is
        # stable across writes and distinct from any freshly created store's.
        first = await store.aidentity()
        await store.aapply(SmallGraph().ops)
        assert await store.aidentity() == first
        assert first is None or (isinstance(first, str) and first.strip())

    # -- transactional writes -------------------------------------------------------------------
    @pytest.mark.asyncio
    async def test_apply_writes_everything_with_provenance(self, store: GraphStore) -> None:
        g = SmallGraph()
        result = await store.aapply(g.ops)

        assert (result.revision, result.documents_added, result.chunks_added) == (1, 2, 2)
        assert (result.entities_added, result.relations_added) == (3, 2)
        assert await store.acurrent_revision() == 1
        (acme,) = await store.aget_entities([g.acme.id])
        assert (acme.name, acme.type, acme.dataset) == ("Acme", "Org", DS)
        assert acme.node_sets == ("news",)
        assert acme.chunk_ids == (g.c1.id, g.c2.id)
        assert acme.description == "Acme in Alice leads Acme."
        (leads,) = await store.aget_relations([g.leads.id])
        assert (leads.source_name, leads.predicate, leads.target_name) == ("Alice", "leads", "Acme")
        assert leads.fact == "Alice leads Acme."  # the description only restates the triple
        assert leads.node_sets == ()
        (c2,) = await store.aget_chunks([g.c2.id])
        assert c2.node_sets == ("news",) and c2.document_ids == (g.d2.document.id,)
        assert {e.predicate for e in await store.aneighbors([g.acme.id])} == {"leads", "joined"}

    @pytest.mark.asyncio
    async def test_a_failing_op_rolls_back_the_whole_batch(self, store: GraphStore) -> None:
        c1 = chunk_op("Alice leads Acme.")
        orphan_doc = doc_op([c1, chunk_op("never stored")], "bad")
        with pytest.raises(InvalidInputError, match="not stored"):
            await store.aapply([create(), c1, orphan_doc])
        assert await store.acurrent_revision() == 0
        assert await store.aexisting_ids(RecordKind.CHUNK, [c1.id]) == set()
        assert await store.aget_dataset(DS) is None

        g = SmallGraph()
        await store.aapply(g.ops)
        stats = await store.astats()
        # fails at the very last op, after chunks, a document, entities and a relation
        c3 = chunk_op("Carol met Dan.")
        carol, dan = entity_op("Carol", c3), entity_op("Dan", c3)
        ghost = replace(relation_op(carol, "met", dan, c3), id="ghost", target_id="no-such-entity")
        met = relation_op(carol, "met", dan, c3)
        late: list[WriteOp] = [c3, doc_op([c3], "three"), carol, dan, met, ghost]
        with pytest.raises(InvalidInputError, match="not stored"):
            await store.aapply(late)
        assert await store.acurrent_revision() == 1
        assert await store.astats() == stats
        assert await store.aexisting_ids(RecordKind.ENTITY, [carol.id, dan.id]) == set()
        assert await store.aexisting_ids(RecordKind.CHUNK, [c3.id]) == set()

    @pytest.mark.asyncio
    async def test_vectors_must_be_finite_and_keep_one_dimension(self, store: GraphStore) -> None:
        await store.aapply([create(), chunk_op("first")])
        wider = PutChunk(content_id("chunk", DS, "second"), DS, "second", "", vec(1, dim=16))
        with pytest.raises(InvalidInputError, match="8-dimensional"):
            await store.aapply([wider])
        nan = np.full(8, np.nan, np.float32)
        bad = PutChunk(content_id("chunk", DS, "nan"), DS, "nan", "", nan)
        with pytest.raises(InvalidInputError, match="not finite"):
            await store.aapply([bad])
        c = chunk_op("has an entity")
        with pytest.raises(InvalidInputError, match="needs a vector"):
            await store.aapply([c, doc_op([c], "x"), replace(entity_op("Eve", c), vector=None)])
        assert await store.acurrent_revision() == 1

    @pytest.mark.asyncio
    async def test_a_record_of_another_dataset_is_rejected(self, store: GraphStore) -> None:
        c = chunk_op("shared text")
        await store.aapply([create(), c, doc_op([c], "one")])
        with pytest.raises(InvalidInputError, match="belongs to dataset"):
            await store.aapply([create(dataset="other"), replace(c, dataset="other")])
        assert await store.aget_dataset("other") is None

    @pytest.mark.asyncio
    async def test_repeating_a_batch_changes_nothing(self, store: GraphStore) -> None:
        ops = SmallGraph().ops
        await store.aapply(ops)
        stats = await store.astats()
        again = await store.aapply(ops)
        assert again.revision == 1 and await store.acurrent_revision() == 1
        assert (again.documents_added, again.entities_added, again.relations_added) == (0, 0, 0)
        assert await store.astats() == stats
        assert (await store.achanges_since(1)).upserted[RecordKind.ENTITY] == frozenset()

    @pytest.mark.asyncio
    async def test_puts_merge_provenance_into_stored_records(self, store: GraphStore) -> None:
        g = SmallGraph()
        await store.aapply(g.ops)
        before = await store.aget_vectors(TextKind.ENTITY, [g.acme.id])
        c3 = chunk_op("ACME hired Carol.")
        again = replace(
            g.acme, name="ACME", vector=vec(99), mentions=(EntityMention(c3.id, "ACME", ""),)
        )
        result = await store.aapply([c3, doc_op([c3], "three", node_set="jobs"), again])
        assert (result.revision, result.entities_added) == (2, 0)
        (acme,) = await store.aget_entities([g.acme.id])
        assert acme.name == "Acme" and acme.aliases == ("ACME",)  # the first name stays
        assert acme.chunk_ids == (g.c1.id, g.c2.id, c3.id)
        assert acme.node_sets == ("jobs", "news")
        after = await store.aget_vectors(TextKind.ENTITY, [g.acme.id])
        assert np.allclose(after[g.acme.id], before[g.acme.id])  # a merge ignores the vector
        assert (await store.afind_entities(DS, ["acme"]))["acme"].id == g.acme.id

    @pytest.mark.asyncio
    async def test_a_chunk_gaining_a_node_set_passes_it_on(self, store: GraphStore) -> None:
        g = SmallGraph()
        await store.aapply(g.ops)
        await store.aapply([doc_op([g.c1], "one again", node_set="people")])

        (alice,) = await store.aget_entities([g.alice.id])
        (leads,) = await store.aget_relations([g.leads.id])
        (acme,) = await store.aget_entities([g.acme.id])
        (c1,) = await store.aget_chunks([g.c1.id])
        assert alice.node_sets == ("people",) and leads.node_sets == ("people",)
        assert acme.node_sets == ("news", "people") and c1.node_sets == ("people",)
        assert len(c1.document_ids) == 2
        people = await store.aneighbors([g.acme.id], node_sets=["people"])
        assert [e.predicate for e in people] == ["leads"]

    @pytest.mark.asyncio
    async def test_concurrent_batches_are_serialised(self, store: GraphStore) -> None:
        await store.aapply([create()])

        async def write(i: int) -> int:
            c = chunk_op(f"chunk number {i}")
            return (await store.aapply([c, doc_op([c], f"doc {i}")])).revision

        revisions = await asyncio.gather(*(write(i) for i in range(12)))
        assert sorted(revisions) == list(range(2, 14))
        assert (await store.astats()).datasets[DS].documents == 12

    # -- forgetting -----------------------------------------------------------------------------
    @pytest.mark.asyncio
    async def test_forget_removes_orphans_transitively(self, store: GraphStore) -> None:
        g = SmallGraph()
        await store.aapply(g.ops)
        result = await store.aapply([Forget(DS, node_set="news")])

        assert (result.revision, result.documents_removed, result.chunks_removed) == (2, 1, 1)
        assert (result.entities_removed, result.relations_removed) == (1, 1)
        ids = [g.alice.id, g.bob.id, g.acme.id]
        assert await store.aexisting_ids(RecordKind.ENTITY, ids) == {g.alice.id, g.acme.id}
        assert await store.aexisting_ids(RecordKind.RELATION, [g.joined.id]) == set()
        (acme,) = await store.aget_entities([g.acme.id])
        assert acme.node_sets == () and acme.chunk_ids == (g.c1.id,)  # recomputed
        assert [e.predicate for e in await store.aneighbors([g.acme.id])] == ["leads"]
        assert await store.aneighbors([g.bob.id]) == []
        assert await store.aget_vectors(TextKind.ENTITY, [g.bob.id]) == {}
        ds = (await store.astats()).datasets[DS]
        assert (ds.documents, ds.chunks, ds.entities, ds.relations) == (1, 1, 2, 1)
        assert "news" not in ds.node_sets

    @pytest.mark.asyncio
    async def test_a_chunk_of_two_documents_survives_forgetting_one(
        self, store: GraphStore
    ) -> None:
        g = SmallGraph()
        await store.aapply([*g.ops, doc_op([g.c1], "one again", node_set="people")])
        result = await store.aapply([Forget(DS, node_set="people")])
        assert (result.documents_removed, result.chunks_removed, result.entities_removed) == (
            1,
            0,
            0,
        )
        (c1,) = await store.aget_chunks([g.c1.id])
        (alice,) = await store.aget_entities([g.alice.id])
        assert c1.node_sets == () and c1.document_ids == (g.d1.document.id,)
        assert alice.node_sets == ()

    @pytest.mark.asyncio
    async def test_forget_selects_by_document_and_session(self, store: GraphStore) -> None:
        g = SmallGraph()
        chat = chunk_op("Alice chats.")
        session = doc_op([chat], "chat", session_id="s1", message_ids=("m1",))
        await store.aapply([*g.ops, chat, session])

        nothing = await store.aapply([Forget(DS, session_id="no-such-session")])
        assert nothing.documents_removed == 0 and await store.acurrent_revision() == 1
        await store.aapply([Forget(DS, session_id="s1")])
        assert await store.aexisting_ids(RecordKind.CHUNK, [chat.id, g.c1.id]) == {g.c1.id}
        await store.aapply([Forget(DS, document_id=g.d1.document.id)])
        assert [d.id for d in await store.alist_documents(DS)] == [g.d2.document.id]
        await store.aapply([Forget(DS)])
        assert (await store.astats()).datasets[DS].entities == 0
        assert not await store.ahas_graph_data(DS)

    @pytest.mark.asyncio
    async def test_forget_in_the_same_batch_as_the_puts_it_undoes(self, store: GraphStore) -> None:
        g = SmallGraph()
        result = await store.aapply([*g.ops, Forget(DS, node_set="news")])
        assert (result.documents_added, result.documents_removed) == (2, 1)
        assert await store.aexisting_ids(RecordKind.ENTITY, [g.alice.id, g.bob.id]) == {g.alice.id}
        (acme,) = await store.aget_entities([g.acme.id])
        assert acme.node_sets == () and acme.chunk_ids == (g.c1.id,)

    # -- revisions and changes ------------------------------------------------------------------
    @pytest.mark.asyncio
    async def test_changes_since_reports_upserts_and_deletions(self, store: GraphStore) -> None:
        g = SmallGraph()
        await store.aapply(g.ops)
        everything = await store.achanges_since(0)
        assert everything.upserted[RecordKind.RELATION] == {g.leads.id, g.joined.id}
        await store.aapply([Forget(DS, node_set="news")])

        changes = await store.achanges_since(1)
        assert changes.revision == 2
        assert changes.deleted[RecordKind.ENTITY] == {g.bob.id}
        assert changes.deleted[RecordKind.RELATION] == {g.joined.id}
        assert changes.deleted[RecordKind.CHUNK] == {g.c2.id}
        assert changes.deleted[RecordKind.DOCUMENT] == {g.d2.document.id}
        assert g.acme.id in changes.upserted[RecordKind.ENTITY]
        assert (await store.achanges_since(2)).upserted[RecordKind.ENTITY] == frozenset()

        await store.aapply(g.ops)  # back again: upserted, no longer deleted
        back = await store.achanges_since(1)
        assert g.bob.id in back.upserted[RecordKind.ENTITY]
        assert back.deleted[RecordKind.ENTITY] == frozenset()

    @pytest.mark.asyncio
    async def test_a_document_changes_the_stored_chunks_it_links_only_when_it_changes_their_record(
        self, store: GraphStore
    ) -> None:
        # Every index re-reads what the change feed names: a plain document made of stored
        # chunks must not name them; one that adds a node set or a session must.
        g = SmallGraph()
        await store.aapply(g.ops)
        revision = await store.acurrent_revision()
        await store.aapply([doc_op([g.c1], "again", created_at=3.0)])
        assert (await store.achanges_since(revision)).upserted[RecordKind.CHUNK] == frozenset()
        before = (await store.aread_records(TextKind.CHUNK, [DS], ids=[g.c1.id]))[0]

        revision = await store.acurrent_revision()
        await store.aapply([doc_op([g.c1], "chat", created_at=4.0, session_id="s1")])
        assert (await store.achanges_since(revision)).upserted[RecordKind.CHUNK] == {g.c1.id}
        after = (await store.aread_records(TextKind.CHUNK, [DS], ids=[g.c1.id]))[0]
        assert (before.session_ids, after.session_ids) == ((), ("s1",))

        revision = await store.acurrent_revision()
        await store.aapply([doc_op([g.c1], "tagged", node_set="notes", created_at=5.0)])
        assert (await store.achanges_since(revision)).upserted[RecordKind.CHUNK] == {g.c1.id}

    @pytest.mark.asyncio
    async def test_next_revision_waits_for_a_commit_until_its_timeout(
        self, store: GraphStore
    ) -> None:
        g = SmallGraph()
        await store.aapply(g.ops)
        revision = await store.acurrent_revision()
        assert await store.anext_revision(revision - 1, 5.0) == revision  # past it: at once
        started = time.monotonic()
        assert await store.anext_revision(revision, 0.2) == revision
        assert time.monotonic() - started >= 0.15

        async def write() -> None:
            await asyncio.sleep(0.1)
            await store.aapply([doc_op([g.c1], "tagged", node_set="notes", created_at=5.0)])

        writing = asyncio.ensure_future(write())
        started = time.monotonic()
        assert await store.anext_revision(revision, 10.0) == revision + 1
        assert time.monotonic() - started < 5.0
        await writing
        for after, timeout in ((-1, 1.0), (revision, -1.0), (revision, float("nan"))):
            with pytest.raises(InvalidInputError):
                await store.anext_revision(after, timeout)

    # -- datasets and permissions ---------------------------------------------------------------
    @pytest.mark.asyncio
    async def test_permissions_are_checked_inside_the_transaction(self, store: GraphStore) -> None:
        await store.aapply([create("owner"), chunk_op("x")])
        with pytest.raises(PermissionDeniedError):
            await store.aapply([create("intruder"), chunk_op("y")])
        with pytest.raises(InvalidInputError, match="Unknown dataset"):
            await store.aapply([RequirePermission("missing", "owner", Permission.READ)])
        assert await store.aexisting_ids(RecordKind.CHUNK, [chunk_op("y").id]) == set()
        (info,) = await store.alist_datasets()
        assert (info.name, info.owner_id, dict(info.grants)) == (DS, "owner", {})

    @pytest.mark.asyncio
    async def test_grants_and_revocations(self, store: GraphStore) -> None:
        await store.aapply([create("owner")])
        await store.aapply([grant_op("ann", P.SHARE), grant_op("ann", P.READ)])
        await store.aapply([grant_op("bob", P.READ, by="ann")])  # a sharer passes on what it has
        assert await _rights(store) == {"ann": {P.SHARE, P.READ}, "bob": {P.READ}}
        info = await store.aget_dataset(DS)
        assert info is not None and info.allows("bob", P.READ)
        assert not info.allows("bob", P.WRITE)
        with pytest.raises(InvalidInputError, match="Unknown dataset"):
            await store.aapply([grant_op("bob", P.READ, dataset="missing")])
        revision = await store.acurrent_revision()
        await store.aapply([grant_op("owner", P.READ)])  # owners hold it already
        await store.aapply([grant_op("owner", P.READ, by="ann")])
        await store.aapply([grant_op("bob", P.READ)])  # held already
        await store.aapply([grant_op("cat", P.READ, granted=False)])  # never held
        assert await store.acurrent_revision() == revision
        await store.aapply([grant_op("bob", P.READ, granted=False)])
        assert await _rights(store) == {"ann": {P.SHARE, P.READ}}

    @pytest.mark.asyncio
    @pytest.mark.parametrize("permission", list(Permission))
    async def test_a_sharer_cannot_grant_itself_anything(
        self, store: GraphStore, permission: Permission
    ) -> None:
        g = SmallGraph()
        await store.aapply([*g.ops, grant_op("ann", P.SHARE)])
        revision = await store.acurrent_revision()
        with pytest.raises(PermissionDeniedError, match=f"its own '{permission.value}'"):
            await store.aapply([grant_op("ann", permission, by="ann"), Forget(DS)])
        with pytest.raises(PermissionDeniedError, match="its own"):  # nor revoke its own
            await store.aapply([grant_op("ann", P.SHARE, by="ann", granted=False)])
        assert await _rights(store) == {"ann": {P.SHARE}}
        assert await store.acurrent_revision() == revision
        assert len(await store.alist_documents(DS)) == 2  # the owner's data survives

    @pytest.mark.asyncio
    @pytest.mark.parametrize("permission", [P.READ, P.WRITE, P.DELETE])
    async def test_a_sharer_grants_only_what_it_holds(
        self, store: GraphStore, permission: Permission
    ) -> None:
        g = SmallGraph()
        await store.aapply([*g.ops, grant_op("ann", P.SHARE)])
        with pytest.raises(PermissionDeniedError, match=f"lacks '{permission.value}'") as denied:
            await store.aapply([grant_op("bob", permission, by="ann")])
        assert (denied.value.user_id, denied.value.permission) == ("ann", permission.value)
        # ... so the third user cannot use it, nor can the two together escalate
        with pytest.raises(PermissionDeniedError):
            await store.aapply([RequirePermission(DS, "bob", permission), Forget(DS)])
        await store.aapply([grant_op("bob", P.SHARE, by="ann")])  # share itself passes on
        with pytest.raises(PermissionDeniedError, match=f"lacks '{permission.value}'"):
            await store.aapply([grant_op("ann", permission, by="bob")])
        assert await _rights(store) == {"ann": {P.SHARE}, "bob": {P.SHARE}}
        assert len(await store.alist_documents(DS)) == 2

        await store.aapply([grant_op("ann", permission)])  # from the owner it works
        await store.aapply([grant_op("cat", permission, by="ann")])
        await store.aapply([RequirePermission(DS, "cat", permission)])

    @pytest.mark.asyncio
    async def test_nobody_revokes_or_changes_the_owner(self, store: GraphStore) -> None:
        await store.aapply([create("owner"), *(grant_op("ann", p) for p in Permission)])
        revision = await store.acurrent_revision()
        for by in ("owner", "ann"):
            for permission in Permission:
                with pytest.raises(InvalidInputError, match="owns dataset 'ds'"):
                    await store.aapply([grant_op("owner", permission, by=by, granted=False)])
        with pytest.raises(PermissionDeniedError, match="lacks 'share'"):
            await store.aapply([grant_op("owner", P.READ, by="eve", granted=False)])
        await store.aapply([grant_op("ann", P.DELETE, granted=False)])
        with pytest.raises(PermissionDeniedError, match="lacks 'delete'"):
            await store.aapply([grant_op("owner", P.DELETE, by="ann")])
        info = await store.aget_dataset(DS)
        assert info is not None and info.owner_id == "owner" and "owner" not in info.grants
        assert all(info.allows("owner", p) for p in Permission)
        assert await store.acurrent_revision() == revision + 1

    @pytest.mark.asyncio
    async def test_a_sharer_revokes_only_what_it_holds(self, store: GraphStore) -> None:
        await store.aapply([create("owner"), grant_op("ann", P.SHARE), grant_op("ann", P.READ)])
        await store.aapply([grant_op("bob", p) for p in Permission])
        for permission in (P.WRITE, P.DELETE):
            with pytest.raises(PermissionDeniedError, match=f"lacks '{permission.value}'"):
                await store.aapply([grant_op("bob", permission, by="ann", granted=False)])
        await store.aapply([grant_op("bob", P.READ, by="ann", granted=False)])
        await store.aapply([grant_op("bob", P.SHARE, by="ann", granted=False)])
        assert await _rights(store) == {"ann": {P.SHARE, P.READ}, "bob": {P.WRITE, P.DELETE}}
        # bob, no longer a sharer, cannot strike back
        with pytest.raises(PermissionDeniedError, match="lacks 'share'"):
            await store.aapply([grant_op("ann", P.SHARE, by="bob", granted=False)])

    @pytest.mark.asyncio
    async def test_a_revoked_user_cannot_grant_itself_back(self, store: GraphStore) -> None:
        g = SmallGraph()
        await store.aapply([*g.ops, *(grant_op("ann", p) for p in Permission)])
        await store.aapply([grant_op("ann", P.DELETE, granted=False)])
        with pytest.raises(PermissionDeniedError, match="its own 'delete'"):
            await store.aapply([grant_op("ann", P.DELETE, by="ann")])
        await store.aapply([grant_op("ann", P.SHARE, granted=False)])
        for permission in Permission:
            with pytest.raises(PermissionDeniedError, match="lacks 'share'"):
                await store.aapply([grant_op("ann", permission, by="ann")])
            with pytest.raises(PermissionDeniedError, match="lacks 'share'"):
                await store.aapply([grant_op("bob", permission, by="ann")])
        with pytest.raises(PermissionDeniedError, match="lacks 'delete'"):
            await store.aapply([RequirePermission(DS, "ann", P.DELETE), Forget(DS)])
        assert await _rights(store) == {"ann": {P.READ, P.WRITE}}
        assert len(await store.alist_documents(DS)) == 2

    @pytest.mark.asyncio
    @pytest.mark.parametrize("held", [(), (P.READ, P.WRITE, P.DELETE)])
    async def test_granting_needs_share(
        self, store: GraphStore, held: tuple[Permission, ...]
    ) -> None:
        await store.aapply([create("owner"), *(grant_op("eve", p) for p in held)])
        for permission in Permission:
            for target in ("eve", "bob"):
                for granted in (True, False):
                    with pytest.raises(PermissionDeniedError, match="lacks 'share'") as denied:
                        await store.aapply([grant_op(target, permission, "eve", granted)])
                    assert (denied.value.user_id, denied.value.permission) == ("eve", "share")
        assert await _rights(store) == ({"eve": set(held)} if held else {})

    @pytest.mark.asyncio
    @pytest.mark.parametrize("permission", ["admin", "", "READ", None, 3])
    async def test_unknown_permissions_are_invalid(
        self, store: GraphStore, permission: Any
    ) -> None:
        await store.aapply([create("owner"), grant_op("ann", P.SHARE)])
        for by, granted in (("owner", True), ("owner", False), ("ann", True)):
            with pytest.raises(InvalidInputError, match="Unknown permission"):
                await store.aapply([SetGrant(DS, "bob", permission, granted, by)])
        with pytest.raises(InvalidInputError, match="Unknown permission"):
            await store.aapply([RequirePermission(DS, "owner", permission)])
        assert await _rights(store) == {"ann": {P.SHARE}}

    @settings(max_examples=60, deadline=None, suppress_health_check=_HEALTH)
    @given(start=_start_rights, calls=st.lists(_grant_calls, max_size=25))
    def test_no_right_appears_that_the_owner_did_not_pass_on(
        self,
        store: GraphStore,
        start: dict[str, set[Permission]],
        calls: list[tuple[str, str, Permission, bool]],
    ) -> None:
        """From any sequence of grants and revocations by anyone, every right a non-owner holds
        was granted by the owner or by a sharer holding it (a chain back to the owner)."""
        ds = f"g{uuid.uuid4().hex[:12]}"
        firsts = [grant_op(u, p, dataset=ds) for u, perms in start.items() for p in perms]
        store.apply([create("owner", dataset=ds), *firsts])
        held = {user: set(perms) for user, perms in start.items()}  # the model: non-owners
        for by, target, permission, granted in calls:
            mine = held.get(by, set())
            allowed = by == "owner" or (P.SHARE in mine and permission in mine and target != by)
            revokes_owner = target == "owner" and not granted
            before = store.get_dataset(ds)
            assert before is not None
            try:
                store.apply([SetGrant(ds, target, permission, granted, by)])
            except PermissionDeniedError:
                assert not allowed, (by, target, permission, granted)
            except InvalidInputError:
                assert allowed and revokes_owner, (by, target, permission, granted)
            else:
                assert allowed and not revokes_owner, (by, target, permission, granted)
                # what the store let happen: the owner, or a sharer with the right, for another
                if by != "owner":
                    assert target != by
                    assert permission in before.grants[by] and P.SHARE in before.grants[by]
                if target != "owner":
                    rights = held.setdefault(target, set())
                    (rights.add if granted else rights.discard)(permission)
            info = store.get_dataset(ds)
            assert info is not None and info.owner_id == "owner"
            assert {u: set(p) for u, p in info.grants.items()} == {
                u: p for u, p in held.items() if p
            }

    @pytest.mark.asyncio
    async def test_datasets_are_listed_by_name(self, store: GraphStore) -> None:
        for name in ("b", "c", "a"):
            await store.aapply([create("owner", dataset=name)])
        assert [d.name for d in await store.alist_datasets()] == ["a", "b", "c"]
        assert [d.name for d in await store.aget_datasets(["c", "zz", "a"])] == ["a", "c"]
        assert await store.aget_dataset("zz") is None

    # -- reads ----------------------------------------------------------------------------------
    @pytest.mark.asyncio
    async def test_an_empty_store_reads_as_empty(self, store: GraphStore) -> None:
        assert await store.acurrent_revision() == 0
        assert await store.alist_datasets() == []
        assert (await store.astats()).datasets == {}
        assert await store.aread_records(TextKind.CHUNK, [DS]) == []
        assert await store.aget_records(RecordKind.ENTITY, ["x"]) == []
        assert await store.alinks(Link.CHUNKS, ["x"]) == {"x": []}
        assert not await store.ahas_graph_data(DS)
        snapshot = await store.asnapshot([DS])
        assert (snapshot.nodes, snapshot.edges, snapshot.total_nodes) == ([], [], 0)

    @pytest.mark.asyncio
    async def test_records_come_in_the_order_asked(self, store: GraphStore) -> None:
        g = SmallGraph()
        await store.aapply(g.ops)
        asked = [g.bob.id, "unknown", g.alice.id, g.bob.id]
        found = await store.aget_records(RecordKind.ENTITY, asked)
        assert [r.id for r in found] == [g.bob.id, g.alice.id]
        docs = await store.aget_documents([g.d2.document.id, g.d1.document.id])
        assert docs == [g.d2.document, g.d1.document]
        assert await store.aget_chunks([g.alice.id]) == []  # ids of another kind are unknown

    @pytest.mark.asyncio
    async def test_read_records_filters_and_pages(self, store: GraphStore) -> None:
        g = SmallGraph()
        await store.aapply(g.ops)
        everything = [r async for r in store.aiter_records(TextKind.CHUNK, [DS])]
        paged = [r async for r in store.aiter_records(TextKind.CHUNK, [DS], page_size=1)]
        assert [r.id for r in paged] == [r.id for r in everything] == sorted(r.id for r in paged)
        (first,) = await store.aread_records(TextKind.CHUNK, [DS], limit=1)
        rest = await store.aread_records(TextKind.CHUNK, [DS], after_id=first.id)
        assert [first.id, *(r.id for r in rest)] == [r.id for r in everything]

        news = await store.aread_records(TextKind.CHUNK, [DS], node_sets=["news"])
        assert [r.text for r in news] == ["Bob joined Acme."]
        summaries = await store.aread_records(TextKind.SUMMARY, [DS])
        assert [r.text for r in summaries] == ["Alice leads."]  # empty summaries: no record
        chosen = await store.aread_records(TextKind.ENTITY, [DS], ids=[g.bob.id, "unknown"])
        assert [r.text for r in chosen] == ["Bob"]
        assert await store.aread_records(TextKind.FACT, ["other"]) == []
        no_vectors = await store.aread_records(TextKind.FACT, [DS], with_vectors=False)
        assert len(no_vectors) == 2 and all(r.vector is None for r in no_vectors)
        facts = await store.aread_records(TextKind.FACT, [DS])
        assert all(r.vector is not None and r.vector.shape == (8,) for r in facts)

        revision = await store.acurrent_revision()
        c3 = chunk_op("Carol founded Zeta.")
        await store.aapply([c3, doc_op([c3], "3")])
        newer = await store.aread_records(TextKind.CHUNK, [DS], since_revision=revision)
        assert [(r.text, r.revision) for r in newer] == [("Carol founded Zeta.", revision + 1)]

    @pytest.mark.asyncio
    async def test_records_carry_their_links_and_provenance(self, store: GraphStore) -> None:
        g = SmallGraph()
        session_chunk = chunk_op("Alice leads Acme again.")
        session_doc = doc_op([session_chunk], "chat", session_id="s1", message_ids=("m1", "m2"))
        alias = replace(g.acme, name="ACME", mentions=(EntityMention(session_chunk.id, "ACME"),))
        await store.aapply([*g.ops, session_chunk, session_doc, alias])

        (chunk,) = await store.aread_records(TextKind.CHUNK, [DS], ids=[g.c2.id])
        assert chunk.entity_ids == (g.bob.id, g.acme.id) and chunk.chunk_ids == ()
        (summary,) = await store.aread_records(TextKind.SUMMARY, [DS])
        assert summary.chunk_ids == (g.c1.id,) and summary.entity_ids == (g.alice.id, g.acme.id)
        (fact,) = await store.aread_records(TextKind.FACT, [DS], ids=[g.leads.id])
        assert fact.entity_ids == (g.alice.id, g.acme.id) and fact.chunk_ids == (g.c1.id,)
        assert fact.text == "Alice leads Acme."
        (acme,) = await store.aread_records(TextKind.ENTITY, [DS], ids=[g.acme.id])
        assert acme.aliases == ("ACME",) and acme.entity_ids == ()
        assert acme.node_sets == frozenset({"news"})
        (chat,) = await store.aread_records(TextKind.CHUNK, [DS], ids=[session_chunk.id])
        assert (chat.session_ids, chat.message_ids) == (("s1",), ("m1", "m2"))
        (entity,) = await store.aget_entities([g.acme.id])
        assert (entity.session_ids, entity.message_ids) == (("s1",), ("m1", "m2"))

    @pytest.mark.asyncio
    async def test_list_documents_filters_oldest_first(self, store: GraphStore) -> None:
        g = SmallGraph()
        chat = chunk_op("Alice chats.")
        session = doc_op([chat], "chat", node_set="news", session_id="s1", created_at=3.0)
        await store.aapply([*g.ops, chat, session])
        ids = [d.id for d in await store.alist_documents(DS)]
        assert ids == [g.d1.document.id, g.d2.document.id, session.document.id]
        news = await store.alist_documents(DS, node_set="news")
        assert [d.name for d in news] == ["two", "chat"]
        assert [d.name for d in await store.alist_documents(DS, session_id="s1")] == ["chat"]
        assert await store.alist_documents(DS, node_set="news", session_id="s2") == []
        assert await store.alist_documents("other") == []

    @pytest.mark.asyncio
    async def test_links_follow_documents_relations_and_mentions(self, store: GraphStore) -> None:
        g = SmallGraph()
        await store.aapply(g.ops)
        docs = await store.alinks(Link.DOCUMENTS, [DS, "other"])
        assert docs == {DS: [g.d1.document.id, g.d2.document.id], "other": []}
        news = await store.alinks(Link.DOCUMENTS, [DS], node_sets=["news"])
        assert news == {DS: [g.d2.document.id]}
        relations = await store.alinks(Link.RELATIONS, [g.acme.id, g.bob.id, "x"])
        assert sorted(relations[g.acme.id]) == sorted([g.leads.id, g.joined.id])
        assert relations[g.bob.id] == [g.joined.id] and relations["x"] == []
        assert await store.achunks_of_entities([g.acme.id]) == {g.acme.id: [g.c1.id, g.c2.id]}
        assert await store.aentities_of_chunks([g.c2.id]) == {g.c2.id: [g.bob.id, g.acme.id]}
        in_news = await store.alinks(Link.CHUNKS, [g.acme.id], node_sets=["news"])
        assert in_news == {g.acme.id: [g.c2.id]}
        in_news = await store.alinks(Link.ENTITIES, [g.c1.id], node_sets=["news"])
        assert in_news == {g.c1.id: [g.acme.id]}

    @pytest.mark.asyncio
    async def test_entity_lookups(self, store: GraphStore) -> None:
        g = SmallGraph()
        await store.aapply(g.ops)
        found = await store.afind_entities(DS, ["alice", "nobody"])
        assert list(found) == ["alice"] and found["alice"].type == "Person"
        assert await store.afind_entities("other", ["alice"]) == {}
        assert [r.name for r in await store.aentity_candidates(DS, ["bob", "zzz"])] == ["Bob"]
        matches = await store.alookup_entities(
            DS, keys=["acme"], token_groups=[["alice"], ["zzz"], ["acme", "bob"]], limit=5
        )
        assert matches.by_key["acme"].id == g.acme.id
        assert [[r.name for r in refs] for refs in matches.candidates] == [
            ["Alice"],
            [],
            sorted(["Acme", "Bob"], key=lambda n: content_id("entity", DS, n.lower())),
        ]
        assert set(matches.vectors) == {g.alice.id, g.acme.id, g.bob.id}
        assert all(np.isclose(np.linalg.norm(v), 1.0) for v in matches.vectors.values())
        (one,) = (
            await store.alookup_entities(DS, token_groups=[["acme", "bob"]], limit=1)
        ).candidates
        assert len(one) == 1
        vectors = await store.aget_vectors(TextKind.ENTITY, [g.bob.id])
        assert g.bob.vector is not None
        assert np.allclose(vectors[g.bob.id], _unit(g.bob.vector))

    @pytest.mark.asyncio
    async def test_stats_and_snapshot(self, store: GraphStore) -> None:
        g = SmallGraph()
        await store.aapply(g.ops)
        stats = await store.astats()
        ds = stats.datasets[DS]
        assert (ds.documents, ds.chunks, ds.entities, ds.relations) == (2, 2, 3, 2)
        assert ds.node_sets["news"].documents == 1 and ds.node_sets["news"].entities == 2
        assert (stats.documents, stats.relations) == (2, 2)
        assert (await store.astats(["other"])).datasets == {}
        assert await store.ahas_graph_data(DS) and not await store.ahas_graph_data("other")

        snapshot = await store.asnapshot([DS], max_nodes=2)
        assert snapshot.nodes[0].name == "Acme" and snapshot.nodes[0].degree == 2
        assert snapshot.nodes[0].node_sets == frozenset({"news"})
        assert (snapshot.total_nodes, snapshot.total_edges) == (3, 2)
        assert len(snapshot.nodes) == 2 and len(snapshot.edges) == 1
        whole = await store.asnapshot([DS], max_nodes=None)
        assert len(whole.nodes) == 3
        assert {e.relation_id for e in whole.edges} == {g.leads.id, g.joined.id}
        assert (await store.asnapshot(["other"])).total_nodes == 0

    @pytest.mark.asyncio
    async def test_to_networkx_exports_entities_and_relations(self, store: GraphStore) -> None:
        g = SmallGraph()
        await store.aapply(g.ops)
        graph = await store.ato_networkx([DS])
        assert graph.number_of_nodes() == 3 and graph.number_of_edges() == 2
        assert graph.nodes[g.acme.id] == {
            "name": "Acme",
            "type": "Org",
            "dataset": DS,
            "node_sets": ["news"],
        }
        assert graph.edges[g.alice.id, g.acme.id, g.leads.id] == {"predicate": "leads"}
        assert graph.has_edge(g.bob.id, g.acme.id) and not graph.has_edge(g.acme.id, g.bob.id)
        assert (await store.ato_networkx(["other"])).number_of_nodes() == 0

    # -- arguments ------------------------------------------------------------------------------
    @pytest.mark.asyncio
    async def test_bad_arguments_are_invalid_input(self, store: GraphStore) -> None:
        await store.aapply(SmallGraph().ops)
        with pytest.raises(InvalidInputError):
            await _alist(store.aiter_records(TextKind.CHUNK, [DS], page_size=0))
        with pytest.raises(InvalidInputError):
            list(store.iter_records(TextKind.CHUNK, [DS], page_size=0))
        with pytest.raises(InvalidInputError):
            await store.aread_records(TextKind.CHUNK, [DS], limit=-1)
        with pytest.raises(InvalidInputError):
            await store.asnapshot([DS], max_nodes=0)
        with pytest.raises(InvalidInputError):
            await store.achanges_since(-1)
        with pytest.raises(InvalidInputError):
            await store.alookup_entities(DS, token_groups=[["acme"]], limit=-1)

    # -- sync twins -----------------------------------------------------------------------------
    def test_sync_twins_agree_with_async(self, store: GraphStore) -> None:
        g = SmallGraph()
        assert store.apply(g.ops[:5]).revision == 1  # the sync write path
        assert run_sync(store.aapply(g.ops[5:])).revision == 2
        other = chunk_op("Elsewhere.", dataset="other")
        store.apply([create(dataset="other"), other, doc_op([other], "o", dataset="other")])
        ids, chunk_ids, doc_id = [g.acme.id, g.bob.id], [g.c1.id, g.c2.id], g.d1.document.id
        # (method, positional arguments, keyword arguments): ``name`` vs ``aname``
        calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
            ("current_revision", (), {}),
            ("list_datasets", (), {}),
            ("get_datasets", (["other", "x"],), {}),
            ("get_dataset", (DS,), {}),
            *[("get_records", (kind, [*ids, *chunk_ids, doc_id]), {}) for kind in RecordKind],
            ("get_documents", ([doc_id],), {}),
            ("get_chunks", (chunk_ids,), {}),
            ("get_entities", (ids,), {}),
            ("get_relations", ([g.leads.id],), {}),
            ("existing_ids", (RecordKind.CHUNK, chunk_ids), {}),
            ("list_documents", (DS,), {"node_set": "news"}),
            *[("read_records", (kind, [DS]), {"node_sets": ["news"]}) for kind in TextKind],
            ("read_records", (TextKind.FACT, [DS]), {"since_revision": 1}),
            ("read_records", (TextKind.FACT, [DS]), {"limit": 1, "with_vectors": False}),
            ("iter_records", (TextKind.FACT, [DS]), {"page_size": 1}),
            ("changes_since", (2,), {}),
            *[("links", (link, [DS, *ids, *chunk_ids]), {}) for link in Link],
            ("lookup_entities", (DS,), {"keys": ["bob"], "token_groups": [["acme"]]}),
            ("find_entities", (DS, ["bob"]), {}),
            ("entity_candidates", (DS, ["acme"]), {}),
            ("get_vectors", (TextKind.ENTITY, ids), {}),
            ("neighbors", (ids,), {"node_sets": ["news"]}),
            ("chunks_of_entities", (ids,), {}),
            ("entities_of_chunks", (chunk_ids,), {}),
            ("stats", ([DS],), {}),
            ("snapshot", ([DS],), {"max_nodes": 2}),
            ("has_graph_data", ("other",), {}),
        ]
        for name, args, kwargs in calls:
            result = getattr(store, name)(*args, **kwargs)
            twin = getattr(store, f"a{name}")(*args, **kwargs)
            if name == "iter_records":
                result, twin = list(result), _alist(twin)
            assert _comparable(result) == _comparable(run_sync(twin)), name
        graph = store.to_networkx([DS])
        agraph = run_sync(store.ato_networkx([DS]))
        assert list(graph.nodes(data=True)) == list(agraph.nodes(data=True))
        assert list(graph.edges(keys=True, data=True)) == list(agraph.edges(keys=True, data=True))

    # -- round trips ----------------------------------------------------------------------------
    @settings(max_examples=40, deadline=None, suppress_health_check=_HEALTH)
    @given(
        text=st.text(min_size=1, max_size=200),
        name=st.none() | st.text(max_size=40),
        node_set=st.none() | _names,
        message_ids=st.lists(st.text(min_size=1, max_size=10), max_size=4),
        metadata=st.dictionaries(
            st.text(max_size=10),
            st.recursive(
                st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=20),
                lambda inner: (
                    st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=8), inner, max_size=3)
                ),
                max_leaves=8,
            ),
            max_size=4,
        ),
    )
    def test_documents_and_chunks_round_trip(
        self,
        store: GraphStore,
        text: str,
        name: str | None,
        node_set: str | None,
        message_ids: list[str],
        metadata: dict[str, Any],
    ) -> None:
        ds = f"d{uuid.uuid4().hex[:12]}"
        chunk = chunk_op(text, summary=text[::-1], dataset=ds)
        document = SourceDocument(
            id=content_id("document", ds, "doc"),
            dataset=ds,
            created_at=1.5,
            name=name,
            node_set=node_set,
            session_id="s",
            message_ids=tuple(message_ids),
            metadata=metadata,
            chunk_ids=(chunk.id, chunk.id),
            length=len(text),
        )
        store.apply([create(dataset=ds), chunk, PutDocument(document)])
        assert store.get_documents([document.id]) == [document]
        (stored,) = store.get_chunks([chunk.id])
        assert (stored.dataset, stored.text, stored.summary) == (ds, text, text[::-1])
        assert stored.node_sets == (() if node_set is None else (node_set,))
        assert stored.document_ids == (document.id,) and stored.session_ids == ("s",)
        assert stored.message_ids == tuple(dict.fromkeys(message_ids))
        (record,) = store.read_records(TextKind.CHUNK, [ds])
        assert record.text == text and record.vector is not None
        assert np.allclose(record.vector, _unit(chunk.vector), atol=1e-6)

    @settings(max_examples=40, deadline=None, suppress_health_check=_HEALTH)
    @given(
        source=_names,
        target=_names,
        alias=_names,
        type_=_names,
        predicate=_names,
        description=st.text(max_size=60),
        vector=st.lists(
            st.floats(-1e3, 1e3, allow_nan=False, width=32), min_size=8, max_size=8
        ).filter(lambda v: any(abs(x) > 1e-3 for x in v)),
    )
    def test_entities_and_relations_round_trip(
        self,
        store: GraphStore,
        source: str,
        target: str,
        alias: str,
        type_: str,
        predicate: str,
        description: str,
        vector: list[float],
    ) -> None:
        ds = f"e{uuid.uuid4().hex[:12]}"
        c1, c2 = chunk_op("first", dataset=ds), chunk_op("second", dataset=ds)
        src = PutEntity(
            id=content_id("entity", ds, "source"),
            dataset=ds,
            name=source,
            type=type_,
            vector=np.asarray(vector, dtype=np.float32),
            keys=("k",),
            tokens=("t",),
            mentions=(EntityMention(c1.id, source, description), EntityMention(c2.id, alias)),
        )
        dst = replace(entity_op("target", c2, dataset=ds), name=target)
        rel = replace(
            relation_op(src, "p", dst, c2),
            predicate=predicate,
            mentions=(RelationMention(c2.id, description),),
        )
        store.apply([create(dataset=ds), c1, c2, doc_op([c1, c2], "d", dataset=ds), src, dst, rel])

        (entity,) = store.get_entities([src.id])
        assert (entity.name, entity.type, entity.dataset) == (source, type_, ds)
        assert entity.description == description
        assert entity.aliases == (() if alias == source else (alias,))
        assert entity.chunk_ids == (c1.id, c2.id)
        (relation,) = store.get_relations([rel.id])
        assert (relation.source_id, relation.target_id) == (src.id, dst.id)
        assert (relation.source_name, relation.predicate, relation.target_name) == (
            source,
            predicate,
            target,
        )
        assert relation.description == description and relation.chunk_ids == (c2.id,)
        (record,) = store.read_records(TextKind.ENTITY, [ds], ids=[src.id])
        assert record.text == source and record.vector is not None
        assert np.allclose(record.vector, _unit(np.asarray(vector)), atol=1e-5)
        assert store.find_entities(ds, ["k"])["k"] == (src.id, source, type_)

    # -- session messages stored once, concurrent forgets, ownership ----------------------------
    @pytest.mark.asyncio
    async def test_documents_record_their_user(self, store: GraphStore) -> None:
        c = chunk_op("alice said hi")
        d = doc_op([c], "alice s1", node_set="sessions", session_id="s1", user_id="alice")
        legacy = doc_op([c], "legacy s1", node_set="sessions", session_id="s1")
        await store.aapply([create(), c, d, legacy])
        (stored,) = await store.aget_documents([d.document.id])
        assert stored.user_id == "alice"
        (old,) = await store.aget_documents([legacy.document.id])
        assert old.user_id is None
        mine = await store.alist_documents(DS, session_id="s1", user_id="alice")
        assert [x.id for x in mine] == [d.document.id]
        assert len(await store.alist_documents(DS, session_id="s1")) == 2

    @pytest.mark.asyncio
    async def test_forget_by_user_leaves_other_users_sessions(self, store: GraphStore) -> None:
        ca, cb = chunk_op("alice turn"), chunk_op("bob turn")
        da = doc_op([ca], "a", node_set="sessions", session_id="s1", user_id="alice")
        db = doc_op([cb], "b", node_set="sessions", session_id="s1", user_id="bob")
        await store.aapply([create(), ca, cb, da, db])

        gone = await store.aapply([Forget(DS, session_id="s1", user_id="alice")])
        assert (gone.documents_removed, gone.chunks_removed) == (1, 1)
        assert [d.user_id for d in await store.alist_documents(DS)] == ["bob"]
        assert await store.aget_chunks([cb.id]) and not await store.aget_chunks([ca.id])

    @pytest.mark.asyncio
    async def test_claimed_messages_are_stored_once(self, store: GraphStore) -> None:
        c1, c2 = chunk_op("q1 a1"), chunk_op("q1 a1 q2 a2")
        d1 = doc_op([c1], "first", session_id="s1", user_id="u")
        d2 = doc_op([c2], "second", session_id="s1", user_id="u")
        claim1 = ClaimMessages(DS, "u", "s1", d1.document.id, ("k1", "k2"))
        claim2 = ClaimMessages(DS, "u", "s1", d2.document.id, ("k1", "k2", "k3", "k4"))
        first = await store.aapply([create(), claim1, c1, d1])
        assert first.documents_added == 1

        # A second run that read the same messages as new: the whole write fails, nothing moves.
        with pytest.raises(WriteConflictError) as failed:
            await store.aapply([create(), claim2, c2, d2])
        assert failed.value.claimed and failed.value.retryable
        assert await store.acurrent_revision() == first.revision
        assert not await store.aget_documents([d2.document.id])
        assert not await store.aget_chunks([c2.id])

        # Claiming again for the same document is a no-op; other users and sessions are apart.
        again = await store.aapply([create(), claim1, c1, d1])
        assert again.revision == first.revision
        for user, session in (("other", "s1"), ("u", "s2")):
            c = chunk_op(f"{user} {session}")
            d = doc_op([c], f"{user}/{session}", session_id=session, user_id=user)
            claim = ClaimMessages(DS, user, session, d.document.id, ("k1", "k2"))
            assert (await store.aapply([create(), claim, c, d])).documents_added == 1

        # Forgetting a document releases its claims: its messages may be stored again.
        await store.aapply([Forget(DS, document_id=d1.document.id)])
        assert (await store.aapply([create(), claim2, c2, d2])).documents_added == 1

    @pytest.mark.asyncio
    async def test_a_write_linking_what_a_forget_removed_is_a_retryable_conflict(
        self, store: GraphStore
    ) -> None:
        g = SmallGraph()
        await store.aapply(g.ops)
        # Planned while the chunks and entities were stored: links them, merges into them.
        later = doc_op([g.c1], "later")
        merge = replace(g.acme, vector=None, mentions=(EntityMention(g.c1.id, "ACME"),))
        await store.aapply([Forget(DS)])
        revision = await store.acurrent_revision()
        batches: list[list[WriteOp]] = [[create(), later], [create(), g.c1, later, merge]]
        for ops in batches:
            with pytest.raises(WriteConflictError, match="forgotten meanwhile") as failed:
                await store.aapply(ops)
            assert not failed.value.claimed and failed.value.retryable
        assert await store.acurrent_revision() == revision
        # A record never written is still the caller's mistake.
        with pytest.raises(InvalidInputError):
            await store.aapply([create(), doc_op([chunk_op("never stored")], "x")])

    @pytest.mark.asyncio
    async def test_items_keep_values_and_forget_documents_no_item_points_at(
        self, store: GraphStore
    ) -> None:
        """Key-value items (optional, for ``GraphMemoryStore``): values kept as given, read in
        the order asked, listed by namespace prefix latest first, a replace keeps
        ``created_at``; a document is forgotten with the last item pointing at it."""
        g = SmallGraph()
        await store.aapply(g.ops)
        try:
            await store.aget_items(DS, [])
        except InvalidInputError as exc:
            assert "aget_items" in str(exc)  # an optional feature, absent: the error says so
            return
        one, two = g.d1.document.id, g.d2.document.id
        await store.aapply([PutItem(DS, ("mem", "alice"), "a", '{"x": 1}', one)])
        await store.aapply([PutItem(DS, ("mem", "alice"), "b", '{"x": 2.50}', one)])
        await store.aapply([PutItem(DS, ("mem", "bob"), "a", "[]", two)])
        await store.aapply([PutItem(DS, ("memx",), "a", "null")])  # a prefix of labels, not text

        got = await store.aget_items(DS, [(("mem", "bob"), "a"), (("mem", "alice"), "b")])
        assert [(i.namespace, i.key, i.value) for i in got] == [
            (("mem", "bob"), "a", "[]"),
            (("mem", "alice"), "b", '{"x": 2.50}'),
        ]
        listed = await store.alist_items(DS, ("mem",))
        assert [(i.namespace, i.key) for i in listed] == [
            (("mem", "bob"), "a"),
            (("mem", "alice"), "b"),
            (("mem", "alice"), "a"),
        ]
        (first,) = await store.aget_items(DS, [(("mem", "alice"), "a")])
        await store.aapply([PutItem(DS, ("mem", "alice"), "a", '{"x": 3}', one)])
        (again,) = await store.aget_items(DS, [(("mem", "alice"), "a")])
        assert (again.value, again.created_at) == ('{"x": 3}', first.created_at)
        assert again.updated_at >= first.updated_at

        await store.aapply([DeleteItem(DS, ("mem", "alice"), "a")])
        assert await store.aget_records(RecordKind.DOCUMENT, [one])  # item "b" still points
        await store.aapply([DeleteItem(DS, ("mem", "alice"), "b")])
        assert await store.aget_records(RecordKind.DOCUMENT, [one]) == []
        assert await store.aget_items(DS, [(("mem", "alice"), "a"), (("mem", "alice"), "b")]) == []
        await store.aapply([DeleteItem(DS, ("mem", "alice"), "never")])  # absent: a no-op

    @pytest.mark.asyncio
    async def test_a_dump_rebuilds_its_dataset_exactly(self, store: GraphStore) -> None:
        """``adump_dataset`` is optional (export needs it); where a backend has it, the
        dump's ``restore_ops`` write back the same rows: ids, times, keys, mention order."""
        g = SmallGraph()
        claim = ClaimMessages(DS, "owner", "s1", g.d2.document.id, ("m2", "m1"))
        await store.aapply([*g.ops, claim])
        try:
            dump = await store.adump_dataset(DS, with_vectors=True)
        except InvalidInputError as exc:
            # A backend without the optional method says so and names what to implement.
            assert "adump_dataset" in str(exc)
            return
        assert [c.id for c in dump.chunks] == sorted([g.c1.id, g.c2.id])
        assert [e.id for e in dump.entities] == sorted(e.id for e in (g.alice, g.bob, g.acme))
        assert [(m.owner_id, m.chunk_id) for m in dump.mentions[:2]] == [
            (g.alice.id, g.c1.id),
            (g.bob.id, g.c2.id),
        ]
        assert [c.message_keys for c in dump.claims] == [("m1", "m2")]
        bare = await store.adump_dataset(DS)
        assert all(c.vector is None for c in bare.chunks)
        assert await store.adump_dataset("no such dataset") == replace(
            bare, dataset="no such dataset", documents=[], chunks=[], entities=[], relations=[],
            mentions=[], claims=[],
        )  # fmt: skip
        chunk_ids = [g.c1.id, g.c2.id]
        before = await store.aentities_of_chunks(chunk_ids), await store.astats([DS])
        await store.aapply([Forget(DS)])
        await store.aapply([create(), *dump.restore_ops()])
        again = await store.adump_dataset(DS, with_vectors=True)
        assert _comparable(again) == _comparable(dump)
        assert (await store.aentities_of_chunks(chunk_ids), await store.astats([DS])) == before
        with pytest.raises(InvalidInputError, match="has no vector"):
            bare.restore_ops()


async def _alist(items: Any) -> list[Any]:
    return [item async for item in items]
