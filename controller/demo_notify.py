"""The notification part of `farm demo`: a local SMTP server catches the mail, one extra
simulated phone has an account Instagram stops (a "confirm it's you" challenge), and the
demo's scheduler key is subscribed. At the end the caught mail is printed."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import httpx

from controller.mailcatch import MailCatcher
from farmcore.farmfile import FarmConfig

SERIAL = "sim-notify"
USERNAME = "notify.demo"
ADDRESS = "you@example.com"
FAULT = "challenge"  # emulator/faults.py: "Confirm it's you" at the home screen


def with_faulty_phone(farm: FarmConfig) -> FarmConfig:
    """farm.yaml plus one phone on the first agent whose account will be challenged."""
    data = farm.model_dump()
    agent = farm.agent(None).name
    for entry in data["agents"]:
        if entry["name"] == agent:
            entry["devices"].append(
                {"serial": SERIAL, "driver": "sim", "faults": {"script": [FAULT]}}
            )
    data["accounts"].append({"username": USERNAME, "device": SERIAL, "password": "demo-pass"})
    return FarmConfig.model_validate(data)


def mail_settings(catcher: MailCatcher) -> dict[str, object]:
    return {
        "smtp_host": catcher.host,
        "smtp_port": catcher.port,
        "smtp_from": "igfarm demo <igfarm@example.com>",
        "mail_backoff_s": 1.0,
    }


def subscribe(http: httpx.Client) -> None:
    body = {"email": ADDRESS, "language": "en", "digest": "none"}
    http.put("/v1/notifications/settings", json=body).raise_for_status()


def submit_failing(http: httpx.Client, folder: Path) -> int:
    from media.samples import make_sample_image

    path = make_sample_image(folder / "notify-demo.jpg", 1080, 1080, seed=999)
    with path.open("rb") as fh:
        media = http.post("/v1/media", files={"file": (path.name, fh)})
    media.raise_for_status()
    body = {
        "account": USERNAME,
        "kind": "feed",
        "media": [media.json()["id"]],
        "caption": "this one cannot be published: Instagram asks the account to confirm",
        "scheduled_at": datetime.now(UTC).isoformat(),
    }
    response = http.post("/v1/jobs", json=body, headers={"Idempotency-Key": "demo-notify"})
    response.raise_for_status()
    return int(response.json()["id"])


def wait_for_mail(catcher: MailCatcher, timeout_s: float) -> list[EmailMessage]:
    deadline = time.monotonic() + timeout_s
    while not catcher.messages and time.monotonic() < deadline:
        time.sleep(0.2)
    return list(catcher.messages)


def report(
    http: httpx.Client, catcher: MailCatcher, job_id: int, timeout_s: float, echo: Callable
) -> bool:
    """Print the extra job's state, the in-app notification and the mail caught."""
    messages = wait_for_mail(catcher, timeout_s)
    job = http.get(f"/v1/jobs/{job_id}").json()
    account = http.get(f"/v1/accounts/{USERNAME}").json()
    echo(
        f"notification demo: job {job_id} on {USERNAME} is {job['state']}, held with its "
        f"account ({account['state']}) until the account is re-authenticated"
    )
    inbox = http.get("/v1/notifications").json()
    for note in inbox["notifications"]:
        echo(f"  in-app ({inbox['unread']} unread): {note['title']}")
    if not messages:
        echo(f"  no mail caught within {timeout_s:.0f} s")
        return False
    for message in messages:
        echo(f"  mail caught by the local SMTP server on {catcher.host}:{catcher.port}:")
        echo(f"    From: {message['From']}")
        echo(f"    To: {message['To']}")
        echo(f"    Subject: {message['Subject']}")
        body = message.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
        for line in [x for x in text.splitlines() if x.strip()][:6]:
            echo(f"    | {line}")
    return True
