"""Teams: a leader (a scheduler key) and its sub-users (scheduler keys it adds).

- A sub-user sees and posts to the team's accounts (those its leader owns, see
  `controller.ownership`); an account it registers belongs to the team.
- A sub-user's post waits in `pending_approval` unless the leader granted it `direct_publish`;
  the leader (or ops) approve it through the job's approve route, a sub-user never does. If
  its time passes while it waits, `controller.approvals` pauses it to be rescheduled.
- A sub-user acts (edit, pause, cancel, resume, retry) only on the posts it submitted.
- Only the leader deletes a sub-user: its key is revoked, its webhooks stopped and its posts
  not yet on a phone cancelled ("sub-user <name> deleted"), in one transaction; what it
  published stays.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from controller import keys, lifecycle
from controller.deps import Principal, key_is_live
from controller.errors import ApiError
from controller.models import Account, ApiKey, Job, Team, TeamMember, Webhook
from controller.security import hash_token
from farmcore.vocab import JobState

S = JobState
# a deleted sub-user's posts in these states are cancelled; leased, publishing and unknown
# ones are on a phone (or may already be live) and finish; published ones are history
CANCELLED_ON_DELETE = (S.PENDING_APPROVAL, S.SCHEDULED, S.PAUSED, S.FAILED)


def is_sub_user(principal: Principal) -> bool:
    return principal.team_leader_id is not None


def needs_approval(principal: Principal) -> bool:
    """A sub-user's post waits for its leader unless the leader granted direct publishing."""
    return is_sub_user(principal) and not principal.direct_publish


def refuse_sub_user(principal: Principal, what: str) -> None:
    """403 `sub_user_forbidden` for what only a team's leader (or ops) may do."""
    if is_sub_user(principal):
        raise ApiError(403, "sub_user_forbidden", f"a sub-user cannot {what}; ask your team leader")


def check_may_approve(principal: Principal) -> None:
    refuse_sub_user(principal, "approve posts")


def check_may_change(principal: Principal, job: Job) -> None:
    """A sub-user changes only the posts it submitted (the team's other posts it only sees)."""
    if is_sub_user(principal) and job.api_key_id != principal.api_key_id:
        raise ApiError(
            403, "not_your_post", f"job {job.id} was submitted by someone else in your team"
        )


def led_by(session: Session, key_id: int | None) -> Team | None:
    return session.exec(select(Team).where(Team.leader_key_id == key_id)).first()


def seat_of(session: Session, key_id: int | None) -> TeamMember | None:
    return session.exec(select(TeamMember).where(TeamMember.key_id == key_id)).first()


def create_team(session: Session, principal: Principal, name: str) -> Team:
    """The caller (a scheduler key in no team) becomes the leader of a new team."""
    if principal.role != "scheduler":
        raise ApiError(403, "forbidden", "a team is led by a scheduler key (the customer's)")
    if led_by(session, principal.api_key_id) is not None:
        raise ApiError(409, "already_in_team", "this key already leads a team")
    if is_sub_user(principal):
        raise ApiError(409, "already_in_team", "this key is a sub-user of another team")
    team = Team(name=name, leader_key_id=principal.api_key_id or 0)
    session.add(team)
    session.flush()
    return team


def visible_teams(session: Session, principal: Principal) -> list[Team]:
    """Ops see every team; a key sees the team it leads or belongs to."""
    query = select(Team).order_by(col(Team.id))
    if principal.role != "ops":
        seat = seat_of(session, principal.api_key_id)
        own = [principal.api_key_id or 0]
        query = query.where(
            (Team.leader_key_id.in_(own)) | (Team.id == (seat.team_id if seat else -1))  # type: ignore[attr-defined]
        )
    return list(session.exec(query).all())


def find_team(session: Session, principal: Principal, team_id: int) -> Team:
    """The team if the caller may see it, else 404 `team_not_found` (as if it did not exist)."""
    for team in visible_teams(session, principal):
        if team.id == team_id:
            return team
    raise ApiError(404, "team_not_found", f"no team {team_id}")


def require_leader(principal: Principal, team: Team) -> None:
    """Only the team's leader manages its sub-users (the issue: "only the team leader can
    delete a sub-user"); ops keep revoking keys (`/v1/keys/{id}/revoke`) for emergencies."""
    if principal.api_key_id != team.leader_key_id:
        raise ApiError(403, "team_leader_only", f"only the leader of team {team.id} may do this")


