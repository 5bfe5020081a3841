"""Best time to post end to end: a controller under uvicorn, an agent with simulated phones.
An idle phone reads its professional account's Most active times (an insights lease run by the
agent's worker through flows/insights.py); a personal account's phone says it has none and the
controller keeps the estimate; a job with scheduled_at "best" gets the read hour."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from controller.runtime import LocalFarm
from farmcore.farmfile import FarmConfig
from tests.conftest import jpeg_bytes

pytestmark = pytest.mark.slow
FARM = [str(Path(sys.executable).parent / "farm")]  # the installed script


def _farm() -> FarmConfig:
    return FarmConfig.model_validate(
        {
            "agents": [
                {
                    "name": "bt",
                    "poll_interval_s": 0.2,
                    "devices": [
                        {"serial": "bt-1", "driver": "sim", "locale": "en"},
                        {"serial": "bt-2", "driver": "sim", "locale": "es"},
                    ],
                }
            ],
            "accounts": [
                {"username": "bt.pro", "device": "bt-1", "password": "pw-one"},
                {
                    "username": "bt.personal",
                    "device": "bt-2",
                    "password": "pw-two",
                    "professional": False,
                },
            ],
        }
    )


def test_idle_phones_read_the_audience_and_best_uses_it(tmp_path: Path) -> None:
    farm = LocalFarm(_farm(), tmp_path / "var", settings_overrides={"dispatch_interval_s": 0.3})
    farm.start()
    try:
        headers = {"Authorization": f"Bearer {farm.keys['scheduler']}"}
        with httpx.Client(base_url=farm.controller.url, headers=headers, timeout=30) as http:
            deadline = time.monotonic() + 90
            while True:
                seen = {
                    name: http.get(f"/v1/accounts/{name}/audience").json()
                    for name in ("bt.pro", "bt.personal")
                }
                if seen["bt.pro"]["source"] == "insights" and seen["bt.personal"]["note"]:
                    break
                assert time.monotonic() < deadline, seen
                time.sleep(0.3)
            upload = http.post(
                "/v1/media", files={"file": ("a.jpg", jpeg_bytes(1080, 1080, 1), "image/jpeg")}
            )
            assert upload.status_code == 201, upload.text
            expected = http.get("/v1/accounts/bt.pro/audience").json()["next_best_at"]
            job = http.post(
                "/v1/jobs",
                json={
                    "account": "bt.pro",
                    "kind": "feed",
                    "media": [upload.json()["id"]],
                    "caption": "at the best time",
                    "scheduled_at": "best",
                },
            ).json()
        env = {**os.environ, "FARM_URL": farm.controller.url, "FARM_KEY": farm.keys["scheduler"]}
        shown = subprocess.run(
            [*FARM, "audience", "bt.pro"], env=env, capture_output=True, text=True, timeout=60
        )
        refreshed = subprocess.run(
            [*FARM, "audience", "bt.personal", "--refresh"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        unknown = subprocess.run(
            [*FARM, "audience", "nobody"], env=env, capture_output=True, text=True, timeout=60
        )
    finally:
        farm.stop()
    pro, personal = seen["bt.pro"], seen["bt.personal"]
    assert pro["read_at"] is not None and max(pro["by_hour"]) == 100.0
    # the simulated account's seeded activity: the busiest 3-hour block, each of its hours
    peak = pro["by_hour"].index(100.0)
    assert pro["by_hour"][peak - peak % 3 : peak - peak % 3 + 3] == [100.0] * 3
    assert personal["source"] in ("estimate", "default")
    assert "insights_unavailable" in personal["note"]
    assert job["best_time_source"] == "insights" and job["scheduled_at_requested"] == "best"
    assert job["scheduled_at"] == expected  # what the audience endpoint announced
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("bt.pro: insights (read ")
    assert f"next best time: {expected}" in shown.stdout
    assert len([line for line in shown.stdout.splitlines() if line.startswith("  ")]) == 31
    assert refreshed.returncode == 0 and "refresh asked" in refreshed.stdout
    assert unknown.returncode == 1 and unknown.stdout == ""
    assert unknown.stderr.strip() == "error: account_not_found: no account 'nobody'"
