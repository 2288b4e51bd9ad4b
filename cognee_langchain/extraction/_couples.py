"""Couples a speaker states, for the offline extractor's change rules (:mod:`._changes`).

* "Nadia and I have been dating", "Ama and I got engaged", "I'm seeing Leah" ->
  ``relationship_status`` with that partner; "we broke up", "Chris and I split up", "Erik and I
  are separating", "Tom dumped me", "I dumped Tom", "Gino and I are over", "I ended things with
  Tom", "I'm not with Tom anymore" -> its
  end, with whoever it was when the partner is unnamed.
* A partner introduced so: "I've got a boyfriend now, Tom", "I have a girlfriend called Ana".
* Asked out is dating: "Ethan asked me out", "I asked Leah out"; "Noah and I are official now"
  is a couple.
* The speaker alone: "I'm married now", "I got engaged", "Wedding is done!", "Our wedding was on
  the 18th" -> a couple with whoever the speaker is with then.
* A proposal is an engagement: see :mod:`._proposals`.
* "We got engaged" names the partner before it: in the sentence ("I met Ana in Rome and we've
  been together since") or the one before in the same turn ("I met someone, Ana. We got
  engaged!"). "I moved to Rome and we got married" names nobody: the couple's target is left
  open, for the write to fill with whoever the speaker is with then.
* How long a couple has lasted dates its start: "Ana and I have been married for ten years",
  "eight years married this month" -> since "ten years ago" / "eight years ago".
* Single again: "Happily single", "I'm single now", "I've been single since March"; divorced or
  separated: "The divorce from Tom came through", "We separated in May" -> the status.
* Living together: see :mod:`._cohabits`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from cognee_langchain.extraction import _lexicon as lex
from cognee_langchain.extraction._chunk_graph import ChunkGraph, FactTime
from cognee_langchain.extraction._mentions import Mention
from cognee_langchain.extraction._partners import (
    LOWER_PARTNER,
    lower_case_partner,
    may_be_partners,
)
from cognee_langchain.extraction._proposals import proposals
from cognee_langchain.extraction._sentences import is_lower_case
from cognee_langchain.extraction._subjects import NOW, WE_SUBJECT, Span, is_person

__all__ = ["COUPLE_WORDS", "couples"]

# "were married" is the wedding ("Cyril and I were married on Saturday"), unless it is how long a
# marriage lasted ("we were married for ten years"); "were dating" may well be over.
_WERE_MARRIED = rf"\s+were(?=\s+{NOW}married\b(?!\s+for\b))"
# "<Name> and I": the speaker and a partner ("Nadia and I have been dating").
_NAMED = r"[^\W\d_a-z][\w'’.&-]*(?:\s+[^\W\d_a-z][\w'’.&-]*){0,3}"
_COUPLE = (
    rf"(?:(?<![\w'’])(?P<partner>{_NAMED})\s+and\s+(?:I|me)"
    # "Me and Gino are a thing now"
    rf"|\b[Mm]e\s+and\s+(?P<partner_2>{_NAMED}))"
    rf"(?:['’]ve|\s+have|\s+are|['’]re|{_WERE_MARRIED})?\s+{NOW}"
)
# "Noah and I are official now" is a couple; "we're official sponsors" is not.
_OFFICIAL = r"official(?=\s*(?:[.,;:!?)]|$|\s+(?:now|since|again|as\s+of)\b))"
# Older wordings of dating: "courting", "keeping company", "stepping out".
_COURTING = r"courting|keeping\s+company|stepping\s+out|walking\s+out"
_TOGETHER = (
    r"(?:been\s+|started\s+|begun\s+|(?:got|are|were)\s+(?=back\s+together))?"
    rf"(?P<verb>dating|seeing\s+each\s+other|together|a\s+couple|{_OFFICIAL}|{_COURTING}"
    r"|got\s+engaged|engaged|got\s+married|married|tied\s+the\s+knot|got\s+hitched"
    # "Tom and I wed in May"
    r"|wed(?=\s+(?:in|on|last|this|at|a|two|three|\d)\b|\s*[.!,]|\s*$)"
    # "Gino and I got back together", "Me and Gino are a thing now", "... are exclusive now"
    r"|back\s+together|a\s+thing|exclusive|going\s+out"
    # "Tom and I got together last summer", "... made it official", "going steady", "an item",
    # "became a couple", "started a relationship"
    r"|got\s+together|made\s+it\s+official|going\s+steady|an\s+item"
    r"|became\s+(?:a\s+couple|an\s+item|engaged)"
    r"|a\s+relationship)"
)
# A couple's end in the past tense ("we broke up", "Nadia and I parted ways").
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_ENDED = (
    r"broke\s+up|separated|got\s+divorced|divorced|called\s+it\s+(?:quits|a\s+day)|parted\s+ways"
    r"|went\s+our\s+separate\s+ways|called\s+it\s+off|ended\s+it|ended\s+things|broken\s+up"
)
_TIME_APART = (
    r"(?:are\s+|['’]re\s+)?(?:taking\s+(?:some\s+)?time\s+apart|on\s+a\s+break"
    r"|taking\s+a\s+break\s+from\s+each\s+other)"
)
_APART = (
    rf"(?P<end>split(?:\s+up)?|{_ENDED}"
    r"|(?:are\s+)?(?:separating|splitting\s+up|breaking\s+up|getting\s+(?:a\s+)?divorced?)"
    # "Gino and I are over"
    r"|are\s+(?:so\s+)?(?:over|finished|done)(?!\s+(?:with|the|it|that|for)\b)"
    # "Tom and I are no longer together", "... aren't together anymore"
    r"|are\s+no\s+longer\s+(?:together|a\s+couple)"
    r"|(?:are\s+not|aren['’]t)\s+together\s+(?:anymore|any\s+more)"
    # "Luc and I are taking some time apart", "... are on a break": separated
    rf"|{_TIME_APART})"
)
_COUPLE_CHANGE = re.compile(rf"{_COUPLE}(?:{_TOGETHER}|{_APART})\b")
_BREAK_UP = re.compile(
    # "We split in May" (not "we split the bill")
    rf"{WE_SUBJECT}(?:split(?:\s+up)?\b(?!\s+(?:the|a|an|it|our|them|this|that|everything)\b)"
    rf"|{_ENDED})"
    r"(?:\s+(?:with|from)\s+(?P<partner>\S))?"
    # "We're not together anymore", "we are no longer a couple"
    r"|\b[Ww]e(?:['’]re|\s+are)\s+(?:not\s+together\s+(?:anymore|any\s+more|again)"
    r"|no\s+longer\s+(?:together|a\s+couple))\b"
    # "We're taking some time apart" (not "we're on a break": from work as often)
    r"|\b[Ww]e(?:['’]re|\s+are)\s+taking\s+(?:some\s+)?time\s+apart\b"
)
# The partner ended it: "Tom dumped me", "Ana broke up with me".
_LEFT_BY = re.compile(
    r"(?<![\w'’])(?P<partner>[^\W\d_a-z][\w'’-]*)\s+(?:has\s+)?(?:just\s+)?"
    r"(?:dumped|broke\s+up\s+with|split\s+up\s+with|divorced|walked\s+out\s+on|left)"
    # not "left me a note", "left me in charge" (but "dumped me in May")
    r"\s+me\b(?!\s+(?:a|an|the|some|alone|with|at|to)\b)"
    rf"(?!\s+in\s+(?!(?i:{_MONTHS})\b))"
    # the speaker ended it: "I dumped Gino", "I broke it off with Gino"
    r"|\bI\s+(?:finally\s+|just\s+)?(?:dumped|broke\s+(?:it\s+)?off\s+with)\s+"
    r"(?P<partner_2>[^\W\d_a-z])"
    # the partner unnamed: "My wife left me in May", "My boyfriend dumped me"
    r"|(?P<unnamed>\b[Mm]y\s+(?:husband|wife|boyfriend|girlfriend|partner|fianc[eé]e?)\s+"
    r"(?:has\s+)?(?:just\s+)?(?:dumped|broke\s+up\s+with|divorced|walked\s+out\s+on|left)"
    r"\s+me\b(?!\s+(?:a|an|the|some|alone|with|at|to)\b)"
    rf"(?!\s+in\s+(?!(?i:{_MONTHS})\b|\d{{4}}\b)))"
)
# "we" and a partner named before: "we've been together since May", "we got married".
_WE_COUPLE = re.compile(
    rf"(?:\b[Ww]e(?:['’]ve|\s+have|['’]re|\s+are|{_WERE_MARRIED})?\s+{NOW}(?:been\s+{NOW})?"
    # "Together since Valentine's Day": the "we've been" left out
    r"|^\W*(?=(?i:together|dating|married)\s+since\b))"
    # "We started going out in January"
    r"(?:started\s+|began\s+)?"
    # "We are seeing since March", as learners say it
    r"(?P<verb>(?i:dating|together|married)|seeing(?:\s+each\s+other|(?=\s+since\b))|a\s+couple"
    r"|got\s+together|got\s+engaged"
    r"|going\s+out|going\s+steady|an\s+item|made\s+it\s+official"
    rf"|engaged|got\s+married|married|tied\s+the\s+knot|got\s+hitched|{_OFFICIAL}|{_COURTING}"
    # Singapore's "We ROM-ed in March" (married at the Registry of Marriages)
    r"|ROM(?:['’-]?ed)?(?=\s+(?:on|in|at|last|this|already|lah)\b))\b"
)
_WE_COUPLE_WORDS = frozenset(
    ("dating", "together", "couple", "engaged", "married", "seeing", "official", "courting",
     "company", "stepping", "walking", "going", "item", "rom", "romed")
)  # fmt: skip
_COUPLE_PREDICATES = {
    "together": "together with", "a couple": "together with", "got together": "together with",
    "official": "together with", "back together": "together with", "a thing": "together with",
    "exclusive": "together with", "going out": "dating", "became a couple": "together with",
    "became an item": "together with", "a relationship": "together with",
    "became engaged": "engaged", "seeing": "dating",
    "seeing each other": "dating", "tied the knot": "married", "got hitched": "married",
    "courting": "dating", "keeping company": "dating", "stepping out": "dating",
    "walking out": "dating", "going steady": "dating", "an item": "together with",
    "made it official": "together with", "wed": "married", "rom": "married", "rom-ed": "married",
    "romed": "married", "rom'ed": "married", "rom’ed": "married",
}  # fmt: skip
# The speaker alone, the partner unnamed (whoever the speaker is with then): "I'm married now",
# "I got engaged last week"; not "Tom and I got engaged" nor "I got married to Tom" (read with
# the partner), nor how long ("married for ten years").
_I_COUPLE = re.compile(
    rf"(?<!and )\bI(?:['’]m|\s+am|['’]ve|\s+have)?\s+{NOW}(?:been\s+|got\s+|gotten\s+)?{NOW}"
    r"(?P<verb>married|engaged|divorced)\b(?!\s+(?:for|to)\b)(?!\s+[^\W\d_a-z])"
)
# The speaker's own wedding, told as done: "Wedding is done, yaar!", "Our wedding was on the
# 18th", "We had our wedding in June" (not someone else's: "their wedding was lovely").
_WEDDING = re.compile(
    r"(?:^\W*|\b(?:[Oo]ur|[Mm]y)\s+)[Ww]edding\s+(?:is\s+|was\s+)?(?:done|over|finished)\b"
    r"|\b(?:[Oo]ur|[Mm]y)\s+wedding\s+was\b|\b[Ww]e\s+had\s+(?:our|the)\s+wedding\b"
)
# A partner introduced by what they are to the speaker: "I've got a boyfriend now, Tom", "I have
# a girlfriend called Ana" (not "my sister's boyfriend").
_HAS_PARTNER = re.compile(
    r"\bI(?:['’]ve\s+got|\s+have\s+got|\s+have|\s+got)\s+(?:a\s+)?(?:new\s+)?"
    r"(?:boyfriend|girlfriend|partner|fianc[eé]e?)(?:\s+now)?(?:,\s*|\s+(?:called|named)\s+)"
    r"(?P<partner>[^\W\d_a-z])"
)
# A partner said to be one: "Gino is my boyfriend now", "Ana's my fiancée".
_IS_MY_PARTNER = re.compile(
    r"(?<![\w'’])(?P<partner>[^\W\d_a-z][\w'’-]*)(?:\s+is|['’]s)\s+(?:now\s+)?my\s+(?:new\s+)?"
    r"(?P<role>boyfriend|girlfriend|partner|fianc[eé]e?|husband|wife)\b"
)
# The speaker said to be one: "I'm Tom's girlfriend now".
_I_AM_PARTNERS = re.compile(
    r"\bI(?:['’]m|\s+am)\s+(?:now\s+|officially\s+)?(?P<partner>[^\W\d_a-z][\w'’-]*)['’]s\s+"
    r"(?:new\s+)?(?P<role>boyfriend|girlfriend|partner|fianc[eé]e?|husband|wife)\b"
)
# A couple ended, the partner unnamed or named after: "My husband and I divorced last year",
# "The divorce from Tom came through in March", "The divorce came through" (the speaker divorced
# from then, as "I'm divorced now" says; not "their divorce", nor "Mum's").
_DIVORCED = re.compile(
    rf"\b[Mm]y\s+(?:husband|wife|boyfriend|girlfriend|partner|fianc[eé]e?)\s+and\s+I"
    rf"(?:['’]ve|\s+have|\s+are|['’]re)?\s+{NOW}{_APART}\b"
    r"|(?<!['’]s\s)\b(?:[Mm]y|[Oo]ur|[Tt]he)\s+divorce"
    r"(?:\s+from\s+(?P<partner>[^\W\d_a-z])[\w'’-]*)?\s+(?:has\s+|have\s+|finally\s+)*"
    r"(?:came\s+through|(?:was|been|got)\s+finali[sz]ed|is\s+(?:now\s+)?final|went\s+through)\b"
)
# Single again: "Happily single", "I'm single now", "I've been single since March".
_SINGLE = re.compile(
    rf"(?:\bI(?:['’]m|\s+am|['’]ve\s+been|\s+have\s+been)\s+{NOW}(?:newly\s+)?"
    r"|^\W*(?:(?:happily|still|now|newly)\s+)+|^\W*)"
    r"single(?:\s+(?:again|now))?(?=\s*(?:[.,;!]|$|\s+(?:and|again|now|since)\b))",
    re.I,
)
# A couple said to be over: "I'm not with Lucía anymore", "I'm no longer with Tom".
_NOT_WITH = re.compile(
    r"\bI(?:['’]m|\s+am)\s+(?:not\s+with\s+(?P<partner>\S)(?=[^.!?]*\b(?:anymore|any\s+more)\b)"
    r"|no\s+longer\s+with\s+(?P<partner_2>\S))"
)
# How long a couple has lasted: "eight years married", "married for ten years".
_COUNT = r"(?P<count>\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty)"
_YEARS_COUPLE = re.compile(
    rf"\b{_COUNT}\s+(?P<unit>year|month)s?\s+(?:happily\s+)?(?P<verb>married|together)\b", re.I
)
# "married for ten years", "seeing each other for about three months", "together two years"
_COUPLE_FOR = re.compile(
    r"\b(?P<verb>married|together|dating|seeing\s+each\s+other)\s+(?:for\s+)?"
    r"(?:(?:almost|nearly|over|about|around|roughly|just\s+over)\s+)?"
    rf"{_COUNT}\s+(?P<unit>year|month)s?\b",
    re.I,
)
# Asked out is dating: "Ethan asked me out after 3rd period", "I finally asked Leah out"; not
# an outing ("Tom asked me out for lunch", "... out to the pub").
_OUT = (
    r"(?:\s+out\b(?!\s+(?:for|to)\b)"
    # "Tom asked me to be his girlfriend", "I asked Leah to be my girlfriend"
    r"|\s+to\s+be\s+(?:his|her|their|my)\s+(?:girlfriend|boyfriend|partner)\b)"
)
_ASKED_ME = r"\s+(?:has\s+)?(?:finally\s+|just\s+)?asked\s+me"
_ASKED_OUT = re.compile(
    rf"(?:(?<![\w'’])(?P<partner>[^\W\d_a-z][\w'’-]*){_ASKED_ME}"
    rf"|\bI\s+(?:finally\s+|just\s+)?asked\s+(?P<asked>[^\W\d_a-z])[\w'’-]*){_OUT}"
)
_SEEING = re.compile(
    # "I been keeping company with Darlene": the "have" left out, as some speak
    # "I've started seeing someone, Tom"
    rf"\bI(?:['’]m|\s+am|['’]ve\s+been|\s+have\s+been|\s+been|(?:['’]ve|\s+have)?\s+started)\s+{NOW}"
    r"(?:seeing|courting|(?:keeping\s+company|stepping\s+out|walking\s+out|going\s+out)\s+with)\s+"
    r"(?:(?:some(?:one|body)|an?\s+(?:(?:lovely|nice|new)\s+)?(?:guy|girl|man|woman|boy|lady))"
    r"(?:\s+new)?"
    # "someone new, she's called Priya", "somebody, her name is Priya"
    r"(?:,\s+(?:she|he|they)(?:['’]s|\s+is|['’]re|\s+are)\s+(?:called|named)"
    r"|,\s+(?:her|his|their)\s+name(?:['’]s|\s+is)"
    r"|,|\s+(?:called|named))?\s+)?(?P<partner>\S)"
)
# "I got engaged to my girlfriend Ana", "I got married to my partner Sam": the stage, with whom.
_STAGE_TO_MY = re.compile(
    rf"\bI(?:['’]ve|\s+have)?\s+{NOW}(?:got|gotten)\s+(?P<verb>engaged|married)\s+to\s+"
    r"(?:my\s+(?:(?:long-?time|long-?term)\s+)?(?:girlfriend|boyfriend|partner)\s+)"
    r"(?P<partner>[^\W\d_a-z])"
)
# The speaker ended it, the partner unnamed: "I left my husband in May".
_LEFT_MY = re.compile(
    r"\bI\s+(?:finally\s+|just\s+)?(?:left|dumped|broke\s+up\s+with|divorced)\s+my\s+"
    r"(?:husband|wife|boyfriend|girlfriend|partner|fianc[eé]e?)\b(?!\s+(?:a|an|the|at|with|to)\b)"
)
# Chat typed all in lower case: the word in a partner's slot ("ethan and i broke up", "noah
# asked me out", texting's "me n sam r official"; not "my mom and i"): see LOWER_PARTNER.
_LOWER_COUPLE = re.compile(
    rf"(?:{LOWER_PARTNER}\s+(?:and|n|&)\s+(?:I|me)|\bme\s+(?:and|n|&)\s+(?P<partner_2>[a-z][a-z'’-]{{1,20}}))"
    rf"(?:['’]ve|\s+have|\s+are|['’]re|\s+r|{_WERE_MARRIED})?\s+{NOW}"
    rf"(?:{_TOGETHER}|{_APART})\b"
)
_LOWER_ASKED_OUT = re.compile(rf"{LOWER_PARTNER}{_ASKED_ME}{_OUT}")
#: The words without which :func:`couples` and :func:`cohabits` cannot match (lower case).
COUPLE_WORDS = _WE_COUPLE_WORDS | {
    "broke", "split", "separated", "separating", "divorced", "seeing", "quits", "parted", "ways",
    "ended", "dumped", "splitting", "breaking", "walked", "proposed", "propose", "proposes",
    "marry", "popped", "yes", "broken", "wed", "knee",
    "anymore", "longer", "called", "together", "knot", "hitched", "asked", "wedding",
    "boyfriend", "girlfriend", "partner", "fiance", "fiancé", "fiancee", "fiancée", "over",
    "finished", "done", "off", "left", "husband", "wife", "thing", "exclusive", "apart", "break",
    "going", "back", "divorce", "item", "steady", "single", "relationship", "became",
}  # fmt: skip


def couples(
    text: str,
    speaker: str,
    at: dict[int, Mention],
    graph: ChunkGraph,
    description: str,
    *,
    earlier: Sequence[Mention] = (),
) -> list[Span]:
    """ "Nadia and I have been dating", "Ama and I got engaged", "Erik and I are separating",
    "I'm seeing Leah", "we broke up", "we got married" (``earlier``: who was named
    before this sentence): a relationship begun or ended; the spans read."""
    spans = _we_couple(text, speaker, at, graph, description, earlier)
    lower_case = is_lower_case(text)
    for match in _COUPLE_CHANGE.finditer(text):
        partner = at.get(match.start("partner" if match.group("partner") else "partner_2"))
        if partner is not None:
            _couple_change(match, speaker, partner.key, graph, text, description)
            spans.append(match.span())
    for match in _LOWER_COUPLE.finditer(text) if lower_case else ():
        key = lower_case_partner(match, text, graph, description)
        if key is not None:
            _couple_change(match, speaker, key, graph, text, description)
            spans.append(match.span())
    for match in _LOWER_ASKED_OUT.finditer(text) if lower_case else ():
        key = lower_case_partner(match, text, graph, description)
        if key is not None:
            graph.relate(speaker, "dating", key, description, FactTime())
            spans.append(match.span())
    for match in _STAGE_TO_MY.finditer(text):
        partner = at.get(match.start("partner"))
        if partner is not None and is_person(partner, graph):
            stage = f"{match.group('verb')} to"
            graph.relate(speaker, stage, partner.key, description, FactTime())
            spans.append(match.span())
    for match in _LEFT_MY.finditer(text):
        _apart(speaker, "", _legal_state(match.group()), graph, description)
        spans.append(match.span())
    for match in _SEEING.finditer(text):
        partner = at.get(match.start("partner"))
        if partner is not None:
            graph.relate(speaker, "dating", partner.key, description, FactTime())
    for match in _ASKED_OUT.finditer(text):
        partner = at.get(match.start("partner" if match.group("partner") else "asked"))
        if partner is not None and partner.key != speaker and is_person(partner, graph):
            graph.relate(speaker, "dating", partner.key, description, FactTime())
            spans.append(match.span())
    spans += proposals(text, speaker, at, graph, description, lower_case=lower_case)
    for match in (*_IS_MY_PARTNER.finditer(text), *_I_AM_PARTNERS.finditer(text)):
        partner = at.get(match.start("partner"))
        if partner is not None and partner.key != speaker and is_person(partner, graph):
            role = match.group("role")
            predicate = (
                "married"
                if role in ("husband", "wife")
                else ("engaged to" if role.startswith("fianc") else "dating")
            )
            time = FactTime(kind="relationship_status")
            graph.relate(speaker, predicate, partner.key, description, time)
            spans.append(match.span())
    for match in _HAS_PARTNER.finditer(text):
        partner = at.get(match.start("partner"))
        if partner is not None and is_person(partner, graph):
            graph.relate(speaker, "dating", partner.key, description, FactTime())
            spans.append(match.span())
    for match in _I_COUPLE.finditer(text):
        if match.group("verb") == "divorced":  # "I'm divorced now": a state
            _apart(speaker, "", "divorced", graph, description)
        else:
            time = FactTime(kind="relationship_status")
            graph.relate(speaker, match.group("verb"), "", description, time)
        spans.append(match.span())
    for match in _WEDDING.finditer(text):
        time = FactTime(kind="relationship_status")
        graph.relate(speaker, "married", "", description, time)
        spans.append(match.span())
    single = _SINGLE.search(text)
    if single is not None:
        _status(speaker, "single", graph, description)
        spans.append(single.span())
    for match in _DIVORCED.finditer(text):
        partner = at.get(match.start("partner")) if match.group("partner") else None
        key = partner.key if partner else ""
        _apart(speaker, key, _legal_state(match.group()), graph, description)
        spans.append(match.span())
    for match in _NOT_WITH.finditer(text):
        partner = at.get(match.start("partner" if match.group("partner") else "partner_2"))
        if partner is not None and is_person(partner, graph):
            time = FactTime(kind="relationship_status", retracted=True)
            graph.relate(speaker, "broke up with", partner.key, description, time)
            spans.append(match.span())
    for match in _LEFT_BY.finditer(text):
        if match.group("unnamed"):
            _apart(speaker, "", _legal_state(match.group()), graph, description)
            spans.append(match.span())
            continue
        partner = at.get(match.start("partner" if match.group("partner") else "partner_2"))
        if partner is not None and is_person(partner, graph):
            time = FactTime(kind="relationship_status", retracted=True)
            graph.relate(speaker, "broke up with", partner.key, description, time)
            spans.append(match.span())
    for match in _BREAK_UP.finditer(text):
        partner = at.get(match.start("partner")) if match.group("partner") else None
        if partner is None and text[: match.start()].rstrip().endswith(" and"):
            continue  # "Chris and I broke up": read above, with the partner
        target = partner.key if partner is not None else ""
        _apart(speaker, target, _legal_state(match.group()), graph, description)
        spans.append(match.span())
    return spans


def _legal_state(told: str) -> str | None:
    """The state a couple's end leaves, when the law names one: "divorced", "separated"."""
    lowered = told.lower()
    if "divorc" in lowered:
        return "divorced"
    return "separated" if re.search(r"separat|time\s+apart|a\s+break", lowered) else None


