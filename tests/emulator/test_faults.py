"""Each fault kind has the effect docs/emulator.md documents, checked through the XML.

The checks of the older kinds drive the pre-2025 app (`layout="legacy"`: Create tab, footer
Share) where their effect was specified; the 2025-26 kinds (blocks, Reels promo, Rate
Instagram, share-to-story) run on the default layout. tests/emulator/test_layout_2025.py
covers the default layout's publishing and upload outcomes."""

from __future__ import annotations

import pytest

from emulator.accounts import SimAccount
from emulator.faults import BLOCKS, FAULT_NAMES, FAULTS, FaultPlan
from emulator.phone import SimPhone
from tests.emulator.conftest import jpeg, mp4, push_scan, sha
from tests.emulator.xmlui import tap, ui, wait_for, wait_gone

INSTAGRAM = "com.instagram.android"
PERMISSION = "com.android.permissioncontroller"


def make(*script, accounts=None, layout="legacy") -> SimPhone:
    phone = SimPhone(
        "sim-f",
        seed=3,
        speed=20.0,
        accounts=accounts or [SimAccount("acct", full_name="Jordan Lee")],
        faults=FaultPlan.script(list(script)),
        layout=layout,
    )
    push_scan(phone, jpeg(), "/sdcard/DCIM/igfarm/job.jpg")
    return phone


def to_composer(phone) -> None:
    phone.app_start(INSTAGRAM)
    tap(phone, rid="creation_tab")
    tap(phone, rid="next_button_textview")
    tap(phone, rid="next_button_textview")
    tap(phone, rid="caption_input_text_view")
    phone.type_text("job caption")
    phone.press_key("back")  # hide the keyboard


def share(phone) -> None:
    tap(phone, rid="share_footer_button")


def settle_uploads(phone) -> None:
    wait_for(phone, rid="title_logo")
    deadline_ui = ui(phone)
    if deadline_ui.has(text="Posting…") or deadline_ui.has(text="Finishing up"):
        wait_gone(phone, text="Posting…")
        wait_gone(phone, text="Finishing up")


# ------------------------------------------------------------------ popups
def check_popup_notifications(phone) -> None:
    phone.app_start(INSTAGRAM)
    screen = ui(phone)
    assert screen.find(rid="igds_headline_headline").text == "Turn on notifications"
    tap(phone, text="Not now")
    assert not ui(phone).has(rid="igds_headline_headline")


def check_popup_save_login(phone) -> None:
    phone.app_start(INSTAGRAM)
    assert ui(phone).has(text="Save your login info?")
    tap(phone, rid="auxiliary_button", text="Not now")
    assert ui(phone).has(rid="creation_tab")


def check_popup_rate_limit(phone) -> None:
    phone.app_start(INSTAGRAM)
    screen = ui(phone)
    assert screen.has(text="Try Again Later")
    assert screen.has(text="Please wait a few minutes before you try again.")
    tap(phone, text="OK")
    to_composer(phone)
    share(phone)
    settle_uploads(phone)
    assert len(phone.published("acct")) == 1


def check_popup_app_update(phone) -> None:
    phone.app_start(INSTAGRAM)
    assert ui(phone).has(text="Update Instagram")
    tap(phone, text="Update")
    assert "com.android.vending/" in phone.shell("dumpsys window | grep mCurrentFocus")
    phone.press_key("back")
    assert ui(phone).has(rid="feed_tab")


def check_popup_promo(phone) -> None:
    phone.app_start(INSTAGRAM)
    screen = ui(phone)
    assert screen.has(rid="igds_headline_body") and screen.has(rid="bb_primary_action_container")
    tap(phone, rid="bb_primary_action", text="Got it")
    assert not ui(phone).has(rid="bb_primary_action")


def check_permission_dialog(phone) -> None:
    phone.app_start(INSTAGRAM)
    tap(phone, rid="creation_tab")
    screen = ui(phone)
    assert PERMISSION in screen.packages()
    assert not screen.has(rid="gallery_grid_item_thumbnail")
    assert PERMISSION in phone.shell("dumpsys window | grep mCurrentFocus")
    tap(phone, rid="com.android.permissioncontroller:id/permission_allow_all_button")
    screen = ui(phone)
    assert PERMISSION not in screen.packages()
    assert screen.has(rid="gallery_grid_item_thumbnail")


