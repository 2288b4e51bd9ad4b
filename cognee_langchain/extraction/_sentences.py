"""The sentences of a chunk, as the offline extractor reads them, and the word tests they share.

Sentences are split at ``.!?`` (not after abbreviations or initials) and at line breaks. Chat
transcripts are understood: role labels (``Q:``, ``A:``, ``User:``, ``Assistant:``) are dropped,
and a named speaker (``Alice: I moved to Paris``) is kept for ``I``/``me``/``my`` to refer to, and
for the "I" chat leaves out ("Got a flat in Glasgow.") or writes in lower case; a "user:"
speaker who introduces themselves ("my name is Tom") gets that name. Transcript furniture names
nothing: turn ids in brackets (``[D1:3]``, ``[10:02]``), header lines and labels
(``Session 1 (1:56 pm on 8 May, 2023)``, ``Date: 2023-05-08T13:56:00+00:00``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from cognee_langchain.extraction import _lexicon as lex

__all__ = [
    "FIRST_WORD",
    "WORD_CHARS",
    "Sentence",
    "chunk_sentences",
    "clip",
    "is_lower_case",
    "is_name_word",
    "line_speaker",
    "opens_with_pronoun",
    "quoted_titles",
    "split_sentences",
    "strip_possessive",
    "turn_before",
]

# Upper-case letters of the Latin, Greek and Cyrillic blocks ("Émile", "Łódź", "Σοφία").
_UPPER = "".join(ch for ch in map(chr, range(0x530)) if ch.isupper())
WORD_CHARS = r"[\w'’&.-]"
# A capitalised or mixed-case word ("Acme", "GPT-4", "iPhone", "O'Neil", "U.S").
_NAME_WORD = rf"(?:[{_UPPER}]|[a-z]{{1,3}}[{_UPPER}])(?:{WORD_CHARS}*[^\W_])?"
_CONNECTOR_ALTERNATIVES = "|".join(sorted(lex.CONNECTORS))
# Capitalised words joined by single spaces, "&" or a connector: "Bank of America", "New York".
# An initial's period joins too: "J. R. R. Tolkien", and a saint's or a mount's: "St. Luke's".
_NAME_RUN = re.compile(
    rf"(?<!{WORD_CHARS})(?:[SMF]t\. (?=[{_UPPER}]))?{_NAME_WORD}"
    rf"(?:(?: | & | (?:{_CONNECTOR_ALTERNATIVES}) |(?<=(?<![\w'’&.-])[{_UPPER}])\. ){_NAME_WORD})*"
)
# "my name is Tom", "I'm Tom Smith", "call me Tom": how a "user:" speaker gets a name.
_SELF_INTRODUCTION = re.compile(
    rf"\b(?:[Mm]y name is|I am|I['’]m|[Cc]all me) ({_NAME_WORD}(?: {_NAME_WORD})?)"
)
# A quoted title: "The Lean Startup", “Becoming Nicole”, 'Embracing Identity'.
_QUOTED = re.compile(
    r"(?<![\w'’])(?:\"(?P<double>[^\"\n]{1,80})\"|“(?P<curly>[^”\n]{1,80})”"
    r"|'(?P<single>[^'\n]{1,80}?)'(?![\w'’]))"
)
# Small words a title keeps in lower case: "Harry Potter and the Philosopher's Stone".
_TITLE_MINOR = lex.DETERMINERS & {"a", "an", "the"} | lex.CONNECTORS | {
    "and", "or", "nor", "but", "of", "in", "on", "at", "to", "for", "with", "from", "by", "as",
    "vs", "via", "into", "over", "under",
}  # fmt: skip
_MAX_TITLE_WORDS = 10
# "[D1:3]", "[C2:S1:T4]", "[10:02]", "[#12]": a turn id or time stamp inside a line.
_TURN_ID = re.compile(
    r"\[\s*#?[A-Za-z]{0,4}\s*\d+(?:\s*[:.,/-]\s*[A-Za-z]{0,4}\d+)*\s*(?:[ap]\.?m\.?)?\s*\]"
)
# "Session 3 (...)", "## Day 2 -", "Turn #4:" opening a line: a header, not a name.
_HEADER_PREFIX = re.compile(
    rf"[\W_]*(?i:{'|'.join(sorted(lex.HEADER_WORDS))})\s*(?:#\s*)?\d+\b(?:\s*[:.)-])?"
)
# A word that is a contraction ("Can't", "You've", "We'll", "I'd") is never a name.
_CONTRACTION = re.compile(r"(?i:n['’]t|['’](?:ve|ll|re|m|d))$")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*\s+")
# "[10:02] Alice Smith: ..." at the start of a line.
_LINE_LABEL = re.compile(
    r"\s*(?:\[[^\]\n]{0,40}\]\s*)?(?P<label>[^\W\d_][\w.'’ -]{0,40}?)\s*:(?=\s|$)"
)
# "A: ..." at the start of a sentence inside a line ("Q: Who leads Acme? A: Alice.").
_SENTENCE_LABEL = re.compile(r"\s*(?P<label>[A-Za-z]{1,12})\s*:(?=\s|$)")
FIRST_WORD = re.compile(r"[^\w]*([\w'’-]+)")
# "Now working for Ohio Valley Freight.", "Still living in Leeds.": "I'm" left out.
_ELIDED_I_AM = re.compile(
    r"(?:Now|Still|Currently)\s+(?:working|living|based|studying|dating|seeing|renting)\s(?=\S)"
)
# Chat writes "I" in lower case too ("i started at Scoops", "im done", "i'm"): read as "I" (same
# length, so every offset holds).
_LOWER_I = re.compile(r"(?<![\w'’])i(?=(?:['’]\w+)?\s|['’]\w+$|$)")
# A dropped "g" ("keepin' company", "drivin'"): read as the "-ing" word the rules know.
_G_DROPPED = re.compile(r"\b([a-z]{2,})in['’](?!\w)")
# Chat drops the "I" of a sentence telling what the speaker did ("Got a flat in Glasgow.",
# "Joined Aviva yesterday as a claims manager.", "Sold it last month."): a sentence of a named
# speaker opening with one of these past-tense verbs is read with its "I" back.
_ELIDED_VERBS = (
    "got", "moved", "joined", "left", "sold", "bought", "started", "adopted", "rescued", "handed",
    "quit", "signed", "drove", "picked", "finished", "became", "lost", "rented", "relocated",
    "resigned", "switched", "traded", "gave", "took", "packed", "broke", "split", "dumped",
    "collected", "shifted",
)  # fmt: skip
# Each verb capitalised or not: texting writes them in lower case ("got a dog saturday").
_ELIDED_VERB = "|".join(f"[{verb[0].upper()}{verb[0]}]{verb[1:]}" for verb in _ELIDED_VERBS)
_ELIDED_I = re.compile(
    # in lower case too: texting ("got a dog saturday", "quit boba bliss lol"); after an
    # adverb ("Just relocated to Leeds.", "Finally quit Acme.")
    r"(?:(?:[Jj]ust|[Ff]inally|[Rr]ecently|[Aa]lso|[Oo]fficially)\s+)?(?:"
    + _ELIDED_VERB
    # words that are adjectives too ("Retired racer", "Married life") only before a preposition
    + r"|(?:[Rr]etired|[Mm]arried)(?=\s+(?:from|in|on|at|last|this|back|early)\b))\s(?=\S)"
)
# A chat opener before a sentence whose "I" is left out: "Yeah, bought a flat.", "So, quit Acme."
_CHAT_OPENER = re.compile(
    r"(?:[Yy]eah|[Yy]ep|[Yy]es|[Ww]ell|[Ss]o|[Oo]h|[Oo]k|[Oo]kay|[Aa]nyway|[Aa]nd|[Pp]lus|[Nn]ah|"
    r"[Uu]m|[Uu]h|[Hh]mm|[Hh]aha|[Ll]ol)[,.!]?\s+"
)
# The same "I" left out of a later clause of a sentence the speaker tells of themselves ("I
# shifted here in May, joined Kaveri on the 1st of June", "I sold the Jeep and bought a Tesla"):
# put back after the comma or the "and".
_CLAUSE_ELIDED_I = re.compile(
    r"(?:(?<=,\s)|(?<=\sand\s))(?=(?:" + "|".join(_ELIDED_VERBS) + r")\s(?!by\b))"
)
# And of the news a colon opens ("My news is a bit less fluffy: sold the tinny last month.",
# "news here: sold the tesla"), whatever the sentence before the colon is about.
_NEWS_ELIDED_I = re.compile(rf"(?<=:\s)(?:{_ELIDED_VERB})(?=\s)")
_LEADING_PUNCTUATION = "\"'“‘([*-–— "


@dataclass(slots=True)
class Sentence:
    """One sentence of a chunk that may name something."""

    text: str  # analysed text: role label removed
    shown: str  # as written, label included: what facts and entities cite
    speaker: str | None
    lead: int  # offset of the first word in ``text``
    runs: list[tuple[int, str]]  # (offset, text) of each capitalised run
    titles: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, title)
    line: int = 0  # index of the line (a transcript's turn) the sentence is on
    dialogue: bool = False  # on a line led by a named speaker ("Alice: ..."): chat, not prose


def chunk_sentences(text: str) -> list[Sentence]:
    """The sentences of ``text`` that name something, have a speaker or open with a pronoun."""
    sentences: list[Sentence] = []
    introduced: dict[str, str] = {}  # role label -> the name its speaker gave ("my name is Tom")
    for number, line in enumerate(text.splitlines()):
        if not line or line.isspace():
            continue
        speaker, role, label, body = line_speaker(line)
        if not label:
            header = _HEADER_PREFIX.match(body)
            if header is not None:
                body = body[header.end() :]
        if "[" in body:
            body = _TURN_ID.sub(" ", body).strip()
        if role:
            introduction = _SELF_INTRODUCTION.search(body)
            if introduction and all(map(is_name_word, introduction.group(1).split())):
                introduced[role] = introduction.group(1)
            speaker = introduced.get(role)
        for i, piece in enumerate(split_sentences(body)):
            analysed = piece
            match = _SENTENCE_LABEL.match(piece)
            if match and match.group("label").lower() in lex.GENERIC_SPEAKERS:
                analysed = piece[match.end() :].strip()
            if not analysed:
                continue
            if speaker and "i" in analysed:
                analysed = _LOWER_I.sub("I", analysed)
            if "in'" in analysed or "in’" in analysed:
                analysed = _G_DROPPED.sub(r"\1ing", analysed)
            opener = _CHAT_OPENER.match(analysed) if speaker else None
            if opener and _ELIDED_I.match(analysed, opener.end()):
                # "Yeah, bought a 2BHK in May.": the I left out after a chat opener
                at = opener.end()
                analysed = f"{analysed[:at]}I {analysed[at].lower()}{analysed[at + 1 :]}"
            elif speaker and _ELIDED_I.match(analysed):
                analysed = f"I {analysed[0].lower()}{analysed[1:]}"
            elif speaker and _ELIDED_I_AM.match(analysed):
                analysed = f"I'm {analysed[0].lower()}{analysed[1:]}"
            if speaker and analysed.startswith("I ") and (", " in analysed or " and " in analysed):
                analysed = _CLAUSE_ELIDED_I.sub("I ", analysed)
            if speaker and ": " in analysed:
                analysed = _NEWS_ELIDED_I.sub(lambda verb: f"I {verb[0].lower()}", analysed)
            # A lone capitalised function word ("The", "In", "We") is no name: dropping it here
            # lets most sentences without names be skipped altogether.
            titles = (
                quoted_titles(analysed)
                if ('"' in analysed or "“" in analysed or "'" in analysed)
                else []
            )
            runs = [
                (m.start(), run)
                for m in _NAME_RUN.finditer(analysed)
                if (" " in (run := m.group()) or run.lower() not in lex.NON_NAME_WORDS)
                and not any(start <= m.start() < end for start, end, _ in titles)
            ]
            if not (runs or titles or speaker or opens_with_pronoun(analysed)):
                continue
            sentences.append(
                Sentence(
                    text=analysed,
                    shown=f"{label} {piece}" if label and i == 0 else piece,
                    speaker=speaker,
                    lead=len(analysed) - len(analysed.lstrip(_LEADING_PUNCTUATION)),
                    runs=runs,
                    titles=titles,
                    line=number,
                    dialogue=bool(speaker) and not role,
                )
            )
    return sentences


def quoted_titles(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, title)`` of each quoted title of ``text``, the span taking in the quotes:
    every word capitalised but for small ones inside ("Harry Potter and the Philosopher's
    Stone"); a lone word must be a name word (not "Wow")."""
    titles = []
    for match in _QUOTED.finditer(text):
        title = match.group("double") or match.group("curly") or match.group("single") or ""
        words = title.split()
        if not words or len(words) > _MAX_TITLE_WORDS or title != title.strip():
            continue
        if len(words) == 1:
            good = is_name_word(strip_possessive(words[0].strip(",.!?:;"))[0] or "x")
        else:
            good = words[0][0].isupper() and all(
                word[0].isupper() or word[0].isdigit() or word in _TITLE_MINOR for word in words[1:]
            )
        if good and any(ch.isalpha() for ch in title):
            titles.append((match.start(), match.end(), title.rstrip(",.;:")))
    return titles


