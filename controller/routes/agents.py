"""The agent protocol: register, heartbeat, claim, progress events, complete."""

from __future__ import annotations

import base64
import binascii
from datetime import timedelta

import structlog
from fastapi import APIRouter, Depends, Request
from sqlmodel import Session, func, select

from controller import accounts, identity, lifecycle, logins
from controller import health as health_mod
from controller.config import Settings
from controller.deps import (
    Principal,
    get_secrets,
    get_session,
    get_settings,
    require,
    require_agent,
)
from controller.dispatcher import dispatch, end_lease
from controller.errors import ApiError
from controller.models import Account, Agent, Device, Job, Lease, MediaAsset
from controller.schemas import (
    AgentRegisterIn,
    AgentRegisterOut,
    ClaimIn,
    ClaimOut,
    CompleteIn,
    CompleteOut,
    HeartbeatIn,
    HeartbeatOut,
    LeaseEventIn,
    LeaseMedia,
    LeaseOut,
    RowId,
)
from controller.security import SecretBox, hash_token, new_token
from controller.timeutil import utcnow
from flows.errors import ERROR_KINDS

router = APIRouter(prefix="/v1", tags=["agent protocol"])
log = structlog.get_logger()


@router.post("/agents/register", response_model=AgentRegisterOut)
def register_agent(
    body: AgentRegisterIn,
    session: Session = Depends(get_session, scope="function"),
    settings: Settings = Depends(get_settings),
    principal: Principal = Depends(require("agent")),
) -> AgentRegisterOut:
    """An agent (with an `agent` API key bound to its name) announces itself and its devices;
    it gets a fresh bearer token, which replaces any earlier one of the same name. A name
    other than the key's is 403 `agent_name_mismatch`; a phone of another agent is 409
    `device_owned_by_another_agent`."""
    identity.check_register(session, principal, body.name, [d.serial for d in body.devices])
    token = new_token("fa")
    agent = session.exec(select(Agent).where(Agent.name == body.name)).first()
    if agent is None:
        agent = Agent(name=body.name, token_hash=hash_token(token))
    agent.token_hash = hash_token(token)
    agent.api_key_id = principal.api_key_id
    agent.version = body.version
    agent.last_seen_at = utcnow()
    session.add(agent)
    session.flush()
    for item in body.devices:
        device = session.exec(select(Device).where(Device.serial == item.serial)).first()
        if device is None:
            device = Device(serial=item.serial)
        device.label = item.label or device.label
        device.driver = item.driver
        device.agent_id = agent.id
        device.status = "idle"
        device.last_seen_at = utcnow()
        session.add(device)
    # an earlier run of this agent can never complete its leases: end them now (a heartbeat
    # of the new run must not keep them alive)
    for lease in session.exec(
        select(Lease).where(Lease.agent_id == agent.id, Lease.state == "active")
    ).all():
        end_lease(session, lease, "agent restarted", actor=f"agent:{agent.name}")
    return AgentRegisterOut(agent_id=agent.id or 0, token=token, lease_ttl_s=settings.lease_ttl_s)


def _extend(session: Session, agent_id: int, settings: Settings) -> int:
    until = utcnow() + timedelta(seconds=settings.lease_ttl_s)
    leases = session.exec(
        select(Lease).where(Lease.agent_id == agent_id, Lease.state == "active")
    ).all()
    for lease in leases:
        lease.expires_at = until
        session.add(lease)
    return len(leases)


def _own_devices(session: Session, agent_id: int, serials: list[str]) -> dict[str, Device]:
    devices = session.exec(select(Device).where(Device.agent_id == agent_id)).all()
    mine = {d.serial: d for d in devices}
    unknown = [s for s in serials if s not in mine]
    if unknown:
        raise ApiError(422, "device_not_registered", f"devices not registered: {unknown}")
    return mine


