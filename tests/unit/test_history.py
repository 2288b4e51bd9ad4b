"""``history``: every version of what a dataset knows about a subject, oldest first, with its
interval and provenance — from the facade and from the command line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cognee_langchain.cli import main
from cognee_langchain.errors import InvalidInputError, PermissionDeniedError
from cognee_langchain.memory import GraphMemory
from cognee_langchain.users import User
from tests.unit.test_memory_support import BagOfWordsEmbeddings

SESSIONS = [
    "Session 1 (8 January 2023)\n[D1:1] Alice: Hi Bob!\n[D1:2] Alice: I live in Paris now.\n"
    "[D1:3] Bob: Paris is lovely.",
    "Session 2 (17 June 2023)\n[D2:1] Alice: Big news, Bob.\n"
    "[D2:2] Alice: I moved to Berlin last week.\n[D2:3] Bob: Congratulations on the move!",
]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("history")


@pytest.fixture(scope="module")
def memory(data_dir: Path) -> Iterator[GraphMemory]:
    memory = GraphMemory(data_dir, embeddings=BagOfWordsEmbeddings())
    memory.remember(SESSIONS, dataset="alice")
    yield memory
    memory.close()


def test_history_lists_each_version_with_its_interval_oldest_first(memory: GraphMemory) -> None:
    homes = memory.history("Alice", "lives_in", dataset="alice")

    assert [v.target for v in homes] == ["Paris", "Berlin"]
    paris, berlin = homes
    # Berlin is dated by "last week" said on 17 June 2023: the week of 5 June.
    assert berlin.valid_at == datetime(2023, 6, 5, tzinfo=UTC)
    assert (berlin.valid_grain, berlin.valid_phrase) == ("week", "last week")
    assert berlin.invalid_at is None and berlin.superseded_by is None and berlin.current
    assert paris.valid_at == datetime(2023, 1, 8, tzinfo=UTC)
    assert paris.invalid_at == berlin.valid_at and paris.superseded_by == berlin.id
    assert not paris.current
    assert all(v.kind == "lives_in" and v.chunk_ids for v in homes)
    assert all(v.recorded_at is not None and v.recorded_at.tzinfo is UTC for v in homes)


def test_the_relation_is_read_as_a_kind_and_filters(memory: GraphMemory) -> None:
    every = memory.history("Alice", dataset="alice")
    assert memory.history("alice", "Lives In", dataset="alice") == [
        v for v in every if v.kind == "lives_in"
    ]
    assert memory.history("Alice", "works_at", dataset="alice") == []


def test_an_unknown_subject_has_no_history(memory: GraphMemory) -> None:
    assert memory.history("Zoe", dataset="alice") == []


@pytest.mark.parametrize(
    ("subject", "relation", "match"),
    [
        ("", None, "subject must be a non-empty string"),
        ("   ", None, "subject must be a non-empty string"),
        (42, None, "subject must be a non-empty string"),
        ("Alice", "", "no relation kind"),
        ("Alice", "!!", "no relation kind"),
        ("Alice", 3, "relation must be a str"),
    ],
)
def test_bad_arguments_are_refused_naming_the_fix(
    memory: GraphMemory, subject: object, relation: object, match: str
) -> None:
    with pytest.raises(InvalidInputError, match=match):
        memory.history(subject, relation, dataset="alice")  # type: ignore[arg-type]


def test_another_user_may_not_read_the_history(memory: GraphMemory) -> None:
    with pytest.raises(PermissionDeniedError):
        memory.history("Alice", dataset="alice", user=User(id="mallory"))


def test_the_cli_prints_the_history_and_its_json(
    memory: GraphMemory, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    user = ["--user", memory.user.id]
    assert main(["--data-dir", str(data_dir), *user, "history", "Alice", "--dataset", "alice"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("2023-01-08 .. 2023-06-05  Alice live")
    assert "[superseded by" in lines[0]
    assert lines[-1].startswith("2023-06-05 .. now") and '"last week"' in lines[-1]

    argv = ["--data-dir", str(data_dir), *user, "history", "Alice", "--relation", "lives_in"]
    assert main([*argv, "--dataset", "alice", "--json"]) == 0
    versions = json.loads(capsys.readouterr().out)
    assert [v["target"] for v in versions] == ["Paris", "Berlin"]
    assert versions[1]["valid_at"] == "2023-06-05T00:00:00+00:00"

    assert main(["--data-dir", str(data_dir), *user, "history", "Zoe", "--dataset", "alice"]) == 0
    assert "Nothing known about 'Zoe'" in capsys.readouterr().out


def test_moving_back_is_a_version_of_its_own(tmp_path: Path) -> None:
    """Paris, Berlin, Paris again: one relation holds two periods, and history lists both."""
    back = (
        "Session 3 (20 September 2023)\n[D3:1] Alice: I live in Paris again.\n"
        "[D3:2] Bob: Welcome home!"
    )
    with GraphMemory(tmp_path, embeddings=BagOfWordsEmbeddings()) as memory:
        memory.remember([*SESSIONS, back], dataset="alice")
        homes = memory.history("Alice", "lives_in", dataset="alice")

    assert [v.target for v in homes] == ["Paris", "Berlin", "Paris"]
    assert [v.current for v in homes] == [False, False, True]
    assert homes[1].invalid_at == homes[2].valid_at == datetime(2023, 9, 20, tzinfo=UTC)


ENGAGED = (
    "Session 1 (10 January 2023)\n[E1:1] Siobhan: Dara and I got engaged on Saturday!\n"
    "[E1:2] Ciaran: Wow!"
)
MARRIED = (
    "Session 2 (20 June 2023)\n[E2:1] Siobhan: Dara and I got married on Saturday!\n"
    "[E2:2] Ciaran: Congrats!"
)
STILL_ENGAGED = (
    "Session 3 (1 May 2023)\n[E3:1] Siobhan: Dara and I are engaged, the planning is mad.\n"
    "[E3:2] Ciaran: Good luck!"
)


def _stages(memory: GraphMemory) -> list[tuple[str, datetime | None, datetime | None]]:
    return [
        (v.fact.split(".")[0], v.valid_at, v.invalid_at)
        for v in memory.history("Siobhan", "relationship_status", dataset="s")
    ]


@pytest.mark.parametrize("order", [(ENGAGED, MARRIED), (MARRIED, ENGAGED)])
def test_a_couples_next_stage_ends_the_one_before_in_any_order(
    tmp_path: Path, order: tuple[str, str]
) -> None:
    """One partner throughout: the value is the stage as well as the partner, so "engaged to
    Dara" ends when "married to Dara" begins, whichever was remembered first."""
    wedding = datetime(2023, 6, 17, tzinfo=UTC)
    with GraphMemory(tmp_path, embeddings=BagOfWordsEmbeddings()) as memory:
        documents = {text: memory.remember(text, dataset="s").document_ids[0] for text in order}
        assert _stages(memory) == [
            ("Siobhan got engaged Dara", datetime(2023, 1, 7, tzinfo=UTC), wedding),
            ("Siobhan got married Dara", wedding, None),
        ]
        # the same stage said again (in May) ends nothing, and the wedding ends it too;
        # forgetting the wedding reopens the engagement
        memory.remember(STILL_ENGAGED, dataset="s")
        assert [end for *_, end in _stages(memory)] == [wedding, wedding, None]
        memory.forget("s", document_id=documents[MARRIED])
        assert [end for *_, end in _stages(memory)] == [None, None]


