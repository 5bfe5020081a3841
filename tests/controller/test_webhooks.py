"""Webhooks against a real HTTP receiver on loopback: signature, retries with backoff, log."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlmodel import Session, select

from controller import health, webhooks
from controller.models import Device, WebhookDelivery
from controller.timeutil import utcnow
from tests.controller.conftest import Api


class Receiver:
    """An HTTP server that records every POST and answers with the scripted statuses."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def _deliver(api: Api) -> int:
    app = api.client.app  # type: ignore[attr-defined]
    with Session(app.state.engine) as session:
        return webhooks.deliver_due(session, app.state.settings, app.state.secrets)


def _subscribe(api: Api, url: str, events: list[str], role: str = "scheduler") -> dict:
    r = api.client.post("/v1/webhooks", json={"url": url, "events": events}, headers=api.as_(role))
    assert r.status_code == 201, r.text
    return r.json()


def _publish_one(api: Api, outcome: dict) -> int:
    api.device()
    api.account()
    token = api.register_agent()
    job_id = api.job([api.upload()])["id"]
    h = {"Authorization": f"Bearer {token}"}
    lease = api.client.post("/v1/agents/claim", json={"idle": ["sim-01"]}, headers=h).json()
    r = api.client.post(
        f"/v1/leases/{lease['leases'][0]['token']}/complete", json=outcome, headers=h
    )
    assert r.status_code == 200, r.text
    return job_id


def test_published_event_is_signed_and_logged(api: Api, receiver: Receiver) -> None:
    hook = _subscribe(api, receiver.url, ["job.published", "job.failed"])
    assert hook["secret"].startswith("whsec_")
    listed = api.client.get("/v1/webhooks", headers=api.as_("scheduler")).json()
    assert listed[0]["secret"] is None and listed[0]["events"] == ["job.failed", "job.published"]
    job_id = _publish_one(api, {"outcome": "published"})
    assert _deliver(api) == 1
    ((headers, body),) = receiver.requests
    assert headers["x-farm-event"] == "job.published"
    assert webhooks.verify(hook["secret"], headers["x-farm-signature"], body)
    assert not webhooks.verify("whsec_wrong", headers["x-farm-signature"], body)
    assert not webhooks.verify(hook["secret"], headers["x-farm-signature"], body + b" ")
    document = json.loads(body)
    assert document["event"] == "job.published" and document["data"]["job_id"] == job_id
    assert document["data"]["state"] == "published" and document["data"]["account"] == "acme.shop"
    log = api.client.get(
        f"/v1/webhooks/{hook['id']}/deliveries", headers=api.as_("scheduler")
    ).json()
    assert [(d["state"], d["attempts"], d["last_status"]) for d in log] == [("delivered", 1, 200)]
    assert str(log[0]["id"]) == headers["x-farm-delivery"]
    assert _deliver(api) == 0


def test_failed_receiver_is_retried_with_backoff(api: Api, receiver: Receiver, settings) -> None:  # type: ignore[no-untyped-def]
    settings.webhook_backoff_s = 60
    settings.webhook_max_attempts = 3
    hook = _subscribe(api, receiver.url, ["job.failed"])
    _publish_one(api, {"outcome": "failed", "error_code": "media_rejected"})
    receiver.statuses = [500, 503]
    engine = api.client.app.state.engine  # type: ignore[attr-defined]

    def make_due() -> float:
        """Move the pending delivery's next attempt to now; return how long it had to wait."""
        with Session(engine) as session:
            delivery = session.exec(select(WebhookDelivery)).one()
            wait = (delivery.next_attempt_at - utcnow()).total_seconds()
            delivery.next_attempt_at = utcnow() - timedelta(seconds=1)
            session.add(delivery)
            session.commit()
            return wait

    assert _deliver(api) == 1
    assert _deliver(api) == 0  # not due yet: backing off
    first_wait = make_due()
    assert _deliver(api) == 1
    second_wait = make_due()
    assert 50 < first_wait <= 60 and 110 < second_wait <= 120
    assert _deliver(api) == 1
    bodies = {body for _, body in receiver.requests}
    assert len(receiver.requests) == 3 and len(bodies) == 1  # same delivery, same body
    log = api.client.get(f"/v1/webhooks/{hook['id']}/deliveries", headers=api.as_("ops")).json()
    assert [(d["state"], d["attempts"], d["last_status"]) for d in log] == [("delivered", 3, 200)]


