"""Proposals, for the offline extractor's couple rules (:mod:`._couples`): a proposal accepted
is an engagement, with the partner named ("Mateusz proposed!", "Dara asked me to marry him", "I
proposed to Ana", "Kelvin propose on Christmas Eve!" as some speak it, "I asked Priya on the pier
and she said yes", "asked anika on the 19th, she said yes") or unnamed, the partner of the time
("I proposed on the balcony", "He proposed!"); not "Tom proposed a new plan", nor a question
answered yes ("I asked Tom about the game and he said yes").
"""

from __future__ import annotations

import re

from cognee_langchain.extraction._chunk_graph import ChunkGraph, FactTime
from cognee_langchain.extraction._mentions import Mention
from cognee_langchain.extraction._partners import LOWER_PARTNER, lower_case_partner
from cognee_langchain.extraction._subjects import Span, is_person

__all__ = ["proposals"]

# A proposal accepted is an engagement: "Mateusz proposed!", "Dara asked me to marry him", "I
# proposed to Ana".
_PROPOSED = re.compile(
    # unnamed, the partner of the time: "I proposed on the balcony", "He proposed!"
    r"\b(?P<unnamed>(?:I|[Hh]e|[Ss]he)\s+(?:finally\s+|just\s+)?(?:proposed"
    # "He popped the question in May", "she got down on one knee"
    r"|popped\s+the\s+question|got\s+down\s+on\s+one\s+knee))\b"
    r"(?!\s+(?:to|a|an|the|that|this|some|we|our|changes|cuts)\b)"
    r"|(?<![\w'’])(?P<partner>[^\W\d_a-z][\w'’-]*)\s+(?:has\s+)?(?:finally\s+|just\s+)?"
    # "proposed" with no object of its own: "Tom proposed a new plan" is no engagement.
    # "Kelvin propose on Christmas Eve!", as some speak it
    r"(?:propose[ds]?\b(?!\s+(?:a|an|the|that|this|some|we|our|to\s+(?!me\b)\w))"
    r"|asked\s+me\s+to\s+marry\s+(?:him|her|them)|popped\s+the\s+question)"
    r"|\bI\s+(?:finally\s+|just\s+)?proposed\s+to\s+(?P<proposed_to>\S)"
)
# A proposal told by its answer: "I asked Priya on the pier and she said yes", "asked anika on
# the 19th, she said yes".
_ASKED_YES = (
    # not a question asked of someone: "I asked Tom about the game and he said yes"
    r"(?![\w'’-])(?!\s+(?:about|for|if|whether|to|what|when|where|why|how|who|a|an|the|some|any)\b)"
    r"[^.!?]{0,60}?(?:,|\s+and|;)\s+(?:she|he|they)\s+said\s+yes\b"
)
_ASKED_AND_YES = re.compile(
    rf"(?:^|\bI\s+|(?<=[.!?]\s))(?:finally\s+)?asked\s+(?P<asked>[^\W\d_a-z])[\w'’-]*{_ASKED_YES}"
)
_LOWER_ASKED_AND_YES = re.compile(
    rf"(?:^|\bi\s+|(?<=[.!?]\s))(?:finally\s+)?asked\s+{LOWER_PARTNER}{_ASKED_YES}"
)


def proposals(
    text: str,
    speaker: str,
    at: dict[int, Mention],
    graph: ChunkGraph,
    description: str,
    *,
    lower_case: bool,
) -> list[Span]:
    """The engagements the proposals of ``text`` tell (``lower_case``: the chat is typed all in
    lower case, where the word in the partner's slot is the partner); the spans read."""
    spans: list[Span] = []
    time = FactTime(kind="relationship_status")
    for match in _LOWER_ASKED_AND_YES.finditer(text) if lower_case else ():
        key = lower_case_partner(match, text, graph, description)
        if key is not None:
            graph.relate(speaker, "engaged to", key, description, time)
            spans.append(match.span())
    for match in _ASKED_AND_YES.finditer(text):
        partner = at.get(match.start("asked"))
        if partner is not None and partner.key != speaker and is_person(partner, graph):
            graph.relate(speaker, "engaged to", partner.key, description, time)
            spans.append(match.span())
    for match in _PROPOSED.finditer(text):
        if match.group("unnamed"):
            graph.relate(speaker, "engaged to", "", description, time)
            spans.append(match.span())
            continue
        partner = at.get(match.start("partner" if match.group("partner") else "proposed_to"))
        if partner is not None and partner.key != speaker and is_person(partner, graph):
            graph.relate(speaker, "engaged to", partner.key, description, time)
            spans.append(match.span())
    return spans
