"""The names a sentence mentions, for the offline extractor: capitalised runs split into names,
speaker pronouns, a leading he/she/it/they, and a type guessed from the words around a name.

Capitalised function words ("The", "After", "We", "Finally") are never names; a sentence's first
word is only taken when the chunk does not also use it in lower case. Honorifics and roles are
dropped ("Dr. Jane Smith" -> "Jane Smith") and a possessive ``'s`` is stripped.

Dialogue is stricter: a chat turn opens with "Yeah", "Congrats", "Life's tough" or "Way to go"
far more often than with a name, so there a lone capitalised first word is only a name when the
chunk also capitalises it elsewhere or it names a speaker. A speaker is one entity: their name,
its first word or a nickname it starts with ("Mel" for a "Melanie:" speaker) all resolve to the
name on the label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from cognee_langchain.core._holidays import HOLIDAY_NAMES
from cognee_langchain.extraction import _lexicon as lex
from cognee_langchain.extraction._sentences import (
    FIRST_WORD,
    WORD_CHARS,
    Sentence,
    is_name_word,
    opens_with_pronoun,
    strip_possessive,
)
from cognee_langchain.extraction.gazetteer import place_named
from cognee_langchain.extraction.kinds import PET_ANIMALS

__all__ = [
    "LOWER_WORD",
    "Mention",
    "Speakers",
    "inner_words",
    "resolve_pronouns",
    "sentence_mentions",
    "type_hint",
]

LOWER_WORD = re.compile(rf"(?<!{WORD_CHARS})[a-z]{WORD_CHARS}*")
_SPEAKER_PRONOUN = re.compile(
    r"(?<![\w'’])(?:I|[Mm]e|[Mm]y|[Mm]yself|I['’](?:m|ve|d|ll))(?![\w'’])"
)
_DIGIT = re.compile(r"\d")
_IS_MY_PERSON = re.compile(
    # the copula may be the word's own "'s": "Tom's my boyfriend", "Luna's our new cat"
    r"(?:\s+is|\s+was|['’]s)?\s+(?:now\s+)?(?:my|our)\s+(?:new\s+|old\s+|best\s+)?"
    # "Rex is my new rescue dog": one word may say which kind
    r"(?:[a-z-]+\s+)?(?:"
    + "|".join(sorted((*lex.PERSON_NOUNS, *PET_ANIMALS), key=len, reverse=True))
    + r")\b"
)
# What only an employer does to the speaker ("Acme laid me off", "Northlight hired me"), and what
# befalls a pet: a chat sentence's first word before them is a name.
_ONLY_A_NAME_BEFORE = re.compile(
    r"\s+(?:has\s+|just\s+)?(?:let\s+me\s+go(?=\s*(?:[.,;!?]|$|\s+(?:in|on|last|after|this)\b))"
    r"|laid\s+me\s+off|fired\s+me|sacked\s+me|made\s+me\s+redundant|hired\s+me|took\s+me\s+on"
    # and what befalls a pet: "Rufus ran away in March"
    r"|ran\s+away|went\s+missing|escaped|crossed\s+the\s+rainbow\s+bridge"
    r"|was\s+put\s+(?:down|to\s+sleep))\b"
)
# A trade's acronym before a job noun is part of a title, no name: "UX designer", "QA engineer"
# ("NHS nurse" keeps its employer).
_JOB_AFTER = re.compile(rf" (?:{lex.JOB_PATTERN})\b")

_MAX_NAME_WORDS = 6
_MIN_NICKNAME = 2  # "Jo" for Joanna
_TITLE = "Work"  # a quoted title: a book, film, song, painting or show
_VOCATIVE_END = frozenset(",!?.;")
# The two words after a name: "Luna and Oliver", "Anthony and I", "Max said".
_FOLLOWING_WORDS = re.compile(r" ([\w'’-]+)(?: ([\w'’-]+))?")
_JOINERS = frozenset(("and", "&", "or"))
_PAST_VERB = re.compile(r"[a-z]{3,}ed")
_DONE_TO = frozenset(("me", "us"))
# Words that open a verb's object: "leads the", "loves me", "works at".
_OBJECT_STARTS = (lex.DETERMINERS | lex.PREPOSITIONS | {"me", "him", "us", "them", "it", "you"}) - {
    "like",
    "as",
    "of",
}
_ABSTRACT_SUFFIXES = ("ship", "ness", "ment", "tion", "sion", "ism", "ence", "ance", "ity")
_NAME_OPENERS = frozenset(("the", *lex.PREPOSITIONS))  # "The Wolves", "In Paris", "At Google"
# A present-tense verb after a subject: "Alice leads" (not "Life's", "Super excited").
_FINITE_VERB = re.compile(r"[a-z]{2,}[^s'’]s")
# What follows an exclamation opening a sentence: up to two lower-case words, then "," or "!"
# ("Big news, ...", "Awesome!", "Great job!"). "Alice, who ..." and "Paris, the capital" are
# appositives, "Alice, Bob and Carol" a list: the word before their comma stays a name.
_OPENER = re.compile(
    r"(?P<words>(?: [a-z][a-z'’-]*){0,2})\s*(?P<mark>[,!])(?P<after> *(?P<next>[\w'’-]+))?"
)
_APPOSITIVE_CUES = (lex.RELATIVE_PRONOUNS - {"that"}) | {
    "the", "a", "an", "our", "my", "his", "her", "their", *lex.IRREGULAR_PARTICIPLES
}  # fmt: skip
_PARTICIPLE_WORD = re.compile(r"[a-z]{2,}(?:ed|en|wn)")
_LIST_MARK = re.compile(r"[^.!?]*? (?:and|or|&) ")


@dataclass(slots=True)
class Mention:
    """A name (or a pronoun standing for one) at a span of a sentence."""

    key: str
    name: str
    start: int  # character span in the sentence
    end: int
    possessive: bool = False
    hint: str = ""
    vocative: bool = False  # a speaker addressed by name ("Thanks, Mel!"): names, links nothing


class Speakers:
    """The speakers of a chunk and the names that stand for them: the full name on the label,
    its first word ("Alice" for "Alice Smith") and a nickname of two or more letters it starts
    with ("Mel" for "Melanie"), each only when it fits one speaker."""

    def __init__(self, names: set[str]) -> None:
        self.names = sorted(names)
        self._aliases: dict[str, str | None] = {name.casefold(): name for name in self.names}

    def __bool__(self) -> bool:
        return bool(self.names)

    def resolve(self, key: str) -> str | None:
        """The speaker that the casefolded name ``key`` stands for, if any."""
        if key in self._aliases:
            return self._aliases[key]
        found: str | None = None
        if " " not in key and len(key) >= _MIN_NICKNAME:
            matches = {
                name for name in self.names if name.split(" ", 1)[0].casefold().startswith(key)
            }
            found = matches.pop() if len(matches) == 1 else None
        self._aliases[key] = found
        return found


def _is_exclamation(text: str, end: int) -> bool:
    """Whether the capitalised word ending at ``end`` opens an exclamation ("Big news, I moved",
    "Awesome!") rather than naming the subject ("Alice said, ...", "Alice, who ...")."""
    match = _OPENER.match(text, end)
    if match is None:
        return False
    words = match.group("words").split()
    if any(word in lex.NON_NAME_WORDS or word in lex.SUBJECT_VERBS for word in words):
        return False  # "Alice said, ...", "Paris in spring, ...": a clause, not an exclamation
    following = match.group("next")
    if match.group("mark") == "," and not words and following is not None:
        if following.lower() in _APPOSITIVE_CUES or _PARTICIPLE_WORD.fullmatch(following):
            return False  # "Acme, owned by Bob, ...", "Alice, who joined in 2019, ..."
        if is_name_word(following) and _LIST_MARK.match(text, match.end("next")):
            return False  # "Alice, Bob and Carol ..."
    return True


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


def sentence_mentions(
    sentence: Sentence, lower: set[str], inner: set[str], speakers: Speakers | None = None
) -> list[Mention]:
    """The names of ``sentence`` in order, with the speaker's I/me/my; ``lower`` holds the
    chunk's lower-case words, ``inner`` its capitalised words seen away from a sentence start,
    ``speakers`` the chunk's speakers (a name standing for one becomes that speaker)."""
    text = sentence.text
    mentions: list[Mention] = []
    for offset, run in sentence.runs:
        at_lead = offset == sentence.lead
        if (
            at_lead
            and sentence.dialogue
            and not _dialogue_lead_is_name(text, offset, run, inner, speakers)
        ):
            continue
        if at_lead and _opens_exclamation(text, offset, run, inner, speakers):
            continue
        if run in lex.TRADE_ACRONYMS and _JOB_AFTER.match(text, offset + len(run)):
            continue
        mentions.extend(_run_mentions(text, offset, run, at_lead, lower, inner))
    for start, end, title in sentence.titles:
        mentions.append(Mention(title.casefold(), title, start, end, hint=_TITLE))
    if speakers:
        for mention in mentions:
            speaker = speakers.resolve(mention.key)
            if speaker is not None:
                mention.key, mention.name, mention.hint = speaker.casefold(), speaker, "Person"
                mention.vocative = (
                    sentence.dialogue
                    and speaker != sentence.speaker
                    and not mention.possessive
                    and (mention.end == len(text) or text[mention.end] in _VOCATIVE_END)
                )
    if sentence.titles:
        mentions.sort(key=lambda mention: mention.start)
    if sentence.speaker:
        key = sentence.speaker.casefold()
        for match in _SPEAKER_PRONOUN.finditer(text):
            possessive = match.group().lower() == "my"
            mentions.append(
                Mention(key, sentence.speaker, match.start(), match.end(), possessive, "Person")
            )
        mentions.sort(key=lambda mention: mention.start)
    return mentions


