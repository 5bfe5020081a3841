"""Alembic environment: runs migrations against the URL given by controller.db."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import controller.models  # noqa: F401  (registers the tables)
from controller.db import make_engine

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    # SQLite rebuilds a table to alter it; with foreign keys enforced that fails as soon as
    # other tables point at it, so migrations run with them off (PostgreSQL is unaffected).
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "", foreign_keys=False)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
