"""More English wordings of change the offline extractor reads: couples told with "we" and a
partner named sentences before, a partner introduced as an answer to "who", pastimes kept up
since a time, work lost without naming the employer, things and pets got or gone in more words,
homes said so; and holiday names that name no one. Each case reads what it should, and a look-
alike that tells no change reads nothing of that kind."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cognee_langchain import RelationKinds
from cognee_langchain.extraction.offline import extract_chunk
from cognee_langchain.extraction.schema import ExtractedRelation
from cognee_langchain.services.fact_times import StatementReader

KINDS = RelationKinds()
REF = datetime(2023, 9, 12, 10, 0, tzinfo=UTC)


def of_kind(text: str, kind: str) -> list[ExtractedRelation]:
    """The relations of ``text`` that read as ``kind`` (a rule's own kind, else the
    predicate's), with their ends."""
    found = []
    for relation in extract_chunk(text).relations:
        reading = KINDS.classify(relation.predicate)
        if (relation.kind or reading.kind) == kind:
            found.append(relation)
    return found


def ended(relation: ExtractedRelation) -> bool:
    return relation.retracted or KINDS.classify(relation.predicate).retracted


# -- couples ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "partner"),
    [
        # the partner named sentences before "we", past a trade and a saint's church
        (
            "Dot: There's a gentleman at St. John's, Harlan Boyd. Widower, retired Coast Guard. "
            "We've been keeping company since October.",
            "Harlan Boyd",
        ),
        # a thing owned is nobody's partner: "her Referendariat"
        (
            "Jonas: Lena stays in Munich, she has her Referendariat. We try it with the distance. "
            "Since many years are we together.",
            "Lena",
        ),
        # a lone name answering "who"; a study named after the partner is no partner
        ("Poppy: His name's Kit, he's doing Classics, and we've been together since May.", "Kit"),
        (
            "Gary: And who is she?\nPhil: Carol. Widow, plays bridge. We've been seeing each "
            "other since the August bank holiday.",
            "Carol",
        ),
        # the pair named after "we"
        ("Ana: We started going out in January, Tom and me.", "Tom"),
        ("Ana: We made it official in May, me and Tom.", "Tom"),
        ("Ana: Tom and I got together last summer.", "Tom"),
        ("Ana: Tom and I have been going steady since Easter.", "Tom"),
        ("Ana: Tom and I have been an item since the spring.", "Tom"),
        ("Ana: Tom asked me to be his girlfriend last week.", "Tom"),
        ("Ana: I'm Tom's girlfriend now, since last Friday.", "Tom"),
        ("Jayden: ok real talk tho me n sam r official since sat", "Sam"),  # texting
        # a proposal told by its answer, and by a learner's verb
        ("Ben: I asked Priya on Primrose Hill at sunrise and she said yes!", "Priya"),
        ("Raj: also engaged?? asked anika on the 19th, she said yes", "Anika"),
        ("Wei Ling: Better! Kelvin propose on Christmas Eve!", "Kelvin"),
        ("Ana: Tom and I wed in May.", "Tom"),
        # a lone name opening the turn after the speaker's own "I've met someone."
        (
            "Phil: Gary, sit down. I've met someone.\nGary: Go on.\nPhil: Carol. Widow, plays "
            "bridge. We've been seeing each other since the August bank holiday.",
            "Carol",
        ),
        ("Ana: I'm seeing somebody, her name is Priya.", "Priya"),
        ("Ana: I got engaged to my girlfriend Priya last week.", "Priya"),
        # a learner's "somebody met", a partner introduced by what they are, the name said to be
        (
            "Jonas: I have somebody met. Fiona. She is in my club. We are together since October.",
            "Fiona",
        ),
        (
            "Thiago: I have a girlfriend. Is Chloe, from the office. We are together since May.",
            "Chloe",
        ),
    ],
)
def test_a_couple_begun_names_its_partner(text: str, partner: str) -> None:
    (couple,) = of_kind(text, "relationship_status")
    assert (couple.target, ended(couple)) == (partner, False)


def test_a_lone_word_opening_a_turn_names_no_one_after_no_introduction() -> None:
    text = "Phil: Gary, sit down. I've got news.\nGary: Go on.\nPhil: Spain. We've moved."
    assert not [e for e in extract_chunk(text).entities if e.name == "Spain" and e.type == "Person"]
    # nor is a partner named so: nobody was introduced
    told = "Phil: Gary, sit down. I've got news.\nGary: Go on.\nPhil: Carol. We're engaged."
    assert [r.target for r in of_kind(told, "relationship_status")] == [""]
    # after an introduction, a word that opens any sentence is still no name
    dating = of_kind("Ana: I met someone. Sure, it was fun. We are dating.", "relationship_status")
    assert [r.target for r in dating] == [""]


