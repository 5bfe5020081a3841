"""Real phones through real adb (the server shipped in adbutils' wheel). No phone is plugged
into CI machines, so this checks what ops see then: the phone listed offline, the agent alive
and serving its other phones."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest

from controller.keys import create_api_key
from controller.runtime import ControllerThread, declare_farm, settings_for
from device_agent.agent import DeviceAgent
from device_agent.config import FarmConfig
from device_agent.drivers.u2 import U2Driver
from tests.conftest import jpeg_bytes

ABSENT = "R58M00ABSENT"


def test_u2_driver_names_the_missing_device() -> None:
    with pytest.raises(ConnectionError, match=f"{ABSENT} is not attached to adb"):
        U2Driver(ABSENT).shell("dumpsys battery")


def test_agent_reports_unplugged_phone_offline_and_keeps_serving(tmp_path: Path) -> None:
    farm = FarmConfig.model_validate(
        {
            "agents": [
                {
                    "name": "mixed",
                    "poll_interval_s": 0.2,
                    "devices": [
                        {"serial": ABSENT, "driver": "u2"},
                        {"serial": "sim-ok", "driver": "sim"},
                    ],
                }
            ],
            "accounts": [
                {"username": "ok.account", "device": "sim-ok", "password": "pw"},
                {"username": "real.account", "device": ABSENT, "password": "pw"},
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
            api_key=create_api_key(engine, "agent", "t"),
            work_dir=tmp_path / "agent",
            controller_url=controller.url,
        )
        thread = threading.Thread(target=agent.run, args=(stop,), daemon=True)
        thread.start()
        deadline = time.monotonic() + 60
        while True:
            devices = httpx.get(
                f"{controller.url}/v1/devices", headers={"Authorization": f"Bearer {ops}"}
            ).json()
            status = {d["serial"]: d["status"] for d in devices}
            if status.get(ABSENT) == "offline" and status.get("sim-ok") == "idle":
                break
            assert time.monotonic() < deadline, status
            time.sleep(0.3)
        assert thread.is_alive()
        # a due job for the unplugged phone's account waits; it is never leased to it
        scheduler = create_api_key(engine, "scheduler", "t")
        with httpx.Client(
            base_url=controller.url, timeout=30, headers={"Authorization": f"Bearer {scheduler}"}
        ) as http:
            upload = http.post("/v1/media", files={"file": ("a.jpg", jpeg_bytes())})
            assert upload.status_code == 201, upload.text
            media = upload.json()["id"]
            job = http.post(
                "/v1/jobs",
                json={
                    "account": "real.account",
                    "kind": "feed",
                    "media": [media],
                    "scheduled_at": "2020-01-01T00:00:00Z",
                },
            )
            assert job.status_code == 201, job.text
            job = job.json()
            time.sleep(2)
            assert http.get(f"/v1/jobs/{job['id']}").json()["state"] == "scheduled"
    finally:
        stop.set()
        controller.stop()
