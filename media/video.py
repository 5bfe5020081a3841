"""Video targets: MP4, H.264 High yuv420p at a constant 30 fps, AAC, index first, <= 35 MB.

The bitrate is planned from the duration before encoding: x264 runs quality-first (CRF) under a
VBV cap (maxrate = bufsize) so that cap × (duration + one buffer) plus the audio fits the byte
budget. The output is never encoded twice to hit the size. Rotation is honoured by ffmpeg's
autorotate (the filter graph sees upright frames); variable frame rate input becomes constant
through the `fps` filter; a source without audio gives an output without audio.
"""

from __future__ import annotations

from pathlib import Path

from media import ffmpeg, profiles
from media.errors import MediaError
from media.layout import Layout
from media.probe import MediaInfo, input_args

BLUR_DOWNSCALE = 8


def plan_kbps(duration: float, has_audio: bool) -> int:
    """The video rate cap (kbit/s) that keeps the whole file within VIDEO_MAX_BYTES."""
    budget_bits = profiles.VIDEO_MAX_BYTES * profiles.VIDEO_SIZE_MARGIN * 8
    if has_audio:
        budget_bits -= profiles.AUDIO_KBPS * 1000 * duration
    buffer_seconds = 1.0  # bufsize = maxrate: the VBV may end one buffer over the average
    kbps = budget_bits / (duration + buffer_seconds) / 1000
    if kbps < profiles.VIDEO_MIN_KBPS:
        raise MediaError("video_too_long", f"{duration:.1f} s cannot fit the size limit")
    return int(min(kbps, profiles.VIDEO_MAX_KBPS))


def _even(x: float) -> int:
    return max(2, round(x / 2) * 2)


def filter_graph(layout: Layout, pad_color: str) -> str:
    """The -filter_complex text from the first video stream to the output label [v]."""
    w, h = layout.canvas
    fw, fh = layout.content
    ox, oy = layout.offset
    head = f"[0:V:0]fps={profiles.VIDEO_FPS}"
    tail = "setsar=1,format=yuv420p[v]"
    if layout.mode == "scale":
        return f"{head},scale={w}:{h},{tail}"
    if layout.mode == "crop":
        return f"{head},scale={fw}:{fh},crop={w}:{h},{tail}"
    if layout.mode == "solid":
        return f"{head},scale={fw}:{fh},pad={w}:{h}:{ox}:{oy}:color={pad_color},{tail}"
    bw, bh = _even(w / BLUR_DOWNSCALE), _even(h / BLUR_DOWNSCALE)
    return (
        f"{head},split=2[fg0][bg0];"
        f"[bg0]scale={bw}:{bh}:force_original_aspect_ratio=increase,crop={bw}:{bh},"
        f"boxblur=4:2,eq=brightness=-0.06,scale={w}:{h},setsar=1[bg];"
        f"[fg0]scale={fw}:{fh},setsar=1[fg];"
        f"[bg][fg]overlay={ox}:{oy},{tail}"
    )


def encode_args(
    src: Path, info: MediaInfo, layout: Layout, dest: Path, *, max_seconds: float, pad_color: str
) -> list[str]:
    """The full ffmpeg argument list (without the binary) for one transcode."""
    duration = min(info.duration or max_seconds, max_seconds)
    kbps = plan_kbps(duration, info.audio_codec is not None)
    args = [
        "-v",
        "error",
        "-nostats",
        *input_args(src, info.format),
        "-filter_complex",
        filter_graph(layout, pad_color),
        "-map",
        "[v]",
    ]
    if info.audio_codec is not None:
        args += ["-map", "0:a:0", "-c:a", "aac", "-b:a", f"{profiles.AUDIO_KBPS}k", "-ac", "2"]
        args += ["-ar", "44100"]
    args += [
        "-map_metadata",
        "-1",
        "-map_chapters",
        "-1",
        "-c:v",
        "libx264",
        "-preset",
        profiles.X264_PRESET,
        "-crf",
        str(profiles.X264_CRF),
        "-maxrate",
        f"{kbps}k",
        "-bufsize",
        f"{kbps}k",
        "-profile:v",
        "high",
        "-r",
        str(profiles.VIDEO_FPS),
        "-g",
        str(profiles.VIDEO_FPS * 2),
        "-color_primaries",
        "bt709",
        "-color_trc",
        "bt709",
        "-colorspace",
        "bt709",
        "-movflags",
        "+faststart",
        "-t",
        f"{max_seconds:.3f}",
        "-f",
        "mp4",
        "-y",
        f"file:{dest.resolve()}",
    ]
    return args


def encode_timeout(duration: float) -> float:
    return profiles.ENCODE_TIMEOUT_BASE + profiles.ENCODE_TIMEOUT_PER_SECOND * duration


def prepare_video(
    src: Path, info: MediaInfo, layout: Layout, dest: Path, *, max_seconds: float, pad_color: str
) -> None:
    """Transcode `src` to `dest`; MediaError when the source turns out damaged mid-stream."""
    args = encode_args(src, info, layout, dest, max_seconds=max_seconds, pad_color=pad_color)
    run = ffmpeg.run(args, timeout=encode_timeout(min(info.duration or 0.0, max_seconds)))
    if run.returncode != 0:
        line = ffmpeg.last_error_line(run.stderr)
        if "No space left" in run.stderr or "Permission denied" in run.stderr:
            raise MediaError("ffmpeg_failed", line)
        raise MediaError("corrupt_media", f"decoding failed: {line}")
