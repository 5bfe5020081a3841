"""The default layout (the 2025-26 app): publishing each kind and the upload outcomes,
driven through the XML the way a flow does."""

from __future__ import annotations

from emulator.accounts import SimAccount
from emulator.faults import FaultPlan
from emulator.phone import SimPhone
from emulator.server import ServeConfig, build_phones
from tests.emulator.conftest import jpeg, mp4, push_scan, sha
from tests.emulator.xmlui import tap, ui, wait_for, wait_gone

IG = "com.instagram.android"


class Clock:
    def __init__(self) -> None:
        self.t = 50.0

    def __call__(self) -> float:
        return self.t


def make(**kw) -> SimPhone:
    kw.setdefault("accounts", [SimAccount("acct", full_name="Jordan Lee")])
    return SimPhone("sim-2025", seed=2, speed=kw.pop("speed", 20.0), **kw)


def pick_unselected(phone, kind: str = "Photo") -> None:
    for node in ui(phone).find_all(rid="gallery_grid_item_thumbnail"):
        if node.desc.startswith(f"Unselected {kind}"):
            phone.tap(*node.center)
            return
    raise AssertionError(f"no unselected {kind} thumbnail")


def test_tab_bar_has_no_create_tab_and_reels_message_tabs():
    phone = make()
    phone.app_start(IG)
    screen = ui(phone)
    tabs = [n.rid.split("/")[-1] for n in screen.nodes if n.rid.endswith("_tab")]
    assert tabs == ["feed_tab", "clips_tab", "direct_tab", "search_tab", "profile_tab"]
    assert screen.find(rid="direct_tab").desc == "Message"
    assert not screen.has(rid="creation_tab") and not screen.has(rid="tab_feed")
    assert screen.has(rid="tab_avatar")


def test_feed_image_row_posting_then_posted_then_gone():
    clock = Clock()
    phone = make(clock=clock, speed=1.0)
    data = jpeg()
    push_scan(phone, data, "/sdcard/DCIM/igfarm/a.jpg")
    phone.app_start(IG)
    tap(phone, rid="action_bar_buttons_container_left")  # the id-less Create
    screen = ui(phone)
    assert screen.find(rid="new_post_title").text == "New post"
    newest = screen.find_all(rid="gallery_grid_item_thumbnail")[0]
    assert newest.desc.startswith("Selected Photo thumbnail created on ")  # pre-selected
    tap(phone, rid="next_button_textview")
    tap(phone, rid="next_button_textview")
    tap(phone, rid="caption_input_text_view")
    phone.type_text("hello 2025")
    tap(phone, rid="action_bar_button_text", text="OK")
    tap(phone, rid="share_button")
    screen = ui(phone)
    assert screen.find(rid="row_pending_media_sub_status_textview").text == "Posting to acct…"
    clock.t += 0.45
    assert ui(phone).has(text="Keep Instagram open to finish posting…")
    clock.t += 0.3
    screen = ui(phone)
    assert screen.find(rid="row_pending_media_status_textview").text == "Posted! Nicely done."
    assert screen.find(rid="row_pending_media_reshare_button").desc == "Send"
    [post] = phone.published("acct")
    assert (post.kind, post.caption, post.media_sha256) == ("feed", "hello 2025", [sha(data)])
    clock.t += 5
    assert not ui(phone).has(rid="row_pending_container")


def test_failed_video_row_retry_and_discard():
    phone = make(faults=FaultPlan.script([("upload_failure", "share")]))
    push_scan(phone, mp4(9), "/sdcard/DCIM/igfarm/v.mp4")
    phone.app_start(IG)
    tap(phone, rid="action_bar_buttons_container_left")  # the newest (the video) is selected
    tap(phone, rid="next_button_textview")
    tap(phone, rid="clips_right_action_button")
    tap(phone, rid="share_button")
    screen = wait_for(phone, text="Video can't be posted")
    assert screen.has(rid="row_pending_media_discard_button")
    assert not screen.has(rid="row_pending_media_reshare_button")
    assert phone.published() == []
    tap(phone, rid="row_pending_media_retry_button")
    wait_for(phone, text="Posted! Nicely done.")
    assert len(phone.published("acct")) == 1

    phone.set_faults(FaultPlan.script([("upload_failure", "share")]))
    tap(phone, rid="action_bar_buttons_container_left")
    pick_unselected(phone, "Photo")
    tap(phone, rid="next_button_textview")
    tap(phone, rid="next_button_textview")
    tap(phone, rid="share_button")
    wait_for(phone, text="Photo can't be posted")
    tap(phone, rid="row_pending_media_discard_button")
    wait_gone(phone, text="Photo can't be posted")
    assert len(phone.published("acct")) == 1


