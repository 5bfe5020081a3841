"""Picking the work idle devices get next; `controller.leases` opens, settles and ends the
leases.

A pass is a set operation, not a loop over the rack: one query finds, for every account of a
free, healthy device, its most urgent job (an `unknown` one to verify first, else the earliest
due), reading the due jobs through the index on `(state, scheduled_at)`; one grouped query reads
the pacing of the accounts that have a due job; one query finds the logins asked for. The pass's
cost grows with the jobs due now, not with the number of phones.

The chosen rows are then locked with `FOR UPDATE SKIP LOCKED` on PostgreSQL (jobs, then their
devices), so replicas sharing one database never lease the same job or give one device two
leases: a row another replica holds is skipped and left for the next pass. The unique partial
indexes on the active leases of a device and of a job (alembic 0010) are the last guard.

The pass runs in a background thread of every replica (`controller.notify.DispatchLoop`), woken
when a job falls due, a job is submitted or a lease ends; a claim runs it for the agent's own
idle devices first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
import structlog
from sqlmodel import Session, func, select

from controller import best_time, leases
from controller.config import Settings
from controller.models import Account, AudienceActivity, Device, Job, Lease
from controller.timeutil import utcnow
from farmcore.vocab import AccountState, DeviceStatus, JobState, LeasePurpose, LeaseState

log = structlog.get_logger()

# a device may get work while the agent reports it idle, or busy with no lease of ours (a
# preflight, a lease it is finishing): the agent queues the lease behind what the phone does
FIT = (DeviceStatus.IDLE, DeviceStatus.BUSY)
DAY = timedelta(days=1)


@dataclass
class PassResult:
    created: int = 0
    skipped: int = 0  # candidates another transaction held: worth another pass soon


def _device_filter(settings: Settings, device_ids: list[int] | None, now: datetime) -> list:
    """Free, healthy devices of an agent: the given ones, or every fresh one."""
    busy = (
        select(Lease.token)
        .where(Lease.device_id == Device.id, Lease.state == LeaseState.ACTIVE)
        .exists()
    )
    where = [
        Device.agent_id.is_not(None),  # type: ignore[union-attr]
        ~busy,
        Device.mode == "active",  # drained or quarantined by ops or the agent's recovery ladder
    ]
    if device_ids is not None:
        where.append(Device.id.in_(device_ids))  # type: ignore[union-attr]
    else:
        fresh = now - timedelta(seconds=settings.lease_ttl_s)
        where.append(Device.status.in_(FIT))  # type: ignore[attr-defined]
        where.append(Device.last_seen_at >= fresh)  # type: ignore[operator]
    return where


def _candidates(
    session: Session, settings: Settings, device_ids: list[int] | None, now: datetime
) -> list[sa.Row]:
    """Per account of a free device: its most urgent job (unknown first, then earliest due)."""
    urgency = (
        sa.case((Job.state == JobState.UNKNOWN, 0), else_=1),
        Job.scheduled_at,
        Job.id,
    )
    ranked = (
        select(
            Job.id.label("job_id"),  # type: ignore[union-attr]
            Job.state.label("state"),  # type: ignore[attr-defined]
            Job.scheduled_at.label("scheduled_at"),  # type: ignore[attr-defined]
            Job.account_id.label("account_id"),  # type: ignore[attr-defined]
            Account.device_id.label("device_id"),  # type: ignore[attr-defined]
            Account.min_gap_s.label("min_gap_s"),  # type: ignore[attr-defined]
            Account.daily_cap.label("daily_cap"),  # type: ignore[attr-defined]
            func.row_number().over(partition_by=Job.account_id, order_by=urgency).label("rn"),
        )
        .join(Account, Account.id == Job.account_id)  # type: ignore[arg-type]
        .join(Device, Device.id == Account.device_id)  # type: ignore[arg-type]
        .where(
            sa.or_(
                Job.state == JobState.UNKNOWN,
                sa.and_(Job.state == JobState.SCHEDULED, Job.scheduled_at <= now),
            ),
            Account.state == AccountState.ACTIVE,
            *_device_filter(settings, device_ids, now),
        )
        .subquery()
    )
    return list(session.execute(select(ranked).where(ranked.c.rn == 1)).all())


def _paced_out_accounts(
    session: Session, settings: Settings, rows: list[sa.Row], now: datetime
) -> set[int]:
    """Accounts among `rows` that posted too recently or reached their daily cap, read in one
    grouped query over the index on (account_id, published_at)."""
    limits = {}
    for row in rows:
        if row.state != JobState.SCHEDULED:
            continue
        gap = row.min_gap_s if row.min_gap_s is not None else settings.min_gap_s
        cap = row.daily_cap if row.daily_cap is not None else settings.daily_cap
        if gap > 0 or cap > 0:
            limits[row.account_id] = (gap, cap)
    if not limits:
        return set()
    window = max([DAY] + [timedelta(seconds=g) for g, _ in limits.values()])
    day_ago = now - DAY
    stats = session.execute(
        select(
            Job.account_id,
            func.max(Job.published_at),
            func.sum(sa.case((Job.published_at >= day_ago, 1), else_=0)),  # type: ignore[operator]
        )
        .where(
            Job.account_id.in_(list(limits)),  # type: ignore[attr-defined]
            Job.published_at >= now - window,  # type: ignore[operator]
        )
        .group_by(Job.account_id)
    ).all()
    out = set()
    for account_id, last, count in stats:
        gap, cap = limits[account_id]
        if gap > 0 and last is not None and (now - last).total_seconds() < gap:
            out.add(account_id)
        if cap > 0 and (count or 0) >= cap:
            out.add(account_id)
    return out


def _logins(
    session: Session, settings: Settings, device_ids: list[int] | None, now: datetime
) -> dict[int, int]:
    """{device id: account id} of the logins asked for on free devices (oldest request first)."""
    rows = session.execute(
        select(Account.device_id, Account.id)
        .join(Device, Device.id == Account.device_id)  # type: ignore[arg-type]
        .where(
            Account.login_requested_at.is_not(None),  # type: ignore[union-attr]
            *_device_filter(settings, device_ids, now),
        )
        .order_by(Account.login_requested_at)
    ).all()
    out: dict[int, int] = {}
    for device_id, account_id in rows:
        out.setdefault(device_id, account_id)
    return out


def _insights(
    session: Session,
    settings: Settings,
    device_ids: list[int] | None,
    now: datetime,
    exclude: set[int],
) -> dict[int, int]:
    """{device id: account id} of audience readings to take (lowest priority: only on an idle
    phone with no login or job of its own to run, none of whose accounts has a job due within
    `audience_quiet_s`): an account never read, read longer than `audience_refresh_days` ago,
    or whose refresh was asked for; a reading tried lately (lost, failed) waits
    `audience_retry_s`."""
    soon = now + timedelta(seconds=settings.audience_quiet_s)
    stale = now - timedelta(days=settings.audience_refresh_days)
    retry = now - timedelta(seconds=settings.audience_retry_s)
    wanted = [AudienceActivity.refresh_requested_at.is_not(None)]  # type: ignore[union-attr]
    if settings.audience_refresh_days > 0:  # 0: readings only when asked for
        wanted += [
            AudienceActivity.id.is_(None),  # type: ignore[union-attr]
            AudienceActivity.read_at.is_(None),  # type: ignore[union-attr]
            AudienceActivity.read_at < stale,  # type: ignore[operator]
        ]
    others = sa.orm.aliased(Account)
    due_soon = (
        select(Job.id)
        .join(others, others.id == Job.account_id)  # type: ignore[arg-type]
        .where(
            others.device_id == Device.id,
            sa.or_(
                Job.state == JobState.UNKNOWN,
                sa.and_(
                    Job.state.in_((JobState.SCHEDULED, JobState.LEASED)),  # type: ignore[attr-defined]
                    Job.scheduled_at <= soon,
                ),
            ),
        )
        .exists()
    )
    rows = session.execute(
        select(Account.device_id, Account.id)
        .join(Device, Device.id == Account.device_id)  # type: ignore[arg-type]
        .outerjoin(AudienceActivity, AudienceActivity.account_id == Account.id)  # type: ignore[arg-type]
        .where(
            Account.state == AccountState.ACTIVE,
            Device.status == DeviceStatus.IDLE,
            ~due_soon,
            sa.or_(*wanted),
            sa.or_(
                AudienceActivity.attempted_at.is_(None),  # type: ignore[union-attr]
                AudienceActivity.attempted_at < retry,  # type: ignore[operator]
                AudienceActivity.attempted_at < AudienceActivity.refresh_requested_at,  # type: ignore[operator]
            ),
            *_device_filter(settings, device_ids, now),
        )
        .order_by(AudienceActivity.refresh_requested_at.is_(None), Account.id)  # type: ignore[union-attr]
    ).all()
    out: dict[int, int] = {}
    for device_id, account_id in rows:
        if device_id not in exclude:
            out.setdefault(device_id, account_id)
    return out


def _lock(session: Session, model: type, ids: list[int]) -> dict[int, object]:
    """The rows of `ids` this transaction could lock (SKIP LOCKED: rows held elsewhere are left
    out); on SQLite the transaction already holds the database's write lock."""
    if not ids:
        return {}
    rows = session.exec(
        select(model)
        .where(model.id.in_(ids))  # type: ignore[attr-defined]
        .order_by(model.id)  # type: ignore[attr-defined]
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    ).all()
    return {r.id: r for r in rows}


