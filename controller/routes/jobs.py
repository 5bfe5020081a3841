"""Publish jobs: submit (idempotent), read with history, list, and the user's actions."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime

import sqlalchemy as sa
import structlog
from fastapi import APIRouter, Depends, Header, Path, Query, Response
from fastapi.responses import FileResponse
from sqlmodel import Session, select

from controller import approvals, captions, lifecycle, ownership, schedule, teams
from controller.config import Settings
from controller.cyclic import cyclic_refs
from controller.deps import Principal, get_session, get_settings, require
from controller.errors import ApiError, not_found
from controller.models import JOB_STATES, Account, Device, Job, JobEvent, MediaAsset
from controller.schemas import (
    MAX_ROW_ID,
    EventOut,
    JobError,
    JobIn,
    JobList,
    JobOut,
    JobPatch,
    RowId,
)
from controller.submission import check_media, create_job, prior_submission
from controller.timeutil import utcnow
from controller.timezones import from_utc, to_utc
from farmcore.vocab import JobState

router = APIRouter(prefix="/v1/jobs", tags=["jobs"])
log = structlog.get_logger()


def job_outs(session: Session, jobs: list[Job]) -> list[JobOut]:
    """A page of jobs in four queries whatever its length: their accounts, those accounts'
    devices, every media item of the page and the cyclic lists that made them."""
    account_ids = {j.account_id for j in jobs}
    accounts = {
        a.id: a
        for a in session.exec(select(Account).where(Account.id.in_(account_ids))).all()  # type: ignore[union-attr]
    }
    device_ids = {a.device_id for a in accounts.values()}
    devices = {
        d.id: d
        for d in session.exec(select(Device).where(Device.id.in_(device_ids))).all()  # type: ignore[union-attr]
    }
    media_ids = {i for j in jobs for i in j.media_ids}
    sha = {
        a.id: a.sha256
        for a in session.exec(select(MediaAsset).where(MediaAsset.id.in_(media_ids))).all()  # type: ignore[union-attr]
    }
    lists = cyclic_refs(session, [j.id or 0 for j in jobs])
    out = []
    for job in jobs:
        account = accounts.get(job.account_id)
        device = devices.get(account.device_id) if account else None
        out.append(
            JobOut(
                id=job.id or 0,
                kind=job.kind,
                account=account.username if account else "",
                device=device.serial if device else "",
                caption=job.caption,
                media=[sha.get(i, "") for i in job.media_ids],
                fit=job.fit,
                state=job.state,
                scheduled_at=from_utc(job.scheduled_at, job.timezone),
                scheduled_at_utc=job.scheduled_at,
                timezone=job.timezone,
                scheduled_at_requested="best" if job.best_time_source else None,
                best_time_source=job.best_time_source,  # type: ignore[arg-type]
                attempts=job.attempts,
                approval_required=job.approval_required,
                approved_at=job.approved_at,
                error=JobError(code=job.error_code, message=job.error_message or "")
                if job.error_code
                else None,
                published_at=job.published_at,
                created_at=job.created_at,
                cyclic_list=lists.get(job.id or 0),
            )
        )
    return out


def job_out(session: Session, job: Job, *, with_events: bool = False) -> JobOut:
    """One job, with its history of events when asked."""
    (out,) = job_outs(session, [job])
    if with_events:
        rows = session.exec(
            select(JobEvent).where(JobEvent.job_id == job.id).order_by(JobEvent.id)
        ).all()
        out.events = [EventOut.model_validate(r, from_attributes=True) for r in rows]
    return out


@router.post("", status_code=201, response_model=JobOut)
def submit_job(
    body: JobIn,
    response: Response,
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("scheduler")),
    idempotency_key: str | None = Header(default=None, max_length=200),
    settings: Settings = Depends(get_settings),
) -> JobOut:
    """Submit a publish job. Repeat with the same `Idempotency-Key` to get the original back
    (200 instead of 201); the same key with another body is 422 `idempotency_conflict`.
    With `approval_required` (or an account that requires it) the job starts in
    `pending_approval`."""
    if prior_submission(session, principal, idempotency_key, body) is not None:
        response.status_code = 200
    job = create_job(session, body, principal, idempotency_key, settings)
    log.info("job_submitted", job_id=job.id, account=body.account, kind=job.kind, state=job.state)
    return job_out(session, job, with_events=True)


@router.get("/{job_id}", response_model=JobOut)
def get_job(
    job_id: RowId,
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("scheduler")),
) -> JobOut:
    """A job with its full history of events."""
    return job_out(session, _visible_job(session, principal, job_id), with_events=True)


def _encode_cursor(job: Job) -> str:
    raw = json.dumps([job.scheduled_at.isoformat(), job.id])
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        when, ident = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        parsed = datetime.fromisoformat(when)
        if parsed.tzinfo is None or not 0 < int(ident) <= MAX_ROW_ID:
            raise ValueError("out of range")
        return parsed, int(ident)
    except (ValueError, TypeError, binascii.Error):
        raise ApiError(422, "invalid_cursor", "cursor is not one this API returned") from None


@router.get("", response_model=JobList)
def list_jobs(
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("scheduler")),
    state: str | None = None,
    account: str | None = None,
    device: str | None = None,
    since: datetime | None = Query(default=None, alias="from"),
    until: datetime | None = Query(default=None, alias="to"),
    cursor: str | None = None,
    limit: int = Query(default=100, ge=1, le=500),
) -> JobList:
    """The calendar: jobs ordered by scheduled time, filtered, cursor-paginated. A scheduler
    key sees the jobs of its own and the shared accounts."""
    query = select(Job).join(Account, Account.id == Job.account_id)
    query = query.where(ownership.visible(principal))
    if state:
        if state not in JOB_STATES:
            raise ApiError(422, "unknown_state", f"no job state {state!r}")
        query = query.where(Job.state == state)
    if account:
        query = query.where(Account.username == account.lower())
    if device:
        query = query.join(Device, Device.id == Account.device_id).where(Device.serial == device)
    for bound, op in ((since, "ge"), (until, "lt")):
        if bound is not None:
            if bound.tzinfo is None:
                raise ApiError(422, "timezone_required", "from/to need a UTC offset")
            try:
                bound = bound.astimezone(UTC)
            except (OverflowError, ValueError):
                raise ApiError(
                    422, "invalid_value", "from/to is outside the supported range"
                ) from None
            column = Job.scheduled_at
            query = query.where(column >= bound if op == "ge" else column < bound)
    if cursor:
        when, ident = _decode_cursor(cursor)
        query = query.where(
            sa.or_(
                Job.scheduled_at > when,
                sa.and_(Job.scheduled_at == when, Job.id > ident),  # type: ignore[operator]
            )
        )
    rows = session.exec(query.order_by(Job.scheduled_at, Job.id).limit(limit + 1)).all()
    page = rows[:limit]
    next_cursor = _encode_cursor(page[-1]) if len(rows) > limit else None
    return JobList(jobs=job_outs(session, list(page)), next_cursor=next_cursor)


def _visible_job(session: Session, principal: Principal, job_id: int, lock: bool = False) -> Job:
    """The job, if it exists and the caller may see its account (else 404 `job_not_found`)."""
    job = session.get(Job, job_id, with_for_update=lock)
    account = session.get(Account, job.account_id) if job is not None else None
    if job is None or account is None or not ownership.sees(principal, account):
        raise not_found("job", job_id)
    return job


def _locked_job(session: Session, principal: Principal, job_id: int) -> Job:
    """The job row, locked against the dispatcher for the rest of the transaction (a team's
    sub-user changes only its own posts)."""
    job = _visible_job(session, principal, job_id, lock=True)
    teams.check_may_change(principal, job)
    return job


def _act(session: Session, job_id: int, action: str, principal: Principal) -> JobOut:
    """A user's action on a job, by the edges lifecycle declares for it."""
    job = _locked_job(session, principal, job_id)
    lifecycle.act(session, job, action, actor=principal.actor)
    return job_out(session, job, with_events=True)


