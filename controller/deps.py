"""What routes get injected: the database session, the settings and the caller."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import anyio
from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session, select

from controller.config import Settings
from controller.db import reader
from controller.errors import ApiError
from controller.limits import AUTHENTICATED
from controller.models import Agent, ApiKey, Team, TeamMember
from controller.security import SecretBox, hash_token
from controller.timeutil import utcnow

bearer = HTTPBearer(auto_error=False, description="API key, or an agent's token")


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One session per request, committed before the response is sent: every route declares
    it with `scope="function"`, so a client that acts on a 2xx always finds its write.

    No starvation: FastAPI runs each sync dependency, the endpoint and this commit as separate
    thread-pool calls, so a request holding a connection may wait for a thread. A request
    first takes one of `Settings.db_slots` slots (on the event loop, holding nothing); the
    pool has more connections than slots and the thread pool more threads, so a request that
    holds a connection never waits for one, and one waiting for a thread holds no thread.
    Reads (GET, HEAD) take no write lock on SQLite (`controller/db.py` `reader`)."""
    engine = request.app.state.engine
    if request.method in ("GET", "HEAD"):
        engine = reader(engine)
    async with request.app.state.db_slots:
        session = Session(engine, expire_on_commit=False)
        try:
            yield session
            with anyio.CancelScope(shield=True):
                await run_in_threadpool(session.commit)
        except BaseException:
            with anyio.CancelScope(shield=True):
                await run_in_threadpool(session.rollback)
            raise
        finally:
            with anyio.CancelScope(shield=True):
                await run_in_threadpool(session.close)


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
    # a sub-user (controller/teams.py): the leader's key, whose accounts it sees and posts to,
    # and whether the leader lets its posts skip approval
    team_leader_id: int | None = None
    direct_publish: bool = False

    @property
    def actor(self) -> str:
        return f"{self.role}:{self.name}"


def principal_for_token(session: Session, token: str) -> Principal | None:
    """Who holds `token`: a live API key or a registered agent; None for anything else.
    An agent's token (`fa_…`, the bulk of the traffic) is looked up among agents first."""
    digest = hash_token(token)
    agent_first = token.startswith("fa_")
    if agent_first and (principal := _agent_principal(session, digest)) is not None:
        return principal
    key = session.exec(select(ApiKey).where(ApiKey.key_hash == digest)).first()
    if key is not None and key_is_live(key):
        principal = Principal(role=key.role, name=key.name, api_key_id=key.id)
        if key.role == "scheduler":
            _seat(session, principal)
        return principal
    if not agent_first:
        return _agent_principal(session, digest)
    return None


def key_is_live(key: ApiKey) -> bool:
    """Not revoked and not past its expiry."""
    if key.revoked_at is not None:
        return False
    expires_at = key.expires_at
    return expires_at is None or expires_at > utcnow()


def principal_for(credentials: HTTPAuthorizationCredentials | None, session: Session) -> Principal:
    """Who the bearer token belongs to (401 if nobody), for routes that open their own session."""
    return _principal(credentials, session)


def _principal(credentials: HTTPAuthorizationCredentials | None, session: Session) -> Principal:
    if credentials is None:
        raise ApiError(401, "unauthorized", "missing bearer token")
    principal = principal_for_token(session, credentials.credentials)
    if principal is None:
        raise ApiError(401, "unauthorized", "unknown, revoked or expired token")
    return principal


def _seat(session: Session, principal: Principal) -> None:
    """A sub-user's team: its leader's key and its `direct_publish` grant."""
    seat = session.exec(
        select(Team.leader_key_id, TeamMember.direct_publish)
        .join(Team, Team.id == TeamMember.team_id)
        .where(TeamMember.key_id == principal.api_key_id)
    ).first()
    if seat is not None:
        principal.team_leader_id, principal.direct_publish = seat


def _agent_principal(session: Session, digest: str) -> Principal | None:
    """The agent holding the token, read with the key it registered with in one query: the
    token lives only as long as that key."""
    row = session.exec(
        select(Agent, ApiKey)
        .outerjoin(ApiKey, ApiKey.id == Agent.api_key_id)  # type: ignore[arg-type]
        .where(Agent.token_hash == digest)
    ).first()
    if row is None:
        return None
    agent, registered_with = row
    if agent.api_key_id is not None and (
        registered_with is None or not key_is_live(registered_with)
    ):
        return None
    return Principal(role="agent_session", name=agent.name, agent_id=agent.id)


async def agent_principal(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)
) -> Principal:
    """The hot agent routes' caller (an agent's own token), checked in one short transaction of
    its own before the body is looked at, like `require_agent`; the route then opens its one
    session where it uses it (`routes.agents.agent_call`), so the request makes two thread-pool
    calls instead of one per dependency plus the endpoint plus the commit."""
    if credentials is None:
        raise ApiError(401, "unauthorized", "missing bearer token")
    app = request.app
    seen = getattr(request.state, AUTHENTICATED, None)
    if seen is not None and seen[0] == credentials.credentials:
        principal = seen[1]  # looked up by the body limits of this same request
    else:

        def check() -> Principal:
            with Session(app.state.engine) as session:
                return _principal(credentials, session)

        async with app.state.db_slots:
            principal = await run_in_threadpool(check)
    if principal.agent_id is None:
        raise ApiError(403, "forbidden", "this route takes an agent token")
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
