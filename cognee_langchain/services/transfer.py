"""Export and import: one dataset as JSON Lines (see :mod:`~.transfer_lines` for the format), to
back it up, move it to another store, or read it.

Export needs ``read`` permission and reads the dataset in one snapshot of the graph store.
Import needs ``write`` permission (a new dataset is created, owned by the importing user), checks
every line before writing anything, and writes the whole file in one transaction: it lands
entirely or not at all. Ids, creation times, entity keys and the order of mentions are kept, so
exporting an imported dataset gives the bytes of the file imported. Grants are not part of an
export: they belong to the store's users, not to the data.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from importlib import metadata
from pathlib import Path
from typing import IO, Any, Literal, TypeAlias

from cognee_langchain.core.validation import check_bool, check_dataset, check_path
from cognee_langchain.errors import InvalidInputError
from cognee_langchain.graph.base import (
    DatasetDump,
    RequirePermission,
    StoredChunk,
    StoredEntity,
)
from cognee_langchain.graph.models import render_fact
from cognee_langchain.permissions import Permission
from cognee_langchain.services.access import acheck
from cognee_langchain.services.runtime import MemoryRuntime
from cognee_langchain.services.transfer_lines import (
    COUNTED_KINDS,
    FORMAT,
    FORMAT_VERSION,
    VECTOR_ENCODING,
    Header,
    VectorInfo,
    bad_line,
    dump_lines,
    parse_header,
)
from cognee_langchain.services.transfer_records import read_records
from cognee_langchain.users import User

__all__ = [
    "ExportResult",
    "ImportResult",
    "OnConflict",
    "Source",
    "Target",
    "aexport_dataset",
    "aimport_dataset",
]

#: Where an export goes: a file path, or an open file (text or binary) it writes to.
Target: TypeAlias = str | os.PathLike[str] | IO[str] | IO[bytes]
#: What an import reads: a file path, or an open file (text or binary).
Source: TypeAlias = str | os.PathLike[str] | IO[str] | IO[bytes]
#: What an import does when its dataset already holds documents.
OnConflict: TypeAlias = Literal["error", "merge"]


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What :func:`aexport_dataset` wrote: the dataset, the file (``None`` for an open file),
    the records per kind (as the header counts them) and whether vectors are included."""

    dataset: str
    path: Path | None
    counts: dict[str, int]
    vectors: bool


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What :func:`aimport_dataset` added (records stored already are not counted), and where
    the vectors came from: ``"file"`` or ``"recomputed"`` with the memory's embeddings."""

    dataset: str
    documents_added: int
    chunks_added: int
    entities_added: int
    relations_added: int
    vectors: Literal["file", "recomputed"]
    revision: int


def _package_version() -> str:
    try:
        return metadata.version("cognee-langchain")
    except metadata.PackageNotFoundError:  # a source checkout that was never installed
        return "0.0.0"


def _embeddings_identity(model: object) -> tuple[str, str | None]:
    """The embeddings model's class path and model name (``None`` when it states none)."""
    cls = type(model)
    name = next(
        (v for a in ("model", "model_name") if isinstance(v := getattr(model, a, None), str)),
        None,
    )
    return f"{cls.__module__}.{cls.__qualname__}", name


async def _adimension(runtime: MemoryRuntime) -> int:
    """The length of the memory's embedding vectors (one probe call when the model does not
    say)."""
    stated = getattr(runtime.embeddings, "dimension", None)
    if isinstance(stated, int) and not isinstance(stated, bool):
        return stated
    return int((await runtime.aembed(["dimension"])).shape[1])


