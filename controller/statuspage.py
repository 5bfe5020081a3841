"""The public status page (`/status`, JSON at `/v1/status/page`): per post kind the publishing
delay (due → published) p50/p95 and the success rate over the last hour and the last day,
phones online, and open incidents (a rack of phones down, an app-wide block). Counts only,
never content: readable without a key, like `/v1/status`."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from pydantic import BaseModel
from sqlmodel import Session, func, select

from controller import health
from controller.config import Settings
from controller.models import JOB_KINDS, Account, Agent, Device, Job, JobEvent
from controller.status import percentile
from controller.timeutil import utcnow

WINDOWS = {"hour": timedelta(hours=1), "day": timedelta(days=1)}


class WindowFigures(BaseModel):
    published: int
    failed: int
    success_rate: float | None
    delay_p50_s: float | None
    delay_p95_s: float | None


class KindFigures(BaseModel):
    kind: str
    hour: WindowFigures
    day: WindowFigures
    queue_depth: int


class Incident(BaseModel):
    kind: str  # rack_down, app_wide_block, widespread_failures, phone_quarantined
    severity: str  # major, minor
    title: str
    since: datetime | None = None


class StatusPageOut(BaseModel):
    generated_at: datetime
    kinds: list[KindFigures]
    phones_online: int
    phones_total: int
    incidents: list[Incident]


def _window(session: Session, kind_rows: dict, since: datetime, kind: str) -> WindowFigures:
    delays = [d for at, d in kind_rows["published"].get(kind, []) if at >= since]
    failed = sum(1 for at in kind_rows["failed"].get(kind, []) if at >= since)
    ok = len(delays)
    return WindowFigures(
        published=ok,
        failed=failed,
        success_rate=round(ok / (ok + failed), 4) if ok + failed else None,
        delay_p50_s=percentile(delays, 0.5),
        delay_p95_s=percentile(delays, 0.95),
    )


def _incidents(session: Session, settings: Settings) -> list[Incident]:
    now = utcnow()
    cutoff = now - timedelta(seconds=settings.device_offline_after_s)
    out: list[Incident] = []
    by_agent: dict[int, list[Device]] = defaultdict(list)
    for device in session.exec(select(Device)).all():
        if device.agent_id is not None:
            by_agent[device.agent_id].append(device)
        if device.mode == "quarantined":
            out.append(
                Incident(
                    kind="phone_quarantined",
                    severity="minor",
                    title=f"phone {device.serial} quarantined: {device.mode_reason}",
                    since=device.mode_changed_at,
                )
            )
    for agent_id, devices in by_agent.items():
        down = [
            d
            for d in devices
            if d.status == "offline" or d.last_seen_at is None or d.last_seen_at < cutoff
        ]
        if len(devices) >= 1 and len(down) == len(devices):
            agent = session.get(Agent, agent_id)
            seen = [d.last_seen_at for d in devices if d.last_seen_at]
            out.append(
                Incident(
                    kind="rack_down",
                    severity="major",
                    title=f"rack {agent.name if agent else agent_id}: all {len(devices)} "
                    "phones offline",
                    since=max(seen) if seen else None,
                )
            )
    held: dict[str, int] = defaultdict(int)
    accounts = session.exec(select(Account)).all()
    for account in accounts:
        if account.state != "active" and ":" in account.state_reason:
            held[account.state_reason.split(":", 1)[0]] += 1
    for code, count in sorted(held.items()):
        if count >= 2 and count * 2 >= len(accounts):
            out.append(
                Incident(
                    kind="app_wide_block",
                    severity="major",
                    title=f"{count} of {len(accounts)} accounts held by {code}",
                )
            )
    since = now - WINDOWS["hour"]
    spread: dict[str, set[int]] = defaultdict(set)
    for code, account_id in session.exec(
        select(Job.error_code, Job.account_id)
        .join(JobEvent, JobEvent.job_id == Job.id)
        .where(JobEvent.to_state == "failed", JobEvent.at >= since)
    ).all():
        if code:
            spread[code].add(account_id)
    for code, ids in sorted(spread.items()):
        if len(ids) >= 3:
            out.append(
                Incident(
                    kind="widespread_failures",
                    severity="major",
                    title=f"{code} on {len(ids)} accounts in the last hour",
                )
            )
    return out


def status_page(session: Session, settings: Settings) -> StatusPageOut:
    now = utcnow()
    day = now - WINDOWS["day"]
    rows: dict[str, dict[str, list]] = {"published": defaultdict(list), "failed": defaultdict(list)}
    for kind, due, published in session.exec(
        select(Job.kind, Job.scheduled_at, Job.published_at).where(
            Job.state == "published",
            Job.published_at >= day,  # type: ignore[operator]
        )
    ).all():
        rows["published"][kind].append((published, max(0.0, (published - due).total_seconds())))
    for kind, at in session.exec(
        select(Job.kind, JobEvent.at)
        .join(Job, Job.id == JobEvent.job_id)
        .where(JobEvent.to_state == "failed", JobEvent.at >= day)
    ).all():
        rows["failed"][kind].append(at)
    queued = dict(
        session.exec(
            select(Job.kind, func.count())
            .where(Job.state == "scheduled", Job.scheduled_at <= now)
            .group_by(Job.kind)
        ).all()
    )
    kinds = [
        KindFigures(
            kind=kind,
            hour=_window(session, rows, now - WINDOWS["hour"], kind),
            day=_window(session, rows, day, kind),
            queue_depth=int(queued.get(kind, 0)),
        )
        for kind in JOB_KINDS
    ]
    return StatusPageOut(
        generated_at=now,
        kinds=kinds,
        phones_online=health.online_count(session, settings),
        phones_total=session.exec(select(func.count()).select_from(Device)).one(),
        incidents=_incidents(session, settings),
    )
