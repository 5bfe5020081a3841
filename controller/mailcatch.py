"""A local SMTP server that keeps what it receives (aiosmtpd, on loopback): `farm demo` shows
the notification mail it caught, and the tests read the messages the controller sent."""

from __future__ import annotations

import ssl
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class _Keep:
    def __init__(self, catcher: MailCatcher) -> None:
        self.catcher = catcher

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.catcher.lock:
            self.catcher.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self.catcher.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


class _Authenticator:
    def __init__(self, user: str, password: str) -> None:
        self.user, self.password = user.encode(), password.encode()

    def __call__(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            self.user,
            self.password,
        )
        return AuthResult(success=ok, handled=False)


class MailCatcher:
    """`with MailCatcher(port) as mail:` an SMTP server on 127.0.0.1:`port` (0: a free one)."""

    def __init__(
        self,
        port: int = 0,
        host: str = "127.0.0.1",
        login: tuple[str, str] | None = None,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        """`login`: AUTH required with this user and password; `tls`: STARTTLS offered and
        required (then AUTH only after it)."""
        if port == 0:
            from controller.runtime import free_port

            port = free_port(host)
        self.host, self.port = host, port
        self.lock = threading.Lock()
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        extra: dict[str, Any] = {}
        if login is not None:  # AUTH required (over plain text without `tls`: loopback only)
            extra = {
                "auth_required": True,
                "auth_require_tls": tls is not None,
                "authenticator": _Authenticator(*login),
            }
        if tls is not None:
            extra.update(tls_context=tls, require_starttls=True)
        self._server = Controller(_Keep(self), hostname=host, port=port, **extra)

    def start(self) -> MailCatcher:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> MailCatcher:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
