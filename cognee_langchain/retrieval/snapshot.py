"""A search index saved to disk, so that opening a big memory does not rebuild it from the store.

One file per store (its name derives from :meth:`GraphStore.aidentity`), in this layout::

    16 bytes   magic  b"cognee-lc-index\\n"
    4 bytes    format version (little-endian uint32; FORMAT_VERSION)
    4 bytes    header length H (little-endian uint32)
    H bytes    header: JSON (orjson) {"identity", "revision", "arrays": [[name, dtype, shape,
               offset, nbytes], ...], "data_start", "data_length", "crc32"}
    padding    to a multiple of 64
    data       the arrays, each at a 64-byte aligned ``offset`` from the file start; one of them,
               ``"$json"``, is the UTF-8 JSON of everything that is not an array, in which each
               array appears as ``{"$array": name}``

The CRC-32 covers the whole data region, so a truncated or damaged file is detected and ignored
(the caller rebuilds the index: never wrong results). Arrays are read through a private
copy-on-write memory map: opening costs no copy, untouched pages are never read twice, and a
later in-place write (an entity's vector replaced) changes only this process's page. Files are
written to a temporary name and moved into place with :func:`os.replace`, so several processes
sharing a data directory never see a half-written snapshot and never corrupt each other's.
No pickle: a snapshot holds only numbers and JSON, so loading one runs no code.
"""

from __future__ import annotations

import hashlib
import logging
import mmap
import os
import struct
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import orjson

from cognee_langchain.retrieval.types import State

__all__ = ["FORMAT_VERSION", "Snapshot", "read_snapshot", "snapshot_path", "write_snapshot"]

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
"""Raised whenever the layout or the meaning of a saved field changes: older and newer files
are ignored (and rebuilt), never misread."""

_MAGIC = b"cognee-lc-index\n"
_PREFIX = struct.Struct("<16sII")
_ALIGN = 64
_JSON = "$json"
_ARRAY = "$array"


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A saved index: the store it was built from, the revision it reflects, its state."""

    identity: str
    revision: int
    state: State


def snapshot_path(directory: str | os.PathLike[str], identity: str) -> Path:
    """Where the snapshot of the store ``identity`` lives in ``directory`` (one file per store,
    so stores sharing a data directory keep theirs apart)."""
    digest = hashlib.sha256(identity.encode()).hexdigest()[:24]
    return Path(directory) / f"search-index-{digest}.snapshot"


def _flatten(value: Any, arrays: dict[str, np.ndarray[Any, Any]], path: str) -> Any:
    """``value`` with every array moved into ``arrays`` (by its path) and replaced by a
    reference to it."""
    if isinstance(value, np.ndarray):
        arrays[path] = np.ascontiguousarray(value)
        return {_ARRAY: path}
    if isinstance(value, dict):
        return {key: _flatten(item, arrays, f"{path}/{key}") for key, item in value.items()}
    return value


def _unflatten(value: Any, arrays: dict[str, np.ndarray[Any, Any]]) -> Any:
    if isinstance(value, dict):
        if len(value) == 1 and _ARRAY in value:
            return arrays[value[_ARRAY]]
        return {key: _unflatten(item, arrays) for key, item in value.items()}
    return value


def _aligned(offset: int) -> int:
    return -(-offset // _ALIGN) * _ALIGN


def write_snapshot(path: Path, identity: str, revision: int, state: State) -> None:
    """Save ``state`` (the index of store ``identity`` at ``revision``) to ``path`` atomically.
    Raises :class:`OSError` when the directory cannot be written."""
    arrays: dict[str, np.ndarray[Any, Any]] = {}
    tree = _flatten(state, arrays, "")
    arrays[_JSON] = np.frombuffer(orjson.dumps(tree), dtype=np.uint8)
    table, offset = [], 0
    for name, array in arrays.items():
        table.append([name, array.dtype.str, list(array.shape), offset, array.nbytes])
        offset = _aligned(offset + array.nbytes)
    crc = 0
    for chunk in _data(arrays, table):
        crc = zlib.crc32(chunk, crc)
    header: dict[str, Any] = {
        "identity": identity,
        "revision": revision,
        "arrays": table,
        "data_length": offset,
        "crc32": crc,
    }
    # The header's own length moves where the data starts: pad it to a fixed boundary.
    encoded = orjson.dumps(header)
    data_start = _aligned(_PREFIX.size + len(encoded) + 64)
    header["data_start"] = data_start
    encoded = orjson.dumps(header)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide it from other users' workers
        with os.fdopen(descriptor, "wb") as file:
            file.write(_PREFIX.pack(_MAGIC, FORMAT_VERSION, len(encoded)) + encoded)
            file.write(b"\0" * (data_start - _PREFIX.size - len(encoded)))
            _write_data(file, arrays, table)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _data(
    arrays: dict[str, np.ndarray[Any, Any]], table: list[list[Any]]
) -> Iterator[memoryview | bytes]:
    """The data region, piece by piece: each array's bytes, then the padding to the next."""
    end = 0
    for name, _, _, offset, nbytes in table:
        if offset > end:
            yield b"\0" * (offset - end)
        yield arrays[name].data.cast("B") if nbytes else b""
        end = offset + nbytes
    total = _aligned(end)
    if total > end:
        yield b"\0" * (total - end)


