from __future__ import annotations

from pathlib import Path

import pytest

from media import ffmpeg
from media.samples import make_sample_image, make_sample_video


def run_ffmpeg(*args: str, timeout: float = 120) -> None:
    done = ffmpeg.run(["-v", "error", *args], timeout=timeout)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="session")
def clips(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("clips")


@pytest.fixture(scope="session")
def landscape_clip(clips: Path) -> Path:
    """1280×720, 3.5 s, with audio and a GPS location tag."""
    plain = make_sample_video(clips / "plain.mp4", 3.5, 1280, 720, seed=1)
    tagged = clips / "landscape.mp4"
    run_ffmpeg(
        "-i", str(plain), "-c", "copy", "-metadata", "location=+48.8584+002.2945/",
        "-metadata", "title=secret", "-y", str(tagged),
    )  # fmt: skip
    return tagged


@pytest.fixture(scope="session")
def photo(clips: Path) -> Path:
    """A 12 MP camera-sized JPEG."""
    return make_sample_image(clips / "photo.jpg", 4000, 3000, seed=7)
