"""What the sentence after a change adds to it, in the same turn.

* **Its date**: a change stated without one is dated by the next sentence when that sentence
  tells when *that* happened: "I'm seeing someone new, Leah. We met at the pool in May." ->
  seeing Leah since May; "Erik and I are separating. We decided in February." -> the end in
  February. The next sentence must say when *that* happened: "it"/"that" was, happened,
  started or ended ("I moved to Lyon. That was in 2021."), "we"/"she"/"he"/"they" met, decided,
  agreed, began, started or signed (the start of what was just said), "I've lived here" /
  "been there" (how long a home just named has been one: "Oslo is home now. I've lived here
  since May."), the event told again with its doer left out or named by a pronoun ("Moved up
  the week before last.", "Started in July.", "I bought him three days ago.", "They promoted me
  two weeks ago."), or a first or last day ("My last day was yesterday."). "We went to Rome in
  May" dates a trip, not the change before it. Its date must lie in the past (not "We'll meet
  in May"), and the change's own sentence must name no date of its own, which always wins.
  Only the phrase is passed on ("in May"): it is resolved against the message's time with
  every other date when the write is built.
* **A name**: a pet, a partner or a vehicle told of without a name is named by the next
  sentence: "We adopted a beagle last Saturday. His name is Waffles.", "I'm seeing someone.
  Callum.", "Bought a motorbike. A Triumph Bonneville, second-hand."
* **A home**: "I bought a house in Stockport. I moved in a couple of days ago." -> the speaker
  lives in the place the sentence before named.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from cognee_langchain.core.dates import resolve_dates, resolve_valid_at
from cognee_langchain.extraction import _lexicon as lex
from cognee_langchain.extraction.kinds import PET_ANIMALS

__all__ = ["follow_up_date", "moves_in", "named_later"]

_CONTINUES = re.compile(
    r"\W*(?:(?:we|she|he|they)\s+(?:(?:first|finally|only|just|actually|both|officially)\s+)?"
    r"(?:met|decided|agreed|began|started|signed|finali[sz]ed|made\s+it\s+official)"
    r"|(?:it|that|this)(?:\s+all)?\s+(?:was|happened|started|began|ended)"
    r"|I(?:['’]ve|\s+have)\s+(?:(?:only|just)\s+)?(?:lived|been|stayed)\s+(?:here|there)"
    # The same event told again, its doer left out or named by a pronoun: "Moved up the week
    # before last.", "Started in July.", "I bought him three days ago.", "We moved in last
    # month.", "They promoted me two weeks ago."
    r"|(?:(?:I|we)\s+)?(?:moved|started|began|joined|finished|left)"
    r"(?:\s+(?:up|down|over|in|out|back|here|there))?"
    r"\s+(?=(?:in|on|last|yesterday|today|two|three|four|five|six|a\s+(?:couple|few|week|month|"
    r"year)|the\s+week|back|earlier|since|this)\b)"
    r"|(?:I|we)\s+(?:(?:first|finally|only|just|actually)\s+)?"
    r"(?:bought|got|adopted|rescued|brought|picked|collected|sold)\s+(?:him|her|it|them)\b"
    r"|(?:they|he|she)\s+(?:promoted|made|hired|appointed)\s+me\b"
    r"|(?:I|we)\s+met\s+(?:him|her|them)\b"
    # A first or last day told apart: "My first day was yesterday.", "Last Friday was my last
    # shift."
    r"|(?:my|our|his|her)\s+(?:first|last|final)\s+(?:day|shift|week)\b"
    r"|[\w\s]{3,30}?\s+was\s+(?:my|our|his|her)\s+(?:first|last|final)\s+(?:day|shift|week)\b"
    r")",
    re.I,
)


def follow_up_date(text: str, following: str) -> str | None:
    """The date phrase ``following`` (the next sentence of the turn) gives a change stated in
    ``text``, or ``None``."""
    if not _CONTINUES.match(following):
        return None
    # Which way a phrase points comes from its words and tense, not from this reference: any
    # time serves to tell a past phrase from one ahead.
    now = datetime.now(UTC)
    when = resolve_valid_at(following, now)
    if not when.phrase or when.at > now or resolve_dates(text, now):
        return None
    return when.phrase


# "We adopted a beagle last Saturday." / "We got a dog. Lab mix.": an animal got, its name to come.
_GOT_ANIMAL = re.compile(
    r"\b(?:I|we)(?:['’]ve|\s+have)?\s+(?:(?:just|finally|also)\s+)?"
    r"(?:adopted|rescued|got|bought|took\s+in|have|own)\s+(?:(?:a|an|another|our|my)\s+)?"
    rf"(?:[\w-]+\s+){{0,3}}?(?:{'|'.join(sorted(PET_ANIMALS, key=len, reverse=True))})s?\b",
    re.I,
)
# "I'm seeing someone.", "I started dating a guy from work.", "I've got a girlfriend btw.": a
# partner, their name to come.
_GOT_PARTNER = re.compile(
    r"\bI(?:['’]m|\s+am|['’]ve\s+been|\s+have\s+been|\s+started|['’]ve\s+started)?\s+"
    r"(?:(?:finally|also|actually)\s+)?(?:seeing|dating)\s+(?:some(?:one|body)|a\s+(?:[\w-]+\s+)"
    r"{0,2}?(?:guy|girl|man|woman|lady|bloke|fella|gentleman))\b"
    r"|\bI(?:['’]ve|\s+have)?\s+got\s+a\s+(?:new\s+)?(?:girlfriend|boyfriend|partner)\b",
    re.I,
)
# "Bought a motorbike.", "I got myself a van": a vehicle got, its make or name to come.
_GOT_VEHICLE = re.compile(
    r"\b(?:I|we)?(?:['’]ve|\s+have)?\s*(?:(?:just|finally|also)\s+)?"
    r"(?:bought|got|purchased|picked\s+up)\s+(?:(?:myself|ourselves)\s+)?(?:a|an|my|our)\s+"
    r"(?:[\w-]+\s+){0,2}?(?:car|van|motorbike|motorcycle|bike|bicycle|e-bike|campervan|camper|"
    r"boat|truck|pickup|scooter|moped)\b",
    re.I,
)
# "A Triumph Bonneville, second-hand.", "A VW T5, mint green.": the vehicle by its make.
_MAKE = re.compile(r"\W*(?i:a|an)\s+(?P<name>[^\W\d_a-z][\w'’-]*(?:\s+[^\W_a-z][\w'’-]*){0,2})")
# "His name is Waffles.", "She's called Pickle", "Named him Tank.", "A tabby called Jollof.",
# or the name alone ("Callum.").
_NAMES_IT = re.compile(
    r"\W*(?:(?P<phrase>(?i:(?:his|her|its|their)\s+name(?:['’]s|\s+is)"
    r"|(?:he|she|it)(?:['’]s|\s+is|s)\s+(?:called|named)"
    r"|(?:we\s+|I\s+)?(?:named|called)\s+(?:him|her|it)"
    r"|(?:a|an)\s+(?:[\w-]+\s+){0,3}?(?:called|named)))\s+)?"
    # The name itself is capitalised (case matters here, and only here).
    r"(?P<name>[^\W\d_a-z][\w'’-]*)(?P<alone>\W*$)?"
)


# The same, further on in the sentence: "Retired racer, his name is Comet", "brown with one
# white ear, I've called him Tsotsi".
_NAMED_INSIDE = re.compile(
    r"(?i:\b(?:his|her|its)\s+name(?:['’]s|\s+is)|\b(?:called|named)\s+(?:him|her|it))"
    r"\s+(?P<name>[^\W\d_a-z][\w'’-]*)"
)


def named_later(text: str, following: str) -> tuple[str, str] | None:
    """The name ``following`` (the next sentence of the turn) gives the pet, the partner or the
    vehicle ``text`` tells of without naming ("We adopted a beagle. His name is Waffles.", "I'm
    seeing someone. Callum.", "Bought a motorbike. A Triumph Bonneville."), with the kind of fact
    it makes (``has_pet``, ``relationship_status``, ``owns``), or ``None``."""
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
        return None
    match = _NAMES_IT.match(following)
    # A bare capitalised word names them only when it is the whole sentence ("Callum.").
    if match is None or (match.group("phrase") is None and match.group("alone") is None):
        match = _NAMED_INSIDE.search(following)
        if match is None:
            return None
    if match.group("name").lower() in lex.NON_NAME_WORDS:
        return None  # "We got a puppy. Wow."
    return match.group("name"), kind


# "I moved in a couple of days ago.", "We finally moved in last month.": into the home just named.
_MOVES_IN = re.compile(
    r"\W*(?:I|we)(?:['’]ve|\s+have)?\s+(?:(?:just|finally|only|actually|also)\s+)?moved\s+in\b"
    r"(?!\s+(?:with|to|together)\b)",
    re.I,
)


def moves_in(text: str) -> bool:
    """Whether ``text`` says the speaker moved in, naming no place ("I moved in last week."):
    into the home the sentence before named."""
    return _MOVES_IN.match(text) is not None
