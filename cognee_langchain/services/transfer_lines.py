"""The JSON Lines format of an exported dataset: one header line, then one record per line.

Part of the transfer service (:mod:`cognee_langchain.services.transfer`), apart so that the
format — what each line holds, how it is written and how a line is checked — reads in one place.

Line 1 is the header: ``{"kind": "header", "format": "cognee-langchain.dataset", "version": 1,
"package_version", "dataset", "counts", "vectors"}``, where ``vectors`` is ``null`` or names
the encoding, the dimension and the embeddings model that made them. Then, each kind ordered by
id: ``document``, ``chunk``, ``entity`` and ``relation`` lines, then the provenance —
``entity_mention`` and ``relation_mention`` lines in stored order (a chunk's entities are read
back in that order), ``claim`` lines (which document holds which session messages) and, from
version 2, ``retraction`` lines ("I quit Renault": a fact ended, by id). A relation line carries
its ``relation_kind`` and ``single_valued``, a relation mention the date its chunk gives it
(``valid_at``, ``grain``, ``phrase``); intervals are derived again on import. A vector
is base64 of little-endian float32, so it round-trips bit for bit. Derived provenance (the node
sets and sessions of chunks, entities and relations) is not written: the store derives it from
documents and mentions on import. Nothing in the file depends on when it was written, so
exporting the same dataset twice gives the same bytes.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Annotated, Any, Literal, TypeAlias

import numpy as np
import orjson
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from cognee_langchain.errors import InvalidInputError
from cognee_langchain.graph.base import (
    DatasetDump,
    RecordKind,
    StoredChunk,
    StoredEntity,
    StoredMention,
    StoredRelation,
    Vector,
)
from cognee_langchain.graph.models import SourceDocument

__all__ = [
    "COUNTED_KINDS",
    "FORMAT",
    "FORMAT_VERSION",
    "READ_VERSIONS",
    "VECTOR_ENCODING",
    "Header",
    "RecordLine",
    "RetractionLine",
    "VectorInfo",
    "bad_line",
    "decode_vector",
    "dump_lines",
    "parse_header",
    "parse_record",
]

FORMAT = "cognee-langchain.dataset"
FORMAT_VERSION = 2
#: Versions this release reads: 1 has no time fields (they default to unknown) and no retractions.
READ_VERSIONS = (1, 2)
VECTOR_ENCODING = "base64-float32-le"
#: The record kinds a header counts, in the order the file holds them.
COUNTED_KINDS = (
    "document",
    "chunk",
    "entity",
    "relation",
    "entity_mention",
    "relation_mention",
    "claim",
    "retraction",
)

_FIX = "Fix or remove the line, or export the dataset again with `cognee-langchain export`."
_STRICT = ConfigDict(extra="forbid", strict=True, frozen=True)
_Id = Annotated[str, Field(min_length=1)]


# -- what each line holds -----------------------------------------------------------------------
class VectorInfo(BaseModel):
    """How the file's vectors are written and which embeddings model made them."""

    model_config = _STRICT

    encoding: Literal["base64-float32-le"]
    dimension: int = Field(ge=1)
    embeddings: str | None
    model: str | None


class Header(BaseModel):
    """Line 1 of an export."""

    model_config = _STRICT

    kind: Literal["header"]
    format: str
    version: int
    package_version: str
    dataset: _Id
    counts: dict[str, int]
    vectors: VectorInfo | None


class _Line(BaseModel):
    model_config = _STRICT


class DocumentLine(_Line):
    kind: Literal["document"]
    id: _Id
    name: str | None
    user_id: str | None
    node_set: str | None
    session_id: str | None
    message_ids: list[str]
    metadata: dict[str, Any]
    chunk_ids: list[_Id]
    length: int = Field(ge=0)
    created_at: float


class ChunkLine(_Line):
    kind: Literal["chunk"]
    id: _Id
    text: str
    summary: str
    unit: dict[str, Any]
    created_at: float
    vector: str | None = None
    summary_vector: str | None = None


class EntityLine(_Line):
    kind: Literal["entity"]
    id: _Id
    name: str
    type: str
    created_at: float
    keys: list[str]
    tokens: list[str]
    vector: str | None = None


