"""Prepared outputs kept by (source sha256, profile key), so a retry never encodes twice.

Layout: `<root>/<sha[:2]>/<sha>-<profile key>.<ext>` with a `.json` beside it holding the
output's MediaInfo. The media file is renamed into place first and the JSON last, so an entry
without its JSON, or whose size disagrees with it, is treated as absent and rebuilt. Two
workers preparing the same entry at once both encode and the last rename wins: same bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from media import profiles
from media.probe import MediaInfo


def profile_key(kind: str, fit: str, aspect: float | None) -> str:
    """A short digest of everything besides the source that decides the output's bytes."""
    settings: dict[str, Any] = {
        "pipeline": profiles.PIPELINE_VERSION,
        "profile": asdict(profiles.PROFILES[kind]),
        "fit": fit,
        "aspect": None if aspect is None else round(aspect, 4),
        "limits": {
            name: getattr(profiles, name)
            for name in dir(profiles)
            if name.isupper() and isinstance(getattr(profiles, name), int | float | str | tuple)
        },
    }
    blob = json.dumps(settings, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def atomic_copy(src: Path, dest: Path) -> None:
    """Copy `src` to `dest` through a temporary file in dest's folder and a rename."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    try:
        with os.fdopen(fd, "wb") as out, src.open("rb") as inp:
            while chunk := inp.read(1 << 20):
                out.write(chunk)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Cache:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _base(self, sha256: str, pkey: str) -> Path:
        return self.root / sha256[:2] / f"{sha256}-{pkey}"

    def media_path(self, sha256: str, pkey: str, ext: str) -> Path:
        return self._base(sha256, pkey).with_suffix(f".{ext}")

    def get(self, sha256: str, pkey: str, ext: str) -> tuple[Path, MediaInfo] | None:
        media = self.media_path(sha256, pkey, ext)
        meta = self._base(sha256, pkey).with_suffix(".json")
        try:
            info = MediaInfo(**json.loads(meta.read_text()))
            if media.stat().st_size != info.bytes:
                return None
        except (OSError, ValueError, TypeError):
            return None
        return media, info

    def put(self, sha256: str, pkey: str, ext: str, produced: Path, info: MediaInfo) -> Path:
        """Move `produced` into the cache (same filesystem) or copy it; then write the JSON."""
        media = self.media_path(sha256, pkey, ext)
        media.parent.mkdir(parents=True, exist_ok=True)
        if produced != media:
            try:
                os.replace(produced, media)
            except OSError:  # another filesystem
                atomic_copy(produced, media)
        meta = self._base(sha256, pkey).with_suffix(".json")
        fd, tmp = tempfile.mkstemp(prefix=f".{meta.name}.", suffix=".part", dir=meta.parent)
        with os.fdopen(fd, "w") as f:
            json.dump(asdict(info), f)
        os.replace(tmp, meta)
        return media