@pytest.mark.parametrize(
    "text",
    ["Ben: I asked Tom about the game and he said yes.", "Ana: I asked Tom to help, he said yes."],
)
def test_a_question_answered_yes_is_no_proposal(text: str) -> None:
    assert of_kind(text, "relationship_status") == []


@pytest.mark.parametrize(
    ("text", "partner"),
    [
        ("Tegan: Is that a RING?\nJacko: Ha, yep! Asked Bec on Rottnest.", "Bec"),
        ("Dot: It's a ring. Harlan asked me on Mother's Day.", "Harlan"),
        ("Dot: I lost a ring. Harlan asked me about it.", None),  # a question, no proposal
        ("Dot: Harlan asked me on Saturday.", None),  # no ring in sight
    ],
)
def test_an_asking_with_a_ring_in_sight_is_a_proposal(text: str, partner: str | None) -> None:
    engaged = [r.target for r in of_kind(text, "relationship_status")]
    assert engaged == ([partner] if partner else [])


@pytest.mark.parametrize("verb", ["Asked", "Met", "Thank", "Bring"])
def test_a_verb_opening_a_chat_sentence_leaves_the_name_after_it(verb: str) -> None:
    names = [e.name for e in extract_chunk(f"Ana: {verb} Tom at the pub.").entities]
    assert names == ["Ana", "Tom"]


@pytest.mark.parametrize(
    "text",
    [
        "Wei Ling: Very good! We ROM on 12 December, small small only.",
        "Huixin: Oh ya, we ROM-ed in March, at the Registry of Marriages.",
    ],
)
def test_singapores_rom_is_a_marriage(text: str) -> None:
    (married,) = of_kind(text, "relationship_status")
    assert (married.predicate, married.target) == ("married", "")


def test_an_unnamed_couple_ended_in_more_words() -> None:
    for text in ("Ana: We split in May.", "Ana: We've broken up."):
        (ended_couple,) = of_kind(text, "relationship_status")
        assert (ended_couple.target, ended(ended_couple)) == ("", True)


@pytest.mark.parametrize(
    "text",
    [
        "Ana: We split the bill in May.",
        "Ana: Tom left me in charge in May.",
        "Ana: Tom left me a note in May.",
    ],
)
def test_look_alikes_of_an_end_end_no_couple(text: str) -> None:
    assert [r for r in of_kind(text, "relationship_status") if ended(r)] == []


@pytest.mark.parametrize(
    "text",
    ["Ana: Tom and I are done with dinner.", "ana: my mom and i are done", "Ana: We're done."],
)
def test_done_with_something_else_ends_no_couple(text: str) -> None:
    assert [r for r in of_kind(text, "relationship_status") if ended(r) and r.target] == []


def test_a_holiday_names_no_partner() -> None:
    text = "Noor: To Idris. He proposed on New Year's Eve. Three years together and he asked."
    # "he proposed" names nobody: the write fills in whoever the speaker is with then
    targets = {r.target for r in of_kind(text, "relationship_status")}
    assert targets == {"Idris", ""}
    assert "Eve" not in {entity.name for entity in extract_chunk(text).entities}


@pytest.mark.parametrize(
    ("text", "since"),
    [
        ("Ana: Tom and I have been seeing each other for about three months now.", "three months"),
        ("Ana: We've been together two years this month, Tom and I.", "two years"),
    ],
)
def test_how_long_a_couple_lasted_dates_its_start(text: str, since: str) -> None:
    (couple,) = of_kind(text, "relationship_status")
    assert (couple.target, couple.valid_at) == ("Tom", f"{since} ago")


