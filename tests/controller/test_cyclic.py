"""Cyclic lists: random times inside the account's daily window (DST included), each post at
most once a day, repeats until the end date, the three pause reasons, resume, idempotency.

The planner is driven with a fake clock (`now`) and seeded random sources; the API tests use
the real clock and assert what holds whatever the time of day."""

from __future__ import annotations

import random
import threading
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from controller import accounts, cyclic
from controller.models import Account, ApiKey, CyclicJob, CyclicList, Job
from tests.controller.conftest import Api

MADRID = ZoneInfo("Europe/Madrid")


def _account(api: Api, tz: str = "Europe/Madrid", gap_minutes: float | None = None) -> None:
    api.device()
    r = api.client.post(
        "/v1/accounts",
        json={
            "username": "acme.shop",
            "password": "hunter2-secret",
            "device": "sim-01",
            "timezone": tz,
        },
        headers=api.as_("ops"),
    )
    assert r.status_code == 201, r.text
    if gap_minutes is not None:
        r = api.client.patch(
            "/v1/accounts/acme.shop",
            json={"min_gap_minutes": gap_minutes},
            headers=api.as_("ops"),
        )
        assert r.status_code == 200, r.text


def _posts(api: Api, count: int) -> list[dict]:
    return [
        {"kind": "feed", "media": [api.upload(seed=i)], "caption": f"post {i}"}
        for i in range(count)
    ]


def _create(api: Api, posts: list[dict], **over: object) -> dict:
    body = {
        "account": "acme.shop",
        "name": "evergreen",
        "window_start": "09:00",
        "window_end": "21:00",
        "posts_per_day": 2,
        "start_date": "2027-03-01",
        "end_date": "2027-12-31",
        "seed": 7,
        "posts": posts,
        **over,
    }
    r = api.client.post("/v1/cyclic-lists", json=body, headers=api.as_("scheduler"))
    assert r.status_code == 201, r.text
    return r.json()


def _engine(api: Api):  # type: ignore[no-untyped-def]
    return api.client.app.state.engine  # type: ignore[attr-defined]


def _settings(api: Api):  # type: ignore[no-untyped-def]
    return api.client.app.state.settings  # type: ignore[attr-defined]


def _pass(api: Api, now: datetime) -> int:
    with Session(_engine(api)) as s:
        made = cyclic.run_pass(s, _settings(api), now)
        s.commit()
        return made


def _day(api: Api, list_id: int, day: date) -> list[tuple[int, datetime]]:
    """(post id, UTC time) of the list's jobs of `day` that are not cancelled."""
    with Session(_engine(api)) as s:
        lst = s.get(CyclicList, list_id)
        assert lst is not None
        return [(cj.post_id, job.scheduled_at) for cj, job in cyclic.day_jobs(s, lst, day)]


def _list(api: Api, list_id: int) -> dict:
    r = api.client.get(f"/v1/cyclic-lists/{list_id}", headers=api.as_("scheduler"))
    assert r.status_code == 200, r.text
    return r.json()


def _evening(day: date) -> datetime:
    """22:00 of `day` in Madrid (its window over): the fake clock of a planning pass, which
    then plans only the next day."""
    return datetime.combine(day, time(22, 0), tzinfo=MADRID).astimezone(UTC)


# --- the planner's pure parts ----------------------------------------------------------------


def test_pick_times_keeps_the_gap_the_bounds_and_the_fixed_times() -> None:
    lo = datetime(2027, 5, 1, 8, 0, tzinfo=UTC)
    hi = lo + timedelta(hours=2)
    fixed = [lo + timedelta(minutes=50)]
    for seed in range(50):
        times = cyclic.pick_times(random.Random(seed), lo, hi, 3, 1800, fixed)
        assert len(times) == 3
        assert all(lo <= t <= hi for t in times)
        everything = sorted(times + fixed)
        assert all(b - a >= timedelta(minutes=30) for a, b in pairwise(everything))
    # 2 h with 30 min gaps holds 5 times; a fixed one at 08:50 leaves 08:00-08:20 (1) and
    # 09:20-10:00 (2)
    assert len(cyclic.pick_times(random.Random(1), lo, hi, 9, 1800)) == 5
    assert len(cyclic.pick_times(random.Random(1), lo, hi, 9, 1800, fixed)) == 3
    # the same seed gives the same times, another seed others
    one = cyclic.pick_times(random.Random(3), lo, hi, 3, 600)
    assert one == cyclic.pick_times(random.Random(3), lo, hi, 3, 600)
    assert one != cyclic.pick_times(random.Random(4), lo, hi, 3, 600)


