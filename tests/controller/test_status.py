"""`/v1/status`, `/metrics` and `/healthz` from a farm with known outcomes."""

from __future__ import annotations

from datetime import timedelta

from controller.status import percentile
from controller.timeutil import utcnow
from tests.controller.conftest import Api


def _ago(seconds: int) -> str:
    return (utcnow() - timedelta(seconds=seconds)).isoformat()


def _submitted_long_ago(api: Api, *job_ids: int) -> None:
    """These jobs were submitted well before they fell due (lateness counts from the due time
    only then)."""
    from sqlmodel import Session

    from controller.models import Job

    with Session(api.client.app.state.engine) as session:  # type: ignore[attr-defined]
        for job_id in job_ids:
            job = session.get(Job, job_id)
            assert job is not None
            job.created_at = utcnow() - timedelta(days=1)
            session.add(job)
        session.commit()


def _run_next(api: Api, token: str, outcome: dict) -> int:
    h = {"Authorization": f"Bearer {token}"}
    (lease,) = api.client.post("/v1/agents/claim", json={"idle": ["sim-01"]}, headers=h).json()[
        "leases"
    ]
    api.client.post(f"/v1/leases/{lease['token']}/complete", json=outcome, headers=h)
    return lease["job_id"]


def test_percentile_nearest_rank() -> None:
    assert percentile([], 0.5) is None
    assert percentile([5.0], 0.95) == 5.0
    assert percentile([30.0, 90.0], 0.5) == 30.0
    assert percentile([30.0, 90.0], 0.95) == 90.0
    assert percentile([float(n) for n in range(1, 101)], 0.95) == 95.0


def test_status_and_metrics_reflect_outcomes(api: Api) -> None:
    api.device()
    api.account()
    token = api.register_agent()
    late = api.job([api.upload(seed=1)], when=_ago(90))["id"]
    early = api.job([api.upload(seed=2)], when=_ago(30))["id"]
    story = api.job([api.upload(seed=3, height=1920)], kind="story", when=_ago(20))["id"]
    published = _run_next(api, token, {"outcome": "published"})
    assert published == late
    assert _run_next(api, token, {"outcome": "published"}) == early
    assert _run_next(api, token, {"outcome": "failed", "error_code": "media_rejected"}) == story
    api.job([api.upload(seed=4)], when=_ago(5))  # due, waiting for the device
    _submitted_long_ago(api, late, early)
    api.job([api.upload(seed=5)], when="2030-06-01T00:00:00Z")  # not due: not queue depth

    r = api.client.get("/v1/status")
    assert r.status_code == 200
    status = r.json()
    kinds = {k["kind"]: k for k in status["kinds"]}
    assert set(kinds) == {"feed", "carousel", "story", "reel"}
    feed = kinds["feed"]
    assert (feed["published_last_hour"], feed["failed_last_hour"]) == (2, 0)
    assert feed["success_rate"] == 1.0 and feed["queue_depth"] == 1
    assert 30 <= feed["lateness_p50_s"] < 45 and 90 <= feed["lateness_p95_s"] < 105
    assert kinds["story"]["success_rate"] == 0.0 and kinds["story"]["failed_last_hour"] == 1
    assert kinds["reel"]["success_rate"] is None and kinds["reel"]["lateness_p50_s"] is None
    assert status["devices_online"] == 1 and status["devices_total"] == 1

    r = api.client.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    lines = r.text.splitlines()
    assert 'igfarm_jobs{kind="feed",state="published"} 2' in lines
    assert 'igfarm_jobs{kind="story",state="failed"} 1' in lines
    assert 'igfarm_queue_depth{kind="feed"} 1' in lines
    assert 'igfarm_success_rate_last_hour{kind="feed"} 1' in lines
    assert 'igfarm_success_rate_last_hour{kind="reel"} NaN' in lines
    assert "igfarm_devices_online 1" in lines
    assert 'igfarm_accounts{state="active"} 1' in lines
    # every sample belongs to a declared metric
    declared = {line.split()[2] for line in lines if line.startswith("# TYPE")}
    samples = {line.split("{")[0].split()[0] for line in lines if not line.startswith("#")}
    assert samples <= declared

    assert api.client.get("/healthz").json() == {"status": "ok", "database": "ok"}
    assert api.client.get("/readyz").json() == {"status": "ready", "database": "ok", "schema": "ok"}
