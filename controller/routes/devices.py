"""Devices and Instagram accounts (ops declare them; agents report device health)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlmodel import Session, select

from controller.deps import Principal, get_secrets, get_session, require
from controller.errors import ApiError, not_found
from controller.models import Account, Agent, Device, Lease
from controller.schemas import AccountIn, AccountOut, DeviceIn, DeviceOut
from controller.security import SecretBox
from controller.timezones import zone

router = APIRouter(prefix="/v1", tags=["devices and accounts"])


def device_out(session: Session, device: Device) -> DeviceOut:
    agent = session.get(Agent, device.agent_id) if device.agent_id else None
    lease = session.exec(
        select(Lease).where(Lease.device_id == device.id, Lease.state == "active")
    ).first()
    return DeviceOut(
        serial=device.serial,
        label=device.label,
        driver=device.driver,
        agent=agent.name if agent else None,
        status=device.status,
        battery=device.battery,
        temperature_c=device.temperature_c,
        app_version=device.app_version,
        last_seen_at=device.last_seen_at,
        current_job_id=lease.job_id if lease else None,
    )


def account_out(session: Session, account: Account) -> AccountOut:
    device = session.get(Device, account.device_id)
    return AccountOut(
        username=account.username,
        device=device.serial if device else "",
        timezone=account.timezone,
        state=account.state,
        state_reason=account.state_reason,
    )


@router.put("/devices/{serial}", response_model=DeviceOut)
def put_device(
    serial: str,
    body: DeviceIn,
    session: Session = Depends(get_session),
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
    session.flush()
    return device_out(session, device)


@router.get("/devices", response_model=list[DeviceOut])
def list_devices(
    session: Session = Depends(get_session), _: Principal = Depends(require("scheduler"))
) -> list[DeviceOut]:
    devices = session.exec(select(Device).order_by(Device.serial)).all()
    return [device_out(session, d) for d in devices]


@router.post("/accounts", status_code=201, response_model=AccountOut)
def create_account(
    body: AccountIn,
    session: Session = Depends(get_session),
    secrets: SecretBox = Depends(get_secrets),
    _: Principal = Depends(require("ops")),
) -> AccountOut:
    """Register an Instagram account on a device. The password is stored encrypted."""
    zone(body.timezone)
    device = session.exec(select(Device).where(Device.serial == body.device)).first()
    if device is None:
        raise ApiError(422, "device_not_found", f"no device {body.device!r}")
    taken = session.exec(select(Account).where(Account.username == body.username)).first()
    if taken is not None:
        raise ApiError(409, "username_taken", f"account {body.username!r} is already registered")
    on_device = session.exec(select(Account).where(Account.device_id == device.id)).all()
    if len(on_device) >= 5:
        raise ApiError(409, "device_full", f"device {body.device!r} already holds 5 accounts")
    account = Account(
        username=body.username,
        password_enc=secrets.encrypt(body.password),
        device_id=device.id or 0,
        timezone=body.timezone,
    )
    session.add(account)
    session.flush()
    return account_out(session, account)


@router.get("/accounts", response_model=list[AccountOut])
def list_accounts(
    session: Session = Depends(get_session), _: Principal = Depends(require("scheduler"))
) -> list[AccountOut]:
    accounts = session.exec(select(Account).order_by(Account.username)).all()
    return [account_out(session, a) for a in accounts]


@router.get("/accounts/{username}", response_model=AccountOut)
def get_account(
    username: str,
    session: Session = Depends(get_session),
    _: Principal = Depends(require("scheduler")),
) -> AccountOut:
    account = session.exec(select(Account).where(Account.username == username)).first()
    if account is None:
        raise not_found("account", username)
    return account_out(session, account)
