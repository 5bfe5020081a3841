"""The console's Notifications tab in a real headless Chromium against a running controller:
the unread badge, the list, Mark read, the settings form, and a mail's `/console#job=<id>`
link opening that post. Skipped (or failed under CI) without Chromium, as the console test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet

from controller.config import Settings
from controller.keys import create_api_key
from controller.runtime import ControllerThread
from tests.e2e.test_console_browser import _click, _css, _tools, _wait
from tests.test_notify_cli import _fail_a_job

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture
def farm(tmp_path: Path) -> Iterator[tuple[ControllerThread, dict[str, str]]]:
    _tools()
    settings = Settings(
        data_dir=tmp_path / "var",
        secret_keys=[Fernet.generate_key().decode()],
        dispatch_interval_s=0.3,
    )
    controller = ControllerThread(settings)
    controller.start()
    engine = controller.app.state.engine
    keys = {
        "ops": create_api_key(engine, "ops", "b-ops"),
        "scheduler": create_api_key(engine, "scheduler", "b-scheduler"),
        "agent": create_api_key(engine, "agent", "b-agent", agent="rack-9"),
    }
    try:
        yield controller, keys
    finally:
        controller.stop()


@pytest.fixture
def browser() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, driver_path = _tools()
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(arg)
    driver = webdriver.Chrome(
        service=Service(executable_path=driver_path, env={**os.environ}), options=options
    )
    driver.set_window_size(1280, 900)
    try:
        yield driver
    finally:
        driver.quit()


def test_notifications_tab(farm, browser) -> None:  # type: ignore[no-untyped-def]
    controller, keys = farm
    key = keys["scheduler"]
    auth = {"Authorization": f"Bearer {key}"}
    httpx.put(
        f"{controller.url}/v1/notifications/settings", json={"email": None}, headers=auth
    ).raise_for_status()
    job_id = _fail_a_job(controller, keys)

    browser.get(f"{controller.url}/console#key={key}")
    _wait(browser, lambda b: _css(b, "#n-badge")[0].text == "1", why="unread badge")
    _click(browser, "#tab-notifications")
    _wait(browser, lambda b: "could not be published" in _css(b, "#n-list")[0].text)
    assert "Mail is off" in _css(browser, "#n-mail")[0].text
    _click(browser, "#n-list button:not(.linklike)")  # Mark read
    _wait(browser, lambda b: not _css(b, "#n-badge")[0].is_displayed(), why="badge hidden")
    unread = httpx.get(f"{controller.url}/v1/notifications", headers=auth).json()["unread"]
    assert unread == 0

    # the settings form
    email = _css(browser, "#n-email")[0]
    email.clear()
    email.send_keys("ana@example.com")
    from selenium.webdriver.support.ui import Select

    Select(_css(browser, "#n-language")[0]).select_by_value("es")
    _css(browser, "input[name=n-event][value='job.unknown']")[0].click()  # off
    _click(browser, "#n-form button")
    _wait(browser, lambda b: _css(b, "#n-result")[0].text == "Saved.")
    saved = httpx.get(f"{controller.url}/v1/notifications/settings", headers=auth).json()
    assert saved["email"] == "ana@example.com" and saved["language"] == "es"
    assert saved["events"] == ["account.needs_auth", "job.failed"]

    # a mail's link opens the post
    browser.get(f"{controller.url}/console#job={job_id}")
    _wait(browser, lambda b: _css(b, "#job-dialog")[0].is_displayed(), why="job dialog")
    assert _css(browser, "#jd-title")[0].text.startswith(f"Job #{job_id}")
