"""A lease's whole life: opened for a device, handed to its agent, kept alive by heartbeats and
progress events, settled by the agent's completion or ended when its agent goes quiet.

A lease is work handed to one device of one agent: a job to publish or verify, or an account to
log in. Its token is the fencing number: only the job's current lease may change the job. The
functions here take plain values (ids, strings, protocol models) and raise `ApiError` for what
the agent did wrong; the routes in `routes/agents.py` only translate HTTP to these calls, and
the dispatcher only decides which work a device gets.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
import structlog
from sqlmodel import Session, func, select

from controller import accounts, best_time, lifecycle, notify, post_stats
from controller.config import Settings
from controller.errors import ApiError
from controller.models import Account, Device, Job, JobEvent, Lease, MediaAsset
from controller.security import SecretBox
from controller.timeutil import utcnow
from farmcore.codes import FLOW_CODES, account_state_for
from farmcore.protocol import CompleteIn, Evidence, LeaseMedia, LeaseOut
from farmcore.vocab import (
    AccountState,
    DeviceStatus,
    JobState,
    LeaseEventType,
    LeasePurpose,
    LeaseState,
    Outcome,
)

log = structlog.get_logger()
# leases of an account, not of a job: they take no progress events
ACCOUNT_PURPOSES = (LeasePurpose.LOGIN, LeasePurpose.INSIGHTS, LeasePurpose.STATS)
DISPATCHER = "controller:dispatcher"
SWEEPER = "controller:sweeper"


# --- opening ---------------------------------------------------------------------------------


def open_lease(
    session: Session,
    settings: Settings,
    device: Device,
    purpose: LeasePurpose,
    *,
    job: Job | None = None,
    account: Account | None = None,
) -> Lease:
    """Hand a job (publish, verify) or an account (login) to an idle device. Caller commits."""
    now = utcnow()
    lease = Lease(
        job_id=job.id if job is not None else None,
        account_id=account.id if account is not None else None,
        device_id=device.id or 0,
        agent_id=device.agent_id or 0,
        purpose=purpose,
        created_at=now,
        expires_at=now + timedelta(seconds=settings.lease_ttl_s),
    )
    session.add(lease)
    session.flush()
    notify.lease_opened(session, lease.agent_id)  # its agent's waiting claim answers at commit
    if job is not None:
        job.lease_token = lease.token
        if purpose == LeasePurpose.PUBLISH:
            job.attempts += 1
            lifecycle.move(
                session,
                job,
                JobState.LEASED,
                actor=DISPATCHER,
                reason=f"leased to {device.serial} (attempt {job.attempts})",
                lease_token=lease.token,
            )
        else:
            lifecycle.record(
                session,
                job,
                "verify_leased",
                actor=DISPATCHER,
                reason=f"verification on {device.serial}",
                lease_token=lease.token,
            )
            session.add(job)
    log.info(
        "lease_created",
        job_id=lease.job_id,
        lease=lease.token,
        device=device.serial,
        purpose=purpose,
        account=account.username if account is not None else None,
    )
    return lease


def device_busy(session: Session, device: Device) -> bool:
    """True while the device holds an active lease (one lease per device at a time)."""
    return (
        session.exec(
            select(Lease).where(Lease.device_id == device.id, Lease.state == LeaseState.ACTIVE)
        ).first()
        is not None
    )


# --- handing over ----------------------------------------------------------------------------


def deliver(
    session: Session,
    agent_id: int,
    secrets: SecretBox,
    media_url: Callable[[str], str],
    max_posts: int = 6,
) -> list[LeaseOut]:
    """Every active lease of the agent not yet handed over, as the protocol's bodies; they are
    marked delivered. `media_url(sha256)` is where the agent downloads an item."""
    now = utcnow()
    pending = session.exec(
        select(Lease).where(
            Lease.agent_id == agent_id,
            Lease.state == LeaseState.ACTIVE,
            Lease.delivered_at.is_(None),  # type: ignore[union-attr]
        )
    ).all()
    # held until the bodies are built: the session's identity map keeps rows only while
    # something refers to them
    loaded = _preload(session, pending)
    out = [_body(session, lease, secrets, media_url, max_posts) for lease in pending]
    del loaded
    for lease in pending:  # written in one flush after the reads
        lease.delivered_at = now
        session.add(lease)
    return out


def _preload(session: Session, pending: list[Lease]) -> list[object]:
    """Read the jobs, accounts and devices of many leases in three queries; the bodies then
    find them in the session instead of reading one row at a time. Returns the rows,
    which the caller must hold while it builds the bodies."""
    if len(pending) < 2:
        return []
    job_ids = [lease.job_id for lease in pending if lease.job_id is not None]
    jobs = session.exec(select(Job).where(Job.id.in_(job_ids))).all() if job_ids else []  # type: ignore[union-attr]
    account_ids = {j.account_id for j in jobs} | {
        lease.account_id for lease in pending if lease.account_id is not None
    }
    accounts = (
        session.exec(select(Account).where(Account.id.in_(account_ids))).all()  # type: ignore[union-attr]
        if account_ids
        else []
    )
    device_ids = {lease.device_id for lease in pending}
    devices = session.exec(select(Device).where(Device.id.in_(device_ids))).all()  # type: ignore[union-attr]
    return [*jobs, *accounts, *devices]


def _body(
    session: Session,
    lease: Lease,
    secrets: SecretBox,
    media_url: Callable[[str], str],
    max_posts: int = 6,
) -> LeaseOut:
    device = session.get(Device, lease.device_id)
    serial = device.serial if device else ""
    if lease.purpose in ACCOUNT_PURPOSES:  # login, insights, stats: an account, no job
        account = session.get(Account, lease.account_id)
        if account is None:
            raise ApiError(
                404, "account_not_found", f"the account of this {lease.purpose} lease is gone"
            )
        return LeaseOut(
            token=lease.token or 0,
            purpose=lease.purpose,
            job_id=None,
            kind="",
            account=account.username,
            device=serial,
            caption="",
            marker="",
            fit="",
            media=[],
            expires_at=lease.expires_at,
            # the password travels only inside a login lease's body, over the agent's channel
            password=(
                secrets.decrypt(account.password_enc)
                if lease.purpose == LeasePurpose.LOGIN
                else None
            ),
            max_posts=max_posts if lease.purpose == LeasePurpose.STATS else None,
        )
    job = session.get(Job, lease.job_id)
    assert job is not None
    account = session.get(Account, job.account_id)
    assets = {
        a.id: a
        for a in session.exec(
            select(MediaAsset).where(MediaAsset.id.in_(job.media_ids))  # type: ignore[union-attr]
        ).all()
    }
    since = None
    if lease.purpose == LeasePurpose.VERIFY:
        since = session.exec(
            select(func.max(Lease.created_at)).where(
                Lease.job_id == job.id,
                Lease.purpose == LeasePurpose.PUBLISH,
                Lease.point_of_no_return_at.is_not(None),  # type: ignore[union-attr]
            )
        ).one()
    return LeaseOut(
        token=lease.token or 0,
        purpose=lease.purpose,
        job_id=job.id or 0,
        kind=job.kind,
        account=account.username if account else "",
        device=serial,
        caption=job.caption,
        marker=job.caption.strip()[:60],
        fit=job.fit,
        media=[
            LeaseMedia(id=a.sha256, media_type=a.media_type, url=media_url(a.sha256))
            for a in (assets[i] for i in job.media_ids)
        ],
        expires_at=lease.expires_at,
        since=since,
    )


# --- while it runs ---------------------------------------------------------------------------


def extend(session: Session, agent_id: int, ttl_s: float, tokens: list[int] | None = None) -> int:
    """A heartbeat: the agent's active leases live `ttl_s` longer. Returns their count.

    With `tokens` (the leases the agent still works on, or still has an outcome to deliver
    for), only those are extended, plus any lease not yet handed over: a lease the agent
    dropped or never received (a lost claim answer) runs out and the sweeper ends it, instead
    of living as long as its agent keeps beating. Without `tokens` (older agents) every
    active lease of the agent is extended."""
    until = utcnow() + timedelta(seconds=ttl_s)
    where = [Lease.agent_id == agent_id, Lease.state == LeaseState.ACTIVE]
    if tokens is not None:
        where.append(
            Lease.token.in_(tokens) | Lease.delivered_at.is_(None)  # type: ignore[union-attr]
        )
    result = session.execute(
        sa.update(Lease)
        .where(*where)  # type: ignore[arg-type]
        .values(expires_at=until)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _read(session: Session, token: int) -> tuple[Lease | None, Job | None, Device | None]:
    """A lease with its job and device, in one query."""
    row = session.exec(
        select(Lease, Job, Device)
        .outerjoin(Job, Job.id == Lease.job_id)  # type: ignore[arg-type]
        .outerjoin(Device, Device.id == Lease.device_id)  # type: ignore[arg-type]
        .where(Lease.token == token)
    ).first()
    return (None, None, None) if row is None else (row[0], row[1], row[2])


def _live(
    token: int, agent_id: int | None, read: tuple[Lease | None, Job | None, Device | None]
) -> tuple[Lease, Job, Device | None]:
    """The lease read if it is still the job's current one; otherwise 409 (fencing)."""
    lease, job, device = read
    if lease is None or lease.agent_id != agent_id:
        raise ApiError(404, "lease_not_found", f"no lease {token} for this agent")
    if job is None or lease.state != LeaseState.ACTIVE or job.lease_token != lease.token:
        raise ApiError(409, "stale_lease", f"lease {token} is no longer current ({lease.state})")
    # every log line of this request names the job, the lease and the device
    structlog.contextvars.bind_contextvars(
        job_id=lease.job_id, lease=lease.token, device=device.serial if device else None
    )
    return lease, job, device


