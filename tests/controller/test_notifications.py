"""Notifications by mail and in the app, against a real SMTP server (aiosmtpd) on loopback and
real SQLite and PostgreSQL: one event, one mail and one in-app row; retries when the server is
down; Spanish; the daily digest on a fake clock; mail off; who hears what."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlmodel import Session, select

from controller import mailer, notifications
from controller.config import Settings
from controller.mailcatch import MailCatcher
from controller.models import MailDelivery, Notification
from controller.runtime import free_port
from controller.timeutil import utcnow
from flows.fixes import fix_for
from tests.controller.conftest import Api

PUBLIC_URL = "https://farm.example.com"


@pytest.fixture
def mail(settings: Settings) -> Iterator[MailCatcher]:
    with MailCatcher() as catcher:
        settings.smtp_host = catcher.host
        settings.smtp_port = catcher.port
        settings.smtp_from = "igfarm <farm@example.com>"
        settings.public_url = PUBLIC_URL
        settings.mail_backoff_s = 60
        yield catcher


def _engine(api: Api):  # type: ignore[no-untyped-def]
    return api.client.app.state.engine  # type: ignore[attr-defined]


def _deliver(api: Api) -> int:
    app = api.client.app  # type: ignore[attr-defined]
    with Session(app.state.engine) as session:
        return mailer.deliver_due(session, app.state.settings)


def _subscribe(api: Api, role: str = "scheduler", **body: object) -> dict:
    body.setdefault("email", "ana@example.com")
    r = api.client.put("/v1/notifications/settings", json=body, headers=api.as_(role))
    assert r.status_code == 200, r.text
    return r.json()


def _agent(api: Api) -> dict[str, str]:
    return {"Authorization": f"Bearer {api.register_agent()}"}


def _run_job(
    api: Api, h: dict[str, str], outcome: dict, *, seed: int = 0, pnr: bool = False
) -> int:
    """Submit a job due now, lease it to the agent and complete it with `outcome`."""
    job_id = api.job([api.upload(seed=seed)], key=f"job-{seed}")["id"]
    lease = api.client.post("/v1/agents/claim", json={"idle": ["sim-01"]}, headers=h).json()
    token = lease["leases"][0]["token"]
    if pnr:
        api.client.post(
            f"/v1/leases/{token}/events", json={"type": "point_of_no_return"}, headers=h
        )
    r = api.client.post(f"/v1/leases/{token}/complete", json=outcome, headers=h)
    assert r.status_code == 200, r.text
    return job_id


def _setup(api: Api) -> dict[str, str]:
    api.device()
    api.account()
    return _agent(api)


def _inbox(api: Api, role: str = "scheduler", unread: bool = False) -> dict:
    r = api.client.get(
        "/v1/notifications", params={"unread": str(unread).lower()}, headers=api.as_(role)
    )
    assert r.status_code == 200, r.text
    return r.json()


def _parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


def test_failed_job_gives_one_mail_and_one_notification(api: Api, mail: MailCatcher) -> None:
    settings = _subscribe(api)
    assert settings["mail_enabled"] is True and settings["stored"] is True
    h = _setup(api)
    job_id = _run_job(api, h, {"outcome": "failed", "error_code": "media_rejected"})

    inbox = _inbox(api)
    assert inbox["unread"] == 1
    (note,) = inbox["notifications"]
    assert note["event"] == "job.failed" and note["job_id"] == job_id
    assert note["account"] == "acme.shop" and note["mail"] == "instant"
    assert note["link"] == f"{PUBLIC_URL}/console#job={job_id}"

    assert _deliver(api) == 1
    assert _deliver(api) == 0  # sent once
    (message,) = mail.messages
    assert mail.envelopes == [("farm@example.com", ["ana@example.com"])]
    assert message["To"] == "ana@example.com"
    assert message["From"] == "igfarm <farm@example.com>"
    subject = message["Subject"]
    assert "acme.shop" in subject and f"#{job_id}" in subject and "media_rejected" in subject
    assert message["Message-ID"].endswith("@example.com>") and message["Date"]
    assert message.get_content_type() == "multipart/alternative"
    text, html = _parts(message)
    link = f"{PUBLIC_URL}/console#job={job_id}"
    assert link in text and f"href='{link}'" in html
    assert fix_for("media_rejected") in text  # the fix for the code
    assert "What to do" in text and "What to do" in html
    with Session(_engine(api)) as session:
        (row,) = session.exec(select(MailDelivery)).all()
        assert (row.state, row.attempts, row.message_id) == ("sent", 1, message["Message-ID"])

    # read / unread
    r = api.client.post(f"/v1/notifications/{note['id']}/read", headers=api.as_("scheduler"))
    assert r.status_code == 200 and r.json()["read_at"] is not None
    assert _inbox(api, unread=True) == {"notifications": [], "unread": 0}
    r = api.client.post(f"/v1/notifications/{note['id']}/read", headers=api.as_("ops"))
    assert r.status_code == 404 and r.json()["error"]["code"] == "notification_not_found"


def test_smtp_down_then_retried_and_sent_once(api: Api, settings: Settings) -> None:
    port = free_port()
    settings.smtp_host, settings.smtp_port = "127.0.0.1", port  # nothing listens yet
    settings.mail_backoff_s = 60
    _subscribe(api)
    h = _setup(api)
    _run_job(api, h, {"outcome": "failed", "error_code": "media_rejected"})
    assert _deliver(api) == 1
    with Session(_engine(api)) as session:
        row = session.exec(select(MailDelivery)).one()
        assert row.state == "pending" and row.attempts == 1
        assert row.last_error is not None and row.last_error.startswith("connection failed")
        wait = (row.next_attempt_at - utcnow()).total_seconds()
        assert 50 < wait <= 60  # backing off
    (logged,) = api.client.get("/v1/notifications/mail", headers=api.as_("scheduler")).json()
    assert (logged["state"], logged["attempts"], logged["to"]) == ("pending", 1, "ana@example.com")
    assert logged["last_error"].startswith("connection failed")
    assert api.client.get("/v1/notifications/mail", headers=api.as_("scheduler_b")).json() == []
    assert len(api.client.get("/v1/notifications/mail", headers=api.as_("ops")).json()) == 1
    with MailCatcher(port) as catcher:
        assert _deliver(api) == 0  # not due yet
        with Session(_engine(api)) as session:
            row = session.exec(select(MailDelivery)).one()
            row.next_attempt_at = utcnow() - timedelta(seconds=1)
            session.add(row)
            session.commit()
        assert _deliver(api) == 1
        assert _deliver(api) == 0
        assert len(catcher.messages) == 1
    (logged,) = api.client.get(
        "/v1/notifications/mail", params={"state": "sent"}, headers=api.as_("scheduler")
    ).json()
    assert (logged["state"], logged["attempts"], logged["last_error"]) == ("sent", 2, None)


def test_spanish_subscriber_gets_the_account_hold_in_spanish(api: Api, mail: MailCatcher) -> None:
    _subscribe(api, role="ops", language="es", email="ops@example.com")
    h = _setup(api)
    _run_job(api, h, {"outcome": "failed", "error_code": "auth_challenge_required"})
    (note,) = _inbox(api, role="ops")["notifications"]
    assert note["event"] == "account.needs_auth"
    assert (
        note["title"] == "acme.shop: la cuenta necesita atención (con una verificación de "
        "identidad pendiente)"
    )
    assert _deliver(api) == 1
    (message,) = mail.messages
    assert message["Subject"].startswith("[igfarm] acme.shop: la cuenta necesita atención")
    text, html = _parts(message)
    assert "Qué hacer" in text and "farm accounts reauth acme.shop" in text
    assert "Confirma que eres tú en el teléfono" in text  # the code's fix, in Spanish
    assert "auth_challenge_required" in text
    assert "<html lang='es'>" in html and "Qué hacer" in html
    assert f"{PUBLIC_URL}/console" in text


def test_unknown_is_told_after_verification_fails(api: Api, mail: MailCatcher) -> None:
    _subscribe(api)
    h = _setup(api)
    job_id = _run_job(api, h, {"outcome": "failed", "error_code": "upload_failed"}, pnr=True)
    assert api.client.get(f"/v1/jobs/{job_id}", headers=api.as_("ops")).json()["state"] == "unknown"
    assert _inbox(api)["notifications"] == []  # verification may still find the post
    verify = api.client.post("/v1/agents/claim", json={"idle": ["sim-01"]}, headers=h).json()
    token = verify["leases"][0]["token"]
    assert verify["leases"][0]["purpose"] == "verify"
    r = api.client.post(
        f"/v1/leases/{token}/complete",
        json={"outcome": "failed", "error_code": "timeout"},
        headers=h,
    )
    assert r.status_code == 200, r.text
    (note,) = _inbox(api)["notifications"]
    assert note["event"] == "job.unknown" and note["job_id"] == job_id
    # the next verification fails too: the same happening, told once
    again = api.client.post("/v1/agents/claim", json={"idle": ["sim-01"]}, headers=h).json()
    assert again["leases"][0]["purpose"] == "verify"
    r = api.client.post(
        f"/v1/leases/{again['leases'][0]['token']}/complete",
        json={"outcome": "failed", "error_code": "timeout"},
        headers=h,
    )
    assert r.status_code == 200, r.text
    assert len(_inbox(api)["notifications"]) == 1
    assert _deliver(api) == 1
    assert "may not have been published" in mail.messages[0]["Subject"]
    assert _deliver(api) == 0


def test_a_retried_job_that_fails_again_is_told_again(api: Api, mail: MailCatcher) -> None:
    _subscribe(api)
    h = _setup(api)
    job_id = _run_job(api, h, {"outcome": "failed", "error_code": "media_rejected"})
    r = api.client.post(f"/v1/jobs/{job_id}/retry", headers=api.as_("scheduler"))
    assert r.status_code == 200, r.text
    lease = api.client.post("/v1/agents/claim", json={"idle": ["sim-01"]}, headers=h).json()
    r = api.client.post(
        f"/v1/leases/{lease['leases'][0]['token']}/complete",
        json={"outcome": "failed", "error_code": "media_rejected"},
        headers=h,
    )
    assert r.json()["state"] == "failed"
    notes = _inbox(api)["notifications"]
    assert [n["job_id"] for n in notes] == [job_id, job_id]
    assert _deliver(api) == 2 and len(mail.messages) == 2


def test_daily_digest_on_a_fake_clock(api: Api, mail: MailCatcher, settings: Settings) -> None:
    _subscribe(api, digest="daily")
    h = _setup(api)
    ids = [
        _run_job(api, h, {"outcome": "failed", "error_code": "media_rejected"}, seed=n)
        for n in range(2)
    ]
    inbox = _inbox(api)
    assert inbox["unread"] == 2 and {n["mail"] for n in inbox["notifications"]} == {"digest"}
    assert _deliver(api) == 0  # no mail per event
    now = utcnow()
    with Session(_engine(api)) as session:
        assert notifications.queue_digests(session, settings, now=now) == 0  # today not over
        session.commit()
        tomorrow = now + timedelta(days=1)
        assert notifications.queue_digests(session, settings, now=tomorrow) == 1
        session.commit()
        assert notifications.queue_digests(session, settings, now=tomorrow) == 0  # once a day
        session.commit()
    assert _deliver(api) == 1
    (message,) = mail.messages
    day = now.date().isoformat()
    assert message["Subject"] == f"igfarm daily digest for {day}: 2 event(s)"
    text, html = _parts(message)
    for job_id in ids:
        assert f"{PUBLIC_URL}/console#job={job_id}" in text and f"#job={job_id}'" in html
    with Session(_engine(api)) as session:
        # a day without events sends nothing
        assert notifications.queue_digests(session, settings, now=now + timedelta(days=2)) == 0


def test_mail_off_keeps_in_app(api: Api, settings: Settings) -> None:
    settings.smtp_host = ""
    assert _subscribe(api)["mail_enabled"] is False
    h = _setup(api)
    _run_job(api, h, {"outcome": "failed", "error_code": "media_rejected"})
    (note,) = _inbox(api)["notifications"]
    assert note["mail"] == "none"
    with Session(_engine(api)) as session:
        assert session.exec(select(MailDelivery)).all() == []
    assert _deliver(api) == 0


def test_who_hears_what(api: Api, mail: MailCatcher) -> None:
    h = _setup(api)
    api.account("other.shop")
    r = api.client.patch(
        "/v1/accounts/acme.shop", json={"owner": "test-scheduler"}, headers=api.as_("ops")
    )
    assert r.status_code == 200, r.text
    _subscribe(api, role="scheduler_b", email="b@example.com")  # not acme.shop's owner
    _subscribe(api, role="ops", email="ops@example.com", events=["job.failed"])
    _run_job(api, h, {"outcome": "failed", "error_code": "media_rejected"})
    # the owner has no settings: in-app only, with the default events
    (mine,) = _inbox(api)["notifications"]
    assert mine["mail"] == "none"
    assert _inbox(api, role="scheduler_b")["notifications"] == []
    assert len(_inbox(api, role="ops")["notifications"]) == 1
    assert _deliver(api) == 1
    assert [m["To"] for m in mail.messages] == ["ops@example.com"]
    with Session(_engine(api)) as session:
        assert len(session.exec(select(Notification)).all()) == 2


def test_settings_are_validated_and_read_all(api: Api, mail: MailCatcher) -> None:
    defaults = api.client.get("/v1/notifications/settings", headers=api.as_("scheduler")).json()
    assert defaults == {
        "email": None,
        "language": "en",
        "events": ["job.failed", "job.unknown", "account.needs_auth"],
        "digest": "none",
        "mail_enabled": True,
        "stored": False,
    }
    for bad in (
        {"email": "not-an-address"},
        {"email": "a@b.c", "language": "fr"},
        {"email": "a@b.c", "events": ["job.exploded"]},
        {"email": "a@b.c", "digest": "hourly"},
        {"email": "a@b.c", "password": "x"},
    ):
        r = api.client.put("/v1/notifications/settings", json=bad, headers=api.as_("scheduler"))
        assert r.status_code == 422, (bad, r.text)
        assert r.json()["error"]["code"] in ("invalid_field", "invalid_request"), r.text
    stored = _subscribe(api, email=None)  # an empty body takes the same defaults
    assert stored["events"] == sorted(defaults["events"]) and stored["stored"] is True
    r = api.client.get("/v1/notifications", headers=api.as_("agent"))
    assert r.status_code == 403
    _subscribe(api, events=["job.failed"])
    h = _setup(api)
    for n in range(2):
        _run_job(api, h, {"outcome": "failed", "error_code": "media_rejected"}, seed=n)
    r = api.client.post("/v1/notifications/read-all", headers=api.as_("scheduler"))
    assert r.json() == {"marked": 2, "unread": 0}
    assert (
        api.client.delete("/v1/notifications/settings", headers=api.as_("scheduler")).status_code
        == 204
    )
    assert (
        api.client.get("/v1/notifications/settings", headers=api.as_("scheduler")).json()["stored"]
        is False
    )


def test_smtp_login_and_the_password_never_shown(
    api: Api, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    with MailCatcher(login=("farm", "s3cret-pass")) as catcher:
        settings.smtp_host, settings.smtp_port = catcher.host, catcher.port
        settings.smtp_user, settings.smtp_password = "farm", "wrong-pass"
        settings.mail_backoff_s = 0
        assert "wrong-pass" not in repr(settings)
        _subscribe(api)
        h = _setup(api)
        _run_job(api, h, {"outcome": "failed", "error_code": "media_rejected"})
        assert _deliver(api) == 1
        with Session(_engine(api)) as session:
            row = session.exec(select(MailDelivery)).one()
            assert row.state == "pending" and row.last_error == "SMTP 535 (SMTPAuthenticationError)"
        settings.smtp_password = "s3cret-pass"
        assert _deliver(api) == 1
        assert len(catcher.messages) == 1
    captured = capsys.readouterr()
    assert "pass" not in captured.out + captured.err


def test_console_serves_the_notifications_view(api: Api) -> None:
    page = api.client.get("/console").text
    assert 'id="tab-notifications"' in page and "/console/notifications.js" in page
    script = api.client.get("/console/notifications.js")
    assert script.status_code == 200 and "/v1/notifications/read-all" in script.text


def test_two_senders_at_once_send_each_message_once(api: Api, mail: MailCatcher) -> None:
    """Two delivery passes side by side (two replicas' worth): every message goes out once."""
    import threading

    _subscribe(api)
    h = _setup(api)
    for n in range(4):
        _run_job(api, h, {"outcome": "failed", "error_code": "media_rejected"}, seed=n)
    counts: list[int] = []
    threads = [threading.Thread(target=lambda: counts.append(_deliver(api))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(counts) == 4 and _deliver(api) == 0
    ids = [m["Message-ID"] for m in mail.messages]
    assert len(ids) == 4 and len(set(ids)) == 4


def _self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key (PEM files)."""
    import ipaddress
    from datetime import UTC, datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "smtp.crt", folder / "smtp.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_starttls_then_login(
    api: Api, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server that requires STARTTLS (its certificate trusted through SSL_CERT_FILE, as a
    private CA would be) and AUTH after it: without STARTTLS no login, with it the mail goes."""
    import ssl

    cert, key = _self_signed(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    with MailCatcher(login=("farm", "tls-pass"), tls=server_tls) as catcher:
        settings.smtp_host, settings.smtp_port = catcher.host, catcher.port
        settings.smtp_user, settings.smtp_password = "farm", "tls-pass"
        settings.smtp_starttls = False
        settings.mail_backoff_s = 0
        _subscribe(api)
        h = _setup(api)
        _run_job(api, h, {"outcome": "failed", "error_code": "media_rejected"})
        assert _deliver(api) == 1
        with Session(_engine(api)) as session:
            row = session.exec(select(MailDelivery)).one()
            assert row.state == "pending" and row.last_error is not None
            # AUTH is offered only after STARTTLS
            assert row.last_error == "not offered by the server (SMTPNotSupportedError)"
        settings.smtp_starttls = True
        assert _deliver(api) == 1
        assert len(catcher.messages) == 1


def test_a_sub_user_hears_about_its_leaders_accounts(api: Api, mail: MailCatcher) -> None:
    """controller/teams.py: a sub-user sees its leader's accounts, so it hears about them;
    another customer's key does not."""
    api.device()
    r = api.client.post("/v1/teams", json={"name": "acme"}, headers=api.as_("scheduler"))
    assert r.status_code == 201, r.text
    r = api.client.post(
        f"/v1/teams/{r.json()['id']}/members", json={"name": "ana"}, headers=api.as_("scheduler")
    )
    assert r.status_code == 201, r.text
    api.keys["ana"] = r.json()["key"]
    r = api.client.post(
        "/v1/accounts",
        json={"username": "acme.shop", "password": "hunter2-secret"},  # placed on sim-01
        headers=api.as_("scheduler"),
    )
    assert r.status_code == 201 and r.json()["owner"] == "test-scheduler", r.text
    _subscribe(api, role="ana", email="ana@example.com")
    _subscribe(api, role="scheduler_b", email="b@example.com")
    _run_job(api, _agent(api), {"outcome": "failed", "error_code": "media_rejected"})
    assert [n["event"] for n in _inbox(api, role="ana")["notifications"]] == ["job.failed"]
    assert _inbox(api, role="scheduler_b")["notifications"] == []
    assert _deliver(api) == 1
    assert [m["To"] for m in mail.messages] == ["ana@example.com"]
