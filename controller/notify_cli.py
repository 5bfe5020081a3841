"""`farm notify …`: the calling key's notification settings and its in-app list, over the HTTP
API (FARM_URL, FARM_KEY as the other ops commands)."""

from __future__ import annotations

from typing import Any

import typer

from controller import ops_cli

notify_app = typer.Typer(
    help="Notifications by mail and in the app for your key: settings and the list.",
    no_args_is_help=True,
)


def _show(settings: dict[str, Any]) -> None:
    mail = "on" if settings["mail_enabled"] else "off (no SMTP server configured)"
    typer.echo(f"email     {settings['email'] or '-'}")
    typer.echo(f"language  {settings['language']}")
    typer.echo(f"events    {', '.join(settings['events']) or '-'}")
    typer.echo(f"digest    {settings['digest']}")
    typer.echo(f"mail      {mail}")


@notify_app.command("show")
def show() -> None:
    """What your key hears about and how."""
    _show(ops_cli._call("GET", "/v1/notifications/settings").json())


@notify_app.command("set")
def set_(
    email: str | None = typer.Option(None, help="where mail goes ('' for in-app only)"),
    language: str | None = typer.Option(None, help="en or es"),
    events: str | None = typer.Option(
        None, help="comma-separated: job.failed,job.unknown,account.needs_auth ('' for none)"
    ),
    digest: str | None = typer.Option(None, help="none (a mail per event) or daily"),
) -> None:
    """Change some settings; the others stay as they are."""
    body = ops_cli._call("GET", "/v1/notifications/settings").json()
    body = {k: body[k] for k in ("email", "language", "events", "digest")}
    if email is not None:
        body["email"] = email or None
    if language is not None:
        body["language"] = language
    if events is not None:
        body["events"] = [e.strip() for e in events.split(",") if e.strip()]
    if digest is not None:
        body["digest"] = digest
    _show(ops_cli._call("PUT", "/v1/notifications/settings", json=body).json())


@notify_app.command("off")
def off() -> None:
    """Forget your settings (an account's owner still gets in-app notifications)."""
    ops_cli._call("DELETE", "/v1/notifications/settings")
    typer.echo("notification settings removed")


@notify_app.command("list")
def list_(
    unread: bool = typer.Option(False, "--unread", help="only the unread ones"),
    limit: int = typer.Option(50, min=1, max=500),
) -> None:
    """Your notifications, newest first."""
    page = ops_cli._call(
        "GET", "/v1/notifications", params={"unread": str(unread).lower(), "limit": limit}
    ).json()
    ops_cli._table(
        [
            [n["id"], n["created_at"][:19], "" if n["read_at"] else "●", n["event"], n["title"]]
            for n in page["notifications"]
        ],
        ["id", "at (UTC)", "new", "event", "what"],
    )
    typer.echo(f"{page['unread']} unread")


@notify_app.command("read")
def read(
    notification_id: int | None = typer.Argument(None, help="the notification; none: --all"),
    all_: bool = typer.Option(False, "--all", help="mark every notification read"),
) -> None:
    """Mark one notification (or all) read."""
    if all_:
        result = ops_cli._call("POST", "/v1/notifications/read-all").json()
        typer.echo(f"marked {result['marked']} read; {result['unread']} unread")
        return
    if notification_id is None:
        raise ops_cli.ApiProblem("give a notification id or --all")
    note = ops_cli._call("POST", f"/v1/notifications/{notification_id}/read").json()
    typer.echo(f"{note['id']}: read")


@notify_app.command("mail")
def mail(
    state: str | None = typer.Option(None, help="pending, sent or failed"),
    limit: int = typer.Option(50, min=1, max=500),
) -> None:
    """The mail outbox: your messages (ops: all), their attempts and last error."""
    params: dict[str, Any] = {"limit": limit}
    if state:
        params["state"] = state
    rows = ops_cli._call("GET", "/v1/notifications/mail", params=params).json()
    ops_cli._table(
        [
            [
                r["id"],
                r["created_at"][:19],
                r["to"],
                r["state"],
                r["attempts"],
                r["last_error"],
                r["subject"],
            ]
            for r in rows
        ],
        ["id", "queued (UTC)", "to", "state", "tries", "last error", "subject"],
    )
