"""Pastimes a speaker takes up or gives up, for the offline extractor's change rules
(:mod:`._changes`): "I started climbing", "I took up running" -> took up climbing (``likes``);
"I quit bridge", "I've given up bowls", "I packed in the golf" -> gave up bridge, the end of
``likes``; "I don't like sushi anymore", "I can't stand coffee anymore", "I no longer eat meat",
"I don't play tennis anymore" -> "no longer like" sushi, the end of ``likes``; "I'm really into
pottery", "I've gotten into bouldering" -> into pottery (``likes``); "I've fallen out of love with
running", "I've gone off sushi" -> its end.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from cognee_langchain.extraction import _lexicon as lex
from cognee_langchain.extraction._chunk_graph import ChunkGraph, FactTime
from cognee_langchain.extraction._mentions import Mention
from cognee_langchain.extraction._subjects import I_SUBJECT as _I
from cognee_langchain.extraction._subjects import OBJECT_END, Span

__all__ = ["PASTIME_RULES"]

# A pastime taken up: "I started climbing", "I took up running" (not "I started working at").
_TOOK_UP = re.compile(
    rf"{_I}(?:started|took\s+up|taken\s+up|got\s+into|picked\s+up|began)\s+"
    # "I've started doing yoga", "I started learning Spanish": the activity after the verb
    r"(?:(?:doing|learning|playing|practi[cs]ing)\s+(?:the\s+)?(?P<object>[A-Za-z][a-z-]+)|"
    # "I started rock climbing": one word may say which kind
    r"(?P<activity>(?:(?!(?:the|a|an|my|our|his|her|their|this|that|some|being)\s)[a-z]+\s+)?"
    r"[a-z]{3,}ing))\b"
    r"(?=\s*(?:[.,;:!?)]|$|\s+(?:again|every|last|this|two|three|a|in|on|recently)\b))"
)
_NOT_PASTIMES = frozenset(
    ("working", "going", "doing", "getting", "feeling", "thinking", "trying", "looking",
     "planning", "wondering", "having", "being", "making", "taking", "using", "seeing")
)  # fmt: skip
#: Verbs of :data:`_GIVEN_UP` whose object is a pastime.
_PASTIME_VERBS = frozenset(("play", "practise", "practice", "do", "go to", "go"))
_VEHICLE = re.compile(rf"(?:[\w-]+\s+)?(?:{lex.VEHICLES})")
_GIVEN_UP = re.compile(
    r"\bI\s+(?P<negation>don['’]t|do\s+not|no\s+longer|can['’]t|cannot|never)\s+"
    r"(?P<verb>like|love|enjoy|eat|drink|play|watch|practi[cs]e|do|own|have|date|go\s+to|stand|"
    # "I don't go climbing anymore"
    r"go(?=\s+[a-z]+ing\b)|"
    r"live\s+in|work\s+(?:at|for)|study\s+at)"
    r"\s+(?:(?:the|my|a|an|any)\s+)?(?P<object>[\w'’-]+(?:\s+[\w'’-]+){0,2}?)"
    r"(?P<anymore>\s+any\s?more)?(?=\s*(?:[.,;:!?)]|$|\s+(?:since|because|now|after|these)\b))"
)
# A pastime given up: "I quit bridge", "I've given up bowls", "I stopped football in April",
# "I packed in the golf" (a name after "quit" is an employer: "I quit Acme").
_QUIT_PASTIME = re.compile(
    rf"{_I}(?:quit|stopped|gave\s+up(?:\s+on)?|given\s+up(?:\s+on)?|packed\s+in|dropped)\s+"
    r"(?:(?:playing|doing|going\s+to|drinking|eating|watching|listening\s+to)\s+)?"
    r"(?:(?:the|my)\s+)?"
    rf"(?P<activity>[a-z][a-z-]+(?:\s+[a-z][a-z-]+)??){OBJECT_END}"
)
# A sport given up by its gear: "Hung up my rope after New Year's", "Kaylee hung up the ringette
# skates", "I've hung up my tennis racket".
_HUNG_UP = re.compile(
    r"(?:^\W*|\bI\s+(?:(?:['’]ve|have|just|finally)\s+)*|\bI['’]ve\s+)(?:hung|hang|hanging)\s+up\s+(?:my|the|his|her|their|our)\s+"
    r"(?:(?P<activity>[a-z][a-z-]+(?:\s+[a-z][a-z-]+)?)\s+)?"
    r"(?P<gear>boots|racket|racquet|skates|gloves|rope|clubs|bat|cleats|spikes|saddle|brushes)\b",
    re.I,
)
# What the gear alone says was given up: "hung up my rope".
_GEAR_OF = {"rope": "roping", "saddle": "riding", "skates": "skating", "brushes": "painting"}
# A liking said outright: "I'm really into pottery", "I'm obsessed with climbing lately", "I've
# gotten into bouldering"; and its end: "I've fallen out of love with running", "I've gone off
# sushi", "I lost interest in chess".
_KEEN = (
    # "I've been really into climbing lately" too
    r"(?:['’]m|\s+am|(?:['’]ve|\s+have)\s+been)\s+"
    r"(?:(?:really|so|totally|completely|very|a\s+bit|kind\s+of|now)\s+)*"
    r"(?:into|obsessed\s+with|hooked\s+on|addicted\s+to|crazy\s+about"
    # "I'm a big fan of jazz now"
    r"|an?\s+(?:big\s+|huge\s+|massive\s+)?fan\s+of|all\s+about)"
    # "I fell in love with surfing"
    r"|(?:['’]ve|\s+have)?\s+(?:really\s+)?(?:fell|fallen)\s+in\s+love\s+with"
    # "I've become obsessed with sourdough"
    r"|(?:['’]ve|\s+have)\s+(?:become|got|gotten)\s+(?:really\s+|totally\s+)?"
    r"(?:obsessed\s+with|hooked\s+on|addicted\s+to)"
    r"|(?:['’]ve|\s+have)?\s+(?:(?:really|just|recently|finally)\s+)*"
    r"(?:gotten|got|been\s+getting)\s+(?:really\s+)?into"
)
_OFF = (
    # "I'm no longer into football"
    r"(?:['’]m|\s+am)\s+no\s+longer\s+(?:really\s+)?into"
    r"|(?:['’]ve|\s+have)?\s+(?:(?:kind\s+of|totally|completely|just)\s+)?"
    r"(?:fallen\s+out\s+of\s+love\s+with|fell\s+out\s+of\s+love\s+with|gone\s+off|"
    r"went\s+off|lost\s+interest\s+in)"
    # "I'm done with skateboarding"
    r"|(?:['’]m|\s+am)\s+(?:so\s+|totally\s+|completely\s+)?done\s+with"
)
_LIKING = re.compile(
    rf"\bI(?:(?P<keen>{_KEEN})|(?P<off>{_OFF}))\s+(?:(?:the|my)\s+)?"
    rf"(?P<activity>[a-z][a-z-]+(?:\s+[a-z][a-z-]+)??){OBJECT_END}"
)
# "I'm not into football anymore", "... these days": a liking ended ("I'm not into football"
# alone is a taste).
_NOT_INTO = re.compile(
    r"\bI(?:['’]m|\s+am)\s+not\s+(?:really\s+|that\s+)?into\s+(?:(?:the|my)\s+)?"
    r"(?P<activity>[a-z][a-z-]+(?:\s+[a-z][a-z-]+)??)\s+(?:any\s?more|these\s+days|nowadays)\b"
)
#: What "I quit ..." or "I stopped ..." ends that is no pastime.
_NOT_QUIT_PASTIMES = _NOT_PASTIMES | frozenset(
    ("job", "jobs", "work", "career", "position", "role", "school", "uni", "university",
     "college", "course", "degree", "program", "programme", "studies", "there", "here", "now",
     "again", "completely", "entirely", "altogether", "soon", "recently", "today",
     # chores and errands are no pastimes
     "dishes", "laundry", "washing", "cleaning", "housework", "homework", "shops", "shop",
     "shopping", "supermarket", "office", "doctor", "dentist", "bank")
)  # fmt: skip

# A pastime named as such: "My new hobby is pottery", "Pottery is my new thing".
_HOBBY = re.compile(
    r"\b[Mm]y\s+(?:new\s+|latest\s+)?(?:hobby|passion|obsession)\s+(?:is|now\s+is|these\s+days\s+is)"
    r"\s+(?P<activity>[a-z][a-z-]+(?:\s+[a-z][a-z-]+)?)(?=\s*(?:[.,;:!?)]|$|\s+(?:now|these)\b))"
    r"|(?<![\w'’])(?P<first>[A-Za-z][a-z-]+)\s+is\s+my\s+(?:new\s+(?:thing|hobby|obsession|passion)\b|(?:thing|hobby|obsession|passion)\s+now\b)"
)
# A pastime not done since a time: "I haven't played tennis since May".
_NOT_SINCE = re.compile(
    r"\bI\s+(?:haven['’]t|have\s+not|hadn['’]t)\s+(?:played|done|been\s+to|gone\s+to)\s+"
    r"(?:(?:the|any)\s+)?(?P<activity>[a-z][a-z-]+(?:\s+[a-z][a-z-]+)?)\s+since\b"
)
# A pastime kept up since a time: "I've been quilting with the ladies since December", "Been
# doing pottery since the spring" (not "I've been running the shop since May": an object).
_DOING_SINCE = re.compile(
    r"(?:(?P<since_first>^\W*[Ss]ince\b[^.!?;]{1,40}?\s)?\bI(?:['’]?ve|\s+have)\s+been|^\W*[Bb]een)"
    r"\s+(?:(?:really|mostly)\s+)?"
    # "I've been learning the guitar since September", "... going to yoga classes since"
    r"(?:(?:doing|playing|practi[cs]ing|learning|going\s+to)\s+(?:the\s+)?(?P<object>[a-z][a-z-]+)"
    r"(?:\s+(?:classes|class|lessons|sessions))?"
    r"|(?P<activity>[a-z]{3,}ing))"
    r"(?=(?:\s+(?:with|every|at|on|in|again|regularly|each|twice|a\s+lot|lots)\b[^.!?;]*?)?"
    r"\s+since\b|(?(since_first)\b|(?!)))"
)
#: What "I've been ... since" tells that is no pastime.
_NOT_KEPT_UP = frozenset(
    ("living", "staying", "dating", "waiting", "studying", "renting", "sleeping", "wanting",
     "hoping", "saving", "teaching", "managing", "struggling", "meaning", "dying", "asking",
     "telling", "talking", "trying", "helping", "nursing", "volunteering", "commuting")
)  # fmt: skip
# "No more chocolate for me": a taste given up.
_NO_MORE = re.compile(
    r"\b[Nn]o\s+more\s+(?P<activity>[a-z][a-z-]*(?:\s+[a-z][a-z-]*)?)\s+for\s+(?:me|us)\b"
)
# A subordinator right before the clause: the clause dates something else.
# One taste for another: "I've switched from coffee to green tea", "I swapped coffee for tea"
# (names are employers or places: "from Acme to Zalando" is no taste).
_TASTE = r"(?P<{}>[a-z][a-z-]+(?:\s+[a-z][a-z-]+)?)"
_SWITCHED = re.compile(
    rf"{_I}(?:switched|changed|moved|gone|went)\s+(?:over\s+)?from\s+{_TASTE.format('old')}"
    rf"\s+to\s+{_TASTE.format('new')}{OBJECT_END}"
    rf"|{_I}(?:swapped|traded|exchanged)\s+{_TASTE.format('old_2')}\s+for\s+"
    rf"{_TASTE.format('new_2')}{OBJECT_END}"
)
_WHEN_CLAUSE = re.compile(r"\b(?:after|before|when|until|till|once|since|as\s+soon\s+as)\s*$", re.I)


def _pastimes(
    text: str, speaker: str, at: dict[int, Mention], graph: ChunkGraph, description: str
) -> list[Span]:
    """ "I started climbing three weeks ago", "I took up running": a new pastime."""
    spans: list[Span] = []
    for match in _TOOK_UP.finditer(text):
        activity = match.group("activity") or match.group("object")
        lowered = activity.lower()
        if lowered in _NOT_QUIT_PASTIMES or lowered in lex.NON_NAME_WORDS:
            continue
        graph.relate(speaker, "took up", graph.add_concept(activity, description), description)
        spans.append(match.span())
    return spans


def _likings(
    text: str, speaker: str, at: dict[int, Mention], graph: ChunkGraph, description: str
) -> list[Span]:
    """ "I'm really into pottery", "I've gotten into bouldering": a liking; "I quit bridge end
    of last year", "I've given up bowls", "I've fallen out of love with running", "I've gone off
    sushi": its end."""
    spans: list[Span] = []
    ends = (*_QUIT_PASTIME.finditer(text), *_NOT_INTO.finditer(text), *_HUNG_UP.finditer(text))
    for match in (*ends, *_LIKING.finditer(text)):
        if _WHEN_CLAUSE.search(text, 0, match.start()):
            continue  # "after I stopped laughing": when something happened, no change told
        # "hung up my rope": the sport the gear is for (roping), named or not
        told = match.group("activity") or _GEAR_OF.get(match.group("gear").lower(), "")
        words = told.lower().split()
        if not words:
            continue
        if not _is_pastime(words):
            continue
        ended = match.re is not _LIKING or match.group("off") is not None
        _relate_liking(speaker, words, graph, description, ended=ended)
        spans.append(match.span())
    return spans


