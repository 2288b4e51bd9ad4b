"""The tense of an English sentence or question, by a few general cues (auxiliaries, past forms,
"used to", "will"): what :mod:`cognee_langchain.core.dates` needs to read its phrases.

A sentence about the future turns "in March" and "on Saturday" ahead; in a past sentence "in two
days" is a duration, not a date; a question in the present asks what is true now. Private:
:func:`cognee_langchain.core.dates.is_present_tense` is the public face.
"""

from __future__ import annotations

import re

__all__ = ["future_tense", "past_tense", "present_perfect", "present_question"]

# How far back the word before a past form is looked for.
_LOOKBACK = 24

# A start not yet made is scheduled: "starting in September", "I start at Deloitte in May".
_FUTURE = re.compile(
    r"\b(?:will|shall|going to|gonna|plan(?:s|ning)? to|about to|hope to|want to)\b|['’]ll\b"
    r"|(?<!since )\bstarting (?:in|on|from|next)\b|\b(?:i|we|he|she|they) (?:start|begin)s?\b"
    # a change announced with the date it takes effect: "appointed headmaster, effective from
    # September", "the new rent applies as of June"
    r"|\beffective (?:from|as of|on)\b",
    re.I,
)
# Common irregular past forms, and any "-ed" word (judged by the word before it, below).
_PAST_FORMS = re.compile(
    r"\b(?:was|were|did|had|went|took|spent|made|came|ran|wrote|left|began|became|bought|met|"
    r"saw|said|told|found|gave|sold|lost|won|broke|chose|drove|flew|grew|knew|thought|felt|kept|"
    r"brought|sent|built|(?P<ed>\w{2,}ed))\b",
    re.I,
)
# After these words an "-ed" form is an adjective or a passive of now ("I'm excited", "is married").
_BEFORE_ADJECTIVE = {
    "am", "'m", "is", "'s", "are", "'re", "be", "being", "get", "gets", "so", "very", "really",
    "too", "feel", "feels",
}  # fmt: skip
_LAST_WORD = re.compile(r"(?:\w+|['’]\w+)(?=\W*$)")
_NOT_PAST = {"need", "indeed", "seed", "speed", "feed", "bed", "red", "shed", "weed", "breed"}


def past_tense(text: str) -> bool:
    """Whether ``text`` has a verb in the past tense ("went", "moved"; not the adjective of "I'm
    excited" or "Is she married?")."""
    for m in _PAST_FORMS.finditer(text):
        word = m[0].lower()
        if not m["ed"]:
            return True
        before = _LAST_WORD.search(text, max(0, m.start() - _LOOKBACK), m.start())
        previous = before[0].strip().lower().replace("’", "'") if before else ""
        if word not in _NOT_PAST and previous not in _BEFORE_ADJECTIVE:
            return True
    return False


# "I've lived", "she has been working", "we have had": a state that began and still holds.
_PRESENT_PERFECT = re.compile(
    r"(?:\b(?:have|has)|['’]ve)\s+(?:(?:just|always|now|also|only|actually|both)\s+)?"
    r"(?:been|had|known|lived|worked|owned|kept|studied|dated|taught|played|run|\w+ed)\b",
    re.I,
)


def present_perfect(text: str) -> bool:
    """Whether ``text`` has a verb in the present perfect ("I've lived", "she has been")."""
    return bool(_PRESENT_PERFECT.search(text))


def future_tense(text: str) -> bool:
    """Whether ``text`` speaks of the future ("I will move", "I'm going to", "we'll see")."""
    return bool(_FUTURE.search(text))


# Words that put a question in the past (or the future): not about now.
_HISTORY = re.compile(
    r"\b(?:did|didn't|didn’t|was|wasn't|wasn’t|were|weren't|weren’t|had|hadn't|used to|"
    r"use to|ago|previously|formerly|before|earlier|originally|back then|at the time|former|"
    r"will|won't)\b",
    re.I,
)
# "has/have" + a past participle asks over time ("Where has she worked?"); "has she got" is now.
_PERFECT = re.compile(r"\b(?:has|have|'ve|’ve)\s+(?:\w+\s+)?(?:been|\w+ed|lived|worked)\b", re.I)
_PRESENT = re.compile(
    r"\b(?:does|do|is|are|am|isn't|aren't|doesn't|don't|has|have|now|currently|still|"
    r"these days|nowadays)\b|(?<=\w)(?:'s|’s|'re|’re)\b",
    re.I,
)


def present_question(query: str) -> bool:
    """Whether the verbs of a question ask about now. In order: a past or future auxiliary,
    "used to", "ago", "before", "previously" ... or a present perfect -> no; a present auxiliary
    ("does", "is", "has", "'s") -> yes; a verb in the past tense -> no; else yes."""
    if _HISTORY.search(query) or _PERFECT.search(query):
        return False
    return bool(_PRESENT.search(query)) or not past_tense(query)
