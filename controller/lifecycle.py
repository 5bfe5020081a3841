"""Job state machine: every transition is checked here and written as a JobEvent row."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from controller import webhooks
from controller.errors import ApiError
from controller.models import Account, Job, JobEvent
from controller.timeutil import utcnow

TRANSITIONS: dict[str, set[str]] = {
    "pending_approval": {"scheduled", "paused", "cancelled"},
    "scheduled": {"leased", "paused", "cancelled", "pending_approval"},
    "leased": {"publishing", "scheduled", "failed", "unknown", "published"},
    "publishing": {"published", "failed", "scheduled", "unknown"},
    "unknown": {"published", "scheduled", "failed", "leased"},
    "paused": {"scheduled", "cancelled", "pending_approval"},
    "failed": {"scheduled", "cancelled"},
    "published": set(),
    "cancelled": set(),
}
# states whose entry is announced to webhook subscribers as `job.<state>`
ANNOUNCED = ("published", "failed", "unknown")
# a job may be edited only before it is handed to a device
EDITABLE = ("pending_approval", "scheduled", "paused", "failed")


def can_move(source: str, target: str) -> bool:
    return target in TRANSITIONS.get(source, set())


def move(
    session: Session,
    job: Job,
    target: str,
    *,
    actor: str,
    reason: str = "",
    lease_token: int | None = None,
    data: dict[str, Any] | None = None,
) -> JobEvent:
    """Change a job's state and record the event; an illegal move is a 409."""
    if not can_move(job.state, target):
        raise ApiError(
            409,
            "illegal_transition",
            f"job {job.id} is {job.state}; it cannot become {target}",
        )
    event = JobEvent(
        job_id=job.id or 0,
        type="state",
        from_state=job.state,
        to_state=target,
        actor=actor,
        reason=reason[:500],
        lease_token=lease_token,
        data=data or {},
    )
    job.state = target
    job.updated_at = utcnow()
    session.add(job)
    session.add(event)
    if target in ANNOUNCED:
        account = session.get(Account, job.account_id)
        webhooks.emit(session, f"job.{target}", webhooks.job_data(session, job), account=account)
    return event


def record(
    session: Session,
    job: Job,
    event_type: str,
    *,
    actor: str,
    reason: str = "",
    lease_token: int | None = None,
    data: dict[str, Any] | None = None,
) -> JobEvent:
    """A progress event that does not change the state."""
    event = JobEvent(
        job_id=job.id or 0,
        type=event_type,
        actor=actor,
        reason=reason[:500],
        lease_token=lease_token,
        data=data or {},
    )
    session.add(event)
    return event
