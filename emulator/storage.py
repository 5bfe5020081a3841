"""The phone's shared storage and its media store (what the gallery shows).

Files pushed with `adb push` land in `Storage`. The gallery only lists a file once the media
store has indexed it, which on a real phone needs a media-scan broadcast; `MediaStore.scan`
is that step. Image or video is told by the file's content (JPEG/PNG magic, MP4 `ftyp`), never
by its name.
"""

from __future__ import annotations

import hashlib
import posixpath
import struct
from dataclasses import dataclass
from datetime import datetime

MediaKind = str  # "image" | "video"

# Bytes of files larger than this are not kept, only their fingerprint (load tests push many
# large videos); `cat` of such a file prints nothing.
KEEP_BYTES_LIMIT = 1024 * 1024

_SDCARD_ALIASES = ("/storage/emulated/0/", "/storage/self/primary/", "/mnt/sdcard/")


def normalize(path: str) -> str:
    """Canonical form of a path on the phone: /sdcard/… for shared storage."""
    path = path.strip()
    if path.startswith("file://"):
        path = path[len("file://") :]
    for alias in _SDCARD_ALIASES:
        if path.startswith(alias) or path + "/" == alias:
            path = "/sdcard/" + path[len(alias) :]
    path = posixpath.normpath(path) if path else path
    return path


def sniff(data: bytes) -> MediaKind | None:
    """Media kind from the first bytes: "image" (JPEG, PNG, WebP), "video" (MP4/MOV) or None."""
    if data[:3] == b"\xff\xd8\xff" or data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image"
    if data[4:8] == b"ftyp":
        return "video"
    return None


def mp4_duration(data: bytes) -> float | None:
    """Duration in seconds read from the `mvhd` box of an MP4, None if not found."""
    pos = data.find(b"mvhd")
    if pos < 4:
        return None
    try:
        version = data[pos + 4]
        if version == 1:
            timescale, duration = struct.unpack(">IQ", data[pos + 24 : pos + 36])
        else:
            timescale, duration = struct.unpack(">II", data[pos + 16 : pos + 24])
    except (struct.error, IndexError):
        return None
    if timescale == 0:
        return None
    return duration / timescale


def fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class StoredFile:
    path: str
    sha256: str
    size: int
    kind: MediaKind | None
    modified_at: datetime
    duration: float | None
    data: bytes


@dataclass
class MediaItem:
    """A gallery entry: an indexed file (or a photo the phone already had)."""

    path: str
    sha256: str
    kind: MediaKind
    taken_at: datetime
    duration: float | None = None
    order: int = 0  # tie-breaker: later index wins among equal times


class Storage:
    """Files on the phone, by canonical path."""

    def __init__(self, capacity_kb: int = 57_225_556, used_kb: int = 21_337_088) -> None:
        self.files: dict[str, StoredFile] = {}
        self.capacity_kb = capacity_kb
        self.base_used_kb = used_kb

    def write(self, path: str, data: bytes, when: datetime) -> StoredFile:
        path = normalize(path)
        kind = sniff(data)
        stored = StoredFile(
            path=path,
            sha256=fingerprint(data),
            size=len(data),
            kind=kind,
            modified_at=when,
            duration=mp4_duration(data) if kind == "video" else None,
            data=data if len(data) <= KEEP_BYTES_LIMIT else b"",
        )
        self.files[path] = stored
        return stored

    def remove(self, path: str) -> bool:
        return self.files.pop(normalize(path), None) is not None

    def get(self, path: str) -> StoredFile | None:
        return self.files.get(normalize(path))

    def listdir(self, path: str) -> list[str] | None:
        """Names directly under a directory, None when nothing lives there."""
        prefix = normalize(path).rstrip("/") + "/"
        names: set[str] = set()
        for file_path in self.files:
            if file_path.startswith(prefix):
                names.add(file_path[len(prefix) :].split("/")[0])
        if not names:
            return None
        return sorted(names)

    def used_kb(self) -> int:
        return self.base_used_kb + sum(f.size for f in self.files.values()) // 1024


class MediaStore:
    """The media index the gallery reads: newest first."""

    def __init__(self) -> None:
        self.items: dict[str, MediaItem] = {}
        self._counter = 0

    def scan(self, stored: StoredFile) -> bool:
        """Index a stored file; False when it is not an image or video."""
        if stored.kind is None:
            return False
        self._counter += 1
        self.items[stored.path] = MediaItem(
            path=stored.path,
            sha256=stored.sha256,
            kind=stored.kind,
            taken_at=stored.modified_at,
            duration=stored.duration,
            order=self._counter,
        )
        return True

    def add(self, item: MediaItem) -> None:
        self._counter += 1
        item.order = self._counter
        self.items[item.path] = item

    def forget(self, path: str) -> None:
        self.items.pop(normalize(path), None)

    def newest_first(self) -> list[MediaItem]:
        return sorted(self.items.values(), key=lambda i: (i.taken_at, i.order), reverse=True)
