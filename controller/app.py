"""The controller's FastAPI application and its background jobs."""

from __future__ import annotations

import threading
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import anyio
import anyio.to_thread
import structlog
import uvicorn
from apscheduler.schedulers.background import BackgroundScheduler
from fastapi import FastAPI
from sqlmodel import Session
from starlette.types import ASGIApp, Receive, Scope, Send

from controller import (
    approvals,
    cyclic,
    dispatcher,
    health,
    leases,
    mailer,
    notifications,
    notify,
    webhooks,
)
from controller.config import Settings
from controller.db import make_engine, migrate, session_scope
from controller.errors import install_error_handlers
from controller.limits import BodyLimits
from controller.routes import (
    accounts,
    agents,
    batch,
    console,
    dashboard,
    device_actions,
    devices,
    jobs,
    keys,
    media,
    status,
)
from controller.routes import audience as audience_routes
from controller.routes import cyclic as cyclic_routes
from controller.routes import notifications as notification_routes
from controller.routes import stats as stats_routes
from controller.routes import teams as team_routes
from controller.routes import webhooks as webhook_routes
from controller.schemas import ErrorOut
from controller.security import SecretBox

log = structlog.get_logger()
ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    401: {"model": ErrorOut, "description": "no key, or an unknown or revoked one"},
    403: {"model": ErrorOut, "description": "the key's role may not call this route"},
    404: {"model": ErrorOut, "description": "no such job, account, media, lease or webhook"},
    409: {"model": ErrorOut, "description": "the state forbids it (code says why)"},
    413: {"model": ErrorOut, "description": "body or upload too large"},
    422: {"model": ErrorOut, "description": "invalid input (code says which rule)"},
}

TICKS: dict[str, Callable[[Session, FastAPI], object]] = {
    "sweep": lambda s, app: leases.sweep(s, app.state.settings),
    "dispatch": lambda s, app: dispatcher.dispatch(s, app.state.settings),
    "approvals": lambda s, _: approvals.expire_pending(s),
    "offline": lambda s, app: health.mark_silent_offline(s, app.state.settings),
    "webhooks": lambda s, app: webhooks.deliver_due(s, app.state.settings, app.state.secrets),
    "mail": lambda s, app: mailer.tick(s, app.state.settings),
    "cyclic": lambda s, app: cyclic.run_pass(s, app.state.settings),
}


# run by every replica (SKIP LOCKED makes them safe side by side); the others by the leader
EVERY_REPLICA = {"dispatch"}


def run_tick(app: FastAPI, name: str) -> None:
    """One pass of a background job, in its own transaction; errors are logged, not raised.
    The passes that must run once per farm run only in the elected replica."""
    leader = getattr(app.state, "leader", None)
    if name not in EVERY_REPLICA and leader is not None and not leader.is_leader():
        return
    try:
        with session_scope(app.state.engine) as session:
            TICKS[name](session, app)
    except Exception:
        log.exception("background_job_failed", job=name)


class StoppingServer(uvicorn.Server):
    """uvicorn that, on SIGTERM/SIGINT, also answers the long-poll claims at once: the server
    waits for open requests before it stops, and a waiting claim would hold it up to its
    timeout (the graceful-shutdown timeout cancels whatever still runs after it)."""

    def handle_exit(self, sig: int, frame: object) -> None:
        app = self.config.app
        state = getattr(app, "state", None)
        if state is not None and hasattr(state, "stopping"):
            state.stopping.set()
            state.wakeups.wake_all()
        super().handle_exit(sig, frame)  # type: ignore[arg-type]


class RequestContext:
    """ASGI middleware: every log line of a request carries its request id, method and path."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        given = headers.get(b"x-request-id", b"").decode("latin-1")[:64]
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(
            request_id=given or uuid.uuid4().hex[:16],
            method=scope.get("method", ""),
            path=scope.get("path", ""),
        )
        await self.app(scope, receive, send)


def create_app(settings: Settings | None = None, *, run_scheduler: bool = True) -> FastAPI:
    """Build the app: migrate the database, then serve the API and run the dispatcher."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        wakeups: notify.Wakeups = app.state.wakeups
        wakeups.bind_loop()
        # room in the thread pool beyond the requests that may hold a database session
        limiter = anyio.to_thread.current_default_thread_limiter()
        limiter.total_tokens = max(limiter.total_tokens, settings.db_slots + 16)
        scheduler = None
        loop_thread = None
        listener = None
        if settings.database_url.startswith("postgresql"):
            listener = notify.Listener(settings.database_url, wakeups)
            listener.start()
        if run_scheduler:
            loop_thread = notify.DispatchLoop(app.state.engine, settings, wakeups)
            loop_thread.start()
            app.state.dispatch_loop = loop_thread
            scheduler = BackgroundScheduler(timezone="UTC")
            for name in TICKS:
                if name == "dispatch":
                    continue  # the dispatch loop above
                scheduler.add_job(
                    run_tick,
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
        app.state.stopping.set()
        wakeups.wake_all()
        if loop_thread is not None:
            loop_thread.close()
        if scheduler is not None:
            scheduler.shutdown(wait=True)
        if listener is not None:
            listener.stop.set()
        app.state.leader.close()
        app.state.engine.dispose()

    app = FastAPI(
        title="igfarm controller",
        version="0.2.0",
        description=(
            "Publish jobs to Instagram through a farm of phones. Authenticate with "
            "`Authorization: Bearer <key>`; keys have a role (`scheduler`, `ops`, `agent`). "
            'Every error is `{"error": {"code": ..., "message": ...}}` with a stable code.'
        ),
        lifespan=lifespan,
    )
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate(settings.database_url)
    app.state.settings = settings
    app.state.engine = make_engine(settings.database_url, pool_size=settings.db_slots + 8)
    app.state.db_slots = anyio.Semaphore(settings.db_slots)
    app.state.wakeups = notify.attach(app.state.engine)
    notifications.configure(app.state.engine, settings)
    app.state.dispatch_loop = None  # the background pass, once the lifespan started it
    app.state.leader = notify.Leader(app.state.engine)
    app.state.stopping = threading.Event()
    app.state.secrets = SecretBox.for_settings(settings)
    install_error_handlers(app)
    for module in (
        media,
        devices,
        device_actions,
        accounts,
        batch,
        jobs,
        agents,
        webhook_routes,
        keys,
        notification_routes,
        team_routes,
        cyclic_routes,
        audience_routes,
    ):
        app.include_router(module.router, responses=ERROR_RESPONSES)
    app.include_router(stats_routes.router, responses=ERROR_RESPONSES)
    app.include_router(status.router)
    app.include_router(dashboard.router)
    app.include_router(console.router, responses=ERROR_RESPONSES)

    app.add_middleware(BodyLimits)  # inside RequestContext: its refusals are logged with the id
    app.add_middleware(RequestContext)
    return app
