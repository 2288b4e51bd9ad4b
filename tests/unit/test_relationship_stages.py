"""A couple's stages: which stage a predicate states, that a stage already ended ("we broke
up") is not ended again by the next one, and that an engagement told without its partner is
kept as the status when no partner is known by then."""

from __future__ import annotations

from pathlib import Path

import pytest

from cognee_langchain.extraction.kinds import open_status
from cognee_langchain.memory import GraphMemory
from cognee_langchain.services.relationship_stages import stage_of
from tests.unit.test_memory_support import BagOfWordsEmbeddings


@pytest.mark.parametrize(
    ("predicate", "stage"),
    [
        ("got married", "married"),
        ("married to", "married"),
        ("is the husband of", "married"),
        ("wed", "married"),
        ("got engaged", "engaged"),
        ("engaged to", "engaged"),
        ("fiancé of", "engaged"),
        ("dating", "together"),
        ("together with", "together"),
        ("in relationship with", "together"),
        ("wedding planner for", "together"),  # "wedding" is no wed
    ],
)
def test_a_predicate_states_a_stage(predicate: str, stage: str) -> None:
    assert stage_of(predicate) == stage


@pytest.mark.parametrize(
    ("predicate", "status"),
    [("got married", "married"), ("engaged to", "engaged"), ("dating", None)],
)
def test_a_couple_without_its_partner_states_a_status(predicate: str, status: str | None) -> None:
    assert open_status(predicate) == status


def _told(memory: GraphMemory, day: str, *lines: str) -> None:
    memory.remember(f"Session ({day})\n" + "\n".join(lines), dataset="s")


def test_an_engagement_before_its_couple_is_known_is_the_status(tmp_path: Path) -> None:
    """The proposal arrives first: no partner is known then, so it stands as "engaged", and the
    couple's start arriving later is stored already closed by it."""
    with GraphMemory(tmp_path, embeddings=BagOfWordsEmbeddings()) as memory:
        _told(memory, "8 July 2023", "Phil: Big news. I proposed on Saturday!", "Gary: Wow!")
        _told(memory, "10 January 2023", "Phil: Carol and I are dating!", "Gary: Lovely.")
        versions = memory.history("Phil", "relationship_status", dataset="s")
    assert [(v.target, v.current) for v in versions] == [("Carol", False), ("engaged", True)]
    assert versions[0].invalid_at == versions[1].valid_at
    assert versions[1].fact.startswith("Phil is engaged")


def test_an_engagement_after_its_couple_names_the_partner(tmp_path: Path) -> None:
    with GraphMemory(tmp_path, embeddings=BagOfWordsEmbeddings()) as memory:
        _told(memory, "10 January 2023", "Phil: Carol and I are dating!", "Gary: Lovely.")
        _told(memory, "8 July 2023", "Phil: Big news. I proposed on Saturday!", "Gary: Wow!")
        versions = memory.history("Phil", "relationship_status", dataset="s")
    assert [(v.target, v.current) for v in versions] == [("Carol", False), ("Carol", True)]


def test_a_couple_only_together_without_its_partner_states_nothing(tmp_path: Path) -> None:
    with GraphMemory(tmp_path, embeddings=BagOfWordsEmbeddings()) as memory:
        _told(memory, "10 January 2023", "Phil: We've been together since May.", "Gary: Nice.")
        assert memory.history("Phil", "relationship_status", dataset="s") == []


def test_a_stage_that_already_ended_is_not_ended_again(tmp_path: Path) -> None:
    with GraphMemory(tmp_path, embeddings=BagOfWordsEmbeddings()) as memory:
        memory.remember(
            "Session 1 (10 January 2023)\n[E1:1] Ida: Tom and I got engaged!\n[E1:2] Bo: Wow!",
            dataset="s",
        )
        memory.remember(
            "Session 2 (10 March 2023)\n[E2:1] Ida: Tom and I broke up.\n[E2:2] Bo: Oh no.",
            dataset="s",
        )
        wedding = memory.remember(
            "Session 3 (10 June 2023)\n[E3:1] Ida: Tom and I got married!\n[E3:2] Bo: What!",
            dataset="s",
        )
        versions = memory.history("Ida", "relationship_status", dataset="s")
    assert wedding.retractions_ignored == 0
    assert [(v.fact.split(".")[0], v.current) for v in versions] == [
        ("Ida got engaged Tom", False),
        ("Ida got married Tom", True),
    ]
    assert versions[0].invalid_at is not None and versions[0].invalid_at.month == 3
