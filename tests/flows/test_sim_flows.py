"""Every flow against the simulated phone, in English and Spanish, without faults."""

from __future__ import annotations

import pytest

from emulator.accounts import SimAccount
from flows import FlowError, preflight, publish, switch_account, verify_post
from tests.flows.sim import KINDS, POLL_S, new_phone, stage

LOCALES = ["en", "es"]


def run_publish(phone, job, **kw):
    return publish(
        phone, job.request, job.on_point_of_no_return, poll_s=POLL_S, deadline_s=30, **kw
    )


@pytest.mark.parametrize("layout", ["2025", "legacy"])
@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("flow", sorted(KINDS))
def test_publish_once(flow: str, locale: str, layout: str) -> None:
    """Both the 2025-26 app and the pre-2025 one (Create tab, id-based login, old ids)."""
    phone = new_phone(locale, layout=layout)
    kind, types = KINDS[flow]
    job = stage(phone, kind, types)
    stats = run_publish(phone, job)
    posts = phone.published("brand_one")
    assert len(posts) == 1, stats.screens
    post = posts[0]
    assert post.kind == kind
    assert post.media_sha256 == job.sha256  # the job's items, in the job's order
    assert post.item_count == len(types)
    assert post.caption == job.request.caption
    if kind == "story":
        assert post.audience == "your_story"
    assert job.ponr_calls == [1]
    assert stats.dumps == phone.dump_count


@pytest.mark.parametrize("flow", ["feed_image", "carousel", "story_video", "reel"])
def test_publish_in_french(flow: str) -> None:
    phone = new_phone("fr")
    kind, types = KINDS[flow]
    job = stage(phone, kind, types)
    run_publish(phone, job)
    (post,) = phone.published("brand_one")
    assert post.media_sha256 == job.sha256


@pytest.mark.parametrize("locale", LOCALES)
def test_publish_switches_account_first(locale: str) -> None:
    phone = new_phone(locale)
    job = stage(phone, "feed", ["image"], username="brand_three")
    run_publish(phone, job)
    assert phone.published("brand_one") == []
    assert len(phone.published("brand_three")) == 1


def test_publish_brings_the_app_to_front() -> None:
    phone = new_phone(start_app=False)
    job = stage(phone, "feed", ["image"])
    stats = run_publish(phone, job)
    assert stats.screens[0] == "wrong_app"
    assert len(phone.published("brand_one")) == 1


def test_publish_twice_in_a_row_posts_each_once() -> None:
    phone = new_phone()
    first = stage(phone, "feed", ["image"])
    run_publish(phone, first)
    second = stage(phone, "carousel", ["image", "image"])
    run_publish(phone, second)
    posts = phone.published("brand_one")
    assert [p.media_sha256 for p in posts] == [first.sha256, second.sha256]


def test_carousel_of_ten() -> None:
    phone = new_phone()
    job = stage(phone, "carousel", ["image"] * 5 + ["video"] * 5)
    run_publish(phone, job)
    (post,) = phone.published("brand_one")
    assert post.media_sha256 == job.sha256


def test_unknown_account_is_wrong_user() -> None:
    phone = new_phone()
    job = stage(phone, "feed", ["image"], username="somebody_else")
    with pytest.raises(FlowError) as err:
        run_publish(phone, job)
    assert err.value.code == "account_wrong_user"
    assert err.value.evidence.screenshot_png
    assert job.ponr_calls == []
    assert phone.published() == []


@pytest.mark.parametrize("locale", LOCALES)
def test_switch_account(locale: str) -> None:
    phone = new_phone(locale)
    switch_account(phone, "brand_two", poll_s=POLL_S)
    assert phone.app.current == "brand_two"
    stats = switch_account(phone, "brand_two", poll_s=POLL_S)
    assert stats.taps == 0  # already there: one look at the profile


@pytest.mark.parametrize("locale", LOCALES)
def test_preflight_ok(locale: str) -> None:
    phone = new_phone(locale)
    result = preflight(phone, "brand_two", poll_s=POLL_S)
    assert result.ok, result.problems
    assert result.logged_in
    assert result.active_username == "brand_two"
    assert result.post_count == 12
    assert result.is_private is False


