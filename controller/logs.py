"""Structured JSON logs (structlog) with secrets redacted from every line."""

from __future__ import annotations

import logging
import re
import sys
from typing import Any, TextIO

import structlog

SECRET_KEYS = re.compile(r"pass(word)?|token|secret|authorization|api_key|cookie", re.I)
SECRET_VALUES = re.compile(
    r"\b(fk|fa|whsec)_[A-Za-z0-9_\-]{20,}|gAAAAA[A-Za-z0-9_\-=]{20,}|Bearer\s+\S+"
)
# ids that are not secrets even though their names look like it (the lease's fencing number)
NOT_SECRET = {"lease_token"}


def _clean(key: str, value: Any) -> Any:
    if key not in NOT_SECRET and SECRET_KEYS.search(key):
        return "[redacted]"
    if isinstance(value, str):
        return SECRET_VALUES.sub("[redacted]", value)
    if isinstance(value, dict):
        return {k: _clean(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean("", v) for v in value]
    return value


def redact(_: Any, __: str, event: dict[str, Any]) -> dict[str, Any]:
    """Blank out values of secret-looking keys (at any depth) and anything shaped like our
    tokens, keys, Fernet ciphertexts or a bearer header."""
    for key, value in list(event.items()):
        event[key] = _clean(key, value)
    return event


class _DropDuplicateTraceback(logging.Filter):
    """uvicorn logs "Exception in ASGI application" for an error our handler already logged
    (`unhandled_error`, with the request id): keep one."""

    def filter(self, record: logging.LogRecord) -> bool:
        duplicate = record.getMessage() == "Exception in ASGI application"
        return not (record.name == "uvicorn.error" and duplicate)


def configure_stdlib(level: str, renderer: Any, file: TextIO | None = None) -> None:
    """Route the standard library's loggers (uvicorn's error log and tracebacks, APScheduler,
    SQLAlchemy warnings) through the same JSON lines and redaction as our own."""
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[
            structlog.stdlib.add_logger_name,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
        ],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            redact,
            renderer,
        ],
    )
    handler = logging.StreamHandler(file or sys.stderr)
    handler.setFormatter(formatter)
    handler.addFilter(_DropDuplicateTraceback())
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_igfarm", False):
            root.removeHandler(old)
    handler._igfarm = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(max(logging.getLevelName(level), logging.WARNING))
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True


def configure(level: str = "INFO", *, json: bool = True, file: TextIO | None = None) -> None:
    """JSON lines (or console lines) with secrets redacted, to `file` (default stderr); the
    standard library's loggers (uvicorn's tracebacks among them) go the same way."""
    renderer: Any = structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer()
    configure_stdlib(level, renderer, file)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            redact,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        logger_factory=structlog.PrintLoggerFactory(file=file or sys.stderr),
        cache_logger_on_first_use=False,
    )