def report(
    session: Session,
    settings: Settings,
    token: int,
    agent_id: int | None,
    actor: str,
    event_type: str,
    message: str = "",
    data: dict[str, Any] | None = None,
) -> None:
    """Progress from the agent; each report also extends the lease. `started` moves the job to
    `publishing`; `point_of_no_return` (acknowledged before the final Share tap) marks the
    moment after which an expired lease makes the job `unknown` instead of retrying it."""
    read = _read(session, token)
    login = read[0]
    if login is not None and login.purpose in ACCOUNT_PURPOSES:
        raise ApiError(
            422, "login_lease", f"lease {token} is a {login.purpose} lease and takes no events"
        )
    lease, job, _ = _live(token, agent_id, read)
    lease.expires_at = utcnow() + timedelta(seconds=settings.lease_ttl_s)
    session.add(lease)
    if (
        event_type == LeaseEventType.STARTED
        and lease.purpose == LeasePurpose.PUBLISH
        and job.state == JobState.LEASED
    ):
        lifecycle.move(
            session,
            job,
            JobState.PUBLISHING,
            actor=actor,
            reason=message or "started",
            lease_token=token,
            data=data,
        )
        return
    if event_type == LeaseEventType.POINT_OF_NO_RETURN:
        lease.point_of_no_return_at = utcnow()
        message = message or "about to tap Share"
    lifecycle.record(
        session, job, event_type, actor=actor, reason=message, lease_token=token, data=data
    )


