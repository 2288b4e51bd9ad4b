"""Which relation kinds a question asks about (what retrieval reads versions of)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cognee_langchain.extraction.asked_kinds import DEFAULT_QUESTION_WORDS, asked_kinds
from cognee_langchain.extraction.kinds import DEFAULT_PREDICATES, RelationKinds

KNOWN = (
    frozenset(DEFAULT_PREDICATES.values())
    | {kind for kinds in DEFAULT_QUESTION_WORDS.values() for kind in kinds}
    | {"dislikes"}
)


@pytest.mark.parametrize(
    ("question", "kinds"),
    [
        ("Where does Ben live these days?", {"lives_in"}),
        ("Which town is Maya living in?", {"lives_in"}),
        ("Where did Kofi move after college?", {"lives_in", "studies_at"}),
        ("Who employs Priya?", {"works_at", "job_title"}),
        ("Where was Lena teaching in 2021?", {"works_at"}),
        ("What does Sam do for a living?", {"works_at", "job_title"}),
        # "what does X do" and "what was X doing (then)" ask for an occupation
        ("What does Zoe do now?", {"works_at", "job_title"}),
        ("What was Kwame doing in April 2022?", {"works_at", "job_title"}),
        # the kind every cue agrees on wins: "job title" is a title, not an employer
        ("What is Ben's job title?", {"job_title"}),
        ("Who is Carla married to?", {"relationship_status"}),
        ("Is Omar seeing anyone?", {"relationship_status"}),
        ("Does Ravi have a pet?", {"has_pet"}),
        ("What car does Ahmed drive?", {"owns"}),
        ("What does Mia like to drink?", {"likes", "dislikes"}),
    ],
)
def test_a_question_names_the_kinds_it_asks_about(question: str, kinds: set[str]) -> None:
    assert asked_kinds(question) == kinds


@pytest.mark.parametrize(
    "question",
    [
        "What did Melanie paint last summer?",
        "Is Omar still into running?",  # "into" means nothing alone in a question
        "Where did Mateo open his own restaurant?",  # "own" here is no possession
        "What did Melanie do in June?",  # an event, not an occupation
        "What does Melanie do to destress?",
        "",
    ],
)
def test_a_question_about_no_kind_of_fact_asks_none(question: str) -> None:
    assert asked_kinds(question) == frozenset()


def test_the_users_own_predicates_are_read_in_questions_too() -> None:
    kinds = RelationKinds(predicates={"captain of": "captains", "coaches": "coaches"})
    assert asked_kinds("Which team is Ana captain of?") == frozenset()
    assert asked_kinds("Which team is Ana captain of?", kinds) == {"captains"}
    assert asked_kinds("Who coaches the team?", kinds) == {"coaches"}
    bare = RelationKinds(defaults=False)
    assert asked_kinds("Who is Carla married to?", bare) == {"relationship_status"}  # words


@given(st.text(max_size=200))
def test_any_text_gives_known_kinds_and_never_raises(question: str) -> None:
    assert asked_kinds(question) <= KNOWN
