"""The agent protocol over HTTP: register, heartbeat, claim, progress events, complete.

The routes translate HTTP to calls of `controller.leases`, which owns what a lease does."""

from __future__ import annotations

import structlog
from fastapi import APIRouter, Depends, Request
from sqlmodel import Session, select

from controller import health as health_mod
from controller import identity, leases
from controller.config import Settings
from controller.deps import (
    Principal,
    get_secrets,
    get_session,
    get_settings,
    require,
    require_agent,
)
from controller.dispatcher import dispatch
from controller.errors import ApiError
from controller.models import Agent, Device
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
    RowId,
)
from controller.security import SecretBox, hash_token, new_token
from controller.timeutil import utcnow
from farmcore.vocab import DeviceStatus

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
        device.status = DeviceStatus.IDLE
        device.last_seen_at = utcnow()
        session.add(device)
    leases.end_agent_leases(session, agent.id or 0, actor=f"agent:{agent.name}")
    return AgentRegisterOut(agent_id=agent.id or 0, token=token, lease_ttl_s=settings.lease_ttl_s)


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
        leases_extended=leases.extend(session, agent_id, settings.lease_ttl_s),
        lease_ttl_s=settings.lease_ttl_s,
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
        device.status = DeviceStatus.IDLE
        device.last_seen_at = now
    dispatch(session, settings, idle)

    def media_url(sha256: str) -> str:
        return str(request.url_for("download_media", media_id=sha256))

    return ClaimOut(leases=leases.deliver(session, agent_id, secrets, media_url))


@router.post("/leases/{token}/events", status_code=204)
def lease_event(
    token: RowId,
    body: LeaseEventIn,
    session: Session = Depends(get_session, scope="function"),
    settings: Settings = Depends(get_settings),
    principal: Principal = Depends(require_agent),
) -> None:
    """Progress from the agent. `point_of_no_return` must be acknowledged before the final tap."""
    leases.report(
        session,
        settings,
        token,
        principal.agent_id,
        principal.actor,
        body.type,
        body.message,
        body.data,
    )


@router.post("/leases/{token}/complete", response_model=CompleteOut)
def complete(
    token: RowId,
    body: CompleteIn,
    session: Session = Depends(get_session, scope="function"),
    settings: Settings = Depends(get_settings),
    principal: Principal = Depends(require_agent),
) -> CompleteOut:
    """The outcome of a lease. A stale lease (expired, superseded) gets 409 and changes nothing."""
    job_id, state = leases.complete(
        session, settings, token, principal.agent_id, principal.actor, body
    )
    return CompleteOut(job_id=job_id, state=state)
