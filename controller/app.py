"""The controller's FastAPI application and its background jobs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog
from apscheduler.schedulers.background import BackgroundScheduler
from fastapi import FastAPI

from controller import dispatcher
from controller.config import Settings
from controller.db import make_engine, migrate, session_scope
from controller.errors import install_error_handlers
from controller.routes import agents, devices, jobs, media
from controller.security import SecretBox, load_or_create_keys

log = structlog.get_logger()


def _tick(app: FastAPI, name: str) -> None:
    settings: Settings = app.state.settings
    try:
        with session_scope(app.state.engine) as session:
            if name == "sweep":
                dispatcher.sweep(session, settings)
            else:
                dispatcher.dispatch(session, settings)
    except Exception:
        log.exception("background_job_failed", job=name)


def create_app(settings: Settings | None = None, *, run_scheduler: bool = True) -> FastAPI:
    """Build the app: migrate the database, then serve the API and run the dispatcher."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        scheduler = None
        if run_scheduler:
            scheduler = BackgroundScheduler(timezone="UTC")
            for name in ("sweep", "dispatch"):
                scheduler.add_job(
                    _tick,
                    "interval",
                    seconds=settings.dispatch_interval_s,
                    args=[app, name],
                    id=name,
                    max_instances=1,
                    coalesce=True,
                )
            scheduler.start()
        log.info("controller_started", database=settings.database_url.split("://")[0])
        yield
        if scheduler is not None:
            scheduler.shutdown(wait=True)
        app.state.engine.dispose()

    app = FastAPI(
        title="igfarm controller",
        version="0.1.0",
        description="Publish jobs to Instagram through a farm of phones.",
        lifespan=lifespan,
    )
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate(settings.database_url)
    app.state.settings = settings
    app.state.engine = make_engine(settings.database_url)
    app.state.secrets = SecretBox(load_or_create_keys(settings.secret_keys, settings.data_dir))
    install_error_handlers(app)
    for module in (media, devices, jobs, agents):
        app.include_router(module.router)

    @app.get("/healthz", tags=["status"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
