"""The one HTTP client of the controller's API: the agent, the ops CLI and `farm up` use it.

Errors come back as one exception (`ControllerError`: status, code, message, parsed from the
API's error body); the agent protocol's calls take and return the models of
`farmcore.protocol`, so both sides of the wire are the same classes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from pydantic import BaseModel

from farmcore.protocol import (
    AgentCommandsOut,
    AgentDeviceCommand,
    AgentDeviceIn,
    AgentDeviceReportIn,
    AgentRegisterIn,
    AgentRegisterOut,
    ClaimIn,
    ClaimOut,
    CompleteIn,
    CompleteOut,
    DeviceHealth,
    HeartbeatIn,
    HeartbeatOut,
    LeaseEventIn,
    LeaseOut,
    PreflightIn,
)


class ControllerError(Exception):
    """The controller answered with an error (status and code kept), or could not be reached
    (status 0, code `unreachable`)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


class FarmClient:
    """Calls over one httpx connection pool. `key` is an API key; after `register` the agent
    protocol's calls carry the agent's own token instead."""

    def __init__(
        self,
        base_url: str,
        key: str,
        *,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._key = key
        self._token: str | None = None
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout, transport=transport)

    def __enter__(self) -> FarmClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # --- plain calls ---------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        auth: str | None = None,
        body: BaseModel | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """One call; a 4xx/5xx answer raises ControllerError with the API's code."""
        token = auth or self._token or self._key
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if body is not None:
            kwargs["json"] = body.model_dump(mode="json", exclude_unset=False)
        try:
            response = self._http.request(method, path, headers=headers, **kwargs)
        except httpx.TransportError as exc:
            why = f"{self.base_url} unreachable ({exc})"
            raise ControllerError(0, "unreachable", why) from None
        if response.status_code >= 400:
            try:
                error = response.json()["error"]
                code, message = error["code"], error["message"]
            except (ValueError, KeyError, TypeError):
                code, message = "http_error", response.text[:200]
            raise ControllerError(response.status_code, code, message)
        return response

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        """One call with the API key; the JSON answer (None for an empty one)."""
        response = self.request(method, path, auth=self._key, **kwargs)
        if response.status_code == 204 or not response.content:
            return None
        return response.json()

    # --- the agent protocol ----------------------------------------------------------------

    def register(self, name: str, version: str, devices: list[AgentDeviceIn]) -> AgentRegisterOut:
        body = AgentRegisterIn(name=name, version=version, devices=devices)
        response = self.request("POST", "/v1/agents/register", auth=self._key, body=body)
        out = AgentRegisterOut.model_validate_json(response.content)
        self._token = out.token
        return out

    def heartbeat(
        self, devices: list[DeviceHealth], leases: list[int] | None = None
    ) -> HeartbeatOut:
        """Report the phones; with `leases` (the tokens the agent still works on) only those
        leases are extended. Without it the field is not sent at all (older controllers
        refuse unknown fields; one that refuses `leases` gets the heartbeat without it)."""
        body = HeartbeatIn(devices=devices, leases=leases)
        try:
            response = self.request(
                "POST",
                "/v1/agents/heartbeat",
                json=body.model_dump(mode="json", exclude_none=True),
            )
        except ControllerError as exc:
            if exc.status != 422 or leases is None or "leases" not in exc.message:
                raise
            response = self.request(
                "POST", "/v1/agents/heartbeat", body=HeartbeatIn(devices=devices)
            )
        return HeartbeatOut.model_validate_json(response.content)

    def claim(self, idle: list[str], wait_s: float = 0) -> list[LeaseOut]:
        """Leases for the agent; with `wait_s` the controller holds the request until one is
        opened for any of the agent's phones (or the time is up)."""
        body = ClaimIn(idle=idle, wait_s=wait_s)
        # defaults left out: a controller older than long-poll reads `{"idle": [...]}` as before
        payload = body.model_dump(mode="json", exclude_defaults=True)
        response = self.request("POST", "/v1/agents/claim", json=payload)
        return ClaimOut.model_validate_json(response.content).leases

    def event(self, token: int, body: LeaseEventIn) -> None:
        self.request("POST", f"/v1/leases/{token}/events", body=body)

    def complete(self, token: int, body: CompleteIn) -> CompleteOut:
        response = self.request("POST", f"/v1/leases/{token}/complete", body=body)
        return CompleteOut.model_validate_json(response.content)

    def commands(self) -> list[AgentDeviceCommand]:
        """The agent's phones with their mode and whether ops asked for a reboot."""
        response = self.request("GET", "/v1/agents/commands")
        return AgentCommandsOut.model_validate_json(response.content).devices

    def device_report(self, serial: str, event: str, reason: str = "") -> None:
        body = AgentDeviceReportIn(event=event, reason=reason)  # type: ignore[arg-type]
        self.request("POST", f"/v1/agents/devices/{serial}/report", body=body)

    def report_preflight(self, username: str, body: PreflightIn) -> None:
        self.request("POST", f"/v1/accounts/{username}/preflight", body=body)

    def download(self, url: str, dest: Path) -> None:
        """Stream a media file to `dest` (written to a temp name, then renamed)."""
        tmp = dest.with_name(dest.name + ".part")
        headers = {"Authorization": f"Bearer {self._token or self._key}"}
        with self._http.stream("GET", url, headers=headers) as response:
            if response.status_code >= 400:
                raise ControllerError(response.status_code, "download_failed", url)
            with tmp.open("wb") as out:
                for chunk in response.iter_bytes():
                    out.write(chunk)
        tmp.replace(dest)
