"""Jobs that wait for a person's approval, and what happens when their time passes first."""

from __future__ import annotations

from sqlmodel import Session, select

from controller import lifecycle
from controller.errors import ApiError
from controller.models import Job
from controller.timeutil import utcnow
from farmcore.vocab import JobState

ACTOR = "controller:approvals"
EXPIRED_REASON = "scheduled time passed while awaiting approval; edit the time and resume"


def expire_pending(session: Session) -> int:
    """Pause every job still awaiting approval whose scheduled time has come."""
    due = session.exec(
        select(Job)
        .where(Job.state == JobState.PENDING_APPROVAL, Job.scheduled_at <= utcnow())
        .with_for_update(skip_locked=True)
    ).all()
    for job in due:
        lifecycle.move(session, job, JobState.PAUSED, actor=ACTOR, reason=EXPIRED_REASON)
    return len(due)


def approve(session: Session, job: Job, *, actor: str) -> None:
    """pending_approval → scheduled. Too late (time passed) pauses the job and is a 409."""
    if job.state != JobState.PENDING_APPROVAL:
        raise ApiError(
            409, "not_pending_approval", f"job {job.id} is {job.state}, not pending_approval"
        )
    try:
        lifecycle.act(session, job, "approve", actor=actor)
    except ApiError as exc:
        if exc.code != "approval_expired":
            raise
        lifecycle.move(session, job, JobState.PAUSED, actor=ACTOR, reason=EXPIRED_REASON)
        session.commit()  # the pause stands although the request is answered with a 409
        raise
