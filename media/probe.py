"""What a file is: sniffed from its bytes (never its name), then read by Pillow or ffmpeg.

Images are read by Pillow: the header for size and orientation, then a cheap decode (JPEG at
1/8 scale, PNG chunk CRCs) so a truncated file fails here and not on the phone. Videos are read
by parsing `ffmpeg -i` (no ffprobe needed, see media/ffmpeg.py) with the demuxer forced from the
sniffed container and only the `file` protocol allowed; MP4/MOV files also get a walk of their
top-level boxes, which finds truncation, a missing index and whether the index comes first.
"""

from __future__ import annotations

import hashlib
import re
import struct
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from PIL import Image, UnidentifiedImageError

from media import ffmpeg, profiles
from media.errors import MediaError

HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1"}
HEIF_BRANDS |= {b"msf1", b"avif", b"avis"}
MOV_FIRST_BOXES = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}
ORIENTATION_TAG = 0x0112
ROTATION_OF_ORIENTATION = {1: 0, 2: 0, 3: 180, 4: 180, 5: 90, 6: 90, 7: 270, 8: 270}


@dataclass(frozen=True)
class MediaInfo:
    """One probed file. Sizes are as displayed: EXIF orientation or rotation already applied."""

    kind: str  # "image" or "video"
    format: str  # "jpeg", "png", "mp4", "mov", "webm", "matroska"
    width: int
    height: int
    duration: float | None  # seconds; None for images
    fps: float | None
    video_codec: str | None  # None for images
    audio_codec: str | None
    bytes: int
    sha256: str | None = None
    pix_fmt: str | None = None  # ffmpeg pixel format, or Pillow mode for images
    rotation: int = 0  # clockwise degrees the stored pixels are turned when shown
    faststart: bool | None = None  # MP4/MOV: the index (moov) comes before the media (mdat)

    @property
    def codecs(self) -> list[str]:
        if self.kind == "image":
            return [self.format]
        return [c for c in (self.video_codec, self.audio_codec) if c]

    @property
    def aspect(self) -> float:
        return self.width / self.height

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "codecs": self.codecs}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def sniff(head: bytes) -> tuple[str, str]:
    """(kind, format) from the first bytes of a file, or MediaError."""
    if not head:
        raise MediaError("empty_file", "the file is empty")
    if head.startswith(b"\xff\xd8\xff"):
        return "image", "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image", "png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        raise MediaError("unsupported_format", "GIF is not accepted: send JPEG/PNG, or MP4")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        raise MediaError("unsupported_format", "WebP is not accepted: send JPEG or PNG")
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        size = struct.unpack(">I", head[:4])[0]
        compatible = {head[i : i + 4] for i in range(16, min(size, len(head)) - 3, 4)}
        if brand in HEIF_BRANDS or (brand != b"qt  " and b"heic" in compatible):
            raise MediaError("unsupported_format", "HEIC/HEIF/AVIF is not accepted: send JPEG")
        return "video", "mov" if brand == b"qt  " else "mp4"
    if head[4:8] in MOV_FIRST_BOXES:
        return "video", "mov"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video", "webm" if b"webm" in head[:64] else "matroska"
    raise MediaError("unsupported_format", "not a JPEG, PNG, MP4/MOV or WebM/Matroska file")


