"""Device actions: ops drain, quarantine, release and reboot a phone
(`farm devices drain|quarantine|release|reboot SERIAL`); the agent polls what to do with its
phones and reports reboots and recovery back."""

from __future__ import annotations

from fastapi import APIRouter, Body, Depends
from pydantic import Field
from sqlmodel import Session, select

from controller import device_actions
from controller.config import Settings
from controller.deps import Principal, get_session, get_settings, require, require_agent
from controller.errors import not_found
from controller.models import Device
from controller.routes.devices import device_out
from controller.schemas import DeviceOut, StrictModel
from farmcore.protocol import AgentCommandsOut, AgentDeviceCommand, AgentDeviceReportIn

router = APIRouter(prefix="/v1", tags=["devices"])


class DeviceActionIn(StrictModel):
    reason: str = Field(default="", max_length=200, description="shown with the phone's mode")


def _device(session: Session, serial: str) -> Device:
    device = session.exec(select(Device).where(Device.serial == serial)).first()
    if device is None:
        raise not_found("device", serial)
    return device


def _action(action: str):  # type: ignore[no-untyped-def]
    def route(
        serial: str,
        body: DeviceActionIn | None = Body(default=None),
        session: Session = Depends(get_session, scope="function"),
        settings: Settings = Depends(get_settings),
        principal: Principal = Depends(require("ops")),
    ) -> DeviceOut:
        device = _device(session, serial)
        reason = body.reason if body else ""
        device_actions.act(session, device, action, reason, principal.actor)
        session.commit()
        return device_out(session, device, principal, settings.checked_app_versions)

    route.__doc__ = {
        "drain": "Let the phone finish its job and lease it no other (409 `device_quarantined`).",
        "quarantine": "Lease the phone nothing until ops release it; the reason is shown.",
        "release": "Back to work after a drain or a quarantine (409 `device_not_held`).",
        "reboot": "Ask the phone's agent to reboot it between two jobs (409 `device_offline`).",
    }[action]
    return route


for _name in device_actions.ACTIONS:
    router.add_api_route(
        f"/devices/{{serial}}/{_name}",
        _action(_name),
        methods=["POST"],
        response_model=DeviceOut,
        name=f"device_{_name}",
        summary=f"{_name.capitalize()} a phone",
    )


@router.get("/agents/commands", response_model=AgentCommandsOut, tags=["agent protocol"])
def agent_commands(
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require_agent),
) -> AgentCommandsOut:
    """The agent's phones with their mode and whether ops asked for a reboot."""
    devices = session.exec(
        select(Device).where(Device.agent_id == principal.agent_id).order_by(Device.serial)
    ).all()
    return AgentCommandsOut(
        devices=[
            AgentDeviceCommand(
                serial=d.serial, mode=d.mode, reboot=d.reboot_requested_at is not None
            )
            for d in devices
        ]
    )


@router.post("/agents/devices/{serial}/report", status_code=204, tags=["agent protocol"])
def agent_device_report(
    serial: str,
    body: AgentDeviceReportIn,
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require_agent),
) -> None:
    """A reboot done or failed, a recovery step taken, or a phone the agent quarantines."""
    device = _device(session, serial)
    if device.agent_id != principal.agent_id:
        raise not_found("device", serial)
    device_actions.agent_report(session, device, body.event, body.reason, principal.actor)
