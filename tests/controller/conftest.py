from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet
from fastapi.testclient import TestClient

from controller.app import create_app
from controller.config import Settings
from controller.db import migrate
from controller.keys import create_api_key
from controller.timeutil import utcnow
from tests.conftest import (
    PG_ADMIN_URL,
    drop_postgres_database,
    fresh_postgres_database,
    jpeg_bytes,
    postgres_available,
)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "farm.db"
    migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """A PostgreSQL database migrated to head once; each test's database is cloned from it."""
    if not postgres_available():
        pytest.fail("PostgreSQL is not reachable on 127.0.0.1:5432 (.ci/run starts it)")
    url, admin, name = fresh_postgres_database()
    migrate(url)
    sa.create_engine(url).dispose()
    try:
        yield name
    finally:
        drop_postgres_database(admin, name)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def migrated_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database already at the latest schema: SQLite, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        target = tmp_path / "farm.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), target)
        yield f"sqlite:///{target}"
        return
    template = request.getfixturevalue("postgres_template")
    name = f"igfarm_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        drop_postgres_database(admin, name)


@dataclass
class Api:
    """A TestClient with one key per role and helpers for the common set-up."""

    client: TestClient
    keys: dict[str, str]
    # the default scheduled time: due now, the same for every job of a test (idempotency)
    due_now: str = field(default_factory=lambda: utcnow().isoformat())

    def as_(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[role]}"}

    def upload(
        self, seed: int = 0, width: int = 1080, height: int = 1080, role: str = "scheduler"
    ) -> str:
        """Upload as `role` (media is scoped to its uploader; ops' uploads are shared)."""
        data = jpeg_bytes(width, height, seed)
        r = self.client.post(
            "/v1/media",
            files={"file": ("a.jpg", data, "image/jpeg")},
            headers=self.as_(role),
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
        # an agent key is bound to one agent name: rack-1 has the fixture's, others get theirs
        role = "agent" if name == "rack-1" else f"agent:{name}"
        if role not in self.keys:
            engine = self.client.app.state.engine  # type: ignore[attr-defined]
            self.keys[role] = create_api_key(engine, "agent", f"test-{name}", agent=name)
        r = self.client.post(
            "/v1/agents/register",
            json={"name": name, "devices": [{"serial": s} for s in serials]},
            headers=self.as_(role),
        )
        assert r.status_code == 200, r.text
        return r.json()["token"]

    def job(
        self,
        media: list[str],
        *,
        account: str = "acme.shop",
        kind: str = "feed",
        when: str | None = None,
        key: str | None = None,
        caption: str | None = None,
        role: str = "scheduler",
    ) -> dict:
        if caption is None:
            caption = "" if kind == "story" else "hello"  # stories carry no caption
        headers = self.as_(role)
        if key:
            headers["Idempotency-Key"] = key
        r = self.client.post(
            "/v1/jobs",
            json={
                "account": account,
                "kind": kind,
                "media": media,
                "caption": caption,
                "scheduled_at": when or self.due_now,
            },
            headers=headers,
        )
        assert r.status_code in (200, 201), r.text
        return r.json()


@pytest.fixture
def settings(migrated_database_url: str, tmp_path) -> Settings:  # type: ignore[no-untyped-def]
    return Settings(
        data_dir=tmp_path / "var",
        database_url=migrated_database_url,
        secret_keys=[Fernet.generate_key().decode()],
        lease_ttl_s=30,
        retry_backoff_s=0,
        webhook_allowed_hosts=["127.0.0.1"],  # the webhook tests' receivers run on loopback
        audience_refresh_days=0,  # no audience readings by themselves (tests/controller/
        # test_best_time.py turns them on): an idle phone's claim stays empty
    )


@pytest.fixture
def api(settings: Settings) -> Iterator[Api]:
    app = create_app(settings, run_scheduler=False)
    with TestClient(app) as client:
        engine = app.state.engine
        keys = {role: create_api_key(engine, role, f"test-{role}") for role in ("ops", "scheduler")}
        keys["agent"] = create_api_key(engine, "agent", "test-agent", agent="rack-1")
        keys["scheduler_b"] = create_api_key(engine, "scheduler", "test-scheduler-b")
        yield Api(client, keys)