def _is_pastime(words: list[str]) -> bool:
    """Whether ``words`` (lower case) may name a pastime: no pronoun, filler, job or chore."""
    return bool(words) and not any(
        word in lex.NON_NAME_WORDS or word in _NOT_QUIT_PASTIMES for word in words
    )


def _relate_liking(
    speaker: str, words: list[str], graph: ChunkGraph, description: str, *, ended: bool
) -> None:
    """Relate the speaker to the pastime ``words`` name: a liking, or its end."""
    activity = graph.add_concept(" ".join(words), description)
    time = FactTime(kind="likes", retracted=ended)
    graph.relate(speaker, "gave up" if ended else "into", activity, description, time)


def _switched(
    text: str, speaker: str, at: dict[int, Mention], graph: ChunkGraph, description: str
) -> list[Span]:
    """ "I've switched from coffee to green tea": the end of one liking and the start of the
    other."""
    spans: list[Span] = []
    for match in _SWITCHED.finditer(text):
        two = "_2" if match.group("old_2") else ""
        old, new = match.group("old" + two), match.group("new" + two)
        words = [*old.split(), *new.split()]
        if not _is_pastime(words) or any(word in lex.JOB_NOUNS for word in words):
            continue
        _relate_liking(speaker, old.split(), graph, description, ended=True)
        _relate_liking(speaker, new.split(), graph, description, ended=False)
        spans.append(match.span())
    return spans


