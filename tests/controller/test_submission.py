"""Submitting jobs: validation with precise codes, idempotency, time zones, media upload."""

from __future__ import annotations

from sqlmodel import Session, func, select

from controller.models import Job, MediaAsset
from controller.timeutil import utcnow
from tests.controller.conftest import Api


def _error(r) -> str:  # type: ignore[no-untyped-def]
    body = r.json()
    assert set(body) == {"error"}, body
    assert body["error"]["message"]
    return body["error"]["code"]


def _count(api: Api, model) -> int:  # type: ignore[no-untyped-def]
    with Session(api.client.app.state.engine) as s:  # type: ignore[attr-defined]
        return s.exec(select(func.count()).select_from(model)).one()


def test_upload_is_content_addressed(api: Api) -> None:
    first = api.upload(seed=1)
    again = api.upload(seed=1)
    other = api.upload(seed=2)
    assert first == again != other
    assert len(first) == 64
    assert _count(api, MediaAsset) == 2
    info = api.client.get(f"/v1/media/{first}", headers=api.as_("scheduler")).json()
    assert (info["media_type"], info["width"], info["height"]) == ("image", 1080, 1080)


def test_upload_rejects_text_named_jpg(api: Api) -> None:
    r = api.client.post(
        "/v1/media",
        files={"file": ("photo.jpg", b"this is not an image at all", "image/jpeg")},
        headers=api.as_("scheduler"),
    )
    assert r.status_code == 422
    assert _error(r) == "unsupported_format"
    assert _count(api, MediaAsset) == 0


def test_upload_rejects_empty_file(api: Api) -> None:
    r = api.client.post(
        "/v1/media", files={"file": ("a.jpg", b"", "image/jpeg")}, headers=api.as_("scheduler")
    )
    assert r.status_code == 422 and _error(r) == "empty_file"


def test_submit_and_read_job_with_events(api: Api) -> None:
    api.device()
    api.account()
    media = api.upload()
    job = api.job([media], when="2030-06-01T10:00:00+02:00", caption="summer")
    assert job["state"] == "scheduled"
    assert job["scheduled_at_utc"].startswith("2030-06-01T08:00:00")
    assert job["scheduled_at"].startswith("2030-06-01T10:00:00+02:00")
    assert job["device"] == "sim-01" and job["media"] == [media]
    read = api.client.get(f"/v1/jobs/{job['id']}", headers=api.as_("scheduler")).json()
    assert [(e["from_state"], e["to_state"]) for e in read["events"]] == [(None, "scheduled")]


def test_timezone_name_is_echoed_back(api: Api) -> None:
    api.device()
    api.account()
    r = api.client.post(
        "/v1/jobs",
        json={
            "account": "acme.shop",
            "kind": "feed",
            "media": [api.upload()],
            "scheduled_at": "2030-01-15T09:00:00",
            "timezone": "America/New_York",
        },
        headers=api.as_("scheduler"),
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["scheduled_at_utc"].startswith("2030-01-15T14:00:00")
    assert body["scheduled_at"].startswith("2030-01-15T09:00:00-05:00")
    assert body["timezone"] == "America/New_York"


def test_spring_forward_gap_is_refused(api: Api) -> None:
    api.device()
    api.account()
    r = api.client.post(
        "/v1/jobs",
        json={
            "account": "acme.shop",
            "kind": "feed",
            "media": [api.upload()],
            "scheduled_at": "2030-03-31T02:30:00",
            "timezone": "Europe/Madrid",
        },
        headers=api.as_("scheduler"),
    )
    assert r.status_code == 422 and _error(r) == "nonexistent_local_time"


def test_bad_submissions_get_precise_codes_and_write_nothing(api: Api) -> None:
    api.device()
    api.account()
    media = api.upload()
    base = {
        "account": "acme.shop",
        "kind": "feed",
        "media": [media],
        "scheduled_at": "2030-01-01T00:00:00Z",
    }
    cases = {
        "account_not_found": {**base, "account": "nobody"},
        "timezone_required": {**base, "scheduled_at": "2030-01-01T00:00:00"},
        "unknown_timezone": {
            **base,
            "scheduled_at": "2030-01-01T00:00:00",
            "timezone": "Mars/Olympus",
        },
        "media_not_found": {**base, "media": ["0" * 64]},
        "carousel_item_count": {**base, "kind": "carousel"},
        "missing_field": {k: v for k, v in base.items() if k != "kind"},
        "invalid_field": {**base, "kind": "tweet"},
    }
    for code, body in cases.items():
        r = api.client.post("/v1/jobs", json=body, headers=api.as_("scheduler"))
        assert r.status_code == 422, (code, r.text)
        assert _error(r) == code, (code, r.text)
    r = api.client.post(
        "/v1/jobs",
        content=b"{not json",
        headers={**api.as_("scheduler"), "content-type": "application/json"},
    )
    assert r.status_code == 422 and _error(r) == "invalid_json"
    assert _count(api, Job) == 0


def test_account_on_unknown_device_is_refused(api: Api) -> None:
    r = api.client.post(
        "/v1/accounts",
        json={"username": "x.y", "password": "pw", "device": "ghost"},
        headers=api.as_("ops"),
    )
    assert r.status_code == 422 and _error(r) == "device_not_found"


def test_username_registered_once(api: Api) -> None:
    api.device()
    api.account()
    r = api.client.post(
        "/v1/accounts",
        json={"username": "acme.shop", "password": "pw", "device": "sim-01"},
        headers=api.as_("ops"),
    )
    assert r.status_code == 409 and _error(r) == "username_taken"


def test_password_never_returned(api: Api) -> None:
    api.device()
    api.account()
    listing = api.client.get("/v1/accounts", headers=api.as_("ops")).text
    assert "hunter2-secret" not in listing and "password" not in listing


def test_idempotent_submission(api: Api) -> None:
    api.device()
    api.account()
    media = api.upload()
    first = api.job([media], key="order-42")
    second = api.job([media], key="order-42")
    assert first["id"] == second["id"]
    assert _count(api, Job) == 1
    r = api.client.post(
        "/v1/jobs",
        json={
            "account": "acme.shop",
            "kind": "feed",
            "media": [media],
            "caption": "other",
            "scheduled_at": utcnow().isoformat(),
        },
        headers={**api.as_("scheduler"), "Idempotency-Key": "order-42"},
    )
    assert r.status_code == 422 and _error(r) == "idempotency_conflict"
    assert _count(api, Job) == 1


def test_auth_required_and_roles_enforced(api: Api) -> None:
    assert api.client.get("/v1/jobs").status_code == 401
    r = api.client.get("/v1/jobs", headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401 and _error(r) == "unauthorized"
    r = api.client.get("/v1/jobs", headers=api.as_("agent"))
    assert r.status_code == 403 and _error(r) == "forbidden"
    r = api.client.post("/v1/accounts/acme.shop/disable", json={}, headers=api.as_("scheduler"))
    assert r.status_code == 403 and _error(r) == "forbidden"


def test_calendar_listing_paginates_in_order(api: Api) -> None:
    api.device()
    api.account()
    media = api.upload()
    ids = [api.job([media], when=f"2030-01-0{d}T00:00:00Z")["id"] for d in (3, 1, 2, 1)]
    seen = []
    cursor = None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = api.client.get("/v1/jobs", params=params, headers=api.as_("scheduler")).json()
        seen += [j["id"] for j in page["jobs"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [ids[1], ids[3], ids[2], ids[0]]
