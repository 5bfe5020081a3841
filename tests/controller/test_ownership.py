"""Scheduler keys and their own accounts: another key's account (and its jobs) answers exactly
as if it did not exist; accounts without an owner are shared; ops see and assign everything."""

from __future__ import annotations

from controller.keys import create_api_key
from controller.timeutil import utcnow
from tests.controller.conftest import Api

A, B = "scheduler", "scheduler_b"


def _register(api: Api, role: str, username: str, serial: str = "sim-01") -> dict:
    body = {"username": username, "password": "hunter2-secret"}
    if role == "ops":  # ops choose the phone; a scheduler's account is placed by the rule
        body["device"] = serial
    r = api.client.post("/v1/accounts", json=body, headers=api.as_(role))
    assert r.status_code == 201, r.text
    return r.json()


def _farm(api: Api) -> None:
    """sim-01; a.shop owned by key A, b.shop by key B, shared.shop declared by ops."""
    api.device()
    _register(api, A, "a.shop")
    _register(api, B, "b.shop")
    api.account("shared.shop")


def _usernames(api: Api, role: str) -> list[str]:
    r = api.client.get("/v1/accounts", headers=api.as_(role))
    assert r.status_code == 200, r.text
    return [a["username"] for a in r.json()]


def _error(response) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    return response.status_code, *response.json()["error"].values()


def test_scheduler_registers_its_own_account_on_an_existing_device(api: Api) -> None:
    api.device()
    mine = _register(api, A, "a.shop")
    assert mine["owner"] == "test-scheduler" and "hunter2" not in str(mine)
    r = api.client.post(
        "/v1/accounts",
        json={"username": "c.shop", "password": "pw-123456", "device": "no-such-phone"},
        headers=api.as_(A),
    )
    assert _error(r)[:2] == (403, "forbidden")  # ops choose phones
    r = api.client.post(
        "/v1/accounts",
        json={"username": "c.shop", "password": "pw-123456", "device": "no-such-phone"},
        headers=api.as_("ops"),
    )
    assert _error(r)[:2] == (422, "device_not_found")
    r = api.client.put(
        "/v1/devices/sim-02", json={"serial": "sim-02", "driver": "sim"}, headers=api.as_(A)
    )
    assert r.status_code == 403
    api.account("shared.shop")
    shared = api.client.get("/v1/accounts/shared.shop", headers=api.as_("ops")).json()
    assert shared["owner"] is None


def test_listings_and_reads_show_own_and_shared_accounts_only(api: Api) -> None:
    _farm(api)
    assert _usernames(api, A) == ["a.shop", "shared.shop"]
    assert _usernames(api, B) == ["b.shop", "shared.shop"]
    assert _usernames(api, "ops") == ["a.shop", "b.shop", "shared.shop"]
    hidden = api.client.get("/v1/accounts/a.shop", headers=api.as_(B))
    absent = api.client.get("/v1/accounts/nobody", headers=api.as_(B))
    assert _error(hidden) == (404, "account_not_found", "no account 'a.shop'")
    assert _error(absent) == (404, "account_not_found", "no account 'nobody'")
    r = api.client.patch("/v1/accounts/a.shop", json={"daily_cap": 1}, headers=api.as_(B))
    assert _error(r) == (404, "account_not_found", "no account 'a.shop'")
    # the owner edits its own account, and a shared one
    r = api.client.patch("/v1/accounts/a.shop", json={"daily_cap": 3}, headers=api.as_(A))
    assert r.status_code == 200 and r.json()["pacing"]["daily_cap"] == 3
    r = api.client.patch("/v1/accounts/shared.shop", json={"timezone": "UTC"}, headers=api.as_(B))
    assert r.status_code == 200


def test_submission_to_another_keys_account_is_account_not_found(api: Api) -> None:
    _farm(api)
    media = api.upload(role="ops")  # shared media: both keys use it
    body = {"kind": "feed", "media": [media], "scheduled_at": "2030-01-01T10:00:00Z"}
    hidden = api.client.post("/v1/jobs", json={"account": "a.shop", **body}, headers=api.as_(B))
    absent = api.client.post("/v1/jobs", json={"account": "nobody", **body}, headers=api.as_(B))
    assert _error(hidden) == (422, "account_not_found", "no account 'a.shop'")
    assert _error(absent)[:2] == (422, "account_not_found")
    rows = [{"account": name, **body} for name in ("a.shop", "b.shop", "shared.shop")]
    r = api.client.post("/v1/jobs:batch", json={"jobs": rows}, headers=api.as_(B))
    assert r.status_code == 200, r.text
    report = r.json()["rows"]
    assert [row["status"] for row in report] == ["error", "created", "created"]
    assert report[0]["error"]["code"] == "account_not_found"
    assert api.job([media], account="a.shop", role=A)["account"] == "a.shop"