def _apart(
    speaker: str, partner: str, state: str | None, graph: ChunkGraph, description: str
) -> None:
    """The end of the speaker's couple with ``partner`` (blank: whoever it was), and the state it
    leaves as the relationship status from then ("divorced", "separated"). A state with no
    partner named needs no end: as the new status it closes whatever held (an end of whatever
    held, at the same time, might close the state itself)."""
    if partner or state is None:
        time = FactTime(kind="relationship_status", retracted=True)
        graph.relate(speaker, "broke up with", partner, description, time)
    if state is not None:
        _status(speaker, state, graph, description)


def _status(speaker: str, state: str, graph: ChunkGraph, description: str) -> None:
    """The speaker's relationship status, told as a state: "single", "divorced", "separated"."""
    status = graph.add_concept(state, description)
    graph.relate(speaker, "is", status, description, FactTime(kind="relationship_status"))


def _couple_change(
    match: re.Match[str],
    speaker: str,
    partner: str,
    graph: ChunkGraph,
    text: str,
    description: str,
) -> None:
    """Relate the speaker to ``partner`` as a couple begun or ended, as ``match`` says."""
    if match.group("end"):
        _apart(speaker, partner, _legal_state(match.group("end")), graph, description)
    else:
        verb = " ".join(match.group("verb").split())
        predicate = _COUPLE_PREDICATES.get(verb, verb)
        time = FactTime(valid_at=_since(_couple_duration(text)))
        graph.relate(speaker, predicate, partner, description, time)