# --- completion ------------------------------------------------------------------------------


def complete(
    session: Session,
    settings: Settings,
    token: int,
    agent_id: int | None,
    actor: str,
    body: CompleteIn,
) -> tuple[int | None, str]:
    """The agent's outcome of a lease: (job id, the job's new state), or (None, the account's
    state) for a login lease. A stale lease (expired, superseded) is a 409 and changes nothing."""
    read = _read(session, token)
    login = read[0]
    if login is not None and login.purpose == LeasePurpose.STATS and login.agent_id == agent_id:
        return post_stats.complete_stats_lease(session, login, body, close_done)
    if login is not None and login.agent_id == agent_id and login.state == LeaseState.DONE:
        return _replay(session, login, body)
    if login is not None and login.purpose == LeasePurpose.LOGIN and login.agent_id == agent_id:
        account = _complete_login(session, login, body, actor)
        return None, account.state
    if login is not None and login.purpose == LeasePurpose.INSIGHTS and login.agent_id == agent_id:
        account = _complete_insights(session, settings, login, body, actor)
        return None, account.state
    lease, job, device = _live(token, agent_id, read)
    _close(session, lease, LeaseState.DONE)
    _device_free(session, device)
    data = {
        "stats": body.stats,
        "evidence": store_evidence(settings, job, token, body.evidence),
        "outcome": body.outcome,  # what settled this lease: a re-sent completion must match
        "error_code": body.error_code,
    }
    if lease.purpose == LeasePurpose.VERIFY:
        _settle_verification(session, job, body, actor, token, data)
    elif body.outcome == Outcome.PUBLISHED:
        job.published_at = utcnow()
        job.error_code = job.error_message = None
        lifecycle.move(
            session,
            job,
            JobState.PUBLISHED,
            actor=actor,
            reason="published",
            lease_token=token,
            data=data,
        )
    elif body.outcome == Outcome.FAILED:
        _fail(session, settings, job, lease, body, actor, data)
    else:
        raise ApiError(422, "invalid_outcome", f"{body.outcome} is only for verification leases")
    log.info("lease_completed", outcome=body.outcome, state=job.state, error_code=body.error_code)
    return job.id or 0, job.state


