"""Best time to post: the estimator and the resolver (pure), scheduled_at "best" through the API
on SQLite and PostgreSQL (a fake now), insights leases in the dispatcher and their completion."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from controller import best_time, dispatcher, leases
from controller.models import Account, AudienceActivity, Job, Lease
from farmcore.vocab import AudienceSource
from tests.controller.conftest import Api

MADRID = ZoneInfo("Europe/Madrid")
# Monday 2027-03-01 10:17 UTC = 11:17 in Madrid (UTC+1 until the end of March)
NOW = datetime(2027, 3, 1, 10, 17, tzinfo=UTC)


def _local(year: int, month: int, day: int, hour: int) -> datetime:
    return datetime(year, month, day, hour, tzinfo=MADRID).astimezone(UTC)


# --- the estimator and the resolver (pure) -------------------------------------------------


def test_estimate_weights_posts_by_their_engagement() -> None:
    # three posts at 09:00 with little engagement, one at 20:00 with much
    posts = [(_local(2027, 2, d, 9), 5.0) for d in (1, 2, 3)] + [(_local(2027, 2, 5, 20), 40.0)]
    activity = best_time.estimate(posts, MADRID)
    assert activity is not None and activity.source == AudienceSource.ESTIMATE
    assert activity.by_hour[20] == 100.0
    assert activity.by_hour[9] == pytest.approx(100 * 15 / 40)
    assert activity.by_hour[19] == activity.by_hour[21] == 50.0  # half at the neighbours
    assert activity.by_weekday[4] == 100.0  # Friday 5 February
    # the same posts weighing one each (no engagement known): 09:00 wins
    flat = best_time.estimate([(at, 1.0) for at, _ in posts], MADRID)
    assert flat is not None and flat.by_hour.index(100.0) == 9


def test_estimate_reads_hours_in_the_account_time_zone() -> None:
    posts = [(datetime(2027, 2, 1, 23, 30, tzinfo=UTC), 1.0)]  # Tuesday 00:30 in Madrid
    activity = best_time.estimate(posts, MADRID)
    assert activity is not None
    assert activity.by_hour.index(100.0) == 0 and activity.by_weekday.index(100.0) == 1
    assert best_time.estimate([], MADRID) is None
    assert best_time.estimate([(NOW, 0.0)], MADRID) is None


def test_choose_takes_the_best_free_hour_and_the_earliest_of_equals() -> None:
    by_hour = [10.0] * 24
    by_hour[21], by_hour[9] = 100.0, 80.0
    by_weekday = [50.0, 50.0, 50.0, 50.0, 50.0, 100.0, 50.0]
    activity = best_time.Activity(by_hour, by_weekday, AudienceSource.INSIGHTS)
    week = best_time.choose(activity, MADRID, NOW, NOW + timedelta(days=7))
    assert week == _local(2027, 3, 6, 21)  # Saturday 21:00
    tuesday = (_local(2027, 3, 2, 0), _local(2027, 3, 3, 0))
    assert best_time.choose(activity, MADRID, *tuesday) == _local(2027, 3, 2, 21)
    blocked = best_time.choose(
        activity, MADRID, *tuesday, blocked=lambda at: at.astimezone(MADRID).hour >= 12
    )
    assert blocked == _local(2027, 3, 2, 9)
    flat = best_time.Activity([0.0] * 24, [0.0] * 7, AudienceSource.ESTIMATE)
    assert best_time.choose(flat, MADRID, *tuesday) == _local(2027, 3, 2, 0)
    assert best_time.choose(activity, MADRID, NOW, NOW + timedelta(minutes=30)) is None


def test_candidates_skip_the_hour_clocks_spring_over() -> None:
    start, end = _local(2027, 3, 28, 0), _local(2027, 3, 29, 0)  # Madrid: 02:00 → 03:00
    hours = [h.astimezone(MADRID).hour for h in best_time.candidates(MADRID, start, end)]
    assert 2 not in hours and len(hours) == 23


def test_default_activity_peaks_at_the_default_hour() -> None:
    activity = best_time.default_activity(18)
    assert activity.by_hour.index(100.0) == 18 and activity.by_hour[6] == 0.0
    assert activity.by_hour[17] == activity.by_hour[19] > activity.by_hour[16]


# --- through the API ---------------------------------------------------------------------


def _agent(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _claim(api: Api, token: str) -> list[dict]:
    r = api.client.post("/v1/agents/claim", json={"idle": ["sim-01"]}, headers=_agent(token))
    assert r.status_code == 200, r.text
    return r.json()["leases"]


def _setup(api: Api, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(best_time, "utcnow", lambda: NOW)
    api.device()
    r = api.client.post(
        "/v1/accounts",
        json={
            "username": "acme.shop",
            "password": "hunter2-secret",
            "device": "sim-01",
            "timezone": "Europe/Madrid",
        },
        headers=api.as_("ops"),
    )
    assert r.status_code == 201, r.text
    return api.register_agent()


def _submit(api: Api, media: str, **fields: object) -> dict:
    body = {"account": "acme.shop", "kind": "feed", "media": [media], "caption": "hi"}
    body.update({"scheduled_at": "best"} | fields)
    return api.client.post("/v1/jobs", json=body, headers=api.as_("scheduler")).json()


def _read_insights(api: Api, token: str, by_hour: list[float], by_weekday: list[float]) -> None:
    r = api.client.post("/v1/accounts/acme.shop/audience/refresh", headers=api.as_("scheduler"))
    assert r.status_code == 202 and r.json()["refresh_requested_at"] is not None
    (lease,) = _claim(api, token)
    assert lease["purpose"] == "insights" and lease["job_id"] is None
    assert lease["account"] == "acme.shop" and lease["password"] is None
    r = api.client.post(
        f"/v1/leases/{lease['token']}/complete",
        json={
            "outcome": "audience_read",
            "audience": {"by_hour": by_hour, "by_weekday": by_weekday, "block_hours": 1},
        },
        headers=_agent(token),
    )
    assert r.status_code == 200 and r.json() == {"job_id": None, "state": "active"}, r.text


def test_best_without_data_is_the_default_hour(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    _setup(api, monkeypatch)
    media = api.upload()
    job = _submit(api, media)
    assert job["scheduled_at_requested"] == "best" and job["best_time_source"] == "default"
    assert job["timezone"] == "Europe/Madrid"
    assert job["scheduled_at_utc"].startswith("2027-03-01T17:00:00")  # 18:00 in Madrid
    assert job["scheduled_at"].startswith("2027-03-01T18:00:00+01:00")
    shown = api.client.get(f"/v1/jobs/{job['id']}", headers=api.as_("scheduler")).json()
    assert shown["scheduled_at_requested"] == "best" and shown["best_time_source"] == "default"
    plain = _submit(api, media, scheduled_at="2027-03-02T10:00:00+01:00")
    assert plain["scheduled_at_requested"] is None and plain["best_time_source"] is None
    audience = api.client.get("/v1/accounts/acme.shop/audience", headers=api.as_("scheduler"))
    assert audience.status_code == 200
    assert audience.json()["source"] == "default" and audience.json()["read_at"] is None
    moved = api.client.patch(
        f"/v1/jobs/{job['id']}",
        json={"scheduled_at": "2027-03-01T20:00:00+01:00"},
        headers=api.as_("scheduler"),
    ).json()
    assert moved["scheduled_at_requested"] is None and moved["best_time_source"] is None


def test_best_uses_the_phone_reading_within_a_day_and_keeps_the_pacing(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = _setup(api, monkeypatch)
    by_hour = [10.0] * 24
    by_hour[21], by_hour[9] = 500.0, 400.0
    _read_insights(api, token, by_hour, [5, 5, 5, 5, 5, 10, 5])
    audience = api.client.get("/v1/accounts/acme.shop/audience", headers=api.as_("scheduler"))
    body = audience.json()
    assert body["source"] == "insights" and body["by_hour"][21] == 100.0
    assert body["by_weekday"][5] == 100.0 and body["refresh_requested_at"] is None
    assert body["next_best_at"].startswith("2027-03-06T21:00:00")  # Saturday
    media = api.upload()
    week = _submit(api, media)
    assert week["best_time_source"] == "insights"
    assert week["scheduled_at"].startswith("2027-03-06T21:00:00+01:00")
    tuesday = _submit(api, media, best_within="2027-03-02", caption="tue")
    assert tuesday["scheduled_at"].startswith("2027-03-02T21:00:00+01:00")
    r = api.client.patch(
        "/v1/accounts/acme.shop", json={"min_gap_minutes": 120}, headers=api.as_("ops")
    )
    assert r.status_code == 200, r.text
    second = _submit(api, media, best_within="2027-03-02", caption="tue 2")
    assert second["scheduled_at"].startswith("2027-03-02T09:00:00+01:00")  # 21:00 is taken
    ranged = _submit(
        api,
        media,
        caption="range",
        best_within={"from": "2027-03-03T06:00:00", "to": "2027-03-03T12:00:00"},
    )
    assert ranged["scheduled_at"].startswith("2027-03-03T09:00:00+01:00")
    with Session(api.client.app.state.engine) as session:  # type: ignore[attr-defined]
        jobs = session.exec(select(Job).where(Job.best_time_source.is_not(None))).all()  # type: ignore[union-attr]
        assert len(jobs) == 4


def test_best_falls_back_to_the_estimate_of_published_posts(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = _setup(api, monkeypatch)
    media = api.upload()
    with Session(api.client.app.state.engine) as session:  # type: ignore[attr-defined]
        account = session.exec(select(Account)).one()
        for day in (20, 22, 24):  # published at 07:xx Madrid
            session.add(
                Job(
                    kind="feed",
                    account_id=account.id or 0,
                    state="published",
                    scheduled_at=_local(2027, 2, day, 7),
                    published_at=_local(2027, 2, day, 7) + timedelta(minutes=3),
                )
            )
        session.commit()
    # a personal account: the phone has no Insights, the estimate stays
    api.client.post("/v1/accounts/acme.shop/audience/refresh", headers=api.as_("scheduler"))
    (lease,) = _claim(api, token)
    r = api.client.post(
        f"/v1/leases/{lease['token']}/complete",
        json={"outcome": "failed", "error_code": "insights_unavailable"},
        headers=_agent(token),
    )
    assert r.status_code == 200 and r.json()["state"] == "active", r.text
    body = api.client.get("/v1/accounts/acme.shop/audience", headers=api.as_("scheduler")).json()
    assert body["source"] == "estimate" and body["by_hour"].index(100.0) == 7
    assert "insights_unavailable" in body["note"]
    job = _submit(api, media)
    assert job["best_time_source"] == "estimate"
    # Monday's 07:00 has passed; the posts went out on a Saturday, a Monday and a Wednesday:
    # Wednesday beats Tuesday
    assert job["scheduled_at"].startswith("2027-03-03T07:00:00+01:00")
    assert _claim(api, token) == []  # no new reading asked


def test_best_within_errors(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    _setup(api, monkeypatch)
    media = api.upload()
    cases = [
        ({"best_within": "2027-02-27"}, "best_within_past"),
        ({"best_within": {"from": "2027-03-03T12:00:00", "to": "2027-03-03T06:00:00"}}, None),
        ({"scheduled_at": "2027-03-02T10:00:00+01:00", "best_within": "2027-03-02"}, None),
        ({"scheduled_at": "soon"}, None),
        ({"best_within": "tuesday"}, None),
    ]
    codes = []
    for fields, _ in cases:
        r = api.client.post(
            "/v1/jobs",
            json={
                "account": "acme.shop",
                "kind": "feed",
                "media": [media],
                "scheduled_at": "best",
            }
            | fields,
            headers=api.as_("scheduler"),
        )
        assert r.status_code == 422, r.text
        codes.append(r.json()["error"]["code"])
    assert codes[:3] == ["best_within_past", "invalid_best_within", "best_within_without_best"]
    with Session(api.client.app.state.engine) as session:  # type: ignore[attr-defined]
        assert session.exec(select(Job)).all() == []


def test_batch_takes_best(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    _setup(api, monkeypatch)
    media = api.upload()
    row = {"account": "acme.shop", "kind": "feed", "media": [media], "caption": "b"}
    r = api.client.post(
        "/v1/jobs:batch",
        json={"jobs": [row | {"scheduled_at": "best", "best_within": "2027-03-04"}]},
        headers=api.as_("scheduler"),
    )
    assert r.status_code in (200, 201, 207), r.text
    (result,) = r.json()["rows"]
    job = api.client.get(f"/v1/jobs/{result['job_id']}", headers=api.as_("scheduler")).json()
    assert job["scheduled_at"].startswith("2027-03-04T18:00:00+01:00")
    assert job["best_time_source"] == "default"


def test_audience_of_an_unknown_account_is_404(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    _setup(api, monkeypatch)
    for path in ("/v1/accounts/nobody/audience", "/v1/accounts/nobody/audience/refresh"):
        method = api.client.get if path.endswith("audience") else api.client.post
        r = method(path, headers=api.as_("scheduler"))
        assert r.status_code == 404 and r.json()["error"]["code"] == "account_not_found"


# --- the dispatcher ------------------------------------------------------------------------


def _pass(api: Api) -> list[str]:
    app = api.client.app  # type: ignore[attr-defined]
    with Session(app.state.engine) as session:
        dispatcher.dispatch(session, app.state.settings)
        session.commit()
    return [lease["purpose"] for lease in _claim_all(api)]


def _claim_all(api: Api) -> list[dict]:
    return _claim(api, api.keys["__token"])


def test_insights_lease_only_when_idle_and_nothing_due_soon(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    api.keys["__token"] = _setup(api, monkeypatch)
    api.client.app.state.settings.audience_refresh_days = 7  # type: ignore[attr-defined]
    media = api.upload()
    due_in = (datetime.now(UTC) + timedelta(minutes=10)).isoformat()
    soon = api.job([media], when=due_in, caption="soon")
    assert _pass(api) == []  # a job due within audience_quiet_s: the phone waits for it
    r = api.client.post(f"/v1/jobs/{soon['id']}/cancel", headers=api.as_("scheduler"))
    assert r.status_code == 200, r.text
    later = (datetime.now(UTC) + timedelta(hours=3)).isoformat()
    api.job([media], when=later, caption="later")
    assert _pass(api) == ["insights"]  # never read: read it while the phone idles
    assert _pass(api) == []  # the phone is busy reading
    # a due job goes first: the reading waits
    api.job([media], caption="now")
    with Session(api.client.app.state.engine) as session:  # type: ignore[attr-defined]
        for lease in session.exec(select(Lease)).all():
            lease.state = "done"
            session.add(lease)
        session.commit()
    assert _pass(api) == ["publish"]


def test_refresh_is_read_even_when_readings_are_off(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = _setup(api, monkeypatch)
    assert _claim(api, token) == []  # audience_refresh_days=0: nothing by itself
    _read_insights(api, token, [float(h) for h in range(24)], [1, 2, 3, 4, 5, 6, 7])
    assert _claim(api, token) == []  # read: nothing more


def test_a_lost_reading_is_tried_again_only_after_the_retry_delay(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    api.keys["__token"] = _setup(api, monkeypatch)
    monkeypatch.undo()  # the real clock: the dispatcher's and the attempt's are the same
    app = api.client.app  # type: ignore[attr-defined]
    app.state.settings.audience_refresh_days = 7
    assert _pass(api) == ["insights"]
    with Session(app.state.engine) as session:  # the agent went quiet: the lease runs out
        lease = session.exec(select(Lease)).one()
        lease.expires_at = datetime.now(UTC) - timedelta(seconds=1)
        session.add(lease)
        session.commit()
        assert leases.sweep(session, app.state.settings) == 1
        session.commit()
    assert _pass(api) == []  # tried a moment ago
    with Session(app.state.engine) as session:
        row = session.exec(select(AudienceActivity)).one()
        assert row.read_at is None and row.attempted_at is not None
        row.attempted_at = datetime.now(UTC) - timedelta(seconds=3601)
        session.add(row)
        session.commit()
    assert _pass(api) == ["insights"]
