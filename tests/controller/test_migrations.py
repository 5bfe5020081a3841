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


def test_upgrade_keeps_rows_written_by_the_first_schema(database_url: str) -> None:
    """A farm on 0001 with a job and an account upgrades in place; new columns get defaults."""
    migrate(database_url, "0001")
    engine = make_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO device (serial, label, driver, status) "
                    "VALUES ('d1', '', 'sim', 'idle')"
                )
            )
            conn.execute(
                sa.text(
                    "INSERT INTO account (username, password_enc, device_id, timezone, state, "
                    "state_reason, created_at) VALUES ('A.Shop', 'x', 1, 'UTC', 'active', '', "
                    "'2026-01-01 00:00:00')"
                )
            )
            conn.execute(
                sa.text(
                    "INSERT INTO job (kind, account_id, caption, media_ids, fit, scheduled_at, "
                    "timezone, state, attempts, max_attempts, created_at, updated_at) VALUES "
                    "('feed', 1, 'c', '[]', 'pad', '2026-01-01 00:00:00', 'UTC', 'scheduled', "
                    "0, 3, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
                )
            )
        migrate(database_url)
        with engine.connect() as conn:
            job = conn.execute(sa.text("SELECT approval_required, approved_at FROM job")).one()
            account = conn.execute(
                sa.text("SELECT approval_required, min_gap_s, daily_cap, owner_key_id FROM account")
            ).one()
            username = conn.execute(sa.text("SELECT username FROM account")).scalar_one()
        assert username == "a.shop"  # 0007: usernames are case-insensitive, kept lower case
        assert (bool(job[0]), job[1]) == (False, None)
        assert (bool(account[0]), account[1], account[2], account[3]) == (False, None, None, None)
        downgrade(database_url, "0001")
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT caption FROM job")).scalar_one() == "c"
            assert "webhook" not in sa.inspect(conn).get_table_names()
    finally:
        engine.dispose()