@pytest.mark.parametrize(
    ("text", "partner"),
    [
        ("Ana: Tom and I are no longer together, it ended in May.", "Tom"),
        ("Ana: Tom and I aren't together anymore.", "Tom"),
        ("Ana: And, uh, Maddie and I are done. It was mutual-ish.", "Maddie"),
        ("Ana: Tom broke up with me last week.", "Tom"),
        ("Ana: Tom and I ended things in May.", "Tom"),
        ("Ana: Tom dumped me in May.", "Tom"),
        ("Ana: Tom left me in May.", "Tom"),
        ("Dani: so me and jordan are done like properly done", "Jordan"),
    ],
)
def test_a_couple_ended_in_more_words(text: str, partner: str) -> None:
    speaker = text.split(":")[0]
    (end,) = [r for r in of_kind(text, "relationship_status") if r.source == speaker]
    assert (end.target, ended(end)) == (partner, True)


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        # the state after a divorce or a separation is the status from then; a partner named
        # is ended too, one unnamed is closed by the new status
        ("Ana: The divorce from Tom came through in March.", {("Tom", True), ("divorced", False)}),
        ("Ana: Tom and I are taking some time apart.", {("Tom", True), ("separated", False)}),
        ("Ana: Tom and I are getting a divorce.", {("Tom", True), ("divorced", False)}),
        ("Ana: I left my husband in May.", {("", True)}),
        ("Ana: I left my husband at home.", set()),  # somewhere, not for good
        ("Ana: We're taking some time apart.", {("separated", False)}),
        ("Ana: Tom and I are on a break.", {("Tom", True), ("separated", False)}),
        # the partner unnamed: divorced from then, as "I'm divorced now" says
        ("Ana: The divorce was finalised before Christmas.", {("divorced", False)}),
        ("Ana: Well, my news: the divorce came through on Monday.", {("divorced", False)}),
        ("Ana: Tom and I have separated.", {("Tom", True), ("separated", False)}),
        ("Ana: My husband and I divorced last year.", {("divorced", False)}),
        ("Ana: I'm divorced now.", {("divorced", False)}),
        ("Ana: We separated in May.", {("separated", False)}),
        ("Ana: Tom and I broke up.", {("Tom", True)}),  # no state the law names
    ],
)
def test_a_divorce_or_a_separation_is_a_status(text: str, reading: set[tuple[str, bool]]) -> None:
    assert {(r.target, ended(r)) for r in of_kind(text, "relationship_status")} == reading


@pytest.mark.parametrize(
    "text",
    [
        "Ana: My husband and I went to Rome.",
        "Ana: Their divorce was messy.",
        "Ana: My parents' divorce was finalised before Christmas.",  # someone else's
        "Ana: We're on a break, back in ten.",  # from work as often
        "Ana: Mum asked me to be her witness.",
    ],
)
def test_look_alikes_of_a_couple_change_read_none(text: str) -> None:
    assert of_kind(text, "relationship_status") == []


@pytest.mark.parametrize(
    "text", ["Ana: I've been single since March.", "Ana: I'm newly single.", "Ana: Single again."]
)
def test_single_again_is_a_status(text: str) -> None:
    (status,) = of_kind(text, "relationship_status")
    assert status.target == "single"


# -- pastimes --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "activity"),
    [
        ("Earlene: Been quiltin' with the ladies at First Methodist since December.", "quilting"),
        ("Ana: I've been running every morning since March.", "running"),
        ("Ana: I've been doing pottery since the spring.", "pottery"),
        ("Ana: I've been learning the guitar since September.", "guitar"),
        ("Ana: I've been going to yoga classes since January.", "yoga"),
        ("Ana: Since May I've been swimming every morning.", "swimming"),
        ("Ana: I started rock climbing last month.", "rock climbing"),
        ("Ana: I fell in love with surfing last summer.", "surfing"),
        ("Ana: Running is my thing now, started in April.", "running"),
        ("Ana: These days I'm all about cycling.", "cycling"),
    ],
)
def test_a_pastime_taken_up_or_kept_up(text: str, activity: str) -> None:
    (liking,) = of_kind(text, "likes")
    assert (liking.target, ended(liking)) == (activity, False)


@pytest.mark.parametrize(
    "text",
    [
        "Ana: I've been running the shop since May.",  # an object: work, no pastime
        "Ana: I've been living in Leeds since May.",
        "Ana: I have been working since nine.",
        "Ana: I've been waiting since noon.",
        "Ana: I started the washing up.",
        "Ana: I've been doing my homework since noon.",
        "Ana: I hung up my coat.",
    ],
)
def test_look_alikes_of_a_pastime_read_none(text: str) -> None:
    assert of_kind(text, "likes") == []


@pytest.mark.parametrize(
    ("text", "activity"),
    [
        ("Wade: Hung up my rope after New Year's.", "roping"),
        ("Ana: I've hung up my tennis racket.", "tennis"),
        ("Ana: I hung up the ringette skates in February.", "ringette"),
    ],
)
def test_a_sport_given_up_by_its_gear(text: str, activity: str) -> None:
    assert [(r.target, ended(r)) for r in of_kind(text, "likes")] == [(activity, True)]


