"""Notifications: an event a key hears about becomes, in the same transaction as the change,
one in-app row for that key and (mail on, an address set, no digest) one message in the mail
outbox, rendered once in the key's language. controller/mailer.py sends the outbox.

Who hears what (controller/ownership.py's rule): a scheduler key hears about its own accounts,
the shared ones and (a team's sub-user) its leader's, ops about all. A key hears an event
when its settings list it; the owner of an account hears the default events about it even
without settings (in-app; mail needs an address). `job.unknown` is told once verification
failed to find out (the webhook fires earlier, when the job becomes unknown), `job.failed`
when a job fails for good, `account.needs_auth` when an account is put on hold.

Mail with `digest: daily` is not sent per event: the day's notifications go in one message,
queued at the first pass after the day ends (UTC), once per key and day.
"""

from __future__ import annotations

import uuid
import weakref
from datetime import date, datetime, timedelta
from email.utils import parseaddr
from typing import Any

import sqlalchemy as sa
import structlog
from sqlmodel import Session, select

from controller import mailtext
from controller.config import Settings
from controller.models import (
    Account,
    ApiKey,
    Job,
    JobEvent,
    MailDelivery,
    Notification,
    NotificationSetting,
    Team,
    TeamMember,
)
from controller.timeutil import utcnow
from farmcore.vocab import JobState, WebhookEvent

log = structlog.get_logger()

EVENTS = (WebhookEvent.JOB_FAILED, WebhookEvent.JOB_UNKNOWN, WebhookEvent.ACCOUNT_NEEDS_AUTH)
DEFAULT_EVENTS = [str(e) for e in EVENTS]
DIGESTS = ("none", "daily")
DIGEST_LOOKBACK_DAYS = 7  # a controller down over midnight still sends the days it missed

# the settings of the app that owns an engine: what the fan-out needs (mail on, links)
_SETTINGS: weakref.WeakKeyDictionary[sa.Engine, Settings] = weakref.WeakKeyDictionary()


def configure(engine: sa.Engine, settings: Settings) -> None:
    _SETTINGS[engine] = settings


def _settings_of(session: Session) -> Settings | None:
    bind = session.get_bind()
    engine = bind if isinstance(bind, sa.Engine) else getattr(bind, "engine", None)
    return _SETTINGS.get(engine) if engine is not None else None


def defaults(api_key_id: int) -> NotificationSetting:
    """What a key hears before it sets anything: the default events, in-app only."""
    return NotificationSetting(api_key_id=api_key_id, events=list(DEFAULT_EVENTS))


def _hears(key: ApiKey, account: Account | None, leader_id: int | None = None) -> bool:
    """controller/ownership.py's rule: ops hear all; a scheduler key its own accounts, the
    shared ones, and (a team's sub-user) its leader's."""
    if key.role == "ops" or account is None or account.owner_key_id is None:
        return True
    return account.owner_key_id in (key.id, leader_id)


def _leaders(session: Session) -> dict[int, int]:
    """Each sub-user's team leader (controller/teams.py)."""
    rows = session.exec(
        select(TeamMember.key_id, Team.leader_key_id).join(
            Team,
            Team.id == TeamMember.team_id,  # type: ignore[arg-type]
        )
    ).all()
    return {member: leader for member, leader in rows}


def _live(key: ApiKey, now: datetime) -> bool:
    return key.revoked_at is None and (key.expires_at is None or key.expires_at > now)


def _subscribers(
    session: Session, event: str, account: Account | None
) -> list[tuple[NotificationSetting, ApiKey]]:
    now = utcnow()
    rows = session.exec(
        select(NotificationSetting, ApiKey).join(
            ApiKey,
            ApiKey.id == NotificationSetting.api_key_id,  # type: ignore[arg-type]
        )
    ).all()
    leaders = _leaders(session) if rows and account is not None else {}
    chosen = {
        key.id: (setting, key)
        for setting, key in rows
        if _live(key, now)
        and key.role in ("ops", "scheduler")
        and _hears(key, account, leaders.get(key.id or 0))
    }
    owner_id = account.owner_key_id if account is not None else None
    if owner_id is not None and owner_id not in chosen:
        owner = session.get(ApiKey, owner_id)
        if owner is not None and _live(owner, now):
            chosen[owner_id] = (defaults(owner_id), owner)
    return [(s, k) for s, k in chosen.values() if event in s.events]


def _dedupe_key(session: Session, event: str, data: dict[str, Any]) -> str:
    """One notification per key for one happening: a job's failure per lease (a job fails
    only when a lease ends it; a retried job that fails again is another one), an account's
    hold per change (holds announce only changes). `job.unknown`: see verification_failed."""
    if event == WebhookEvent.JOB_FAILED:
        job = session.get(Job, data.get("job_id"))
        return f"{event}:{data.get('job_id')}:{job.lease_token if job else None}"
    return f"{event}:{data.get('account')}:{data.get('state')}:{utcnow().isoformat()}"


def message_id(settings: Settings) -> str:
    """A Message-ID on the sender's domain, fixed when the message is queued."""
    domain = parseaddr(settings.smtp_from)[1].rpartition("@")[2] or "igfarm.local"
    return f"<igfarm.{uuid.uuid4().hex}@{domain}>"