def test_window_bounds_follow_dst() -> None:
    # 2027-03-28: Madrid skips 02:00-03:00; 2027-10-31: it repeats 02:00-03:00
    lo, hi = cyclic.window_utc(date(2027, 3, 28), time(1), time(5), "Europe/Madrid")
    assert (lo, hi) == (datetime(2027, 3, 28, 0, tzinfo=UTC), datetime(2027, 3, 28, 3, tzinfo=UTC))
    lo, hi = cyclic.window_utc(date(2027, 10, 31), time(1), time(5), "Europe/Madrid")
    assert hi - lo == timedelta(hours=5)
    # a bound inside the skipped hour stays inside the window as lived
    lo, hi = cyclic.window_utc(date(2027, 3, 28), time(2, 30), time(4), "Europe/Madrid")
    assert lo.astimezone(MADRID).time() >= time(3) and hi.astimezone(MADRID).time() == time(4)
    lo, hi = cyclic.window_utc(date(2027, 3, 28), time(1), time(2, 30), "Europe/Madrid")
    assert hi.astimezone(MADRID).time() < time(2)


# --- planning through the database (SQLite and PostgreSQL) ------------------------------------


@pytest.mark.parametrize("day", [date(2027, 3, 28), date(2027, 10, 31)])
def test_next_day_times_stay_in_the_local_window_across_dst(api: Api, day: date) -> None:
    _account(api, gap_minutes=20)
    lst = _create(api, _posts(api, 6), window_start="01:00", window_end="05:00", posts_per_day=6)
    assert _pass(api, _evening(day - timedelta(days=1))) == 6
    planned = _day(api, lst["id"], day)
    assert len(planned) == 6
    assert len({post for post, _ in planned}) == 6  # never the same post twice that day
    lo, hi = cyclic.window_utc(day, time(1), time(5), "Europe/Madrid")
    for _, when in planned:
        local = when.astimezone(MADRID)
        assert local.date() == day and time(1) <= local.time() <= time(5), local
        assert lo <= when <= hi
    times = sorted(t for _, t in planned)
    assert all(b - a >= timedelta(minutes=20) for a, b in pairwise(times))
    # the API shows them in the account's zone, with their list
    r = api.client.get(
        f"/v1/cyclic-lists/{lst['id']}/plan",
        params={"day": day.isoformat()},
        headers=api.as_("scheduler"),
    )
    assert r.status_code == 200, r.text
    plan = r.json()
    assert plan["timezone"] == "Europe/Madrid" and len(plan["jobs"]) == 6
    for job in plan["jobs"]:
        assert job["cyclic_list"] == lst["id"] and job["timezone"] == "Europe/Madrid"
        shown = datetime.fromisoformat(job["scheduled_at"])
        assert shown.utcoffset() == shown.astimezone(MADRID).utcoffset()


def test_each_post_once_a_day_repeating_until_the_end_date(api: Api) -> None:
    _account(api)
    lst = _create(
        api, _posts(api, 3), posts_per_day=2, start_date="2027-05-10", end_date="2027-05-12"
    )
    made = {
        d: _pass(api, _evening(d)) for d in (date(2027, 5, 8) + timedelta(days=i) for i in range(5))
    }
    # the pass on the 9th plans the 10th, ... the 11th plans the 12th, the 12th plans nothing
    assert list(made.values()) == [0, 2, 2, 2, 0]
    days = [date(2027, 5, 10), date(2027, 5, 11), date(2027, 5, 12)]
    per_day = [_day(api, lst["id"], d) for d in days]
    assert all(len(p) == 2 and len({post for post, _ in p}) == 2 for p in per_day)
    used = Counter(post for p in per_day for post, _ in p)
    assert set(used) == {p["id"] for p in _list(api, lst["id"])["posts"]}  # posts repeat
    assert _day(api, lst["id"], date(2027, 5, 13)) == []
    # the day after the end date the list pauses: its period ended
    assert _pass(api, _evening(date(2027, 5, 13))) == 0
    out = _list(api, lst["id"])
    assert (out["state"], out["pause_reason"]) == ("paused", "period_ended")
    assert "2027-05-12" in out["pause_detail"]