# -- work ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "Ana: I've been team lead since May.",
        "Ana: I stepped up to team lead in May.",
        "Ana: I took over as team lead in May.",
    ],
)
def test_a_title_taken_in_more_words(text: str) -> None:
    assert [r.target for r in of_kind(text, "job_title")] == ["team lead"]


def test_been_somewhere_or_something_else_is_no_title() -> None:
    for text in ("Ana: I've been busy since May.", "Ana: I've been to the manager about it."):
        assert of_kind(text, "job_title") == []


@pytest.mark.parametrize(
    ("text", "employer"),
    [
        ("Ana: I was made redundant from Acme in April.", "Acme"),
        ("Ana: I took voluntary redundancy from Acme in May.", "Acme"),
        ("Ana: I joined Acme in 2019. Acme laid me off two weeks ago.", "Acme"),
        ("Ana: I joined Acme in 2019. Acme let me go in April.", "Acme"),
        ("Ana: I got laid off in May.", ""),
        ("Ana: I've been unemployed since April.", ""),
        ("Ana: I took voluntary redundancy in May.", ""),
    ],
)
def test_work_lost(text: str, employer: str) -> None:
    ends = [r for r in of_kind(text, "works_at") if ended(r)]
    assert [r.target for r in ends] == [employer]


@pytest.mark.parametrize(
    "text",
    ["Ana: Mum let me go to the party.", "Ana: I was out of work for a year, long ago."],
)
def test_look_alikes_of_work_lost_end_nothing(text: str) -> None:
    assert [r for r in of_kind(text, "works_at") if ended(r)] == []


def test_joining_in_the_breath_a_job_ends_is_a_job() -> None:
    text = "Priya: My last day at Zentrix was 31st May and I joined Kaveri on the 1st of June."
    assert {(r.target, ended(r)) for r in of_kind(text, "works_at")} == {
        ("Zentrix", True),
        ("Kaveri", False),
    }
    club = "Tom: I joined the Harriers last week, first day was brutal."
    assert of_kind(club, "works_at") == []


def test_a_past_tense_held_since_a_time_still_holds() -> None:
    # "I've worked at Acme since 2019" is read as "worked at": the present perfect, not a past job
    statement = StatementReader(KINDS).read("worked at", "I've worked at Acme since 2019.", REF)
    assert (statement.kind, statement.end) == ("works_at", None)
    past = StatementReader(KINDS).read("worked at", "I worked at Acme.", REF)
    assert past.end is not None


# -- things, pets, homes ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "thing", "gone"),
    [
        ("Ana: I finally got a Tesla on Saturday.", "Tesla", False),
        ("Ana: I picked up a used Tesla in May.", "Tesla", False),
        ("Ana: I leased a Tesla in January.", "Tesla", False),
        ("Ana: I've had my Tesla since March.", "Tesla", False),
        ("Ana: I've been driving a Tesla since April.", "Tesla", False),
        ("Ana: My new Tesla arrived last week.", "Tesla", False),
        ("Ana: The Camry is gone, sold it in March.", "Camry", True),
        ("Ana: I scrapped the Golf in March.", "Golf", True),
    ],
)
def test_a_thing_got_or_gone(text: str, thing: str, gone: bool) -> None:
    owned = [r for r in of_kind(text, "owns") if r.target == thing]
    assert [ended(r) for r in owned] == [gone]


@pytest.mark.parametrize(
    "text",
    [
        "Mika: i got a ferret. cute.",  # lower case, a word not said to be a name
        "Joy: I got a cat! It was a gift from Tom, two weeks ago. Tom is lovely.",
    ],
)
def test_no_name_for_a_pet_unless_said_so(text: str) -> None:
    assert of_kind(text, "has_pet") == []


@pytest.mark.parametrize(
    "text",
    ["Ana: I got Tom a present.", "Ana: The Camry is gone to the garage.", "Ana: Dad is gone."],
)
def test_look_alikes_of_a_thing_got_or_gone_read_none(text: str) -> None:
    assert of_kind(text, "owns") == []


