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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import structlog
from sqlmodel import Session, select

from controller import egress, notifications
from controller.config import Settings
from controller.models import Account, ApiKey, Device, Job, Webhook, WebhookDelivery
from controller.security import SecretBox
from controller.timeutil import utcnow
from farmcore.vocab import WebhookEvent, values

EVENTS = values(WebhookEvent)
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


def _hears(session: Session, hook: Webhook, account: Account | None) -> bool:
    """A scheduler's subscription hears about its own and shared accounts only (another key's
    account must look as if it did not exist); ops' subscriptions hear everything."""
    if account is None or account.owner_key_id is None or hook.api_key_id is None:
        return True
    if hook.api_key_id == account.owner_key_id:
        return True
    key = session.get(ApiKey, hook.api_key_id)
    return key is not None and key.role == "ops"


def emit(
    session: Session, event: str, data: dict[str, Any], *, account: Account | None = None
) -> int:
    """Queue `event` for every active subscription to it that may hear about `account`, and
    the notifications it makes (controller/notifications.py); the caller's commit makes it
    real."""
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    hooks = session.exec(select(Webhook).where(Webhook.active == True)).all()  # noqa: E712
    count = 0
    for hook in hooks:
        if event in hook.events and _hears(session, hook, account):
            session.add(
                WebhookDelivery(
                    webhook_id=hook.id or 0,
                    event=event,
                    payload={"occurred_at": utcnow().isoformat(), "data": data},
                )
            )
            count += 1
    notifications.on_webhook_event(session, event, data, account=account)
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


@dataclass
class _Attempt:
    delivery_id: int
    webhook_id: int
    event: str
    url: str
    secret: str
    body: bytes


def _claim(
    session: Session,
    settings: Settings,
    secrets: SecretBox,
    seen: list[int],
    full: set[int] | None = None,
) -> _Attempt | None:
    """Take the next due delivery and push its next attempt past the send timeout (a claim),
    so no other replica sends it meanwhile; committed at once, before any network I/O.
    Subscriptions in `full` already have their share of this pass."""
    query = select(WebhookDelivery).where(
        WebhookDelivery.state == "pending", WebhookDelivery.next_attempt_at <= utcnow()
    )
    if seen:
        query = query.where(WebhookDelivery.id.not_in(seen))  # type: ignore[union-attr]
    if full:
        query = query.where(WebhookDelivery.webhook_id.not_in(full))  # type: ignore[attr-defined]
    delivery = session.exec(
        query.order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    ).first()
    if delivery is None:
        session.commit()
        return None
    seen.append(delivery.id or 0)
    hook = session.get(Webhook, delivery.webhook_id)
    if hook is None or not hook.active:
        delivery.state = "cancelled"
        session.add(delivery)
        session.commit()
        return _claim(session, settings, secrets, seen, full)
    attempt = _Attempt(
        delivery_id=delivery.id or 0,
        webhook_id=hook.id or 0,
        event=delivery.event,
        url=hook.url,
        secret=secrets.decrypt(hook.secret_enc),
        body=body_of(delivery),
    )
    delivery.next_attempt_at = utcnow() + timedelta(seconds=settings.webhook_timeout_s + 30)
    session.add(delivery)
    session.commit()
    return attempt


def _post(
    attempt: _Attempt, client: httpx.Client, settings: Settings
) -> tuple[int | None, str | None]:
    """Send one attempt; (HTTP status or None, error or None). No database work here.

    The host is resolved and checked again now (DNS rebinding) and the connection goes to
    the checked address. The error kept in the log is ours (a status, an exception type),
    never text the receiver sent."""
    try:
        target = egress.check(attempt.url, settings)
    except egress.Forbidden as exc:
        return None, exc.code
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "igfarm-webhooks/1",
        "X-Farm-Event": attempt.event,
        "X-Farm-Delivery": str(attempt.delivery_id),
        SIGNATURE_HEADER: sign(attempt.secret, int(time.time()), attempt.body),
    }
    extensions = {}
    if target.host_header:
        headers["Host"] = target.host_header
    if target.sni_hostname:
        extensions["sni_hostname"] = target.sni_hostname
    try:
        response = client.post(
            target.url, content=attempt.body, headers=headers, extensions=extensions
        )
    except httpx.TimeoutException:
        return None, "timeout"
    except httpx.HTTPError as exc:
        return None, f"connection failed ({type(exc).__name__})"
    return response.status_code, None if response.is_success else f"HTTP {response.status_code}"


def _record(
    session: Session, settings: Settings, attempt: _Attempt, status: int | None, error: str | None
) -> None:
    delivery = session.get(WebhookDelivery, attempt.delivery_id)
    if delivery is None or delivery.state != "pending":
        session.commit()
        return
    delivery.attempts += 1
    delivery.last_status = status
    delivery.last_error = error
    now = utcnow()
    if error is None:
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
        webhook=attempt.webhook_id,
        webhook_event=attempt.event,
        attempt=delivery.attempts,
        status=status,
        delivery_state=delivery.state,
    )
    session.commit()


def deliver_due(
    session: Session,
    settings: Settings,
    secrets: SecretBox,
    *,
    limit: int = 50,
    client: httpx.Client | None = None,
) -> int:
    """Send up to `limit` due deliveries. Each is claimed in a short transaction, sent with no
    transaction open (a slow receiver never holds a database lock), then recorded. A
    controller that dies mid-send leaves the claim to expire: delivery is at least once.

    Sends run concurrently (`webhook_concurrency` at once), at most `webhook_per_subscriber`
    of one subscription per pass: a subscriber whose endpoint hangs holds its own slots for
    the timeout, never another subscriber's delivery."""
    own_client = client is None
    http = client or httpx.Client(
        timeout=settings.webhook_timeout_s,
        follow_redirects=False,
        limits=httpx.Limits(max_connections=max(1, settings.webhook_concurrency)),
    )
    per_hook = max(1, settings.webhook_per_subscriber)
    seen: list[int] = []
    failing: set[int] = set()  # subscriptions that failed in this pass: no more rounds
    sent = 0
    try:
        while sent < limit:
            taken: dict[int, int] = {}
            batch: list[_Attempt] = []
            while sent + len(batch) < limit:
                full = failing | {hook for hook, n in taken.items() if n >= per_hook}
                attempt = _claim(session, settings, secrets, seen, full)
                if attempt is None:
                    break
                taken[attempt.webhook_id] = taken.get(attempt.webhook_id, 0) + 1
                batch.append(attempt)
            if not batch:
                break
            workers = max(1, min(settings.webhook_concurrency, len(batch)))
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="webhook") as pool:
                results = list(pool.map(lambda a: _post(a, http, settings), batch))
            for attempt, (status, error) in zip(batch, results, strict=True):
                if error is not None:
                    failing.add(attempt.webhook_id)
                _record(session, settings, attempt, status, error)
            sent += len(batch)
    finally:
        if own_client:
            http.close()
    return sent
