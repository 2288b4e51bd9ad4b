"""Changes a speaker tells of someone else, or confirms of themselves, read by the first-person
rules.

People talk about their family and friends as much as about themselves: "Tyler quit Home
Depot", "Janice adopted a beagle named Rufus", "Edmund has been appointed headmaster at St.
Barnabas", "Janice and Carl broke up"; and they confirm what the other asks ("Still at the
Ford plant?" - "Yep. Line 3."). The change rules (:mod:`._changes`, :mod:`._couples`,
:mod:`._implied`) read a speaker's first person; :func:`as_first_person` turns a sentence whose
subject is a named person other than the speaker into that person's own words ("Tyler: I quit
Home Depot", "Janice: Carl and I broke up"), for the rules to read as theirs. Only a sentence
that opens with the name (after a connective at most) and goes on with a verb is turned;
:func:`as_confirmed` turns a question to "you" that an answer opens by confirming, and
:func:`as_answered` the name that answers where the one answering lives or works ("Where are you
living now?" - "Bristol."), or "Where to?" after they told of leaving a job ("I'm leaving the
BBC." - "Where to?" - "Channel 4, as an assistant producer.").
"""

from __future__ import annotations

import re

from cognee_langchain.extraction import _lexicon as lex
from cognee_langchain.extraction._mentions import Mention
from cognee_langchain.extraction.kinds import base_form

__all__ = ["as_answered", "as_confirmed", "as_first_person"]

# What may come before the subject: "And Tyler quit", "Oh, Janice sold her Buick", "Oh, and Tom
# proposed".
_OPENERS = frozenset(
    ("and", "so", "also", "oh", "well", "plus", "now", "anyway", "btw", "meanwhile", "but")
)
# The verb right after the subject, its auxiliaries and adverbs first.
_AGREEMENT = (
    (re.compile(r"^(?:['’]s|\s+has)\s+been\b"), " have been"),
    (re.compile(r"^\s+has\s+"), " have "),
    (re.compile(r"^\s+hasn['’]t\b"), " haven't"),
    (re.compile(r"^\s+is\s+"), " am "),
    (re.compile(r"^\s+isn['’]t\b"), " am not"),
    (re.compile(r"^\s+does\s+"), " do "),
    (re.compile(r"^\s+doesn['’]t\b"), " don't"),
)
_ADVERBS = frozenset(
    ("just", "finally", "also", "now", "recently", "already", "actually", "officially", "even")
)
_PAST = re.compile(r"[a-z]+ed$")
# Past forms the rules read that do not end in "-ed" (with the participles the lexicon lists).
_IRREGULAR_PAST = lex.IRREGULAR_PARTICIPLES | frozenset(
    ("was", "had", "quit", "left", "got", "took", "began", "broke", "split", "went", "gave",
     "lost", "became", "met", "sold", "bought", "found", "won")
)  # fmt: skip
# A possessive of the subject, before a noun: "sold her Buick", "his new job".
_POSSESSIVE = re.compile(r"\b(?:his|her)\s+(?=[\w'’-])")
_CLAUSE = re.compile(r"[,;:]|\s(?:and|but|because|so|when|while)\s")


def as_first_person(
    text: str, mentions: list[Mention], speaker: str | None
) -> tuple[str, str] | None:
    """``(name, sentence)``: ``text`` in the first person of the named person it opens with
    ("Tyler quit Home Depot." -> ``("Tyler", "I quit Home Depot.")``; "Janice and Carl broke
    up." -> ``("Janice", "Carl and I broke up.")``), or ``None`` when it does not open with
    someone other than ``speaker`` (a key) doing something."""
    ordered = sorted(mentions, key=lambda m: m.start)
    if not ordered or ordered[0].vocative or ordered[0].possessive:
        return None
    subject = ordered[0]
    if text[subject.start : subject.end].casefold() == "they":
        return None  # an employer, people at large: "They dropped the trainee bit"
    lead = re.findall(r"[\w'’]+", text[: subject.start].casefold())
    # up to two connectives: "Oh, and Tom proposed to Jess!"
    if len(lead) > 2 or not set(lead) <= _OPENERS or subject.key == speaker:
        return None
    rest = text[subject.end :]
    partner = ""
    pair = re.match(r"\s+and\s+", rest)
    if pair is not None and len(ordered) > 1 and ordered[1].start == subject.end + pair.end():
        if ordered[1].key == speaker or ordered[1].possessive:
            return None
        partner = f"{ordered[1].name} and "
        rest = text[ordered[1].end :]
    verbed = _verb_first(rest, plural=bool(partner))
    if verbed is None:
        return None
    clause = _CLAUSE.search(verbed)
    head, tail = (verbed[: clause.start()], verbed[clause.start() :]) if clause else (verbed, "")
    return subject.name, f"{partner}I{_POSSESSIVE.sub('my ', head)}{tail}"