@router.post("/agents/heartbeat", response_model=HeartbeatOut)
def heartbeat(
    body: HeartbeatIn,
    session: Session = Depends(get_session, scope="function"),
    settings: Settings = Depends(get_settings),
    principal: Principal = Depends(require_agent),
) -> HeartbeatOut:
    """Report device health; extends every active lease of this agent."""
    agent_id = principal.agent_id or 0
    now = utcnow()
    mine = _own_devices(session, agent_id, [d.serial for d in body.devices])
    for health in body.devices:
        device = mine[health.serial]
        health_mod.set_status(session, device, health.status, "reported by the agent")
        device.battery = health.battery
        device.temperature_c = health.temperature_c
        device.app_version = health.app_version
        device.last_seen_at = now
        session.add(device)
    agent = session.get(Agent, agent_id)
    if agent is not None:
        agent.last_seen_at = now
        session.add(agent)
    return HeartbeatOut(
        leases_extended=_extend(session, agent_id, settings), lease_ttl_s=settings.lease_ttl_s
    )


def _lease_out(session: Session, lease: Lease, request: Request, secrets: SecretBox) -> LeaseOut:
    if lease.purpose == "login":
        username, password = logins.password_for(session, lease, secrets)
        device = session.get(Device, lease.device_id)
        return LeaseOut(
            token=lease.token or 0,
            purpose="login",
            job_id=None,
            kind="",
            account=username,
            device=device.serial if device else "",
            caption="",
            marker="",
            fit="",
            media=[],
            expires_at=lease.expires_at,
            password=password,
        )
    job = session.get(Job, lease.job_id)
    assert job is not None
    account = session.get(Account, job.account_id)
    device = session.get(Device, lease.device_id)
    assets = {
        a.id: a
        for a in session.exec(
            select(MediaAsset).where(MediaAsset.id.in_(job.media_ids))  # type: ignore[union-attr]
        ).all()
    }
    items = [assets[i] for i in job.media_ids]
    since = None
    if lease.purpose == "verify":
        since = session.exec(
            select(func.max(Lease.created_at)).where(
                Lease.job_id == job.id,
                Lease.purpose == "publish",
                Lease.point_of_no_return_at.is_not(None),  # type: ignore[union-attr]
            )
        ).one()
    return LeaseOut(
        token=lease.token or 0,
        purpose=lease.purpose,  # type: ignore[arg-type]
        job_id=job.id or 0,
        kind=job.kind,
        account=account.username if account else "",
        device=device.serial if device else "",
        caption=job.caption,
        marker=job.caption.strip()[:60],
        fit=job.fit,
        media=[
            LeaseMedia(
                id=a.sha256,
                media_type=a.media_type,
                url=str(request.url_for("download_media", media_id=a.sha256)),
            )
            for a in items
        ],
        expires_at=lease.expires_at,
        since=since,
    )


@router.post("/agents/claim", response_model=ClaimOut)
def claim(
    body: ClaimIn,
    request: Request,
    session: Session = Depends(get_session, scope="function"),
    settings: Settings = Depends(get_settings),
    secrets: SecretBox = Depends(get_secrets),
    principal: Principal = Depends(require_agent),
) -> ClaimOut:
    """Lease due jobs to the listed idle devices and return every lease not yet handed over."""
    agent_id = principal.agent_id or 0
    mine = _own_devices(session, agent_id, body.idle)
    now = utcnow()
    idle = [mine[s] for s in body.idle]
    for device in idle:
        device.status = "idle"
        device.last_seen_at = now
    dispatch(session, settings, idle)
    pending = session.exec(
        select(Lease).where(
            Lease.agent_id == agent_id,
            Lease.state == "active",
            Lease.delivered_at.is_(None),  # type: ignore[union-attr]
        )
    ).all()
    out = []
    for lease in pending:
        lease.delivered_at = now
        session.add(lease)
        out.append(_lease_out(session, lease, request, secrets))
    session.commit()
    return ClaimOut(leases=out)


