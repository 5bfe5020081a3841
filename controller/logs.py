"""Structured JSON logs (structlog) with secrets redacted from every line."""

from __future__ import annotations

import logging
import re
import sys
from typing import Any

import structlog

SECRET_KEYS = re.compile(r"pass(word)?|token|secret|authorization|api_key|cookie", re.I)
SECRET_VALUES = re.compile(r"\b(fk|fa)_[A-Za-z0-9_\-]{20,}|gAAAAA[A-Za-z0-9_\-=]{20,}")


def redact(_: Any, __: str, event: dict[str, Any]) -> dict[str, Any]:
    """Blank out values of secret-looking keys and anything shaped like our tokens."""
    for key, value in list(event.items()):
        if SECRET_KEYS.search(key):
            event[key] = "[redacted]"
        elif isinstance(value, str):
            event[key] = SECRET_VALUES.sub("[redacted]", value)
    return event


def configure(level: str = "INFO", *, json: bool = True) -> None:
    renderer: Any = structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer()
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
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )
