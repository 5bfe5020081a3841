"""The dispatcher, lease fencing, the sweeper and how outcomes move jobs and accounts."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, select

from controller import leases
from controller.models import Lease
from controller.timeutil import utcnow
from tests.controller.conftest import Api


def _agent_headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _claim(api: Api, token: str, idle: list[str]) -> list[dict]:
    r = api.client.post("/v1/agents/claim", json={"idle": idle}, headers=_agent_headers(token))
    assert r.status_code == 200, r.text
    return r.json()["leases"]


def _setup(api: Api, jobs: int = 1, when: str | None = None) -> tuple[str, list]:
    api.device()
    api.account()
    token = api.register_agent()
    ids = [api.job([api.upload(seed=n)], when=when, caption=f"post {n}")["id"] for n in range(jobs)]
    return token, ids


def _job(api: Api, job_id: int) -> dict:
    return api.client.get(f"/v1/jobs/{job_id}", headers=api.as_("scheduler")).json()


def _sweep(api: Api) -> None:
    app = api.client.app  # type: ignore[attr-defined]
    with Session(app.state.engine) as session:
        leases.sweep(session, app.state.settings)
        session.commit()


def _expire_leases(api: Api) -> None:
    with Session(api.client.app.state.engine) as session:  # type: ignore[attr-defined]
        for lease in session.exec(select(Lease).where(Lease.state == "active")).all():
            lease.expires_at = utcnow() - timedelta(seconds=1)
            session.add(lease)
        session.commit()


def test_claim_leases_due_job_once_per_device(api: Api) -> None:
    token, ids = _setup(api, jobs=2)
    leases = _claim(api, token, ["sim-01"])
    assert [lease["job_id"] for lease in leases] == [ids[0]]
    lease = leases[0]
    assert lease["purpose"] == "publish" and lease["account"] == "acme.shop"
    assert lease["media"][0]["url"].endswith(f"/v1/media/{lease['media'][0]['id']}/content")
    # the device is busy: nothing more, and the same lease is not handed over twice
    assert _claim(api, token, ["sim-01"]) == []
    assert _job(api, ids[0])["state"] == "leased"
    assert _job(api, ids[1])["state"] == "scheduled"


def test_future_job_is_not_leased(api: Api) -> None:
    token, _ = _setup(api, when="2030-06-01T00:00:00+00:00")
    assert _claim(api, token, ["sim-01"]) == []


def test_agent_downloads_media(api: Api) -> None:
    token, _ = _setup(api)
    lease = _claim(api, token, ["sim-01"])[0]
    path = lease["media"][0]["url"].split("testserver", 1)[1]
    r = api.client.get(path, headers=_agent_headers(token))
    assert r.status_code == 200 and r.content[:2] == b"\xff\xd8"
    assert api.client.get(path, headers=api.as_("scheduler")).status_code == 403


def test_publish_completion_and_history(api: Api) -> None:
    token, ids = _setup(api)
    lease = _claim(api, token, ["sim-01"])[0]
    h = _agent_headers(token)
    assert (
        api.client.post(
            f"/v1/leases/{lease['token']}/events", json={"type": "started"}, headers=h
        ).status_code
        == 204
    )
    assert (
        api.client.post(
            f"/v1/leases/{lease['token']}/events", json={"type": "point_of_no_return"}, headers=h
        ).status_code
        == 204
    )
    r = api.client.post(
        f"/v1/leases/{lease['token']}/complete",
        json={"outcome": "published", "stats": {"dumps": 9}},
        headers=h,
    )
    assert r.status_code == 200 and r.json()["state"] == "published"
    job = _job(api, ids[0])
    assert job["published_at"] is not None
    transitions = [(e["from_state"], e["to_state"]) for e in job["events"] if e["type"] == "state"]
    assert transitions == [
        (None, "scheduled"),
        ("scheduled", "leased"),
        ("leased", "publishing"),
        ("publishing", "published"),
    ]
    assert any(e["type"] == "point_of_no_return" for e in job["events"])
    # a second completion of the same lease is stale
    r = api.client.post(
        f"/v1/leases/{lease['token']}/complete", json={"outcome": "published"}, headers=h
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "stale_lease"


def test_expiry_before_point_of_no_return_requeues_and_fences_old_lease(api: Api) -> None:
    token, ids = _setup(api)
    old = _claim(api, token, ["sim-01"])[0]
    _expire_leases(api)
    _sweep(api)
    assert _job(api, ids[0])["state"] == "scheduled"
    new = _claim(api, token, ["sim-01"])[0]
    assert new["token"] > old["token"]
    h = _agent_headers(token)
    stale = api.client.post(
        f"/v1/leases/{old['token']}/complete", json={"outcome": "published"}, headers=h
    )
    assert stale.status_code == 409
    assert _job(api, ids[0])["state"] == "leased"
    ok = api.client.post(
        f"/v1/leases/{new['token']}/complete", json={"outcome": "published"}, headers=h
    )
    assert ok.json()["state"] == "published"


def test_expiry_after_point_of_no_return_goes_unknown_then_verifies(api: Api) -> None:
    token, ids = _setup(api)
    h = _agent_headers(token)
    lease = _claim(api, token, ["sim-01"])[0]
    api.client.post(
        f"/v1/leases/{lease['token']}/events", json={"type": "point_of_no_return"}, headers=h
    )
    _expire_leases(api)
    _sweep(api)
    assert _job(api, ids[0])["state"] == "unknown"
    verify = _claim(api, token, ["sim-01"])[0]
    assert verify["purpose"] == "verify" and verify["job_id"] == ids[0]
    assert verify["since"] is not None and lease["since"] is None
    assert datetime.fromisoformat(verify["since"]) <= datetime.fromisoformat(verify["expires_at"])
    r = api.client.post(
        f"/v1/leases/{verify['token']}/complete", json={"outcome": "verified_published"}, headers=h
    )
    assert r.json()["state"] == "published"


def test_verification_absent_reschedules(api: Api) -> None:
    token, _ids = _setup(api)
    h = _agent_headers(token)
    lease = _claim(api, token, ["sim-01"])[0]
    api.client.post(
        f"/v1/leases/{lease['token']}/events", json={"type": "point_of_no_return"}, headers=h
    )
    r = api.client.post(
        f"/v1/leases/{lease['token']}/complete",
        json={"outcome": "failed", "error_code": "upload_failed"},
        headers=h,
    )
    assert r.json()["state"] == "unknown"
    verify = _claim(api, token, ["sim-01"])[0]
    r = api.client.post(
        f"/v1/leases/{verify['token']}/complete", json={"outcome": "verified_absent"}, headers=h
    )
    assert r.json()["state"] == "scheduled"


def test_retryable_failure_retries_then_fails(api: Api) -> None:
    token, ids = _setup(api)
    h = _agent_headers(token)
    states = []
    for _ in range(3):
        lease = _claim(api, token, ["sim-01"])[0]
        r = api.client.post(
            f"/v1/leases/{lease['token']}/complete",
            json={
                "outcome": "failed",
                "error_code": "ui_unrecognized",
                "error_message": "?",
                "evidence": {"screenshot_png_b64": "iVBORw0KGgo=", "hierarchy_xml": "<h/>"},
            },
            headers=h,
        )
        states.append(r.json()["state"])
    assert states == ["scheduled", "scheduled", "failed"]
    job = _job(api, ids[0])
    assert job["error"]["code"] == "ui_unrecognized"
    evidence = [e["data"]["evidence"] for e in job["events"] if e["data"].get("evidence")]
    assert evidence and evidence[-1]["screenshot"].endswith(".png")
    shot_name = evidence[-1]["screenshot"].split("/")[-1]
    shot = api.client.get(f"/v1/jobs/{ids[0]}/evidence/{shot_name}", headers=api.as_("ops"))
    assert shot.status_code == 200 and shot.content == b"\x89PNG\r\n\x1a\n"
    assert shot.headers["content-type"] == "image/png"
    xml_name = evidence[-1]["hierarchy"].split("/")[-1]
    dump = api.client.get(f"/v1/jobs/{ids[0]}/evidence/{xml_name}", headers=api.as_("ops"))
    assert dump.text == "<h/>"
    for bad in ("..%2F..%2Fsecret.keys", "1.txt", "999.png"):
        r = api.client.get(f"/v1/jobs/{ids[0]}/evidence/{bad}", headers=api.as_("ops"))
        assert r.status_code in (404, 422), (bad, r.status_code)
        assert r.json()["error"]["code"]


def test_account_level_failure_holds_queue(api: Api) -> None:
    token, ids = _setup(api, jobs=2)
    h = _agent_headers(token)
    lease = _claim(api, token, ["sim-01"])[0]
    r = api.client.post(
        f"/v1/leases/{lease['token']}/complete",
        json={"outcome": "failed", "error_code": "auth_challenge_required"},
        headers=h,
    )
    assert r.json()["state"] == "scheduled"
    account = api.client.get("/v1/accounts/acme.shop", headers=api.as_("ops")).json()
    assert account["state"] == "challenge"
    assert _claim(api, token, ["sim-01"]) == []
    assert {_job(api, i)["state"] for i in ids} == {"scheduled"}


def test_unknown_error_code_is_refused(api: Api) -> None:
    token, _ = _setup(api)
    lease = _claim(api, token, ["sim-01"])[0]
    r = api.client.post(
        f"/v1/leases/{lease['token']}/complete",
        json={"outcome": "failed", "error_code": "gremlins"},
        headers=_agent_headers(token),
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_error_code"


def test_other_agent_cannot_touch_lease(api: Api) -> None:
    token, _ = _setup(api)
    lease = _claim(api, token, ["sim-01"])[0]
    api.device("sim-02")
    other = api.register_agent("rack-2", ("sim-02",))
    r = api.client.post(
        f"/v1/leases/{lease['token']}/complete",
        json={"outcome": "published"},
        headers=_agent_headers(other),
    )
    assert r.status_code == 404
    r = api.client.post(
        "/v1/agents/claim", json={"idle": ["sim-01"]}, headers=_agent_headers(other)
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "device_not_registered"


def test_pacing_min_gap(api: Api, settings) -> None:  # type: ignore[no-untyped-def]
    settings.min_gap_s = 3600
    token, ids = _setup(api, jobs=2)
    h = _agent_headers(token)
    lease = _claim(api, token, ["sim-01"])[0]
    api.client.post(
        f"/v1/leases/{lease['token']}/complete", json={"outcome": "published"}, headers=h
    )
    assert _claim(api, token, ["sim-01"]) == []
    assert _job(api, ids[1])["state"] == "scheduled"


def test_cancel_and_illegal_transition(api: Api) -> None:
    _token, ids = _setup(api, when="2030-06-01T00:00:00Z")
    r = api.client.post(f"/v1/jobs/{ids[0]}/cancel", headers=api.as_("scheduler"))
    assert r.json()["state"] == "cancelled"
    r = api.client.post(f"/v1/jobs/{ids[0]}/pause", headers=api.as_("scheduler"))
    assert r.status_code == 409 and r.json()["error"]["code"] == "illegal_transition"


def test_agent_restart_ends_its_old_leases_and_heartbeat_cannot_revive_them(api: Api) -> None:
    token, ids = _setup(api)
    h = _agent_headers(token)
    lease = _claim(api, token, ["sim-01"])[0]
    api.client.post(
        f"/v1/leases/{lease['token']}/events", json={"type": "point_of_no_return"}, headers=h
    )
    new_token = api.register_agent()
    beat = api.client.post(
        "/v1/agents/heartbeat",
        json={"devices": [{"serial": "sim-01"}]},
        headers=_agent_headers(new_token),
    )
    assert beat.status_code == 200 and beat.json()["leases_extended"] == 0
    assert _job(api, ids[0])["state"] == "unknown"
    verify = _claim(api, new_token, ["sim-01"])[0]
    assert verify["purpose"] == "verify"


def test_reauth_with_login_leases_the_password_once_and_releases_on_success(api: Api) -> None:
    token, ids = _setup(api, jobs=1)
    h = _agent_headers(token)
    lease = _claim(api, token, ["sim-01"])[0]
    api.client.post(
        f"/v1/leases/{lease['token']}/complete",
        json={"outcome": "failed", "error_code": "auth_login_required"},
        headers=h,
    )
    r = api.client.post(
        "/v1/accounts/acme.shop/reauth",
        json={"password": "new-secret-pw", "login": True},
        headers=api.as_("ops"),
    )
    assert r.status_code == 200 and r.json()["state"] == "needs_auth"
    assert "new-secret-pw" not in r.text
    login = _claim(api, token, ["sim-01"])[0]
    assert login["purpose"] == "login" and login["job_id"] is None
    assert login["account"] == "acme.shop" and login["password"] == "new-secret-pw"
    assert _claim(api, token, ["sim-01"]) == []  # the phone is busy logging in
    event = api.client.post(
        f"/v1/leases/{login['token']}/events", json={"type": "started"}, headers=h
    )
    assert event.status_code == 422 and event.json()["error"]["code"] == "login_lease"
    done = api.client.post(
        f"/v1/leases/{login['token']}/complete", json={"outcome": "logged_in"}, headers=h
    )
    assert done.status_code == 200 and done.json() == {"job_id": None, "state": "active"}
    again = api.client.post(
        f"/v1/leases/{login['token']}/complete", json={"outcome": "logged_in"}, headers=h
    )
    assert again.status_code == 409
    publish = _claim(api, token, ["sim-01"])[0]
    assert publish["purpose"] == "publish" and publish["job_id"] == ids[0]
    assert publish["password"] is None


def test_failed_login_keeps_the_account_held_with_the_code(api: Api) -> None:
    token, _ = _setup(api, jobs=0)
    api.client.post("/v1/accounts/acme.shop/reauth", json={"login": True}, headers=api.as_("ops"))
    login = _claim(api, token, ["sim-01"])[0]
    r = api.client.post(
        f"/v1/leases/{login['token']}/complete",
        json={"outcome": "failed", "error_code": "auth_wrong_password"},
        headers=_agent_headers(token),
    )
    assert r.json()["state"] == "needs_auth"
    account = api.client.get("/v1/accounts/acme.shop", headers=api.as_("ops")).json()
    assert "auth_wrong_password" in account["state_reason"]
    assert _claim(api, token, ["sim-01"]) == []  # no new login until ops ask again


def test_account_blocks_of_the_real_app_hold_the_account_in_their_state(api: Api) -> None:
    """A disabled or suspended account is `disabled`, a checkpoint is `challenge`: each holds
    the queue with the code's explanation, and a failure after Share is still verified."""
    token, ids = _setup(api, jobs=1)
    h = _agent_headers(token)
    lease = _claim(api, token, ["sim-01"])[0]
    r = api.client.post(
        f"/v1/leases/{lease['token']}/events", json={"type": "point_of_no_return"}, headers=h
    )
    assert r.status_code == 204, r.text
    r = api.client.post(
        f"/v1/leases/{lease['token']}/complete",
        json={
            "outcome": "failed",
            "error_code": "account_suspended",
            "error_message": "We suspended your account",
        },
        headers=h,
    )
    assert r.json()["state"] == "unknown"  # after Share: the profile decides, not a guess
    account = api.client.get("/v1/accounts/acme.shop", headers=api.as_("ops")).json()
    assert account["state"] == "disabled"
    assert "account_suspended" in account["state_reason"]
    assert _claim(api, token, ["sim-01"]) == []
    api.client.post("/v1/accounts/acme.shop/reauth", json={}, headers=api.as_("ops"))
    job = api.job([api.upload(seed=9)], caption="post 9")
    verify = _claim(api, token, ["sim-01"])[0]
    assert verify["purpose"] == "verify" and verify["job_id"] == ids[0]
    r = api.client.post(
        f"/v1/leases/{verify['token']}/complete",
        json={"outcome": "failed", "error_code": "checkpoint_required"},
        headers=h,
    )
    assert r.status_code == 200, r.text
    account = api.client.get("/v1/accounts/acme.shop", headers=api.as_("ops")).json()
    assert account["state"] == "challenge"
    assert _job(api, job["id"])["state"] == "scheduled"


def test_devices_flag_an_instagram_version_the_flows_were_not_checked_on(
    api: Api, settings
) -> None:  # type: ignore[no-untyped-def]
    token, _ = _setup(api)
    ops = api.as_("ops")
    assert api.client.get("/v1/devices", headers=ops).json()[0]["app_version_checked"] is None
    settings.checked_app_versions = ["410.1.0.63.71", "411.*"]
    for version, checked in (("410.1.0.63.71", True), ("411.0.0.1.2", True), ("399.0", False)):
        r = api.client.post(
            "/v1/agents/heartbeat",
            json={"devices": [{"serial": "sim-01", "app_version": version}]},
            headers=_agent_headers(token),
        )
        assert r.status_code == 200, r.text
        device = api.client.get("/v1/devices", headers=ops).json()[0]
        assert (device["app_version"], device["app_version_checked"]) == (version, checked)
