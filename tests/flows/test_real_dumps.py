"""The flows against real dumps of the Instagram app (2025-12 and 2026-02 builds).

`EXPECTED` was written by reading each dump in `../shared/ig-real/dumps` (see SOURCES.md there):
the screen a person reads, and the elements the flow's step on that screen needs. Every dump
in the folder must have a row, so a dump added for a new app build fails here until someone
has read it and said what it shows (docs/flows.md, "When Instagram ships a new layout").
"""

from __future__ import annotations

from typing import Any

import pytest

from farmcore.codes import account_state_for
from flows.account import EnsureAccount, done_signals, failed_rows, uploads_running
from flows.engine import Engine, Outcome, Screen
from flows.errors import ERROR_KINDS, FlowError
from flows.hierarchy import parse
from flows.login import login
from flows.publish import AwaitUpload, Compose, share_to_story_toggle
from flows.request import PublishRequest
from flows.screens import classify
from tests.flows.conftest import ReplayDriver
from tests.flows.real_dumps import (
    CLONED_PACKAGES,
    real_dump,
    real_dump_names,
    require_real_dumps,
)

# dump name prefix -> (screen, elements the step there uses)
EXPECTED: dict[str, tuple[str, tuple[str, ...]]] = {
    "account_disabled": ("account_disabled", ("account_disabled",)),
    "account_suspended": ("account_suspended", ("account_suspended",)),
    # the splash of a cold start and a Bloks page whose content has not come: a person waits
    "blank_app_window": ("blank", ()),
    "blank_bloks_page": ("blank", ("bloks_page",)),
    "checkpoint_captcha": ("checkpoint_captcha", ("checkpoint_captcha",)),
    "checkpoint_id_upload": ("checkpoint_id_upload", ("checkpoint_id_upload",)),
    "checkpoint_video_selfie": ("checkpoint_video_selfie", ("checkpoint_video_selfie",)),
    "feed_row_posted_send": ("upload_done", ("posted_text", "pending_reshare", "pending_row")),
    "feed_row_posting": ("uploading", ("pending_row",)),
    "feed_row_video_cant_be_posted": (
        "upload_failed",
        ("pending_discard", "upload_failed_text", "pending_row"),
    ),
    "gallery_add_to_story": ("gallery", ("gallery_thumb", "gallery_title", "select_multiple")),
    "gallery_new_post": (
        "gallery",
        ("gallery_thumb", "gallery_title", "select_multiple", "next", "dest_feed"),
    ),
    "gallery_new_reel": (
        "gallery",
        ("gallery_thumb", "gallery_title", "select_multiple", "dest_reel"),
    ),
    "home_feed_scrolled": ("home_feed", ("profile_tab", "feed_tab", "tab_bar")),
    "home_feed": ("home_feed", ("create_button_left", "profile_tab", "feed_tab", "title_logo")),
    "login_form": ("logged_out", ("login_username", "login_password", "login_button")),
    "other_profile": ("other_profile", ("follow_button", "profile_title")),
    "own_profile": (
        "profile",
        ("profile_title", "title_chevron", "post_count", "profile_create", "grid_item"),
    ),
    "profile_create_menu": (
        "create_sheet",
        ("create_sheet_post", "create_sheet_reel", "create_sheet_story"),
    ),
    "rate_instagram_dialog": ("rate_dialog", ("rate_no_thanks",)),
    "reel_composer_caption_focused": ("caption_editor", ("caption", "caption_done")),
    "reel_composer_share_to_your_story": ("composer", ("caption", "share", "share_to_title")),
    "reel_composer": ("composer", ("caption", "share")),
    "reel_editor": ("edit", ("next",)),
    "reel_save_draft_sheet": ("save_draft_sheet", ("start_over", "keep_editing")),
    "reels_promo_sheet": ("promo", ("promo_headline", "sheet_dimmer")),
    "reels_snackbar_done_send": ("upload_done", ("posted_text", "upload_snackbar")),
    "reels_snackbar_sharing": ("uploading", ("upload_snackbar", "posting_text")),
    "reels_tab": ("reels_tab", ("feed_tab", "profile_tab")),
    "single_post": ("post_view", ("post_caption",)),
    "story_editor_share_bar": ("story_share", ("story_share_bar", "your_story")),
}


def expected_for(name: str) -> tuple[str, tuple[str, ...]]:
    """The row of the longest prefix of the dump's name (`reel_composer_caption_focused_…`
    before `reel_composer_…`)."""
    for prefix in sorted(EXPECTED, key=len, reverse=True):
        if name.startswith(prefix + "_"):
            return EXPECTED[prefix]
    raise AssertionError(f"{name}: no expected row; read the dump and add one to EXPECTED")


