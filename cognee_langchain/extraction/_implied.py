"""Changes a speaker states without the verbs the relation-kind lexicon knows, for the offline
extractor's change rules (:mod:`._changes`).

* **A home**: "Oslo is home now", "home is Leeds", "I'll stay in Dublin for now", "my flat in
  Madrid", "I arrived in Oslo to start my new job" -> ``lives_in``; "we gave up the Vienna
  apartment", "I sold my house in Leeds" -> its end.
* **An employer that acts**: "Fresco hired me as a sous chef", "I accepted an offer from
  Klarna", "Siemens let me transfer to Munich" -> ``works_at`` (and the title).
* **Studies**: "to start my master's at LSE", "I'm doing my PhD at ETH" -> ``studies_at``.
* **A title alone**: "Junior architect!", "A postdoc at Oxford, so I moved" -> ``job_title``
  (and the employer); "I'm freelancing now" -> the title "freelancer".
* **A workplace left**: "I left the agency in March" -> the end of ``works_at`` the agency; a
  job lost or left ("I quit Nokia", "I was laid off") also ends the job title, unless the
  sentence names the next one; the work itself quit ("I quit nursing") ends the title and the
  employer, neither named.
* **A thing given up or kept**: "Selling the Saab breaks my heart", "I'm selling my car" -> the
  end of ``owns``; "I still drive my old Saab", "My Vespa, yes" -> ``owns``.

A name is the sentence's mention there (never a person's), or the capitalised run there when the
rule's own words say what it is: a chat sentence's first word is no mention unless the chunk
capitalises it elsewhere, but "Oslo is home now" names a place.
"""

from __future__ import annotations

import re

from cognee_langchain.extraction import _lexicon as lex
from cognee_langchain.extraction._chunk_graph import ChunkGraph, FactTime
from cognee_langchain.extraction._follow_up import has_date
from cognee_langchain.extraction._mentions import Mention
from cognee_langchain.extraction._studies import (
    DEGREE_AT,
    SCHOOL_STARTED,
    STUDIES_ENDED,
    STUDY_WORDS,
)
from cognee_langchain.extraction._subjects import I_SUBJECT as _I
from cognee_langchain.extraction._subjects import NOW as _NOW
from cognee_langchain.extraction._subjects import WE_SUBJECT as _WE
from cognee_langchain.extraction._subjects import Span, is_institution, is_place

__all__ = ["IMPLIED_RULES"]

_PERSON = "Person"
_NAME = r"[^\W\d_a-z]"  # where a name starts
_JOB = lex.JOB_PATTERN
_TITLE = rf"(?P<title>(?:[a-z]+(?:-|\s+)){{0,2}}(?:{_JOB}))"
# A name of one or more capitalised words: "Emaar", "Booking.com", "Royal Enfield".
_RUN = rf"{_NAME}[\w'’&.-]*(?:\s+{_NAME}[\w'’&.-]*)*"
_HOME_NOUN = r"(?:flat|apartment|house|home|place|condo|loft)"

