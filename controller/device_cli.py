"""`farm devices drain|quarantine|release|reboot SERIAL` (the list and `move` are in ops_cli)."""

from __future__ import annotations

import typer

from controller import ops_cli

# one `farm devices` group: the list and `move` live in ops_cli, the actions here
devices_app = ops_cli.devices_app
devices_app.info.help = (
    "Phones: list them (no command); move one to another agent; drain, quarantine, "
    "release or reboot one."
)


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
