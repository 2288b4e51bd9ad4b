"""Who a couple's partner is, when the sentence telling the couple does not name them: the last
person the turn named before a "we" ("I met someone, Ana. We got engaged."), never a name owned,
a place or a study ("her Referendariat", "in Rome", "doing Classics"); or the one a sentence
beside an unnamed engagement tells proposed or was asked ("I'm engaged! Cathal asked me on
Saturday."); in chat typed all in lower case, the word in a partner's slot ("ethan and i broke
up"). For the offline extractor (:mod:`.offline`, :mod:`._couples`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from cognee_langchain.extraction import _lexicon as lex
from cognee_langchain.extraction._chunk_graph import ChunkGraph
from cognee_langchain.extraction._mentions import Mention
from cognee_langchain.extraction._sentences import Sentence
from cognee_langchain.extraction._subjects import PERSON, is_person

__all__ = ["LOWER_PARTNER", "lower_case_partner", "may_be_partners", "name_open_partners"]

#: Chat typed all in lower case names nobody with a capital: there the word in a partner's slot
#: is taken as the partner's name ("ethan and i broke up"), unless it is a word no name is.
LOWER_PARTNER = r"(?<![\w'’])(?P<partner>[a-z][a-z'’-]{1,20})"

# What a name after these is, is a thing, a place or a study: "she has her Referendariat", "my
# Golf", "St. John's", "met Ana in Rome", "he's doing Classics".
_NOT_A_PARTNER_AFTER = frozenset(
    ("my", "your", "his", "her", "its", "our", "their", "in", "at", "from", "doing", "studying",
     "studies", "reading", "learning", "playing", "st")
)  # fmt: skip


# Who proposed, or was asked: "Cathal asked me on Saturday", "I asked Priya on Primrose Hill".
_ASKER = re.compile(
    r"(?<![\w'’])(?P<asker>[^\W\d_a-z][\w'’-]*)\s+(?:finally\s+|just\s+)?"
    r"(?:asked\s+me\b(?!\s+(?:out|to|if|for|about|what|why|how|whether)\b)|propose[ds]?\b"
    r"|popped\s+the\s+question)"
    r"|\bI\s+(?:finally\s+|just\s+)?(?:asked|proposed\s+to)\s+(?P<asked>[^\W\d_a-z])"
)


def may_be_partners(text: str, mentions: Sequence[Mention], speaker: str | None) -> list[Mention]:
    """The mentions of sentence ``text`` that a later "we" may pair the speaker with: not the
    speaker, nor a name owned ("her Referendariat") or a saint's ("St. John's")."""
    return [
        mention
        for mention in mentions
        if mention.key != speaker and _word_before(text, mention.start) not in _NOT_A_PARTNER_AFTER
    ]


def _word_before(text: str, start: int) -> str:
    """The word right before offset ``start`` of ``text``, lower case, without a full stop."""
    before = text[max(0, start - 12) : start].split()
    return before[-1].rstrip(".").lower() if before else ""


def name_open_partners(
    sentences: Sequence[Sentence], said_in: Mapping[int, Sequence[Mention]], graph: ChunkGraph
) -> None:
    """A couple told without its partner ("I'm engaged!", "I got engaged on Saturday!") is with
    the one the next or the previous sentence of the turn tells proposed or was asked ("Cathal
    asked me on Saturday", "I asked Priya on Primrose Hill"); ``said_in``: each sentence's
    mentions."""
    for key, (_, time, place) in list(graph.relations.items()):
        if key[2] or time.retracted or time.kind != "relationship_status":
            continue
        index = place[0]
        told = sentences[index]
        for near in (index + 1, index - 1):
            if not 0 <= near < len(sentences):
                continue
            other = sentences[near]
            if (other.line, other.speaker) != (told.line, told.speaker):
                continue
            at = {mention.start: mention for mention in said_in.get(near, ())}
            partners = {
                at[start].key
                for match in _ASKER.finditer(other.text)
                if (start := match.start("asker" if match.group("asker") else "asked")) in at
                and at[start].key != key[0]
                and is_person(at[start], graph)
            }
            if len(partners) == 1:
                graph.retarget(key, partners.pop())
                break


_NO_NAME = lex.NON_NAME_WORDS | lex.PERSON_NOUNS | lex.PRONOUN_SUBJECTS | {"me", "you", "i"}


def lower_case_partner(
    match: re.Match[str], text: str, graph: ChunkGraph, description: str
) -> str | None:
    """The key of the person a lower-case chat's partner slot names, added to ``graph``;
    ``None`` for a word no name is, or one after a possessive ("my mom and i")."""
    slot = "partner" if match.group("partner") else "partner_2"
    word = match.group(slot)
    before = text[: match.start(slot)].split()
    if word in _NO_NAME or (before and before[-1] in lex.DETERMINERS):
        return None
    name = word[:1].upper() + word[1:]
    graph.add_entity(word, name, PERSON, description)
    return word
