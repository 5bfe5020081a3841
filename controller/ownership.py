"""Who may see an account (and so its jobs): ops see every account; a scheduler key sees the
accounts it owns and the shared ones (no owner). Another key's account is answered exactly as
if it did not exist."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, select

from controller.deps import Principal
from controller.errors import ApiError
from controller.models import Account, ApiKey


def restricted(principal: Principal) -> bool:
    """Only scheduler keys are limited to their own and the shared accounts."""
    return principal.role == "scheduler"


def sees(principal: Principal, account: Account) -> bool:
    if not restricted(principal):
        return True
    return account.owner_key_id is None or account.owner_key_id == principal.api_key_id


def visible(principal: Principal) -> sa.ColumnElement[bool]:
    """A WHERE clause on Account: the rows the caller may see."""
    live = Account.state != "deleted"
    if not restricted(principal):
        return live
    owner = Account.owner_key_id
    return sa.and_(live, sa.or_(owner.is_(None), owner == principal.api_key_id))  # type: ignore[union-attr]


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
