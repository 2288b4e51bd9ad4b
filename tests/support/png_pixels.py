"""A tiny PNG reader (zlib and numpy only) for the screenshots headless Chromium takes: 8-bit
RGB or RGBA, not interlaced, which is what it writes."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

__all__ = ["read_png"]


def read_png(path: Path) -> NDArray[np.uint8]:
    """The image's pixels as an array of shape (height, width, channels)."""
    raw = path.read_bytes()
    assert raw[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    pos, idat, header = 8, b"", b""
    while pos < len(raw):
        (length,) = struct.unpack(">I", raw[pos : pos + 4])
        kind, body = raw[pos + 4 : pos + 8], raw[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in (2, 6) and interlace == 0, "only 8-bit RGB(A), not interlaced"
    channels = 3 if colour == 2 else 4
    stride = width * channels
    data = np.frombuffer(zlib.decompress(idat), dtype=np.uint8).reshape(height, stride + 1)
    out = np.zeros((height, stride), dtype=np.uint8)
    previous = np.zeros(stride, dtype=np.int64)
    for y in range(height):
        kind, line = data[y, 0], data[y, 1:].astype(np.int64)
        if kind == 0:
            row = line
        elif kind == 1:  # Sub: running sum per channel
            row = np.cumsum(line.reshape(width, channels), axis=0).ravel()
        elif kind == 2:  # Up
            row = line + previous
        else:  # Average (3) or Paeth (4): each byte depends on the one decoded before it
            row = _sequential(line, previous, channels, int(kind))
        previous = row % 256
        out[y] = previous
    return out.reshape(height, width, channels)


def _sequential(
    line: NDArray[np.int64], above: NDArray[np.int64], channels: int, kind: int
) -> NDArray[np.int64]:
    row = [0] * len(line)
    up = above.tolist()
    values = line.tolist()
    for i, value in enumerate(values):
        left = row[i - channels] if i >= channels else 0
        if kind == 3:
            row[i] = (value + (left + up[i]) // 2) % 256
            continue
        corner = up[i - channels] if i >= channels else 0
        estimate = left + up[i] - corner
        pa, pb, pc = abs(estimate - left), abs(estimate - up[i]), abs(estimate - corner)
        predictor = left if pa <= pb and pa <= pc else up[i] if pb <= pc else corner
        row[i] = (value + predictor) % 256
    return np.asarray(row, dtype=np.int64)
