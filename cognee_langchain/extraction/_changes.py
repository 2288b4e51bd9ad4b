"""Changes a speaker states about themselves, for the offline extractor: what the generic
between-two-names rules of :mod:`._relations` miss or misread.

* **A job title, an employer**: "I'm now a product manager at Zalando" -> works at Zalando
  (kind ``works_at``) and job title "product manager" (kind ``job_title``, a concept), not one
  fused predicate "now product manager at"; "I was made vice principal", "I got promoted to
  senior engineer" -> the title; "I got a new job, UX designer at Allegro", "I started at a
  climbing gym" -> the employer, named or not (and the new job's title).
  "I started at Wealthsimple as a data scientist", "I'm head baker at Pan de Oro" -> both;
  "Work at Shopify keeps me busy", "my boss at Acme" -> the employer.
* **A title changed for another**: "PM -> Senior PM", "from CSR to team leader"
  (:mod:`._title_changes`).
* **A job lost**: "I lost my job at Door Dash", "I left Shopify", "Northlight let me go" -> the
  end of ``works_at`` there (:mod:`._job_ends`).
* **A pet gone**: "Gin died in July", "Nibbles passed away", "we gave Kin to my niece" -> the
  end of ``has_pet`` of that name (a no-op for a name that was no pet of the speaker's;
  :mod:`._pets`).
* **A couple, living together**: "Nadia and I have been dating", "we broke up", "I moved in
  with Ana" -> ``relationship_status`` and its end (:mod:`._couples`).
* **A pet introduced, a thing lost or owned**: "Meet Biscuit, our new puppy!", "My Vespa was
  stolen", "I'm the proud owner of a Vespa" (:mod:`._possessions`).
* **A pet, a thing got or given up**: "we adopted a kitten, Luna", "I adopted a budgie named
  Kiwi" -> the pet; "I sold my car", "I gave my piano away", "we bought a flat in Clifton" ->
  sold car, gave away piano, bought flat (which the relation kinds read as the end and the start
  of ``owns``).
* **A taste or habit taken up or given up**: "I started climbing" -> took up climbing
  (``likes``); "I quit bridge", "I don't like sushi anymore" -> its end (:mod:`._pastimes`).
* **"We" for the speaker**: "we relocated to Lisbon" -> the speaker moved.
* **A place left for another**: "I packed up and left Denver for Austin" -> moved from Denver,
  moved to Austin (two employers, "I left Acme for Zalando", are no move).

Only first-person statements of a named speaker are read ("I", "we", "<Name> and I"); the kinds
of the other wordings come from :class:`~cognee_langchain.extraction.kinds.RelationKinds` when
the write is built. A pair these rules relate is claimed: the generic rules add no second,
kind-less reading of it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from cognee_langchain.extraction import _lexicon as lex
from cognee_langchain.extraction._chunk_graph import ChunkGraph, FactTime
from cognee_langchain.extraction._cohabits import COHABIT_WORDS, cohabits
from cognee_langchain.extraction._couples import COUPLE_WORDS, couples
from cognee_langchain.extraction._employers import EMPLOYER_WORDS, employers, works_at
from cognee_langchain.extraction._implied import IMPLIED_RULES
from cognee_langchain.extraction._job_ends import JOB_ENDS_WORDS, jobs_ended
from cognee_langchain.extraction._mentions import Mention
from cognee_langchain.extraction._pastimes import PASTIME_RULES
from cognee_langchain.extraction._pets import ANIMAL_WORDS, PET_GONE_WORDS, pets_gone, pets_got
from cognee_langchain.extraction._possessions import THINGS_TOLD_WORDS, things_told
from cognee_langchain.extraction._sentences import Sentence, is_lower_case
from cognee_langchain.extraction._subjects import I_SUBJECT as _I
from cognee_langchain.extraction._subjects import NOW as _NOW
from cognee_langchain.extraction._subjects import (
    OBJECT_END,
    Span,
    is_place,
)
from cognee_langchain.extraction._subjects import WE_SUBJECT as _WE
from cognee_langchain.extraction._title_changes import TITLE_CHANGE_WORDS, title_changes
from cognee_langchain.extraction._trips import TRIP_RULES
from cognee_langchain.extraction.gazetteer import place_named

__all__ = ["Span", "state_changes"]

_JOB = lex.JOB_PATTERN
# Up to three lower-case words and a job noun: "product manager", "senior software engineer",
# "sous-chef".
# A trade's acronym may lead it: "UX designer", "QA engineer".
_TRADE = "|".join(sorted(lex.TRADE_ACRONYMS))
_TITLE = rf"(?P<title>(?:(?:[a-z]+|{_TRADE})(?:-|\s+)){{0,3}}(?:{_JOB}))\b(?P<of>\s+of\s+[a-z]+)?"
# After a verb that names a title itself ("promoted to", "made"): any one to three words.
_ANY_TITLE = r"(?P<title>[a-z][a-z-]*(?:\s+[a-z][a-z-]*){0,2}?)(?P<of>\s+of\s+[a-z]+)?"
_TITLE_END = (
    r"(?=\s*(?:[.,;:!?)]|$|\s+(?:at|in|for|with|on|and|last|this|yesterday|today|two|three|four|"
    r"five|six|a\s+(?:couple|few|week|month|year)|back|earlier|recently|since|so|but|because|now|"
    r"these\s+days|nowadays)\b))"
)
# The article may be missing before a title that ends in a job noun ("I'm head baker at X").
_TITLE_AT = re.compile(
    rf"\bI(?:['’]m|\s+am|\s+work\s+as|\s+started\s+as|['’]ve\s+become|\s+became"
    # "I've been team lead since May", "I stepped up to team lead", "I took over as team lead"
    # (not "I've been appointed headmaster": a passive, read as one)
    r"|(?:['’]ve|\s+have)\s+been(?!\s+\w+ed\b)|\s+stepped\s+up\s+(?:to|as)|\s+took\s+over\s+as"
    rf"|\s+moved\s+up\s+to)\s+{_NOW}(?:(?:a|an|the)\s+)?{_TITLE}(?:\s+(?:again\s+)?(?:at|for|with)\s+(?:the\s+)?(?P<org>\S))?"
)
# "I started at Wealthsimple as a data scientist", "I started at a gym on Monday, as a
# manager": the employer first, then the title.
_AT_AS_TITLE = re.compile(
    # "I'm now working for HSBC as an associate director" too
    rf"\bI(?:['’]m|\s+am|['’]ve|\s+have)?\s+{_NOW}(?:started|work|worked|working|joined"
    r"|(?:got\s+|was\s+|been\s+)?hired\s+by)\s+(?:(?:at|for|with)\s+)?"
    r"(?:the\s+)?(?P<org>\S)[^.;!?,]{0,40}?,?\s+as\s+(?:(?:a|an|the)\s+)?"
    rf"{_TITLE}{_TITLE_END}"
)
_NAMED_TITLE = re.compile(
    rf"{_I}(?:got\s+|was\s+|been\s+|['’]ve\s+been\s+|have\s+been\s+)?{_NOW}"
    r"(?:promoted\s+to|made|appointed(?:\s+as)?|named|elected|hired\s+as)\s+"
    rf"(?:a\s+|an\s+|the\s+|our\s+|my\s+)?{_ANY_TITLE}{_TITLE_END}"
    r"(?:\s+(?:at|for|with)\s+(?P<org>\S))?"
)
# The title said as such: "my job title is now production coordinator".
_MY_TITLE = re.compile(
    rf"\b[Mm]y\s+(?:job\s+)?title\s+is\s+{_NOW}(?:(?:a|an)\s+)?{_ANY_TITLE}{_TITLE_END}"
    r"(?:\s+(?:at|for|with)\s+(?P<org>\S))?"
)
# The title after the promotion's date: "I got promoted last month, senior associate".
_PROMOTED_THEN = re.compile(
    rf"{_I}(?:got\s+|was\s+|['’]ve\s+been\s+|have\s+been\s+)?{_NOW}promoted"
    rf"(?:\s+[^,.;!?]{{1,30}}?)?,\s+(?:to\s+)?(?:(?:a|an)\s+)?{_TITLE}{_TITLE_END}"
    r"(?:\s+(?:at|for|with)\s+(?P<org>\S))?"
)
# The title given by someone else: "they made me operations manager", "They promoted me to
# senior analyst", "my boss bumped me up to team lead". A job noun must end it ("they made me
# dinner" names no title).
_GIVEN_TITLE = re.compile(
    rf"\b(?:[Tt]hey|[Mm]y\s+(?:boss|manager))\s+{_NOW}(?:made|promoted|bumped|appointed|named)"
    rf"\s+me\s+(?:up\s+)?(?:to\s+|as\s+)?(?:(?:a|an|the|their|our)\s+)?{_TITLE}{_TITLE_END}"
    r"(?:\s+(?:at|for|with)\s+(?P<org>\S))?"
)
# What one is "made" that is no title: "I was made redundant" ends a job.
_NOT_TITLES = frozenset(("redundant", "homeless", "unemployed", "aware", "welcome", "sick"))
_POSSESSION = re.compile(
    rf"{_WE}(?P<verb>sold|bought|got\s+rid\s+of|gave\s+away|lost|adopted|rescued|got|"
    r"purchased|picked\s+up(?=\s+(?:my|our)\s+new\b))\s+(?:my|our|a|an|the|his|her|their)\s+"
    r"(?:(?:new|old|first|second|used|own)\s+)?"
    rf"(?P<object>[a-z][a-z-]*(?:\s+[a-z][a-z-]*)??){OBJECT_END}"
)
# A thing known by its name: "I sold the Jeep", "I've sold Kittiwake", "I wrote off my Volvo",
# "I traded in my old Camry for a little Honda Fit".
_NAMED_THING = re.compile(
    rf"{_WE}(?P<verb>sold|bought|purchased|traded\s+in|wrote\s+off|totall?ed|gave\s+away|"
    r"got\s+rid\s+of|scrapped|donated|gave(?:\s+(?:him|her|them))?(?=\s+(?:the|my|our)\s)"
    # "I finally got a Tesla", "I picked up a used Tesla" (not "I got Tom a present")
    r"|(?:got|picked\s+up|leased)(?=\s+(?:a|an|my|our|the)\s))\s+"
    r"(?:(?:the|my|our|a|an)\s+)?(?:(?:old|new|used|little|first|second-hand|brand-new)\s+){0,2}"
    r"(?P<name>[^\W\d_a-z])"
    r"(?:[^.;!?]{0,40}?\sfor\s+(?:(?:a|an|the)\s+)?(?:(?:new|used|little|brand-new)\s+)?"
    r"(?P<new>[^\W\d_a-z]))?"
)
_VEHICLE = re.compile(lex.VEHICLES)
# How a named thing's end or start is said in the relation-kind lexicon's words.
_NAMED_THING_VERBS = {
    "traded in": "sold", "wrote off": "lost", "totaled": "lost", "totalled": "lost",
    "purchased": "bought", "got": "bought", "picked up": "bought",
    "leased": "bought",
    "scrapped": "lost", "donated": "gave away", "gave": "gave away", "gave him": "gave away",
    "gave her": "gave away", "gave them": "gave away",
}  # fmt: skip
_APPOSITIVE = re.compile(
    r",\s+(?:(?:a|an|the|my|our)\s+)?(?:[a-z][a-z-]*\s+){0,2}(?P<name>[^\W\d_a-z])"
)
# A thing of the speaker's given away, the particle last: "I gave my piano away".
_GIVEN_AWAY = re.compile(
    rf"{_WE}(?P<verb>gave|sold|threw)\s+(?:my|our)\s+(?:old\s+)?"
    r"(?P<object>[a-z][a-z-]*(?:\s+[a-z][a-z-]*)?)\s+(?:away|off|out)\b"
)
_GIVEN_AWAY_VERBS = {"gave": "gave away", "sold": "sold", "threw": "got rid of"}
# "we moved to Lisbon", "we've settled in down in Margaret River" (not "we settled the bill")
_MOVED = re.compile(
    # "I made the move to Leeds" too ("I moved to Leeds" the generic reading has)
    rf"(?:\b[Ww]e|\bI(?=(?:['’]ve|\s+have)?\s+{_NOW}made\s+the\s+move))(?:['’]ve|\s+have)?\s+{_NOW}"
    r"(?P<verb>moved|relocated|shifted|emigrated|settled(?=\s+(?:in|down|into)\b)"
    r"|made\s+the\s+move(?=\s+(?:to|back)\b))\b"
)
_MAX_GAP = 40  # characters from "we moved" to the place it moved to
# "I packed up and left Denver for Austin": a move from one place to another.
_LEFT_FOR = re.compile(
    rf"{_WE}(?:packed\s+up\s+and\s+)?(?:left|quit)\s+(?P<old>[^\W\d_a-z][\w'’-]*(?:\s+[^\W\d_a-z]"
    r"[\w'’-]*){0,2})\s+for\s+(?P<new>[^\W\d_a-z])"
)
_CLAUSE_BREAK = re.compile(r"[.,;:!?]")

_Rule = Callable[[str, str, dict[int, Mention], ChunkGraph, str], list[Span]]


def state_changes(
    sentence: Sentence,
    mentions: list[Mention],
    graph: ChunkGraph,
    description: str,
    *,
    earlier: Sequence[Mention] = (),
) -> list[Span]:
    """Add the speaker's stated changes of ``sentence`` to ``graph``; the spans of the
    sentence they read (a subject in one of them has its verb and object read already).
    ``earlier``: who was named before this sentence, in order (the partner of a "we" that names
    none is the last person of them: "I met someone, Ana. We got engaged.")."""
    speaker = sentence.speaker
    if not speaker:
        return []
    text = sentence.text
    # One scan for the words each rule needs spares most sentences every rule's pattern.
    words = _TRIGGER_WORDS.intersection(_PUNCTUATION.sub(" ", text.lower()).split())
    if not words:
        return []
    wanted = {rule for word in words for rule in _TRIGGERS.get(word, ())}
    key = speaker.casefold()
    at = {mention.start: mention for mention in mentions if mention.key != key}
    spans: list[Span] = []
    for rule in _RULES:
        if rule in wanted:
            spans.extend(rule(text, key, at, graph, description))
    if not words.isdisjoint(COUPLE_WORDS):
        spans.extend(couples(text, key, at, graph, description, earlier=earlier))
    return spans


def _title(match: re.Match[str]) -> str:
    words = (match.group("title") + (match.group("of") or "")).split()
    # "the new head of marketing" is the head of marketing
    return " ".join(words[1:] if len(words) > 1 and words[0].lower() == "new" else words)


def _titles(
    text: str, speaker: str, at: dict[int, Mention], graph: ChunkGraph, description: str
) -> list[Span]:
    """ "I'm now a product manager at Zalando", "I was made vice principal", "they made me
    team lead", "I started at Wealthsimple as a data scientist": the title, and the employer
    when named."""
    spans: list[Span] = []
    for pattern, predicate in (
        (_TITLE_AT, "job title"),
        (_NAMED_TITLE, "became"),
        (_GIVEN_TITLE, "became"),
        (_PROMOTED_THEN, "became"),
        (_MY_TITLE, "job title"),
        (_AT_AS_TITLE, "job title"),
    ):
        for match in pattern.finditer(text):
            title = _title(match)
            words = match.group("title").split()
            if (
                words[-1] in lex.NON_NAME_WORDS
                or words[-1].lower() in _NOT_TITLES
                or any(
                    word in lex.NON_NAME_WORDS or word in lex.VAGUE_OBJECTS for word in words[:-1]
                )
            ):
                continue  # "made it", "named after", "made redundant": no title
            graph.add_concept(title, description)
            graph.relate(speaker, predicate, title, description, FactTime(kind="job_title"))
            works_at(match, speaker, at, graph, description)
            spans.append(match.span())
    return spans


def _things(
    text: str, speaker: str, at: dict[int, Mention], graph: ChunkGraph, description: str
) -> list[Span]:
    """ "We adopted a kitten, Luna", "I sold my car", "I sold the Jeep", "we bought a flat in
    Clifton": a pet by its name, a thing by its name or its noun (the generic reading stops at
    "my", or reaches past the noun to a place)."""
    spans = pets_got(text, speaker, at, graph, description)
    if spans:
        return spans  # the pet's sentence: no second reading as a thing
    for match in _NAMED_THING.finditer(text):
        named_thing = at.get(match.start("name"))
        if named_thing is None:
            continue
        verb = " ".join(match.group("verb").split())
        verb = _NAMED_THING_VERBS.get(verb, verb)
        graph.relate(speaker, verb, named_thing.key, description, FactTime())
        bought = at.get(match.start("new")) if match.group("new") else None
        if bought is not None:
            graph.relate(speaker, "bought", bought.key, description, FactTime())
        spans.append((match.start(), bought.end if bought is not None else match.end()))
    for match in _POSSESSION.finditer(text):
        words = match.group("object").split()
        if any(word in lex.NON_NAME_WORDS or word in lex.VAGUE_OBJECTS for word in words):
            continue
        if words[-1] in ("job", "position", "role"):
            continue  # read as an employer
        # "I bought a car, a used Honda Civic": the name that follows is the thing.
        named = _APPOSITIVE.match(text, match.end("object"))
        mention = at.get(named.start("name")) if named is not None else None
        thing = mention.key if mention else graph.add_concept(" ".join(words), description)
        verb = " ".join(match.group("verb").split())
        if verb == "got" and (mention is not None or _VEHICLE.fullmatch(words[-1])):
            # "I've got a new car, a Tesla", "I've got a motorbike now": the speaker's own
            verb = "bought"
        graph.relate(speaker, verb, thing, description, FactTime())
        spans.append(match.span())
    for match in _GIVEN_AWAY.finditer(text):
        words = match.group("object").split()
        if any(word in lex.NON_NAME_WORDS or word in lex.VAGUE_OBJECTS for word in words):
            continue
        thing = graph.add_concept(" ".join(words), description)
        verb = _GIVEN_AWAY_VERBS[match.group("verb")]
        graph.relate(speaker, verb, thing, description, FactTime())
        spans.append(match.span())
    return spans


# Chat typed all in lower case names its places in lower case too: "i moved to leeds last month",
# "im living in leeds now" (a place the gazetteer knows, longest first: "new york", not "york").
_LOWER_MOVE = re.compile(
    r"\b(?:[Ii]|[Ww]e)(?:['’]?ve|\s+have|['’]?m|\s+am|['’]?re|\s+are)?\s+"
    r"(?:just\s+|now\s+|finally\s+)*(?:moved|moving|relocated|living|live|settled)\s+"
    r"(?:to|in|into)\s+(?P<place>[a-z][a-z'’-]*(?:\s+[a-z][a-z'’-]*){0,2})"
)


def _lower_case_moves(text: str, speaker: str, graph: ChunkGraph, description: str) -> list[Span]:
    spans: list[Span] = []
    for match in _LOWER_MOVE.finditer(text):
        words = match.group("place").split()
        for size in range(len(words), 0, -1):
            place = place_named(" ".join(words[:size]))
            if place is not None:
                key = place.name.casefold()
                graph.add_entity(key, place.name, "Place", description)
                graph.relate(speaker, "moved to", key, description, FactTime(kind="lives_in"))
                spans.append(match.span())
                break
    return spans


def _moves(
    text: str, speaker: str, at: dict[int, Mention], graph: ChunkGraph, description: str
) -> list[Span]:
    """ "We relocated to Lisbon", "I left Denver for Austin": the speaker moved."""
    spans: list[Span] = (
        _lower_case_moves(text, speaker, graph, description) if is_lower_case(text) else []
    )
    for match in _LEFT_FOR.finditer(text):
        old, new = at.get(match.start("old")), at.get(match.start("new"))
        if old is None or new is None or not (is_place(old, graph) and is_place(new, graph)):
            continue  # "I left Acme for Zalando" is a change of job
        graph.relate(speaker, "moved from", old.key, description, FactTime())
        graph.relate(speaker, "moved to", new.key, description, FactTime())
        spans.append(match.span())
    for match in _MOVED.finditer(text):
        following = sorted(
            (position, mention)
            for position, mention in at.items()
            if match.end() <= position <= match.end() + _MAX_GAP
        )
        if not following:
            continue
        position, mention = following[0]
        between = text[match.start("verb") : position]
        if _CLAUSE_BREAK.search(between):
            continue
        words = [word for word in between.lower().split() if word not in ("a", "an", "the")]
        if words[0] == "made":  # "made the move to": said as the lexicon knows it
            words = ["moved", *words[2:]]
        graph.relate(speaker, " ".join(words), mention.key, description, FactTime())
    return spans  # a place "we moved" to is a name: nothing after it to read


_RULES: tuple[_Rule, ...] = (
    _titles, title_changes, employers, jobs_ended, pets_gone, cohabits, *PASTIME_RULES, _things,
    things_told,
    _moves, *IMPLIED_RULES, *TRIP_RULES,
)  # fmt: skip
# The words without which a rule cannot match (lower case).
_RULE_WORDS: dict[_Rule, frozenset[str]] = {
    _titles: lex.JOB_NOUNS
    | {"promoted", "made", "appointed", "named", "elected", "hired", "title"},
    title_changes: TITLE_CHANGE_WORDS,
    employers: EMPLOYER_WORDS,
    jobs_ended: JOB_ENDS_WORDS,
    pets_gone: PET_GONE_WORDS,
    cohabits: COHABIT_WORDS,
    **PASTIME_RULES,
    _things: frozenset(
        ("sold", "bought", "rid", "gave", "lost", "adopted", "rescued", "got", "purchased",
         "threw", "traded", "wrote", "totaled", "totalled", "picked", "scrapped", "donated",
         "leased", "brought", "took", "fostered", "have")
    )
    | ANIMAL_WORDS,
    things_told: THINGS_TOLD_WORDS,
    _moves: frozenset(
        ("moved", "relocated", "shifted", "settled", "left", "move", "emigrated", "moving",
         "living", "live")
    ),
    **IMPLIED_RULES,
    **TRIP_RULES,
}  # fmt: skip
_TRIGGERS: dict[str, list[_Rule]] = {}
for _rule, _words in _RULE_WORDS.items():
    for _word in _words:
        _TRIGGERS.setdefault(_word, []).append(_rule)
_TRIGGER_WORDS = frozenset(_TRIGGERS) | COUPLE_WORDS
# Punctuation, read as a space between words (a substitution is twice as fast as str.translate).
_PUNCTUATION = re.compile(r"[.,;:!?()\[\]\"'’-]")
