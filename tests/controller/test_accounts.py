"""Accounts: held queues and re-authentication, disabling, per-account pacing, preflight."""

from __future__ import annotations

from tests.controller.conftest import Api


def _h(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _claim(api: Api, token: str, serial: str = "sim-01") -> list[dict]:
    r = api.client.post("/v1/agents/claim", json={"idle": [serial]}, headers=_h(token))
    assert r.status_code == 200, r.text
    return r.json()["leases"]


def _complete(api: Api, token: str, lease: dict, **body: object) -> dict:
    r = api.client.post(
        f"/v1/leases/{lease['token']}/complete",
        json={"outcome": "published", **body},
        headers=_h(token),
    )
    assert r.status_code == 200, r.text
    return r.json()


def _account(api: Api, username: str = "acme.shop") -> dict:
    return api.client.get(f"/v1/accounts/{username}", headers=api.as_("scheduler")).json()


def test_wrong_password_holds_queue_until_ops_reauthenticate(api: Api) -> None:
    api.device()
    api.account()
    token = api.register_agent()
    ids = [api.job([api.upload(seed=n)])["id"] for n in range(2)]
    lease = _claim(api, token)[0]
    out = _complete(api, token, lease, outcome="failed", error_code="auth_wrong_password")
    assert out["state"] == "scheduled"
    held = _account(api)
    assert held["state"] == "needs_auth" and "auth_wrong_password" in held["state_reason"]
    assert _claim(api, token) == []
    # the failure did not burn the job: it is queued, not failed
    job = api.client.get(f"/v1/jobs/{ids[0]}", headers=api.as_("scheduler")).json()
    assert job["state"] == "scheduled" and "re-authenticated" in job["events"][-1]["reason"]

    r = api.client.post(
        "/v1/accounts/acme.shop/reauth",
        json={"password": "new-secret-pw"},
        headers=api.as_("scheduler"),
    )
    assert r.status_code == 403
    r = api.client.post(
        "/v1/accounts/acme.shop/reauth", json={"password": "new-secret-pw"}, headers=api.as_("ops")
    )
    assert r.status_code == 200 and r.json()["state"] == "active"
    assert r.json()["state_reason"] == "" and "new-secret-pw" not in r.text
    released = api.client.get(f"/v1/jobs/{ids[1]}", headers=api.as_("scheduler")).json()
    assert released["events"][-1]["type"] == "account_released"
    assert [lease["job_id"] for lease in _claim(api, token)] == [ids[0]]


def test_disabled_account_is_skipped_then_enabled(api: Api) -> None:
    api.device()
    api.account()
    token = api.register_agent()
    api.job([api.upload()])
    r = api.client.post(
        "/v1/accounts/acme.shop/disable", json={"reason": "client paused"}, headers=api.as_("ops")
    )
    assert r.json()["state"] == "disabled" and r.json()["state_reason"] == "client paused"
    assert _claim(api, token) == []
    api.client.post("/v1/accounts/acme.shop/reauth", json={}, headers=api.as_("ops"))
    assert len(_claim(api, token)) == 1


def test_pacing_is_per_account_with_farm_defaults(api: Api, settings) -> None:  # type: ignore[no-untyped-def]
    settings.daily_cap = 5
    api.device()
    api.account("capped")
    api.account("free")
    token = api.register_agent()
    assert _account(api, "free")["pacing"] == {"min_gap_minutes": 0, "daily_cap": 5, "own": False}
    r = api.client.patch("/v1/accounts/capped", json={"daily_cap": 1}, headers=api.as_("ops"))
    assert r.json()["pacing"] == {"min_gap_minutes": 0, "daily_cap": 1, "own": True}
    capped = [api.job([api.upload(seed=n)], account="capped")["id"] for n in range(2)]
    free = [api.job([api.upload(seed=10 + n)], account="free")["id"] for n in range(2)]
    published = []
    for _ in range(4):
        leases = _claim(api, token)
        if not leases:
            break
        _complete(api, token, leases[0])
        published.append(leases[0]["job_id"])
    # one post for the capped account, both for the other; the second capped job waits
    assert sorted(published) == sorted([capped[0], *free])
    # back to the farm default (5 a day): the waiting job goes out
    r = api.client.patch("/v1/accounts/capped", json={"daily_cap": None}, headers=api.as_("ops"))
    assert r.json()["pacing"]["own"] is False
    assert [lease["job_id"] for lease in _claim(api, token)] == [capped[1]]


def test_min_gap_per_account(api: Api) -> None:
    api.device()
    api.account()
    token = api.register_agent()
    api.client.patch("/v1/accounts/acme.shop", json={"min_gap_minutes": 90}, headers=api.as_("ops"))
    for n in range(2):
        api.job([api.upload(seed=n)])
    _complete(api, token, _claim(api, token)[0])
    assert _claim(api, token) == []
    assert _account(api)["pacing"]["min_gap_minutes"] == 90


def test_preflight_result_is_kept_and_account_level_failure_holds(api: Api) -> None:
    api.device()
    api.account()
    token = api.register_agent()
    ok = {"ok": True, "checks": {"logged_in": True, "public": True, "posts": 12}}
    r = api.client.post("/v1/accounts/acme.shop/preflight", json=ok, headers=_h(token))
    assert r.status_code == 200, r.text
    assert r.json()["preflight"]["ok"] is True and r.json()["preflight"]["checks"]["posts"] == 12
    assert r.json()["state"] == "active"
    bad = {"ok": False, "code": "auth_two_factor_enabled", "message": "2FA is on"}
    r = api.client.post("/v1/accounts/acme.shop/preflight", json=bad, headers=_h(token))
    assert r.json()["state"] == "needs_auth"
    assert r.json()["preflight"]["code"] == "auth_two_factor_enabled"
    r = api.client.post(
        "/v1/accounts/acme.shop/preflight",
        json={"ok": False, "code": "gremlins"},
        headers=_h(token),
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_error_code"
    # an agent reports only for accounts on its own devices
    api.device("sim-02")
    other = api.register_agent("rack-2", ("sim-02",))
    r = api.client.post("/v1/accounts/acme.shop/preflight", json=ok, headers=_h(other))
    assert r.status_code == 403


def test_account_edits_are_checked(api: Api) -> None:
    api.device()
    api.account()
    h = api.as_("ops")
    r = api.client.patch("/v1/accounts/acme.shop", json={"device": "ghost"}, headers=h)
    assert r.status_code == 422 and r.json()["error"]["code"] == "device_not_found"
    r = api.client.patch("/v1/accounts/acme.shop", json={"timezone": "Mars/Base"}, headers=h)
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_timezone"
    r = api.client.patch("/v1/accounts/nobody", json={}, headers=h)
    assert r.status_code == 404 and r.json()["error"]["code"] == "account_not_found"
    api.device("sim-02")
    r = api.client.patch("/v1/accounts/acme.shop", json={"device": "sim-02"}, headers=h)
    assert r.json()["device"] == "sim-02"
    for n in range(4):
        api.account(f"extra{n}", "sim-01")
    api.account("fifth", "sim-01")
    r = api.client.patch("/v1/accounts/acme.shop", json={"device": "sim-01"}, headers=h)
    assert r.status_code == 409 and r.json()["error"]["code"] == "device_full"