def _verb_first(rest: str, *, plural: bool) -> str | None:
    """``rest`` (what follows the subject) agreeing with "I" (or "<partner> and I", plural),
    or ``None`` when no verb comes first."""
    if plural:
        first = rest.split()[0] if rest.split() else ""
        return rest if first in ("are", "were", "have") or _is_past(first) else None
    for pattern, replacement in _AGREEMENT:
        found = pattern.match(rest)
        if found is not None:
            return replacement + rest[found.end() :]
    words = rest.split()
    index = 0
    while index < len(words) - 1 and words[index] in _ADVERBS:
        index += 1
    if not words or not words[index].isalpha() or not words[index].islower():
        return None
    verb = words[index]
    if _is_past(verb):
        return rest
    if verb.endswith("s") and not verb.endswith("ss") and base_form(verb) != verb:
        start = rest.index(verb, len(" ".join(words[:index])))
        return f"{rest[:start]}{base_form(verb)}{rest[start + len(verb) :]}"
    return None


def _is_past(word: str) -> bool:
    return word in _IRREGULAR_PAST or _PAST.match(word) is not None


# An answer that opens by saying yes: "Yep.", "Still there, still chaos.", "Of course", "Every
# day, my Corolla refuses to die." (not "No", "Not anymore", "Actually no").
_YES = re.compile(
    r"\W*(?:yes|yeah|yep|yup|ya|aye|sure|of course|definitely|absolutely|indeed|correct|"
    r"that['’]s right|still|always|every (?:day|week|weekend|morning|night)|mm-?hm|uh-huh)\b"
    r"(?![^.!?]{0,30}\b(?:not|no longer|anymore|any more|but)\b)",
    re.I,
)
# The question's own subject and verb, to become the answerer's ("Are you still at X?" ->
# "I'm still at X."); a question with no subject asks the one addressed ("Still at X?").
_LEAD = r"(?:(?:and|so|but|hey|oh)\s+)?"
_ASKED = (
    (re.compile(rf"{_LEAD}(?:are\s+you|you['’]re|you\s+are)\s+", re.I), "I'm "),
    (re.compile(rf"{_LEAD}(?:do|did)\s+you\s+", re.I), "I "),
    (re.compile(rf"{_LEAD}you\s+(?=still\b)", re.I), "I'm "),
    (re.compile(r"(?=still\b)", re.I), "I'm "),
)
_YOUR = re.compile(r"\byour\b", re.I)


def as_confirmed(question: str, answer: str) -> str | None:
    """The answerer's own words for what ``answer`` confirms of ``question`` ("Still at the
    council?" - "Yep." -> "I'm still at the council."), or ``None`` when the answer does not
    open by saying yes or the question asks nothing of the one who answers."""
    text = question.strip()
    if not text.endswith("?") or _YES.match(answer) is None:
        return None
    for pattern, subject in _ASKED:
        found = pattern.match(text)
        if found is not None:
            rest = text[found.end() :]
            said = subject + (rest[:1].lower() + rest[1:] if rest[:5].lower() == "still" else rest)
            return _YOUR.sub("my", said).rstrip("?").rstrip() + "."
    return None


