"""The console page (also at /dashboard) and the status page: served without data, reading
everything from the API."""

from __future__ import annotations

from tests.controller.conftest import Api


def test_console_is_served_at_both_addresses_and_reads_the_api(api: Api) -> None:
    for url in ("/console", "/dashboard"):
        page = api.client.get(url)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "/console/console.js" in page.text
    script = api.client.get("/console/console.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    for route in (
        "/v1/devices",
        "/v1/accounts",
        "/v1/jobs?",
        "/v1/status",
        "/evidence/",
        "/failure",
        "/v1/console/pulse",
        "/thumbnail",
        "/v1/jobs:batch",
    ):
        assert route in script.text, route
    assert "sessionStorage" in script.text  # the key stays in the tab, never in a URL or cookie
    openapi = api.client.get("/openapi.json").text
    assert "/dashboard" not in openapi and '"/console' not in openapi
    assert api.client.get("/console/nope.js").json()["error"]["code"] == "asset_not_found"


def test_status_page_needs_no_key(api: Api) -> None:
    assert api.client.get("/status").status_code == 200
    data = api.client.get("/v1/status/page").json()
    assert {k["kind"] for k in data["kinds"]} == {"feed", "carousel", "story", "reel"}
    assert set(data["kinds"][0]) == {"kind", "hour", "day", "queue_depth"}
    assert data["incidents"] == []


def test_csv_template_downloads(api: Api) -> None:
    r = api.client.get("/console/template.csv")
    assert r.status_code == 200 and r.text.startswith("account,kind,media,scheduled_at")
    assert "attachment" in r.headers["content-disposition"]