def announce(
    session: Session,
    event: str,
    data: dict[str, Any],
    *,
    account: Account | None,
    dedupe: str | None = None,
) -> int:
    """Fan `event` out to the keys that hear it: an in-app row each, plus a rendered mail in
    the outbox for those who get one mail per event; a key told about this happening
    (`dedupe`) already is not told again. The caller's commit makes it real. Returns the
    number of in-app notifications made."""
    if event not in EVENTS:
        return 0
    settings = _settings_of(session)
    mail_on = settings is not None and settings.mail_enabled
    dedupe = dedupe or _dedupe_key(session, event, data)
    made = 0
    for setting, key in _subscribers(session, event, account):
        already = session.exec(
            select(Notification.id).where(
                Notification.api_key_id == key.id, Notification.dedupe_key == dedupe
            )
        ).first()
        if already is not None:
            continue
        mail = "none"
        if mail_on and setting.email:
            mail = "digest" if setting.digest == "daily" else "instant"
        language = setting.language if setting.language in mailtext.LANGUAGES else "en"
        note = Notification(
            api_key_id=key.id or 0,
            dedupe_key=dedupe,
            event=event,
            account=data.get("account"),
            job_id=data.get("job_id"),
            title=mailtext.title(event, data, language),
            data=data,
            mail=mail,
        )
        session.add(note)
        session.flush()
        made += 1
        if mail == "instant" and settings is not None:
            rendered = mailtext.render_event(
                event, data, language=language, public_url=settings.public_url, key_name=key.name
            )
            session.add(
                MailDelivery(
                    api_key_id=key.id or 0,
                    notification_id=note.id,
                    to_addr=setting.email or "",
                    message_id=message_id(settings),
                    subject=rendered.subject,
                    text_body=rendered.text,
                    html_body=rendered.html,
                )
            )
    if made:
        log.info("notifications_queued", notify_event=event, count=made)
    return made


def on_webhook_event(
    session: Session, event: str, data: dict[str, Any], *, account: Account | None
) -> None:
    """Called by webhooks.emit: every event but `job.unknown` (told after verification)."""
    if event != WebhookEvent.JOB_UNKNOWN:
        announce(session, event, data, account=account)


def verification_failed(session: Session, job: Job) -> None:
    """A verification lease of an unknown job failed or expired: whether the post went out is
    still unknown, so the subscribers are told now."""
    from controller.webhooks import job_data  # webhooks imports this module

    account = session.get(Account, job.account_id)
    # once per time the job became unknown, however many verifications fail meanwhile
    became_unknown = session.exec(
        select(sa.func.max(JobEvent.id)).where(
            JobEvent.job_id == job.id, JobEvent.to_state == JobState.UNKNOWN
        )
    ).one()
    dedupe = f"{WebhookEvent.JOB_UNKNOWN}:{job.id}:{became_unknown}"
    announce(
        session, WebhookEvent.JOB_UNKNOWN, job_data(session, job), account=account, dedupe=dedupe
    )


# --- the daily digest -----------------------------------------------------------------------


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime(day.year, day.month, day.day, tzinfo=utcnow().tzinfo)
    return start, start + timedelta(days=1)


def queue_digests(session: Session, settings: Settings, *, now: datetime | None = None) -> int:
    """For every key on `digest: daily`, one mail per finished day (UTC) that had
    notifications, queued once (a day is marked considered in the same transaction; a unique
    key per key and day is the last guard). Returns the digests queued; the caller commits."""
    if not settings.mail_enabled:
        return 0
    now = now or utcnow()
    yesterday = now.date() - timedelta(days=1)
    queued = 0
    rows = session.exec(
        select(NotificationSetting, ApiKey)
        .join(ApiKey, ApiKey.id == NotificationSetting.api_key_id)  # type: ignore[arg-type]
        .where(
            NotificationSetting.digest == "daily",
            sa.or_(
                NotificationSetting.digest_sent_through.is_(None),  # type: ignore[union-attr]
                NotificationSetting.digest_sent_through < yesterday.isoformat(),  # type: ignore[operator,arg-type]
            ),
        )
        .with_for_update(of=NotificationSetting)  # type: ignore[arg-type]
    ).all()
    for setting, key in rows:
        sent = setting.digest_sent_through
        through = date.fromisoformat(sent) if sent else None
        if through is not None and through >= yesterday:
            continue
        first = yesterday - timedelta(days=DIGEST_LOOKBACK_DAYS - 1)
        if through is not None:
            first = max(first, through + timedelta(days=1))
        first = max(first, setting.created_at.date() - timedelta(days=1))
        day = first
        while setting.email and _live(key, now) and day <= yesterday:
            queued += _queue_day(session, settings, setting, key, day)
            day += timedelta(days=1)
        setting.digest_sent_through = yesterday.isoformat()
        session.add(setting)
    return queued


def _queue_day(
    session: Session, settings: Settings, setting: NotificationSetting, key: ApiKey, day: date
) -> bool:
    start, end = _day_bounds(day)
    notes = session.exec(
        select(Notification)
        .where(
            Notification.api_key_id == key.id,
            Notification.mail == "digest",
            Notification.created_at >= start,  # type: ignore[operator]
            Notification.created_at < end,  # type: ignore[operator]
        )
        .order_by(Notification.id)  # type: ignore[arg-type]
    ).all()
    if not notes:
        return False
    exists = session.exec(
        select(MailDelivery.id).where(
            MailDelivery.api_key_id == key.id, MailDelivery.digest_day == day.isoformat()
        )
    ).first()
    if exists is not None:
        return False
    language = setting.language if setting.language in mailtext.LANGUAGES else "en"
    rendered = mailtext.render_digest(
        day.isoformat(),
        [(n.title, n.job_id) for n in notes],
        language=language,
        public_url=settings.public_url,
        key_name=key.name,
    )
    session.add(
        MailDelivery(
            api_key_id=key.id or 0,
            digest_day=day.isoformat(),
            to_addr=setting.email or "",
            message_id=message_id(settings),
            subject=rendered.subject,
            text_body=rendered.text,
            html_body=rendered.html,
        )
    )
    return True
