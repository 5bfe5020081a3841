"""The flow suite on a real phone or emulator (QA): skipped unless `--device SERIAL` is given.

    emulator/avd.sh create && emulator/avd.sh boot     # or plug a phone in
    pytest tests/flows/test_real_device.py --device emulator-5554 --account qa.shop

It publishes a REAL post (a generated image with a unique marker) on `--account`: use a QA
account. The pushed file is deleted afterwards; the post stays on the profile.
"""

from __future__ import annotations

import io
import os
import random
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from flows import PublishRequest, login, preflight, publish, verify_post
from flows.driver import Driver, media_scan_command

REMOTE_DIR = "/sdcard/DCIM/igfarm"
SETTLE_S = 0.6  # let animations finish between a tap and the next dump


def qa_image(seed: int) -> bytes:
    """1080×1350 (4:5) JPEG, different every run so the gallery's newest item is this one."""
    rnd = random.Random(seed)
    image = Image.new("RGB", (1080, 1350), tuple(rnd.randrange(40, 220) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rnd.randrange(0, 900), rnd.randrange(0, 1150)
        draw.rectangle((x, y, x + 180, y + 200), fill=tuple(rnd.randrange(256) for _ in range(3)))
    draw.text((60, 60), f"igfarm QA {seed}", fill=(255, 255, 255))
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=90)
    return buf.getvalue()


@pytest.fixture
def pushed_image(real_driver: Driver, tmp_path: Path) -> Iterator[tuple[str, int]]:
    stamp = int(time.time())
    local = tmp_path / f"qa-{stamp}.jpg"
    local.write_bytes(qa_image(stamp))
    remote = f"{REMOTE_DIR}/qa-{stamp}.jpg"
    real_driver.shell(f"mkdir -p {REMOTE_DIR}")
    real_driver.push_file(str(local), remote)
    real_driver.shell(media_scan_command(remote))
    yield remote, stamp
    real_driver.shell(f"rm -f {remote}")
    real_driver.shell(media_scan_command(remote))


def test_login_on_the_device(real_driver: Driver, device_account: str) -> None:
    """A fresh emulator (CI) has nobody logged in: with `IG_QA_PASSWORD` set, the login flow
    logs `--account` in first (the tests run in file order). Without it, the account must
    already be logged in by hand."""
    password = os.environ.get("IG_QA_PASSWORD")
    if not password:
        pytest.skip("IG_QA_PASSWORD not set: the account is expected to be logged in already")
    login(real_driver, device_account, password, settle_s=SETTLE_S)


def test_preflight_on_the_device(real_driver: Driver, device_account: str) -> None:
    result = preflight(real_driver, device_account)
    assert result.logged_in and result.active_username, result.problems
    assert result.ok, f"{device_account}: {result.problems}"


def test_publish_a_feed_image_then_verify_it(
    real_driver: Driver, device_account: str, pushed_image: tuple[str, int]
) -> None:
    remote, stamp = pushed_image
    marker = f"#igqa{stamp}"
    request = PublishRequest(
        kind="feed",
        username=device_account,
        caption=f"igfarm QA run {marker}",
        media_types=["image"],
        remote_paths=[remote],
        marker=marker,
    )
    announced: list[float] = []
    stats = publish(real_driver, request, lambda: announced.append(time.time()), settle_s=SETTLE_S)
    assert len(announced) == 1
    print(f"publish: {stats.dumps} dumps, {stats.taps} taps, screens {stats.screens}")
    assert verify_post(real_driver, device_account, marker, 1, kind="feed")
