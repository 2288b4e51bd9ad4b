"""The knowledge-graph extraction prompt: one structured-output call per chunk.

The system message carries every instruction; the user message is the chunk text verbatim, so
nothing in the text can be mistaken for an instruction boundary and the prompt caches well.
Field-level guidance lives in the ``ChunkExtraction`` schema descriptions, which the model also
sees.
"""

from __future__ import annotations

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

__all__ = ["EXTRACTION_SYSTEM_PROMPT", "extraction_messages"]

EXTRACTION_SYSTEM_PROMPT = """\
You build a knowledge graph from text. The user message is one chunk of a document or of a \
conversation transcript. Extract, in a single answer:

1. entities: the people, organizations, places, products, events and notable concepts the text \
names or clearly describes. Use the most complete name the text gives ("Acme Corp", not "it" or \
"the company"); one entry per real-world thing, even if it is mentioned several times. Give each a \
short type (Person, Organization, Place, Product, Event, Concept, ...) and one short sentence \
saying what the text says it is. Dates, amounts and numbers are not entities: keep them in the \
facts that mention them.
2. relations: facts linking two of those entities, as subject, predicate, object. The subject and \
object must be names from your entity list, spelled exactly the same. The predicate is a short \
lower-case verb phrase ("leads", "founded", "moved to", "works at"). Turn passives around ("Acme \
was founded by Bob" -> Bob, founded, Acme). The description states the fact as one sentence and \
keeps every date, time, number and qualifier the text gives for it ("Bob founded Acme in 2019").
   Time and change, for each relation: kind (lives_in, works_at, job_title, \
relationship_status, studies_at, has_pet, owns, likes, dislikes, visited, or another short \
snake_case kind; null if none fits); valid_at, the date phrase saying when it became true, \
copied as written ("last Saturday", "in March 2023"; null when the text gives none); invalid_at, \
when it stopped being true ("until June"; for "used to" or a finished state without a date, the \
words saying so; else null); retracted true when the text says a fact ended without a successor \
("I quit Renault": speaker, works at, Renault, retracted true; "we broke up": speaker, dating, \
the partner's name or an empty string, retracted true; "I don't like sushi anymore": speaker, \
likes, sushi, retracted true). A job title is a relation to a Concept entity named by the title \
(speaker, job title, product manager). Never turn a relative date into a calendar date.
3. summary: one sentence saying what the chunk is about.

Only state what the text says; never add outside knowledge or guesses. Resolve pronouns to the \
entity they refer to. In a transcript ("user: ...", "assistant: ...", "Q: ...", "A: ...", \
"Alice: ..."), the facts speakers state about themselves and others count; call an unnamed human \
speaker "User". Write names and descriptions in the language of the text. If the chunk holds no \
entities, return empty lists and still give the summary.\
"""


def extraction_messages(text: str) -> list[BaseMessage]:
    """The messages of the extraction call for one chunk."""
    return [SystemMessage(EXTRACTION_SYSTEM_PROMPT), HumanMessage(text)]