def check_slow_screen(phone) -> None:
    phone.set_faults(FaultPlan.script([("slow_screen", "home", {"ms": 2000})]))
    phone.app_start(INSTAGRAM)
    screen = ui(phone)
    assert screen.has(rid="loading_spinner") and not screen.has(rid="creation_tab")
    wait_for(phone, rid="creation_tab", timeout=3)


def check_app_crash(phone) -> None:
    phone.app_start(INSTAGRAM)
    tap(phone, rid="creation_tab")
    tap(phone, rid="next_button_textview")
    tap(phone, rid="next_button_textview")  # composer: crash
    screen = ui(phone)
    assert screen.find(rid="android:id/alertTitle").text == "Instagram keeps stopping"
    assert "com.google.android.apps.nexuslauncher" in screen.packages()
    focus = phone.shell("dumpsys window | grep mCurrentFocus")
    assert "Application Error: com.instagram.android" in focus
    tap(phone, rid="android:id/aerr_close")
    assert ui(phone).packages() == {"com.google.android.apps.nexuslauncher"}
    assert phone.published() == []
    phone.app_start(INSTAGRAM)
    assert ui(phone).has(rid="feed_tab")


def check_app_not_responding(phone) -> None:
    phone.app_start(INSTAGRAM)
    tap(phone, rid="creation_tab")
    screen = ui(phone)
    assert screen.find(rid="android:id/alertTitle").text == "Instagram isn't responding"
    tap(phone, rid="android:id/aerr_wait")
    assert ui(phone).has(rid="cam_dest_feed")


def check_challenge(phone) -> None:
    phone.app_start(INSTAGRAM)
    screen = ui(phone)
    assert screen.has(text="Confirm it's you") and not screen.has(rid="creation_tab")
    phone.app_stop(INSTAGRAM)
    phone.app_start(INSTAGRAM)
    assert ui(phone).has(text="Confirm it's you")  # sticks to the account


def _login(phone, username="acct", password="password") -> None:
    phone.app.session.clear()
    phone.app.current = None
    phone.app_start(INSTAGRAM)
    tap(phone, rid="login_username")
    phone.type_text(username)
    tap(phone, rid="password")
    phone.type_text(password)
    tap(phone, rid="log_in_button")


def check_two_factor(phone) -> None:
    _login(phone)
    assert ui(phone).has(rid="two_factor_code_field")
    tap(phone, rid="two_factor_code_field")
    phone.type_text("123456")
    tap(phone, rid="two_factor_confirm_button")
    assert ui(phone).has(text="Save your login info?")


def check_wrong_password(phone) -> None:
    _login(phone)
    assert ui(phone).has(text="Incorrect Password")


def check_logged_out(phone) -> None:
    phone.app_start(INSTAGRAM)
    screen = ui(phone)
    assert screen.has(rid="login_username") and screen.has(rid="log_in_button")


def check_action_blocked(phone) -> None:
    to_composer(phone)
    share(phone)
    screen = ui(phone)
    assert screen.has(text="Try Again Later")
    assert any("We restrict certain activity" in n.text for n in screen.nodes)
    tap(phone, text="OK")
    assert ui(phone).has(rid="share_footer_button")  # still on the composer
    import time

    time.sleep(0.2)
    assert phone.published() == []


def check_upload_failure(phone) -> None:
    to_composer(phone)
    share(phone)
    screen = wait_for(phone, rid="row_pending_media_reshare_button")
    assert screen.find(rid="row_pending_container") is not None
    assert phone.published() == []
    tap(phone, rid="row_pending_media_reshare_button")
    wait_gone(phone, rid="row_pending_container")
    assert len(phone.published("acct")) == 1


