"""API keys: create (printed once, stored hashed), list, revoke. Used by `farm keys …`,
`farm up` and the ops API (`/v1/keys`)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from controller.models import ApiKey
from controller.security import ROLES, hash_token, new_token
from controller.timeutil import utcnow

AGENT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_DURATION = re.compile(r"^(\d{1,12})([smhdw])$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
MAX_LIFETIME_S = 10 * 366 * 86400


class KeyError_(ValueError):
    """A key request that cannot be honoured; `code` is the API error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def parse_duration(text: str) -> timedelta:
    """`90d`, `12h`, `30m`, `2w`, `45s` → a timedelta."""
    match = _DURATION.match(text.strip())
    if not match or int(match.group(1)) == 0:
        raise KeyError_("invalid_value", f"{text!r} is not a duration like 30d, 12h or 90m")
    seconds = int(match.group(1)) * _UNITS[match.group(2)]
    if seconds > MAX_LIFETIME_S:
        raise KeyError_("invalid_value", "a key lives at most 10 years")
    return timedelta(seconds=seconds)


def check_key_request(role: str, agent: str | None, expires_at: datetime | None) -> None:
    if role not in ROLES:
        raise KeyError_("invalid_value", f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    if role == "agent":
        if not agent:
            raise KeyError_(
                "agent_name_required", "an agent key is bound to one agent: give its name"
            )
        if not AGENT_NAME.match(agent):
            raise KeyError_("invalid_value", f"agent name {agent!r}: letters, digits, . _ -")
    elif agent:
        raise KeyError_("invalid_value", "only an agent key is bound to an agent name")
    if expires_at is not None and expires_at <= utcnow():
        raise KeyError_("invalid_value", "the expiry is in the past")


def create_key(
    session: Session,
    role: str,
    name: str,
    *,
    agent: str | None = None,
    expires_at: datetime | None = None,
) -> tuple[ApiKey, str]:
    """Add a new key (hashed) to the session; returns the row and the only copy of the key."""
    check_key_request(role, agent, expires_at)
    key = new_token(f"fk_{role}")
    row = ApiKey(
        name=name,
        role=role,
        key_hash=hash_token(key),
        prefix=key[:12],
        agent_name=agent if role == "agent" else None,
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    return row, key


def create_api_key(
    engine: sa.Engine,
    role: str,
    name: str,
    *,
    agent: str | None = None,
    expires_at: datetime | None = None,
) -> str:
    """Store a new key (hashed) and return the only copy of it."""
    with Session(engine) as session:
        _, key = create_key(session, role, name, agent=agent, expires_at=expires_at)
        session.commit()
    return key


def list_keys(session: Session, *, include_revoked: bool = True) -> list[ApiKey]:
    query = select(ApiKey).order_by(ApiKey.id)  # type: ignore[arg-type]
    if not include_revoked:
        query = query.where(ApiKey.revoked_at.is_(None))  # type: ignore[union-attr]
    return list(session.exec(query).all())


def find_key(session: Session, ident: str) -> ApiKey:
    """A key by its id or its printed prefix (`fk_agent_Ab`…)."""
    if ident.isdigit():
        row = session.get(ApiKey, int(ident))
        if row is not None:
            return row
    matches = [
        k
        for k in session.exec(select(ApiKey)).all()
        if ident and (k.prefix.startswith(ident) or ident.startswith(k.prefix))
    ]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise KeyError_("key_not_found", f"no key {ident!r}")
    raise KeyError_("key_ambiguous", f"{ident!r} matches {len(matches)} keys; use the id")


def revoke_key(session: Session, key: ApiKey) -> ApiKey:
    """Revoke at once: the key, and the token of any agent that registered with it, stop
    working on their next request."""
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        session.add(key)
    return key


def key_status(key: ApiKey) -> str:
    if key.revoked_at is not None:
        return "revoked"
    if key.expires_at is not None and key.expires_at <= utcnow():
        return "expired"
    return "active"