def _replay(session: Session, lease: Lease, body: CompleteIn) -> tuple[int | None, str]:
    """A completion of a lease already settled by a completion: the agent re-sends an outcome
    whose answer it never got. The same outcome answers what the first one did (the job's
    state now) and changes nothing; a different outcome is 409 `stale_lease`."""
    same = False
    if lease.purpose == LeasePurpose.INSIGHTS:
        account = session.get(Account, lease.account_id)
        state = account.state if account is not None else ""
        row = best_time.stored(session, account) if account is not None else None
        read = row is not None and row.source == "insights"
        same = (body.outcome == Outcome.AUDIENCE_READ) == read
        job_id: int | None = None
    elif lease.purpose == LeasePurpose.LOGIN:
        account = session.get(Account, lease.account_id)
        state = account.state if account is not None else ""
        if body.outcome == Outcome.LOGGED_IN:
            same = state == AccountState.ACTIVE
        elif body.outcome == Outcome.FAILED:
            same = state != AccountState.ACTIVE
        job_id = None
    else:
        job = session.get(Job, lease.job_id)
        state, job_id = (job.state, job.id) if job is not None else ("", lease.job_id)
        settled = session.exec(
            select(JobEvent).where(
                JobEvent.job_id == lease.job_id, JobEvent.lease_token == lease.token
            )
        ).all()
        outcomes = [(e.data.get("outcome"), e.data.get("error_code")) for e in settled if e.data]
        same = (body.outcome, body.error_code) in outcomes
    if not same:
        raise ApiError(
            409,
            "stale_lease",
            f"lease {lease.token} was already settled with another outcome",
        )
    log.info("lease_completion_repeated", lease=lease.token, outcome=body.outcome)
    return job_id, state


def close_done(session: Session, lease: Lease) -> None:
    """A lease settled by its agent: done, and its phone idle again."""
    _close(session, lease, LeaseState.DONE)
    _device_free(session, session.get(Device, lease.device_id))


def _close(session: Session, lease: Lease, state: LeaseState) -> None:
    lease.state = state
    lease.ended_at = utcnow()
    session.add(lease)
    notify.work_changed(session)  # the device is free: the dispatcher looks again at commit


def _device_free(session: Session, device: Device | None) -> None:
    """A completed lease leaves its phone idle (the agent queues the next lease behind anything
    the phone still finishes); one row, written after the lease row like a heartbeat does."""
    if device is None or device.status != DeviceStatus.BUSY:
        return  # nothing to write: no wait on a row a dispatch pass holds
    session.execute(
        sa.update(Device)
        .where(Device.id == device.id, Device.status == DeviceStatus.BUSY)  # type: ignore[arg-type]
        .values(status=DeviceStatus.IDLE)
        .execution_options(synchronize_session=False)
    )


def _known_code(code: str | None) -> str:
    code = code or "internal_error"
    if code not in FLOW_CODES:
        raise ApiError(422, "unknown_error_code", f"{code!r} is not a known failure code")
    return code