# "Gothenburg is home now", "Leeds is my home", but not "Berlin is home to many startups".
_IS_HOME = re.compile(
    rf"(?<![\w'’])(?P<place>{_RUN})\s+(?:is|has\s+been)\s+(?:(?:now|really)\s+)?(?:my\s+|our\s+)?"
    r"(?:new\s+)?home\b(?!\s+(?:to|of|for\s+(?!me\b)))"
)
# "Home is Leeds now", "I call Lisbon home", "I'll stay in London for now".
_HOME_IS = re.compile(
    rf"\b[Hh]ome\s+is\s+(?:now\s+)?(?P<place>{_NAME})"
    rf"|{_I}call\s+(?P<call>{_RUN})\s+home\b"
    # "I'm back in Leeds for good"
    rf"|\b(?:I(?:['’]ll|\s+will|['’]m|\s+am)?|[Ww]e(?:['’]re|\s+are))\s+{_NOW}"
    rf"(?:stay|staying|back)\s+in\s+(?P<stay>{_NAME})"
    r"[^.,;:!?]{0,30}?\s+(?:for\s+now|for\s+good|permanently|long[- ]term)\b"
    # "We got the keys to our house in Leeds on Friday"
    rf"|\b(?:[Ww]e|I)\s+{_NOW}got\s+(?:the|our|my)\s+keys\s+(?:to|for)\s+(?:(?:our|my|the|a)\s+)?"
    rf"(?:new\s+)?{_HOME_NOUN}\s+in\s+(?P<keys>{_NAME})"
    # "I've been in Savannah since Labor Day", "Been based in Leeds for a year": how long a place
    # has been home.
    rf"|(?:\bI(?:['’]ve|\s+have)\s+|^\W*)(?i:been)\s+(?:based\s+)?in\s+(?P<since>{_NAME})"
    r"[\w'’ -]{0,30}?\s+(?:since|(?:for\s+)?(?:a|an|\d+|two|three|four|five|six|several|many)\s+"
    r"(?:weeks?|months?|years?)\b)"
    # "We're settled in Leeds now", "I'm renting in Leeds", "My new place is in Leeds"
    rf"|\b(?:I(?:['’]m|\s+am)|[Ww]e(?:['’]re|\s+are))\s+{_NOW}(?:all\s+)?(?:settled|renting)\s+"
    rf"in\s+(?P<settled>{_NAME})|\b[Mm]y\s+new\s+{_HOME_NOUN}\s+is\s+in\s+(?P<new_home>{_NAME})"
    # "We live in Leeds now", "I'm now based out of Leeds", "the move to Leeds went fine", "We've
    # made Leeds our home", "Leeds is where I live now", "I'm a Leeds resident now"
    rf"|\b[Ww]e(?:['’]ve|\s+have)?\s+{_NOW}(?:live|lived|living|(?:are|['’]re)\s+living)\s+in\s+"
    rf"(?P<we_live>{_NAME})"
    rf"|\bI(?:['’]m|\s+am)\s+{_NOW}based\s+out\s+of\s+(?P<out_of>{_NAME})"
    rf"|(?<!made\s)\b(?:[Mm]y|[Oo]ur|[Tt]he)\s+(?:big\s+)?move\s+to\s+(?P<move_to>{_NAME})"
    rf"|\b(?:made|make)\s+(?P<made>{_RUN})\s+(?:our|my)\s+home\b"
    rf"|(?<![\w'’])(?P<where>{_RUN})\s+is\s+where\s+(?:I|we)\s+live\b"
    rf"|\bI(?:['’]m|\s+am)\s+{_NOW}an?\s+(?P<resident>{_RUN})\s+resident\b"
)
# "I arrived in London on Sunday to start my master's": a move, not a visit.
_ARRIVED_TO_START = re.compile(
    rf"{_WE}(?:arrived|landed)\s+in\s+(?P<place>{_NAME})[^.;!?]{{0,30}}?\s+to\s+"
    r"(?:start|begin)\b"
)
# "my flat in Lavapiés in Madrid" (the last place of the chain is the city), "our new place in
# Leeds" (not "our place in Cornwall": a holiday home, perhaps), "I moved into a flat in Leeds",
# "Got a flat in Glasgow", "we're renting a house in Bath".
_MY_HOME_IN = re.compile(
    rf"(?:\b[Mm]y|\b[Oo]ur(?=\s+new\b)|\bI\b[^.!?]{{0,40}}?\bthis"
    r"|\b(?:[Mm]oved\s+into|[Gg]ot|[Rr]ented|[Rr]enting)\s+an?)"
    r"\s+(?:(?:own|new|little|small|tiny|rented|current)\s+)?"
    rf"{_HOME_NOUN}\s+in\s+(?P<place>{_NAME})"
)
# "I gave up the Madrid flat", "we sold our house in Leeds", "I moved out of my flat in Bath".
_HOME_GIVEN_UP = re.compile(
    rf"(?:{_WE}|\b(?:and|then)\s+{_NOW})(?:gave\s+up|sold|left|moved\s+out\s+of|let\s+go\s+of)\s+(?:my|our|the)\s+"
    rf"(?:(?:old|little|small)\s+)?(?:(?P<place>{_NAME})[\w'’-]*\s+)?{_HOME_NOUN}\b"
    rf"(?:\s+in\s+(?P<city>{_NAME}))?"
)
_MISSED = re.compile(r"\b(?:miss|missed|used\s+to|former|previous|sold|left)\b")
_CHAINED_PLACE = re.compile(rf"\s+in\s+(?P<place>{_NAME})")
# "Emaar hired me as a project manager", "Acme took me on".
_HIRED_ME = re.compile(
    rf"(?<![\w'’])(?P<org>{_RUN})\s+(?:has\s+|have\s+)?{_NOW}"
    r"(?:hired\s+me|employed\s+me|signed\s+me|took\s+me\s+on)\b"
    rf"(?:\s+as\s+(?:(?:a|an)\s+)?{_TITLE}\b)?"
)
_AFTER_PREPOSITION = re.compile(r"\b(?:in|at|from|near|to|of|by|for|with)\s+$", re.I)
_OFFER_FROM = re.compile(
    rf"{_I}(?:accepted|took|signed)\s+(?:an?|the|their)\s+(?:(?:job|new|full-time)\s+)*"
    rf"(?:offer|contract)\s+(?:from|with|at)\s+(?:the\s+)?(?P<org>{_NAME})"
)
# "Deloitte let me transfer to their Bristol office".
_LET_ME = re.compile(
    rf"(?<![\w'’])(?P<org>{_RUN})\s+(?:let|allowed|lets|"
    r"is\s+letting)\s+me\s+(?:transfer|move|relocate)\b"
)
# A sentence that is a title: "Senior developer!", "A postdoc at EPFL, so I moved to Lausanne".
_TITLE_ALONE = re.compile(
    rf"(?:(?:A|An)\s+)?(?P<lead>{_NAME}[a-z-]*\s+)?(?P<title>(?:[a-z]+(?:-|\s+)){{0,2}}?"
    rf"(?:{_JOB}))(?:\s+(?:at|for|with)\s+(?P<org>{_RUN}))?\s*(?:[!.]|,\s+so\b|$)"
)
_FREELANCE = re.compile(
    r"\bI(?:['’]m|\s+am|['’]ve\s+(?:gone|been)|\s+have\s+(?:gone|been)|\s+went|\s+work"
    rf"|['’]m\s+working|\s+am\s+working)\s+{_NOW}(?:a\s+)?"
    r"(?P<word>freelancing|freelance|freelancer|self-employed)\b"
)
# A workplace left, not named: "I left the studio in the summer" (named: :mod:`._changes`).
_LEFT_PLACE = re.compile(
    rf"{_I}(?:left|quit)\s+(?:the|my)\s+(?P<place>(?:[a-z]+\s+)?(?:{lex.WORKPLACES}))\b"
    r"(?!\s+(?:at|early|late|for\s+(?:home|the\s+day)|to\s+go)\b)"
)
# A job that ended: its title ended with it ("I quit Renault", "I was laid off").
_JOB_ENDED = re.compile(
    rf"{_I}(?:(?:quit|left|packed\s+in)\s+(?:my\s+job\b|(?:the\s+)?(?P<org>{_NAME}))|resigned\b|retired\b"
    r"|(?:was|got|been)\s+(?:laid\s+off|fired|let\s+go|made\s+redundant)\b|lost\s+my\s+job\b"
    # "I took voluntary redundancy", "I've been unemployed since April"
    r"|took\s+(?:the\s+|a\s+)?(?:voluntary\s+)?redundancy\b)"
    # the employer did it, unnamed: "the dealership laid me off Friday", "they let me go"
    r"|\b(?:[Tt]hey|[Tt]he\s+[a-z]+|[Mm]y\s+(?:boss|company|employer|manager))\s+(?:just\s+)?"
    r"(?:laid\s+me\s+off|fired\s+me|sacked\s+me|made\s+me\s+redundant)\b"
    r"|\bI(?:['’]m|\s+am|['’]ve\s+been|\s+have\s+been)\s+(?:now\s+)?"
    r"(?:unemployed|out\s+of\s+work|between\s+jobs)\b(?!\s+for\b)"
    # "I handed in my notice", "I've put in my resignation": the job ends
    r"|\bI(?:['’]ve|\s+have)?\s+(?:just\s+|finally\s+|officially\s+)?"
    r"(?:handed|put|gave|given|turned|sent)\s+(?:in\s+)?my\s+(?:notice|resignation)\b"
    # not a home's: "I gave my notice to the landlord", "... on the flat"
    r"(?!(?:\s+in)?\s+(?:to|on)\s+(?:the|my|our)\s+(?:landlord|landlady|flat|apartment|house"
    r"|lease|tenancy|letting\s+agent)\b)"
    # "I don't work there anymore", "My contract ended in March"
    r"|\bI\s+(?:don['’]t|do\s+not|no\s+longer)\s+work\s+there\b"
    r"|\b[Mm]y\s+(?:job|contract)\s+(?:ended|finished|came\s+to\s+an\s+end|was\s+terminated)\b"
)
# A job's end that names no employer and needs none: whatever job the speaker had ended.
_UNNAMED_END = re.compile(
    r"\b(?:laid\s+(?:me\s+)?off|fired|sacked|let\s+go|made\s+(?:me\s+)?redundant|lost\s+my\s+job"
    r"|redundancy|unemployed|out\s+of\s+work|between\s+jobs|resigned|retired|notice|resignation"
    r"|(?:quit|left|packed\s+in)"
    r"\s+my\s+job|work\s+there|(?:job|contract)\s+(?:ended|finished|came|was))\b"
)
# What ended told right after: "laid off from Stripe", "resigned from the committee", "resigned as
# treasurer".
_TOLD_WHOSE = re.compile(r"\s+(?:from|by|at|with|as)\s")
# "I quit nursing": the work itself, as a gerund whose doer is a job noun (see _is_occupation).
_QUIT_WORK = re.compile(rf"{_I}quit\s+(?P<work>[a-z]{{3,}}ing)\b")
# How a job noun is made from its work's stem: nurs-e, teach-er, consult-ant, bartend-er.
_DOER_ENDINGS = ("e", "er", "or", "ant", "ist")
# "Selling the Enfield breaks my heart", "I'm selling my car".
_SELLING = re.compile(
    rf"(?:^\W*|\b(?:I|[Ww]e)(?:['’]m|\s+am|['’]re|\s+are)\s+{_NOW})"
    r"(?:[Ss]elling|[Gg]iving\s+away|[Gg]etting\s+rid\s+of)\s+(?:my|our|the)\s+"
    rf"(?:(?:old|beloved|little)\s+)?(?:(?P<name>{_NAME})|(?P<object>[a-z][a-z-]*"
    r"(?:\s+[a-z][a-z-]*)?)(?=\s*(?:[.,;:!?]|$|\s+(?:breaks|is|was|will|to|for|because|this|"
    r"next|soon)\b)))"
)
# "I still drive my old Saab", "Drove the Jeep down", "Still driving my old Corolla", "Gonna
# fix up the Sea Ray", "My Vespa, yes, every day"; anywhere, "my old Corolla" (a person is
# "my Tom" too, never "my old" or "my trusty" one).
_RIDE_MINE = re.compile(
    rf"(?:{_WE}|^\W*(?i:(?:still|gonna|just|finally|also|now)\s+)*)"
    r"(?:ride|riding|drive|driving|drove|rode|sail|sailing|sailed|fix\s+up|fixing\s+up)\s+"
    rf"(?:my|our|the)\s+(?:(?:[a-z]+)\s+)?(?P<name>{_NAME})"
    rf"|\b(?:[Mm]y|[Oo]ur)\s+(?:old|used|trusty|beloved|second-hand)\s+(?P<old>{_NAME})"
)
_MINE_ALONE = re.compile(rf"\W*My\s+(?P<name>{_NAME})[^\s,!.]*(?:\s+{_NAME}[^\s,!.]*)*\s*[,!]")
_RUN_AT = re.compile(_RUN)
# Capitalised words after "my" that name no thing: "My God, yes".
_NO_THINGS = frozenset(("god", "gosh", "goodness", "lord", "dear", "bad", "pleasure"))


