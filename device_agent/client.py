"""The agent's side of the HTTP protocol with the controller."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx


class ControllerError(Exception):
    """The controller answered with an error (status and code kept)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code


class ControllerClient:
    """Thin typed calls over httpx; one instance per agent, shared by its device workers."""

    def __init__(self, base_url: str, api_key: str, *, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._api_key = api_key
        self._token: str | None = None
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout)

    def close(self) -> None:
        self._http.close()

    def _call(self, method: str, path: str, *, auth: str | None = None, **kwargs: Any) -> Any:
        token = auth or self._token
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = self._http.request(method, path, headers=headers, **kwargs)
        if response.status_code >= 400:
            try:
                error = response.json()["error"]
                code, message = error["code"], error["message"]
            except (ValueError, KeyError, TypeError):
                code, message = "http_error", response.text[:200]
            raise ControllerError(response.status_code, code, message)
        if response.status_code == 204 or not response.content:
            return None
        return response.json()

    def register(self, name: str, version: str, devices: list[dict[str, str]]) -> dict[str, Any]:
        out = self._call(
            "POST",
            "/v1/agents/register",
            auth=self._api_key,
            json={"name": name, "version": version, "devices": devices},
        )
        self._token = out["token"]
        return out

    def heartbeat(self, devices: list[dict[str, Any]]) -> dict[str, Any]:
        return self._call("POST", "/v1/agents/heartbeat", json={"devices": devices})

    def claim(self, idle: list[str]) -> list[dict[str, Any]]:
        return self._call("POST", "/v1/agents/claim", json={"idle": idle})["leases"]

    def event(self, token: int, kind: str, message: str = "", data: dict | None = None) -> None:
        self._call(
            "POST",
            f"/v1/leases/{token}/events",
            json={"type": kind, "message": message, "data": data or {}},
        )

    def complete(self, token: int, body: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", f"/v1/leases/{token}/complete", json=body)

    def commands(self) -> list[dict[str, Any]]:
        """The agent's phones with their mode and whether ops asked for a reboot."""
        return self._call("GET", "/v1/agents/commands")["devices"]

    def device_report(self, serial: str, event: str, reason: str = "") -> None:
        self._call(
            "POST", f"/v1/agents/devices/{serial}/report", json={"event": event, "reason": reason}
        )

    def report_preflight(self, username: str, body: dict[str, Any]) -> None:
        self._call("POST", f"/v1/accounts/{username}/preflight", json=body)

    def download(self, url: str, dest: Path) -> None:
        """Stream a media file to `dest` (written to a temp name, then renamed)."""
        tmp = dest.with_name(dest.name + ".part")
        headers = {"Authorization": f"Bearer {self._token}"}
        with self._http.stream("GET", url, headers=headers) as response:
            if response.status_code >= 400:
                raise ControllerError(response.status_code, "download_failed", url)
            with tmp.open("wb") as out:
                for chunk in response.iter_bytes():
                    out.write(chunk)
        tmp.replace(dest)
