from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from media import prepare, probe, profiles
from media.probe import MediaInfo
from tests.media.conftest import run_ffmpeg
from tests.media.mp4util import moov_before_mdat, video_frame_deltas


def check_target(info: MediaInfo, path: Path, size: tuple[int, int], audio: bool) -> None:
    assert (info.width, info.height) == size
    again = probe(path)
    assert again.video_codec == "h264"
    assert again.pix_fmt == "yuv420p"
    assert again.fps == 30
    assert (again.audio_codec == "aac") is audio
    assert again.faststart is True
    assert moov_before_mdat(path)
    assert again.bytes <= profiles.VIDEO_MAX_BYTES
    assert min(again.width, again.height) >= 640
    deltas = video_frame_deltas(path)
    assert len(set(deltas[:-1])) == 1, "frame durations vary: not constant frame rate"


def frame_png(video: Path, dest: Path, at: float = 1.0) -> Image.Image:
    run_ffmpeg("-ss", str(at), "-i", str(video), "-frames:v", "1", "-y", str(dest))
    return Image.open(dest).convert("RGB")


def test_feed_video_from_landscape_clip(landscape_clip: Path, tmp_path: Path) -> None:
    done = prepare(landscape_clip, "feed", out=tmp_path / "feed.mp4")
    check_target(done.info, done.path, (1138, 640), audio=True)
    assert done.info.duration == pytest.approx(3.5, abs=0.15)
    data = done.path.read_bytes()
    assert b"+48.8584" not in data and b"secret" not in data  # location and tags stripped


def test_rotated_phone_video_becomes_an_upright_reel(clips: Path, tmp_path: Path) -> None:
    stored = clips / "stored.mp4"
    run_ffmpeg(
        "-f", "lavfi", "-i", "color=c=blue:s=1280x720:r=30:d=3.2",
        "-vf", "drawbox=x=0:y=0:w=640:h=720:color=red:t=fill",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-y", str(stored),
    )  # fmt: skip
    rotated = clips / "rotated.mp4"
    run_ffmpeg("-display_rotation", "90", "-i", str(stored), "-c", "copy", "-y", str(rotated))
    info = probe(rotated)
    assert (info.width, info.height, info.rotation) == (720, 1280, 270)  # 90° counter-clockwise

    done = prepare(rotated, "reel", out=tmp_path / "reel.mp4")
    check_target(done.info, done.path, (1080, 1920), audio=False)
    assert probe(done.path).rotation == 0
    frame = frame_png(done.path, tmp_path / "f.png")
    top, bottom = frame.getpixel((540, 400)), frame.getpixel((540, 1500))
    left, right = frame.getpixel((200, 960 - 300)), frame.getpixel((880, 960 - 300))
    assert {top.index(max(top)), bottom.index(max(bottom))} == {0, 2}  # red and blue stacked
    assert left == pytest.approx(right, abs=12)  # not side by side as stored


def test_variable_frame_rate_without_audio_becomes_cfr_story(clips: Path, tmp_path: Path) -> None:
    vfr = clips / "vfr.mp4"
    run_ffmpeg(
        "-f", "lavfi", "-i", "testsrc2=size=640x800:rate=60:duration=3.2",
        "-vf", "select='lt(mod(n,10),3)+eq(mod(n,7),0)'", "-fps_mode", "vfr",
        "-c:v", "libx264", "-preset", "ultrafast",
        "-pix_fmt", "yuv420p", "-y", str(vfr),
    )  # fmt: skip
    assert len(set(video_frame_deltas(vfr))) > 3, "the source should have uneven frame times"
    done = prepare(vfr, "story", out=tmp_path / "story.mp4")
    check_target(done.info, done.path, (1080, 1920), audio=False)


def test_high_frame_rate_source_is_brought_to_30(clips: Path, tmp_path: Path) -> None:
    src = clips / "sixty.mp4"
    run_ffmpeg(
        "-f", "lavfi", "-i", "testsrc2=size=640x640:rate=60:duration=3.1",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-y", str(src),
    )  # fmt: skip
    assert probe(src).fps == 60
    done = prepare(src, "feed", fit="crop", out=tmp_path / "o.mp4")
    check_target(done.info, done.path, (1080, 1080), audio=False)
    assert len(video_frame_deltas(done.path)) == pytest.approx(93, abs=2)


def test_bitrate_plan_keeps_a_hard_clip_under_the_byte_limit(
    clips: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    noisy = clips / "noisy.mp4"
    run_ffmpeg(
        "-f", "lavfi", "-i", "nullsrc=s=640x640:r=30:d=3.2,geq=random(1)*255:128:128",
        "-f", "lavfi", "-i", "anoisesrc=d=3.2", "-c:v", "libx264", "-preset", "ultrafast",
        "-qp", "10", "-pix_fmt", "yuv420p", "-c:a", "aac", "-y", str(noisy),
    )  # fmt: skip
    limit = 1_500_000
    monkeypatch.setattr(profiles, "VIDEO_MAX_BYTES", limit)
    done = prepare(noisy, "feed", out=tmp_path / "o.mp4")
    assert done.info.bytes <= limit
    assert done.info.bytes > 0.6 * limit  # the budget was used, not thrown away
