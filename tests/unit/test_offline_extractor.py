"""OfflineGraphExtractor on hand-checked sentences, and invariants on arbitrary text."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cognee_langchain.core.defaults import DEFAULT_ENTITY_TYPE
from cognee_langchain.errors import InvalidInputError
from cognee_langchain.extraction.offline import OfflineGraphExtractor, extract_chunk
from cognee_langchain.extraction.schema import ChunkExtraction


def names(text: str) -> list[str]:
    return [entity.name for entity in extract_chunk(text).entities]


def types(text: str) -> dict[str, str]:
    return {entity.name: entity.type for entity in extract_chunk(text).entities}


def triples(text: str) -> set[tuple[str, str, str]]:
    return {(r.source, r.predicate, r.target) for r in extract_chunk(text).relations}


def test_verb_between_two_names() -> None:
    assert names("Alice leads Acme.") == ["Alice", "Acme"]
    assert triples("Alice leads Acme.") == {("Alice", "leads", "Acme")}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Acme was founded by Bob in 2019.", ("Bob", "founded", "Acme")),
        ("Acme, owned by Bob, ships rockets.", ("Bob", "owned", "Acme")),
        ("The report is followed by Alice.", None),
        ("Alice stood by Bob.", ("Alice", "stood by", "Bob")),
    ],
)
def test_passives_are_turned_around(text: str, expected: tuple[str, str, str] | None) -> None:
    if expected is not None:
        assert expected in triples(text)


def test_facts_keep_their_dates_and_numbers() -> None:
    [relation] = extract_chunk("Acme was founded by Bob in 2019.").relations
    assert relation.description == "Acme was founded by Bob in 2019."
    [relation] = extract_chunk("Microsoft acquired GitHub for $7.5 billion in 2018.").relations
    assert "$7.5 billion in 2018" in relation.description


def test_multi_word_names_and_sentence_initial_function_words() -> None:
    text = "In New York, Alice Smith met Bob. The Bank of America lent Acme Corp money."
    assert names(text) == ["New York", "Alice Smith", "Bob", "Bank of America", "Acme Corp"]
    assert ("Alice Smith", "met", "Bob") in triples(text)
    assert ("Bank of America", "lent", "Acme Corp") in triples(text)
    assert types(text)["New York"] == "Place"
    assert types(text)["Acme Corp"] == "Organization"


@pytest.mark.parametrize(
    "text",
    [
        "The company grew. After the merger, we moved. Finally, it worked.",
        "Running is fun. I like running.",
        "We discussed the budget. I think the plan is fine. Let's meet again on Monday.",
        "Noted, thanks. Sure, I will. Yes. However, nothing changed in May.",
        "",
        "   \n\t ",
    ],
)
def test_ordinary_capitalised_words_are_not_entities(text: str) -> None:
    assert extract_chunk(text).entities == []


def test_lists_share_their_verb() -> None:
    assert triples("Acme Corp hired Bob and Carol.") == {
        ("Acme Corp", "hired", "Bob"),
        ("Acme Corp", "hired", "Carol"),
    }
    assert triples("Alice, Dan and Erin founded Beta Labs in 2021.") == {
        ("Alice", "founded", "Beta Labs"),
        ("Dan", "founded", "Beta Labs"),
        ("Erin", "founded", "Beta Labs"),
    }


def test_relative_clause_and_pronoun_subject() -> None:
    text = "Alice, who joined in 2019, leads Acme. She lives in Berlin."
    assert triples(text) == {("Alice", "leads", "Acme"), ("Alice", "lives in", "Berlin")}
    assert types(text) == {"Alice": "Person", "Acme": DEFAULT_ENTITY_TYPE, "Berlin": "Place"}


def test_clause_after_and_keeps_the_subject() -> None:
    assert triples("Alice lives in Berlin and works at Siemens.") == {
        ("Alice", "lives in", "Berlin"),
        ("Alice", "works at", "Siemens"),
    }


def test_preposition_extends_the_previous_verb() -> None:
    assert triples("Sarah flew from London to Tokyo.") == {
        ("Sarah", "flew from", "London"),
        ("Sarah", "flew to", "Tokyo"),
    }


def test_honorifics_roles_and_initials() -> None:
    text = "Dr. Jane Smith met President Lee and J. R. R. Tolkien."
    assert names(text) == ["Jane Smith", "Lee", "J. R. R. Tolkien"]
    assert types(text)["Jane Smith"] == types(text)["Lee"] == "Person"
    assert ("Alice Smith", "ceo of", "Acme") in triples("Acme CEO Alice Smith spoke.")


def test_possessives() -> None:
    assert triples("Alice's brother Bob works in marketing.") == {
        ("Alice", "has brother", "Bob"),
        ("Bob", "works in", "marketing"),
    }


def test_object_noun_phrase_after_the_last_name() -> None:
    assert triples("Acme builds reusable rockets.") == {("Acme", "builds", "reusable rockets")}
    assert types("Acme builds reusable rockets.")["reusable rockets"] == "Concept"
    assert triples("Alice is not vegetarian.") == {("Alice", "is not", "vegetarian")}
    assert triples("Alice thinks that we should go.") == set()


def test_co_occurrence_is_the_fallback_edge() -> None:
    assert triples("The meeting between Google and OpenAI ended.") == {
        ("Google", "related_to", "OpenAI")
    }


def test_short_forms_merge_into_the_full_name() -> None:
    text = "Acme Corp builds rockets. Acme hired Alice Smith. Smith leads the team."
    assert names(text) == ["Acme Corp", "rockets", "Alice Smith", "team"]
    assert triples(text) == {
        ("Acme Corp", "builds", "rockets"),
        ("Acme Corp", "hired", "Alice Smith"),
        ("Alice Smith", "leads", "team"),
    }


def test_question_and_answer_transcript() -> None:
    text = "Q: Who leads Acme? A: Alice leads Acme since 2020."
    assert sorted(names(text)) == ["Acme", "Alice"]
    assert triples(text) == {("Alice", "leads", "Acme")}
    assert extract_chunk(text).summary == "Q: Who leads Acme?"


def test_named_speakers_are_what_i_and_my_refer_to() -> None:
    text = "Alice: I moved to Paris in 2021.\nBob: My sister Carol works at Google."
    assert triples(text) == {
        ("Alice", "moved to", "Paris"),
        ("Bob", "has sister", "Carol"),
        ("Carol", "works at", "Google"),
    }
    assert types(text)["Alice"] == types(text)["Bob"] == "Person"
    [fact] = [r for r in extract_chunk(text).relations if r.target == "Paris"]
    assert fact.description == "Alice: I moved to Paris in 2021."


def test_a_user_who_introduces_themselves_gets_their_facts() -> None:
    text = (
        "user: my name is Tom and I work at Initech.\n"
        "assistant: Nice to meet you, Tom! How long have you been at Initech?\n"
        "user: Since 2018. My manager is Bill Lumbergh."
    )
    assert triples(text) == {("Tom", "work at", "Initech"), ("Tom", "has manager", "Bill Lumbergh")}
    assert "user" not in {name.lower() for name in names(text)}


def test_role_labels_are_not_speakers_or_entities() -> None:
    text = "User: I live in Berlin.\nAssistant: Berlin is lovely."
    assert names(text) == ["Berlin"]
    assert types("Acme Corp: rocket maker.\nGlobex: competitor.")["Acme Corp"] == "Organization"


def test_summary_is_the_lead_sentence() -> None:
    text = "Acme Inc. She left. Bob stayed."
    assert extract_chunk(text).summary == "Acme Inc."
    assert extract_chunk("  \n\nAlice leads Acme. Bob left.").summary == "Alice leads Acme."


def test_names_shared_across_chunks_link_them() -> None:
    first, second = OfflineGraphExtractor().extract(
        ["Alice leads Acme.", "Acme builds rockets in Texas."]
    )
    assert {r.target for r in first.relations} & {r.source for r in second.relations} == {"Acme"}


_vocabulary = st.sampled_from(
    ["Alice", "Bob's", "Acme Corp", "The", "of", "and", "leads", "was", "by", "in", "2019", ",",
     ".", "?", "\n", "Q:", "user:", "Alice:", "I", "my", "She", "it", "Dr.", "J.", "New", "York",
     "&", "rockets", "is", "not", "(", ")", "—", "Zoë", "iPhone", "'s", "CEO"]
)  # fmt: skip
_texts = st.lists(_vocabulary, max_size=60).map(" ".join) | st.text(max_size=300)


@settings(max_examples=100, deadline=None)
@given(text=_texts)
def test_relations_always_link_extracted_entities(text: str) -> None:
    result = extract_chunk(text)

    entity_names = [entity.name for entity in result.entities]
    assert len({name.casefold() for name in entity_names}) == len(entity_names)
    assert all(name and name == name.strip() for name in entity_names)
    keys = set()
    for relation in result.relations:
        assert relation.source in entity_names and relation.target in entity_names
        assert relation.source != relation.target
        assert relation.predicate and relation.predicate == relation.predicate.lower()
        keys.add((relation.source, relation.predicate, relation.target))
    assert len(keys) == len(result.relations)
    assert extract_chunk(text) == result  # deterministic


async def test_sync_and_async_agree() -> None:
    texts = ["Alice leads Acme.", "", "Bob founded Beta in 2019."]
    extractor = OfflineGraphExtractor()

    assert await extractor.aextract(texts) == extractor.extract(texts)
    assert extractor.extract(texts)[1] == ChunkExtraction()


@pytest.mark.parametrize("texts", ["one string", [b"bytes"], [None], None, 3])
def test_bad_input_is_rejected(texts: Any) -> None:
    with pytest.raises(InvalidInputError):
        OfflineGraphExtractor().extract(texts)
