"""Times: a sane window for scheduled_at, extreme dates are 4xx not 500, and the past-due
policy (publish now within the grace, else paused `missed_window`) without polluting
lateness."""

from __future__ import annotations

from datetime import timedelta

from controller.timeutil import utcnow
from tests.controller.conftest import Api


def _submit(api: Api, media: str, when: str, **extra: object):  # type: ignore[no-untyped-def]
    body = {"account": "acme.shop", "kind": "feed", "media": [media], "scheduled_at": when}
    return api.client.post("/v1/jobs", json={**body, **extra}, headers=api.as_("scheduler"))


def _ago(**delta: float) -> str:
    return (utcnow() - timedelta(**delta)).isoformat()


def test_extreme_dates_are_refused_with_a_code(api: Api) -> None:
    api.device()
    api.account()
    media = api.upload()
    for when, extra in (
        ("9999-12-31T23:59:59-14:00", {}),
        ("0001-01-01T00:00:00+14:00", {}),
        ("9999-12-31T23:59:59Z", {}),
        ("0001-01-01T00:00:00Z", {}),
        ("9999-12-31T23:59:59", {"timezone": "Pacific/Kiritimati"}),
        ("0001-01-01T00:00:00", {"timezone": "Etc/GMT+12"}),
        (_ago(days=8), {}),
        ((utcnow() + timedelta(days=6 * 365)).isoformat(), {}),
    ):
        r = _submit(api, media, when, **extra)
        assert r.status_code == 422, (when, r.text)
        assert r.json()["error"]["code"] == "scheduled_at_out_of_range", when
    job = api.job([media], when="2030-06-01T00:00:00Z")
    h = api.as_("scheduler")
    for patch in (
        {"scheduled_at": "9999-12-31T23:59:59-14:00"},
        {"scheduled_at": "9999-12-31T23:59:59", "timezone": "Pacific/Kiritimati"},
        {"scheduled_at": "0001-01-01T00:00:00+14:00"},
    ):
        r = api.client.patch(f"/v1/jobs/{job['id']}", json=patch, headers=h)
        assert r.status_code == 422 and r.json()["error"]["code"] == "scheduled_at_out_of_range"
    r = api.client.patch(
        f"/v1/jobs/{job['id']}", json={"timezone": "Pacific/Kiritimati"}, headers=h
    )
    assert r.status_code == 200 and r.json()["timezone"] == "Pacific/Kiritimati"
    r = api.client.patch(f"/v1/jobs/{job['id']}", json={"scheduled_at": _ago(hours=2)}, headers=h)
    assert r.status_code == 422 and r.json()["error"]["code"] == "missed_window"
    for bound in ("9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"):
        r = api.client.get("/v1/jobs", params={"from": bound}, headers=h)
        assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_value"
    r = api.client.get("/v1/jobs", params={"from": "9999-01-01T00:00:00Z"}, headers=h)
    assert r.status_code == 200 and r.json()["jobs"] == []
    assert api.client.get("/v1/jobs", headers=h).status_code == 200  # nothing poisoned


def test_past_due_policy(api: Api) -> None:
    api.device()
    api.account()
    media = api.upload()
    recent = _submit(api, media, _ago(minutes=5)).json()
    assert recent["state"] == "scheduled"  # within the grace: publish now
    missed = _submit(api, media, _ago(hours=3), caption="missed").json()
    assert missed["state"] == "paused"
    assert missed["events"][-1]["reason"].startswith("missed_window")
    # a batch row past the grace is paused too, not an error
    r = api.client.post(
        "/v1/jobs:batch",
        json={
            "jobs": [
                {
                    "account": "acme.shop",
                    "kind": "feed",
                    "media": [media],
                    "scheduled_at": _ago(days=1),
                }
            ]
        },
        headers=api.as_("scheduler"),
    )
    assert r.json()["rows"][0]["status"] == "created"
    batch_job = api.client.get(
        f"/v1/jobs/{r.json()['rows'][0]['job_id']}", headers=api.as_("scheduler")
    ).json()
    assert batch_job["state"] == "paused"
    # resuming publishes now
    r = api.client.post(f"/v1/jobs/{missed['id']}/resume", headers=api.as_("scheduler"))
    assert r.status_code == 200 and r.json()["state"] == "scheduled"
    assert r.json()["scheduled_at_utc"] >= utcnow().isoformat()[:16].replace("+00:00", "")


def test_late_submission_does_not_count_as_lateness(api: Api) -> None:
    api.device()
    api.account()
    token = api.register_agent()
    job = _submit(api, api.upload(), _ago(minutes=10)).json()
    h = {"Authorization": f"Bearer {token}"}
    (lease,) = api.client.post("/v1/agents/claim", json={"idle": ["sim-01"]}, headers=h).json()[
        "leases"
    ]
    assert lease["job_id"] == job["id"]
    r = api.client.post(
        f"/v1/leases/{lease['token']}/complete", json={"outcome": "published"}, headers=h
    )
    assert r.status_code == 200, r.text
    feed = {k["kind"]: k for k in api.client.get("/v1/status").json()["kinds"]}["feed"]
    assert feed["published_last_hour"] == 1
    assert feed["lateness_p95_s"] < 60  # not the 600 s it was already past due
