"""Every route × every caller: allowed or refused exactly as the role table says.

A new route fails this test until it is added to ACCESS: access is decided, never by default.
"""

from __future__ import annotations

import re

from tests.controller.conftest import Api

PUBLIC = {"anonymous", "scheduler", "ops", "agent", "agent_token"}
SCHEDULER = {"scheduler", "ops"}
OPS = {"ops"}
AGENT_KEY = {"agent", "ops"}  # an agent's API key: only to register
AGENT_TOKEN = {"agent_token"}  # the token an agent got from register
PREFLIGHT = {"agent_token", "ops"}

ACCESS: dict[tuple[str, str], set[str]] = {
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/readyz"): PUBLIC,
    ("GET", "/v1/status"): PUBLIC,
    ("GET", "/v1/status/page"): PUBLIC,
    ("GET", "/v1/errors"): SCHEDULER,
    ("GET", "/v1/console/pulse"): SCHEDULER,
    ("GET", "/v1/media/{media_id}/thumbnail"): SCHEDULER,
    ("GET", "/v1/jobs/{job_id}/failure"): SCHEDULER,
    ("POST", "/v1/devices/{serial}/drain"): OPS,
    ("POST", "/v1/devices/{serial}/quarantine"): OPS,
    ("POST", "/v1/devices/{serial}/release"): OPS,
    ("POST", "/v1/devices/{serial}/reboot"): OPS,
    ("GET", "/v1/agents/commands"): AGENT_TOKEN,
    ("POST", "/v1/agents/devices/{serial}/report"): AGENT_TOKEN,
    ("GET", "/metrics"): PUBLIC,
    ("POST", "/v1/media"): SCHEDULER,
    ("GET", "/v1/media/{media_id}"): SCHEDULER,
    ("GET", "/v1/media/{media_id}/content"): AGENT_TOKEN,
    ("POST", "/v1/media/{media_id}/share"): OPS,
    ("PUT", "/v1/devices/{serial}"): OPS,
    ("POST", "/v1/devices/{serial}/move"): OPS,
    ("GET", "/v1/keys"): OPS,
    ("POST", "/v1/keys"): OPS,
    ("POST", "/v1/keys/{key_id}/revoke"): OPS,
    ("GET", "/v1/devices"): SCHEDULER,
    ("POST", "/v1/accounts"): SCHEDULER,
    ("GET", "/v1/accounts"): SCHEDULER,
    ("GET", "/v1/accounts/{username}"): SCHEDULER,
    ("PATCH", "/v1/accounts/{username}"): SCHEDULER,
    ("POST", "/v1/accounts/{username}/reauth"): OPS,
    ("DELETE", "/v1/accounts/{username}"): OPS,
    ("POST", "/v1/accounts/{username}/disable"): OPS,
    ("POST", "/v1/accounts/{username}/preflight"): PREFLIGHT,
    ("GET", "/v1/accounts/{username}/audience"): SCHEDULER,
    ("POST", "/v1/accounts/{username}/audience/refresh"): SCHEDULER,
    ("POST", "/v1/jobs:batch"): SCHEDULER,
    ("POST", "/v1/jobs"): SCHEDULER,
    ("GET", "/v1/jobs"): SCHEDULER,
    ("GET", "/v1/jobs/{job_id}"): SCHEDULER,
    ("PATCH", "/v1/jobs/{job_id}"): SCHEDULER,
    ("POST", "/v1/jobs/{job_id}/approve"): SCHEDULER,
    ("POST", "/v1/jobs/{job_id}/cancel"): SCHEDULER,
    ("POST", "/v1/jobs/{job_id}/pause"): SCHEDULER,
    ("POST", "/v1/jobs/{job_id}/resume"): SCHEDULER,
    ("POST", "/v1/jobs/{job_id}/retry"): SCHEDULER,
    ("GET", "/v1/jobs/{job_id}/evidence/{name}"): SCHEDULER,
    ("GET", "/v1/jobs/{job_id}/stats"): SCHEDULER,
    ("GET", "/v1/accounts/{username}/stats"): SCHEDULER,
    ("GET", "/v1/accounts/{username}/stats.csv"): SCHEDULER,
    ("POST", "/v1/agents/register"): AGENT_KEY,
    ("POST", "/v1/agents/heartbeat"): AGENT_TOKEN,
    ("POST", "/v1/agents/claim"): AGENT_TOKEN,
    ("POST", "/v1/leases/{token}/events"): AGENT_TOKEN,
    ("POST", "/v1/leases/{token}/complete"): AGENT_TOKEN,
    ("POST", "/v1/webhooks"): SCHEDULER,
    ("GET", "/v1/webhooks"): SCHEDULER,
    ("DELETE", "/v1/webhooks/{webhook_id}"): SCHEDULER,
    ("GET", "/v1/webhooks/{webhook_id}/deliveries"): SCHEDULER,
    ("GET", "/v1/notifications/settings"): SCHEDULER,
    ("PUT", "/v1/notifications/settings"): SCHEDULER,
    ("DELETE", "/v1/notifications/settings"): SCHEDULER,
    ("GET", "/v1/notifications"): SCHEDULER,
    ("GET", "/v1/notifications/mail"): SCHEDULER,
    ("POST", "/v1/notifications/read-all"): SCHEDULER,
    ("POST", "/v1/notifications/{notification_id}/read"): SCHEDULER,
    # teams: any scheduler key or ops reach them; who leads decides the rest (test_teams.py)
    ("POST", "/v1/teams"): SCHEDULER,
    ("GET", "/v1/teams"): SCHEDULER,
    ("GET", "/v1/teams/{team_id}"): SCHEDULER,
    ("POST", "/v1/teams/{team_id}/members"): SCHEDULER,
    ("PATCH", "/v1/teams/{team_id}/members/{key_id}"): SCHEDULER,
    ("DELETE", "/v1/teams/{team_id}/members/{key_id}"): SCHEDULER,
    ("POST", "/v1/cyclic-lists"): SCHEDULER,
    ("GET", "/v1/cyclic-lists"): SCHEDULER,
    ("GET", "/v1/cyclic-lists/{list_id}"): SCHEDULER,
    ("PATCH", "/v1/cyclic-lists/{list_id}"): SCHEDULER,
    ("DELETE", "/v1/cyclic-lists/{list_id}"): SCHEDULER,
    ("POST", "/v1/cyclic-lists/{list_id}/posts"): SCHEDULER,
    ("PATCH", "/v1/cyclic-lists/{list_id}/posts/{post_id}"): SCHEDULER,
    ("DELETE", "/v1/cyclic-lists/{list_id}/posts/{post_id}"): SCHEDULER,
    ("POST", "/v1/cyclic-lists/{list_id}/pause"): SCHEDULER,
    ("POST", "/v1/cyclic-lists/{list_id}/resume"): SCHEDULER,
    ("GET", "/v1/cyclic-lists/{list_id}/plan"): SCHEDULER,
    ("POST", "/v1/cyclic-lists/{list_id}/plan"): SCHEDULER,
}
PATH_VALUES = {
    "media_id": "0" * 64,
    "serial": "sim-01",
    "username": "acme.shop",
    "job_id": "1",
    "token": "1",
    "webhook_id": "1",
    "notification_id": "1",
    "team_id": "1",
    "key_id": "999999",  # not a real key: revoking one would lock out the callers after it
    "name": "1.png",
    "list_id": "1",
    "post_id": "1",
}


