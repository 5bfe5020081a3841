"""Webhook subscriptions and their delivery log. A scheduler key sees its own subscriptions;
ops see all."""

from __future__ import annotations

import structlog
from fastapi import APIRouter, Depends, Query, Response
from sqlmodel import Session, select

from controller import egress
from controller.config import Settings
from controller.deps import Principal, get_secrets, get_session, get_settings, require
from controller.errors import ApiError, not_found
from controller.models import Webhook, WebhookDelivery
from controller.schemas import DeliveryOut, RowId, WebhookIn, WebhookOut
from controller.security import SecretBox, new_token

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])
log = structlog.get_logger()


def webhook_out(hook: Webhook, secret: str | None = None) -> WebhookOut:
    return WebhookOut(
        id=hook.id or 0,
        url=hook.url,
        events=hook.events,
        active=hook.active,
        created_at=hook.created_at,
        secret=secret,
    )


def _visible(session: Session, webhook_id: int, principal: Principal) -> Webhook:
    hook = session.get(Webhook, webhook_id)
    if hook is None or (principal.role != "ops" and hook.api_key_id != principal.api_key_id):
        raise not_found("webhook", webhook_id)
    return hook


@router.post("", status_code=201, response_model=WebhookOut)
def create_webhook(
    body: WebhookIn,
    session: Session = Depends(get_session, scope="function"),
    secrets: SecretBox = Depends(get_secrets),
    settings: Settings = Depends(get_settings),
    principal: Principal = Depends(require("scheduler")),
) -> WebhookOut:
    """Subscribe a URL to events. The response carries the signing secret, only this once.
    A URL on a loopback, private, link-local or metadata address is 422
    `webhook_url_forbidden` unless ops allow its host (`FARM_WEBHOOK_ALLOWED_HOSTS`)."""
    try:
        egress.check(body.url, settings)
    except egress.Forbidden as exc:
        log.warning("webhook_refused", code=exc.code, by=principal.name)
        raise ApiError(422, exc.code, str(exc)) from None
    secret = new_token("whsec")
    hook = Webhook(
        url=body.url,
        events=sorted(set(body.events)),
        secret_enc=secrets.encrypt(secret),
        api_key_id=principal.api_key_id,
    )
    session.add(hook)
    session.flush()
    return webhook_out(hook, secret)


@router.get("", response_model=list[WebhookOut])
def list_webhooks(
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("scheduler")),
) -> list[WebhookOut]:
    """Subscriptions (without their secrets)."""
    query = select(Webhook).order_by(Webhook.id)
    if principal.role != "ops":
        query = query.where(Webhook.api_key_id == principal.api_key_id)
    return [webhook_out(h) for h in session.exec(query).all()]


@router.delete("/{webhook_id}", status_code=204)
def delete_webhook(
    webhook_id: RowId,
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("scheduler")),
) -> Response:
    """Stop the subscription; its pending deliveries are cancelled, its log is kept."""
    hook = _visible(session, webhook_id, principal)
    hook.active = False
    session.add(hook)
    for delivery in session.exec(
        select(WebhookDelivery).where(
            WebhookDelivery.webhook_id == hook.id, WebhookDelivery.state == "pending"
        )
    ).all():
        delivery.state = "cancelled"
        session.add(delivery)
    return Response(status_code=204)


@router.get("/{webhook_id}/deliveries", response_model=list[DeliveryOut])
def list_deliveries(
    webhook_id: RowId,
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("scheduler")),
    state: str | None = Query(default=None, pattern="^(pending|delivered|failed|cancelled)$"),
    limit: int = Query(default=100, ge=1, le=500),
) -> list[DeliveryOut]:
    """The delivery log, newest first: attempts, last HTTP status or error, the payload."""
    hook = _visible(session, webhook_id, principal)
    query = select(WebhookDelivery).where(WebhookDelivery.webhook_id == hook.id)
    if state:
        query = query.where(WebhookDelivery.state == state)
    rows = session.exec(query.order_by(WebhookDelivery.id.desc()).limit(limit)).all()  # type: ignore[union-attr]
    return [DeliveryOut.model_validate(r, from_attributes=True) for r in rows]
