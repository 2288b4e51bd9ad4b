"""The names a sentence mentions, for the offline extractor: capitalised runs split into names,
speaker pronouns, a leading he/she/it/they, and a type guessed from the words around a name.

Capitalised function words ("The", "After", "We", "Finally") are never names; a sentence's first
word is only taken when the chunk does not also use it in lower case. Honorifics and roles are
dropped ("Dr. Jane Smith" -> "Jane Smith") and a possessive ``'s`` is stripped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from cognee_langchain.extraction import _lexicon as lex
from cognee_langchain.extraction._sentences import (
    FIRST_WORD,
    WORD_CHARS,
    Sentence,
    is_name_word,
    opens_with_pronoun,
    strip_possessive,
)

__all__ = ["LOWER_WORD", "Mention", "resolve_pronouns", "sentence_mentions", "type_hint"]

LOWER_WORD = re.compile(rf"(?<!{WORD_CHARS})[a-z]{WORD_CHARS}*")
_SPEAKER_PRONOUN = re.compile(
    r"(?<![\w'’])(?:I|[Mm]e|[Mm]y|[Mm]yself|I['’](?:m|ve|d|ll))(?![\w'’])"
)
_DIGIT = re.compile(r"\d")

_MAX_NAME_WORDS = 6


@dataclass(slots=True)
class Mention:
    """A name (or a pronoun standing for one) at a span of a sentence."""

    key: str
    name: str
    start: int  # character span in the sentence
    end: int
    possessive: bool = False
    hint: str = ""


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


def sentence_mentions(sentence: Sentence, lower: set[str], inner: set[str]) -> list[Mention]:
    """The names of ``sentence`` in order, with the speaker's I/me/my; ``lower`` holds the
    chunk's lower-case words, ``inner`` its capitalised words seen away from a sentence start."""
    text = sentence.text
    mentions: list[Mention] = []
    for offset, run in sentence.runs:
        mentions.extend(_run_mentions(text, offset, run, offset == sentence.lead, lower, inner))
    if sentence.speaker:
        key = sentence.speaker.casefold()
        for match in _SPEAKER_PRONOUN.finditer(text):
            possessive = match.group().lower() == "my"
            mentions.append(
                Mention(key, sentence.speaker, match.start(), match.end(), possessive, "Person")
            )
        mentions.sort(key=lambda mention: mention.start)
    return mentions


def _run_mentions(
    text: str, offset: int, run: str, at_lead: bool, lower: set[str], inner: set[str]
) -> list[Mention]:
    drop_first = False
    if at_lead:
        first = run.split(" ", 1)[0]
        bare = strip_possessive(first)[0]
        comma = text[offset + len(first) : offset + len(first) + 1] == ","
        drop_first = not _plausible_first_word(bare, comma, lower, inner)
    mentions = []
    for start, name_end, possessive in _segments(run, drop_first):
        name = run[start:name_end]
        mentions.append(
            Mention(
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
        bare, possessive = strip_possessive(word)
        is_name = (
            not (drop_first and index == 0)
            and is_name_word(word)
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


def type_hint(text: str, mention: Mention) -> str:
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
        after = FIRST_WORD.match(text, end)
        if after is not None and after.group(1) in lex.PERSON_VERBS:
            return "Person"
    if " " not in name and name.isupper() and 2 <= len(name) <= 6:
        return "Organization"  # an acronym: "IBM", "NASA"
    if _DIGIT.search(name):
        return "Product"  # "GPT-4"
    return ""


def resolve_pronouns(
    sentence: Sentence, mentions: list[Mention], last_subject: Mention | None
) -> list[Mention]:
    """Prepend the previous subject when the sentence opens with he/she/it/they."""
    if last_subject is None or (mentions and mentions[0].start <= sentence.lead):
        return mentions
    pronoun = opens_with_pronoun(sentence.text)
    if not pronoun:
        return mentions
    first = FIRST_WORD.match(sentence.text)
    assert first is not None  # the sentence opens with a pronoun
    hint = "Person" if pronoun.startswith(("he", "she")) else ""
    subject = Mention(
        last_subject.key, last_subject.name, first.start(1), first.end(1), False, hint
    )
    return [subject, *mentions]
