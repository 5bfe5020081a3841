"""Two jobs in a row on one simulated phone: what the first leaves behind must not fail the second.

A "Try Again Later" dialog (action blocked, rate limit) seen before the job's own Share tap
answers an earlier job: the second job closes it with one OK and publishes exactly once. A
block that shows after the job's own Share tap is the job's `action_blocked`.
"""

from __future__ import annotations

from typing import Any

import pytest

from emulator.faults import FaultPlan
from emulator.phone import SimPhone
from flows import FlowError, FlowStats, publish
from tests.flows.sim import POLL_S, Job, new_phone, stage


class LosesThePhoneAfterShare:
    """A driver whose taps stop reaching the phone right after the Share tap (adb dropped,
    agent killed): the block the Share caused stays on screen for the next job."""

    def __init__(self, phone: SimPhone) -> None:
        self.phone = phone
        self.serial = phone.serial
        self.taps_left: int | None = None

    def armed(self) -> None:  # the point of no return: only the Share tap still goes through
        self.taps_left = 1

    def tap(self, x: int, y: int) -> None:
        if self.taps_left is not None:
            if self.taps_left == 0:
                raise ConnectionError("adb: device offline")
            self.taps_left -= 1
        self.phone.tap(x, y)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.phone, name)


def run_job(driver: Any, job: Job, **kw: Any) -> FlowStats:
    return publish(driver, job.request, job.on_point_of_no_return, poll_s=POLL_S, **kw)


def blocked_job_leaves_its_dialog(phone: SimPhone, username: str) -> None:
    """Job 1 is blocked at Share, and the phone is lost before its OK tap."""
    phone.set_faults(FaultPlan.script(["action_blocked"]))
    job = stage(phone, "feed", ["image"], username=username)
    driver = LosesThePhoneAfterShare(phone)

    def ponr() -> None:
        job.on_point_of_no_return()
        driver.armed()

    with pytest.raises(FlowError) as err:
        publish(driver, job.request, ponr, poll_s=POLL_S)
    assert err.value.code == "action_blocked" and err.value.after_point_of_no_return
    assert phone.current_screen() == "ActionBlockedDialog"  # left over for the next job


def rate_limit_pops_up_after_job_one(phone: SimPhone, username: str) -> None:
    """Job 1 publishes; a "Try Again Later" pops up before job 2 looks at the phone."""
    job = stage(phone, "feed", ["image"], username=username)
    run_job(phone, job)
    phone.set_faults(FaultPlan.script([("popup_rate_limit", "*")]))


FIRST_JOBS = {
    "action_blocked": (blocked_job_leaves_its_dialog, "action_blocked", 0),
    "popup_rate_limit": (rate_limit_pops_up_after_job_one, "rate_limited", 1),
}


@pytest.mark.parametrize("second_user", ["brand_one", "brand_two"])
@pytest.mark.parametrize("locale", ["en", "es"])
@pytest.mark.parametrize("first", sorted(FIRST_JOBS))
def test_leftover_dialog_is_dismissed_once_and_the_next_job_publishes_once(
    first: str, locale: str, second_user: str
) -> None:
    phone = new_phone(locale)
    leave_dialog, screen, first_posts = FIRST_JOBS[first]
    leave_dialog(phone, "brand_one")
    before = len(phone.published())
    assert before == first_posts

    job = stage(phone, "feed", ["image"], username=second_user)
    stats = run_job(phone, job)

    assert stats.screens.count(screen) == 1  # one look at the dialog, one OK, gone
    assert stats.screens[0] == screen  # it was there before the job did anything
    assert job.ponr_calls == [1]
    new_posts = phone.published()[before:]
    assert [(p.username, p.media_sha256) for p in new_posts] == [(second_user, job.sha256)]
    # home after the app's "Posted!"; the profile when a slow machine missed that row and the
    # flow found the post on the profile instead
    assert phone.current_screen() in ("home", "profile")


def test_a_block_after_the_own_share_is_the_jobs_action_blocked() -> None:
    phone = new_phone("en")
    blocked_job_leaves_its_dialog(phone, "brand_one")
    phone.set_faults(FaultPlan.script(["action_blocked"]))  # blocked again, at this Share
    job = stage(phone, "feed", ["image"], username="brand_two")
    with pytest.raises(FlowError) as err:
        run_job(phone, job)
    assert err.value.code == "action_blocked"
    assert err.value.after_point_of_no_return
    assert job.ponr_calls == [1]
    assert phone.published() == []
    assert phone.current_screen() != "ActionBlockedDialog"  # closed after the evidence


@pytest.mark.parametrize("second_user", ["brand_one", "brand_two"])
def test_a_failed_upload_row_of_an_earlier_job_does_not_fail_the_next(second_user: str) -> None:
    phone = new_phone("es", FaultPlan.script(["upload_failure"]))
    first = stage(phone, "feed", ["image"], username="brand_one")
    with pytest.raises(FlowError) as err:
        run_job(phone, first)
    assert err.value.code == "upload_failed"

    job = stage(phone, "carousel", ["image", "image"], username=second_user)
    run_job(phone, job)
    (post,) = phone.published()
    assert (post.username, post.media_sha256) == (second_user, job.sha256)
    # the earlier job's failed row is still on brand_one's feed, untouched (never retried)
    phone.set_faults(FaultPlan())
    run_job(phone, stage(phone, "feed", ["image"], username="brand_one"))
    assert len(phone.published()) == 2
