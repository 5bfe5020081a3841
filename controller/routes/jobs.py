"""Publish jobs: submit (idempotent), read with history, list, and the user's actions."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Header, Query, Response
from sqlmodel import Session, select

import media
from controller import lifecycle
from controller.deps import Principal, get_session, require
from controller.errors import ApiError, not_found
from controller.models import Account, Device, Job, JobEvent, MediaAsset
from controller.schemas import EventOut, JobError, JobIn, JobList, JobOut
from controller.timeutil import utcnow
from controller.timezones import from_utc, to_utc

router = APIRouter(prefix="/v1/jobs", tags=["jobs"])


def job_out(session: Session, job: Job, *, with_events: bool = False) -> JobOut:
    account = session.get(Account, job.account_id)
    device = session.get(Device, account.device_id) if account else None
    assets = session.exec(select(MediaAsset).where(MediaAsset.id.in_(job.media_ids))).all()  # type: ignore[union-attr]
    by_id = {a.id: a.sha256 for a in assets}
    events = None
    if with_events:
        rows = session.exec(
            select(JobEvent).where(JobEvent.job_id == job.id).order_by(JobEvent.id)
        ).all()
        events = [EventOut.model_validate(r, from_attributes=True) for r in rows]
    return JobOut(
        id=job.id or 0,
        kind=job.kind,
        account=account.username if account else "",
        device=device.serial if device else "",
        caption=job.caption,
        media=[by_id.get(i, "") for i in job.media_ids],
        fit=job.fit,
        state=job.state,
        scheduled_at=from_utc(job.scheduled_at, job.timezone),
        scheduled_at_utc=job.scheduled_at,
        timezone=job.timezone,
        attempts=job.attempts,
        error=JobError(code=job.error_code, message=job.error_message or "")
        if job.error_code
        else None,
        published_at=job.published_at,
        created_at=job.created_at,
        events=events,
    )


def _media_infos(session: Session, ids: list[str]) -> list[tuple[MediaAsset, media.MediaInfo]]:
    assets = session.exec(select(MediaAsset).where(MediaAsset.sha256.in_(ids))).all()  # type: ignore[attr-defined]
    by_sha = {a.sha256: a for a in assets}
    out = []
    for sha in ids:
        asset = by_sha.get(sha)
        if asset is None:
            raise ApiError(422, "media_not_found", f"no media {sha!r}; upload it first")
        info = media.MediaInfo(
            kind=asset.media_type,
            format=asset.format,
            width=asset.width,
            height=asset.height,
            duration=asset.duration_s,
            fps=asset.fps,
            video_codec=asset.video_codec,
            audio_codec=asset.audio_codec,
            bytes=asset.bytes,
        )
        out.append((asset, info))
    return out


def create_job(session: Session, body: JobIn, principal: Principal, idem_key: str | None) -> Job:
    """Validate and insert one job (shared by single and batch submission)."""
    request_hash = hashlib.sha256(body.model_dump_json().encode()).hexdigest()
    if idem_key:
        prior = session.exec(
            select(Job).where(
                Job.api_key_id == principal.api_key_id, Job.idempotency_key == idem_key
            )
        ).first()
        if prior is not None:
            if prior.request_hash != request_hash:
                raise ApiError(
                    422,
                    "idempotency_conflict",
                    "this Idempotency-Key was used with a different request body",
                )
            return prior
    account = session.exec(select(Account).where(Account.username == body.account)).first()
    if account is None:
        raise ApiError(422, "account_not_found", f"no account {body.account!r}")
    scheduled_utc, tz_name = to_utc(body.scheduled_at, body.timezone)
    items = _media_infos(session, body.media)
    try:
        media.validate_for_kind([info for _, info in items], body.kind)
    except media.MediaError as exc:
        raise ApiError(422, exc.code, exc.message) from None
    job = Job(
        kind=body.kind,
        account_id=account.id or 0,
        caption=body.caption,
        media_ids=[asset.id for asset, _ in items],
        fit=body.fit,
        scheduled_at=scheduled_utc,
        timezone=tz_name,
        state="scheduled",
        api_key_id=principal.api_key_id,
        idempotency_key=idem_key,
        request_hash=request_hash,
    )
    session.add(job)
    try:
        session.flush()
    except sa.exc.IntegrityError:
        session.rollback()
        raise ApiError(409, "duplicate_submission", "a concurrent request used this key") from None
    session.add(
        JobEvent(
            job_id=job.id or 0,
            type="state",
            from_state=None,
            to_state="scheduled",
            actor=principal.actor,
            reason="submitted",
        )
    )
    return job


@router.post("", status_code=201, response_model=JobOut)
def submit_job(
    body: JobIn,
    response: Response,
    session: Session = Depends(get_session),
    principal: Principal = Depends(require("scheduler")),
    idempotency_key: str | None = Header(default=None, max_length=200),
) -> JobOut:
    """Submit a publish job. Repeat with the same `Idempotency-Key` to get the original back."""
    before = (
        session.exec(
            select(Job.id).where(
                Job.api_key_id == principal.api_key_id, Job.idempotency_key == idempotency_key
            )
        ).first()
        if idempotency_key
        else None
    )
    job = create_job(session, body, principal, idempotency_key)
    if before is not None:
        response.status_code = 200
    session.commit()
    return job_out(session, job, with_events=True)


@router.get("/{job_id}", response_model=JobOut)
def get_job(
    job_id: int,
    session: Session = Depends(get_session),
    _: Principal = Depends(require("scheduler")),
) -> JobOut:
    """A job with its full history of events."""
    job = session.get(Job, job_id)
    if job is None:
        raise not_found("job", job_id)
    return job_out(session, job, with_events=True)


def _encode_cursor(job: Job) -> str:
    raw = json.dumps([job.scheduled_at.isoformat(), job.id])
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        when, ident = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return datetime.fromisoformat(when), int(ident)
    except (ValueError, TypeError):
        raise ApiError(422, "invalid_cursor", "cursor is not one this API returned") from None


@router.get("", response_model=JobList)
def list_jobs(
    session: Session = Depends(get_session),
    _: Principal = Depends(require("scheduler")),
    state: str | None = None,
    account: str | None = None,
    device: str | None = None,
    since: datetime | None = Query(default=None, alias="from"),
    until: datetime | None = Query(default=None, alias="to"),
    cursor: str | None = None,
    limit: int = Query(default=100, ge=1, le=500),
) -> JobList:
    """The calendar: jobs ordered by scheduled time, filtered, cursor-paginated."""
    query = select(Job)
    if state:
        if state not in lifecycle.TRANSITIONS:
            raise ApiError(422, "unknown_state", f"no job state {state!r}")
        query = query.where(Job.state == state)
    if account:
        query = query.join(Account, Account.id == Job.account_id).where(Account.username == account)
    if device:
        query = query.join(Account, Account.id == Job.account_id) if not account else query
        query = query.join(Device, Device.id == Account.device_id).where(Device.serial == device)
    for bound, op in ((since, "ge"), (until, "lt")):
        if bound is not None:
            if bound.tzinfo is None:
                raise ApiError(422, "timezone_required", "from/to need a UTC offset")
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
    return JobList(jobs=[job_out(session, j) for j in page], next_cursor=next_cursor)


def _act(session: Session, job_id: int, target: str, principal: Principal, reason: str) -> JobOut:
    job = session.get(Job, job_id)
    if job is None:
        raise not_found("job", job_id)
    lifecycle.move(session, job, target, actor=principal.actor, reason=reason)
    if target == "scheduled":
        job.error_code = None
        job.error_message = None
        if job.scheduled_at < utcnow():
            job.scheduled_at = utcnow()
    session.commit()
    return job_out(session, job, with_events=True)


@router.post("/{job_id}/cancel", response_model=JobOut)
def cancel_job(
    job_id: int,
    session: Session = Depends(get_session),
    principal: Principal = Depends(require("scheduler")),
) -> JobOut:
    return _act(session, job_id, "cancelled", principal, "cancelled by user")


@router.post("/{job_id}/pause", response_model=JobOut)
def pause_job(
    job_id: int,
    session: Session = Depends(get_session),
    principal: Principal = Depends(require("scheduler")),
) -> JobOut:
    return _act(session, job_id, "paused", principal, "paused by user")


@router.post("/{job_id}/resume", response_model=JobOut)
def resume_job(
    job_id: int,
    session: Session = Depends(get_session),
    principal: Principal = Depends(require("scheduler")),
) -> JobOut:
    job = session.get(Job, job_id)
    if job is not None and job.state != "paused":
        raise ApiError(409, "illegal_transition", f"job {job_id} is {job.state}, not paused")
    return _act(session, job_id, "scheduled", principal, "resumed by user")


@router.post("/{job_id}/retry", response_model=JobOut)
def retry_job(
    job_id: int,
    session: Session = Depends(get_session),
    principal: Principal = Depends(require("scheduler")),
) -> JobOut:
    job = session.get(Job, job_id)
    if job is not None and job.state != "failed":
        raise ApiError(409, "illegal_transition", f"job {job_id} is {job.state}, not failed")
    if job is not None:
        job.attempts = 0
    return _act(session, job_id, "scheduled", principal, "retried by user")
