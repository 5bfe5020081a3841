"""Notifications of the calling key: its settings (events, e-mail, language, digest) and its
in-app list with read/unread. Scheduler and ops keys; each sees only its own."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session, func, select

from controller import mailtext, notifications
from controller.config import Settings
from controller.deps import Principal, get_session, get_settings, require
from controller.errors import ApiError, not_found
from controller.models import MailDelivery, Notification, NotificationSetting
from controller.schemas import RowId, StrictModel
from controller.timeutil import utcnow

router = APIRouter(prefix="/v1/notifications", tags=["notifications"])

NotifyEvent = Literal["job.failed", "job.unknown", "account.needs_auth"]
DEFAULT_EVENTS: tuple[NotifyEvent, ...] = ("job.failed", "job.unknown", "account.needs_auth")
EMAIL = r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$"


class NotificationSettingsIn(StrictModel):
    email: str | None = Field(default=None, max_length=254, pattern=EMAIL)
    language: Literal["en", "es"] = "en"
    events: list[NotifyEvent] = Field(default_factory=lambda: list(DEFAULT_EVENTS), max_length=3)
    digest: Literal["none", "daily"] = "none"

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "email": "ana@example.com",
                    "language": "es",
                    "events": ["job.failed", "job.unknown", "account.needs_auth"],
                    "digest": "none",
                }
            ]
        },
    )


class NotificationSettingsOut(BaseModel):
    email: str | None
    language: str
    events: list[str]
    digest: str
    mail_enabled: bool = Field(description="false: no SMTP server configured, in-app only")
    stored: bool = Field(description="false: the defaults (nothing set yet)")


class NotificationOut(BaseModel):
    id: int
    event: str
    account: str | None
    job_id: int | None
    title: str
    link: str
    mail: str
    data: dict[str, Any]
    created_at: datetime
    read_at: datetime | None


class NotificationList(BaseModel):
    notifications: list[NotificationOut]
    unread: int


class MailOut(BaseModel):
    id: int
    to: str
    subject: str
    notification_id: int | None
    digest_day: str | None
    state: str = Field(description="pending, sent or failed (gave up after mail_max_attempts)")
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


class ReadAll(BaseModel):
    marked: int
    unread: int


def _key_id(principal: Principal) -> int:
    if principal.api_key_id is None:
        raise ApiError(403, "forbidden", "notifications belong to an API key")
    return principal.api_key_id


def _settings_out(
    row: NotificationSetting | None, key_id: int, settings: Settings
) -> NotificationSettingsOut:
    stored = row is not None
    row = row or notifications.defaults(key_id)
    return NotificationSettingsOut(
        email=row.email,
        language=row.language,
        events=row.events,
        digest=row.digest,
        mail_enabled=settings.mail_enabled,
        stored=stored,
    )


def _own_setting(session: Session, key_id: int) -> NotificationSetting | None:
    return session.exec(
        select(NotificationSetting).where(NotificationSetting.api_key_id == key_id)
    ).first()


@router.get("/settings", response_model=NotificationSettingsOut)
def get_settings_route(
    session: Session = Depends(get_session, scope="function"),
    settings: Settings = Depends(get_settings),
    principal: Principal = Depends(require("scheduler")),
) -> NotificationSettingsOut:
    """The key's notification settings (the defaults until set) and whether mail is on."""
    key_id = _key_id(principal)
    return _settings_out(_own_setting(session, key_id), key_id, settings)


@router.put("/settings", response_model=NotificationSettingsOut)
def put_settings(
    body: NotificationSettingsIn,
    session: Session = Depends(get_session, scope="function"),
    settings: Settings = Depends(get_settings),
    principal: Principal = Depends(require("scheduler")),
) -> NotificationSettingsOut:
    """Set what the key hears about and how: `email` (null: in-app only), `language` (en,
    es), `events` (empty: nothing), `digest` (`daily`: one mail a day instead of one per
    event). A scheduler key hears about its own and the shared accounts, ops about all."""
    key_id = _key_id(principal)
    row = _own_setting(session, key_id) or NotificationSetting(api_key_id=key_id)
    row.email = body.email
    row.language = body.language
    row.events = sorted(set(body.events))
    if body.digest == "daily" and row.digest != "daily":
        # a digest covers the days after it is turned on
        row.digest_sent_through = (utcnow().date() - timedelta(days=1)).isoformat()
    row.digest = body.digest
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    return _settings_out(row, key_id, settings)