def probe(path: Path | str, *, with_sha256: bool = False) -> MediaInfo:
    """Probe `path`; raise MediaError with a precise code when it cannot be used at all."""
    path = Path(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(64)
    except FileNotFoundError:
        raise MediaError("file_not_found", f"no such file: {path.name}") from None
    except IsADirectoryError:
        raise MediaError("unsupported_format", f"{path.name} is a directory") from None
    kind, fmt = sniff(head)
    limit = profiles.IMAGE_MAX_INPUT_BYTES if kind == "image" else profiles.VIDEO_MAX_INPUT_BYTES
    if size > limit:
        raise MediaError("file_too_large", f"{size} bytes; the {kind} limit is {limit}")
    info = _probe_image(path, fmt, size) if kind == "image" else _probe_video(path, fmt, size)
    if with_sha256:
        info = _replace(info, sha256=sha256_of(path))
    return info


def _replace(info: MediaInfo, **changes: Any) -> MediaInfo:
    return MediaInfo(**{**asdict(info), **changes})


# -- images ---------------------------------------------------------------------------------


def open_image(path: Path) -> Image.Image:
    """Pillow's open with the bomb guard turned into our codes. The caller closes it."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im = Image.open(path)
    except Image.DecompressionBombError as exc:
        raise MediaError("image_too_large_pixels", str(exc)) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise MediaError("corrupt_media", f"unreadable image: {exc}") from None
    w, h = im.size
    if w * h > profiles.IMAGE_MAX_PIXELS:
        im.close()
        raise MediaError(
            "image_too_large_pixels",
            f"{w}×{h} is {w * h} pixels; the limit is {profiles.IMAGE_MAX_PIXELS}",
        )
    if w <= 0 or h <= 0:
        im.close()
        raise MediaError("corrupt_media", f"image declares {w}×{h} pixels")
    cost = decoded_bytes(im)
    if cost > profiles.IMAGE_MAX_DECODED_BYTES:
        im.close()
        raise MediaError(
            "image_too_large_pixels",
            f"{w}×{h} {im.mode} decodes to {cost // 2**20} MiB; "
            f"the limit is {profiles.IMAGE_MAX_DECODED_BYTES // 2**20} MiB",
        )
    return im


def decoded_bytes(im: Image.Image) -> int:
    """Memory the decoded pixels take (Pillow keeps 1, 2 or 4 bytes a pixel). A JPEG that
    libjpeg decodes scaled (draft, RGB or grey) counts at its smallest scale, 1/8 a side."""
    bpp = 1 if im.mode in ("1", "L", "P") else 2 if im.mode.startswith("I;16") else 4
    w, h = im.size
    if im.format in ("JPEG", "MPO") and im.mode in ("RGB", "L"):
        return -(-w // 8) * -(-h // 8) * bpp
    return w * h * bpp


def orientation_of(im: Image.Image) -> int:
    """The EXIF orientation (1..8). For PNG only an eXIf chunk ahead of the pixels counts:
    Pillow would otherwise inflate the whole image to look for one after them."""
    try:
        if im.format == "PNG":
            raw = im.info.get("exif")
            if not raw:
                return 1
            exif = Image.Exif()
            exif.load(raw)
        else:
            exif = im.getexif()
        value = int(exif.get(ORIENTATION_TAG, 1))
    except Exception:  # a broken EXIF block is no reason to refuse the picture
        return 1
    return value if value in ROTATION_OF_ORIENTATION else 1


def _probe_image(path: Path, fmt: str, size: int) -> MediaInfo:
    im = open_image(path)
    try:
        if im.format not in ("JPEG", "MPO", "PNG"):
            raise MediaError("unsupported_format", f"{im.format} images are not accepted")
        if getattr(im, "is_animated", False) and im.format == "PNG":
            raise MediaError("unsupported_format", "animated PNG is not accepted: send MP4")
        w, h = im.size
        mode = im.mode
        rotation = ROTATION_OF_ORIENTATION[orientation_of(im)]
        try:
            if im.format == "PNG":
                im.verify()  # walks every chunk and checks its CRC, without inflating pixels
            else:
                im.draft("RGB" if mode in ("RGB", "YCbCr") else mode, (w // 8, h // 8))
                im.load()
        except (OSError, SyntaxError, ValueError, struct.error) as exc:
            raise MediaError("corrupt_media", f"damaged or truncated image: {exc}") from None
    finally:
        im.close()
    if rotation in (90, 270):
        w, h = h, w
    return MediaInfo("image", fmt, w, h, None, None, None, None, size, None, mode, rotation, None)


# -- videos ---------------------------------------------------------------------------------

DEMUXER = {"mp4": "mov", "mov": "mov", "webm": "matroska", "matroska": "matroska"}
_DURATION = re.compile(r"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)")
_STREAM = re.compile(r"^\s*Stream #0:(\d+)[^:]*: (Video|Audio|Data|Subtitle|Attachment): (.*)$")
_ROTATION = re.compile(r"rotation of (-?[\d.]+) degrees|^\s*rotate\s*:\s*(-?\d+)")
_SIZE = re.compile(r"^(\d+)x(\d+)")
_FPS = re.compile(r"^([\d.]+)(k?) (fps|tbr)$")


def input_args(path: Path, fmt: str) -> list[str]:
    """ffmpeg input options that read `path` with the sniffed demuxer and nothing else."""
    return ["-protocol_whitelist", "file", "-f", DEMUXER[fmt], "-i", f"file:{path.resolve()}"]


def split_top(text: str) -> list[str]:
    """Split ffmpeg's `a, b(c, d), e` on commas outside brackets."""
    parts, depth, cur = [], 0, []
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur).strip())
    return parts


@dataclass
class _Stream:
    kind: str
    desc: str
    rotation: int = 0


