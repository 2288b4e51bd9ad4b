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


# --- Dialogue: chat transcripts as LoCoMo and the package's session renderer write them. ---

LOCOMO = """Session 1 (1:56 pm on 8 May, 2023)
[D1:1] Caroline: Hey Mel! Good to see you! How have you been?
[D1:2] Melanie: Yeah, I'm good. Just got back from the park with the kids (shares a photo: a dog)
[D1:3] Caroline: Yeah Melanie, I went to a LGBTQ support group yesterday and it was so powerful.
[D1:4] Melanie: Wow, that's cool, Caroline! Can't wait to hear more. You've been busy!
[D1:5] Caroline: Congrats on the new job at Google! Long time no talk.
[D1:6] Melanie: Thanks! Glad you called. Life's tough but we'll manage. Way to go!"""

RENDERED = """Date: 2023-05-08T13:56:00+00:00
Caroline: Hey Mel! Good to see you! How have you been?
Melanie: Yeah, I'm good. Just got back from the park with the kids.
Caroline: Yeah Melanie, I went to a LGBTQ support group yesterday and it was so powerful.
Melanie: Wow, that's cool, Caroline! Can't wait to hear more. You've been busy!
Caroline: Congrats on the new job at Google! Long time no talk.
Melanie: Thanks! Glad you called. Life's tough but we'll manage. Way to go!"""


@pytest.mark.parametrize("text", [LOCOMO, RENDERED])
def test_a_chat_transcript_names_its_speakers_and_real_things_only(text: str) -> None:
    assert types(text) == {
        "Caroline": "Person",
        "Melanie": "Person",
        "LGBTQ": "Organization",
        "Google": "Organization",
    }
    assert ("Caroline", "went to", "LGBTQ") in triples(text)


@pytest.mark.parametrize(
    "line",
    [
        "Yeah, I'm good.",
        "Yep! Yup. Nope. Woah, cool. Aww, sweet. Hmm, okay. Haha, lol.",
        "Congrats! Kudos! Phew. Ugh. Oops. Ooh. Yay!",
        "Hey! Hi there! Hello! Howdy! Bye! Goodbye! Cheers!",
        "Glad to hear it. Gonna go. Gotta run. Wanna come? Kinda tired.",
        "Totally. Absolutely! Definitely. Exactly. Seriously? Anytime!",
    ],
)
def test_interjections_greetings_and_fillers_are_not_entities(line: str) -> None:
    assert names(f"Jon: {line}") == ["Jon"]


@pytest.mark.parametrize(
    "line",
    [
        "Can't wait! Don't worry. Won't happen. Haven't seen it.",
        "You've been busy. We've done it. They've left. We'll see. You'll love it. It'll work.",
        "You're right. They're here. I'd say yes. How've you been? Must've hurt.",
        "He is nice. She is kind. They are late. We won. It works. You rock.",
    ],
)
def test_contractions_and_pronouns_are_not_entities(line: str) -> None:
    assert names(f"Jon: {line}") == ["Jon"]


@pytest.mark.parametrize(
    "line",
    [
        "Life's tough, but we manage.",
        "Way to go!",
        "Long time no talk.",
        "Hope you're well.",
        "Looks great. Sounds fun. Guess what? Believe it or not.",
        "Nature is amazing. Things got hectic.",
        "Wish I was there.",
        "Quality connections matter. Small steps lead somewhere. Seven years now.",
        "Friendship means a lot. Little acts of kindness help. Three times a week.",
    ],
)
def test_a_chat_sentence_opening_with_a_common_word_names_nothing(line: str) -> None:
    assert names(f"Gina: {line}") == ["Gina"]


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("Anthony and I went to a charity thing.", "Anthony"),
        ("Luna and Oliver! They are so sweet.", "Luna"),
        ("Alice came over yesterday.", "Alice"),
        ("Max said hi.", "Max"),
        ("Oscar loves me.", "Oscar"),
        ("The Wolves are my team.", "Wolves"),
        ("Paris was lovely. I adore Paris.", "Paris"),  # capitalised mid-sentence too
    ],
)
def test_a_chat_sentence_may_still_open_with_a_name(line: str, name: str) -> None:
    assert name in names(f"Gina: {line}")


def test_prose_keeps_a_sentence_initial_name() -> None:
    assert names("Alice leads Acme.") == ["Alice", "Acme"]
    assert names("Barcelona is a lovely city.") == ["Barcelona"]


@pytest.mark.parametrize(
    "text",
    [
        "Session 1 (1:56 pm on 8 May, 2023)",
        "Session 12 - 3:00 PM, Monday",
        "## Day 2",
        "Turn #4:",
        "Date: 2023-05-08T13:56:00+00:00",
        "Time: 10 AM",
        "Timestamp: Friday, 8 May 2023",
        "[D1:3]",
        "[10:02] [D2:14] [#12]",
        "Monday. Tuesday? May 2023. On Sunday, 8 May, at 1:56 PM. Jan 5.",
        "Conversation 3 (May 2023)",
    ],
)
def test_headers_turn_ids_and_bare_dates_are_not_entities(text: str) -> None:
    assert names(text) == []


