"""The scenario every real-phone backend must pass when its phone is not there: the agent
lists it offline, stays alive, publishes on its other phone, and never leases the absent
phone's jobs to it."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import httpx

from controller.keys import create_api_key
from controller.runtime import ControllerThread, declare_farm, settings_for
from controller.timeutil import utcnow
from device_agent.agent import DeviceAgent
from farmcore.farmfile import FarmConfig
from tests.conftest import jpeg_bytes


def _wait(check, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.3)


def absent_phone_is_offline_and_the_farm_serves(
    tmp_path: Path, absent: dict[str, Any], offline_within_s: float = 60
) -> None:
    serial = absent["serial"]
    farm = FarmConfig.model_validate(
        {
            "agents": [
                {
                    "name": "mixed",
                    "poll_interval_s": 0.2,
                    "devices": [absent, {"serial": "sim-ok", "driver": "sim"}],
                }
            ],
            "accounts": [
                {"username": "ok.account", "device": "sim-ok", "password": "pw"},
                {"username": "real.account", "device": serial, "password": "pw"},
            ],
        }
    )
    controller = ControllerThread(settings_for(farm, tmp_path / "var"))
    controller.start()
    stop = threading.Event()
    try:
        engine = controller.app.state.engine
        ops = create_api_key(engine, "ops", "t")
        declare_farm(controller.url, ops, farm)
        agent = DeviceAgent(
            farm,
            farm.agents[0],
            api_key=create_api_key(engine, "agent", "t", agent=farm.agents[0].name),
            work_dir=tmp_path / "agent",
            controller_url=controller.url,
        )
        thread = threading.Thread(target=agent.run, args=(stop,), daemon=True)
        thread.start()

        def statuses() -> dict[str, str]:
            devices = httpx.get(
                f"{controller.url}/v1/devices", headers={"Authorization": f"Bearer {ops}"}
            ).json()
            return {d["serial"]: d["status"] for d in devices}

        _wait(
            lambda: statuses() == {serial: "offline", "sim-ok": "idle"},
            offline_within_s,
            "the absent phone was not reported offline",
        )
        scheduler = create_api_key(engine, "scheduler", "t")
        with httpx.Client(
            base_url=controller.url, timeout=30, headers={"Authorization": f"Bearer {scheduler}"}
        ) as http:
            upload = http.post("/v1/media", files={"file": ("a.jpg", jpeg_bytes())})
            assert upload.status_code == 201, upload.text
            jobs = {}
            for account in ("ok.account", "real.account"):
                job = http.post(
                    "/v1/jobs",
                    json={
                        "account": account,
                        "kind": "feed",
                        "media": [upload.json()["id"]],
                        "scheduled_at": utcnow().isoformat(),
                    },
                )
                assert job.status_code == 201, job.text
                jobs[account] = job.json()["id"]

            def state(account: str) -> str:
                return http.get(f"/v1/jobs/{jobs[account]}").json()["state"]

            _wait(lambda: state("ok.account") == "published", 60, "the sim phone did not publish")
            assert state("real.account") == "scheduled"
        assert thread.is_alive()
    finally:
        stop.set()
        controller.stop()
