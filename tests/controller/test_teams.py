"""Teams: a leader and its sub-users, on SQLite and PostgreSQL (the issue's rules, one by one).

"If you are a sub-user, your post goes to 'pending approval'; once approved it appears as
scheduled; if its time passed meanwhile it goes to 'paused' to be re-scheduled."
"Deleting a sub-user deletes the posts they scheduled." "Only the team leader can delete a
sub-user." An account added by one customer cannot be added by another."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from controller import lifecycle
from controller.app import TICKS
from controller.db import session_scope
from controller.keys import create_api_key
from controller.models import ApiKey, Job, JobEvent, TeamMember, Webhook
from controller.timeutil import utcnow
from tests.controller.conftest import Api

LEADER, OTHER = "scheduler", "scheduler_b"  # two customers' keys (test-scheduler, -b)
FUTURE = "2030-06-01T09:00:00+00:00"


def _error(response) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    body = response.json()["error"]
    return response.status_code, body["code"]


def _team(api: Api) -> int:
    """sim-01; the leader's team and its account team.shop; sub-user ana (key `ana`)."""
    api.device()
    r = api.client.post("/v1/teams", json={"name": "acme"}, headers=api.as_(LEADER))
    assert r.status_code == 201, r.text
    team_id = r.json()["id"]
    r = api.client.post(
        "/v1/accounts",
        json={"username": "team.shop", "password": "hunter2-secret"},
        headers=api.as_(LEADER),
    )
    assert r.status_code == 201 and r.json()["owner"] == "test-scheduler", r.text
    _add(api, team_id, "ana")
    return team_id


def _add(api: Api, team_id: int, name: str, **extra: object) -> dict:
    r = api.client.post(
        f"/v1/teams/{team_id}/members", json={"name": name, **extra}, headers=api.as_(LEADER)
    )
    assert r.status_code == 201, r.text
    added = r.json()
    assert added["key"].startswith("fk_scheduler_") and added["status"] == "active"
    api.keys[name] = added["key"]
    return added


def _post(api: Api, role: str, media: str, when: str = FUTURE, account: str = "team.shop"):  # type: ignore[no-untyped-def]
    return api.client.post(
        "/v1/jobs",
        json={"account": account, "kind": "feed", "media": [media], "scheduled_at": when},
        headers=api.as_(role),
    )


def _submit(api: Api, role: str, media: str, when: str = FUTURE) -> dict:
    r = _post(api, role, media, when)
    assert r.status_code == 201, r.text
    return r.json()


def _act(api: Api, role: str, job_id: int, action: str):  # type: ignore[no-untyped-def]
    return api.client.post(f"/v1/jobs/{job_id}/{action}", headers=api.as_(role))


def _set_time(api: Api, job_id: int, delta: timedelta) -> None:
    with Session(api.client.app.state.engine) as session:  # type: ignore[attr-defined]
        job = session.get(Job, job_id)
        assert job is not None
        job.scheduled_at = utcnow() + delta
        session.add(job)
        session.commit()


def _key_id(api: Api, name: str) -> int:
    with Session(api.client.app.state.engine) as session:  # type: ignore[attr-defined]
        row = session.exec(select(ApiKey).where(ApiKey.name == name)).one()
        return row.id or 0


def test_a_sub_users_post_awaits_the_leaders_approval(api: Api) -> None:
    team_id = _team(api)
    job = _submit(api, "ana", api.upload(seed=1, role="ana"))
    assert (job["state"], job["approval_required"]) == ("pending_approval", True)
    assert _error(_act(api, "ana", job["id"], "approve")) == (403, "sub_user_forbidden")
    team = api.client.get(f"/v1/teams/{team_id}", headers=api.as_(LEADER)).json()
    (ana,) = team["members"]
    assert [p["id"] for p in ana["pending"]] == [job["id"]]
    approved = _act(api, LEADER, job["id"], "approve")
    assert approved.status_code == 200 and approved.json()["state"] == "scheduled"
    assert approved.json()["events"][-1]["actor"] == "scheduler:test-scheduler"
    # ops approve too
    second = _submit(api, "ana", api.upload(seed=1, role="ana"), "2030-06-02T09:00:00+00:00")
    assert _act(api, "ops", second["id"], "approve").json()["state"] == "scheduled"
    # the leader's own posts need no approval
    assert _submit(api, LEADER, api.upload(seed=2))["state"] == "scheduled"


