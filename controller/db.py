"""Engine, sessions and migrations."""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlmodel import Session

ALEMBIC_DIR = Path(__file__).resolve().parent.parent / "alembic"


def make_engine(url: str, *, foreign_keys: bool = True, pool_size: int = 10) -> sa.Engine:
    """An engine for SQLite (WAL, foreign keys on unless migrating) or PostgreSQL. The
    controller sizes the pool above its request slots (`Settings.db_slots`) plus the
    background threads, so a checkout never waits on a connection held by a request."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=pool_size,
            max_overflow=10,
        )

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
            dbapi_conn.isolation_level = None  # transactions are begun below, not by pysqlite
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @sa.event.listens_for(engine, "begin")
        def _begin(conn: sa.Connection) -> None:
            # A writer takes the write lock when its transaction starts, so a read-then-write
            # (the dispatcher choosing a job, a completion checking its lease) is serialised
            # instead of failing with "database is locked" when two threads race. A reader
            # (a GET, see `reader`) begins a plain deferred transaction: under WAL it reads
            # its snapshot while a writer works and never queues behind the write lock.
            if conn.get_execution_options().get(READ_ONLY):
                conn.exec_driver_sql("BEGIN")
            else:
                conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return sa.create_engine(
        url,
        pool_size=pool_size,
        max_overflow=10,
        pool_pre_ping=True,
        pool_timeout=10,
        # an unreachable server is an answer (503 database_unavailable) in seconds, not minutes
        connect_args={"connect_timeout": 5},
    )


READ_ONLY = "farm_read_only"
_readers: weakref.WeakKeyDictionary[sa.Engine, sa.Engine] = weakref.WeakKeyDictionary()


def reader(engine: sa.Engine) -> sa.Engine:
    """The same engine (same pool) for sessions that only read: on SQLite their transactions
    do not take the write lock (a GET never waits for, nor blocks, a writer)."""
    found = _readers.get(engine)
    if found is None:
        found = _readers[engine] = engine.execution_options(**{READ_ONLY: True})
    return found


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(ALEMBIC_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


MIGRATE_LOCK_KEY = 0x1F4A_2D11  # pg advisory lock: one replica migrates at a time


def migrate(url: str, revision: str = "head") -> None:
    """Bring the database at `url` to `revision` with Alembic. Replicas starting at the same
    moment take turns: a PostgreSQL advisory lock, or a lock file beside a SQLite database;
    the second finds the schema at head and does nothing."""
    if url.startswith("postgresql"):
        pg = url if "+psycopg" in url else url.replace("postgresql://", "postgresql+psycopg://")
        engine = sa.create_engine(pg, poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as conn:
                conn.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATE_LOCK_KEY})
                conn.commit()
                try:
                    command.upgrade(alembic_config(url), revision)
                finally:
                    conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATE_LOCK_KEY})
                    conn.commit()
        finally:
            engine.dispose()
        return
    path = url.split("///", 1)[-1] if url.startswith("sqlite") else ""
    if not path or path == ":memory:":
        command.upgrade(alembic_config(url), revision)
        return
    import fcntl

    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(f"{path}.migrate-lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            command.upgrade(alembic_config(url), revision)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def downgrade(url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)


@contextmanager
def session_scope(engine: sa.Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
