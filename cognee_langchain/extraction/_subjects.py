"""The first person of a speaker's statements, for the offline extractor's change rules
(:mod:`._changes`, :mod:`._couples`, :mod:`._implied`, :mod:`._pastimes`): "I", "we" and the
adverbs that may follow them, where the thing they name ends, who may be a partner and what is a
place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from cognee_langchain.core.defaults import DEFAULT_ENTITY_TYPE
from cognee_langchain.extraction import _lexicon as lex
from cognee_langchain.extraction._chunk_graph import PLACE_TYPES, ChunkGraph
from cognee_langchain.extraction._mentions import Mention
from cognee_langchain.extraction.kinds import KindMatch, base_form

__all__ = [
    "I_SUBJECT",
    "NOW",
    "OBJECT_END",
    "PERSON",
    "WE_SUBJECT",
    "Span",
    "is_institution",
    "is_person",
    "is_place",
    "studies_not_jobs",
]

#: ``(start, end)`` of a stretch of a sentence's text.
Span = tuple[int, int]

#: Adverbs after the subject: "I also lost", "we finally moved", "I've just sold".
NOW = r"(?:(?:now|currently|officially|finally|just|still|also|recently|actually|even)\s+)*"
#: "I", "I've", "I have" and adverbs.
I_SUBJECT = rf"\bI(?:['’]ve|\s+have)?\s+{NOW}"
#: "we" or "I", as in I_SUBJECT.
WE_SUBJECT = rf"\b(?:[Ww]e|I)(?:['’]ve|\s+have)?\s+{NOW}"

#: What a thing got or given up is followed by: the clause's end, a date, a place, a buyer.
OBJECT_END = (
    r"(?=\s*(?:[.,;:!?)]|$|\s+(?:last|yesterday|today|this|on|in|for|after|because|from|"
    r"two|three|four|five|six|a|an|several|few|some|named|called|with|at|to|off|back|"
    r"before|since|around|about|end|start|beginning|middle|earlier|entirely|completely|"
    r"altogether|too|now|again|lately|recently|nowadays|these|honestly|tbh|lol|though|"
    r"anyway|already|so|but|and)\b))"
)

PERSON = "Person"


def is_person(mention: Mention, graph: ChunkGraph) -> bool:
    """Whether ``mention`` may name a person: typed so, or not typed at all."""
    entry = graph.entities.get(mention.key)
    kind = entry[1] if entry is not None else mention.hint or DEFAULT_ENTITY_TYPE
    return kind in (PERSON, DEFAULT_ENTITY_TYPE)


def is_place(mention: Mention, graph: ChunkGraph) -> bool:
    """Whether ``mention`` names a place: hinted so where it stands, or typed so in the chunk."""
    entry = graph.entities.get(mention.key)
    return mention.hint in PLACE_TYPES or (entry is not None and entry[1] in PLACE_TYPES)


def is_institution(name: str) -> bool:
    """Whether ``name`` names a place of study ("Utrecht University", "Leeds College of Art")."""
    return any(word.lower() in lex.INSTITUTION_WORDS for word in name.split())


# The verbs that start or end studies as well as a job ("started at", "left", "quit").
_STUDY_VERBS = frozenset(
    ("start", "join", "leave", "quit", "begin", "enrol", "enroll", "drop", "transfer")
)


def studies_not_jobs(graph: ChunkGraph, classify: Callable[[str], KindMatch]) -> None:
    """Starting at or leaving a place of study is studies, not a job ("I started at Utrecht
    University", "I left Leeds College of Art"); teaching or working there stays a job.
    ``classify`` reads a predicate's kind where the rule that related it named none."""
    for (source, predicate, target), (said, time, order) in list(graph.relations.items()):
        entry = graph.entities.get(target)
        if entry is None or not is_institution(entry[0]):
            continue
        reading = classify(predicate) if time.kind is None else KindMatch(time.kind, time.retracted)
        if reading.kind == "works_at" and base_form(predicate.split()[0]) in _STUDY_VERBS:
            studies = replace(time, kind="studies_at", retracted=reading.retracted)
            graph.relations[source, predicate, target] = (said, studies, order)