def screen_of(name: str) -> Screen:
    ui = parse(real_dump(name), CLONED_PACKAGES.get(name))
    return Screen(classify(ui), ui)


def replay(*names: str) -> ReplayDriver:
    driver = ReplayDriver(*names, load=real_dump)
    packages = {CLONED_PACKAGES[n] for n in names if n in CLONED_PACKAGES}
    if packages:
        driver.app_package = packages.pop()  # type: ignore[attr-defined]
    return driver


def taps(driver: ReplayDriver) -> list[tuple[int, int]]:
    return [(e[1], e[2]) for e in driver.log if e[0] == "tap"]


def inside(point: tuple[int, int], node: Any) -> bool:
    b = node.bounds
    return b.left <= point[0] <= b.right and b.top <= point[1] <= b.bottom


def test_the_folder_is_there_and_full() -> None:
    require_real_dumps()
    names = real_dump_names()
    assert len(names) >= 66, names


@pytest.mark.parametrize("name", real_dump_names() or ["(no dumps)"])
def test_every_real_dump_is_recognised(name: str) -> None:
    require_real_dumps()
    screen_name, elements = expected_for(name)
    screen = screen_of(name)
    assert screen.name == screen_name, (
        f"{name}: read as {screen.name}, a person reads {screen_name}"
    )
    missing = [e for e in elements if not screen.has(e)]
    assert not missing, f"{name}: the step needs {missing}, not found"


# -- outcomes: only a positive signal decides ---------------------------------------------------


def await_upload(*names: str, notes: dict[str, int] | None = None) -> tuple[AwaitUpload, Engine]:
    engine = Engine(replay(*names), poll_s=0, sleep=lambda _s: None, deadline_s=30)
    engine.point_of_no_return_passed = True
    engine.notes.update(notes or {"failed_rows_before": 0, "done_rows_before": 0})
    wait = AwaitUpload()
    engine.run(wait)
    return wait, engine


@pytest.mark.parametrize(
    "done",
    [
        "feed_row_posted_send_720w_1",
        "feed_row_posted_send_720w_2",
        "feed_row_posted_send_720w_3",
        "reels_snackbar_done_send_720w_1",
        "reels_snackbar_done_send_720w_2",
    ],
)
def test_posted_and_done_posting_are_published(done: str) -> None:
    require_real_dumps()
    running = "reels_snackbar_sharing_720w_1" if "reels" in done else "feed_row_posting_720w_1"
    wait, engine = await_upload(running, running, done)
    assert wait.confirmed  # published on the app's word, no verification needed
    assert engine.stats.screens[-1] == "upload_done"


@pytest.mark.parametrize("n", [1, 2, 3])
def test_video_cant_be_posted_is_a_confirmed_failure(n: int) -> None:
    require_real_dumps()
    with pytest.raises(FlowError) as caught:
        await_upload("feed_row_posting_720w_2", f"feed_row_video_cant_be_posted_720w_{n}")
    assert caught.value.code == "upload_failed"
    assert caught.value.after_point_of_no_return
    assert caught.value.app_said_failed  # the app said so (the controller still verifies)


def test_the_send_button_is_never_read_as_a_retry() -> None:
    require_real_dumps()
    screen = screen_of("feed_row_posted_send_720w_1")
    assert failed_rows(screen) == 0
    assert done_signals(screen) == 1
    assert not uploads_running(screen)


@pytest.mark.parametrize(
    "name", ["feed_row_posting_720w_1", "feed_row_posting_720w_2", "reels_snackbar_sharing_720w_2"]
)
def test_an_upload_in_progress_is_waited_on(name: str) -> None:
    require_real_dumps()
    assert uploads_running(screen_of(name))


def test_no_verdict_on_screen_is_not_published() -> None:
    """The feed without any upload row after the share: no verdict — the flow must look for
    the post rather than call it published."""
    require_real_dumps()
    wait, _ = await_upload("feed_row_posting_720w_1", "home_feed_720w_1")
    assert not wait.confirmed


