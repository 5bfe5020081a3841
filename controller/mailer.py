"""The mail outbox: messages queued by controller/notifications.py, sent over SMTP (stdlib
smtplib; STARTTLS and login when set), retried with backoff, recorded.

Like the webhook outbox (controller/webhooks.py): each message is claimed in a short
transaction (its next attempt pushed past the send timeout) before any network I/O, sent with
no transaction open, then recorded. A sent message is never sent again; a controller that dies
between the server's acceptance and the record sends it once more with the same Message-ID
(mail readers show one). The error kept is ours (an exception type, an SMTP status), never
the server's text, and never the password.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime

import structlog
from sqlmodel import Session, select

from controller import notifications
from controller.config import Settings
from controller.models import MailDelivery
from controller.timeutil import utcnow

log = structlog.get_logger()
MAX_BACKOFF_S = 3600.0


@dataclass
class _Attempt:
    delivery_id: int
    message: EmailMessage


def build_message(settings: Settings, row: MailDelivery) -> EmailMessage:
    """The message: headers, a text part and an HTML alternative. Everything comes from the
    row (Date is when it was queued), so every retry sends the same message."""
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = row.to_addr
    message["Subject"] = row.subject
    message["Date"] = format_datetime(row.created_at)
    message["Message-ID"] = row.message_id
    message["Auto-Submitted"] = "auto-generated"
    message["X-Igfarm-Notification"] = (
        f"digest {row.digest_day}" if row.digest_day else str(row.notification_id)
    )
    message.set_content(row.text_body)
    message.add_alternative(row.html_body, subtype="html")
    return message


def _claim(session: Session, settings: Settings, seen: list[int]) -> _Attempt | None:
    query = select(MailDelivery).where(
        MailDelivery.state == "pending", MailDelivery.next_attempt_at <= utcnow()
    )
    if seen:
        query = query.where(MailDelivery.id.not_in(seen))  # type: ignore[union-attr]
    row = session.exec(
        query.order_by(MailDelivery.next_attempt_at, MailDelivery.id)  # type: ignore[arg-type]
        .limit(1)
        .with_for_update(skip_locked=True)
    ).first()
    if row is None:
        session.commit()
        return None
    seen.append(row.id or 0)
    attempt = _Attempt(row.id or 0, build_message(settings, row))
    row.next_attempt_at = utcnow() + timedelta(seconds=settings.smtp_timeout_s * 3 + 30)
    session.add(row)
    session.commit()
    return attempt


def send(settings: Settings, message: EmailMessage) -> str | None:
    """One SMTP transaction; None when the server accepted the message, else why not."""
    try:
        with smtplib.SMTP(
            settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_s
        ) as smtp:
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password)
            refused = smtp.send_message(message)
    except smtplib.SMTPResponseException as exc:
        return f"SMTP {exc.smtp_code} ({type(exc).__name__})"
    except smtplib.SMTPRecipientsRefused:
        return "recipient refused"
    except smtplib.SMTPNotSupportedError as exc:  # e.g. AUTH offered only after STARTTLS
        return f"not offered by the server ({type(exc).__name__})"
    except (OSError, smtplib.SMTPException) as exc:
        return f"connection failed ({type(exc).__name__})"
    except Exception as exc:  # a message the library cannot send: recorded, retried, given up
        log.warning("mail_send_error", error=type(exc).__name__)
        return f"not sent ({type(exc).__name__})"
    return "recipient refused" if refused else None


def _record(session: Session, settings: Settings, delivery_id: int, error: str | None) -> None:
    row = session.get(MailDelivery, delivery_id)
    if row is None or row.state != "pending":
        session.commit()
        return
    row.attempts += 1
    row.last_error = error
    now = utcnow()
    if error is None:
        row.state = "sent"
        row.sent_at = now
    elif row.attempts >= settings.mail_max_attempts:
        row.state = "failed"
    else:
        wait = min(settings.mail_backoff_s * 2 ** (row.attempts - 1), MAX_BACKOFF_S)
        row.next_attempt_at = now + timedelta(seconds=wait)
    session.add(row)
    log.info(
        "mail_attempt",
        delivery=row.id,
        attempt=row.attempts,
        mail_state=row.state,
        error=error,
    )
    session.commit()


def deliver_due(session: Session, settings: Settings, *, limit: int = 20) -> int:
    """Send up to `limit` due messages, one after another; stops at the first failure that
    is not the recipient's (the server is down or refuses us: the rest wait for their next
    attempt). Mail off: nothing."""
    if not settings.mail_enabled:
        return 0
    seen: list[int] = []
    sent = 0
    while sent < limit:
        attempt = _claim(session, settings, seen)
        if attempt is None:
            break
        error = send(settings, attempt.message)
        _record(session, settings, attempt.delivery_id, error)
        sent += 1
        if error is not None and error != "recipient refused":
            break  # the server (or our settings) is the problem: the rest wait their turn
    return sent


def tick(session: Session, settings: Settings) -> int:
    """The background pass: queue the finished days' digests, then send what is due."""
    if not settings.mail_enabled:
        return 0
    notifications.queue_digests(session, settings)
    session.commit()
    return deliver_due(session, settings)