def test_fresh_install_asks_for_media_permission_once():
    phone = SimPhone("sim-perm", speed=20, media_permission="ask")
    push_scan(phone, jpeg(), "/sdcard/DCIM/igfarm/a.jpg")
    phone.app_start(INSTAGRAM)
    tap(phone, rid="action_bar_buttons_container_left")  # the id-less Create
    assert ui(phone).has(rid="com.android.permissioncontroller:id/permission_allow_all_button")
    tap(phone, rid="com.android.permissioncontroller:id/permission_allow_all_button")
    assert ui(phone).has(rid="gallery_grid_item_thumbnail")
    phone.press_key("back")
    tap(phone, rid="action_bar_buttons_container_left")  # the id-less Create
    assert PERMISSION not in ui(phone).packages()


def test_denied_permission_leaves_an_empty_gallery():
    phone = SimPhone("sim-deny", speed=20, media_permission="ask")
    phone.app_start(INSTAGRAM)
    tap(phone, rid="action_bar_buttons_container_left")  # the id-less Create
    tap(phone, rid="com.android.permissioncontroller:id/permission_deny_button")
    screen = ui(phone)
    assert not screen.has(rid="gallery_grid_item_thumbnail")
    assert screen.find(rid="next_button_textview").flag("enabled") is False
    tap(phone, text="Allow access")
    assert PERMISSION in ui(phone).packages()


def test_failed_row_can_be_discarded():
    phone = make("upload_failure")
    to_composer(phone)
    share(phone)
    wait_for(phone, rid="row_pending_media_reshare_button")
    tap(phone, rid="row_pending_media_options_button")
    tap(phone, text="Discard")
    assert not ui(phone).has(rid="row_pending_container")
    assert phone.published() == []


def check_connection_lost(phone) -> None:
    to_composer(phone)
    share(phone)
    screen = wait_for(phone, rid="row_pending_media_reshare_button")
    assert screen.has(rid="offline_banner")
    [post] = phone.published("acct")  # it went out anyway
    assert post.caption == "job caption"
    tap(phone, rid="profile_tab")
    assert "job caption" in ui(phone).find(rid="image_button").desc
    tap(phone, rid="feed_tab")
    tap(phone, rid="row_pending_media_reshare_button")  # the double-post trap
    wait_gone(phone, rid="row_pending_container")
    assert len(phone.published("acct")) == 2


def check_reel_draft_prompt(phone) -> None:
    data = mp4(12)
    push_scan(phone, data, "/sdcard/DCIM/igfarm/reel.mp4")
    phone.app_start(INSTAGRAM)
    tap(phone, rid="creation_tab")
    tap(phone, rid="cam_dest_clips")
    assert ui(phone).has(text="Keep editing your draft?")
    tap(phone, rid="auxiliary_button", text="Start new video")
    tap(phone, rid="gallery_grid_item_thumbnail")
    tap(phone, rid="clips_right_action_button")
    tap(phone, rid="share_footer_button")
    settle_uploads(phone)
    assert phone.published()[0].media_sha256 == [sha(data)]


def check_layout_alt_ids(phone) -> None:
    phone.app_start(INSTAGRAM)
    screen = ui(phone)
    assert screen.has(rid="tab_feed") and not screen.has(rid="feed_tab")
    tap(phone, rid="creation_tab")
    screen = ui(phone)
    assert screen.has(rid="media_picker_grid_view")
    tap(phone, rid="creation_next_button")
    tap(phone, rid="creation_next_button")
    screen = ui(phone)
    assert screen.has(rid="caption_text_view") and screen.has(rid="share_button")
    assert not screen.has(rid="share_footer_button")
    tap(phone, rid="share_button")
    settle_uploads(phone)
    assert len(phone.published()) == 1


def check_layout_create_top_left(phone) -> None:
    phone.app_start(INSTAGRAM)
    screen = ui(phone)
    assert not screen.has(rid="creation_tab")
    left = screen.find(rid="action_bar_buttons_container_left")
    create = [n for n in screen.nodes if n.desc == "Create" and n.flag("clickable")]
    assert left is not None and create
    phone.tap(*create[0].center)
    assert ui(phone).has(rid="cam_dest_feed")


def check_layout_share_overflow(phone) -> None:
    to_composer(phone)
    screen = ui(phone)
    assert not screen.has(rid="share_footer_button")
    tap(phone, desc="More options")
    tap(phone, text="Share")
    settle_uploads(phone)
    assert len(phone.published()) == 1