@pytest.mark.parametrize(
    ("text", "pet"),
    [
        ("Ana: We brought home a puppy on Saturday, Rufus.", "Rufus"),
        ("Ana: We took in a stray cat last week, we call her Luna.", "Luna"),
        ("Ana: I fostered a dog in April, his name is Rufus.", "Rufus"),
        ("Dani: so we got a kitten um her name's Pixie and she's tiny", "Pixie"),
        ("Ana: I got a kitten in May and called her Luna.", "Luna"),
        ("Ana: We have a new cat, Luna, since May.", "Luna"),
        # in chat typed in lower case, a name said to be one
        ("Dani: so we got a kitten um her name's pixie and she's tiny", "Pixie"),
        ("Mika: ok my news is better. i got a ferret. his name is noodle.", "Noodle"),
        # a name said to be one, a sentence further on
        (
            "Joy: I got a cat! Ampon from a colleague who moved to London, two weeks ago. Her "
            "name is Mochi.",
            "Mochi",
        ),
    ],
)
def test_a_pet_got_in_more_words(text: str, pet: str) -> None:
    assert [r.target for r in of_kind(text, "has_pet")] == [pet]


@pytest.mark.parametrize(
    "text",
    [
        "Ana: We finally got the keys to our house in Leeds on Friday.",
        "Ana: Leeds has been home since March.",
        "Ana: We made the move to Leeds in February.",
        "Ana: I made the move to Leeds in February.",
    ],
)
def test_a_home_in_more_words(text: str) -> None:
    assert [r.target for r in of_kind(text, "lives_in")] == ["Leeds"]


def test_a_sentence_opening_word_is_no_part_of_a_name() -> None:
    names = {entity.name for entity in extract_chunk("Priya: Same Kaveri, more headache.").entities}
    assert "Same Kaveri" not in names


@pytest.mark.parametrize(
    ("text", "employer"),
    [
        ("Declan: I finished up at the Credit Union on Friday.", "Credit Union"),
        ("Doug: Well, sis, the dealership laid me off Friday.", ""),
        ("Ana: They fired me last week.", ""),
        ("Thandi: I resigned, end of June. Started at Indigo Bank on the 10th.", ""),
    ],
)
def test_a_job_ended_in_more_words(text: str, employer: str) -> None:
    ends = [r for r in of_kind(text, "works_at") if ended(r)]
    assert [r.target for r in ends] == [employer]


@pytest.mark.parametrize(
    "text",
    ["Ana: I finished at five today.", "Ana: I resigned from the committee as treasurer."],
)
def test_look_alikes_of_a_job_ended_end_no_job(text: str) -> None:
    assert [r for r in of_kind(text, "works_at") if ended(r) and not r.target] == []


def test_finishing_at_a_school_is_studies() -> None:
    (studies,) = of_kind("Ana: I finished at Leeds University in May.", "studies_at")
    assert (studies.target, ended(studies)) == ("Leeds University", True)
    (left,) = of_kind("Tegan: I pulled out of uni a fortnight ago.", "studies_at")
    assert ended(left)


@pytest.mark.parametrize(
    ("text", "thing"),
    [
        ("Pieter: Somebody stole the bakkie last Thursday.", "bakkie"),
        ("Jacko: You won't believe it, some mongrel nicked the tinnie.", "tinnie"),
        ("Ana: Someone stole my Vespa on Sunday.", "Vespa"),
    ],
)
def test_a_thing_stolen_is_gone(text: str, thing: str) -> None:
    assert [(r.target, ended(r)) for r in of_kind(text, "owns")] == [(thing, True)]


def test_a_month_in_a_speaker_label_of_two_words_is_a_name() -> None:
    (sold,) = of_kind("Jun Hao: I sold my Vespa on Sunday.", "owns")
    assert (sold.source, sold.target) == ("Jun Hao", "Vespa")
    # alone, a month before a colon is a heading, not a speaker
    assert of_kind("May: I sold my Vespa on Sunday.", "owns") == []


@pytest.mark.parametrize(
    ("text", "target", "phrase"),
    [
        # a later sentence of the turn dates the change: a last day said without "my", a start
        # on "the <weekday> ..."
        (
            "Owen: I've left Brightwave. Last day was Good Friday, they gave me a cake.",
            "Brightwave",
            "Good Friday",
        ),
        (
            "Morag: I'm at Byres Road Dental now. Started the Monday after New Year and I love it.",
            "Byres Road Dental",
            "the Monday after New Year",
        ),
        # a name described after a comma names the pet just got
        (
            "Owen: We got a cat! Tofu, a little black and white rescue. Picked her up the "
            "Saturday before Easter.",
            "Tofu",
            "the Saturday before Easter",
        ),
    ],
)
def test_a_later_sentence_dates_the_change(text: str, target: str, phrase: str) -> None:
    (told,) = [r for r in extract_chunk(text).relations if r.target == target]
    assert told.valid_at == phrase


