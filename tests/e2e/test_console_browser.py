"""The ops console in a real headless Chromium, against `farm up`: see the simulated phones,
submit a post from the page and watch it publish without a reload, approve a pending post,
pause and resume one, see a forced failure's screenshot and UI dump, drain a phone and see it
take no work; the status page without a key. Screenshots of the main views go to
docs/console/ (taken here, so they stay true).

Needs Debian's `chromium` and `chromium-driver` (`make test` installs them when it runs as
root with apt-get) and `selenium` (a dev dependency). Without them the test is skipped with one
line saying how to get them; with `CI` set it fails instead.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from controller.runtime import free_port
from tests.conftest import jpeg_bytes

pytestmark = [pytest.mark.slow, pytest.mark.browser]
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "docs" / "console"
FARM = [sys.executable, "-c", "from controller.cli import main; main()"]
HOW = (
    "no headless Chromium for the console test: apt-get install -y chromium chromium-driver "
    "(Debian) and pip install selenium (`make test` does both as root)"
)
FARM_YAML = """
controller: {url: "http://127.0.0.1:PORT", host: 127.0.0.1, port: PORT}
pacing: {min_gap_minutes: 0, daily_cap: 0}
agents:
  - name: rack-1
    poll_interval_s: 0.2
    devices:
      - {serial: sim-01, label: "shelf A, slot 1", driver: sim}
      # the app asks for an update (once for the preflight at start, once for the next post)
      - {serial: sim-02, label: "shelf A, slot 2", driver: sim, locale: es,
         faults: {script: [popup_app_update, popup_app_update]}}
      - {serial: sim-03, label: "shelf A, slot 3", driver: sim}
accounts:
  - {username: demo.bakery, device: sim-01, timezone: Europe/Madrid, password: pw-1}
  - {username: demo.florist, device: sim-02, timezone: America/Mexico_City, password: pw-2}
  - {username: demo.cyclist, device: sim-03, timezone: UTC, password: pw-3}