def test_jobs_of_another_keys_account_are_job_not_found(api: Api) -> None:
    _farm(api)
    media = api.upload(role="ops")  # shared media: both keys use it
    theirs = api.job([media], account="a.shop", role=A, when="2030-01-01T10:00:00Z")["id"]
    mine = api.job([media], account="b.shop", role=B, when="2030-01-01T10:00:00Z")["id"]
    shared = api.job([media], account="shared.shop", role=A, when="2030-01-01T10:00:00Z")["id"]
    missing = 999_999
    for job_id in (theirs, missing):
        calls = [
            ("GET", f"/v1/jobs/{job_id}", None),
            ("PATCH", f"/v1/jobs/{job_id}", {"caption": "mine now"}),
            ("GET", f"/v1/jobs/{job_id}/evidence/1.png", None),
            *[("POST", f"/v1/jobs/{job_id}/{a}", None) for a in ("approve", "pause", "cancel")],
            *[("POST", f"/v1/jobs/{job_id}/{a}", None) for a in ("resume", "retry")],
        ]
        for method, url, body in calls:
            r = api.client.request(method, url, json=body, headers=api.as_(B))
            assert _error(r) == (404, "job_not_found", f"no job {job_id}"), (method, url)
    # nothing happened to it: its owner still sees it untouched
    job = api.client.get(f"/v1/jobs/{theirs}", headers=api.as_(A)).json()
    assert job["state"] == "scheduled" and job["caption"] == "hello"
    assert [e["type"] for e in job["events"]] == ["state"]

    def listed(role: str, **params: str) -> list[int]:
        r = api.client.get("/v1/jobs", params=params, headers=api.as_(role))
        assert r.status_code == 200, r.text
        return [j["id"] for j in r.json()["jobs"]]

    assert listed(B) == [mine, shared]
    assert listed(A) == [theirs, shared]
    assert listed("ops") == [theirs, mine, shared]
    assert listed(B, account="a.shop") == []
    assert listed(B, device="sim-01") == [mine, shared]
    assert listed(B, state="scheduled", limit="1") == [mine]


def test_ops_assign_and_clear_the_owner(api: Api) -> None:
    _farm(api)
    media = api.upload()
    job = api.job([media], account="shared.shop", role=A)["id"]

    def set_owner(owner: str | None, role: str = "ops"):  # type: ignore[no-untyped-def]
        return api.client.patch(
            "/v1/accounts/shared.shop", json={"owner": owner}, headers=api.as_(role)
        )

    assert _error(set_owner("test-scheduler", role=B))[:2] == (403, "forbidden")
    r = set_owner("test-scheduler-b")
    assert r.status_code == 200 and r.json()["owner"] == "test-scheduler-b"
    assert _usernames(api, A) == ["a.shop"]
    assert _error(api.client.get(f"/v1/jobs/{job}", headers=api.as_(A)))[:2] == (
        404,
        "job_not_found",
    )
    assert api.client.get(f"/v1/jobs/{job}", headers=api.as_(B)).status_code == 200
    r = api.client.get("/v1/accounts/shared.shop", headers=api.as_(B))
    assert r.json()["owner"] == "test-scheduler-b"
    assert set_owner(None).json()["owner"] is None
    assert _usernames(api, A) == ["a.shop", "shared.shop"]
    # the owner's new key must name exactly one active scheduler key
    assert _error(set_owner("nobody"))[:2] == (422, "owner_not_found")
    assert _error(set_owner("test-ops"))[:2] == (422, "owner_not_found")
    create_api_key(api.client.app.state.engine, "scheduler", "test-scheduler-b")  # type: ignore[attr-defined]
    assert _error(set_owner("test-scheduler-b"))[:2] == (422, "owner_ambiguous")
    assert (
        api.client.get("/v1/accounts/shared.shop", headers=api.as_("ops")).json()["owner"] is None
    )


def test_a_username_is_registered_once_across_keys(api: Api) -> None:
    """Instagram usernames are global: registering a taken one is 409 whoever holds it."""
    api.device()
    _register(api, A, "a.shop")
    r = api.client.post(
        "/v1/accounts",
        json={"username": "a.shop", "password": "pw-123456", "device": "sim-01"},
        headers=api.as_(B),
    )
    assert _error(r)[:2] == (409, "username_taken")
    assert _usernames(api, B) == []


def test_webhooks_hear_only_about_accounts_their_key_may_see(api: Api) -> None:
    from sqlmodel import Session, select

    from controller import webhooks
    from controller.models import Account, WebhookDelivery

    _farm(api)
    hooks = {}
    for role in (A, B, "ops"):
        r = api.client.post(
            "/v1/webhooks",
            json={"url": "http://127.0.0.1:9/hook", "events": ["account.needs_auth"]},
            headers=api.as_(role),
        )
        assert r.status_code == 201, r.text
        hooks[role] = r.json()["id"]
    engine = api.client.app.state.engine  # type: ignore[attr-defined]
    with Session(engine) as session:
        for username in ("a.shop", "shared.shop"):
            account = session.exec(select(Account).where(Account.username == username)).one()
            webhooks.emit(session, "account.needs_auth", {"account": username}, account=account)
        session.commit()
        heard = {
            role: sorted(
                d.payload["data"]["account"]
                for d in session.exec(
                    select(WebhookDelivery).where(WebhookDelivery.webhook_id == hook)
                ).all()
            )
            for role, hook in hooks.items()
        }
    assert heard == {
        A: ["a.shop", "shared.shop"],
        B: ["shared.shop"],
        "ops": ["a.shop", "shared.shop"],
    }


def test_device_list_hides_the_job_of_another_keys_account(api: Api) -> None:
    _farm(api)
    token = api.register_agent()
    media = api.upload(role="ops")  # shared media: both keys use it
    r = api.client.post(
        "/v1/jobs",
        json={
            "account": "a.shop",
            "kind": "feed",
            "media": [media],
            "scheduled_at": utcnow().isoformat(),
        },
        headers=api.as_(A),
    )
    assert r.status_code == 201, r.text
    claim = api.client.post(
        "/v1/agents/claim", json={"idle": ["sim-01"]}, headers={"Authorization": f"Bearer {token}"}
    )
    assert claim.json()["leases"][0]["job_id"] == r.json()["id"]

    def current(role: str) -> int | None:
        return api.client.get("/v1/devices", headers=api.as_(role)).json()[0]["current_job_id"]

    assert current(A) == r.json()["id"] and current("ops") == r.json()["id"]
    assert current(B) is None
