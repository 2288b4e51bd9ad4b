"""TextChunker: chunks are exact slices that cover the text, bounded in size and overlap."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cognee_langchain.errors import InvalidInputError
from cognee_langchain.extraction.chunking import TextChunker

# Text with words, sentence ends, line and paragraph breaks, runs of spaces and non-ASCII letters.
_pieces = st.sampled_from(
    ["Acme", "builds", "rockets", "Zoë", "東京", "a", "", " ", "  ", ". ", "! ", "? ", "\n", "\n\n",
     "\t", "word", "supercalifragilistic", "…", "3.5", "Dr. Smith"]
)  # fmt: skip
texts = st.lists(_pieces, max_size=400).map("".join) | st.text(max_size=1500)
sizes = st.integers(min_value=1, max_value=300).flatmap(
    lambda size: st.tuples(st.just(size), st.integers(min_value=0, max_value=size - 1))
)


@settings(max_examples=100, deadline=None)
@given(text=texts, size_overlap=sizes)
def test_chunks_are_trimmed_slices_that_cover_the_text(
    text: str, size_overlap: tuple[int, int]
) -> None:
    size, overlap = size_overlap
    chunker = TextChunker(size, overlap)
    spans = chunker.spans(text)

    assert chunker.split(text) == [text[start:end] for start, end in spans]
    covered_until = 0
    for i, (start, end) in enumerate(spans):
        chunk = text[start:end]
        assert chunk and chunk == chunk.strip()
        assert len(chunk) <= size
        # Nothing but whitespace is skipped between (or before) chunks.
        assert text[covered_until:start].strip() == ""
        covered_until = max(covered_until, end)
        if i:
            previous_start, previous_end = spans[i - 1]
            assert start > previous_start and end > previous_end
            assert previous_end - start <= overlap
    assert text[covered_until:].strip() == ""


@settings(max_examples=100, deadline=None)
@given(
    words=st.lists(
        st.text(alphabet="abcXYZé.,", min_size=1, max_size=14), min_size=1, max_size=200
    ),
    # A ". " separator lengthens a word by one: words stay within the smallest chunk size.
    separators=st.lists(st.sampled_from([" ", "  ", "\n", "\n\n", ". "]), min_size=1),
    size_overlap=st.integers(min_value=15, max_value=200).flatmap(
        lambda size: st.tuples(st.just(size), st.integers(min_value=0, max_value=size - 1))
    ),
)
def test_words_shorter_than_a_chunk_are_never_cut(
    words: list[str], separators: list[str], size_overlap: tuple[int, int]
) -> None:
    text = "".join(word + separators[i % len(separators)] for i, word in enumerate(words))
    for start, end in TextChunker(*size_overlap).spans(text):
        assert start == 0 or text[start - 1].isspace()
        assert end == len(text) or text[end].isspace()


@settings(max_examples=50, deadline=None)
@given(text=texts, others=st.lists(texts, max_size=3), size_overlap=sizes)
def test_chunks_depend_on_the_text_alone(
    text: str, others: list[str], size_overlap: tuple[int, int]
) -> None:
    # One chunker reused on other texts (before and in between) cuts ``text`` as a fresh one.
    fresh = TextChunker(*size_overlap).spans(text)
    reused = TextChunker(*size_overlap)
    for other in others:
        reused.spans(other)
    assert reused.spans(text) == fresh
    assert reused.spans(f"{text}") == fresh  # an equal but distinct string object


# Chunk ids hash the chunk text: a document re-added by another process must be cut the same way,
# or its chunks would be stored twice. A fixed document, its chunks pinned.
PINNED_TEXT = (
    "Alice Johnson leads Acme Corp. Acme Corp builds rockets in Toulouse.\n\n"
    "Bob Smith joined Acme Corp in 2019. He runs the engine team! Does it ship? Yes.\n"
    "Zoë works with 東京 partners… supercalifragilisticexpialidocious words stay whole."
)
PINNED_CHUNKS = [
    "Alice Johnson leads Acme Corp. Acme Corp builds rockets in Toulouse.",
    "in Toulouse.\n\nBob Smith joined Acme Corp in 2019. He runs the engine team! Does it ship?",
    "Does it ship? Yes.\nZoë works with 東京 partners…",
    "with 東京 partners… supercalifragilisticexpialidocious words stay whole.",
]


def test_a_fixed_document_is_cut_the_same_in_any_process() -> None:
    chunker = TextChunker(chunk_size=90, chunk_overlap=20)
    assert chunker.split(PINNED_TEXT) == PINNED_CHUNKS
    # Another interpreter, another hash seed: the same cut.
    code = (
        "import json, sys\n"
        "from cognee_langchain.extraction.chunking import TextChunker\n"
        "print(json.dumps(TextChunker(90, 20).split(sys.stdin.read())))\n"
    )
    for seed in ("0", "12345"):
        out = subprocess.run(
            [sys.executable, "-c", code],
            input=PINNED_TEXT,
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=os.environ | {"PYTHONHASHSEED": seed, "PYTHONIOENCODING": "utf-8"},
            check=True,
        )
        assert json.loads(out.stdout) == PINNED_CHUNKS


@pytest.mark.parametrize("text", ["", " ", "\n\n\t  \n"])
def test_blank_text_gives_no_chunks(text: str) -> None:
    assert TextChunker().split(text) == []


def test_short_text_is_one_chunk() -> None:
    assert TextChunker().split("  Alice leads Acme.\n") == ["Alice leads Acme."]


def test_prefers_paragraph_then_sentence_boundaries() -> None:
    first = "Alice leads Acme. " * 3 + "Acme builds rockets."
    second = "Bob founded Beta in 2019. Beta sells engines."
    text = f"{first}\n\n{second}"
    assert TextChunker(chunk_size=len(first) + 20, chunk_overlap=0).split(text) == [
        first,
        second,
    ]
    sentences = TextChunker(chunk_size=40, chunk_overlap=0).split(second)
    assert sentences == ["Bob founded Beta in 2019.", "Beta sells engines."]


def test_overlap_starts_at_a_sentence_inside_the_window() -> None:
    text = "One two three four. Five six seven eight. Nine ten eleven twelve."
    chunks = TextChunker(chunk_size=45, chunk_overlap=25).split(text)
    assert chunks == [
        "One two three four. Five six seven eight.",
        "Five six seven eight. Nine ten eleven twelve.",
    ]


def test_text_without_spaces_is_cut_hard_with_overlap() -> None:
    text = "x" * 25
    assert TextChunker(chunk_size=10, chunk_overlap=2).spans(text) == [
        (0, 10),
        (8, 18),
        (16, 25),
    ]


def test_huge_paragraph_without_punctuation() -> None:
    text = " ".join(f"w{i}" for i in range(5000))
    chunks = TextChunker(chunk_size=200, chunk_overlap=20).split(text)
    assert all(len(chunk) <= 200 for chunk in chunks)
    assert chunks[0].startswith("w0 ") and chunks[-1].endswith("w4999")


@pytest.mark.parametrize(
    ("size", "overlap"), [(0, 0), (-5, 0), (10, 10), (10, -1), (10.0, 0), (True, 0), (10, None)]
)
def test_bad_sizes_are_rejected(size: object, overlap: object) -> None:
    with pytest.raises(InvalidInputError, match="chunk_"):
        TextChunker(size, overlap)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [None, b"bytes", 42, ["a list"]])
def test_non_text_is_rejected(bad: object) -> None:
    with pytest.raises(InvalidInputError, match="must be a str"):
        TextChunker().split(bad)  # type: ignore[arg-type]
