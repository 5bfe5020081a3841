"""Devices: ops declare them, agents attach to them and report their health."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, Depends
from sqlmodel import Session, select

from controller import identity, ownership
from controller.config import Settings
from controller.deps import Principal, get_session, get_settings, require
from controller.errors import ApiError, not_found
from controller.models import Account, Agent, Device, Job, Lease
from controller.schemas import DeviceIn, DeviceMoveIn, DeviceOut

router = APIRouter(prefix="/v1", tags=["devices"])


def version_checked(version: str | None, checked: Sequence[str]) -> bool | None:
    """Whether the flows were checked on this Instagram version (`360.0.0.32.109`, or a
    list entry ending in `*` as a prefix); None when there is no list or no version."""
    if not checked or not version:
        return None
    return any(version.startswith(v[:-1]) if v.endswith("*") else version == v for v in checked)


def device_out(
    session: Session,
    device: Device,
    principal: Principal | None = None,
    checked: Sequence[str] = (),
) -> DeviceOut:
    """A device as `principal` may see it: a scheduler key is not told the id of a job on
    another key's account."""
    agent = session.get(Agent, device.agent_id) if device.agent_id else None
    lease = session.exec(
        select(Lease).where(Lease.device_id == device.id, Lease.state == "active")
    ).first()
    if lease is not None and lease.job_id is not None and principal is not None:
        job = session.get(Job, lease.job_id)
        account = session.get(Account, job.account_id) if job else None
        if account is None or not ownership.sees(principal, account):
            lease = None
    return DeviceOut(
        serial=device.serial,
        label=device.label,
        driver=device.driver,
        agent=agent.name if agent else None,
        status=device.status,
        battery=device.battery,
        temperature_c=device.temperature_c,
        app_version=device.app_version,
        app_version_checked=version_checked(device.app_version, checked),
        last_seen_at=device.last_seen_at,
        current_job_id=lease.job_id if lease else None,
        mode=device.mode,
        mode_reason=device.mode_reason,
        mode_changed_at=device.mode_changed_at,
        reboot_requested_at=device.reboot_requested_at,
    )


@router.put("/devices/{serial}", response_model=DeviceOut)
def put_device(
    serial: str,
    body: DeviceIn,
    session: Session = Depends(get_session, scope="function"),
    _: Principal = Depends(require("ops")),
) -> DeviceOut:
    """Declare a device (idempotent). Agents attach themselves to it when they register."""
    if body.serial != serial:
        raise ApiError(422, "serial_mismatch", "serial in the path and the body differ")
    device = session.exec(select(Device).where(Device.serial == serial)).first()
    if device is None:
        device = Device(serial=serial)
    device.label = body.label
    device.driver = body.driver
    session.add(device)
    return device_out(session, device)


@router.get("/devices", response_model=list[DeviceOut])
def list_devices(
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("scheduler")),
    settings: Settings = Depends(get_settings),
) -> list[DeviceOut]:
    """Every device with its agent, health and the job it is running; `app_version_checked`
    false flags a phone on an Instagram version the flows were not checked on."""
    devices = session.exec(select(Device).order_by(Device.serial)).all()
    checked = settings.checked_app_versions
    return [device_out(session, d, principal, checked) for d in devices]


@router.post("/devices/{serial}/move", response_model=DeviceOut)
def move_device(
    serial: str,
    body: DeviceMoveIn,
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("ops")),
) -> DeviceOut:
    """Give a phone to another agent (a phone belongs to the agent that first declared it).
    The old agent's leases on it end now; the new agent takes it when it registers."""
    device = session.exec(select(Device).where(Device.serial == serial)).first()
    if device is None:
        raise not_found("device", serial)
    identity.move_device(session, device, body.agent, actor=principal.actor)
    session.commit()
    return device_out(session, device)
