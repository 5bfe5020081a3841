"""Instagram accounts: ops (or a scheduler key, for its own accounts) register them on a device;
ops re-authenticate, disable and assign them; agents report preflight results. A scheduler key
sees and edits only its own and the shared accounts (see controller.ownership)."""

from __future__ import annotations

import sqlalchemy as sa
import structlog
from fastapi import APIRouter, Depends, Response
from sqlmodel import Session, select

from controller import accounts, ownership, placement, teams
from controller.config import Settings
from controller.deps import Principal, get_secrets, get_session, get_settings, require
from controller.errors import ApiError, not_found
from controller.models import Account, Device
from controller.schemas import (
    AccountIn,
    AccountOut,
    AccountPatch,
    DisableIn,
    Pacing,
    PreflightIn,
    PreflightOut,
    ReauthIn,
)
from controller.security import SecretBox
from controller.timeutil import utcnow
from controller.timezones import zone
from farmcore.codes import FLOW_CODES, account_state_for

router = APIRouter(prefix="/v1/accounts", tags=["accounts"])
log = structlog.get_logger()
MAX_ACCOUNTS_PER_DEVICE = placement.MAX_ACCOUNTS_PER_DEVICE


def account_out(session: Session, account: Account, settings: Settings) -> AccountOut:
    device = session.get(Device, account.device_id)
    gap_s, cap = accounts.pacing(account, settings)
    preflight = None
    if account.preflight is not None and account.preflight_at is not None:
        preflight = PreflightOut(**account.preflight, at=account.preflight_at)
    return AccountOut(
        username=account.username,
        device=device.serial if device else "",
        timezone=account.timezone,
        state=account.state,  # type: ignore[arg-type]
        state_reason=account.state_reason,
        approval_required=account.approval_required,
        owner=ownership.owner_name(session, account),
        pacing=Pacing(
            min_gap_minutes=gap_s / 60,
            daily_cap=cap,
            own=account.min_gap_s is not None or account.daily_cap is not None,
        ),
        preflight=preflight,
    )


def _account(session: Session, username: str) -> Account:
    account = session.exec(
        select(Account)
        .where(Account.username == username.lower(), Account.state != "deleted")
        .with_for_update()
    ).first()
    if account is None:
        raise not_found("account", username)
    return account


def _device_with_room(session: Session, serial: str) -> Device:
    return placement.device_with_room(session, serial)


@router.post("", status_code=201, response_model=AccountOut)
def create_account(
    body: AccountIn,
    session: Session = Depends(get_session, scope="function"),
    secrets: SecretBox = Depends(get_secrets),
    settings: Settings = Depends(get_settings),
    principal: Principal = Depends(require("scheduler")),
) -> AccountOut:
    """Register an Instagram account on an existing device. The password is stored encrypted
    and never returned. A username can be registered once (409 `username_taken`). An account
    registered with a scheduler key is owned by that key (a team's sub-user's: by its leader);
    one registered by ops is shared."""
    zone(body.timezone)
    taken = ownership.taken_error(body.username)
    if session.exec(select(Account.id).where(Account.username == body.username)).first():
        raise taken
    device = placement.place(session, principal, settings, body.device)
    account = Account(
        username=body.username,
        password_enc=secrets.encrypt(body.password),
        device_id=device.id or 0,
        timezone=body.timezone,
        owner_key_id=ownership.owner_for_new(principal),
    )
    session.add(account)
    try:
        session.flush()
    except sa.exc.IntegrityError:
        raise taken from None
    log.info("account_created", account=account.username, device=device.serial)
    return account_out(session, account, settings)


@router.get("", response_model=list[AccountOut])
def list_accounts(
    session: Session = Depends(get_session, scope="function"),
    settings: Settings = Depends(get_settings),
    principal: Principal = Depends(require("scheduler")),
) -> list[AccountOut]:
    """Every account the caller may see (a scheduler key: its own and the shared ones) with
    its state, pacing and last preflight (never the password)."""
    query = select(Account).where(ownership.visible(principal)).order_by(Account.username)
    rows = session.exec(query).all()
    return [account_out(session, a, settings) for a in rows]


@router.get("/{username}", response_model=AccountOut)
def get_account(
    username: str,
    session: Session = Depends(get_session, scope="function"),
    settings: Settings = Depends(get_settings),
    principal: Principal = Depends(require("scheduler")),
) -> AccountOut:
    """One account: state and why, pacing in force, last preflight result."""
    account = ownership.find(session, principal, username)
    if account is None:
        raise not_found("account", username)
    return account_out(session, account, settings)


