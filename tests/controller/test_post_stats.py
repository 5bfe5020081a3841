"""Post statistics on the controller (SQLite and PostgreSQL): when the dispatcher opens a
stats lease (idle phone, nothing due soon, interval passed; never before due work), how the
readings are stored and matched to the farm's jobs, the API, the CSV export's formula-safe
cells, ownership, and `engagement_by_job`."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet
from sqlmodel import Session, select

from controller import best_time, post_stats
from controller.config import Settings
from controller.models import Account, Device, Job, Lease, PostStat
from controller.timeutil import utcnow
from tests.controller.conftest import Api

HOUR = 3600.0


@pytest.fixture
def settings(migrated_database_url: str, tmp_path) -> Settings:  # type: ignore[no-untyped-def]
    return Settings(
        data_dir=tmp_path / "var",
        database_url=migrated_database_url,
        secret_keys=[Fernet.generate_key().decode()],
        lease_ttl_s=30,
        retry_backoff_s=0,
        stats_interval_s=6 * HOUR,
        stats_margin_s=900,
        stats_max_posts=4,
        audience_refresh_days=0,  # no insights readings in the way (controller/best_time.py)
    )


def _h(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _claim(api: Api, token: str, idle: list[str]) -> list[dict]:
    r = api.client.post("/v1/agents/claim", json={"idle": idle}, headers=_h(token))
    assert r.status_code == 200, r.text
    return r.json()["leases"]


def _complete(api: Api, token: str, lease: int, body: dict, status: int = 200) -> dict:
    r = api.client.post(f"/v1/leases/{lease}/complete", json=body, headers=_h(token))
    assert r.status_code == status, r.text
    return r.json()


def _engine(api: Api) -> sa.Engine:
    return api.client.app.state.engine  # type: ignore[attr-defined]


def _in(hours: float) -> str:
    return (utcnow() + timedelta(hours=hours)).isoformat()


def _reading(position: int, caption: str, likes: int, comments: int, **extra: object) -> dict:
    return {
        "position": position,
        "kind": extra.pop("kind", "feed"),
        "post_ref": f"c:{position:016x}",
        "caption": caption,
        "likes": likes,
        "comments": comments,
        **extra,
    }


def _farm(api: Api, serials: tuple[str, ...]) -> str:
    for n, serial in enumerate(serials, start=1):
        api.device(serial)
        api.account(f"acct.{n}", serial)
    return api.register_agent("rack-1", serials)


def test_stats_lease_only_on_idle_phones_with_nothing_due_soon(api: Api) -> None:
    token = _farm(api, ("sim-01", "sim-02", "sim-03", "sim-04"))
    api.job([api.upload(seed=1)], account="acct.1", when=_in(10 / 60))  # due in 10 min
    api.job([api.upload(seed=2)], account="acct.2", when=_in(2))  # due in 2 h: far enough
    api.job([api.upload(seed=3)], account="acct.3")  # due now: publish, never stats first
    with Session(_engine(api)) as session:  # sim-04 is busy with something of the agent's
        device = session.exec(select(Device).where(Device.serial == "sim-04")).one()
        device.status = "busy"
        session.add(device)
        session.commit()

    leases = _claim(api, token, ["sim-01", "sim-02", "sim-03", "sim-04"])
    got = sorted((lease["device"], lease["purpose"], lease["account"]) for lease in leases)
    assert got == [("sim-02", "stats", "acct.2"), ("sim-03", "publish", "acct.3")]
    stats = next(lease for lease in leases if lease["purpose"] == "stats")
    assert stats["job_id"] is None and stats["max_posts"] == 4 and stats["password"] is None

    # a stats lease takes no progress events (it publishes nothing)
    r = api.client.post(
        f"/v1/leases/{stats['token']}/events", json={"type": "started"}, headers=_h(token)
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "login_lease"

    _complete(api, token, stats["token"], {"outcome": "stats_read", "readings": []})
    # read within the interval: no second reading, whatever the phone's idleness
    assert [x for x in _claim(api, token, ["sim-02"]) if x["purpose"] == "stats"] == []

    # six hours later it is due again
    with Session(_engine(api)) as session:
        lease = session.get(Lease, stats["token"])
        assert lease is not None
        lease.created_at = utcnow() - timedelta(hours=6, minutes=1)
        session.add(lease)
        session.commit()
    again = _claim(api, token, ["sim-02"])
    assert [(x["purpose"], x["account"]) for x in again] == [("stats", "acct.2")]


def test_a_due_job_wins_over_a_stats_reading(api: Api) -> None:
    token = _farm(api, ("sim-01",))
    first = _claim(api, token, ["sim-01"])
    assert [x["purpose"] for x in first] == ["stats"]
    _complete(api, token, first[0]["token"], {"outcome": "stats_read", "readings": []})
    with Session(_engine(api)) as session:  # the interval has passed again
        for lease in session.exec(select(Lease)).all():
            lease.created_at = utcnow() - timedelta(hours=7)
            session.add(lease)
        session.commit()
    job = api.job([api.upload(seed=9)], account="acct.1")
    leases = _claim(api, token, ["sim-01"])
    assert [(x["purpose"], x["job_id"]) for x in leases] == [("publish", job["id"])]


def test_disabled_by_default(api: Api, settings: Settings) -> None:
    api.client.app.state.settings.stats_interval_s = 0  # type: ignore[attr-defined]
    token = _farm(api, ("sim-01",))
    assert _claim(api, token, ["sim-01"]) == []


def _published_job(api: Api, token: str, caption: str, seed: int) -> int:
    job = api.job([api.upload(seed=seed)], account="acct.1", caption=caption)
    (lease,) = _claim(api, token, ["sim-01"])
    assert lease["purpose"] == "publish"
    _complete(api, token, lease["token"], {"outcome": "published"})
    return job["id"]


def _stats_lease(api: Api, token: str) -> dict:
    with Session(_engine(api)) as session:  # let the interval pass
        for lease in session.exec(select(Lease).where(Lease.purpose == "stats")).all():
            lease.created_at = utcnow() - timedelta(hours=7)
            session.add(lease)
        session.commit()
    (lease,) = _claim(api, token, ["sim-01"])
    assert lease["purpose"] == "stats"
    return lease


def test_readings_are_stored_matched_and_served(api: Api) -> None:
    token = _farm(api, ("sim-01",))
    first = _claim(api, token, ["sim-01"])  # the first reading of a fresh account
    _complete(api, token, first[0]["token"], {"outcome": "stats_read", "readings": []})
    spring = _published_job(api, token, "Spring collection is here #new", 1)
    summer = _published_job(api, token, "Summer sale starts today", 2)

    lease = _stats_lease(api, token)
    readings = [
        _reading(1, "Summer sale starts today", 120, 8),
        _reading(2, "Spring collection is here #new", 300, 20),
        _reading(3, '=HYPERLINK("http://x")', 5, 1),  # not the farm's post
        _reading(4, "a reel", 40, 2, kind="reel", views=2000),
    ]
    body = {"outcome": "stats_read", "readings": readings}
    assert _complete(api, token, lease["token"], body) == {"job_id": None, "state": "active"}
    # the agent re-sends an outcome it got no answer for: nothing is stored twice
    assert _complete(api, token, lease["token"], body) == {"job_id": None, "state": "active"}
    _complete(api, token, lease["token"], {"outcome": "failed", "error_code": "timeout"}, 409)

    later = _stats_lease(api, token)  # a second reading: the history grows
    _complete(
        api,
        token,
        later["token"],
        {"outcome": "stats_read", "readings": [_reading(1, "Summer sale starts today", 150, 9)]},
    )

    r = api.client.get(f"/v1/jobs/{summer}/stats", headers=api.as_("scheduler"))
    assert r.status_code == 200, r.text
    data = r.json()
    assert [(h["likes"], h["comments"]) for h in data["history"]] == [(120, 8), (150, 9)]
    assert data["latest"]["likes"] == 150 and data["latest"]["engagement"] == 159
    assert data["latest"]["posted_at"] is not None and data["kind"] == "feed"
    spring_stats = api.client.get(f"/v1/jobs/{spring}/stats", headers=api.as_("ops")).json()
    assert spring_stats["latest"]["likes"] == 300
    # ownership as for jobs: another scheduler key does not see the job or the account
    other = api.as_("scheduler_b")
    with Session(_engine(api)) as session:
        account = session.exec(select(Account).where(Account.username == "acct.1")).one()
        owner = session.exec(select(Job.api_key_id).where(Job.id == summer)).one()
        account.owner_key_id = owner
        session.add(account)
        session.commit()
    r = api.client.get(f"/v1/jobs/{summer}/stats", headers=other)
    assert r.status_code == 404 and r.json()["error"]["code"] == "job_not_found"
    r = api.client.get("/v1/accounts/acct.1/stats", headers=other)
    assert r.status_code == 404 and r.json()["error"]["code"] == "account_not_found"
    assert api.client.get("/v1/accounts/acct.1/stats.csv", headers=other).status_code == 404

    summary = api.client.get("/v1/accounts/acct.1/stats", headers=api.as_("scheduler")).json()
    # the latest reading of each post: 150+9, 300+20, 5+1, 40+2 (+2000 views)
    assert summary["totals"] == {"posts": 4, "likes": 495, "comments": 32, "views": 2000}
    assert summary["per_kind"]["reel"] == {"posts": 1, "likes": 40, "comments": 2, "views": 2000}
    assert [p["likes"] for p in summary["top_posts"]] == [300, 150, 40, 5]

    with Session(_engine(api)) as session:
        account_id = session.exec(select(Account.id).where(Account.username == "acct.1")).one()
        since = utcnow() - timedelta(hours=1)
        assert post_stats.engagement_by_job(session, account_id, since) == {
            summer: 159,
            spring: 320,
        }
        assert post_stats.engagement_by_job(session, account_id, utcnow() + timedelta(1)) == {}
        # best time to post weighs the account's posts by this engagement
        account = session.get(Account, account_id)
        assert account is not None
        weights = sorted(w for _, w in best_time.published_posts(session, account, utcnow()))
        assert weights == [159.0, 320.0]
        assert session.exec(select(sa.func.count()).select_from(PostStat)).one() == 5


def test_csv_cells_are_formula_safe(api: Api) -> None:
    token = _farm(api, ("sim-01",))
    (lease,) = _claim(api, token, ["sim-01"])
    dangerous = ["=1+2", "+SUM(A1)", "-3", "@cmd", "\tindent", "\rline", "plain, with comma"]
    readings = [_reading(n + 1, text, n, 0) for n, text in enumerate(dangerous)]
    _complete(api, token, lease["token"], {"outcome": "stats_read", "readings": readings})

    r = api.client.get("/v1/accounts/acct.1/stats.csv", headers=api.as_("scheduler"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0] == list(post_stats.CSV_COLUMNS)
    captions = [row[5] for row in rows[1:]]
    assert captions == [
        "'=1+2",
        "'+SUM(A1)",
        "'-3",
        "'@cmd",
        "'\tindent",
        "'\rline",
        "plain, with comma",
    ]
    assert all(row[1] == "acct.1" for row in rows[1:])


def test_csv_cell() -> None:
    assert post_stats.csv_cell(None) == ""
    assert post_stats.csv_cell(-4) == "'-4"  # a negative number would be a formula too
    assert post_stats.csv_cell(12) == "12"
    assert post_stats.csv_cell("ok=fine") == "ok=fine"


def test_a_failed_reading_holds_an_account_it_cannot_read(api: Api) -> None:
    token = _farm(api, ("sim-01",))
    (lease,) = _claim(api, token, ["sim-01"])
    body = {"outcome": "failed", "error_code": "auth_login_required", "error_message": "logged out"}
    assert _complete(api, token, lease["token"], body)["state"] == "needs_auth"
    # a publish outcome never settles it; a different outcome later is stale
    r = api.client.post(
        f"/v1/leases/{lease['token']}/complete",
        json={"outcome": "published"},
        headers=_h(token),
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_outcome"
    late = {"outcome": "stats_read", "readings": [_reading(1, "x", 1, 1)]}
    _complete(api, token, lease["token"], late, 409)
    assert _complete(api, token, lease["token"], body)["state"] == "needs_auth"


def test_stats_leases_per_pass_are_capped_oldest_reading_first(api: Api) -> None:
    api.client.app.state.settings.stats_per_pass = 1  # type: ignore[attr-defined]
    token = _farm(api, ("sim-01", "sim-02"))
    first = _claim(api, token, ["sim-01", "sim-02"])
    assert [x["account"] for x in first] == ["acct.1"]  # never read: by id
    second = _claim(api, token, ["sim-02"])
    assert [x["account"] for x in second] == ["acct.2"]


def test_story_readings_match_story_jobs_by_age(api: Api) -> None:
    token = _farm(api, ("sim-01",))
    first = _claim(api, token, ["sim-01"])
    _complete(api, token, first[0]["token"], {"outcome": "stats_read", "readings": []})
    story = api.job([api.upload(seed=4)], account="acct.1", kind="story")
    (lease,) = _claim(api, token, ["sim-01"])
    _complete(api, token, lease["token"], {"outcome": "published"})
    with Session(_engine(api)) as session:  # it went out 3 h 20 min ago
        job = session.get(Job, story["id"])
        assert job is not None
        job.published_at = utcnow() - timedelta(hours=3, minutes=20)
        session.add(job)
        session.commit()

    def story_reading(position: int, age_h: int, views: int) -> dict:
        return {
            "position": position,
            "kind": "story",
            "post_ref": f"s:{position}",
            "views": views,
            "date_label": f"{age_h}h",
            "age_s": age_h * 3600,
        }

    stats = _stats_lease(api, token)
    readings = [story_reading(1, 5, 70), story_reading(2, 3, 40), story_reading(3, 1, 9)]
    _complete(api, token, stats["token"], {"outcome": "stats_read", "readings": readings})

    data = api.client.get(f"/v1/jobs/{story['id']}/stats", headers=api.as_("scheduler")).json()
    assert [(h["views"], h["post_ref"], h["kind"]) for h in data["history"]] == [
        (40, f"s:job{story['id']}", "story")
    ]
    with Session(_engine(api)) as session:
        unmatched = session.exec(
            select(PostStat.views).where(PostStat.job_id.is_(None)).order_by(PostStat.id)  # type: ignore[union-attr]
        ).all()
    assert unmatched == [70, 9]
