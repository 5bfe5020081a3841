"""The agent protocol over HTTP: register, heartbeat, claim, progress events, complete.

The routes translate HTTP to calls of `controller.leases`, which owns what a lease does."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa
import structlog
from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session, select

from controller import dispatcher, identity, leases
from controller import health as health_mod
from controller.config import Settings
from controller.deps import (
    Principal,
    agent_principal,
    get_session,
    get_settings,
    require,
)
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
from controller.security import hash_token, new_token
from controller.timeutil import UTCDateTime, utcnow
from farmcore.protocol import LeaseOut
from farmcore.vocab import DeviceStatus

router = APIRouter(prefix="/v1", tags=["agent protocol"])
T = TypeVar("T")
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
    `device_owned_by_another_agent`; more phones than `max_phones_per_agent` is 422."""
    _check_count(settings, len(body.devices))
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


async def agent_call(request: Request, principal: Principal, fn: Callable[..., T], *args: Any) -> T:
    """The hot agent routes' work in one thread-pool call, inside one of the database slots:
    `fn(session, settings, principal, *args)`, then the commit. (As sync dependencies and
    endpoint, each would cost a thread hop, and the commit another.)"""
    app = request.app

    def transaction() -> T:
        for attempt in range(DEADLOCK_RETRIES + 1):
            try:
                with Session(app.state.engine, expire_on_commit=False) as session:
                    result = fn(session, app.state.settings, principal, *args)
                    session.commit()
                    return result
            except sa.exc.OperationalError as exc:
                # PostgreSQL broke a lock cycle by aborting this transaction (a heartbeat's
                # rows against a dispatch pass's): nothing was written, so run it again
                if not _is_deadlock(exc) or attempt == DEADLOCK_RETRIES:
                    raise
                log.warning("deadlock_retried", attempt=attempt + 1)
        raise AssertionError("unreachable")

    async with app.state.db_slots:
        return await run_in_threadpool(transaction)


DEADLOCK_RETRIES = 3


def _is_deadlock(exc: sa.exc.OperationalError) -> bool:
    return getattr(exc.orig, "sqlstate", None) in ("40P01", "40001")


def _check_count(settings: Settings, count: int) -> None:
    if count > settings.max_phones_per_agent:
        raise ApiError(
            422,
            "too_many_devices",
            f"{count} phones in one request; this controller takes at most "
            f"{settings.max_phones_per_agent} per agent (FARM_MAX_PHONES_PER_AGENT)",
        )


def _own_devices(session: Session, agent_id: int, serials: list[str]) -> dict[str, sa.Row]:
    """(id, serial, status) of the listed devices, which must be this agent's (one query)."""
    if not serials:
        return {}
    rows = session.execute(
        select(Device.id, Device.serial, Device.status).where(
            Device.agent_id == agent_id,
            Device.serial.in_(serials),  # type: ignore[attr-defined]
        )
    ).all()
    mine = {r.serial: r for r in rows}
    unknown = [s for s in serials if s not in mine]
    if unknown:
        raise ApiError(422, "device_not_registered", f"devices not registered: {unknown}")
    return mine


HEALTH_UPDATE = """
UPDATE device SET status = v.column2, battery = v.column3, temperature_c = v.column4,
       app_version = v.column5, last_seen_at = :now
FROM (VALUES {rows}) AS v
WHERE device.serial = v.column1 AND device.agent_id = :agent
"""


@router.post("/agents/heartbeat", response_model=HeartbeatOut)
async def heartbeat(
    body: HeartbeatIn,
    request: Request,
    principal: Principal = Depends(agent_principal),
) -> HeartbeatOut:
    """Report the health of all the agent's phones; extends every active lease of this agent.
    The leases are extended first, then every phone is written by one UPDATE (lease rows
    before device rows, the order a completion takes too)."""
    return await agent_call(request, principal, _heartbeat, body)


