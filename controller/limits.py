"""Bounded request bodies, checked before any route reads a byte (ASGI middleware).

A request that carries a body must first show a known key or agent token (else 401, without
reading the body), then stay under its route's cap: by its `Content-Length` (413 at once)
and while streaming (a chunked body is cut at the cap and answered 413). Nothing past the cap
is buffered in memory or spooled to a temporary file.

| route | cap (Settings) | code |
|---|---|---|
| `POST /v1/media` | `max_upload_bytes` + multipart envelope | `file_too_large` |
| `POST /v1/jobs:batch` | `max_batch_bytes` | `payload_too_large` |
| `POST /v1/leases/{token}/complete` (evidence) | `max_evidence_bytes` | `payload_too_large` |
| anything else | `max_json_bytes` | `payload_too_large` |
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa
import structlog
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

if TYPE_CHECKING:
    from controller.deps import Principal

from controller.config import Settings
from controller.errors import DATABASE_DOWN, database_unavailable

log = structlog.get_logger()

MULTIPART_ENVELOPE = 64 * 1024
_COMPLETE = re.compile(r"^/v1/leases/[^/]+/complete$")


@dataclass(frozen=True)
class Cap:
    limit: int
    code: str


def cap_for(settings: Settings, method: str, path: str) -> Cap:
    """The largest body a request to this route may carry."""
    if method == "POST" and path.rstrip("/") == "/v1/media":
        return Cap(settings.max_upload_bytes + MULTIPART_ENVELOPE, "file_too_large")
    if method == "POST" and path == "/v1/jobs:batch":
        return Cap(settings.max_batch_bytes, "payload_too_large")
    if method == "POST" and _COMPLETE.match(path):
        return Cap(settings.max_evidence_bytes, "payload_too_large")
    return Cap(settings.max_json_bytes, "payload_too_large")


class BodyTooLarge(HTTPException):
    """Raised from `receive` once a streamed body passes its cap; FastAPI lets an
    HTTPException through its body parsing, and the middleware answers 413 itself."""

    def __init__(self) -> None:
        super().__init__(413, "request body too large")


def _error(status: int, code: str, message: str) -> tuple[Message, Message]:
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    start: Message = {
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            # the rest of the body is never read: the connection cannot be reused
            (b"connection", b"close"),
        ],
    }
    return start, {"type": "http.response.body", "body": body}


def _token(headers: dict[bytes, bytes]) -> str | None:
    value = headers.get(b"authorization", b"").decode("latin-1")
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


# request state key: (token, Principal) of a request this middleware authenticated
AUTHENTICATED = "authenticated"


class BodyLimits:
    """ASGI middleware: authenticate, then cap, before the body is read."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared_raw = headers.get(b"content-length")
        chunked = b"chunked" in headers.get(b"transfer-encoding", b"").lower()
        try:
            declared = int(declared_raw) if declared_raw is not None else None
        except ValueError:
            declared = None
        if not chunked and not declared:
            await self.app(scope, receive, send)  # no body to guard
            return
        fastapi_app = scope["app"]
        settings: Settings = fastapi_app.state.settings
        cap = cap_for(settings, scope["method"], scope["path"])

        token = _token(headers)
        principal = None
        if token is not None:
            try:
                principal = await run_in_threadpool(_principal, fastapi_app.state.engine, token)
            except DATABASE_DOWN as exc:
                await database_unavailable(exc)(scope, receive, send)
                return
        if principal is None:
            log.info("body_refused", reason="unauthorized", declared=declared)
            await _send_error(send, 401, "unauthorized", "missing, unknown or revoked token")
            return
        # the route's own authentication takes it from here instead of looking it up again
        scope.setdefault("state", {})[AUTHENTICATED] = (token, principal)
        if declared is not None and declared > cap.limit:
            log.info("body_refused", reason=cap.code, declared=declared, limit=cap.limit)
            await _send_error(send, 413, cap.code, f"request body exceeds {cap.limit} bytes")
            return

        received = 0
        exceeded = False
        started = False

        async def capped_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > cap.limit:
                    exceeded = True
                    raise BodyTooLarge()
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded:
                if message["type"] == "http.response.start" and not started:
                    started = True
                    log.info("body_refused", reason=cap.code, received=received)
                    await _send_error(
                        send, 413, cap.code, f"request body exceeds {cap.limit} bytes"
                    )
                return  # whatever the route answered to the cut body is replaced
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, capped_receive, guarded_send)
        except BodyTooLarge:
            if not started:
                await _send_error(send, 413, cap.code, f"request body exceeds {cap.limit} bytes")


async def _send_error(send: Send, status: int, code: str, message: str) -> None:
    start, body = _error(status, code, message)
    await send(start)
    await send(body)


def _principal(engine: sa.Engine, token: str) -> Principal | None:
    from controller.deps import principal_for_token

    with Session(engine) as session:
        return principal_for_token(session, token)
