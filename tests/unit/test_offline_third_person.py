"""Changes a speaker tells of someone else, read by the first-person rules."""

from __future__ import annotations

import pytest

from cognee_langchain.extraction._mentions import Mention
from cognee_langchain.extraction._third_person import (
    as_answered,
    as_confirmed,
    as_first_person,
)
from cognee_langchain.extraction.offline import extract_chunk

# Names said inside a sentence first, as a chat names its people: a name that only ever opens
# a sentence may be an ordinary capitalised word.
CONTEXT = "Dot: I saw Carl, Janice, Tyler and Edmund at church.\n"


def _mention(text: str, name: str) -> Mention:
    start = text.index(name)
    return Mention(name.casefold(), name, start, start + len(name))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tyler quit Home Depot.", "I quit Home Depot."),
        ("Tyler has quit Home Depot.", "I have quit Home Depot."),
        ("Janice's been promoted to manager.", "I have been promoted to manager."),
        ("Janice is now a nurse at Memorial.", "I am now a nurse at Memorial."),
        ("Janice lives in Leeds.", "I live in Leeds."),
        ("Janice just moves to Leeds.", "I just move to Leeds."),
        (
            "Oh, Janice sold her Buick, and her sister kept it.",
            "I sold my Buick, and her sister kept it.",
        ),
    ],
)
def test_a_sentence_opening_with_someone_is_turned_into_their_first_person(
    text: str, expected: str
) -> None:
    name = text.removeprefix("Oh, ").split()[0].split("'")[0]
    assert as_first_person(text, [_mention(text, name)], "dot") == (name, expected)


def test_a_couple_is_turned_into_the_first_ones_words() -> None:
    text = "Janice and Carl broke up."
    mentions = [_mention(text, "Janice"), _mention(text, "Carl")]
    assert as_first_person(text, mentions, "dot") == ("Janice", "Carl and I broke up.")


@pytest.mark.parametrize(
    "text",
    [
        "Dot quit the choir.",  # the speaker: their own rules read it
        "Then Janice quit.",  # "Then" opens no subject here
        "Janice, you should come.",  # no verb after the name
        "Janice Leeds is lovely.",
    ],
)
def test_other_sentences_are_not_turned(text: str) -> None:
    name = "Dot" if text.startswith("Dot") else "Janice"
    assert as_first_person(text, [_mention(text, name)], "dot") is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Dot: Janice sold her Buick.", ("Janice", "sold", "Buick")),
        ("Dot: Janice is now a nurse at Memorial.", ("Janice", "job title", "nurse")),
        ("Dot: Janice and Carl broke up.", ("Janice", "broke up with", "Carl")),
        (
            "Dot: Edmund has been appointed headmaster at Kamo High.",
            ("Edmund", "became", "headmaster"),
        ),
        ("Dot: And Tyler quit Home Depot.", ("Tyler", "quit", "Home Depot")),
    ],
)
def test_what_a_speaker_tells_of_someone_is_theirs(
    line: str, expected: tuple[str, str, str]
) -> None:
    found = {(r.source, r.predicate, r.target) for r in extract_chunk(CONTEXT + line).relations}
    assert expected in found
    # the speaker's own sentence cites it
    (relation,) = [r for r in extract_chunk(CONTEXT + line).relations if r.predicate == expected[1]]
    assert relation.description.endswith(line.split(": ", 1)[1])


def test_what_someone_else_said_is_not_told_of_the_speaker() -> None:
    found = extract_chunk(CONTEXT + "Dot: Janice lives in Leeds.").relations
    assert not any(r.source == "Dot" and r.target == "Leeds" for r in found)


@pytest.mark.parametrize(
    ("question", "answer", "said"),
    [
        ("Still at the Ford plant?", "Yep. Line 3.", "I'm still at the Ford plant."),
        ("Are you still at Waterstones?", "yep, weekends only", "I'm still at Waterstones."),
        ("Do you still drive your old Golf?", "Every day.", "I still drive my old Golf."),
        ("And you still over in Perth?", "Still in Fremantle, yeah.", "I'm still over in Perth."),
        ("Still at Meridian?", "Actually no. I left.", None),  # not a yes
        ("Still running?", "No, I don't run anymore.", None),
        ("Still at the clinic?", "Yes, but not for long.", None),  # a yes taken back
        ("How is Tyler?", "Yes, fine.", None),  # nothing asked of the one answering
        ("Still at the clinic.", "Yes.", None),  # no question
    ],
)
def test_a_question_answered_yes_is_the_answerers_own_words(
    question: str, answer: str, said: str | None
) -> None:
    assert as_confirmed(question, answer) == said


