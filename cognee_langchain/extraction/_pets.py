"""Pets gone, for the offline extractor's change rules (:mod:`._changes`): "Gin died in July",
"Nibbles passed away", "we gave Kin to my niece", "we had to put Bluey down", "We lost Biscuit",
"Waffles got sick and we had to put him down", "we rehomed Rex" -> the end of ``has_pet`` of
that name (a no-op for a name that was no pet of the speaker's).
"""

from __future__ import annotations

import re

from cognee_langchain.extraction._chunk_graph import ChunkGraph, FactTime
from cognee_langchain.extraction._mentions import Mention
from cognee_langchain.extraction._subjects import WE_SUBJECT as _WE
from cognee_langchain.extraction._subjects import Span

__all__ = ["PET_GONE_WORDS", "pets_gone"]

# A pet's end: "Gin died in July", "Nibbles passed away", "we gave Kin to my niece".
_PET_GONE = re.compile(
    r"(?<![\w'’])(?P<pet>[^\W\d_a-z][\w'’-]*)\s+(?:has\s+|had\s+)?(?:died|passed\s+away|"
    r"was\s+put\s+(?:down|to\s+sleep)|ran\s+away|went\s+missing|escaped|"
    r"crossed\s+the\s+rainbow\s+bridge)\b"
    # "We lost Biscuit last Tuesday"
    rf"|{_WE}lost\s+(?:(?:our|my)\s+(?:old\s+|little\s+|sweet\s+)?)?(?P<lost>[^\W\d_a-z])"
)
_PET_GIVEN = re.compile(
    rf"{_WE}(?:gave\s+(?P<pet>[^\W\d_a-z])[\w'’-]*\s+(?:away|to)\b"
    r"|re-?homed\s+(?P<rehomed>[^\W\d_a-z]))"
)
# "We had to put Bluey down", "we had Gin put to sleep".
_PUT_DOWN = re.compile(
    rf"{_WE}(?:had\s+to\s+)?(?:put|had)\s+(?:(?P<pet>[^\W\d_a-z])[\w'’-]*|(?:him|her))\s+"
    r"(?:put\s+)?(?:down|to\s+sleep)\b"
)
#: The words without which :func:`pets_gone` cannot match (lower case).
PET_GONE_WORDS = frozenset(
    (
        "died",
        "passed",
        "put",
        "ran",
        "gave",
        "rehomed",
        "re",
        "sleep",
        "lost",
        "crossed",
        "missing",
        "escaped",
    )
)


def pets_gone(
    text: str, speaker: str, at: dict[int, Mention], graph: ChunkGraph, description: str
) -> list[Span]:
    """ "Gin died in July", "Nibbles passed away", "we gave Kin to my niece", "we had to put
    Bluey down", "Waffles got sick and we had to put him down": the end of the speaker's pet of
    that name (a no-op for a name that was no pet of theirs)."""
    spans: list[Span] = []
    for pattern in (_PET_GONE, _PET_GIVEN, _PUT_DOWN):
        for match in pattern.finditer(text):
            named = next(
                (g for g in ("pet", "lost", "rehomed") if match.re.groupindex.get(g) and match[g]),
                None,
            )
            if named is not None:
                pet = at.get(match.start(named))
            else:  # "Waffles got really sick and we had to put him down": the name before
                before = [m for start, m in sorted(at.items()) if start < match.start()]
                pet = before[-1] if before else None
            if pet is None:
                continue
            time = FactTime(kind="has_pet", retracted=True)
            graph.relate(speaker, "no longer has", pet.key, description, time)
            spans.append(match.span())
    return spans
