"""Which phone an account lives on, and deleting accounts.

Placement is ops' decision: a scheduler key asks for an account (`POST /v1/accounts` with no
`device`; naming one is 403 `forbidden`, and so is moving one) and the placement rule picks
the phone: among declared phones with room (5 accounts each) where this key holds fewer
than `max_accounts_per_key_per_device` (2 by default), the one with the most room, then by
serial. No key can fill a phone and lock the others out; when nothing fits: 409
`no_device_available`. Ops may name the phone, or let the rule choose.

Deleting an account (ops, `DELETE /v1/accounts/{username}`) cancels its future jobs with
the reason, refuses while one of its jobs is on a phone (409 `account_busy`), and frees its
username and its slot on the phone. The row stays (as `~<id>`, state `deleted`) so the
history of its jobs keeps its account.
"""

from __future__ import annotations

import structlog
from sqlmodel import Session, func, select

from controller import lifecycle, ownership
from controller.config import Settings
from controller.deps import Principal
from controller.errors import ApiError
from controller.models import Account, Device, Job

log = structlog.get_logger()
MAX_ACCOUNTS_PER_DEVICE = 5
LIVE = Account.state != "deleted"
CANCELLABLE = ("pending_approval", "scheduled", "paused", "failed")
BUSY = ("leased", "publishing", "unknown")


def _held(session: Session, device: Device, owner_key_id: int | None = None) -> int:
    query = select(func.count()).select_from(Account).where(Account.device_id == device.id, LIVE)
    if owner_key_id is not None:
        query = query.where(Account.owner_key_id == owner_key_id)
    return session.exec(query).one()


def device_with_room(session: Session, serial: str) -> Device:
    """The named phone, if it has room (ops' choice)."""
    device = session.exec(select(Device).where(Device.serial == serial)).first()
    if device is None:
        raise ApiError(422, "device_not_found", f"no device {serial!r}")
    if _held(session, device) >= MAX_ACCOUNTS_PER_DEVICE:
        raise ApiError(
            409,
            "device_full",
            f"device {serial!r} already holds {MAX_ACCOUNTS_PER_DEVICE} accounts",
        )
    return device


def choose_device(session: Session, principal: Principal, settings: Settings) -> Device:
    """The placement rule: most room first, then serial; a key's share per phone is capped."""
    per_key = settings.max_accounts_per_key_per_device
    owner = ownership.owner_for_new(principal)  # a sub-user places for its team's leader
    best: tuple[int, str, Device] | None = None
    for device in session.exec(select(Device).order_by(Device.serial)).all():
        room = MAX_ACCOUNTS_PER_DEVICE - _held(session, device)
        if room <= 0:
            continue
        if principal.role != "ops" and _held(session, device, owner) >= per_key:
            continue
        if best is None or room > best[0]:
            best = (room, device.serial, device)
    if best is None:
        raise ApiError(409, "no_device_available", "no phone has room for another account")
    return best[2]


def place(session: Session, principal: Principal, settings: Settings, serial: str | None) -> Device:
    if serial is not None:
        if principal.role != "ops":
            raise ApiError(
                403, "forbidden", "ops choose the phone; leave `device` out and one is assigned"
            )
        return device_with_room(session, serial)
    return choose_device(session, principal, settings)


def delete_account(session: Session, account: Account, actor: str) -> int:
    """Cancel its future jobs, free its username and phone slot; returns jobs cancelled."""
    busy = session.exec(
        select(Job.id).where(Job.account_id == account.id, Job.state.in_(BUSY))  # type: ignore[attr-defined]
    ).first()
    if busy is not None:
        raise ApiError(
            409, "account_busy", f"job {busy} of this account is on its phone; try again later"
        )
    jobs = session.exec(
        select(Job).where(Job.account_id == account.id, Job.state.in_(CANCELLABLE))  # type: ignore[attr-defined]
    ).all()
    reason = f"account {account.username} deleted"
    for job in jobs:
        lifecycle.move(session, job, "cancelled", actor=actor, reason=reason)
    old = account.username
    account.username = f"~{account.id}"
    account.state = "deleted"
    account.state_reason = f"deleted by {actor}; was {old}"[:300]
    account.password_enc = ""
    session.add(account)
    log.info("account_deleted", account=old, jobs_cancelled=len(jobs), by=actor)
    return len(jobs)
