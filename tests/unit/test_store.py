"""``GraphMemoryStore``: a port of the cases of LangGraph's own store tests
(``libs/checkpoint-sqlite/tests/test_store.py``), run sync and async, plus what this store adds:
values kept exactly, search served by the memory's retrieval, nothing stale left searchable.

Not ported, and why: the vector-config cases (``test_vector_store_initialization``,
``test_embed_with_path*``, ``test_scores``, ``test_vector_search_ranks_closest_first``) test
SqliteStore's own embedding table, distance types and cosine scores; this store's ``score`` is
the memory's fused retrieval score, so their ranking intent is ported (search ranks the matching
item first) without their exact numbers. ``test_nonnull_migrations``, ``test_escape_glob_literal``,
``test_namespace_match_pattern`` and ``test_list_namespaces_prefix_uses_indexable_condition``
test SqliteStore's SQL helpers. ``test_sql_injection_vulnerability`` expects SqliteStore's
``ValueError("Invalid filter key")``: filters here are evaluated on the decoded value, so a
malicious key is just a key that matches nothing (ported as that).
"""

from __future__ import annotations

import asyncio
import math
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from langgraph.store.base import (
    GetOp,
    InvalidNamespaceError,
    Item,
    ListNamespacesOp,
    MatchCondition,
    Op,
    PutOp,
    Result,
    SearchOp,
)

from cognee_langchain import GraphMemory, GraphMemoryStore, InvalidInputError


@pytest.fixture(scope="module")
def memory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphMemory]:
    with GraphMemory(tmp_path_factory.mktemp("store")) as mem:
        yield mem


class Face:
    """The sync or the async face of one store, called the same way by every test."""

    def __init__(self, store: GraphMemoryStore, use_async: bool) -> None:
        self.store = store
        self.use_async = use_async

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if self.use_async:
            return asyncio.run(getattr(self.store, "a" + name)(*args, **kwargs))
        return getattr(self.store, name)(*args, **kwargs)

    def put(self, *a: Any, **k: Any) -> None:
        self._call("put", *a, **k)

    def get(self, *a: Any, **k: Any) -> Item | None:
        return self._call("get", *a, **k)  # type: ignore[no-any-return]

    def delete(self, *a: Any, **k: Any) -> None:
        self._call("delete", *a, **k)

    def search(self, *a: Any, **k: Any) -> list[Any]:
        return self._call("search", *a, **k)  # type: ignore[no-any-return]

    def list_namespaces(self, *a: Any, **k: Any) -> list[tuple[str, ...]]:
        return self._call("list_namespaces", *a, **k)  # type: ignore[no-any-return]

    def batch(self, ops: Iterable[Op]) -> list[Result]:
        return self._call("batch", ops)  # type: ignore[no-any-return]


@pytest.fixture(params=["sync", "async"])
def store(request: pytest.FixtureRequest, memory: GraphMemory) -> Face:
    return Face(memory.as_store(dataset=f"t_{uuid.uuid4().hex[:12]}"), request.param == "async")


# -- ported from LangGraph's store tests ----------------------------------------------------------
def test_batch_order(store: Face) -> None:
    store.put(("test", "foo"), "key1", {"data": "value1"})
    store.put(("test", "bar"), "key2", {"data": "value2"})
    results = store.batch(
        [
            GetOp(namespace=("test", "foo"), key="key1"),
            PutOp(namespace=("test", "bar"), key="key2", value={"data": "value2"}),
            SearchOp(namespace_prefix=("test",), filter={"data": "value1"}, limit=10, offset=0),
            ListNamespacesOp(match_conditions=None, max_depth=None, limit=10, offset=0),
            GetOp(namespace=("test",), key="key3"),
        ]
    )
    assert len(results) == 5
    assert isinstance(results[0], Item) and results[0].value == {"data": "value1"}
    assert results[0].namespace == ("test", "foo") and results[0].key == "key1"
    assert results[1] is None
    assert [i.key for i in results[2]] == ["key1"]  # type: ignore[union-attr]
    assert {("test", "foo"), ("test", "bar")} <= set(results[3])  # type: ignore[arg-type]
    assert results[4] is None
    reordered = store.batch(
        [
            SearchOp(namespace_prefix=("test",), filter=None, limit=5, offset=0),
            GetOp(namespace=("test", "bar"), key="key2"),
            ListNamespacesOp(match_conditions=None, max_depth=None, limit=5, offset=0),
            PutOp(namespace=("test",), key="key3", value={"data": "value3"}),
            GetOp(namespace=("test", "foo"), key="key1"),
        ]
    )
    assert len(reordered[0]) >= 2  # type: ignore[arg-type]
    assert reordered[1].value == {"data": "value2"}  # type: ignore[union-attr]
    assert reordered[3] is None
    assert reordered[4].value == {"data": "value1"}  # type: ignore[union-attr]
    item3 = store.get(("test",), "key3")
    assert item3 is not None and item3.value == {"data": "value3"}


