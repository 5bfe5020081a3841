from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from cryptography.fernet import Fernet
from fastapi.testclient import TestClient

from controller.app import create_app
from controller.config import Settings
from controller.keys import create_api_key
from tests.conftest import jpeg_bytes


@dataclass
class Api:
    """A TestClient with one key per role and helpers for the common set-up."""

    client: TestClient
    keys: dict[str, str]

    def as_(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[role]}"}

    def upload(self, seed: int = 0, width: int = 1080, height: int = 1080) -> str:
        data = jpeg_bytes(width, height, seed)
        r = self.client.post(
            "/v1/media",
            files={"file": ("a.jpg", data, "image/jpeg")},
            headers=self.as_("scheduler"),
        )
        assert r.status_code in (200, 201), r.text
        return r.json()["id"]

    def device(self, serial: str = "sim-01") -> None:
        r = self.client.put(
            f"/v1/devices/{serial}",
            json={"serial": serial, "driver": "sim"},
            headers=self.as_("ops"),
        )
        assert r.status_code == 200, r.text

    def account(self, username: str = "acme.shop", serial: str = "sim-01") -> None:
        r = self.client.post(
            "/v1/accounts",
            json={"username": username, "password": "hunter2-secret", "device": serial},
            headers=self.as_("ops"),
        )
        assert r.status_code == 201, r.text

    def register_agent(self, name: str = "rack-1", serials: tuple[str, ...] = ("sim-01",)) -> str:
        r = self.client.post(
            "/v1/agents/register",
            json={"name": name, "devices": [{"serial": s} for s in serials]},
            headers=self.as_("agent"),
        )
        assert r.status_code == 200, r.text
        return r.json()["token"]

    def job(
        self,
        media: list[str],
        *,
        account: str = "acme.shop",
        kind: str = "feed",
        when: str = "2020-01-01T00:00:00+00:00",
        key: str | None = None,
        caption: str = "hello",
    ) -> dict:
        headers = self.as_("scheduler")
        if key:
            headers["Idempotency-Key"] = key
        r = self.client.post(
            "/v1/jobs",
            json={
                "account": account,
                "kind": kind,
                "media": media,
                "caption": caption,
                "scheduled_at": when,
            },
            headers=headers,
        )
        assert r.status_code in (200, 201), r.text
        return r.json()


@pytest.fixture
def settings(database_url: str, tmp_path) -> Settings:  # type: ignore[no-untyped-def]
    return Settings(
        data_dir=tmp_path / "var",
        database_url=database_url,
        secret_keys=[Fernet.generate_key().decode()],
        lease_ttl_s=30,
        retry_backoff_s=0,
    )


@pytest.fixture
def api(settings: Settings) -> Iterator[Api]:
    app = create_app(settings, run_scheduler=False)
    with TestClient(app) as client:
        engine = app.state.engine
        keys = {
            role: create_api_key(engine, role, f"test-{role}")
            for role in ("ops", "scheduler", "agent")
        }
        yield Api(client, keys)
