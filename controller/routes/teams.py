"""Teams: a leader's scheduler key and its sub-users (`controller/teams.py` has the rules).

The leader creates the team, adds sub-users (a new key shown once, or an existing key its
holder hands over), grants them direct publishing and deletes them. Sub-users and ops read the
team; approving a sub-user's post is the job's own approve route."""

from __future__ import annotations

from datetime import datetime

import structlog
from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from sqlmodel import Session

from controller import keys, teams
from controller.deps import Principal, get_session, require
from controller.models import Account, ApiKey, Team, TeamMember
from controller.schemas import RowId, StrictModel
from controller.timezones import from_utc

router = APIRouter(prefix="/v1/teams", tags=["teams"])
log = structlog.get_logger()


class TeamIn(StrictModel):
    name: str = Field(min_length=1, max_length=100)


class MemberIn(StrictModel):
    """A new sub-user (`name`: a new scheduler key is made and shown once) or an existing
    scheduler key joining (`key`: the key itself, which only its holder has)."""

    name: str | None = Field(default=None, min_length=1, max_length=100)
    key: str | None = Field(default=None, min_length=10, max_length=200)
    direct_publish: bool = False


class GrantIn(StrictModel):
    direct_publish: bool


class PendingPost(BaseModel):
    id: int
    account: str
    kind: str
    scheduled_at: datetime
    caption: str


class MemberOut(BaseModel):
    key_id: int
    name: str
    prefix: str
    status: str
    direct_publish: bool
    pending: list[PendingPost] = []


class MemberCreatedOut(MemberOut):
    key: str | None = Field(default=None, description="a new sub-user's key: shown only once")


class TeamOut(BaseModel):
    id: int
    name: str
    leader: str
    leader_key_id: int
    members: list[MemberOut]


class RemovalOut(BaseModel):
    member: str
    key_revoked: bool
    cancelled: list[int]
    still_running: list[int] = Field(description="on a phone now: they finish (or fail) there")


def _member_out(seat: TeamMember, key: ApiKey, pending: list[PendingPost]) -> MemberOut:
    return MemberOut(
        key_id=key.id or 0,
        name=key.name,
        prefix=key.prefix,
        status=keys.key_status(key),
        direct_publish=seat.direct_publish,
        pending=pending,
    )


def team_out(session: Session, team: Team) -> TeamOut:
    members = teams.members_of(session, team)
    pending = teams.pending_of(session, [key.id or 0 for _, key in members])
    names = {}
    for jobs in pending.values():
        for job in jobs:
            if job.account_id not in names:
                account = session.get(Account, job.account_id)
                names[job.account_id] = account.username if account else ""
    leader = session.get(ApiKey, team.leader_key_id)
    return TeamOut(
        id=team.id or 0,
        name=team.name,
        leader=leader.name if leader else "",
        leader_key_id=team.leader_key_id,
        members=[
            _member_out(
                seat,
                key,
                [
                    PendingPost(
                        id=j.id or 0,
                        account=names[j.account_id],
                        kind=j.kind,
                        scheduled_at=from_utc(j.scheduled_at, j.timezone),
                        caption=j.caption,
                    )
                    for j in pending[key.id or 0]
                ],
            )
            for seat, key in members
        ],
    )


@router.post("", status_code=201, response_model=TeamOut)
def create_team(
    body: TeamIn,
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("scheduler")),
) -> TeamOut:
    """The calling scheduler key becomes the leader of a new team (a key leads one team and is
    in at most one: 409 `already_in_team`)."""
    team = teams.create_team(session, principal, body.name)
    log.info("team_created", team_id=team.id, leader=principal.name)
    return team_out(session, team)


@router.get("", response_model=list[TeamOut])
def list_teams(
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("scheduler")),
) -> list[TeamOut]:
    """The caller's team (led or joined); ops see every team."""
    return [team_out(session, t) for t in teams.visible_teams(session, principal)]


@router.get("/{team_id}", response_model=TeamOut)
def get_team(
    team_id: RowId,
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("scheduler")),
) -> TeamOut:
    """A team: its leader, its sub-users with their grants and their posts awaiting approval."""
    return team_out(session, teams.find_team(session, principal, team_id))


@router.post("/{team_id}/members", status_code=201, response_model=MemberCreatedOut)
def add_member(
    team_id: RowId,
    body: MemberIn,
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("scheduler")),
) -> MemberCreatedOut:
    """The leader adds a sub-user: `{"name": …}` makes a new scheduler key (returned once in
    `key`); `{"key": …}` brings in an existing scheduler key that is in no team and owns no
    account. Its posts await the leader's approval unless `direct_publish`."""
    team = teams.find_team(session, principal, team_id)
    teams.require_leader(principal, team)
    seat, key, secret = teams.add_member(session, team, name=body.name, key=body.key)
    if body.direct_publish:
        teams.grant(session, seat, True)
    log.info("team_member_added", team_id=team.id, key_id=key.id, by=principal.name)
    return MemberCreatedOut(**_member_out(seat, key, []).model_dump(), key=secret)


@router.patch("/{team_id}/members/{key_id}", response_model=MemberOut)
def grant_member(
    team_id: RowId,
    key_id: RowId,
    body: GrantIn,
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("scheduler")),
) -> MemberOut:
    """The leader lets a sub-user publish without approval (`direct_publish`), or takes it
    back. Posts already waiting still wait."""
    team = teams.find_team(session, principal, team_id)
    teams.require_leader(principal, team)
    seat, key = teams.member(session, team, key_id)
    teams.grant(session, seat, body.direct_publish)
    log.info("team_member_granted", team_id=team.id, key_id=key_id, direct=body.direct_publish)
    return _member_out(seat, key, [])


@router.delete("/{team_id}/members/{key_id}", response_model=RemovalOut)
def remove_member(
    team_id: RowId,
    key_id: RowId,
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("scheduler")),
) -> RemovalOut:
    """Only the leader deletes a sub-user (403 `team_leader_only`, ops included: ops revoke
    keys instead). Its key is revoked; its posts not yet on a phone are cancelled with the
    reason "sub-user <name> deleted"; published posts and every job's history stay."""
    team = teams.find_team(session, principal, team_id)
    teams.require_leader(principal, team)
    removal = teams.remove_member(session, team, key_id, actor=principal.actor)
    log.info(
        "team_member_deleted",
        team_id=team.id,
        key_id=key_id,
        cancelled=len(removal.cancelled),
        by=principal.name,
    )
    return RemovalOut(
        member=removal.member,
        key_revoked=True,
        cancelled=removal.cancelled,
        still_running=removal.still_running,
    )