@router.delete("/settings", status_code=204)
def delete_settings(
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("scheduler")),
) -> Response:
    """Back to the defaults (an account owner still gets in-app notifications, no mail)."""
    row = _own_setting(session, _key_id(principal))
    if row is not None:
        session.delete(row)
    return Response(status_code=204)


def _out(note: Notification, settings: Settings) -> NotificationOut:
    return NotificationOut(
        id=note.id or 0,
        event=note.event,
        account=note.account,
        job_id=note.job_id,
        title=note.title,
        link=mailtext.job_link(settings.public_url, note.job_id),
        mail=note.mail,
        data=note.data,
        created_at=note.created_at,
        read_at=note.read_at,
    )


def _unread(session: Session, key_id: int) -> int:
    return session.exec(
        select(func.count())
        .select_from(Notification)
        .where(Notification.api_key_id == key_id, Notification.read_at.is_(None))  # type: ignore[union-attr]
    ).one()


@router.get("", response_model=NotificationList)
def list_notifications(
    session: Session = Depends(get_session, scope="function"),
    settings: Settings = Depends(get_settings),
    principal: Principal = Depends(require("scheduler")),
    unread: bool = Query(default=False, description="only the unread ones"),
    limit: int = Query(default=50, ge=1, le=500),
) -> NotificationList:
    """The key's notifications, newest first, and how many are unread."""
    key_id = _key_id(principal)
    query = select(Notification).where(Notification.api_key_id == key_id)
    if unread:
        query = query.where(Notification.read_at.is_(None))  # type: ignore[union-attr]
    rows = session.exec(query.order_by(Notification.id.desc()).limit(limit)).all()  # type: ignore[union-attr]
    return NotificationList(
        notifications=[_out(n, settings) for n in rows], unread=_unread(session, key_id)
    )


@router.get("/mail", response_model=list[MailOut])
def mail_log(
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("scheduler")),
    state: str | None = Query(default=None, pattern="^(pending|sent|failed)$"),
    limit: int = Query(default=100, ge=1, le=500),
) -> list[MailOut]:
    """The mail outbox, newest first: the key's own messages (ops: every key's), with their
    attempts and last error (ours: a status or an exception type)."""
    query = select(MailDelivery)
    if principal.role != "ops":
        query = query.where(MailDelivery.api_key_id == _key_id(principal))
    if state:
        query = query.where(MailDelivery.state == state)
    rows = session.exec(query.order_by(MailDelivery.id.desc()).limit(limit)).all()  # type: ignore[union-attr]
    return [
        MailOut(
            id=r.id or 0,
            to=r.to_addr,
            subject=r.subject,
            notification_id=r.notification_id,
            digest_day=r.digest_day,
            state=r.state,
            attempts=r.attempts,
            next_attempt_at=r.next_attempt_at,
            last_error=r.last_error,
            created_at=r.created_at,
            sent_at=r.sent_at,
        )
        for r in rows
    ]


@router.post("/read-all", response_model=ReadAll)
def read_all(
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("scheduler")),
) -> ReadAll:
    """Mark every unread notification of the key read."""
    key_id = _key_id(principal)
    rows = session.exec(
        select(Notification).where(
            Notification.api_key_id == key_id,
            Notification.read_at.is_(None),  # type: ignore[union-attr]
        )
    ).all()
    now = utcnow()
    for note in rows:
        note.read_at = now
        session.add(note)
    session.flush()
    return ReadAll(marked=len(rows), unread=_unread(session, key_id))


@router.post("/{notification_id}/read", response_model=NotificationOut)
def read_one(
    notification_id: RowId,
    session: Session = Depends(get_session, scope="function"),
    settings: Settings = Depends(get_settings),
    principal: Principal = Depends(require("scheduler")),
) -> NotificationOut:
    """Mark one notification read (again: no change). Another key's is a 404."""
    note = session.get(Notification, notification_id)
    if note is None or note.api_key_id != _key_id(principal):
        raise not_found("notification", notification_id)
    if note.read_at is None:
        note.read_at = utcnow()
        session.add(note)
        session.flush()
    return _out(note, settings)