OWNED = (
    "Session 1 (6 March 2022)\n[B1:1] Dot: How's the car?\n"
    "[B1:2] Earlene: I still drive my old Buick LeSabre.",
)
SOLD = (
    "Session 2 (20 July 2022)\n[B2:1] Dot: Any news?\n"
    "[B2:2] Earlene: My news is short: sold the Buick on the 9th, to the Pruitt boy.",
)


@pytest.mark.parametrize("order", [(OWNED, SOLD), (SOLD, OWNED)])
def test_selling_a_thing_by_a_short_form_of_its_name_ends_it(
    tmp_path: Path, order: tuple[tuple[str], tuple[str]]
) -> None:
    """ "the Buick" is the "Buick LeSabre" she owned: the sale on the 9th ends it, whichever
    session arrives first; the subject left out after the colon is the speaker."""
    with GraphMemory(tmp_path, embeddings=BagOfWordsEmbeddings()) as memory:
        for session in order:
            memory.remember(list(session), dataset="e")
        (owned,) = memory.history("Earlene", "owns", dataset="e")

    assert owned.target == "Buick LeSabre"
    assert owned.invalid_at == datetime(2022, 7, 9, tzinfo=UTC)
    assert owned.superseded_by is None


def test_a_thing_never_said_to_be_held_is_listed_by_its_end(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Selling a Buick never mentioned before closes nothing, yet tells she owned one until the
    9th: history lists that version by its end alone, cited, and no other kind shows it; once
    the owning is told, the sale ends it and the end-only version gives way."""
    with GraphMemory(tmp_path, embeddings=BagOfWordsEmbeddings()) as memory:
        memory.remember(list(SOLD), dataset="e")
        (ended,) = memory.history("Earlene", "owns", dataset="e")
        everything = memory.history("Earlene", dataset="e")
        (sale,) = [v for v in everything if v.fact.startswith("Earlene sold")]
        homes = memory.history("Earlene", "lives_in", dataset="e")
        memory.remember(list(OWNED), dataset="e")
        (owned,) = memory.history("Earlene", "owns", dataset="e")

    assert (ended.target, ended.kind, ended.valid_at) == ("Buick", "owns", None)
    assert ended.invalid_at == datetime(2022, 7, 9, tzinfo=UTC)
    assert (ended.superseded_by, ended.current) == (None, False)
    assert ended.chunk_ids == sale.chunk_ids  # cited: the turn of the sale
    assert ended.fact == "Earlene owned Buick (its start untold)."
    assert homes == []
    assert owned.target == "Buick LeSabre"
    assert owned.invalid_at == ended.invalid_at
    assert owned.valid_at == datetime(2022, 3, 6, tzinfo=UTC)

    argv = ["--data-dir", str(tmp_path), "history", "Earlene", "--dataset", "e"]
    with GraphMemory(tmp_path / "other", embeddings=BagOfWordsEmbeddings()) as memory:
        memory.remember(list(SOLD), dataset="e")
    assert main([*argv[:1], str(tmp_path / "other"), *argv[2:]]) == 0
    assert (
        "? .. 2022-07-09  Earlene owned Buick (its start untold).  [retracted]"
        in capsys.readouterr().out
    )
