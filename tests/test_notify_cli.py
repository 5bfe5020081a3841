"""`farm notify` and the background mail pass against a running controller (uvicorn, its own
scheduler) and a real SMTP server on loopback: a failed job's mail arrives on its own."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet

from controller.config import Settings
from controller.keys import create_api_key
from controller.mailcatch import MailCatcher
from controller.runtime import ControllerThread
from tests.conftest import jpeg_bytes

FARM = [str(Path(sys.executable).parent / "farm")]


@pytest.fixture
def farm(tmp_path: Path) -> Iterator[tuple[ControllerThread, dict[str, str], MailCatcher]]:
    with MailCatcher() as mail:
        settings = Settings(
            data_dir=tmp_path / "var",
            secret_keys=[Fernet.generate_key().decode()],
            dispatch_interval_s=0.2,
            smtp_host=mail.host,
            smtp_port=mail.port,
            smtp_from="igfarm <farm@example.com>",
            public_url="https://farm.example.com",
        )
        controller = ControllerThread(settings)
        controller.start()
        engine = controller.app.state.engine
        keys = {
            "ops": create_api_key(engine, "ops", "cli-ops"),
            "scheduler": create_api_key(engine, "scheduler", "cli-scheduler"),
            "agent": create_api_key(engine, "agent", "cli-agent", agent="rack-9"),
        }
        try:
            yield controller, keys, mail
        finally:
            controller.stop()


def _farm(controller: ControllerThread, key: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "FARM_URL": controller.url, "FARM_KEY": key}
    return subprocess.run(
        [*FARM, "notify", *args], env=env, capture_output=True, text=True, timeout=60
    )


def _fail_a_job(controller: ControllerThread, keys: dict[str, str]) -> int:
    ops = {"Authorization": f"Bearer {keys['ops']}"}
    scheduler = {"Authorization": f"Bearer {keys['scheduler']}"}
    with httpx.Client(base_url=controller.url, timeout=30) as http:
        http.put(
            "/v1/devices/sim-9", json={"serial": "sim-9", "driver": "sim"}, headers=ops
        ).raise_for_status()
        http.post(
            "/v1/accounts",
            json={"username": "cli.shop", "password": "pw-123456", "device": "sim-9"},
            headers=ops,
        ).raise_for_status()
        media = http.post(
            "/v1/media", files={"file": ("a.jpg", jpeg_bytes(seed=9))}, headers=scheduler
        ).json()["id"]
        job = http.post(
            "/v1/jobs",
            json={
                "account": "cli.shop",
                "kind": "feed",
                "media": [media],
                "caption": "x",
                "scheduled_at": datetime.now(UTC).isoformat(),
            },
            headers=scheduler,
        ).json()
        token = http.post(
            "/v1/agents/register",
            json={"name": "rack-9", "devices": [{"serial": "sim-9"}]},
            headers={"Authorization": f"Bearer {keys['agent']}"},
        ).json()["token"]
        agent = {"Authorization": f"Bearer {token}"}
        claimed = http.post("/v1/agents/claim", json={"idle": ["sim-9"]}, headers=agent).json()
        lease = claimed["leases"][0]["token"]
        http.post(
            f"/v1/leases/{lease}/complete",
            json={"outcome": "failed", "error_code": "media_rejected"},
            headers=agent,
        ).raise_for_status()
        return int(job["id"])


def test_notify_cli_and_the_background_mail_pass(farm) -> None:  # type: ignore[no-untyped-def]
    controller, keys, mail = farm
    key = keys["scheduler"]
    shown = _farm(controller, key, "show")
    assert shown.returncode == 0 and "mail      on" in shown.stdout
    r = _farm(controller, key, "set", "--email", "cli@example.com", "--language", "es")
    assert r.returncode == 0, r.stderr
    assert "email     cli@example.com" in r.stdout and "language  es" in r.stdout

    bad = _farm(controller, key, "set", "--language", "fr")
    assert bad.returncode == 1 and bad.stderr.startswith("error: invalid_field")
    assert len(bad.stderr.strip().splitlines()) == 1  # one line, no traceback
    missing = _farm(controller, key, "read", "999")
    assert missing.returncode == 1 and "notification_not_found" in missing.stderr

    job_id = _fail_a_job(controller, keys)
    deadline = time.monotonic() + 20
    while not mail.messages and time.monotonic() < deadline:
        time.sleep(0.1)
    (message,) = mail.messages  # the controller's own background pass sent it
    assert "no se pudo publicar" in message["Subject"] and f"#{job_id}" in message["Subject"]
    time.sleep(1)  # more passes: still one message
    assert len(mail.messages) == 1

    outbox = _farm(controller, key, "mail")
    assert outbox.returncode == 0 and "cli@example.com" in outbox.stdout
    assert " sent " in outbox.stdout
    listed = _farm(controller, key, "list", "--unread")
    assert listed.returncode == 0 and "job.failed" in listed.stdout
    assert listed.stdout.strip().endswith("1 unread")
    note_id = listed.stdout.splitlines()[2].split()[0]
    assert _farm(controller, key, "read", note_id).returncode == 0
    assert _farm(controller, key, "list", "--unread").stdout.strip().endswith("0 unread")
    assert _farm(controller, key, "read", "--all").stdout.startswith("marked 0 read")


def test_demo_prints_the_mail_it_caught(tmp_path: Path) -> None:
    """`farm demo`: the usual jobs publish, and the extra challenged account's mail is caught."""
    from controller.demo import run_demo
    from farmcore.farmfile import load

    lines: list[str] = []
    root = Path(__file__).resolve().parents[1]
    ok = run_demo(
        load(root / "farm.yaml"), jobs=2, kinds=("feed",), timeout_s=120, echo=lines.append
    )
    output = "\n".join(lines)
    assert ok, output
    assert "published 2/2" in lines[-1]
    assert "mail caught by the local SMTP server" in output
    assert "Subject: [igfarm] notify.demo: the account needs attention" in output
    assert "farm accounts reauth notify.demo" in output
    assert "in-app (1 unread): notify.demo" in output
