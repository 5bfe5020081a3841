"""Sample media made on the fly (no downloads) for demos and tests.

Images are drawn with Pillow: a gradient and shapes chosen by `seed`, plus a label, so two seeds
never give the same picture (or fingerprint). Videos come from ffmpeg's lavfi sources: the
`testsrc2` pattern, hue-shifted by seed, and a `sine` tone whose pitch follows the seed.
"""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from media import ffmpeg
from media.errors import MediaError


def make_sample_image(
    path: Path | str,
    width: int = 1080,
    height: int = 1350,
    seed: int = 0,
    label: str | None = None,
    *,
    quality: int = 90,
) -> Path:
    """A colourful JPEG (or PNG, by suffix) with `label` (default: the seed) drawn on it."""
    path = Path(path)
    rng = random.Random(seed)
    c1 = tuple(rng.randrange(256) for _ in range(3))
    c2 = tuple(rng.randrange(256) for _ in range(3))
    gradient = Image.linear_gradient("L").resize((width, height))
    im = Image.composite(
        Image.new("RGB", (width, height), c1), Image.new("RGB", (width, height), c2), gradient
    )
    draw = ImageDraw.Draw(im)
    unit = max(8, min(width, height) // 10)
    for _ in range(12):
        x, y = rng.randrange(width), rng.randrange(height)
        r = rng.randrange(unit // 2, unit * 2)
        fill = tuple(rng.randrange(256) for _ in range(3))
        if rng.random() < 0.5:
            draw.ellipse((x - r, y - r, x + r, y + r), fill=fill)
        else:
            draw.rectangle((x - r, y - r // 2, x + r, y + r // 2), fill=fill)
    font = ImageFont.load_default(size=max(12, unit))
    text = label if label is not None else f"igfarm #{seed}"
    draw.text(
        (width / 2, height / 2),
        text,
        fill="white",
        font=font,
        anchor="mm",
        stroke_width=max(1, unit // 12),
        stroke_fill="black",
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".png":
        im.save(path, "PNG")
    else:
        im.save(path, "JPEG", quality=quality)
    return path


def make_sample_video(
    path: Path | str,
    seconds: float = 3.0,
    width: int = 640,
    height: int = 640,
    fps: float = 30,
    audio: bool = True,
    seed: int = 0,
    *,
    preset: str = "ultrafast",
) -> Path:
    """An H.264/AAC MP4 test clip (without audio when `audio` is False)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    args = ["-v", "error", "-f", "lavfi", "-i", f"testsrc2=size={width}x{height}:rate={fps}"]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency={220 + 40 * (seed % 20)}:sample_rate=44100"]
    args += ["-t", f"{seconds}", "-vf", f"hue=h={(seed * 47) % 360}", "-c:v", "libx264"]
    args += ["-preset", preset, "-pix_fmt", "yuv420p"]
    if audio:
        args += ["-c:a", "aac", "-b:a", "96k"]
    args += ["-movflags", "+faststart", "-f", "mp4", "-y", f"file:{path.resolve()}"]
    run = ffmpeg.run(args, timeout=120 + 10 * seconds)
    if run.returncode != 0:
        raise MediaError("ffmpeg_failed", ffmpeg.last_error_line(run.stderr))
    return path