def _named(
    at: dict[int, Mention], graph: ChunkGraph, start: int, *, person: bool = False
) -> Mention | None:
    """The name starting at ``start``; ``None`` when there is none or it is a person's (unless
    ``person``)."""
    mention = at.get(start)
    if mention is None or person:
        return mention
    entry = graph.entities.get(mention.key)
    kind = entry[1] if entry is not None else mention.hint
    return None if kind == _PERSON or mention.hint == _PERSON else mention


def _relate_self(
    graph: ChunkGraph, speaker: str, predicate: str, key: str | None, description: str, kind: str
) -> bool:
    """Relate the speaker to ``key`` by ``predicate`` (of ``kind``), unless the rule found no
    name or the name is the speaker's own; whether it did."""
    if key is None or key == speaker:
        return False
    graph.relate(speaker, predicate, key, description, FactTime(kind=kind))
    return True


def _run_name(
    text: str,
    start: int,
    at: dict[int, Mention],
    graph: ChunkGraph,
    description: str,
    hint: str,
) -> str | None:
    """The key of the name at ``start``: the sentence's mention there (no person's), else the
    capitalised run there, which the rule's words type as ``hint`` (a chat sentence's first word
    is no mention unless the chunk capitalises it elsewhere, but "Oslo is home now" names Oslo)."""
    if start in at:
        mention = _named(at, graph, start)
        return None if mention is None else mention.key
    run = _RUN_AT.match(text, start)
    if run is None:
        return None
    name = run.group().rstrip(".")
    words = name.casefold().split()
    if any(w in lex.NON_NAME_WORDS or w in lex.PERSON_NOUNS or w in _NO_THINGS for w in words):
        return None
    graph.add_entity(name.casefold(), name, hint, description)
    return name.casefold()


