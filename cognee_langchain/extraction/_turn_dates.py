"""Dating what a turn states by its other sentences, for the offline extractor
(:mod:`.offline`): a later sentence of the same turn ("I'm seeing Leah. We met in May."), or the
speaker's answer to the other speaker asking when ("Sold the Sea Ray." - "When?" - "Last
Saturday.").
"""

from __future__ import annotations

import re

from cognee_langchain.extraction._chunk_graph import ChunkGraph
from cognee_langchain.extraction._follow_up import (
    FollowUp,
    follow_up_date,
    has_date,
    is_aside,
    retells_kind,
)
from cognee_langchain.extraction._sentences import Sentence
from cognee_langchain.extraction.kinds import KindMatch, RelationKinds

__all__ = ["asked_of", "date_answered", "date_facts", "default_kind"]

# How many sentences of a turn after a change may tell its date.
_LOOK_AHEAD = 2
_DEFAULT_KINDS = RelationKinds()
# A question asking when what was just said happened: "When?", "Since when?", "Oh wow, when
# was that?", "When did you sell it?", "How long ago?" (not "When are you visiting?").
_ASKS_WHEN = re.compile(
    r"(?i:\bwhen(?:\s+(?:did|was|were|had)\b[^?]*)?|\bhow\s+long\s+ago\b[^?]*)[?!]*\?\s*$"
    # a question opening with "when", in any word order ("When came he to you?"), of the past
    r"|(?i:^\W*(?:(?:and|so|oh|wait)\W+)*when\s+(?!(?:are|is|will|do|does|would|can|could|"
    r"should|shall|['’]s|['’]re)\b)[^?]*\?\s*$)"
)
_CLAUSE_JOIN = re.compile(r",\s+(?:and|but|then|so)\s+|;\s+")


def default_kind(predicate: str) -> KindMatch:
    """What a predicate reads as by default ("moved to" -> ``lives_in``, "quit" -> the end of
    ``works_at``)."""
    return _DEFAULT_KINDS.classify(predicate)


def asked_of(sentences: list[Sentence], index: int) -> tuple[Sentence, int] | None:
    """For the first sentence of a turn (``index``): the other speaker's question it answers
    (the last sentence of their turn just before) and the line of the answerer's own turn
    before that question; ``None`` when the turns do not alternate so."""
    answer, question = sentences[index], sentences[index - 1]
    if question.speaker in (None, answer.speaker):
        return None
    first = index - 1
    while first and sentences[first - 1].line == question.line:
        first -= 1
    if not first or sentences[first - 1].speaker != answer.speaker:
        return None
    return question, sentences[first - 1].line


def date_facts(sentences: list[Sentence], index: int, graph: ChunkGraph) -> None:
    """Date the facts sentence ``index`` states without a date by a later sentence of its turn
    ("I'm seeing Leah. We met in May."): the next one, the one after a short exclamation
    ("Stanley asked me to marry him. At my age! On Sunday just gone."), or the one after the
    next when that tells the same kind of event again and the next names no date of its own
    ("I'm in Calgary now. Like, living here. Moved out at the start of February.")."""
    sentence = sentences[index]
    turn = (sentence.line, sentence.speaker)
    later = []
    for following in sentences[index + 1 : index + 1 + _LOOK_AHEAD]:
        if (following.line, following.speaker) != turn:
            break
        later.append(following)
    if not later:
        return
    since = _last_clause(sentence.text)
    found = _follow_up(sentence.text, since, later[0].text)
    if found is None and len(later) > 1:
        if is_aside(later[0].text):  # past a short exclamation, as if it were not there
            found = _follow_up(sentence.text, since, later[1].text)
        # Further on, only a change of the kind the sentence tells; the cheap look first.
        elif retells_kind(later[1].text) and not has_date(later[0].text):
            found = _follow_up(sentence.text, since, later[1].text)
            if found is not None and found[0].kinds is None:
                found = None
    if found is not None:
        graph.date_sentence(found[0], default_kind, found[1])


def _follow_up(text: str, since: int, following: str) -> tuple[FollowUp, int] | None:
    """What ``following`` dates in the sentence ``text`` whose last clause starts at ``since``,
    and from which offset of it on. An event of no named kind told again is what the last
    clause told ("I finished the master in March, and now I got a job at Kansai. Started in
    July.": the job, in July); a move, a meeting, a thing got told again dates its kind
    anywhere in the sentence, unless the sentence dates it itself."""
    found = follow_up_date(text[since:], following)
    if found is None:
        return None
    if found.kinds is None:
        return found, since
    if since and has_date(text[:since]):
        return None
    return found, 0


def _last_clause(text: str) -> int:
    """Where the last clause of a sentence joined by ", and" (", but", ", then", "; ") starts."""
    breaks = list(_CLAUSE_JOIN.finditer(text))
    return breaks[-1].end() if breaks else 0


def date_answered(
    sentences: list[Sentence],
    index: int,
    turn_facts: dict[int, list[tuple[str, str, str]]],
    graph: ChunkGraph,
) -> None:
    """Date what a speaker's turn stated without a date by their answer, opening their next
    turn, to the other speaker asking when ("Sold the Sea Ray." - "When?" - "Last Saturday.")."""
    asked = asked_of(sentences, index)
    if asked is None or not _ASKS_WHEN.search(asked[0].text):
        return
    keys = turn_facts.get(asked[1])
    if not keys:
        return
    told = " ".join(s.text for s in sentences[:index] if s.line == asked[1])
    found = follow_up_date(told, sentences[index].text)
    if found is not None:
        graph.date_relations(keys, found, default_kind)
