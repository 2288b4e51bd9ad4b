"""Time and change at extraction: relation kinds, the offline extractor's change rules, and the
write an ingest builds from them (dates resolved against each message's own time, retractions).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cognee_langchain import GraphMemory, RelationKinds
from cognee_langchain.core.defaults import DEFAULT_DATASET
from cognee_langchain.errors import InvalidInputError
from cognee_langchain.extraction._sentences import split_sentences
from cognee_langchain.extraction.kinds import DEFAULT_PREDICATES, KindMatch
from cognee_langchain.extraction.offline import extract_chunk
from cognee_langchain.extraction.schema import ExtractedRelation
from cognee_langchain.graph.models import Relation
from cognee_langchain.services.fact_times import StatementReader

KINDS = RelationKinds()
REF = datetime(2023, 9, 12, 10, 0, tzinfo=UTC)


def day(value: float | None) -> str | None:
    return None if value is None else datetime.fromtimestamp(value, UTC).date().isoformat()


def relations(text: str) -> list[ExtractedRelation]:
    return extract_chunk(text).relations


def triples(text: str) -> set[tuple[str, str, str]]:
    return {(r.source, r.predicate, r.target) for r in relations(text)}


def names(text: str) -> set[str]:
    return {entity.name for entity in extract_chunk(text).entities}


# -- relation kinds -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("predicate", "expected"),
    [
        ("lives in", KindMatch("lives_in", False)),
        ("is now living in", KindMatch("lives_in", False)),
        ("moved to", KindMatch("lives_in", False)),
        ("relocated with my family to", KindMatch("lives_in", False)),
        ("started at", KindMatch("works_at", False)),
        ("joined", KindMatch("member_of", False)),  # a club or a church is no employer
        ("lost job at", KindMatch("works_at", True)),
        ("working on", KindMatch(None, False)),
        ("had", KindMatch(None, False)),
        ("quit", KindMatch("works_at", True)),
        ("no longer works at", KindMatch("works_at", True)),
        ("stopped working at", KindMatch("works_at", True)),
        ("signed with", KindMatch("works_at", False)),
        ("handed in my notice at", KindMatch("works_at", True)),
        ("started seeing", KindMatch("relationship_status", False)),
        ("gone and enrolled at", KindMatch("studies_at", False)),
        ("got promoted to", KindMatch("job_title", False)),
        ("got married to", KindMatch("relationship_status", False)),
        ("is dating", KindMatch("relationship_status", False)),
        ("broke up with", KindMatch("relationship_status", True)),
        ("adopted a cat named", KindMatch("has_pet", False)),
        ("have a dog named", KindMatch("has_pet", False)),  # the animal says it is a pet
        ("have a friend named", KindMatch(None, False)),
        ("is driving", KindMatch("owns", False)),  # "driv(e)": the e "-ing" took
        ("residing in", KindMatch("lives_in", False)),
        ("emigrated to", KindMatch("lives_in", False)),
        ("moving on from", KindMatch(None, False)),  # moving on is no move
        ("driving to", KindMatch(None, False)),  # "driving to Leeds" owns no Leeds
        ("adopted from", KindMatch(None, False)),
        ("bought", KindMatch("owns", False)),
        ("sold", KindMatch("owns", True)),
        ("love", KindMatch("likes", False)),
        ("don't like anymore", KindMatch("likes", True)),
        ("used to live in", KindMatch("lives_in", False, past=True)),
        ("lived in", KindMatch("lives_in", False, past=True)),
        ("have lived in", KindMatch("lives_in", False)),
        ("founded", KindMatch(None, False)),
        ("does not like", KindMatch(None, False)),  # a dislike, not an end of a like
        ("became friends with", KindMatch(None, False)),  # not a job title
    ],
)
def test_predicates_map_to_kinds(predicate: str, expected: KindMatch) -> None:
    assert KINDS.classify(predicate) == expected


def test_single_valued_defaults_and_user_extensions() -> None:
    assert KINDS.is_single("lives_in") and KINDS.is_single("works_at")
    assert not KINDS.is_single("likes") and not KINDS.is_single(None)
    kinds = RelationKinds(
        predicates={"is obsessed with": "favourite_food"},
        single_valued={"favourite_food"},
        many_valued={"works_at"},
        retractions={"gave up on": "favourite_food"},
    )
    assert kinds.classify("is obsessed with") == KindMatch("favourite_food", False)
    assert kinds.classify("gave up on") == KindMatch("favourite_food", True)
    assert kinds.is_single("favourite_food") and not kinds.is_single("works_at")
    assert kinds.classify("moved to").kind == "lives_in"  # the defaults stay
    assert RelationKinds(defaults=False).classify("moved to").kind is None


def test_a_model_kind_is_normalised() -> None:
    assert KINDS.normalize_kind("Lives In") == "lives_in"
    assert KINDS.normalize_kind("moved_to") == "lives_in"  # named by its predicate
    assert KINDS.normalize_kind("favourite_food") == "favourite_food"
    assert KINDS.normalize_kind("  ") is None
    assert KINDS.normalize_kind(None) is None


@pytest.mark.parametrize(
    "options",
    [
        {"single_valued": {"Lives In"}},
        {"single_valued": "lives_in"},
        {"predicates": {"": "lives_in"}},
        {"predicates": ["moved to"]},
        {"single_valued": {"x"}, "many_valued": {"x"}},
    ],
)
def test_bad_kinds_are_refused_with_the_fix(options: dict[str, object]) -> None:
    with pytest.raises(InvalidInputError):
        RelationKinds(**options)  # type: ignore[arg-type]


@given(st.text(max_size=60))
def test_classify_never_raises(predicate: str) -> None:
    match = KINDS.classify(predicate)
    assert match.kind is None or match.kind in set(DEFAULT_PREDICATES.values()) | {
        "works_at",
        "lives_in",
        "relationship_status",
        "owns",
        "studies_at",
    }


# -- offline extraction of changes -----------------------------------------------------------------
def test_a_title_at_an_employer_is_two_facts() -> None:
    found = relations("Alice: I quit Renault, I'm now a product manager at Zalando.")
    by_target = {r.target: r for r in found}
    assert by_target["Zalando"].kind == "works_at"
    assert by_target["product manager"].kind == "job_title"
    assert ("Alice", "quit", "Renault") in triples(
        "Alice: I quit Renault, I'm now a product manager at Zalando."
    )
    # no fused, kind-less reading of the same pair
    assert not any(r.target == "Zalando" and r.kind is None for r in found)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Alice: I live in Paris now.", ("Alice", "live in", "Paris")),
        ("Alice: I moved to Berlin last week.", ("Alice", "moved to", "Berlin")),
        ("Alice: We relocated to Lisbon in May.", ("Alice", "relocated to", "Lisbon")),
        ("Alice: I started at Google on Monday.", ("Alice", "started at", "Google")),
        ("Alice: I no longer work at Globex.", ("Alice", "no longer work at", "Globex")),
        ("Alice: I got married to Sam!", ("Alice", "got married to", "Sam")),
        ("Alice: I'm dating Chris.", ("Alice", "dating", "Chris")),
        ("Alice: I adopted a cat named Miso last Saturday.", ("Alice", "adopted", "Miso")),
        ("Alice: We adopted a kitten, Luna, last week.", ("Alice", "adopted", "Luna")),
        ("Alice: Nadia and I have been dating since May.", ("Alice", "dating", "Nadia")),
        ("Alice: Sam and I got engaged!", ("Alice", "got engaged", "Sam")),
        ("Alice: I've been seeing Giulia since Christmas.", ("Alice", "dating", "Giulia")),
        ("Alice: I was made vice principal at Kamo High.", ("Alice", "became", "vice principal")),
        ("Alice: I started at a climbing gym on Monday.", ("Alice", "works at", "climbing gym")),
        ("Alice: I got a new job, designer at Allegro.", ("Alice", "works at", "Allegro")),
        ("Alice: We bought a flat in Clifton.", ("Alice", "bought", "flat")),
        ("Alice: I can't stand coffee anymore.", ("Alice", "no longer like", "coffee")),
        ("Alice: I bought a Tesla.", ("Alice", "bought", "Tesla")),
        ("Alice: I sold my car.", ("Alice", "sold", "car")),
        ("Alice: I love hiking.", ("Alice", "love", "hiking")),
        ("Alice: I don't like sushi anymore.", ("Alice", "no longer like", "sushi")),
        ("Alice: I got promoted to senior engineer.", ("Alice", "became", "senior engineer")),
        ("Alice: I also lost my job at Door Dash.", ("Alice", "lost job at", "Door Dash")),
        ("Alice: I've just sold my old car.", ("Alice", "sold", "car")),
        # the thing ends where its date or its buyer begins
        ("Alice: I sold the tinny end of last month.", ("Alice", "sold", "tinny")),
        ("Alice: I sold my boat to a neighbour.", ("Alice", "sold", "boat")),
        ("Alice: I'm an assistant manager at Acme.", ("Alice", "job title", "assistant manager")),
        (
            "Alice: I'm the new head of marketing at Acme.",
            ("Alice", "job title", "head of marketing"),
        ),
        ("Alice: Noah and I are official now.", ("Alice", "together with", "Noah")),
        ("Alice: Ethan asked me out yesterday.", ("Alice", "dating", "Ethan")),
        ("Alice: I finally asked Leah out.", ("Alice", "dating", "Leah")),
    ],
)
def test_a_speaker_states_changes_in_the_first_person(
    text: str, expected: tuple[str, str, str]
) -> None:
    assert expected in triples(text)
    predicate = expected[1]
    known = {"job title": "job_title", "became": "job_title", "works at": "works_at"}
    assert KINDS.classify(predicate).kind is not None or predicate in known


def test_a_break_up_ends_whoever_it_was() -> None:
    (unnamed,) = [r for r in relations("Alice: We broke up last month.") if r.retracted]
    assert (unnamed.target, unnamed.kind) == ("", "relationship_status")
    (named,) = [r for r in relations("Alice: Chris and I broke up.") if r.retracted]
    assert named.target == "Chris"
    (separating,) = [r for r in relations("Alice: Also, Erik and I are separating.") if r.retracted]
    assert separating.target == "Erik"
    (with_name,) = [r for r in relations("Alice: I broke up with Sam.") if r.retracted]
    assert with_name.target == "Sam"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mia: ethan and i broke up. saturday.", ("Mia", "broke up with", "Ethan")),
        ("Mia: ALSO. noah and i are official now", ("Mia", "together with", "Noah")),
        ("Mia: omg ethan asked me out yesterday", ("Mia", "dating", "Ethan")),
    ],
)
def test_lower_case_chat_names_a_partner_by_the_slot(
    text: str, expected: tuple[str, str, str]
) -> None:
    assert expected in triples(text)


@pytest.mark.parametrize(
    "text",
    [
        "Mia: my mom and i are together a lot",  # a possessive: no name
        "Mia: he and i broke up",
        "Mia: Also, ethan and i broke up",  # cased text names people with capitals
        "Mia: tom asked me out for lunch",
    ],
)
def test_lower_case_chat_takes_no_word_for_a_partner(text: str) -> None:
    assert not any(KINDS.kind_of(r.predicate) == "relationship_status" for r in relations(text))


@pytest.mark.parametrize(
    "text",
    [
        "Alice: Tom asked me out for lunch.",  # an outing
        "Alice: Sam asked me out to the pub.",
        "Alice: Noah and I are official sponsors of the fair.",
        "Alice: I met Leo. We are official sponsors.",
    ],
)
def test_look_alikes_of_a_couple_are_none(text: str) -> None:
    assert not any(r.kind == "relationship_status" for r in relations(text))
    assert not any(KINDS.kind_of(r.predicate) == "relationship_status" for r in relations(text))


def test_a_plain_dislike_is_no_retraction() -> None:
    assert not any("no longer" in r.predicate for r in relations("Alice: I don't like sushi."))


@pytest.mark.parametrize(
    "line",
    [
        "Alice: Big news, I moved to Berlin!",
        "Alice: Awesome! I love it.",
        "Alice: Glad, really glad.",
        "Alice: Omg, that is great.",
        "Alice: Congrats, Bob!",
        "Alice: Haha, true.",
        "Big news, Alice moved to Berlin.",
        "Great job! Alice joined Acme.",
    ],
)
def test_an_exclamation_opening_a_sentence_is_no_name(line: str) -> None:
    found = {name.casefold() for name in names(line)}
    assert not found & {"big", "awesome", "glad", "omg", "congrats", "haha", "great"}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Alice, who joined in 2019, leads Acme.", "Alice"),
        ("Acme, owned by Bob, ships rockets.", "Acme"),
        ("Paris, the capital, is lovely.", "Paris"),
        ("Alice, Bob and Carol founded Acme.", "Alice"),
        ("Alice: Mel, look at this!\nMelanie: Wow!", "Melanie"),
        ("Big, the band, played. I saw Big live.", "Big"),  # capitalised mid-sentence too
    ],
)
def test_a_name_before_a_comma_stays_a_name(text: str, name: str) -> None:
    assert name in names(text)


# -- reading statements for time ----------------------------------------------------------------
def read(
    predicate: str,
    description: str,
    *,
    kind: str | None = None,
    valid_at: str | None = None,
    invalid_at: str | None = None,
    retracted: bool = False,
) -> tuple[object, ...]:
    statement = StatementReader(KINDS).read(
        predicate,
        description,
        REF,
        kind=kind,
        valid_at=valid_at,
        invalid_at=invalid_at,
        retracted=retracted,
    )
    end = statement.end
    return (
        statement.store,
        statement.kind,
        day(statement.valid.at.timestamp()),
        statement.valid.grain,
        None if end is None else (end.kind, day(end.at)),
    )


def test_relative_dates_resolve_against_the_message_time() -> None:
    assert read("moved to", "Alice: I moved to Berlin last week.") == (
        True, "lives_in", "2023-09-04", "week", None,
    )  # fmt: skip
    assert read("adopted", "I adopted a cat named Miso last Saturday.") == (
        True, "has_pet", "2023-09-09", "day", None,
    )  # fmt: skip


def test_a_model_date_phrase_wins_over_the_sentence() -> None:
    got = read("moved to", "Alice moved to Berlin.", valid_at="2023-05-08", kind="lives_in")
    assert got[2:4] == ("2023-05-08", "day")
    # a phrase that resolves to nothing is never made a date: the sentence, then the message
    assert read("moved to", "Alice moved to Berlin.", valid_at="back then")[2:4] == (
        "2023-09-12",
        "instant",
    )


def test_an_end_of_a_fact() -> None:
    # the predicate ends the fact: keep the event, close the job when it was said
    assert read("quit", "I quit Renault yesterday.") == (
        True, None, "2023-09-11", "day", ("works_at", "2023-09-11"),
    )  # fmt: skip
    # a model's positive wording marked retracted: only the end, never "works at" as a fact
    assert read("works at", "I quit Renault.", kind="works_at", retracted=True) == (
        False, "works_at", "2023-09-12", "instant", ("works_at", "2023-09-12"),
    )  # fmt: skip


def test_an_interval_or_an_end_without_a_start() -> None:
    # both ends known: a version with a closed interval
    assert read("lived in", "I lived in Paris from March 2021 until June 2023.") == (
        True, "lives_in", "2021-03-01", "month", ("lives_in", "2023-06-01"),
    )  # fmt: skip
    # an end without a start: the text kept kind-less, whatever was open then is closed
    assert read("lived in", "I lived in Paris until June 2023.") == (
        True, None, "2023-09-12", "instant", ("lives_in", "2023-06-01"),
    )  # fmt: skip
    assert read("used to live in", "I used to live in Paris.")[-1] == ("lives_in", "2023-09-12")
    assert read("lives in", "Alice lives in Paris.", invalid_at="when she left")[-1] == (
        "lives_in",
        "2023-09-12",
    )


def test_two_conflicting_dates_take_the_first_and_keep_its_phrase() -> None:
    reader = StatementReader(KINDS)
    statement = reader.read("moved to", "I moved to Berlin in March, no, in April.", REF)
    assert (statement.valid.phrase, day(statement.valid.at.timestamp())) == (
        "in March",
        "2023-03-01",
    )


def test_other_languages_are_stored_at_the_message_time() -> None:
    statement = StatementReader(KINDS).read(
        "ist umgezogen nach", "Ich bin letzte Woche nach Berlin gezogen.", REF
    )
    assert (statement.kind, statement.valid.at, statement.valid.grain) == (None, REF, "instant")
    assert statement.end is None


# -- the write ---------------------------------------------------------------------------------
@pytest.fixture
def memory(tmp_path: Path) -> Iterator[GraphMemory]:
    with GraphMemory(tmp_path) as opened:
        yield opened


def session(date: str, *lines: str) -> str:
    return "\n".join([f"Session 1 ({date})", *lines, "Bob: I see."])


def alice_history(memory: GraphMemory, kind: str | None = None) -> list[Relation]:
    graph = memory.to_networkx()
    (alice,) = [node for node, data in graph.nodes(data=True) if data["name"] == "Alice"]
    store = memory.runtime.graph_store
    return [
        r for r in store.relation_history(DEFAULT_DATASET, alice) if kind is None or r.kind == kind
    ]


def test_dates_resolve_against_each_message_even_when_time_goes_backwards(
    memory: GraphMemory,
) -> None:
    # the second message is dated before the first: each resolves against its own time
    memory.remember(session("10:00 am on 10 June, 2023", "Alice: I moved to Berlin last week."))
    memory.remember(session("10:00 am on 15 January, 2023", "Alice: I moved to Paris last week."))
    versions = alice_history(memory, "lives_in")
    assert [(day(r.valid_at), r.valid_grain, r.valid_phrase) for r in versions] == [
        ("2023-01-02", "week", "last week"),
        ("2023-05-29", "week", "last week"),
    ]
    paris, berlin = versions
    assert paris.invalid_at == berlin.valid_at and paris.superseded_by == berlin.id
    assert berlin.invalid_at is None


def test_a_restated_single_valued_fact_is_no_new_version(memory: GraphMemory) -> None:
    memory.remember(session("10:00 am on 15 January, 2023", "Alice: I live in Paris."))
    result = memory.remember(session("10:00 am on 10 June, 2023", "Alice: I live in Paris."))
    (paris,) = alice_history(memory, "lives_in")
    assert paris.invalid_at is None and result.relations_closed == 0
    assert day(paris.valid_at) == "2023-01-15"


def test_a_retraction_of_something_never_stated_is_counted(memory: GraphMemory) -> None:
    result = memory.remember(session("10:00 am on 10 June, 2023", "Alice: I quit Renault."))
    # the end of the job and of its title: neither was stated
    assert (result.relations_closed, result.retractions_ignored) == (0, 2)
    assert [r.predicate for r in alice_history(memory)] == ["quit"]  # the event is kept


def test_a_retraction_closes_the_open_fact(memory: GraphMemory) -> None:
    memory.remember(session("10:00 am on 15 January, 2023", "Alice: I work at Renault."))
    result = memory.remember(
        session(
            "10:00 am on 10 June, 2023",
            "Alice: I quit Renault, I'm now a product manager at Zalando.",
        )
    )
    assert (result.relations_closed, result.retractions_ignored) == (1, 0)
    renault, zalando = alice_history(memory, "works_at")
    # closed by the quit, which the message states first: no successor
    assert day(renault.invalid_at) == "2023-06-10" and renault.superseded_by is None
    assert zalando.invalid_at is None and day(zalando.valid_at) == "2023-06-10"


def test_a_last_day_told_later_closes_the_job_on_that_day(memory: GraphMemory) -> None:
    memory.remember(session("10:00 am on 15 January, 2023", "Alice: I work at Renault."))
    memory.remember(
        session("10:00 am on 10 June, 2023", "Alice: My last day at Renault was 31st May.")
    )
    (renault,) = alice_history(memory, "works_at")
    assert (day(renault.valid_at), day(renault.invalid_at)) == ("2023-01-15", "2023-05-31")


def test_joining_a_club_never_ends_a_job(memory: GraphMemory) -> None:
    memory.remember(session("10:00 am on 15 January, 2023", "Alice: I work at Renault."))
    memory.remember(session("10:00 am on 10 June, 2023", "Alice: I joined a chess club."))
    memory.remember(session("10:00 am on 11 June, 2023", "Alice: I joined Toastmasters."))
    (renault,) = alice_history(memory, "works_at")
    assert renault.invalid_at is None


def test_a_lost_job_is_not_stored_as_a_current_one(memory: GraphMemory) -> None:
    memory.remember(session("10:00 am on 15 January, 2023", "Alice: I work at Door Dash."))
    memory.remember(session("10:00 am on 10 June, 2023", "Alice: I also lost my job at Door Dash."))
    assert [day(r.invalid_at) for r in alice_history(memory, "works_at")] == ["2023-06-10"]


def test_a_break_up_then_a_new_partner_in_one_message(memory: GraphMemory) -> None:
    memory.remember(session("10:00 am on 15 January, 2023", "Alice: I'm dating Sam."))
    memory.remember(
        session("10:00 am on 10 June, 2023", "Alice: We broke up. I'm dating Chris now.")
    )
    versions = alice_history(memory, "relationship_status")
    by_target = {memory.to_networkx().nodes[r.target_id]["name"]: r for r in versions}
    assert by_target["Sam"].invalid_at is not None
    assert by_target["Chris"].invalid_at is None  # the break-up came first in the message


def test_we_got_married_is_to_the_partner_of_the_time(memory: GraphMemory) -> None:
    memory.remember(session("10:00 am on 15 January, 2023", "Alice: I'm dating Sam."))
    memory.remember(session("10:00 am on 10 June, 2023", "Alice: We got married yesterday!"))
    versions = alice_history(memory, "relationship_status")
    names = {r.id: memory.to_networkx().nodes[r.target_id]["name"] for r in versions}
    married = [r for r in versions if r.predicate == "got married"]
    assert [(names[r.id], day(r.valid_at)) for r in married] == [("Sam", "2023-06-09")]


def test_together_since_names_the_partner_of_the_telling(memory: GraphMemory) -> None:
    # The partner is first told of after the date the couple began: "since" still names them.
    memory.remember(session("10:00 am on 12 February, 2022", "Alice: I'm dating Cathal now."))
    memory.remember(
        session("10:00 am on 14 February, 2022", "Alice: We've been together since last May.")
    )
    versions = memory.history("Alice", "relationship_status", dataset=DEFAULT_DATASET)
    assert {v.target for v in versions} == {"Cathal"}
    assert min(v.valid_at for v in versions if v.valid_at).date().isoformat() == "2021-05-01"


def test_we_got_married_with_no_partner_known_is_the_status(memory: GraphMemory) -> None:
    memory.remember(session("10:00 am on 10 June, 2023", "Alice: We got married yesterday!"))
    versions = memory.history("Alice", "relationship_status", dataset=DEFAULT_DATASET)
    assert [(v.target, v.valid_at and v.valid_at.date().isoformat()) for v in versions] == [
        ("married", "2023-06-09")
    ]


def test_the_relation_kinds_option_is_used(tmp_path: Path) -> None:
    kinds = RelationKinds(predicates={"is crazy about": "fandom"}, single_valued={"fandom"})
    with GraphMemory(tmp_path, relation_kinds=kinds) as memory:
        memory.remember(session("10:00 am on 15 January, 2023", "Alice: I'm crazy about Arsenal."))
        memory.remember(session("10:00 am on 10 June, 2023", "Alice: I'm crazy about Chelsea."))
        versions = alice_history(memory, "fandom")
    assert [r.invalid_at is None for r in versions] == [False, True]
    with pytest.raises(InvalidInputError, match="RelationKinds"):
        GraphMemory(tmp_path, relation_kinds={"single_valued": {"x"}})  # type: ignore[arg-type]


def test_lettered_turn_ids_name_nothing() -> None:
    text = "Omar: [C2:S1:T4] Nadia and I have been dating since May.\nPriya: [C2:S1:T5] Nice!"
    assert names(text) == {"Omar", "Nadia", "Priya"}
    assert ("Omar", "dating", "Nadia") in triples(text)


_PHRASES = st.sampled_from(
    ["last week", "in March", "until June 2023", "next month", "February 30", "in 3023", "", "x"]
)


@given(
    predicate=st.text(max_size=30) | st.sampled_from(["moved to", "quit", "lived in", "sold"]),
    description=st.lists(_PHRASES | st.text(max_size=20), max_size=4).map(" ".join),
    valid_at=st.none() | _PHRASES,
    invalid_at=st.none() | _PHRASES,
    retracted=st.booleans(),
)
def test_a_statement_is_dated_after_its_message_only_by_a_phrase_pointing_ahead(
    predicate: str, description: str, valid_at: str | None, invalid_at: str | None, retracted: bool
) -> None:
    statement = StatementReader(KINDS).read(
        predicate, description, REF, valid_at=valid_at, invalid_at=invalid_at, retracted=retracted
    )
    ahead = statement.valid.phrase == "next month"  # the only phrase above that points ahead
    assert statement.valid.at <= REF or ahead
    assert statement.end is None or statement.end.at <= REF.timestamp() or ahead
    # a kind-less fact replaces nothing; only a stored fact of a single-valued kind does
    assert not statement.single_valued or (statement.store and KINDS.is_single(statement.kind))


@given(st.text(max_size=200))
def test_offline_relations_have_a_target_unless_they_end_a_fact(text: str) -> None:
    for relation in relations(f"Alice: {text}"):
        assert relation.target or relation.retracted


# -- issue 18, second pass: more wordings of the same changes (our own sentences) ----------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bea: I'm head chef at Lumen now.", {("job title", "head chef"), ("works at", "Lumen")}),
        ("Bea: I'm sous-chef at Lumen.", {("job title", "sous-chef"), ("works at", "Lumen")}),
        (
            "Bea: I joined Brightwave as a senior analyst last week.",
            {("job title", "senior analyst"), ("works at", "Brightwave")},
        ),
        (
            "Bea: I'm a lecturer at the University of Leiden.",
            {("works at", "University of Leiden")},
        ),
        ("Bea: Work at Kestrel keeps me on my toes.", {("works at", "Kestrel")}),
        ("Bea: My new boss at Kestrel is kind.", {("works at", "Kestrel")}),
        (
            "Bea: my job title is now production coordinator, more spreadsheets.",
            {("job title", "production coordinator")},
        ),
        (
            "Bea: Got hired by Arup as a graduate engineer.",
            {("job title", "graduate engineer"), ("works at", "Arup")},
        ),
        # a trainee is a title of its own: "pricing actuary" later is a new one
        ("Bea: I'm a pricing actuary trainee for now.", {("job title", "pricing actuary trainee")}),
        (
            "Bea: I started at Zalando as UX designer on Monday.",
            {("job title", "UX designer"), ("works at", "Zalando")},
        ),
    ],
)
def test_titles_and_employers_in_more_wordings(text: str, expected: set[tuple[str, str]]) -> None:
    found = {(r.predicate, r.target): r.kind for r in relations(text)}
    for pair in expected:
        assert pair in found
        assert found[pair] == {"job title": "job_title", "works at": "works_at"}[pair[0]]


@pytest.mark.parametrize(
    "text", ["Bea: I'm so glad the teacher came.", "Bea: I'm really happy for the manager."]
)
def test_an_adjective_before_a_job_noun_is_no_title(text: str) -> None:
    assert not any(r.kind == "job_title" for r in relations(text))


@pytest.mark.parametrize(
    ("predicate", "kind"),
    [
        ("teach history at", "works_at"),
        ("transferred to", "works_at"),
        ("has dog", "has_pet"),  # "my dog Rex"
        ("has guinea pig", "has_pet"),
        ("has flat in", None),
    ],
)
def test_more_predicates_map_to_kinds(predicate: str, kind: str | None) -> None:
    assert KINDS.classify(predicate).kind == kind


def test_leaving_a_named_employer_ends_the_job_but_leaving_a_place_does_not() -> None:
    ended = {(r.target, r.kind) for r in relations("Bea: I left Kestrel Labs.") if r.retracted}
    assert ended == {("Kestrel Labs", "works_at"), ("", "job_title")}  # the job and its title
    # a name typed as a place is no employer (an untyped one is: ending a job never held is a no-op)
    assert not any(r.retracted for r in relations("Bea: I grew up in Porto. I left Porto at 18."))


def test_leaving_an_employer_named_by_what_it_is_ends_the_one_whose_name_holds_it(
    memory: GraphMemory,
) -> None:
    memory.remember(session("10:00 am on 5 February, 2021", "Alice: I work at Leeds City Council."))
    memory.remember(session("10:00 am on 1 October, 2021", "Alice: Left the council in August."))
    (job,) = alice_history(memory, "works_at")
    assert (job.target_name, day(job.invalid_at)) == ("Leeds City Council", "2021-08-01")
    assert not [r for r in relations("Alice: I left the house at 8.") if r.retracted]


def test_a_last_day_at_an_employer_ends_the_job() -> None:
    text = "Bea: My last day at Kestrel Labs was Friday."
    ended = {(r.target, r.kind) for r in relations(text) if r.retracted}
    assert ("Kestrel Labs", "works_at") in ended
    # a place is no employer
    assert not any(r.retracted for r in relations("Bea: My last day in Porto was lovely."))


def test_a_lost_job_is_no_current_job() -> None:
    found = relations("Bea: I lost my job at Kestrel.")
    assert not any(r.kind == "works_at" and not r.retracted for r in found)


@pytest.mark.parametrize(
    ("text", "pets"),
    [
        ("Bea: Pickle died in March, and we gave Biscuit to my cousin.", {"Pickle", "Biscuit"}),
        ("Bea: Sadly, Pepper passed away last week.", {"Pepper"}),
        ("Bea: I rehomed Toffee to a farm.", {"Toffee"}),
        # a lone name opening the sentence is a name when "passed" follows, as "died" does
        ("Bea: Sad news. Mochi passed away a couple of days ago.", {"Mochi"}),
    ],
)
def test_a_pet_that_died_or_was_given_away_ends(text: str, pets: set[str]) -> None:
    ended = {r.target for r in relations(text) if r.retracted and r.kind == "has_pet"}
    assert ended == pets


def test_a_pet_ends_in_memory_and_a_new_one_stays(memory: GraphMemory) -> None:
    memory.remember(session("10:00 am on 15 January, 2023", "Alice: My dog Pickle is asleep."))
    memory.remember(session("10:00 am on 10 June, 2023", "Alice: Pickle died on Sunday."))
    versions = alice_history(memory, "has_pet")
    assert [(v.target_name, day(v.invalid_at)) for v in versions] == [("Pickle", "2023-06-04")]


def test_a_holiday_dates_a_fact() -> None:
    ref = datetime(2024, 1, 18, 9, 0, tzinfo=UTC)
    statement = StatementReader(KINDS).read(
        "dating", "Alice: I've been seeing Rui since Christmas.", ref
    )
    assert (day(statement.valid.at.timestamp()), statement.valid.phrase) == (
        "2023-12-25",
        "since Christmas",
    )
    assert "Christmas" not in names("Alice: I've been seeing Rui since Christmas.")


# -- a change dated by the next sentence, couples named before "we", living together -----------
def by_target(text: str) -> dict[str, ExtractedRelation]:
    return {r.target: r for r in relations(text) if r.predicate != "related_to"}


def test_the_next_sentence_of_the_turn_dates_a_change_it_tells_the_start_of() -> None:
    (dating,) = [r for r in relations("Ida: I'm seeing Joel. We met at a gig in March.")]
    assert (dating.target, dating.valid_at) == ("Joel", "in March")
    ended = by_target("Ida: Joel and I are splitting up. We agreed on it last weekend.")["Joel"]
    assert ended.retracted and ended.valid_at == "last weekend"
    assert by_target("Ida: I moved to Oslo. That was in 2021.")["Oslo"].valid_at == "in 2021"


@pytest.mark.parametrize(
    ("text", "target", "phrase"),
    [
        ("Ida: I joined Aviva. Started two weeks ago.", "Aviva", "two weeks ago"),
        ("Ida: I moved to Whitby. Moved up last month.", "Whitby", "last month"),
        ("Ida: I adopted Percy. We brought him home yesterday.", "Percy", "yesterday"),
        ("Ida: I bought the Jeep. Collected it last Saturday.", "Jeep", "last Saturday"),
        ("Ida: I quit Qantas. My last day was yesterday.", "Qantas", "yesterday"),
        ("Ida: I quit Qantas. Last Friday was my last shift.", "Qantas", "Last Friday"),
        ("Ida: Quit Qantas. Finished up last Friday.", "Qantas", "last Friday"),
        ("Ida: Now working for Arup. Started two weeks ago.", "Arup", "two weeks ago"),
        ("Ida: I'm not with Joel anymore. We broke up last month.", "Joel", "last month"),
        ("Ida: I quit Aviva. Told my line manager yesterday.", "Aviva", "yesterday"),
        ("Ida: Gino and I are engaged! He proposed on Saturday.", "Gino", "on Saturday"),
        ("Ida: Gino and I got married! Our wedding was in June.", "Gino", "in June"),
        ("Ida: I'm seeing Gino. We had our first date in May.", "Gino", "in May"),
        ("Ida: I have sold the Jeep. The sale closed a fortnight ago.", "Jeep", "a fortnight ago"),
        # a first day dates a start, a last day an end only
        ("Ida: I joined Aviva. My first day was Monday.", "Aviva", "Monday"),
        ("Ida: I work at Qantas. My last day was yesterday.", "Qantas", None),
        ("Ida: I joined Aviva. Started a podcast in May.", "Aviva", None),  # another thing
    ],
)
def test_the_next_sentence_dates_a_change_it_tells_again(
    text: str, target: str, phrase: str | None
) -> None:
    assert by_target(text)[target].valid_at == phrase


def test_a_sentence_without_its_i_is_read_as_the_speakers() -> None:
    # Chat leaves out the "I": "Got ...", "Joined ...", "Sold ..." are what the speaker did.
    assert ("Ida", "quit", "Qantas") in triples("Ida: Big news. Quit Qantas.")
    assert ("Ida", "sold", "Jeep") in triples("Ida: Sold the Jeep on Monday.")
    assert ("Ida", "works at", "Aviva") in triples("Ida: Joined Aviva as a claims manager.")
    # ... and the news a colon opens ("news here: sold the tesla")
    assert ("Ida", "sold", "tesla") in triples("Ida: ok news here: sold the tesla last week.")
    assert ("Ida", "sold", "Jeep") in triples("Ida: My news is short: Sold the Jeep.")
    # a narrator's sentence has nobody to put back
    assert not any(r.source == "Ida" for r in relations("Sold the Jeep on Monday."))


def test_leaving_one_place_for_another_is_a_move() -> None:
    moved = {
        (r.predicate, r.target): KINDS.classify(r.predicate)
        for r in relations("Ida: I packed up and left Denver for Austin.")
    }
    assert moved[("moved to", "Austin")] == KindMatch("lives_in", False)
    assert moved[("moved from", "Denver")] == KindMatch("lives_in", True)
    # an employer left for another is no move
    assert not any(
        r.predicate.startswith("moved") for r in relations("Ida: I left Acme for Zalando.")
    )


@pytest.mark.parametrize(
    ("text", "old", "new"),
    [
        ("Dana: my title. Data Analyst -> Analytics Engineer as of Monday.", "Data Analyst",
         "Analytics Engineer"),
        ("Dana: Senior Software Engineer to Team Lead, finally!", "Senior Software Engineer",
         "Team Lead"),
        ("Dana: I went from CSR to team leader in February.", "CSR", "team leader"),
        ("Dana: I went from being a junior developer to senior developer.", "junior developer",
         "senior developer"),
        # one the short form of the other: the memory reads them as one thing, so only the new
        ("Dana: PM -> Senior PM as of last Wednesday.", None, "Senior PM"),
        ("Dana: so officially Senior Engineering Manager now.", None, "Senior Engineering Manager"),
    ],
)  # fmt: skip
def test_a_title_changed_for_another(text: str, old: str | None, new: str) -> None:
    found = [r for r in relations(text) if r.kind == "job_title"]
    assert {r.target for r in found if not r.retracted} == {new}
    assert {r.target for r in found if r.retracted} == ({old} if old else set())


@pytest.mark.parametrize(
    "text",
    ["Dana: I talked to the manager about it.", "Dana: I sent it to the CEO yesterday."],
)
def test_a_title_named_beside_to_is_no_change(text: str) -> None:
    assert not [r for r in relations(text) if r.kind == "job_title"]


@pytest.mark.parametrize(
    ("text", "liking"),
    [
        ("Aisha: My news: I've given up on vegan. Cheese won.", "vegan"),
        ("Aisha: I broke my wrist so I'm done with skateboarding honestly", "skateboarding"),
    ],
)
def test_a_liking_given_up_in_more_wordings(text: str, liking: str) -> None:
    (ended,) = [r for r in relations(text) if r.kind == "likes"]
    assert (ended.target, ended.retracted) == (liking, True)


@pytest.mark.parametrize(
    "text",
    [
        "Ida: I dumped Gino last week.",
        "Ida: Gino and I are over.",
        "Ida: I broke it off with Gino.",
    ],
)
def test_the_speaker_ending_a_couple(text: str) -> None:
    (ended,) = [r for r in relations(text) if r.kind == "relationship_status"]
    assert (ended.target, ended.retracted) == ("Gino", True)


@pytest.mark.parametrize(
    ("text", "predicate", "retracted"),
    [
        ("Ida: Gino and I have started dating.", "dating", False),
        ("Ida: Gino is my boyfriend now.", "dating", False),
        ("Ida: Gino is my fiance now.", "engaged to", False),
        ("Ida: Gino and I got back together.", "together with", False),
        ("Ida: Me and Gino are a thing now.", "together with", False),
        ("Ida: Gino and me are together now.", "together with", False),
        ("Ida: Gino and I are exclusive now.", "together with", False),
        ("Ida: I've been going out with Gino since June.", "dating", False),
        ("Ida: I married Gino in June.", "married", False),
        ("Ida: Gino popped the question!", "engaged to", False),
        ("Ida: Me and Gino broke up.", "broke up with", True),
        ("Ida: Gino left me.", "broke up with", True),
    ],
)
def test_a_couple_in_everyday_wordings(text: str, predicate: str, retracted: bool) -> None:
    # the speaker's couple (Gino's own, read from the speaker's sentence about him, aside)
    (couple,) = [
        r
        for r in relations(text)
        if KINDS.classify(r.predicate).kind == "relationship_status" and r.source == "Ida"
    ]
    assert (couple.predicate, couple.target, couple.retracted) == (predicate, "Gino", retracted)


@pytest.mark.parametrize(
    "text",
    [
        "Ida: I dumped the old sofa.",
        "Ida: Gino and I are finished with the house.",
        "Ida: Gino left me a message.",
        "Ida: Me and Tom went to the shops.",
    ],
)
def test_look_alikes_of_ending_a_couple(text: str) -> None:
    assert not [r for r in relations(text) if r.kind == "relationship_status"]


@pytest.mark.parametrize(
    ("text", "liking", "retracted"),
    [
        ("Ida: I've started doing yoga.", "yoga", False),
        ("Ida: I started learning Spanish in May.", "Spanish", False),
        ("Ida: I've become obsessed with sourdough.", "sourdough", False),
        ("Ida: My new hobby is pottery.", "pottery", False),
        ("Ida: Pottery is my new thing.", "pottery", False),
        ("Ida: I'm a big fan of jazz now.", "jazz", False),
        ("Ida: I haven't played tennis since May.", "tennis", True),
        ("Ida: I haven't been to the gym since May.", "gym", True),
    ],
)
def test_a_liking_in_more_wordings(text: str, liking: str, retracted: bool) -> None:
    (found,) = [
        r for r in relations(text) if (r.kind or KINDS.classify(r.predicate).kind) == "likes"
    ]
    assert (found.target, found.retracted or KINDS.classify(found.predicate).retracted) == (
        liking,
        retracted,
    )


@pytest.mark.parametrize(
    "text",
    ["Ida: I started doing the dishes.", "Ida: I haven't been to the shops since Monday."],
)
def test_chores_are_no_pastimes(text: str) -> None:
    assert not [
        r for r in relations(text) if (r.kind or KINDS.classify(r.predicate).kind) == "likes"
    ]


def test_one_taste_switched_for_another() -> None:
    for text in (
        "Ida: I've switched from coffee to green tea.",
        "Ida: I swapped coffee for green tea last month.",
    ):
        found = {(r.target, r.retracted) for r in relations(text) if r.kind == "likes"}
        assert found == {("coffee", True), ("green tea", False)}
    # two names are employers or places, no tastes
    assert not [r for r in relations("Ida: I switched from Acme to Zalando.") if r.kind]


@pytest.mark.parametrize(
    ("text", "kind", "target"),
    [
        ("Ida: I stopped drinking gin in March.", "likes", "gin"),
        ("Ida: I don't live in Paris anymore.", "lives_in", "Paris"),
        ("Ida: I don't work at Northlight any more.", "works_at", "Northlight"),
    ],
)
def test_an_end_said_with_a_negation_or_a_habits_verb(text: str, kind: str, target: str) -> None:
    (ended,) = [r for r in relations(text) if r.target == target]
    assert KINDS.classify(ended.predicate) == KindMatch(kind, True) or (
        ended.kind,
        ended.retracted,
    ) == (kind, True)


@pytest.mark.parametrize(
    ("text", "kind", "retracted"),
    [
        ("Ida: I started at Utrecht University in September.", "studies_at", False),
        ("Ida: I left Utrecht University in June.", "studies_at", True),
        ("Ida: I quit Leeds College of Art last week.", "studies_at", True),
        # a job there stays a job
        ("Ida: I started at Minami High School as a maths teacher.", "works_at", False),
    ],
)
def test_starting_at_or_leaving_a_place_of_study_is_studies(
    text: str, kind: str, retracted: bool
) -> None:
    (place,) = [r for r in relations(text) if r.kind in ("studies_at", "works_at")]
    assert (place.kind, place.retracted) == (kind, retracted)
    if kind == "studies_at":  # and no job title ends with it
        assert not [r for r in relations(text) if r.kind == "job_title"]


def test_a_left_out_i_after_and_is_put_back() -> None:
    told = triples("Ravi: Sold the Jeep last week and bought a Tesla yesterday.")
    assert {("Ravi", "sold", "Jeep"), ("Ravi", "bought", "Tesla")} <= told
    assert ("Ravi", "started at", "Acme") in triples("Ravi: I moved in May, and started at Acme.")
    # "and" before a name is no clause of its own
    assert not any(r.target == "left" for r in relations("Ravi: I met Tom and Jerry and left."))


def test_a_left_out_i_after_a_chat_opener_is_put_back() -> None:
    assert ("Ravi", "quit", "Acme") in triples("Ravi: So, quit Acme last week.")
    bought = [r for r in relations("Ravi: Yeah, bought a Vespa in May.") if r.source == "Ravi"]
    assert [r.target for r in bought] == ["Vespa"]
    assert not relations("Ravi: I'm done with you.")  # nobody's pastime


def test_a_title_told_after_the_promotions_date() -> None:
    (title,) = [
        r
        for r in relations("Ida: I got promoted last month, senior associate, more files.")
        if r.kind == "job_title"
    ]
    assert title.target == "senior associate"
    assert "last month" in title.description  # its sentence dates it when the write is built


@pytest.mark.parametrize(
    ("text", "home", "phrase"),
    [
        ("Ida: And I moved. A fortnight ago. I'm in Penarth now.", "Penarth", "A fortnight ago"),
        (
            "Ida: We moved at the start of April. We're in Hobart now.",
            "Hobart",
            "the start of April",
        ),
        ("Ida: I finally moved! I'm living in Leeds now.", "Leeds", None),
    ],
)
def test_a_move_told_without_its_place_goes_to_the_place_told_next(
    text: str, home: str, phrase: str | None
) -> None:
    (lives,) = [r for r in relations(text) if r.kind == "lives_in"]
    assert (lives.target, lives.valid_at) == (home, phrase)


@pytest.mark.parametrize(
    "text",
    [
        "Ida: We're settled in Leeds now.",
        "Ida: We're renting in Leeds now.",
        "Ida: My new place is in Leeds.",
    ],
)
def test_a_home_in_more_wordings(text: str) -> None:
    assert ("Ida", "lives in", "Leeds") in triples(text)


@pytest.mark.parametrize(
    "text",
    [
        "Ida: I'm in Penarth now, a little terrace.",  # no move told: a visit, maybe
        "Ida: I moved to Cardiff in May. I'm in Penarth now for the weekend.",  # its place named
    ],
)
def test_a_place_is_no_home_without_a_move_told_without_its_place(text: str) -> None:
    assert not [r for r in relations(text) if r.target == "Penarth" and r.kind == "lives_in"]


@pytest.mark.parametrize(
    ("text", "retracted"),
    [
        ("Ida: I've taken a job with Northlight.", False),
        ("Ida: My first day at Northlight was Monday.", False),
        ("Ida: I'm employed by Northlight.", False),
        ("Ida: I joined Northlight last month, I love the office.", False),
        ("Ida: Sadly, Northlight let me go.", True),
    ],
)
def test_a_job_begun_or_ended_in_more_wordings(text: str, retracted: bool) -> None:
    (job,) = [
        r
        for r in relations(text)
        if r.target == "Northlight" and (r.kind or KINDS.classify(r.predicate).kind) == "works_at"
    ]
    assert (job.retracted or KINDS.classify(job.predicate).retracted) == retracted


def test_joining_without_a_word_of_work_is_a_clubs() -> None:
    assert not [
        r for r in relations("Ida: I joined the Harriers last month.") if r.kind == "works_at"
    ]


@pytest.mark.parametrize(
    ("text", "kind", "target", "retracted"),
    [
        ("Ida: We got a puppy last week, her name is Biscuit.", "has_pet", "Biscuit", False),
        ("Ida: Meet Biscuit, our new puppy!", "has_pet", "Biscuit", False),
        ("Ida: Miso, our new cat, is settling in.", "has_pet", "Miso", False),
        ("Ida: My Vespa was stolen yesterday.", "owns", "Vespa", True),
        ("Ida: The Fiat got written off.", "owns", "Fiat", True),
        ("Ida: My car was stolen last night.", "owns", "car", True),
        ("Ida: I'm the proud owner of a Vespa.", "owns", "Vespa", False),
    ],
)
def test_pets_and_things_in_more_wordings(
    text: str, kind: str, target: str, retracted: bool
) -> None:
    found = [r for r in relations(text) if (r.kind or KINDS.classify(r.predicate).kind) == kind]
    assert [(r.target, r.retracted or KINDS.classify(r.predicate).retracted) for r in found] == [
        (target, retracted)
    ]


@pytest.mark.parametrize(
    "text", ["Ida: Tom, my new neighbour, is nice.", "Ida: The money was stolen."]
)
def test_look_alikes_of_pets_and_things(text: str) -> None:
    assert not [r for r in relations(text) if r.kind in ("has_pet", "owns")]


def test_a_trades_acronym_is_part_of_the_title_and_no_employer() -> None:
    employers = {
        r.target
        for r in relations("Bea: I started at Zalando as UX designer on Monday.")
        if KINDS.classify(r.predicate).kind == "works_at"
    }
    assert employers == {"Zalando"}  # "started at UX" replaced Zalando the same day


@pytest.mark.parametrize(
    "text",
    [
        "Ida: I said yes obviously, after I stopped laughing.",  # when, not a change
        "Ida: I'm a Fellow now! They dropped the trainee bit from my title.",  # "they": no one
    ],
)
def test_look_alikes_of_a_change_end_nothing(text: str) -> None:
    assert not [r for r in relations(text) if r.retracted]


@pytest.mark.parametrize(
    ("text", "partner"),
    [
        ("Wade: I been keepin' company with Darlene Pruitt.", "Darlene Pruitt"),
        ("Wade: Cyril and I have been courting since Easter.", "Cyril"),
        ("Wade: I'm stepping out with Darlene now.", "Darlene"),
    ],
)
def test_older_and_spoken_wordings_of_dating(text: str, partner: str) -> None:
    (couple,) = [
        r for r in relations(text) if KINDS.classify(r.predicate).kind == "relationship_status"
    ]
    assert couple.target == partner


def test_a_description_between_a_change_and_its_date_is_passed_over() -> None:
    text = "Wade: I been seeing Darlene. The widow from the Methodist choir. Since July."
    assert by_target(text)["Darlene"].valid_at == "Since July"
    # a sentence of its own is no aside: its date is not the change's
    told = "Wade: I been seeing Darlene. She sings in the choir. Since July."
    assert by_target(told)["Darlene"].valid_at is None


def test_a_trade_named_as_what_someone_was_is_no_partner() -> None:
    text = (
        "Dot: There's a gentleman at church, Harlan Boyd. Widower, retired Coast Guard. We've "
        "been keeping company since October."
    )
    (couple,) = [
        r for r in relations(text) if KINDS.classify(r.predicate).kind == "relationship_status"
    ]
    assert couple.target == "Harlan Boyd"  # named two sentences before "we"


def test_a_married_name_is_the_speaker_not_a_partner() -> None:
    text = "Ida: Your best friend is officially Mrs Ida Keane. We got married a fortnight ago."
    (married,) = [r for r in relations(text) if r.kind == "relationship_status"]
    assert married.target == ""  # whoever she is with then; not "Ida Keane"


@pytest.mark.parametrize(
    "text", ["Ida: We had to put Bluey down last week.", "Ida: we had Bluey put to sleep."]
)
def test_a_pet_put_down_is_gone(text: str) -> None:
    (gone,) = [r for r in relations(text) if r.target == "Bluey"]
    assert (gone.kind, gone.retracted) == ("has_pet", True)


def test_taking_up_residence_is_moving_in_and_no_pastime() -> None:
    text = "Kofi: I bought a house in Sevenoaks. I took up residence on the first of June."
    found = relations(text)
    assert any(
        r.target == "Sevenoaks" and KINDS.classify(r.predicate).kind == "lives_in" for r in found
    )
    assert not any(r.target == "residence" for r in found)


def test_moving_in_is_into_the_place_the_sentence_before_named() -> None:
    text = "Kofi: I bought a little house in Stockport. I moved in a couple of days ago."
    (home,) = [
        r
        for r in relations(text)
        if r.target == "Stockport" and KINDS.classify(r.predicate).kind == "lives_in"
    ]
    assert "a couple of days ago" in home.description  # dated by the move
    # moving in with someone, or another speaker moving in, is no move into that place
    assert not any(
        r.target == "Paris" and KINDS.classify(r.predicate).kind == "lives_in"
        for text in (
            "Kofi: I visited Paris. I moved in with Ana.",
            "Kofi: Paris!\nAna: I moved in.",
        )
        for r in relations(text)
    )


def test_a_lower_case_i_is_the_speaker() -> None:
    assert ("Mia", "started working at", "Scoops") in triples(
        "Mia: ok so i started working at Scoops"
    )
    assert ("Mia", "quit", "Scoops") in triples("Mia: im done. i quit Scoops yesterday")
    # an "i" inside a word, or not alone, is no pronoun
    assert not relations("Mia: the wifi in Paris is bad")


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Ida: They made me operations manager last month.", "operations manager"),
        ("Ida: They promoted me to senior analyst!", "senior analyst"),
        ("Ida: My boss bumped me up to team lead two weeks ago.", "team lead"),
        ("Ida: They made me dispatcher at Ohio Valley last month.", "dispatcher"),
        ("Ida: I'm a solutions architect now, still at Deloitte.", "solutions architect"),
        ("Ida: Big change: now I'm a tour guide at the visitor centre.", "tour guide"),
        ("Ida: They made me dinner last night.", None),  # no job noun, no title
        ("Ida: They made me laugh.", None),
    ],
)
def test_a_title_given_by_others_or_held_now(text: str, title: str | None) -> None:
    titles = {r.target for r in relations(text) if r.kind == "job_title"}
    assert titles == ({title} if title else set())


@pytest.mark.parametrize(
    ("text", "name", "kind"),
    [
        ("Ida: We adopted a beagle last Saturday. His name is Waffles.", "Waffles", "has_pet"),
        ("Ida: I adopted a cat! A tabby called Jollof.", "Jollof", "has_pet"),
        ("Ida: I got a dog. Named him Tank.", "Tank", "has_pet"),
        ("Ida: Also I have hamster now! His name is Mochi.", "Mochi", "has_pet"),
        ("Ida: We adopted a greyhound! Retired racer, his name is Comet.", "Comet", "has_pet"),
        (
            "Ida: I got a dog! Brown with one white ear, I've called him Tsotsi.",
            "Tsotsi",
            "has_pet",
        ),
        # an animal that came however it came, named by the speaker
        (
            "Ida: A little tabby came hollering at my back door and never left. Named her Pickles.",
            "Pickles",
            "has_pet",
        ),
        ("Ida: I'm seeing someone. Callum.", "Callum", "relationship_status"),
        ("Ida: I started seeing someone. Her name is Dolores.", "Dolores", "relationship_status"),
        ("Ida: I've got a girlfriend btw. Jess.", "Jess", "relationship_status"),
        (
            "Ida: Bought a motorbike. A Triumph Bonneville, second-hand.",
            "Triumph Bonneville",
            "owns",
        ),
    ],
)
def test_the_next_sentence_names_a_pet_or_a_partner(text: str, name: str, kind: str) -> None:
    (named,) = [r for r in relations(text) if r.target == name]
    assert (named.source, named.kind) == ("Ida", kind)
    assert text.split(": ", 1)[1].split(".")[0] in named.description  # it cites the news


@pytest.mark.parametrize(
    "text",
    [
        "Ida: We got a puppy. Wow.",  # an interjection is no name
        "Ida: I got a car. His name is Bob.",  # no animal, no partner
        "Ida: I bought a car. A nightmare to park.",  # no make, no name
        "Ida: I'm seeing someone. Callum is lovely.",  # a sentence about him, not his name
        "Ida: We adopted a beagle.\nMo: His name is Waffles.",  # another speaker's turn
    ],
)
def test_only_a_naming_sentence_names_them(text: str) -> None:
    assert not any(
        r.kind in ("has_pet", "relationship_status") or r.target in ("Bob", "nightmare")
        for r in relations(text)
    )


@pytest.mark.parametrize(
    ("text", "sold", "bought"),
    [
        ("Ida: I sold the Jeep a couple of days ago.", "Jeep", None),
        ("Ida: I've sold Kittiwake.", "Kittiwake", None),
        ("Ida: I traded in my old Camry for a little Honda Fit.", "Camry", "Honda Fit"),
    ],
)
def test_a_thing_known_by_its_name_is_sold_or_bought(
    text: str, sold: str, bought: str | None
) -> None:
    found = triples(text)
    assert ("Ida", "sold", sold) in found
    assert bought is None or ("Ida", "bought", bought) in found


@pytest.mark.parametrize(
    ("text", "target", "phrase"),
    [
        # two sentences on, the same kind of event told again
        ("Ida: I took a job in Calgary. Like, living here. Moved out in February.", "Calgary",
         "February"),
        ("Ida: I live in Walthamstow now! Own bathroom!! I move at the start of May.",
         "Walthamstow", "May"),
        ("Ida: Junior developer at Deliveroo. I start last Monday, no Pret.", "Deliveroo",
         "last Monday"),
        ("Ida: I left Denver for Austin. Drove the Jeep down three weeks ago.", "Austin",
         "three weeks ago"),
        # the re-telling after an aside, dated by its own phrase, not the aside's
        ("Ida: I joined Aviva! Claims team, Wednesday nights, I started in March.", "Aviva",
         "in March"),
        # a date alone, or nearly
        ("Ida: I'm seeing Dolores. Since June.", "Dolores", "Since June"),
        ("Ida: I joined Aviva. Started Monday just gone.", "Aviva", "Monday just gone"),
        # the change made official, and the last of its classes
        ("Ida: I've enrolled at UHI. Signed the forms last week.", "UHI", "last week"),
        ("Ida: I dropped out of Durham. Told them in June.", "Durham", "in June"),
        ("Ida: I quit Escuela Sol. My last class was last Thursday.", "Escuela Sol",
         "last Thursday"),
        ("Ida: I'm seeing Dolores. 24th August, at the fair.", "Dolores", "24th August"),
        ("Ida: I'm seeing Dolores. The 18th, after prom.", "Dolores", "The 18th"),
        ("Ida: Dara asked me to marry him. Last Saturday, out on the prom.", "Dara",
         "Last Saturday"),
        # a longer fragment listing circumstances, and a date past a short exclamation
        ("Ida: Dara asked me to marry him. Last Saturday, out on the prom at Salthill, in the "
         "lashing rain, down on one knee in a puddle.", "Dara", "Last Saturday"),
        ("Ida: Mateusz proposed! In Tassie, at Cradle Mountain, last week, in the rain, with a "
         "wombat watching us.", "Mateusz", "last week"),
        ("Ida: Stanley asked me to marry him. At my age! On Sunday just gone, at the café.",
         "Stanley", "On Sunday just gone"),
        ("Ida: I'm seeing someone. Callum. Met him at a pub quiz in March.", "Callum",
         "in March"),
    ],
)  # fmt: skip
def test_a_later_sentence_of_the_turn_dates_the_change_it_tells_again(
    text: str, target: str, phrase: str
) -> None:
    dated = [r for r in relations(text) if r.target == target and r.predicate != "related_to"]
    assert dated and all(r.valid_at is not None and phrase in r.valid_at for r in dated)


@pytest.mark.parametrize(
    "text",
    [
        "Ida: I moved to Lyon. It's lovely. We met in May.",  # a couple's start, not a move's
        "Ida: I moved to Lyon. We went to Rome in April. Moved in May.",  # a date in between
        "Ida: I moved to Lyon. It's lovely. Great food. Moved in May.",  # too far on
        "Ida: I moved to Lyon. Since June I run.",  # a sentence of its own, not a date alone
        "Ida: I moved to Lyon. What a year it has been! We met in May.",  # no short aside
        # circumstances of another event: a sentence of its own with a verb
        "Ida: I moved to Lyon. In May, at the market, in the rain, we bought a dog.",
    ],
)
def test_a_later_sentence_dates_only_a_change_of_its_kind_close_by(text: str) -> None:
    assert by_target(text)["Lyon"].valid_at is None


def test_a_later_sentence_dates_what_the_last_clause_told() -> None:
    """ "Started in July." dates the job the sentence's last clause told, not the degree its
    first clause finished (in March, as it says)."""
    text = (
        "Ida: I finished the master in March, and now I got a job at Kansai Dynamics. "
        "Started in July."
    )
    found = relations(text)
    assert by_target(text)["Kansai Dynamics"].valid_at == "in July"
    assert not any(r.valid_at == "in July" for r in found if r.kind == "studies_at")
    # a move told again dates the home wherever the sentence told it
    moved = "Ida: Now I live in Leeds, near the river, and I have a garden! I moved in May."
    assert any(r.valid_at == "in May" for r in relations(moved) if r.target == "Leeds")
    # ... unless the sentence dates it itself, in any clause
    dated = "Ida: I moved to Leeds in May, and I love it. Moved in properly in June."
    assert not any(r.valid_at for r in relations(dated) if r.target == "Leeds")


def test_a_sentence_of_its_own_that_opens_with_a_date_dates_nothing_before_it() -> None:
    text = "Ida: I moved to Lyon. In 1992, Umbrella Systems started building rockets."
    assert by_target(text)["Lyon"].valid_at is None


@pytest.mark.parametrize(
    ("text", "partner", "ended"),
    [
        ("Ida: Shane!!! Mateusz proposed! In Tassie.", "Mateusz", False),
        ("Ida: And then Dara asked me to marry him.", "Dara", False),
        ("Ida: I proposed to Ana on the beach.", "Ana", False),
        ("Ida: Her name's Natalie and we've been seeing each other.", "Natalie", False),
        ("Ida: Well, I'm not with Lucía anymore.", "Lucía", True),
        ("Ida: I'm no longer with Tom.", "Tom", True),
    ],
)
def test_proposals_and_couples_told_in_other_words(text: str, partner: str, ended: bool) -> None:
    (couple,) = [r for r in relations(text) if r.target == partner and r.predicate != "related_to"]
    kind = couple.kind or KINDS.classify(couple.predicate).kind
    assert (couple.source, kind, couple.retracted) == ("Ida", "relationship_status", ended)


@pytest.mark.parametrize(
    "text",
    ["Ida: Tom proposed a new plan.", "Ida: I'm not with Tom today.", "Ida: Tom proposed to Ana."],
)
def test_a_proposal_of_something_else_is_no_engagement(text: str) -> None:
    # the speaker's, that is: "Tom proposed to Ana" is told of Tom (see test_offline_third_person)
    assert not any(r.kind == "relationship_status" and r.source == "Ida" for r in relations(text))
    assert not any(r.kind == "relationship_status" and r.target == "plan" for r in relations(text))


@pytest.mark.parametrize(
    ("text", "employer"),
    [
        ("Ida: Still at Qantas doing ground ops.", "Qantas"),
        ("Ida: I'm still at Shopify for now.", "Shopify"),
        ("Ida: I'm at Monzo now, started a fortnight ago.", "Monzo"),
        ("Ida: I'm at Arup working on bridges.", "Arup"),
        ("Ida: still pulling barista shifts at Little Lune.", "Little Lune"),
        ("Ida: I'm at Disneyland now.", None),  # a visit as much as a job
        # held since a time: a job too
        ("Ida: Good! I am at Siemens since last month.", "Siemens"),
        ("Ida: Been at the Central Alberta Co-op since Remembrance Day.", "Central Alberta Co-op"),
        ("Ida: I've been at Amazon for two months now.", "Amazon"),
        ("Ida: Started a new gig at Spotify last month.", "Spotify"),
        ("Ida: I've been at Mum's since Friday.", None),  # someone's home
        ("Ida: I've been at Cyril's house since May.", None),
        ("Ida: I've been at Heathrow for two hours.", None),  # hours: no job
        ("Ida: I'm still in Leeds.", None),
        ("Ida: I live in Leeds. I'm still at Leeds.", None),  # a place is no employer
    ],
)
def test_an_employer_one_is_still_at(text: str, employer: str | None) -> None:
    found = {r.target for r in relations(text) if r.kind == "works_at"}
    assert found == ({employer} if employer else set())


@pytest.mark.parametrize(
    ("text", "thing", "owned"),
    [
        ("Ida: Drove the Jeep down three weeks ago.", "Jeep", True),
        ("Ida: Still driving my old Corolla to every shift.", "Corolla", True),
        ("Ida: Gonna fix up the Sea Ray.", "Sea Ray", True),
        ("Ida: I gave him my old Corolla yesterday.", "Corolla", False),  # given away
        ("Ida: He drove the Jeep.", "Jeep", None),  # someone else's driving
        ("Ida: my sister Ana and my Tom came.", "Tom", None),  # a person is "my Tom" too
    ],
)
def test_a_named_thing_the_speaker_uses_as_theirs_is_owned(
    text: str, thing: str, owned: bool | None
) -> None:
    facts = [r for r in relations(text) if r.target == thing and r.predicate != "related_to"]
    read = {KINDS.classify(r.predicate) for r in facts}
    if owned is None:
        assert not any(match.kind == "owns" for match in read)
    else:
        assert read == {KindMatch("owns", not owned)}


@pytest.mark.parametrize(
    ("text", "target", "phrase"),
    [
        ("Gus: Sold the Sea Ray.\nBea: When?\nGus: Last Saturday. Paid cash.", "Sea Ray",
         "Last Saturday"),
        ("Gus: I moved to Leeds.\nBea: Oh wow, when was that?\nGus: It was in May.", "Leeds",
         "in May"),
        ("Gus: I moved to Leeds.\nBea: WHAT. When??\nGus: In May.", "Leeds", "In May"),
        # in a learner's word order
        ("Gus: We adopted a greyhound, Pudding!\nBea: When came he to you?\nGus: Last Saturday.",
         "Pudding", "Last Saturday"),
        # both phrases: which is the more precise depends on the message's time (below)
        ("Gus: I moved to Leeds.\nBea: When??\nGus: Three weeks back, on the 23rd.", "Leeds",
         "Three weeks back, on the 23rd"),
        # not asked when it happened, or answered by someone else
        ("Gus: I moved to Leeds.\nBea: When are you visiting?\nGus: In May.", "Leeds", None),
        ("Gus: I moved to Leeds.\nBea: When?\nMo: In May.", "Leeds", None),
        ("Gus: I moved to Leeds.\nBea: Nice!\nGus: In May.", "Leeds", None),
    ],
)  # fmt: skip
def test_an_answer_to_when_dates_what_the_turn_before_told(
    text: str, target: str, phrase: str | None
) -> None:
    assert by_target(text)[target].valid_at == phrase


def test_an_answer_giving_two_dates_dates_the_fact_by_the_more_precise(tmp_path: Path) -> None:
    memory = GraphMemory(tmp_path)
    memory.remember(
        "Session 1 (14 February 2022)\nGus: I moved to Leeds.\nBea: When??\n"
        "Gus: Three weeks back, on the 23rd.",
        dataset="gus",
    )
    (home,) = memory.history("Gus", relation="lives_in", dataset="gus")
    assert (home.valid_at, home.valid_grain) == (datetime(2022, 1, 23, tzinfo=UTC), "day")
    memory.close()


@pytest.mark.parametrize(
    "text",
    [
        "Ida: I moved to Oslo last week. That was in 2021.",  # its own date wins
        "Ida: I'm seeing Joel. We went to Rome in March.",  # a trip, not the start
        "Ida: I'm seeing Joel.\nMo: We met in March.",  # another speaker's turn
        "Ida: I'm seeing Joel. We met ten years ago and we'll marry next May.",
    ],
)
def test_a_date_is_borrowed_only_for_the_start_of_what_was_said(text: str) -> None:
    found = {r.target: r.valid_at for r in relations(text)}
    expected = "ten years ago" if "ten years" in text else None
    assert found.get("Joel", found.get("Oslo")) == expected


@pytest.mark.parametrize(
    ("text", "school", "ended"),
    [
        ("Ida: Started my MSc at Imperial last week.", "Imperial", False),
        ("Ida: I enrolled through UNISA back in February.", "UNISA", False),
        ("Ida: I went and enrolled in the part-time MSc at Galway Uni.", "Galway Uni", False),
        ("Ida: I did it! Graduated from UNISA last month.", None, True),
        ("Ida: I dropped out. Told them in June.", "", True),
        ("Ida: I left uni back in October.", "", True),
    ],
)
def test_studies_begun_and_ended(text: str, school: str | None, ended: bool) -> None:
    studies = [r for r in relations(text) if r.kind == "studies_at"]
    assert studies and all(r.retracted == ended for r in studies)
    assert school is None or school in {r.target for r in studies}


def test_a_third_persons_graduation_ends_no_studies_of_the_speaker() -> None:
    assert not any(r.kind == "studies_at" for r in relations("Ida: My son graduated from Yale."))


@pytest.mark.parametrize(
    ("text", "pet", "ended"),
    [
        ("Ida: Carol and I got a dog. Lab mix. Named him Tank.", "Tank", False),
        ("Ida: I adopted another cat from the rescue, a tom named Percy.", "Percy", False),
        ("Ida: Waffles got really sick and we had to put him down.", "Waffles", True),
        # "Little Mochi" is Mochi, said fondly
        ("Ida: Mochi died last week.\nDan: Oh no. Little Mochi.", "Mochi", True),
    ],
)
def test_pets_named_apart_or_fondly(text: str, pet: str, ended: bool) -> None:
    found = [r for r in relations(text) if r.target == pet and r.source == "Ida"]
    kinds = {r.kind or KINDS.classify(r.predicate).kind for r in found}
    assert kinds == {"has_pet"}
    assert any(r.retracted for r in found) == ended
    assert "Little Mochi" not in names(text)


@pytest.mark.parametrize(
    ("text", "kind", "target", "ended"),
    [
        ("Ida: I proposed on the balcony a fortnight ago.", "relationship_status", "", False),
        ("Ida: He proposed! Three Sundays ago.", "relationship_status", "", False),
        ("Ida: We're not together anymore.", "relationship_status", "", True),
        ("Ida: We ended it last week.", "relationship_status", "", True),
        ("Ida: We lost Biscuit last Tuesday.", "has_pet", "Biscuit", True),
        ("Ida: Been in Savannah since Labor Day.", "lives_in", "Savannah", False),
        ("Ida: I've been based in Leeds for a year now.", "lives_in", "Leeds", False),
        ("Ida: sold the Jeep lol", "owns", "Jeep", True),  # texting: no capital, no "I"
        ("Ida: Mikey and I called it quits. Sunday night.", "relationship_status", "Mikey", True),
        ("Ida: I completed the module in March.", "studies_at", "", True),
        ("Ida: Cyril and I were married on Saturday last.", "relationship_status", "Cyril", False),
        ("Ida: We tied the knot in June!", "relationship_status", "", False),
        ("Ida: Tom and I got hitched last week.", "relationship_status", "Tom", False),
        # everyday wordings
        ("Ida: Just relocated to Leeds.", "lives_in", "Leeds", False),
        ("Ida: We've settled in down in Margaret River.", "lives_in", "Margaret River", False),
        ("Ida: We finally moved into our new place in Leeds.", "lives_in", "Leeds", False),
        ("Ida: We moved into a flat in Leeds last month.", "lives_in", "Leeds", False),
        ("Ida: Just signed my contract with Stripe.", "works_at", "Stripe", False),
        ("Ida: I was made redundant last month.", "works_at", "", True),
        ("Ida: I got laid off in May.", "works_at", "", True),
        ("Ida: We got a puppy called Rex.", "has_pet", "Rex", False),
        ("Ida: We rehomed Rex last month.", "has_pet", "Rex", True),
        ("Ida: I've got a boyfriend now, Tom.", "relationship_status", "Tom", False),
        ("Ida: I've really gotten into climbing.", "likes", "climbing", False),
        ("Ida: I've been really into climbing lately.", "likes", "climbing", False),
        ("Ida: I don't go climbing anymore.", "likes", "climbing", True),
        ("Ida: I'm not into running these days.", "likes", "running", True),
        ("Ida: I'm obsessed with pottery lately.", "likes", "pottery", False),
        ("Ida: I've fallen out of love with running.", "likes", "running", True),
        ("Ida: I've gone off sushi.", "likes", "sushi", True),
        ("Ida: I'm not into football anymore.", "likes", "football", True),
        ("Ida: I've taken up running again.", "likes", "running", False),
        ("Ida: We moved in together last month.", "relationship_status", "", False),
        ("Ida: I'm seeing someone new, she's called Priya.", "relationship_status", "Priya", False),
        ("Ida: We adopted two cats, Salt and Pepper.", "has_pet", "Salt", False),
        # the speaker alone: the partner is whoever the speaker is with then
        ("Ida: I'm married now!", "relationship_status", "", False),
        ("Ida: I got engaged last week.", "relationship_status", "", False),
        ("Ida: married on the 18th, jaipur.", "relationship_status", "", False),
        ("Ida: Wedding is done, yaar! 24th August, in Chennai.", "relationship_status", "", False),
        ("Ida: Our wedding was on the 18th.", "relationship_status", "", False),
        # the one addressed is no partner, and does not hide the change
        ("Bea: Hi.\nIda: Bea, we got married!", "relationship_status", "", False),
        ("Bea: Hi.\nIda: Oh Bea, we broke up.", "relationship_status", "", True),
        # a pastime given up ends the liking for it
        ("Ida: I quit bridge end of last year.", "likes", "bridge", True),
        ("Ida: I've given up bowls entirely.", "likes", "bowls", True),
        ("Ida: I've packed in the golf.", "likes", "golf", True),
        ("Ida: I stopped going to yoga in May.", "likes", "yoga", True),
        ("Ida: I don't play tennis anymore.", "likes", "tennis", True),
    ],
)
def test_changes_told_without_their_usual_words(
    text: str, kind: str, target: str, ended: bool
) -> None:
    read = [(r, KINDS.classify(r.predicate)) for r in relations(text) if r.target == target]
    found = [r.retracted or match.retracted for r, match in read if (r.kind or match.kind) == kind]
    assert found == [ended]


@pytest.mark.parametrize(
    "text",
    [
        "Ida: He proposed a toast.",
        "Ida: We lost the match.",
        "Ida: I've been in a meeting since 9.",
        "Ida: Tom and I were dating back then.",  # past, and perhaps over: no new couple
        "Ida: Tom and I were married for a decade.",  # how long, not a wedding
        "Ida: Their wedding was lovely.",  # someone else's
        "Ida: We stayed at our place in Cornwall for the weekend.",  # a holiday home, perhaps
        "Ida: Just got back from the park with the kids.",
        "Ida: I'm not into football.",  # a taste, not a change
        "Ida: We settled the bill in Paris.",
        "Ida: We're moving in together in June.",  # not yet
        "Ida: I've got a partner, Acme Ltd, for the business.",
        "Ida: I'm married to my job these days.",
        "Ida: I stopped working at noon.",
        "Ida: I stopped by the shop.",
    ],
)
def test_the_same_words_about_something_else_state_no_change(text: str) -> None:
    assert not any(r.kind and r.source == "Ida" for r in relations(text))


@pytest.mark.parametrize(
    "text", ["Ida: I quit my job in May.", "Ida: I quit Acme.", "Ida: I stopped it there."]
)
def test_quitting_a_job_or_nothing_named_is_no_pastime_given_up(text: str) -> None:
    assert not any(r.kind == "likes" or r.predicate == "gave up" for r in relations(text))


def test_each_fact_of_a_sentence_takes_the_date_of_its_own_clause() -> None:
    reader = StatementReader(KINDS)
    text = "Shifted here end of May, joined Kaveri on the 1st of June, all in one week."
    ref = datetime(2022, 9, 5, tzinfo=UTC)
    joined = reader.read("joined", text, ref, target="kaveri")
    assert (day(joined.valid.at.timestamp()), joined.valid.phrase) == (
        "2022-06-01",
        "on the 1st of June",
    )
    # without its target the sentence's first date stands
    assert reader.read("joined", text, ref).valid.phrase == "end of May"


def test_a_later_clause_of_the_speakers_own_sentence_keeps_its_i() -> None:
    text = "Priya: Shifted here in May, joined Kaveri on the 1st of June, all in one week."
    assert ("Priya", "joined", "Kaveri") in triples(text)
    assert not any(r.source == "Ida" for r in relations("Ida: Anna, joined by Tom, came."))


KIND = "relationship_status"


def test_we_in_a_couple_is_the_last_person_the_turn_named() -> None:
    assert ("Ida", "got engaged", "Joel") in triples("Ida: I met someone, Joel. We got engaged!")
    inside = triples("Ida: I met Joel in Lyon and we've been together since May.")
    assert ("Ida", "together with", "Joel") in inside
    # a place is no partner: "we" with nobody named before leaves the partner open
    (married,) = [r for r in relations("Ida: I moved to Lyon and we got married.") if r.kind]
    assert (married.predicate, married.target, married.kind) == ("got married", "", KIND)


@pytest.mark.parametrize(
    ("text", "since"),
    [
        ("Ida: Joel and I have been married for twelve years.", "twelve years ago"),
        ("Ida: Joel and I went hiking; five years together this week.", "five years ago"),
        ("Ida: I met Joel in Lyon. We've been dating for 3 months.", "3 months ago"),
    ],
)
def test_how_long_a_couple_has_lasted_dates_its_start(text: str, since: str) -> None:
    joel = by_target(text)["Joel"]
    assert joel.valid_at == since
    assert KINDS.classify(joel.predicate).kind == "relationship_status"


@pytest.mark.parametrize(
    ("text", "partner"),
    [
        ("Ida: I moved in with Joel last month.", "Joel"),
        ("Ida: Joel moved in with me in April.", "Joel"),
        ("Ida: I took a flat in Lyon to live with Joel.", "Joel"),
        ("Ida: I live with my brother Joel.", None),  # a relative, named by a noun
        ("Ida: I live with Joel and Mia near the park.", None),  # a shared flat
    ],
)
def test_living_with_a_named_person_is_a_partner(text: str, partner: str | None) -> None:
    couples = {r.target for r in relations(text) if r.kind == "relationship_status"}
    assert couples == ({partner} if partner else set())
    # the generic reading of "moved in with" names no home
    assert not any(KINDS.classify(r.predicate).kind == "lives_in" for r in relations(text))


@pytest.mark.parametrize(
    "text",
    [
        "Ida: Joel and I called it quits in May.",
        "Ida: I ended things with Joel.",
        "Ida: Joel dumped me last week.",
        "Ida: We parted ways with Joel.",
    ],
)
def test_more_wordings_of_a_break_up(text: str) -> None:
    (ended,) = [r for r in relations(text) if r.retracted]
    assert (ended.target, ended.kind) == ("Joel", "relationship_status")


@pytest.mark.parametrize(
    ("text", "ended"),
    [
        ("Ida: My wife left me in May.", True),
        ("Ida: My boyfriend dumped me last week.", True),
        ("Ida: My partner left me for her boss.", True),
        ("Ida: My wife left me a note.", False),
        ("Ida: My boyfriend left me in charge of the dog.", False),
    ],
)
def test_a_partner_unnamed_ending_it_ends_whoever_it_was(text: str, ended: bool) -> None:
    ends = [r for r in relations(text) if r.retracted and r.kind == "relationship_status"]
    assert [r.target for r in ends] == ([""] if ended else [])


def test_a_divorce_by_a_partner_unnamed_leaves_the_speaker_divorced() -> None:
    found = [(r.predicate, r.target) for r in relations("Ida: My husband divorced me in 2020.")]
    assert ("is", "divorced") in found


@pytest.mark.parametrize(
    ("text", "employer"),
    [
        ("Ida: I'm leaving Google at the end of the month.", "Google"),
        ("Ida: Big news: I'm leaving St. Luke's.", "St. Luke"),
        ("Ida: I'm leaving London.", None),  # a place: a move, read elsewhere
        ("Ida: I'm leaving now.", None),
    ],
)
def test_an_employer_one_is_leaving_ends_the_job(text: str, employer: str | None) -> None:
    ends = {r.target for r in relations(text) if r.kind == "works_at" and r.retracted}
    assert ends == ({employer} if employer else set())


@pytest.mark.parametrize(
    ("text", "ended"),
    [
        ("Ida: I handed in my notice.", True),
        ("Ida: I've put in my resignation.", True),
        ("Ida: I gave my notice to the landlord.", False),  # a home's
    ],
)
def test_notice_handed_in_ends_whatever_job_it_was(text: str, ended: bool) -> None:
    ends = [r for r in relations(text) if r.kind == "works_at" and r.retracted and not r.target]
    assert bool(ends) is ended


@pytest.mark.parametrize(
    ("text", "employer"),
    [
        ("Ida: i got a job at target here btw, stocking", "target"),
        ("Ida: i started at pixelpit last week", "pixelpit"),
        ("Ida: i got a new job with best buy lol", "best buy"),
        ("Ida: i started at the gym last week", None),  # a thing, no name
        ("Ida: i started at leeds uni last week", None),  # studies
    ],
)
def test_chat_in_lower_case_names_its_employer_in_lower_case(
    text: str, employer: str | None
) -> None:
    found = {r.target for r in relations(text) if r.kind == "works_at"}
    assert found == ({employer} if employer else set())


def test_an_apprenticeship_or_internship_is_a_job_dated_by_its_start() -> None:
    text = (
        "Ida: I'm doing a carpentry apprenticeship with my uncle's outfit, Southern Frame "
        "Builders. Started Monday just gone."
    )
    (job,) = [r for r in relations(text) if r.kind == "works_at"]
    assert (job.target, job.valid_at) == ("Southern Frame Builders", "Monday just gone")
    assert [r.target for r in relations("Ida: I started an internship at Google.") if r.kind] == [
        "Google"
    ]


@pytest.mark.parametrize(
    ("text", "employer"),
    [
        ("Ida: Nope, my new employer is Deloitte.", "Deloitte"),
        (
            "Ida: I signed with a content agency out of Denver, Lumen Content, last month.",
            "Lumen Content",
        ),
        ("Ida: I joined a small startup, Brightwave, in May.", "Brightwave"),
        ("Ida: I started at a tiny bakery, Crumbs, last week.", "Crumbs"),  # the name, once
        ("Ida: I joined a book club, the Readers, in May.", None),  # no workplace
    ],
)
def test_an_employer_named_after_what_it_is(text: str, employer: str | None) -> None:
    found = {r.target for r in relations(text) if r.kind == "works_at"}
    assert found == ({employer} if employer else set())


def test_an_employer_said_shorter_is_no_change_of_employer(memory: GraphMemory) -> None:
    memory.remember(
        session("10:00 am on 8 September, 2020", "Alice: I signed with Lumen Content last month.")
    )
    memory.remember(session("10:00 am on 19 April, 2021", "Alice: Still at Lumen."))
    memory.remember(session("10:00 am on 1 May, 2021", "Alice: I moved to York."))
    memory.remember(session("10:00 am on 1 June, 2021", "Alice: I moved to New York."))
    jobs = memory.history("Alice", "works_at", dataset=DEFAULT_DATASET)
    assert {(v.target, v.invalid_at) for v in jobs} == {("Lumen Content", None), ("Lumen", None)}
    homes = {
        v.target: v.invalid_at for v in memory.history("Alice", "lives_in", dataset=DEFAULT_DATASET)
    }
    assert homes["York"] is not None and homes["New York"] is None  # another city


@pytest.mark.parametrize(
    ("text", "home"),
    [
        ("Ida: i moved to leeds last month", "Leeds"),
        ("Ida: im living in leeds now lol", "Leeds"),
        ("Ida: we moved to new york in may", "New York"),  # the longest name the gazetteer knows
        ("Ida: i moved to a new flat lol", None),
    ],
)
def test_chat_in_lower_case_names_its_home_in_lower_case(text: str, home: str | None) -> None:
    found = {r.target for r in relations(text) if KINDS.classify(r.predicate).kind == "lives_in"}
    assert found == ({home} if home else set())


@pytest.mark.parametrize(
    ("text", "school"),
    [
        ("Ida: I've started uni at Leeds.", "Leeds"),
        ("Ida: I got into UCL!", "UCL"),
        ("Ida: I've been accepted to Leeds Uni.", "Leeds Uni"),
        ("Ida: I transferred to Manchester Uni in May.", "Manchester Uni"),
        ("Ida: I got into Paris late.", None),  # arrived, no school
    ],
)
def test_a_school_started_or_got_into_is_studies(text: str, school: str | None) -> None:
    found = {r.target for r in relations(text) if KINDS.classify(r.predicate).kind == "studies_at"}
    found |= {r.target for r in relations(text) if r.kind == "studies_at"}
    assert found == ({school} if school else set())


def test_hired_with_the_employer_after_a_comma_is_a_job() -> None:
    text = "Ida: And guess what, I already got hired, St. Luke's BGC, I start on July 11."
    assert "St. Luke" in {r.target for r in relations(text) if r.kind == "works_at"}


def test_a_last_day_to_come_dates_the_end_of_a_job_one_is_leaving(memory: GraphMemory) -> None:
    memory.remember(session("10:00 am on 2 January, 2023", "Alice: I work at Acme now."))
    memory.remember(
        session(
            "2:20 pm on 18 March, 2023",
            "Alice: Big news: I'm leaving Acme. My last duty is on the 31st.",
        )
    )
    (acme,) = memory.history("Alice", "works_at", dataset=DEFAULT_DATASET)
    assert acme.invalid_at is not None and acme.invalid_at.date().isoformat() == "2023-03-31"


@pytest.mark.parametrize(
    "text", ["Ida: We adopted Luna in May.", "Ida: we rescued Luna from the pound last week."]
)
def test_a_pet_adopted_by_its_name_alone_is_a_pet(text: str) -> None:
    assert [(r.target, r.kind) for r in relations(text) if r.kind] == [("Luna", "has_pet")]


@pytest.mark.parametrize("text", ["Ida: Luna's our new cat.", "Ida: Luna is my new rescue dog."])
def test_a_pet_said_to_be_one_is_a_pet(text: str) -> None:
    assert [(r.target, r.kind) for r in relations(text) if r.kind] == [("Luna", "has_pet")]


def test_a_thing_given_away_with_the_particle_last_ends_owning_it() -> None:
    (piano,) = [r for r in relations("Ida: I gave my old piano away in June.") if r.target]
    assert (piano.target, KINDS.classify(piano.predicate)) == ("piano", KindMatch("owns", True))


@pytest.mark.parametrize(
    ("predicate", "kind"),
    [
        ("started dating", "relationship_status"),
        ("began working at", "works_at"),
        ("started at", "works_at"),  # the onset alone keeps its own reading
        ("moved in with", "lives_with"),
        ("lives with", "lives_with"),
    ],
)
def test_an_onset_verb_keeps_the_kind_of_what_began(predicate: str, kind: str) -> None:
    assert KINDS.classify(predicate).kind == kind


def test_a_planned_move_closes_the_old_home_when_it_happens(memory: GraphMemory) -> None:
    memory.remember(session("10:00 am on 15 January, 2023", "Alice: I live in Paris."))
    memory.remember(session("10:00 am on 10 June, 2023", "Alice: I'm moving to Oslo next month."))
    paris, oslo = alice_history(memory, "lives_in")
    assert (day(oslo.valid_at), oslo.valid_grain, oslo.valid_phrase) == (
        "2023-07-01",
        "month",
        "next month",
    )
    assert paris.invalid_at == oslo.valid_at and oslo.invalid_at is None


def test_a_couple_living_together_then_splitting_up(memory: GraphMemory) -> None:
    memory.remember(session("10:00 am on 15 January, 2023", "Alice: Joel moved in with me."))
    memory.remember(
        session("10:00 am on 10 June, 2023", "Alice: Joel and I split up. It happened on Sunday.")
    )
    (joel,) = alice_history(memory, "relationship_status")
    assert (day(joel.valid_at), day(joel.invalid_at)) == ("2023-01-15", "2023-06-04")


def test_a_one_word_sentence_after_another_is_a_sentence_of_its_own() -> None:
    # the period after a piece's only word once read as an abbreviation, gluing it to the next
    assert split_sentences("I got a dog. Biscuit. He is loud.") == [
        "I got a dog.",
        "Biscuit.",
        "He is loud.",
    ]
    assert split_sentences("We met Dr. Smith. Great.") == ["We met Dr. Smith.", "Great."]


def test_chat_typed_in_lower_case_splits_at_every_sentence_end() -> None:
    # a question at its end once made the whole turn a question, which states nothing
    text = "omg guess what. ethan asked me out yesterday. we're going out now?? i think??"
    assert split_sentences(text) == [
        "omg guess what.",
        "ethan asked me out yesterday.",
        "we're going out now??",
        "i think??",
    ]
    assert ("Mia", "dating", "Ethan") in triples(f"Mia: {text}")
    # cased text keeps "e.g. this" whole; so does chat, by its abbreviations
    assert split_sentences("We saw birds, e.g. this one.") == ["We saw birds, e.g. this one."]
    assert split_sentences("we saw birds, e.g. this one.") == ["we saw birds, e.g. this one."]


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("Ida: I met somebody new. Joel. We're dating!", "Joel"),
        ("Ida: I've been seeing a guy. Joel. He cooks.", "Joel"),
        ("Ida: I met someone. Wow.", None),  # an interjection names nobody
        ("Ida: I had a long day. Joel.", None),  # nobody was introduced
    ],
)
def test_a_name_alone_after_someone_introduced_is_that_person(text: str, named: str | None) -> None:
    people = names(text) - {"Ida"}
    assert people == ({named} if named else set())
    if "dating" in text:
        assert ("Ida", "dating", "Joel") in triples(text)


def test_an_open_fact_of_a_many_valued_kind_names_no_value(tmp_path: Path) -> None:
    from cognee_langchain.extraction.schema import ChunkExtraction
    from tests.unit.test_memory_support import CallbackExtractor

    def produce(texts: Sequence[str]) -> list[ChunkExtraction]:
        return [
            ChunkExtraction.model_validate(
                {
                    "entities": [{"name": "Alice", "type": "Person"}, {"name": "Sushi"}],
                    "relations": [
                        {"source": "Alice", "predicate": "likes", "target": "Sushi",
                         "description": text, "kind": "likes"}
                        if "sushi" in text
                        else {"source": "Alice", "predicate": "loves", "target": "",
                              "description": text, "kind": "likes"},
                    ],
                }
            )
            for text in texts
        ]  # fmt: skip

    with GraphMemory(tmp_path, extractor=CallbackExtractor(produce)) as memory:
        memory.remember(session("10:00 am on 15 January, 2023", "Alice: I like sushi."))
        memory.remember(session("10:00 am on 10 June, 2023", "Alice: I love it all."))
        # "the value that holds" of a many-valued kind is none: no second "likes Sushi"
        assert [r.predicate for r in alice_history(memory, "likes")] == ["likes"]