def test_planning_twice_makes_nothing_more(api: Api) -> None:
    _account(api)
    lst = _create(api, _posts(api, 4), posts_per_day=3)
    now = _evening(date(2027, 6, 1))
    assert _pass(api, now) == 3
    assert _pass(api, now) == 0
    assert _pass(api, now + timedelta(hours=1)) == 0  # still the same day in Madrid
    with Session(_engine(api)) as s:
        row = s.get(CyclicList, lst["id"])
        assert row is not None
        # even a planner that missed the first pass (last_planned_day not seen) adds nothing
        row.last_planned_day = None
        assert len(cyclic.plan_list(s, row, _settings(api), now)) == 0
        s.commit()
        keys = s.exec(select(Job.idempotency_key)).all()
    assert len(keys) == 3
    assert all(k and k.startswith(f"cyclic:{lst['id']}:0:2027-06-02:") for k in keys)


def test_two_planners_at_once_plan_each_slot_once(api: Api) -> None:
    _account(api)
    lists = [_create(api, _posts(api, 3), name=f"l{i}", posts_per_day=3) for i in range(3)]
    now = _evening(date(2027, 6, 1))
    barrier = threading.Barrier(2)
    made: list[int] = []
    errors: list[BaseException] = []

    def planner() -> None:
        try:
            barrier.wait()
            made.append(_pass(api, now))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=planner) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    assert sum(made) == 9
    for lst in lists:
        assert len(_day(api, lst["id"], date(2027, 6, 2))) == 3


def test_too_few_posts_pauses_and_says_which(api: Api) -> None:
    _account(api, gap_minutes=60)
    few = _create(api, _posts(api, 2), name="few", posts_per_day=3)
    tight = _create(
        api,
        _posts(api, 3),
        name="tight",
        posts_per_day=3,
        window_start="09:00",
        window_end="10:30",
    )
    assert _pass(api, _evening(date(2027, 6, 1))) == 0
    out = _list(api, few["id"])
    assert (out["state"], out["pause_reason"]) == ("paused", "too_few_posts")
    assert "2 post(s) for 3 a day" in out["pause_detail"]
    out = _list(api, tight["id"])
    assert (out["state"], out["pause_reason"]) == ("paused", "too_few_posts")
    assert "do not fit in 09:00-10:30" in out["pause_detail"]
    # resume refuses while the reason holds
    r = api.client.post(f"/v1/cyclic-lists/{few['id']}/resume", headers=api.as_("scheduler"))
    assert r.status_code == 409 and r.json()["error"]["code"] == "cyclic_too_few_posts"
    # a third post is enough: the list resumes by itself and plans
    r = api.client.post(
        f"/v1/cyclic-lists/{few['id']}/posts",
        json={"kind": "feed", "media": [api.upload(seed=40)], "caption": "third"},
        headers=api.as_("scheduler"),
    )
    assert r.status_code == 201, r.text
    assert (r.json()["state"], r.json()["pause_reason"]) == ("active", "")
    # a wider window fits the tight one: edit, then resume
    r = api.client.patch(
        f"/v1/cyclic-lists/{tight['id']}",
        json={"window_end": "12:00"},
        headers=api.as_("scheduler"),
    )
    assert r.status_code == 200 and r.json()["state"] == "active", r.text


def test_broken_permissions_pause_cancel_and_resume_replans(api: Api) -> None:
    _account(api)
    lst = _create(api, _posts(api, 3), posts_per_day=2)
    day = date(2027, 6, 2)
    assert _pass(api, _evening(day - timedelta(days=1))) == 2
    first = _day(api, lst["id"], day)
    with Session(_engine(api)) as s:
        account = s.exec(select(Account)).one()
        accounts.hold(s, account, "needs_auth", "login_required: Instagram logged the app out")
        s.commit()
    assert _pass(api, _evening(day - timedelta(days=1)) + timedelta(minutes=5)) == 0
    out = _list(api, lst["id"])
    assert (out["state"], out["pause_reason"]) == ("paused", "permissions_broke")
    assert "needs_auth" in out["pause_detail"] and out["next_jobs"] == []
    assert _day(api, lst["id"], day) == []  # the planned jobs were cancelled
    r = api.client.post(f"/v1/cyclic-lists/{lst['id']}/resume", headers=api.as_("scheduler"))
    assert r.status_code == 409 and r.json()["error"]["code"] == "cyclic_permissions_broke"
    r = api.client.post(
        "/v1/accounts/acme.shop/reauth", json={"login": False}, headers=api.as_("ops")
    )
    assert r.status_code == 200, r.text
    # resume with the fake clock: a new revision plans the day again
    with Session(_engine(api)) as s:
        row = cyclic.locked(s, lst["id"])
        assert row is not None
        made = cyclic.resume(s, row, _settings(api), _evening(day - timedelta(days=1)))
        s.commit()
        assert row.state == "active" and row.revision == 1
    assert len(made) == 2
    again = _day(api, lst["id"], day)
    assert len(again) == 2 and again != first  # another revision: other random times
    with Session(_engine(api)) as s:
        states = Counter(
            job.state
            for _, job in s.exec(
                select(CyclicJob, Job).join(Job, Job.id == CyclicJob.job_id)  # type: ignore[arg-type]
            ).all()
        )
    assert states == {"cancelled": 2, "scheduled": 2}


