"""Leasing due jobs to idle devices, and sweeping leases whose agent went quiet.

Both run as APScheduler interval jobs in the controller; a claim from an agent also runs a
dispatch pass for that agent's idle devices so a due job does not wait for the next tick.
On PostgreSQL the job rows are locked with `FOR UPDATE SKIP LOCKED`, so replicas sharing one
database never lease the same job; the device's active lease is the second guard (a unique
partial index would be the third; see alembic).
"""

from __future__ import annotations

from datetime import timedelta

import structlog
from sqlmodel import Session, func, select

from controller import accounts, lifecycle, logins
from controller.config import Settings
from controller.models import Account, Device, Job, Lease
from controller.timeutil import utcnow

log = structlog.get_logger()
ACTOR = "controller:dispatcher"


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


def _next_job_for(session: Session, device: Device, settings: Settings) -> tuple[Job, str] | None:
    """The device's most urgent job: an `unknown` one to verify first, else the earliest due."""
    now = utcnow()
    accounts = session.exec(
        select(Account).where(Account.device_id == device.id, Account.state == "active")
    ).all()
    if not accounts:
        return None
    ids = [a.id for a in accounts]
    unknown = session.exec(
        select(Job)
        .where(Job.account_id.in_(ids), Job.state == "unknown")  # type: ignore[attr-defined]
        .order_by(Job.scheduled_at, Job.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    ).first()
    if unknown is not None:
        return unknown, "verify"
    sendable = [a.id for a in accounts if not _paced_out(session, a, settings)]
    if not sendable:
        return None
    due = session.exec(
        select(Job)
        .where(
            Job.account_id.in_(sendable),  # type: ignore[attr-defined]
            Job.state == "scheduled",
            Job.scheduled_at <= now,
        )
        .order_by(Job.scheduled_at, Job.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    ).first()
    return (due, "publish") if due is not None else None


def lease_for_device(session: Session, device: Device, settings: Settings) -> Lease | None:
    """Lease one job to an idle device, if any is due. Caller commits."""
    busy = session.exec(
        select(Lease).where(Lease.device_id == device.id, Lease.state == "active")
    ).first()
    if busy is not None or device.agent_id is None:
        return None
    if device.mode != "active":  # drained or quarantined by ops or the agent's recovery ladder
        return None
    login = logins.lease_for(session, device, settings)
    if login is not None:
        return login
    picked = _next_job_for(session, device, settings)
    if picked is None:
        return None
    job, purpose = picked
    now = utcnow()
    lease = Lease(
        job_id=job.id or 0,
        device_id=device.id or 0,
        agent_id=device.agent_id,
        purpose=purpose,
        created_at=now,
        expires_at=now + timedelta(seconds=settings.lease_ttl_s),
    )
    session.add(lease)
    session.flush()
    job.lease_token = lease.token
    if purpose == "publish":
        job.attempts += 1
        lifecycle.move(
            session,
            job,
            "leased",
            actor=ACTOR,
            reason=f"leased to {device.serial} (attempt {job.attempts})",
            lease_token=lease.token,
        )
    else:
        lifecycle.record(
            session,
            job,
            "verify_leased",
            actor=ACTOR,
            reason=f"verification on {device.serial}",
            lease_token=lease.token,
        )
        session.add(job)
    log.info(
        "lease_created", job_id=job.id, lease=lease.token, device=device.serial, purpose=purpose
    )
    return lease


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


def end_lease(
    session: Session, lease: Lease, why: str, *, actor: str = "controller:sweeper"
) -> None:
    """Close a lease nobody will complete. Before the point of no return the job is safe to
    run again; after it, nobody knows whether the post went out: the job becomes `unknown`."""
    lease.state = "expired"
    lease.ended_at = utcnow()
    session.add(lease)
    if lease.job_id is None:  # a login lease: the account still asks for it, so it comes again
        return
    job = session.get(Job, lease.job_id)
    if job is None or job.lease_token != lease.token:
        return
    if lease.purpose == "verify":
        lifecycle.record(
            session, job, "verify_expired", actor=actor, reason=why, lease_token=lease.token
        )
        return
    if job.state not in ("leased", "publishing"):
        return
    if lease.point_of_no_return_at is not None:
        target, why = "unknown", f"{why} after the point of no return"
    else:
        target, why = "scheduled", f"{why} before the point of no return"
    lifecycle.move(session, job, target, actor=actor, reason=why, lease_token=lease.token)
    log.warning("lease_ended", job_id=job.id, lease=lease.token, to_state=target, reason=why)


def sweep(session: Session, settings: Settings) -> int:
    """End the leases that expired (their agent stopped heartbeating)."""
    expired = session.exec(
        select(Lease).where(Lease.state == "active", Lease.expires_at < utcnow())
    ).all()
    for lease in expired:
        end_lease(session, lease, "lease expired")
    return len(expired)
