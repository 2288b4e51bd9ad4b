"""Employers a speaker tells of working at, for the offline extractor's change rules
(:mod:`._changes`): a new job ("I got a new job, UX designer at Allegro", "I'm doing a carpentry
apprenticeship with my uncle's outfit, Southern Frame Builders", "I already got hired, St. Luke's
BGC"), one held ("I'm still at Shopify", "I am at Siemens since last month"), one named after
what it is ("I signed with a content agency out of Denver, Lumen Content", "my new employer is
Deloitte"), a workplace by its noun ("I started at a climbing gym"), and in chat typed in lower
case, the employer in lower case too ("i got a job at target").
"""

from __future__ import annotations

import re

from cognee_langchain.extraction import _lexicon as lex
from cognee_langchain.extraction._chunk_graph import ChunkGraph, FactTime
from cognee_langchain.extraction._job_ends import JOB_LOST
from cognee_langchain.extraction._mentions import Mention
from cognee_langchain.extraction._sentences import is_lower_case
from cognee_langchain.extraction._subjects import I_SUBJECT as _I
from cognee_langchain.extraction._subjects import NOW as _NOW
from cognee_langchain.extraction._subjects import (
    PERSON,
    Span,
    is_institution,
    is_place,
)

__all__ = ["EMPLOYER_WORDS", "employers", "works_at"]

_JOB = lex.JOB_PATTERN

