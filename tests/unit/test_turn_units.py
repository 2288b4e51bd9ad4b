"""Conversation turns as retrieval units: transcript parsing, extraction windows, turn chunks
through ``remember``, and the score-fusion lanes and priors that rank them."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cognee_langchain.core.turns import Turn
from cognee_langchain.errors import InvalidInputError
from cognee_langchain.extraction.base import GraphExtractor
from cognee_langchain.extraction.schema import (
    ChunkExtraction,
    ExtractedEntity,
    ExtractedRelation,
)
from cognee_langchain.extraction.transcripts import distribute, parse_transcript
from cognee_langchain.graph.base import TextKind
from cognee_langchain.graph.sqlite import SQLiteGraphStore
from cognee_langchain.memory import GraphMemory
from cognee_langchain.retrieval import (
    Fusion,
    PriorConfig,
    Ranker,
    RankerConfig,
    SearchConfig,
    SearchEngine,
    SearchItem,
    TermExpansion,
)
from cognee_langchain.retrieval.vocabulary import Vocabulary
from cognee_langchain.services.units import WINDOW_CHARS

LOCOMO_STYLE = """Session 1 (1:56 pm on 8 May, 2023)
[D1:1] Caroline: Hey Mel! Good to see you!
[D1:2] Melanie: Hey Caroline! I just got back from the pottery class.
[D1:3] Caroline: I went to a support group yesterday and it was so powerful.
"""


# -- parsing ---------------------------------------------------------------------------------------
def test_a_transcript_becomes_dated_turns_with_their_ids() -> None:
    turns = parse_transcript(LOCOMO_STYLE)

    assert turns is not None
    assert [(t.turn_id, t.speaker) for t in turns] == [
        ("D1:1", "Caroline"),
        ("D1:2", "Melanie"),
        ("D1:3", "Caroline"),
    ]
    assert {t.occurred_at for t in turns} == {datetime(2023, 5, 8, 13, 56, tzinfo=UTC)}


def test_date_lines_date_the_turns_after_them_and_indented_lines_continue_a_turn() -> None:
    text = (
        "Date: 2023-05-08T13:56:00+00:00\nUser: first\n  still the first\n"
        "Assistant: an answer\nDate: 2023-06-01T10:00:00+02:00\nUser: later"
    )
    turns = parse_transcript(text)

    assert turns is not None
    assert [t.text for t in turns] == ["first\nstill the first", "an answer", "later"]
    assert turns[2].occurred_at == datetime(2023, 6, 1, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("head", "day"),
    [
        ("Session 2 (20 June 2023)", datetime(2023, 6, 20, tzinfo=UTC)),
        ("Session 2 - 20 June 2023", datetime(2023, 6, 20, tzinfo=UTC)),
        ("Session 3: 2023-06-01", datetime(2023, 6, 1, tzinfo=UTC)),
        ("Session 4 — 5 May 2024", datetime(2024, 5, 5, tzinfo=UTC)),
        ("Session notes - see below", None),
    ],
)
def test_a_session_line_dates_its_turns(head: str, day: datetime | None) -> None:
    turns = parse_transcript(f"{head}\nAnna: Hallo!\nBernd: Wie geht's?")
    assert turns is not None and {t.occurred_at for t in turns} == {day}


def test_one_turn_is_a_transcript_when_a_date_line_or_a_turn_id_marks_it() -> None:
    dated = parse_transcript("Session 3 (1:56 pm on 8 May, 2023)\nAlice: I moved to Berlin.")
    assert dated is not None and [(t.speaker, t.occurred_at) for t in dated] == [
        ("Alice", datetime(2023, 5, 8, 13, 56, tzinfo=UTC))
    ]
    with_id = parse_transcript("[D3:1] Alice: I moved to Berlin.")
    assert with_id is not None and with_id[0].turn_id == "D3:1"
    assert parse_transcript("Note: Bob is in Berlin.") is None


def test_prose_and_undated_dialogue() -> None:
    assert parse_transcript("Alice leads Acme.\nNote: Bob is in Berlin.\nMore prose.") is None
    undated = parse_transcript("Anna: Hallo!\nBernd: Wie geht's?")
    assert undated is not None and all(t.occurred_at is None for t in undated)
    assert parse_transcript("小明: 你好\n小红: 你好吗?") is not None


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_parsing_any_text_never_raises_and_never_yields_an_empty_turn(text: str) -> None:
    turns = parse_transcript(text)
    assert turns is None or all(t.text.strip() and t.speaker for t in turns)


def test_a_turn_needs_text_and_an_aware_time() -> None:
    with pytest.raises(InvalidInputError, match="needs text"):
        Turn("Alice", "  ")
    with pytest.raises(InvalidInputError, match="timezone-aware"):
        Turn("Alice", "hi", occurred_at=datetime(2023, 5, 8))


def test_a_windows_findings_go_to_the_turns_that_name_them() -> None:
    extraction = ChunkExtraction(
        entities=[ExtractedEntity(name="Acme"), ExtractedEntity(name="Paris")],
        relations=[
            ExtractedRelation(source="Alice", predicate="leads", target="Acme"),
            ExtractedRelation(source="Bob", predicate="visited", target="Rome"),
        ],
        summary="A chat.",
    )
    shares = distribute(["Alice: I lead Acme now.", "Bob: Paris was lovely."], extraction)

    assert [[e.name for e in s.entities] for s in shares] == [["Acme"], ["Paris"]]
    # Alice and Acme are both in turn 0; nothing names Rome or Bob's visit but turn 1 names Bob.
    assert [[r.target for r in s.relations] for s in shares] == [["Acme"], ["Rome"]]
    assert all(s.summary == "" for s in shares)


def test_a_fact_goes_to_the_turn_its_description_was_said_in() -> None:
    """Both turns are Ines's and none names "freelancer": the description (the sentence the
    fact was read from) tells which turn said it; a paraphrase falls back to naming."""
    turns = ["Ines: Named after the parrot! I love it.", "Ines: I'm freelancing now, I left."]
    said = ExtractedRelation(
        source="Ines", predicate="works as", target="freelancer",
        description="I'm freelancing now, I left.",
    )  # fmt: skip
    paraphrase = ExtractedRelation(
        source="Ines", predicate="works as", target="freelancer",
        description="Ines became a self-employed designer in 2023.",
    )  # fmt: skip
    shares = distribute(turns, ChunkExtraction(relations=[said, paraphrase]))
    assert [[r.description for r in s.relations] for s in shares] == [
        [paraphrase.description],
        [said.description],
    ]


# -- turns through remember ------------------------------------------------------------------------
def test_each_turn_is_a_dated_unit_with_provenance(tmp_path: Path) -> None:
    memory = GraphMemory(tmp_path)
    result = memory.remember(LOCOMO_STYLE, dataset="chat")

    assert result.chunks_added == 3
    docs = memory.search("Which class did Melanie take?", datasets=["chat"], top_k=3)
    top = docs[0]
    assert top.page_content == (
        "(2023-05-08) [D1:2] Melanie: Hey Caroline! I just got back from the pottery class."
    )
    assert top.metadata["speaker"] == "Melanie"
    assert top.metadata["turn_id"] == "D1:2"
    assert top.metadata["occurred_at"] == "2023-05-08T13:56:00+00:00"
    assert memory.remember(LOCOMO_STYLE, dataset="chat").chunks_added == 0
    memory.close()


def test_a_long_turn_is_cut_never_dropped_and_prose_keeps_prose_chunks(tmp_path: Path) -> None:
    memory = GraphMemory(tmp_path)
    long_turn = " ".join(f"Sentence number {i} is about gardening." for i in range(200))
    text = f"Alice: {long_turn}\nBob: Nice."
    memory.remember([text, "Alice leads Acme. Acme is based in Paris."], dataset="mix")

    records = memory.graph_store.read_records(TextKind.CHUNK, ["mix"], limit=1000)
    chunks = [record.text for record in records]
    alice = [c for c in chunks if c.startswith("Alice: ")]
    assert len(alice) > 1 and all(len(c) <= 1300 for c in alice)
    assert "Sentence number 199 is about gardening." in " ".join(alice)
    assert "Bob: Nice." in chunks
    assert "Alice leads Acme. Acme is based in Paris." in chunks
    memory.close()


class _CountingExtractor(GraphExtractor):
    def __init__(self) -> None:
        self.calls: list[str] = []

    async def aextract(self, texts: Sequence[str]) -> list[ChunkExtraction]:
        self.calls.extend(texts)
        return [ChunkExtraction() for _ in texts]


def test_one_extractor_input_reads_a_window_of_turns(tmp_path: Path) -> None:
    extractor = _CountingExtractor()
    memory = GraphMemory(tmp_path, extractor=extractor)
    lines = [f"{'Alice' if i % 2 else 'Bob'}: message {i}" + " word" * 30 for i in range(1400)]
    transcript = "\n".join(lines)[:200_000].rsplit("\n", 1)[0]
    memory.remember(transcript, dataset="long")

    assert len(transcript) > 199_000
    assert len(extractor.calls) <= 41  # what cognee makes for 200 KB
    assert all(len(text) <= WINDOW_CHARS for text in extractor.calls)
    assert "\n".join(extractor.calls) == transcript
    memory.close()


def test_a_graph_file_of_the_previous_release_is_migrated_on_open(tmp_path: Path) -> None:
    path = tmp_path / "graph.sqlite"
    SQLiteGraphStore(path).close()
    with sqlite3.connect(path) as conn:  # make it look like a version 1 file
        conn.execute("ALTER TABLE chunks DROP COLUMN unit")
        conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    conn.close()

    store = SQLiteGraphStore(path)
    with sqlite3.connect(path) as conn:
        (version,) = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        columns = [row[1] for row in conn.execute("PRAGMA table_info(chunks)")]
    conn.close()
    store.close()
    assert version == "4" and "unit" in columns  # 1 -> 2 -> 3 -> 4


# -- score fusion ----------------------------------------------------------------------------------
def _turn(i: int, speaker: str, text: str, context: str = "", **extra: object) -> SearchItem:
    vector = np.zeros(8, dtype=np.float32)
    vector[i % 8] = 1.0
    return SearchItem(
        id=f"t{i}",
        kind="chunk",
        text=f"{speaker}: {text}",
        vector=vector,
        dataset="d",
        speaker=speaker,
        context=context,
        **extra,  # type: ignore[arg-type]
    )


def _lexical(*lanes: Ranker, priors: PriorConfig | None = None) -> SearchConfig:
    return SearchConfig(
        rankers=tuple(RankerConfig("chunk", lane) for lane in lanes or (Ranker.BM25,)),
        fusion=Fusion.SCORE,
        priors=priors,
    )


def _ids(engine: SearchEngine, query: str, config: SearchConfig, k: int = 3) -> list[str]:
    return [hit.id for hit in engine.search(query, np.ones(8), config, k=k)]


def test_the_context_lane_finds_the_answer_to_a_question_asked_in_other_words() -> None:
    engine = SearchEngine(dim=8)
    engine.add(
        [
            _turn(0, "Bob", "Which instrument do you play?", context="Alice: The violin!"),
            _turn(1, "Alice", "The violin!", context="Bob: Which instrument do you play?"),
            _turn(2, "Alice", "I walked the dog.", context="Bob: Nice weather."),
        ]
    )
    config = _lexical(Ranker.BM25, Ranker.CONTEXT, priors=PriorConfig(question=-0.5))

    assert _ids(engine, "What instrument does Alice play?", _lexical())[0] == "t0"
    assert _ids(engine, "What instrument does Alice play?", config)[0] == "t1"


def test_priors_lift_the_named_speaker_the_dated_period_and_the_relevant_session() -> None:
    may = datetime(2023, 5, 8, tzinfo=UTC).timestamp()
    june = datetime(2023, 6, 8, tzinfo=UTC).timestamp()
    engine = SearchEngine(dim=8)
    engine.add(
        [
            _turn(0, "Alice", "I went hiking.", group="s1", occurred_at=may),
            _turn(1, "Bob", "I went hiking.", group="s2", occurred_at=june),
        ]
    )
    plain = _lexical(priors=PriorConfig(speaker=0, group=0, date=0, time=0, question=0))

    assert _ids(engine, "Who went hiking?", plain) == ["t0", "t1"]  # a tie: lower slot first
    assert _ids(engine, "Where did Bob go hiking?", _lexical(priors=PriorConfig()))[0] == "t1"
    june_only = PriorConfig(speaker=0, group=0, time=0, question=0)
    assert _ids(engine, "Who went hiking in June 2023?", _lexical(priors=june_only))[0] == "t1"


def test_the_conversation_prior_lifts_the_sessions_of_the_named_person() -> None:
    """Two conversations in one memory saying the same words: asked about Nora, what Ida tells
    her counts, not what Cas tells Ben; where everyone speaks in every session, nothing moves."""
    engine = SearchEngine(dim=8)
    engine.add(
        [
            _turn(0, "Cas", "The new job at the port is great.", group="b1"),
            _turn(1, "Ben", "Good to hear.", group="b1"),
            _turn(2, "Ida", "The new job at the port is great.", group="s1"),
            _turn(3, "Nora", "Good to hear.", group="s1"),
        ]
    )
    only = {"speaker": 0.0, "group": 0.0, "time": 0.0, "date": 0.0, "question": 0.0}
    on = _lexical(priors=PriorConfig(**only, conversation=0.6))
    off = _lexical(priors=PriorConfig(**only, conversation=0.0))

    def order(query: str, config: SearchConfig) -> list[str]:
        return [i for i in _ids(engine, query, config, k=4) if i in ("t0", "t2")]

    assert order("What did Nora hear about the new job?", off) == ["t0", "t2"]  # a tie
    assert order("What did Nora hear about the new job?", on) == ["t2", "t0"]
    assert order("What about the new job?", on) == ["t0", "t2"]  # nobody named
    shared = SearchEngine(dim=8)
    shared.add([_turn(0, "Nora", "Hi.", group="s1"), _turn(1, "Ida", "The job!", group="s1")])
    # not even the scores move (a boost for every item would lift them all alike)
    scored = [
        [(hit.id, hit.score) for hit in shared.search("Nora job", np.ones(8), config, k=2)]
        for config in (on, off)
    ]
    assert scored[0] == scored[1]


def test_the_session_prior_favours_a_session_that_matches_more_than_once() -> None:
    engine = SearchEngine(dim=8)
    engine.add(
        [
            # s1: one turn about bread; s2: two, each matching a little less well.
            _turn(0, "Alice", "Bread, bread!", group="s1"),
            _turn(1, "Alice", "The weather was fine.", group="s1"),
            _turn(2, "Bob", "We baked bread today.", group="s2"),
            _turn(3, "Bob", "Fresh bread is the best.", group="s2"),
        ]
    )
    only = {"speaker": 0.0, "time": 0.0, "date": 0.0, "question": 0.0, "group": 3.0}
    best_turn = _lexical(priors=PriorConfig(**only, group_depth=1))
    best_two = _lexical(priors=PriorConfig(**only, group_depth=2))

    assert _ids(engine, "bread", best_turn, k=1) == ["t0"]
    assert _ids(engine, "bread", best_two, k=1) == ["t2"]


def test_a_lane_that_cannot_tell_items_apart_adds_nothing() -> None:
    engine = SearchEngine(dim=8)
    engine.add([_turn(i, "Alice", "same words") for i in range(3)])
    hits = engine.search("same words", np.ones(8), _lexical(), k=3)
    assert [hit.score for hit in hits] == [0.0, 0.0, 0.0]


# -- query term expansion --------------------------------------------------------------------------
_WORD_VECTORS = {"allergic": [1.0, 0.0, 0.1], "dairy": [0.9, 0.1, 0.0], "garden": [0.0, 1.0, 0.0]}


def _embed_words(words: Sequence[str]) -> np.ndarray:
    return np.array([_WORD_VECTORS.get(w, [0.0, 0.0, 1.0]) for w in words], dtype=np.float32)


def test_a_query_word_also_matches_the_indexed_words_closest_to_it() -> None:
    vocabulary = Vocabulary()
    vocabulary.note(["dairy", "of", "garden"], dataset=0)
    vocabulary.note(["garden"], dataset=1)
    assert vocabulary.missing() == ["dairy", "garden"]  # content words only
    vocabulary.add(vocabulary.missing(), _embed_words(vocabulary.missing()))
    allergic = _embed_words(["allergic"])

    assert vocabulary.missing() == []
    assert vocabulary.neighbours(["allergic"], allergic, 3, 0.5) == [
        ("dairi", pytest.approx(0.99, abs=0.01))
    ]
    assert vocabulary.neighbours(["allergic"], allergic, 3, 0.999) == []
    # a search of dataset 1 expands only to words of dataset 1
    assert vocabulary.neighbours(["allergic"], allergic, 3, 0.5, datasets=[1]) == []


def test_term_expansion_finds_a_turn_that_shares_no_word_with_the_question() -> None:
    engine = SearchEngine(dim=8)
    engine.add([_turn(0, "Bob", "I love my garden."), _turn(1, "Alice", "I can't have dairy.")])
    expanding = replace(_lexical(), expand_terms=TermExpansion())

    # Nothing matches "allergic": a tie, broken by slot.
    assert _ids(engine, "Who is allergic?", _lexical(), k=1) == ["t0"]
    assert _ids(engine, "Who is allergic?", expanding, k=1) == ["t0"]  # no embedder given
    hits = engine.search("Who is allergic?", np.ones(8), expanding, k=1, embed_words=_embed_words)
    assert [hit.id for hit in hits] == ["t1"]