@router.patch("/{job_id}", response_model=JobOut)
def edit_job(
    job_id: RowId,
    body: JobPatch,
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("scheduler")),
    settings: Settings = Depends(get_settings),
) -> JobOut:
    """Change caption, media, time or fit while the job is not leased (pending_approval,
    scheduled, paused or failed). Editing an approved job that needs approval sends it back
    to pending_approval."""
    job = _locked_job(session, principal, job_id)
    if job.state not in lifecycle.EDITABLE:
        raise ApiError(409, "job_not_editable", f"job {job_id} is {job.state}; it cannot change")
    changed: list[str] = []
    if body.caption is not None and body.caption != job.caption:
        captions.check(job.kind, body.caption)
        job.caption = body.caption
        changed.append("caption")
    if body.media is not None:
        media_ids = check_media(session, job.kind, body.media, principal)
        if media_ids != job.media_ids:
            job.media_ids = media_ids
            changed.append("media")
    if body.fit is not None and body.fit != job.fit:
        job.fit = body.fit
        changed.append("fit")
    if body.scheduled_at is not None or body.timezone is not None:
        when = body.scheduled_at or from_utc(job.scheduled_at, job.timezone)
        tz_name = body.timezone
        if tz_name is None and when.tzinfo is None and job.timezone[:1] not in "+-":
            tz_name = job.timezone
        scheduled_utc, echo = to_utc(when, tz_name)
        if scheduled_utc != job.scheduled_at:
            schedule.check_window(scheduled_utc, settings)
            if schedule.missed(scheduled_utc, settings):
                raise ApiError(
                    422, schedule.MISSED_WINDOW, "the new time has passed; give a future one"
                )
        if scheduled_utc != job.scheduled_at:
            job.best_time_source = None  # a time moved by hand is no longer "best"
        if scheduled_utc != job.scheduled_at or echo != job.timezone:
            job.scheduled_at, job.timezone = scheduled_utc, echo
            changed.append("scheduled_at")
    if not changed:
        return job_out(session, job, with_events=True)
    job.updated_at = utcnow()
    session.add(job)
    lifecycle.record(
        session,
        job,
        "edited",
        actor=principal.actor,
        reason="edited: " + ", ".join(changed),
        data={"fields": changed},
    )
    if teams.needs_approval(principal):
        job.approval_required = True  # a sub-user's edit awaits its leader, granted before or not
    if job.approval_required and job.state == JobState.SCHEDULED:
        lifecycle.move(
            session,
            job,
            "pending_approval",
            actor=principal.actor,
            reason="edited after approval; approve again",
        )
    return job_out(session, job, with_events=True)


