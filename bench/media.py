"""Media pipeline benchmark: prints one JSON document.

- video: for a 1080p and a 4K clip made on the fly, the wall time of `media.prepare` against the
  same ffmpeg command run bare in the same process (`ratio_to_ffmpeg`, goal <= 1.10). Our time
  includes everything a caller pays: hashing the source, probing, encoding, probing and hashing
  the output, the atomic rename. Runs alternate (bare first, then ours first, ...) and the best
  of each is kept; CPU seconds (ours: this process plus its ffmpeg children) are reported too,
  as they barely move when other work shares the machine.
- images: 12 MP JPEGs prepared for feed and story, in images per second.
- import_ms: the cost of importing our `media` package.

Usage: python bench/media.py [--seconds 6] [--repeats 3] [--images 8] [--kind reel]
                             [--clips 1080p,4k] [--image-size 4000x3000]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and its name would hide the
# `media` package: drop that folder before importing it.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

from media import ffmpeg, pipeline, probe  # noqa: E402
from media.layout import plan  # noqa: E402
from media.profiles import PROFILES  # noqa: E402
from media.samples import make_sample_image, make_sample_video  # noqa: E402
from media.video import encode_args, encode_timeout  # noqa: E402

CLIPS = {"720p": (1280, 720), "1080p": (1920, 1080), "4k": (3840, 2160)}


def bench_video(src: Path, kind: str, repeats: int, work: Path) -> dict[str, object]:
    info = probe(src)
    profile = PROFILES[kind]
    layout = plan((info.width, info.height), profile, video=True)
    bare_out = work / f"bare-{src.stem}.mp4"
    args = encode_args(
        src,
        info,
        layout,
        bare_out,
        max_seconds=profile.video_max_seconds,
        pad_color=profile.video_pad_color,
    )
    bare: list[tuple[float, float]] = []
    ours: list[tuple[float, float]] = []
    for i in range(repeats):
        for side in ("bare", "ours") if i % 2 == 0 else ("ours", "bare"):
            started, cpu = time.perf_counter(), cpu_seconds()
            if side == "bare":
                run = ffmpeg.run(args, timeout=encode_timeout(info.duration or 60))
                assert run.returncode == 0, run.stderr
                bare.append((time.perf_counter() - started, cpu_seconds() - cpu))
            else:
                done = pipeline.prepare(src, kind, out=work / f"ours-{src.stem}-{i}.mp4")
                ours.append((time.perf_counter() - started, cpu_seconds() - cpu))
    wall_b, wall_o = min(t for t, _ in bare), min(t for t, _ in ours)
    cpu_b, cpu_o = min(c for _, c in bare), min(c for _, c in ours)
    return {
        "source": f"{info.width}x{info.height}",
        "seconds": info.duration,
        "kind": kind,
        "output": f"{done.info.width}x{done.info.height}",
        "output_bytes": done.info.bytes,
        "ffmpeg_s": round(wall_b, 3),
        "pipeline_s": round(wall_o, 3),
        "ratio_to_ffmpeg": round(wall_o / wall_b, 3),
        "ffmpeg_cpu_s": round(cpu_b, 3),
        "pipeline_cpu_s": round(cpu_o, 3),
        "cpu_ratio_to_ffmpeg": round(cpu_o / cpu_b, 3),
        "realtime_factor": round((info.duration or 0) / wall_o, 2),
    }


def cpu_seconds() -> float:
    """CPU used so far by this process and its finished children (ffmpeg runs)."""
    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def bench_images(count: int, work: Path, size: tuple[int, int] = (4000, 3000)) -> dict[str, object]:
    w, h = size
    sources = [make_sample_image(work / f"p{i}.jpg", w, h, seed=i) for i in range(count)]
    result: dict[str, object] = {"source": f"{w}x{h} JPEG ({w * h / 1e6:.0f} MP)", "count": count}
    for kind in ("feed", "story"):
        started = time.perf_counter()
        for i, src in enumerate(sources):
            pipeline.prepare(src, kind, out=work / f"o{i}.jpg")
        result[f"{kind}_images_per_s"] = round(count / (time.perf_counter() - started), 2)
    return result


def import_ms(module: str) -> float | None:
    """Best of three import times in ms; None when the module is not installed (the
    benchmark reports it rather than dying after the video runs)."""
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    times = []
    for _ in range(3):
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        if run.returncode != 0:
            return None
        times.append(float(run.stdout))
    return round(min(times) * 1000, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--images", type=int, default=8)
    parser.add_argument("--kind", default="reel", choices=sorted(PROFILES))
    parser.add_argument("--clips", default="1080p,4k", help=f"any of {', '.join(CLIPS)}")
    parser.add_argument("--image-size", default="4000x3000", help="WIDTHxHEIGHT of the images")
    opts = parser.parse_args()
    clips = [c.strip() for c in opts.clips.split(",") if c.strip()]
    unknown = [c for c in clips if c not in CLIPS]
    if unknown:
        parser.error(f"unknown clip(s) {', '.join(unknown)}; choose from {', '.join(CLIPS)}")
    image_size = tuple(int(v) for v in opts.image_size.lower().split("x"))
    binary = ffmpeg.find()
    report: dict[str, object] = {
        "ffmpeg": {"origin": binary.origin, "version": binary.version},
        "video": [],
    }
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name in clips:
            w, h = CLIPS[name]
            clip = make_sample_video(work / f"{name}.mp4", opts.seconds, w, h, seed=len(name))
            entry = bench_video(clip, opts.kind, opts.repeats, work)
            report["video"].append({"clip": name, **entry})  # type: ignore[union-attr]
        report["images"] = bench_images(opts.images, work, image_size)  # type: ignore[arg-type]
    report["import_ms"] = {"media": import_ms("media")}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