@pytest.mark.parametrize(
    ("text", "target", "phrase"),
    [
        # a date told apart, in the sentence before or after, in words no re-telling foresees
        (
            "Priya: Haan, the letter came on the 2nd itself. Senior Software Engineer to Team "
            "Lead, finally.",
            "Team Lead",
            "on the 2nd",
        ),
        ("Ida: I moved to Lyon. The removal van came on the 3rd.", "Lyon", "on the 3rd"),
        ("Ida: The removal van came on the 3rd. I moved to Lyon!", "Lyon", "on the 3rd"),
        ("Ida: I moved to Lyon. Wow. The van came on the 3rd.", "Lyon", "on the 3rd"),  # an aside
        (
            "Ida: Lena and I have separated. In May was it, at Pfingsten, she came to visit.",
            "Lena",
            "In May, Pfingsten",
        ),
        # not by a sentence that dates its own change, or a date to come, or another turn's
        ("Ida: I moved to Lyon. I sold my Golf in May.", "Lyon", None),
        ("Ida: I moved to Lyon. The party is next Saturday.", "Lyon", None),
        ("Ida: I moved to Lyon.\nBo: I was there in May.", "Lyon", None),
        # nor past a sentence of its own, nor by a date that is what a sentence describes
        ("Ida: I moved to Lyon. It is lovely. The van came on the 3rd.", "Lyon", None),
        ("Ida: I moved to Lyon. Last week was busy.", "Lyon", None),
    ],
)
def test_a_change_is_dated_by_a_date_told_beside_it(
    text: str, target: str, phrase: str | None
) -> None:
    speaker = text.split(":")[0]
    relations = extract_chunk(text).relations
    (told,) = [r for r in relations if (r.source, r.target) == (speaker, target)]
    assert told.valid_at == phrase


def test_the_first_re_telling_of_a_sentence_dates_the_change() -> None:
    # the move re-told first, not the start told past it with a date of its own
    text = (
        "Declan: I live in Phibsborough now. I moved up on the 11th of January, started in "
        "Hibernia the Monday after."
    )
    (home,) = [r for r in extract_chunk(text).relations if r.target == "Phibsborough"]
    assert home.valid_at is not None and home.valid_at.startswith("on the 11th of January")
    statement = StatementReader(KINDS).read(
        home.predicate, home.description, REF, valid_at=home.valid_at
    )
    assert statement.valid.at == datetime(2023, 1, 11, tzinfo=UTC)


def test_a_last_week_said_without_a_date_dates_nothing() -> None:
    text = "Ana: I've left Acme. Last week was busy."
    (left,) = [r for r in extract_chunk(text).relations if r.target == "Acme"]
    assert left.valid_at is None


@pytest.mark.parametrize(
    ("text", "partner", "phrase"),
    [
        # an engagement told without its partner, who the sentence beside it names
        (
            "Siobhan: I'm engaged! Cathal asked me on Saturday, on the prom.",
            "Cathal",
            "on Saturday",
        ),
        # its own date, read from its own sentence when it is written
        ("Ben: I got engaged on Saturday! I asked Priya on Primrose Hill.", "Priya", None),
    ],
)
def test_an_unnamed_partner_is_the_one_who_proposed_beside_it(
    text: str, partner: str, phrase: str | None
) -> None:
    (couple,) = of_kind(text, "relationship_status")
    assert (couple.target, couple.valid_at) == (partner, phrase)


@pytest.mark.parametrize(
    "text",
    [
        "Ana: I'm married now. Dave came to the wedding.",  # a guest, not the partner
        "Ana: We got engaged! Tom asked me out for dinner first.",
    ],
)
def test_a_name_beside_an_unnamed_couple_that_did_not_propose_is_no_partner(text: str) -> None:
    (couple,) = of_kind(text, "relationship_status")
    assert couple.target == ""


@pytest.mark.parametrize(
    ("text", "school"),
    [
        ("Ana: I dropped out of Keele in March.", "Keele"),
        ("Ana: I quit my course at Keele in February.", "Keele"),
        ("Ana: I left the degree at Keele after a year.", "Keele"),
    ],
)
def test_studies_left_name_the_school(text: str, school: str) -> None:
    assert [(r.target, ended(r)) for r in of_kind(text, "studies_at")] == [(school, True)]


