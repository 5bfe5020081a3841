"""Fixtures shared by every test package: real databases and generated media."""

from __future__ import annotations

import io
import random
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from PIL import Image, ImageDraw


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("igfarm-real-device", "flows against a real phone or emulator")
    group.addoption(
        "--device",
        metavar="SERIAL",
        default=None,
        help="adb serial of a phone/AVD to run tests/flows/test_real_device.py on",
    )
    group.addoption(
        "--account",
        metavar="USERNAME",
        default=None,
        help="Instagram account logged in on --device (a QA account: a real post goes out)",
    )


PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def postgres_available() -> bool:
    try:
        engine = sa.create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def pg_ok() -> bool:
    return postgres_available()


def fresh_postgres_database() -> tuple[str, sa.Engine, str]:
    name = f"igfarm_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}", admin, name


def drop_postgres_database(admin: sa.Engine, name: str) -> None:
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """An empty database: a SQLite file, or a new PostgreSQL database dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'farm.db'}"
        return
    if not postgres_available():
        pytest.fail("PostgreSQL is not reachable on 127.0.0.1:5432 (.ci/run starts it)")
    url, admin, name = fresh_postgres_database()
    try:
        yield url
    finally:
        drop_postgres_database(admin, name)


def jpeg_bytes(width: int = 1080, height: int = 1080, seed: int = 0) -> bytes:
    """A real JPEG with content that differs per seed."""
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height), tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rng.randrange(width), rng.randrange(height)
        draw.rectangle(
            [x, y, x + rng.randrange(50, 400), y + rng.randrange(50, 400)],
            fill=tuple(rng.randrange(256) for _ in range(3)),
        )
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()
