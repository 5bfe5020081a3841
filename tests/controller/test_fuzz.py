"""Schemathesis over the OpenAPI document: no generated request gets a 5xx, every 4xx has a
code. Runs against a seeded farm (device, account, media, jobs) on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from cryptography.fernet import Fernet
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings

from controller.app import create_app
from controller.config import Settings
from controller.keys import create_api_key
from controller.timeutil import utcnow
from tests.conftest import jpeg_bytes

EXAMPLES = 15
AGENT_TOKEN_PATHS = ("/v1/agents/heartbeat", "/v1/agents/claim", "/v1/leases/", "/content")


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def farm(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict]:
    """One seeded controller per database for the whole module."""
    tmp: Path = tmp_path_factory.mktemp(f"fuzz-{request.param}")
    if request.param == "sqlite":
        url = f"sqlite:///{tmp / 'farm.db'}"
        cleanup = None
    else:
        from tests.conftest import drop_postgres_database, fresh_postgres_database

        url, admin, name = fresh_postgres_database()
        cleanup = (admin, name)
    app = create_app(
        Settings(
            data_dir=tmp / "var",
            database_url=url,
            secret_keys=[Fernet.generate_key().decode()],
            max_upload_bytes=2 * 1024 * 1024,
        ),
        run_scheduler=False,
    )
    with TestClient(app) as client:
        keys = {
            "ops": create_api_key(app.state.engine, "ops", "fuzz-ops"),
            "agent": create_api_key(app.state.engine, "agent", "fuzz-agent", agent="rack-1"),
        }
        ops = {"Authorization": f"Bearer {keys['ops']}"}
        client.put("/v1/devices/sim-01", json={"serial": "sim-01"}, headers=ops)
        client.post(
            "/v1/accounts",
            json={"username": "acme.shop", "password": "pw", "device": "sim-01"},
            headers=ops,
        )
        registered = client.post(
            "/v1/agents/register",
            json={"name": "rack-1", "devices": [{"serial": "sim-01"}]},
            headers={"Authorization": f"Bearer {keys['agent']}"},
        ).json()
        media = client.post(
            "/v1/media", files={"file": ("a.jpg", jpeg_bytes(), "image/jpeg")}, headers=ops
        ).json()["id"]
        for when in (utcnow().isoformat(), "2030-06-01T00:00:00Z"):
            client.post(
                "/v1/jobs",
                json={
                    "account": "acme.shop",
                    "kind": "feed",
                    "media": [media],
                    "scheduled_at": when,
                },
                headers=ops,
            )
        yield {"app": app, "ops": keys["ops"], "agent": keys["agent"], "token": registered["token"]}
    if cleanup:
        drop_postgres_database(*cleanup)


def _secret_for(path: str, farm: dict) -> str:
    if any(part in path for part in AGENT_TOKEN_PATHS):
        return farm["token"]
    if path == "/v1/agents/register":
        return farm["agent"]
    return farm["ops"]


def _checker(operation, secret: str):  # type: ignore[no-untyped-def]
    """A Hypothesis test of one operation with one credential."""

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def check(case) -> None:  # type: ignore[no-untyped-def]
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {secret}"}
        response = case.call()
        where = f"{case.method} {case.formatted_path}"
        assert response.status_code < 500, f"{where}: {response.text[:300]}"
        if 400 <= response.status_code < 500:
            error = response.json().get("error") or {}
            assert error.get("code") and error.get("message"), f"{where}: {response.text}"

    return check


def test_no_server_error_and_every_4xx_has_a_code(farm: dict) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", farm["app"])
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30
    problems: list[str] = []
    for operation in operations:
        try:
            _checker(operation, _secret_for(operation.path, farm))()
        except AssertionError as exc:
            problems.append(str(exc).splitlines()[0])
    assert problems == []