class RelationLine(_Line):
    kind: Literal["relation"]
    id: _Id
    source_id: _Id
    target_id: _Id
    predicate: str
    created_at: float
    vector: str | None = None
    relation_kind: str | None
    single_valued: bool


class EntityMentionLine(_Line):
    kind: Literal["entity_mention"]
    entity_id: _Id
    chunk_id: _Id
    surface: str
    description: str


class RelationMentionLine(_Line):
    kind: Literal["relation_mention"]
    relation_id: _Id
    chunk_id: _Id
    description: str
    valid_at: float | None
    grain: str | None
    phrase: str


class ClaimLine(_Line):
    kind: Literal["claim"]
    document_id: _Id
    user_id: _Id
    session_id: _Id
    message_keys: list[str]


class RetractionLine(_Line):
    kind: Literal["retraction"]
    id: _Id
    source_id: _Id
    relation_kind: _Id
    target_id: str | None
    at: float
    chunk_id: _Id
    phrase: str
    created_at: float


RecordLine: TypeAlias = Annotated[
    DocumentLine
    | ChunkLine
    | EntityLine
    | RelationLine
    | EntityMentionLine
    | RelationMentionLine
    | ClaimLine
    | RetractionLine,
    Field(discriminator="kind"),
]
_RECORD: TypeAdapter[RecordLine] = TypeAdapter(RecordLine)

# A version 1 file predates time on facts: its lines read as facts of unknown kind and date.
_V1_DEFAULTS: dict[str, dict[str, Any]] = {
    "relation": {"relation_kind": None, "single_valued": False},
    "relation_mention": {"valid_at": None, "grain": None, "phrase": ""},
}


# -- writing --------------------------------------------------------------------------------------
def _vector_text(vector: Vector | None) -> str | None:
    if vector is None:
        return None
    return base64.b64encode(np.asarray(vector, dtype="<f4").tobytes()).decode("ascii")


def _line(record: Mapping[str, Any]) -> bytes:
    return orjson.dumps(record) + b"\n"


def dump_lines(dump: DatasetDump, header: Header) -> list[bytes]:
    """The lines of ``dump`` (header first), each a UTF-8 JSON object ending in ``\\n``."""
    lines = [_line(header.model_dump())]
    lines.extend(_line({"kind": "document", **_document(d)}) for d in dump.documents)
    lines.extend(_line(_chunk(c)) for c in dump.chunks)
    lines.extend(_line(_entity(e)) for e in dump.entities)
    lines.extend(_line(_relation(r)) for r in dump.relations)
    lines.extend(_line(_mention(m)) for m in dump.mentions)
    lines.extend(
        _line(
            {
                "kind": "claim",
                "document_id": c.document_id,
                "user_id": c.user_id,
                "session_id": c.session_id,
                "message_keys": list(c.message_keys),
            }
        )
        for c in dump.claims
    )
    lines.extend(
        _line(
            {
                "kind": "retraction",
                "id": r.id,
                "source_id": r.source_id,
                "relation_kind": r.kind,
                "target_id": r.target_id,
                "at": r.at,
                "chunk_id": r.chunk_id,
                "phrase": r.phrase,
                "created_at": r.created_at,
            }
        )
        for r in dump.retractions
    )
    return lines


def _document(d: SourceDocument) -> dict[str, Any]:
    return {
        "id": d.id,
        "name": d.name,
        "user_id": d.user_id,
        "node_set": d.node_set,
        "session_id": d.session_id,
        "message_ids": list(d.message_ids),
        "metadata": d.metadata,
        "chunk_ids": list(d.chunk_ids),
        "length": d.length,
        "created_at": d.created_at,
    }


def _with_vectors(record: dict[str, Any], **vectors: Vector | None) -> dict[str, Any]:
    """``record`` plus the vectors that are set (a file without vectors has no such fields)."""
    record.update((name, _vector_text(v)) for name, v in vectors.items() if v is not None)
    return record


def _chunk(c: StoredChunk) -> dict[str, Any]:
    record = {
        "kind": "chunk",
        "id": c.id,
        "text": c.text,
        "summary": c.summary,
        "unit": dict(c.unit),
        "created_at": c.created_at,
    }
    return _with_vectors(record, vector=c.vector, summary_vector=c.summary_vector)


