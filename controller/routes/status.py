"""Public health and status: `/healthz`, `/v1/status` and `/metrics` need no key (they expose
counts, never content); put them behind the network policy you use for monitoring."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from sqlmodel import Session

from controller import probes, status
from controller.config import Settings
from controller.deps import get_session, get_settings
from controller.schemas import StatusOut

router = APIRouter(tags=["status"])
PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8"


@router.get("/healthz", responses={503: {"description": "the database is unreachable"}})
def healthz(request: Request) -> JSONResponse:
    """The process is up and its database answers (`SELECT 1`): 200 `{"status": "ok"}`, else
    503 `{"status": "unavailable", "database": "unreachable"}`."""
    if not probes.database_reachable(request.app.state.engine):
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, 503)
    return JSONResponse({"status": "ok", "database": "ok"})


@router.get("/readyz", responses={503: {"description": "not ready to serve traffic"}})
def readyz(request: Request) -> JSONResponse:
    """Ready for traffic: the database answers and its schema is at this version's
    migration head. 503 with the failing check otherwise."""
    engine = request.app.state.engine
    checks = {"database": "ok", "schema": "ok"}
    if not probes.database_reachable(engine):
        checks = {"database": "unreachable", "schema": "unknown"}
    elif not probes.schema_current(engine):
        checks["schema"] = "behind"
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "unavailable", **checks}, 200 if ready else 503
    )


@router.get("/v1/status", response_model=StatusOut)
def farm_status(
    session: Session = Depends(get_session, scope="function"),
    settings: Settings = Depends(get_settings),
) -> StatusOut:
    """Per kind: last hour's success rate, publish lateness p50/p95 (due → published), queue
    depth; devices online. The status page of the farm."""
    return status.farm_status(session, settings)


@router.get(
    "/metrics",
    response_class=PlainTextResponse,
    responses={200: {"content": {PROMETHEUS_TYPE: {}}, "description": "Prometheus text"}},
)
def metrics(
    session: Session = Depends(get_session, scope="function"),
    settings: Settings = Depends(get_settings),
) -> PlainTextResponse:
    """The status figures and counts by state, in the Prometheus text format."""
    return PlainTextResponse(status.prometheus_text(session, settings), media_type=PROMETHEUS_TYPE)