def test_studies_begun_with_an_article() -> None:
    (studies,) = of_kind("Ana: I'm doing an MBA at Warwick, started last month.", "studies_at")
    assert (studies.target, ended(studies)) == ("Warwick", False)


@pytest.mark.parametrize(
    "text",
    [
        "Ana: I quit my course in May.",
        "Ana: I finished uni in May.",
        "Ana: My last exam was in May, so I'm done with uni.",
        "Ana: I handed in my dissertation in May, and that's uni done.",
    ],
)
def test_studies_left_without_naming_the_school(text: str) -> None:
    assert [(r.target, ended(r)) for r in of_kind(text, "studies_at")] == [("", True)]


def test_a_course_of_something_else_ends_no_studies() -> None:
    assert of_kind("Ana: I left the course of antibiotics in May.", "studies_at") == []


@pytest.mark.parametrize(
    ("text", "school"),
    [
        ("Callum: I'm fine, second year at Newcastle Uni is hard going.", "Newcastle Uni"),
        ("Tegan: Started nursing at QUT a week ago yesterday.", "QUT"),
        ("Karthik: I have joined the weekend MBA at Symbiosis.", "Symbiosis"),
        ("Emily: I started the Goethe-Institut evening course last week.", "Goethe-Institut"),
        ("Ana: I joined the Open University in May.", "Open University"),
    ],
)
def test_studies_begun_at_a_school_named_so(text: str, school: str) -> None:
    assert [(r.target, ended(r)) for r in of_kind(text, "studies_at")] == [(school, False)]


@pytest.mark.parametrize(
    "text",
    [
        "Ana: I started nursing at the Royal Infirmary last week.",  # a job, as likely
        "Ana: I joined the Rotary Club in May.",
        "Ana: I started the Couch to 5K programme.",
    ],
)
def test_starting_elsewhere_is_no_studies(text: str) -> None:
    assert of_kind(text, "studies_at") == []


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Ana: We visited Rome last summer.", "Rome"),
        ("Ana: We spent two weeks in Crete in June.", "Crete"),
        ("Ana: I was in Lisbon for a week in April.", "Lisbon"),
        ("Ana: We flew out to Tokyo in March.", "Tokyo"),
    ],
)
def test_a_trip_told_with_we_or_by_its_length(text: str, place: str) -> None:
    assert [r.target for r in of_kind(text, "visited")] == [place]


@pytest.mark.parametrize(
    "text", ["Ana: I was in Leeds for a meeting.", "Ana: We spent two weeks on the sofa."]
)
def test_look_alikes_of_a_trip_read_none(text: str) -> None:
    assert of_kind(text, "visited") == []


@pytest.mark.parametrize(
    "text",
    [
        "Ana: We live in Leeds now.",
        "Ana: I'm back in Leeds for good.",
        "Ana: I'm now based out of Leeds.",
        "Ana: The move to Leeds went fine.",
        "Ana: We've made Leeds our home.",
        "Ana: I'm a Leeds resident now.",
        "Ana: I've been in Leeds a month now.",
        "Ana: I moved house last month. I'm in Leeds now.",
    ],
)
def test_a_home_told_without_a_verb_of_moving(text: str) -> None:
    assert [r.target for r in of_kind(text, "lives_in")] == ["Leeds"]


def test_a_weekend_back_is_no_home() -> None:
    assert of_kind("Ana: I'm back in Leeds for the weekend.", "lives_in") == []
    # a move that names its place is read once, by its verb
    assert len(of_kind("Ana: I moved house to Leeds last month.", "lives_in")) == 1


@pytest.mark.parametrize(
    ("text", "thing"),
    [("Ana: I love pottery these days.", "pottery"), ("Ana: I prefer tea now.", "tea")],
)
def test_a_time_after_the_object_is_no_part_of_it(text: str, thing: str) -> None:
    assert [r.target for r in of_kind(text, "likes")] == [thing]


@pytest.mark.parametrize(
    "text",
    [
        "Ana: I quit my job in March.",
        "Ana: I left my job in March.",
        "Ana: I packed in my job in March.",
        "Ana: I retired in March.",
        "Ana: I don't work there anymore.",
        "Ana: My contract ended in March.",
    ],
)
def test_a_job_left_unnamed_ends_whichever_job_held(text: str) -> None:
    ends = [r for r in of_kind(text, "works_at") if ended(r)]
    assert [r.target for r in ends] == [""]


