"""Captions by kind: none on stories; at most 30 hashtags and 20 @mentions elsewhere."""

from __future__ import annotations

import pytest

from controller import captions
from controller.errors import ApiError
from tests.controller.conftest import Api

WHEN = "2030-01-01T10:00:00Z"


def _tags(n: int) -> str:
    return " ".join(f"#tag{i}" for i in range(n))


def _mentions(n: int) -> str:
    return " ".join(f"@friend.{i}" for i in range(n))


def _code(kind: str, caption: str) -> str | None:
    try:
        captions.check(kind, caption)
    except ApiError as exc:
        return exc.code
    return None


@pytest.mark.parametrize("kind", ["feed", "carousel", "reel"])
def test_limits_on_captioned_kinds(kind: str) -> None:
    assert _code(kind, f"Lookbook {_tags(30)} {_mentions(20)}") is None
    assert _code(kind, _tags(31)) == "caption_too_many_hashtags"
    assert _code(kind, _mentions(21)) == "caption_too_many_mentions"
    # each occurrence counts, even a repeated tag
    assert _code(kind, "#sale " * 31) == "caption_too_many_hashtags"


def test_what_counts_as_a_hashtag_or_mention() -> None:
    # e-mail addresses, "a#b", HTML entities and "##" runs are not tags
    not_tags = " ".join(f"shop{i}@example.com a#b{i} &#35;{i}" for i in range(40))
    assert _code("feed", not_tags) is None
    assert _code("feed", "(" + ") (".join(f"#t{i}" for i in range(31)) + ")") == (
        "caption_too_many_hashtags"
    )
    assert _code("feed", ",".join(f"@u{i}" for i in range(21))) == "caption_too_many_mentions"


def test_stories_take_no_caption() -> None:
    assert _code("story", "") is None
    assert _code("story", "Swipe up") == "caption_not_allowed"
    assert _code("story", " ") == "caption_not_allowed"


def _submit(api: Api, kind: str, caption: str, media: list[str]):  # type: ignore[no-untyped-def]
    body = {"account": "acme.shop", "kind": kind, "media": media, "scheduled_at": WHEN}
    return api.client.post(
        "/v1/jobs", json={**body, "caption": caption}, headers=api.as_("scheduler")
    )


def test_api_refuses_bad_captions_on_submit_batch_and_edit(api: Api) -> None:
    api.device()
    api.account()
    story_media = [api.upload(seed=1, height=1920)]
    r = _submit(api, "story", "Swipe up", story_media)
    assert r.status_code == 422 and r.json()["error"]["code"] == "caption_not_allowed"
    r = _submit(api, "feed", _tags(31), [api.upload()])
    assert r.status_code == 422 and r.json()["error"]["code"] == "caption_too_many_hashtags"
    r = _submit(api, "carousel", _mentions(21), [api.upload(seed=2), api.upload(seed=3)])
    assert r.status_code == 422 and r.json()["error"]["code"] == "caption_too_many_mentions"

    rows = [
        {"account": "acme.shop", "kind": "story", "media": story_media, "scheduled_at": WHEN},
        {
            "account": "acme.shop",
            "kind": "story",
            "media": story_media,
            "scheduled_at": WHEN,
            "caption": "hi",
        },
    ]
    r = api.client.post("/v1/jobs:batch", json={"jobs": rows}, headers=api.as_("scheduler"))
    report = r.json()["rows"]
    assert [row["status"] for row in report] == ["created", "error"]
    assert report[1]["error"]["code"] == "caption_not_allowed"

    story = report[0]["job_id"]
    r = api.client.patch(f"/v1/jobs/{story}", json={"caption": "hi"}, headers=api.as_("scheduler"))
    assert r.status_code == 422 and r.json()["error"]["code"] == "caption_not_allowed"
    feed = api.job([api.upload(seed=4)], when=WHEN, caption="before")["id"]
    r = api.client.patch(
        f"/v1/jobs/{feed}", json={"caption": _tags(31)}, headers=api.as_("scheduler")
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "caption_too_many_hashtags"
    job = api.client.get(f"/v1/jobs/{feed}", headers=api.as_("scheduler")).json()
    assert job["caption"] == "before" and [e["type"] for e in job["events"]] == ["state"]
    ok = f"after {_tags(30)} {_mentions(20)}"
    r = api.client.patch(f"/v1/jobs/{feed}", json={"caption": ok}, headers=api.as_("scheduler"))
    assert r.status_code == 200 and r.json()["caption"] == ok
