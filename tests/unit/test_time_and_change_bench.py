"""``benchmarks/time_and_change.py``: its fixture is valid and its metrics score what they say."""

from __future__ import annotations

import copy
import importlib.util
import json
import re
import sys
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cognee_langchain.services.history import FactVersion

_BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def _load() -> ModuleType:
    # The benchmark imports its sibling memory_quality.py as a script does: by the directory.
    if str(_BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(_BENCHMARKS))
    spec = importlib.util.spec_from_file_location(
        "time_and_change_bench", _BENCHMARKS / "time_and_change.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module by name
    spec.loader.exec_module(module)
    return module


tc = _load()
FIXTURE = tc.load_fixture(tc.DEFAULT_FIXTURE)
RAW: dict[str, Any] = json.loads(tc.DEFAULT_FIXTURE.read_text(encoding="utf-8"))
TEXTS = {t.dia_id: t.text for c in FIXTURE.conversations for t in c.turns}
SESSION_DAY = {
    t.dia_id: s.created_at.date()
    for c in FIXTURE.conversations
    for s in c.sessions
    for t in s.turns
}


# -- the fixture meets the issue's minimums --------------------------------------------------------
def test_fixture_has_the_issues_minimums() -> None:
    assert len(FIXTURE.conversations) >= 12
    for conversation in FIXTURE.conversations:
        assert len(conversation.sessions) >= 3, conversation.sample_id
        assert {t.speaker for t in conversation.turns} == {
            conversation.speaker_a,
            conversation.speaker_b,
        }
    assert len(FIXTURE.questions) >= 80
    kinds = {kind: sum(q.kind == kind for q in FIXTURE.questions) for kind in tc.KINDS}
    assert all(n >= 15 for n in kinds.values()), kinds
    # Stale evidence is what the stale-first rate is computed over: most non-"when" questions.
    timed = [q for q in FIXTURE.questions if q.kind != "when"]
    assert sum(bool(q.stale) for q in timed) >= 0.8 * len(timed)


@pytest.mark.parametrize("name", ["time_and_change_dev2.json", "time_and_change_dev3.json"])
def test_the_other_development_fixtures_load_with_the_same_minimums(name: str) -> None:
    second = tc.load_fixture(tc.REPO / "benchmarks" / "data" / name)
    assert len(second.conversations) >= 12 and len(second.questions) >= 80
    assert {q.kind for q in second.questions} == set(tc.KINDS)
    assert len(second.dates) >= 50
    # written apart from the first: no turn of one is a turn of the other
    assert not {t.text for c in second.conversations for t in c.turns} & set(TEXTS.values())


def test_every_evidence_and_stale_id_names_a_turn_of_its_conversation() -> None:
    for question in FIXTURE.questions:
        for turn_id in (*question.evidence, *question.stale):
            assert turn_id in TEXTS, turn_id
            assert turn_id.startswith(f"{question.conversation}:"), (question.text, turn_id)
        assert not set(question.evidence) & set(question.stale)


def test_turn_ids_are_unique_and_people_unambiguous_in_one_dataset() -> None:
    ids = [t.dia_id for c in FIXTURE.conversations for t in c.turns]
    assert len(ids) == len(set(ids))
    # All conversations share one dataset: a speaker of one is never a name in another.
    for conversation in FIXTURE.conversations:
        others = " ".join(
            t.text for c in FIXTURE.conversations if c is not conversation for t in c.turns
        )
        for speaker in (conversation.speaker_a, conversation.speaker_b):
            assert not re.search(rf"\b{speaker}\b", others), speaker


def test_dates_cover_every_grain_retractions_and_resolve_to_the_past() -> None:
    assert len(FIXTURE.dates) >= 30
    assert {d.grain for d in FIXTURE.dates} >= {"day", "week", "month"}
    assert sum(d.boundary == "invalid_at" for d in FIXTURE.dates) >= 5  # "I quit ... last Friday"
    for truth in FIXTURE.dates:
        said = SESSION_DAY[truth.turn_id]
        assert truth.day <= said, truth  # nothing in the fixture dates a change ahead
        assert truth.target.casefold() in TEXTS[truth.turn_id].casefold(), truth
        assert said - truth.day <= timedelta(days=366), truth  # every phrase names a recent date


def test_relative_weekdays_and_counts_are_what_the_words_say() -> None:
    # The truths were written by hand: check them against the plain reading of the words.
    weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    counts = {"yesterday": 1, "three days ago": 3, "last week": 7, "two weeks ago": 14}
    counts["three weeks ago"] = 21
    for truth in FIXTURE.dates:
        said, phrase = SESSION_DAY[truth.turn_id], truth.phrase.casefold()
        named = [day for day in weekdays if day in phrase]
        if named:
            assert weekdays[truth.day.weekday()] == named[0], truth
            assert 0 < (said - truth.day).days <= 7, truth
        for words, days in counts.items():
            if words in phrase:
                assert (said - truth.day).days == days, truth


def test_the_fixture_has_retractions_and_out_of_order_ingestion() -> None:
    texts = " ".join(TEXTS.values()).casefold()
    assert all(words in texts for words in ("i quit", "no longer", "anymore", "broke up"))
    order = tc.ingestion_order(FIXTURE, 0)
    assert sorted(f"{c.sample_id}-{s.number}" for c, s in order) == sorted(
        f"{c.sample_id}-{s.number}" for c in FIXTURE.conversations for s in c.sessions
    )
    assert tc.ingestion_order(FIXTURE, 0) == order  # the seed fixes the order
    assert tc.late_arrivals(order) >= len(order) // 4


# -- the loader refuses a broken fixture -----------------------------------------------------------
def _tiny() -> dict[str, Any]:
    turns = [
        {"id": "X1:S1:T1", "speaker": "Ann", "text": "I live in Oslo."},
        {"id": "X1:S1:T2", "speaker": "Bo", "text": "Nice."},
    ]
    later = [{"id": "X1:S2:T1", "speaker": "Ann", "text": "I moved to Rome last week."}]
    return {
        "conversations": [
            {
                "id": "X1",
                "speakers": ["Ann", "Bo"],
                "sessions": [
                    {"date_time": "10:00 am on 2 May, 2023", "turns": turns},
                    {"date_time": "10:00 am on 9 June, 2023", "turns": later},
                ],
                "dates": [
                    {
                        "turn": "X1:S2:T1",
                        "phrase": "last week",
                        "subject": "Ann",
                        "relation": "lives_in",
                        "target": "Rome",
                        "date": "2023-06-02",
                        "grain": "week",
                    }
                ],
                "questions": [
                    {
                        "kind": "current",
                        "text": "Where does Ann live?",
                        "evidence": ["X1:S2:T1"],
                        "stale": ["X1:S1:T1"],
                    }
                ],
            }
        ]
    }


def _write(tmp_path: Path, raw: dict[str, Any]) -> Path:
    path = tmp_path / "fixture.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


def test_a_tiny_fixture_loads(tmp_path: Path) -> None:
    fixture = tc.load_fixture(_write(tmp_path, _tiny()))
    assert [q.evidence for q in fixture.questions] == [("X1:S2:T1",)]
    assert fixture.dates[0].day == date(2023, 6, 2) and fixture.dates[0].boundary == "valid_at"
    assert fixture.conversations[0].sessions[1].created_at == datetime(2023, 6, 9, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("questions", 0, "evidence"), ["X1:S9:T1"], "unknown turn ids"),
        (("questions", 0, "stale"), ["X1:S2:T1"], "both evidence and stale"),
        (("questions", 0, "kind"), "someday", "kind"),
        (("questions", 0, "evidence"), [], "needs evidence"),
        (("sessions", 0, "turns", 1, "id"), "X1:S1:T7", "numbered in order"),
        (("sessions", 0, "turns", 1, "speaker"), "Cy", "not in"),
        (("sessions", 1, "date_time"), "10:00 am on 1 May, 2023", "time order"),
        (("sessions", 1, "date_time"), "June 9th", "date_time"),
        (("dates", 0, "phrase"), "yesterday", "not in its text"),
        (("dates", 0, "grain"), "fortnight", "grain"),
        (("dates", 0, "boundary"), "ended", "boundary"),
        (("speakers",), ["Ann"], "2 speakers"),
    ],
)
def test_a_broken_fixture_is_refused_with_what_is_wrong(
    tmp_path: Path, path: tuple[Any, ...], value: Any, message: str
) -> None:
    raw = copy.deepcopy(_tiny())
    node = raw["conversations"][0]
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    with pytest.raises(tc.FixtureError, match=message):
        tc.load_fixture(_write(tmp_path, raw))