def test_batch_reads_do_not_see_the_batchs_puts(store: Face) -> None:
    results = store.batch([PutOp(("ns",), "k", {"v": 1}), GetOp(("ns",), "k"), SearchOp(("ns",))])
    assert results == [None, None, []]
    assert store.get(("ns",), "k").value == {"v": 1}  # type: ignore[union-attr]


def test_batch_get_and_put_ops(store: Face) -> None:
    results = store.batch(
        [
            PutOp(namespace=("test",), key="key1", value={"data": "value1"}),
            PutOp(namespace=("test",), key="key2", value={"data": "value2"}),
            PutOp(namespace=("test",), key="key3", value=None),
        ]
    )
    assert results == [None, None, None]
    got = store.batch(
        [GetOp(("test",), "key1"), GetOp(("test",), "key2"), GetOp(("test",), "key3")]
    )
    assert [g.key if g else None for g in got] == ["key1", "key2", None]  # type: ignore[union-attr]


def test_batch_search_ops(store: Face) -> None:
    for namespace, key, value in [
        (("test", "foo"), "key1", {"data": "value1", "tag": "a"}),
        (("test", "bar"), "key2", {"data": "value2", "tag": "a"}),
        (("test", "baz"), "key3", {"data": "value3", "tag": "b"}),
    ]:
        store.put(namespace, key, value)
    results = store.batch(
        [
            SearchOp(namespace_prefix=("test",), filter={"tag": "a"}, limit=10, offset=0),
            SearchOp(namespace_prefix=("test",), filter=None, limit=2, offset=0),
            SearchOp(namespace_prefix=("test", "foo"), filter=None, limit=10, offset=0),
        ]
    )
    assert sorted(i.key for i in results[0]) == ["key1", "key2"]  # type: ignore[union-attr]
    assert len(results[1]) == 2  # type: ignore[arg-type]
    assert [i.namespace for i in results[2]] == [("test", "foo")]  # type: ignore[union-attr]


def test_batch_list_namespaces_ops(store: Face) -> None:
    data = [
        (("test", "documents", "public"), "doc1"),
        (("test", "documents", "private"), "doc2"),
        (("test", "images", "public"), "img1"),
        (("prod", "documents", "public"), "doc3"),
    ]
    for namespace, key in data:
        store.put(namespace, key, {"content": key})
    results = store.batch(
        [
            ListNamespacesOp(match_conditions=None, max_depth=None, limit=10, offset=0),
            ListNamespacesOp(match_conditions=None, max_depth=2, limit=10, offset=0),
            ListNamespacesOp(
                match_conditions=(MatchCondition("suffix", ("public",)),),
                max_depth=None,
                limit=10,
                offset=0,
            ),
        ]
    )
    assert len(results[0]) == len(data)  # type: ignore[arg-type]
    assert set(results[1]) == {("test", "documents"), ("test", "images"), ("prod", "documents")}  # type: ignore[arg-type]
    assert len(results[2]) == 3 and all(ns[-1] == "public" for ns in results[2])  # type: ignore[union-attr, arg-type]


