"""Entities and relations from plain text without any model: regular expressions and word lists.

The heuristics, per chunk:

* **Sentences** are split at ``.!?`` (not after abbreviations or initials) and at line breaks.
  Chat transcripts are understood: role labels (``Q:``, ``A:``, ``User:``, ``Assistant:``) are
  dropped, and a named speaker (``Alice: I moved to Paris``) becomes one person entity that
  ``I``/``me``/``my``, their name, its first word and a nickname it starts with ("Mel" for
  Melanie) refer to. Turn ids (``[D1:3]``), header lines and labels (``Session 2 (...)``,
  ``Date: ...``) name nothing. A speaker addressed by name ("Thanks, Mel!") is named but
  takes part in no relation.
* **Entities** are runs of capitalised words ("Acme Corp", "New York", "Bank of America"),
  mixed-case tokens ("iPhone") and acronyms. Capitalised function words ("The", "After", "We",
  "Finally") are never names; a sentence's first word is only taken when the chunk does not also
  use it in lower case. Honorifics and roles are dropped ("Dr. Jane Smith" -> "Jane Smith"), a
  possessive ``'s`` is stripped, and a single word naming a longer entity of the same chunk is
  merged into it ("Acme" -> "Acme Corp").
* **Relations**: the words between two consecutive entities of a sentence are the predicate
  ("Alice leads Acme" -> Alice -leads-> Acme); passives are turned around ("Acme was founded by
  Bob" -> Bob -founded-> Acme); an appositive or relative clause keeps its verb ("Alice, who
  joined in 2019, leads Acme" -> Alice -leads-> Acme); lists share the verb ("Alice and Bob
  founded Acme" -> both founded Acme); a leading he/she/it/they means the previous subject.
  After the last entity, a short verb + noun phrase gives a concept ("Acme builds rockets" ->
  Acme -builds-> rockets). Entities without such a link in one sentence get a ``related_to``
  co-occurrence edge. Each relation's description is its sentence, so numbers and dates
  ("in 2019") stay in the facts. A question states no fact: "Is Acme in Berlin?" names its
  entities and relates none.
* **Changes** a speaker states ("I'm now a product manager at Zalando", "we broke up", "I don't
  like sushi anymore", "we relocated to Lisbon") become relations with a kind or a retraction
  (``_changes``); every relation's kind and dates are resolved when the write is built.
* **Dates from a later sentence**: facts a sentence states without a date take the date of the
  next sentence of the same turn when it tells when that happened ("I'm seeing Leah. We met in
  May.", "I moved to Lyon. That was in 2021.", "I'm seeing Dolores. Since June."), or of the one
  after it when that tells the same kind of event again ("I'm in Calgary. Like, living here.
  Moved out in February."; ``_follow_up``), or of the speaker's answer to the other speaker
  asking when ("Sold the Sea Ray." - "When?" - "Last Saturday.").
* **A pet, a partner or a vehicle named in the next sentence**: "We adopted a beagle last
  Saturday. His name is Waffles.", "I'm seeing someone. Callum.", "Bought a motorbike. A Triumph
  Bonneville." -> the speaker's pet Waffles, partner Callum, motorbike (``_follow_up``).
* **Moving in** right after a sentence naming a place is moving there: "I bought a house in
  Stockport. I moved in last week." -> lives in Stockport since last week (``_follow_up``).
* **Someone introduced, then named**: "I met someone. Marta." -> Marta is a person, and the
  partner of a following "we" ("We've been together since May").
* **Exclamations** opening a sentence ("Big news, ...", "Awesome!") are no names unless the
  chunk capitalises the word elsewhere.
* **Titles**: a quoted title is one name of type ``Work`` ("Harry Potter and the Philosopher's
  Stone", 'Embracing Identity').
* **Types**: speakers and names after an honorific, a kinship or role noun ("my sister Carol")
  or addressed ("Hey Mel!") are people; other cues give places, organisations and products.
* **Summary**: the chunk's lead sentence.

The rules live in private modules next to this one: ``_sentences`` (splitting, speakers),
``_mentions`` (names and their types), ``_relations`` (predicates between names), ``_changes``
(changes a speaker states, with ``_couples``, ``_pets`` and ``_implied``), ``_follow_up`` (what a
later sentence adds),
``_chunk_graph`` (the per-chunk tally) and ``_lexicon`` (the word lists).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence

from cognee_langchain.extraction import _lexicon as lex
from cognee_langchain.extraction._changes import state_changes
from cognee_langchain.extraction._chunk_graph import CO_OCCURRENCE, ChunkGraph, FactTime
from cognee_langchain.extraction._follow_up import (
    home_after_move,
    moves_in,
    named_later,
)
from cognee_langchain.extraction._mentions import (
    LOWER_WORD,
    Mention,
    Speakers,
    inner_words,
    resolve_pronouns,
    sentence_mentions,
    type_hint,
)
from cognee_langchain.extraction._partners import may_be_partners, name_open_partners
from cognee_langchain.extraction._possessions import thing_let_go_by_pronoun
from cognee_langchain.extraction._proposals import ring_proposals
from cognee_langchain.extraction._relations import relate_sentence
from cognee_langchain.extraction._sentences import (
    Sentence,
    chunk_sentences,
    clip,
    line_speaker,
    opens_with_pronoun,
    split_sentences,
)
from cognee_langchain.extraction._subjects import is_place, studies_not_jobs
from cognee_langchain.extraction._third_person import (
    as_answered,
    as_confirmed,
    as_first_person,
)
from cognee_langchain.extraction._turn_dates import (
    asked_of,
    date_answered,
    date_facts,
    date_from_neighbours,
    default_kind,
)
from cognee_langchain.extraction.base import GraphExtractor, check_texts
from cognee_langchain.extraction.kinds import open_status
from cognee_langchain.extraction.schema import ChunkExtraction

__all__ = ["CO_OCCURRENCE", "OfflineGraphExtractor", "extract_chunk", "lead_sentence"]

_MAX_DESCRIPTION = 300
_MAX_SUMMARY = 300
# How long a sentence between a pet, partner or vehicle and its name may be ("Lab mix.").
_ASIDE_WORDS = 4
_PERSON = "Person"
# A sentence that ends by introducing somebody, and a sentence of one word.
_INTRODUCES = re.compile(
    r"\b(?:some(?:one|body)|an?\s+(?:guy|girl|man|woman|boy|friend))(?:\s+new)?"
    # a learner's "I have somebody met"; "I have a girlfriend."
    r"(?:\s+met)?\W*$|\ban?\s+(?:new\s+)?(?:boyfriend|girlfriend|partner|fianc[eé]e?)\W*$",
    re.I,
)
_ASKS_WHO = re.compile(r"\b(?:[Ww]ho|name)\b[^.!?]*\?\s*$")
# An exclamation of a few words: "Associate director!", "Berlin!".
_ECHO = re.compile(r"\W*(?P<words>\w[\w'’ -]{0,40}?)\s*!+\s*")
# "Marta.", "Is Chloe, from the office", "It's Carol!": the name alone, or said to be it, or
# with what follows a comma.
_LONE_WORD = re.compile(
    r"\s*(?:(?i:it['’]s|it\s+is|is|this\s+is)\s+)?(?P<word>[^\W\d_a-z][\w'’-]+)"
    r"(?:[.!]?\s*$|,\s)"
)


class OfflineGraphExtractor(GraphExtractor):
    """Rule-based extractor: no model, no download, over a thousand chunks per second.

    Used by default when no chat model is configured. Precision is modest, but the graph it
    builds links each named thing to the chunks and facts that mention it, which is what lets
    retrieval hop from one chunk to another (see the module docstring for the heuristics).
    """

    def extract(self, texts: Sequence[str]) -> list[ChunkExtraction]:
        """Extract every chunk of ``texts`` (pure CPU; no event loop involved)."""
        return [extract_chunk(text) for text in check_texts(texts)]

    async def aextract(self, texts: Sequence[str]) -> list[ChunkExtraction]:
        """Async twin of :meth:`extract`, run in a worker thread to keep the loop responsive."""
        texts = check_texts(texts)
        return await asyncio.to_thread(self.extract, texts)


def extract_chunk(text: str, *, nested: bool = False) -> ChunkExtraction:
    """Extract entities, relations and a summary from one chunk of text (``nested``: a
    sentence turned into someone's first person, read once more; nothing is turned again)."""
    sentences = chunk_sentences(text)
    if not sentences:
        return ChunkExtraction()
    lower_words = set(LOWER_WORD.findall(text))
    # Capitalised words seen away from a sentence start are names wherever they appear.
    inner: set[str] = set()
    for sentence in sentences:
        for offset, run in sentence.runs:
            inner.update(inner_words(run, offset == sentence.lead))

    speakers = Speakers({sentence.speaker for sentence in sentences if sentence.speaker})

    graph = ChunkGraph()
    last_subject: Mention | None = None
    subject_from = -1  # the sentence last_subject was named in
    line = -1
    named_in_turn: list[Mention] = []  # who the turn named before the sentence, in order
    said_in: dict[int, list[Mention]] = {}  # sentence index -> its mentions
    place_in: dict[int, str] = {}  # sentence index -> the last place it names
    turn_facts: dict[int, list[tuple[str, str, str]]] = {}  # line -> the relations it states
    for index, sentence in enumerate(sentences):
        if index:
            turn_facts.setdefault(sentences[index - 1].line, []).extend(graph.stated_keys())
        graph.begin_sentence(index, sentence.text)
        if sentence.speaker and index and sentences[index - 1].line != sentence.line:
            date_answered(sentences, index, turn_facts, graph)
            if not nested:
                _answered(sentences, index, graph)
        asked_about = subject_from == index - 1 and _asked_about(sentences, index)
        if sentence.line != line:
            named_in_turn = []
        if sentence.dialogue and sentence.line != line and not asked_about:
            # A chat turn's he/she/it never reaches into another turn, but for the person the
            # other speaker's question just named ("How is Tom?" - "Good! He moved to Bristol.")
            last_subject = None
        line = sentence.line
        description = clip(sentence.shown, _MAX_DESCRIPTION)
        previous = sentences[index - 1] if index else None
        if (
            previous is not None
            and sentence.speaker
            and (previous.line, previous.speaker) == (sentence.line, sentence.speaker)
        ):
            # What a sentence adds to the one before it in the same turn: a name, a home ("I
            # bought a house in Stockport. I moved in last week."). The fact cites (and is
            # dated by) both.
            named = named_later(previous.text, sentence.text)
            told = [previous]
            if named is None and index >= 2:
                # "We got a dog. Lab mix. Named him Tank.": past a short aside; "I got a cat!
                # Ampon from a colleague, two weeks ago. Her name is Mochi.": past any sentence,
                # a name said to be one
                first = sentences[index - 2]
                if (first.line, first.speaker) == (sentence.line, sentence.speaker):
                    aside = len(previous.text.split()) <= _ASIDE_WORDS
                    named = named_later(first.text, sentence.text, said_so=not aside)
                    told = [first, previous]
            home = place_in.get(index - 1) if moves_in(sentence.text) else None
            if named is not None or home is not None:
                both = clip(" ".join(s.shown for s in (*told, sentence)), _MAX_DESCRIPTION)
                speaker = sentence.speaker.casefold()
                if named is not None:
                    _relate_named(speaker, *named, both, graph)
                if home is not None:
                    graph.relate(speaker, "moved to", home, both, FactTime())
        if sentence.speaker:  # the label alone makes the speaker an entity
            graph.add_entity(sentence.speaker.casefold(), sentence.speaker, _PERSON, description)
            thing_let_go_by_pronoun(sentences, index, said_in, graph, description)
        mentions = sentence_mentions(sentence, lower_words, inner, speakers)
        introduced = _introduced_name(sentences, index) if index else []
        if introduced and all(m.key != introduced[0].key for m in mentions):
            mentions = sorted([*mentions, *introduced], key=lambda mention: mention.start)
        antecedent = _antecedent(sentence, last_subject, graph, speakers)
        mentions = resolve_pronouns(sentence, mentions, antecedent)
        earlier = [*([antecedent] if antecedent else []), *named_in_turn]
        if not mentions:
            _speaker_changes(sentences, index, graph, description, earlier)  # "We broke up."
            continue
        entities = graph.entities
        for mention in mentions:
            entry = entities.get(mention.key)
            if entry is None:  # context only types an entity where it first appears
                hint = mention.hint
                if not hint and sentence.text.startswith(mention.name, mention.start):
                    hint = type_hint(sentence.text, mention)  # not for a pronoun standing in
                graph.add_entity(mention.key, mention.name, hint, description)
            elif mention.hint:
                graph.add_entity(mention.key, mention.name, mention.hint, description)
        places = [m.key for m in mentions if is_place(m, graph)]
        if places:
            place_in[index] = places[-1]
        if sentence.speaker and index:
            _home_after_move(sentences, index, mentions, graph, description)
        mentions = [mention for mention in mentions if not mention.vocative]
        if not mentions:
            # "Thanks, Mel!": the addressee is named, nothing is said of them; but "Bea, we got
            # married!" tells the speaker's own change
            _speaker_changes(sentences, index, graph, description, earlier)
            continue
        if not sentence.text.rstrip().endswith("?"):  # "Is Acme in Berlin?" states no fact
            if sentence.speaker and not nested:
                _told_of_others(sentence, mentions, graph, description)
            ring_proposals(sentences, index, mentions, graph, description)
            read = state_changes(sentence, mentions, graph, description, earlier=earlier)
            relate_sentence(sentence, mentions, graph, description, read=read)
            if graph.sentence_relations:
                date_facts(sentences, index, graph)
        # "My sister Carol visited Rome. She ...": she is Carol, not the speaker
        speaker_key = sentence.speaker.casefold() if sentence.speaker else None
        last_subject = next((m for m in mentions if m.key != speaker_key), mentions[0])
        named_in_turn += may_be_partners(sentence.text, mentions, speaker_key)
        said_in[index] = mentions
        subject_from = index
    name_open_partners(sentences, said_in, graph)
    date_from_neighbours(sentences, graph)
    _open_statuses(graph)
    graph.merge_aliases(keep={name.casefold() for name in speakers.names})
    studies_not_jobs(graph, default_kind)
    return graph.to_extraction(lead_sentence(text))


def _home_after_move(
    sentences: list[Sentence],
    index: int,
    mentions: list[Mention],
    graph: ChunkGraph,
    description: str,
) -> None:
    """ "And I moved. A fortnight ago. I'm in Penarth now.": the speaker lives where the sentence
    says they are, since the move the turn told before it without its place."""
    sentence = sentences[index]
    turn = (sentence.line, sentence.speaker)
    before = [s.text for s in sentences[max(0, index - 3) : index] if (s.line, s.speaker) == turn]
    found = home_after_move(before, sentence.text) if before else None
    if found is None or sentence.speaker is None:
        return
    start, phrase = found
    place = next((m for m in mentions if m.start == start), None)
    if place is not None:
        time = FactTime(kind="lives_in", valid_at=phrase or None)
        graph.relate(sentence.speaker.casefold(), "live in", place.key, description, time)


def _told_of_others(
    sentence: Sentence, mentions: list[Mention], graph: ChunkGraph, description: str
) -> None:
    """The changes a speaker tells of someone else ("Tyler quit Home Depot"), read by the
    first-person rules as that person's own words and cited by the speaker's sentence."""
    assert sentence.speaker is not None
    turned = as_first_person(sentence.text, mentions, sentence.speaker.casefold())
    if turned is None:
        return
    _read_as(*turned, graph, description)


def _answered(sentences: list[Sentence], index: int, graph: ChunkGraph) -> None:
    """What a speaker says of themselves by answering the other speaker's question, read as
    their own words and cited by both: what the answer confirms ("Still at the Ford plant?" -
    "Yep. Line 3."), the home or job it names ("Where are you living now?" - "Bristol.";
    "I'm leaving the BBC." - "Where to?" - "Channel 4.")."""
    answer, question = sentences[index], sentences[index - 1]
    assert answer.speaker is not None
    if question.speaker in (None, answer.speaker):
        return
    asked = asked_of(sentences, index)
    told = " ".join(s.text for s in sentences[:index] if asked and s.line == asked[1])
    answered = " ".join(s.text for s in sentences[index:] if s.line == answer.line)
    both = clip(f"{question.shown} {answer.shown}", _MAX_DESCRIPTION)
    for said in (
        as_confirmed(question.text, answer.text),
        as_answered(told, question.text, answered),
    ):
        if said is not None:
            _read_as(answer.speaker, said, graph, both)


def _asked_about(sentences: list[Sentence], index: int) -> bool:
    """Whether the turn that sentence ``index`` opens answers the other speaker's question
    (the sentence just before, ending with "?")."""
    if not index:
        return False
    answer, question = sentences[index], sentences[index - 1]
    return question.speaker not in (None, answer.speaker) and question.text.rstrip().endswith("?")


def _read_as(name: str, text: str, graph: ChunkGraph, description: str) -> None:
    """The changes ``text`` states read as ``name``'s own first-person words (only those the
    rules give a kind), added to ``graph`` cited by ``description``."""
    told = extract_chunk(f"{name}: {text}", nested=True)
    subject = name.casefold()
    types = {entity.name.casefold(): entity.type for entity in told.entities}
    for relation in told.relations:
        if relation.source.casefold() != subject or relation.predicate == CO_OCCURRENCE:
            continue
        if relation.kind is None and default_kind(relation.predicate).kind is None:
            continue  # what the generic reading of the sentence itself finds
        target = relation.target.casefold()
        if target:
            graph.add_entity(target, relation.target, types.get(target, ""), description)
        time = FactTime(relation.kind, relation.valid_at, relation.invalid_at, relation.retracted)
        graph.relate(subject, relation.predicate, target, description, time)


def _open_statuses(graph: ChunkGraph) -> None:
    """Name the status of each engagement or marriage told without its partner ("We got
    engaged!" -> the concept "engaged"): the write stores it with the partner held at its time,
    else, when none is known by then (the couple's start may arrive later), as that status (see
    :func:`~cognee_langchain.extraction.kinds.open_status`)."""
    for (_, predicate, target), (description, time, _) in list(graph.relations.items()):
        match = default_kind(predicate)
        if target or time.retracted or match.retracted:
            continue
        status = open_status(predicate)
        if status is not None and (time.kind or match.kind) == "relationship_status":
            graph.add_concept(status, description)


def _introduced_name(sentences: list[Sentence], index: int) -> list[Mention]:
    """ "I met someone. Marta.", "I have a girlfriend. Is Chloe, from the office.", "Who is
    she?" - "Carol.", "I've met someone." - "Go on." - "Carol.": a lone capitalised word (or
    one said to be it, or followed by a comma) after a turn's sentence that ends by
    introducing somebody, answering who, or opening the speaker's next turn after such a
    sentence ended their last, is that person's name (alone, a chat sentence's first word is
    not)."""
    sentence, previous = sentences[index], sentences[index - 1]
    match = _LONE_WORD.match(sentence.text)
    if match is None or match["word"].lower() in lex.NON_NAME_WORDS:
        return []
    if previous.line == sentence.line:
        introduced = _INTRODUCES.search(previous.text) is not None
    else:
        asked = asked_of(sentences, index)
        introduced = _ASKS_WHO.search(previous.text) is not None or (
            asked is not None
            and any(_INTRODUCES.search(s.text) for s in sentences[:index] if s.line == asked[1])
        )
    if not introduced:
        return []
    word = match["word"]
    return [Mention(word.casefold(), word, match.start("word"), match.end("word"), hint=_PERSON)]


def _relate_named(speaker: str, name: str, kind: str, description: str, graph: ChunkGraph) -> None:
    """The speaker's pet, partner or vehicle (``kind``: ``has_pet``, ``relationship_status``,
    ``owns``) that :func:`named_later` found named."""
    predicate = {"has_pet": "has pet", "owns": "bought"}.get(kind, "dating")
    graph.add_entity(
        name.casefold(), name, _PERSON if kind == "relationship_status" else "", description
    )
    graph.relate(speaker, predicate, name.casefold(), description, FactTime(kind))


def _speaker_changes(
    sentences: list[Sentence],
    index: int,
    graph: ChunkGraph,
    description: str,
    earlier: list[Mention],
) -> None:
    """The changes a speaker's sentence naming nobody (but perhaps the one addressed) tells of
    themselves ("We broke up.", "Bea, we got engaged!"), dated by the sentences after it."""
    sentence = sentences[index]
    if sentence.speaker and not sentence.text.rstrip().endswith("?"):
        if _echoes(sentences, index):
            return
        state_changes(sentence, [], graph, description, earlier=earlier)
        if graph.sentence_relations:
            date_facts(sentences, index, graph)


def _echoes(sentences: list[Sentence], index: int) -> bool:
    """Whether sentence ``index``, opening a turn, repeats the other speaker's news back to them
    ("... I'm now working for HSBC as an associate director." - "Associate director! You're
    racing up the ladder."): an exclamation of their own words, nothing of the speaker's."""
    sentence, previous = sentences[index], sentences[index - 1] if index else None
    if previous is None or previous.speaker in (None, sentence.speaker):
        return False
    said = _ECHO.fullmatch(sentence.text)
    if said is None:
        return False
    told = " ".join(s.text for s in sentences[:index] if s.line == previous.line).casefold()
    return said["words"].casefold() in told


def _antecedent(
    sentence: Sentence, last: Mention | None, graph: ChunkGraph, speakers: Speakers
) -> Mention | None:
    """What an opening he/she/it/they of ``sentence`` may stand for: the previous subject, but
    never the sentence's own speaker (who says "I"), and only he/she for a person."""
    if last is None or (sentence.speaker and speakers.resolve(last.key) == sentence.speaker):
        return None
    entry = graph.entities.get(last.key)
    is_person = last.hint == _PERSON or (entry is not None and entry[1] == _PERSON)
    if is_person and opens_with_pronoun(sentence.text).startswith(("it", "they")):
        return None  # "Hey Maria! They help me": "they" is not one person
    return last


def lead_sentence(text: str) -> str:
    """The first sentence of ``text`` with its speaker label, clipped: a one-line summary."""
    for line in text.splitlines():
        _, _, label, body = line_speaker(line)
        pieces = split_sentences(body)
        if pieces:
            return clip(f"{label} {pieces[0]}" if label else pieces[0], _MAX_SUMMARY)
    return ""
