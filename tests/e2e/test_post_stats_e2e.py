"""Post statistics end to end: controller under uvicorn, an agent with simulated phones (en and
es); a job is published by the farm, an idle phone then reads its account's counters, and the
API serves them matched to the job, as the simulated profile shows them."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from controller.runtime import LocalFarm
from farmcore.farmfile import FarmConfig
from tests.conftest import jpeg_bytes

pytestmark = pytest.mark.slow


def _farm() -> FarmConfig:
    return FarmConfig.model_validate(
        {
            "agents": [
                {
                    "name": "stats",
                    "poll_interval_s": 0.2,
                    "devices": [
                        {"serial": "st-1", "driver": "sim", "locale": "en"},
                        {"serial": "st-2", "driver": "sim", "locale": "es"},
                    ],
                }
            ],
            "accounts": [
                {"username": "st.one", "device": "st-1", "password": "pw-one"},
                {"username": "st.two", "device": "st-2", "password": "pw-two"},
            ],
        }
    )


@pytest.fixture
def local_farm(tmp_path: Path):  # type: ignore[no-untyped-def]
    overrides = {"dispatch_interval_s": 0.3, "stats_interval_s": 2.0, "stats_margin_s": 1.0}
    farm = LocalFarm(_farm(), tmp_path / "var", settings_overrides=overrides)
    farm.start()
    yield farm
    farm.stop()


def _until(what, timeout: float = 90):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        value = what()
        if value:
            return value
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.3)


@pytest.mark.parametrize("account", ["st.one", "st.two"])
def test_published_job_gets_its_counters(local_farm: LocalFarm, account: str) -> None:
    headers = {"Authorization": f"Bearer {local_farm.keys['scheduler']}"}
    serial = {"st.one": "st-1", "st.two": "st-2"}[account]
    with httpx.Client(base_url=local_farm.controller.url, headers=headers, timeout=30) as http:
        upload = http.post(
            "/v1/media", files={"file": ("a.jpg", jpeg_bytes(1200, 1000), "image/jpeg")}
        )
        assert upload.status_code == 201, upload.text
        caption = f"Counting likes on {account}"
        job = http.post(
            "/v1/jobs",
            json={
                "account": account,
                "kind": "feed",
                "media": [upload.json()["id"]],
                "caption": caption,
                "scheduled_at": (datetime.now(UTC) + timedelta(seconds=1)).isoformat(),
            },
        ).json()
        _until(lambda: http.get(f"/v1/jobs/{job['id']}").json()["state"] == "published")
        stats = _until(
            lambda: (r := http.get(f"/v1/jobs/{job['id']}/stats").json())["latest"] and r
        )
        phone = local_farm.phones[serial]
        post = phone.app.accounts[account].profile[0]  # type: ignore[attr-defined]
        assert post.caption == caption
        latest = stats["latest"]
        assert (latest["likes"], latest["comments"] or 0) == (post.likes, post.comments)
        assert latest["kind"] == "feed" and latest["posted_at"] is not None

        summary = http.get(f"/v1/accounts/{account}/stats").json()
        assert summary["totals"]["posts"] >= 2 and summary["last_read_at"] is not None
        csv_text = http.get(f"/v1/accounts/{account}/stats.csv").text
        assert csv_text.splitlines()[0].startswith("read_at,account,job_id")
        assert f",{job['id']},feed," in csv_text


FARM = [str(Path(sys.executable).parent / "farm")]  # the installed script


def _farm_cli(local_farm: LocalFarm, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, FARM_URL=local_farm.controller.url, FARM_KEY=local_farm.keys["ops"])
    return subprocess.run([*FARM, *args], capture_output=True, text=True, env=env, timeout=60)


def test_farm_stats_cli(local_farm: LocalFarm, tmp_path: Path) -> None:
    headers = {"Authorization": f"Bearer {local_farm.keys['ops']}"}
    with httpx.Client(base_url=local_farm.controller.url, headers=headers, timeout=30) as http:
        _until(lambda: http.get("/v1/accounts/st.one/stats").json()["last_read_at"])

    shown = _farm_cli(local_farm, "stats", "st.one")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("st.one: ") and "top posts:" in shown.stdout
    assert "kind" in shown.stdout and "feed" in shown.stdout

    target = tmp_path / "st-one.csv"
    saved = _farm_cli(local_farm, "stats", "st.one", "--csv", str(target))
    assert saved.returncode == 0, saved.stderr
    rows = target.read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("read_at,account,job_id,kind") and len(rows) > 1
    assert saved.stdout.strip() == f"wrote {target} ({len(rows) - 1} readings)"

    missing = _farm_cli(local_farm, "stats", "nobody")
    assert missing.returncode == 1 and missing.stdout == ""
    assert missing.stderr.startswith("error: account_not_found:")
    assert len(missing.stderr.strip().splitlines()) == 1
    unwritable = _farm_cli(local_farm, "stats", "st.one", "--csv", str(tmp_path / "no" / "x.csv"))
    assert unwritable.returncode == 1 and unwritable.stderr.startswith("error: cannot write")
