from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import media.pipeline
from media import prepare
from media.samples import make_sample_image


def count_calls(monkeypatch: pytest.MonkeyPatch, name: str) -> list[int]:
    calls: list[int] = []
    real = getattr(media.pipeline, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(media.pipeline, name, counted)
    return calls


def test_a_repeat_image_prepare_does_not_encode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    encodes = count_calls(monkeypatch, "prepare_image")
    src = make_sample_image(tmp_path / "a.jpg", 1200, 900)
    cache = tmp_path / "cache"
    first = prepare(src, "feed", out=tmp_path / "one.jpg", cache_dir=cache)
    second = prepare(src, "feed", out=tmp_path / "two.jpg", cache_dir=cache)
    assert (first.cached, second.cached) == (False, True)
    assert len(encodes) == 1
    assert (tmp_path / "one.jpg").read_bytes() == (tmp_path / "two.jpg").read_bytes()
    assert second.info == first.info
    # same bytes under another name hit too: the key is the content, not the path
    (tmp_path / "copy.jpg").write_bytes(src.read_bytes())
    assert prepare(tmp_path / "copy.jpg", "feed", cache_dir=cache).cached
    # another profile is another entry
    assert not prepare(src, "feed", fit="crop", cache_dir=cache).cached
    assert not prepare(src, "story", cache_dir=cache).cached
    assert len(encodes) == 3


def test_a_repeat_video_prepare_does_not_encode(
    landscape_clip: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    encodes = count_calls(monkeypatch, "prepare_video")
    cache = tmp_path / "cache"
    first = prepare(landscape_clip, "feed", cache_dir=cache)
    assert first.path.is_relative_to(cache) and not first.cached
    mtime = first.path.stat().st_mtime_ns
    again = prepare(landscape_clip, "feed", out=tmp_path / "again.mp4", cache_dir=cache)
    assert again.cached and len(encodes) == 1
    assert first.path.stat().st_mtime_ns == mtime
    assert again.path.read_bytes() == first.path.read_bytes()


def test_a_damaged_cache_entry_is_rebuilt(tmp_path: Path) -> None:
    src = make_sample_image(tmp_path / "a.jpg", 1000, 1000)
    cache = tmp_path / "cache"
    first = prepare(src, "feed", cache_dir=cache)
    first.path.write_bytes(first.path.read_bytes()[:100])  # size no longer matches the JSON
    rebuilt = prepare(src, "feed", cache_dir=cache)
    assert not rebuilt.cached
    assert rebuilt.path.stat().st_size == rebuilt.info.bytes
    meta = json.loads(first.path.with_suffix(".json").read_text())
    assert meta["bytes"] == rebuilt.info.bytes
