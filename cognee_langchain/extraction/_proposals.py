"""Proposals, for the offline extractor's couple rules (:mod:`._couples`): a proposal accepted
is an engagement, with the partner named ("Mateusz proposed!", "Dara asked me to marry him", "I
proposed to Ana", "Kelvin propose on Christmas Eve!" as some speak it, "I asked Priya on the pier
and she said yes", "asked anika on the 19th, she said yes") or unnamed, the partner of the time
("I proposed on the balcony", "He proposed!"); not "Tom proposed a new plan", nor a question
answered yes ("I asked Tom about the game and he said yes"). With a ring in sight, an asking is
the proposal: "Is that a RING?" - "Ha, yep! Asked Bec on Rottnest.", "It's a ring. Harlan asked
me on Mother's Day."
"""

from __future__ import annotations

import re

from cognee_langchain.extraction._chunk_graph import ChunkGraph, FactTime
from cognee_langchain.extraction._mentions import Mention
from cognee_langchain.extraction._partners import LOWER_PARTNER, lower_case_partner
from cognee_langchain.extraction._sentences import Sentence, turn_before
from cognee_langchain.extraction._subjects import Span, is_person

__all__ = ["proposals", "ring_proposals"]

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


# A ring in sight: "Is that a RING?", "It's a ring.", "Look at my engagement ring!"
_RING = re.compile(r"\b(?:a|the|my|that|this|her)\s+(?:engagement\s+)?ring\b", re.I)
# Who asked, once a ring is in sight: "Harlan asked me on Mother's Day", "Asked Bec on Rottnest"
# (not "asked me about the ring", "asked Bec if she liked it").
_NOT_A_PROPOSAL = r"(?:about|for|if|out|what|when|where|why|how|whether|to\s+(?!marry))\b"
_ASKED_WITH_RING = re.compile(
    r"(?<![\w'’])(?P<partner>[^\W\d_a-z][\w'’-]*)\s+(?:finally\s+|just\s+)?asked\s+me\b"
    rf"(?!\s+{_NOT_A_PROPOSAL})"
    r"|(?:^\W*|\bI\s+)(?:finally\s+|just\s+)?(?i:asked)\s+(?P<asked>[^\W\d_a-z][\w'’-]*)"
    rf"(?!\s+{_NOT_A_PROPOSAL})"
)


def ring_proposals(
    sentences: list[Sentence],
    index: int,
    mentions: list[Mention],
    graph: ChunkGraph,
    description: str,
) -> None:
    """An asking told where a ring is in sight, in the speaker's turn or the other speaker's
    just before, is a proposal: the speaker engaged to the one who asked or was asked
    (``mentions``: the sentence's)."""
    sentence = sentences[index]
    match = _ASKED_WITH_RING.search(sentence.text) if sentence.speaker else None
    if match is None or sentence.speaker is None:
        return
    own, other = turn_before(sentences, index)
    if not any(_RING.search(sentences[i].text) for i in (*own, *other)):
        return
    at = {mention.start: mention for mention in mentions}
    partner = at.get(match.start("partner" if match.group("partner") else "asked"))
    speaker = sentence.speaker.casefold()
    if partner is not None and partner.key != speaker and is_person(partner, graph):
        time = FactTime(kind="relationship_status")
        graph.relate(speaker, "engaged to", partner.key, description, time)
