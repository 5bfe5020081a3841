"""Webhooks go only to public addresses unless ops allow a host; the address is checked
again at delivery (DNS rebinding); the log never echoes the receiver's body; one subscriber's
dead endpoint does not hold back another's deliveries."""

from __future__ import annotations

import ipaddress
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlmodel import Session, select

from controller import egress, webhooks
from controller.config import Settings
from controller.models import Webhook, WebhookDelivery
from tests.controller.conftest import Api

PUBLIC = "93.184.215.14"


class Slow:
    """Loopback receiver: `/slow` hangs for `delay` s, `/fail` answers 500 with a body,
    anything else 200; records when each request arrived."""

    def __init__(self, delay: float) -> None:
        self.arrivals: list[tuple[str, float]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                outer.arrivals.append((self.path, time.monotonic()))
                if self.path == "/slow":
                    time.sleep(delay)
                body = b"internal stack trace: db password=hunter2" if self.path == "/fail" else b""
                self.send_response(500 if self.path == "/fail" else 200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"


@pytest.fixture
def slow() -> Iterator[Slow]:
    server = Slow(delay=3)
    yield server
    server.server.shutdown()
    server.server.server_close()


def _subscribe(api: Api, url: str):  # type: ignore[no-untyped-def]
    return api.client.post(
        "/v1/webhooks", json={"url": url, "events": ["job.failed"]}, headers=api.as_("scheduler")
    )


def test_internal_addresses_are_refused(api: Api, settings: Settings) -> None:
    settings.webhook_allowed_hosts = []
    for url in (
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://172.16.5.5/hook",
        "http://100.64.0.1/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://[fd00::1]/hook",
        "http://0.0.0.0/hook",
        "http://224.0.0.1/hook",
    ):
        r = _subscribe(api, url)
        assert r.status_code == 422, url
        assert r.json()["error"]["code"] == "webhook_url_forbidden", url
    for garbage in ("http://>:\u0097\u00b5/x", "http://[::1/x", "http://host:99999/x"):
        r = _subscribe(api, garbage)
        assert r.status_code == 422, garbage
    r = _subscribe(api, "http://no-such-host.invalid/hook")
    assert r.status_code == 422 and r.json()["error"]["code"] == "webhook_host_unresolvable"
    assert _subscribe(api, f"https://{PUBLIC}/hook").status_code == 201
    # ops allow hosts (names, addresses, networks)
    settings.webhook_allowed_hosts = ["localhost", "10.0.0.0/8"]
    assert _subscribe(api, "http://localhost:9/hook").status_code == 201
    assert _subscribe(api, "http://10.1.2.3/hook").status_code == 201
    assert _subscribe(api, "http://192.168.0.10/hook").status_code == 422


def test_delivery_goes_to_the_checked_address(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(database_url="sqlite://", webhook_allowed_hosts=[])
    answers = {"hooks.example.com": [ipaddress.ip_address(PUBLIC)]}
    monkeypatch.setattr(egress, "resolve", lambda host, port: answers[host])
    target = egress.check("https://hooks.example.com:8443/in?x=1", settings)
    assert target.url == f"https://{PUBLIC}:8443/in?x=1"
    assert target.host_header == "hooks.example.com:8443"
    assert target.sni_hostname == "hooks.example.com"


def test_dns_rebinding_is_caught_at_delivery(
    api: Api, settings: Settings, slow: Slow, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.webhook_allowed_hosts = []
    port = slow.server.server_address[1]
    answer = [ipaddress.ip_address(PUBLIC)]
    monkeypatch.setattr(egress, "resolve", lambda host, p: answer)
    assert _subscribe(api, f"http://rebind.example:{port}/hook").status_code == 201
    engine = api.client.app.state.engine  # type: ignore[attr-defined]
    with Session(engine) as session:
        hook = session.exec(select(Webhook)).one()
        session.add(WebhookDelivery(webhook_id=hook.id or 0, event="job.failed", payload={}))
        session.commit()
    answer[:] = [ipaddress.ip_address("127.0.0.1")]  # the name now points inside
    app = api.client.app  # type: ignore[attr-defined]
    with Session(engine) as session:
        assert webhooks.deliver_due(session, settings, app.state.secrets) == 1
        delivery = session.exec(select(WebhookDelivery)).one()
    assert slow.arrivals == []
    assert delivery.last_error == "webhook_url_forbidden" and delivery.state == "pending"


def _deliveries(api: Api, url: str, count: int) -> int:
    engine = api.client.app.state.engine  # type: ignore[attr-defined]
    assert _subscribe(api, url).status_code == 201
    with Session(engine) as session:
        hook = session.exec(select(Webhook).where(Webhook.url == url)).one()
        for _ in range(count):
            session.add(WebhookDelivery(webhook_id=hook.id or 0, event="job.failed", payload={}))
        session.commit()
        return hook.id or 0


def test_one_dead_endpoint_does_not_delay_another(api: Api, settings: Settings, slow: Slow) -> None:
    settings.webhook_timeout_s = 1
    settings.webhook_backoff_s = 600
    _deliveries(api, slow.url("/slow"), 6)  # queued first: they come first in due order
    _deliveries(api, slow.url("/fast"), 2)
    fail_id = _deliveries(api, slow.url("/fail"), 1)
    app = api.client.app  # type: ignore[attr-defined]
    started = time.monotonic()
    with Session(app.state.engine) as session:
        webhooks.deliver_due(session, settings, app.state.secrets)
    elapsed = time.monotonic() - started
    fast = [t - started for path, t in slow.arrivals if path == "/fast"]
    assert len(fast) == 2 and max(fast) < 0.8, fast  # not behind the dead endpoint's timeouts
    # the dead subscriber got its share (2) in the first round, then no more this pass
    assert sum(1 for path, _ in slow.arrivals if path == "/slow") == settings.webhook_per_subscriber
    assert elapsed < 3 * settings.webhook_timeout_s
    log = api.client.get(f"/v1/webhooks/{fail_id}/deliveries", headers=api.as_("scheduler")).json()
    assert log[0]["last_status"] == 500 and log[0]["last_error"] == "HTTP 500"
    assert "hunter2" not in str(log)
