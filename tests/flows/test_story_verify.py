"""Story verification on the simulated phone: the job's own story, not just any story ring."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from emulator.accounts import SimAccount
from flows import publish, verify_post
from flows.stories import age_floor
from tests.flows.sim import POLL_S, USERS, new_phone, stage

OLD_STORIES = 2  # brand_one already has a story: photos posted 1 h and 3 h ago


def phone_with_old_stories(locale: str = "en"):
    accounts = [SimAccount(u, stories=OLD_STORIES if u == "brand_one" else 0) for u in USERS]
    return new_phone(locale, accounts=accounts)


def post_story(phone, media_type: str, username: str = "brand_one") -> datetime:
    since = datetime.now(UTC)
    job = stage(phone, "story", [media_type], username=username)
    publish(phone, job.request, job.on_point_of_no_return, poll_s=POLL_S)
    return since


def verify_story(phone, username: str = "brand_one", **kw) -> bool:
    return verify_post(phone, username, "", 1, kind="story", poll_s=POLL_S, **kw)


@pytest.mark.parametrize("locale", ["en", "es"])
@pytest.mark.parametrize("media_type", ["image", "video"])
def test_the_jobs_story_is_found_after_older_ones(locale: str, media_type: str) -> None:
    phone = phone_with_old_stories(locale)
    since = post_story(phone, media_type)
    posts = len(phone.published())
    assert verify_story(phone, since=since, media_types=[media_type])
    assert len(phone.published()) == posts  # verification never posts
    assert phone.current_screen() == "profile"  # the viewer is closed again


def test_an_older_story_is_not_the_jobs() -> None:
    phone = phone_with_old_stories()
    since = datetime.now(UTC) - timedelta(minutes=1)  # the lease started a minute ago
    assert not verify_story(phone, since=since)
    assert phone.current_screen() == "profile"
    # without `since` every live story counts (what the ring alone used to say)
    assert verify_story(phone)


def test_a_story_of_the_other_media_type_is_not_the_jobs() -> None:
    phone = phone_with_old_stories()
    since = post_story(phone, "image")
    assert not verify_story(phone, since=since, media_types=["video"])
    assert verify_story(phone, since=since, media_types=["image"])


def test_a_story_of_another_account_is_not_the_jobs() -> None:
    phone = phone_with_old_stories()
    since = post_story(phone, "image", username="brand_two")
    assert not verify_story(phone, "brand_one", since=since)
    assert verify_story(phone, "brand_two", since=since)


def test_no_story_at_all_is_absent_without_opening_anything() -> None:
    phone = new_phone()
    assert not verify_story(phone, since=datetime.now(UTC))
    assert phone.current_screen() == "profile"


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("42s", 42),
        ("5m", 300),
        ("5 min", 300),
        ("3h", 10800),
        ("3 h", 10800),
        ("1d", 86400),
        ("Just now", 0),
        ("Justo ahora", 0),
    ],
)
def test_story_ages_are_read_as_their_lowest_value(text: str, seconds: int) -> None:
    assert age_floor(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "yesterday", "5 lightyears"])
def test_unreadable_story_ages_are_none(text: str) -> None:
    assert age_floor(text) is None
