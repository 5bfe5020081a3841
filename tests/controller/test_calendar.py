"""The calendar listing: filters by state, account, device and dates, combined with cursors."""

from __future__ import annotations

from tests.controller.conftest import Api


def _ids(api: Api, **params: object) -> list[int]:
    seen: list[int] = []
    cursor = None
    while True:
        query = {**params, "limit": 2, **({"cursor": cursor} if cursor else {})}
        r = api.client.get("/v1/jobs", params=query, headers=api.as_("scheduler"))
        assert r.status_code == 200, r.text
        seen += [j["id"] for j in r.json()["jobs"]]
        cursor = r.json()["next_cursor"]
        if not cursor:
            return seen


def test_filters_combine_with_pagination(api: Api) -> None:
    api.device("sim-01")
    api.device("sim-02")
    api.account("shop.one", "sim-01")
    api.account("shop.two", "sim-02")
    media = api.upload()
    one = [
        api.job([media], account="shop.one", when=f"2030-01-0{d}T12:00:00Z")["id"]
        for d in (1, 2, 3)
    ]
    two = [
        api.job([media], account="shop.two", when=f"2030-01-0{d}T12:00:00Z")["id"] for d in (1, 2)
    ]
    api.client.post(f"/v1/jobs/{one[1]}/pause", headers=api.as_("scheduler"))

    assert _ids(api) == [one[0], two[0], one[1], two[1], one[2]]
    assert _ids(api, account="shop.one") == one
    assert _ids(api, device="sim-02") == two
    assert _ids(api, account="shop.two", device="sim-02") == two
    assert _ids(api, account="shop.one", device="sim-02") == []
    assert _ids(api, state="paused") == [one[1]]
    assert _ids(api, state="scheduled", account="shop.one") == [one[0], one[2]]
    window = {"from": "2030-01-02T00:00:00+00:00", "to": "2030-01-03T00:00:00+00:00"}
    assert _ids(api, **window) == [one[1], two[1]]
    # the window can be given in any zone: 2030-01-02 13:00 in Madrid is 12:00 UTC
    assert _ids(
        api, **{"from": "2030-01-02T13:00:00+01:00", "to": "2030-01-02T13:00:01+01:00"}
    ) == [
        one[1],
        two[1],
    ]
    r = api.client.get(
        "/v1/jobs", params={"from": "2030-01-02T00:00:00"}, headers=api.as_("scheduler")
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "timezone_required"