def line_speaker(line: str) -> tuple[str | None, str, str, str]:
    """``(speaker, role, label, body)`` of a transcript line: a named speaker ("Alice: ..."), or
    the role of a role label ("user: ..." -> "user"), the label as written, and the text."""
    match = _LINE_LABEL.match(line)
    if match is None:
        return None, "", "", line
    name = " ".join(match.group("label").split())
    label, body = line[: match.end()].strip(), line[match.end() :].strip()
    lowered = name.lower()
    if lowered in lex.GENERIC_SPEAKERS:
        return None, lowered, label, body
    if lowered in lex.HEADER_WORDS:
        return None, "", label, body  # "Date: 2023-05-08": a header, nobody speaking
    words = name.split()
    if (
        len(words) <= 3
        # a month is a name in a label of two words or more ("Jun Hao:", "April Jones:")
        and all(is_name_word(word) or (len(words) > 1 and _is_month_name(word)) for word in words)
        and words[-1].lower() not in lex.ORG_SUFFIXES  # "Acme Corp: rocket maker" is a gloss
    ):
        return name, "", label, body
    return None, "", "", line


def _is_month_name(word: str) -> bool:
    return word[:1].isupper() and word.lower() in lex.MONTHS_AND_DAYS


# A word in title case: what chat typed all in lower case has none of ("ALSO" is shouted).
_TITLE_CASE = re.compile(r"\b[^\W\d_a-z][^\W\d_A-Z]")


