"""The search index's snapshot: a reopened memory searches exactly as the one that saved it and
as one rebuilt from the store, catches up with writes made since, and a snapshot that is not
valid for the store (another store, another format, truncated, damaged, ahead of the store) is
ignored and rebuilt."""

from __future__ import annotations

import shutil
import struct
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cognee_langchain.core.aio import run_sync
from cognee_langchain.memory import GraphMemory
from cognee_langchain.retrieval.graph_index import GraphIndex
from cognee_langchain.retrieval.snapshot import (
    FORMAT_VERSION,
    read_snapshot,
    snapshot_path,
    write_snapshot,
)
from cognee_langchain.retrieval.types import PostingLists
from tests.unit.test_graph_index import POOL, QUERIES, ScanCountingStore, _content
from tests.unit.test_memory_support import make_memory

SEARCH_TYPES = ("graph", "chunks", "facts", "summaries")


def _results(memory: GraphMemory, index: GraphIndex) -> list[object]:
    """Every query's hits of every search type, in order, with their scores."""
    embed = memory.embeddings.embed_query
    return [
        index.search(memory.graph_store, query, embed(query), search_type, 100)
        for query in QUERIES
        for search_type in SEARCH_TYPES
    ]


def _contents(results: list[object]) -> list[set[tuple[object, ...]]]:
    """Hits without their order or scores: an index rebuilt from the store may order tied hits
    differently from one caught up item by item (see test_graph_index)."""
    return [{_content(hit) for hit in hits} for hits in results]  # type: ignore[attr-defined]


def _snapshot_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("search-index-*.snapshot"))


def test_a_reopened_memory_searches_as_built_and_as_rebuilt(tmp_path: Path) -> None:
    memory = make_memory(tmp_path)
    memory.remember(POOL[:4])
    built = _results(memory, memory.graph_index)
    (path,) = _snapshot_files(tmp_path)  # the first search's load saved it
    memory.close()

    store = ScanCountingStore(tmp_path / "graph.sqlite")
    reopened = make_memory(tmp_path, graph_store=store)
    assert _results(reopened, reopened.graph_index) == built
    assert store.full_scans == 0  # loaded from the snapshot, not from the store

    path.unlink()
    assert _results(reopened, GraphIndex(snapshot_dir=tmp_path)) == built
    assert store.full_scans == 4 and path.exists()  # rebuilt from the store, and saved again
    reopened.close()


def test_a_snapshot_catches_up_with_writes_and_forgets_made_since(tmp_path: Path) -> None:
    memory = make_memory(tmp_path)
    documents = memory.remember(POOL[:3]).document_ids
    memory.search("warm up")  # saves the snapshot at this revision
    memory.remember(POOL[3:5])
    memory.forget("main_dataset", document_id=documents[0])
    in_process = _results(memory, memory.graph_index)  # caught up item by item
    memory.close()

    reopened = make_memory(tmp_path)
    caught_up = _results(reopened, reopened.graph_index)
    assert caught_up == in_process
    assert _contents(caught_up) == _contents(_results(reopened, GraphIndex()))
    assert reopened.graph_index.revision == reopened.graph_store.current_revision()
    reopened.close()


operation = st.tuples(
    st.sampled_from(["remember", "forget", "reopen"]), st.integers(0, len(POOL) - 1)
)


@settings(max_examples=15, deadline=None)
@given(st.lists(operation, min_size=1, max_size=7))
def test_any_history_of_writes_and_reopens_searches_as_a_fresh_load(
    ops: list[tuple[str, int]],
) -> None:
    with tempfile.TemporaryDirectory() as directory:
        memory = make_memory(Path(directory))
        documents: dict[int, str] = {}
        for action, text in ops:
            if action == "remember":
                documents[text] = memory.remember(POOL[text]).document_ids[0]
            elif action == "forget" and text in documents:
                memory.forget("main_dataset", document_id=documents.pop(text))
            elif action == "reopen":
                memory.graph_index.refresh(memory.graph_store)
                run_sync(memory.graph_index.asave_snapshot(memory.graph_store))
                memory.close()
                memory = make_memory(Path(directory))
        if documents:
            got = _results(memory, memory.graph_index)
            assert _contents(got) == _contents(_results(memory, GraphIndex()))
        memory.close()


def _saved(tmp_path: Path) -> tuple[GraphMemory, Path, str, int]:
    memory = make_memory(tmp_path)
    memory.remember(POOL[:2])
    memory.search("warm up")
    identity = memory.graph_store.identity()
    assert identity is not None
    return (
        memory,
        snapshot_path(tmp_path, identity),
        identity,
        memory.graph_store.current_revision(),
    )


def test_the_snapshot_of_another_store_is_ignored(tmp_path: Path) -> None:
    memory, path, identity, revision = _saved(tmp_path)
    assert read_snapshot(path, identity, revision) is not None
    assert read_snapshot(path, "another store", revision) is None
    memory.close()


