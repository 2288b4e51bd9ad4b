"""A couple's stages: which stage a predicate states, and that a stage already ended ("we broke
up") is not ended again by the next one."""

from __future__ import annotations

from pathlib import Path

import pytest

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