def check_layout_share_top(phone) -> None:
    to_composer(phone)
    screen = ui(phone)
    assert not screen.has(rid="share_footer_button")
    tap(phone, rid="next_button_textview", text="Share")
    settle_uploads(phone)
    assert len(phone.published()) == 1


def check_layout_caption_editor(phone) -> None:
    phone.app_start(INSTAGRAM)
    tap(phone, rid="creation_tab")
    tap(phone, rid="next_button_textview")
    tap(phone, rid="next_button_textview")
    tap(phone, rid="caption_input_text_view")
    screen = ui(phone)
    assert screen.find(rid="action_bar_button_text").text == "OK"
    phone.type_text("from the editor")
    tap(phone, rid="action_bar_button_text")
    assert ui(phone).find(rid="caption_input_text_view").text == "from the editor"
    share(phone)
    settle_uploads(phone)
    assert phone.published()[0].caption == "from the editor"


def check_layout_extra_edit_step(phone) -> None:
    phone.app_start(INSTAGRAM)
    tap(phone, rid="creation_tab")
    tap(phone, rid="next_button_textview")
    assert ui(phone).has(rid="crop_image_view") and not ui(phone).has(
        rid="creation_secondary_actions"
    )
    tap(phone, rid="next_button_textview")
    assert ui(phone).has(rid="creation_secondary_actions")
    tap(phone, rid="next_button_textview")
    assert ui(phone).has(rid="caption_input_text_view")


def check_keyboard_covers_footer(phone) -> None:
    phone.app_start(INSTAGRAM)
    tap(phone, rid="creation_tab")
    tap(phone, rid="next_button_textview")
    tap(phone, rid="next_button_textview")
    tap(phone, rid="caption_input_text_view")
    phone.type_text("covered")
    tap(phone, rid="share_footer_button")  # lands on the keyboard
    assert ui(phone).has(rid="caption_input_text_view")
    phone.press_key("back")
    share(phone)
    settle_uploads(phone)
    assert len(phone.published()) == 1


def check_locale_es(phone) -> None:
    phone.app_start(INSTAGRAM)
    assert ui(phone).find(rid="creation_tab").desc == "Crear"
    tap(phone, rid="creation_tab")
    assert ui(phone).find(rid="next_button_textview").text == "Siguiente"


# ------------------------------------------------------ 2025-26 kinds (default layout)
def check_popup_reels_promo(phone) -> None:
    phone.app_start(INSTAGRAM)
    tap(phone, rid="clips_tab")
    screen = ui(phone)
    assert screen.find(rid="igds_headline_emphasized_headline").text == (
        "Get more from your next reel"
    )
    assert screen.has(rid="promo_headline")
    tap(phone, rid="bb_primary_action_container", desc="Get started")
    assert phone.purchases_started() == [("acct", "meta_verified")]
    assert ui(phone).has(text="Meta Verified")
    phone.press_key("back")
    assert ui(phone).has(rid="clips_tab")


def check_popup_rate_app(phone) -> None:
    phone.app_start(INSTAGRAM)
    screen = ui(phone)
    assert screen.find(rid="appirater_title_area").text == "Rate Instagram"
    tap(phone, rid="appirater_cancel_button", text="No, thanks")
    assert not ui(phone).has(rid="appirater_title_area")
    assert ui(phone).has(rid="feed_tab")


def _check_block(phone, title: str, action: str) -> None:
    phone.app_start(INSTAGRAM)
    screen = ui(phone)
    assert screen.has(rid="bloks_container")
    assert screen.has(text=title) and screen.has(desc=action)
    assert not screen.has(rid="tab_bar")
    phone.press_key("back")
    phone.app_start(INSTAGRAM)  # it stays for this account
    assert ui(phone).has(text=title)


def check_checkpoint_id_upload(phone) -> None:
    _check_block(phone, "Upload your ID", "Upload a photo")


def check_checkpoint_captcha(phone) -> None:
    _check_block(phone, "Confirm you're human", "Next")


