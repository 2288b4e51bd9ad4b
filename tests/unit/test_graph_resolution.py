"""Entity resolution: name normalisation and the resolver against a stored graph."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cognee_langchain.core.defaults import DEFAULT_ENTITY_TYPE
from cognee_langchain.errors import InvalidInputError
from cognee_langchain.graph.base import EntityMention, PutChunk, PutEntity, Vector, WriteOp
from cognee_langchain.graph.models import content_id
from cognee_langchain.graph.resolution import (
    EntityResolver,
    Mention,
    clean_type,
    normalize_name,
    normalize_predicate,
)
from cognee_langchain.graph.sqlite import SQLiteGraphStore
from cognee_langchain.testing.graph_store import DS, create, doc_op, vec
from tests.unit.test_memory_support import BagOfWordsEmbeddings


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Acme Corp", "ACME Corporation"),
        ("The Acme Company, Ltd.", "acme"),
        ("Acme's", "Acme"),
        ("Dr. Alice Chen", "alice chen"),
        ("Zürich", "Zurich"),
        ("machine-learning", "Machine Learning"),
        ("U.S.A.", "USA"),
        ("Johnson & Johnson", "Johnson and Johnson"),
        ("databases", "database"),
        ('"Paris"', "Paris"),
    ],
)
def test_same_thing_same_key(a: str, b: str) -> None:
    assert normalize_name(a) == normalize_name(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Williams", "William"), ("Acme", "Acme Labs"), ("Alice Chen", "Bob Chen"), ("AT", "ATT")],
)
def test_different_things_different_keys(a: str, b: str) -> None:
    assert normalize_name(a) != normalize_name(b)


words = st.from_regex(r"[A-Z][a-z]{3,8}", fullmatch=True).filter(
    lambda w: w.lower() not in {"corp", "company", "limited", "miss"}
)
names = st.lists(words, min_size=1, max_size=3).map(" ".join)


@given(names)
def test_keys_ignore_case_suffixes_and_articles(name: str) -> None:
    key = normalize_name(name)
    assert key and key == key.casefold() and "  " not in key
    assert all(ch.isalnum() or ch == " " for ch in key)
    assert normalize_name(name.upper()) == key
    assert normalize_name(f"The {name}, Inc.") == key
    assert normalize_name(f"{name}'s") == key


def test_mentions_clean_names_and_reject_junk() -> None:
    mention = Mention.create("c", '  "Acme   Corp"  ', " Organization ", " makes things ")
    assert mention is not None
    assert (mention.name, mention.type, mention.description, mention.key) == (
        "Acme Corp",
        "Organization",
        "makes things",
        "acme",
    )
    for junk in ("", "   ", "...", "x" * 300):
        assert Mention.create("c", junk) is None
    assert clean_type("") == DEFAULT_ENTITY_TYPE
    assert normalize_predicate(" WORKS_FOR. ") == "works for"
    assert normalize_predicate("") == "related to"


SYNONYMS = {"bob": "robert"}


class _Embedder:
    """The resolver's embed callable over bag-of-words vectors; counts names embedded."""

    def __init__(self, synonyms: dict[str, str] | None = None) -> None:
        self.model = BagOfWordsEmbeddings(synonyms=synonyms)
        self.names: list[str] = []

    async def __call__(self, texts: Sequence[str]) -> Vector:
        self.names.extend(texts)
        return np.array(self.model.embed_documents(list(texts)), dtype=np.float32)


async def _store_with(tmp_path: Path, *names: tuple[str, str]) -> tuple[SQLiteGraphStore, str]:
    """A store holding one chunk that mentions ``names`` ((name, type) pairs) as entities."""
    store = SQLiteGraphStore(tmp_path / "g.sqlite")
    chunk = PutChunk(content_id("chunk", DS, "seed"), DS, "seed chunk", "", vec(1, dim=64))
    mentions = [m for n, t in names if (m := Mention.create(chunk.id, n, t)) is not None]
    resolution = await EntityResolver().aresolve(store, DS, mentions, _Embedder(SYNONYMS))
    ops: list[WriteOp] = [create(), chunk, doc_op([chunk], "seed")]
    ops += [
        PutEntity(e.id, DS, e.name, e.type, e.vector, e.keys, e.tokens,
                  tuple(EntityMention(m.chunk_id, m.name) for m in e.mentions))
        for e in resolution.entities.values()
    ]  # fmt: skip
    store.apply(ops)
    return store, chunk.id


