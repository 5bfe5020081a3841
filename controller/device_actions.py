"""Ops' hold on a phone: drain, quarantine, release, reboot; and what the agent reports back.

- `draining`: the phone finishes the job it runs and takes no other (for maintenance).
- `quarantined`: the phone takes no work until ops release it; the agent's recovery ladder
  quarantines a phone after N device-level failures in a row, with the reason.
- `release`: back to `active` (the dispatcher leases to it again).
- `reboot`: asked here, carried out by the phone's agent between two jobs; it reports back.

The dispatcher leases only to `active` phones (`dispatcher.lease_for_device`).
"""

from __future__ import annotations

import structlog
from sqlmodel import Session

from controller.errors import ApiError
from controller.models import Device
from controller.timeutil import utcnow

log = structlog.get_logger()
MODES = ("active", "draining", "quarantined")
ACTIONS = ("drain", "quarantine", "release", "reboot")


def set_mode(session: Session, device: Device, mode: str, reason: str, actor: str) -> None:
    device.mode = mode
    device.mode_reason = (f"{reason} ({actor})" if reason else f"by {actor}")[:300]
    if mode == "active":
        device.mode_reason = ""
    device.mode_changed_at = utcnow()
    session.add(device)
    log.info("device_mode", device=device.serial, mode=mode, reason=reason, actor=actor)


def act(session: Session, device: Device, action: str, reason: str, actor: str) -> Device:
    """Apply one ops action; refusals are 409 with a code saying why."""
    if action == "drain":
        if device.mode == "quarantined":
            raise ApiError(
                409, "device_quarantined", f"{device.serial} is quarantined: release it first"
            )
        if device.mode != "draining":
            set_mode(session, device, "draining", reason or "drained", actor)
    elif action == "quarantine":
        set_mode(session, device, "quarantined", reason or "quarantined", actor)
    elif action == "release":
        if device.mode == "active":
            raise ApiError(
                409, "device_not_held", f"{device.serial} is neither drained nor quarantined"
            )
        set_mode(session, device, "active", "", actor)
    elif action == "reboot":
        if device.status == "offline" or device.agent_id is None:
            raise ApiError(
                409, "device_offline", f"{device.serial} is offline: no agent can reboot it"
            )
        if device.reboot_requested_at is None:
            device.reboot_requested_at = utcnow()
            session.add(device)
            log.info("device_reboot_requested", device=device.serial, actor=actor)
    else:  # pragma: no cover - the routes only pass ACTIONS
        raise ApiError(422, "invalid_action", f"unknown action {action!r}")
    return device


def agent_report(session: Session, device: Device, event: str, reason: str, actor: str) -> None:
    """What a phone's agent did: a reboot done (or failed), a recovery step, a quarantine."""
    if event in ("rebooted", "reboot_failed"):
        device.reboot_requested_at = None
        session.add(device)
    if event == "quarantine":
        set_mode(session, device, "quarantined", reason or "recovery ladder exhausted", actor)
    log.info("device_report", device=device.serial, event_=event, reason=reason, actor=actor)