def check_checkpoint_video_selfie(phone) -> None:
    _check_block(phone, "Confirm you're a real person with a video selfie", "Start video selfie")


def check_account_disabled(phone) -> None:
    _check_block(phone, "We disabled your account", "Log out")
    tap(phone, desc="Log out")
    assert ui(phone).has(desc="Username, email or mobile number,")


def check_account_suspended(phone) -> None:
    _check_block(phone, "We suspended your account, Jordan", "Appeal")
    assert ui(phone).has(text="180 days left to appeal or we'll permanently disable your account")


def check_layout_share_to_story(phone) -> None:
    data = mp4(12)
    push_scan(phone, data, "/sdcard/DCIM/igfarm/reel.mp4")
    phone.app_start(INSTAGRAM)
    tap(phone, rid="profile_tab")
    tap(phone, desc="Create New")
    tap(phone, desc="Create new reel")
    tap(phone, rid="gallery_grid_item_thumbnail")
    tap(phone, rid="clips_right_action_button")
    phone.swipe(540, 1800, 540, 900, 0.3)
    screen = ui(phone)
    assert screen.has(text="Share to") and screen.has(rid="title", text="Your story")
    assert not screen.has(text="Also share on…")
    tap(phone, rid="share_button")
    wait_for(phone, text="Done posting. Want to send it directly to friends?")
    assert [p.kind for p in phone.published()] == ["reel"]  # the toggle is off


def check_layout_legacy(phone) -> None:
    phone.app_start(INSTAGRAM)
    screen = ui(phone)
    assert screen.has(rid="creation_tab") and not screen.has(rid="direct_tab")


CHECKS = {name: globals()[f"check_{name}"] for name in FAULT_NAMES}
DEFAULT_LAYOUT = {
    "popup_reels_promo",
    "popup_rate_app",
    *BLOCKS,
    "layout_share_to_story",
    "layout_legacy",
}


@pytest.mark.parametrize("name", FAULT_NAMES)
def test_fault_effect(name):
    kind = FAULTS[name]
    trigger = kind.default_trigger
    accounts = None
    if name in ("two_factor", "wrong_password"):
        accounts = [SimAccount("acct", logged_in=False)]
    layout = "2025" if name in DEFAULT_LAYOUT else "legacy"
    phone = make((name, trigger), accounts=accounts, layout=layout)
    CHECKS[name](phone)
    assert [f.name for f in phone.faults.fired][:1] == [name] or name == "slow_screen"


def test_crash_while_uploading_still_publishes():
    phone = make(("app_crash", "uploading"))
    to_composer(phone)
    share(phone)
    assert "android" in ui(phone).packages()  # crash dialog
    import time

    time.sleep(0.1)
    assert len(phone.published("acct")) == 1


def test_reel_draft_keep_editing_publishes_the_old_draft():
    phone = make("reel_draft_prompt")
    phone.app_start(INSTAGRAM)
    tap(phone, rid="creation_tab")
    tap(phone, rid="cam_dest_clips")
    tap(phone, rid="primary_button", text="Keep editing")
    tap(phone, rid="clips_right_action_button")
    tap(phone, rid="share_footer_button")
    settle_uploads(phone)
    assert phone.published()[0].media_sha256 == ["0" * 64]


def test_random_plan_is_deterministic():
    def run(seed):
        phone = SimPhone("sim-r", speed=20, faults=FaultPlan.random(seed, probability=0.5))
        phone.app_start(INSTAGRAM)
        for _ in range(8):
            tab = ui(phone).find(rid="creation_tab")
            if tab is not None:
                phone.tap(*tab.center)
            phone.press_key("back")
            phone.app_start(INSTAGRAM)
        return [(f.name, f.trigger) for f in phone.faults.fired]

    assert run(5) == run(5)
    assert run(5)


def test_script_rejects_unknown_names_and_triggers():
    with pytest.raises(ValueError):
        FaultPlan.script(["no_such_fault"])
    with pytest.raises(ValueError):
        FaultPlan.script([("action_blocked", "home")])
    with pytest.raises(ValueError):
        FaultPlan.script([("popup_promo", "nowhere")])