# "Where to?", "wait what. where to", "Where are you going?", "Where's the new job?", "Who
# hired you?": the other speaker asks where someone who is leaving goes next.
_WHERE_TO = re.compile(
    r"(?i:\bwhere\s+(?:to\b|are\s+you\s+(?:going|headed|off\s+to)\b|['’]?s\s+the\s+new\s+"
    r"(?:job|gig|role|place)\b|is\s+the\s+new\s+(?:job|gig|role)\b)|\bwho\s+(?:hired|poached)"
    r"\s+you\b)[^.!]*$"
)
# What a speaker says of a job they are leaving ("I'm leaving the BBC", "I gave notice friday",
# "last day at ledgerly is sept 8", "I quit"), and of a trip, which "Where to?" asks of instead.
_LEAVING_JOB = re.compile(
    r"(?i:\b(?:leaving|left|quit(?:ting)?|resign(?:ed|ing)?|handed\s+in|gave\s+(?:my\s+)?notice"
    r"|giving\s+(?:my\s+)?notice|last\s+day|new\s+job|job\s+offer|poached)\b)"
)
_TRIP = re.compile(r"(?i:\b(?:holiday|vacation|trip|flight|flying|travel\w*|getaway)\b)")
# The name opening the answer: "Channel 4, as ...", "Parcelpoint.", "University Hospital Galway".
_ANSWER_NAME = re.compile(
    r"\W*(?P<name>[^\W\d_a-z][\w'’&-]*(?:\s+(?:[^\W\d_a-z][\w'’&-]*|\d+|of|&))*)"
    r"(?P<rest>[^.!?]*)"
)


# A title told as a fragment of its own after the employer: "Parcelpoint. Director of Product."
_TITLE_AFTER = re.compile(
    r"[.!]\s+(?P<title>(?:[\w'’-]+\s+){0,4}?(?i:"
    + "|".join(sorted(lex.JOB_NOUNS))
    + r")(?:\s+(?:of|for)(?:\s+[\w'’-]+){1,2})?)[.!]"
)


# A question to the one who answers about where they live or whom they work for: "Where are you
# living now?", "Where's home these days?", "Who are you working for now?", "Where do you work?".
_WHERE_LIVE = re.compile(
    r"(?i:\bwhere\s+(?:are|do)\s+you\s+(?:(?:now|currently)\s+)?(?:living|live|based|staying)"
    r"|\bwhere['’]?s\s+home|\bwhere\s+is\s+home)\b[^.!]*$"
)
_WHO_EMPLOYS = re.compile(
    r"(?i:\b(?:who|where)\s+(?:are|do)\s+you\s+(?:(?:now|currently)\s+)?(?:work|working)\b"
    r"|\bwhich\s+(?:company|firm)\b)[^.!]*$"
)


def as_answered(told: str, question: str, answer: str) -> str | None:
    """The answerer's own words for the home or job that ``answer`` names, asked by the other
    speaker's ``question``: "Where are you living now?" - "Bristol, since June." -> "I live in
    Bristol, since June."; "Who are you working for now?" - "Acme." -> "I work at Acme.";
    "Where to?" of the answerer's telling (``told``) that they are leaving a job - "Channel 4,
    as an assistant producer." -> "I started at Channel 4, as an assistant producer." ``None``
    when the question asks no such thing ("Where to?" of a trip, or of no job's end) or the
    answer opens with no name."""
    question = question.strip()
    if _WHERE_LIVE.search(question):
        verb = "I live in"
    elif _WHO_EMPLOYS.search(question):
        verb = "I work at"
    elif _WHERE_TO.search(question) and _LEAVING_JOB.search(told) and not _TRIP.search(told):
        verb = "I started at"
    else:
        return None
    match = _ANSWER_NAME.match(answer)
    if match is None or match["name"].split()[0].lower() in lex.NON_NAME_WORDS:
        return None
    title = _TITLE_AFTER.match(answer, match.end())
    if verb != "I live in" and title is not None and not match["rest"].strip():
        # "Parcelpoint. Director of Product.": the title told apart
        return f"{verb} {match['name']} as a {title['title'].lower()}."
    return f"{verb} {match['name']}{match['rest']}."
