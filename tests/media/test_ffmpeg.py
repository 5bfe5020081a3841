from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from media import ffmpeg
from media.probe import parse_ffmpeg_info

# `ffmpeg -i` of a rotated phone clip as ffmpeg 5.1 (Debian 12) prints it.
OLD_STYLE = """\
Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'phone.mp4':
  Metadata:
    major_brand     : mp42
  Duration: 00:00:12.47, start: 0.000000, bitrate: 17095 kb/s
  Stream #0:0[0x1](eng): Video: hevc (Main) (hvc1 / 0x31637668), yuv420p(tv, bt709), \
1920x1080, 16908 kb/s, 29.97 fps, 29.97 tbr, 90k tbn (default)
    Metadata:
      rotate          : 90
      handler_name    : VideoHandle
    Side data:
      displaymatrix: rotation of -90.00 degrees
  Stream #0:1[0x2](eng): Audio: aac (LC) (mp4a / 0x6134706D), 48000 Hz, stereo, fltp, 96 kb/s
At least one output file must be specified
"""


def test_parses_the_older_ffmpeg_spelling() -> None:
    facts = parse_ffmpeg_info(OLD_STYLE)
    assert facts["duration"] == pytest.approx(12.47)
    v = facts["video"]
    assert (v["codec"], v["pix_fmt"], v["size"], v["fps"]) == (
        "hevc",
        "yuv420p",
        (1920, 1080),
        29.97,
    )
    assert v["rotation"] == 90  # clockwise, as the tag says
    assert facts["audio"] == {"codec": "aac"}


def test_cover_art_is_not_the_video_stream() -> None:
    text = (
        "  Duration: 00:03:00.00, start: 0.0, bitrate: 320 kb/s\n"
        "  Stream #0:0: Audio: mp3, 44100 Hz, stereo, fltp, 320 kb/s\n"
        "  Stream #0:1: Video: mjpeg (Baseline), yuvj420p(pc), 600x600, 90k tbn (attached pic)\n"
    )
    facts = parse_ffmpeg_info(text)
    assert facts["video"] is None and facts["audio"] == {"codec": "mp3"}


@pytest.fixture
def fresh_find() -> Iterator[None]:
    ffmpeg.find.cache_clear()
    yield
    ffmpeg.find.cache_clear()


def fake_ffmpeg(folder: Path, with_x264: bool) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "ffmpeg"
    encoders = " V..... libx264              H.264" if with_x264 else " V..... mpeg4   MPEG-4"
    path.write_text(
        "#!/bin/sh\n"
        'if [ "$2" = "-version" ]; then echo "ffmpeg version 5.1.6-0+deb12u1 Copyright"; '
        f'else echo "{encoders} "; fi\n'
    )
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


@pytest.mark.usefixtures("fresh_find")
def test_system_ffmpeg_with_x264_is_preferred(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = fake_ffmpeg(tmp_path / "bin", with_x264=True)
    monkeypatch.delenv(ffmpeg.ENV_OVERRIDE, raising=False)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    found = ffmpeg.find()
    assert (found.path, found.origin, found.version) == (str(fake), "system", "5.1.6-0+deb12u1")


@pytest.mark.usefixtures("fresh_find")
def test_the_wheel_is_used_when_the_system_one_lacks_x264(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = fake_ffmpeg(tmp_path / "bin", with_x264=False)
    monkeypatch.delenv(ffmpeg.ENV_OVERRIDE, raising=False)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    assert ffmpeg.find().origin == "wheel"


@pytest.mark.usefixtures("fresh_find")
def test_an_override_that_does_not_run_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ffmpeg.ENV_OVERRIDE, "/nonexistent/ffmpeg")
    with pytest.raises(ffmpeg.MediaError) as err:
        ffmpeg.find()
    assert err.value.code == "ffmpeg_missing"
