"""What each job kind accepts and produces, as data.

Numbers come from the product's published limits (see docs/media.md). `PIPELINE_VERSION` is part
of every cache key: bump it when a change here or in the encoders alters output bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

from farmcore.vocab import ITEM_RULES, PostKind, values

PIPELINE_VERSION = 1

KINDS = values(PostKind)
FITS = ("pad", "crop", "blur", "solid")

# Sources.
IMAGE_MIN_SIDE = 640
IMAGE_AS_IS_MAX_SIDE = 2000  # larger sources are downscaled (outputs are 1080 wide anyway)
IMAGE_MAX_PIXELS = 100_000_000  # decompression-bomb guard, above any phone camera's output
# What one decoded image may hold in memory (pixels × Pillow's bytes per pixel): a 100 MP
# 16-bit RGBA PNG (400 MB decoded, ~1 GB with its conversions) is refused; a JPEG that
# libjpeg can decode scaled down (draft) counts at its 1/8 scale, since the pipeline never
# needs more than the output's pixels.
IMAGE_MAX_DECODED_BYTES = 128 * 1024 * 1024
IMAGE_MAX_INPUT_BYTES = 60 * 1024 * 1024
VIDEO_MAX_INPUT_BYTES = 4 * 1024 * 1024 * 1024
VIDEO_MIN_SHORT_SIDE = 640
VIDEO_CODECS = ("h264", "hevc", "vp8", "vp9", "av1", "mpeg4", "prores")
AUDIO_CODECS = ("aac", "mp3", "opus", "vorbis", "ac3", "eac3", "alac", "flac", "amr_nb", "amr_wb")
AUDIO_CODECS_PREFIXES = ("pcm_",)

# Outputs.
IMAGE_MAX_BYTES = 2_000_000
JPEG_MAX_QUALITY = 90
JPEG_MIN_QUALITY = 30
VIDEO_MAX_BYTES = 35_000_000
VIDEO_FPS = 30
VIDEO_SIZE_MARGIN = 0.95  # of VIDEO_MAX_BYTES, for the container and rate-control slack
VIDEO_MAX_KBPS = 8_000  # a 1080-wide clip gains nothing visible above this
VIDEO_MIN_KBPS = 500
AUDIO_KBPS = 128
X264_PRESET = "veryfast"
X264_CRF = 21

FEED_MIN_ASPECT = 4 / 5
FEED_MAX_ASPECT = 1.91
OUTPUT_WIDTH = 1080
STORY_SIZE = (1080, 1920)

# ffmpeg deadlines, seconds: probing is header-only; encoding scales with the clip's length.
PROBE_TIMEOUT = 20.0
ENCODE_TIMEOUT_BASE = 60.0
ENCODE_TIMEOUT_PER_SECOND = 6.0


@dataclass(frozen=True)
class Profile:
    """The target of one job kind."""

    kind: str
    min_items: int
    max_items: int
    allows_image: bool
    allows_video: bool
    video_min_seconds: float
    video_max_seconds: float
    fixed_size: tuple[int, int] | None  # story and reel: a fixed canvas
    default_fit: str  # what fit="pad" means for this kind: "solid" or "blur"
    image_pad_color: tuple[int, int, int] = (255, 255, 255)
    video_pad_color: str = "black"


def _profile(
    kind: PostKind,
    video_seconds: tuple[float, float],
    fixed_size: tuple[int, int] | None,
    default_fit: str,
) -> Profile:
    """A kind's profile; how many items of which type it takes is the shared rule."""
    rule = ITEM_RULES[kind]
    return Profile(
        kind.value,
        rule.min_items,
        rule.max_items,
        rule.allows_image,
        rule.allows_video,
        *video_seconds,
        fixed_size,
        default_fit,
    )


PROFILES: dict[str, Profile] = {
    PostKind.FEED: _profile(PostKind.FEED, (3.0, 60.0), None, "solid"),
    PostKind.CAROUSEL: _profile(PostKind.CAROUSEL, (3.0, 60.0), None, "solid"),
    PostKind.STORY: _profile(PostKind.STORY, (1.0, 60.0), STORY_SIZE, "blur"),
    PostKind.REEL: _profile(PostKind.REEL, (3.0, 90.0), STORY_SIZE, "blur"),
}
