"""Creating a job: idempotency, the account, the time zone and the media rules of its kind.
Shared by single (`POST /v1/jobs`) and batch (`POST /v1/jobs:batch`) submission."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

import media
from controller import best_time, captions, media_access, ownership, schedule, teams
from controller.config import Settings
from controller.deps import Principal
from controller.errors import ApiError
from controller.models import Account, Job, JobEvent, MediaAsset
from controller.schemas import BestWithin, JobIn
from controller.timezones import to_utc, zone


def _media_infos(
    session: Session, ids: list[str], principal: Principal
) -> list[tuple[MediaAsset, media.MediaInfo]]:
    assets = session.exec(
        select(MediaAsset).where(
            MediaAsset.sha256.in_(ids),  # type: ignore[attr-defined]
            media_access.visible(principal),
        )
    ).all()
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


def request_hash(body: JobIn) -> str:
    return hashlib.sha256(body.model_dump_json().encode()).hexdigest()


def prior_submission(
    session: Session, principal: Principal, idem_key: str | None, body: JobIn
) -> Job | None:
    """The job an earlier request with this Idempotency-Key created (same body), if any."""
    if not idem_key:
        return None
    prior = session.exec(
        select(Job).where(Job.api_key_id == principal.api_key_id, Job.idempotency_key == idem_key)
    ).first()
    if prior is not None and prior.request_hash != request_hash(body):
        raise ApiError(
            422,
            "idempotency_conflict",
            "this Idempotency-Key was used with a different request body",
        )
    return prior


def check_media(session: Session, kind: str, ids: list[str], principal: Principal) -> list[int]:
    """Media rules for the kind (item count, per-item limits); returns the assets' row ids.
    Media the caller may not use is `media_not_found`."""
    items = _media_infos(session, ids, principal)
    try:
        media.validate_for_kind([info for _, info in items], kind)
    except media.MediaError as exc:
        raise ApiError(422, exc.code, exc.message) from None
    return [asset.id or 0 for asset, _ in items]


def create_job(
    session: Session,
    body: JobIn,
    principal: Principal,
    idem_key: str | None,
    settings: Settings | None = None,
    seen: dict[tuple[str, ...], Any] | None = None,
) -> Job:
    """Validate and insert one job (shared by single and batch submission). The caller owns
    the transaction: an IntegrityError (a concurrent twin) leaves it to roll back. `seen`
    (a batch's) keeps the accounts and media already checked for earlier rows."""
    prior = prior_submission(session, principal, idem_key, body)
    if prior is not None:
        return prior
    seen = {} if seen is None else seen
    account_key = ("account", body.account.lower())
    if account_key not in seen:
        seen[account_key] = ownership.find(session, principal, body.account)
    account = seen[account_key]
    if account is None:
        raise ApiError(422, "account_not_found", f"no account {body.account!r}")
    captions.check(body.kind, body.caption)
    source = None
    if body.scheduled_at == "best":
        scheduled_utc, tz_name, source = _best(session, body, account, settings)
    else:
        if body.best_within is not None:
            raise ApiError(422, "best_within_without_best", 'best_within needs scheduled_at "best"')
        assert isinstance(body.scheduled_at, datetime)
        scheduled_utc, tz_name = to_utc(body.scheduled_at, body.timezone)
    schedule.check_window(scheduled_utc, settings)
    media_key = ("media", body.kind, *body.media)
    if media_key not in seen:  # a failed check raises and is not kept
        seen[media_key] = check_media(session, body.kind, body.media, principal)
    media_ids = seen[media_key]
    needs_approval = (
        body.approval_required or account.approval_required or teams.needs_approval(principal)
    )
    state = "pending_approval" if needs_approval else "scheduled"
    reason = "submitted"
    if schedule.missed(scheduled_utc, settings):
        state, reason = "paused", schedule.MISSED_REASON
    job = Job(
        kind=body.kind,
        account_id=account.id or 0,
        caption=body.caption,
        media_ids=media_ids,
        fit=body.fit,
        scheduled_at=scheduled_utc,
        timezone=tz_name,
        state=state,
        approval_required=needs_approval,
        api_key_id=principal.api_key_id,
        idempotency_key=idem_key,
        request_hash=request_hash(body),
        best_time_source=source,
    )
    session.add(job)
    try:
        session.flush()
    except sa.exc.IntegrityError:
        raise ApiError(409, "duplicate_submission", "a concurrent request used this key") from None
    session.add(
        JobEvent(
            job_id=job.id or 0,
            type="state",
            from_state=None,
            to_state=state,
            actor=principal.actor,
            reason=reason,
            data={"best_time_source": source} if source else {},
        )
    )
    return job


def _best(
    session: Session, body: JobIn, account: Account, settings: Settings | None
) -> tuple[datetime, str, str]:
    """scheduled_at "best": the best hour of the account's audience in `best_within`, as
    (UTC time, zone to echo: the job's, else the account's, source of the activity)."""
    tz_name = body.timezone or account.timezone
    zone(tz_name)
    within: date | tuple[datetime, datetime] | None = None
    if isinstance(body.best_within, BestWithin):
        start, _ = to_utc(body.best_within.from_, tz_name)
        end, _ = to_utc(body.best_within.to, tz_name)
        within = (start, end)
    elif isinstance(body.best_within, date):
        within = body.best_within
    when, source = best_time.resolve(session, account, settings or Settings(), within)
    return when, tz_name, source.value
