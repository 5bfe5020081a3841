"""Logging an account in on its phone with the stored password (ops' `reauth` with
`"login": true`): a lease of purpose `login`, run by the agent's login flow.

The password is decrypted here and travels only inside that lease's body, over the agent's
authenticated channel; it is never logged, stored elsewhere, or echoed in any response but
that one.
"""

from __future__ import annotations

from datetime import timedelta

import structlog
from sqlmodel import Session, select

from controller import accounts
from controller.config import Settings
from controller.errors import ApiError
from controller.models import Account, Device, Lease
from controller.security import SecretBox
from controller.timeutil import utcnow
from flows.errors import ERROR_KINDS, held_state

log = structlog.get_logger()


def request(session: Session, account: Account) -> None:
    """Ask for a login on the account's phone; the account stays held until it succeeds."""
    account.login_requested_at = utcnow()
    if account.state == "active":
        account.state = "needs_auth"
    account.state_reason = "login requested: waiting for the phone"
    session.add(account)


def lease_for(session: Session, device: Device, settings: Settings) -> Lease | None:
    """A login lease for an account on this idle device that asked for one."""
    account = session.exec(
        select(Account)
        .where(Account.device_id == device.id, Account.login_requested_at.is_not(None))  # type: ignore[union-attr]
        .order_by(Account.login_requested_at)
        .limit(1)
        .with_for_update(skip_locked=True)
    ).first()
    if account is None or device.agent_id is None:
        return None
    now = utcnow()
    lease = Lease(
        account_id=account.id,
        device_id=device.id or 0,
        agent_id=device.agent_id,
        purpose="login",
        created_at=now,
        expires_at=now + timedelta(seconds=settings.lease_ttl_s),
    )
    session.add(lease)
    session.flush()
    log.info(
        "lease_created",
        lease=lease.token,
        device=device.serial,
        purpose="login",
        account=account.username,
    )
    return lease


def password_for(session: Session, lease: Lease, secrets: SecretBox) -> tuple[str, str]:
    """(username, password) of a login lease, for its body only."""
    account = session.get(Account, lease.account_id)
    if account is None:
        raise ApiError(404, "account_not_found", "the account of this login lease is gone")
    return account.username, secrets.decrypt(account.password_enc)


def complete(
    session: Session,
    lease: Lease,
    outcome: str,
    code: str | None,
    message: str | None,
    actor: str,
) -> Account:
    """Settle a login lease: the account is released, or held with the flow's code."""
    if lease.state != "active":
        raise ApiError(409, "stale_lease", f"lease {lease.token} is no longer current")
    account = session.get(Account, lease.account_id)
    if account is None:
        raise ApiError(404, "account_not_found", "the account of this login lease is gone")
    lease.state = "done"
    lease.ended_at = utcnow()
    session.add(lease)
    account.login_requested_at = None
    if outcome == "logged_in":
        accounts.release(session, account, actor=actor, reason="logged in on the phone")
    elif outcome == "failed":
        code = code or "internal_error"
        if code not in ERROR_KINDS:
            raise ApiError(422, "unknown_error_code", f"{code!r} is not a known failure code")
        state = held_state(code)
        description = message or ERROR_KINDS[code].description
        accounts.hold(session, account, state, f"login failed: {code}: {description}")
    else:
        raise ApiError(422, "invalid_outcome", f"{outcome} does not settle a login lease")
    log.info("login_completed", account=account.username, outcome=outcome, code=code)
    return account
