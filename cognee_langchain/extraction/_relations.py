"""The relations of one sentence, for the offline extractor: the words between two names.

The words between two consecutive names of a sentence are the predicate ("Alice leads Acme" ->
Alice -leads-> Acme); passives are turned around ("Acme was founded by Bob" -> Bob -founded->
Acme); an appositive or relative clause keeps its verb; lists share the verb ("Alice and Bob
founded Acme" -> both founded Acme). After the last name, a short verb + noun phrase gives a
concept ("Acme builds rockets" -> Acme -builds-> rockets), unless the phrase ends in a vague word
("was great", "means a lot"). Names without such a link get a ``related_to`` co-occurrence edge.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from cognee_langchain.extraction import _lexicon as lex
from cognee_langchain.extraction._chunk_graph import CO_OCCURRENCE, ChunkGraph
from cognee_langchain.extraction._mentions import Mention
from cognee_langchain.extraction._sentences import Sentence

__all__ = ["relate_sentence"]

# A lower-case noun phrase after a verb is a real classification, not an unstated kind.

_PASSIVE = re.compile(
    r"(?:(?P<aux>is|are|was|were|has been|have been|had been|will be|been|being|got|gets) )?"
    r"(?:\w+ly )?(?P<verb>[\w'-]+) by"
)
_HARD_SEPARATORS = re.compile(r"[;:()\[\]{}\"“”]| [-–—] |[–—]")
_PARTICIPLE = re.compile(r"\w+(?:ed|en|wn)")
_BOUNDARY_ALTERNATIVES = "|".join(sorted(lex.PREPOSITIONS | lex.CONJUNCTIONS))
_AUXILIARY_ALTERNATIVES = "|".join(sorted(word for word in lex.AUXILIARIES if word.isalpha()))
_PREPOSITION_ALTERNATIVES = "|".join(sorted(lex.PREPOSITIONS))
_DETERMINER_ALTERNATIVES = "|".join(sorted(lex.DETERMINERS))
# A time said after the object is no part of it: "I love pottery these days", "prefer tea now".
_WHEN_NOW = r"(?:now|these\s+days|lately|nowadays|again|anymore|any\s+more|at\s+the\s+moment)"
_WORD = rf"(?!{_WHEN_NOW}\b)[a-z0-9][\w'’-]*"
# After the last entity of a sentence: adverbs, a verb (or auxiliary [+ not] [+ participle]), an
# optional preposition and determiner, then a noun phrase of up to three lower-case words that
# ends the clause ("builds reusable rockets.", "is not vegetarian", "works in marketing and").
_TAIL = re.compile(
    r"(?: (?:also|still|now|just|already|often|always|usually|really|even|[a-z]{3,}ly))*"
    rf" (?:(?P<aux>{_AUXILIARY_ALTERNATIVES})"
    r"(?P<negation>(?: not| never| no longer)*)(?: (?P<participle>[a-z]+(?:ed|en|wn)))?"
    r"|(?P<verb>[a-z][a-z'’-]*))"
    rf"(?: (?P<preposition>{_PREPOSITION_ALTERNATIVES}))?"
    rf"(?: (?:{_DETERMINER_ALTERNATIVES}))?"
    rf" (?P<phrase>{_WORD}(?: {_WORD}){{0,2}})"
    rf"(?=\s*(?:[.,;:!?)]|$)| (?:{_BOUNDARY_ALTERNATIVES})\b| {_WHEN_NOW}\b)"
)

_ARTICLES = frozenset(("the", "a", "an"))
_LIST_WORDS = frozenset(("and", "or", "&", "plus", "nor", "as", "well", "also", "both"))
_CLAUSE_CONJUNCTIONS = frozenset(("and", "but", "or", "then", "so", "yet"))
_COPULAS = {"am": "is", "are": "is", "were": "was"}
_COPULA_FORMS = frozenset(("is", "was", "are", "were", "am"))

# Verbs that state a home only with a preposition ("moved to Oslo").
_HOME_VERBS = frozenset(
    ("move", "moved", "moves", "moving", "relocate", "relocated", "live", "lived", "lives")
)
_MAX_PREDICATE_WORDS = 6
_MAX_CO_OCCURRENCE_SPAN = 5


@dataclass(frozen=True, slots=True)
class _Link:
    """How two consecutive mentions of a sentence are connected."""

    kind: str  # "verb", "list", "comma" (a list or an aside, decided later) or "none"
    predicate: str = ""
    flipped: bool = False  # passive: the second mention is the subject
    # Index of the subject mention when it is not the one just before the link: 0 for "... and
    # works at X" (the sentence's subject), an earlier verb's subject for "flew from A to B".
    subject: int | None = None


def relate_sentence(
    sentence: Sentence,
    mentions: list[Mention],
    graph: ChunkGraph,
    description: str,
    *,
    read: Sequence[tuple[int, int]] = (),
) -> None:
    """Relations of one sentence: between its names, then a verb + object after the last, and
    after a speaker's "I" that ends its clause with one ("I love coffee, it's my fuel"). A
    subject inside a ``read`` span (a change rule read its words) gets no such object."""
    text = sentence.text
    if len(mentions) > 1:
        _link_mentions(text, mentions, graph, description)
    subjects = [mentions[-1]]
    if sentence.speaker:
        speaker = sentence.speaker.casefold()
        subjects += [m for m in mentions[:-1] if m.key == speaker and text[m.start : m.end] == "I"]
    for subject in subjects:
        if subject.possessive:
            continue  # "my writers group": a noun phrase, not a verb and its object
        if any(start <= subject.start < end for start, end in read):
            continue
        _relate_tail(text, subject, graph, description, whole=subject is not mentions[-1])


def _relate_tail(
    text: str, subject: Mention, graph: ChunkGraph, description: str, *, whole: bool
) -> None:
    """Relate ``subject`` to the verb + object right after it, if there is one (``whole``: only
    when the object ends the clause, since a later name of the sentence may be the object)."""
    found = _tail_object(text, subject.end, clause_end=whole)
    if found is not None:
        predicate, phrase = found
        graph.add_concept(phrase, description)
        graph.relate(subject.key, predicate, phrase, description)


def _link_mentions(text: str, mentions: list[Mention], graph: ChunkGraph, description: str) -> None:
    """Relations between the names of one sentence: verb phrases, shared verbs, co-occurrence."""
    links = [_link(text[a.end : b.start], a.possessive) for a, b in pairwise(mentions)]
    # A bare comma separates list items only when the list goes on to "and"/"or" ("Alice,
    # Bob and Carol"); otherwise it closes an aside ("In New York, Alice met Bob").
    for i in range(len(links) - 1, -1, -1):
        if links[i].kind == "comma":
            ends_list = i + 1 < len(links) and links[i + 1].kind == "list"
            links[i] = _Link("list" if ends_list else "none")
    for i, link in enumerate(links):
        if link.subject == 0 and i == 0:
            links[i] = _Link("none")  # "and works at X" with no subject before it
        elif i and link.kind == "verb" and link.predicate in lex.PREPOSITIONS:
            # A bare preposition extends the previous verb: "flew from London to Tokyo" ->
            # flew to Tokyo; "met Kenji at Sony" -> met at Sony.
            previous = links[i - 1]
            if previous.kind == "verb" and not previous.flipped:
                head, _, last_word = previous.predicate.rpartition(" ")
                stem = head if head and last_word in lex.PREPOSITIONS else previous.predicate
                source = i - 1 if previous.subject is None else previous.subject
                links[i] = _Link("verb", f"{stem} {link.predicate}", subject=source)
    covered = [False] * len(links)
    for i, link in enumerate(links):
        if link.kind == "verb":
            covered[i] = True
            _add_verb(graph, _source(mentions, i, link), mentions[i + 1], link, description)
    if len(links) > 1:
        # A list shares its neighbour's verb: "hired Bob and Carol", "Alice and Bob founded".
        _share_verbs(links, mentions, covered, graph, description, forward=True)
        _share_verbs(links, mentions, covered, graph, description, forward=False)
    for i, done in enumerate(covered):
        if not done:
            graph.relate(mentions[i].key, CO_OCCURRENCE, mentions[i + 1].key, description)
    # The subject co-occurs with names further on that no verb reached.
    linked = {mentions[i + step].key for i, done in enumerate(covered) if done for step in (0, 1)}
    subject = mentions[0]
    for other in mentions[2 : 2 + _MAX_CO_OCCURRENCE_SPAN]:
        if other.key not in linked:
            graph.relate(subject.key, CO_OCCURRENCE, other.key, description)


def _source(mentions: list[Mention], i: int, link: _Link) -> Mention:
    """The mention on the subject side of link ``i`` (before any passive turn-around)."""
    return mentions[i] if link.subject is None else mentions[link.subject]


def _add_verb(graph: ChunkGraph, a: Mention, b: Mention, link: _Link, description: str) -> None:
    if link.flipped:
        graph.relate(b.key, link.predicate, a.key, description)
    else:
        graph.relate(a.key, link.predicate, b.key, description)


def _share_verbs(
    links: list[_Link],
    mentions: list[Mention],
    covered: list[bool],
    graph: ChunkGraph,
    description: str,
    *,
    forward: bool,
) -> None:
    """Give each list link the verb of the nearest verb link before it (``forward``: objects,
    "hired Bob and Carol") or after it (subjects, "Alice and Bob founded Acme")."""
    carried: tuple[Mention, _Link] | None = None
    order = range(len(links)) if forward else range(len(links) - 1, -1, -1)
    for i in order:
        link = links[i]
        if link.kind == "verb":
            anchor = _source(mentions, i, link) if forward else mentions[i + 1]
            carried = (anchor, link)
        elif link.kind == "list" and carried is not None:
            anchor, verb = carried
            if forward:
                _add_verb(graph, anchor, mentions[i + 1], verb, description)
            else:
                _add_verb(graph, mentions[i], anchor, verb, description)
            covered[i] = True
        else:
            carried = None


@lru_cache(maxsize=1 << 12)
def _link(between: str, possessive: bool) -> _Link:
    """Classify the text between two mentions: a verb phrase, a list separator, or neither."""
    if _HARD_SEPARATORS.search(between) or "\n" in between:
        return _Link("none")
    clause = between.strip()
    if clause.startswith(","):
        # Appositive or relative clause: its last part holds the verb ("Alice, who joined
        # in 2019, leads Acme").
        clause = clause.rsplit(",", 1)[-1]
    elif "," in clause:
        rest = clause.replace(",", " ").split()
        return _Link("list" if all(word in _LIST_WORDS for word in rest) else "none")
    words = [word.strip(".!?'\"’") for word in clause.lower().split()]
    words = [word for word in words if word]
    if not words:
        return _Link("comma" if between.strip() else "none")
    if all(word in _LIST_WORDS for word in words):
        return _Link("list")
    if words[0] in lex.RELATIVE_PRONOUNS:
        words = words[1:]
        if not words:
            return _Link("none")  # "Acme, which Bob founded": the object comes first
    subject = 0 if words[0] in _CLAUSE_CONJUNCTIONS else None
    if subject == 0:
        words = words[1:]  # "Alice lives in Berlin and works at Acme"
    if len(words) == 1 and words[0] in lex.ROLE_ACRONYMS:
        return _Link("verb", f"{words[0]} of", flipped=True)  # "Acme CEO Alice"
    if possessive:
        # "Alice's brother Bob", "my manager is Bill": only a short noun phrase reads as a
        # possession.
        if words[-1] in _COPULA_FORMS:
            words = words[:-1]
        if not words or len(words) > 2:
            return _Link("none")
        return _Link("verb", "has " + " ".join(words))
    words = [_COPULAS.get(word, word) for word in words if word not in _ARTICLES]
    if not words or len(words) > _MAX_PREDICATE_WORDS:
        return _Link("none")
    predicate = " ".join(words)
    passive = _PASSIVE.fullmatch(predicate)
    if passive and (
        passive.group("aux")
        or _PARTICIPLE.fullmatch(passive.group("verb"))
        or passive.group("verb") in lex.IRREGULAR_PARTICIPLES
    ):
        return _Link("verb", passive.group("verb"), flipped=True, subject=subject)
    return _Link("verb", predicate, subject=subject)


def _tail_object(text: str, end: int, *, clause_end: bool = False) -> tuple[str, str] | None:
    """``(verb phrase, noun phrase)`` when the words after the last entity read as a short
    verb + object ("builds reusable rockets", "is not vegetarian", "works in marketing");
    with ``clause_end``, only when punctuation or the text's end follows the object."""
    match = _TAIL.match(text, end)
    if match is None:
        return None
    if clause_end and text[match.end() :].lstrip()[:1] not in ("", *".,;:!?)"):
        return None
    verb = match.group("verb")
    if verb is not None:
        if verb in lex.NON_NAME_WORDS:
            return None
        if verb in _HOME_VERBS and not match.group("preposition"):
            return None  # "I moved teams", "moved house", "lived a good life": no home
        predicate = [verb]
    else:
        aux = match.group("aux")
        predicate = [_COPULAS.get(aux, aux), *match.group("negation").split()]
        if match.group("participle"):
            predicate.append(match.group("participle"))
    if match.group("preposition"):
        predicate.append(match.group("preposition"))
    phrase = match.group("phrase").split()
    if (
        any(word in lex.NON_NAME_WORDS or word.endswith("ly") for word in phrase)
        or not any(ch.isalpha() for ch in phrase[-1])
        or phrase[-1] in lex.VAGUE_OBJECTS  # "was great", "means a lot", "had a great time"
    ):
        return None
    return " ".join(predicate), " ".join(phrase)
