"""Devices going quiet: a device not heard from for a while is `offline` (and announced)."""

from __future__ import annotations

from datetime import timedelta

import structlog
from sqlmodel import Session, select

from controller import webhooks
from controller.config import Settings
from controller.models import Agent, Device
from controller.timeutil import utcnow

log = structlog.get_logger()


def set_status(session: Session, device: Device, status: str, reason: str) -> None:
    """Change a device's status; going offline is announced as `device.offline`."""
    was = device.status
    device.status = status
    session.add(device)
    if status == "offline" and was != "offline":
        agent = session.get(Agent, device.agent_id) if device.agent_id else None
        webhooks.emit(
            session,
            "device.offline",
            {
                "device": device.serial,
                "agent": agent.name if agent else None,
                "reason": reason,
                "last_seen_at": device.last_seen_at.isoformat() if device.last_seen_at else None,
            },
        )
        log.warning("device_offline", device=device.serial, reason=reason)


def mark_silent_offline(session: Session, settings: Settings) -> int:
    """Devices whose agent stopped reporting for `device_offline_after_s` become offline."""
    cutoff = utcnow() - timedelta(seconds=settings.device_offline_after_s)
    silent = session.exec(
        select(Device).where(
            Device.status != "offline",
            Device.last_seen_at < cutoff,  # type: ignore[operator]
        )
    ).all()
    for device in silent:
        set_status(session, device, "offline", "no heartbeat")
    return len(silent)


def online_count(session: Session, settings: Settings) -> int:
    cutoff = utcnow() - timedelta(seconds=settings.device_offline_after_s)
    return len(
        session.exec(
            select(Device.id).where(
                Device.status != "offline",
                Device.last_seen_at >= cutoff,  # type: ignore[operator]
            )
        ).all()
    )