def parse_ffmpeg_info(stderr: str) -> dict[str, Any]:
    """The facts we need from `ffmpeg -i` output (stable since ffmpeg 4 through 9)."""
    m = _DURATION.search(stderr)
    duration = int(m[1]) * 3600 + int(m[2]) * 60 + float(m[3]) if m else None
    streams: list[_Stream] = []
    for line in stderr.splitlines():
        sm = _STREAM.match(line)
        if sm:
            streams.append(_Stream(sm[2], sm[3]))
            continue
        rm = _ROTATION.search(line)
        if rm and streams and streams[-1].kind == "Video":
            # the display matrix angle is counter-clockwise, the old `rotate` tag clockwise
            angle = -float(rm[1]) if rm[1] is not None else float(rm[2])
            streams[-1].rotation = round(angle) % 360
    out: dict[str, Any] = {"duration": duration, "video": None, "audio": None}
    for s in streams:
        if s.kind == "Video" and out["video"] is None and "(attached pic)" not in s.desc:
            parts = split_top(s.desc)
            v: dict[str, Any] = {"codec": parts[0].split(" ")[0], "rotation": s.rotation}
            v["pix_fmt"] = parts[1].split("(")[0] if len(parts) > 1 else None
            for p in parts[2:]:
                if (dm := _SIZE.match(p)) and "size" not in v:
                    v["size"] = (int(dm[1]), int(dm[2]))
                elif (fm := _FPS.match(p)) and (fm[3] == "fps" or "fps" not in v):
                    v["fps"] = float(fm[1]) * (1000 if fm[2] else 1)
            out["video"] = v
        elif s.kind == "Audio" and out["audio"] is None:
            out["audio"] = {"codec": s.desc.split(",")[0].split(" ")[0]}
    return out


def walk_boxes(path: Path, size: int) -> dict[str, int]:
    """Offsets of the top-level MP4/MOV boxes; corrupt_media when one runs past the end."""
    seen: dict[str, int] = {}
    offset = 0
    with path.open("rb") as f:
        for _ in range(10_000):
            if offset >= size:
                break
            f.seek(offset)
            header = f.read(16)
            if len(header) < 8:
                raise MediaError("corrupt_media", "truncated: a box header is cut off")
            box_size, box_type = struct.unpack(">I4s", header[:8])
            name = box_type.decode("latin-1")
            if box_size == 1:
                if len(header) < 16:
                    raise MediaError("corrupt_media", "truncated: a box header is cut off")
                box_size = struct.unpack(">Q", header[8:16])[0]
            elif box_size == 0:
                box_size = size - offset
            if box_size < 8:
                raise MediaError("corrupt_media", f"broken box {name!r} at byte {offset}")
            if offset + box_size > size:
                raise MediaError(
                    "corrupt_media",
                    f"truncated: box {name!r} needs {offset + box_size} bytes, file has {size}",
                )
            seen.setdefault(name, offset)
            offset += box_size
    if "moov" not in seen:
        raise MediaError("corrupt_media", "no index (moov box): the recording never finished")
    return seen


def _probe_video(path: Path, fmt: str, size: int) -> MediaInfo:
    faststart = None
    if DEMUXER[fmt] == "mov":
        boxes = walk_boxes(path, size)
        faststart = boxes["moov"] < boxes.get("mdat", size)
    run = ffmpeg.run(input_args(path, fmt), timeout=profiles.PROBE_TIMEOUT)
    if "Input #0" not in run.stderr:
        raise MediaError(
            "corrupt_media", f"ffmpeg cannot read it: {ffmpeg.last_error_line(run.stderr)}"
        )
    facts = parse_ffmpeg_info(run.stderr)
    v, a = facts["video"], facts["audio"]
    if v is None:
        what = f"only {a['codec']} audio" if a else "no audio or video"
        raise MediaError("no_video_stream", f"the file has {what}")
    if v.get("pix_fmt") in (None, "none") or "size" not in v:
        raise MediaError("corrupt_media", "the video stream cannot be decoded (broken index?)")
    duration = facts["duration"]
    if duration is None or duration <= 0:
        raise MediaError("corrupt_media", "the video has no known duration")
    w, h = v["size"]
    if v["rotation"] in (90, 270):
        w, h = h, w
    return MediaInfo(
        "video",
        fmt,
        w,
        h,
        round(duration, 3),
        v.get("fps"),
        v["codec"],
        a["codec"] if a else None,
        size,
        None,
        v["pix_fmt"],
        v["rotation"],
        faststart,
    )