def _reject_login_lease(session: Session, token: int, why: str) -> None:
    lease = session.get(Lease, token)
    if lease is not None and lease.purpose == "login":
        raise ApiError(422, "login_lease", f"lease {token} is a login lease and {why}")


def _live_lease(session: Session, token: int, principal: Principal) -> tuple[Lease, Job]:
    """The lease if it is still the job's current one; otherwise 409 (fencing)."""
    lease = session.get(Lease, token)
    if lease is None or lease.agent_id != principal.agent_id:
        raise ApiError(404, "lease_not_found", f"no lease {token} for this agent")
    job = session.get(Job, lease.job_id)
    if job is None or lease.state != "active" or job.lease_token != lease.token:
        raise ApiError(409, "stale_lease", f"lease {token} is no longer current ({lease.state})")
    return lease, job


def _bind(session: Session, lease: Lease) -> None:
    """Every log line of this request names the job, the lease and the device."""
    device = session.get(Device, lease.device_id)
    structlog.contextvars.bind_contextvars(
        job_id=lease.job_id, lease=lease.token, device=device.serial if device else None
    )


@router.post("/leases/{token}/events", status_code=204)
def lease_event(
    token: RowId,
    body: LeaseEventIn,
    session: Session = Depends(get_session, scope="function"),
    settings: Settings = Depends(get_settings),
    principal: Principal = Depends(require_agent),
) -> None:
    """Progress from the agent. `point_of_no_return` must be acknowledged before the final tap."""
    _reject_login_lease(session, token, "takes no progress events")
    lease, job = _live_lease(session, token, principal)
    _bind(session, lease)
    lease.expires_at = utcnow() + timedelta(seconds=settings.lease_ttl_s)
    session.add(lease)
    actor = principal.actor
    if body.type == "started" and lease.purpose == "publish" and job.state == "leased":
        lifecycle.move(
            session,
            job,
            "publishing",
            actor=actor,
            reason=body.message or "started",
            lease_token=token,
            data=body.data,
        )
    elif body.type == "point_of_no_return":
        lease.point_of_no_return_at = utcnow()
        lifecycle.record(
            session,
            job,
            "point_of_no_return",
            actor=actor,
            reason=body.message or "about to tap Share",
            lease_token=token,
            data=body.data,
        )
    else:
        lifecycle.record(
            session,
            job,
            body.type,
            actor=actor,
            reason=body.message,
            lease_token=token,
            data=body.data,
        )


def _store_evidence(settings: Settings, job: Job, token: int, body: CompleteIn) -> dict[str, str]:
    if body.evidence is None:
        return {}
    folder = settings.evidence_dir / str(job.id)
    folder.mkdir(parents=True, exist_ok=True)
    stored: dict[str, str] = {}
    if body.evidence.screenshot_png_b64:
        try:
            png = base64.b64decode(body.evidence.screenshot_png_b64, validate=True)
        except (binascii.Error, ValueError):
            raise ApiError(422, "invalid_evidence", "screenshot is not base64") from None
        path = folder / f"{token}.png"
        path.write_bytes(png)
        stored["screenshot"] = f"{job.id}/{token}.png"
    if body.evidence.hierarchy_xml:
        path = folder / f"{token}.xml"
        path.write_text(body.evidence.hierarchy_xml, encoding="utf-8")
        stored["hierarchy"] = f"{job.id}/{token}.xml"
    return stored


