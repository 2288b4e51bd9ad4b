"""GraphMemory.forget removes exactly the forgotten sources and what was derived only from them."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cognee_langchain.errors import InvalidInputError, PermissionDeniedError
from cognee_langchain.graph.base import RecordKind, TextKind
from cognee_langchain.graph.models import SourceItem
from cognee_langchain.graph.resolution import normalize_name
from cognee_langchain.memory import GraphMemory
from cognee_langchain.users import User
from tests.unit.test_memory_support import entities, make_memory, triples

TEXT_A = "Alice Johnson leads Acme Corp. Bob Smith joined Acme Corp."
TEXT_B = "ACME Corporation acquired Zeta Labs. Carol Diaz founded Zeta Labs."


def graph_state(memory: GraphMemory, dataset: str = "main_dataset") -> dict[str, object]:
    """Everything forget may change, in terms independent of the order things were added."""
    store = memory.graph_store
    chunk_ids = [r.id for r in store.iter_records(TextKind.CHUNK, [dataset], with_vectors=False)]
    chunks = {c.id: c for c in store.get_chunks(chunk_ids)}
    found = entities(memory, dataset)
    relation_ids = [r.id for r in store.iter_records(TextKind.FACT, [dataset], with_vectors=False)]
    return {
        "chunks": {(c.text, c.node_sets, c.session_ids) for c in chunks.values()},
        "entities": {
            (
                normalize_name(e.name),
                e.node_sets,
                frozenset(chunks[c].text for c in e.chunk_ids),
                e.session_ids,
            )
            for e in found.values()
        },
        "relations": {
            (
                normalize_name(r.source_name),
                r.predicate,
                normalize_name(r.target_name),
                r.node_sets,
                frozenset(chunks[c].text for c in r.chunk_ids),
            )
            for r in store.get_relations(relation_ids)
        },
        "vectors": {kind: len(list(store.iter_records(kind, [dataset]))) for kind in TextKind},
    }


def test_forget_a_document_keeps_what_another_document_supports(tmp_path: Path) -> None:
    memory = make_memory(tmp_path / "both")
    memory.remember(TEXT_A)
    forgotten = memory.remember(TEXT_B).document_ids[0]

    result = memory.forget("main_dataset", document_id=forgotten)

    assert (result.documents_removed, result.chunks_removed) == (1, 1)
    assert (result.entities_removed, result.relations_removed) == (2, 2)
    acme = entities(memory)["Acme Corp"]
    assert acme.aliases == () and len(acme.chunk_ids) == 1
    only_a = make_memory(tmp_path / "only_a")
    only_a.remember(TEXT_A)
    assert graph_state(memory) == graph_state(only_a)


def test_forget_a_node_set_keeps_shared_chunks_of_other_documents(tmp_path: Path) -> None:
    memory = make_memory(tmp_path)
    memory.remember(TEXT_A)
    memory.remember(TEXT_A, node_set="people")
    memory.remember(TEXT_B, node_set="people")

    result = memory.forget("main_dataset", node_set="people")

    assert (result.documents_removed, result.chunks_removed, result.entities_removed) == (2, 1, 2)
    assert entities(memory)["Alice Johnson"].node_sets == ()
    assert triples(memory) == {
        ("Alice Johnson", "leads", "Acme Corp"),
        ("Bob Smith", "joined", "Acme Corp"),
    }
    assert memory.stats().datasets["main_dataset"].node_sets == {}


async def test_forget_a_session(tmp_path: Path) -> None:
    memory = make_memory(tmp_path)
    items = [
        SourceItem(text="Alice Johnson leads Acme Corp.", session_id="s1", message_ids=("a",)),
        SourceItem(text="Carol Diaz founded Acme Corp.", session_id="s2", message_ids=("b",)),
    ]
    await memory.aingest(items, node_set="user_sessions_from_cache")

    result = await memory.aforget("main_dataset", session_id="s1")

    assert (result.documents_removed, result.entities_removed, result.relations_removed) == (
        1,
        1,
        1,
    )
    acme = entities(memory)["Acme Corp"]
    assert (acme.session_ids, acme.message_ids) == (("s2",), ("b",))
    assert "Alice Johnson" not in entities(memory)


def test_forget_a_whole_dataset_leaves_other_datasets_alone(tmp_path: Path) -> None:
    memory = make_memory(tmp_path)
    memory.remember(TEXT_A)
    memory.remember(TEXT_B, dataset="other")
    other = graph_state(memory, "other")
    alice = entities(memory)["Alice Johnson"]

    memory.forget("main_dataset", all=True)

    assert not memory.has_graph_data("main_dataset")
    assert all(count == 0 for count in graph_state(memory)["vectors"].values())  # type: ignore[union-attr]
    assert memory.graph_store.get_vectors(TextKind.ENTITY, [alice.id]) == {}
    assert memory.graph_store.neighbors([alice.id]) == []
    assert graph_state(memory, "other") == other
    assert memory.graph_store.get_dataset("main_dataset") is not None  # owner and grants stay


def test_forget_without_a_filter_needs_all_true(tmp_path: Path) -> None:
    """Issue 12 item 7: ``forget(dataset)`` wiped the dataset while the CLI demands ``--all``."""
    memory = make_memory(tmp_path)
    memory.remember(TEXT_A)

    with pytest.raises(InvalidInputError, match=r"pass all=True to confirm"):
        memory.forget("main_dataset")
    with pytest.raises(InvalidInputError, match=r"takes no document_id, node_set or session_id"):
        memory.forget("main_dataset", node_set="people", all=True)
    with pytest.raises(InvalidInputError, match="all"):
        memory.forget("main_dataset", all="yes")  # type: ignore[arg-type]
    assert memory.stats().documents == 1

    assert memory.forget("main_dataset", all=True).documents_removed == 1


async def test_aforget_needs_all_true_too(tmp_path: Path) -> None:
    memory = make_memory(tmp_path)
    await memory.aremember(TEXT_A)
    with pytest.raises(InvalidInputError, match="all=True"):
        await memory.aforget("main_dataset")
    assert (await memory.aforget("main_dataset", all=True)).documents_removed == 1


def test_forgotten_records_are_reported_deleted_and_can_come_back(tmp_path: Path) -> None:
    memory = make_memory(tmp_path)
    document_id = memory.remember(TEXT_A).document_ids[0]
    alice = entities(memory)["Alice Johnson"]
    before = memory.graph_store.current_revision()

    memory.forget("main_dataset", document_id=document_id)
    changes = memory.graph_store.changes_since(before)
    assert alice.id in changes.deleted[RecordKind.ENTITY]
    assert document_id in changes.deleted[RecordKind.DOCUMENT]

    memory.remember(TEXT_A)
    assert entities(memory)["Alice Johnson"].id == alice.id
    assert len(memory.graph_store.neighbors([alice.id])) == 1
    assert alice.id not in memory.graph_store.changes_since(before).deleted[RecordKind.ENTITY]


def test_forget_needs_delete_permission(tmp_path: Path) -> None:
    memory = make_memory(tmp_path)
    memory.remember(TEXT_A)
    bob = User(id="bob")
    memory.grant("main_dataset", bob, "write")

    with pytest.raises(PermissionDeniedError, match="delete"):
        memory.forget("main_dataset", user=bob, all=True)
    assert memory.has_graph_data("main_dataset")

    memory.grant("main_dataset", bob, "delete")
    assert memory.forget("main_dataset", user=bob, all=True).documents_removed == 1


def test_forget_unknown_dataset_or_bad_filter_is_invalid(tmp_path: Path) -> None:
    memory = make_memory(tmp_path)
    with pytest.raises(InvalidInputError, match="Unknown dataset"):
        memory.forget("nope", all=True)
    memory.remember(TEXT_A)
    with pytest.raises(InvalidInputError):
        memory.forget("main_dataset", node_set="bad\nname")


def test_forgetting_nothing_changes_nothing(tmp_path: Path) -> None:
    memory = make_memory(tmp_path)
    memory.remember(TEXT_A)
    revision = memory.graph_store.current_revision()
    result = memory.forget("main_dataset", session_id="never-seen")
    assert (result.documents_removed, result.revision) == (0, revision)


POOL = [
    ("Alice Johnson leads Acme Corp.", None),
    ("Bob Smith joined Acme Corp. Alice Johnson works with Bob Smith.", None),
    ("ACME Corporation acquired Zeta Labs.", "news"),
    ("Carol Diaz founded Zeta Labs. Carol Diaz lives in Paris.", "news"),
    ("Alice Johnson leads Acme Corp.", "news"),
    ("Bob Smith lives in Paris.", "people"),
]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    kept=st.sets(st.sampled_from(range(len(POOL)))),
    order=st.permutations(range(len(POOL))),
)
def test_forget_leaves_the_graph_of_the_remaining_documents(
    tmp_path_factory: pytest.TempPathFactory, kept: set[int], order: list[int]
) -> None:
    """Model-based: remember everything, forget some documents one by one; the graph equals
    the graph of remembering only the kept documents."""
    full = make_memory(tmp_path_factory.mktemp("full"))
    ids = {}
    for i in order:
        text, node_set = POOL[i]
        ids[i] = full.remember(text, node_set=node_set).document_ids[0]
    for i in order:
        if i not in kept:
            full.forget("main_dataset", document_id=ids[i])

    fresh = make_memory(tmp_path_factory.mktemp("fresh"))
    for i in order:
        if i in kept:
            fresh.remember(POOL[i][0], node_set=POOL[i][1])
    if kept:
        assert graph_state(full) == graph_state(fresh)
    else:
        assert not full.has_graph_data("main_dataset")


# -- ownership: a session id names one user's session (issue 17) --------------------------------
ALICE, BOB = User(id="alice"), User(id="bob")


def _shared_with_sessions(tmp_path: Path) -> GraphMemory:
    """Dataset ``team`` owned by alice, bob may write and delete; each has a session ``s1``
    persisted into it."""
    from langchain_core.messages import AIMessage, HumanMessage

    memory = make_memory(tmp_path)
    memory.remember(TEXT_A, dataset="team", user=ALICE)
    for permission in ("write", "delete", "read"):
        memory.grant("team", BOB, permission, by=ALICE)
    store = memory.session_store
    store.append("alice", "s1", [HumanMessage("Who leads Acme?"), AIMessage("Alice Johnson.")])
    store.append("bob", "s1", [HumanMessage("Who founded Zeta?"), AIMessage("Carol Diaz.")])
    assert memory.improve("team", ["s1"], user=ALICE).messages_persisted == 2
    assert memory.improve("team", ["s1"], user=BOB).messages_persisted == 2
    return memory


def _session_docs(memory: GraphMemory) -> dict[str | None, int]:
    docs = memory.graph_store.list_documents("team", node_set="user_sessions_from_cache")
    return {user: sum(d.user_id == user for d in docs) for user in {d.user_id for d in docs}}


def test_persisted_session_documents_record_their_user(tmp_path: Path) -> None:
    memory = _shared_with_sessions(tmp_path)
    assert _session_docs(memory) == {"alice": 1, "bob": 1}
    mine = memory.graph_store.list_documents("team", session_id="s1", user_id="bob")
    assert [d.user_id for d in mine] == ["bob"]
    chunks = memory.graph_store.get_chunks(list(mine[0].chunk_ids))
    assert any("Carol Diaz" in c.text for c in chunks)


def test_forgetting_my_session_leaves_another_users_session_of_the_same_id(
    tmp_path: Path,
) -> None:
    """The repro: alice forgot her s1 in a dataset shared with bob, and bob's s1 went too."""
    memory = _shared_with_sessions(tmp_path)
    assert memory.forget("team", session_id="s1", user=ALICE).documents_removed == 1
    assert _session_docs(memory) == {"bob": 1}
    assert memory.forget("team", session_id="s1", user=ALICE).documents_removed == 0
    assert memory.forget("team", session_id="s1", user=BOB).documents_removed == 1


