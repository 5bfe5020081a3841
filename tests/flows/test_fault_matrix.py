"""Every flow × every fault the simulated phone offers × English and Spanish.

Each run ends either with the post published exactly once (the job's media, in order, with the
job's caption) or with the error code the fault calls for — and never with a second post or a
wrong one.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from emulator.accounts import PublishedPost
from emulator.faults import FAULT_NAMES, FaultPlan
from emulator.phone import SimPhone
from flows import FlowError, publish, verify_post
from tests.flows.sim import KINDS, POLL_S, Job, new_phone, stage

# fault -> (error code or None for success, number of posts that must exist afterwards)
# ("popup_rate_limit" shows before the job's Share tap: it answers an earlier job, so the flow
# closes it and publishes; see test_stale_dialogs.py)
EXPECTED: dict[str, tuple[str | None, int]] = {
    "popup_app_update": ("app_update_required", 0),
    "challenge": ("auth_challenge_required", 0),
    "logged_out": ("auth_login_required", 0),
    "action_blocked": ("action_blocked", 0),
    "upload_failure": ("upload_failed", 0),
    "connection_lost": ("upload_failed", 1),  # out, but the app says it failed: verify it
    # account blocks of the 2025-26 app (Bloks pages): the account is held, nothing tapped
    "checkpoint_id_upload": ("checkpoint_required", 0),
    "checkpoint_captcha": ("checkpoint_required", 0),
    "checkpoint_video_selfie": ("checkpoint_required", 0),
    "account_disabled": ("account_disabled", 0),
    "account_suspended": ("account_suspended", 0),
}
AFTER_SHARE = {"action_blocked", "upload_failure", "connection_lost"}
# faults whose default trigger is a screen some flows never show: they must simply succeed
NOT_ON_PATH = {
    "reel_draft_prompt": {"feed_image", "feed_video", "carousel", "story_image", "story_video"},
}


def expected(fault: str, flow: str) -> tuple[str | None, int]:
    if flow in NOT_ON_PATH.get(fault, set()):
        return None, 1
    return EXPECTED.get(fault, (None, 1))


@dataclass
class Run:
    phone: SimPhone
    job: Job
    error: FlowError | None
    posts: list[PublishedPost]


def run(flow: str, locale: str, plan: FaultPlan) -> Run:
    phone = new_phone(locale, plan)
    kind, types = KINDS[flow]
    job = stage(phone, kind, types)
    error: FlowError | None = None
    try:
        publish(phone, job.request, job.on_point_of_no_return, poll_s=POLL_S, deadline_s=20)
    except FlowError as err:
        error = err
    posts = phone.published()
    for post in posts:  # never a wrong post
        assert post.username == "brand_one"
        assert post.media_sha256 == job.sha256
        assert post.caption == job.request.caption
        if kind == "story":
            assert post.audience == "your_story"
    assert len(posts) <= 1, "published twice"
    assert phone.purchases_started() == [], "tapped a paid upsell"
    assert len(job.ponr_calls) <= 1
    if posts:
        assert job.ponr_calls == [1]
    return Run(phone, job, error, posts)


def test_the_matrix_covers_every_fault() -> None:
    assert set(EXPECTED) <= set(FAULT_NAMES)


@pytest.mark.parametrize("locale", ["en", "es"])
@pytest.mark.parametrize("fault", FAULT_NAMES)
@pytest.mark.parametrize("flow", sorted(KINDS))
def test_flow_under_fault(flow: str, fault: str, locale: str) -> None:
    r = run(flow, locale, FaultPlan.script([fault]))
    error = r.error
    code, count = expected(fault, flow)
    fired = [f.name for f in r.phone.faults.fired]
    if code is None:
        assert error is None, f"{fault} (fired: {fired}) → {error}"
    else:
        assert error is not None, f"{fault} (fired: {fired}) should fail with {code}"
        assert error.code == code, f"{fault}: {error}"
        assert error.evidence.screenshot_png and error.evidence.hierarchy_xml
        assert error.after_point_of_no_return == (fault in AFTER_SHARE)
    assert len(r.posts) == count, f"{fault} (fired: {fired})"


@pytest.mark.parametrize("flow", ["feed_image", "carousel", "reel"])
def test_connection_lost_is_settled_by_verification(flow: str) -> None:
    r = run(flow, "en", FaultPlan.script(["connection_lost"]))
    assert r.error is not None and r.error.code == "upload_failed"
    assert r.error.after_point_of_no_return
    n = len(r.job.request.media_types)
    assert verify_post(r.phone, "brand_one", r.job.request.marker, n, poll_s=POLL_S)
    assert len(r.phone.published()) == 1  # verification never posts


@pytest.mark.parametrize("flow", sorted(KINDS))
def test_crash_while_uploading_is_app_crashed_after_share(flow: str) -> None:
    r = run(flow, "es", FaultPlan.script([("app_crash", "uploading")]))
    assert r.error is not None and r.error.code == "app_crashed"
    assert r.error.after_point_of_no_return
    assert len(r.posts) == 1  # the upload went on: the controller's verification settles it


@pytest.mark.parametrize("flow", sorted(KINDS))
def test_crash_twice_before_share_is_app_crashed(flow: str) -> None:
    gallery = {"reel": "reel_gallery", "story": "story_gallery"}.get(KINDS[flow][0], "gallery")
    plan = FaultPlan.script([("app_crash", gallery), ("app_crash", gallery)])
    r = run(flow, "en", plan)
    assert r.error is not None and r.error.code == "app_crashed"
    assert not r.error.after_point_of_no_return
    assert r.posts == [] and r.job.ponr_calls == []


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("flow", sorted(KINDS))
def test_random_faults_never_post_twice(flow: str, seed: int) -> None:
    locale = "es" if seed % 2 else "en"
    r = run(flow, locale, FaultPlan.random(seed=seed, probability=0.25))
    if r.error is None:
        assert len(r.posts) == 1
    else:
        codes = {c for c, _ in EXPECTED.values()} | {"app_crashed", "rate_limited"}
        assert r.error.code in codes, r.error


@pytest.mark.parametrize("fault", ["action_blocked", "upload_failure"])
def test_after_a_failure_verification_and_the_retry_work(fault: str) -> None:
    r = run("feed_image", "es", FaultPlan.script([fault]))
    assert r.error is not None
    # the controller settles the job: absent; then a retry publishes it exactly once
    assert not verify_post(r.phone, "brand_one", r.job.request.marker, 1, poll_s=POLL_S)
    publish(r.phone, r.job.request, r.job.on_point_of_no_return, poll_s=POLL_S)
    (post,) = r.phone.published()
    assert post.media_sha256 == r.job.sha256
