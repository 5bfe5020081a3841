"""Agent identity: which agent an agent key may register as, and which agent a phone
belongs to.

- An `agent` key is bound to one agent name when it is created (`farm keys create --role
  agent --agent rack-1`); registering under another name is 403 `agent_name_mismatch`
  (a key created before binding existed is 403 `agent_key_unbound`).
- A phone serial belongs to the agent that first declared it; another agent declaring it is
  409 `device_owned_by_another_agent` until ops move it (`POST /v1/devices/{serial}/move`,
  `farm devices move SERIAL --to rack-2`).

Every refusal is logged (`agent_register_refused`) with the caller's key name."""

from __future__ import annotations

import structlog
from sqlmodel import Session, select

from controller.deps import Principal
from controller.errors import ApiError
from controller.models import Agent, ApiKey, Device, Lease
from controller.security import hash_token, new_token

log = structlog.get_logger()


def check_register(session: Session, principal: Principal, name: str, serials: list[str]) -> None:
    """Refuse a register that contradicts the key's agent name or another agent's phones."""
    if principal.role == "agent":
        key = session.get(ApiKey, principal.api_key_id) if principal.api_key_id else None
        bound = key.agent_name if key is not None else None
        if bound is None:
            _refuse(
                403,
                "agent_key_unbound",
                "this agent key is bound to no agent name; create one with "
                "`farm keys create --role agent --agent NAME`",
                principal,
                name,
            )
        if bound != name:
            _refuse(
                403,
                "agent_name_mismatch",
                f"this key may register only as agent {bound!r}",
                principal,
                name,
            )
    agent = session.exec(select(Agent).where(Agent.name == name)).first()
    own_id = agent.id if agent is not None else None
    if not serials:
        return
    taken = session.exec(
        select(Device).where(
            Device.serial.in_(serials),  # type: ignore[attr-defined]
            Device.agent_id.is_not(None),  # type: ignore[union-attr]
        )
    ).all()
    others = sorted(d.serial for d in taken if d.agent_id != own_id)
    if others:
        _refuse(
            409,
            "device_owned_by_another_agent",
            f"phones {others} belong to another agent; ops move them with "
            "`farm devices move SERIAL --to AGENT`",
            principal,
            name,
            serials=others,
        )


def _refuse(
    status: int, code: str, message: str, principal: Principal, name: str, **extra: object
) -> None:
    log.warning("agent_register_refused", code=code, key=principal.name, agent=name, **extra)
    raise ApiError(status, code, message)


def move_device(session: Session, device: Device, agent_name: str, actor: str) -> Device:
    """Give the phone to another agent (created as a name only, until it registers). Leases
    of the old agent on this phone end now: the old agent can no longer complete them."""
    from controller.leases import end_lease

    agent = session.exec(select(Agent).where(Agent.name == agent_name)).first()
    if agent is None:
        # a placeholder nobody holds a token for: the agent's first register takes it over
        agent = Agent(name=agent_name, token_hash=hash_token(new_token("fa")))
        session.add(agent)
        session.flush()
    if device.agent_id == agent.id:
        return device
    for lease in session.exec(
        select(Lease).where(Lease.device_id == device.id, Lease.state == "active")
    ).all():
        end_lease(session, lease, f"phone moved to agent {agent_name}", actor=actor)
    old = device.agent_id
    device.agent_id = agent.id
    device.status = "offline"  # until its new agent reports it
    session.add(device)
    log.info("device_moved", device=device.serial, from_agent_id=old, to_agent=agent_name)
    return device
