"""`farm up` as ops run it: one process, the repository's farm.yaml, keys printed, real jobs
published, a clean stop on SIGTERM, and the same keys on the next start."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from controller.runtime import free_port
from tests.conftest import jpeg_bytes

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
FARM = [sys.executable, "-c", "from controller.cli import main; main()"]


def _start(tmp_path: Path, port: int) -> tuple[subprocess.Popen, dict[str, str]]:
    proc = subprocess.Popen(
        [*FARM, "up", "--config", str(ROOT / "farm.yaml"), "--port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "FARM_DATA_DIR": str(tmp_path / "var")},
    )
    keys: dict[str, str] = {}
    deadline = time.monotonic() + 60
    assert proc.stdout is not None
    while len(keys) < 2:
        line = proc.stdout.readline()
        assert line and time.monotonic() < deadline, "farm up printed no keys"
        match = re.match(r"(scheduler|ops) key:\s+(\S+)", line)
        if match:
            keys[match.group(1)] = match.group(2)
    return proc, keys


def test_farm_up_publishes_and_stops_cleanly(tmp_path: Path) -> None:
    port = free_port()
    proc, keys = _start(tmp_path, port)
    try:
        with httpx.Client(
            base_url=f"http://127.0.0.1:{port}",
            timeout=30,
            headers={"Authorization": f"Bearer {keys['scheduler']}"},
        ) as http:
            media = http.post("/v1/media", files={"file": ("a.jpg", jpeg_bytes(1080, 1350, 5))})
            assert media.status_code == 201, media.text
            job = http.post(
                "/v1/jobs",
                json={
                    "account": "demo.florist",
                    "kind": "feed",
                    "media": [media.json()["id"]],
                    "caption": "hola desde farm up",
                    "scheduled_at": datetime.now(UTC).isoformat(),
                },
            ).json()
            deadline = time.monotonic() + 60
            while (state := http.get(f"/v1/jobs/{job['id']}").json()["state"]) != "published":
                assert state not in ("failed", "unknown") and time.monotonic() < deadline, state
                time.sleep(0.3)
            devices = {d["serial"]: d for d in http.get("/v1/devices").json()}
            assert set(devices) == {"sim-01", "sim-02", "sim-03"}
            assert all(d["agent"] == "rack-1" for d in devices.values())
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
    again, again_keys = _start(tmp_path, port)
    again.send_signal(signal.SIGTERM)
    again.wait(timeout=60)
    assert again_keys == keys
