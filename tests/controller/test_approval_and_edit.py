"""Approval, expiry while awaiting approval, editing before the lease, pause/resume rules."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from controller.app import TICKS
from controller.db import session_scope
from controller.models import Job
from controller.timeutil import utcnow
from tests.controller.conftest import Api

FUTURE = "2030-06-01T09:00:00+00:00"


def _submit(api: Api, media: list[str], **extra: object) -> dict:
    body = {"account": "acme.shop", "kind": "feed", "media": media, "scheduled_at": FUTURE}
    r = api.client.post("/v1/jobs", json={**body, **extra}, headers=api.as_("scheduler"))
    assert r.status_code == 201, r.text
    return r.json()


def _post(api: Api, path: str, **kwargs: object) -> dict:
    r = api.client.post(path, headers=api.as_("scheduler"), **kwargs)  # type: ignore[arg-type]
    return {"status": r.status_code, **r.json()}


def _set_time(api: Api, job_id: int, delta: timedelta) -> None:
    with Session(api.client.app.state.engine) as session:  # type: ignore[attr-defined]
        job = session.get(Job, job_id)
        assert job is not None
        job.scheduled_at = utcnow() + delta
        session.add(job)
        session.commit()


def _expire(api: Api) -> int:
    app = api.client.app  # type: ignore[attr-defined]
    with session_scope(app.state.engine) as session:
        return TICKS["approvals"](session, app)  # type: ignore[return-value]


def test_every_background_tick_runs(api: Api) -> None:
    app = api.client.app  # type: ignore[attr-defined]
    assert set(TICKS) == {"sweep", "dispatch", "approvals", "offline", "webhooks", "cyclic", "mail"}
    for tick in TICKS.values():
        with session_scope(app.state.engine) as session:
            assert tick(session, app) == 0


def _ready(api: Api) -> str:
    api.device()
    api.account()
    return api.upload()


def test_approve_moves_pending_to_scheduled_with_history(api: Api) -> None:
    job = _submit(api, [_ready(api)], approval_required=True)
    assert job["state"] == "pending_approval" and job["approval_required"]
    approved = _post(api, f"/v1/jobs/{job['id']}/approve")
    assert approved["state"] == "scheduled" and approved["approved_at"]
    last = approved["events"][-1]
    assert (last["from_state"], last["to_state"], last["reason"]) == (
        "pending_approval",
        "scheduled",
        "approved",
    )
    assert last["actor"] == "scheduler:test-scheduler"
    again = _post(api, f"/v1/jobs/{job['id']}/approve")
    assert again["status"] == 409 and again["error"]["code"] == "not_pending_approval"


def test_account_setting_makes_jobs_need_approval(api: Api) -> None:
    media = _ready(api)
    r = api.client.patch(
        "/v1/accounts/acme.shop", json={"approval_required": True}, headers=api.as_("ops")
    )
    assert r.status_code == 200 and r.json()["approval_required"] is True
    assert _submit(api, [media])["state"] == "pending_approval"


def test_time_passing_while_pending_pauses_the_job(api: Api) -> None:
    media = _ready(api)
    late = _submit(api, [media], approval_required=True)
    on_time = _submit(api, [api.upload(seed=5)], approval_required=True)
    _set_time(api, late["id"], timedelta(minutes=-1))
    assert _expire(api) == 1
    read = api.client.get(f"/v1/jobs/{late['id']}", headers=api.as_("scheduler")).json()
    assert read["state"] == "paused"
    assert "awaiting approval" in read["events"][-1]["reason"]
    untouched = api.client.get(f"/v1/jobs/{on_time['id']}", headers=api.as_("scheduler"))
    assert untouched.json()["state"] == "pending_approval"
    # resuming needs a new time first, then it awaits approval again (never auto-approved)
    r = _post(api, f"/v1/jobs/{late['id']}/resume")
    assert r["status"] == 409 and r["error"]["code"] == "reschedule_required"
    r = api.client.patch(
        f"/v1/jobs/{late['id']}", json={"scheduled_at": FUTURE}, headers=api.as_("scheduler")
    )
    assert r.status_code == 200 and r.json()["state"] == "paused"
    assert _post(api, f"/v1/jobs/{late['id']}/resume")["state"] == "pending_approval"


def test_approving_too_late_pauses_and_says_so(api: Api) -> None:
    job = _submit(api, [_ready(api)], approval_required=True)
    _set_time(api, job["id"], timedelta(seconds=-5))
    r = _post(api, f"/v1/jobs/{job['id']}/approve")
    assert r["status"] == 409 and r["error"]["code"] == "approval_expired"
    read = api.client.get(f"/v1/jobs/{job['id']}", headers=api.as_("scheduler")).json()
    assert read["state"] == "paused"


def test_edit_caption_media_and_time_while_not_leased(api: Api) -> None:
    media = _ready(api)
    job = _submit(api, [media], caption="old", timezone="Europe/Madrid")
    other = api.upload(seed=9)
    r = api.client.patch(
        f"/v1/jobs/{job['id']}",
        json={"caption": "new", "media": [other], "scheduled_at": "2031-07-01T10:00:00"},
        headers=api.as_("scheduler"),
    )
    assert r.status_code == 200, r.text
    edited = r.json()
    assert edited["caption"] == "new" and edited["media"] == [other]
    # the naive time is read in the job's own zone (Madrid, summer: UTC+2)
    assert edited["scheduled_at_utc"].startswith("2031-07-01T08:00:00")
    assert edited["scheduled_at"].startswith("2031-07-01T10:00:00+02:00")
    event = edited["events"][-1]
    assert event["type"] == "edited" and event["data"]["fields"] == [
        "caption",
        "media",
        "scheduled_at",
    ]


def test_edit_checks_media_rules_and_time_zones(api: Api) -> None:
    media = _ready(api)
    job = _submit(api, [media])
    path = f"/v1/jobs/{job['id']}"
    h = api.as_("scheduler")
    r = api.client.patch(path, json={"media": [media, api.upload(seed=3)]}, headers=h)
    assert r.status_code == 422 and r.json()["error"]["code"] == "feed_item_count"
    r = api.client.patch(
        path, json={"scheduled_at": "2031-03-30T02:30:00", "timezone": "Europe/Madrid"}, headers=h
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "nonexistent_local_time"
    r = api.client.patch(path, json={"caption": "x", "colour": "red"}, headers=h)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_field"
    unchanged = api.client.get(path, headers=h).json()
    assert unchanged["caption"] == ""
    assert [e["type"] for e in unchanged["events"]] == ["state"]


def test_no_edit_once_leased_and_edit_after_approval_needs_approval_again(api: Api) -> None:
    media = _ready(api)
    token = api.register_agent()
    due = api.job([media])
    claimed = api.client.post(
        "/v1/agents/claim", json={"idle": ["sim-01"]}, headers={"Authorization": f"Bearer {token}"}
    ).json()["leases"]
    assert [lease["job_id"] for lease in claimed] == [due["id"]]
    r = api.client.patch(
        f"/v1/jobs/{due['id']}", json={"caption": "too late"}, headers=api.as_("scheduler")
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "job_not_editable"
    r = _post(api, f"/v1/jobs/{due['id']}/cancel")
    assert r["status"] == 409 and r["error"]["code"] == "illegal_transition"

    job = _submit(api, [api.upload(seed=4)], approval_required=True)
    assert _post(api, f"/v1/jobs/{job['id']}/approve")["state"] == "scheduled"
    r = api.client.patch(
        f"/v1/jobs/{job['id']}", json={"caption": "changed"}, headers=api.as_("scheduler")
    )
    assert r.json()["state"] == "pending_approval" and r.json()["approved_at"] is None


def test_pause_resume_and_retry_rules(api: Api) -> None:
    job = _submit(api, [_ready(api)])
    path = f"/v1/jobs/{job['id']}"
    r = _post(api, f"{path}/retry")
    assert r["status"] == 409 and r["error"]["code"] == "illegal_transition"
    assert _post(api, f"{path}/pause")["state"] == "paused"
    assert _post(api, f"{path}/pause")["status"] == 409
    resumed = _post(api, f"{path}/resume")
    assert resumed["state"] == "scheduled"
    assert resumed["scheduled_at_utc"].startswith("2030-06-01T09:00:00")
    assert _post(api, "/v1/jobs/999999/approve")["error"]["code"] == "job_not_found"
