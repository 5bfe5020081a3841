"""The database goes away: probes say so (503), every route answers 503
`database_unavailable` (never a 500), and it all recovers when the database is back."""

from __future__ import annotations

import io
import json
import logging

import sqlalchemy as sa

from controller import logs
from tests.controller.conftest import Api

UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:9/nowhere"


def test_database_outage_is_503_and_recovers(api: Api) -> None:
    app = api.client.app
    healthy = app.state.engine  # type: ignore[attr-defined]
    assert api.client.get("/healthz").status_code == 200
    app.state.engine = sa.create_engine(UNREACHABLE, connect_args={"connect_timeout": 2})  # type: ignore[attr-defined]
    try:
        r = api.client.get("/healthz")
        assert r.status_code == 503 and r.json()["database"] == "unreachable"
        r = api.client.get("/readyz")
        assert r.status_code == 503 and r.json()["database"] == "unreachable"
        for method, path, body in (
            ("GET", "/v1/jobs", None),
            ("GET", "/v1/status", None),
            ("GET", "/metrics", None),
            ("POST", "/v1/jobs", {"account": "a", "kind": "feed", "media": ["x"]}),
            ("PUT", "/v1/devices/sim-01", {"serial": "sim-01"}),
        ):
            r = api.client.request(method, path, json=body, headers=api.as_("ops"))
            assert r.status_code == 503, (path, r.text)
            assert r.json()["error"]["code"] == "database_unavailable"
            assert r.headers.get("retry-after")
    finally:
        app.state.engine.dispose()  # type: ignore[attr-defined]
        app.state.engine = healthy  # type: ignore[attr-defined]
    assert api.client.get("/healthz").status_code == 200
    assert api.client.get("/v1/jobs", headers=api.as_("ops")).status_code == 200


def test_readyz_reports_an_old_schema(api: Api) -> None:
    engine = api.client.app.state.engine  # type: ignore[attr-defined]
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0001'")
    r = api.client.get("/readyz")
    assert r.status_code == 503 and r.json()["schema"] == "behind"
    assert api.client.get("/healthz").status_code == 200


def test_stdlib_tracebacks_are_json_and_redacted() -> None:
    sink = io.StringIO()
    logs.configure("INFO", file=sink)
    try:
        raise RuntimeError("boom with fk_ops_" + "A" * 30 + " and Bearer abc.def")
    except RuntimeError:
        logging.getLogger("uvicorn.error").exception("server trouble")
        logging.getLogger("uvicorn.error").exception("Exception in ASGI application")
    lines = [json.loads(line) for line in sink.getvalue().splitlines() if line.strip()]
    assert len(lines) == 1  # the duplicate of our own unhandled_error line is dropped
    (line,) = lines
    assert line["event"] == "server trouble" and line["level"] == "error"
    assert "RuntimeError" in line["exception"] and "fk_ops_A" not in line["exception"]
    assert "abc.def" not in json.dumps(line)
