"""The offline gazetteer: places named in text, their categories, and what they do for search
(a question naming a category finds the turn naming an instance) and for entity types."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cognee_langchain.extraction.gazetteer import place_named, place_words, places_in
from cognee_langchain.extraction.offline import extract_chunk
from cognee_langchain.memory import GraphMemory


def test_places_are_found_longest_name_first_and_in_order() -> None:
    found = places_in("From New York City we flew to Rio de Janeiro, then home to Spain.")

    assert [(p.name, p.kind) for p in found] == [
        ("New York City", "city"),
        ("Rio de Janeiro", "city"),
        ("Spain", "country"),
    ]
    assert found[0].within[:2] == ("New York", "United States")


def test_a_place_is_listed_once_and_lowercase_words_are_not_places() -> None:
    # "chicago" in lower case is no name; "Chicago" twice is one place.
    assert [p.name for p in places_in("Chicago, chicago and Chicago again")] == ["Chicago"]
    assert places_in("we went to the beach and read a book") == []
    # a short name counts in capitals only: "US" is the country, "Us" a pronoun
    assert [p.name for p in places_in("Back in the US.")] == ["US"]
    assert places_in("Us? Never.") == []


def test_excluded_names_are_people_not_places() -> None:
    assert places_in("Thanks, Jordan! I loved Jordan.", exclude=["Jordan"]) == []
    assert [p.name for p in places_in("I loved Jordan.")] == ["Jordan"]


def test_category_words_name_the_kind_and_every_larger_place() -> None:
    words = place_words("My game in Seattle is next month.").split()

    assert words[0] == "city"
    for word in ("Washington", "United", "States", "US", "American", "North"):
        assert word in words
    assert "European" in place_words("I took this pic in Spain.").split()
    assert place_words("Nothing here.") == ""


def test_aliases_lie_in_the_country_geonames_names() -> None:
    england = place_named("england")

    assert england is not None
    assert england.kind == "country"
    assert england.within[0] == "United Kingdom"
    assert "Europe" in england.within
    assert place_named("Atlantis") is None


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_scans_without_error_and_finds_only_known_places(text: str) -> None:
    for place in places_in(text):
        assert place_named(place.name) == place
    assert isinstance(place_words(text), str)


def test_the_offline_extractor_types_a_known_place() -> None:
    extraction = extract_chunk("Maria loved Chicago and its lakefront.")
    types = {entity.name: entity.type for entity in extraction.entities}

    assert types.get("Chicago") == "Place"


CONVERSATION = """Session 1 (2:00 pm on 3 March, 2023)
[D1:1] Tim: How was your week, John?
[D1:2] John: Busy! My next game is in Seattle and I can't wait.
[D1:3] Tim: I read a fantasy novel all weekend.
[D1:4] John: I practised free throws every morning with the team.
[D1:5] Tim: I finally visited the old castle on the hill.
[D1:6] John: Lisbon was lovely last spring, by the way.
"""


def test_a_question_naming_a_category_finds_the_turn_naming_an_instance(tmp_path: Path) -> None:
    memory = GraphMemory(tmp_path)
    memory.remember(CONVERSATION, dataset="chat")

    us = memory.search("Which US cities has John been to?", datasets=["chat"], top_k=2)
    europe = memory.search("Which European cities has John been to?", datasets=["chat"], top_k=2)

    assert "[D1:2]" in us[0].page_content
    assert "[D1:6]" in europe[0].page_content
    # The category words are index-only: the turn reads as it was said.
    assert "American" not in us[0].page_content
    memory.close()