_PAIRED_AFTER = re.compile(r"\s+and\s+(?:me|I)\b")


def _we_couple(
    text: str,
    speaker: str,
    at: dict[int, Mention],
    graph: ChunkGraph,
    description: str,
    earlier: Sequence[Mention],
) -> list[Span]:
    """ "I met Ana in Rome and we've been together since", "Ana. We got engaged!", "Ana and I
    went sailing; ten years married this month": a couple whose partner is the last person
    named before "we" (in the sentence, else before it: ``earlier``)."""
    lasted = _couple_duration(text)
    since = _since(lasted)
    matches = list(_WE_COUPLE.finditer(text))
    if not matches and lasted is not None:
        matches = [lasted]  # "eight years married": no "we" needed
    spans: list[Span] = []
    for match in matches:
        # "We started going out in January, Tom and me": the pair named after "we"
        paired = [
            m
            for m in at.values()
            if _PAIRED_AFTER.match(text, m.end) or text[: m.start].endswith(("me and ", "Me and "))
        ]
        named = paired or may_be_partners(
            text, [m for start, m in sorted(at.items()) if start < match.start()], speaker
        )
        # "Harlan Boyd. Widower, retired Coast Guard. We've been keeping company": a name ending
        # in a trade ("Coast Guard") is what someone was, not who
        people = [
            m
            for m in (*earlier, *named)
            if m is not None
            and is_person(m, graph)
            and m.name.split()[-1].lower() not in lex.JOB_NOUNS
        ]
        verb = " ".join(match.group("verb").lower().split())
        predicate = _COUPLE_PREDICATES.get(verb, verb)
        # "your best friend is officially Mrs Siobhan Keane. We got married": her married
        # name is the speaker still
        if not people or people[-1].key.split()[0] == speaker.split()[0]:
            # "I moved to Rome and we got married": the partner is whoever the speaker is
            # with then, which the write looks up (an open target)
            time = FactTime(kind="relationship_status", valid_at=since)
            graph.relate(speaker, predicate, "", description, time)
        else:
            graph.relate(speaker, predicate, people[-1].key, description, FactTime(valid_at=since))
        spans.append(match.span())
    return spans


def _couple_duration(text: str) -> re.Match[str] | None:
    """How long a couple of ``text`` has lasted: "ten years married", "together for a year"."""
    return _YEARS_COUPLE.search(text) or _COUPLE_FOR.search(text)


def _since(lasted: re.Match[str] | None) -> str | None:
    """When a couple that has ``lasted`` so long got together, as a phrase the date reader
    resolves: "ten years married" -> "ten years ago"."""
    if lasted is None:
        return None
    return f"{lasted.group('count')} {lasted.group('unit')}s ago"
