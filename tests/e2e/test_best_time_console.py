"""The console's best-time parts in headless Chromium: an account's audience heat (read from
the simulated phone's Insights at start) and a job submitted with scheduled_at "best"."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.e2e.test_console_browser import (  # noqa: F401  (fixtures)
    _click,
    _css,
    _shot,
    _submit,
    _tab,
    _wait,
    browser,
    farm,
)

pytestmark = pytest.mark.slow


def test_account_audience_heat_and_best_time_job(farm: dict[str, Any], browser: Any) -> None:  # noqa: F811
    browser.get(farm["console"])
    _tab(browser, "accounts")
    _click(browser, "button[aria-label='best times of demo.bakery']")
    # the idle phone reads the account's Insights at start: wait for the reading
    for _ in range(60):
        source = _text(browser, "[data-testid='audience-source']")
        if source == "insights":
            break
        _click(browser, "button[aria-label='best times of demo.bakery']")
    assert source == "insights"
    # read inside a wait: the page re-renders when the farm changes (stale elements)
    styles = _wait(
        browser, lambda b: [c.get_attribute("style") for c in _css(b, "#audience table.heat td")]
    )
    assert len(styles) == 24 + 7
    heats = [float(style.split(":")[1].strip(" ;")) for style in styles]
    assert max(heats[:24]) == 1.0 and max(heats[24:]) == 1.0
    assert "Next best time" in _text(browser, "#audience")
    _shot(browser, "best-time-audience")

    job = _submit(farm, "demo.bakery", datetime.now(UTC), best_within=None)
    assert job["best_time_source"] is None  # an explicit time stays what it was
    best = _submit_best(farm)
    assert best["best_time_source"] == "insights"
    browser.execute_script(f"openJob({best['id']})")
    shown = _text(browser, "[data-testid='best-time']")
    assert "best time (insights)" in shown
    _shot(browser, "best-time-job")


def _text(page: Any, selector: str) -> str:
    """The first match's text, read inside a wait (a re-render may replace the element)."""
    return _wait(page, lambda b: (found := _css(b, selector)) and found[0].text, why=selector)


def _submit_best(farm: dict[str, Any]) -> dict:  # noqa: F811
    import httpx

    from tests.conftest import jpeg_bytes

    headers = {"Authorization": f"Bearer {farm['scheduler']}"}
    with httpx.Client(base_url=farm["url"], headers=headers, timeout=30) as http:
        media = http.post("/v1/media", files={"file": ("b.jpg", jpeg_bytes(1080, 1080, 5))})
        r = http.post(
            "/v1/jobs",
            json={
                "account": "demo.bakery",
                "kind": "feed",
                "media": [media.json()["id"]],
                "caption": "best",
                "scheduled_at": "best",
            },
        )
        assert r.status_code == 201, r.text
        return r.json()
