"""One error shape for the whole API: `{"error": {"code": ..., "message": ...}}`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException


class ApiError(Exception):
    """An error a client can act on: HTTP status, stable code, one-line message."""

    def __init__(self, status: int, code: str, message: str, **details: Any) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details = details


def not_found(what: str, ident: object) -> ApiError:
    return ApiError(404, f"{what}_not_found", f"no {what} {ident!r}")


def _body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if details:
        error["details"] = details
    return {"error": error}


_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
}


def describe_validation(errors: Sequence[Any]) -> tuple[str, str]:
    """(code, message) for the first of pydantic's validation errors."""
    first = errors[0] if errors else {}
    loc = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or "body"
    msg = first.get("msg", "invalid request")
    if first.get("type") == "missing":
        return "missing_field", f"{loc}: field required"
    if first.get("type") == "json_invalid":
        return "invalid_json", "request body is not valid JSON"
    ctx_error = (first.get("ctx") or {}).get("error")
    if isinstance(ctx_error, ApiError):
        return ctx_error.code, ctx_error.message
    return "invalid_field", f"{loc}: {msg}"


DATABASE_DOWN = (
    sa.exc.OperationalError,
    sa.exc.InterfaceError,
    sa.exc.TimeoutError,
    sa.exc.DisconnectionError,
)


def database_unavailable(exc: BaseException) -> JSONResponse:
    """503 `database_unavailable`: the database cannot be reached (or is locked): retry later.
    Logged without the driver's message (it can carry SQL and parameters)."""
    import structlog

    structlog.get_logger().warning("database_unavailable", error_type=type(exc).__name__)
    return JSONResponse(
        _body("database_unavailable", "the database is unreachable; retry shortly"),
        status_code=503,
        headers={"Retry-After": "5"},
    )


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(_body(exc.code, exc.message, exc.details), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        code, message = describe_validation(exc.errors())
        return JSONResponse(_body(code, message), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "http_error")
        return JSONResponse(
            _body(code, str(exc.detail)), status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(sa.exc.DataError)
    async def _data(_: Request, exc: sa.exc.DataError) -> JSONResponse:
        # a value the database cannot hold (NUL byte in a path, number out of range, …)
        return JSONResponse(
            _body("invalid_value", "a value in the request cannot be stored or compared"),
            status_code=422,
        )

    @app.exception_handler(sa.exc.OperationalError)
    @app.exception_handler(sa.exc.InterfaceError)
    @app.exception_handler(sa.exc.TimeoutError)
    @app.exception_handler(sa.exc.DisconnectionError)
    async def _database_down(_: Request, exc: Exception) -> JSONResponse:
        return database_unavailable(exc)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        import structlog

        structlog.get_logger().exception("unhandled_error", error_type=type(exc).__name__)
        return JSONResponse(_body("internal_error", "unexpected server error"), status_code=500)
