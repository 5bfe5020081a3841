from __future__ import annotations

from pathlib import Path

from media import probe
from media.samples import make_sample_image, make_sample_video


def test_sample_images_differ_by_seed(tmp_path: Path) -> None:
    a = probe(make_sample_image(tmp_path / "a.jpg", 800, 1000, seed=1), with_sha256=True)
    b = probe(make_sample_image(tmp_path / "b.jpg", 800, 1000, seed=2), with_sha256=True)
    png = probe(make_sample_image(tmp_path / "c.png", 700, 700, label="hello"))
    assert (a.width, a.height, a.format, png.format) == (800, 1000, "jpeg", "png")
    assert a.sha256 != b.sha256


def test_sample_videos_with_and_without_audio(tmp_path: Path) -> None:
    v = probe(make_sample_video(tmp_path / "v.mp4", 1.0, 320, 240, fps=25))
    assert (v.width, v.height, v.fps, v.video_codec, v.audio_codec) == (320, 240, 25, "h264", "aac")
    assert v.duration is not None and abs(v.duration - 1.0) < 0.1
    silent = probe(make_sample_video(tmp_path / "s.mp4", 1.0, 320, 240, audio=False))
    assert silent.audio_codec is None
