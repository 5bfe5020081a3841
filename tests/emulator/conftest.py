from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image

from emulator.accounts import SimAccount
from emulator.phone import SimPhone

SCAN = "am broadcast -a android.intent.action.MEDIA_SCANNER_SCAN_FILE -d file://{path}"


def jpeg(color=(200, 30, 30), size=(1080, 1350)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "JPEG")
    return buf.getvalue()


def mp4(seconds: int = 15, salt: bytes = b"") -> bytes:
    """A minimal MP4-looking file: ftyp box and an mvhd with the duration."""
    ftyp = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
    mvhd_body = b"\x00\x00\x00\x00" + b"\x00" * 8 + (1000).to_bytes(4, "big")
    mvhd_body += (seconds * 1000).to_bytes(4, "big") + b"\x00" * 80
    mvhd = (8 + len(mvhd_body)).to_bytes(4, "big") + b"mvhd" + mvhd_body
    moov = (8 + len(mvhd)).to_bytes(4, "big") + b"moov" + mvhd
    return ftyp + moov + salt


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def push_scan(phone, data: bytes, path: str) -> None:
    phone.push_bytes(data, path)
    phone.shell(SCAN.format(path=path))


@pytest.fixture
def phone() -> SimPhone:
    return SimPhone(
        "sim-test",
        layout="legacy",
        seed=1,
        speed=20.0,
        accounts=[SimAccount("brand_one"), SimAccount("brand_two", posts=3)],
    )
