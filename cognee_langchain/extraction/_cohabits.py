"""Partners a speaker tells of living with, for the offline extractor's change rules
(:mod:`._changes`): "I moved in with Ana", "to live with Ana", "Ana moved in with me" ->
``relationship_status`` with Ana; "we moved in together" -> with whoever the speaker is with
then. A flatmate or a relative comes with a noun ("my sister Ana") and is not
read, nor is a shared flat ("with Ana and Tom").
"""

from __future__ import annotations

import re

from cognee_langchain.extraction._chunk_graph import ChunkGraph, FactTime
from cognee_langchain.extraction._mentions import Mention
from cognee_langchain.extraction._subjects import NOW, Span, is_person

__all__ = ["COHABIT_WORDS", "cohabits"]

# Living with a named person: "I moved in with Ana", "to live with Ana", "Ana moved in with me".
_LIVE_WITH = re.compile(
    rf"(?:\bI(?:['’]m|\s+am|['’]ve|\s+have)?\s+{NOW}(?:been\s+)?|\bto\s+)"
    r"(?:live|living|moved\s+in|moving\s+in|move\s+in)\s+with\s+(?P<partner>[^\W\d_a-z])"
)
# "We moved in together": with whoever the speaker is with then.
_MOVED_IN_TOGETHER = re.compile(rf"\b[Ww]e(?:['’]ve|\s+have)?\s+{NOW}moved\s+in\s+together\b")
_MOVED_IN_WITH_ME = re.compile(
    rf"(?<![\w'’])(?P<partner>[^\W\d_a-z][\w'’-]*)\s+(?:has\s+)?{NOW}moved\s+in\s+with\s+me\b"
)
#: The words without one of which :func:`cohabits` cannot match (lower case).
COHABIT_WORDS = frozenset(("live", "living", "moved", "moving", "move", "together"))


def cohabits(
    text: str, speaker: str, at: dict[int, Mention], graph: ChunkGraph, description: str
) -> list[Span]:
    """ "I moved in with Ana", "to live with Ana", "Ana moved in with me": a partner (one
    person: "with Ana and Tom" is a shared flat); "we moved in together": the partner of the
    time."""
    spans: list[Span] = []
    for match in _MOVED_IN_TOGETHER.finditer(text):
        time = FactTime(kind="relationship_status")
        graph.relate(speaker, "lives with", "", description, time)
        spans.append(match.span())
    for pattern in (_LIVE_WITH, _MOVED_IN_WITH_ME):
        for match in pattern.finditer(text):
            partner = at.get(match.start("partner"))
            if partner is None or not is_person(partner, graph):
                continue
            if pattern is _LIVE_WITH and text[partner.end :].startswith((" and ", ", ")):
                continue
            time = FactTime(kind="relationship_status")
            graph.relate(speaker, "lives with", partner.key, description, time)
            spans.append(match.span())
    return spans