def _complete_login(session: Session, lease: Lease, body: CompleteIn, actor: str) -> Account:
    """A login lease: the account is released, or held with the flow's code."""
    if lease.state != LeaseState.ACTIVE:
        raise ApiError(409, "stale_lease", f"lease {lease.token} is no longer current")
    account = session.get(Account, lease.account_id)
    if account is None:
        raise ApiError(404, "account_not_found", "the account of this login lease is gone")
    _close(session, lease, LeaseState.DONE)
    _device_free(session, session.get(Device, lease.device_id))
    account.login_requested_at = None
    if body.outcome == Outcome.LOGGED_IN:
        accounts.release(session, account, actor=actor, reason="logged in on the phone")
    elif body.outcome == Outcome.FAILED:
        code = _known_code(body.error_code)
        description = body.error_message or FLOW_CODES[code].description
        state = account_state_for(code) or AccountState.NEEDS_AUTH
        accounts.hold(session, account, state, f"login failed: {code}: {description}")
    else:
        raise ApiError(422, "invalid_outcome", f"{body.outcome} does not settle a login lease")
    log.info("login_completed", account=account.username, outcome=body.outcome)
    return account


def _complete_insights(
    session: Session, settings: Settings, lease: Lease, body: CompleteIn, actor: str
) -> Account:
    """An insights lease: the reading is stored; `insights_unavailable` (a personal account)
    keeps the estimate from the account's posts; an account-level failure holds the account
    (the phone found it logged out, challenged …); any other failure is tried again later."""
    if lease.state != LeaseState.ACTIVE:
        raise ApiError(409, "stale_lease", f"lease {lease.token} is no longer current")
    account = session.get(Account, lease.account_id)
    if account is None:
        raise ApiError(404, "account_not_found", "the account of this insights lease is gone")
    if body.outcome == Outcome.AUDIENCE_READ:
        if body.audience is None:
            raise ApiError(422, "invalid_outcome", "audience_read needs the `audience` reading")
        best_time.store_reading(session, account, body.audience.by_hour, body.audience.by_weekday)
    elif body.outcome == Outcome.FAILED:
        code = _known_code(body.error_code)
        kind = FLOW_CODES[code]
        why = f"{code}: {body.error_message or kind.description}"
        if code == "insights_unavailable":
            best_time.store_unavailable(session, account, settings, why)
        elif kind.holds_account is not None:
            accounts.hold(session, account, kind.holds_account, f"insights: {why}")
    else:
        raise ApiError(422, "invalid_outcome", f"{body.outcome} does not settle an insights lease")
    _close(session, lease, LeaseState.DONE)
    _device_free(session, session.get(Device, lease.device_id))
    log.info(
        "insights_completed",
        account=account.username,
        outcome=body.outcome,
        error_code=body.error_code,
        actor=actor,
    )
    return account


def _settle_verification(
    session: Session, job: Job, body: CompleteIn, actor: str, token: int, data: dict
) -> None:
    if body.outcome == Outcome.VERIFIED_PUBLISHED:
        job.published_at = job.published_at or utcnow()
        target, reason = JobState.PUBLISHED, "verification found the post on the profile"
    elif body.outcome == Outcome.VERIFIED_ABSENT:
        target = JobState.SCHEDULED
        reason = "verification found no such post; safe to publish again"
    else:
        kind = FLOW_CODES.get(body.error_code or "")
        if kind is not None and kind.holds_account is not None:  # the account cannot be read
            account = session.get(Account, job.account_id)
            if account is not None:
                why = f"{kind.code}: {body.error_message or kind.description}"
                accounts.hold(session, account, kind.holds_account, why)
        lifecycle.record(
            session,
            job,
            "verify_failed",
            actor=actor,
            reason=f"{body.error_code}: {body.error_message}",
            lease_token=token,
            data=data,
        )
        return
    lifecycle.move(session, job, target, actor=actor, reason=reason, lease_token=token, data=data)