def _place(at: dict[int, Mention], graph: ChunkGraph, start: int) -> Mention | None:
    mention = _named(at, graph, start)
    if mention is None:
        return None
    entry = graph.entities.get(mention.key)
    kind = entry[1] if entry is not None else mention.hint
    return None if kind in ("Organization", "Product", "Work") else mention


def _plain(words: str) -> bool:
    """Whether a lower-case phrase is a thing, not a function or vague word."""
    return not any(w in lex.NON_NAME_WORDS or w in lex.VAGUE_OBJECTS for w in words.split())


def homes(
    text: str, speaker: str, at: dict[int, Mention], graph: ChunkGraph, description: str
) -> list[Span]:
    """ "Gothenburg is home now", "I'll stay in London for now", "my flat in Madrid": the
    speaker's home; "I gave up the Madrid flat": its end."""
    spans: list[Span] = []
    for match in _HOME_GIVEN_UP.finditer(text):
        for group in ("place", "city"):
            place = _place(at, graph, match.start(group)) if match.group(group) else None
            if place is not None:
                time = FactTime(kind="lives_in", retracted=True)
                graph.relate(speaker, "moved out of", place.key, description, time)
                spans.append(match.span())
    if spans:
        return spans
    found: list[tuple[re.Match[str], int]] = [
        (m, m.start("place")) for m in _IS_HOME.finditer(text)
    ]
    found += [(m, m.start("place")) for m in _ARRIVED_TO_START.finditer(text)]
    for match in _HOME_IS.finditer(text):
        # each alternative names its place in a group of its own: the one that matched
        group = next(name for name, value in match.groupdict().items() if value)
        found.append((match, match.start(group)))
    for match in _MY_HOME_IN.finditer(text):
        if _MISSED.search(text, max(0, match.start() - 30), match.start()):
            continue  # "I miss my flat in Madrid": a home left
        start = match.start("place")
        place = at.get(start)
        while place is not None:  # "in Lavapiés in Madrid": the city
            chained = _CHAINED_PLACE.match(text, place.end)
            if chained is None or chained.start("place") not in at:
                break
            start, place = chained.start("place"), at[chained.start("place")]
        found.append((match, start))
    for match, start in found:
        place = _place(at, graph, start)
        key = place.key if place is not None else None
        if start not in at and match.re is _IS_HOME:
            key = _run_name(text, start, at, graph, description, "Place")
        if _relate_self(graph, speaker, "lives in", key, description, "lives_in"):
            spans.append(match.span())
    return spans


