"""`farm audience ACCOUNT [--refresh]`: when an account's audience is active (best time to
post), over the HTTP API like the other ops commands (FARM_URL, FARM_KEY)."""

from __future__ import annotations

import typer

from controller.ops_cli import _call

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WIDTH = 30  # characters of the longest bar


def _bar(value: float) -> str:
    return "#" * round(WIDTH * value / 100)


def audience(
    account: str,
    refresh: bool = typer.Option(
        False, "--refresh", help="ask the account's phone for a new reading of its Insights"
    ),
) -> None:
    """The audience's activity per hour (the account's time zone) and weekday, where it comes
    from (insights, estimate, default) and the next best time to post."""
    method, path = ("POST", "/refresh") if refresh else ("GET", "")
    body = _call(method, f"/v1/accounts/{account}/audience{path}").json()
    read = body["read_at"] or "never"
    typer.echo(f"{body['account']}: {body['source']} (read {read}), hours in {body['timezone']}")
    if body["note"]:
        typer.echo(f"note: {body['note']}")
    if refresh:
        typer.echo("refresh asked: the phone reads it when idle and nothing is due soon")
    for hour, value in enumerate(body["by_hour"]):
        typer.echo(f"  {hour:02d}:00  {value:5.1f}  {_bar(value)}".rstrip())
    for day, value in zip(WEEKDAYS, body["by_weekday"], strict=True):
        typer.echo(f"  {day}    {value:5.1f}  {_bar(value)}".rstrip())
    typer.echo(f"next best time: {body['next_best_at']}")
