"""Ops at the terminal: `farm devices`, `farm accounts`, `farm jobs show|evidence` against a
running farm, and clear one-line errors."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from controller.runtime import LocalFarm
from farmcore.farmfile import FarmConfig
from tests.conftest import jpeg_bytes

FARM = [str(Path(sys.executable).parent / "farm")]  # the installed script
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def blocked_farm(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    config = FarmConfig.model_validate(
        {
            "agents": [
                {
                    "name": "ops-cli",
                    "poll_interval_s": 0.2,
                    "devices": [
                        {
                            "serial": "cli-1",
                            "driver": "sim",
                            "faults": {"script": ["action_blocked"]},
                        }
                    ],
                }
            ],
            "accounts": [{"username": "cli.shop", "device": "cli-1", "password": "pw"}],
        }
    )
    farm = LocalFarm(
        config,
        tmp_path_factory.mktemp("ops") / "var",
        settings_overrides={"dispatch_interval_s": 0.3},
    )
    farm.start()
    headers = {"Authorization": f"Bearer {farm.keys['scheduler']}"}
    with httpx.Client(base_url=farm.controller.url, headers=headers, timeout=30) as http:
        media = http.post("/v1/media", files={"file": ("a.jpg", jpeg_bytes(seed=3))}).json()["id"]
        job = http.post(
            "/v1/jobs",
            json={
                "account": "cli.shop",
                "kind": "feed",
                "media": [media],
                "caption": "cli",
                "scheduled_at": datetime.now(UTC).isoformat(),
            },
        ).json()
        deadline = time.monotonic() + 60
        while http.get(f"/v1/jobs/{job['id']}").json()["error"] is None:
            assert time.monotonic() < deadline
            time.sleep(0.3)
    yield farm, job["id"]
    farm.stop()


def _farm_cli(
    farm: LocalFarm, *args: str, key: str | None = None, stdin: str = "", cwd: Path | None = None
) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "FARM_URL": farm.controller.url,
        "FARM_KEY": key if key is not None else farm.keys["ops"],
    }
    return subprocess.run(
        [*FARM, *args], env=env, capture_output=True, text=True, input=stdin, timeout=120, cwd=cwd
    )


def test_ops_see_phones_accounts_and_why_a_job_failed(blocked_farm, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    farm, job_id = blocked_farm
    devices = _farm_cli(farm, "devices")
    assert devices.returncode == 0 and "cli-1" in devices.stdout and "ops-cli" in devices.stdout
    accounts = _farm_cli(farm, "accounts", "list")
    assert "cli.shop" in accounts.stdout and "needs_auth" in accounts.stdout
    assert "action_blocked" in accounts.stdout
    show = _farm_cli(farm, "jobs", "show", str(job_id))
    assert show.returncode == 0
    assert "error: action_blocked" in show.stdout and "point_of_no_return" in show.stdout
    evidence = _farm_cli(farm, "jobs", "evidence", str(job_id), "-o", str(tmp_path))
    assert evidence.returncode == 0, evidence.stderr
    files = sorted(tmp_path.iterdir())
    assert [f.suffix for f in files] == [".png", ".xml"]
    assert files[0].read_bytes()[:4] == b"\x89PNG" and "<hierarchy" in files[1].read_text()
    status = _farm_cli(farm, "status")
    assert status.returncode == 0 and "accounts needing auth 1" in status.stdout
    released = _farm_cli(farm, "accounts", "reauth", "cli.shop")
    assert released.returncode == 0 and "cli.shop: active" in released.stdout


def test_errors_are_one_line(blocked_farm) -> None:  # type: ignore[no-untyped-def]
    farm, _ = blocked_farm
    for args, key, expected in (
        (("jobs", "show", "9999"), None, "error: job_not_found"),
        (("devices",), "fk_ops_wrong", "error: unauthorized"),
        (("devices",), "", "error: FARM_KEY is not set"),
    ):
        result = _farm_cli(farm, *args, key=key)
        assert result.returncode == 1, result
        assert result.stderr.strip().startswith(expected) and "\n" not in result.stderr.strip()


def test_device_actions_from_the_terminal(blocked_farm) -> None:  # type: ignore[no-untyped-def]
    farm, _ = blocked_farm
    drained = _farm_cli(farm, "devices", "drain", "cli-1", "--reason", "cable swap")
    assert drained.returncode == 0, drained.stderr
    assert drained.stdout.startswith("cli-1: draining (cable swap")
    listed = _farm_cli(farm, "devices")
    assert "draining (cable swap" in listed.stdout
    again = _farm_cli(farm, "devices", "quarantine", "cli-1", "-r", "flaky USB")
    assert "cli-1: quarantined (flaky USB" in again.stdout
    refused = _farm_cli(farm, "devices", "drain", "cli-1")
    assert refused.returncode == 1
    assert refused.stderr.strip().startswith("error: device_quarantined: ")
    released = _farm_cli(farm, "devices", "release", "cli-1")
    assert released.stdout.strip() == "cli-1: active"
    reboot = _farm_cli(farm, "devices", "reboot", "cli-1")
    assert reboot.returncode == 0 and "reboot requested" in reboot.stdout
    missing = _farm_cli(farm, "devices", "reboot", "nope")
    assert missing.returncode == 1 and "error: device_not_found" in missing.stderr
    scheduler = _farm_cli(farm, "devices", "drain", "cli-1", key=farm.keys["scheduler"])
    assert scheduler.returncode == 1 and "error: forbidden" in scheduler.stderr


def test_devices_move(blocked_farm) -> None:  # type: ignore[no-untyped-def]
    farm, _ = blocked_farm
    bad = _farm_cli(farm, "devices", "move", "nope", "--to", "rack-2")
    assert bad.returncode == 1 and bad.stderr.startswith("error: device_not_found")
    denied = _farm_cli(farm, "devices", "move", "cli-1", "--to", "x", key=farm.keys["scheduler"])
    assert denied.returncode == 1 and denied.stderr.startswith("error: forbidden")
    moved = _farm_cli(farm, "devices", "move", "cli-1", "--to", "ops-cli")  # to its own agent
    assert moved.returncode == 0 and "cli-1 now belongs to agent ops-cli" in moved.stdout