def test_preflight_reports_account_problems() -> None:
    accounts = [
        SimAccount("brand_one"),
        SimAccount("tiny_private", private=True, posts=2),
        SimAccount("checkpointed", challenge=True),
    ]
    phone = new_phone(accounts=accounts)
    result = preflight(phone, "tiny_private", poll_s=POLL_S)
    assert sorted(result.problems) == ["account_private", "account_too_few_posts"]
    assert result.post_count == 2 and result.is_private
    assert result.evidence is not None and result.evidence.screenshot_png

    result = preflight(phone, "checkpointed", poll_s=POLL_S)
    assert result.problems == ["auth_challenge_required"]
    assert result.challenge_pending

    result = preflight(new_phone(accounts=accounts), "not_on_this_phone", poll_s=POLL_S)
    assert result.problems == ["account_wrong_user"]


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("flow", ["feed_image", "carousel", "reel", "story_image"])
def test_verify_post(flow: str, locale: str) -> None:
    phone = new_phone(locale)
    kind, types = KINDS[flow]
    job = stage(phone, kind, types, caption="A long caption " + "lorem ipsum " * 20)
    run_publish(phone, job)
    marker = job.request.marker
    assert verify_post(phone, "brand_one", marker, len(types), kind=kind, poll_s=POLL_S)
    if kind != "story":
        assert not verify_post(phone, "brand_one", marker, len(types) + 1, poll_s=POLL_S)
        assert not verify_post(phone, "brand_one", "#nothere", len(types), poll_s=POLL_S)
        assert not verify_post(phone, "brand_two", marker, len(types), poll_s=POLL_S)


def test_retry_after_a_stop_midway_posts_once() -> None:
    phone = new_phone()
    job = stage(phone, "carousel", ["image", "image", "image"])
    with pytest.raises(FlowError) as err:
        run_publish(phone, job, step_budget=5)  # stops in the middle of the creation screens
    assert err.value.code == "timeout" and not err.value.after_point_of_no_return
    assert phone.current_screen() not in ("home", "profile")
    run_publish(phone, job)  # the retry backs out (discarding) and starts over
    (post,) = phone.published("brand_one")
    assert post.media_sha256 == job.sha256


def test_next_job_after_a_lost_connection_is_not_blamed_for_the_old_failed_row() -> None:
    from emulator.faults import FaultPlan

    phone = new_phone(faults=FaultPlan.script(["connection_lost"]))
    first = stage(phone, "feed", ["image"])
    with pytest.raises(FlowError) as err:
        run_publish(phone, first)
    assert err.value.code == "upload_failed"
    phone.app.offline_until = 0.0  # the connection is back
    second = stage(phone, "feed", ["image"])
    phone.press_key("back")  # whatever screen the next job starts from: feed or profile
    run_publish(phone, second)
    third = stage(phone, "feed", ["image"])
    switch_account(phone, "brand_one", poll_s=POLL_S)  # starts on the profile this time
    run_publish(phone, third)
    posts = phone.published("brand_one")
    assert [p.media_sha256 for p in posts] == [first.sha256, second.sha256, third.sha256]


def test_verify_waits_for_an_upload_in_progress() -> None:
    phone = new_phone()
    job = stage(phone, "feed", ["image"])
    shared: list[int] = []

    class DiesAfterShare:
        """The phone as the agent sees it: the link drops right after the Share tap."""

        serial = phone.serial

        def __getattr__(self, name: str):
            return getattr(phone, name)

        def dump_hierarchy(self) -> str:
            if shared:
                raise ConnectionError("adb: device offline")
            return phone.dump_hierarchy()

    with pytest.raises(FlowError) as err:
        publish(DiesAfterShare(), job.request, lambda: shared.append(1), poll_s=POLL_S)
    assert err.value.code == "device_offline" and err.value.after_point_of_no_return
    assert phone.published("brand_one") == []  # still uploading
    # the controller asks at once, while the row still says Posting…
    assert verify_post(phone, "brand_one", job.request.marker, 1, poll_s=POLL_S)
    assert len(phone.published("brand_one")) == 1