@router.post("/{job_id}/approve", response_model=JobOut)
def approve_job(
    job_id: RowId,
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("scheduler")),
) -> JobOut:
    """pending_approval → scheduled. If its time already passed, the job is paused instead
    (409 `approval_expired`): edit its time, resume, approve. A team's sub-user cannot approve
    (403 `sub_user_forbidden`): its leader or ops do."""
    teams.check_may_approve(principal)
    job = _locked_job(session, principal, job_id)
    approvals.approve(session, job, actor=principal.actor)
    return job_out(session, job, with_events=True)


@router.post("/{job_id}/cancel", response_model=JobOut)
def cancel_job(
    job_id: RowId,
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("scheduler")),
) -> JobOut:
    """Cancel a job that is not yet leased (a leased one is out of reach: 409)."""
    return _act(session, job_id, "cancel", principal)


@router.post("/{job_id}/pause", response_model=JobOut)
def pause_job(
    job_id: RowId,
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("scheduler")),
) -> JobOut:
    """Hold a scheduled (or pending) job until it is resumed."""
    return _act(session, job_id, "pause", principal)


@router.post("/{job_id}/resume", response_model=JobOut)
def resume_job(
    job_id: RowId,
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("scheduler")),
) -> JobOut:
    """paused → scheduled (a past time becomes "now"). A job that still needs approval goes
    back to pending_approval, which needs a time in the future (409 `reschedule_required`)."""
    return _act(session, job_id, "resume", principal)


@router.post("/{job_id}/retry", response_model=JobOut)
def retry_job(
    job_id: RowId,
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("scheduler")),
) -> JobOut:
    """failed → scheduled, with a fresh attempt budget."""
    return _act(session, job_id, "retry", principal)


@router.get(
    "/{job_id}/evidence/{name}",
    response_class=FileResponse,
    responses={200: {"content": {"image/png": {}, "application/xml": {}}}},
)
def get_evidence(
    job_id: RowId,
    name: str = Path(pattern=r"^\d{1,12}\.(png|xml)$", examples=["42.png"]),
    session: Session = Depends(get_session, scope="function"),
    settings: Settings = Depends(get_settings),
    principal: Principal = Depends(require("scheduler")),
) -> FileResponse:
    """What the phone showed when a lease of this job failed: `<lease>.png` (screenshot) or
    `<lease>.xml` (UI hierarchy). The job's events name the files under `data.evidence`."""
    _visible_job(session, principal, job_id)
    path = settings.evidence_dir / str(job_id) / name
    if not path.is_file():
        raise not_found("evidence", name)
    media_type = "image/png" if name.endswith(".png") else "application/xml"
    return FileResponse(path, media_type=media_type)
