"""`farm team create|show|add-member|remove-member|grant` and `farm accounts transfer`, over
the HTTP API with FARM_KEY (the leader's scheduler key; ops for `transfer`)."""

from __future__ import annotations

import sys
from typing import Any

import typer

from controller import ops_cli
from controller.ops_cli import ApiProblem, _call, _table

team_app = typer.Typer(
    help="Teams: a leader and its sub-users (whose posts await the leader's approval).",
    no_args_is_help=True,
)
TEAM = typer.Option(None, "--team", help="team id (default: the team of FARM_KEY)")


def _team(team_id: int | None) -> dict[str, Any]:
    if team_id is not None:
        return _call("GET", f"/v1/teams/{team_id}").json()
    found = _call("GET", "/v1/teams").json()
    if not found:
        raise ApiProblem("this key is in no team: create one with `farm team create NAME`")
    if len(found) > 1:
        raise ApiProblem(f"{len(found)} teams are visible to this key: give --team ID")
    return found[0]


def _member(team: dict[str, Any], ref: str) -> dict[str, Any]:
    """A sub-user by key id or by name."""
    if ref in (team["leader"], str(team["leader_key_id"])):
        return {"key_id": team["leader_key_id"], "name": team["leader"]}  # the API says why not
    hits = [m for m in team["members"] if str(m["key_id"]) == ref or m["name"] == ref]
    if not hits:
        raise ApiProblem(f"member_not_found: {ref!r} is not a sub-user of team {team['id']}")
    if len(hits) > 1:
        raise ApiProblem(f"{len(hits)} sub-users are named {ref!r}: give the key id")
    return hits[0]


@team_app.command("create")
def create(name: str = typer.Argument(..., help="the team's name")) -> None:
    """Make FARM_KEY (a scheduler key) the leader of a new team."""
    team = _call("POST", "/v1/teams", json={"name": name}).json()
    typer.echo(f"team {team['id']} {team['name']!r} led by {team['leader']}")


@team_app.command("show")
def show(team_id: int | None = TEAM) -> None:
    """The team's sub-users, their grants and their posts awaiting approval."""
    team = _team(team_id)
    typer.echo(f"team {team['id']} {team['name']!r}, leader {team['leader']}")
    if not team["members"]:
        typer.echo("no sub-users yet: farm team add-member NAME")
        return
    _table(
        [
            [
                m["key_id"],
                m["name"],
                m["status"],
                "yes" if m["direct_publish"] else "no",
                len(m["pending"]),
            ]
            for m in team["members"]
        ],
        ["key", "sub-user", "status", "direct publish", "awaiting approval"],
    )
    pending = [(m["name"], p) for m in team["members"] for p in m["pending"]]
    if pending:
        typer.echo("")
        _table(
            [[p["id"], who, p["account"], p["kind"], p["scheduled_at"]] for who, p in pending],
            ["job", "by", "account", "kind", "due"],
        )
        typer.echo("approve one with: farm jobs approve JOB")


@team_app.command("add-member")
def add_member(
    name: str | None = typer.Argument(None, help="the new sub-user's name (a new key is made)"),
    key_stdin: bool = typer.Option(
        False, "--key-stdin", help="instead: bring in the existing scheduler key read from stdin"
    ),
    direct_publish: bool = typer.Option(
        False, "--direct-publish", help="its posts skip the leader's approval"
    ),
    team_id: int | None = TEAM,
) -> None:
    """Add a sub-user; a new key is printed once (give it to the sub-user)."""
    if (name is None) == (not key_stdin):
        raise ApiProblem("give a NAME for a new sub-user, or --key-stdin for an existing key")
    body: dict[str, Any] = {"direct_publish": direct_publish}
    if key_stdin:
        body["key"] = sys.stdin.readline().strip()
    else:
        body["name"] = name
    team = _team(team_id)
    added = _call("POST", f"/v1/teams/{team['id']}/members", json=body).json()
    grant = "direct publishing" if added["direct_publish"] else "posts await approval"
    who = f"sub-user {added['name']} (key {added['key_id']})"
    typer.echo(f"{who} joined team {team['id']}: {grant}")
    if added.get("key"):
        typer.echo(added["key"])


@team_app.command("grant")
def grant(
    member: str = typer.Argument(..., help="the sub-user's name or key id"),
    direct_publish: bool = typer.Option(
        ..., "--direct-publish/--no-direct-publish", help="let its posts skip approval, or not"
    ),
    team_id: int | None = TEAM,
) -> None:
    """Let a sub-user publish without approval, or take that back."""
    team = _team(team_id)
    key_id = _member(team, member)["key_id"]
    seat = _call(
        "PATCH",
        f"/v1/teams/{team['id']}/members/{key_id}",
        json={"direct_publish": direct_publish},
    ).json()
    state = "publishes directly" if seat["direct_publish"] else "posts await approval"
    typer.echo(f"{seat['name']}: {state}")


@team_app.command("remove-member")
def remove_member(
    member: str = typer.Argument(..., help="the sub-user's name or key id"),
    team_id: int | None = TEAM,
) -> None:
    """Delete a sub-user (the leader only): its key is revoked, its posts not yet on a phone
    are cancelled; what it published stays."""
    team = _team(team_id)
    key_id = _member(team, member)["key_id"]
    gone = _call("DELETE", f"/v1/teams/{team['id']}/members/{key_id}").json()
    cancelled = len(gone["cancelled"])
    line = f"deleted sub-user {gone['member']}: key revoked, {cancelled} post(s) cancelled"
    if gone["still_running"]:
        line += f", {len(gone['still_running'])} on a phone now (they finish)"
    typer.echo(line)


def approve(job_id: int) -> None:
    """Approve a post awaiting approval (the team leader or ops)."""
    job = _call("POST", f"/v1/jobs/{job_id}/approve").json()
    typer.echo(f"job {job['id']}: {job['state']}, due {job['scheduled_at']}")


@ops_cli.accounts_app.command("transfer")
def transfer(
    username: str,
    to: str | None = typer.Option(None, "--to", help="the scheduler key's name that gets it"),
    shared: bool = typer.Option(False, "--shared", help="instead: every key may use it"),
) -> None:
    """Ops: give an account to another customer's key (releasing it from its owner)."""
    if (to is None) == (not shared):
        raise ApiProblem("give --to KEY_NAME or --shared")
    account = _call("PATCH", f"/v1/accounts/{username}", json={"owner": to}).json()
    typer.echo(f"{account['username']}: owned by {account['owner'] or 'everyone (shared)'}")
