"""The console's Team view in a real headless Chromium: the leader sees its sub-users and their
posts awaiting approval, approves one with a click, and it leaves the list as scheduled; a
sub-user's click on Approve is refused with the API's reason. Skipped (with how to get them)
without chromium and chromium-driver, like tests/e2e/test_console_browser.py."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet

from controller.config import Settings
from controller.db import migrate
from controller.keys import create_api_key
from controller.runtime import ControllerThread
from tests.conftest import jpeg_bytes
from tests.e2e.test_console_browser import _click, _css, _tab, _tools, _wait

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture
def team_farm(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A controller (no phones needed) with a leader, its account, a sub-user and one of its
    posts awaiting approval."""
    _tools()
    url = f"sqlite:///{tmp_path / 'farm.db'}"
    migrate(url)
    settings = Settings(
        data_dir=tmp_path / "var", database_url=url, secret_keys=[Fernet.generate_key().decode()]
    )
    controller = ControllerThread(settings)
    controller.start()
    engine = controller.app.state.engine
    keys = {
        "ops": create_api_key(engine, "ops", "ops"),
        "leader": create_api_key(engine, "scheduler", "acme"),
    }

    def http(role: str) -> httpx.Client:
        headers = {"Authorization": f"Bearer {keys[role]}"}
        return httpx.Client(base_url=controller.url, headers=headers, timeout=30)

    try:
        with http("ops") as ops:
            ops.put("/v1/devices/sim-01", json={"serial": "sim-01", "driver": "sim"})
        with http("leader") as leader:
            body = {"username": "acme.shop", "password": "hunter2-secret"}
            assert leader.post("/v1/accounts", json=body).status_code == 201
            team = leader.post("/v1/teams", json={"name": "acme"}).json()
            added = leader.post(f"/v1/teams/{team['id']}/members", json={"name": "ana"})
            keys["ana"] = added.json()["key"]
        with http("ana") as ana:
            media = ana.post("/v1/media", files={"file": ("a.jpg", jpeg_bytes(seed=5))}).json()
            jobs = [
                ana.post(
                    "/v1/jobs",
                    json={
                        "account": "acme.shop",
                        "kind": "feed",
                        "media": [media["id"]],
                        "caption": f"menu {n}",
                        "scheduled_at": f"2030-06-0{n}T09:00:00+00:00",
                    },
                ).json()
                for n in (1, 2)
            ]
        yield {"url": controller.url, "keys": keys, "jobs": [j["id"] for j in jobs], "http": http}
    finally:
        controller.stop()


@pytest.fixture
def chromium() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, driver_path = _tools()
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(driver_path, env=dict(os.environ)), options=options)
    driver.set_window_size(1280, 900)
    try:
        yield driver
    finally:
        driver.quit()


def test_leader_approves_a_sub_users_post_from_the_team_view(
    team_farm: dict[str, Any], chromium: Any
) -> None:
    first, second = team_farm["jobs"]
    # the sub-user sees its team and its posts waiting, but its Approve is refused
    chromium.get(f"{team_farm['url']}/console#key={team_farm['keys']['ana']}")
    _tab(chromium, "team")
    _wait(chromium, lambda b: _css(b, f"[data-approve='{first}']"), why="pending posts")
    _click(chromium, f"[data-approve='{first}']")
    _wait(
        chromium,
        lambda b: "sub_user_forbidden" in _css(b, "#toast")[0].text,
        why="the refusal is shown",
    )
    # the leader approves from the same view
    chromium.execute_script("sessionStorage.clear()")
    chromium.get(f"{team_farm['url']}/console#key={team_farm['keys']['leader']}")
    chromium.refresh()
    _tab(chromium, "team")
    _wait(chromium, lambda b: len(_css(b, "tr[data-pending]")) == 2, why="two pending posts")
    row = _css(chromium, "tr[data-member='ana']")[0].text
    assert "needs approval" in row and row.rstrip().endswith("2")
    _click(chromium, f"[data-approve='{first}']")
    _wait(chromium, lambda b: len(_css(b, "tr[data-pending]")) == 1, why="one left")
    assert _css(chromium, "tr[data-pending]")[0].get_attribute("data-pending") == str(second)
    with team_farm["http"]("leader") as leader:
        assert leader.get(f"/v1/jobs/{first}").json()["state"] == "scheduled"
        assert leader.get(f"/v1/jobs/{second}").json()["state"] == "pending_approval"