def test_basic_store_ops(store: Face) -> None:
    namespace = ("test", "documents")
    store.put(namespace, "doc1", {"title": "Test Document", "content": "Hello, World!"})
    item = store.get(namespace, "doc1")
    assert item and item.namespace == namespace and item.key == "doc1"
    assert item.value == {"title": "Test Document", "content": "Hello, World!"}
    store.put(namespace, "doc1", {"title": "Updated Document", "content": "Hello, Updated!"})
    updated = store.get(namespace, "doc1")
    assert updated and updated.value["title"] == "Updated Document"
    assert updated.created_at == item.created_at  # a re-put keeps its creation time
    assert updated.updated_at >= item.updated_at
    assert store.get(("test", "other_documents"), "doc1") is None
    store.delete(namespace, "doc1")
    assert store.get(namespace, "doc1") is None


def test_list_namespaces(store: Face) -> None:
    pref = uuid.uuid4().hex
    namespaces = [
        (pref, "test", "documents", "public", pref),
        (pref, "test", "documents", "private", pref),
        (pref, "test", "images", "public", pref),
        (pref, "test", "images", "private", pref),
        (pref, "prod", "documents", "public", pref),
        (pref, "prod", "documents", "some", "nesting", "public", pref),
        (pref, "prod", "documents", "private", pref),
    ]
    for namespace in namespaces:
        store.put(namespace, "dummy", {"content": "dummy"})
    assert len(store.list_namespaces(prefix=(pref, "test"))) == 4
    assert len(store.list_namespaces(prefix=(pref, "test", "documents"))) == 2
    assert len(store.list_namespaces(suffix=("public", pref))) == 4
    assert len(store.list_namespaces(prefix=(pref, "test"), suffix=("public", pref))) == 2
    assert len(store.list_namespaces(prefix=(pref, "*", "documents"))) == 5
    assert len(store.list_namespaces(suffix=("*", "public", pref))) == 4
    assert store.list_namespaces(suffix=("some", "*", "public", pref)) == [namespaces[5]]
    assert all(len(ns) <= 3 for ns in store.list_namespaces(max_depth=3))
    deep = store.list_namespaces(max_depth=4, prefix=(pref, "*", "documents"))
    assert len(set(deep)) == len(deep) == 5
    assert len(store.list_namespaces(prefix=(pref,), limit=3)) == 3
    assert len(store.list_namespaces(prefix=(pref,), offset=3)) == len(namespaces) - 3
    assert set(store.list_namespaces(prefix=(pref,))) == set(namespaces)
    for namespace in namespaces:
        store.delete(namespace, "dummy")
    assert store.list_namespaces(prefix=(pref,)) == []


def test_search_filters_and_pagination(store: Face) -> None:
    data = [
        (
            ("test", "docs"),
            "doc1",
            {"title": "First Doc", "author": "Alice", "tags": ["important"]},
        ),
        (("test", "docs"), "doc2", {"title": "Second Doc", "author": "Bob", "tags": ["draft"]}),
        (("test", "images"), "img1", {"title": "Image 1", "author": "Alice", "tags": ["draft"]}),
    ]
    for namespace, key, value in data:
        store.put(namespace, key, value)
    assert len(store.search(("test",))) == 3
    docs = store.search(("test", "docs"))
    assert {i.key for i in docs} == {"doc1", "doc2"}
    alice = store.search(("test",), filter={"author": "Alice"})
    assert {i.key for i in alice} == {"doc1", "img1"}
    assert {i.key for i in store.search(("test",), filter={"tags": ["draft"]})} == {"doc2", "img1"}
    first, second = store.search(("test",), limit=2), store.search(("test",), offset=2)
    assert len(first) == 2 and len(second) == 1
    assert {i.key for i in first}.isdisjoint(i.key for i in second)
    # without a query: latest put first, no score
    assert [i.key for i in store.search(("test",))] == ["img1", "doc2", "doc1"]
    assert all(i.score is None for i in store.search(("test",)))