def test_time_passed_while_pending_pauses_it_to_be_rescheduled(api: Api) -> None:
    _team(api)
    media = api.upload(seed=1, role="ana")
    job = _submit(api, "ana", media)
    _set_time(api, job["id"], timedelta(minutes=-1))  # its time came while it waited
    app = api.client.app  # type: ignore[attr-defined]
    with session_scope(app.state.engine) as session:
        assert TICKS["approvals"](session, app) == 1
    paused = api.client.get(f"/v1/jobs/{job['id']}", headers=api.as_("ana")).json()
    assert paused["state"] == "paused"
    assert "awaiting approval" in paused["events"][-1]["reason"]
    # rescheduled by the sub-user: back to awaiting approval, then the leader approves
    r = api.client.patch(
        f"/v1/jobs/{job['id']}", json={"scheduled_at": FUTURE}, headers=api.as_("ana")
    )
    assert r.status_code == 200, r.text
    assert _act(api, "ana", job["id"], "resume").json()["state"] == "pending_approval"
    assert _act(api, LEADER, job["id"], "approve").json()["state"] == "scheduled"


def test_approving_too_late_pauses_the_post(api: Api) -> None:
    _team(api)
    job = _submit(api, "ana", api.upload(seed=1, role="ana"))
    _set_time(api, job["id"], timedelta(seconds=-5))  # the tick has not run yet
    assert _error(_act(api, LEADER, job["id"], "approve")) == (409, "approval_expired")
    got = api.client.get(f"/v1/jobs/{job['id']}", headers=api.as_(LEADER)).json()
    assert got["state"] == "paused"


def test_direct_publish_grant_skips_approval(api: Api) -> None:
    team_id = _team(api)
    media = api.upload(seed=1, role="ana")
    ana = _key_id(api, "ana")
    r = api.client.patch(
        f"/v1/teams/{team_id}/members/{ana}", json={"direct_publish": True}, headers=api.as_("ana")
    )
    assert _error(r) == (403, "team_leader_only")
    r = api.client.patch(
        f"/v1/teams/{team_id}/members/{ana}",
        json={"direct_publish": True},
        headers=api.as_(LEADER),
    )
    assert r.status_code == 200 and r.json()["direct_publish"] is True
    assert _submit(api, "ana", media)["state"] == "scheduled"
    api.client.patch(
        f"/v1/teams/{team_id}/members/{ana}",
        json={"direct_publish": False},
        headers=api.as_(LEADER),
    )
    later = _submit(api, "ana", media, "2030-06-02T09:00:00+00:00")
    assert later["state"] == "pending_approval"
    # a sub-user added with the grant publishes directly from the start
    _add(api, team_id, "bob", direct_publish=True)
    assert _submit(api, "bob", api.upload(seed=3, role="bob"))["state"] == "scheduled"


def test_sub_user_sees_only_the_teams_accounts(api: Api) -> None:
    _team(api)
    r = api.client.post(
        "/v1/accounts",
        json={"username": "other.shop", "password": "hunter2-secret"},
        headers=api.as_(OTHER),
    )
    assert r.status_code == 201, r.text
    names = [a["username"] for a in api.client.get("/v1/accounts", headers=api.as_("ana")).json()]
    assert names == ["team.shop"]
    media = api.upload(seed=1, role="ana")
    assert _error(_post(api, "ana", media, account="other.shop")) == (422, "account_not_found")
    got = api.client.get("/v1/accounts/other.shop", headers=api.as_("ana"))
    assert _error(got) == (404, "account_not_found")
    # the other customer sees neither the team's account nor the team
    others = [a["username"] for a in api.client.get("/v1/accounts", headers=api.as_(OTHER)).json()]
    assert others == ["other.shop"]
    assert api.client.get("/v1/teams", headers=api.as_(OTHER)).json() == []
    # an account a sub-user registers belongs to the team; only the leader changes it
    r = api.client.post(
        "/v1/accounts",
        json={"username": "ana.shop", "password": "hunter2-secret"},
        headers=api.as_("ana"),
    )
    assert r.status_code == 201 and r.json()["owner"] == "test-scheduler", r.text
    r = api.client.patch(
        "/v1/accounts/team.shop", json={"approval_required": False}, headers=api.as_("ana")
    )
    assert _error(r) == (403, "sub_user_forbidden")


