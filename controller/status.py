"""The farm's figures: per-kind success rate and lateness over the last hour, queue depth,
devices online. Served as JSON (`GET /v1/status`) and Prometheus text (`GET /metrics`)."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import timedelta

from sqlmodel import Session, func, select

from controller import health
from controller.config import Settings
from controller.models import (
    JOB_KINDS,
    JOB_STATES,
    Account,
    Device,
    Job,
    JobEvent,
    WebhookDelivery,
)
from controller.schemas import KindStatus, StatusOut
from controller.timeutil import utcnow

WINDOW = timedelta(hours=1)


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..1) of `values`; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q * len(ordered)))
    return ordered[rank - 1]


def farm_status(session: Session, settings: Settings) -> StatusOut:
    now = utcnow()
    since = now - WINDOW
    lateness: dict[str, list[float]] = defaultdict(list)
    for kind, due, submitted, published in session.exec(
        select(Job.kind, Job.scheduled_at, Job.created_at, Job.published_at).where(
            Job.state == "published",
            Job.published_at >= since,  # type: ignore[operator]
        )
    ).all():
        # due → published, counted from the submission when the job came in already past due:
        # a late submission is not the farm being late
        lateness[kind].append(max(0.0, (published - max(due, submitted)).total_seconds()))
    failed = dict(
        session.exec(
            select(Job.kind, func.count())
            .select_from(JobEvent)
            .join(Job, Job.id == JobEvent.job_id)
            .where(JobEvent.to_state == "failed", JobEvent.at >= since)
            .group_by(Job.kind)
        ).all()
    )
    queued = dict(
        session.exec(
            select(Job.kind, func.count())
            .where(Job.state == "scheduled", Job.scheduled_at <= now)
            .group_by(Job.kind)
        ).all()
    )
    kinds = []
    for kind in JOB_KINDS:
        ok, bad = len(lateness[kind]), int(failed.get(kind, 0))
        kinds.append(
            KindStatus(
                kind=kind,
                published_last_hour=ok,
                failed_last_hour=bad,
                success_rate=round(ok / (ok + bad), 4) if ok + bad else None,
                lateness_p50_s=percentile(lateness[kind], 0.5),
                lateness_p95_s=percentile(lateness[kind], 0.95),
                queue_depth=int(queued.get(kind, 0)),
            )
        )
    needing_auth = session.exec(
        select(func.count())
        .select_from(Account)
        .where(Account.state.in_(("needs_auth", "challenge")))  # type: ignore[attr-defined]
    ).one()
    return StatusOut(
        generated_at=now,
        kinds=kinds,
        devices_online=health.online_count(session, settings),
        devices_total=session.exec(select(func.count()).select_from(Device)).one(),
        accounts_needing_auth=needing_auth,
    )


def _metric(lines: list[str], name: str, kind: str, help_text: str) -> None:
    lines.append(f"# HELP {name} {help_text}")
    lines.append(f"# TYPE {name} {kind}")


def _value(value: float | None) -> str:
    if value is None:
        return "NaN"
    return repr(float(value)) if not float(value).is_integer() else str(int(value))


def prometheus_text(session: Session, settings: Settings) -> str:
    """The same figures, plus counts by state, in the Prometheus text exposition format."""
    status = farm_status(session, settings)
    lines: list[str] = []
    by_state = {
        (kind, state): count
        for kind, state, count in session.exec(
            select(Job.kind, Job.state, func.count()).group_by(Job.kind, Job.state)
        ).all()
    }
    _metric(lines, "igfarm_jobs", "gauge", "Jobs by kind and state.")
    for kind in JOB_KINDS:
        for state in JOB_STATES:
            count = by_state.get((kind, state), 0)
            lines.append(f'igfarm_jobs{{kind="{kind}",state="{state}"}} {count}')
    _metric(lines, "igfarm_queue_depth", "gauge", "Scheduled jobs already due, not yet leased.")
    for k in status.kinds:
        lines.append(f'igfarm_queue_depth{{kind="{k.kind}"}} {k.queue_depth}')
    _metric(lines, "igfarm_published_last_hour", "gauge", "Jobs published in the last hour.")
    for k in status.kinds:
        lines.append(f'igfarm_published_last_hour{{kind="{k.kind}"}} {k.published_last_hour}')
    _metric(lines, "igfarm_failed_last_hour", "gauge", "Jobs failed in the last hour.")
    for k in status.kinds:
        lines.append(f'igfarm_failed_last_hour{{kind="{k.kind}"}} {k.failed_last_hour}')
    _metric(
        lines,
        "igfarm_success_rate_last_hour",
        "gauge",
        "published / (published + failed) over the last hour; NaN when neither happened.",
    )
    for k in status.kinds:
        lines.append(f'igfarm_success_rate_last_hour{{kind="{k.kind}"}} {_value(k.success_rate)}')
    _metric(
        lines,
        "igfarm_publish_lateness_seconds",
        "gauge",
        "Due to published, last hour, by quantile.",
    )
    for k in status.kinds:
        for q, v in (("0.5", k.lateness_p50_s), ("0.95", k.lateness_p95_s)):
            lines.append(
                f'igfarm_publish_lateness_seconds{{kind="{k.kind}",quantile="{q}"}} {_value(v)}'
            )
    _metric(lines, "igfarm_devices_online", "gauge", "Devices heard from recently, not offline.")
    lines.append(f"igfarm_devices_online {status.devices_online}")
    _metric(lines, "igfarm_devices", "gauge", "Devices by reported status.")
    for device_status, count in session.exec(
        select(Device.status, func.count()).group_by(Device.status)
    ).all():
        lines.append(f'igfarm_devices{{status="{device_status}"}} {count}')
    _metric(lines, "igfarm_accounts", "gauge", "Instagram accounts by state.")
    for state, count in session.exec(
        select(Account.state, func.count()).group_by(Account.state)
    ).all():
        lines.append(f'igfarm_accounts{{state="{state}"}} {count}')
    _metric(lines, "igfarm_webhook_deliveries", "gauge", "Webhook deliveries by state.")
    for state, count in session.exec(
        select(WebhookDelivery.state, func.count()).group_by(WebhookDelivery.state)
    ).all():
        lines.append(f'igfarm_webhook_deliveries{{state="{state}"}} {count}')
    return "\n".join(lines) + "\n"