# Work named as a thing of the speaker's: "Work at Shopify keeps me busy", "my new job at Acme".
_WORK_AT = re.compile(
    r"(?:(?<![\w'’])Work|\b[Mm]y\s+(?:new\s+|current\s+)?(?:job|work|boss|shifts?|office)"
    r"|\b(?:[a-z]+\s+)?shifts)"
    r"\s+(?:at|for|with)\s+(?:the\s+)?(?P<org>\S)"
)
# Still or now at a named employer: "Still at Qantas doing ground ops", "I'm at Monzo now,
# started ...", "I'm still at Shopify". Without "still", work must follow ("I'm at Disneyland
# now" is a visit: "working ...", "now, started ..."); a place is never an employer.
# Held since a time, it is a job too: "I am at Siemens since last month", "Been at the Co-op
# since Remembrance Day", "I've been at Monzo for two months" (not a home: "at Cyril's house").
_STILL_AT = re.compile(
    r"(?:\bI(?:['’]m|\s+am)\s+(?:(?P<still>still)\s+|now\s+)?|(?<![\w'’])(?P<still_>[Ss]till)\s+"
    r"|\bI(?:['’]ve|\s+have)\s+been\s+|(?<![\w'’])Been\s+)"
    r"at\s+(?:the\s+)?(?P<org>[^\W\d_a-z][\w'’&-]*(?:\s+[^\W\d_a-z][\w'’&-]*){0,3})"
    r"(?P<cue>\s+working\b|,?\s+now\W+(?:started|working)\b"
    r"|(?:\s+now)?,?\s+(?:since|for\s+(?:a|one|two|three|four|five|six|\d+)\s+"
    r"(?:weeks?|months?|years?))\b)?"
)
_DWELLING = re.compile(r"\s+(?:house|flat|apartments?|place|home|cottage|residence)\b")
# Chat typed all in lower case names its employer in lower case too: "i got a job at target here
# btw", "i started at pixelpit last week" (not "started at the gym": a thing, no name).
_LOWER_JOB = re.compile(
    r"\b[Ii](?:['’]ve|\s+have)?\s+(?:just\s+|finally\s+)?"
    r"(?:(?:got|landed|found)\s+(?:a|my)\s+(?:new\s+)?job|started(?:\s+work)?)\s+(?:at|with)\s+"
    r"(?P<org>[a-z][\w'’&-]*(?:\s+[a-z][\w'’&-]*){0,2})"
)
_NOT_IN_NAME = lex.NON_NAME_WORDS | lex.PREPOSITIONS | lex.DETERMINERS
# The employer said as such: "my new employer is Deloitte"; or named after what it is: "I signed
# with a content agency out of Denver, Lumen Content", "I joined a small startup, Brightwave".
_EMPLOYER_NAMED = re.compile(
    r"\b[Mm]y\s+(?:new\s+|current\s+)?employer\s+is\s+(?:now\s+)?(?:the\s+)?"
    r"(?P<org>[^\W\d_a-z])"
    rf"|{_I}(?:joined|started\s+at|signed\s+with|work(?:ing)?\s+(?:at|for)"
    r"|got\s+a\s+(?:new\s+)?job\s+(?:at|with))\s+(?:a|an)\s+(?:[\w-]+\s+){0,3}?"
    rf"(?:{lex.WORKPLACES}|consultancy|outfit|charity|nonprofit|publisher|label|business)"
    r"(?:\s+(?:out\s+of|in|from|based\s+in)\s+[^,.;!?]{1,30})?,\s+(?:the\s+)?"
    r"(?P<org_2>[^\W\d_a-z])"
)
# Joining an employer, told with its work ("I joined Northlight last month, in the design
# team"); without a word of work, joining is a club's ("I joined the Harriers").
_JOINED = re.compile(rf"{_I}joined\s+(?:the\s+)?(?P<org>[^\W\d_a-z])")
_JOB_WORDS = re.compile(
    r"\b(?:job|role|position|office|colleagues?|boss|manager|salary|contract|offer|hired|"
    r"employer|payroll|onboarding|company|firm|department|notice|resigned|interview|"
    # a job left in the same breath: "last day at Zentrix was 31st May, joined Kaveri"
    r"last\s+day|start\s+date)\b"
)
_NEW_JOB = re.compile(
    rf"{_I}(?:got|gotten|landed|started|found|took|taken|accepted)\s+(?:a|my)\s+(?:new\s+|first\s+)?"
    r"(?:job|position|role|gig)\b[^.;!?]{0,50}?\s(?:at|with|for)\s+(?P<org>\S)"
    # "I'm doing a carpentry apprenticeship with my uncle's outfit, Southern Frame Builders"
    rf"|\bI(?:['’]m|\s+am|['’]ve|\s+have)?\s+{_NOW}(?:been\s+)?(?:doing|started|got|landed|began)"
    r"\s+(?:a|an|my)\s+(?:[\w-]+\s+)?"
    r"(?:apprenticeship|internship|traineeship|placement|residency)\s+(?:at|with)\s+"
    r"(?:(?:my|our)\s+[\w'’]+(?:\s+[\w'’]+)?,\s+)?(?:the\s+)?(?P<org_6>[^\W\d_a-z])"
    # "I signed my contract with Stripe", "I've signed a contract with the Bulls"
    rf"|{_I}signed\s+(?:my|a|the)\s+(?:new\s+)?contract\s+(?:with|at)\s+(?:the\s+)?(?P<org_2>\S)"
    # "I'm employed by Northlight", "I was taken on by Arup"; "My first day at Northlight was
    # Monday"
    r"|\bI(?:['’]m|\s+am|['’]ve\s+been|\s+have\s+been|\s+was|\s+got)\s+(?:now\s+)?"
    r"(?:employed|taken\s+on|recruited)\s+(?:by|at)\s+(?:the\s+)?(?P<org_3>\S)"
    r"|\b[Mm]y\s+first\s+(?:day|week|shift)\s+(?:at|with)\s+(?:the\s+)?(?P<org_4>\S)"
    # "I already got hired, St. Luke's BGC", "Got hired by Amazon"
    r"|(?:\bI(?:['’]ve|\s+have)?\s+|^\W*)(?:already\s+|just\s+|finally\s+)?(?:got|been)\s+hired"
    r"(?:\s+by|\s+at|,)\s+(?:the\s+)?(?P<org_5>[^\W\d_a-z])"
)
# The title a new job is named by: "a new job, UX designer at Allegro", "a job: junior
# consultant at Deloitte", "a new role as head chef at Nopa".
_NEW_JOB_TITLE = re.compile(
    r"\b(?:job|position|role)(?:\s+as|\s*[,:])\s+(?:(?:a|an)\s+)?"
    rf"(?P<title>(?:[A-Za-z]+(?:-|\s+)){{0,2}}(?:{_JOB}))\s+(?:at|with|for)\b"
)
_WORKPLACE = re.compile(
    rf"\bI(?:['’]m|\s+am|['’]ve|\s+have)?\s+{_NOW}(?:started|work|working)\s+(?:at|for|in)\s+"
    r"(?:a|an)\s+(?P<place>[a-z][a-z-]*(?:\s+[a-z][a-z-]*){0,2}?)"
    r"(?=\s*(?:[.,;:!?)]|$|\s+(?:in|on|as|since|last|this|two|three|a)\b))"
)


