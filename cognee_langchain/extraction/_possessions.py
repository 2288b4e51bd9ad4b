"""Pets and things told of without a verb of getting or selling, for the offline extractor's
change rules (:mod:`._changes`): a pet introduced by what it is ("Meet Biscuit, our new puppy!",
"Miso, our new cat, is settling in") -> ``has_pet``; a thing lost ("My Vespa was stolen", "The
Fiat got written off") -> the end of ``owns``; an owner said so ("I'm the proud owner of a
Vespa") -> ``owns``.
"""

from __future__ import annotations

import re

from cognee_langchain.extraction import _lexicon as lex
from cognee_langchain.extraction._chunk_graph import ChunkGraph, FactTime
from cognee_langchain.extraction._mentions import Mention
from cognee_langchain.extraction._sentences import Sentence, turn_before
from cognee_langchain.extraction._subjects import PERSON, Span, is_place
from cognee_langchain.extraction.kinds import PET_ANIMALS

__all__ = ["THINGS_TOLD_WORDS", "thing_let_go_by_pronoun", "things_told"]

# A pet introduced by what it is to the speaker: "Meet Biscuit, our new puppy!", "Miso, our new
# cat, is settling in".
_PET_INTRODUCED = re.compile(
    r"(?<![\w'’])(?P<name>[^\W\d_a-z][\w'’-]*),\s+(?:our|my)\s+(?:(?:new|little|rescue|baby)\s+)*"
    rf"(?:{'|'.join(sorted(PET_ANIMALS, key=len, reverse=True))})\b"
)
# A thing lost without a sale: "My Vespa was stolen", "The Fiat got written off".
_THING_GONE = re.compile(
    r"\b(?:[Mm]y|[Oo]ur|[Tt]he)\s+(?:old\s+|poor\s+)?(?:(?P<name>[^\W\d_a-z][\w'’.-]*"
    rf"(?:\s+[^\W\d_a-z][\w'’.-]*)*)|(?P<object>{lex.VEHICLES}))"
    r"\s+(?:(?:got|was|has\s+been|had\s+been)\s+(?:stolen|written\s+off|"
    r"totall?ed|scrapped|nicked|repossessed)"
    # "The Camry is gone, sold it in March"
    r"|(?:is|['’]s)\s+gone(?!\s+(?:to|for|up|down|out|in|on|back|off)\b))\b"
)
# A thing held since a time, or just come: "I've had my Tesla since March", "I've been driving a
# Tesla since April", "My new Tesla arrived last week".
_HAD_SINCE = re.compile(
    r"\bI(?:['’]ve|\s+have)\s+(?:had|been\s+driving|been\s+riding)\s+(?:my|our|a|an|the)\s+"
    r"(?:(?:new|used|little|second-hand)\s+)?(?P<name>[^\W\d_a-z][\w'’.-]*)(?=[^.!?]*\bsince\b)"
    r"|\b(?:[Mm]y|[Oo]ur)\s+new\s+(?P<name_2>[^\W\d_a-z][\w'’.-]*)\s+"
    r"(?:arrived|came|was\s+delivered|got\s+delivered)\b"
)
# A thing taken from the speaker: "somebody stole the bakkie", "some mongrel nicked the tinnie".
_STOLEN = re.compile(
    r"\b(?:[Ss]ome(?:one|body)|[Ss]ome\s+[a-z]+|[Aa]\s+thief|[Tt]hieves|[Tt]hey)\s+"
    r"(?:stole|nicked|pinched)\s+"
    r"(?:my|our|the)\s+(?:(?:new|old|poor)\s+)?(?:(?P<name>[^\W\d_a-z][\w'’.-]*)"
    r"|(?P<object>car|bike|motorbike|scooter|van|truck|boat|bakkie|ute|tinnie|caravan|laptop))\b"
)
# A named thing let go: "I traded the Golf in for a Tesla", "I part-exchanged the Golf", "I crashed
# the Golf, it's a write-off" (a crash alone ends nothing), "a lad bought the Golf off me".
_LET_GO = re.compile(
    r"\b(?:I|[Ww]e)\s+(?:(?:traded|swapped)\s+(?:the|my|our)\s+(?P<name>[^\W\d_a-z][\w'’.-]*)\s+in\b"
    r"|part[- ]exchanged\s+(?:the|my|our)\s+(?P<name_2>[^\W\d_a-z][\w'’.-]*)"
    r"|(?:crashed|wrecked|pranged)\s+(?:the|my|our)\s+(?P<name_3>[^\W\d_a-z][\w'’.-]*)"
    r"(?=[^.!?]{0,40}\b(?:write-?off|written\s+off|totall?ed)\b))"
    r"|\bbought\s+(?:the|my|our)\s+(?P<name_4>[^\W\d_a-z][\w'’.-]*)\s+off\s+(?:me|us)\b"
)
# "I'm the proud owner of a Vespa", "we're now the owners of a narrowboat".
_OWNER_OF = re.compile(
    r"\b(?:I(?:['’]m|\s+am)|[Ww]e(?:['’]re|\s+are))\s+(?:now\s+)?(?:the\s+)?(?:proud\s+)?"
    r"(?:new\s+)?owners?\s+of\s+(?:a|an|the)\s+(?:(?:new|used|little|second-hand)\s+)?"
    r"(?:(?P<name>[^\W\d_a-z][\w'’.-]*(?:\s+[^\W\d_a-z][\w'’.-]*)*)"
    r"|(?P<object>[a-z][a-z-]+(?:\s+[a-z][a-z-]+)?))"
)


