"""What routes get injected: the database session, the settings and the caller."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session, select

from controller.config import Settings
from controller.errors import ApiError
from controller.models import Agent, ApiKey
from controller.security import SecretBox, hash_token
from controller.timeutil import utcnow

bearer = HTTPBearer(auto_error=False, description="API key, or an agent's token")


def get_session(request: Request) -> Iterator[Session]:
    """One session per request, committed before the response is sent: every route declares
    it with `scope="function"`, so a client that acts on a 2xx always finds its write."""
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_secrets(request: Request) -> SecretBox:
    return request.app.state.secrets


@dataclass
class Principal:
    """Who is calling: an API key (with a role) or an agent."""

    role: str
    name: str
    api_key_id: int | None = None
    agent_id: int | None = None

    @property
    def actor(self) -> str:
        return f"{self.role}:{self.name}"


def principal_for_token(session: Session, token: str) -> Principal | None:
    """Who holds `token`: a live API key or a registered agent; None for anything else."""
    digest = hash_token(token)
    key = session.exec(select(ApiKey).where(ApiKey.key_hash == digest)).first()
    if key is not None and key_is_live(key):
        return Principal(role=key.role, name=key.name, api_key_id=key.id)
    agent = session.exec(select(Agent).where(Agent.token_hash == digest)).first()
    if agent is not None:
        if agent.api_key_id is not None:
            # the token lives only as long as the key it was registered with
            registered_with = session.get(ApiKey, agent.api_key_id)
            if registered_with is None or not key_is_live(registered_with):
                return None
        return Principal(role="agent_session", name=agent.name, agent_id=agent.id)
    return None


def key_is_live(key: ApiKey) -> bool:
    """Not revoked and not past its expiry."""
    if key.revoked_at is not None:
        return False
    expires_at = key.expires_at
    return expires_at is None or expires_at > utcnow()


def _principal(credentials: HTTPAuthorizationCredentials | None, session: Session) -> Principal:
    if credentials is None:
        raise ApiError(401, "unauthorized", "missing bearer token")
    principal = principal_for_token(session, credentials.credentials)
    if principal is None:
        raise ApiError(401, "unauthorized", "unknown, revoked or expired token")
    return principal


def require(*roles: str) -> Callable[..., Principal]:
    """A dependency that admits only callers whose role is in `roles` (ops always passes)."""
    allowed = set(roles) | {"ops"}

    def dependency(
        credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
        session: Session = Depends(get_session, scope="function"),
    ) -> Principal:
        principal = _principal(credentials, session)
        if principal.role not in allowed:
            raise ApiError(403, "forbidden", f"role {principal.role} may not call this route")
        return principal

    return dependency


def require_agent(
    credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
    session: Session = Depends(get_session, scope="function"),
) -> Principal:
    """Agent protocol routes: only a registered agent's own token."""
    principal = _principal(credentials, session)
    if principal.agent_id is None:
        raise ApiError(403, "forbidden", "this route takes an agent token")
    return principal
