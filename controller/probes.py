"""Liveness and readiness probes: is the database there, is its schema this version's."""

from __future__ import annotations

import functools

import sqlalchemy as sa
import structlog
from alembic.script import ScriptDirectory

from controller.db import alembic_config
from controller.errors import DATABASE_DOWN

log = structlog.get_logger()


def database_reachable(engine: sa.Engine) -> bool:
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        return True
    except DATABASE_DOWN as exc:
        log.warning("database_unavailable", where="probe", error_type=type(exc).__name__)
        return False


@functools.cache
def _head() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def schema_current(engine: sa.Engine) -> bool:
    """The database's Alembic revision is the newest this code knows."""
    head = _head()
    try:
        with engine.connect() as conn:
            current = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    except sa.exc.DBAPIError:
        return False
    return current == head