def works_at(
    match: re.Match[str], speaker: str, at: dict[int, Mention], graph: ChunkGraph, text: str
) -> bool:
    """Relate the speaker to the employer the match's ``org`` (or ``org_2`` ...) names, if a
    name starts there."""
    groups = [
        g for g in ("org", "org_2", "org_3", "org_4", "org_5", "org_6") if g in match.re.groupindex
    ]
    group = next((g for g in groups if match.group(g)), "org")
    org = at.get(match.start(group)) if match.group(group) else None
    if org is None:
        return False
    graph.relate(speaker, "works at", org.key, text, FactTime(kind="works_at"))
    return True


def employers(
    text: str, speaker: str, at: dict[int, Mention], graph: ChunkGraph, description: str
) -> list[Span]:
    """ "I got a new job, UX designer at Allegro", "I started at a climbing gym", "Work at
    Shopify keeps me busy", "my boss at Acme": the employer, a name or a concept."""
    spans: list[Span] = []
    # "I lost my job at X" names a job that ended: no "my job at X" reading of it.
    patterns = (_NEW_JOB,) if JOB_LOST.search(text) else (_NEW_JOB, _WORK_AT)
    for pattern in patterns:
        for match in pattern.finditer(text):
            if works_at(match, speaker, at, graph, description):
                spans.append(match.span())
                named = _NEW_JOB_TITLE.search(text, match.start(), match.end())
                if pattern is _NEW_JOB and named is not None:
                    words = named.group("title").split()
                    if not any(w.lower() in lex.NON_NAME_WORDS for w in words):
                        title = graph.add_concept(" ".join(words), description)
                        time = FactTime(kind="job_title")
                        graph.relate(speaker, "job title", title, description, time)
    if _JOB_WORDS.search(text):
        for match in _JOINED.finditer(text):
            org = at.get(match.start("org"))
            entry = graph.entities.get(org.key) if org is not None else None
            if org is None or is_place(org, graph) or (entry is not None and entry[1] == PERSON):
                continue
            if works_at(match, speaker, at, graph, description):
                spans.append(match.span())
    for match in _EMPLOYER_NAMED.finditer(text):
        if works_at(match, speaker, at, graph, description):
            spans.append(match.span())
    for match in _LOWER_JOB.finditer(text) if is_lower_case(text) else ():
        words = match.group("org").split()
        name = " ".join(words[: next((i for i, w in enumerate(words) if w in _NOT_IN_NAME), 3)])
        if name and not is_institution(name):
            employer = graph.add_concept(name, description)
            graph.relate(speaker, "works at", employer, description, FactTime(kind="works_at"))
            spans.append(match.span())
    for match in _STILL_AT.finditer(text):
        org = at.get(match.start("org"))
        if org is None or not (match.group("still") or match.group("still_") or match["cue"]):
            continue
        entry = graph.entities.get(org.key)
        if org.possessive or _DWELLING.match(text, org.end) or (entry and entry[1] == PERSON):
            continue  # a home ("at Cyril's house"), or someone's ("at Mum's")
        if not is_place(org, graph) and works_at(match, speaker, at, graph, description):
            spans.append(match.span())
    for match in _WORKPLACE.finditer(text):
        place = " ".join(match.group("place").split())
        if any(word in lex.NON_NAME_WORDS for word in place.split()):
            continue
        if any(start <= match.start() < end for start, end in spans):
            continue  # "a tiny bakery, Crumbs": the name read above is the employer
        graph.add_concept(place, description)
        graph.relate(speaker, "works at", place, description, FactTime(kind="works_at"))
        spans.append(match.span())
    return spans


#: The words without one of which :func:`employers` cannot match (lower case).
EMPLOYER_WORDS = frozenset(
    ("job", "position", "role", "gig", "started", "work", "working", "boss", "shift", "shifts",
     "office", "still", "contract", "employed", "taken", "recruited", "first", "joined",
     "been", "since", "hired", "employer", "signed", "apprenticeship", "internship",
     "traineeship", "placement", "residency")
)  # fmt: skip
