"""Flow cost benchmark: prints one JSON document.

For each flow, run against a fresh simulated phone (app in front, no faults), the hierarchy
dumps and taps per run, next to the minimum number of screens that flow must pass through
(stated by hand below, from docs/flows.md). A dump costs hundreds of milliseconds on a real
phone, so the goal is `dumps <= screens + 2`.

Usage: python bench/flows.py [--runs 3] [--locale en]
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and its name would hide the
# `flows` package: drop that folder before importing it.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

from PIL import Image  # noqa: E402

from emulator.accounts import SimAccount  # noqa: E402
from emulator.phone import SimPhone  # noqa: E402
from flows import (  # noqa: E402
    FlowStats,
    PublishRequest,
    preflight,
    publish,
    switch_account,
    verify_post,
)
from flows.driver import media_scan_command  # noqa: E402

POLL_S = 0.02
SPEED = 40.0

# flow -> (kind, media types, minimum screens, the screens)
# The 2025-26 app: Create from the profile's "+" sheet; the composer hides Share while the
# caption is edited (OK first); the feed row / Reels snackbar says "Posted!" / "Done posting";
# a story shows no verdict, so the flow confirms it in the own story viewer.
PUBLISH = {
    "feed_image": ("feed", ["image"], ["home", "profile", "create sheet", "gallery", "edit",
                                       "composer", "caption editor", "upload progress",
                                       "posted row"]),
    "feed_video": ("feed", ["video"], ["home", "profile", "create sheet", "gallery", "edit",
                                       "composer", "caption editor", "upload progress",
                                       "posted row"]),
    "carousel_3": ("carousel", ["image", "image", "video"],
                   ["home", "profile", "create sheet", "gallery", "gallery multi-select", "edit",
                    "composer", "caption editor", "upload progress", "posted row"]),
    "story_image": ("story", ["image"], ["home", "profile", "create sheet", "story gallery",
                                         "story editor", "upload progress", "feed", "profile",
                                         "story viewer", "profile"]),
    "story_video": ("story", ["video"], ["home", "profile", "create sheet", "story gallery",
                                         "story editor", "upload progress", "feed", "profile",
                                         "story viewer", "profile"]),
    "reel": ("reel", ["video"], ["home", "profile", "create sheet", "reel gallery",
                                 "reel editor", "composer", "caption editor", "upload snackbar",
                                 "done snackbar"]),
}  # fmt: skip
OTHER = {
    "switch_account": ["home", "profile", "account switcher", "profile"],
    "preflight": ["home", "profile"],
    "verify_post_carousel": ["home", "profile", "post"],
}


def jpeg(seed: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 80), ((seed * 37) % 256, 90, 120)).save(buf, "JPEG")
    return buf.getvalue()


def mp4(seed: int) -> bytes:
    ftyp = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
    body = b"\x00" * 12 + (1000).to_bytes(4, "big") + (12_000).to_bytes(4, "big") + b"\x00" * 80
    mvhd = (8 + len(body)).to_bytes(4, "big") + b"mvhd" + body
    moov = (8 + len(mvhd)).to_bytes(4, "big") + b"moov" + mvhd
    return ftyp + moov + seed.to_bytes(4, "big")


def new_phone(locale: str) -> SimPhone:
    accounts = [SimAccount("brand_one"), SimAccount("brand_two")]
    phone = SimPhone("bench-1", locale=locale, seed=3, speed=SPEED, accounts=accounts)
    phone.app_start("com.instagram.android")
    return phone


def stage(phone: SimPhone, kind: str, types: list[str], n: int) -> PublishRequest:
    paths = []
    for i, media_type in enumerate(types):
        data = jpeg(n * 10 + i) if media_type == "image" else mp4(n * 10 + i)
        path = f"/sdcard/DCIM/igfarm/bench{n}-{i}.{'jpg' if media_type == 'image' else 'mp4'}"
        phone.push_bytes(data, path)
        phone.shell(media_scan_command(path))
        paths.append(path)
    marker = f"#bench{n}"
    return PublishRequest(
        kind=kind,  # type: ignore[arg-type]
        username="brand_one",
        caption="" if kind == "story" else f"Bench post {marker}",
        media_types=types,  # type: ignore[arg-type]
        remote_paths=paths,
        marker=marker,
    )


def measure(run: Callable[[int], FlowStats], runs: int, screens: list[str]) -> dict:
    dumps, taps, seconds = [], [], []
    for n in range(runs):
        start = time.perf_counter()
        stats = run(n)
        seconds.append(time.perf_counter() - start)
        dumps.append(stats.dumps)
        taps.append(stats.taps)
    mean_dumps = statistics.mean(dumps)
    return {
        "screens": len(screens),
        "screen_path": screens,
        "dumps": mean_dumps,
        "taps": statistics.mean(taps),
        "dumps_over_screens": round(mean_dumps - len(screens), 2),
        "goal_met": mean_dumps <= len(screens) + 2,
        "wall_ms_sim": round(1000 * statistics.mean(seconds), 1),
    }


def counting(phone: SimPhone, fn: Callable[[], object]) -> FlowStats:
    """Stats of a flow whose function does not return them: count on the phone."""
    dumps_before = phone.dump_count
    taps = [0]
    original = phone.tap

    def tap(x: int, y: int) -> None:
        taps[0] += 1
        original(x, y)

    phone.tap = tap  # type: ignore[method-assign]
    try:
        fn()
    finally:
        phone.tap = original  # type: ignore[method-assign]
    return FlowStats(dumps=phone.dump_count - dumps_before, taps=taps[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--locale", default="en")
    args = parser.parse_args()
    results: dict[str, dict] = {}

    for name, (kind, types, screens) in PUBLISH.items():

        def run_publish(n: int, kind: str = kind, types: list[str] = types) -> FlowStats:
            phone = new_phone(args.locale)
            request = stage(phone, kind, types, n)
            return publish(phone, request, lambda: None, poll_s=POLL_S)

        results[name] = measure(run_publish, args.runs, screens)

    def run_switch(n: int) -> FlowStats:
        return switch_account(new_phone(args.locale), "brand_two", poll_s=POLL_S)

    def run_preflight(n: int) -> FlowStats:
        return preflight(new_phone(args.locale), "brand_one", poll_s=POLL_S).stats

    def run_verify(n: int) -> FlowStats:
        phone = new_phone(args.locale)
        request = stage(phone, "carousel", ["image", "image"], n)
        publish(phone, request, lambda: None, poll_s=POLL_S)
        return counting(
            phone, lambda: verify_post(phone, "brand_one", request.marker, 2, poll_s=POLL_S)
        )

    results["switch_account"] = measure(run_switch, args.runs, OTHER["switch_account"])
    results["preflight"] = measure(run_preflight, args.runs, OTHER["preflight"])
    results["verify_post_carousel"] = measure(run_verify, args.runs, OTHER["verify_post_carousel"])
    doc = {
        "backend": "emulator.phone.SimPhone (in process, no faults)",
        "locale": args.locale,
        "runs": args.runs,
        "goal": "dumps <= screens + 2",
        "all_goals_met": all(r["goal_met"] for r in results.values()),
        "flows": results,
    }
    print(json.dumps(doc, indent=2))


if __name__ == "__main__":
    main()
