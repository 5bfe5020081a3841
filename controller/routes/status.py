"""Public health and status: `/healthz`, `/v1/status` and `/metrics` need no key (they expose
counts, never content); put them behind the network policy you use for monitoring."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import PlainTextResponse
from sqlmodel import Session

from controller import status
from controller.config import Settings
from controller.deps import get_session, get_settings
from controller.schemas import StatusOut

router = APIRouter(tags=["status"])
PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8"


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up (no database round trip)."""
    return {"status": "ok"}


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
