"""A job title changed for another, for the offline extractor's change rules
(:mod:`._changes`): "PM -> Senior PM as of last Wednesday", "from CSR to team leader", "Senior
Software Engineer to Team Lead" -> the new title (``job_title``) and the end of the old one;
"so officially Senior Engineering Manager now" -> the title, its "I'm" left out.
"""

from __future__ import annotations

import re

from cognee_langchain.extraction import _lexicon as lex
from cognee_langchain.extraction._chunk_graph import ChunkGraph, FactTime
from cognee_langchain.extraction._mentions import Mention
from cognee_langchain.extraction._subjects import Span

__all__ = ["TITLE_CHANGE_WORDS", "title_changes"]

_JOB = lex.JOB_PATTERN

# A title changed for another, told as its two ends: "PM -> Senior PM as of last Wednesday",
# "from CSR to team leader", "Senior Software Engineer to Team Lead, finally". A title ends in a
# job noun or is a role's acronym; with "to" alone both ends must be capitalised titles ("I
# talked to the manager" is none).
_ROLE = r"(?:PM|TPM|EM|VP|SVP|EVP|CEO|CTO|CFO|COO|CIO|CMO|CPO|CSR)"
_A_TITLE = rf"(?:[A-Za-z][\w-]*\s+){{0,3}}?(?:(?i:{_JOB})|{_ROLE})"
_CAPITAL_TITLE = rf"(?:[A-Z][\w-]*\s+){{0,3}}?(?:(?=[A-Z])(?i:{_JOB})|{_ROLE})"
_TITLE_CHANGE = re.compile(
    rf"\b(?:[Ff]rom\s+(?:(?:a|an)\s+)?(?P<old>{_A_TITLE})\s+to\s+(?:(?:a|an)\s+)?(?P<new>{_A_TITLE})"
    rf"|(?P<old_2>{_A_TITLE})\s*(?:->|→|=>)\s*(?P<new_2>{_A_TITLE})"
    rf"|(?P<old_3>{_CAPITAL_TITLE})\s+to\s+(?P<new_3>{_CAPITAL_TITLE}))\b"
)

# A title said with its "I'm" left out: "so officially Senior Engineering Manager now".
_OFFICIAL_TITLE = re.compile(
    rf"\b(?:[Oo]fficially|[Nn]ow)\s+(?:(?:a|an)\s+)?(?P<title>{_A_TITLE})\s+now\b"
)

# Words no title opens with: what the title patterns may take in before it ("went from being a
# junior developer").
_NOT_IN_TITLES = lex.DETERMINERS | lex.PREPOSITIONS | lex.CONJUNCTIONS | lex.AUXILIARIES | {
    "being", "went", "got", "moved", "switched", "changed", "promoted", "i", "me", "officially",
}  # fmt: skip


def _bare_title(title: str) -> str | None:
    """``title`` without the words before it that no title holds; ``None`` when nothing but its
    last word is left of a lower-case job noun alone ("to manager" is no change of title)."""
    words = title.split()
    while len(words) > 1 and words[0].lower() in _NOT_IN_TITLES:
        words = words[1:]
    if any(word.lower() in _NOT_IN_TITLES for word in words):
        return None
    return " ".join(words)


def title_changes(
    text: str, speaker: str, at: dict[int, Mention], graph: ChunkGraph, description: str
) -> list[Span]:
    """ "PM -> Senior PM as of last Wednesday", "from CSR to team leader", "Senior Software
    Engineer to Team Lead": the new title, and the end of the old one; "officially Senior
    Engineering Manager now": the title."""
    spans: list[Span] = []
    for match in _TITLE_CHANGE.finditer(text):
        suffix = next(s for s in ("", "_2", "_3") if match.group("new" + s))
        old, new = (
            _bare_title(match.group("old" + suffix)),
            _bare_title(match.group("new" + suffix)),
        )
        if old is None or new is None or old.casefold() == new.casefold():
            continue
        # "PM -> Senior PM": the memory takes one for a short form of the other (one thing);
        # the new title still closes the old one where it was stated
        if not set(old.casefold().split()) <= set(new.casefold().split()):
            ended = graph.add_concept(old, description)
            time = FactTime(kind="job_title", retracted=True)
            graph.relate(speaker, "no longer", ended, description, time)
        title = graph.add_concept(new, description)
        graph.relate(speaker, "job title", title, description, FactTime(kind="job_title"))
        spans.append(match.span())
    for match in _OFFICIAL_TITLE.finditer(text):
        bare = _bare_title(match.group("title"))
        if bare is not None:
            title = graph.add_concept(bare, description)
            graph.relate(speaker, "job title", title, description, FactTime(kind="job_title"))
            spans.append(match.span())
    return spans


#: The words without one of which :func:`title_changes` cannot match (lower case).
TITLE_CHANGE_WORDS = lex.JOB_NOUNS | {"pm", "tpm", "em", "vp", "svp", "evp", "csr", "cio", "cmo"}