def add_member(
    session: Session, team: Team, *, name: str | None = None, key: str | None = None
) -> tuple[TeamMember, ApiKey, str | None]:
    """A new sub-user: a new scheduler key called `name` (its secret returned, shown once), or
    the existing scheduler key whose secret `key` is (its holder's consent: only who holds a key
    can bring it in). Returns the seat, the key row and the new secret (None for an existing)."""
    if (name is None) == (key is None):
        raise ApiError(422, "invalid_value", "give the new sub-user's `name` or an existing `key`")
    secret: str | None = None
    if name is not None:
        row, secret = keys.create_key(session, "scheduler", name)
    else:
        assert key is not None
        found = session.exec(select(ApiKey).where(ApiKey.key_hash == hash_token(key))).first()
        if found is None or found.role != "scheduler" or not key_is_live(found):
            raise ApiError(422, "key_not_usable", "that is not a live scheduler key")
        row = found
        if led_by(session, row.id) is not None or seat_of(session, row.id) is not None:
            raise ApiError(409, "already_in_team", f"key {row.name!r} is already in a team")
        owns = session.exec(
            select(Account.id).where(Account.owner_key_id == row.id, Account.state != "deleted")
        ).first()
        if owns is not None:
            raise ApiError(
                409,
                "key_owns_accounts",
                f"key {row.name!r} owns accounts: ops transfer them to the leader first",
            )
    seat = TeamMember(team_id=team.id or 0, key_id=row.id or 0)
    session.add(seat)
    session.flush()
    return seat, row, secret


def member(session: Session, team: Team, key_id: int) -> tuple[TeamMember, ApiKey]:
    """The team's sub-user with this key id (404 `member_not_found`; the leader is none)."""
    if key_id == team.leader_key_id:
        raise ApiError(
            409, "leader_not_member", "the leader is not a sub-user: it cannot be removed"
        )
    seat = session.exec(
        select(TeamMember).where(TeamMember.team_id == team.id, TeamMember.key_id == key_id)
    ).first()
    row = session.get(ApiKey, key_id) if seat is not None else None
    if seat is None or row is None:
        raise ApiError(404, "member_not_found", f"key {key_id} is not a sub-user of this team")
    return seat, row


def grant(session: Session, seat: TeamMember, direct_publish: bool) -> TeamMember:
    """Let the sub-user's future posts skip (or need again) the leader's approval."""
    seat.direct_publish = direct_publish
    session.add(seat)
    return seat


@dataclass
class Removal:
    member: str
    cancelled: list[int] = field(default_factory=list)
    still_running: list[int] = field(default_factory=list)


def remove_member(session: Session, team: Team, key_id: int, *, actor: str) -> Removal:
    """Delete a sub-user: revoke its key, stop its webhooks, cancel its posts not yet on a
    phone (each with the reason "sub-user <name> deleted", through the job state machine),
    keep its history. The caller's transaction holds it all: nothing is half done."""
    seat, row = member(session, team, key_id)
    result = Removal(member=row.name)
    reason = f"sub-user {row.name} deleted"
    jobs = session.exec(
        select(Job)
        .where(Job.api_key_id == key_id, col(Job.state).in_(CANCELLED_ON_DELETE))
        .order_by(col(Job.id))
        .with_for_update()
    ).all()
    for job in jobs:
        if job.state in CANCELLED_ON_DELETE:  # re-read under the lock
            lifecycle.move(session, job, S.CANCELLED, actor=actor, reason=reason)
            result.cancelled.append(job.id or 0)
    running = (S.LEASED, S.PUBLISHING, S.UNKNOWN)
    result.still_running = list(
        session.exec(
            select(Job.id).where(Job.api_key_id == key_id, col(Job.state).in_(running))
        ).all()
    )  # type: ignore[arg-type]
    keys.revoke_key(session, row)
    for hook in session.exec(select(Webhook).where(Webhook.api_key_id == key_id)).all():
        hook.active = False  # its subscriptions stop with it
        session.add(hook)
    session.delete(seat)
    session.flush()
    return result


def pending_of(session: Session, key_ids: list[int]) -> dict[int, list[Job]]:
    """The posts awaiting approval of each of these keys, oldest due first."""
    out: dict[int, list[Job]] = {k: [] for k in key_ids}
    if not key_ids:
        return out
    rows = session.exec(
        select(Job)
        .where(col(Job.api_key_id).in_(key_ids), Job.state == S.PENDING_APPROVAL)
        .order_by(col(Job.scheduled_at), col(Job.id))
    ).all()
    for job in rows:
        out[job.api_key_id or 0].append(job)
    return out


def members_of(session: Session, team: Team) -> list[tuple[TeamMember, ApiKey]]:
    rows = session.exec(
        select(TeamMember, ApiKey)
        .join(ApiKey, col(ApiKey.id) == TeamMember.key_id)
        .where(TeamMember.team_id == team.id)
        .order_by(col(TeamMember.id))
    ).all()
    return [(seat, key) for seat, key in rows]
