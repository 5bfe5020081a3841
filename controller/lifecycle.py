"""The job state machine, whole: every edge with who takes it, its guard and its side effect.

`EDGES` is the single truth. `move` takes an edge (refusing anything not declared, 409
`illegal_transition`) and writes it as a JobEvent row; `act` runs a user's action (`pause`,
`resume`, `retry`, `cancel`, `approve`) by the edges that declare it, with their guards and
effects; the dispatcher, the lease settlement (`controller.leases`) and the approval expiry
take the others. `tests/controller/test_lifecycle.py` walks the table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from controller import notifications, webhooks
from controller.errors import ApiError
from controller.models import Account, Job, JobEvent
from controller.timeutil import utcnow
from farmcore.vocab import JobState

S = JobState
Guard = Callable[[Job], ApiError | None]  # None: the edge may be taken; else why not
Effect = Callable[[Job], None]


def _catch_up(job: Job) -> None:
    """Back to the queue by a person: the last error goes, a time in the past becomes now."""
    job.error_code = None
    job.error_message = None
    if job.scheduled_at < utcnow():
        job.scheduled_at = utcnow()


def _fresh_budget(job: Job) -> None:
    job.attempts = 0
    _catch_up(job)


def _approved(job: Job) -> None:
    job.approved_at = utcnow()


def _unapproved(job: Job) -> None:
    job.approved_at = None


def _awaits_approval(job: Job) -> bool:
    return job.approval_required and job.approved_at is None


def _needs_no_approval(job: Job) -> ApiError | None:
    if _awaits_approval(job):
        return ApiError(409, "illegal_transition", f"job {job.id} awaits approval")
    return None


def _awaits_approval_in_time(job: Job) -> ApiError | None:
    if not _awaits_approval(job):
        return ApiError(409, "illegal_transition", f"job {job.id} needs no approval")
    if job.scheduled_at <= utcnow():
        return ApiError(
            409,
            "reschedule_required",
            f"job {job.id} awaits approval and its time has passed; edit scheduled_at first",
        )
    return None


def _due_in_future(job: Job) -> ApiError | None:
    if job.scheduled_at <= utcnow():
        return ApiError(
            409,
            "approval_expired",
            f"job {job.id}'s time passed before approval; it is paused: edit its time and resume",
        )
    return None


@dataclass(frozen=True)
class Edge:
    source: JobState
    target: JobState
    by: str  # who takes it
    action: str | None = None  # the user action (route under /v1/jobs/{id}) that takes it
    guard: Guard | None = None
    effect: Effect | None = None


EDGES: list[Edge] = [
    Edge(S.PENDING_APPROVAL, S.SCHEDULED, "user", "approve", _due_in_future, _approved),
    Edge(S.PENDING_APPROVAL, S.PAUSED, "user", "pause"),
    Edge(S.PENDING_APPROVAL, S.PAUSED, "approvals: its time passed while awaiting approval"),
    Edge(S.PENDING_APPROVAL, S.CANCELLED, "user", "cancel"),
    Edge(S.SCHEDULED, S.LEASED, "dispatcher: due, leased to its account's phone"),
    Edge(S.SCHEDULED, S.PAUSED, "user", "pause"),
    Edge(S.SCHEDULED, S.CANCELLED, "user", "cancel"),
    Edge(S.SCHEDULED, S.PENDING_APPROVAL, "user: edit of an approved job", None, None, _unapproved),
    Edge(S.LEASED, S.PUBLISHING, "agent: started"),
    Edge(S.LEASED, S.PUBLISHED, "agent: published (without a `started` report)"),
    Edge(S.LEASED, S.SCHEDULED, "leases: ended before the point of no return, retry, hold"),
    Edge(S.LEASED, S.UNKNOWN, "leases: failed or ended after the point of no return"),
    Edge(S.LEASED, S.FAILED, "leases: failed, no retry left"),
    Edge(S.PUBLISHING, S.PUBLISHED, "agent: published"),
    Edge(S.PUBLISHING, S.SCHEDULED, "leases: ended before the point of no return, retry, hold"),
    Edge(S.PUBLISHING, S.UNKNOWN, "leases: failed or ended after the point of no return"),
    Edge(S.PUBLISHING, S.FAILED, "leases: failed, no retry left"),
    Edge(S.UNKNOWN, S.PUBLISHED, "leases: verification found the post"),
    Edge(S.UNKNOWN, S.SCHEDULED, "leases: verification found no post"),
    Edge(S.PAUSED, S.SCHEDULED, "user", "resume", _needs_no_approval, _catch_up),
    Edge(S.PAUSED, S.PENDING_APPROVAL, "user", "resume", _awaits_approval_in_time, _catch_up),
    Edge(S.PAUSED, S.CANCELLED, "user", "cancel"),
    Edge(S.FAILED, S.SCHEDULED, "user", "retry", None, _fresh_budget),
    Edge(S.FAILED, S.CANCELLED, "user", "cancel"),
]
TRANSITIONS: dict[str, set[str]] = {state: set() for state in JobState}
for _edge in EDGES:
    TRANSITIONS[_edge.source].add(_edge.target)
ACTIONS = {e.action for e in EDGES if e.action}
# states whose entry is announced to webhook subscribers as `job.<state>`
ANNOUNCED = (S.PUBLISHED, S.FAILED, S.UNKNOWN)
# history lines of an unknown job whose verification did not find out: subscribers are told
VERIFICATION_FAILED = ("verify_failed", "verify_expired")
# a job may be edited only before it is handed to a device
EDITABLE = (S.PENDING_APPROVAL, S.SCHEDULED, S.PAUSED, S.FAILED)
ACTION_REASONS = {
    "approve": "approved",
    "pause": "paused by user",
    "cancel": "cancelled by user",
    "retry": "retried by user",
    "resume": "resumed by user",
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
    """Take the system's edge to `target` (with its declared effect) and record the event; an
    edge the table does not declare is a 409."""
    if not can_move(job.state, target):
        raise ApiError(
            409,
            "illegal_transition",
            f"job {job.id} is {job.state}; it cannot become {target}",
        )
    edge = next(
        (e for e in EDGES if (e.source, e.target) == (job.state, target) and e.action is None),
        None,
    )
    return _take(session, job, target, edge, actor, reason, lease_token, data)


def _take(
    session: Session,
    job: Job,
    target: str,
    edge: Edge | None,
    actor: str,
    reason: str,
    lease_token: int | None = None,
    data: dict[str, Any] | None = None,
) -> JobEvent:
    if edge is not None and edge.effect is not None:
        edge.effect(job)
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


def act(session: Session, job: Job, action: str, *, actor: str) -> JobEvent:
    """A user's action: the first edge of `action` from the job's state whose guard lets it
    through is taken, with its effect. None declared from this state: 409 illegal_transition;
    every guard refuses: the last guard's error (a specific 409)."""
    edges = [e for e in EDGES if e.action == action and e.source == job.state]
    if not edges:
        raise ApiError(
            409, "illegal_transition", f"job {job.id} is {job.state}; it cannot {action}"
        )
    refusal: ApiError | None = None
    for edge in edges:
        refusal = edge.guard(job) if edge.guard is not None else None
        if refusal is None:
            reason = ACTION_REASONS[action]
            if action == "resume" and edge.target == S.PENDING_APPROVAL:
                reason = "resumed; awaiting approval"
            return _take(session, job, edge.target, edge, actor, reason)
    assert refusal is not None
    raise refusal


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
    if event_type in VERIFICATION_FAILED:
        notifications.verification_failed(session, job)
    return event