def test_what_a_speaker_confirms_is_theirs_cited_by_question_and_answer() -> None:
    found = extract_chunk("Sam: Still at the Ford plant?\nRay: Yep. Line 3. Eleven years.")
    (job,) = [r for r in found.relations if r.predicate == "works at"]
    assert (job.source, job.target, job.kind) == ("Ray", "Ford", "works_at")
    assert job.description.startswith("Sam: Still at the Ford plant? Ray: Yep.")
    # a no confirms nothing; the one who asked is not the one it is about
    refused = extract_chunk("Sam: Still at Meridian?\nRay: Nope, those days are over.")
    assert not any(r.predicate == "works at" for r in refused.relations)


LEAVING = "I'm leaving the BBC. My last day was yesterday."


@pytest.mark.parametrize(
    ("told", "question", "answer", "said"),
    [
        (LEAVING, "Where to?", "Channel 4, as a producer.",
         "I started at Channel 4, as a producer."),
        ("I gave notice friday.", "wait what. where to",
         "Parcelpoint. Director of Product. Remote.",
         "I started at Parcelpoint as a director of product."),
        ("I gave notice.", "where to", "Parcelpoint. Remote, yay.", "I started at Parcelpoint."),
        ("I quit!", "Who hired you?", "Monzo, finally.", "I started at Monzo, finally."),
        ("We're off on holiday, leaving Friday!", "Where to?", "Lisbon.", None),  # a trip
        ("I'm so tired of this rain.", "Where to?", "Lisbon.", None),  # no job left
        (LEAVING, "How are you?", "Channel 4.", None),  # not asked where
        (LEAVING, "Where to?", "Not sure yet.", None),  # no name
        # where the one answering lives or works, asked outright
        ("", "Where are you living now?", "Bristol, since June.", "I live in Bristol, since June."),
        ("", "Where's home these days?", "Leeds!", "I live in Leeds."),
        ("", "Who are you working for now?", "Acme, since the spring.",
         "I work at Acme, since the spring."),
        ("", "Where do you work?", "Acme. Head of Sales.", "I work at Acme as a head of sales."),
        ("", "Where does Tom live?", "Bristol.", None),  # not the one answering
    ],
)  # fmt: skip
def test_the_name_answering_where_one_lives_or_works_is_the_answerers(
    told: str, question: str, answer: str, said: str | None
) -> None:
    assert as_answered(told, question, answer) == said


def test_the_next_job_is_the_answerers_cited_by_question_and_answer() -> None:
    found = extract_chunk(f"Grace: {LEAVING}\nOlu: Where to?\nGrace: Monzo, as a data analyst.")
    (job,) = [r for r in found.relations if r.predicate == "works at"]
    assert (job.source, job.target, job.kind) == ("Grace", "Monzo", "works_at")
    assert job.description.startswith("Olu: Where to? Grace: Monzo")
    # the one who asked is not the one who moves on, and a turn between breaks the thread
    skipped = extract_chunk(f"Grace: {LEAVING}\nOlu: Where to?\nBea: Monzo, as an analyst.")
    assert not any(r.predicate == "works at" for r in skipped.relations)


def test_he_or_she_answering_a_question_about_someone_is_that_person() -> None:
    found = extract_chunk("Zed: How is Tom?\nAnn: Good! He moved to Bristol in May.").relations
    assert any((r.source, r.target) == ("Tom", "Bristol") for r in found)
    # only the person the question itself names, never one named before it
    other = extract_chunk("Zed: I saw Tom yesterday. How's your brother?\nAnn: He moved to Leeds.")
    assert not any(r.source == "Tom" and r.target == "Leeds" for r in other.relations)
    # nor across turns that ask nothing
    said = extract_chunk("Zed: Tom is so annoying.\nAnn: He moved to Leeds.")
    assert not any(r.source == "Tom" and r.target == "Leeds" for r in said.relations)


def test_up_to_two_connectives_may_open_a_change_told_of_someone() -> None:
    found = extract_chunk("Zed: Any news?\nAnn: Oh, and Tom proposed to Jess on Saturday!")
    engaged = [r for r in found.relations if (r.source, r.target) == ("Tom", "Jess")]
    assert any(r.kind == "relationship_status" for r in engaged)
