"""Records of the knowledge graph: what was ingested, the chunks it was cut into, and the entities
and relations extracted from them — each with deterministic ids and full provenance.

Ids are content hashes scoped by dataset, so ingesting the same content twice yields the same ids
and adds nothing. Provenance flows bottom-up: a document knows its node set and session; a chunk
knows every document it appears in; an entity or relation knows every chunk it was extracted from,
and its node sets / session ids are the union over those chunks.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from cognee_langchain.core.turns import Turn

__all__ = [
    "Chunk",
    "Entity",
    "Relation",
    "Retraction",
    "SourceDocument",
    "SourceItem",
    "content_id",
    "normalize_text",
    "render_fact",
]

# 32 hex digits = 128 bits: collisions are out of reach for any realistic graph.
_ID_HEX_DIGITS = 32


def normalize_text(text: str) -> str:
    """Canonical form of ingested text: NFC, ``\\n`` line ends, no surrounding whitespace.

    Hashes are taken over this form, so text that differs only in encoding details or line endings
    is recognised as the same content.
    """
    return unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n").strip()


def content_id(kind: str, dataset: str, *parts: str) -> str:
    """Deterministic id of a record: a truncated sha256 of its kind, dataset and content parts."""
    digest = hashlib.sha256("\x1f".join((kind, dataset, *parts)).encode("utf-8"))
    return digest.hexdigest()[:_ID_HEX_DIGITS]


class SourceItem(BaseModel):
    """One unit of ingestion: a text with where it came from.

    ``remember`` builds these from strings, ``Document``s and files; the persist-sessions pipeline
    builds them from session Q&A, with ``session_id`` and ``message_ids`` set so every node and
    edge derived from the text can be traced back to the messages.
    """

    model_config = ConfigDict(frozen=True)

    text: str
    name: str | None = Field(default=None, description="Source: file path, title or URL.")
    session_id: str | None = None
    message_ids: tuple[str, ...] = ()
    metadata: dict[str, Any] = Field(default_factory=dict)
    turns: tuple[Turn, ...] = Field(
        default=(),
        description="The text as conversation turns, when it is one (each becomes its own "
        "retrieval unit); empty for prose, or to let ingest parse a transcript from ``text``.",
    )


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    dataset: str
    created_at: float


class SourceDocument(_Record):
    """An ingested item. Its id hashes dataset, node set, session id (and, for a session's
    document, its user) and normalised text, so the same text remembered into another node set is
    a second document sharing the same chunks. ``user_id``: who wrote it (whose session it was
    persisted from); ``None`` for documents written before users were recorded."""

    name: str | None = None
    user_id: str | None = None
    node_set: str | None = None
    session_id: str | None = None
    message_ids: tuple[str, ...] = ()
    metadata: dict[str, Any] = Field(default_factory=dict)
    chunk_ids: tuple[str, ...] = Field(default=(), description="In document order.")
    length: int = Field(default=0, description="Characters of normalised text.")


class Chunk(_Record):
    """A slice of text, stored once per dataset however many documents contain it.

    A conversation turn is a chunk of its own, and ``unit`` holds what it carries beyond its
    text (all optional): ``speaker``, ``occurred_at`` (epoch seconds), ``turn_id``, ``group``
    (its session or document), ``position`` (its place there), ``message_ids``, and the
    index-only ``keys`` (its date) and ``context`` (the neighbouring turns' text). Empty for prose.
    """

    text: str
    summary: str = ""
    unit: dict[str, Any] = Field(default_factory=dict)
    document_ids: tuple[str, ...] = ()
    node_sets: tuple[str, ...] = ()
    session_ids: tuple[str, ...] = ()
    message_ids: tuple[str, ...] = ()


class Entity(_Record):
    """A real-world thing; every mention resolved to it (by name, alias or similarity) adds a chunk
    to its provenance and its surface form to its aliases."""

    name: str
    type: str
    description: str = ""
    aliases: tuple[str, ...] = ()
    node_sets: tuple[str, ...] = ()
    chunk_ids: tuple[str, ...] = ()
    session_ids: tuple[str, ...] = ()
    message_ids: tuple[str, ...] = ()


class Relation(_Record):
    """A directed fact ``source --predicate--> target`` between two entities of one dataset.

    Time (epoch seconds UTC): ``valid_at`` — when it became true (the earliest date its mentions
    state, else when it was recorded), with ``valid_grain`` / ``valid_phrase`` of that mention
    (``None`` / ``""`` when no date was stated);
    ``invalid_at`` — when it stopped being true (``None``: still true); ``superseded_by`` — the
    relation that replaced it (``None`` when current or retracted); ``recorded_at`` — when the
    memory learned it (its ``created_at``). ``kind``: the normalised relation kind (``"lives_in"``;
    ``None`` unknown), ``single_valued``: one value per subject at a time.
    """

    source_id: str
    target_id: str
    source_name: str
    target_name: str
    predicate: str
    description: str = ""
    node_sets: tuple[str, ...] = ()
    chunk_ids: tuple[str, ...] = ()
    session_ids: tuple[str, ...] = ()
    message_ids: tuple[str, ...] = ()
    kind: str | None = None
    single_valued: bool = False
    valid_at: float | None = None
    valid_grain: str | None = None
    valid_phrase: str = ""
    invalid_at: float | None = None
    superseded_by: str | None = None
    recorded_at: float | None = None

    @property
    def fact(self) -> str:
        """The relation as a sentence, e.g. ``"Alice leads Acme."`` plus its description."""
        return render_fact(self.source_name, self.predicate, self.target_name, self.description)


class Retraction(_Record):
    """A statement that a fact stopped being true ("I quit Renault"): it ends, at ``at``, the
    ``(source_id, kind)`` fact with ``target_id`` (any target when ``None``) open then.

    ``created_at`` is when the memory learned it; ``closed``: the relations it ended (empty when
    it matched nothing open — a no-op, kept because a fact ingested later may still match it).
    ``session_ids`` / ``message_ids``: where it was said, from the documents of ``chunk_id``.
    """

    source_id: str
    kind: str
    target_id: str | None = None
    at: float
    chunk_id: str
    phrase: str = ""
    closed: tuple[str, ...] = ()
    session_ids: tuple[str, ...] = ()
    message_ids: tuple[str, ...] = ()


def render_fact(source: str, predicate: str, target: str, description: str = "") -> str:
    """Render a triple, and the sentence the extractor gave for it, as fact text.

    A description that only restates the triple ("Alice leads Acme") is dropped: repeating it
    would weigh the same words twice in lexical search.
    """
    sentence = f"{source} {predicate} {target}."
    if not description or _words(description) == _words(sentence):
        return sentence
    return f"{sentence} {description}"


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())