def test_editing_replans_unpublished_jobs_keeping_the_published(api: Api) -> None:
    _account(api)
    lst = _create(api, _posts(api, 4), posts_per_day=3, window_start="08:00")
    day = date(2027, 6, 2)
    assert _pass(api, _evening(day - timedelta(days=1))) == 3
    planned = sorted(_day(api, lst["id"], day), key=lambda p: p[1])
    # the first post of the day went out; at midday the list is edited
    with Session(_engine(api)) as s:
        lst_row = s.get(CyclicList, lst["id"])
        cj, job = cyclic.day_jobs(s, lst_row, day)[0]  # type: ignore[arg-type]
        job.state, job.published_at = "published", job.scheduled_at
        s.add(job)
        s.commit()
        published_post = cj.post_id
    edit_time = planned[0][1] + timedelta(minutes=1)
    with Session(_engine(api)) as s:
        row = cyclic.locked(s, lst["id"])
        assert row is not None
        row.posts_per_day = 2
        cyclic.replan(s, row, _settings(api), edit_time)
        s.commit()
    now_planned = _day(api, lst["id"], day)
    posts = [p for p, _ in now_planned]
    assert len(now_planned) == 2 and published_post in posts and len(set(posts)) == 2
    later = [t for p, t in now_planned if p != published_post]
    assert all(t >= edit_time for t in later)


def test_api_lists_jobs_with_their_list_and_validates_posts_like_jobs(api: Api) -> None:
    _account(api, tz="America/New_York")
    r = api.client.patch(
        "/v1/accounts/acme.shop", json={"owner": "test-scheduler"}, headers=api.as_("ops")
    )
    assert r.status_code == 200, r.text
    today = datetime.now(UTC).astimezone(ZoneInfo("America/New_York")).date()
    lst = _create(
        api,
        _posts(api, 3),
        posts_per_day=2,
        window_start="00:00",
        window_end="23:59",
        start_date=today.isoformat(),
        end_date=(today + timedelta(days=30)).isoformat(),
    )
    assert lst["state"] == "active" and lst["timezone"] == "America/New_York"
    tomorrow = today + timedelta(days=1)
    assert sum(1 for j in lst["next_jobs"] if j["day"] == tomorrow.isoformat()) == 2
    r = api.client.get(f"/v1/cyclic-lists/{lst['id']}/plan", headers=api.as_("scheduler"))
    plan = r.json()
    assert plan["day"] == tomorrow.isoformat() and len(plan["jobs"]) == 2
    ids = {j["id"] for j in plan["jobs"]}
    page = api.client.get("/v1/jobs", headers=api.as_("scheduler")).json()["jobs"]
    assert {j["id"] for j in page if j["cyclic_list"] == lst["id"]} >= ids
    # planning on demand again adds nothing
    r = api.client.post(f"/v1/cyclic-lists/{lst['id']}/plan", headers=api.as_("scheduler"))
    assert r.status_code == 200 and {j["id"] for j in r.json()["jobs"]} == ids
    # posts are validated like jobs
    other_key_media = api.upload(seed=99, role="scheduler_b")
    for post, code in (
        ({"kind": "story", "media": [api.upload(seed=50)], "caption": "hi"}, "caption_not_allowed"),
        ({"kind": "carousel", "media": [api.upload(seed=51)]}, "carousel_item_count"),
        ({"kind": "feed", "media": [other_key_media]}, "media_not_found"),
        ({"kind": "note", "media": [api.upload(seed=52)]}, "invalid_field"),
    ):
        r = api.client.post(
            f"/v1/cyclic-lists/{lst['id']}/posts", json=post, headers=api.as_("scheduler")
        )
        assert r.status_code == 422 and r.json()["error"]["code"] == code, (code, r.text)
    # bad settings
    for change, code in (
        ({"window_start": "22:00", "window_end": "08:00"}, "invalid_window"),
        ({"start_date": "2027-02-01", "end_date": "2027-01-01"}, "invalid_period"),
    ):
        r = api.client.patch(
            f"/v1/cyclic-lists/{lst['id']}", json=change, headers=api.as_("scheduler")
        )
        assert r.status_code == 422 and r.json()["error"]["code"] == code, r.text
    # another scheduler key does not see it (the account is the first key's)
    r = api.client.get(f"/v1/cyclic-lists/{lst['id']}", headers=api.as_("scheduler_b"))
    assert r.status_code == 404 and r.json()["error"]["code"] == "cyclic_list_not_found"
    # pause cancels the planned jobs; resume plans again
    r = api.client.post(f"/v1/cyclic-lists/{lst['id']}/pause", headers=api.as_("scheduler"))
    assert r.json()["pause_reason"] == "paused_by_user" and r.json()["next_jobs"] == []
    r = api.client.post(f"/v1/cyclic-lists/{lst['id']}/resume", headers=api.as_("scheduler"))
    assert r.status_code == 200 and r.json()["state"] == "active"
    assert sum(1 for j in r.json()["next_jobs"] if j["day"] == tomorrow.isoformat()) == 2
    # delete: the list goes, its unpublished jobs are cancelled
    assert (
        api.client.delete(f"/v1/cyclic-lists/{lst['id']}", headers=api.as_("scheduler")).status_code
        == 204
    )
    assert api.client.get("/v1/cyclic-lists", headers=api.as_("scheduler")).json() == []
    left = api.client.get(
        "/v1/jobs", params={"state": "scheduled"}, headers=api.as_("scheduler")
    ).json()["jobs"]
    assert [j for j in left if j["cyclic_list"] == lst["id"]] == []


