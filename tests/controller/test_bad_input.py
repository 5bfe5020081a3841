"""Hostile or careless input gets a 4xx with a code, never a 5xx."""

from __future__ import annotations

from tests.conftest import jpeg_bytes
from tests.controller.conftest import Api


def test_upload_size_is_capped(api: Api, settings) -> None:  # type: ignore[no-untyped-def]
    settings.max_upload_bytes = 10_000
    r = api.client.post(
        "/v1/media",
        files={"file": ("big.jpg", jpeg_bytes(1080, 1080, seed=7), "image/jpeg")},
        headers=api.as_("scheduler"),
    )
    assert r.status_code == 413 and r.json()["error"]["code"] == "file_too_large"
    assert not [p for p in settings.media_dir.rglob("*") if p.is_file()]  # nothing left behind


def test_nul_characters_and_huge_ids_are_refused(api: Api) -> None:
    api.device()
    api.account()
    media = api.upload()
    h = api.as_("scheduler")
    body = {
        "account": "acme.shop",
        "kind": "feed",
        "media": [media],
        "caption": "bad\x00caption",
        "scheduled_at": "2030-01-01T00:00:00Z",
    }
    r = api.client.post("/v1/jobs", json=body, headers=h)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_field"
    r = api.client.get(f"/v1/jobs/{2**63}", headers=h)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_field"
    r = api.client.get("/v1/accounts/a%00b", headers=h)
    assert r.status_code in (404, 422) and r.json()["error"]["code"] in (
        "account_not_found",
        "invalid_value",
    )
    r = api.client.get("/v1/jobs", params={"cursor": "not-a-cursor"}, headers=h)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_cursor"
    r = api.client.get("/v1/jobs", params={"state": "sleeping"}, headers=h)
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_state"


def test_unknown_paths_and_methods_have_codes(api: Api) -> None:
    r = api.client.get("/v1/nothing-here")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    r = api.client.delete("/v1/jobs", headers=api.as_("scheduler"))
    assert r.status_code == 405 and r.json()["error"]["code"] == "method_not_allowed"
