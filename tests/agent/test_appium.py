"""The Appium backend against a real Appium server (npm, installed into `.appium/` on first use)
and the real adb shipped in adbutils' wheel. No phone is attached to CI machines, so this checks
what ops see then: a clear error naming the phone, the phone listed offline, the agent alive.

The server is skipped only when it cannot be installed at all (no Node.js/npm, registry out of
reach); any other install or start failure fails the tests."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from device_agent.appium_server import AppiumServer, AppiumUnavailable, install
from device_agent.drivers.appium import AppiumDriver, AppiumSessionError, to_uiautomator_xml
from flows.hierarchy import parse
from flows.resources import ELEMENTS
from flows.screens import classify
from flows.selectors import find
from tests.agent.absent_phone import absent_phone_is_offline_and_the_farm_serves

ABSENT = "R58M00ABSENT"
Attempt = Callable[[], tuple[AppiumDriver, BaseException | None, float]]
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def appium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppiumServer]:
    try:
        install()
    except AppiumUnavailable as exc:
        pytest.skip(f"Appium cannot be installed here: {exc}")
    log = tmp_path_factory.mktemp("appium") / "server.log"
    started = time.monotonic()
    with AppiumServer(log_path=log) as server:
        assert time.monotonic() - started < 30, "Appium took too long to start"
        yield server


@pytest.fixture(scope="module")
def absent_attempt(appium: AppiumServer) -> Attempt:
    """One session request for the absent phone, sent at once in the background. With no
    phone attached Appium answers after its own 20 s wait for a device; the agent test waits
    that out at the same time instead of after it. Gives (driver, error, seconds) on join."""
    driver = AppiumDriver(ABSENT, appium.url, retry_after_s=120)
    outcome: dict[str, Any] = {}

    def attempt() -> None:
        started = time.monotonic()
        try:
            driver.shell("dumpsys battery")
        except Exception as exc:
            outcome["error"] = exc
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=attempt, daemon=True)
    thread.start()

    def join() -> tuple[AppiumDriver, BaseException | None, float]:
        thread.join(timeout=60)
        assert not thread.is_alive(), "the session request did not end within 60 s"
        return driver, outcome.get("error"), outcome["seconds"]

    return join


# -- the page source, no server needed


def test_page_source_becomes_uiautomator_xml_the_flows_read() -> None:
    source = (FIXTURES / "appium_home_feed.xml").read_text(encoding="utf-8")
    converted = to_uiautomator_xml(source)
    assert "<android.widget" not in converted and "<androidx." not in converted
    assert converted.startswith("<hierarchy")

    ui = parse(converted)
    assert classify(ui).name == "home_feed"
    assert ui.top_package == "com.instagram.android"
    # the same views, in the same order, as reading the page source directly (whose root
    # element reads as one more view, of class "hierarchy")
    direct = parse(source)
    direct.nodes = [n for n in direct.nodes if n.class_name != "hierarchy"]
    assert [(n.class_name, n.resource_id, n.text, n.content_desc, n.bounds) for n in ui.nodes] == [
        (n.class_name, n.resource_id, n.text, n.content_desc, n.bounds) for n in direct.nodes
    ]
    tab = find(ui, ELEMENTS["feed_tab"])
    assert tab is not None
    assert tab.class_name == "android.widget.FrameLayout"
    assert tab.clickable and tab.selected
    assert tab.center == (108, 2266)
    names = {n.text for n in ui.nodes}
    assert {"café.lucia", "bakery_&_co", "Your story"} <= names
    assert any(n.class_name == "androidx.recyclerview.widget.RecyclerView" for n in ui.nodes)


# -- a session that cannot be had fails fast and in one line


def test_unreachable_server_is_a_one_line_connection_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    driver = AppiumDriver(ABSENT, f"http://127.0.0.1:{port}")
    with pytest.raises(ConnectionError, match=f"{ABSENT}: Appium at .* is unreachable") as info:
        driver.shell("dumpsys battery")
    assert "\n" not in str(info.value)


def test_silent_server_is_bounded_by_the_command_timeout() -> None:
    with socket.socket() as sock:  # accepts connections, never answers
        sock.bind(("127.0.0.1", 0))
        sock.listen(4)
        driver = AppiumDriver(
            ABSENT, f"http://127.0.0.1:{sock.getsockname()[1]}", command_timeout_s=1
        )
        started = time.monotonic()
        with pytest.raises(ConnectionError, match="did not answer in time"):
            driver.dump_hierarchy()
        assert time.monotonic() - started < 10


# -- the real server


@pytest.mark.appium
def test_server_status_is_ready(appium: AppiumServer) -> None:
    status = httpx.get(f"{appium.url}/status", timeout=5).json()["value"]
    assert status["ready"] is True
    assert status["build"]["version"].split(".")[0] == "3"


@pytest.mark.appium
def test_agent_reports_missing_appium_phone_offline_and_keeps_serving(
    appium: AppiumServer,
    absent_attempt: Attempt,  # started now: it runs alongside
    tmp_path: Path,
) -> None:
    absent_phone_is_offline_and_the_farm_serves(
        tmp_path,
        {"serial": ABSENT, "driver": "appium", "appium_url": appium.url},
        offline_within_s=15,  # health reads are bounded: not the 20 s Appium waits
    )


@pytest.mark.appium
def test_driver_names_the_missing_device(appium: AppiumServer, absent_attempt: Attempt) -> None:
    driver, error, seconds = absent_attempt()
    # Appium's UiAutomator2 driver waits 20 s for some device to appear before answering
    assert seconds < 45
    assert isinstance(error, AppiumSessionError) and isinstance(error, ConnectionError)
    message = str(error)
    assert message.startswith(f"device {ABSENT} is not attached to adb (Appium at {appium.url}: ")
    assert "\n" not in message and len(message) < 300
    # asked again before `retry_after_s`: the same error at once, the server is not asked
    started = time.monotonic()
    with pytest.raises(AppiumSessionError, match=f"{ABSENT} is not attached"):
        driver.dump_hierarchy()
    assert time.monotonic() - started < 1