def test_sub_user_changes_only_its_own_posts(api: Api) -> None:
    _team(api)
    leaders = _submit(api, LEADER, api.upload(seed=2))
    seen = api.client.get(f"/v1/jobs/{leaders['id']}", headers=api.as_("ana"))
    assert seen.status_code == 200
    for action in ("cancel", "pause"):
        assert _error(_act(api, "ana", leaders["id"], action)) == (403, "not_your_post")
    r = api.client.patch(
        f"/v1/jobs/{leaders['id']}", json={"caption": "mine now"}, headers=api.as_("ana")
    )
    assert _error(r) == (403, "not_your_post")
    own = _submit(api, "ana", api.upload(seed=1, role="ana"))
    assert _act(api, "ana", own["id"], "cancel").json()["state"] == "cancelled"


def _publish(api: Api, job_id: int) -> None:
    """Take a job to published through the state machine (the agent's path, abridged)."""
    with session_scope(api.client.app.state.engine) as session:  # type: ignore[attr-defined]
        job = session.get(Job, job_id)
        assert job is not None
        lifecycle.move(session, job, "leased", actor="test")
        lifecycle.move(session, job, "published", actor="test")
        job.published_at = utcnow()


def _lease(api: Api, job_id: int) -> None:
    with session_scope(api.client.app.state.engine) as session:  # type: ignore[attr-defined]
        job = session.get(Job, job_id)
        assert job is not None
        lifecycle.move(session, job, "leased", actor="test")


def test_deleting_a_sub_user_cancels_its_posts_and_keeps_history(api: Api) -> None:
    team_id = _team(api)
    ana = _key_id(api, "ana")
    media = api.upload(seed=1, role="ana")
    pending = _submit(api, "ana", media)
    scheduled = _submit(api, "ana", media, "2030-06-02T09:00:00+00:00")
    _act(api, LEADER, scheduled["id"], "approve")
    paused = _submit(api, "ana", media, "2030-06-03T09:00:00+00:00")
    _act(api, "ana", paused["id"], "pause")
    published = _submit(api, "ana", media, "2030-06-04T09:00:00+00:00")
    _act(api, LEADER, published["id"], "approve")
    _publish(api, published["id"])
    running = _submit(api, "ana", media, "2030-06-05T09:00:00+00:00")
    _act(api, LEADER, running["id"], "approve")
    _lease(api, running["id"])
    leaders = _submit(api, LEADER, api.upload(seed=2))
    hook = api.client.post(
        "/v1/webhooks",
        json={"url": "http://127.0.0.1:9/hook", "events": ["job.published"]},
        headers=api.as_("ana"),
    )
    assert hook.status_code == 201, hook.text

    # nobody but the leader deletes a sub-user; the leader is not one
    _add(api, team_id, "bob")
    path = f"/v1/teams/{team_id}/members/{ana}"
    assert _error(api.client.delete(path, headers=api.as_("bob"))) == (403, "team_leader_only")
    assert _error(api.client.delete(path, headers=api.as_("ops"))) == (403, "team_leader_only")
    assert _error(api.client.delete(path, headers=api.as_(OTHER))) == (404, "team_not_found")
    leader_path = f"/v1/teams/{team_id}/members/{_key_id(api, 'test-scheduler')}"
    r = api.client.delete(leader_path, headers=api.as_(LEADER))
    assert _error(r) == (409, "leader_not_member")

    r = api.client.delete(path, headers=api.as_(LEADER))
    assert r.status_code == 200, r.text
    gone = r.json()
    assert gone["member"] == "ana" and gone["key_revoked"] is True
    assert gone["cancelled"] == [pending["id"], scheduled["id"], paused["id"]]
    assert gone["still_running"] == [running["id"]]

    def state(job: dict) -> tuple[str, str]:
        got = api.client.get(f"/v1/jobs/{job['id']}", headers=api.as_(LEADER)).json()
        return got["state"], got["events"][-1]["reason"]

    for job in (pending, scheduled, paused):
        assert state(job) == ("cancelled", "sub-user ana deleted")
    assert state(published)[0] == "published"
    assert state(running)[0] == "leased"
    assert state(leaders)[0] == "scheduled"
    # its key no longer works; the team lists only bob; the history still names ana
    assert api.client.get("/v1/accounts", headers=api.as_("ana")).status_code == 401
    team = api.client.get(f"/v1/teams/{team_id}", headers=api.as_(LEADER)).json()
    assert [m["name"] for m in team["members"]] == ["bob"]
    with Session(api.client.app.state.engine) as session:  # type: ignore[attr-defined]
        assert session.exec(select(TeamMember).where(TeamMember.key_id == ana)).first() is None
        assert session.get(Webhook, hook.json()["id"]).active is False  # type: ignore[union-attr]
        actors = {e.actor for e in session.exec(select(JobEvent)).all()}
        assert "scheduler:ana" in actors
    again = api.client.delete(path, headers=api.as_(LEADER))
    assert _error(again) == (404, "member_not_found")


