"""Instagram usernames are case-insensitive: `A.Shop` and `a.shop` are one account."""

from __future__ import annotations

from tests.controller.conftest import Api


def test_usernames_ignore_case(api: Api) -> None:
    api.device()
    ops = api.as_("ops")
    r = api.client.post(
        "/v1/accounts",
        json={"username": "A.Shop", "password": "pw-secret", "device": "sim-01"},
        headers=ops,
    )
    assert r.status_code == 201 and r.json()["username"] == "a.shop"
    for other in ("a.shop", "A.SHOP"):
        r = api.client.post(
            "/v1/accounts",
            json={"username": other, "password": "pw", "device": "sim-01"},
            headers=api.as_("scheduler"),
        )
        assert r.status_code == 409 and r.json()["error"]["code"] == "username_taken"
    h = api.as_("scheduler")
    assert api.client.get("/v1/accounts/A.sHoP", headers=h).json()["username"] == "a.shop"
    r = api.client.patch("/v1/accounts/A.SHOP", json={"daily_cap": 3}, headers=ops)
    assert r.status_code == 200, r.text
    job = api.job([api.upload()], account="A.Shop")
    assert job["account"] == "a.shop"
    r = api.client.get("/v1/jobs", params={"account": "A.SHOP"}, headers=h)
    assert [j["id"] for j in r.json()["jobs"]] == [job["id"]]
    r = api.client.post("/v1/accounts/A.Shop/disable", json={"reason": "x"}, headers=ops)
    assert r.status_code == 200
