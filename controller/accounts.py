"""Account states: holding an account's queue on an account-level failure, releasing it when
ops re-authenticate, and the account's pacing limits."""

from __future__ import annotations

from sqlmodel import Session, select

from controller import lifecycle, webhooks
from controller.config import Settings
from controller.models import Account, Job

# states in which the account's queue is held: jobs stay `scheduled` but are not leased
HELD = ("needs_auth", "challenge", "disabled")
# a job queued for an account: waits for it, not burned by it
QUEUED = ("scheduled", "pending_approval", "paused")


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
            session, "account.needs_auth", webhooks.account_data(session, account), account=account
        )


def release(session: Session, account: Account, *, actor: str, reason: str) -> int:
    """Make the account active again; its queued jobs get a history line. Returns their count."""
    account.state = "active"
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


def pacing(account: Account, settings: Settings) -> tuple[float, int]:
    """(minimum gap in seconds, daily cap): the account's own, else farm.yaml's; 0 = none."""
    gap = account.min_gap_s if account.min_gap_s is not None else settings.min_gap_s
    cap = account.daily_cap if account.daily_cap is not None else settings.daily_cap
    return gap, cap
