"""The LoCoMo metric of ``benchmarks/memory_quality.py`` on tiny hand-made inputs."""

from __future__ import annotations

import importlib.util
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest

_PATH = Path(__file__).resolve().parents[2] / "benchmarks" / "memory_quality.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("memory_quality_benchmark", _PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module by name
    spec.loader.exec_module(module)
    return module


mq = _load()

RESULTS = [
    "[D1:1] Ann: one two three",  # 5 words
    "[D2:4] Bob: four five six seven",  # 6 words
    "[D1:2] Ann: eight [D3:1] Bob: nine",  # 6 words, two turns in one text
]


def test_context_is_cut_at_the_budget_in_rank_order() -> None:
    assert mq.context_within(RESULTS, 7) == "[D1:1] Ann: one two three [D2:4] Bob:"
    assert mq.context_within(RESULTS, 0) == ""
    assert mq.context_within(["a  b\n c"], 10) == "a b c"


def test_evidence_recall_counts_markers_within_the_budget() -> None:
    # The second text is cut after its marker: the marker counts, words past the budget do not.
    assert mq.evidence_recall(RESULTS, ["D2:4"], 6) == 1.0
    assert mq.evidence_recall(RESULTS, ["D2:4"], 5) == 0.0
    assert mq.evidence_recall(RESULTS, ["D1:1", "D2:4"], 5) == 0.5
    assert mq.evidence_recall(RESULTS, ["D1:1", "D2:4", "D3:1", "D9:9"], 100) == 0.75
    # D3:1 is the 15th word: inside 15, outside 14.
    assert mq.evidence_recall(RESULTS, ["D3:1"], 15) == 1.0
    assert mq.evidence_recall(RESULTS, ["D3:1"], 14) == 0.0
    # A marker is matched whole: D1:1 is not found inside [D1:12].
    assert mq.evidence_recall(["[D1:12] Ann: hi"], ["D1:1"], 10) == 0.0
    with pytest.raises(ValueError):
        mq.evidence_recall(RESULTS, [], 10)


def test_session_recall_uses_the_first_k_distinct_sessions_by_first_marker() -> None:
    assert mq.sessions_mentioned(RESULTS) == ["D1", "D2", "D3"]
    assert mq.session_recall(RESULTS, ["D3:9"], k=3) == 1.0
    assert mq.session_recall(RESULTS, ["D3:9"], k=2) == 0.0
    assert mq.session_recall(RESULTS, ["D3:9", "D2:1"], k=2) == 1.0
    assert mq.session_recall(["no markers here"], ["D1:1"], k=5) == 0.0
    assert mq.session_recall(["[D12:1] x", "[D1:3] y"], ["D1:1"], k=1) == 0.0


def test_misses_keep_the_rank_of_each_evidence_turn() -> None:
    assert mq.evidence_ranks(RESULTS, ["D3:1", "D1:1", "D9:9"]) == [2, 0, None]
    row = mq.Row("default(a)")
    found = mq.Question("q1", 4, ("D1:1",), "conv")
    missed = mq.Question("q2", 1, ("D2:4", "D9:9"), "conv")
    row.score(found, RESULTS, [5], 1.0)
    row.score(missed, RESULTS, [5], 1.0)
    assert row.misses == [(missed, {5: 0.0}, [1, None])]  # q1's evidence fits in 5 words


def test_evidence_ids_repair_malformed_entries() -> None:
    assert mq.evidence_ids(["D1:3", "D8:6; D9:17", "D:11:26", "D1:3"]) == (
        "D1:3",
        "D8:6",
        "D9:17",
        "D11:26",
    )
    assert mq.evidence_ids(["D"]) == ("D",)  # kept: scored, never found


def test_session_document_and_time() -> None:
    turn = mq.Turn("D1:2", "Mel", mq.turn_text({"text": "Look!", "blip_caption": "a dog"}))
    session = mq.Session(1, "1:56 pm on 8 May, 2023", (turn,))
    assert mq.session_document(session) == (
        "Session 1 (1:56 pm on 8 May, 2023)\n[D1:2] Mel: Look! (shares a photo: a dog)"
    )
    assert session.created_at == datetime(2023, 5, 8, 13, 56, tzinfo=UTC)
    assert session.created_at.isoformat() == "2023-05-08T13:56:00+00:00"


def test_bm25_baseline_ranks_the_matching_turn_first() -> None:
    lines = ["[D1:1] Ann: I adopted two cats", "[D1:2] Bob: the weather is nice", "[D1:3] Ann: ok"]
    index = mq.OkapiBM25(lines)
    assert mq.rank(index.scores("Which cat did Ann adopt?"))[0] == 0
    assert mq.terms("The cities of the cats") == ["citi", "cat"]  # Lucene stopwords, Snowball
    assert mq.terms("glass bus") == ["glass", "bus"]
    assert mq.reciprocal_rank_fusion([[0, 1], [1, 0]]) == [0, 1]
    assert mq.reciprocal_rank_fusion([[2], [1, 2]]) == [2, 1]
