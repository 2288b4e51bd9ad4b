"""Jobs a speaker tells of ending, for the offline extractor's change rules (:mod:`._changes`):
"I lost my job at Door Dash", "I quit my job at Renault", "I left Shopify" (a name not known as
a place), "I'm leaving St. Luke's" (an end to come), "my last day at Zentrix was 31st May", "Left
the council in August" (an employer named by what it is), "Northlight let me go", "I was made
redundant from Acme" -> the end of ``works_at`` there.
"""

from __future__ import annotations

import re

from cognee_langchain.extraction._chunk_graph import ChunkGraph, FactTime
from cognee_langchain.extraction._mentions import Mention
from cognee_langchain.extraction._subjects import I_SUBJECT as _I
from cognee_langchain.extraction._subjects import PERSON, Span, is_place

__all__ = ["JOB_ENDS_WORDS", "JOB_LOST", "jobs_ended"]

#: "I lost my job at Door Dash", "I quit my job at Renault": a job that ended, named.
JOB_LOST = re.compile(
    rf"{_I}(?P<verb>lost|quit|left)\s+my\s+(?:(?:old|first|last)\s+)?job\s+"
    r"(?:at|with|in)\s+(?P<org>\S)"
)
# "I left Shopify", "I've left Acme": the end of a job when the name is no place.
_LEFT = re.compile(rf"{_I}left\s+(?:the\s+)?(?P<org>[^\W\d_a-z])")
# "I'm leaving St. Luke's", "I am leaving Google at the end of the month": an end to come.
_LEAVING = re.compile(
    r"\bI(?:['’]m|\s+am)\s+(?:now\s+|finally\s+|officially\s+)?leaving\s+(?:the\s+)?"
    r"(?P<org>[^\W\d_a-z])"
)
# "I left the council", "left the bank": an employer named by what it is.
_LEFT_WORKPLACE = re.compile(
    rf"{_I}(?:left|quit)\s+(?:the|my)\s+(?P<workplace>council|company|firm|bank|agency|hospital|"
    r"practice|surgery|startup|start-up|charity|ministry|newspaper|paper|magazine|warehouse|"
    r"factory|plant|restaurant|bakery|cafe|café|shop|store)\b(?!\s+(?:at|in|on)\s+\d)"
)
# The employer ended it: "Northlight let me go", "Acme laid me off".
_LET_GO = re.compile(
    r"(?<![\w'’])(?P<org>[^\W\d_a-z][\w'’&.-]*(?:\s+[^\W\d_a-z][\w'’&.-]*){0,3})\s+"
    r"(?:has\s+|have\s+|just\s+)?"
    # not leave given: "Mum let me go to the party"
    r"(?:let\s+me\s+go(?=\s*(?:[.,;!?]|$|\s+(?:in|on|last|after|this)\b))|laid\s+me\s+off|"
    r"fired\s+me|sacked\s+me|"
    r"made\s+me\s+redundant)\b"
)
# Let go, the employer named after: "I was made redundant from Acme", "I took voluntary redundancy
# from Acme", "I was let go by Acme" (the lexicon's phrases would make "made" and "let" words that
# ask a question about jobs).
_LET_GO_FROM = re.compile(
    rf"{_I}(?:(?:was|got|been)\s+(?:made\s+redundant|let\s+go)"
    r"|took\s+(?:the\s+|a\s+)?(?:voluntary\s+)?redundancy)\s+(?:from|by|at)\s+(?:the\s+)?"
    r"(?P<org>[^\W\d_a-z])"
)
# "I finished up at the Credit Union on Friday": a job's end (a school's is studies, read so later).
_FINISHED_AT = re.compile(
    rf"{_I}finished(?:\s+up)?\s+(?:work\s+)?at\s+(?:the\s+)?(?P<org>[^\W\d_a-z])"
)
# "My last day at Zentrix was 31st May", "last shift at Boba Bliss is Friday": a job's end.
_LAST_DAY = re.compile(
    r"\b(?:[Mm]y\s+|[Oo]ur\s+)?(?:[Ll]ast|[Ff]inal)\s+(?:day|shift|duty|week)\s+(?:at|with|in)\s+"
    r"(?:the\s+)?(?P<org>[^\W\d_a-z])"
)


def jobs_ended(
    text: str, speaker: str, at: dict[int, Mention], graph: ChunkGraph, description: str
) -> list[Span]:
    """ "I lost my job at Door Dash", "I quit my job at Renault": the end of that job (the
    generic reading would stop at "my job"); "I left Shopify", "my last day at Zentrix was
    31st May": the end of a job there, unless the name is a place (a job's end names its
    employer, and ending one never held is a no-op)."""
    spans: list[Span] = []
    for match in JOB_LOST.finditer(text):
        org = at.get(match.start("org"))
        if org is not None:
            graph.relate(speaker, f"{match.group('verb')} job at", org.key, description, FactTime())
            spans.append(match.span())
    for pattern, predicate in (
        (_LEFT, "left"),
        (_LEAVING, "leaving"),
        (_LAST_DAY, "last day at"),
        (_FINISHED_AT, "left"),
    ):
        for match in pattern.finditer(text):
            org = at.get(match.start("org"))
            entry = graph.entities.get(org.key) if org is not None else None
            if org is None or entry is None or is_place(org, graph):
                continue
            if pattern is _LEAVING and entry[1] == PERSON:
                continue  # "I'm leaving Tom": a couple's end, not a job's
            time = FactTime(kind="works_at", retracted=True)
            graph.relate(speaker, predicate, org.key, description, time)
            spans.append(match.span())
    for match in (*_LET_GO.finditer(text), *_LET_GO_FROM.finditer(text)):
        org = at.get(match.start("org"))
        # "redundant from Acme": the "from" hints a place, but work is lost at an employer
        if org is not None and (match.re is _LET_GO_FROM or not is_place(org, graph)):
            time = FactTime(kind="works_at", retracted=True)
            graph.relate(speaker, "let go by", org.key, description, time)
            spans.append(match.span())
    for match in _LEFT_WORKPLACE.finditer(text):
        # "Left the council in August": the memory aims it at the one employer whose name holds
        # the word ("Leeds City Council"), or keeps it as a job's end
        workplace = graph.add_concept(match.group("workplace"), description)
        graph.relate(
            speaker, "left", workplace, description, FactTime(kind="works_at", retracted=True)
        )
        spans.append(match.span())
    return spans


#: The words without one of which :func:`jobs_ended` cannot match (lower case).
JOB_ENDS_WORDS = frozenset(
    (
        "job",
        "left",
        "last",
        "final",
        "quit",
        "let",
        "laid",
        "fired",
        "sacked",
        "made",
        "redundancy",
        "finished",
        "leaving",
    )
)