def test_turn_ids_inside_a_line_are_dropped() -> None:
    text = "Caroline: [D1:3] I moved to Paris.\n[D1:4] Melanie: [D1:4] Nice! [D1:5]"
    assert names(text) == ["Caroline", "Paris", "Melanie"]
    assert triples(text) == {("Caroline", "moved to", "Paris")}


def test_a_header_line_keeps_the_names_after_it() -> None:
    assert triples("Turn #4: Alice met Bob in Paris.") >= {("Alice", "met", "Bob")}
    assert names("Session 2 (Alice in Paris)") == ["Alice", "Paris"]


def test_a_speaker_label_is_one_person_never_merged_with_the_word_before() -> None:
    text = "John: Yeah Maria, I'm hoping to get into local politics.\nMaria: Yeah John, great!"
    assert types(text) == {"John": "Person", "Maria": "Person"}
    text = "Maria: Thanks.\nJohn: Yeah Maria, I moved to Chicago."
    assert names(text) == ["Maria", "John", "Chicago"]


@pytest.mark.parametrize("verb", ["Bring", "Send", "Invite", "Hug", "Wish", "Text"])
def test_an_imperative_opening_on_a_name_is_no_part_of_it(verb: str) -> None:
    # "Bring Andrés." is Andrés, not a person called "Bring Andrés"
    assert names(f"Ana: His name is Andrés. {verb} Andrés.") == ["Ana", "Andrés"]


def test_a_saint_or_a_mount_keeps_its_abbreviation_in_the_name() -> None:
    assert names("Joy: We went to St. Ives, then climbed Mt. Fuji.") == [
        "Joy",
        "St. Ives",
        "Mt. Fuji",
    ]
    # a street's abbreviation ends a sentence: the next name is its own
    assert names("Joy: It was on Main St. Tom was there.") == ["Joy", "Main St", "Tom"]


def test_a_speaker_is_an_entity_without_saying_i() -> None:
    assert types("Melanie: Wow, nice painting!") == {"Melanie": "Person"}


def test_mentions_of_a_speaker_resolve_to_the_label() -> None:
    text = (
        "Caroline: Hey Mel! How is Melanie doing?\n"
        "Melanie: Hi Caro! Joanna and Jo are fine.\n"
        "Joanna: Thanks, Jo here."
    )
    assert names(text) == ["Caroline", "Melanie", "Joanna"]
    text = "Caroline Smith: I moved to Berlin.\nBob: Caroline leads Acme."
    assert ("Caroline Smith", "leads", "Acme") in triples(text)
    assert "Caroline" not in names(text)


def test_a_speaker_label_is_not_folded_into_a_longer_name() -> None:
    text = "Alice: I met Alice Cooper in Detroit."
    assert {"Alice", "Alice Cooper"} <= set(names(text))


def test_an_addressed_speaker_takes_part_in_no_relation() -> None:
    assert triples("Gina: Way to go, Jon!\nJon: Thanks, Gina!") == set()
    assert triples("Joanna: Nate, after finishing my screenplay I got a letter.\nNate: Hi!") == {
        ("Joanna", "got", "letter")
    }


def test_pronouns_in_a_chat_turn() -> None:
    # "it" is never the speaker, "they" never the person just addressed.
    assert triples("Caroline: I went to a workshop. It was great.") == {
        ("Caroline", "went to", "workshop")
    }
    assert triples("Tim: Alice leads Acme. Sue: It was founded by Bob.") == {
        ("Alice", "leads", "Acme")
    }
    text = "John: Hey Maria! They really help me stay centered.\nMaria: Hi!"
    assert not {t for t in triples(text) if "Maria" in t}
    # she is a third person of the same turn, never the speaker
    text = "Tim: My sister Carol visited Rome. She loved Paris too."
    assert {("Carol", "visited", "Rome"), ("Carol", "loved", "Paris")} <= triples(text)
    assert triples("Tim: I met Bob. Sue: She works at Acme.") == {("Tim", "met", "Bob")}


def test_vague_objects_make_no_concepts() -> None:
    text = "Jon: It's been great. Your words mean a lot. I'm staying positive. I had a great time."
    assert names(text) == ["Jon"]
    assert triples("Jon: I appreciate your encouragement.") == {
        ("Jon", "appreciate", "encouragement")
    }


def test_my_noun_phrase_is_no_verb() -> None:
    # was Joanna -writers-> group
    assert triples("Joanna: I shared my book with my writers group.") == set()