def _entity(e: StoredEntity) -> dict[str, Any]:
    record = {
        "kind": "entity",
        "id": e.id,
        "name": e.name,
        "type": e.type,
        "created_at": e.created_at,
        "keys": list(e.keys),
        "tokens": list(e.tokens),
    }
    return _with_vectors(record, vector=e.vector)


def _relation(r: StoredRelation) -> dict[str, Any]:
    record = {
        "kind": "relation",
        "id": r.id,
        "source_id": r.source_id,
        "target_id": r.target_id,
        "predicate": r.predicate,
        "created_at": r.created_at,
        "relation_kind": r.kind,
        "single_valued": r.single_valued,
    }
    return _with_vectors(record, vector=r.vector)


def _mention(m: StoredMention) -> dict[str, Any]:
    if m.kind is RecordKind.ENTITY:
        return {
            "kind": "entity_mention",
            "entity_id": m.owner_id,
            "chunk_id": m.chunk_id,
            "surface": m.surface,
            "description": m.description,
        }
    return {
        "kind": "relation_mention",
        "relation_id": m.owner_id,
        "chunk_id": m.chunk_id,
        "description": m.description,
        "valid_at": m.valid_at,
        "grain": m.grain,
        "phrase": m.phrase,
    }


# -- reading --------------------------------------------------------------------------------------
def bad_line(source: str, number: int, problem: str, fix: str = _FIX) -> InvalidInputError:
    """The error for line ``number`` of ``source``."""
    return InvalidInputError(f"Line {number} of {source}: {problem}. {fix}")


def _json_object(text: str, source: str, number: int) -> dict[str, Any]:
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise bad_line(source, number, f"not valid JSON ({exc})") from None
    if not isinstance(value, dict):
        raise bad_line(source, number, f"a JSON {type(value).__name__}, not an object")
    return value


def _problem(exc: ValidationError) -> str:
    first = exc.errors(include_url=False)[0]
    where = ".".join(str(part) for part in first["loc"])
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"field {where!r}: {first['msg']}{more}" if where else f"{first['msg']}{more}"


def parse_header(text: str, source: str) -> Header:
    """Line 1: the header, of this format and version."""
    value = _json_object(text, source, 1)
    fix = "Pass a file written by `cognee-langchain export` (its first line is the header)."
    if value.get("kind") != "header" or value.get("format") != FORMAT:
        raise bad_line(source, 1, f"not the header of a {FORMAT} file", fix)
    version = value.get("version")
    if version not in READ_VERSIONS:
        raise bad_line(
            source,
            1,
            f"format version {version!r}, and this release reads versions "
            + " and ".join(map(str, READ_VERSIONS)),
            "Import it with the cognee-langchain release that wrote it (its header names it), "
            "or upgrade cognee-langchain.",
        )
    try:
        return Header.model_validate(value)
    except ValidationError as exc:
        raise bad_line(source, 1, f"a malformed header, {_problem(exc)}", fix) from None


def parse_record(text: str, source: str, number: int, version: int = FORMAT_VERSION) -> RecordLine:
    """One record line of a file of format ``version``, checked field by field."""
    value = _json_object(text, source, number)
    if version == 1 and value.get("kind") in _V1_DEFAULTS:
        value = {**_V1_DEFAULTS[value["kind"]], **value}
    try:
        return _RECORD.validate_python(value)
    except ValidationError as exc:
        raise bad_line(source, number, f"a malformed record, {_problem(exc)}") from None


def decode_vector(text: str, dimension: int, source: str, number: int) -> Vector:
    """A vector of the file: ``dimension`` finite float32 values."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise bad_line(source, number, "a vector that is not base64") from None
    if len(raw) != 4 * dimension:
        raise bad_line(
            source,
            number,
            f"a vector of {len(raw) / 4:g} values where the header says {dimension}",
        )
    vector = np.frombuffer(raw, dtype="<f4").astype(np.float32)
    if not np.isfinite(vector).all():
        raise bad_line(source, number, "a vector that is not finite (NaN or infinity)")
    return vector
