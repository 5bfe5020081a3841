"""Reading just enough of an MP4 in tests to check what ffmpeg's summary does not show."""

from __future__ import annotations

import struct
from pathlib import Path

CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts", b"udta"}


def boxes(data: bytes, start: int = 0, end: int | None = None) -> list[tuple[bytes, int, int]]:
    """(type, offset, size) of the boxes in data[start:end], recursing into containers."""
    out = []
    end = len(data) if end is None else end
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        header = 8
        if size == 1:
            size = struct.unpack(">Q", data[pos + 8 : pos + 16])[0]
            header = 16
        elif size == 0:
            size = end - pos
        out.append((kind, pos, size))
        if kind in CONTAINERS:
            out.extend(boxes(data, pos + header, pos + size))
        pos += size
    return out


def top_level_order(path: Path) -> list[bytes]:
    data = path.read_bytes()
    return [k for k, _, _ in boxes(data) if k in (b"ftyp", b"moov", b"mdat", b"free")][:4]


def moov_before_mdat(path: Path) -> bool:
    data = path.read_bytes()
    offsets = {k: off for k, off, _ in reversed(boxes(data))}
    return offsets[b"moov"] < offsets[b"mdat"]


def video_frame_deltas(path: Path) -> list[int]:
    """Per-sample durations of the first track whose handler is 'vide', from its stts box."""
    data = path.read_bytes()
    found = boxes(data)
    trak_bounds = [(off, off + size) for k, off, size in found if k == b"trak"]
    for lo, hi in trak_bounds:
        inner = [(k, off, size) for k, off, size in found if lo < off < hi]
        hdlr = data.find(b"hdlr", lo, hi)
        if hdlr < 0 or data[hdlr + 12 : hdlr + 16] != b"vide":
            continue
        for k, off, _ in inner:
            if k == b"stts":
                (count,) = struct.unpack(">I", data[off + 12 : off + 16])
                deltas: list[int] = []
                for i in range(count):
                    n, d = struct.unpack(">II", data[off + 16 + 8 * i : off + 24 + 8 * i])
                    deltas.extend([d] * n)
                return deltas
    raise AssertionError("no video track")


def has_text(path: Path, needle: bytes) -> bool:
    return needle in path.read_bytes()