def _fail(
    session: Session,
    settings: Settings,
    job: Job,
    lease: Lease,
    body: CompleteIn,
    actor: str,
    data: dict,
) -> None:
    """The failure policy: an account-level code holds the account (its job waits for it);
    after the point of no return the job is verified before anything else; a retryable code
    is retried with backoff while attempts remain; anything else fails the job."""
    code = _known_code(body.error_code)
    kind = FLOW_CODES[code]
    job.error_code = code
    job.error_message = (body.error_message or kind.description)[:500]
    reason = f"{code}: {job.error_message}"
    if kind.holds_account is not None:
        account = session.get(Account, job.account_id)
        if account is not None:
            accounts.hold(session, account, kind.holds_account, reason)
    if lease.point_of_no_return_at is not None:
        # Share was tapped: whatever the app said, only the profile can tell whether the post
        # went out. Verification runs before anything else once the account is active again.
        target = JobState.UNKNOWN
        reason = f"{reason} (after the point of no return: will verify)"
    elif kind.account_level:
        target = JobState.SCHEDULED
        reason = f"{reason}; held until the account is re-authenticated"
    elif kind.retryable and job.attempts < job.max_attempts:
        job.scheduled_at = utcnow() + timedelta(seconds=settings.retry_backoff_s * job.attempts)
        target = JobState.SCHEDULED
        reason = f"{reason}; retry {job.attempts + 1} of {job.max_attempts}"
    else:
        target = JobState.FAILED
    lifecycle.move(
        session, job, target, actor=actor, reason=reason, lease_token=lease.token, data=data
    )


def store_evidence(
    settings: Settings, job: Job, token: int, evidence: Evidence | None
) -> dict[str, str]:
    """Write the screenshot and UI dump of a lease under the evidence folder; their names."""
    if evidence is None:
        return {}
    folder = settings.evidence_dir / str(job.id)
    folder.mkdir(parents=True, exist_ok=True)
    stored: dict[str, str] = {}
    if evidence.screenshot_png_b64:
        try:
            png = base64.b64decode(evidence.screenshot_png_b64, validate=True)
        except (binascii.Error, ValueError):
            raise ApiError(422, "invalid_evidence", "screenshot is not base64") from None
        (folder / f"{token}.png").write_bytes(png)
        stored["screenshot"] = f"{job.id}/{token}.png"
    if evidence.hierarchy_xml:
        (folder / f"{token}.xml").write_text(evidence.hierarchy_xml, encoding="utf-8")
        stored["hierarchy"] = f"{job.id}/{token}.xml"
    return stored


# --- ending without a completion -------------------------------------------------------------


def end_lease(session: Session, lease: Lease, why: str, *, actor: str = SWEEPER) -> None:
    """Close a lease nobody will complete. Before the point of no return the job is safe to
    run again; after it, nobody knows whether the post went out: the job becomes `unknown`."""
    _close(session, lease, LeaseState.EXPIRED)
    if lease.job_id is None:  # a login lease: the account still asks for it, so it comes again
        return
    job = session.get(Job, lease.job_id)
    if job is None or job.lease_token != lease.token:
        return
    if lease.purpose == LeasePurpose.VERIFY:
        lifecycle.record(
            session, job, "verify_expired", actor=actor, reason=why, lease_token=lease.token
        )
        return
    if job.state not in (JobState.LEASED, JobState.PUBLISHING):
        return
    if lease.point_of_no_return_at is not None:
        target, why = JobState.UNKNOWN, f"{why} after the point of no return"
    else:
        target, why = JobState.SCHEDULED, f"{why} before the point of no return"
    lifecycle.move(session, job, target, actor=actor, reason=why, lease_token=lease.token)
    log.warning("lease_ended", job_id=job.id, lease=lease.token, to_state=target, reason=why)


def end_agent_leases(session: Session, agent_id: int, actor: str) -> int:
    """An agent registered again: its earlier run can never complete its leases, so they end
    now (a heartbeat of the new run must not keep them alive)."""
    leases = session.exec(
        select(Lease).where(Lease.agent_id == agent_id, Lease.state == LeaseState.ACTIVE)
    ).all()
    for lease in leases:
        end_lease(session, lease, "agent restarted", actor=actor)
    return len(leases)


def sweep(session: Session, settings: Settings) -> int:
    """End the leases that expired (their agent stopped heartbeating)."""
    expired = session.exec(
        select(Lease).where(Lease.state == LeaseState.ACTIVE, Lease.expires_at < utcnow())
    ).all()
    for lease in expired:
        end_lease(session, lease, "lease expired")
    return len(expired)
