"""Media is scoped to the key that uploaded it (or shared by ops), and an upload's answer does
not tell whether another key uploaded the same bytes."""

from __future__ import annotations

from tests.conftest import jpeg_bytes
from tests.controller.conftest import Api


def _upload(api: Api, role: str, seed: int) -> tuple[int, str]:
    r = api.client.post(
        "/v1/media",
        files={"file": ("a.jpg", jpeg_bytes(1080, 1080, seed), "image/jpeg")},
        headers=api.as_(role),
    )
    return r.status_code, r.json()["id"]


def _job(api: Api, role: str, media: str):  # type: ignore[no-untyped-def]
    return api.client.post(
        "/v1/jobs",
        json={
            "account": "acme.shop",
            "kind": "feed",
            "media": [media],
            "scheduled_at": api.due_now,
        },
        headers=api.as_(role),
    )


def test_media_is_scoped_to_its_uploader(api: Api) -> None:
    api.device()
    api.account()  # shared account: both scheduler keys may post to it
    status, mine = _upload(api, "scheduler", 11)
    assert status == 201
    assert _upload(api, "scheduler", 11) == (200, mine)  # my own repeat
    # another key cannot see or use it
    r = api.client.get(f"/v1/media/{mine}", headers=api.as_("scheduler_b"))
    assert r.status_code == 404 and r.json()["error"]["code"] == "media_not_found"
    r = _job(api, "scheduler_b", mine)
    assert r.status_code == 422 and r.json()["error"]["code"] == "media_not_found"
    # the same bytes uploaded by the other key: 201 as for new bytes (no oracle), then usable
    assert _upload(api, "scheduler_b", 11) == (201, mine)
    assert _job(api, "scheduler_b", mine).status_code == 201
    # edit to media of another key is refused too
    _, other = _upload(api, "scheduler", 12)
    job = _job(api, "scheduler_b", mine).json()
    r = api.client.patch(
        f"/v1/jobs/{job['id']}", json={"media": [other]}, headers=api.as_("scheduler_b")
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "media_not_found"
    # ops see everything and may share
    assert api.client.get(f"/v1/media/{other}", headers=api.as_("ops")).status_code == 200
    r = api.client.post(f"/v1/media/{other}/share", headers=api.as_("ops"))
    assert r.status_code == 200
    assert api.client.get(f"/v1/media/{other}", headers=api.as_("scheduler_b")).status_code == 200
    # ops uploads are shared
    _, by_ops = _upload(api, "ops", 13)
    assert _job(api, "scheduler_b", by_ops).status_code == 201