def hired(
    text: str, speaker: str, at: dict[int, Mention], graph: ChunkGraph, description: str
) -> list[Span]:
    """ "Emaar hired me as a project manager", "I accepted an offer from Booking.com",
    "Deloitte let me transfer to their Bristol office": the employer (and the title)."""
    spans: list[Span] = []
    for pattern in (_HIRED_ME, _OFFER_FROM, _LET_ME):
        for match in pattern.finditer(text):
            if pattern is _HIRED_ME and match.group("title") and _plain(match.group("title")):
                title = graph.add_concept(" ".join(match.group("title").split()), description)
                graph.relate(speaker, "job title", title, description, FactTime(kind="job_title"))
            if pattern is not _OFFER_FROM:
                # The employer is the clause's subject: "A hotel in Milan hired me" names no
                # employer Milan, and a place hires nobody.
                org = at.get(match.start("org"))
                if _AFTER_PREPOSITION.search(text, 0, match.start("org")) or (
                    org is not None and is_place(org, graph)
                ):
                    continue
            # "An offer from X" makes X an employer, whatever "from" made of its type.
            key = _run_name(text, match.start("org"), at, graph, description, "Organization")
            if _relate_self(graph, speaker, "works at", key, description, "works_at"):
                spans.append(match.span())
    return spans