@pytest.mark.parametrize(
    ("screens", "code"),
    [
        (("feed_row_posting_720w_1", "blank_app_window_720w_1"), "timeout"),
        (("feed_row_posting_720w_1", "checkpoint_captcha_720w_1"), "checkpoint_required"),
        (("reels_snackbar_sharing_720w_1", "login_form_1080w_1"), "auth_login_required"),
        (("reel_composer_720w_1",), "publish_unconfirmed"),
    ],
)
def test_anything_else_after_share_is_an_unconfirmed_failure(
    screens: tuple[str, ...], code: str
) -> None:
    """Unknown, blank, blocked, logged out, stuck: an error after the point of no return that
    does not say the post failed, so the controller verifies (job `unknown`)."""
    require_real_dumps()
    engine = Engine(replay(*screens), poll_s=0, sleep=lambda _s: None, step_budget=20)
    engine.deadline = engine.clock() + 0.5 if code == "timeout" else engine.deadline
    engine.point_of_no_return_passed = True
    engine.notes.update({"failed_rows_before": 0, "done_rows_before": 0})
    with pytest.raises(FlowError) as caught:
        engine.run(AwaitUpload())
    assert caught.value.code == code
    assert caught.value.after_point_of_no_return
    assert not caught.value.app_said_failed


# -- account blocks ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code", "state", "words"),
    [
        ("account_disabled_720w_1", "account_disabled", "disabled", "disabled"),
        ("account_suspended_720w_2", "account_suspended", "disabled", "suspended"),
        ("checkpoint_id_upload_1080w_1", "checkpoint_required", "challenge", "id_upload"),
        ("checkpoint_captcha_720w_1", "checkpoint_required", "challenge", "captcha"),
        ("checkpoint_video_selfie_720w_1", "checkpoint_required", "challenge", "video_selfie"),
    ],
)
def test_blocks_hold_the_account_with_their_own_code(
    name: str, code: str, state: str, words: str
) -> None:
    require_real_dumps()
    driver = replay(name)
    with pytest.raises(FlowError) as caught:
        Engine(driver, poll_s=0, sleep=lambda _s: None).run(EnsureAccount("someone"))
    assert caught.value.code == code
    assert words in caught.value.message
    assert ERROR_KINDS[code].account_level
    assert account_state_for(code) == state
    assert taps(driver) == []  # nothing on a block page is ever tapped


# -- interruptions: never buy, never rate, drafts by context --------------------------------------


class UntilReels:
    name = "reaching the Reels tab"

    def step(self, engine: Engine, screen: Screen) -> Outcome:
        if screen.name == "reels_tab":
            return Outcome.DONE
        raise engine.unexpected(screen, self.name)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_the_reels_upsell_is_closed_without_get_started(n: int) -> None:
    require_real_dumps()
    name = f"reels_promo_sheet_720w_{n}"
    driver = replay(name, "reels_tab_720w_1")
    Engine(driver, poll_s=0, sleep=lambda _s: None).run(UntilReels())
    screen = screen_of(name)
    buy = screen.find("never_tap")
    assert buy is not None and "get started" in (buy.content_desc + buy.text).lower()
    assert taps(driver) or ("key", "back") in driver.log
    for point in taps(driver):
        assert not inside(point, buy.clickable_self_or_ancestor())


def test_rate_instagram_gets_no_thanks() -> None:
    require_real_dumps()
    driver = replay("rate_instagram_dialog_621w_1", "reels_tab_720w_1")
    Engine(driver, poll_s=0, sleep=lambda _s: None).run(UntilReels())
    no_thanks = screen_of("rate_instagram_dialog_621w_1").find("rate_no_thanks")
    assert no_thanks is not None and no_thanks.text == "No, thanks"
    assert len(taps(driver)) == 1 and inside(taps(driver)[0], no_thanks)


@pytest.mark.parametrize(
    ("choice", "word"), [(None, "Start over"), ("keep_editing", "Keep editing")]
)
def test_save_draft_is_answered_by_context(choice: str | None, word: str) -> None:
    require_real_dumps()

    class Editing:
        name = "editing"
        draft_choice = choice

        def step(self, engine: Engine, screen: Screen) -> Outcome:
            assert screen.name == "edit"
            return Outcome.DONE

    driver = replay("reel_save_draft_sheet_720w_1", "reel_editor_720w_1")
    Engine(driver, poll_s=0, sleep=lambda _s: None).run(Editing())
    sheet = screen_of("reel_save_draft_sheet_720w_1")
    chosen = next(n for n in sheet.ui.nodes if n.text == word)
    assert len(taps(driver)) == 1 and inside(taps(driver)[0], chosen)
    assert not any(n.text == "Save draft" and inside(taps(driver)[0], n) for n in sheet.ui.nodes)


# -- navigation of the 2025-26 app ----------------------------------------------------------------


