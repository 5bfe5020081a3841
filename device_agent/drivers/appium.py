"""The Driver protocol over an Appium server (UiAutomator2 automation, W3C WebDriver).

Appium's page source names each element by its class; it is rewritten into uiautomator's
`<node class=…>` form so flows read one format whatever the backend. Shell commands need the
server started with `--allow-insecure=adb_shell`.
"""

from __future__ import annotations

import threading
import time
import xml.etree.ElementTree as ET

_KEYCODES = {"back": 4, "home": 3, "enter": 66}
# what Appium's UiAutomator2 driver answers when the phone is not on its adb: no device at all
# (after its own 20 s wait), or other devices but not this one
_NOT_ATTACHED = ("Could not find a connected Android device", "was not in the list of connected")


class AppiumSessionError(ConnectionError):
    """The Appium server could not give a session on this phone; the message is one line."""


def _first_line(message: str) -> str:
    message = message.removeprefix("Message: ").strip()
    return message.splitlines()[0].strip() if message else "no message"


def to_uiautomator_xml(page_source: str) -> str:
    """Rename Appium's class-named elements to `node` elements with a `class` attribute.

    The root becomes uiautomator's bare `<hierarchy rotation=…>`: Appium gives it view-like
    attributes (`class="hierarchy"`, `index`, `width`, `height`) that would make it read as a
    view without a package, above the app's windows."""
    root = ET.fromstring(page_source)
    for element in root.iter():
        if element is root:
            element.tag = "hierarchy"
            rotation = element.attrib.get("rotation", "0")
            element.attrib.clear()
            element.set("rotation", rotation)
            continue
        if element.tag != "node":
            element.set("class", element.attrib.get("class", element.tag))
            element.tag = "node"
    return ET.tostring(root, encoding="unicode")


class AppiumDriver:
    """A phone behind an Appium server. The session opens on first use; when that fails, the
    same error is raised again without asking the server until `retry_after_s` has passed, so
    an unplugged phone costs the agent one slow attempt (Appium itself waits 20 s for a
    device when none is attached), not one per health read."""

    def __init__(
        self,
        serial: str,
        server_url: str,
        *,
        command_timeout_s: float = 60.0,
        retry_after_s: float = 30.0,
    ) -> None:
        self.serial = serial
        self.server_url = server_url
        self.command_timeout_s = command_timeout_s
        self.retry_after_s = retry_after_s
        self._session = None
        self._failure: tuple[float, AppiumSessionError] | None = None
        self._lock = threading.Lock()

    @property
    def _d(self):  # type: ignore[no-untyped-def]
        """The WebDriver session, opened on first use (and again after `close`)."""
        with self._lock:
            if self._session is None:
                if self._failure and time.monotonic() - self._failure[0] < self.retry_after_s:
                    raise self._failure[1]
                try:
                    self._session = self._open()
                except AppiumSessionError as exc:
                    self._failure = (time.monotonic(), exc)
                    raise
                self._failure = None
            return self._session

    def _open(self):  # type: ignore[no-untyped-def]
        from appium import webdriver
        from appium.options.android import UiAutomator2Options
        from appium.webdriver.client_config import AppiumClientConfig
        from selenium.common.exceptions import WebDriverException
        from urllib3.exceptions import HTTPError as Urllib3Error

        options = UiAutomator2Options()
        options.udid = self.serial
        options.no_reset = True
        options.new_command_timeout = 300
        config = AppiumClientConfig(
            self.server_url, timeout=int(self.command_timeout_s), keep_alive=True
        )
        where = f"Appium at {self.server_url}"
        try:
            return webdriver.Remote(self.server_url, options=options, client_config=config)
        except WebDriverException as exc:
            reason = _first_line(exc.msg or str(exc))
            if any(marker in reason for marker in _NOT_ATTACHED):
                raise AppiumSessionError(
                    f"device {self.serial} is not attached to adb ({where}: {reason})"
                ) from None
            raise AppiumSessionError(
                f"device {self.serial}: {where} refused a session: {reason}"
            ) from None
        except (Urllib3Error, OSError) as exc:
            kind = "did not answer in time" if "timed out" in str(exc) else "is unreachable"
            raise AppiumSessionError(
                f"device {self.serial}: {where} {kind} ({type(exc).__name__})"
            ) from None

    def close(self) -> None:
        with self._lock:
            session, self._session = self._session, None
            self._failure = None
        if session is not None:
            session.quit()

    def dump_hierarchy(self) -> str:
        return to_uiautomator_xml(self._d.page_source)

    def tap(self, x: int, y: int) -> None:
        self._d.execute_script("mobile: clickGesture", {"x": x, "y": y})

    def type_text(self, text: str) -> None:
        self._d.switch_to.active_element.send_keys(text)

    def press_key(self, key: str) -> None:
        self._d.press_keycode(_KEYCODES[key])

    def swipe(self, x1: int, y1: int, x2: int, y2: int, duration: float = 0.2) -> None:
        self._d.swipe(x1, y1, x2, y2, int(duration * 1000))

    def screenshot(self) -> bytes:
        return self._d.get_screenshot_as_png()

    def app_start(self, package: str) -> None:
        self._d.activate_app(package)

    def app_stop(self, package: str) -> None:
        self._d.terminate_app(package)

    def push_file(self, local_path: str, remote_path: str) -> None:
        self._d.push_file(remote_path, source_path=local_path)

    def shell(self, command: str) -> str:
        program, *args = command.split()
        return str(self._d.execute_script("mobile: shell", {"command": program, "args": args}))
