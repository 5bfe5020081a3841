"""Jobs that wait for a person's approval, and what happens when their time passes first."""

from __future__ import annotations

from sqlmodel import Session, select

from controller import lifecycle
from controller.errors import ApiError
from controller.models import Job
from controller.timeutil import utcnow

ACTOR = "controller:approvals"
EXPIRED_REASON = "scheduled time passed while awaiting approval; edit the time and resume"


def expire_pending(session: Session) -> int:
    """Pause every job still awaiting approval whose scheduled time has come."""
    due = session.exec(
        select(Job)
        .where(Job.state == "pending_approval", Job.scheduled_at <= utcnow())
        .with_for_update(skip_locked=True)
    ).all()
    for job in due:
        lifecycle.move(session, job, "paused", actor=ACTOR, reason=EXPIRED_REASON)
    return len(due)


def approve(session: Session, job: Job, *, actor: str) -> None:
    """pending_approval → scheduled. Too late (time passed) pauses the job and is a 409."""
    if job.state != "pending_approval":
        raise ApiError(
            409, "not_pending_approval", f"job {job.id} is {job.state}, not pending_approval"
        )
    if job.scheduled_at <= utcnow():
        lifecycle.move(session, job, "paused", actor=ACTOR, reason=EXPIRED_REASON)
        session.commit()
        raise ApiError(
            409,
            "approval_expired",
            f"job {job.id}'s time passed before approval; it is paused: edit its time and resume",
        )
    job.approved_at = utcnow()
    lifecycle.move(session, job, "scheduled", actor=actor, reason="approved")