@pytest.mark.parametrize("damage", ["truncated", "flipped", "newer format", "not a snapshot"])
def test_a_damaged_or_foreign_snapshot_is_ignored_and_rebuilt(tmp_path: Path, damage: str) -> None:
    memory, path, identity, revision = _saved(tmp_path)
    expected = _results(memory, memory.graph_index)
    memory.close()
    data = bytearray(path.read_bytes())
    if damage == "truncated":
        del data[len(data) // 2 :]
    elif damage == "flipped":
        data[-100] ^= 0xFF
    elif damage == "newer format":
        struct.pack_into("<I", data, 16, FORMAT_VERSION + 1)
    else:
        data[:16] = b"something else!\n"
    path.write_bytes(bytes(data))
    assert read_snapshot(path, identity, revision) is None

    store = ScanCountingStore(tmp_path / "graph.sqlite")
    reopened = make_memory(tmp_path, graph_store=store)
    assert _results(reopened, reopened.graph_index) == expected
    assert store.full_scans == 4  # rebuilt from the store...
    assert read_snapshot(path, identity, revision) is not None  # ...and saved afresh
    reopened.close()


def test_a_snapshot_ahead_of_its_store_is_ignored(tmp_path: Path) -> None:
    memory, path, identity, revision = _saved(tmp_path)
    memory.close()
    assert read_snapshot(path, identity, revision - 1) is None  # a store restored from a backup


def test_a_store_without_an_identity_is_never_snapshotted(tmp_path: Path) -> None:
    class Anonymous(ScanCountingStore):
        async def aidentity(self) -> str | None:
            return None

    memory = make_memory(tmp_path, graph_store=Anonymous(tmp_path / "graph.sqlite"))
    memory.remember(POOL[:2])
    assert memory.search("Alice Johnson")
    assert not _snapshot_files(tmp_path)
    memory.close()


def test_an_unwritable_directory_is_logged_not_raised(tmp_path: Path) -> None:
    blocker = tmp_path / "not a directory"
    blocker.write_text("a file where the snapshot directory should be")
    memory = make_memory(tmp_path)
    memory.remember(POOL[:2])
    index = GraphIndex(snapshot_dir=blocker / "index")
    assert index.refresh(memory.graph_store) is not None
    assert not run_sync(index.asave_snapshot(memory.graph_store))
    memory.close()


def test_writers_sharing_a_directory_leave_one_whole_snapshot(tmp_path: Path) -> None:
    memory, path, identity, revision = _saved(tmp_path)
    for _ in range(3):  # another process saving the same store: atomic replaces, no leftovers
        assert run_sync(memory.graph_index.asave_snapshot(memory.graph_store))
        GraphIndex(snapshot_dir=tmp_path).refresh(memory.graph_store)
    assert read_snapshot(path, identity, revision) is not None
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    memory.close()


@given(
    st.lists(st.tuples(st.integers(0, 30), st.integers(0, 200), st.integers(1, 5)), max_size=60),
    st.lists(st.tuples(st.integers(0, 30), st.integers(201, 300), st.integers(1, 5))),
)
def test_posting_lists_read_the_same_frozen_or_not(
    first: list[tuple[int, int, int]], later: list[tuple[int, int, int]]
) -> None:
    def add(lists: PostingLists, postings: list[tuple[int, int, int]]) -> None:
        if postings:
            keys, slots, weights = (
                np.array(column, dtype=np.int64) for column in zip(*postings, strict=True)
            )
            lists.add(keys, slots, weights)

    plain, frozen = PostingLists(), PostingLists()
    for lists in (plain, frozen):
        lists.grow_to(31)
        add(lists, first)
    frozen.freeze()
    restored = PostingLists.restore(frozen.export())
    for lists in (plain, restored):
        add(lists, later)
    for key in range(31):
        assert all(
            np.array_equal(a, b) for a, b in zip(plain.get(key), restored.get(key), strict=True)
        )
    keys = np.arange(31)
    assert all(
        np.array_equal(a, b) for a, b in zip(plain.gather(keys), restored.gather(keys), strict=True)
    )


def test_write_then_read_round_trips_arrays_and_json(tmp_path: Path) -> None:
    state = {
        "matrix": np.arange(12, dtype=np.float32).reshape(3, 4),
        "flags": np.array([True, False]),
        "empty": np.zeros((0, 4), dtype=np.float32),
        "nested": {"names": ["a", "b"], "codes": np.array([1, -1], dtype=np.int32)},
        "number": 2.5,
    }
    path = tmp_path / "copy" / "index.snapshot"
    write_snapshot(path, "store", 7, state)
    snapshot = read_snapshot(path, "store", 7)
    assert snapshot is not None and snapshot.revision == 7
    got = snapshot.state
    assert np.array_equal(got["matrix"], state["matrix"]) and got["matrix"].dtype == np.float32
    assert got["flags"].tolist() == [True, False] and got["empty"].shape == (0, 4)
    assert got["nested"]["names"] == ["a", "b"] and got["nested"]["codes"].tolist() == [1, -1]
    assert got["number"] == 2.5
    got["matrix"][0, 0] = 99  # copy-on-write: the file is untouched
    assert read_snapshot(path, "store", 7).state["matrix"][0, 0] == 0  # type: ignore[union-attr]
    shutil.rmtree(path.parent)
