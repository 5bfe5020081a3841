"""The `Driver` protocol: the few device operations every flow is built on.

Backends: uiautomator2 (`device_agent.drivers.u2`), Appium (`device_agent.drivers.appium`)
and the simulated phone (`emulator.phone.SimPhone`, in process, or
`emulator.client.RemotePhone`, over HTTP). Flows only ever talk to this surface.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

INSTAGRAM_PACKAGE = "com.instagram.android"


def media_scan_command(remote_path: str) -> str:
    """The shell command that makes the media store (re)index a pushed or removed file."""
    return f"am broadcast -a android.intent.action.MEDIA_SCANNER_SCAN_FILE -d file://{remote_path}"


@runtime_checkable
class Driver(Protocol):
    """A phone as UI automation sees it."""

    serial: str

    def dump_hierarchy(self) -> str:
        """Return the current screen as uiautomator XML (`<hierarchy rotation="0">…`)."""
        ...

    def tap(self, x: int, y: int) -> None:
        """Tap the screen at pixel coordinates."""
        ...

    def type_text(self, text: str) -> None:
        """Type text into the focused field (replacing nothing; appends)."""
        ...

    def press_key(self, key: str) -> None:
        """Press a key: "back", "home" or "enter"."""
        ...

    def swipe(self, x1: int, y1: int, x2: int, y2: int, duration: float = 0.2) -> None:
        """Swipe from (x1, y1) to (x2, y2)."""
        ...

    def screenshot(self) -> bytes:
        """Return a PNG of the current screen."""
        ...

    def app_start(self, package: str) -> None:
        """Bring an app to the foreground, launching it if needed."""
        ...

    def app_stop(self, package: str) -> None:
        """Force-stop an app."""
        ...

    def push_file(self, local_path: str, remote_path: str) -> None:
        """Copy a local file onto the phone."""
        ...

    def shell(self, command: str) -> str:
        """Run an adb shell command and return its standard output."""
        ...
