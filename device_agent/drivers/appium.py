"""The Driver protocol over an Appium server (UiAutomator2 automation, W3C WebDriver).

Appium's page source names each element by its class; it is rewritten into uiautomator's
`<node class=…>` form so flows read one format whatever the backend. Shell commands need the
server started with `--allow-insecure=adb_shell`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

_KEYCODES = {"back": 4, "home": 3, "enter": 66}


def to_uiautomator_xml(page_source: str) -> str:
    """Rename Appium's class-named elements to `node` elements with a `class` attribute."""
    root = ET.fromstring(page_source)
    for element in root.iter():
        if element is root:
            element.tag = "hierarchy"
            continue
        if element.tag != "node":
            element.set("class", element.attrib.get("class", element.tag))
            element.tag = "node"
    return ET.tostring(root, encoding="unicode")


class AppiumDriver:
    def __init__(self, serial: str, server_url: str) -> None:
        self.serial = serial
        self.server_url = server_url
        self._session = None

    @property
    def _d(self):  # type: ignore[no-untyped-def]
        """The WebDriver session, opened on first use (and again after `close`)."""
        if self._session is None:
            from appium import webdriver
            from appium.options.android import UiAutomator2Options

            options = UiAutomator2Options()
            options.udid = self.serial
            options.no_reset = True
            options.new_command_timeout = 300
            self._session = webdriver.Remote(self.server_url, options=options)
        return self._session

    def close(self) -> None:
        if self._session is not None:
            self._session.quit()
            self._session = None

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
