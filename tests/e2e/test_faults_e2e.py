"""What users must never see, through the whole stack: a post lost or published twice.

Each test runs the controller under uvicorn and an agent with one simulated phone whose
fault plan makes the real app's bad days happen at the right moment.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from controller.runtime import LocalFarm
from emulator.faults import FaultPlan
from farmcore.farmfile import FarmConfig
from tests.conftest import jpeg_bytes

pytestmark = pytest.mark.slow


def _farm(script: list[str]) -> FarmConfig:
    return FarmConfig.model_validate(
        {
            "agents": [
                {
                    "name": "faulty",
                    "poll_interval_s": 0.2,
                    "devices": [{"serial": "f-1", "driver": "sim", "faults": {"script": script}}],
                }
            ],
            "accounts": [{"username": "fault.shop", "device": "f-1", "password": "pw"}],
        }
    )


def _run_one_job(tmp_path: Path, script: list[str], until: set[str]) -> tuple[LocalFarm, dict]:
    farm = LocalFarm(
        _farm(script),
        tmp_path / "var",
        settings_overrides={"dispatch_interval_s": 0.3, "retry_backoff_s": 0.5},
    )
    farm.start()
    try:
        headers = {"Authorization": f"Bearer {farm.keys['scheduler']}"}
        with httpx.Client(base_url=farm.controller.url, headers=headers, timeout=30) as http:
            media = http.post(
                "/v1/media", files={"file": ("a.jpg", jpeg_bytes(1080, 1350, 7), "image/jpeg")}
            ).json()["id"]
            job = http.post(
                "/v1/jobs",
                json={
                    "account": "fault.shop",
                    "kind": "feed",
                    "media": [media],
                    "caption": "fault test",
                    "scheduled_at": datetime.now(UTC).isoformat(),
                },
            ).json()
            deadline = time.monotonic() + 90
            while True:
                # the account first: a completion changes both in one transaction, so a job
                # read after a held account is never older than it
                account = http.get("/v1/accounts/fault.shop").json()
                job = http.get(f"/v1/jobs/{job['id']}").json()
                if job["state"] in until or account["state"] != "active":
                    job["account_state"] = account["state"]
                    break
                assert time.monotonic() < deadline, job
                time.sleep(0.3)
    finally:
        farm.stop()
    return farm, job


def _posts(farm: LocalFarm) -> list:
    return farm.phones["f-1"].published("fault.shop")  # type: ignore[attr-defined]


def test_connection_lost_after_share_is_verified_not_reposted(tmp_path: Path) -> None:
    farm, job = _run_one_job(tmp_path, ["connection_lost"], {"published", "failed"})
    assert job["state"] == "published"
    assert len(_posts(farm)) == 1
    states = [e["to_state"] for e in job["events"] if e["type"] == "state"]
    assert "unknown" in states and states[-1] == "published"
    assert any(e["type"] == "verify_leased" for e in job["events"])


def test_upload_failure_is_verified_absent_then_published_once(tmp_path: Path) -> None:
    farm, job = _run_one_job(tmp_path, ["upload_failure"], {"published", "failed"})
    assert job["state"] == "published"
    assert len(_posts(farm)) == 1
    states = [e["to_state"] for e in job["events"] if e["type"] == "state"]
    assert states.count("unknown") == 1 and states[-1] == "published"


def test_action_blocked_holds_the_account_and_posts_nothing(tmp_path: Path) -> None:
    farm, job = _run_one_job(tmp_path, ["action_blocked"], {"published", "failed"})
    assert _posts(farm) == []
    # Share was tapped before the block showed: the job waits for verification, which runs
    # first once ops re-activate the account; it is neither failed nor retried blindly.
    assert job["state"] == "unknown" and job["account_state"] == "needs_auth"
    assert job["error"]["code"] == "action_blocked"
    evidence = [e["data"].get("evidence") for e in job["events"] if e["data"].get("evidence")]
    assert evidence and set(evidence[-1]) == {"screenshot", "hierarchy"}
    shot = tmp_path / "var" / "evidence" / evidence[-1]["screenshot"]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_popups_and_crash_still_publish_once(tmp_path: Path) -> None:
    farm, job = _run_one_job(
        tmp_path, ["popup_notifications", "permission_dialog", "app_crash"], {"published", "failed"}
    )
    assert job["state"] == "published", job.get("error")
    assert len(_posts(farm)) == 1


def test_logged_out_account_is_held_then_logged_in_by_ops_and_publishes(tmp_path: Path) -> None:
    farm = LocalFarm(_farm([]), tmp_path / "var", settings_overrides={"dispatch_interval_s": 0.3})
    farm.start()
    try:
        phone = farm.phones["f-1"]
        phone.set_faults(FaultPlan.script(["logged_out"]))  # type: ignore[attr-defined]
        scheduler = {"Authorization": f"Bearer {farm.keys['scheduler']}"}
        ops = {"Authorization": f"Bearer {farm.keys['ops']}"}
        with httpx.Client(base_url=farm.controller.url, timeout=30) as http:
            media = http.post(
                "/v1/media", files={"file": ("a.jpg", jpeg_bytes(1080, 1080, 9))}, headers=scheduler
            ).json()["id"]
            job = http.post(
                "/v1/jobs",
                json={
                    "account": "fault.shop",
                    "kind": "feed",
                    "media": [media],
                    "caption": "after login",
                    "scheduled_at": datetime.now(UTC).isoformat(),
                },
                headers=scheduler,
            ).json()

            def account() -> dict:
                return http.get("/v1/accounts/fault.shop", headers=ops).json()

            def job_state() -> str:
                return http.get(f"/v1/jobs/{job['id']}", headers=scheduler).json()["state"]

            # the agent's preflight may hold the account while the job's lease is running:
            # wait for both the hold and the job back in the queue
            deadline = time.monotonic() + 60
            while account()["state"] == "active" or job_state() in ("leased", "publishing"):
                assert time.monotonic() < deadline
                time.sleep(0.3)
            held = account()
            assert held["state"] == "needs_auth" and "auth_login_required" in held["state_reason"]
            assert job_state() == "scheduled"

            r = http.post("/v1/accounts/fault.shop/reauth", json={"login": True}, headers=ops)
            assert r.status_code == 200, r.text
            while (
                state := http.get(f"/v1/jobs/{job['id']}", headers=scheduler).json()["state"]
            ) != "published":
                assert state not in ("failed", "unknown") and time.monotonic() < deadline + 60, (
                    state
                )
                time.sleep(0.3)
            assert account()["state"] == "active"
    finally:
        farm.stop()
    assert [p.caption for p in _posts(farm)] == ["after login"]