def studies(
    text: str, speaker: str, at: dict[int, Mention], graph: ChunkGraph, description: str
) -> list[Span]:
    """ "I arrived to start my master's at LSE", "I'm doing my PhD at ETH", "I enrolled at UHI":
    studies there; "Graduated from UNISA", "I dropped out": their end."""
    spans: list[Span] = []
    for match in (*DEGREE_AT.finditer(text), *SCHOOL_STARTED.finditer(text)):
        named = "org_2" if "org_2" in match.re.groupindex and match.group("org_2") else "org"
        key = _run_name(text, match.start(named), at, graph, description, "Organization")
        if _relate_self(graph, speaker, "studies at", key, description, "studies_at"):
            spans.append(match.span())
    for match in STUDIES_ENDED.finditer(text):
        group = next((g for g in ("org", "org_2", "org_3") if match.group(g)), None)
        org = _named(at, graph, match.start(group)) if group else None
        time = FactTime(kind="studies_at", retracted=True)
        graph.relate(speaker, "finished studies at", org.key if org else "", description, time)
        spans.append(match.span())
    return spans


def titles_alone(
    text: str, speaker: str, at: dict[int, Mention], graph: ChunkGraph, description: str
) -> list[Span]:
    """ "Senior developer!", "A postdoc at EPFL, so I moved": a sentence that is a title (and
    its employer); "I'm freelancing now": the title freelancer."""
    spans: list[Span] = []
    match = _TITLE_ALONE.match(text.strip())
    if match is not None:
        lead = (match.group("lead") or "").lower()
        words = f"{lead}{match.group('title')}".split()
        if _plain(" ".join(words)) and not words[0].endswith(("'s", "’s")):
            title = graph.add_concept(" ".join(words), description)
            graph.relate(speaker, "job title", title, description, FactTime(kind="job_title"))
            if match.group("org"):
                offset = len(text) - len(text.lstrip())
                org = _named(at, graph, match.start("org") + offset)
                if org is not None and not is_place(org, graph):
                    time = FactTime(kind="works_at")
                    graph.relate(speaker, "works at", org.key, description, time)
            spans.append((0, len(text)))
    for match in _FREELANCE.finditer(text):
        title = graph.add_concept("freelancer", description)
        graph.relate(speaker, "works as", title, description, FactTime(kind="job_title"))
        spans.append(match.span())
    return spans


def jobs_left(
    text: str, speaker: str, at: dict[int, Mention], graph: ChunkGraph, description: str
) -> list[Span]:
    """ "I left the studio in the summer": the end of ``works_at`` that workplace; a job that
    ended ("I quit Renault", "I quit nursing") ends the job title too, unless the sentence
    names a new one."""
    spans: list[Span] = []
    ended = False
    for match in _LEFT_PLACE.finditer(text):
        place = " ".join(match.group("place").split())
        if not _plain(place):
            continue
        target = graph.add_concept(place, description)
        time = FactTime(kind="works_at", retracted=True)
        graph.relate(speaker, "left", target, description, time)
        spans.append(match.span())
        # "I left the office and went home" is an evening, not a job: leaving ends the job
        # (and its title) when quit or dated ("I left the studio in the summer").
        ended = ended or "quit" in match.group().split() or has_date(text)
    # "I was laid off", "I quit nursing": the job ends without naming the employer: that ends too.
    unnamed = any(_is_occupation(m.group("work")) for m in _QUIT_WORK.finditer(text))
    for match in _JOB_ENDED.finditer(text):
        org = _named(at, graph, match.start("org")) if match.group("org") else None
        if org is not None and is_institution(org.name):
            continue  # "I left Utrecht University": studies ended, no job
        if not match.group("org") or (org is not None and not is_place(org, graph)):
            ended = True
        told_whose = _TOLD_WHOSE.match(text, match.end()) is not None
        if not match.group("org") and not told_whose and _UNNAMED_END.search(match.group()):
            unnamed = True
    stated = graph.stated_kinds()
    if (ended or unnamed) and "job_title" not in stated:
        time = FactTime(kind="job_title", retracted=True)
        graph.relate(speaker, "no longer works as", "", description, time)
    if unnamed and "works_at" not in stated:
        time = FactTime(kind="works_at", retracted=True)
        graph.relate(speaker, "no longer works at", "", description, time)
    return spans