"""


def _tools() -> tuple[str, str]:
    try:
        import selenium  # noqa: F401
    except ImportError:
        chromium = driver = None
    else:
        chromium = next((p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None)
        driver = shutil.which("chromedriver") or (
            "/usr/bin/chromedriver" if Path("/usr/bin/chromedriver").exists() else None
        )
    if chromium is None or driver is None:
        if os.environ.get("CI"):
            pytest.fail(HOW)
        pytest.skip(HOW)
    return chromium, driver


@pytest.fixture(scope="module")
def farm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    _tools()
    tmp = tmp_path_factory.mktemp("console")
    port = free_port()
    (tmp / "farm.yaml").write_text(FARM_YAML.replace("PORT", str(port)))
    proc = subprocess.Popen(
        [*FARM, "up", "--config", str(tmp / "farm.yaml")],
        cwd=tmp,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={
            **os.environ,
            "FARM_DATA_DIR": str(tmp / "var"),
            "FARM_DISPATCH_INTERVAL": "0.3",
            "FARM_LEASE_TTL": "8",  # the agent's heartbeat (and reboot poll) every 2 s
        },
    )
    found: dict[str, str] = {}
    deadline = time.monotonic() + 60
    assert proc.stdout is not None
    while len(found) < 3:
        line = proc.stdout.readline()
        assert line and time.monotonic() < deadline, "farm up printed no keys"
        match = re.match(r"(scheduler|ops) key:\s+(\S+)|console:\s+(\S+)", line)
        if match and match.group(1):
            found[match.group(1)] = match.group(2)
        elif match:
            found["console"] = match.group(3)
    try:
        yield {"url": f"http://127.0.0.1:{port}", "tmp": tmp, **found}
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def browser(farm: dict[str, Any]) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, driver_path = _tools()
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,900",
        "--force-device-scale-factor=1",
        "--lang=en-GB",
    ):
        options.add_argument(arg)
    # a viewer in New York: every due time shows the viewer's zone and the account's
    service = Service(executable_path=driver_path, env={**os.environ, "TZ": "America/New_York"})
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_window_size(1280, 900)
    try:
        yield driver
    finally:
        driver.quit()


def _wait(browser: Any, what: Callable[[Any], Any], timeout: float = 30, why: str = "") -> Any:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    # the page re-renders when the farm changes: an element read a moment ago may be gone
    wait = WebDriverWait(
        browser, timeout, poll_frequency=0.1, ignored_exceptions=(StaleElementReferenceException,)
    )
    return wait.until(what, why)


def _css(browser: Any, selector: str) -> list[Any]:
    from selenium.webdriver.common.by import By

    return browser.find_elements(By.CSS_SELECTOR, selector)


def _click(browser: Any, selector: str) -> None:
    def click(b: Any) -> bool:
        elements = _css(b, selector)
        if not elements or not elements[0].is_enabled():
            return False
        b.execute_script("arguments[0].scrollIntoView({block: 'center'})", elements[0])
        elements[0].click()
        return True

    _wait(browser, click, why=selector)


def _shot(browser: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SHOTS / f"{name}.png"))


def _no_horizontal_scroll(browser: Any) -> None:
    width = browser.execute_script("return document.documentElement.scrollWidth")
    inner = browser.execute_script("return window.innerWidth")
    assert width <= inner <= 1280, (width, inner)


def _tab(browser: Any, name: str) -> None:
    _click(browser, f"#tab-{name}")
    _wait(browser, lambda b: not _css(b, f"#view-{name}")[0].get_attribute("hidden"))


def _state_on_page(browser: Any, job_id: int) -> str | None:
    rows = _css(browser, f".jobrow[data-job-id='{job_id}']")
    return rows[0].get_attribute("data-state") if rows else None


def _api(farm: dict[str, Any], role: str = "scheduler") -> httpx.Client:
    return httpx.Client(
        base_url=farm["url"], headers={"Authorization": f"Bearer {farm[role]}"}, timeout=30
    )


def _submit(farm: dict[str, Any], account: str, when: datetime, **extra: Any) -> dict:
    with _api(farm) as http:
        media = http.post(
            "/v1/media", files={"file": ("p.jpg", jpeg_bytes(1080, 1350, hash(account) % 97))}
        ).json()["id"]
        r = http.post(
            "/v1/jobs",
            json={
                "account": account,
                "kind": "feed",
                "media": [media],
                "caption": f"console test for {account}",
                "scheduled_at": when.isoformat(),
                **extra,
            },
        )
        assert r.status_code == 201, r.text
        return r.json()


def test_the_console_end_to_end(farm: dict[str, Any], browser: Any, tmp_path: Path) -> None:
    started = time.monotonic()
    assert farm["console"].startswith(f"{farm['url']}/console#key=")
    browser.get(farm["console"])
    assert "#key" not in browser.current_url  # the key leaves the address bar at once

    # the simulated phones
    _tab(browser, "phones")
    _wait(browser, lambda b: len(_css(b, "#phones tr[data-serial]")) == 3, why="three phones")
    _wait(
        browser,
        lambda b: all(
            "idle" in r.text or "busy" in r.text for r in _css(b, "#phones tr[data-serial]")
        ),
        why="phones online",
    )
    _no_horizontal_scroll(browser)
    _shot(browser, "phones")

    # keyboard: the tabs move with the arrow keys
    from selenium.webdriver.common.keys import Keys

    _css(browser, "#tab-phones")[0].send_keys(Keys.ARROW_RIGHT)
    _wait(browser, lambda b: _css(b, "#tab-accounts")[0].get_attribute("aria-selected") == "true")
    _wait(browser, lambda b: len(_css(b, "#accounts tr[data-account]")) == 3)
    _no_horizontal_scroll(browser)

    # submit a post from the page, then watch it publish without reloading
    image = tmp_path / "from-console.jpg"
    image.write_bytes(jpeg_bytes(1080, 1350, 42))
    _tab(browser, "submit")
    from selenium.webdriver.support.ui import Select

    Select(_css(browser, "#p-account")[0]).select_by_value("demo.bakery")
    _css(browser, "#p-files")[0].send_keys(str(image))
    _css(browser, "#p-caption")[0].send_keys("Fresh from the console #bread")
    _no_horizontal_scroll(browser)
    _shot(browser, "submit")
    _click(browser, "#p-submit")
    result = _wait(
        browser, lambda b: _css(b, "#p-result")[0].get_attribute("data-job-id"), why="job id"
    )
    job_id = int(result)
    assert _css(browser, "#p-progress progress")[0].get_attribute("value") == "100"
    browser.execute_script("window.__sameDocument = true")
    _tab(browser, "calendar")
    _click(browser, "[data-view=list]")
    _wait(browser, lambda b: _state_on_page(b, job_id) == "published", 60, "published on page")
    seen = datetime.now(UTC)
    assert browser.execute_script("return window.__sameDocument") is True  # no reload
    with _api(farm) as http:
        published_at = datetime.fromisoformat(http.get(f"/v1/jobs/{job_id}").json()["published_at"])
    lag = (seen - published_at).total_seconds()
    print(f"\nconsole: published → shown on the page in {lag:.2f} s")
    assert lag < 3.0, lag

    # approve a pending post; pause and resume another
    soon = datetime.now(UTC) + timedelta(days=2)
    pending = _submit(farm, "demo.cyclist", soon, approval_required=True)
    later = _submit(farm, "demo.bakery", soon + timedelta(hours=5))
    _wait(browser, lambda b: _state_on_page(b, pending["id"]) == "pending_approval")
    _click(browser, f".jobrow[data-job-id='{pending['id']}'] [data-action=approve]")
    _wait(browser, lambda b: _state_on_page(b, pending["id"]) == "scheduled", why="approved")
    _wait(browser, lambda b: _state_on_page(b, later["id"]) == "scheduled")
    _click(browser, f".jobrow[data-job-id='{later['id']}'] [data-action=pause]")
    _wait(browser, lambda b: _state_on_page(b, later["id"]) == "paused", why="paused")
    _click(browser, f".jobrow[data-job-id='{later['id']}'] [data-action=resume]")
    _wait(browser, lambda b: _state_on_page(b, later["id"]) == "scheduled", why="resumed")

    # a forced failure (the app demands an update): its screenshot and UI dump, highlighted
    failing = _submit(farm, "demo.florist", datetime.now(UTC))
    _wait(browser, lambda b: _state_on_page(b, failing["id"]) == "failed", 60, "failed")
    _no_horizontal_scroll(browser)
    _shot(browser, "calendar-list")
    _click(browser, f".jobrow[data-job-id='{failing['id']}'] button.linklike")
    _wait(
        browser,
        lambda b: b.execute_script(
            "const i = document.querySelector('#failure-view img');"
            "return i && i.complete && i.naturalWidth > 0"
        ),
        why="screenshot shown",
    )
    _wait(browser, lambda b: _css(b, "#failure-view .tree .hl"), why="highlighted element")
    browser.execute_script(
        "document.querySelector('#failure-view').scrollIntoView({block: 'start'})"
    )
    text = _css(browser, "#failure-view")[0].text
    assert "app_update_required" in text and "Suggested fix" in text and "Meaning" in text
    _shot(browser, "failure")
    _css(browser, "#jd-close")[0].click()

    # drain a phone: a post due now on it is not leased; released, it publishes
    _tab(browser, "phones")
    _css(browser, "#phone-reason")[0].send_keys("cable swap")
    _click(browser, "#phones tr[data-serial='sim-03'] [data-action=drain]")
    _wait(browser, lambda b: "draining" in _css(b, "#phones tr[data-serial='sim-03']")[0].text)
    assert "cable swap" in _css(browser, "#phones tr[data-serial='sim-03']")[0].text
    _shot(browser, "phones-drained")
    held = _submit(farm, "demo.cyclist", datetime.now(UTC))
    time.sleep(3)
    with _api(farm) as http:
        assert http.get(f"/v1/jobs/{held['id']}").json()["state"] == "scheduled"
    _click(browser, "#phones tr[data-serial='sim-03'] [data-action=release]")
    _tab(browser, "calendar")
    _wait(browser, lambda b: _state_on_page(b, held["id"]) == "published", 60, "released")

    # a batch CSV from the page: one row per result
    with _api(farm) as http:
        job = http.get(f"/v1/jobs/{job_id}").json()
    when = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    csv = tmp_path / "week.csv"
    csv.write_text(
        "account,kind,media,scheduled_at,caption\n"
        f"demo.bakery,feed,{job['media'][0]},{when},From the batch\n"
        f"nobody.here,feed,{job['media'][0]},{when},Nobody\n"
    )
    _tab(browser, "submit")
    _css(browser, "#b-file")[0].send_keys(str(csv))
    _click(browser, "#b-submit")
    _wait(browser, lambda b: len(_css(b, "#b-rows tbody tr")) == 2, why="batch rows")
    rows = [r.text for r in _css(browser, "#b-rows tbody tr")]
    assert "created" in rows[0] and "account_not_found" in rows[1], rows
    assert "created 1" in _css(browser, "#b-summary")[0].text
    _shot(browser, "batch")
    _tab(browser, "calendar")

    # month and week views, dark mode, the status page without a key
    _click(browser, "[data-view=month]")
    _wait(browser, lambda b: _css(b, f".chip[data-job-id='{job_id}']"))
    _no_horizontal_scroll(browser)
    _shot(browser, "calendar-month")
    _click(browser, "[data-view=week]")
    _wait(browser, lambda b: _css(b, ".grid.week"))
    _no_horizontal_scroll(browser)
    _shot(browser, "calendar-week")
    _click(browser, "[data-view=month]")
    _wait(browser, lambda b: _css(b, ".grid.month"))
    _click(browser, "#theme")
    _wait(browser, lambda b: b.execute_script("return document.documentElement.dataset.theme"))
    _shot(browser, "calendar-month-dark")
    _click(browser, "#theme")
    browser.get(f"{farm['url']}/status")
    _wait(browser, lambda b: len(_css(b, "#kinds tr[data-kind]")) == 4)
    feed = _css(browser, "#kinds tr[data-kind=feed]")[0].text
    assert " s" in feed and "%" in feed
    assert "/ 3" in _css(browser, "#phones")[0].text
    _no_horizontal_scroll(browser)
    _shot(browser, "status")
    print(f"console: browser test took {time.monotonic() - started:.1f} s")


def test_the_console_shows_cyclic_lists(farm: dict[str, Any], browser: Any) -> None:
    """The Cyclic lists tab: each list's window in its account's zone, state, pause reason
    and next jobs; Pause from the page cancels the planned jobs and shows why."""
    today = datetime.now(UTC).date()
    with _api(farm) as http:
        media = [
            http.post(
                "/v1/media", files={"file": ("c.jpg", jpeg_bytes(1080, 1080, 60 + n))}
            ).json()["id"]
            for n in range(2)
        ]
        ids = []
        for name, posts in (("evergreen", media), ("too short", media[:1])):
            r = http.post(
                "/v1/cyclic-lists",
                json={
                    "account": "demo.cyclist",
                    "name": name,
                    "window_start": "00:00",
                    "window_end": "23:59",
                    "posts_per_day": 2,
                    "start_date": today.isoformat(),
                    "end_date": (today + timedelta(days=7)).isoformat(),
                    "posts": [{"kind": "feed", "media": [m], "caption": name} for m in posts],
                },
            )
            assert r.status_code == 201, r.text
            ids.append(r.json()["id"])
    browser.get(farm["console"])
    _tab(browser, "cyclic")
    _wait(browser, lambda b: len(_css(b, "#cyclic tr[data-list]")) == 2, why="two lists")
    active, short = (_css(browser, f"#cyclic tr[data-list='{i}']")[0] for i in ids)
    assert "00:00–23:59 UTC" in active.text and "active" in active.text
    assert len(active.find_elements("css selector", "li")) >= 2  # tomorrow's two jobs at least
    assert "too_few_posts" in short.text and "1 post(s) for 2 a day" in short.text
    _shot(browser, "cyclic")
    _click(browser, f"#cyclic tr[data-list='{ids[0]}'] button[aria-label='pause list {ids[0]}']")
    _wait(
        browser,
        lambda b: "paused_by_user" in _css(b, f"#cyclic tr[data-list='{ids[0]}']")[0].text,
        why="paused by the user",
    )
    row = _css(browser, f"#cyclic tr[data-list='{ids[0]}']")[0]
    assert "none planned" in row.text
    _no_horizontal_scroll(browser)
