"""What tells studies begun or ended, for the offline extractor's implied-change rules
(:mod:`._implied`): a degree or a course at a school ("to start my master's at LSE", "I have
joined the weekend MBA at Symbiosis", "I started the Goethe-Institut evening course", "second
year at Newcastle Uni", "Started nursing at QUT") and its end ("Graduated from UNISA", "I dropped
out", "I left uni back in October").
"""

from __future__ import annotations

import re

from cognee_langchain.extraction import _lexicon as lex
from cognee_langchain.extraction._subjects import I_SUBJECT as _I

__all__ = ["DEGREE_AT", "SCHOOL_STARTED", "STUDIES_ENDED", "STUDY_WORDS"]

_NAME = r"[^\W\d_a-z]"  # where a name starts
_RUN = rf"{_NAME}[\w'’&.-]*(?:\s+{_NAME}[\w'’&.-]*)*"
_DEGREE = (
    r"(?i:master['’]?s|masters|phd|ph\.d\.?|doctorate|degree|bachelor['’]?s|mba|studies|msc|bsc|"
    r"ma|ba|bcom|llb|course|diploma|honours|apprenticeship|module|program|programme)"
)
# "to start my master's at LSE", "I'm doing my PhD at ETH", "Started my MSc at Imperial", "I
# enrolled in the part-time MSc at University of Galway", "I enrolled through UNISA": studies.
DEGREE_AT = re.compile(
    r"\b(?:(?:start|begin|started|began|starting|doing|do|joined|join)\s+(?:my|a|an|the)\s+"
    r"(?:(?:first|second|third|final|last)\s+year\s+of\s+(?:my\s+)?)?(?:[\w-]+\s+){0,2}?"
    rf"{_DEGREE}(?:\s+in\s+[a-z]+(?:\s+[a-z]+)?)?"
    r"|(?:enrolled|enrolling|registered|signed\s+up)(?:\s+(?:in|on|for)\s+[^.;!?]{0,50}?)?)"
    rf"\s+(?:at|in|with|through)\s+(?:the\s+)?(?P<org>{_NAME})"
)
# Studies ended: "Graduated from UNISA", "I finished the master in March", "I dropped out", "I
# left uni back in October", "I'm dropping out of comp sci" (the school named, or whichever the
# speaker was at).
STUDIES_ENDED = re.compile(
    # "I'm done with uni", "that's uni done"
    r"\bI(?:['’]m|\s+am)\s+(?:(?:finally|officially)\s+)?done\s+with\s+(?:uni|university|college)\b"
    r"|\b(?i:that['’]s)\s+(?:uni|university|college)\s+(?:done|over|finished)\b|"
    rf"(?:{_I}|^\W*)(?:"
    # the school named, in its case: "I dropped out of Keele", "I quit my course at Keele"
    rf"[Dd]ropp(?:ed|ing)\s+out\s+of\s+(?:the\s+)?(?P<org_2>{_NAME})"
    rf"|(?:[Qq]uit|[Ll]eft|[Dd]ropped)\s+(?:my|the)\s+(?:[\w-]+\s+)?{_DEGREE}\s+(?:at|with)\s+"
    rf"(?:the\s+)?(?P<org_3>{_NAME})"
    rf"|(?i:graduated(?:\s+from\s+(?:the\s+)?(?P<org>{_NAME}))?"
    rf"|(?:finished|completed)\s+(?:my|the)\s+(?:[\w-]+\s+)?{_DEGREE}"
    # "I quit my course in May" (the school unnamed: whichever the speaker was at)
    rf"|(?:quit|left|dropped|abandoned)\s+(?:my|the)\s+(?:[\w-]+\s+)?{_DEGREE}\b(?!\s+(?:at|with|of)\b)"
    r"|(?:dropped|dropping)\s+out|(?:left|finished)\s+(?:uni|university|college)\b"
    # "I pulled out of uni", "I withdrew from the course"
    r"|(?:pulled|withdrew)\s+(?:out\s+of|from)\s+(?:uni|university|college|the\s+course|my\s+course)\b))"
)
_INSTITUTIONS = "|".join(sorted({*lex.INSTITUTION_WORDS, "institut"}, key=len, reverse=True))
# A school: a name whose last word says so ("Newcastle Uni", "Goethe-Institut"), or an acronym
# ("QUT"); the match is where it starts.
_SCHOOL = rf"(?=(?:[\w'’&.-]+\s+){{0,3}}?[\w'’&.-]*?(?i:{_INSTITUTIONS})\b|[A-Z]{{2,5}}\b){_NAME}"
# Fields of study, for "Started nursing at QUT" (a field started at a school: studies).
_FIELDS = (
    "nursing", "medicine", "law", "engineering", "architecture", "accounting", "economics",
    "psychology", "geography", "history", "maths", "math", "mathematics", "physics",
    "chemistry", "biology", "computer science", "comp sci", "music", "pharmacy", "dentistry",
    "midwifery", "physio", "physiotherapy", "education", "business", "philosophy", "classics",
    "hairdressing", "journalism", "veterinary science", "vet science", "dietetics", "sociology",
)  # fmt: skip
_FIELD = "|".join(sorted((f.replace(" ", r"\s+") for f in _FIELDS), key=len, reverse=True))
# Begun at a school named so: "second year at Newcastle Uni", "Started nursing at QUT", "I
# started the Goethe-Institut evening course", "joined the Open University".
SCHOOL_STARTED = re.compile(
    r"\b(?:(?:first|second|third|fourth|final|last)\s+year\s+(?:at|of)"
    rf"|(?i:start(?:ed)?|began|begin|studying|doing|study)\s+(?i:{_FIELD})\s+at"
    r"|(?i:start(?:ed)?|began|begin|joined|doing)\s+(?:the|a|my)"
    rf"(?=\s+(?:{_NAME}[\w'’&.-]*\s+)+(?:[a-z-]+\s+){{0,2}}?(?:course|programme|program|classes)\b)"
    r"|(?i:joined|enrolled\s+at|enrolled\s+with)(?=\s+(?:the\s+)?"
    rf"(?:{_NAME}[\w'’&.-]*\s+){{0,3}}?(?i:{_INSTITUTIONS})\b)"
    # admitted: "I got into UCL", "I've been accepted to Leeds Uni", "got a place at KCL"
    r"|(?i:got|gotten)\s+into|(?i:been|got|was|were)\s+accepted\s+(?:to|at|into|by)"
    r"|(?i:got|have|was\s+offered)\s+a\s+place\s+at)"
    rf"\s+(?:the\s+)?(?P<org>{_SCHOOL})"
    # "I've started uni at Leeds": the word says it is a school, whatever its name
    r"|\b(?i:start(?:ed)?|began|begin)\s+(?:uni|university|college|sixth\s+form)\s+at\s+"
    rf"(?:the\s+)?(?P<org_2>{_NAME})"
)
#: Words without one of which :data:`SCHOOL_STARTED` cannot match (lower case).
STUDY_WORDS = frozenset(
    {
        "year",
        "joined",
        "enrolled",
        "course",
        "programme",
        "program",
        "classes",
        "into",
        "accepted",
        "place",
        "uni",
        "university",
        "college",
    }
    | {word for field in _FIELDS for word in field.split()}
)
