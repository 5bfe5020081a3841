"""Tenancy: a scheduler key cannot fill a phone with its accounts (ops or the placement rule
choose the phone), and ops can delete an account (its future jobs cancelled with a reason)."""

from __future__ import annotations

from tests.controller.conftest import Api


def _ask(api: Api, role: str, username: str, **extra: object):  # type: ignore[no-untyped-def]
    return api.client.post(
        "/v1/accounts",
        json={"username": username, "password": "pw-123456", **extra},
        headers=api.as_(role),
    )


def test_placement_spreads_and_caps_a_keys_share(api: Api, settings) -> None:  # type: ignore[no-untyped-def]
    api.device("sim-01")
    api.device("sim-02")
    r = _ask(api, "scheduler", "x.one", device="sim-01")
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    placed = [_ask(api, "scheduler", f"a.{n}").json()["device"] for n in range(4)]
    assert sorted(placed) == ["sim-01", "sim-01", "sim-02", "sim-02"]  # most room first
    r = _ask(api, "scheduler", "a.5")  # 2 per phone per key: no more for this key
    assert r.status_code == 409 and r.json()["error"]["code"] == "no_device_available"
    # the other key still finds room on both phones
    assert _ask(api, "scheduler_b", "b.1").status_code == 201
    r = api.client.patch(
        "/v1/accounts/a.0", json={"device": "sim-02"}, headers=api.as_("scheduler")
    )
    assert r.status_code == 403
    # ops may choose, up to the phone's 5
    assert _ask(api, "ops", "o.1", device="sim-01").status_code == 201
    r = _ask(api, "ops", "o.2", device="sim-01")
    assert r.status_code in (201, 409)


def test_ops_delete_an_account_and_its_future_jobs_are_cancelled(api: Api) -> None:
    api.device()
    api.account()
    media = api.upload()
    future = api.job([media], when="2030-06-01T00:00:00Z")
    assert (
        api.client.delete("/v1/accounts/acme.shop", headers=api.as_("scheduler")).status_code == 403
    )
    r = api.client.delete("/v1/accounts/Acme.Shop", headers=api.as_("ops"))
    assert r.status_code == 204
    job = api.client.get(f"/v1/jobs/{future['id']}", headers=api.as_("ops")).json()
    assert job["state"] == "cancelled"
    assert "acme.shop deleted" in job["events"][-1]["reason"]
    r = api.client.get("/v1/accounts/acme.shop", headers=api.as_("ops"))
    assert r.status_code == 404
    assert "acme.shop" not in str(api.client.get("/v1/accounts", headers=api.as_("ops")).json())
    r = api.client.post(
        "/v1/jobs",
        json={
            "account": "acme.shop",
            "kind": "feed",
            "media": [media],
            "scheduled_at": api.due_now,
        },
        headers=api.as_("scheduler"),
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "account_not_found"
    # the username and the slot are free again
    api.account()
    assert api.client.delete("/v1/accounts/nobody", headers=api.as_("ops")).status_code == 404


def test_an_account_with_a_job_on_its_phone_is_busy(api: Api) -> None:
    api.device()
    api.account()
    token = api.register_agent()
    api.job([api.upload()])
    h = {"Authorization": f"Bearer {token}"}
    assert api.client.post("/v1/agents/claim", json={"idle": ["sim-01"]}, headers=h).json()[
        "leases"
    ]
    r = api.client.delete("/v1/accounts/acme.shop", headers=api.as_("ops"))
    assert r.status_code == 409 and r.json()["error"]["code"] == "account_busy"