@pytest.mark.parametrize(
    "text",
    [
        "Ana: Rufus crossed the rainbow bridge in March.",
        "Ana: Rufus ran away in March.",
        "Ana: Rufus was put to sleep in March.",
        "Ana: Rufus went missing in March.",
        "Ana: Rufus escaped from the garden in March.",
        "Ana: We lost our dog Rufus in March.",
    ],
)
def test_a_pet_gone_named_first_in_the_sentence(text: str) -> None:
    assert [(r.target, ended(r)) for r in of_kind(text, "has_pet")] == [("Rufus", True)]


@pytest.mark.parametrize(
    "text",
    [
        "Ana: I traded the Golf in for a Tesla in March.",
        "Ana: I part-exchanged the Golf in March.",
        "Ana: I crashed the Golf in March, it's a write-off.",
        "Ana: A lad from Leeds bought the Golf off me in March.",
        "Ana: I don't have the Golf anymore.",
        "Ana: I no longer have the Golf.",
        # named by a pronoun: the thing the other speaker's question named
        "Bo: Are you still taking the kids out in the Golf?\nAna: Nope. Sold her in October.",
        "Bo: How's the Golf?\nAna: I crashed it on the A6. Insurance says it's a write-off.",
        "Bo: And your car? The Golf was surely too small.\nAna: Quite so. I gave it to my niece.",
    ],
)
def test_a_named_thing_let_go(text: str) -> None:
    golf = [r for r in of_kind(text, "owns") if (r.source, r.target) == ("Ana", "Golf")]
    assert [ended(r) for r in golf] == [True]


def test_a_thing_got_then_let_go_by_a_pronoun_ends() -> None:
    text = "Ana: I bought a Golf last year. I sold it in May."
    golf = [r for r in of_kind(text, "owns") if (r.source, r.target) == ("Ana", "Golf")]
    assert sorted(ended(r) for r in golf) == [False, True]


@pytest.mark.parametrize(
    "text",
    [
        "Ana: I crashed the Golf in March but it's fine.",  # a crash alone ends nothing
        "Ana: I don't have any patience anymore.",
        "Bo: How's the Golf?\nAna: I crashed it yesterday. Only a dent.",
        "Bo: How is Tom?\nAna: I sold him my car.",  # a person asked about
        "Ana: Tom needed a lift. I gave him a lift.",
    ],
)
def test_look_alikes_of_a_thing_let_go_end_nothing(text: str) -> None:
    assert [r for r in of_kind(text, "owns") if ended(r)] == []


@pytest.mark.parametrize(
    "text",
    [
        "Ana: I've started seeing someone, Tom, since May.",
        "Ana: I have a boyfriend now! Tom. We met in May.",
        "Ana: Tom's my boyfriend, since May.",
        "Ana: Tom and I became a couple in May.",
        "Ana: Tom and I started a relationship in May.",
    ],
)
def test_a_couple_begun_in_still_more_words(text: str) -> None:
    assert [(r.target, ended(r)) for r in of_kind(text, "relationship_status")] == [("Tom", False)]


def test_a_fact_takes_the_date_nearest_it_in_its_clause() -> None:
    statement = StatementReader(KINDS).read(
        "moved to",
        "After the wedding in May we moved to Leeds in August.",
        REF,
        target="Leeds",
    )
    assert statement.valid.phrase == "in August"


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        (
            "Callum: Me and Eilidh are finished. We called it a day the Friday before last.",
            ("Eilidh", True, "Friday before last"),
        ),
        ("Jess: Dumped Craig. Weds.", ("Craig", True, "Weds.")),
    ],
)
def test_a_break_up_dated_by_the_next_sentence(text: str, reading: tuple[str, bool, str]) -> None:
    named = [r for r in of_kind(text, "relationship_status") if r.target]
    assert [(r.target, ended(r), r.valid_at) for r in named] == [reading]


def test_where_or_when_a_couple_married_is_no_partner() -> None:
    # "got married in Rome": Rome is where, never whom
    text = "Ana: Tom and I got married in Rome last June."
    assert [r.target for r in of_kind(text, "relationship_status")] == ["Tom"]
    assert KINDS.classify("got married in").kind is None
    assert KINDS.classify("married to").kind == "relationship_status"
    (engaged,) = of_kind(
        "Tomasz: Marta and I became engaged in Krakow on Easter Monday.", "relationship_status"
    )
    assert engaged.target == "Marta"
