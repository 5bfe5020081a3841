"""A local SMTP server that keeps what it receives (aiosmtpd, on loopback): `farm demo` shows
the notification mail it caught, and the tests read the messages the controller sent."""

from __future__ import annotations

import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


class _Keep:
    def __init__(self, catcher: MailCatcher) -> None:
        self.catcher = catcher

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.catcher.lock:
            self.catcher.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self.catcher.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


class MailCatcher:
    """`with MailCatcher(port) as mail:` an SMTP server on 127.0.0.1:`port` (0: a free one)."""

    def __init__(self, port: int = 0, host: str = "127.0.0.1") -> None:
        if port == 0:
            from controller.runtime import free_port

            port = free_port(host)
        self.host, self.port = host, port
        self.lock = threading.Lock()
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self._server = Controller(_Keep(self), hostname=host, port=port)

    def start(self) -> MailCatcher:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> MailCatcher:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
