"""Places a speaker visited told with "we" or by the time spent there, for the offline
extractor's change rules (:mod:`._changes`): "We visited Rome last summer", "we went to Crete",
"We spent two weeks in Crete in June", "I was in Lisbon for a week in April" -> ``visited``.
The generic reading has "I went to Paris" already; a place only (not "we went to Tesco's
opening", a name the chunk does not type a place).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from cognee_langchain.extraction._chunk_graph import ChunkGraph, FactTime
from cognee_langchain.extraction._mentions import Mention
from cognee_langchain.extraction._subjects import NOW, Span, is_place

__all__ = ["TRIP_RULES"]

_PLACE, _PLACE_2, _PLACE_3 = (
    rf"(?:the\s+)?(?P<{name}>[^\W\d_a-z])" for name in ("place", "place_2", "place_3")
)
_TRIP = re.compile(
    # "We visited Rome", "we went to Crete", "we flew out to Tokyo"
    rf"\b[Ww]e(?:['’]ve|\s+have)?\s+{NOW}(?:visited|went\s+(?:back\s+)?to|flew\s+(?:out\s+)?to|"
    rf"travell?ed\s+to|drove\s+(?:down\s+|up\s+)?to)\s+{_PLACE}"
    # "We spent two weeks in Crete", "I was in Lisbon for a week"
    rf"|\b(?:[Ww]e|I)\s+{NOW}spent\s+(?:a|an|the|two|three|four|five|six|ten|\d+|a\s+few|a\s+couple"
    rf"\s+of)\s+(?:[a-z]+\s+)?(?:days?|nights?|weeks?|months?|weekend)\s+in\s+{_PLACE_2}"
    rf"|\b(?:[Ww]e\s+were|I\s+was)\s+{NOW}in\s+{_PLACE_3}[\w'’-]*(?:\s+[^\W\d_a-z][\w'’-]*)*\s+for\s+"
    r"(?:a|an|the|two|three|four|five|six|ten|\d+|a\s+few|a\s+couple\s+of)\s+(?:[a-z]+\s+)?"
    r"(?:days?|nights?|weeks?|months?|weekend)\b"
)


def _trips(
    text: str, speaker: str, at: dict[int, Mention], graph: ChunkGraph, description: str
) -> list[Span]:
    """ "We visited Rome", "We spent two weeks in Crete": a place visited."""
    spans: list[Span] = []
    for match in _TRIP.finditer(text):
        group = next(name for name in ("place", "place_2", "place_3") if match.group(name))
        place = at.get(match.start(group))
        if place is None or place.key == speaker or not is_place(place, graph):
            continue
        graph.relate(speaker, "visited", place.key, description, FactTime(kind="visited"))
        spans.append(match.span())
    return spans


_Rule = Callable[[str, str, dict[int, Mention], ChunkGraph, str], list[Span]]
#: The rule and the words (lower case) without one of which it cannot match.
TRIP_RULES: Mapping[_Rule, frozenset[str]] = {
    _trips: frozenset(("visited", "went", "flew", "travelled", "traveled", "drove", "spent", "was",
                       "were")),
}  # fmt: skip
