"""Creating API keys directly in the database (for `farm keys create` and `farm up`)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session

from controller.models import ApiKey
from controller.security import ROLES, hash_token, new_token


def create_api_key(engine: sa.Engine, role: str, name: str) -> str:
    """Store a new key (hashed) and return the only copy of it."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    key = new_token(f"fk_{role}")
    with Session(engine) as session:
        session.add(ApiKey(name=name, role=role, key_hash=hash_token(key), prefix=key[:12]))
        session.commit()
    return key
