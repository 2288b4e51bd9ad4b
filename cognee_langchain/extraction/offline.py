"""Entities and relations from plain text without any model: regular expressions and word lists.

The heuristics, per chunk:

* **Sentences** are split at ``.!?`` (not after abbreviations or initials) and at line breaks.
  Chat transcripts are understood: role labels (``Q:``, ``A:``, ``User:``, ``Assistant:``) are
  dropped, and a named speaker (``Alice: I moved to Paris``) becomes a person that ``I``/``me``/
  ``my`` refer to.
* **Entities** are runs of capitalised words ("Acme Corp", "New York", "Bank of America"),
  mixed-case tokens ("iPhone") and acronyms. Capitalised function words ("The", "After", "We",
  "Finally") are never names; a sentence's first word is only taken when the chunk does not also
  use it in lower case. Honorifics and roles are dropped ("Dr. Jane Smith" -> "Jane Smith"), a
  possessive ``'s`` is stripped, and a single word naming a longer entity of the same chunk is
  merged into it ("Acme" -> "Acme Corp").
* **Relations**: the words between two consecutive entities of a sentence are the predicate
  ("Alice leads Acme" -> Alice -leads-> Acme); passives are turned around ("Acme was founded by
  Bob" -> Bob -founded-> Acme); an appositive or relative clause keeps its verb ("Alice, who
  joined in 2019, leads Acme" -> Alice -leads-> Acme); lists share the verb ("Alice and Bob
  founded Acme" -> both founded Acme); a leading he/she/it/they means the previous subject.
  After the last entity, a short verb + noun phrase gives a concept ("Acme builds rockets" ->
  Acme -builds-> rockets). Entities without such a link in one sentence get a ``related_to``
  co-occurrence edge. Each relation's description is its sentence, so numbers and dates
  ("in 2019") stay in the facts.
* **Summary**: the chunk's lead sentence.

The rules live in private modules next to this one: ``_sentences`` (splitting, speakers),
``_mentions`` (names and their types), ``_relations`` (predicates between names),
``_chunk_graph`` (the per-chunk tally) and ``_lexicon`` (the word lists).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from cognee_langchain.extraction._chunk_graph import CO_OCCURRENCE, ChunkGraph
from cognee_langchain.extraction._mentions import (
    LOWER_WORD,
    Mention,
    resolve_pronouns,
    sentence_mentions,
    type_hint,
)
from cognee_langchain.extraction._relations import relate_sentence
from cognee_langchain.extraction._sentences import (
    chunk_sentences,
    clip,
    line_speaker,
    split_sentences,
)
from cognee_langchain.extraction.base import GraphExtractor, check_texts
from cognee_langchain.extraction.schema import ChunkExtraction

__all__ = ["CO_OCCURRENCE", "OfflineGraphExtractor", "extract_chunk", "lead_sentence"]

_MAX_DESCRIPTION = 300
_MAX_SUMMARY = 300


class OfflineGraphExtractor(GraphExtractor):
    """Rule-based extractor: no model, no download, over a thousand chunks per second.

    Used by default when no chat model is configured. Precision is modest, but the graph it
    builds links each named thing to the chunks and facts that mention it, which is what lets
    retrieval hop from one chunk to another (see the module docstring for the heuristics).
    """

    def extract(self, texts: Sequence[str]) -> list[ChunkExtraction]:
        """Extract every chunk of ``texts`` (pure CPU; no event loop involved)."""
        return [extract_chunk(text) for text in check_texts(texts)]

    async def aextract(self, texts: Sequence[str]) -> list[ChunkExtraction]:
        """Async twin of :meth:`extract`, run in a worker thread to keep the loop responsive."""
        texts = check_texts(texts)
        return await asyncio.to_thread(self.extract, texts)


def extract_chunk(text: str) -> ChunkExtraction:
    """Extract entities, relations and a summary from one chunk of text."""
    sentences = chunk_sentences(text)
    if not sentences:
        return ChunkExtraction()
    lower_words = set(LOWER_WORD.findall(text))
    # Capitalised words seen away from a sentence start are names wherever they appear.
    inner: set[str] = set()
    for sentence in sentences:
        for offset, run in sentence.runs:
            words = run.split(" ")
            inner.update(words[1:] if offset == sentence.lead else words)

    graph = ChunkGraph()
    last_subject: Mention | None = None
    for sentence in sentences:
        mentions = sentence_mentions(sentence, lower_words, inner)
        mentions = resolve_pronouns(sentence, mentions, last_subject)
        if not mentions:
            continue
        description = clip(sentence.shown, _MAX_DESCRIPTION)
        entities = graph.entities
        for mention in mentions:
            entry = entities.get(mention.key)
            if entry is None:  # context only types an entity where it first appears
                hint = mention.hint
                if not hint and sentence.text.startswith(mention.name, mention.start):
                    hint = type_hint(sentence.text, mention)  # not for a pronoun standing in
                graph.add_entity(mention.key, mention.name, hint, description)
            elif mention.hint:
                graph.add_entity(mention.key, mention.name, mention.hint, description)
        relate_sentence(sentence, mentions, graph, description)
        last_subject = mentions[0]
    graph.merge_aliases()
    return graph.to_extraction(lead_sentence(text))


def lead_sentence(text: str) -> str:
    """The first sentence of ``text`` with its speaker label, clipped: a one-line summary."""
    for line in text.splitlines():
        _, _, label, body = line_speaker(line)
        pieces = split_sentences(body)
        if pieces:
            return clip(f"{label} {pieces[0]}" if label else pieces[0], _MAX_SUMMARY)
    return ""
