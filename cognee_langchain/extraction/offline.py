"""Entities and relations from plain text without any model: regular expressions and word lists.

The heuristics, per chunk:

* **Sentences** are split at ``.!?`` (not after abbreviations or initials) and at line breaks.
  Chat transcripts are understood: role labels (``Q:``, ``A:``, ``User:``, ``Assistant:``) are
  dropped, and a named speaker (``Alice: I moved to Paris``) becomes a person that ``I``/``me``/
  ``my`` refer to.
* **Entities** are runs of capitalised words ("Acme Corp", "New York", "Bank of America"),
  mixed-case tokens ("iPhone") and acronyms. Capitalised function words ("The", "After", "We",
  "Finally") are never names; a sentence's first word is only taken when the chunk does not also
  use it in lower case. Honorifics and roles are dropped ("Dr. Jane Smith" -> "Jane Smith"), a
  possessive ``'s`` is stripped, and a single word naming a longer entity of the same chunk is
  merged into it ("Acme" -> "Acme Corp").
* **Relations**: the words between two consecutive entities of a sentence are the predicate
  ("Alice leads Acme" -> Alice -leads-> Acme); passives are turned around ("Acme was founded by
  Bob" -> Bob -founded-> Acme); an appositive or relative clause keeps its verb ("Alice, who
  joined in 2019, leads Acme" -> Alice -leads-> Acme); lists share the verb ("Alice and Bob
  founded Acme" -> both founded Acme); a leading he/she/it/they means the previous subject.
  After the last entity, a short verb + noun phrase gives a concept ("Acme builds rockets" ->
  Acme -builds-> rockets). Entities without such a link in one sentence get a ``related_to``
  co-occurrence edge. Each relation's description is its sentence, so numbers and dates
  ("in 2019") stay in the facts.
* **Summary**: the chunk's lead sentence.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

from cognee_langchain.extraction import _lexicon as lex
from cognee_langchain.extraction.base import GraphExtractor, check_texts
from cognee_langchain.extraction.schema import ChunkExtraction

__all__ = ["CO_OCCURRENCE", "OfflineGraphExtractor", "extract_chunk", "lead_sentence"]

CO_OCCURRENCE = "related_to"
_UNTYPED = "Entity"  # a name with no clue to its kind; lower-case noun phrases are "Concept"

# Upper-case letters of the Latin, Greek and Cyrillic blocks ("Émile", "Łódź", "Σοφία").
_UPPER = "".join(ch for ch in map(chr, range(0x530)) if ch.isupper())
_WORD_CHARS = r"[\w'’&.-]"
# A capitalised or mixed-case word ("Acme", "GPT-4", "iPhone", "O'Neil", "U.S").
_NAME_WORD = rf"(?:[{_UPPER}]|[a-z]{{1,3}}[{_UPPER}])(?:{_WORD_CHARS}*[^\W_])?"
_CONNECTOR_ALTERNATIVES = "|".join(sorted(lex.CONNECTORS))
# Capitalised words joined by single spaces, "&" or a connector: "Bank of America", "New York".
# An initial's period joins too: "J. R. R. Tolkien".
_NAME_RUN = re.compile(
    rf"(?<!{_WORD_CHARS}){_NAME_WORD}"
    rf"(?:(?: | & | (?:{_CONNECTOR_ALTERNATIVES}) |(?<=(?<![\w'’&.-])[{_UPPER}])\. ){_NAME_WORD})*"
)
_LOWER_WORD = re.compile(rf"(?<!{_WORD_CHARS})[a-z]{_WORD_CHARS}*")
_SPEAKER_PRONOUN = re.compile(
    r"(?<![\w'’])(?:I|[Mm]e|[Mm]y|[Mm]yself|I['’](?:m|ve|d|ll))(?![\w'’])"
)
# "my name is Tom", "I'm Tom Smith", "call me Tom": how a "user:" speaker gets a name.
_SELF_INTRODUCTION = re.compile(
    rf"\b(?:[Mm]y name is|I am|I['’]m|[Cc]all me) ({_NAME_WORD}(?: {_NAME_WORD})?)"
)
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*\s+")
# "[10:02] Alice Smith: ..." at the start of a line.
_LINE_LABEL = re.compile(
    r"\s*(?:\[[^\]\n]{0,40}\]\s*)?(?P<label>[^\W\d_][\w.'’ -]{0,40}?)\s*:(?=\s|$)"
)
# "A: ..." at the start of a sentence inside a line ("Q: Who leads Acme? A: Alice.").
_SENTENCE_LABEL = re.compile(r"\s*(?P<label>[A-Za-z]{1,12})\s*:(?=\s|$)")
_DIGIT = re.compile(r"\d")
_FIRST_WORD = re.compile(r"[^\w]*([\w'’-]+)")
_LEADING_PUNCTUATION = "\"'“‘([*-–— "
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
    r" (?P<phrase>[a-z0-9][\w'’-]*(?: [a-z0-9][\w'’-]*){0,2})"
    rf"(?=\s*(?:[.,;:!?)]|$)| (?:{_BOUNDARY_ALTERNATIVES})\b)"
)

_ARTICLES = frozenset(("the", "a", "an"))
_LIST_WORDS = frozenset(("and", "or", "&", "plus", "nor", "as", "well", "also", "both"))
_CLAUSE_CONJUNCTIONS = frozenset(("and", "but", "or", "then", "so", "yet"))
_COPULAS = {"am": "is", "are": "is", "were": "was"}
_COPULA_FORMS = frozenset(("is", "was", "are", "were", "am"))

_MAX_NAME_WORDS = 6
_MAX_PREDICATE_WORDS = 6
_MAX_CO_OCCURRENCE_SPAN = 5
_MAX_DESCRIPTION = 300
_MAX_SUMMARY = 300


@dataclass(slots=True)
class _Sentence:
    text: str  # analysed text: role label removed
    shown: str  # as written, label included: what facts and entities cite
    speaker: str | None
    lead: int  # offset of the first word in ``text``
    runs: list[tuple[int, str]]  # (offset, text) of each capitalised run


@dataclass(slots=True)
class _Mention:
    key: str
    name: str
    start: int  # character span in the sentence
    end: int
    possessive: bool = False
    hint: str = ""


@dataclass(frozen=True, slots=True)
class _Link:
    """How two consecutive mentions of a sentence are connected."""

    kind: str  # "verb", "list", "comma" (a list or an aside, decided later) or "none"
    predicate: str = ""
    flipped: bool = False  # passive: the second mention is the subject
    # Index of the subject mention when it is not the one just before the link: 0 for "... and
    # works at X" (the sentence's subject), an earlier verb's subject for "flew from A to B".
    subject: int | None = None


@dataclass
class _ChunkGraph:
    """Entities and relations of one chunk, deduplicated by normalised key."""

    entities: dict[str, list[str]] = field(default_factory=dict)  # key -> [name, type, desc]
    relations: dict[tuple[str, str, str], str] = field(default_factory=dict)
    pairs: set[frozenset[str]] = field(default_factory=set)

    def add_entity(self, key: str, name: str, hint: str, description: str) -> None:
        entry = self.entities.get(key)
        if entry is None:
            self.entities[key] = [name, hint or _UNTYPED, description]
        elif hint and entry[1] == _UNTYPED:
            entry[1] = hint

    def relate(self, source: str, predicate: str, target: str, description: str) -> None:
        if source == target or not predicate:
            return
        pair = frozenset((source, target))
        if predicate == CO_OCCURRENCE and pair in self.pairs:
            return
        self.pairs.add(pair)
        self.relations.setdefault((source, predicate, target), description)

    def merge_aliases(self) -> None:
        """Fold a shorter form into the unique longer entity it abbreviates: "Alice" or "Smith"
        into "Alice Smith", "Acme" into "Acme Corp" (names with connectors such as "Bank of
        America" have no short forms)."""
        candidates: dict[str, set[str]] = {}
        for key, (_, kind, _) in self.entities.items():
            words = key.split()
            if len(words) < 2 or any(word in lex.CONNECTORS for word in words):
                continue
            short = {words[0], words[-1]}
            if kind == "Organization" and words[-1] in lex.ORG_SUFFIXES:
                short = {words[0], " ".join(words[:-1])}
            for alias in short:
                candidates.setdefault(alias, set()).add(key)
        aliases = {
            alias: next(iter(keys))
            for alias, keys in candidates.items()
            if len(keys) == 1 and alias in self.entities and alias not in keys
        }
        if not aliases:
            return
        for alias, canonical in aliases.items():
            _, hint, _ = self.entities.pop(alias)
            if self.entities[canonical][1] == _UNTYPED:
                self.entities[canonical][1] = hint
        relations = self.relations
        self.relations = {}
        for (source, predicate, target), description in relations.items():
            source, target = aliases.get(source, source), aliases.get(target, target)
            if source != target:
                self.relations.setdefault((source, predicate, target), description)

    def to_extraction(self, summary: str) -> ChunkExtraction:
        names = {key: entry[0] for key, entry in self.entities.items()}
        # One validation of plain data is several times faster than building each model.
        return ChunkExtraction.model_validate(
            {
                "entities": [
                    {"name": name, "type": kind, "description": description}
                    for name, kind, description in self.entities.values()
                ],
                "relations": [
                    {
                        "source": names[source],
                        "predicate": predicate,
                        "target": names[target],
                        "description": description,
                    }
                    for (source, predicate, target), description in self.relations.items()
                ],
                "summary": summary,
            }
        )


class OfflineGraphExtractor(GraphExtractor):
    """Rule-based extractor: no model, no download, over a thousand chunks per second.

    Used by default when no chat model is configured. Precision is modest, but the graph it
    builds links each named thing to the chunks and facts that mention it, which is what lets
    retrieval hop from one chunk to another (see the module docstring for the heuristics).
    """

    def extract(self, texts: Sequence[str]) -> list[ChunkExtraction]:
        """Extract every chunk of ``texts`` (pure CPU; no event loop involved)."""
        return [extract_chunk(text) for text in check_texts(texts)]

    async def aextract(self, texts: Sequence[str]) -> list[ChunkExtraction]:
        """Async twin of :meth:`extract`, run in a worker thread to keep the loop responsive."""
        texts = check_texts(texts)
        return await asyncio.to_thread(self.extract, texts)


def extract_chunk(text: str) -> ChunkExtraction:
    """Extract entities, relations and a summary from one chunk of text."""
    sentences = _sentences(text)
    if not sentences:
        return ChunkExtraction()
    lower_words = set(_LOWER_WORD.findall(text))
    # Capitalised words seen away from a sentence start are names wherever they appear.
    inner: set[str] = set()
    for sentence in sentences:
        for offset, run in sentence.runs:
            words = run.split(" ")
            inner.update(words[1:] if offset == sentence.lead else words)

    graph = _ChunkGraph()
    last_subject: _Mention | None = None
    for sentence in sentences:
        mentions = _mentions(sentence, lower_words, inner)
        mentions = _resolve_pronouns(sentence, mentions, last_subject)
        if not mentions:
            continue
        description = _clip(sentence.shown, _MAX_DESCRIPTION)
        entities = graph.entities
        for mention in mentions:
            entry = entities.get(mention.key)
            if entry is None:  # context only types an entity where it first appears
                hint = mention.hint
                if not hint and sentence.text.startswith(mention.name, mention.start):
                    hint = _type_hint(sentence.text, mention)  # not for a pronoun standing in
                graph.add_entity(mention.key, mention.name, hint, description)
            elif mention.hint:
                graph.add_entity(mention.key, mention.name, mention.hint, description)
        _relate(sentence, mentions, graph, description)
        last_subject = mentions[0]
    graph.merge_aliases()
    return graph.to_extraction(lead_sentence(text))


def lead_sentence(text: str) -> str:
    """The first sentence of ``text`` with its speaker label, clipped: a one-line summary."""
    for line in text.splitlines():
        _, _, label, body = _line_speaker(line)
        pieces = _split_sentences(body)
        if pieces:
            return _clip(f"{label} {pieces[0]}" if label else pieces[0], _MAX_SUMMARY)
    return ""


# --- sentences -------------------------------------------------------------------------------


def _sentences(text: str) -> list[_Sentence]:
    sentences: list[_Sentence] = []
    introduced: dict[str, str] = {}  # role label -> the name its speaker gave ("my name is Tom")
    for line in text.splitlines():
        if not line or line.isspace():
            continue
        speaker, role, label, body = _line_speaker(line)
        if role:
            introduction = _SELF_INTRODUCTION.search(body)
            if introduction and all(map(_is_name_word, introduction.group(1).split())):
                introduced[role] = introduction.group(1)
            speaker = introduced.get(role)
        for i, piece in enumerate(_split_sentences(body)):
            analysed = piece
            match = _SENTENCE_LABEL.match(piece)
            if match and match.group("label").lower() in lex.GENERIC_SPEAKERS:
                analysed = piece[match.end() :].strip()
            if not analysed:
                continue
            # A lone capitalised function word ("The", "In", "We") is no name: dropping it here
            # lets most sentences without names be skipped altogether.
            runs = [
                (m.start(), run)
                for m in _NAME_RUN.finditer(analysed)
                if " " in (run := m.group()) or run.lower() not in lex.NON_NAME_WORDS
            ]
            if not (runs or speaker or _opens_with_pronoun(analysed)):
                continue
            sentences.append(
                _Sentence(
                    text=analysed,
                    shown=f"{label} {piece}" if label and i == 0 else piece,
                    speaker=speaker,
                    lead=len(analysed) - len(analysed.lstrip(_LEADING_PUNCTUATION)),
                    runs=runs,
                )
            )
    return sentences


def _line_speaker(line: str) -> tuple[str | None, str, str, str]:
    """``(speaker, role, label, body)`` of a transcript line: a named speaker ("Alice: ..."), or
    the role of a role label ("user: ..." -> "user"), the label as written, and the text."""
    match = _LINE_LABEL.match(line)
    if match is None:
        return None, "", "", line
    name = " ".join(match.group("label").split())
    label, body = line[: match.end()].strip(), line[match.end() :].strip()
    if name.lower() in lex.GENERIC_SPEAKERS:
        return None, name.lower(), label, body
    words = name.split()
    if (
        len(words) <= 3
        and all(_is_name_word(word) for word in words)
        and words[-1].lower() not in lex.ORG_SUFFIXES  # "Acme Corp: rocket maker" is a gloss
    ):
        return name, "", label, body
    return None, "", "", line


def _split_sentences(text: str) -> list[str]:
    pieces: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        if end < len(text) and text[end].islower():
            continue  # "e.g. this", "approx. five": not a sentence start
        if match.group().startswith(".") and not match.group().startswith(".."):
            word_start = text.rfind(" ", start, match.start()) + 1
            word = text[word_start : match.start()].lstrip(_LEADING_PUNCTUATION)
            if _abbreviation_continues(word, text, end):
                continue
        piece = text[start:end].strip()
        if piece:
            pieces.append(piece)
        start = end
    rest = text[start:].strip()
    if rest:
        pieces.append(rest)
    return pieces


def _abbreviation_continues(word: str, text: str, end: int) -> bool:
    """Whether the period after ``word`` abbreviates rather than ends the sentence, the next word
    being capitalised: "Dr. Smith", "U.S. Army", "George W. Bush" continue; "Acme Inc. She
    left" and "Plan B. It worked" end."""
    if len(word) == 1 and word.isupper():
        following = _FIRST_WORD.match(text, end)
        return following is None or following.group(1).lower() not in lex.NON_NAME_WORDS
    return "." in word or word.lower() in lex.ABBREVIATIONS


# --- entities --------------------------------------------------------------------------------


@lru_cache(maxsize=1 << 16)
def _is_name_word(word: str) -> bool:
    """A capitalised or mixed-case word that is not a function word ("The", "After", "We")."""
    first = word[0]
    if not (first.isupper() or (first.islower() and not word.islower())):
        return False
    return _strip_possessive(word)[0].lower() not in lex.NON_NAME_WORDS


def _strip_possessive(word: str) -> tuple[str, bool]:
    if len(word) > 2 and word[-2] in "'’" and word[-1] in "sS":
        return word[:-2], True
    return word, False


def _plausible_first_word(word: str, comma_follows: bool, lower: set[str], inner: set[str]) -> bool:
    """Whether a sentence's capitalised first word is a name rather than an ordinary word."""
    if word in inner:
        return True
    lowered = word.lower()
    if lowered in lower:
        return False  # "Running is fun. I like running."
    if len(word) >= 6 and lowered.endswith(("ly", "ing")):
        return False  # "Finally", "Running": adverbs and gerunds opening a sentence
    return not (comma_follows and lowered.endswith("ed"))  # "Noted, ...", "Agreed, ..."


def _mentions(sentence: _Sentence, lower: set[str], inner: set[str]) -> list[_Mention]:
    text = sentence.text
    mentions: list[_Mention] = []
    for offset, run in sentence.runs:
        mentions.extend(_run_mentions(text, offset, run, offset == sentence.lead, lower, inner))
    if sentence.speaker:
        key = sentence.speaker.casefold()
        for match in _SPEAKER_PRONOUN.finditer(text):
            possessive = match.group().lower() == "my"
            mentions.append(
                _Mention(key, sentence.speaker, match.start(), match.end(), possessive, "Person")
            )
        mentions.sort(key=lambda mention: mention.start)
    return mentions


def _run_mentions(
    text: str, offset: int, run: str, at_lead: bool, lower: set[str], inner: set[str]
) -> list[_Mention]:
    drop_first = False
    if at_lead:
        first = run.split(" ", 1)[0]
        bare = _strip_possessive(first)[0]
        comma = text[offset + len(first) : offset + len(first) + 1] == ","
        drop_first = not _plausible_first_word(bare, comma, lower, inner)
    mentions = []
    for start, name_end, possessive in _segments(run, drop_first):
        name = run[start:name_end]
        mentions.append(
            _Mention(
                key=name.casefold(),
                name=name,
                start=offset + start,
                end=offset + name_end + (2 if possessive else 0),
                possessive=possessive,
            )
        )
    return mentions


@lru_cache(maxsize=1 << 14)
def _segments(run: str, drop_first: bool) -> tuple[tuple[int, int, bool], ...]:
    """Split a capitalised run into names as ``(start, end, possessive)`` offsets: function
    words and honorifics fall out ("In New York" -> "New York", "Dr Smith" -> "Smith"), and so
    does the first word when ``drop_first`` (a sentence's ordinary opening word)."""
    segments: list[tuple[int, int, bool]] = []
    start = end = -1
    count = position = 0
    for index, word in enumerate(run.split(" ")):
        word_start, position = position, position + len(word) + 1
        if word == "&" or word in lex.CONNECTORS:
            continue  # joins two names; the pattern guarantees a name word follows
        bare, possessive = _strip_possessive(word)
        is_name = (
            not (drop_first and index == 0)
            and _is_name_word(word)
            and not (count == 0 and bare.lower() in lex.ROLE_TITLES)
        )
        if not is_name or count == _MAX_NAME_WORDS:
            if count:
                segments.append((start, end, False))
            count = 0
            if not is_name:
                continue
        if count == 0:
            start = word_start
        end = word_start + len(bare.rstrip("."))  # an initial's period ends no name
        count += 1
        if possessive:
            segments.append((start, end, True))
            count = 0
    if count:
        segments.append((start, end, False))
    return tuple(segments)


def _type_hint(text: str, mention: _Mention) -> str:
    """Person / Organization / Place / Product from the name's last word and its neighbours."""
    name, start = mention.name, mention.start
    if name.rsplit(" ", 1)[-1].lower() in lex.ORG_SUFFIXES:
        return "Organization"
    before = text[max(0, start - 40) : start].split()[-2:]
    previous = before[-1].strip(".,").lower() if before else ""
    if previous in lex.TITLES or previous in lex.ROLE_TITLES:
        return "Person"
    if not _DIGIT.search(name) and (
        previous in lex.PLACE_PREPOSITIONS
        or previous in lex.MOVEMENT_VERBS
        or (previous == "to" and len(before) == 2 and before[0].lower() in lex.MOVEMENT_VERBS)
    ):
        return "Place"
    if previous == "at":
        return "Organization"
    end = start + len(name)
    if text[end : end + 1] == " ":
        after = _FIRST_WORD.match(text, end)
        if after is not None and after.group(1) in lex.PERSON_VERBS:
            return "Person"
    if " " not in name and name.isupper() and 2 <= len(name) <= 6:
        return "Organization"  # an acronym: "IBM", "NASA"
    if _DIGIT.search(name):
        return "Product"  # "GPT-4"
    return ""


def _resolve_pronouns(
    sentence: _Sentence, mentions: list[_Mention], last_subject: _Mention | None
) -> list[_Mention]:
    """Prepend the previous subject when the sentence opens with he/she/it/they."""
    if last_subject is None or (mentions and mentions[0].start <= sentence.lead):
        return mentions
    pronoun = _opens_with_pronoun(sentence.text)
    if not pronoun:
        return mentions
    first = _FIRST_WORD.match(sentence.text)
    assert first is not None  # the sentence opens with a pronoun
    hint = "Person" if pronoun.startswith(("he", "she")) else ""
    subject = _Mention(
        last_subject.key, last_subject.name, first.start(1), first.end(1), False, hint
    )
    return [subject, *mentions]


def _opens_with_pronoun(text: str) -> str:
    """The subject pronoun opening ``text`` ("she", "it's", ...), else ""."""
    first = _FIRST_WORD.match(text)
    pronoun = first.group(1).lower().replace("’", "'") if first else ""
    return pronoun if pronoun in lex.PRONOUN_SUBJECTS else ""


# --- relations -------------------------------------------------------------------------------


def _relate(
    sentence: _Sentence, mentions: list[_Mention], graph: _ChunkGraph, description: str
) -> None:
    """Relations of one sentence: between its names, then a verb + object after the last."""
    text = sentence.text
    if len(mentions) > 1:
        _link_mentions(text, mentions, graph, description)
    last = mentions[-1]
    tail = _tail_object(text, last.end)
    if tail is not None:
        predicate, phrase = tail
        graph.add_entity(phrase, phrase, "Concept", description)
        graph.relate(last.key, predicate, phrase, description)


def _link_mentions(
    text: str, mentions: list[_Mention], graph: _ChunkGraph, description: str
) -> None:
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


def _source(mentions: list[_Mention], i: int, link: _Link) -> _Mention:
    """The mention on the subject side of link ``i`` (before any passive turn-around)."""
    return mentions[i] if link.subject is None else mentions[link.subject]


def _add_verb(graph: _ChunkGraph, a: _Mention, b: _Mention, link: _Link, description: str) -> None:
    if link.flipped:
        graph.relate(b.key, link.predicate, a.key, description)
    else:
        graph.relate(a.key, link.predicate, b.key, description)


def _share_verbs(
    links: list[_Link],
    mentions: list[_Mention],
    covered: list[bool],
    graph: _ChunkGraph,
    description: str,
    *,
    forward: bool,
) -> None:
    """Give each list link the verb of the nearest verb link before it (``forward``: objects,
    "hired Bob and Carol") or after it (subjects, "Alice and Bob founded Acme")."""
    carried: tuple[_Mention, _Link] | None = None
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


def _tail_object(text: str, end: int) -> tuple[str, str] | None:
    """``(verb phrase, noun phrase)`` when the words after the last entity read as a short
    verb + object ("builds reusable rockets", "is not vegetarian", "works in marketing")."""
    match = _TAIL.match(text, end)
    if match is None:
        return None
    verb = match.group("verb")
    if verb is not None:
        if verb in lex.NON_NAME_WORDS:
            return None
        predicate = [verb]
    else:
        aux = match.group("aux")
        predicate = [_COPULAS.get(aux, aux), *match.group("negation").split()]
        if match.group("participle"):
            predicate.append(match.group("participle"))
    if match.group("preposition"):
        predicate.append(match.group("preposition"))
    phrase = match.group("phrase").split()
    if any(word in lex.NON_NAME_WORDS or word.endswith("ly") for word in phrase) or not any(
        ch.isalpha() for ch in phrase[-1]
    ):
        return None
    return " ".join(predicate), " ".join(phrase)


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 1)
    return text[: cut if cut > limit // 2 else limit - 1] + "…"
