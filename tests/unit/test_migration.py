"""Moving a graph between stores (``migrate_graph``, ``cognee-langchain migrate``): everything a
dataset holds arrives, ids, owners, grants, items and fact history included, searches answer the
same, and nothing is written over a dataset the target holds."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cognee_langchain import GraphMemory, Permission, migrate_graph
from cognee_langchain.cli import main
from cognee_langchain.errors import InvalidInputError
from cognee_langchain.graph.sqlite import SQLiteGraphStore
from cognee_langchain.services.migration import amigrate_graph
from cognee_langchain.users import User


@pytest.fixture
def source(tmp_path: Path) -> Iterator[GraphMemory]:
    memory = GraphMemory(tmp_path / "source")
    memory.remember("Alice lives in Paris. Alice works at Renault.", dataset="life")
    memory.remember("Alice moved to Berlin. Alice works at Zalando now.", dataset="life")
    memory.remember("Bob likes green tea.", dataset="bob")
    memory.grant("bob", User(id="carol"), Permission.READ)
    memory.as_store().put(("memories", "alice"), "tea", {"text": "Alice likes tea"})
    yield memory
    memory.close()


def _everything(store: SQLiteGraphStore, dataset: str) -> object:
    dump = store.dump_dataset(dataset, with_vectors=True)
    return (
        [(d.id, d.created_at, d.node_set) for d in dump.documents],
        [(c.id, c.text, c.created_at, c.vector.tobytes()) for c in dump.chunks],  # type: ignore[union-attr]
        [(e.id, e.name, e.keys) for e in dump.entities],
        [(r.id, r.predicate) for r in dump.relations],
        [(m.owner_id, m.chunk_id, m.surface) for m in dump.mentions],
        dump.claims,
        dump.retractions,
    )


def test_every_dataset_moves_whole(source: GraphMemory, tmp_path: Path) -> None:
    target_path = tmp_path / "target.sqlite"
    moves = migrate_graph(source.graph_store, target_path)

    assert [m.dataset for m in moves] == ["bob", "langgraph_store", "life"]
    target = SQLiteGraphStore(target_path)
    try:
        assert target.stats() == source.stats()
        for dataset in ("bob", "langgraph_store", "life"):
            assert _everything(target, dataset) == _everything(source.graph_store, dataset)  # type: ignore[arg-type]
        (bob,) = target.get_datasets(["bob"])
        assert bob.owner_id == source.user.id and bob.grants == {"carol": {Permission.READ}}
        (item,) = target.list_items("langgraph_store")
        assert (item.namespace, item.key) == (("memories", "alice"), "tea")
    finally:
        target.close()
    moved = GraphMemory(tmp_path / "moved", graph_store=target_path)
    try:
        for query in ("Where does Alice work?", "What does Bob like?"):
            assert [d.page_content for d in moved.search(query)] == [
                d.page_content for d in source.search(query)
            ]
        assert moved.as_store().get(("memories", "alice"), "tea").value == {  # type: ignore[union-attr]
            "text": "Alice likes tea"
        }
        versions = source.history("Alice", dataset="life")
        assert len(versions) >= 2  # Paris then Berlin, Renault then Zalando
        assert moved.history("Alice", dataset="life") == versions
    finally:
        moved.close()


def test_a_dataset_the_target_holds_is_refused_unless_merged(
    source: GraphMemory, tmp_path: Path
) -> None:
    target_path = tmp_path / "target.sqlite"
    migrate_graph(source.graph_store, target_path, datasets=["bob"])
    with pytest.raises(InvalidInputError, match=r"already holds 1 document.*merge=True"):
        migrate_graph(source.graph_store, target_path, datasets=["bob"])
    (again,) = migrate_graph(source.graph_store, target_path, datasets=["bob"], merge=True)
    assert (again.documents, again.chunks) == (1, 1)  # merged, nothing doubled


def test_only_the_named_datasets_move_and_unknown_ones_are_errors(
    source: GraphMemory, tmp_path: Path
) -> None:
    target_path = tmp_path / "target.sqlite"
    with pytest.raises(InvalidInputError, match=r"no dataset 'nope'.*'bob'"):
        migrate_graph(source.graph_store, target_path, datasets=["bob", "nope"])
    with pytest.raises(InvalidInputError, match="list of names"):
        migrate_graph(source.graph_store, target_path, datasets="bob")  # type: ignore[arg-type]
    migrate_graph(source.graph_store, target_path, datasets=["bob"])
    target = SQLiteGraphStore(target_path)
    try:
        assert [d.name for d in target.list_datasets()] == ["bob"]
    finally:
        target.close()


async def test_the_async_twin_moves_the_same(source: GraphMemory, tmp_path: Path) -> None:
    moves = await amigrate_graph(source.graph_store, tmp_path / "t.sqlite", datasets=["life"])
    assert [(m.dataset, m.documents) for m in moves] == [("life", 2)]


def test_the_cli_copies_into_another_store(
    source: GraphMemory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source.close()
    target = tmp_path / "copy.sqlite"
    data_dir = str(tmp_path / "source")
    assert main(["--data-dir", data_dir, "migrate", "--to", str(target), "--dataset", "bob"]) == 0
    out = capsys.readouterr().out
    assert "Copied dataset 'bob': 1 document(s)" in out and "1 dataset(s) now in" in out
    assert main(["--data-dir", data_dir, "migrate", "--to", "redis://127.0.0.1"]) == 2
    assert "cannot use: pass a PostgreSQL URL" in capsys.readouterr().err