def things_told(
    text: str, speaker: str, at: dict[int, Mention], graph: ChunkGraph, description: str
) -> list[Span]:
    """ "Meet Biscuit, our new puppy!", "My Vespa was stolen", "I'm the proud owner of a Vespa":
    a pet, the end of a thing owned, a thing owned."""
    spans: list[Span] = []
    for match in _PET_INTRODUCED.finditer(text):
        named_pet = _named_here(match, at, graph, description)
        if named_pet is not None and named_pet != speaker:
            graph.relate(speaker, "has pet", named_pet, description, FactTime(kind="has_pet"))
            spans.append(match.span())
    for pattern, ended in (
        (_THING_GONE, True),
        (_STOLEN, True),
        (_LET_GO, True),
        (_OWNER_OF, False),
        (_HAD_SINCE, False),
    ):
        for match in pattern.finditer(text):
            groups = match.groupdict()
            owned: str | None = (
                graph.add_concept(groups["object"], description)
                if groups.get("object")
                else _named_here(match, at, graph, description)
            )
            if owned is None or owned == speaker:
                continue
            time = FactTime(kind="owns", retracted=ended)
            graph.relate(speaker, "lost" if ended else "owns", owned, description, time)
            spans.append(match.span())
    return spans


def _named_here(
    match: re.Match[str], at: dict[int, Mention], graph: ChunkGraph, description: str
) -> str | None:
    """The key of the name ``match``'s ``name`` group spans: its mention, or (a sentence's first
    word, which mentions skip) a new entity; ``None`` for a word no name is."""
    group = next(g for g in ("name", "name_2", "name_3", "name_4") if match.groupdict().get(g))
    mention = at.get(match.start(group))
    if mention is not None:
        return mention.key
    name = match.group(group)
    if name.lower() in lex.NON_NAME_WORDS:
        return None
    graph.add_entity(name.casefold(), name, "", description)
    return name.casefold()


#: The words without one of which :func:`things_told` cannot match (lower case).
THINGS_TOLD_WORDS = frozenset(
    {word for animal in PET_ANIMALS for word in animal.split()}
    | {"stolen", "written", "scrapped", "nicked", "totaled", "totalled", "owner", "owners",
       "repossessed", "gone", "since", "arrived", "came", "delivered", "stole", "pinched",
       "traded", "swapped", "exchanged", "crashed", "wrecked", "pranged", "off"}
)  # fmt: skip


# A thing let go, named by a pronoun: "Sold her in October", "I sold it in May", "I gave it to my
# nephew", "we got rid of it", "crashed it ..., it's a write-off" (not "gave her a lift").
_LET_GO_BY_PRONOUN = re.compile(
    r"(?:^\W*(?:(?:nope|yes|yeah|no|well|oh|so|aye|ja)\W+)*|\b(?:I|[Ww]e)\s+)"
    r"(?:(?:just|finally|already|also|actually)\s+)?"
    r"(?P<verb>(?i:sold|gave\s+away|gave|traded\s+in|got\s+rid\s+of|scrapped|donated))\s+"
    r"(?:it|her|him)\b(?!\s+(?:a|an|the|my|some|back|up)\b)"
    # a crash, if the turn says the thing is a write-off
    r"|(?:^\W*|\b(?:I|[Ww]e)\s+)(?P<crash>(?i:crashed|wrecked|pranged|totall?ed))\s+(?:it|her)\b"
)
_WRITE_OFF = re.compile(r"\b(?:write-?off|written\s+off|totall?ed)\b", re.I)
_LET_GO_AS = {"crashed": "lost", "wrecked": "lost", "pranged": "lost", "totaled": "lost",
              "totalled": "lost", "gave": "gave away", "donated": "gave away"}  # fmt: skip


def thing_let_go_by_pronoun(
    sentences: list[Sentence],
    index: int,
    said_in: dict[int, list[Mention]],
    graph: ChunkGraph,
    description: str,
) -> None:
    """A thing the speaker let go, named by a pronoun ("Sold her in October."): the one the
    turn named before it, else the one the other speaker's question just before named ("Are you
    still taking the kids out on the Ski-Doo?" - "Nope. Sold her in October."); a crash only
    when the turn says it was a write-off."""
    sentence = sentences[index]
    text = sentence.text
    match = _LET_GO_BY_PRONOUN.search(text) if sentence.speaker else None
    if match is None or sentence.speaker is None:
        return
    turn = (sentence.line, sentence.speaker)
    if match.group("crash") and not any(
        _WRITE_OFF.search(s.text) for s in sentences[index:] if (s.line, s.speaker) == turn
    ):
        return  # a crash alone ends nothing
    earlier, asked = turn_before(sentences, index)
    # then the other speaker's turn just before, when it asked something
    if any(sentences[i].text.rstrip().endswith("?") for i in asked):
        earlier += asked
    speaker = sentence.speaker.casefold()
    for i in earlier:
        # a thing: named, not typed a person (an untyped name may be one) nor a place
        things = [
            m
            for m in said_in.get(i, [])
            if m.key != speaker
            and (m.hint or graph.entities.get(m.key, ["", PERSON])[1]) != PERSON
            and not is_place(m, graph)
        ]
        if things:
            verb = (match.group("verb") or match.group("crash")).lower()
            verb = _LET_GO_AS.get(verb, " ".join(verb.split()))
            graph.relate(speaker, verb, things[-1].key, description, FactTime())
            return
