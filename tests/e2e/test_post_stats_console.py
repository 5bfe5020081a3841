"""The console's post-statistics chart in headless Chromium: an idle simulated phone reads its
account's counters, the Stats button of the Accounts tab draws one pair of bars per post (plain
SVG, no library) with the totals the API gives."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from controller.runtime import LocalFarm
from farmcore.farmfile import FarmConfig
from tests.e2e.test_console_browser import _tools

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture
def farm(tmp_path: Path) -> Iterator[LocalFarm]:
    _tools()
    config = FarmConfig.model_validate(
        {
            "agents": [
                {
                    "name": "chart",
                    "poll_interval_s": 0.2,
                    "devices": [{"serial": "ch-1", "driver": "sim", "locale": "es"}],
                }
            ],
            "accounts": [{"username": "chart.shop", "device": "ch-1", "password": "pw"}],
        }
    )
    overrides = {"dispatch_interval_s": 0.3, "stats_interval_s": 3600.0, "stats_max_posts": 5}
    local = LocalFarm(config, tmp_path / "var", settings_overrides=overrides)
    local.start()
    yield local
    local.stop()


@pytest.fixture
def browser() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, driver_path = _tools()
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_window_size(1280, 900)
    try:
        yield driver
    finally:
        driver.quit()


def test_stats_chart(farm: LocalFarm, browser: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    headers = {"Authorization": f"Bearer {farm.keys['ops']}"}
    with httpx.Client(base_url=farm.controller.url, headers=headers, timeout=30) as http:
        deadline = time.monotonic() + 60
        while not (summary := http.get("/v1/accounts/chart.shop/stats").json())["last_read_at"]:
            assert time.monotonic() < deadline, "no reading"
            time.sleep(0.3)
    wait = WebDriverWait(browser, 15)
    browser.get(f"{farm.controller.url}/console")
    wait.until(ec.visibility_of_element_located((By.ID, "key"))).send_keys(farm.keys["ops"])
    browser.find_element(By.CSS_SELECTOR, "#keyform button").click()
    wait.until(ec.element_to_be_clickable((By.ID, "tab-accounts"))).click()
    wait.until(
        ec.element_to_be_clickable(
            (By.CSS_SELECTOR, '[aria-label="post statistics of chart.shop"]')
        )
    ).click()
    panel = wait.until(ec.visibility_of_element_located((By.ID, "stats-panel")))
    t = summary["totals"]
    assert f"{t['posts']} posts, {t['likes']} likes, {t['comments']} comments" in panel.text
    bars = panel.find_elements(By.CSS_SELECTOR, "svg rect")
    assert len(bars) == 2 * t["posts"] == 10  # likes and comments per post
    heights = [float(b.get_attribute("height")) for b in bars[::2]]  # the likes bars
    likes = [p["likes"] for p in reversed(summary["posts"])]
    tallest = max(range(len(likes)), key=lambda i: likes[i])
    assert heights.index(max(heights)) == tallest