def _opens_exclamation(
    text: str, offset: int, run: str, inner: set[str], speakers: Speakers | None
) -> bool:
    """Whether a lone capitalised word opening a sentence is an exclamation, no name: followed
    by "," or "!" ("Big news, ...", "Awesome!", "Omg, ...") and never capitalised away from a
    sentence start in the chunk, nor a speaker's name ("Mel, look!")."""
    if " " in run:
        return False
    word = strip_possessive(run)[0]
    if word in inner or (speakers is not None and speakers.resolve(word.casefold()) is not None):
        return False
    return _is_exclamation(text, offset + len(run))


def _dialogue_lead_is_name(
    text: str, offset: int, run: str, inner: set[str], speakers: Speakers | None
) -> bool:
    """Whether a capitalised run opening a chat sentence may be a name. Leading non-names fall
    away ("Yeah Maria" -> "Maria"; after "The" or a preposition it is a name: "The Wolves",
    "In Paris"); what remains of several words is judged word by word
    later; a lone word is a name only when the chunk capitalises it elsewhere too, it stands
    for a speaker, a name or "I" joins it ("Anthony and I", "Luna and Oliver") or a verb
    follows ("Max said", "Alice leads Acme"). "Yeah", "Life's tough", "Way to go" are not."""
    words = run.split(" ")
    skip = 0
    while skip < len(words) - 1 and not is_name_word(words[skip]):
        if words[skip].lower() in _NAME_OPENERS:
            return True  # "The Wolves are my team", "In Paris, ...": past the chatty opening
        if words[skip].lower() in lex.PERSON_OBJECT_VERBS:
            return True  # "Asked Bec on Rottnest", "Bring Andrés": whom the verb is about
        offset += len(words[skip]) + 1
        skip += 1
    first, rest = words[skip], words[skip + 1 :]
    if any(map(is_name_word, rest)):
        return True  # "Harry Potter is great"; but "Wish I was" is one word and "I"
    word, possessive = strip_possessive(first)
    if word in inner or (speakers is not None and speakers.resolve(word.casefold()) is not None):
        return True
    if possessive and skip and words[skip - 1] in ("I'm", "I’m"):
        return True  # "I'm Tom's girlfriend now"
    if word.lower().endswith(_ABSTRACT_SUFFIXES):
        return False  # "Friendship means a lot", "Kindness matters"
    if _IS_MY_PERSON.match(text, offset + len(first)) or _ONLY_A_NAME_BEFORE.match(
        text, offset + len(first)
    ):
        return True  # "Gino is my boyfriend now", "Tom's my brother", "Acme laid me off"
    follows = _FOLLOWING_WORDS.match(text, offset + len(first))
    if follows is None:
        return False
    verb, second = follows.group(1), follows.group(2)
    if verb in lex.SUBJECT_VERBS:
        return True
    if (
        _FINITE_VERB.fullmatch(verb)
        and second
        and (second in _OBJECT_STARTS or is_name_word(second))
    ):
        return True  # "Alice leads the team", "Max loves me"; not "Quality connections matter"
    if _PAST_VERB.fullmatch(verb) and second in _DONE_TO:
        return True  # "Tom dumped me", "Ana called us": someone did it to the speaker
    return (
        verb in _JOINERS and second is not None and (second in ("I", "me") or is_name_word(second))
    )