def test_a_taken_account_says_how_to_ask_ops(api: Api) -> None:
    _team(api)
    r = api.client.post(
        "/v1/accounts",
        json={"username": "Team.Shop", "password": "hunter2-secret"},
        headers=api.as_(OTHER),
    )
    assert _error(r) == (409, "username_taken")
    error = r.json()["error"]
    assert "ask ops" in error["message"] and "farm accounts transfer team.shop" in error["message"]
    assert error["details"]["ask_ops"] == "farm accounts transfer team.shop --to <your key name>"
    assert "hunter2" not in r.text
    # ops transfer it: the other customer now has it, the team no longer sees it
    r = api.client.patch(
        "/v1/accounts/team.shop", json={"owner": "test-scheduler-b"}, headers=api.as_("ops")
    )
    assert r.status_code == 200 and r.json()["owner"] == "test-scheduler-b"
    assert [a["username"] for a in api.client.get("/v1/accounts", headers=api.as_(OTHER)).json()]
    assert api.client.get("/v1/accounts", headers=api.as_("ana")).json() == []


def test_team_membership_rules(api: Api) -> None:
    team_id = _team(api)
    # one team per key, and a sub-user leads none
    r = api.client.post("/v1/teams", json={"name": "again"}, headers=api.as_(LEADER))
    assert _error(r) == (409, "already_in_team")
    r = api.client.post("/v1/teams", json={"name": "mine"}, headers=api.as_("ana"))
    assert _error(r) == (409, "already_in_team")
    r = api.client.post("/v1/teams", json={"name": "ops"}, headers=api.as_("ops"))
    assert _error(r) == (403, "forbidden")
    # an existing key joins only by its holder's secret, and only if it is in no team
    engine = api.client.app.state.engine  # type: ignore[attr-defined]
    carol = create_api_key(engine, "scheduler", "carol")
    members = f"/v1/teams/{team_id}/members"
    r = api.client.post(members, json={"key": carol}, headers=api.as_(LEADER))
    assert r.status_code == 201 and r.json()["key"] is None and r.json()["name"] == "carol"
    r = api.client.post(members, json={"key": carol}, headers=api.as_(LEADER))
    assert _error(r) == (409, "already_in_team")
    r = api.client.post(members, json={"key": "fk_scheduler_nope"}, headers=api.as_(LEADER))
    assert _error(r) == (422, "key_not_usable")
    r = api.client.post(members, json={"key": api.keys[OTHER]}, headers=api.as_(LEADER))
    assert r.status_code == 201  # owns nothing yet: it may join
    r = api.client.post(members, json={"name": "x", "key": carol}, headers=api.as_(LEADER))
    assert _error(r) == (422, "invalid_value")
    r = api.client.post(members, json={"name": "eve"}, headers=api.as_("ana"))
    assert _error(r) == (403, "team_leader_only")
    # a key that owns accounts cannot join (its accounts would leave its customer's hands)
    dave = create_api_key(engine, "scheduler", "dave")
    api.keys["dave"] = dave
    r = api.client.post(
        "/v1/accounts",
        json={"username": "dave.shop", "password": "hunter2-secret"},
        headers=api.as_("dave"),
    )
    assert r.status_code == 201, r.text
    r = api.client.post(members, json={"key": dave}, headers=api.as_(LEADER))
    assert _error(r) == (409, "key_owns_accounts")
    # sub-users and ops read the team; ops see every team
    for role in ("ana", "ops"):
        teams = api.client.get("/v1/teams", headers=api.as_(role)).json()
        assert [t["id"] for t in teams] == [team_id]
    names = [m["name"] for m in teams[0]["members"]]
    assert names == ["ana", "carol", "test-scheduler-b"]
    assert _error(api.client.get("/v1/teams/999", headers=api.as_(LEADER))) == (
        404,
        "team_not_found",
    )


