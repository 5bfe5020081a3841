"""Account states: holding an account's queue on an account-level failure, releasing it when
ops re-authenticate, and the account's pacing limits."""

from __future__ import annotations

from sqlmodel import Session, select

from controller import lifecycle, webhooks
from controller.config import Settings
from controller.models import Account, Job
from controller.timeutil import utcnow
from farmcore.vocab import AccountState, JobState, WebhookEvent

# states in which the account's queue is held: jobs stay `scheduled` but are not leased
HELD = (AccountState.NEEDS_AUTH, AccountState.CHALLENGE, AccountState.DISABLED)
# a job queued for an account: waits for it, not burned by it
QUEUED = (JobState.SCHEDULED, JobState.PENDING_APPROVAL, JobState.PAUSED)


def hold(session: Session, account: Account, state: str, reason: str) -> None:
    """Stop leasing the account's jobs. Announces `account.needs_auth` on the first change
    into any held state (`needs_auth`, `challenge` — a check Instagram asks for — and
    `disabled` — Instagram disabled or suspended it); the event's `state` and `reason` say
    which and what to do."""
    changed = account.state != state
    account.state = state
    account.state_reason = reason[:300]
    session.add(account)
    if changed and state in HELD:
        webhooks.emit(
            session,
            WebhookEvent.ACCOUNT_NEEDS_AUTH,
            webhooks.account_data(session, account),
            account=account,
        )


def release(session: Session, account: Account, *, actor: str, reason: str) -> int:
    """Make the account active again; its queued jobs get a history line. Returns their count."""
    account.state = AccountState.ACTIVE
    account.state_reason = ""
    session.add(account)
    jobs = session.exec(
        select(Job).where(
            Job.account_id == account.id,
            Job.state.in_(QUEUED),  # type: ignore[attr-defined]
        )
    ).all()
    for job in jobs:
        lifecycle.record(session, job, "account_released", actor=actor, reason=reason)
    return len(jobs)


def request_login(session: Session, account: Account) -> None:
    """Ask for a login on the account's phone with the stored password (ops' `reauth` with
    `"login": true`); the dispatcher leases it to the phone, and the account stays held until
    the login lease succeeds (`controller.leases`)."""
    account.login_requested_at = utcnow()
    if account.state == AccountState.ACTIVE:
        account.state = AccountState.NEEDS_AUTH
    account.state_reason = "login requested: waiting for the phone"
    session.add(account)


def pacing(account: Account, settings: Settings) -> tuple[float, int]:
    """(minimum gap in seconds, daily cap): the account's own, else farm.yaml's; 0 = none."""
    gap = account.min_gap_s if account.min_gap_s is not None else settings.min_gap_s
    cap = account.daily_cap if account.daily_cap is not None else settings.daily_cap
    return gap, cap
