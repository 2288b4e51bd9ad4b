"""Which relation kinds a question asks about: "Which city does Alice live in?" -> ``lives_in``.

A question about someone's home, job or partner is answered by the version of that kind of fact
true at the time asked about, so retrieval needs the kinds a question names. They are read from
its words two ways: nouns and verbs that questions use for a kind ("city", "employer", "role",
"partner"; :data:`DEFAULT_QUESTION_WORDS`), and any single word the relation-kind lexicon itself
classifies ("live" -> ``lives_in``, "adopt" -> ``has_pet``, and the user's own predicates).
Words of the question are compared in base form ("lives", "living" -> "live").
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from types import MappingProxyType

from cognee_langchain.extraction.kinds import RelationKinds, base_form

__all__ = ["DEFAULT_QUESTION_WORDS", "asked_kinds", "kind_words"]

_HOME = ("lives_in",)
_JOB = ("works_at", "job_title")
_TITLE = ("job_title",)
_PARTNER = ("relationship_status",)
_STUDIES = ("studies_at",)
_PETS = ("has_pet",)
_OWNS = ("owns",)
_TASTES = ("likes", "dislikes")

#: Words a question uses for a relation kind, in base form, with the kinds each may ask about.
DEFAULT_QUESTION_WORDS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        **dict.fromkeys(
            ("city", "town", "country", "home", "address", "neighbourhood", "neighborhood",
             "reside", "live", "living", "based", "flat", "apartment", "move", "relocate"),
            _HOME,
        ),
        **dict.fromkeys(
            ("job", "work", "employ", "employer", "company", "firm", "office", "hire"),
            _JOB,
        ),
        **dict.fromkeys(
            ("title", "role", "position", "occupation", "profession", "career", "promote"),
            _TITLE,
        ),
        **dict.fromkeys(
            ("partner", "relationship", "single", "boyfriend", "girlfriend", "husband", "wife",
             "spouse", "fiance", "fiancee", "date", "marry", "married", "engage", "engaged",
             "seeing"),
            _PARTNER,
        ),
        **dict.fromkeys(("school", "university", "college", "study", "student"), _STUDIES),
        **dict.fromkeys(("pet", "pets", "cat", "dog", "fish", "animal"), _PETS),
        **dict.fromkeys(("car", "bike", "vehicle", "drive", "ride"), _OWNS),
        **dict.fromkeys(
            ("like", "love", "enjoy", "prefer", "favourite", "favorite", "drink", "eat", "food",
             "watch", "listen", "hobby"),
            _TASTES,
        ),
    }
)  # fmt: skip

_WORD = re.compile(r"[a-z][a-z'’-]*")
# "for a living" asks for a job, not a home; so does "What does Zoe do (now)?" and "What was
# Kwame doing in April 2022?" — but not "What did she do in June?" (an event) nor "What does she
# do to relax?".
_ASKS_FOR_A_JOB = re.compile(
    r"\bfor a living\b"
    r"|\bwhat\s+(?:does|do)\s+(?:[\w'.-]+\s+){1,3}?do\s*"
    r"(?:now|these days|nowadays|currently|at the moment|for work)?\s*\?"
    r"|\bwhat\s+(?:is|was|are|were)\s+(?:[\w'.-]+\s+){1,3}?doing\s*"
    r"(?:now|these days|nowadays|currently|at the moment|for work|in [^?]{2,30})?\s*\?"
)
# Words the lexicon holds as a whole phrase ("into" -> likes) that mean nothing alone in a
# question ("Did she move into ...?").
_NOT_ALONE = frozenset(
    ("in", "at", "to", "for", "with", "from", "of", "into", "by", "on", "as", "out", "away", "up",
     "fan", "member", "trip", "together", "new", "start", "go", "get", "have", "take",
     "give", "lose", "lay", "finish", "leave", "drop", "own")
)  # fmt: skip
# Past forms of question verbs the verb lexicon does not list.
_FORMS = {"drove": "drive", "rode": "ride", "ate": "eat", "drank": "drink"}


def asked_kinds(question: str, kinds: RelationKinds | None = None) -> frozenset[str]:
    """The relation kinds ``question`` asks about (empty when it names none): its words read
    against :data:`DEFAULT_QUESTION_WORDS` and against ``kinds``' own predicate lexicon
    (default: :class:`RelationKinds`'s defaults), single words and the first words of its
    phrases — "Where does Ben work now?" -> ``{"works_at", "job_title"}``, "What is Ben's job
    title?" -> ``{"job_title"}``, "Is Omar still dating Nadia?" -> ``{"relationship_status"}``.
    """
    lexicon = kinds or _DEFAULT_KINDS
    text = question.casefold().replace("’", "'")
    # Each cue word's kinds; the kinds all cues agree on win ("job title": job_title, not
    # works_at), else every cue counts ("position at her school": job_title, studies_at).
    cues: list[frozenset[str]] = [frozenset(_JOB)] if _ASKS_FOR_A_JOB.search(text) else []
    for word in _WORD.findall(_ASKS_FOR_A_JOB.sub(" ", text)):
        for base in _bases(word):
            if base in _NOT_ALONE:
                break
            # The question words say what a question means by them; other words are read
            # as the lexicon's predicates.
            asked = set(DEFAULT_QUESTION_WORDS.get(base, ()))
            if not asked:
                kind = lexicon.classify(base).kind
                asked = {kind} if kind is not None else set()
                asked.update(lexicon.leading_words.get(base, ()))
            if asked:
                cues.append(frozenset(asked))
                break
    if not cues:
        return frozenset()
    return frozenset.intersection(*cues) or frozenset.union(*cues)


# Words of the lexicon's phrases that say nothing of a kind on their own ("have" a dog, "get" a
# job, "call" it quits, "part" ways, "hand" in notice).
_VAGUE_WORDS = _NOT_ALONE | frozenset(
    ("a", "the", "it", "see", "sign", "break", "call", "end", "part", "thing", "things", "way",
     "ways", "hand", "off", "land", "fire", "notice", "about", "hook", "rid")
)  # fmt: skip


def kind_words(kinds: Collection[str], lexicon: RelationKinds | None = None) -> frozenset[str]:
    """The words that state a fact of ``kinds``: those of the relation-kind lexicon's phrases
    for them (default: :class:`RelationKinds`'s defaults) and of :data:`DEFAULT_QUESTION_WORDS`,
    less words that say nothing alone. ``relationship_status`` -> "marry", "engage", "divorce",
    "girlfriend", "partner", ...: "Wedding is done, we got married!" answers "What is Karthik's
    relationship status?" without one word of the question."""
    wanted = set(kinds)
    if not wanted:
        return frozenset()
    phrases = set((lexicon or _DEFAULT_KINDS).phrases_of(wanted))
    phrases.update(word for word, asked in DEFAULT_QUESTION_WORDS.items() if wanted & set(asked))
    return frozenset(
        word for phrase in phrases for word in phrase.split() if word not in _VAGUE_WORDS
    )


def _bases(word: str) -> list[str]:
    """``word`` and its base form ("teaching" -> "teach", "cities" -> "city")."""
    return list(dict.fromkeys((word, _FORMS.get(word) or base_form(word))))


_DEFAULT_KINDS = RelationKinds()
