"""Every kind of bad input gets its precise code, quickly, and leaves no output behind."""

from __future__ import annotations

import struct
import time
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from media import MediaError, ffmpeg, prepare, probe, profiles
from media.samples import make_sample_image, make_sample_video
from tests.media.conftest import run_ffmpeg

BOUND = 20.0  # seconds any refusal may take


def png_declaring(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def faststart_clip(dir: Path) -> Path:
    path = dir / "fs.mp4"
    if not path.exists():
        make_sample_video(path, 3.2, 640, 640, seed=3)
    return path


def truncated_jpeg(d: Path) -> Path:
    src = make_sample_image(d / "whole.jpg", 1200, 1200)
    data = src.read_bytes()
    (d / "cut.jpg").write_bytes(data[: len(data) // 2])
    return d / "cut.jpg"


def truncated_png(d: Path) -> Path:
    src = make_sample_image(d / "whole.png", 800, 800)
    data = src.read_bytes()
    (d / "cut.png").write_bytes(data[: len(data) // 2])
    return d / "cut.png"


def zero_bytes(d: Path) -> Path:
    (d / "empty.mp4").write_bytes(b"")
    return d / "empty.mp4"


def text_named_jpg(d: Path) -> Path:
    (d / "notes.jpg").write_text("this is not a picture\n" * 20)
    return d / "notes.jpg"


def bomb_png(d: Path) -> Path:
    (d / "bomb.png").write_bytes(png_declaring(50_000, 50_000))
    return d / "bomb.png"


def audio_only(d: Path) -> Path:
    run_ffmpeg("-f", "lavfi", "-i", "sine=d=4", "-c:a", "aac", "-y", str(d / "song.mp4"))
    return d / "song.mp4"


def ten_hours(d: Path) -> Path:
    """A real file whose index says 10 hours: ten 640×640 frames, one per hour."""
    path = d / "long.mp4"
    run_ffmpeg(
        "-f", "lavfi", "-i", "color=c=red:s=640x640:r=1/3600:d=36000",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-y", str(path),
    )  # fmt: skip
    return path


def broken_index(d: Path) -> Path:
    """Chunk offsets (stco) pointing far outside the file."""
    data = bytearray(faststart_clip(d).read_bytes())
    at = data.find(b"stco")
    (count,) = struct.unpack(">I", data[at + 8 : at + 12])
    for i in range(count):
        data[at + 12 + 4 * i : at + 16 + 4 * i] = struct.pack(">I", 0x7FFF0000 + 977 * i)
    (d / "badindex.mp4").write_bytes(data)
    return d / "badindex.mp4"


def broken_sample_table(d: Path) -> Path:
    data = bytearray(faststart_clip(d).read_bytes())
    at = data.find(b"stsz")
    data[at + 8 : at + 16] = struct.pack(">II", 0, 0x0FFFFFFF)
    (d / "badstsz.mp4").write_bytes(data)
    return d / "badstsz.mp4"


def truncated_mp4(d: Path) -> Path:
    data = faststart_clip(d).read_bytes()
    (d / "cut.mp4").write_bytes(data[: len(data) * 2 // 3])
    return d / "cut.mp4"


def unfinished_recording(d: Path) -> Path:
    """Index at the end, cut before it: what a phone leaves when it dies mid-recording."""
    src = d / "slow.mp4"
    run_ffmpeg("-i", str(faststart_clip(d)), "-c", "copy", "-y", str(src))
    data = src.read_bytes()
    (d / "unfinished.mp4").write_bytes(data[: data.find(b"moov") - 4])
    return d / "unfinished.mp4"


def webp(d: Path) -> Path:
    make_sample_image(d / "x.png", 700, 700)
    from PIL import Image

    Image.open(d / "x.png").save(d / "x.webp", "WEBP")
    return d / "x.webp"


def gif(d: Path) -> Path:
    make_sample_image(d / "g.png", 700, 700)
    from PIL import Image

    Image.open(d / "g.png").save(d / "g.gif", "GIF")
    return d / "g.gif"


def heic_header(d: Path) -> Path:
    body = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 200
    (d / "photo.heic").write_bytes(body)
    return d / "photo.heic"


def short_video(d: Path) -> Path:
    return make_sample_video(d / "short.mp4", 1.0, 640, 640, audio=False)


def tiny_video(d: Path) -> Path:
    return make_sample_video(d / "tiny.mp4", 3.2, 480, 270, audio=False)


def small_image(d: Path) -> Path:
    return make_sample_image(d / "small.jpg", 600, 600)


CASES: list[tuple[Callable[[Path], Path], str, bool]] = [
    # (maker, code, raised by probe already)
    (zero_bytes, "empty_file", True),
    (text_named_jpg, "unsupported_format", True),
    (truncated_jpeg, "corrupt_media", True),
    (truncated_png, "corrupt_media", True),
    (bomb_png, "image_too_large_pixels", True),
    (audio_only, "no_video_stream", True),
    (broken_index, "corrupt_media", True),
    (broken_sample_table, "corrupt_media", True),
    (truncated_mp4, "corrupt_media", True),
    (unfinished_recording, "corrupt_media", True),
    (webp, "unsupported_format", True),
    (gif, "unsupported_format", True),
    (heic_header, "unsupported_format", True),
    (ten_hours, "video_too_long", False),
    (short_video, "video_too_short", False),
    (tiny_video, "video_too_small", False),
    (small_image, "image_too_small", False),
]


@pytest.mark.parametrize(("maker", "code", "at_probe"), CASES, ids=[c[0].__name__ for c in CASES])
def test_bad_input_gets_its_code_in_bounded_time(
    maker: Callable[[Path], Path], code: str, at_probe: bool, tmp_path: Path
) -> None:
    src = maker(tmp_path)
    out = tmp_path / "out" / "result.bin"
    if at_probe:
        with pytest.raises(MediaError) as err:
            probe(src)
        assert err.value.code == code, err.value
    started = time.monotonic()
    with pytest.raises(MediaError) as err:
        prepare(src, "feed", out=out)
    assert err.value.code == code, err.value
    assert time.monotonic() - started < BOUND
    assert not out.exists()
    assert not list(tmp_path.glob("**/*.part"))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(MediaError) as err:
        probe(tmp_path / "nope.jpg")
    assert err.value.code == "file_not_found"


def test_oversized_input_is_refused_before_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = make_sample_image(tmp_path / "a.jpg", 700, 700)
    monkeypatch.setattr(profiles, "IMAGE_MAX_INPUT_BYTES", 1000)
    with pytest.raises(MediaError) as err:
        prepare(src, "feed", out=tmp_path / "o.jpg")
    assert err.value.code == "file_too_large"


def test_a_hung_ffmpeg_is_killed_at_its_deadline() -> None:
    started = time.monotonic()
    with pytest.raises(MediaError) as err:
        ffmpeg.run(["-f", "lavfi", "-i", "testsrc2=size=320x240", "-f", "null", "-"], timeout=1)
    assert err.value.code == "processing_timeout"
    assert time.monotonic() - started < 5


def test_a_timed_out_encode_leaves_the_old_output_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = faststart_clip(tmp_path)
    out = tmp_path / "out.mp4"
    out.write_bytes(b"previous good output")
    monkeypatch.setattr(profiles, "ENCODE_TIMEOUT_BASE", 0.3)
    monkeypatch.setattr(profiles, "ENCODE_TIMEOUT_PER_SECOND", 0.0)
    with pytest.raises(MediaError) as err:
        prepare(src, "story", out=out)
    assert err.value.code == "processing_timeout"
    assert out.read_bytes() == b"previous good output"
    assert not list(tmp_path.glob("*.part"))


def png16_rgba(path: Path, width: int, height: int) -> Path:
    """A real 16-bit RGBA PNG (8 bytes a pixel in the file; 4 once Pillow decodes it)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        return struct.pack(">I", len(data)) + kind + data + crc

    comp = zlib.compressobj(1)
    row = b"\x00" + bytes(range(256)) * (width * 8 // 256) + b"\x00" * (width * 8 % 256)
    idat = b"".join(comp.compress(row) for _ in range(height)) + comp.flush()
    header = struct.pack(">IIBBBBB", width, height, 16, 6, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )
    return path


def test_decoded_size_is_capped(tmp_path: Path) -> None:
    """A 100 MP 16-bit RGBA PNG took ~1.2 GB of agent memory to prepare: an image whose
    decoded pixels would exceed IMAGE_MAX_DECODED_BYTES is refused before decoding."""
    big = png16_rgba(tmp_path / "deep.png", 6000, 6000)  # 36 MP × 4 B = 137 MiB decoded
    assert profiles.IMAGE_MAX_PIXELS >= 6000 * 6000  # under the pixel cap: the bytes decide
    with pytest.raises(MediaError) as err:
        probe(big)
    assert err.value.code == "image_too_large_pixels" and "MiB" in err.value.message
    with pytest.raises(MediaError):
        prepare(big, "feed", out=tmp_path / "x.jpg")
    # a JPEG of the same size is decoded scaled down (draft): it is accepted
    photo = make_sample_image(tmp_path / "photo.jpg", 6000, 6000, seed=3)
    assert probe(photo).width == 6000
    # and an ordinary deep PNG still works
    small = png16_rgba(tmp_path / "small.png", 1200, 1200)
    assert prepare(small, "feed", out=tmp_path / "ok.jpg").info.format == "jpeg"