def test_a_list_job_is_leased_and_published_like_any_job(api: Api) -> None:
    _account(api, tz="UTC")
    token = api.register_agent()
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    lst = _create(
        api,
        _posts(api, 2),
        posts_per_day=1,
        window_start="00:00",
        window_end="23:59",
        start_date=yesterday.isoformat(),
        end_date=(yesterday + timedelta(days=30)).isoformat(),
    )
    # planned by a pass that ran the evening before (fake clock): due now on the real one
    with Session(_engine(api)) as s:
        row = cyclic.locked(s, lst["id"])
        assert row is not None
        row.last_planned_day = None
        made = cyclic.replan(
            s, row, _settings(api), datetime.combine(yesterday, time(0, 0), tzinfo=UTC)
        )
        s.commit()
        job_id = next(j.id for j in made if j.scheduled_at.date() == yesterday)
    agent = {"Authorization": f"Bearer {token}"}
    r = api.client.post("/v1/agents/claim", json={"idle": ["sim-01"]}, headers=agent)
    assert r.status_code == 200, r.text
    (lease,) = r.json()["leases"]
    assert lease["job_id"] == job_id and lease["account"] == "acme.shop"
    r = api.client.post(
        f"/v1/leases/{lease['token']}/complete", json={"outcome": "published"}, headers=agent
    )
    assert r.status_code == 200 and r.json()["state"] == "published", r.text
    job = api.client.get(f"/v1/jobs/{job_id}", headers=api.as_("scheduler")).json()
    assert job["state"] == "published" and job["cyclic_list"] == lst["id"]
    assert job["events"][0]["actor"] == f"cyclic:{lst['id']}"


