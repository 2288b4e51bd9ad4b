"""The pure helpers of ``benchmarks/scale_out.py``: the workers' texts and the precomputed
answers of its scripted chat model."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from cognee_langchain.extraction.chunking import TextChunker

_BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def _load() -> ModuleType:
    # The benchmark imports its siblings (cold_start.py, ...) as a script does: by the directory.
    if str(_BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(_BENCHMARKS))
    spec = importlib.util.spec_from_file_location("scale_out_bench", _BENCHMARKS / "scale_out.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


so = _load()


def _request(chunk: str) -> dict[str, Any]:
    """A structured-output extraction request for ``chunk``, as ``ChatOpenAI`` sends it."""
    return {
        "messages": [
            {"role": "system", "content": "You build a knowledge graph."},
            {"role": "user", "content": chunk},
        ],
        "response_format": {"type": "json_schema"},
    }


def test_answer_key_drops_only_the_run_sentence() -> None:
    text = "Alice Smith joined Acme Corp in Denver. Run was fun."
    assert so.answer_key(so.run_text(text, 102, 49)) == text
    assert so.answer_key(text) == text
    assert so.answer_key("Run 3-4. Alice moved to Paris.") == "Run 3-4. Alice moved to Paris."


def test_worker_texts_are_deterministic_and_cover_the_calls() -> None:
    assert so.worker_texts(1, 3) == so.worker_texts(1, 3)
    assert len(so.worker_texts(1, 0)) == so.TEXTS_PER_WORKER
    assert len(so.worker_texts(1, 80)) == 80
    assert so.worker_texts(1, 3)[0] != so.worker_texts(2, 3)[0]


def test_every_calls_chunks_share_the_keys_of_call_zero() -> None:
    # The server precomputes call 0 of each text; the other calls must find its answers.
    chunker = TextChunker()
    for text in so.worker_texts(100, 0)[:5]:
        known = {so.answer_key(c) for c in chunker.split(so.run_text(text, 100, 0))}
        for call in (1, 49, 1234):
            chunks = chunker.split(so.run_text(text, 100, call))
            assert {so.answer_key(c) for c in chunks} <= known


def test_canned_extractions_answer_from_the_table_and_count_misses() -> None:
    text = so.worker_texts(1, 0)[0]
    canned = so.CannedExtractions([so.run_text(text, 1, 0)])
    chunks = TextChunker().split(so.run_text(text, 1, 7))
    assert len(canned) == len(chunks)
    answer = canned(_request(chunks[-1]))
    assert answer["entities"] and "summary" in answer
    assert (canned.requests, canned.misses) == (1, 0)
    canned(_request("Bob Diaz founded Globex in Lagos."))
    assert (canned.requests, canned.misses, len(canned)) == (2, 1, len(chunks) + 1)


def test_targets_say_met_or_missed() -> None:
    verdict = so.targets(100_000, 15.0, 60.0, 4, 1, 3.1)
    assert "**missed** (15.0 / 60.0 ms)" in verdict
    assert "met (3.10×)" in verdict