async def test_known_names_resolve_without_embedding(tmp_path: Path) -> None:
    store, chunk_id = await _store_with(tmp_path, ("Acme Corp", "Organization"))
    embed = _Embedder()
    mention = Mention.create(chunk_id, "ACME Corporation", "Company")
    assert mention is not None

    resolution = await EntityResolver().aresolve(store, DS, [mention], embed)

    entity = resolution.entity_for(mention.key)
    assert (entity.id, entity.name, entity.new) == (
        content_id("entity", DS, "acme"),
        "Acme Corp",
        False,
    )
    assert embed.names == []


async def test_similarity_needs_threshold_type_and_shared_token(tmp_path: Path) -> None:
    store, chunk_id = await _store_with(tmp_path, ("Bob Smith", "Person"))

    def mention(name: str, type_: str) -> Mention:
        found = Mention.create(chunk_id, name, type_)
        assert found is not None
        return found

    merged = await EntityResolver(0.95).aresolve(
        store, DS, [mention("Robert Smith", "person")], _Embedder(SYNONYMS)
    )
    assert merged.entity_for("robert smith").name == "Bob Smith"

    strict = await EntityResolver(1.01).aresolve(
        store, DS, [mention("Robert Smith", "Person")], _Embedder(SYNONYMS)
    )
    assert strict.entity_for("robert smith").new

    other_type = await EntityResolver(0.95).aresolve(
        store, DS, [mention("Robert Smith", "Place")], _Embedder(SYNONYMS)
    )
    assert other_type.entity_for("robert smith").new


async def test_a_batch_keeps_every_key_of_merged_mentions(tmp_path: Path) -> None:
    store = SQLiteGraphStore(tmp_path / "g.sqlite")
    mentions = [
        m
        for m in (
            Mention.create("c1", "Bob Smith", "Person"),
            Mention.create("c2", "Robert Smith", "Person"),
            Mention.create("c3", "bob smith", "Person"),
        )
        if m is not None
    ]
    resolution = await EntityResolver(0.95).aresolve(store, DS, mentions, _Embedder(SYNONYMS))
    (entity,) = resolution.entities.values()
    assert entity.new and entity.name == "Bob Smith"
    assert entity.keys == ("bob smith", "robert smith")
    assert [m.chunk_id for m in entity.mentions] == ["c1", "c3", "c2"]
    assert set(entity.tokens) == {"bob", "smith", "robert"}


class _Constant:
    """Embeds every name to the same vector: only the token rule keeps names apart."""

    async def __call__(self, texts: Sequence[str]) -> Vector:
        return np.full((len(texts), 4), 0.5, dtype=np.float32)


async def test_only_names_sharing_a_token_are_compared(tmp_path: Path) -> None:
    store = SQLiteGraphStore(tmp_path / "g.sqlite")
    names = ("Alice Smith", "Bob Jones", "Carol Smith")
    mentions = [m for n in names if (m := Mention.create("c", n, "Person")) is not None]

    resolution = await EntityResolver(0.9).aresolve(store, DS, mentions, _Constant())

    assert sorted(e.name for e in resolution.entities.values()) == ["Alice Smith", "Bob Jones"]
    assert resolution.entity_for("carol smith").name == "Alice Smith"


@pytest.mark.parametrize(
    "kwargs",
    [{"similarity_threshold": "high"}, {"similarity_threshold": True}, {"max_candidates": 0}],
)
def test_resolver_settings_are_validated(kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidInputError):
        EntityResolver(**kwargs)  # type: ignore[arg-type]