def inner_words(run: str, at_lead: bool) -> list[str]:
    """The words of a capitalised run that are capitalised away from a sentence start: all of
    them, or at a sentence's lead those after its first name word ("Yeah Maria" -> none)."""
    words = run.split(" ")
    if not at_lead:
        return words
    for index, word in enumerate(words):
        if is_name_word(word):
            return words[index + 1 :]
    return []


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


_HOLIDAY = re.compile(rf"\b(?:{HOLIDAY_NAMES})\b", re.IGNORECASE)


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
    # A holiday names a day, nobody ("on New Year's Eve" is no "Eve", "Mother's Day" no mother).
    holidays = [match.span() for match in _HOLIDAY.finditer(run)]
    if holidays:
        segments = [s for s in segments if not any(a < s[1] and s[0] < b for a, b in holidays)]
    return tuple(segments)


def type_hint(text: str, mention: Mention) -> str:
    """Person / Organization / Place / Product from the name's last word and its neighbours."""
    name, start = mention.name, mention.start
    if name.rsplit(" ", 1)[-1].lower() in lex.ORG_SUFFIXES:
        return "Organization"
    before = text[max(0, start - 40) : start].split()[-2:]
    previous = before[-1].strip(".,!").lower() if before else ""
    if previous in lex.TITLES or previous in lex.ROLE_TITLES or previous in lex.PERSON_NOUNS:
        return "Person"  # "Dr. Smith", "President Lee", "my sister Carol"
    end = start + len(name)
    if previous in lex.VOCATIVE_CUES and (end == len(text) or text[end] in _VOCATIVE_END):
        return "Person"  # "Hey Mel!", "Thanks, Caroline."
    if not _DIGIT.search(name) and (
        previous in lex.PLACE_PREPOSITIONS
        or previous in lex.MOVEMENT_VERBS
        or (previous == "to" and len(before) == 2 and before[0].lower() in lex.MOVEMENT_VERBS)
    ):
        return "Place"
    if previous == "at":
        return "Organization"  # "a postdoc at Oxford": a city's name often names its university
    if place_named(name) is not None:
        return "Place"  # the gazetteer knows it: "Chicago was fun", "loved Chicago"
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
