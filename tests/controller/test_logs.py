"""Structured JSON logs: ids bound to each line, and no password, key or token in any line."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest
import structlog

from controller import logs
from tests.controller.conftest import Api


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    sink = io.StringIO()
    logs.configure("DEBUG", file=sink)
    yield sink
    structlog.reset_defaults()


def test_a_whole_flow_logs_ids_and_never_secrets(api: Api, json_logs) -> None:  # type: ignore[no-untyped-def]
    api.device()
    password = "Sup3r-Secret-Pa55"
    r = api.client.post(
        "/v1/accounts",
        json={"username": "acme.shop", "password": password, "device": "sim-01"},
        headers=api.as_("ops"),
    )
    assert r.status_code == 201
    hook = api.client.post(
        "/v1/webhooks",
        json={"url": "http://127.0.0.1:9/hook", "events": ["account.needs_auth"]},
        headers=api.as_("ops"),
    ).json()
    token = api.register_agent()
    job = api.job([api.upload()])
    h = {"Authorization": f"Bearer {token}"}
    lease = api.client.post("/v1/agents/claim", json={"idle": ["sim-01"]}, headers=h).json()
    lease_token = lease["leases"][0]["token"]
    api.client.post(f"/v1/leases/{lease_token}/events", json={"type": "started"}, headers=h)
    api.client.post(
        f"/v1/leases/{lease_token}/complete",
        json={"outcome": "failed", "error_code": "auth_wrong_password"},
        headers=h,
    )
    api.client.post(
        "/v1/accounts/acme.shop/reauth", json={"password": "An0ther-Secret"}, headers=api.as_("ops")
    )
    # a careless call site: the redactor still blanks it
    structlog.get_logger().warning(
        "careless", password=password, extra={"api_key": api.keys["ops"]}, note=f"Bearer {token}"
    )

    text = json_logs.getvalue()
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    assert len(lines) >= 5
    secrets = [password, "An0ther-Secret", token, hook["secret"], *api.keys.values()]
    for secret in secrets:
        assert secret not in text
    by_event = {line["event"]: line for line in lines}
    done = by_event["lease_completed"]
    assert (done["job_id"], done["lease"], done["device"]) == (job["id"], lease_token, "sim-01")
    assert done["path"] == f"/v1/leases/{lease_token}/complete" and done["request_id"]
    assert by_event["job_submitted"]["job_id"] == job["id"]
    assert by_event["careless"]["password"] == "[redacted]"
    assert by_event["careless"]["extra"] == {"api_key": "[redacted]"}
    assert by_event["careless"]["note"] == "[redacted]"