def test_editing_or_removing_a_post_replans_with_the_new_content(api: Api) -> None:
    _account(api, tz="UTC")
    today = datetime.now(UTC).date()
    lst = _create(
        api,
        _posts(api, 2),
        posts_per_day=2,
        window_start="00:00",
        window_end="23:59",
        start_date=(today + timedelta(days=1)).isoformat(),
        end_date=(today + timedelta(days=5)).isoformat(),
    )
    before = {j["job_id"] for j in lst["next_jobs"]}
    assert len(before) == 2  # tomorrow's two
    post = lst["posts"][0]["id"]
    r = api.client.patch(
        f"/v1/cyclic-lists/{lst['id']}/posts/{post}",
        json={"caption": "now 20% off"},
        headers=api.as_("scheduler"),
    )
    assert r.status_code == 200, r.text
    after = r.json()["next_jobs"]
    assert len(after) == 2 and not before & {j["job_id"] for j in after}
    edited = next(j for j in after if j["post_id"] == post)
    job = api.client.get(f"/v1/jobs/{edited['job_id']}", headers=api.as_("scheduler")).json()
    assert job["caption"] == "now 20% off"
    for old in before:
        job = api.client.get(f"/v1/jobs/{old}", headers=api.as_("scheduler")).json()
        assert job["state"] == "cancelled" and job["events"][-1]["reason"] == (
            "cyclic list re-planned"
        )
    r = api.client.patch(
        f"/v1/cyclic-lists/{lst['id']}/posts/{post}",
        json={"media": [api.upload(seed=70), api.upload(seed=71)]},
        headers=api.as_("scheduler"),
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "feed_item_count", r.text
    # removing a post leaves one for two a day: too few posts
    r = api.client.delete(
        f"/v1/cyclic-lists/{lst['id']}/posts/{post}", headers=api.as_("scheduler")
    )
    assert r.status_code == 200, r.text
    out = r.json()
    assert (out["state"], out["pause_reason"], out["next_jobs"]) == ("paused", "too_few_posts", [])
    r = api.client.delete(
        f"/v1/cyclic-lists/{lst['id']}/posts/{post}", headers=api.as_("scheduler")
    )
    assert r.status_code == 404 and r.json()["error"]["code"] == "cyclic_post_not_found"


def test_a_sub_users_list_awaits_its_leader_and_stops_with_its_key(api: Api) -> None:
    """Teams: a sub-user's list makes jobs awaiting the leader's approval (as its posts do);
    another sub-user cannot change it; deleting the sub-user cancels its list's jobs and the
    list pauses, its permissions gone."""
    api.device()
    team = api.client.post("/v1/teams", json={"name": "acme"}, headers=api.as_("scheduler"))
    assert team.status_code == 201, team.text
    r = api.client.post(
        "/v1/accounts",
        json={"username": "team.shop", "password": "hunter2-secret", "timezone": "UTC"},
        headers=api.as_("scheduler"),
    )
    assert r.status_code == 201, r.text
    for name in ("ana", "bob"):
        r = api.client.post(
            f"/v1/teams/{team.json()['id']}/members",
            json={"name": name},
            headers=api.as_("scheduler"),
        )
        assert r.status_code == 201, r.text
        api.keys[name] = r.json()["key"]
    tomorrow = datetime.now(UTC).date() + timedelta(days=1)
    posts = [
        {"kind": "feed", "media": [api.upload(seed=80 + n, role="ana")], "caption": f"p{n}"}
        for n in range(2)
    ]
    r = api.client.post(
        "/v1/cyclic-lists",
        json={
            "account": "team.shop",
            "name": "ana's",
            "window_start": "00:00",
            "window_end": "23:59",
            "posts_per_day": 2,
            "start_date": tomorrow.isoformat(),
            "end_date": (tomorrow + timedelta(days=3)).isoformat(),
            "posts": posts,
        },
        headers=api.as_("ana"),
    )
    assert r.status_code == 201, r.text
    lst = r.json()
    assert [j["state"] for j in lst["next_jobs"]] == ["pending_approval"] * 2
    r = api.client.post(f"/v1/cyclic-lists/{lst['id']}/pause", headers=api.as_("bob"))
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_your_list"
    assert api.client.get(f"/v1/cyclic-lists/{lst['id']}", headers=api.as_("bob")).is_success
    job_id = lst["next_jobs"][0]["job_id"]
    r = api.client.post(f"/v1/jobs/{job_id}/approve", headers=api.as_("scheduler"))
    assert r.status_code == 200 and r.json()["state"] == "scheduled", r.text
    # the leader deletes ana: her list's jobs not on a phone go, and the list pauses
    with Session(_engine(api)) as s:
        ana = s.exec(select(ApiKey).where(ApiKey.name == "ana")).one()
    r = api.client.delete(
        f"/v1/teams/{team.json()['id']}/members/{ana.id}", headers=api.as_("scheduler")
    )
    assert r.status_code in (200, 204), r.text
    assert _list(api, lst["id"])["next_jobs"] == []
    assert _pass(api, datetime.now(UTC) + timedelta(days=1)) == 0
    out = _list(api, lst["id"])
    assert (out["state"], out["pause_reason"]) == ("paused", "permissions_broke")
    assert "revoked" in out["pause_detail"]