# -- the metrics -----------------------------------------------------------------------------------
RANKED = ["(1 May 2023) [A:S2:T1] Ann: I moved to Rome.", "(2 May 2022) [A:S1:T1] Ann: Oslo."]


def test_stale_first_compares_the_first_markers_in_rank_order() -> None:
    assert not tc.stale_first(RANKED, ["A:S2:T1"], ["A:S1:T1"])
    assert tc.stale_first(RANKED[::-1], ["A:S2:T1"], ["A:S1:T1"])
    # A stale turn shown without any right one is stale first; neither shown is not.
    assert tc.stale_first(RANKED[1:], ["A:S2:T1"], ["A:S1:T1"])
    assert not tc.stale_first(["nothing"], ["A:S2:T1"], ["A:S1:T1"])
    # Any right turn before every stale one is enough; markers match whole ids.
    assert not tc.stale_first(RANKED, ["A:S9:T9", "A:S2:T1"], ["A:S1:T1"])
    assert tc.marker_position(["[A:S1:T10] x"], ["A:S1:T1"]) == float("inf")


@given(
    before=st.lists(st.text(alphabet="ab ", max_size=8), max_size=3),
    between=st.lists(st.text(alphabet="ab ", max_size=8), max_size=3),
)
def test_stale_first_depends_only_on_which_marker_comes_first(
    before: list[str], between: list[str]
) -> None:
    right, stale = "[Q:S2:T1] now", "[Q:S1:T1] then"
    assert tc.stale_first([*before, stale, *between, right], ["Q:S2:T1"], ["Q:S1:T1"])
    assert not tc.stale_first([*before, right, *between, stale], ["Q:S2:T1"], ["Q:S1:T1"])