def test_filter_values_are_literal(store: Face) -> None:
    store.put(("docs",), "doc1", {"access": "public", "title": "O'Brien's Document"})
    store.put(("docs",), "doc2", {"access": "private"})
    for value in ["public' OR '1'='1", "public'; --", "public\x00' OR '1'='1", "''''"]:
        assert store.search(("docs",), filter={"access": value}) == []
    malicious_key = "access') = 'public' OR '1'='1' OR json_extract(value, '$."
    assert store.search(("docs",), filter={malicious_key: "dummy"}) == []
    found = store.search(("docs",), filter={"title": "O'Brien's Document"})
    assert [i.key for i in found] == ["doc1"]


def test_numeric_and_boolean_filters(store: Face) -> None:
    for key, price in [("item1", 10), ("item2", 20), ("item3", 30)]:
        store.put(("items",), key, {"price": price})
    assert {r.key for r in store.search(("items",), filter={"price": {"$gt": 15}})} == {
        "item2",
        "item3",
    }
    assert len(store.search(("items",), filter={"price": {"$lt": math.inf}})) == 3
    assert len(store.search(("items",), filter={"price": {"$gt": -math.inf}})) == 3
    assert store.search(("items",), filter={"price": {"$eq": math.nan}}) == []
    assert len(store.search(("items",), filter={"price": {"$lt": 10**100}})) == 3
    assert [
        r.key for r in store.search(("items",), filter={"price": {"$gte": 20, "$lte": 20}})
    ] == ["item2"]
    assert {r.key for r in store.search(("items",), filter={"price": {"$ne": 20}})} == {
        "item1",
        "item3",
    }
    store.put(("items",), "item4", {"price": -10})
    assert [r.key for r in store.search(("items",), filter={"price": {"$lt": 0}})] == ["item4"]
    store.put(("flags",), "f1", {"active": True})
    store.put(("flags",), "f2", {"active": False})
    store.put(("flags",), "f3", {"active": 1})
    assert [r.key for r in store.search(("flags",), filter={"active": True})] == ["f1"]
    assert [r.key for r in store.search(("flags",), filter={"active": False})] == ["f2"]
    with pytest.raises(InvalidInputError, match=r"\$in"):
        store.search(("items",), filter={"price": {"$in": [1]}})


def test_filter_keys_with_hyphens_digits_and_nesting(store: Face) -> None:
    store.put(("docs",), "hyphen", {"access-level": "public", "user": {"access-level": "nested"}})
    store.put(("docs",), "digit", {"123abc": "ok", "user": {"123abc": "ok2"}})
    assert [r.key for r in store.search(("docs",), filter={"access-level": "public"})] == ["hyphen"]
    assert [r.key for r in store.search(("docs",), filter={"user.access-level": "nested"})] == [
        "hyphen"
    ]
    assert [r.key for r in store.search(("docs",), filter={"123abc": "ok"})] == ["digit"]
    assert [r.key for r in store.search(("docs",), filter={"user": {"123abc": "ok2"}})] == ["digit"]


def test_search_namespace_segment_boundary_and_literal_labels(store: Face) -> None:
    for namespace in [
        ("foo",),
        ("foo", "child"),
        ("foobar",),
        ("user_1",),
        ("userX1",),
        ("a%b",),
        ("axxb",),
        ("star*",),
        ("starX",),
        ("Foo",),
    ]:
        store.put(namespace, "k", {"v": 1})

    def namespaces(prefix: tuple[str, ...]) -> set[tuple[str, ...]]:
        return {i.namespace for i in store.search(prefix, limit=100)}

    assert namespaces(("foo",)) == {("foo",), ("foo", "child")}
    assert namespaces(("fo",)) == set()
    assert namespaces(("user_1",)) == {("user_1",)}
    assert namespaces(("a%b",)) == {("a%b",)}
    assert namespaces(("star*",)) == {("star*",)}
    assert namespaces(("Foo",)) == {("Foo",)}
    assert len(namespaces(())) == 10
    assert set(store.list_namespaces(prefix=["foo"], limit=100)) == {("foo",), ("foo", "child")}


