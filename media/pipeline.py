"""The library's entry points: prepare one item for a kind, and validate a job's items."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from farmcore.vocab import ITEM_RULES, PostKind
from media import profiles
from media.cache import Cache, atomic_copy, profile_key
from media.errors import MediaError
from media.image import prepare_image
from media.layout import plan, resolve_fit
from media.probe import MediaInfo, probe, sniff
from media.profiles import Profile
from media.video import prepare_video


@dataclass(frozen=True)
class Prepared:
    path: Path
    info: MediaInfo  # of the output
    cached: bool  # True when it came from the cache without encoding
    source: MediaInfo | None = None


def profile_for(kind: str) -> Profile:
    try:
        return profiles.PROFILES[kind]
    except KeyError:
        raise MediaError(
            "unknown_kind", f"kind must be one of {', '.join(profiles.KINDS)}"
        ) from None


def check_item(info: MediaInfo, profile: Profile) -> None:
    """Raise MediaError when `info` cannot become an item of `profile`'s kind."""
    if info.kind == "image":
        if not profile.allows_image:
            raise MediaError("kind_not_allowed", f"a {profile.kind} must be a video")
        if min(info.width, info.height) < profiles.IMAGE_MIN_SIDE:
            raise MediaError(
                "image_too_small",
                f"{info.width}×{info.height}; at least "
                f"{profiles.IMAGE_MIN_SIDE}×{profiles.IMAGE_MIN_SIDE} is needed",
            )
        return
    if not profile.allows_video:
        raise MediaError("kind_not_allowed", f"a {profile.kind} cannot be a video")
    if info.video_codec not in profiles.VIDEO_CODECS:
        raise MediaError("unsupported_codec", f"video codec {info.video_codec} is not accepted")
    audio = info.audio_codec or ""
    known = audio in profiles.AUDIO_CODECS or audio.startswith(profiles.AUDIO_CODECS_PREFIXES)
    if audio and not known:
        raise MediaError("unsupported_codec", f"audio codec {audio} is not accepted")
    duration = info.duration or 0.0
    if duration < profile.video_min_seconds:
        raise MediaError(
            "video_too_short",
            f"{duration:.2f} s; a {profile.kind} video needs {profile.video_min_seconds:g} s",
        )
    if duration > profile.video_max_seconds:
        raise MediaError(
            "video_too_long",
            f"{duration:.0f} s; a {profile.kind} video is {profile.video_max_seconds:g} s at most",
        )
    if min(info.width, info.height) < profiles.VIDEO_MIN_SHORT_SIDE:
        raise MediaError(
            "video_too_small",
            f"{info.width}×{info.height}; the short side needs {profiles.VIDEO_MIN_SHORT_SIDE} px",
        )


def validate_for_kind(infos: list[MediaInfo], kind: str) -> None:
    """Check a job's probed items against its kind: item count, then every item."""
    profile = profile_for(kind)
    n = len(infos)
    problem = ITEM_RULES[PostKind(kind)].count_problem(kind, n)
    if problem:
        raise MediaError(f"{kind}_item_count", problem)
    for i, info in enumerate(infos, start=1):
        try:
            check_item(info, profile)
        except MediaError as exc:
            prefix = f"item {i}: " if n > 1 else ""
            raise MediaError(exc.code, prefix + exc.message) from None


def _default_out(src: Path, kind: str, ext: str) -> Path:
    return src.with_name(f"{src.stem}.{kind}.{ext}")


def prepare(
    src: Path | str,
    kind: str,
    *,
    fit: str = "pad",
    out: Path | str | None = None,
    cache_dir: Path | str | None = None,
    aspect: float | None = None,
) -> Prepared:
    """Make `src` ready to post as `kind`. The output appears whole at its path or not at all.

    Without `out` the output goes to the cache entry (with `cache_dir`) or beside the source
    as `<stem>.<kind>.jpg|mp4`. `aspect` (width / height) forces a feed or carousel canvas's
    aspect: the agent passes the first carousel item's to the later ones.
    """
    src = Path(src)
    profile = profile_for(kind)
    mode = resolve_fit(fit, profile)
    cache = Cache(Path(cache_dir)) if cache_dir is not None else None
    info = probe(src, with_sha256=cache is not None)
    check_item(info, profile)
    video = info.kind == "video"
    ext = "mp4" if video else "jpg"
    pkey = profile_key(kind, mode, aspect)
    if cache is not None and info.sha256:
        hit = cache.get(info.sha256, pkey, ext)
        if hit is not None:
            path, out_info = hit
            if out is not None:
                atomic_copy(path, Path(out))
                path = Path(out)
            return Prepared(path, out_info, True, info)
    dest = Path(out) if out is not None else None
    if dest is None:
        dest = (
            cache.media_path(info.sha256, pkey, ext)
            if cache is not None and info.sha256
            else _default_out(src, kind, ext)
        )
    dest.parent.mkdir(parents=True, exist_ok=True)
    layout = plan((info.width, info.height), profile, fit=fit, aspect=aspect, video=video)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        if video:
            prepare_video(
                src,
                info,
                layout,
                tmp,
                max_seconds=profile.video_max_seconds,
                pad_color=profile.video_pad_color,
            )
        else:
            prepare_image(src, (info.width, info.height), layout, tmp, profile.image_pad_color)
        out_info = _verify(tmp, info, layout.canvas, profile.video_max_seconds)
        if cache is not None and info.sha256:
            cached_path = cache.put(info.sha256, pkey, ext, tmp, out_info)
            if cached_path != dest:
                atomic_copy(cached_path, dest)
        else:
            os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return Prepared(dest, out_info, False, info)


def _verify(
    produced: Path, source: MediaInfo, canvas: tuple[int, int], max_seconds: float
) -> MediaInfo:
    """Probe what we wrote and refuse it unless it meets the target."""
    try:
        info = probe(produced, with_sha256=True)
    except MediaError as exc:
        raise MediaError("corrupt_media", f"no usable output from the source: {exc}") from None
    if (info.width, info.height) != canvas:
        raise MediaError("ffmpeg_failed", f"output is {info.width}×{info.height}, not {canvas}")
    limit = profiles.VIDEO_MAX_BYTES if info.kind == "video" else profiles.IMAGE_MAX_BYTES
    if info.bytes > limit:
        raise MediaError("file_too_large", f"output is {info.bytes} bytes; the limit is {limit}")
    if info.kind == "video" and source.duration and info.duration is not None:
        if info.video_codec != "h264" or info.pix_fmt != "yuv420p":
            raise MediaError("ffmpeg_failed", f"output is {info.video_codec} {info.pix_fmt}")
        expected = min(source.duration, max_seconds)
        if info.duration < 0.5 * expected:
            raise MediaError(
                "corrupt_media",
                f"only {info.duration:.1f} s of {expected:.1f} s could be decoded",
            )
    return info


def prepare_carousel(
    srcs: list[Path], *, fit: str = "pad", out_dir: Path, cache_dir: Path | None = None
) -> list[Prepared]:
    """Prepare carousel items; every item takes the first item's output aspect."""
    items: list[Prepared] = []
    aspect: float | None = None
    for i, src in enumerate(srcs):
        with Path(src).open("rb") as f:
            ext = "mp4" if sniff(f.read(64))[0] == "video" else "jpg"
        item = prepare(
            src,
            "carousel",
            fit=fit,
            out=Path(out_dir) / f"{i:02d}.{ext}",
            cache_dir=cache_dir,
            aspect=aspect,
        )
        if aspect is None:
            aspect = item.info.width / item.info.height
        items.append(item)
    return items
