"""Webhooks: events queued in the same transaction as the change, delivered signed, retried.

A subscriber receives `POST <url>` with a JSON body and these headers:

- `X-Farm-Event`: the event name (`job.published`, …)
- `X-Farm-Delivery`: the delivery id (the same on every retry of one delivery)
- `X-Farm-Signature`: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>." + raw body>` keyed with
  the subscription's secret (shown once, when the subscription is created)

Any 2xx answer is success. Anything else (or no answer within the timeout) is retried after
`webhook_backoff_s × 2^(attempt-1)` (capped at one hour) until `webhook_max_attempts`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import timedelta
from typing import Any

import httpx
import structlog
from sqlmodel import Session, select

from controller.config import Settings
from controller.models import Account, Device, Job, Webhook, WebhookDelivery
from controller.security import SecretBox
from controller.timeutil import utcnow

EVENTS = ("job.published", "job.failed", "job.unknown", "account.needs_auth", "device.offline")
SIGNATURE_HEADER = "X-Farm-Signature"
MAX_BACKOFF_S = 3600.0

log = structlog.get_logger()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str, body: bytes, *, tolerance_s: float = 300) -> bool:
    """What a receiver does: recompute the HMAC and refuse stale timestamps (replays)."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(time.time() - timestamp) > tolerance_s:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), header)


def emit(session: Session, event: str, data: dict[str, Any]) -> int:
    """Queue `event` for every active subscription to it; the caller's commit makes it real."""
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    hooks = session.exec(select(Webhook).where(Webhook.active == True)).all()  # noqa: E712
    count = 0
    for hook in hooks:
        if event in hook.events:
            session.add(
                WebhookDelivery(
                    webhook_id=hook.id or 0,
                    event=event,
                    payload={"occurred_at": utcnow().isoformat(), "data": data},
                )
            )
            count += 1
    return count


def job_data(session: Session, job: Job) -> dict[str, Any]:
    account = session.get(Account, job.account_id)
    return {
        "job_id": job.id,
        "kind": job.kind,
        "account": account.username if account else None,
        "state": job.state,
        "scheduled_at": job.scheduled_at.isoformat(),
        "published_at": job.published_at.isoformat() if job.published_at else None,
        "attempts": job.attempts,
        "error": {"code": job.error_code, "message": job.error_message} if job.error_code else None,
    }


def account_data(session: Session, account: Account) -> dict[str, Any]:
    device = session.get(Device, account.device_id)
    return {
        "account": account.username,
        "state": account.state,
        "reason": account.state_reason,
        "device": device.serial if device else None,
    }


def body_of(delivery: WebhookDelivery) -> bytes:
    """The exact bytes sent (and signed); identical on every retry."""
    document = {"id": delivery.id, "event": delivery.event, **delivery.payload}
    return json.dumps(document, separators=(",", ":"), sort_keys=True).encode()


def _backoff(settings: Settings, attempts: int) -> float:
    return min(settings.webhook_backoff_s * 2 ** (attempts - 1), MAX_BACKOFF_S)


def _send(
    session: Session,
    delivery: WebhookDelivery,
    settings: Settings,
    secrets: SecretBox,
    client: httpx.Client,
) -> None:
    hook = session.get(Webhook, delivery.webhook_id)
    if hook is None or not hook.active:
        delivery.state = "cancelled"
        session.add(delivery)
        return
    body = body_of(delivery)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "igfarm-webhooks/1",
        "X-Farm-Event": delivery.event,
        "X-Farm-Delivery": str(delivery.id),
        SIGNATURE_HEADER: sign(secrets.decrypt(hook.secret_enc), int(time.time()), body),
    }
    delivery.attempts += 1
    try:
        response = client.post(hook.url, content=body, headers=headers)
        delivery.last_status = response.status_code
        delivery.last_error = None if response.is_success else f"HTTP {response.status_code}"
        ok = response.is_success
    except httpx.HTTPError as exc:
        delivery.last_status = None
        delivery.last_error = f"{type(exc).__name__}: {exc}"[:300]
        ok = False
    now = utcnow()
    if ok:
        delivery.state = "delivered"
        delivery.delivered_at = now
    elif delivery.attempts >= settings.webhook_max_attempts:
        delivery.state = "failed"
    else:
        delivery.next_attempt_at = now + timedelta(seconds=_backoff(settings, delivery.attempts))
    session.add(delivery)
    log.info(
        "webhook_attempt",
        delivery=delivery.id,
        webhook=hook.id,
        webhook_event=delivery.event,
        attempt=delivery.attempts,
        status=delivery.last_status,
        delivery_state=delivery.state,
    )


def deliver_due(
    session: Session,
    settings: Settings,
    secrets: SecretBox,
    *,
    limit: int = 50,
    client: httpx.Client | None = None,
) -> int:
    """Send due deliveries one by one; each is locked (SKIP LOCKED), sent and committed, so
    replicas share the work and a slow receiver holds only its own row."""
    own_client = client is None
    http = client or httpx.Client(timeout=settings.webhook_timeout_s, follow_redirects=False)
    seen: list[int] = []
    try:
        for _ in range(limit):
            query = select(WebhookDelivery).where(
                WebhookDelivery.state == "pending", WebhookDelivery.next_attempt_at <= utcnow()
            )
            if seen:
                query = query.where(WebhookDelivery.id.not_in(seen))  # type: ignore[union-attr]
            delivery = session.exec(
                query.order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
                .limit(1)
                .with_for_update(skip_locked=True)
            ).first()
            if delivery is None:
                break
            seen.append(delivery.id or 0)
            _send(session, delivery, settings, secrets, http)
            session.commit()
    finally:
        if own_client:
            http.close()
    return len(seen)
