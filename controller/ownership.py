"""Who may see an account (and so its jobs): ops see every account; a scheduler key sees the
accounts it owns and the shared ones (no owner); a team's sub-user also sees its leader's
(controller/teams.py). Another key's account is answered exactly as if it did not exist."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, select

from controller.deps import Principal
from controller.errors import ApiError
from controller.models import Account, ApiKey


def restricted(principal: Principal) -> bool:
    """Only scheduler keys are limited to their own and the shared accounts."""
    return principal.role == "scheduler"


def owners(principal: Principal) -> list[int]:
    """The keys whose accounts a scheduler key sees: its own, and its team leader's."""
    ids = [principal.api_key_id or 0]
    if principal.team_leader_id is not None:
        ids.append(principal.team_leader_id)
    return ids


def owner_for_new(principal: Principal) -> int | None:
    """Who owns an account the caller registers: ops' are shared, a sub-user's are its
    team's (the leader's), any other scheduler key's its own."""
    if not restricted(principal):
        return None
    return principal.team_leader_id or principal.api_key_id


def sees(principal: Principal, account: Account) -> bool:
    if not restricted(principal):
        return True
    return account.owner_key_id is None or account.owner_key_id in owners(principal)


def visible(principal: Principal) -> sa.ColumnElement[bool]:
    """A WHERE clause on Account: the rows the caller may see."""
    live = Account.state != "deleted"
    if not restricted(principal):
        return live
    owner = Account.owner_key_id
    return sa.and_(live, sa.or_(owner.is_(None), owner.in_(owners(principal))))  # type: ignore[union-attr]


def find(
    session: Session, principal: Principal, username: str, *, lock: bool = False
) -> Account | None:
    """The account by username if the caller may see it, else None (as if it did not exist)."""
    query = select(Account).where(Account.username == username.lower(), visible(principal))
    if lock:
        query = query.with_for_update()
    return session.exec(query).first()


def owner_name(session: Session, account: Account) -> str | None:
    if account.owner_key_id is None:
        return None
    key = session.get(ApiKey, account.owner_key_id)
    return key.name if key else None


def resolve_owner(session: Session, name: str) -> int:
    """The id of the one unrevoked scheduler key called `name` (422 if none or several)."""
    ids = session.exec(
        select(ApiKey.id).where(
            ApiKey.name == name,
            ApiKey.role == "scheduler",
            ApiKey.revoked_at.is_(None),  # type: ignore[union-attr]
        )
    ).all()
    if not ids:
        raise ApiError(422, "owner_not_found", f"no active scheduler key named {name!r}")
    if len(ids) > 1:
        raise ApiError(
            422, "owner_ambiguous", f"{len(ids)} active scheduler keys are named {name!r}"
        )
    return ids[0] or 0


def taken_error(username: str) -> ApiError:
    """409 `username_taken`: an account is registered once, by one customer. The message says
    how its rightful owner gets it: ops transfer it to their key (or delete it)."""
    name = username.lower()
    return ApiError(
        409,
        "username_taken",
        f"account {name!r} is already registered (ya pertenece a otra cuenta); if it is yours, "
        f"ask ops to transfer it to your key: `farm accounts transfer {name} --to <your key "
        f'name>` (PATCH /v1/accounts/{name} {{"owner": "<your key name>"}})',
        ask_ops=f"farm accounts transfer {name} --to <your key name>",
    )