@router.post("/leases/{token}/complete", response_model=CompleteOut)
def complete(
    token: RowId,
    body: CompleteIn,
    session: Session = Depends(get_session, scope="function"),
    settings: Settings = Depends(get_settings),
    principal: Principal = Depends(require_agent),
) -> CompleteOut:
    """The outcome of a lease. A stale lease (expired, superseded) gets 409 and changes nothing."""
    login = session.get(Lease, token)
    if login is not None and login.purpose == "login" and login.agent_id == principal.agent_id:
        account = logins.complete(
            session, login, body.outcome, body.error_code, body.error_message, principal.actor
        )
        session.commit()
        return CompleteOut(job_id=None, state=account.state)
    lease, job = _live_lease(session, token, principal)
    _bind(session, lease)
    now = utcnow()
    lease.state = "done"
    lease.ended_at = now
    session.add(lease)
    actor = principal.actor
    data = {"stats": body.stats, "evidence": _store_evidence(settings, job, token, body)}
    if lease.purpose == "verify":
        _settle_verification(session, job, body, actor, token, data)
    elif body.outcome == "published":
        job.published_at = now
        job.error_code = job.error_message = None
        lifecycle.move(
            session, job, "published", actor=actor, reason="published", lease_token=token, data=data
        )
    elif body.outcome == "failed":
        _fail(session, job, lease, body, actor, settings, data)
    else:
        raise ApiError(422, "invalid_outcome", f"{body.outcome} is only for verification leases")
    session.commit()
    log.info("lease_completed", outcome=body.outcome, state=job.state, error_code=body.error_code)
    return CompleteOut(job_id=job.id or 0, state=job.state)


def _settle_verification(
    session: Session, job: Job, body: CompleteIn, actor: str, token: int, data: dict
) -> None:
    if body.outcome == "verified_published":
        job.published_at = job.published_at or utcnow()
        lifecycle.move(
            session,
            job,
            "published",
            actor=actor,
            reason="verification found the post on the profile",
            lease_token=token,
            data=data,
        )
    elif body.outcome == "verified_absent":
        lifecycle.move(
            session,
            job,
            "scheduled",
            actor=actor,
            reason="verification found no such post; safe to publish again",
            lease_token=token,
            data=data,
        )
    else:
        lifecycle.record(
            session,
            job,
            "verify_failed",
            actor=actor,
            reason=f"{body.error_code}: {body.error_message}",
            lease_token=token,
            data=data,
        )


def _fail(
    session: Session,
    job: Job,
    lease: Lease,
    body: CompleteIn,
    actor: str,
    settings: Settings,
    data: dict,
) -> None:
    code = body.error_code or "internal_error"
    kind = ERROR_KINDS.get(code)
    if kind is None:
        raise ApiError(422, "unknown_error_code", f"{code!r} is not a known failure code")
    job.error_code = code
    job.error_message = (body.error_message or kind.description)[:500]
    reason = f"{code}: {job.error_message}"
    if kind.account_level:
        account = session.get(Account, job.account_id)
        if account is not None:
            state = "challenge" if code == "auth_challenge_required" else "needs_auth"
            accounts.hold(session, account, state, reason)
    if lease.point_of_no_return_at is not None:
        # Share was tapped: whatever the app said, only the profile can tell whether the post
        # went out. Verification runs before anything else once the account is active again.
        lifecycle.move(
            session,
            job,
            "unknown",
            actor=actor,
            lease_token=lease.token,
            data=data,
            reason=f"{reason} (after the point of no return: will verify)",
        )
        return
    if kind.account_level:
        lifecycle.move(
            session,
            job,
            "scheduled",
            actor=actor,
            lease_token=lease.token,
            data=data,
            reason=f"{reason}; held until the account is re-authenticated",
        )
        return
    if kind.retryable and job.attempts < job.max_attempts:
        job.scheduled_at = utcnow() + timedelta(seconds=settings.retry_backoff_s * job.attempts)
        lifecycle.move(
            session,
            job,
            "scheduled",
            actor=actor,
            lease_token=lease.token,
            data=data,
            reason=f"{reason}; retry {job.attempts + 1} of {job.max_attempts}",
        )
        return
    lifecycle.move(
        session, job, "failed", actor=actor, reason=reason, lease_token=lease.token, data=data
    )