def test_forgetting_every_users_session_is_for_the_owner_only(tmp_path: Path) -> None:
    memory = _shared_with_sessions(tmp_path)
    with pytest.raises(PermissionDeniedError, match="only its owner"):
        memory.forget("team", session_id="s1", user=BOB, all_users=True)
    assert _session_docs(memory) == {"alice": 1, "bob": 1}
    assert memory.forget("team", session_id="s1", user=ALICE, all_users=True).documents_removed == 2
    with pytest.raises(InvalidInputError, match="all_users=True only applies with session_id"):
        memory.forget("team", user=ALICE, all_users=True)
    with pytest.raises(InvalidInputError, match="all_users"):
        memory.forget("team", session_id="s1", user=ALICE, all_users="yes")  # type: ignore[arg-type]


async def test_two_users_same_session_text_are_two_documents(tmp_path: Path) -> None:
    """A session's document is its user's: identical transcripts of two users' ``s1`` are not
    one document (the second user's would have been skipped as already stored)."""
    memory = make_memory(tmp_path)
    item = SourceItem(text="Alice Johnson leads Acme Corp.", session_id="s1", message_ids=("m",))
    first = await memory.aingest([item], dataset="team", user=ALICE)
    memory.grant("team", BOB, "write", by=ALICE)
    second = await memory.aingest([item], dataset="team", user=BOB)
    assert first.document_ids != second.document_ids
    assert second.documents_added == 1


def test_improve_plans_against_my_own_session_documents_only(tmp_path: Path) -> None:
    """Another user's documents of the same session id never make mine look persisted or lost."""
    memory = _shared_with_sessions(tmp_path)
    from langchain_core.messages import AIMessage, HumanMessage

    memory.session_store.append(
        "bob", "s1", [HumanMessage("Who joined Acme?"), AIMessage("Bob Smith.")]
    )
    result = memory.improve("team", ["s1"], user=BOB)
    assert (result.messages_persisted, result.messages_lost_to_trimming) == (2, 0)
    assert _session_docs(memory) == {"alice": 1, "bob": 2}
