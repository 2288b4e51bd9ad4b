"""What the sentence after a change adds to it, in the same turn.

* **Its date**: a change stated without one is dated by a later sentence of the turn that tells
  when *that* happened: "I'm seeing someone new, Leah. We met at the pool in May." -> seeing
  Leah since May; "Erik and I are separating. We decided in February." -> the end in February.
  The sentence must say when *that* happened: "it"/"that" was, happened, started or ended ("I
  moved to Lyon. That was in 2021."), "we"/"she"/"he"/"they" decided, agreed, began, started or
  signed, the event told again with its doer left out or named by a pronoun ("Started in
  July.", "I start last Monday.", "They promoted me two weeks ago."), a first or last day ("My
  last day was yesterday."), or a date alone ("Since June.", "Last Saturday, at St. Anne's.").
  A re-telling of a kind dates only a change of that kind, and may come a sentence later ("I'm
  in Calgary now. Like, living here. Moved out at the start of February."): a move ("Moved up
  the week before last.", "Drove up from Phoenix two weeks ago.", "I've lived here since May.")
  a home; a meeting ("Met him at a pub quiz in March.", "We got together in June."), a
  proposal or a wedding ("He proposed on Saturday.", "Our wedding was in June.") or a break-up
  ("We broke up three months ago.") a couple; a thing got again by a pronoun ("I bought him
  three days ago.") or its sale closing ("The sale closed a fortnight ago.") a pet or a
  possession. "We went to Rome in May" dates a trip, not the change before it. Its date must
  lie in the past (not "We'll meet in May") but for a last day to come ("I'm leaving Acme. My
  last day is on the 31st."), and the change's own sentence must name no date of its own,
  which always wins. Only the phrase is passed on ("in May"): it is resolved
  against the message's time with every other date when the write is built.
* **A name**: a pet, a partner or a vehicle told of without a name is named by the next
  sentence: "We adopted a beagle last Saturday. His name is Waffles.", "I'm seeing someone.
  Callum.", "Bought a motorbike. A Triumph Bonneville, second-hand."
* **A home**: "I bought a house in Stockport. I moved in a couple of days ago." -> the speaker
  lives in the place the sentence before named; "And I moved. A fortnight ago. I'm in Penarth
  now." -> in the place named after a move told without it, since the move.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import NamedTuple

from cognee_langchain.core.dates import resolve_dates
from cognee_langchain.extraction import _lexicon as lex
from cognee_langchain.extraction._sentences import is_lower_case
from cognee_langchain.extraction.kinds import PET_ANIMALS

__all__ = [
    "FollowUp",
    "follow_up_date",
    "has_date",
    "home_after_move",
    "is_aside",
    "moves_in",
    "named_later",
    "retells_kind",
    "tells_first_or_last_day",
]

# Where a date phrase may start, right after the verb that tells the event again.
_DATE_AHEAD = (
    r"(?=(?:in|on|at|around|over|during|last|yesterday|today|two|three|four|five|six|a\s+"
    r"(?:couple|few|week|month|year|fortnight)|back|earlier|"
    # "the Monday after New Year", "the weekend before last", "the 2nd"
    r"the\s+(?:week|weekend|start|end|beginning|first|last|\d|(?:mon|tues|wednes|thurs|fri|satur|"
    r"sun)day)|"
    r"since|this|"
    r"just|only|early|late|(?:mon|tues|wednes|thurs|fri|satur|sun)day|january|february|march|"
    r"april|may|june|july|august|september|october|november|december)\b)"
)
_SUBJECT = r"(?:(?:I|we)\s+)?(?:(?:first|finally|only|just|actually|both|officially)\s+)?"
#: Kinds a re-telling dates (``None``: any kind, the retold event being named generically).
_MOVE = frozenset({"lives_in"})
_COUPLE = frozenset({"relationship_status"})
_GOT = frozenset({"has_pet", "owns"})
_FIRST_OR_LAST = (
    r"(?:my|our|his|her)\s+(?:{which})\s+(?:day|shift|duty|week|class|lesson|session|lecture)\b"
    # "Last day was Good Friday" (not "Last week was busy": no date follows that)
    r"|(?:{which})\s+(?:day|shift|duty)\s+(?:was|is)\b"
    r"|[\w\s]{{3,30}}?\s+was\s+(?:my|our|his|her)\s+(?:{which})\s+"
    r"(?:day|shift|duty|week|class|lesson|session|lecture)\b"
)
_RETOLD: tuple[tuple[re.Pattern[str], frozenset[str] | None, bool | None], ...] = tuple(
    # The re-telling opens the sentence or follows a leading aside: "Dysgu Cymraeg, Wednesday
    # nights, I started in March."
    (re.compile(r"\W*(?:[^.!?,]{1,40},\s+){0,2}?(?P<told>" + pattern + r")", re.I), kinds, ends)
    for pattern, kinds, ends in (
        (
            r"(?:we|she|he|they)\s+(?:(?:first|finally|only|just|actually|both|officially)\s+)?"
            r"(?:decided|agreed|began|started|signed|finali[sz]ed|made\s+it\s+official)"
            r"|(?:it|that|this)(?:\s+all)?\s+(?:was|happened|started|began|ended)"
            # "Started in July.", "I start last Monday.", "They promoted me two weeks ago."
            rf"|{_SUBJECT}(?:started|start|began|begin|joined|join|finished|left)"
            rf"(?:\s+(?:up|over|in|out|back|here|there))?\s+{_DATE_AHEAD}"
            r"|(?:they|he|she)\s+(?:promoted|made|hired|appointed)\s+me\b"
            # "Told them in June.", "Signed the forms last week.": the change made official
            rf"|{_SUBJECT}(?:told|informed)\s+(?!you\b)(?:[\w'’]+\s+){{1,3}}?{_DATE_AHEAD}"
            rf"|{_SUBJECT}signed\s+(?:the\s+)?(?:forms|papers|contract|lease)\s+{_DATE_AHEAD}",
            None,
            None,
        ),
        # A first or last day told apart dates a start or an end only: "My first day was
        # yesterday.", "Last Friday was my last shift." ("I work at Zentrix. My last day was
        # 31st May." ends the job; it never started then).
        (_FIRST_OR_LAST.format(which="first"), None, False),
        (_FIRST_OR_LAST.format(which="last|final"), None, True),
        (
            # "Moved up the week before last.", "Drove up from Phoenix two weeks ago.", "I move
            # at the start of May.", "Been here since the week before last.", "Got the keys
            # back in March."
            rf"{_SUBJECT}(?:moved|move|relocated|drove|flew|arrived|arrive|got\s+the\s+keys)"
            rf"(?:\s+[\w'’-]+){{0,4}}?\s+{_DATE_AHEAD}"
            r"|(?:I(?:['’]ve|\s+have)\s+)?(?:(?:only|just)\s+)?(?:lived|been|stayed)\s+"
            r"(?:here|there)",
            _MOVE,
            None,
        ),
        (
            # "We met at the pool in May.", "Met him at a pub quiz in March.", "We got
            # together in June."
            r"(?:(?:we|she|he|they)\s+)?(?:(?:first|finally|only|just|actually)\s+)?met\b"
            r"|(?:I\s+)?met\s+(?:him|her|them)\b"
            rf"|{_SUBJECT}got\s+(?:together|engaged|married|hitched)\b"
            # "I'm not with Lucía anymore. We broke up three months ago."
            rf"|{_SUBJECT}(?:broke\s+up|split(?:\s+up)?|separated|got\s+divorced"
            r"|called\s+it\s+(?:quits|a\s+day|off))\b"
            # "We're engaged! He proposed on Saturday.", "Our wedding was in June.", "We had
            # our first date in May."
            # "I'm engaged! Cathal asked me on Saturday": the partner named, capitalised
            r"|(?:he|she|they|I|(?-i:[A-Z])[\w'’-]+)\s+(?:finally\s+)?"
            r"(?:proposed|popped\s+the\s+question|asked\s+me"
            r"|got\s+down\s+on\s+one\s+knee)\b"
            r"|(?:the|our)\s+wedding\s+was\b"
            r"|(?:we|I)\s+(?:had\s+our\s+first\s+date|started\s+(?:dating|going\s+out|seeing))\b",
            _COUPLE,
            None,
        ),
        (
            # "I bought him three days ago.", "Collected it last Saturday."
            rf"{_SUBJECT}(?:bought|got|adopted|rescued|brought|picked|collected|sold)\s+"
            r"(?:him|her|it|them)\b"
            # "I have sold the house. The sale closed a fortnight ago."
            r"|(?:the\s+)?sale\s+(?:closed|went\s+through|completed)\b",
            _GOT,
            None,
        ),
    )
)
# The words without one of which no re-telling matches: most sentences skip the patterns.
_RETOLD_WORDS = frozenset(
    (
        "decided", "agreed", "began", "started", "signed", "finalised", "finalized", "official",
        "it", "that", "this", "was", "happened", "ended", "start", "begin", "joined", "join",
        "finished", "left", "promoted", "made", "hired", "appointed", "day", "shift", "week",
        "duty", "moved", "move", "relocated", "drove", "flew", "arrived", "arrive", "keys", "lived",
        "been", "stayed", "met", "got", "bought", "adopted", "rescued", "brought", "picked",
        "collected", "sold", "told", "informed", "class", "lesson", "session", "lecture",
        "broke", "split", "separated", "divorced", "sale", "proposed", "popped", "asked", "knee",
        "wedding", "date", "dating", "going", "seeing", "called",
    )
)  # fmt: skip
_WORD = re.compile(r"[a-z]+")
# A date alone, or nearly: "Last Saturday, at St. Anne's.", "In May.", "Since June.", "Sunday
# night.", "End of August.", "24th August, in Chennai.", "The 18th."
_FRAGMENT = re.compile(
    # "Weds.": texting's weekdays too
    r"\W*(?:"
    + _DATE_AHEAD
    + r"|(?=(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|tues|weds|thurs|january|february|"
    r"march|april|may|june|july|august|september|october|november|december|end|start|mid)\b)"
    r"|(?=(?:the\s+)?\d{1,2}(?:st|nd|rd|th)\b))",
    re.I,
)
_FRAGMENT_WORDS = 10
# A longer fragment still, when it lists circumstances: "Last Saturday, out on the prom at
# Salthill, in the lashing rain, down on one knee in a puddle."
_CIRCUMSTANCE_WORDS = 8
_PRONOUN = re.compile(r"\b(?:I|we|he|she|they|it)\b", re.I)
_VERB = re.compile(
    r"\b(?:[a-z]{2,}ed|is|was|are|were|has|have|had|did|does|went|got|said|made|took|came)\b"
)


class FollowUp(NamedTuple):
    """The date a later sentence gives the facts of an earlier one: its ``phrase`` (several
    joined by ", " for the write to choose from), the ``kinds`` of fact it can date (``None``:
    any) and whether it dates only ends (``True``), only starts (``False``) or either."""

    phrase: str
    kinds: frozenset[str] | None = None
    ends: bool | None = None


def follow_up_date(text: str, following: str) -> FollowUp | None:
    """The date ``following`` (a later sentence of the turn) gives a change stated in
    ``text``, or ``None``."""
    kinds: frozenset[str] | None = None
    ends: bool | None = None
    # The re-telling that starts first: "I moved up on the 11th of January, started in Hibernia
    # the Monday after" re-tells the move, not the start past it.
    found = min(
        (
            (match.start("told"), order, retold, retold_ends)
            for order, (pattern, retold, retold_ends) in enumerate(
                _RETOLD if _may_retell(following) else ()
            )
            if (match := pattern.match(following)) is not None
        ),
        default=None,
        key=lambda told: told[:2],
    )
    if found is not None:
        kinds, ends, following = found[2], found[3], following[found[0] :]
    else:
        fragment = (
            _FRAGMENT.match(following)
            and (
                len(following.split()) <= _FRAGMENT_WORDS
                or all(len(part.split()) <= _CIRCUMSTANCE_WORDS for part in following.split(","))
            )
            and not _PRONOUN.search(following)
            and not _VERB.search(following)  # "In 1992, Acme started ...": a sentence of its own
        )
        if not fragment:
            return None
    # Which way a phrase points comes from its words and tense, not from this reference: any
    # time serves to tell a past phrase from one ahead.
    now = datetime.now(UTC)
    starts = [
        d.phrase for d in resolve_dates(following, now) if d.role in ("on", "since") and d.at <= now
    ]
    if not starts and ends and resolve_dates(following, now):
        # "I'm leaving St. Luke's. My last duty is on the 31st.": an end to come, dated as its
        # sentence's tense tells (the phrase alone would read as the 31st gone by).
        starts = [following.strip()]
    if not starts or resolve_dates(text, now):
        return None
    # Which of several phrases is the more precise depends on the message's own time ("Three
    # weeks back, on the 23rd"): all of them go, for the write to choose against that time.
    return FollowUp(", ".join(starts), kinds, ends)


_ASIDE_WORDS = 3


def is_aside(text: str) -> bool:
    """Whether ``text`` stands between a statement and its date without telling anything of its
    own: a short exclamation ("Mateusz proposed! At my age! On Sunday just gone.") or a few
    words with no verb, pronoun or date describing what was named ("I been keeping company with
    Darlene. The widow from the choir. Since July.")."""
    if text.rstrip().endswith("!") and len(text.split()) <= _ASIDE_WORDS:
        return True
    return (
        len(text.split()) <= _CIRCUMSTANCE_WORDS
        and not _PRONOUN.search(text)
        and not _VERB.search(text)
        and not has_date(text)
    )


def tells_first_or_last_day(text: str) -> bool:
    """Whether ``text`` tells a first or a last day ("My last day was yesterday."): what dates
    only a start or only an end."""
    return _may_retell(text) and any(
        ends is not None and pattern.match(text) for pattern, _, ends in _RETOLD
    )


def retells_kind(text: str) -> bool:
    """Whether ``text`` tells again an event of a named kind (a move, a meeting, a thing got):
    what may date a change two sentences back."""
    return _may_retell(text) and any(
        kinds is not None and pattern.match(text) for pattern, kinds, _ in _RETOLD
    )


def _may_retell(text: str) -> bool:
    """Whether ``text`` holds a word some re-telling needs (most sentences hold none)."""
    return not _RETOLD_WORDS.isdisjoint(_WORD.findall(text.lower()))


def has_date(text: str) -> bool:
    """Whether ``text`` names a date of any kind (it then tells of its own event)."""
    return bool(resolve_dates(text, datetime.now(UTC)))


_ANIMALS = "|".join(sorted(PET_ANIMALS, key=len, reverse=True))
# "Named him Tank.", "We called her Pickles": the speaker naming an animal.
_NAMED_BY_SPEAKER = r"(?:we\s+|I\s+)?(?:named|called)\s+(?:him|her|it)"
# "We adopted a beagle last Saturday." / "We got a dog. Lab mix.": an animal got, its name to come.
_GOT_ANIMAL = re.compile(
    r"\b(?:I|we)(?:['’]ve|\s+have)?\s+(?:(?:just|finally|also)\s+)?"
    r"(?:adopted|rescued|got|bought|took\s+in|have|own)\s+(?:(?:a|an|another|our|my)\s+)?"
    rf"(?:[\w-]+\s+){{0,3}}?(?:{_ANIMALS})s?\b",
    re.I,
)
# "I'm seeing someone.", "I started dating a guy from work.", "I've got a girlfriend btw.": a
# partner, their name to come.
_GOT_PARTNER = re.compile(
    r"\bI(?:['’]m|\s+am|['’]ve\s+been|\s+have\s+been|\s+started|['’]ve\s+started)?\s+"
    r"(?:(?:finally|also|actually)\s+)?(?:seeing|dating)\s+(?:some(?:one|body)|a\s+(?:[\w-]+\s+)"
    r"{0,2}?(?:guy|girl|man|woman|lady|bloke|fella|gentleman))\b"
    # "I have a boyfriend now! Tom."
    r"|\bI(?:['’]ve|\s+have)?\s+(?:got\s+|have\s+)?a\s+(?:new\s+)?(?:girlfriend|boyfriend|partner)\b",
    re.I,
)
# "Bought a motorbike.", "I got myself a van": a vehicle got, its make or name to come.
_GOT_VEHICLE = re.compile(
    r"\b(?:I|we)?(?:['’]ve|\s+have)?\s*(?:(?:just|finally|also)\s+)?"
    r"(?:bought|got|purchased|picked\s+up)\s+(?:(?:myself|ourselves)\s+)?(?:a|an|my|our)\s+"
    rf"(?:[\w-]+\s+){{0,2}}?(?:{lex.VEHICLES})\b",
    re.I,
)
# "A Triumph Bonneville, second-hand.", "A VW T5, mint green.": the vehicle by its make.
_MAKE = re.compile(r"\W*(?i:a|an)\s+(?P<name>[^\W\d_a-z][\w'’-]*(?:\s+[^\W_a-z][\w'’-]*){0,2})")
# "His name is Waffles.", "She's called Pickle", "Named him Tank.", "A tabby called Jollof.",
# or the name alone ("Callum.").
_NAMES_IT = re.compile(
    r"\W*(?:(?P<phrase>(?i:(?:his|her|its|their)\s+name(?:['’]s|\s+is)"
    r"|(?:he|she|it)(?:['’]s|\s+is|s)\s+(?:called|named)"
    rf"|{_NAMED_BY_SPEAKER}"
    r"|(?:a|an)\s+(?:[\w-]+\s+){0,3}?(?:called|named)))\s+)?"
    # The name itself is capitalised (case matters here, and only here).
    # alone, or described after a comma: "Tofu, a little black and white rescue."
    r"(?P<name>[^\W\d_a-z][\w'’-]*)(?P<alone>\W*$|,\s+(?:a|an|our|my|the)\s)?"
)


_ANIMAL = re.compile(rf"\b(?:{_ANIMALS})s?\b", re.I)
_SPEAKER_NAMED = re.compile(rf"\W*(?i:{_NAMED_BY_SPEAKER})\s+(?P<name>[^\W\d_a-z][\w'’-]*)")


# The same, further on in the sentence: "Retired racer, his name is Comet", "brown with one
# white ear, I've called him Tsotsi".
_NAMED_INSIDE = re.compile(
    r"(?i:\b(?:his|her|its)\s+name(?:['’]s|\s+is)|\b(?:called|named)\s+(?:him|her|it))"
    r"\s+(?P<name>[^\W\d_a-z][\w'’-]*)"
)


# In chat typed all in lower case, a name said to be one: "his name is noodle", "named her pixie".
_LOWER_NAMED = re.compile(
    r"\b(?:(?:his|her|its)\s+name(?:['’]s|\s+is)|(?:named|called)\s+(?:him|her|it))"
    r"\s+(?P<name>[a-z][a-z'’-]{1,20})\b"
)


def named_later(text: str, following: str, *, said_so: bool = False) -> tuple[str, str] | None:
    """The name ``following`` (the next sentence of the turn) gives the pet, the partner or the
    vehicle ``text`` tells of without naming ("We adopted a beagle. His name is Waffles.", "I'm
    seeing someone. Callum.", "Bought a motorbike. A Triumph Bonneville."), with the kind of fact
    it makes (``has_pet``, ``relationship_status``, ``owns``), or ``None``. ``said_so``: only a
    name said to be one ("Her name is Mochi."), for a sentence further on."""
    if _GOT_VEHICLE.search(text):
        make = _MAKE.match(following)
        return (make.group("name"), "owns") if make else None
    kind = (
        "has_pet"
        if _GOT_ANIMAL.search(text)
        else "relationship_status"
        if _GOT_PARTNER.search(text)
        else None
    )
    if kind is None:
        # An animal that came however it came, named by the speaker next: "A little tabby came
        # hollering at my back door and never left. Named her Pickles."
        named = _SPEAKER_NAMED.match(following) if _ANIMAL.search(text) else None
        if named is None or named.group("name").lower() in lex.NON_NAME_WORDS:
            return None
        return named.group("name"), "has_pet"
    match = _NAMES_IT.match(following)
    # A bare capitalised word names them only when it is the whole sentence ("Callum.") or is
    # described after it; ``said_so``: only a name said to be one ("Her name is Mochi.").
    if match is None or (match.group("phrase") is None and match.group("alone") is None):
        match = _NAMED_INSIDE.search(following)
        if match is None and is_lower_case(following):
            match = _LOWER_NAMED.search(following)  # "his name is noodle": said to be one
        if match is None:
            return None
    elif said_so and match.group("phrase") is None:
        return None
    name = match.group("name")
    if name.lower() in lex.NON_NAME_WORDS:
        return None  # "We got a puppy. Wow."
    return name[:1].upper() + name[1:], kind


# "I moved in a couple of days ago.", "We finally moved in last month.": into the home just named.
_MOVES_IN = re.compile(
    r"\W*(?:I|we)(?:['’]ve|\s+have)?\s+(?:(?:just|finally|only|actually|also)\s+)?"
    # "You may now find me at Flat 4, Beech Court, Sevenoaks. I took up residence on the first
    # of June."
    r"(?:moved\s+in|took\s+up\s+residence)\b(?!\s+(?:with|to|together|at|in)\b)",
    re.I,
)


def moves_in(text: str) -> bool:
    """Whether ``text`` says the speaker moved in, naming no place ("I moved in last week."):
    into the home the sentence before named."""
    return _MOVES_IN.match(text) is not None


# A move told without its place, the place told after it: "And I moved. A fortnight ago. I'm in
# Penarth now." (not "moved to", "moved in", "moved out": those name or need their place).
_PLACELESS_MOVE = re.compile(
    r"\b(?:I|[Ww]e)(?:['’]ve|\s+have)?\s+(?:(?:finally|just|actually|also)\s+)*"
    # "I moved house last month." too; "moved house to Leeds" names its place
    r"(?:moved|relocated)(?:\s+house\b)?(?!\s+(?:to|into|in|out|from|back|away|over|up|down|on|house)\b)"
)
_HOME_NOW = re.compile(
    r"\b(?:I(?:['’]m|\s+am)|[Ww]e(?:['’]re|\s+are))\s+(?:now\s+)?"
    r"(?:living\s+|based\s+|settled\s+)?in\s+(?=[^\W\d_a-z])"
)


def home_after_move(before: list[str], text: str) -> tuple[int, str] | None:
    """Where in ``text`` the home starts that a move told without its place in ``before`` (the
    turn's earlier sentences, in order) went to ("I'm in Penarth now"), and the move's date
    phrase ("" when none): its own, or a date alone right after it ("A fortnight ago.")."""
    home = _HOME_NOW.search(text)
    if home is None:
        return None
    for index in range(len(before) - 1, -1, -1):
        if _PLACELESS_MOVE.search(before[index]) is None:
            continue
        now = datetime.now(UTC)
        dates = [d.phrase for d in resolve_dates(before[index], now) if d.at <= now]
        if not dates and index + 1 < len(before):
            found = follow_up_date(before[index], before[index + 1])
            dates = [] if found is None else [found.phrase]
        return home.end(), dates[0] if dates else ""
    return None