def _is_occupation(gerund: str) -> bool:
    """Whether ``gerund`` names a job's work ("nursing": a nurse's; "consulting": a
    consultant's), not a pastime ("running", "cooking": no job noun is made from them so)."""
    stem = gerund[: -len("ing")]
    return any(stem + ending in lex.JOB_NOUNS for ending in _DOER_ENDINGS)


def things(
    text: str, speaker: str, at: dict[int, Mention], graph: ChunkGraph, description: str
) -> list[Span]:
    """ "Selling the Saab breaks my heart": the end of ``owns``; "no more chocolate for me": the
    end of ``likes``."""
    spans: list[Span] = []
    for match in _SELLING.finditer(text):
        if match.group("name"):
            named = _named(at, graph, match.start("name"))
            target = named.key if named is not None else None
        else:
            target = match.group("object")
            target = graph.add_concept(target, description) if _plain(target) else None
        if target is not None:
            time = FactTime(kind="owns", retracted=True)
            graph.relate(speaker, "selling", target, description, time)
            spans.append(match.span())
    return spans


def mine(
    text: str, speaker: str, at: dict[int, Mention], graph: ChunkGraph, description: str
) -> list[Span]:
    """ "I still drive my old Saab", "Drove the Jeep down", "my old Corolla", "My Vespa, yes,
    every day": ``owns``."""
    found = list(_RIDE_MINE.finditer(text))
    if text[:8].lstrip(" \"'“(").startswith("My "):  # one look spares most sentences the regex
        found += filter(None, [_MINE_ALONE.match(text)])
    spans: list[Span] = []
    for match in found:
        start = match.start("name" if match.group("name") else "old")
        named = _named(at, graph, start)
        if named is not None and is_place(named, graph):
            continue
        key = _run_name(text, start, at, graph, description, "")
        if (speaker, key) in graph.claimed:
            continue  # "I gave him my old Corolla": read as given away
        if _relate_self(graph, speaker, "owns", key, description, "owns"):
            spans.append(match.span())
    return spans


#: The rules and the words without which each cannot match (lower case).
IMPLIED_RULES = {
    homes: frozenset(("home", "stay", "staying", "flat", "apartment", "house", "place", "condo",
                      "loft", "arrived", "landed", "been", "settled", "renting", "keys", "live",
                      "lived", "living", "back", "based", "move", "made", "resident")),
    hired: frozenset(("hired", "employed", "took", "signed", "offer", "contract", "let", "lets",
                      "allowed", "letting")),
    studies: frozenset(("master", "masters", "phd", "doctorate", "degree", "bachelor", "mba",
                        "studies", "msc", "bsc", "course", "diploma", "enrolled", "enrolling",
                        "registered", "graduated", "dropped", "dropping", "uni", "university",
                        "college", "apprenticeship", "completed", "finished")) | STUDY_WORDS,
    titles_alone: lex.JOB_NOUNS | {"freelancing", "freelance", "self"},
    jobs_left: frozenset(("left", "quit", "resigned", "retired", "laid", "fired", "redundant",
                          "lost", "redundancy", "unemployed", "work", "jobs", "packed", "contract",
                          "job", "notice", "resignation")),
    things: frozenset(("selling", "giving", "getting")),
    mine: frozenset(("ride", "riding", "drive", "driving", "drove", "rode", "my", "our", "sail",
                     "sailing", "sailed", "fix", "fixing")),
}  # fmt: skip
