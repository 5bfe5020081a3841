"""Alembic builds exactly the models' schema on an empty database, and tears it down again."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import controller.models  # noqa: F401
from controller.db import downgrade, make_engine, migrate


def test_upgrade_matches_models_and_downgrade_empties(database_url: str) -> None:
    migrate(database_url)
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
            assert diff == []
            tables = set(sa.inspect(conn).get_table_names())
        assert {
            "account",
            "device",
            "agent",
            "job",
            "job_event",
            "media_asset",
            "lease",
            "api_key",
        } <= tables
        downgrade(database_url)
        with engine.connect() as conn:
            assert set(sa.inspect(conn).get_table_names()) <= {"alembic_version"}
        migrate(database_url)
    finally:
        engine.dispose()