def _routes(api: Api) -> list[tuple[str, str]]:
    """Every operation of the app, from its OpenAPI document (no route is hidden from it)."""
    paths = api.client.get("/openapi.json").json()["paths"]
    return [(method.upper(), path) for path, ops in paths.items() for method in ops]


def test_every_route_is_in_the_role_table(api: Api) -> None:
    assert sorted(_routes(api)) == sorted(ACCESS)


def test_every_route_admits_exactly_its_roles(api: Api) -> None:
    api.device()
    api.account()
    callers = {
        "anonymous": {},
        "scheduler": api.as_("scheduler"),
        "ops": api.as_("ops"),
        "agent": api.as_("agent"),
        "agent_token": {"Authorization": f"Bearer {api.register_agent()}"},
    }
    wrong = []
    for method, path in _routes(api):
        url = re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES[m.group(1)], path)
        for caller, headers in callers.items():
            kwargs: dict = {"headers": headers}
            if method in ("POST", "PUT", "PATCH"):
                kwargs["json"] = {}
            r = api.client.request(method, url, **kwargs)
            assert r.status_code < 500, (method, path, caller, r.text)
            refused = r.status_code in (401, 403)
            if refused:
                expected = "unauthorized" if caller == "anonymous" else "forbidden"
                assert r.json()["error"]["code"] == expected, (method, path, caller)
            if refused == (caller in ACCESS[(method, path)]):
                wrong.append((method, path, caller, r.status_code))
    assert wrong == []
