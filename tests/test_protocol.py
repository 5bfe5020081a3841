"""The agent protocol's contract: the controller's routes and the agent's client speak the
models of farmcore.protocol, on the same paths. A field or path changed on one side only
fails here, not first in an end-to-end test."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from fastapi.routing import APIRoute

from controller.routes import accounts, agents
from farmcore import protocol
from farmcore.client import FarmClient
from farmcore.protocol import (
    AgentDeviceIn,
    CompleteIn,
    DeviceHealth,
    LeaseEventIn,
    PreflightIn,
)

PROTOCOL_ROUTES = {(m.upper(), p): (req, resp) for m, p, req, resp in protocol.ROUTES}


def _controller_routes() -> dict[tuple[str, str], APIRoute]:
    routes = {}
    for router in (agents.router, accounts.router):
        for route in router.routes:
            assert isinstance(route, APIRoute)
            for method in route.methods:
                routes[(method, route.path)] = route
    return routes


def test_controller_routes_use_the_protocol_models() -> None:
    routes = _controller_routes()
    for key, (request_model, response_model) in PROTOCOL_ROUTES.items():
        assert key in routes, f"the controller has no route {key}"
        route = routes[key]
        assert route.body_field is not None and route.body_field.field_info.annotation is (
            request_model
        ), f"{key} does not take {request_model.__name__}"
        if response_model is not None:
            assert route.response_model is response_model, key


def _template(path: str) -> str:
    path = re.sub(r"^/v1/leases/\d+/", "/v1/leases/{token}/", path)
    return re.sub(r"^/v1/accounts/[^/]+/preflight$", "/v1/accounts/{username}/preflight", path)


LEASE = {
    "token": 7,
    "purpose": "publish",
    "job_id": 3,
    "kind": "feed",
    "account": "acme.shop",
    "device": "SIM-1",
    "caption": "hi",
    "marker": "hi",
    "fit": "pad",
    "media": [{"id": "ab" * 32, "media_type": "image", "url": "http://x/v1/media/ab"}],
    "expires_at": datetime.now(UTC).isoformat(),
}
ANSWERS = {
    "/v1/agents/register": {"agent_id": 1, "token": "fa_token", "lease_ttl_s": 60},
    "/v1/agents/heartbeat": {"leases_extended": 0, "lease_ttl_s": 60},
    "/v1/agents/claim": {"leases": [LEASE]},
    "/v1/leases/{token}/complete": {"job_id": 3, "state": "published"},
}


def test_the_client_sends_what_the_controller_reads(tmp_path: Path) -> None:
    """Every call of the agent's client goes to a protocol route with a body the route's model
    accepts, and every answer parses into the protocol's response model."""
    seen: list[tuple[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        key = (request.method, _template(request.url.path))
        assert key in PROTOCOL_ROUTES, f"the client calls {key}, not a protocol route"
        request_model, _ = PROTOCOL_ROUTES[key]
        if request_model is not None:
            request_model.model_validate(json.loads(request.content))
        seen.append(key)
        answer = ANSWERS.get(key[1])
        return httpx.Response(200, json=answer) if answer else httpx.Response(204)

    client = FarmClient("http://controller", "key", transport=httpx.MockTransport(handler))
    client.register("rack-1", "1", [AgentDeviceIn(serial="SIM-1")])
    client.heartbeat([DeviceHealth(serial="SIM-1", battery=80)])
    (lease,) = client.claim(["SIM-1"])
    assert lease.media[0].media_type == "image"
    client.event(lease.token, LeaseEventIn(type="point_of_no_return"))
    client.complete(lease.token, CompleteIn(outcome="failed", error_code="timeout"))
    client.report_preflight("acme.shop", PreflightIn(ok=True))
    assert set(seen) == set(PROTOCOL_ROUTES)


def test_an_error_body_becomes_a_controller_error() -> None:
    from farmcore.client import ControllerError

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(409, json={"error": {"code": "stale_lease", "message": "old"}})

    client = FarmClient("http://controller", "key", transport=httpx.MockTransport(handler))
    with pytest.raises(ControllerError) as caught:
        client.complete(1, CompleteIn(outcome="published"))
    assert (caught.value.status, caught.value.code) == (409, "stale_lease")