def request(kind: str, **kw: Any) -> PublishRequest:
    types: list[Any] = ["video"] if kind == "reel" else ["image"] * (3 if kind == "carousel" else 1)
    return PublishRequest(
        kind=kind,  # type: ignore[arg-type]
        username="someone",
        caption=kw.pop("caption", "hello igfarm-1"),
        media_types=types,
        remote_paths=[f"/sdcard/x{i}.jpg" for i in range(len(types))],
        **kw,
    )


def first_action(name: str, kind: str) -> tuple:
    driver = replay(name)
    engine = Engine(driver, poll_s=0, sleep=lambda _s: None, step_budget=1)
    with pytest.raises(FlowError):  # one step, then the budget ends the run
        engine.run(Compose(request(kind)))
    actions = driver.actions()
    assert actions, f"no action on {name}"
    return actions[0]


@pytest.mark.parametrize(
    ("kind", "label"),
    [("feed", "Post"), ("carousel", "Post"), ("reel", "Reel"), ("story", "Story")],
)
def test_the_create_sheet_row_follows_the_kind(kind: str, label: str) -> None:
    require_real_dumps()
    sheet = screen_of("profile_create_menu_720w_1")
    action = first_action("profile_create_menu_720w_1", kind)
    row = next(n for n in sheet.ui.nodes if n.text == label).clickable_self_or_ancestor()
    assert action[0] == "tap" and inside(action[1:], row)


def test_create_from_the_profile_plus_and_the_feed_action_bar() -> None:
    require_real_dumps()
    profile = screen_of("own_profile_720w_1")
    plus = profile.find("profile_create")
    assert plus is not None
    assert inside(first_action("own_profile_720w_1", "feed")[1:], plus)
    feed = screen_of("home_feed_720w_1")
    left = feed.find("create_button_left")
    assert left is not None
    assert inside(first_action("home_feed_720w_1", "feed")[1:], left)


def test_post_count_is_read_from_the_new_id() -> None:
    require_real_dumps()
    for n in (1, 2, 3):
        node = screen_of(f"own_profile_720w_{n}").find("post_count")
        assert node is not None and node.text.strip().isdigit()


def test_the_reel_gallery_title_means_no_destination_tap() -> None:
    """ "New reel" already says REEL: the flow picks the newest video, not the REEL tab."""
    require_real_dumps()
    screen = screen_of("gallery_new_reel_720w_1")
    action = first_action("gallery_new_reel_720w_1", "reel")
    thumb = screen.find_all("gallery_thumb")[0]
    assert inside(action[1:], thumb)


def test_share_to_your_story_is_left_off_and_turned_off() -> None:
    require_real_dumps()
    name = "reel_composer_share_to_your_story_720w_1"
    screen = screen_of(name)
    toggle = share_to_story_toggle(screen)
    assert toggle is not None and not toggle.checked
    # the same composer with the row switched on: the flow turns it off before Share
    xml = real_dump(name)
    title = xml.index('text="Your story"')
    at = xml.index('resource-id="com.instagram.android:id/toggle"', title)
    start, end = xml.rindex("<", 0, at), xml.index(">", at)
    on = xml[:start] + xml[start:end].replace('checked="false"', 'checked="true"') + xml[end:]
    ui = parse(on)
    checked = share_to_story_toggle(Screen(classify(ui), ui))
    assert checked is not None and checked.checked
    driver = ReplayDriver("on", load=lambda _n: on)
    engine = Engine(driver, poll_s=0, sleep=lambda _s: None, step_budget=1)
    with pytest.raises(FlowError):
        engine.run(Compose(request("reel", caption="")))
    assert driver.actions()[0][0] == "tap" and inside(driver.actions()[0][1:], checked)


def test_the_opened_post_caption_has_no_id_but_is_found() -> None:
    require_real_dumps()
    caption = screen_of("single_post_720w_1").find("post_caption")
    assert caption is not None and caption.text.startswith("therealdavewheeler ")


def test_the_bloks_login_form_is_filled_by_content_desc() -> None:
    require_real_dumps()
    driver = replay("login_form_1080w_1")
    with pytest.raises(FlowError):  # the replayed form never changes: the flow gives up
        login(driver, "someone", "s3cret-pass", poll_s=0, step_budget=3)
    form = screen_of("login_form_1080w_1")
    user = form.find("login_username")
    assert user is not None and user.class_name.endswith("EditText")
    assert driver.actions()[:2] == [("tap", *user.center), ("type", "someone")]


def test_a_cloned_app_package_is_read_as_instagram() -> None:
    require_real_dumps()
    ui = parse(real_dump("story_editor_share_bar_1080w_1"))
    assert classify(ui).name == "wrong_app"  # read as is, the clone is another app
    assert screen_of("story_editor_share_bar_1080w_1").name == "story_share"
