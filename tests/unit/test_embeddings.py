"""WordLlamaEmbeddings: offline, lazy, normalised, and faithful to wordllama's own vectors."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cognee_langchain import embeddings as embeddings_module
from cognee_langchain.embeddings import WordLlamaEmbeddings
from cognee_langchain.errors import InvalidInputError


@pytest.fixture(scope="module")
def model() -> WordLlamaEmbeddings:
    return WordLlamaEmbeddings()


def test_import_loads_neither_wordllama_nor_numpy() -> None:
    code = (
        "import sys, cognee_langchain.embeddings as e; e.WordLlamaEmbeddings(dim=64); "
        "print(sorted(m for m in ('wordllama', 'numpy') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"


def test_vectors_are_unit_float32_rows(model: WordLlamaEmbeddings) -> None:
    vectors = model.embed_array(["Alice leads Acme.", "Acme builds rockets", "東京"])

    assert vectors.shape == (3, 256) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert model.dimension == 256


def test_empty_text_is_the_zero_vector(model: WordLlamaEmbeddings) -> None:
    vectors = model.embed_array(["", "Alice"])

    assert not vectors[0].any()
    assert np.isclose(np.linalg.norm(vectors[1]), 1.0)
    assert model.embed_array([]).shape == (0, 256)


def test_matches_wordllama_own_embeddings(model: WordLlamaEmbeddings) -> None:
    import wordllama

    texts = ["Alice leads Acme.", "A much longer text about rockets, engines and launches."]
    reference = wordllama.WordLlama.load(
        cache_dir=Path(wordllama.__file__).parent, disable_download=True
    ).embed(texts, norm=True)

    assert np.allclose(model.embed_array(texts), reference, atol=1e-5)


def test_similar_texts_are_closer_than_unrelated_ones(model: WordLlamaEmbeddings) -> None:
    cat, kitten, revenue = model.embed_array(
        [
            "The cat sat on the mat.",
            "A kitten was sitting on a rug.",
            "Quarterly revenue grew by five percent.",
        ]
    )
    assert cat @ kitten > cat @ revenue + 0.1


@settings(max_examples=30, deadline=None)
@given(texts=st.lists(st.text(max_size=80), max_size=12))
def test_batching_does_not_change_vectors(model: WordLlamaEmbeddings, texts: list[str]) -> None:
    batch = model.embed_array(texts)
    one_by_one = [model.embed_array([text])[0] for text in texts]

    assert batch.shape == (len(texts), 256)
    for row, single in zip(batch, one_by_one, strict=True):
        assert np.allclose(row, single, atol=1e-5)


def test_huge_text_is_summed_in_bounded_steps(model: WordLlamaEmbeddings) -> None:
    [huge] = model.embed_array(["word " * 50_000])  # far more tokens than one numpy step

    assert np.allclose(huge, model.embed_array(["word"])[0], atol=1e-5)


async def test_langchain_interface_and_async_twins(model: WordLlamaEmbeddings) -> None:
    documents = model.embed_documents(["Alice", "Bob"])
    query = model.embed_query("Alice")

    assert isinstance(documents, list) and isinstance(documents[0][0], float)
    assert len(documents) == 2 and len(query) == 256
    assert query == pytest.approx(documents[0])
    assert await model.aembed_documents(["Alice", "Bob"]) == documents
    assert await model.aembed_query("Alice") == query
    assert np.array_equal(await model.aembed_array(["Alice", "Bob"]), np.array(documents, "f4"))


@pytest.mark.parametrize("dim", [64, 128])
def test_truncated_dimensions(dim: int) -> None:
    model = WordLlamaEmbeddings(dim=dim)
    cat, kitten, revenue = model.embed_array(
        ["The cat sat on the mat.", "A kitten sat on a rug.", "Revenue grew by five percent."]
    )

    assert cat.shape == (dim,) and np.isclose(np.linalg.norm(cat), 1.0)
    assert cat @ kitten > cat @ revenue


def test_model_loads_once_under_concurrent_first_use(monkeypatch: pytest.MonkeyPatch) -> None:
    real = embeddings_module._load_wordllama
    loads: list[int] = []

    def counting_load(dim: int) -> Any:
        loads.append(dim)
        return real(dim)

    monkeypatch.setattr(embeddings_module, "_load_wordllama", counting_load)
    model = WordLlamaEmbeddings()
    results: list[np.ndarray] = []
    threads = [
        threading.Thread(target=lambda: results.append(model.embed_array(["Alice"])[0]))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert loads == [256]
    assert len(results) == 8 and all(np.array_equal(r, results[0]) for r in results)


@pytest.mark.parametrize("dim", [0, 100, 512, True, "256"])
def test_bad_dimension_is_rejected(dim: Any) -> None:
    with pytest.raises(InvalidInputError, match="dim must be one of"):
        WordLlamaEmbeddings(dim=dim)


@pytest.mark.parametrize("texts", ["not a list", [b"bytes"], ["ok", None], 7])
def test_bad_texts_are_rejected(model: WordLlamaEmbeddings, texts: Any) -> None:
    with pytest.raises(InvalidInputError):
        model.embed_documents(texts)


def test_bad_query_is_rejected(model: WordLlamaEmbeddings) -> None:
    with pytest.raises(InvalidInputError, match="must be a str"):
        model.embed_query(None)  # type: ignore[arg-type]


def test_loading_the_model_leaves_the_root_logger_alone() -> None:
    """Regression: wordllama's import-time logging.basicConfig(level=INFO) leaked into users'
    programs, printing every library's INFO records."""
    code = (
        "import logging; from cognee_langchain.embeddings import WordLlamaEmbeddings;"
        "WordLlamaEmbeddings().embed_query('hi'); root = logging.getLogger();"
        "print(root.level, len(root.handlers))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == [str(logging.WARNING), "0"]
