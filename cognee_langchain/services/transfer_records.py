"""From the record lines of an export to a checked ``DatasetDump``:
each line on its own (:func:`~.transfer_lines.parse_record`) and against the others — the kinds
counted as the header says, ids and keys unique, every reference to a record of the file, vectors
present exactly when the header says so and of its dimension.

Part of the transfer service (:mod:`cognee_langchain.services.transfer`), apart so that the import
flow and the checks of a file each read in one place.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from cognee_langchain.graph.base import (
    ClaimMessages,
    DatasetDump,
    RecordKind,
    RetractRelation,
    StoredChunk,
    StoredEntity,
    StoredMention,
    StoredRelation,
    Vector,
)
from cognee_langchain.graph.models import SourceDocument
from cognee_langchain.services.transfer_lines import (
    ChunkLine,
    ClaimLine,
    DocumentLine,
    EntityLine,
    EntityMentionLine,
    Header,
    RelationLine,
    RelationMentionLine,
    RetractionLine,
    bad_line,
    decode_vector,
    parse_record,
)

__all__ = ["read_records"]


def read_records(header: Header, lines: Sequence[str], source: str) -> DatasetDump:
    """Every record line, checked on its own and against the others: kinds counted as the
    header says, ids unique, every reference to a record of the file."""
    parsed = [
        (n, parse_record(text, source, n, header.version))
        for n, text in enumerate(lines[1:], start=2)
    ]
    found: Counter[str] = Counter(record.kind for _, record in parsed)
    for kind in sorted(set(found) | set(header.counts)):
        if found[kind] != header.counts.get(kind, 0):
            raise bad_line(
                source,
                len(lines),
                f"the file holds {found[kind]} {kind} line(s), its header counts "
                f"{header.counts.get(kind, 0)}: it was cut short or edited",
                "Export the dataset again; a file is imported whole or not at all.",
            )
    kinds = ("document", "chunk", "entity", "relation", "retraction")
    ids: dict[str, dict[str, int]] = {k: {} for k in kinds}
    for number, record in parsed:
        if isinstance(
            record, DocumentLine | ChunkLine | EntityLine | RelationLine | RetractionLine
        ):
            seen = ids[record.kind]
            if record.id in seen:
                raise bad_line(
                    source, number, f"{record.kind} {record.id} again (first on line "
                    f"{seen[record.id]})"
                )  # fmt: skip
            seen[record.id] = number
    return _assemble(header, parsed, ids, source)


def _assemble(
    header: Header,
    parsed: Iterable[tuple[int, Any]],
    ids: dict[str, dict[str, int]],
    source: str,
) -> DatasetDump:
    """The records as a :class:`DatasetDump`, every reference checked."""

    def known(kind: str, value: str, number: int, what: str) -> None:
        if value not in ids[kind]:
            raise bad_line(source, number, f"{what} {value} is not a {kind} of the file")

    dim = None if header.vectors is None else header.vectors.dimension

    def vector(text: str | None, number: int, required: bool) -> Vector | None:
        if text is None:
            if required:
                raise bad_line(source, number, "no vector, but the header says vectors are in")
            return None
        if dim is None:
            raise bad_line(source, number, "a vector, but the header says there are none")
        return decode_vector(text, dim, source, number)

    mentioned: dict[tuple[RecordKind, str, str], int] = {}

    def check_mention(mention: StoredMention, number: int) -> StoredMention:
        known(mention.kind.value, mention.owner_id, number, mention.kind.value)
        known("chunk", mention.chunk_id, number, "chunk")
        pair = (mention.kind, mention.owner_id, mention.chunk_id)
        if pair in mentioned:
            raise bad_line(
                source, number, f"the same mention again (first on line {mentioned[pair]})"
            )
        mentioned[pair] = number
        return mention

    dump = DatasetDump(header.dataset, [], [], [], [], [], [])
    keys: dict[str, int] = {}
    required = dim is not None
    for number, r in parsed:
        match r:
            case DocumentLine():
                for chunk_id in r.chunk_ids:
                    known("chunk", chunk_id, number, "chunk")
                fields = r.model_dump(exclude={"kind"})
                dump.documents.append(SourceDocument(dataset=header.dataset, **fields))
            case ChunkLine():
                dump.chunks.append(
                    StoredChunk(
                        r.id,
                        r.text,
                        r.summary,
                        r.unit,
                        r.created_at,
                        vector(r.vector, number, required),
                        vector(r.summary_vector, number, False),
                    )
                )
            case EntityLine():
                for key in r.keys:
                    if key in keys:
                        raise bad_line(
                            source, number, f"entity key {key!r} again (first on line {keys[key]})"
                        )
                    keys[key] = number
                dump.entities.append(
                    StoredEntity(
                        r.id,
                        r.name,
                        r.type,
                        r.created_at,
                        tuple(r.keys),
                        tuple(r.tokens),
                        vector(r.vector, number, required),
                    )
                )
            case RelationLine():
                known("entity", r.source_id, number, "source")
                known("entity", r.target_id, number, "target")
                dump.relations.append(
                    StoredRelation(
                        r.id,
                        r.source_id,
                        r.target_id,
                        r.predicate,
                        r.created_at,
                        vector(r.vector, number, required),
                        r.relation_kind,
                        r.single_valued,
                    )
                )
            case EntityMentionLine():
                mention = StoredMention(
                    RecordKind.ENTITY, r.entity_id, r.chunk_id, r.surface, r.description
                )
                dump.mentions.append(check_mention(mention, number))
            case RelationMentionLine():
                mention = StoredMention(
                    RecordKind.RELATION,
                    r.relation_id,
                    r.chunk_id,
                    "",
                    r.description,
                    r.valid_at,
                    r.grain,
                    r.phrase,
                )
                dump.mentions.append(check_mention(mention, number))
            case ClaimLine():
                known("document", r.document_id, number, "document")
                dump.claims.append(
                    ClaimMessages(
                        header.dataset,
                        r.user_id,
                        r.session_id,
                        r.document_id,
                        tuple(r.message_keys),
                    )
                )
            case RetractionLine():
                known("entity", r.source_id, number, "source")
                known("chunk", r.chunk_id, number, "chunk")
                dump.retractions.append(
                    RetractRelation(
                        r.id,
                        header.dataset,
                        r.source_id,
                        r.relation_kind,
                        r.target_id,
                        r.at,
                        r.chunk_id,
                        r.phrase,
                        r.created_at,
                    )
                )
    return dump
