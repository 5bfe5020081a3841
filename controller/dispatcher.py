"""Picking the work an idle device gets next; `controller.leases` opens, settles and ends the
leases.

Dispatch runs as an APScheduler interval job in the controller; a claim from an agent also runs
a dispatch pass for that agent's idle devices so a due job does not wait for the next tick.
On PostgreSQL the job rows are locked with `FOR UPDATE SKIP LOCKED`, so replicas sharing one
database never lease the same job; the device's active lease is the second guard (a unique
partial index would be the third; see alembic).
"""

from __future__ import annotations

from datetime import timedelta

import structlog
from sqlmodel import Session, func, select

from controller import accounts, leases
from controller.config import Settings
from controller.models import Account, Device, Job, Lease
from controller.timeutil import utcnow
from farmcore.vocab import AccountState, JobState, LeasePurpose

log = structlog.get_logger()


def _paced_out(session: Session, account: Account, settings: Settings) -> bool:
    """True when the account posted too recently or hit its daily cap (its own limits, else
    farm.yaml's)."""
    now = utcnow()
    min_gap_s, daily_cap = accounts.pacing(account, settings)
    if min_gap_s > 0:
        last = session.exec(
            select(func.max(Job.published_at)).where(Job.account_id == account.id)
        ).one()
        if last is not None and (now - last).total_seconds() < min_gap_s:
            return True
    if daily_cap > 0:
        count = session.exec(
            select(func.count())
            .select_from(Job)
            .where(Job.account_id == account.id, Job.published_at >= now - timedelta(days=1))
        ).one()
        if count >= daily_cap:
            return True
    return False


def _next_job_for(
    session: Session, device: Device, settings: Settings
) -> tuple[Job, LeasePurpose] | None:
    """The device's most urgent job: an `unknown` one to verify first, else the earliest due."""
    now = utcnow()
    accounts = session.exec(
        select(Account).where(Account.device_id == device.id, Account.state == AccountState.ACTIVE)
    ).all()
    if not accounts:
        return None
    ids = [a.id for a in accounts]
    unknown = session.exec(
        select(Job)
        .where(Job.account_id.in_(ids), Job.state == JobState.UNKNOWN)  # type: ignore[attr-defined]
        .order_by(Job.scheduled_at, Job.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    ).first()
    if unknown is not None:
        return unknown, LeasePurpose.VERIFY
    sendable = [a.id for a in accounts if not _paced_out(session, a, settings)]
    if not sendable:
        return None
    due = session.exec(
        select(Job)
        .where(
            Job.account_id.in_(sendable),  # type: ignore[attr-defined]
            Job.state == JobState.SCHEDULED,
            Job.scheduled_at <= now,
        )
        .order_by(Job.scheduled_at, Job.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    ).first()
    return (due, LeasePurpose.PUBLISH) if due is not None else None


def _login_due(session: Session, device: Device) -> Account | None:
    """An account on this device that asked to be logged in (ops' reauth with login)."""
    return session.exec(
        select(Account)
        .where(Account.device_id == device.id, Account.login_requested_at.is_not(None))  # type: ignore[union-attr]
        .order_by(Account.login_requested_at)
        .limit(1)
        .with_for_update(skip_locked=True)
    ).first()


def lease_for_device(session: Session, device: Device, settings: Settings) -> Lease | None:
    """Pick the device's next work, if any, and open its lease: a login first, then a job to
    verify, then the earliest due job. Caller commits."""
    if device.agent_id is None or leases.device_busy(session, device):
        return None
    if device.mode != "active":  # drained or quarantined by ops or the agent's recovery ladder
        return None
    account = _login_due(session, device)
    if account is not None:
        return leases.open_lease(session, settings, device, LeasePurpose.LOGIN, account=account)
    picked = _next_job_for(session, device, settings)
    if picked is None:
        return None
    job, purpose = picked
    return leases.open_lease(session, settings, device, purpose, job=job)


def dispatch(session: Session, settings: Settings, devices: list[Device] | None = None) -> int:
    """One pass over idle online devices; returns the number of leases created."""
    if devices is None:
        fresh = utcnow() - timedelta(seconds=settings.lease_ttl_s)
        devices = list(
            session.exec(
                select(Device).where(Device.status == "idle", Device.last_seen_at >= fresh)
            ).all()
        )
    created = 0
    for device in devices:
        if lease_for_device(session, device, settings) is not None:
            created += 1
    return created