def test_namespace_labels_with_trailing_newline(store: Face) -> None:
    store.put(("users", "alice"), "k", {"v": 1})
    store.put(("users", "alice\n"), "k", {"v": 2})
    assert store.list_namespaces(suffix=["alice"], limit=100) == [("users", "alice")]
    assert store.get(("users", "alice\n"), "k").value == {"v": 2}  # type: ignore[union-attr]


def test_invalid_namespaces_raise_langgraphs_error(store: Face) -> None:
    for namespace in [("a.b",), ("",), ("x", "")]:
        with pytest.raises(InvalidNamespaceError):
            store.put(namespace, "k", {"v": 1})
    with pytest.raises(InvalidNamespaceError):
        store.put((), "k", {"v": 1})
    with pytest.raises(InvalidNamespaceError):
        store.put(("langgraph", "x"), "k", {"v": 1})
    with pytest.raises(InvalidNamespaceError):
        store.batch([PutOp(("langgraph",), "k", {"v": 1})])
    with pytest.raises(InvalidNamespaceError):
        store.batch([GetOp(("a.b",), "k")])


def test_ttl_and_bad_values_are_refused(store: Face) -> None:
    with pytest.raises(NotImplementedError):
        store.put(("ns",), "k", {"v": 1}, ttl=5)
    with pytest.raises(InvalidInputError, match="TTL"):
        store.batch([PutOp(("ns",), "k", {"v": 1}, ttl=5.0)])
    for bad in [{"t": (1, 2)}, {1: "x"}, {"s": {1, 2}}]:
        with pytest.raises(InvalidInputError):
            store.put(("ns",), "k", bad)
    assert store.get(("ns",), "k") is None  # nothing of a refused batch was written


# -- search served by the memory's retrieval ------------------------------------------------------
def test_query_ranks_with_scores_and_respects_filters(store: Face) -> None:
    docs = [
        ("doc1", {"text": "red apple orchard harvest", "color": "red", "score": 4.5}),
        ("doc2", {"text": "red sports car engine", "color": "red", "score": 3.0}),
        ("doc3", {"text": "green apple orchard", "color": "green", "score": 4.0}),
        ("doc4", {"text": "blue sports car", "color": "blue", "score": 3.5}),
    ]
    for key, value in docs:
        store.put(("test",), key, value)
    results = store.search(("test",), query="apple orchard", filter={"color": "red"})
    assert [r.key for r in results] == ["doc1", "doc2"]
    assert results[0].score is not None
    results = store.search(("test",), query="sports car", filter={"color": "red"})
    assert results[0].key == "doc2"
    results = store.search(("test",), query="blue car", filter={"score": {"$gt": 3.2}})
    assert results[0].key == "doc4" and len(results) == 3
    results = store.search(
        ("test",), query="apple", filter={"score": {"$gte": 4.0}, "color": "green"}
    )
    assert results[0].key == "doc3"


def test_query_pagination_and_edge_cases(store: Face) -> None:
    for i in range(5):
        store.put(("test",), f"doc{i}", {"text": f"test document number {i}"})
    page1 = store.search(("test",), query="test document", limit=2)
    page2 = store.search(("test",), query="test document", limit=2, offset=2)
    assert len(page1) == len(page2) == 2
    assert {r.key for r in page1}.isdisjoint(r.key for r in page2)
    assert page1[0].score >= page1[1].score  # type: ignore[operator]
    assert len(store.search(("test",), query="test document", limit=10)) == 5
    for query in ["", None, "test " * 100, "test!@#$%^&*()"]:
        assert len(store.search(("test",), query=query)) == 5


def test_non_ascii_queries_find_their_item(store: Face) -> None:
    texts = {"1": "这是中文", "2": "これは日本語です", "3": "이건 한국어야", "4": "Это русский"}
    for key, text in texts.items():
        store.put(("user_123", "memories"), key, {"text": text})
    for key, text in texts.items():
        assert store.search(("user_123", "memories"), query=text)[0].key == key