def _heartbeat(
    session: Session, settings: Settings, principal: Principal, body: HeartbeatIn
) -> HeartbeatOut:
    """Report device health; extends the active leases of this agent (with `leases`, only
    those and the ones not yet handed over)."""
    agent_id = principal.agent_id or 0
    _check_count(settings, len(body.devices))
    now = utcnow()
    extended = leases.extend(session, agent_id, settings.lease_ttl_s, body.leases)
    reports = {h.serial: h for h in body.devices}  # the last report of a serial wins
    mine = _own_devices(session, agent_id, list(reports))
    for serial, health in reports.items():
        if health.status == DeviceStatus.OFFLINE and mine[serial].status != DeviceStatus.OFFLINE:
            device = session.get(Device, mine[serial].id)
            if device is not None:  # announced as device.offline
                health_mod.set_status(session, device, health.status, "reported by the agent")
    session.flush()
    if reports:
        params: dict[str, object] = {"agent": agent_id}
        values = []
        for n, h in enumerate(reports.values()):
            values.append(
                f"(CAST(:s{n} AS VARCHAR), CAST(:st{n} AS VARCHAR), CAST(:b{n} AS INTEGER), "
                f"CAST(:t{n} AS FLOAT), CAST(:v{n} AS VARCHAR))"
            )
            params |= {
                f"s{n}": h.serial,
                f"st{n}": h.status,
                f"b{n}": h.battery,
                f"t{n}": h.temperature_c,
                f"v{n}": h.app_version,
            }
        statement = sa.text(HEALTH_UPDATE.format(rows=", ".join(values))).bindparams(
            sa.bindparam("now", now, type_=UTCDateTime())
        )
        session.execute(statement, params)
    session.execute(sa.update(Agent).where(Agent.id == agent_id).values(last_seen_at=now))  # type: ignore[arg-type]
    return HeartbeatOut(leases_extended=extended, lease_ttl_s=settings.lease_ttl_s)


def _claim_tx(
    request: Request,
    principal: Principal,
    idle: list[str],
    media_url: Callable[[str], str],
    dispatch: bool = True,
) -> list[LeaseOut]:
    """One claim transaction: authenticate, run a dispatch pass over the listed idle phones,
    hand over every lease of the agent not yet delivered."""
    app = request.app
    settings: Settings = app.state.settings
    assert principal.agent_id is not None
    with Session(app.state.engine, expire_on_commit=False) as session:
        _check_count(settings, len(idle))
        mine = _own_devices(session, principal.agent_id, idle)
        if mine and dispatch:
            dispatcher.run_pass(session, settings, sorted(r.id for r in mine.values()))
        out = leases.deliver(session, principal.agent_id, app.state.secrets, media_url)
        session.commit()
        return out


@router.post("/agents/claim", response_model=ClaimOut)
async def claim(
    body: ClaimIn,
    request: Request,
    principal: Principal = Depends(agent_principal),
) -> ClaimOut:
    """Lease due jobs to the listed idle devices and return every lease not yet handed over.
    With `wait_s`, an empty answer waits on the server (holding no database connection and no
    thread) until a lease is opened for one of the agent's phones, by this replica or another
    (PostgreSQL NOTIFY), or the time is up."""
    app = request.app
    settings: Settings = app.state.settings
    wakeups = app.state.wakeups
    wait = min(body.wait_s, settings.claim_wait_max_s)
    deadline = time.monotonic() + wait
    agent_id = principal.agent_id or 0

    def media_url(sha256: str) -> str:
        return str(request.url_for("download_media", media_id=sha256))

    idle = list(dict.fromkeys(body.idle))
    # a waiting claim leaves the pass to the dispatch loop (one pass for every agent, woken
    # when a job falls due or a lease ends) and is woken by the leases it opens; a claim that
    # will not wait, or a controller without the loop, runs one pass of its own first
    first = wait <= 0 or app.state.dispatch_loop is None
    while True:
        # read before the transaction, so a lease opened during it is not a lost wakeup
        since = wakeups.generation(agent_id)
        async with app.state.db_slots:
            out = await run_in_threadpool(_claim_tx, request, principal, idle, media_url, first)
        first = False
        remaining = deadline - time.monotonic()
        if out or remaining <= 0 or app.state.stopping.is_set():
            return ClaimOut(leases=out)
        await wakeups.wait(agent_id, since, remaining)
        if app.state.stopping.is_set():
            return ClaimOut(leases=[])


@router.post("/leases/{token}/events", status_code=204)
async def lease_event(
    token: RowId,
    body: LeaseEventIn,
    request: Request,
    principal: Principal = Depends(agent_principal),
) -> None:
    """Progress from the agent. `point_of_no_return` must be acknowledged before the final tap."""

    def run(session: Session, settings: Settings, principal: Principal) -> None:
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

    await agent_call(request, principal, run)


@router.post("/leases/{token}/complete", response_model=CompleteOut)
async def complete(
    token: RowId,
    body: CompleteIn,
    request: Request,
    principal: Principal = Depends(agent_principal),
) -> CompleteOut:
    """The outcome of a lease. A stale lease (expired, superseded) gets 409 and changes nothing."""

    def run(session: Session, settings: Settings, principal: Principal) -> CompleteOut:
        job_id, state = leases.complete(
            session, settings, token, principal.agent_id, principal.actor, body
        )
        return CompleteOut(job_id=job_id, state=state)

    return await agent_call(request, principal, run)
