"""The whole path: controller under uvicorn on an ephemeral port, an agent with simulated
phones, jobs submitted over HTTP, and the simulated profiles checked post by post."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from controller.runtime import LocalFarm
from farmcore.farmfile import AccountConfig, FarmConfig
from tests.conftest import jpeg_bytes

pytestmark = pytest.mark.slow


def _farm() -> FarmConfig:
    return FarmConfig.model_validate(
        {
            "agents": [
                {
                    "name": "e2e",
                    "poll_interval_s": 0.2,
                    "devices": [
                        {"serial": "e2e-1", "driver": "sim", "locale": "en"},
                        {"serial": "e2e-2", "driver": "sim", "locale": "es"},
                    ],
                }
            ],
            "accounts": [
                {"username": "e2e.one", "device": "e2e-1", "password": "pw-one"},
                {"username": "e2e.two", "device": "e2e-2", "password": "pw-two"},
            ],
        }
    )


@pytest.fixture
def local_farm(tmp_path: Path):  # type: ignore[no-untyped-def]
    farm = LocalFarm(_farm(), tmp_path / "var", settings_overrides={"dispatch_interval_s": 0.3})
    farm.start()
    yield farm
    farm.stop()


def _wait(http: httpx.Client, ids: list[int], timeout: float = 120) -> list[dict]:
    deadline = time.monotonic() + timeout
    while True:
        jobs = [http.get(f"/v1/jobs/{i}").json() for i in ids]
        if all(j["state"] in ("published", "failed") for j in jobs):
            return jobs
        assert time.monotonic() < deadline, [(j["id"], j["state"]) for j in jobs]
        time.sleep(0.3)


def test_jobs_publish_once_each_on_the_right_profiles(local_farm: LocalFarm) -> None:
    headers = {"Authorization": f"Bearer {local_farm.keys['scheduler']}"}
    due = datetime.now(UTC) + timedelta(seconds=1)
    submitted = []
    with httpx.Client(base_url=local_farm.controller.url, headers=headers, timeout=30) as http:
        for n in range(4):
            account = ("e2e.one", "e2e.two")[n % 2]
            upload = http.post(
                "/v1/media",
                files={"file": (f"{n}.jpg", jpeg_bytes(1200, 1000, seed=n), "image/jpeg")},
            )
            assert upload.status_code == 201, upload.text
            body = {
                "account": account,
                "kind": "feed",
                "media": [upload.json()["id"]],
                "caption": f"e2e caption {n}",
                "scheduled_at": due.isoformat(),
            }
            r = http.post("/v1/jobs", json=body, headers={"Idempotency-Key": f"e2e-{n}"})
            assert r.status_code == 201, r.text
            again = http.post("/v1/jobs", json=body, headers={"Idempotency-Key": f"e2e-{n}"})
            assert again.json()["id"] == r.json()["id"]
            submitted.append((r.json()["id"], account, body["caption"]))
        jobs = _wait(http, [i for i, _, _ in submitted])

    assert [j["state"] for j in jobs] == ["published"] * 4, [j.get("error") for j in jobs]
    for job in jobs:
        types = [e["type"] for e in job["events"]]
        assert types.index("point_of_no_return") < len(types) - 1
        assert job["events"][-1]["to_state"] == "published"
    for username, serial in (("e2e.one", "e2e-1"), ("e2e.two", "e2e-2")):
        posts = local_farm.phones[serial].published(username)  # type: ignore[attr-defined]
        expected = sorted(c for _, a, c in submitted if a == username)
        assert sorted(p.caption for p in posts) == expected
        assert all(p.kind == "feed" and p.item_count == 1 for p in posts)


def test_preflight_results_reach_the_controller_and_hold_unfit_accounts(tmp_path: Path) -> None:
    config = _farm()
    config.accounts.append(
        AccountConfig(username="e2e.new", device="e2e-1", password="pw", existing_posts=2)
    )
    farm = LocalFarm(config, tmp_path / "var", settings_overrides={"dispatch_interval_s": 0.3})
    farm.start()
    try:
        headers = {"Authorization": f"Bearer {farm.keys['ops']}"}
        with httpx.Client(base_url=farm.controller.url, headers=headers, timeout=30) as http:
            deadline = time.monotonic() + 60
            while True:
                accounts = {a["username"]: a for a in http.get("/v1/accounts").json()}
                if all(a["preflight"] for a in accounts.values()):
                    break
                assert time.monotonic() < deadline, accounts
                time.sleep(0.3)
    finally:
        farm.stop()
    fit = accounts["e2e.two"]
    assert fit["state"] == "active" and fit["preflight"]["ok"] is True
    assert fit["preflight"]["checks"]["logged_in"] is True
    assert fit["preflight"]["checks"]["posts"] >= 5
    unfit = accounts["e2e.new"]
    assert unfit["preflight"]["ok"] is False
    assert unfit["preflight"]["code"] == "account_too_few_posts"
    assert unfit["state"] == "needs_auth" and "account_too_few_posts" in unfit["state_reason"]
