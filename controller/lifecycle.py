"""Job state machine: every transition is checked here and written as a JobEvent row."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from controller.errors import ApiError
from controller.models import Job, JobEvent
from controller.timeutil import utcnow

TRANSITIONS: dict[str, set[str]] = {
    "pending_approval": {"scheduled", "paused", "cancelled"},
    "scheduled": {"leased", "paused", "cancelled"},
    "leased": {"publishing", "scheduled", "failed", "unknown", "published"},
    "publishing": {"published", "failed", "scheduled", "unknown"},
    "unknown": {"published", "scheduled", "failed", "leased"},
    "paused": {"scheduled", "cancelled"},
    "failed": {"scheduled", "cancelled"},
    "published": set(),
    "cancelled": set(),
}


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
