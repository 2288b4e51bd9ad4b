"""Changes stated without the usual verb, read by the offline extractor (``extraction._implied``)
and the neighbouring fixes: each case is the fact kind a sentence states, or that it states none.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cognee_langchain import RelationKinds
from cognee_langchain.core.dates import query_window
from cognee_langchain.extraction._sentences import split_sentences
from cognee_langchain.extraction.offline import extract_chunk

KINDS = RelationKinds()


def facts(text: str) -> set[tuple[str, str, bool]]:
    """(kind, target, ends it) of each relation of ``text`` that has a kind."""
    found = set()
    for relation in extract_chunk(text).relations:
        match = KINDS.classify(relation.predicate)
        kind = relation.kind or match.kind
        if kind is not None:
            found.add((kind, relation.target, relation.retracted or match.retracted))
    return found


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        ("Nina: Oslo is home now. I love the fjords.", ("lives_in", "Oslo", False)),
        ("Nina: I think Lyon is my home these days.", ("lives_in", "Lyon", False)),
        ("Nina: Home is Leeds now.", ("lives_in", "Leeds", False)),
        ("Nina: I call Porto home.", ("lives_in", "Porto", False)),
        ("Nina: I'll stay in Dublin for now.", ("lives_in", "Dublin", False)),
        ("Nina: Still in my apartment in Gracia in Barcelona.", ("lives_in", "Barcelona", False)),
        ("Nina: I landed in Oslo on Monday to start my new job.", ("lives_in", "Oslo", False)),
        ("Nina: We moved and gave up the Vienna apartment.", ("lives_in", "Vienna", True)),
        ("Nina: Fresco hired me as a sous chef last week.", ("works_at", "Fresco", False)),
        ("Nina: Fresco hired me as a sous chef last week.", ("job_title", "sous chef", False)),
        ("Nina: A bakery in Bergen hired me as baker.", ("job_title", "baker", False)),
        ("Nina: I accepted a job offer from Klarna.", ("works_at", "Klarna", False)),
        ("Nina: Siemens let me transfer to their Munich office.", ("works_at", "Siemens", False)),
        ("Nina: Big news. Junior architect!", ("job_title", "junior architect", False)),
        ("Nina: A postdoc at Oxford, so I moved.", ("works_at", "Oxford", False)),
        ("Nina: I'm freelancing now.", ("job_title", "freelancer", False)),
        ("Nina: I left the agency in March.", ("works_at", "agency", True)),
        ("Nina: I quit Nokia last week.", ("job_title", "", True)),
        # the work itself quit: the job ends, title and employer, neither named
        ("Nina: I quit nursing in January.", ("job_title", "", True)),
        ("Nina: I quit nursing in January.", ("works_at", "", True)),
        ("Nina: I'm doing my PhD in physics at ETH now.", ("studies_at", "ETH", False)),
        ("Nina: Happily single and travelling.", ("relationship_status", "single", False)),
        ("Nina: I'm single again.", ("relationship_status", "single", False)),
        ("Nina: Giving away the piano was hard.", ("owns", "piano", True)),
        ("Nina: I'm selling my motorbike next month.", ("owns", "motorbike", True)),
        ("Nina: Selling the Saab breaks my heart.", ("owns", "Saab", True)),
        ("Nina: I still drive my old Saab to work.", ("owns", "Saab", False)),
        ("Nina: My Vespa, yes, every day.", ("owns", "Vespa", False)),
        ("Nina: No more chocolate for me, doctor's orders.", ("likes", "chocolate", True)),
        ("Nina: I bought a car, a used Honda Civic.", ("owns", "Honda Civic", False)),
        ("Nina: I've got a new car, a Tesla.", ("owns", "Tesla", False)),
        ("Nina: I've got a motorbike now.", ("owns", "motorbike", False)),
        ("Nina: I don't have a car anymore.", ("owns", "car", True)),
        ("Nina: I've been rattling around this house in Macon.", ("lives_in", "Macon", False)),
        ("Nina: I took up residence at Hollybrook House.", ("lives_in", "Hollybrook House", False)),
        ("Nina: We shifted to Pune in May.", ("lives_in", "Pune", False)),
        ("Nina: I started at a bakery on Monday, as a manager.", ("job_title", "manager", False)),
        ("Nina: I got a new job, QA engineer at Spotify.", ("job_title", "QA engineer", False)),
        ("Nina: I'm now working for HSBC as a director.", ("job_title", "director", False)),
    ],
)
def test_a_change_stated_without_the_usual_verb_is_read(
    text: str, fact: tuple[str, str, bool]
) -> None:
    assert fact in facts(text)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Nina: Berlin is home to many startups.", "lives_in"),
        ("Nina: I miss my flat in Madrid.", "lives_in"),
        ("Nina: We landed in Rome on Friday for a wedding.", "lives_in"),
        ("Nina: Good, but I moved teams: since last week I'm a tech lead.", "lives_in"),
        ("Nina: Great teacher!", "job_title"),
        ("Nina: I left the office early today.", "works_at"),
        ("Nina: I got a haircut.", "owns"),  # got, not named: no thing of the speaker's
        ("Nina: I don't have any patience anymore.", "owns"),
        ("Nina: I left the office and went home.", "job_title"),  # an evening, not a job
        ("Nina: I quit the gym.", "job_title"),  # a membership
        ("Nina: I quit smoking last week.", "job_title"),
        ("Nina: I quit running last year.", "works_at"),  # no job noun: a pastime
        ("Nina: I'm a single mom.", "relationship_status"),
        ("Nina: A bakery in Bergen hired me as baker.", "works_at"),
        ("Nina: My God, yes, it was wild.", "owns"),
        ("Nina: This flat in Madrid is gorgeous, look.", "lives_in"),  # nobody says they live there
        ("Nina: We shifted the meeting to Monday.", "lives_in"),
    ],
)
def test_look_alikes_state_no_such_fact(text: str, kind: str) -> None:
    assert not any(found == kind for found, _, _ in facts(text))


@pytest.mark.parametrize("text", ["Nina: I quit the studio.", "Nina: I left the studio in May."])
def test_a_workplace_quit_or_left_on_a_date_ends_the_job_title(text: str) -> None:
    assert ("job_title", "", True) in facts(text)


def test_a_title_exclaimed_back_at_the_other_speaker_is_theirs_not_the_speakers() -> None:
    text = (
        "Ravi: I'm now working for HSBC as an associate director.\n"
        "Nina: Associate director! You're racing up the ladder."
    )
    titles = [(r.source, r.target) for r in extract_chunk(text).relations if r.kind == "job_title"]
    assert titles == [("Ravi", "associate director")]
    # the speaker's own news, exclaimed after a question, stays theirs
    own = "Ravi: How is work?\nNina: Associate director! They promoted me."
    assert ("job_title", "associate director", False) in facts(own)


def test_a_job_left_with_a_new_title_keeps_the_new_title() -> None:
    found = facts("Nina: I quit Nokia and I'm now a product manager at Zalando.")
    assert ("job_title", "product manager", False) in found
    assert ("job_title", "", True) not in found  # the end would close the new title


def test_a_place_starting_a_longer_name_stays_a_place() -> None:
    found = facts("Grace: I moved to Leeds in October, I transferred to Leeds General.")
    assert ("lives_in", "Leeds", False) in found
    assert ("works_at", "Leeds General", False) in found


def test_a_dotted_name_ends_a_sentence_but_an_abbreviation_does_not() -> None:
    assert split_sentences("I joined Booking.com. Senior developer!") == [
        "I joined Booking.com.",
        "Senior developer!",
    ]
    assert len(split_sentences("She moved to the U.S. Army base.")) == 1


def test_an_event_with_a_dotted_name_anchors_a_question() -> None:
    now = datetime(2024, 1, 1, tzinfo=UTC)
    window = query_window("Where did Rhea work before Booking.com?", now)
    assert window is not None and window.anchor == "Booking.com"


def test_how_long_a_home_has_been_one_dates_it() -> None:
    (home,) = [
        r
        for r in extract_chunk("Nina: Oslo is home now. I've lived here since May.").relations
        if r.target == "Oslo"
    ]
    assert (home.kind, home.valid_at) == ("lives_in", "since May")
