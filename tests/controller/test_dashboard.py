"""The ops dashboard page: served without data, reading everything from the API."""

from __future__ import annotations

from tests.controller.conftest import Api


def test_dashboard_page_is_served_and_reads_the_api(api: Api) -> None:
    page = api.client.get("/dashboard")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    for route in ("/v1/devices", "/v1/accounts", "/v1/jobs?", "/v1/status", "/evidence/"):
        assert route in html
    assert "sessionStorage" in html  # the key stays in the tab, never in a URL or cookie
    assert "/dashboard" not in api.client.get("/openapi.json").text
