"""The farm as ops deploy it: controller, agent and phone host as separate processes, the
controller on PostgreSQL. An agent killed in the middle of a publish loses nothing and
publishes nothing twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import yaml

from controller.runtime import declare_farm, free_port
from emulator.client import RemotePhone
from farmcore.farmfile import load
from tests.conftest import (
    drop_postgres_database,
    fresh_postgres_database,
    jpeg_bytes,
    postgres_available,
)

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
FARM = [sys.executable, "-c", "from controller.cli import main; main()"]


def _wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not come up")


class Farm:
    def __init__(self, tmp: Path, db_url: str) -> None:
        self.tmp = tmp
        self.controller_port = free_port()
        self.phone_port = free_port()
        self.config = tmp / "farm.yaml"
        phones = f"http://127.0.0.1:{self.phone_port}"
        self.config.write_text(
            yaml.safe_dump(
                {
                    "controller": {
                        "url": f"http://127.0.0.1:{self.controller_port}",
                        "port": self.controller_port,
                    },
                    "agents": [
                        {
                            "name": "rack-p",
                            "poll_interval_s": 0.2,
                            "devices": [
                                {"serial": "p-1", "driver": "sim", "sim_url": phones},
                                {
                                    "serial": "p-2",
                                    "driver": "sim",
                                    "sim_url": phones,
                                    "locale": "es",
                                },
                            ],
                        }
                    ],
                    "accounts": [
                        {"username": "proc.one", "device": "p-1", "password": "pw1"},
                        {"username": "proc.two", "device": "p-2", "password": "pw2"},
                    ],
                }
            )
        )
        self.env = {
            **os.environ,
            "FARM_DATABASE_URL": db_url,
            "FARM_DATA_DIR": str(tmp / "var"),
            "FARM_DISPATCH_INTERVAL": "0.3",
            "FARM_LEASE_TTL": "4",
        }
        self.procs: dict[str, subprocess.Popen] = {}
        self.url = f"http://127.0.0.1:{self.controller_port}"

    def key(self, role: str, *extra: str) -> str:
        out = subprocess.run(
            [*FARM, "keys", "create", "--role", role, *extra],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            cwd=self.tmp,
        )
        assert out.returncode == 0, out.stderr
        return out.stdout.strip()

    def start(self, name: str, *args: str, env: dict[str, str] | None = None) -> None:
        log = (self.tmp / f"{name}.log").open("w")
        self.procs[name] = subprocess.Popen(
            [*FARM, *args, "--config", str(self.config)],
            env={**self.env, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=self.tmp,
        )

    def stop(self, name: str, sig: int = signal.SIGTERM) -> None:
        proc = self.procs.pop(name)
        proc.send_signal(sig)
        proc.wait(timeout=30)

    def stop_all(self) -> None:
        for name in list(self.procs):
            self.stop(name)


@pytest.fixture
def farm(tmp_path: Path) -> Iterator[Farm]:
    if not postgres_available():
        pytest.fail("PostgreSQL is not reachable on 127.0.0.1:5432 (.ci/run starts it)")
    db_url, admin, name = fresh_postgres_database()
    f = Farm(tmp_path, db_url)
    try:
        f.start("phones", "emulator", "serve", "--port", str(f.phone_port))
        _wait_http(f"http://127.0.0.1:{f.phone_port}/phones")
        f.agent_key = f.key("agent", "--agent", "rack-p")  # type: ignore[attr-defined]
        f.scheduler_key = f.key("scheduler")  # type: ignore[attr-defined]
        ops_key = f.key("ops")
        f.start("controller", "controller")
        _wait_http(f"{f.url}/healthz")
        declare_farm(f.url, ops_key, load(f.config))
        f.start("agent", "agent", env={"FARM_AGENT_KEY": f.agent_key})  # type: ignore[attr-defined]
        yield f
    finally:
        f.stop_all()
        drop_postgres_database(admin, name)


def _submit(http: httpx.Client, account: str, caption: str, seed: int) -> int:
    media = http.post("/v1/media", files={"file": ("a.jpg", jpeg_bytes(1080, 1080, seed))})
    assert media.status_code == 201, media.text
    r = http.post(
        "/v1/jobs",
        json={
            "account": account,
            "kind": "feed",
            "caption": caption,
            "media": [media.json()["id"]],
            "scheduled_at": datetime.now(UTC).isoformat(),
        },
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


def _wait_state(http: httpx.Client, job_id: int, states: set[str], timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        job = http.get(f"/v1/jobs/{job_id}").json()
        if job["state"] in states:
            return job
        assert time.monotonic() < deadline, (job["state"], [e["type"] for e in job["events"]])
        time.sleep(0.2)


def test_separate_processes_on_postgres_and_agent_killed_mid_publish(farm: Farm) -> None:
    headers = {"Authorization": f"Bearer {farm.scheduler_key}"}  # type: ignore[attr-defined]
    phones = f"http://127.0.0.1:{farm.phone_port}"
    with httpx.Client(base_url=farm.url, headers=headers, timeout=30) as http:
        first = _submit(http, "proc.one", "first over processes", 1)
        second = _submit(http, "proc.two", "segundo por procesos", 2)
        for job_id in (first, second):
            assert _wait_state(http, job_id, {"published", "failed"})["state"] == "published"

        victim = _submit(http, "proc.one", "agent killed here", 3)
        deadline = time.monotonic() + 60
        while True:
            events = [e["type"] for e in http.get(f"/v1/jobs/{victim}").json()["events"]]
            if "point_of_no_return" in events:
                break
            assert time.monotonic() < deadline, events
            time.sleep(0.05)
        farm.stop("agent", signal.SIGKILL)
        farm.start("agent", "agent", env={"FARM_AGENT_KEY": farm.agent_key})  # type: ignore[attr-defined]
        job = _wait_state(http, victim, {"published", "failed"})

    assert job["state"] == "published"
    states = [e["to_state"] for e in job["events"] if e["type"] == "state"]
    assert "unknown" in states, states
    one = RemotePhone(phones, "p-1").published("proc.one")
    two = RemotePhone(phones, "p-2").published("proc.two")
    assert sorted(p.caption for p in one) == ["agent killed here", "first over processes"]
    assert [p.caption for p in two] == ["segundo por procesos"]