# -- export ---------------------------------------------------------------------------------------
async def aexport_dataset(
    runtime: MemoryRuntime,
    dataset: str,
    out: Target,
    *,
    include_vectors: bool = False,
    user: User | None = None,
) -> ExportResult:
    """Write ``dataset`` as JSON Lines to ``out`` (a path, written whole or not at all; or an
    open file) and say what was written. Needs ``read`` permission on ``dataset``."""
    check_dataset(dataset, max_chars=runtime.limits.max_id_chars)
    check_bool(include_vectors, "include_vectors")
    path = None if _is_file(out) else check_path(out, "out", example="backup.jsonl")
    store = runtime.graph_store
    await acheck(store, dataset, Permission.READ, runtime.user_of(user), missing_ok=False)
    dump = await store.adump_dataset(dataset, with_vectors=include_vectors)
    counts = Counter(
        {
            "document": len(dump.documents),
            "chunk": len(dump.chunks),
            "entity": len(dump.entities),
            "relation": len(dump.relations),
            "claim": len(dump.claims),
            "retraction": len(dump.retractions),
        }
    )
    counts.update(f"{m.kind.value}_mention" for m in dump.mentions)
    header = Header(
        kind="header",
        format=FORMAT,
        version=FORMAT_VERSION,
        package_version=_package_version(),
        dataset=dataset,
        counts={kind: counts[kind] for kind in COUNTED_KINDS},
        vectors=await _avector_info(runtime, dump) if include_vectors else None,
    )
    lines = dump_lines(dump, header)
    if path is None:
        await asyncio.to_thread(_write_to_file, out, lines)
    else:
        await asyncio.to_thread(_write_to_path, path, lines)
    return ExportResult(dataset, path, dict(header.counts), include_vectors)


async def _avector_info(runtime: MemoryRuntime, dump: DatasetDump) -> VectorInfo:
    """The header's ``vectors``: the stored dimension, and the memory's embeddings model when
    its vectors have that dimension (else the model that made them is unknown)."""
    stored = next(
        (v.size for v in (*(c.vector for c in dump.chunks), *(e.vector for e in dump.entities))
         if v is not None),
        None,
    )  # fmt: skip
    dimension = await _adimension(runtime)
    embeddings: str | None
    embeddings, model = _embeddings_identity(runtime.embeddings)
    if stored is not None and stored != dimension:
        embeddings, model, dimension = None, None, stored
    return VectorInfo(
        encoding=VECTOR_ENCODING, dimension=dimension, embeddings=embeddings, model=model
    )


def _is_file(value: object) -> bool:
    return callable(getattr(value, "write", None)) or callable(getattr(value, "read", None))


def _write_to_file(out: Any, lines: Sequence[bytes]) -> None:
    binary = isinstance(out, io.RawIOBase | io.BufferedIOBase) or "b" in getattr(out, "mode", "")
    try:
        for line in lines:
            out.write(line if binary else line.decode("utf-8"))
        out.flush()
    except (OSError, ValueError, TypeError) as exc:
        raise InvalidInputError(
            f"Cannot write the export to {getattr(out, 'name', type(out).__name__)!r}: {exc}. "
            "Pass a path, or a file open for writing."
        ) from None