def _write_data(file: BinaryIO, arrays: dict[str, np.ndarray[Any, Any]], table: list[Any]) -> None:
    for chunk in _data(arrays, table):
        file.write(chunk)


def read_snapshot(path: Path, identity: str, current_revision: int) -> Snapshot | None:
    """The snapshot at ``path`` if it is usable for store ``identity`` at ``current_revision``:
    ``None`` (logged) when it is missing, of another store or format version, truncated or
    damaged, or ahead of the store (a store restored from an older backup)."""
    try:
        with path.open("rb") as file:
            mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_COPY)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except (OSError, ValueError) as exc:  # ValueError: an empty file cannot be mapped
        logger.warning("Ignoring the search-index snapshot %s (%s); rebuilding it.", path, exc)
        return None
    try:
        return _parse(mapped, path, identity, current_revision)
    except (
        ValueError,
        KeyError,
        TypeError,
        IndexError,
        struct.error,
        orjson.JSONDecodeError,
    ) as exc:
        logger.warning(
            "Ignoring the damaged search-index snapshot %s (%s); rebuilding it.", path, exc
        )
        return None


def _parse(mapped: mmap.mmap, path: Path, identity: str, current_revision: int) -> Snapshot | None:
    magic, version, header_length = _PREFIX.unpack_from(mapped, 0)
    if magic != _MAGIC:
        raise ValueError("not a search-index snapshot")
    if version != FORMAT_VERSION:
        logger.warning(
            "Ignoring the search-index snapshot %s: format %d, this version reads %d; rebuilding.",
            *(path, version, FORMAT_VERSION),
        )
        return None
    header = orjson.loads(mapped[_PREFIX.size : _PREFIX.size + header_length])
    if header["identity"] != identity:
        logger.info("Ignoring the search-index snapshot %s: written for another store.", path)
        return None
    revision = int(header["revision"])
    if revision > current_revision:
        logger.warning(
            "Ignoring the search-index snapshot %s: it reflects revision %d, the store is at %d "
            "(restored from an older copy?); rebuilding.",
            *(path, revision, current_revision),
        )
        return None
    start, length = int(header["data_start"]), int(header["data_length"])
    if len(mapped) != start + length:
        raise ValueError(f"{len(mapped)} bytes where {start + length} were written (truncated)")
    data = memoryview(mapped)[start:]
    if zlib.crc32(data) != header["crc32"]:
        raise ValueError("checksum mismatch")
    if hasattr(mapped, "madvise") and hasattr(mmap, "MADV_DONTNEED"):
        # The check read every page: let them go (none was written yet), so the resident set
        # holds what searches touch (vectors, postings), not payloads no hit has asked for.
        mapped.madvise(mmap.MADV_DONTNEED)
    arrays = {
        name: np.frombuffer(
            data, np.dtype(dtype), nbytes // np.dtype(dtype).itemsize, offset
        ).reshape(shape)
        for name, dtype, shape, offset, nbytes in header["arrays"]
    }
    tree = orjson.loads(arrays.pop(_JSON).tobytes())
    return Snapshot(identity, revision, _unflatten(tree, arrays))