def test_within_grain_at_each_grain() -> None:
    at = datetime(2023, 3, 31, 23, 0, tzinfo=UTC)
    assert tc.within_grain(at, date(2023, 3, 31), "day")
    assert not tc.within_grain(at, date(2023, 3, 30), "day")
    assert tc.within_grain(at, date(2023, 3, 25), "week")
    assert not tc.within_grain(at, date(2023, 3, 24), "week")
    assert tc.within_grain(at, date(2023, 3, 1), "month")
    assert not tc.within_grain(at, date(2023, 4, 1), "month")
    assert tc.within_grain(at, date(2023, 1, 1), "year")
    assert not tc.within_grain(at, date(2022, 12, 31), "year")
    # Compared as a UTC date: 23:30 at UTC-2 is the next day.
    late = datetime(2023, 3, 31, 23, 30, tzinfo=timezone(timedelta(hours=-2)))
    assert tc.within_grain(late, date(2023, 4, 1), "day")
    with pytest.raises(ValueError, match="grain"):
        tc.within_grain(at, date(2023, 3, 31), "decade")


@given(
    when=st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)),
    grain=st.sampled_from(tc.GRAINS),
)
def test_a_date_is_within_every_grain_of_itself(when: datetime, grain: str) -> None:
    aware = when.replace(tzinfo=UTC)
    assert tc.within_grain(aware, aware.date(), grain)


def test_a_row_scores_recall_and_stale_first_per_kind() -> None:
    row = tc.Row("x")
    current = tc.TimedQuestion("A", "current", "Where?", ("A:S2:T1",), ("A:S1:T1",))
    when = tc.TimedQuestion("A", "when", "When?", ("A:S2:T1",), ())
    row.score(current, RANKED[::-1], 1.0)  # stale first, both within 200 words
    row.score(when, RANKED, 3.0)
    assert row.recall("current") == 1.0 and row.recall() == 1.0
    assert row.stale_first_rate() == 1.0  # the "when" question has no stale turns: not counted
    assert row.stale_first_rate("when") != row.stale_first_rate("when")  # nan: nothing to rate
    assert row.misses == ["current 'Where?': recall 1.00, stale first"]
    assert row.latencies() == [1.0, 3.0]


def _version(fact: str, target: str, valid_at: datetime) -> Any:
    return FactVersion(
        id=fact, fact=fact, kind="relationship_status", target=target, valid_at=valid_at,
        valid_grain="day", valid_phrase="", invalid_at=None, superseded_by=None,
        recorded_at=None, session_ids=(), message_ids=(), chunk_ids=(),
    )  # fmt: skip


class _History:
    def __init__(self, versions: list[Any]) -> None:
        self.versions = versions

    def history(self, subject: str, relation: str | None = None, dataset: str = "") -> list[Any]:
        return self.versions


def test_a_couples_date_is_read_from_the_version_of_the_stage_it_names() -> None:
    engaged = _version("Karthik got engaged Divya.", "Divya", datetime(2022, 1, 23, tzinfo=UTC))
    married = _version("Karthik married Divya.", "Divya", datetime(2022, 8, 24, tzinfo=UTC))
    truth = tc.DateTruth(
        "F2", "F2:S3:T5", "24th August", "Karthik", "relationship_status", "married to Divya",
        date(2022, 8, 24), "day",
    )  # fmt: skip
    memory = _History([engaged, married])
    assert tc.resolved_date(memory, truth) == married.valid_at
    # a truth naming no stage takes the first version naming the partner, as before
    plain = tc.DateTruth(
        "F2", "F2:S2:T2", "on the 23rd", "Karthik", "relationship_status", "Divya",
        date(2022, 1, 23), "day",
    )  # fmt: skip
    assert tc.resolved_date(memory, plain) == engaged.valid_at