def is_lower_case(text: str) -> bool:
    """Whether ``text`` is typed in lower case, as chat often is ("omg jay guess what. ethan
    asked me out"): no word in title case, a lone "I" aside."""
    return _TITLE_CASE.search(text) is None


def split_sentences(text: str) -> list[str]:
    """``text`` split at sentence ends, not at abbreviations or initials."""
    pieces: list[str] = []
    start = 0
    # In cased text a lower-case word after a full stop continues the sentence ("e.g. this",
    # "approx. five"); in text typed in lower case every sentence starts so.
    lower_case = is_lower_case(text)
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        if end < len(text) and text[end].islower() and not lower_case:
            continue
        if match.group().startswith(".") and not match.group().startswith(".."):
            # The piece's first word has no space before it within the piece: "Marta." alone.
            space = text.rfind(" ", start, match.start())
            word_start = start if space < 0 else space + 1
            word = text[word_start : match.start()].lstrip(_LEADING_PUNCTUATION)
            if _abbreviation_continues(word, text, end):
                continue
        piece = text[start:end].strip()
        if piece:
            pieces.append(piece)
        start = end
    rest = text[start:].strip()
    if rest:
        pieces.append(rest)
    return pieces


def _abbreviation_continues(word: str, text: str, end: int) -> bool:
    """Whether the period after ``word`` abbreviates rather than ends the sentence, the next word
    being capitalised: "Dr. Smith", "U.S. Army", "George W. Bush" continue; "Acme Inc. She
    left", "Plan B. It worked" and "I joined Booking.com. It's great" end."""
    if len(word) == 1 and word.isupper():
        following = FIRST_WORD.match(text, end)
        return following is None or following.group(1).lower() not in lex.NON_NAME_WORDS
    if "." in word:  # "U.S.", "Ph.D." abbreviate; "Booking.com." ends a sentence
        return all(len(part) <= 2 for part in word.split("."))
    return word.lower() in lex.ABBREVIATIONS