def test_reel_from_profile_create_sheet_shows_the_snackbar():
    clock = Clock()
    phone = make(clock=clock, speed=1.0)
    data = mp4(15)
    push_scan(phone, data, "/sdcard/DCIM/igfarm/r.mp4")
    phone.app_start(IG)
    tap(phone, rid="profile_tab")
    tap(phone, desc="Create New")
    screen = ui(phone)
    assert screen.has(rid="tab_bar") and screen.has(rid="bottom_sheet_container_view")
    assert screen.find(desc="Create new post").desc == "Create new post"
    tap(phone, desc="Create new reel")
    assert ui(phone).find(rid="gallery_title_text").text == "New reel"
    tap(phone, rid="gallery_grid_item_thumbnail")
    tap(phone, rid="clips_right_action_button")
    assert ui(phone).find(rid="caption_input_text_view").text == (
        "Write a caption and add hashtags…"
    )
    tap(phone, rid="share_button", desc="Share")
    screen = ui(phone)
    assert screen.find(rid="clips_tab").flag("selected")
    assert screen.find(rid="status_text").text == "Sharing to Reels…"
    assert not screen.has(rid="reel_upload_progress")
    clock.t += 1.0
    screen = ui(phone)
    assert screen.find(rid="status_text").text == (
        "Done posting. Want to send it directly to friends?"
    )
    assert screen.find(rid="upload_snackbar_button").text == "Send"
    [post] = phone.published("acct")
    assert (post.kind, post.media_sha256) == ("reel", [sha(data)])
    clock.t += 5
    assert not ui(phone).has(rid="igds_upload_snackbar")


def test_save_draft_sheet_start_over_and_keep_editing():
    phone = make()
    push_scan(phone, mp4(5), "/sdcard/DCIM/igfarm/r.mp4")
    phone.app_start(IG)
    tap(phone, rid="profile_tab")
    tap(phone, desc="Create New")
    tap(phone, desc="Create new reel")
    tap(phone, rid="gallery_grid_item_thumbnail")
    tap(phone, rid="cancel_button")
    assert ui(phone).has(text="Save draft?")
    tap(phone, text="Keep editing")
    assert ui(phone).has(rid="clips_right_action_button")
    phone.press_key("back")
    tap(phone, text="Start over")
    assert ui(phone).has(rid="gallery_recycler_view")


def test_story_shares_from_the_share_bar():
    phone = make()
    data = jpeg((10, 200, 10))
    push_scan(phone, data, "/sdcard/DCIM/igfarm/s.jpg")
    phone.app_start(IG)
    tap(phone, rid="profile_tab")
    tap(phone, desc="Create New")
    tap(phone, desc="Create new story")
    assert ui(phone).find(rid="gallery_title_text").text == "Add to story"
    pick_unselected(phone, "Photo")
    screen = ui(phone)
    assert screen.has(rid="story_share_controls_action_bar")
    assert not screen.has(rid="your_story_share_shortcut_button")
    tap(phone, desc="Your story")
    wait_for(phone, rid="feed_tab")
    import time

    deadline = time.monotonic() + 3
    while not phone.published() and time.monotonic() < deadline:
        time.sleep(0.02)
    [post] = phone.published("acct")
    assert (post.kind, post.audience, post.media_sha256) == ("story", "your_story", [sha(data)])


def test_carousel_with_select_multiple():
    phone = make()
    for i in range(3):
        push_scan(phone, jpeg((i * 60, 10, 10)), f"/sdcard/DCIM/igfarm/c{i}.jpg")
    phone.app_start(IG)
    tap(phone, rid="action_bar_buttons_container_left")
    tap(phone, rid="multi_select_slide_button_alt")
    thumbs = [n for n in ui(phone).find_all(rid="gallery_grid_item_thumbnail")]
    for node in thumbs[1:3]:
        phone.tap(*node.center)
    tap(phone, rid="next_button_textview")
    tap(phone, rid="next_button_textview")
    tap(phone, rid="share_button")
    wait_for(phone, text="Posted! Nicely done.")
    [post] = phone.published("acct")
    assert (post.kind, post.item_count) == ("carousel", 3)


def test_bloks_login_form_without_ids():
    phone = make(accounts=[SimAccount("newbie", password="s3cret", logged_in=False)])
    phone.app_start(IG)
    screen = ui(phone)
    assert not [n for n in screen.nodes if n.rid.startswith("com.instagram.android:id/")]
    tap(phone, desc="Username, email or mobile number,")
    phone.type_text("newbie")
    tap(phone, desc="Password,")
    phone.type_text("s3cret")
    assert ui(phone).find(desc="Password,").flag("password")
    tap(phone, desc="Log in")
    tap(phone, text="Not now")
    assert ui(phone).has(rid="feed_tab")


def test_profile_header_and_switcher():
    phone = make(accounts=[SimAccount("acct", posts=4), SimAccount("other")])
    phone.app_start(IG)
    tap(phone, rid="profile_tab")
    screen = ui(phone)
    assert screen.find(rid="action_bar_title").text == "acct"
    assert screen.find(rid="profile_header_familiar_post_count_value").text == "4"
    assert not screen.has(rid="row_profile_header_textview_post_count")
    tap(phone, rid="action_bar_username_container")
    tap(phone, rid="row_user_textview", text="other")
    assert ui(phone).find(rid="action_bar_title").text == "other"


def test_block_at_share_publishes_nothing():
    phone = make(faults=FaultPlan.script([("account_suspended", "share")]))
    push_scan(phone, jpeg(), "/sdcard/DCIM/igfarm/a.jpg")
    phone.app_start(IG)
    tap(phone, rid="action_bar_buttons_container_left")
    pick_unselected(phone)
    tap(phone, rid="next_button_textview")
    tap(phone, rid="next_button_textview")
    tap(phone, rid="share_button")
    assert ui(phone).has(text="We suspended your account, Jordan")
    assert phone.published() == []


def test_legacy_layout_by_parameter_and_by_server_config():
    phone = make(layout="legacy")
    phone.app_start(IG)
    assert ui(phone).has(rid="creation_tab")
    phones = build_phones(ServeConfig(phones=1, layout="legacy"))
    [served] = phones.values()
    served.app_start(IG)
    assert ui(served).has(rid="creation_tab")