def _write_to_path(path: Path, lines: Sequence[bytes]) -> None:
    """Write ``lines`` to a temporary file beside ``path``, then rename it: a failed export
    never leaves a partial file where a good backup may have been."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise InvalidInputError(f"Cannot write {str(path)!r}: {exc}.") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.writelines(lines)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise InvalidInputError(f"Cannot write {str(path)!r}: {exc}.") from None


# -- import ---------------------------------------------------------------------------------------
async def aimport_dataset(
    runtime: MemoryRuntime,
    source: Source,
    *,
    user: User | None = None,
    on_conflict: OnConflict = "error",
    recompute_vectors: bool = False,
) -> ImportResult:
    """Import a file written by :func:`aexport_dataset` into the dataset its header names, in
    one transaction. Needs ``write`` permission (a missing dataset is created, owned by
    ``user``). A dataset that already holds documents is refused unless ``on_conflict="merge"``
    (records stored already are kept as stored). Vectors come from the file when it has them
    (same dimension and model as the memory's embeddings, else an error) unless
    ``recompute_vectors``; otherwise the memory's embeddings compute them."""
    if on_conflict not in ("error", "merge"):
        raise InvalidInputError(f"on_conflict must be 'error' or 'merge', got {on_conflict!r}.")
    check_bool(recompute_vectors, "recompute_vectors")
    name, lines = await asyncio.to_thread(_read_lines, source)
    if not lines:
        raise bad_line(name, 1, "missing: the file is empty", "Pass a file written by export.")
    header = parse_header(lines[0], name)
    dataset = check_dataset(header.dataset, max_chars=runtime.limits.max_id_chars)
    who = runtime.user_of(user)
    store = runtime.graph_store
    await acheck(store, dataset, Permission.WRITE, who, missing_ok=True)
    dump = read_records(header, lines, name)
    vectors_from_file = header.vectors is not None and not recompute_vectors
    if header.vectors is not None and not recompute_vectors:
        await _acheck_vectors(runtime, header.vectors, name)
    else:
        dump = await _aembedded(runtime, dump)
    if on_conflict == "error":
        held = (await store.astats([dataset])).documents
        if held:
            raise InvalidInputError(
                f"Dataset {dataset!r} already holds {held} document(s): import into a store "
                "without it, forget its documents first, or pass on_conflict='merge' "
                "(--merge) to add the file's records to it."
            )
    written = await store.aapply(
        [RequirePermission(dataset, who.id, Permission.WRITE, create=True), *dump.restore_ops()]
    )
    return ImportResult(
        dataset=dataset,
        documents_added=written.documents_added,
        chunks_added=written.chunks_added,
        entities_added=written.entities_added,
        relations_added=written.relations_added,
        vectors="file" if vectors_from_file else "recomputed",
        revision=written.revision,
    )


def _read_lines(source: Any) -> tuple[str, list[str]]:
    """``(a name for messages, the lines without their ends)``; a final newline ends the last
    line, it does not start an empty one."""
    if _is_file(source):
        name = str(getattr(source, "name", "<stream>"))
        try:
            data = source.read()
        except (OSError, ValueError) as exc:
            raise InvalidInputError(f"Cannot read {name!r}: {exc}.") from None
    else:
        path = check_path(source, "source", example="backup.jsonl")
        name = repr(str(path))
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InvalidInputError(
                f"Cannot read {name}: {exc.strerror or exc}. Pass the path of an export file."
            ) from None
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise bad_line(
                name, data.count(b"\n", 0, exc.start) + 1, f"not UTF-8 (byte {exc.start})"
            ) from None
    if not isinstance(data, str):
        raise InvalidInputError(f"Reading {name} gave {type(data).__name__}, not text or bytes.")
    lines = data.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return name, lines


async def _acheck_vectors(runtime: MemoryRuntime, info: VectorInfo, source: str) -> None:
    """The file's vectors must be what the memory's embeddings would compute: the same
    dimension and, where the file names it, the same model."""
    dimension = await _adimension(runtime)
    embeddings, model = _embeddings_identity(runtime.embeddings)
    fix = (
        "Import with recompute_vectors=True (--recompute-vectors) to embed the records with "
        "this memory's model, or open the memory with the embeddings the file names."
    )
    if info.dimension != dimension:
        raise bad_line(
            source,
            1,
            f"vectors of {info.dimension} dimensions, and this memory's embeddings "
            f"({embeddings}) give {dimension}",
            fix,
        )
    if info.embeddings is not None and (info.embeddings, info.model) != (embeddings, model):
        made_by = info.embeddings + (f" ({info.model})" if info.model else "")
        raise bad_line(
            source,
            1,
            f"vectors made by {made_by}, and this memory embeds with {embeddings}"
            + (f" ({model})" if model else ""),
            fix,
        )


async def _aembedded(runtime: MemoryRuntime, dump: DatasetDump) -> DatasetDump:
    """``dump`` with every vector computed by the memory's embeddings, as ``remember`` would:
    a chunk's text, a summary of its own (not empty, not the text), an entity's name, a
    relation's fact sentence."""
    names = {e.id: e.name for e in dump.entities}
    summaries = [c for c in dump.chunks if c.summary and c.summary != c.text]
    texts = [
        *(c.text for c in dump.chunks),
        *(c.summary for c in summaries),
        *(e.name for e in dump.entities),
        *(render_fact(names[r.source_id], r.predicate, names[r.target_id]) for r in dump.relations),
    ]
    rows = iter(await runtime.aembed(texts)) if texts else iter(())
    chunk_vectors = [next(rows) for _ in dump.chunks]
    own = {c.id: next(rows) for c in summaries}
    chunks = [
        StoredChunk(c.id, c.text, c.summary, c.unit, c.created_at, v, own.get(c.id))
        for c, v in zip(dump.chunks, chunk_vectors, strict=True)
    ]
    entities = [
        StoredEntity(e.id, e.name, e.type, e.created_at, e.keys, e.tokens, next(rows))
        for e in dump.entities
    ]
    relations = [replace(r, vector=next(rows)) for r in dump.relations]
    return replace(dump, chunks=chunks, entities=entities, relations=relations)