@lru_cache(maxsize=1 << 16)
def is_name_word(word: str) -> bool:
    """A capitalised or mixed-case word that is not a function word ("The", "After", "We")."""
    first = word[0]
    if not (first.isupper() or (first.islower() and not word.islower())):
        return False
    if _CONTRACTION.search(word):
        return False  # "Can't", "We've", "They'll": a pronoun or verb, not a name
    return strip_possessive(word)[0].lower() not in lex.NON_NAME_WORDS


def strip_possessive(word: str) -> tuple[str, bool]:
    """``word`` without a possessive ``'s``, and whether it had one."""
    if len(word) > 2 and word[-2] in "'’" and word[-1] in "sS":
        return word[:-2], True
    return word, False


def opens_with_pronoun(text: str) -> str:
    """The subject pronoun opening ``text`` ("she", "it's", ...), else ""."""
    first = FIRST_WORD.match(text)
    pronoun = first.group(1).lower().replace("’", "'") if first else ""
    return pronoun if pronoun in lex.PRONOUN_SUBJECTS else ""


def clip(text: str, limit: int) -> str:
    """``text`` on one line, cut at a word boundary to at most ``limit`` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 1)
    return text[: cut if cut > limit // 2 else limit - 1] + "…"


def turn_before(sentences: Sequence[Sentence], index: int) -> tuple[list[int], list[int]]:
    """The sentences before ``index`` in its own turn, and those of the turn just before when
    the other speaker said it (else none), each by index, nearest first."""
    sentence = sentences[index]
    turn = (sentence.line, sentence.speaker)
    first = index
    while first and (sentences[first - 1].line, sentences[first - 1].speaker) == turn:
        first -= 1
    own = list(range(index - 1, first - 1, -1))
    if not first or sentences[first - 1].speaker in (None, sentence.speaker):
        return own, []
    line = sentences[first - 1].line
    return own, [i for i in range(first - 1, -1, -1) if sentences[i].line == line]
