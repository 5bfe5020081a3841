"""The Driver protocol over uiautomator2 (which talks adb through adbutils)."""

from __future__ import annotations

import shlex

_KEYS = {"back": "back", "home": "home", "enter": "enter"}


class U2Driver:
    """A real phone or emulator reached by adb serial."""

    def __init__(self, serial: str) -> None:
        self.serial = serial
        self._device = None

    @property
    def _d(self):  # type: ignore[no-untyped-def]
        """Connect on first use, so a phone unplugged at start-up is reported offline (its
        health reads fail) instead of stopping the agent; a later call retries."""
        if self._device is None:
            import adbutils
            import uiautomator2

            attached = {d.serial for d in adbutils.adb.device_list()}
            if self.serial not in attached:
                raise ConnectionError(f"device {self.serial} is not attached to adb")
            self._device = uiautomator2.connect(self.serial)
        return self._device

    def dump_hierarchy(self) -> str:
        return self._d.dump_hierarchy(compressed=False)

    def tap(self, x: int, y: int) -> None:
        self._d.click(x, y)

    def type_text(self, text: str) -> None:
        self._d.send_keys(text)

    def press_key(self, key: str) -> None:
        self._d.press(_KEYS[key])

    def swipe(self, x1: int, y1: int, x2: int, y2: int, duration: float = 0.2) -> None:
        self._d.swipe(x1, y1, x2, y2, duration)

    def screenshot(self) -> bytes:
        import io

        image = self._d.screenshot()
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        return buffer.getvalue()

    def app_start(self, package: str) -> None:
        self._d.app_start(package)

    def app_stop(self, package: str) -> None:
        self._d.app_stop(package)

    def push_file(self, local_path: str, remote_path: str) -> None:
        self._d.push(local_path, remote_path)

    def shell(self, command: str) -> str:
        return self._d.shell(shlex.split(command)).output

    # --- recovery (device_agent/recovery.py) ---------------------------------------------
    def reconnect(self) -> None:
        """Drop the uiautomator2 session and renew the adb connection (network serials)."""
        import adbutils

        self._device = None
        if ":" in self.serial:
            adbutils.adb.disconnect(self.serial)
            adbutils.adb.connect(self.serial, timeout=10)

    def reboot(self) -> None:
        import adbutils

        adbutils.adb.device(self.serial).reboot()
        self._device = None