def _hobbies(
    text: str, speaker: str, at: dict[int, Mention], graph: ChunkGraph, description: str
) -> list[Span]:
    """ "My new hobby is pottery", "I've been quilting since December": a liking; "I haven't
    played tennis since May", "no more chocolate for me": its end."""
    spans: list[Span] = []
    for pattern, ended in (
        (_HOBBY, False),
        (_NOT_SINCE, True),
        (_DOING_SINCE, False),
        (_NO_MORE, True),
    ):
        for match in pattern.finditer(text):
            groups = match.groupdict()
            found = groups.get("activity") or groups.get("first") or groups.get("object")
            words = found.lower().split() if found else []
            if _is_pastime(words) and not _NOT_KEPT_UP.intersection(words):
                _relate_liking(speaker, words, graph, description, ended=ended)
                spans.append(match.span())
    return spans


def _given_up(
    text: str, speaker: str, at: dict[int, Mention], graph: ChunkGraph, description: str
) -> list[Span]:
    """ "I don't like sushi anymore", "I no longer eat meat": what the speaker gave up."""
    spans: list[Span] = []
    for match in _GIVEN_UP.finditer(text):
        lasting = match.group("negation").startswith("no")  # "no longer" needs no "anymore"
        if not (lasting or match.group("anymore")):
            continue  # "I don't like sushi" is a dislike, not a change
        named = at.get(match.start("object"))
        if named is not None:
            target = named.key
        else:
            words = match.group("object").split()
            if any(word in lex.NON_NAME_WORDS for word in words) or not words[-1].isalpha():
                continue
            target = graph.add_concept(" ".join(words).lower(), description)
        verb = " ".join(match.group("verb").split())
        verb = "like" if verb == "stand" else verb  # "can't stand it anymore": liked it once
        # "I don't play tennis anymore" ends a liking as "I don't like tennis anymore" does, "I
        # don't have the Golf anymore" a thing owned (one named: "any patience" is none).
        time = FactTime(kind="likes", retracted=True) if verb in _PASTIME_VERBS else FactTime()
        if verb in ("have", "own") and (named is not None or _VEHICLE.fullmatch(target)):
            time = FactTime(kind="owns", retracted=True)
        graph.relate(speaker, f"no longer {verb}", target, description, time)
        spans.append(match.span())
    return spans


_LIKING_WORDS = frozenset(
    ("hung", "hang", "hanging", "quit", "stopped", "up", "packed", "dropped", "into", "obsessed",
     "hooked", "addicted", "crazy", "off", "love", "interest", "anymore", "more", "longer", "done",
     "fan", "about")
)  # fmt: skip
_Rule = Callable[[str, str, dict[int, Mention], ChunkGraph, str], list[Span]]
#: The rules, each with the words (lower case) without which it cannot match.
PASTIME_RULES: Mapping[_Rule, frozenset[str]] = {
    _pastimes: frozenset(("started", "took", "taken", "got", "picked", "began")),
    _likings: _LIKING_WORDS,
    _given_up: frozenset(("anymore", "more", "longer")),
    _hobbies: frozenset(("hobby", "passion", "obsession", "thing", "since", "more")),
    _switched: frozenset(("switched", "changed", "moved", "gone", "went", "swapped", "traded")),
}