def run_pass(
    session: Session, settings: Settings, device_ids: list[int] | None = None
) -> PassResult:
    """One pass over free devices (`device_ids`, or every fresh one). Caller commits."""
    now = utcnow()
    result = PassResult()
    logins = _logins(session, settings, device_ids, now)
    rows = _candidates(session, settings, device_ids, now)
    # an audience reading never goes before a login or a job of the phone (due or not paced)
    insights = _insights(
        session, settings, device_ids, now, set(logins) | {r.device_id for r in rows}
    )
    if not rows and not logins and not insights:
        return result
    paced = _paced_out_accounts(session, settings, rows, now)
    # per device: login first, then unknown before due, then earliest
    best: dict[int, sa.Row] = {}
    for row in sorted(rows, key=lambda r: (r.state != JobState.UNKNOWN, r.scheduled_at, r.job_id)):
        if row.device_id in logins or row.device_id in best:
            continue
        if row.state == JobState.SCHEDULED and row.account_id in paced:
            continue
        best[row.device_id] = row
    jobs = _lock(session, Job, [r.job_id for r in best.values()])
    login_accounts = _lock(session, Account, list(logins.values()))
    reading_accounts = _lock(session, Account, list(insights.values()))
    wanted = [d for d, r in best.items() if r.job_id in jobs]
    wanted += [d for d, a in logins.items() if a in login_accounts]
    wanted += [d for d, a in insights.items() if a in reading_accounts]
    devices = _lock(session, Device, sorted(wanted))
    taken = set(
        session.exec(
            select(Lease.device_id).where(
                Lease.device_id.in_(list(devices)),  # type: ignore[attr-defined]
                Lease.state == LeaseState.ACTIVE,
            )
        ).all()
    )
    result.skipped = len(best) + len(logins) + len(insights) - len(devices)
    for device_id, device in devices.items():
        if device_id in taken:
            continue
        assert isinstance(device, Device)
        if device_id in insights:
            account = reading_accounts[insights[device_id]]
            assert isinstance(account, Account)
            leases.open_lease(session, settings, device, LeasePurpose.INSIGHTS, account=account)
            best_time.mark_attempted(session, account)
            result.created += 1
            continue
        if device_id in logins:
            account = login_accounts[logins[device_id]]
            assert isinstance(account, Account)
            leases.open_lease(session, settings, device, LeasePurpose.LOGIN, account=account)
            result.created += 1
            continue
        row = best[device_id]
        job = jobs[row.job_id]
        assert isinstance(job, Job)
        # the row was read before it was locked: it must still be what was chosen
        if job.state == JobState.UNKNOWN:
            purpose = LeasePurpose.VERIFY
        elif job.state == JobState.SCHEDULED and job.scheduled_at <= now:
            purpose = LeasePurpose.PUBLISH
        else:
            continue
        leases.open_lease(session, settings, device, purpose, job=job)
        result.created += 1
    return result


def dispatch(session: Session, settings: Settings, devices: list[Device] | None = None) -> int:
    """One pass over idle online devices (or the given ones); returns the leases created."""
    ids = None if devices is None else [d.id for d in devices if d.id is not None]
    if ids == []:
        return 0
    return run_pass(session, settings, ids).created


def next_due(session: Session) -> datetime | None:
    """When the next scheduled job falls due (an index lookup), or None."""
    return session.exec(
        select(func.min(Job.scheduled_at)).where(
            Job.state == JobState.SCHEDULED,
            Job.scheduled_at > utcnow(),  # type: ignore[operator]
        )
    ).one()


def lease_for_device(session: Session, device: Device, settings: Settings) -> Lease | None:
    """The one-device form of a pass (kept for callers that hold a device). Caller commits."""
    if device.agent_id is None or leases.device_busy(session, device):
        return None
    if run_pass(session, settings, [device.id or 0]).created == 0:
        return None
    return session.exec(
        select(Lease).where(Lease.device_id == device.id, Lease.state == LeaseState.ACTIVE)
    ).first()