def test_update_replaces_searchable_text_and_delete_removes_it(
    store: Face, memory: GraphMemory
) -> None:
    dataset = store.store.dataset
    store.put(("test",), "doc1", {"text": "zany zebra Xerxes"})
    store.put(("test",), "doc2", {"text": "something about dogs"})
    assert store.search(("test",), query="zany Xerxes")[0].key == "doc1"
    store.put(("test",), "doc1", {"text": "new text about cats"})
    assert not memory.search("zany zebra Xerxes", datasets=[dataset], top_k=20) or all(
        "Xerxes" not in d.page_content for d in memory.search("zebra Xerxes", datasets=[dataset])
    )
    assert store.search(("test",), query="cats")[0].key == "doc1"
    store.put(("test",), "doc4", {"text": "hidden mongoose"}, index=False)
    assert all(
        "mongoose" not in d.page_content for d in memory.search("mongoose", datasets=[dataset])
    )
    assert [r.score for r in store.search(("test",), query="mongoose") if r.key == "doc4"] == [None]
    store.delete(("test",), "doc2")
    assert all("dogs" not in d.page_content for d in memory.search("dogs", datasets=[dataset]))


def test_items_of_the_same_text_share_a_document_safely(store: Face, memory: GraphMemory) -> None:
    dataset = store.store.dataset
    store.put(("a",), "k1", {"content": "shared walrus fact"})
    store.put(("b",), "k2", {"content": "shared walrus fact"})
    store.delete(("a",), "k1")
    # the other item still points at the document: it stays searchable
    assert [r.key for r in store.search((), query="walrus")] == ["k2"]
    store.delete(("b",), "k2")
    assert all("walrus" not in d.page_content for d in memory.search("walrus", datasets=[dataset]))


def test_index_paths_and_text_fields_choose_the_searchable_text(memory: GraphMemory) -> None:
    store = memory.as_store(dataset=f"t_{uuid.uuid4().hex[:12]}", text_fields=["title"])
    store.put(("n",), "a", {"title": "quokka island", "body": "pelican harbour"})
    store.put(("n",), "b", {"title": "other", "body": "pelican bay"}, index=["body"])
    assert store.search(("n",), query="quokka")[0].key == "a"
    assert store.search(("n",), query="pelican")[0].key == "b"
    texts = {d.page_content for d in memory.search("pelican quokka", datasets=[store.dataset])}
    assert texts == {"quokka island", "pelican bay"}  # only the chosen fields were remembered


def test_a_store_never_written_is_empty(store: Face) -> None:
    assert store.get(("x",), "k") is None
    assert store.search(("x",), query="anything") == []
    assert store.list_namespaces() == []
    store.delete(("x",), "k")  # deleting what does not exist is fine


def test_as_store_refuses_what_is_not_a_memory() -> None:
    with pytest.raises(InvalidInputError, match="as_store"):
        GraphMemoryStore("not a memory")  # type: ignore[arg-type]


def test_the_store_survives_reopening(tmp_path: Path) -> None:
    with GraphMemory(tmp_path) as first:
        first.as_store().put(("ns",), "k", {"content": "kept across processes"})
    with GraphMemory(tmp_path) as second:
        store = second.as_store()
        assert store.get(("ns",), "k").value == {"content": "kept across processes"}  # type: ignore[union-attr]
        assert store.search(("ns",), query="kept")[0].key == "k"


# -- values kept exactly --------------------------------------------------------------------------
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


def _same(a: object, b: object) -> bool:
    """Equality that also holds for NaN and tells -0.0 and 0 and True and 1 apart."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or (
            a == b and math.copysign(1, a) == math.copysign(1, b)
        )  # type: ignore[arg-type]
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))  # type: ignore[arg-type]
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)  # type: ignore[attr-defined, index]
    return a == b


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(value=st.dictionaries(st.text(), _json, max_size=5), key=st.text(min_size=1, max_size=20))
def test_any_json_value_round_trips_exactly(
    memory: GraphMemory, value: dict[str, Any], key: str
) -> None:
    store = memory.as_store(dataset="roundtrip")
    store.put(("rt",), key, value)
    got = store.get(("rt",), key)
    assert got is not None and _same(got.value, value)
    listed = [i for i in store.search(("rt",), limit=1000) if i.key == key]
    assert len(listed) == 1 and _same(listed[0].value, value)