@router.patch("/{username}", response_model=AccountOut)
def edit_account(
    username: str,
    body: AccountPatch,
    session: Session = Depends(get_session, scope="function"),
    settings: Settings = Depends(get_settings),
    principal: Principal = Depends(require("scheduler")),
) -> AccountOut:
    """Move the account to another device, change its time zone, its pacing (`null` returns to
    farm.yaml's default) or whether its jobs need approval. Ops also assign its `owner` (a
    scheduler key's name; `null`: shared)."""
    account = ownership.find(session, principal, username, lock=True)
    if account is None:
        raise not_found("account", username)
    teams.refuse_sub_user(principal, "change the team's accounts")
    given = body.model_fields_set
    if "owner" in given:
        if ownership.restricted(principal):
            raise ApiError(403, "forbidden", "only ops assign an account's owner")
        owner = body.owner
        account.owner_key_id = ownership.resolve_owner(session, owner) if owner else None
    if body.device is not None:
        if ownership.restricted(principal):
            raise ApiError(403, "forbidden", "only ops move an account to another phone")
        current = session.get(Device, account.device_id)
        if current is None or current.serial != body.device:
            account.device_id = _device_with_room(session, body.device).id or 0
    if body.timezone is not None:
        zone(body.timezone)
        account.timezone = body.timezone
    if "min_gap_minutes" in given:
        gap = body.min_gap_minutes
        account.min_gap_s = gap * 60 if gap is not None else None
    if "daily_cap" in given:
        account.daily_cap = body.daily_cap
    if body.approval_required is not None:
        account.approval_required = body.approval_required
    session.add(account)
    return account_out(session, account, settings)


@router.post("/{username}/reauth", response_model=AccountOut)
def reauthenticate(
    username: str,
    body: ReauthIn,
    session: Session = Depends(get_session, scope="function"),
    secrets: SecretBox = Depends(get_secrets),
    settings: Settings = Depends(get_settings),
    principal: Principal = Depends(require("ops")),
) -> AccountOut:
    """Ops solved the login problem (new password, challenge passed on the phone, re-enabled):
    the account is `active` again and its held jobs are released to the dispatcher. With
    `"login": true` the agent first logs in on the phone with the stored password; the account
    is released when that succeeds, or held with the login's failure code."""
    account = _account(session, username)
    if body.password is not None:
        account.password_enc = secrets.encrypt(body.password)
    if body.login:
        accounts.request_login(session, account)
        log.info("account_login_requested", account=username)
    else:
        released = accounts.release(
            session,
            account,
            actor=principal.actor,
            reason=body.reason or "account re-authenticated",
        )
        log.info("account_reauthenticated", account=username, jobs_released=released)
    return account_out(session, account, settings)


@router.post("/{username}/disable", response_model=AccountOut)
def disable_account(
    username: str,
    body: DisableIn,
    session: Session = Depends(get_session, scope="function"),
    settings: Settings = Depends(get_settings),
    _: Principal = Depends(require("ops")),
) -> AccountOut:
    """Stop publishing for the account; its jobs stay queued. `reauth` enables it again."""
    account = _account(session, username)
    accounts.hold(session, account, "disabled", body.reason or "disabled by ops")
    return account_out(session, account, settings)


@router.post("/{username}/preflight", response_model=AccountOut)
def report_preflight(
    username: str,
    body: PreflightIn,
    session: Session = Depends(get_session, scope="function"),
    settings: Settings = Depends(get_settings),
    principal: Principal = Depends(require("agent_session")),
) -> AccountOut:
    """An agent reports the preflight check of an account on its device (logged in, public,
    2FA, enough posts). A failure with an account-level code holds the account's queue."""
    account = _account(session, username)
    if principal.agent_id is not None:
        device = session.get(Device, account.device_id)
        if device is None or device.agent_id != principal.agent_id:
            raise ApiError(403, "forbidden", f"account {username!r} is not on this agent's device")
    if body.code is not None and body.code not in FLOW_CODES:
        raise ApiError(422, "unknown_error_code", f"{body.code!r} is not a known failure code")
    account.preflight = {
        "ok": body.ok,
        "code": body.code,
        "message": body.message,
        "checks": body.checks,
    }
    account.preflight_at = utcnow()
    session.add(account)
    state = account_state_for(body.code) if not body.ok else None
    if state is not None:
        accounts.hold(session, account, state, f"preflight: {body.code}: {body.message}")
    return account_out(session, account, settings)


@router.delete("/{username}", status_code=204)
def delete_account(
    username: str,
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("ops")),
) -> Response:
    """Ops: delete the account. Its future jobs are cancelled (reason: the account was
    deleted); while one of its jobs is on its phone it is 409 `account_busy`. The username
    and the phone's slot are free again at once."""
    account = _account(session, username)
    placement.delete_account(session, account, actor=principal.actor)
    session.commit()
    return Response(status_code=204)