def test_person_cues_type_names() -> None:
    assert types("Tim: My sister Carol and my friend Gina came.") == {
        "Tim": "Person",
        "Carol": "Person",
        "Gina": "Person",
    }
    assert types("Hey Sam!")["Sam"] == "Person"
    assert types("Thanks, Priya.")["Priya"] == "Person"


def test_quoted_titles_are_one_entity() -> None:
    text = 'Jon: I\'m currently reading "The Lean Startup" and loving it.'
    assert types(text)["The Lean Startup"] == "Work"
    assert ("Jon", "currently reading", "The Lean Startup") in triples(text)
    text = "Tim: Yeah, \u201cHarry Potter and the Philosopher's Stone\u201d is special to me."
    assert "Harry Potter and the Philosopher's Stone" in names(text)
    assert "Embracing Identity" in names("Caroline: Here's one - 'Embracing Identity' is mine.")
    assert names('Tim: She said "wow" and "Yeah" and "it\'s fine".') == ["Tim"]


def test_non_english_dialogue() -> None:
    text = (
        "Max: Ich wohne in München und arbeite bei Siemens.\n"
        "Σοφία: Γεια σου! Μένω στην Αθήνα.\n"
        "Женя: Привет! Я живу в Москве.\n"
        "李雷: 我住在北京。\n"
        "Zoë: Très bien, merci. J'habite à Paris."
    )
    found = types(text)
    for speaker in ("Max", "Σοφία", "Женя", "Zoë"):
        assert found[speaker] == "Person"
    assert {"München", "Siemens", "Paris"} <= set(found)
    assert all(name.strip() for name in found)


def test_a_question_names_its_entities_and_states_no_fact() -> None:
    """Issue 12: a persisted "User: Is Acme in Berlin?" became the fact Acme -in-> Berlin."""
    text = "User: Is Acme Robotics in Berlin?\nUser: Carol Diaz joined Acme Robotics in May."
    assert set(names(text)) >= {"Acme Robotics", "Berlin", "Carol Diaz"}
    assert triples(text) == {("Carol Diaz", "joined", "Acme Robotics")}


def test_mixed_prose_and_dialogue() -> None:
    text = (
        "Alice leads Acme. The meeting was on Monday at 10 AM.\n"
        "Bob: Yeah, Alice told me. Life's busy at Acme.\n"
        "Alice: Congrats, Bob! I moved to Berlin."
    )
    assert types(text) == {
        "Alice": "Person",
        "Acme": DEFAULT_ENTITY_TYPE,
        "Bob": "Person",
        "Berlin": "Place",
    }
    assert {
        ("Alice", "leads", "Acme"),
        ("Alice", "told", "Bob"),
        ("Alice", "moved to", "Berlin"),
    } <= triples(text)


_JUNK = [
    "Yeah", "Yep", "Yup", "Nope", "Woah", "Wow", "Aww", "Hmm", "Haha", "Lol", "Congrats", "Glad",
    "Hey", "Hi", "Hello", "Thanks", "Sure", "Okay", "Can't", "Don't", "You've", "We'll",
    "They've", "I'm", "Monday", "May", "PM", "AM", "Gonna", "Gotta", "Anytime",
]  # fmt: skip
_chat_words = st.sampled_from(
    [*_JUNK, "!", ",", ".", "?", "Paris", "Acme Corp", "I", "my", "went", "to", "the", "and",
     "Life's", "Way", "it", "was", "great", "[D1:3]", "(1:56 pm on 8 May, 2023)", "\u00e9t\u00e9",
     "M\u00fcnchen", "\u041c\u043e\u0441\u043a\u0432\u0430", "\u5317\u4eac", "\u00a0", "\t"]
)  # fmt: skip
_speakers = st.sampled_from(["Caroline", "Melanie", "Zo\u00eb", "Session 1", "Date", "[D1:2] Jon"])
_chat = st.lists(
    st.tuples(_speakers, st.lists(_chat_words, max_size=12).map(" ".join)), max_size=8
).map(lambda turns: "\n".join(f"{who}: {said}" for who, said in turns))


@settings(max_examples=200, deadline=None)
@given(text=_chat)
def test_generated_chat_never_names_junk(text: str) -> None:
    junk = {word.casefold() for word in _JUNK}
    for name in names(text):
        assert name.strip() == name and name
        assert not any(word.casefold() in junk for word in name.split()), name


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=400) | _chat | st.text(alphabet=st.characters(), max_size=200))
def test_never_raises_and_never_names_blank(text: str) -> None:
    result = OfflineGraphExtractor().extract([text])[0]
    for entity in result.entities:
        assert entity.name.strip() and entity.name == entity.name.strip()
    for relation in result.relations:
        assert relation.source.strip() and relation.target.strip()


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
