"""Dating what a turn states by its other sentences, for the offline extractor
(:mod:`.offline`): a later sentence of the same turn ("I'm seeing Leah. We met in May."), or the
speaker's answer to the other speaker asking when ("Sold the Sea Ray." - "When?" - "Last
Saturday.").
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from cognee_langchain.core.dates import resolve_dates
from cognee_langchain.extraction._chunk_graph import CO_OCCURRENCE, ChunkGraph
from cognee_langchain.extraction._follow_up import (
    FollowUp,
    follow_up_date,
    has_date,
    is_aside,
    retells_kind,
    tells_first_or_last_day,
)
from cognee_langchain.extraction._sentences import Sentence
from cognee_langchain.extraction.kinds import KindMatch, RelationKinds

__all__ = ["asked_of", "date_answered", "date_facts", "date_from_neighbours", "default_kind"]

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


def date_from_neighbours(sentences: list[Sentence], graph: ChunkGraph) -> None:
    """Date the changes a sentence states with no date anywhere near them by the sentence beside
    it in the same turn (the next, else the one before, else the one after a short aside) that
    names a past date and states no change of its own: people announce a change and tell its
    date apart, in words no re-telling of :func:`follow_up_date` foresees ("I've packed in the
    golf. Sold the clubs on eBay at the end of September.", "The letter came on the 2nd. Senior
    Software Engineer to Team Lead!"). Not by a sentence that dates its own event: one opening
    with its date and its own subject ("In 1992, Umbrella Systems started building rockets."),
    one whose date is what it describes ("Last week was busy."), one that starts something else
    ("Started a podcast in May.") or a first or last day, which dates only a start or an end
    (:func:`follow_up_date` has read it). Another event told beside a change with a date and
    nothing of that sort ("I left it at home in May") dates the change too: on the development
    fixtures such sentences are far fewer than the dates told apart."""
    undated: dict[int, list[tuple[str, str, str]]] = {}
    changing: set[int] = set()  # sentences that state a change of some kind
    for key, (_, time, place) in graph.relations.items():
        if key[1] == CO_OCCURRENCE:
            continue
        if time.kind is None and not time.retracted and default_kind(key[1]).kind is None:
            continue
        changing.add(place[0])
        if time.valid_at is None and time.invalid_at is None:
            undated.setdefault(place[0], []).append(key)
    for index, keys in undated.items():
        sentence = sentences[index]
        if not sentence.speaker or has_date(sentence.text):
            continue
        turn = (sentence.line, sentence.speaker)
        for beside in (index + 1, index - 1, index + 2):
            if beside in changing or not 0 <= beside < len(sentences):
                continue
            other = sentences[beside]
            if (other.line, other.speaker) != turn or other.text.rstrip().endswith("?"):
                continue
            if beside == index + 2 and not is_aside(sentences[index + 1].text):
                break
            phrase = _date_told_apart(other.text)
            if phrase:
                graph.date_relations(keys, FollowUp(phrase), default_kind)
                break


# A sentence that starts something of its own: "Started a podcast in May.", "We began a course".
_STARTS_ANOTHER = re.compile(
    r"\b(?:start(?:ed)?|beg[au]n|launched|took\s+up|set\s+up)\s+(?:a|an|my|our|the|some)\b", re.I
)
# After a date opening a sentence, its own subject: "In 1992, Umbrella Systems started ...",
# "Since June I run." (not "In May was it, ...": no subject of its own).
_OWN_SUBJECT = re.compile(r",?\s*(?:I|we|he|she|they|(?-i:[A-Z])[\w'’-]*)\s+[a-z]", re.I)
# The date as what the sentence describes: "Last week was busy."
_DESCRIBED = re.compile(r"\s*(?:was|is|has\s+been|had\s+been)\b", re.I)
_PREPOSITION = re.compile(r"(?:in|on|at|since|from|by|around|over|during)\s", re.I)


def _date_told_apart(text: str) -> str:
    """The past date phrases (joined by ", ") ``text`` gives a change told in the sentence beside
    it, or ``""`` when it names none or dates an event of its own."""
    if tells_first_or_last_day(text) or _STARTS_ANOTHER.search(text):
        return ""
    now = datetime.now(UTC)  # the words, not this reference, tell a past phrase from one ahead
    dates = resolve_dates(text, now)
    starts = [d.phrase for d in dates if d.role in ("on", "since") and d.at <= now]
    if not starts:
        return ""
    opening = text.lstrip(" \t\"'“‘(")
    for date in dates:
        if opening.casefold().startswith(date.phrase.casefold()):
            rest = opening[len(date.phrase) :]
            bare = not _PREPOSITION.match(date.phrase)
            if _OWN_SUBJECT.match(rest) or (bare and _DESCRIBED.match(rest)):
                return ""
    return ", ".join(starts)
