"""`farm devices` (the list) and `farm devices drain|quarantine|release|reboot SERIAL`."""

from __future__ import annotations

import typer

from controller import ops_cli

devices_app = typer.Typer(
    help="Phones: list them (no command), or drain, quarantine, release, reboot one.",
    invoke_without_command=True,
)


@devices_app.callback()
def devices_list(ctx: typer.Context) -> None:
    """Every phone: status, mode, battery, temperature, app version, current job."""
    if ctx.invoked_subcommand is None:
        ops_cli.devices()


def _act(action: str, serial: str, reason: str) -> None:
    body = {"reason": reason} if reason else None
    device = ops_cli._call("POST", f"/v1/devices/{serial}/{action}", json=body).json()
    line = f"{device['serial']}: {device['mode']}"
    if device.get("mode_reason"):
        line += f" ({device['mode_reason']})"
    if device.get("reboot_requested_at"):
        line += ", reboot requested"
    typer.echo(line)


REASON = typer.Option("", "--reason", "-r", help="why (shown with the phone)")


@devices_app.command("drain")
def drain(serial: str, reason: str = REASON) -> None:
    """Let the phone finish its job and give it no other."""
    _act("drain", serial, reason)


@devices_app.command("quarantine")
def quarantine(serial: str, reason: str = REASON) -> None:
    """Give the phone no work until it is released."""
    _act("quarantine", serial, reason)


@devices_app.command("release")
def release(serial: str) -> None:
    """Put a drained or quarantined phone back to work."""
    _act("release", serial, "")


@devices_app.command("reboot")
def reboot(serial: str, reason: str = REASON) -> None:
    """Ask the phone's agent to reboot it between two jobs."""
    _act("reboot", serial, reason)
