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

    memory.forget("main_dataset")

    assert not memory.has_graph_data("main_dataset")
    assert all(count == 0 for count in graph_state(memory)["vectors"].values())  # type: ignore[union-attr]
    assert memory.graph_store.get_vectors(TextKind.ENTITY, [alice.id]) == {}
    assert memory.graph_store.neighbors([alice.id]) == []
    assert graph_state(memory, "other") == other
    assert memory.graph_store.get_dataset("main_dataset") is not None  # owner and grants stay


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
        memory.forget("main_dataset", user=bob)
    assert memory.has_graph_data("main_dataset")

    memory.grant("main_dataset", bob, "delete")
    assert memory.forget("main_dataset", user=bob).documents_removed == 1


def test_forget_unknown_dataset_or_bad_filter_is_invalid(tmp_path: Path) -> None:
    memory = make_memory(tmp_path)
    with pytest.raises(InvalidInputError, match="Unknown dataset"):
        memory.forget("nope")
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