def test_unreachable_receiver_gives_up_after_max_attempts(api: Api, settings) -> None:  # type: ignore[no-untyped-def]
    settings.webhook_backoff_s = 0
    settings.webhook_max_attempts = 2
    gone = Receiver()
    url = gone.url
    gone.close()
    hook = _subscribe(api, url, ["job.failed"])
    _publish_one(api, {"outcome": "failed", "error_code": "media_rejected"})
    assert _deliver(api) == 1
    assert _deliver(api) == 1
    assert _deliver(api) == 0
    (delivery,) = api.client.get(
        f"/v1/webhooks/{hook['id']}/deliveries", headers=api.as_("scheduler")
    ).json()
    assert delivery["state"] == "failed" and delivery["attempts"] == 2
    assert delivery["last_status"] is None and "Connect" in delivery["last_error"]


def test_account_and_device_events(api: Api, receiver: Receiver, settings) -> None:  # type: ignore[no-untyped-def]
    _subscribe(api, receiver.url, ["account.needs_auth", "device.offline"], role="ops")
    _publish_one(api, {"outcome": "failed", "error_code": "auth_challenge_required"})
    engine = api.client.app.state.engine  # type: ignore[attr-defined]
    with Session(engine) as session:
        device = session.exec(select(Device)).one()
        device.last_seen_at = utcnow() - timedelta(seconds=settings.device_offline_after_s + 5)
        session.add(device)
        session.commit()
        assert health.mark_silent_offline(session, settings) == 1
        session.commit()
        assert health.mark_silent_offline(session, settings) == 0  # announced once
    assert _deliver(api) == 2
    events = {json.loads(body)["event"]: json.loads(body)["data"] for _, body in receiver.requests}
    assert events["account.needs_auth"]["state"] == "challenge"
    assert events["device.offline"]["device"] == "sim-01"


def test_a_disabled_account_is_announced_with_what_to_do(api: Api, receiver: Receiver) -> None:
    _subscribe(api, receiver.url, ["account.needs_auth"], role="ops")
    _publish_one(
        api,
        {
            "outcome": "failed",
            "error_code": "account_disabled",
            "error_message": "We disabled your account",
        },
    )
    assert _deliver(api) == 1
    (_, body) = receiver.requests[0]
    data = json.loads(body)["data"]
    assert data["state"] == "disabled"
    assert data["reason"].startswith("account_disabled: We disabled your account")


def test_subscriptions_are_owned_and_validated(api: Api, receiver: Receiver) -> None:
    hook = _subscribe(api, receiver.url, ["job.unknown"], role="ops")
    r = api.client.get(f"/v1/webhooks/{hook['id']}/deliveries", headers=api.as_("scheduler"))
    assert r.status_code == 404  # another key's subscription
    assert api.client.get("/v1/webhooks", headers=api.as_("scheduler")).json() == []
    for bad in (
        {"url": "ftp://example.com/x", "events": ["job.failed"]},
        {"url": receiver.url, "events": ["job.exploded"]},
        {"url": receiver.url, "events": []},
    ):
        r = api.client.post("/v1/webhooks", json=bad, headers=api.as_("scheduler"))
        assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_field"
    assert (
        api.client.delete(f"/v1/webhooks/{hook['id']}", headers=api.as_("ops")).status_code == 204
    )
    listed = api.client.get("/v1/webhooks", headers=api.as_("ops")).json()
    assert listed[0]["active"] is False
