"""`POST /v1/jobs:batch` with JSON and CSV: per-row results, duplicates, all-or-nothing."""

from __future__ import annotations

from sqlmodel import Session, func, select

from controller.batch import COLUMNS, CSV_TEMPLATE
from controller.models import Job
from tests.controller.conftest import Api


def _jobs(api: Api) -> int:
    with Session(api.client.app.state.engine) as s:  # type: ignore[attr-defined]
        return s.exec(select(func.count()).select_from(Job)).one()


def _row(media: str, **extra: object) -> dict:
    return {
        "account": "acme.shop",
        "kind": "feed",
        "media": [media],
        "scheduled_at": "2030-01-01T10:00:00+01:00",
        **extra,
    }


def _csv(api: Api, text: str, **params: object) -> dict:
    r = api.client.post(
        "/v1/jobs:batch",
        content=text.encode(),
        params=params,
        headers={**api.as_("scheduler"), "Content-Type": "text/csv"},
    )
    return {"status": r.status_code, **r.json()}


def test_json_batch_reports_each_row_and_repeats_are_duplicates(api: Api) -> None:
    api.device()
    api.account()
    media = api.upload()
    body = {
        "jobs": [
            _row(media, idempotency_key="a-1"),
            _row(media, account="nobody", idempotency_key="a-2"),
            _row(media, kind="carousel", idempotency_key="a-3"),
            _row(media, caption="no key"),
            {"account": "acme.shop"},
        ]
    }
    r = api.client.post("/v1/jobs:batch", json=body, headers=api.as_("scheduler"))
    assert r.status_code == 200, r.text
    out = r.json()
    assert (out["created"], out["duplicates"], out["errors"]) == (2, 0, 3)
    summary = [
        (row["row"], row["status"], (row.get("error") or {}).get("code")) for row in out["rows"]
    ]
    assert summary == [
        (1, "created", None),
        (2, "error", "account_not_found"),
        (3, "error", "carousel_item_count"),
        (4, "created", None),
        (5, "error", "missing_field"),
    ]
    again = api.client.post("/v1/jobs:batch", json=body, headers=api.as_("scheduler")).json()
    assert [row["status"] for row in again["rows"]][:1] == ["duplicate"]
    assert again["rows"][0]["job_id"] == out["rows"][0]["job_id"]
    assert _jobs(api) == 3  # the keyless row was created again; the keyed one was not
    body["jobs"][0]["caption"] = "changed"
    changed = api.client.post("/v1/jobs:batch", json=body, headers=api.as_("scheduler")).json()
    assert changed["rows"][0]["error"]["code"] == "idempotency_conflict"


def test_all_or_nothing_creates_nothing_on_any_error(api: Api) -> None:
    api.device()
    api.account()
    media = api.upload()
    body = {"all_or_nothing": True, "jobs": [_row(media), _row(media, kind="tweet")]}
    r = api.client.post("/v1/jobs:batch", json=body, headers=api.as_("scheduler"))
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "batch_rejected"
    assert [row["status"] for row in error["details"]["rows"]] == ["not_created", "error"]
    assert _jobs(api) == 0
    body["jobs"].pop()
    r = api.client.post("/v1/jobs:batch", json=body, headers=api.as_("scheduler"))
    assert r.json()["created"] == 1 and _jobs(api) == 1


def test_csv_template_rows_become_jobs(api: Api) -> None:
    api.device()
    api.account()
    ids = iter([api.upload(seed=n, height=1920 if n == 4 else 1080) for n in range(5)])
    text = CSV_TEMPLATE
    while "<media id>" in text:
        text = text.replace("<media id>", next(ids), 1)
    out = _csv(api, text)
    assert out["status"] == 200, out
    assert [row["status"] for row in out["rows"]] == ["created"] * 3
    jobs = [
        api.client.get(f"/v1/jobs/{row['job_id']}", headers=api.as_("scheduler")).json()
        for row in out["rows"]
    ]
    assert [j["kind"] for j in jobs] == ["feed", "carousel", "story"]
    assert len(jobs[1]["media"]) == 3 and jobs[1]["fit"] == "crop"
    assert jobs[1]["timezone"] == "Europe/Madrid"
    assert jobs[1]["scheduled_at_utc"].startswith("2026-12-01T17:00:00")
    assert jobs[2]["state"] == "pending_approval"
    assert _csv(api, text)["duplicates"] == 3


def test_csv_problems_have_codes(api: Api) -> None:
    header = ",".join(COLUMNS)
    assert CSV_TEMPLATE.splitlines()[0] == header
    assert _csv(api, "account,kind,colour\nx,feed,red\n")["error"]["code"] == "unknown_column"
    assert _csv(api, "account,kind\nx,feed\n")["error"]["code"] == "missing_column"
    assert _csv(api, "account,kind,media,scheduled_at\n")["error"]["code"] == "empty_batch"
    rows = "\n".join(["a,feed,m,2030-01-01T00:00:00Z"] * 501)
    out = _csv(api, f"account,kind,media,scheduled_at\n{rows}\n")
    assert out["status"] == 422 and out["error"]["code"] == "batch_too_large"
    out = _csv(api, "account,kind,media,scheduled_at\na,feed,m,2030-01-01T00:00:00Z,extra\n")
    assert out["rows"][0]["error"]["code"] == "invalid_row"
    r = api.client.post(
        "/v1/jobs:batch",
        content=b"account,kind,media,scheduled_at\n\xff,feed,m,x\n",
        headers={**api.as_("scheduler"), "Content-Type": "text/csv"},
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_csv"


def test_batch_size_and_type_limits(api: Api, settings) -> None:  # type: ignore[no-untyped-def]
    r = api.client.post("/v1/jobs:batch", json={"jobs": [{}] * 501}, headers=api.as_("scheduler"))
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_field"
    settings.max_batch_bytes = 1000
    r = api.client.post(
        "/v1/jobs:batch",
        content=b"x" * 1001,
        headers={**api.as_("scheduler"), "Content-Type": "text/csv"},
    )
    assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"
    r = api.client.post(
        "/v1/jobs:batch",
        content=b"<jobs/>",
        headers={**api.as_("scheduler"), "Content-Type": "application/xml"},
    )
    assert r.status_code == 415 and r.json()["error"]["code"] == "unsupported_media_type"