def test_sub_users_count_in_their_leaders_share_of_a_phone(api: Api) -> None:
    """One key holds at most 2 accounts a phone (placement rule): a sub-user registers for its
    team, so its accounts count in the leader's share, not in a share of its own."""
    _team(api)  # team.shop on sim-01, the only phone
    for username, status in (("second.shop", 201), ("third.shop", 409)):
        r = api.client.post(
            "/v1/accounts",
            json={"username": username, "password": "hunter2-secret"},
            headers=api.as_("ana"),
        )
        assert r.status_code == status, r.text
    assert _error(r) == (409, "no_device_available")


def test_a_sub_users_edit_awaits_approval_again(api: Api) -> None:
    """Posted while granted direct publishing, then the grant is taken back: the sub-user's
    next edit of that post sends it to the leader like a new post."""
    team_id = _team(api)
    ana = _key_id(api, "ana")
    grant = f"/v1/teams/{team_id}/members/{ana}"
    api.client.patch(grant, json={"direct_publish": True}, headers=api.as_(LEADER))
    job = _submit(api, "ana", api.upload(seed=1, role="ana"))
    assert (job["state"], job["approval_required"]) == ("scheduled", False)
    api.client.patch(grant, json={"direct_publish": False}, headers=api.as_(LEADER))
    r = api.client.patch(f"/v1/jobs/{job['id']}", json={"caption": "v2"}, headers=api.as_("ana"))
    assert r.status_code == 200, r.text
    assert (r.json()["state"], r.json()["approval_required"]) == ("pending_approval", True)
    # the leader's edits of its own posts need nobody
    own = _submit(api, LEADER, api.upload(seed=2))
    r = api.client.patch(f"/v1/jobs/{own['id']}", json={"caption": "v2"}, headers=api.as_(LEADER))
    assert r.json()["state"] == "scheduled"


def test_a_sub_users_batch_awaits_approval(api: Api) -> None:
    _team(api)
    media = api.upload(seed=1, role="ana")
    row = {"account": "team.shop", "kind": "feed", "media": [media], "scheduled_at": FUTURE}
    r = api.client.post(
        "/v1/jobs:batch",
        json={"jobs": [row, {**row, "account": "nobody.shop"}]},
        headers=api.as_("ana"),
    )
    assert r.status_code == 200, r.text
    rows = r.json()["rows"]
    assert rows[1]["error"]["code"] == "account_not_found"
    job = api.client.get(f"/v1/jobs/{rows[0]['job_id']}", headers=api.as_(LEADER)).json()
    assert job["state"] == "pending_approval"


def test_a_deletion_that_fails_half_way_changes_nothing(api: Api, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """One transaction: the second cancellation fails, so the first is not kept either, the
    key still works and the sub-user is still in the team."""
    from controller import teams
    from controller.errors import ApiError

    team_id = _team(api)
    media = api.upload(seed=1, role="ana")
    jobs = [_submit(api, "ana", media, f"2030-06-0{n}T09:00:00+00:00") for n in (1, 2)]
    real_move, calls = lifecycle.move, []

    def failing_move(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(args)
        if len(calls) == 2:
            raise ApiError(409, "illegal_transition", "injected fault")
        return real_move(*args, **kwargs)

    monkeypatch.setattr(teams.lifecycle, "move", failing_move)
    r = api.client.delete(
        f"/v1/teams/{team_id}/members/{_key_id(api, 'ana')}", headers=api.as_(LEADER)
    )
    assert _error(r) == (409, "illegal_transition") and len(calls) == 2
    monkeypatch.undo()
    for job in jobs:
        got = api.client.get(f"/v1/jobs/{job['id']}", headers=api.as_("ana"))
        assert got.status_code == 200 and got.json()["state"] == "pending_approval"
    team = api.client.get(f"/v1/teams/{team_id}", headers=api.as_(LEADER)).json()
    assert [m["name"] for m in team["members"]] == ["ana"]
