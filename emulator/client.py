"""`RemotePhone`: a simulated phone on an `emulator.server`, driven over HTTP.

It implements `flows.driver.Driver`, so an agent in another process drives it exactly like a
USB phone, plus `published(username)` and `set_faults(...)` for tests.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from emulator.accounts import PublishedPost


class RemotePhone:
    def __init__(
        self,
        base_url: str,
        serial: str,
        *,
        timeout: float = 30.0,
        client: httpx.Client | None = None,
    ) -> None:
        self.serial = serial
        self.base_url = base_url.rstrip("/")
        self._client = client or httpx.Client(timeout=timeout)
        self._owns_client = client is None
        self._prefix = f"{self.base_url}/phones/{serial}"

    def close(self) -> None:
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> RemotePhone:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _post(self, path: str, json: dict[str, Any] | None = None) -> httpx.Response:
        response = self._client.post(self._prefix + path, json=json)
        response.raise_for_status()
        return response

    # ------------------------------------------------------------ Driver
    def dump_hierarchy(self) -> str:
        return self._post("/dump").text

    def tap(self, x: int, y: int) -> None:
        self._post("/tap", {"x": int(x), "y": int(y)})

    def type_text(self, text: str) -> None:
        self._post("/type", {"text": text})

    def press_key(self, key: str) -> None:
        self._post("/key", {"key": key})

    def swipe(self, x1: int, y1: int, x2: int, y2: int, duration: float = 0.2) -> None:
        self._post("/swipe", {"x1": x1, "y1": y1, "x2": x2, "y2": y2, "duration": duration})

    def screenshot(self) -> bytes:
        return self._post("/screenshot").content

    def app_start(self, package: str) -> None:
        self._post("/app_start", {"package": package})

    def app_stop(self, package: str) -> None:
        self._post("/app_stop", {"package": package})

    def push_file(self, local_path: str, remote_path: str) -> None:
        self.push_bytes(Path(local_path).read_bytes(), remote_path)

    def shell(self, command: str) -> str:
        return self._post("/shell", {"command": command}).json()["output"]

    # ------------------------------------------------------------ extras
    def push_bytes(self, data: bytes, remote_path: str) -> None:
        response = self._client.post(
            self._prefix + "/push",
            params={"remote": remote_path},
            content=data,
            headers={"content-type": "application/octet-stream"},
        )
        response.raise_for_status()

    def published(self, username: str | None = None) -> list[PublishedPost]:
        path = f"/published/{username}" if username else "/published"
        response = self._client.get(self._prefix + path)
        response.raise_for_status()
        return [PublishedPost.from_dict(p) for p in response.json()]

    def set_faults(
        self, script: list[Any] | None = None, random: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        body: dict[str, Any] = {}
        if script is not None:
            body["script"] = [list(e) if isinstance(e, tuple) else e for e in script]
        if random is not None:
            body["random"] = random
        return self._post("/faults", body).json()

    def state(self) -> dict[str, Any]:
        response = self._client.get(self._prefix)
        response.raise_for_status()
        return response.json()
