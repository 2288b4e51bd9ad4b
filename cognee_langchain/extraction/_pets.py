"""Pets got and gone, for the offline extractor's change rules (:mod:`._changes`).

Got, by name: "We adopted a kitten, Luna", "We adopted Luna in May", "we took in a stray cat
last week, we call her Luna", "so we got a kitten um her name's Pixie", and in chat typed all in
lower case, a name said to be one ("i got a ferret, his name is noodle"). Gone: "Gin died in July",
"Nibbles passed away", "we gave Kin to my niece", "we had to put Bluey down", "We lost Biscuit",
"Waffles got sick and we had to put him down", "we rehomed Rex" -> the end of ``has_pet`` of
that name (a no-op for a name that was no pet of the speaker's).
"""

from __future__ import annotations

import re

from cognee_langchain.extraction import _lexicon as lex
from cognee_langchain.extraction._chunk_graph import ChunkGraph, FactTime
from cognee_langchain.extraction._mentions import Mention
from cognee_langchain.extraction._sentences import is_lower_case
from cognee_langchain.extraction._subjects import WE_SUBJECT as _WE
from cognee_langchain.extraction._subjects import Span
from cognee_langchain.extraction.kinds import PET_ANIMALS

__all__ = ["ANIMAL_WORDS", "PET_GONE_WORDS", "pets_gone", "pets_got"]

_ANIMALS = "|".join(sorted(PET_ANIMALS, key=len, reverse=True))
#: The words of the animals kept as pets: a pet said to be one names one ("Luna's our new cat").
ANIMAL_WORDS = frozenset(word for animal in PET_ANIMALS for word in animal.split())
_GOT = (
    rf"{_WE}(?P<verb>adopted|rescued|got|bought|brought\s+home|took\s+in|fostered"
    # "We have a new cat, Luna": a pet new to the speaker
    rf"|(?:have|['’]ve\s+got)(?=\s+a\s+new\s+(?:[\w-]+\s+)?(?:{_ANIMALS})\b))\s+"
    r"(?:a|an|another|our|my|two|three|a\s+pair\s+of)\s+[^.;!?]{2,60}?"
)
# Its name said to be one: ", his name is", "um her name's", ", we call her", " named".
_SAID_NAME = (
    r"(?:(?:,|\s+(?:um|uh|and|so))\s+(?:(?:his|her|its|their)\s+names?(?:['’]s|\s+(?:is|are))\s+"
    # "we took in a stray cat last week, we call her Luna"
    r"|(?:we|I|i)\s+call(?:ed)?\s+(?:him|her|it|them)\s+)|\s+(?:named|called)\s+"
    # "I got a kitten in May and called her Luna"
    r"|\s+and\s+(?:named|called)\s+(?:him|her|it|them)\s+)"
)
_PET = re.compile(rf"{_GOT}(?:{_SAID_NAME}|,\s+)(?P<name>[^\W\d_a-z])")
# A pet said to be one: "Luna's our new cat", "Rex is my new rescue dog".
_IS_OUR_PET = re.compile(
    r"(?<![\w'’])(?P<name>[^\W\d_a-z][\w-]*)(?:['’]s|\s+is)\s+(?:our|my)\s+(?:new\s+)?"
    rf"(?:[\w-]+\s+)?(?:{_ANIMALS})\b"
)
# Adopted by name alone: "We adopted Luna in May", "we rescued Biscuit from the pound".
_ADOPTED_NAME = re.compile(rf"{_WE}(?P<verb>adopted|rescued)\s+(?P<name>[^\W\d_a-z])")
_LOWER_PET = re.compile(rf"{_GOT}{_SAID_NAME}(?P<name>[a-z][a-z'’-]{{1,20}})\b")
_ANIMAL = re.compile(rf"\b(?:{_ANIMALS})s?\b", re.I)


def pets_got(
    text: str, speaker: str, at: dict[int, Mention], graph: ChunkGraph, description: str
) -> list[Span]:
    """The pets ``text`` tells the speaker got, by name (a thing got by name, "I bought a van
    called Dilys", is related with no kind); the spans read."""
    spans: list[Span] = []
    for match in _PET.finditer(text):
        pet = at.get(match.start("name"))
        if pet is not None:
            spans.append(_got(match, text, speaker, pet.key, graph, description))
    for match in _IS_OUR_PET.finditer(text) if not spans else ():
        pet = at.get(match.start("name"))
        if pet is not None:
            graph.relate(speaker, "has pet", pet.key, description, FactTime(kind="has_pet"))
            spans.append(match.span())
    for match in _ADOPTED_NAME.finditer(text) if not spans else ():
        pet = at.get(match.start("name"))
        if pet is not None:
            time = FactTime(kind="has_pet")
            graph.relate(speaker, match.group("verb"), pet.key, description, time)
            spans.append(match.span())
    for match in _LOWER_PET.finditer(text) if not spans and is_lower_case(text) else ():
        word = match.group("name")
        if word not in lex.NON_NAME_WORDS:
            graph.add_entity(word, word[:1].upper() + word[1:], "", description)
            spans.append(_got(match, text, speaker, word, graph, description))
    return spans


def _got(
    match: re.Match[str], text: str, speaker: str, key: str, graph: ChunkGraph, description: str
) -> Span:
    # "got" or "bought" a puppy called Rex: a pet, as "adopted" one is (not "I've got a
    # boyfriend now, Tom")
    animal = _ANIMAL.search(text, match.start(), match.start("name")) is not None
    time = FactTime(kind="has_pet") if animal else FactTime()
    graph.relate(speaker, match.group("verb"), key, description, time)
    return match.span()


# A pet's end: "Gin died in July", "Nibbles passed away", "we gave Kin to my niece".
_PET_GONE = re.compile(
    r"(?<![\w'’])(?P<pet>[^\W\d_a-z][\w'’-]*)\s+(?:has\s+|had\s+)?(?:died|passed\s+away|"
    r"was\s+put\s+(?:down|to\s+sleep)|ran\s+away|went\s+missing|escaped|"
    r"crossed\s+the\s+rainbow\s+bridge)\b"
    # "We lost Biscuit last Tuesday", "We lost our cat Luna in May"
    rf"|{_WE}lost\s+(?:(?:our|my)\s+(?:old\s+|little\s+|sweet\s+)?(?:(?:{_ANIMALS})\s+)?)?"
    r"(?P<lost>[^\W\d_a-z])"
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
