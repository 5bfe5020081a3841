"""Helpers to run flows against the simulated phone (emulator.phone.SimPhone)."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field

from PIL import Image

from emulator.accounts import SimAccount
from emulator.faults import FaultPlan
from emulator.phone import SimPhone
from flows.driver import media_scan_command
from flows.request import MediaType, PostKind, PublishRequest

SPEED = 40.0  # simulated seconds per real second: uploads take ~15–25 ms
POLL_S = 0.02
USERS = ["brand_one", "brand_two", "brand_three"]


def jpeg(seed: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 80), ((seed * 37) % 256, (seed * 91) % 256, 120)).save(buf, "JPEG")
    return buf.getvalue()


def mp4(seed: int, seconds: int = 12) -> bytes:
    """A minimal MP4-looking file: ftyp box and an mvhd with the duration."""
    ftyp = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
    body = b"\x00\x00\x00\x00" + b"\x00" * 8 + (1000).to_bytes(4, "big")
    body += (seconds * 1000).to_bytes(4, "big") + b"\x00" * 80
    mvhd = (8 + len(body)).to_bytes(4, "big") + b"mvhd" + body
    moov = (8 + len(mvhd)).to_bytes(4, "big") + b"moov" + mvhd
    return ftyp + moov + seed.to_bytes(4, "big")


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def new_phone(
    locale: str = "en",
    faults: FaultPlan | None = None,
    *,
    accounts: list[SimAccount] | None = None,
    start_app: bool = True,
    serial: str = "sim-flows",
    speed: float = SPEED,
    layout: str = "2025",
) -> SimPhone:
    phone = SimPhone(
        serial,
        locale=locale,
        layout=layout,
        seed=7,
        speed=speed,
        faults=faults,
        accounts=accounts or [SimAccount(u) for u in USERS],
    )
    if start_app:
        phone.app_start("com.instagram.android")
    return phone


@dataclass
class Job:
    request: PublishRequest
    sha256: list[str]
    ponr_calls: list[int] = field(default_factory=list)

    def on_point_of_no_return(self) -> None:
        self.ponr_calls.append(1)


_counter = [0]


def stage(
    phone: SimPhone,
    kind: PostKind,
    types: list[MediaType],
    *,
    username: str = "brand_one",
    caption: str = "Fresh from the farm",
) -> Job:
    """Push and media-scan the job's files in order, like the agent does."""
    _counter[0] += 1
    n = _counter[0]
    marker = f"#ig{n:05d}"
    paths, digests = [], []
    for i, media_type in enumerate(types):
        data = jpeg(n * 11 + i) if media_type == "image" else mp4(n * 11 + i)
        ext = "jpg" if media_type == "image" else "mp4"
        path = f"/sdcard/DCIM/igfarm/job{n}-{i + 1}.{ext}"
        phone.push_bytes(data, path)
        phone.shell(media_scan_command(path))
        paths.append(path)
        digests.append(sha(data))
    request = PublishRequest(
        kind=kind,
        username=username,
        caption=f"{caption} {marker}" if kind != "story" else "",
        media_types=list(types),
        remote_paths=paths,
        marker=marker,
    )
    return Job(request=request, sha256=digests)


KINDS: dict[str, tuple[PostKind, list[MediaType]]] = {
    "feed_image": ("feed", ["image"]),
    "feed_video": ("feed", ["video"]),
    "carousel": ("carousel", ["image", "video", "image"]),
    "story_image": ("story", ["image"]),
    "story_video": ("story", ["video"]),
    "reel": ("reel", ["video"]),
}
