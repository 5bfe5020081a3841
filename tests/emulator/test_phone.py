"""The simulated phone as a device: XML, hit-testing, gallery, shell, keys, locales, accounts."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from emulator.accounts import SimAccount
from emulator.phone import SimPhone
from flows.driver import Driver
from tests.emulator.conftest import SCAN, jpeg, mp4, push_scan, sha
from tests.emulator.xmlui import ATTRS, UI, tap, ui, wait_gone

INSTAGRAM = "com.instagram.android"
LAUNCHER = "com.google.android.apps.nexuslauncher"


def test_implements_driver_protocol(phone):
    assert isinstance(phone, Driver)
    assert phone.serial == "sim-test"


def _screens(phone):
    """Walk through many screens, yielding each dump."""
    push_scan(phone, jpeg(), "/sdcard/DCIM/igfarm/x.jpg")
    yield phone.dump_hierarchy()  # launcher
    phone.app_start(INSTAGRAM)
    yield phone.dump_hierarchy()
    tap(phone, rid="creation_tab")
    yield phone.dump_hierarchy()
    tap(phone, rid="next_button_textview")
    yield phone.dump_hierarchy()
    tap(phone, rid="next_button_textview")
    tap(phone, rid="caption_input_text_view")
    phone.type_text('quotes " & <tags> and\nnewlines ünicode ✨')
    yield phone.dump_hierarchy()
    tap(phone, rid="share_footer_button")
    yield phone.dump_hierarchy()
    tap(phone, rid="profile_tab")
    yield phone.dump_hierarchy()
    tap(phone, rid="action_bar_large_title")
    yield phone.dump_hierarchy()


def test_xml_is_well_formed_with_full_attribute_set(phone):
    count = 0
    for xml in _screens(phone):
        assert xml.startswith("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>")
        screen = UI(xml)
        assert screen.root.tag == "hierarchy" and screen.root.get("rotation") == "0"
        for node in screen.nodes:
            assert list(node.attrs) == ATTRS, node.attrs
            x1, y1, x2, y2 = node.bounds
            assert 0 <= x1 <= x2 <= 1080 and 0 <= y1 <= y2 <= 2400
        count += 1
    assert count == 8
    caption = UI(phone.dump_hierarchy()).find_all(text="")  # sanity: still parses
    assert caption


def test_typed_text_round_trips_through_xml(phone):
    push_scan(phone, jpeg(), "/sdcard/DCIM/igfarm/x.jpg")
    phone.app_start(INSTAGRAM)
    tap(phone, rid="creation_tab")
    tap(phone, rid="next_button_textview")
    tap(phone, rid="next_button_textview")
    screen = ui(phone)
    assert screen.find(rid="caption_input_text_view").text == "Add a caption…"  # the hint
    tap(phone, rid="caption_input_text_view")
    text = 'a "quoted" caption & <b>\nsecond line ✨'
    phone.type_text(text)
    assert ui(phone).find(rid="caption_input_text_view").text == text


def test_launcher_when_instagram_not_running(phone):
    screen = ui(phone)
    assert screen.packages() == {LAUNCHER}
    assert "mCurrentFocus=Window{" in phone.shell("dumpsys window | grep mCurrentFocus")
    assert LAUNCHER in phone.shell("dumpsys window | grep mCurrentFocus")
    tap(phone, desc="Instagram")
    assert ui(phone).has(rid="feed_tab")


@pytest.mark.parametrize(
    "command",
    [
        "am start -n com.instagram.android/.activity.MainTabActivity",
        "monkey -p com.instagram.android 1",
    ],
)
def test_shell_launches_instagram(phone, command):
    phone.shell(command)
    assert ui(phone).has(rid="title_logo")
    focus = phone.shell("dumpsys window | grep mCurrentFocus")
    assert "com.instagram.android/" in focus


def test_tap_outside_clickables_does_nothing(phone):
    phone.app_start(INSTAGRAM)
    before = phone.dump_hierarchy()
    phone.tap(540, 160)  # the logo: not clickable
    phone.tap(5, 2380)  # navigation bar area
    phone.tap(-10, 5000)
    assert phone.dump_hierarchy() == before


def test_dialog_is_modal(phone):
    from emulator.faults import FaultPlan

    phone.set_faults(FaultPlan.script([("popup_rate_limit", "home")]))
    phone.app_start(INSTAGRAM)
    screen = ui(phone)
    assert screen.has(text="Try Again Later")
    tab = screen.find(rid="creation_tab")
    phone.tap(*tab.center)  # under the dim background: nothing
    assert ui(phone).has(text="Try Again Later")
    tap(phone, text="OK")
    assert not ui(phone).has(text="Try Again Later")


def test_gallery_needs_media_scan_and_is_newest_first(phone):
    phone.app_start(INSTAGRAM)
    tap(phone, rid="creation_tab")
    preloaded = len(ui(phone).find_all(rid="gallery_grid_item_thumbnail"))
    phone.press_key("back")

    first, second = jpeg((1, 2, 3)), jpeg((200, 100, 0))
    phone.push_bytes(first, "/sdcard/DCIM/igfarm/1.jpg")
    phone.push_bytes(second, "/sdcard/DCIM/igfarm/2.jpg")
    tap(phone, rid="creation_tab")
    assert len(ui(phone).find_all(rid="gallery_grid_item_thumbnail")) == preloaded
    phone.press_key("back")

    phone.shell(SCAN.format(path="/sdcard/DCIM/igfarm/1.jpg"))
    phone.shell(SCAN.format(path="/storage/emulated/0/DCIM/igfarm/2.jpg"))
    tap(phone, rid="creation_tab")
    thumbs = ui(phone).find_all(rid="gallery_grid_item_thumbnail")
    assert len(thumbs) == preloaded + 2
    tap(phone, rid="next_button_textview")
    tap(phone, rid="next_button_textview")
    tap(phone, rid="share_footer_button")
    wait_gone(phone, rid="row_pending_container")
    assert phone.published()[0].media_sha256 == [sha(second)]  # newest = last pushed


def test_rm_removes_from_gallery(phone):
    push_scan(phone, jpeg(), "/sdcard/DCIM/igfarm/gone.jpg")
    assert "gone.jpg" in phone.shell("ls /sdcard/DCIM/igfarm")
    count = len(phone.media.items)
    assert phone.shell("rm -f /sdcard/DCIM/igfarm/gone.jpg") == ""
    assert len(phone.media.items) == count - 1
    assert "No such file" in phone.shell("ls /sdcard/DCIM/igfarm/gone.jpg")
    assert "No such file" in phone.shell("rm /sdcard/DCIM/igfarm/gone.jpg")


def test_media_type_by_content_not_name(phone):
    push_scan(phone, mp4(), "/sdcard/DCIM/igfarm/looks-like.jpg")
    phone.push_bytes(b"not media at all", "/sdcard/DCIM/igfarm/notes.jpg")
    phone.shell(SCAN.format(path="/sdcard/DCIM/igfarm/notes.jpg"))
    phone.app_start(INSTAGRAM)
    tap(phone, rid="creation_tab")
    thumbs = ui(phone).find_all(rid="gallery_grid_item_thumbnail")
    assert "Video thumbnail" in thumbs[0].desc
    assert all("notes" not in t.desc for t in thumbs)
    assert "looks-like.jpg" in phone.shell(
        "content query --uri content://media/external/file --projection _data"
    )


def test_push_file_from_disk(phone, tmp_path):
    local = tmp_path / "a.jpg"
    local.write_bytes(jpeg())
    phone.push_file(str(local), "/sdcard/DCIM/igfarm/a.jpg")
    assert phone.storage.get("/sdcard/DCIM/igfarm/a.jpg").sha256 == sha(local.read_bytes())


def test_shell_reports(phone):
    battery = phone.shell("dumpsys battery")
    assert "  level: 87\n" in battery and "  temperature: 285\n" in battery
    assert "  status: 2\n" in battery
    version = phone.shell("dumpsys package com.instagram.android | grep versionName")
    assert version.strip().startswith("versionName=")
    assert "mWakefulness=Awake" in phone.shell("dumpsys power")
    assert phone.shell("getprop ro.build.version.release").strip() == "14"
    df = phone.shell("df /sdcard").splitlines()
    assert df[0].startswith("Filesystem") and len(df[1].split()) == 6
    assert phone.shell("df -h /data").splitlines()[1].endswith("/data")
    assert phone.shell("xyz --help") == "/system/bin/sh: xyz: inaccessible or not found\n"
    assert "Physical size: 1080x2400" in phone.shell("wm size")
    assert phone.shell("pm list packages instagram") == "package:com.instagram.android\n"
    phone.shell("input keyevent KEYCODE_SLEEP")
    assert "mWakefulness=Asleep" in phone.shell("dumpsys power | grep mWakefulness")
    phone.shell("input keyevent 224")
    assert "mWakefulness=Awake" in phone.shell("dumpsys power | grep mWakefulness")


def test_home_key_and_resume(phone):
    push_scan(phone, jpeg(), "/sdcard/DCIM/igfarm/x.jpg")
    phone.app_start(INSTAGRAM)
    tap(phone, rid="creation_tab")
    phone.press_key("home")
    assert ui(phone).packages() == {LAUNCHER}
    phone.app_start(INSTAGRAM)
    assert ui(phone).has(rid="cam_dest_feed")  # back where it was
    phone.app_stop(INSTAGRAM)
    assert ui(phone).packages() == {LAUNCHER}
    phone.app_start(INSTAGRAM)
    assert ui(phone).has(rid="feed_tab")  # cold start: home


def test_back_from_home_leaves_the_app(phone):
    phone.app_start(INSTAGRAM)
    phone.press_key("back")
    assert ui(phone).packages() == {LAUNCHER}


def test_back_on_filters_asks_to_discard(phone):
    push_scan(phone, jpeg(), "/sdcard/DCIM/igfarm/x.jpg")
    phone.app_start(INSTAGRAM)
    tap(phone, rid="creation_tab")
    tap(phone, rid="next_button_textview")
    phone.press_key("back")
    screen = ui(phone)
    assert screen.has(text="Discard") and screen.has(text="Save draft")
    tap(phone, text="Discard")
    assert ui(phone).has(rid="cam_dest_feed")


def test_keyboard_shows_and_back_hides_it(phone):
    push_scan(phone, jpeg(), "/sdcard/DCIM/igfarm/x.jpg")
    phone.app_start(INSTAGRAM)
    tap(phone, rid="creation_tab")
    tap(phone, rid="next_button_textview")
    tap(phone, rid="next_button_textview")
    tap(phone, rid="caption_input_text_view")
    keyboard = "com.google.android.inputmethod.latin"
    assert keyboard in ui(phone).packages()
    phone.press_key("back")
    screen = ui(phone)
    assert keyboard not in screen.packages()
    assert screen.has(rid="caption_input_text_view")  # still on the composer


def test_spanish_locale():
    phone = SimPhone(
        "sim-es", layout="legacy", locale="es", speed=20, accounts=[SimAccount("marca")]
    )
    push_scan(phone, jpeg(), "/sdcard/DCIM/igfarm/x.jpg")
    phone.app_start(INSTAGRAM)
    screen = ui(phone)
    assert screen.find(rid="creation_tab").desc == "Crear"
    tap(phone, rid="creation_tab")
    screen = ui(phone)
    assert screen.find(rid="next_button_textview").text == "Siguiente"
    assert screen.find(rid="multi_select_slide_button_alt").desc == "Seleccionar varios"
    assert screen.find(rid="gallery_grid_item_thumbnail").desc.startswith(
        "Contenido seleccionado número 1"
    )
    tap(phone, rid="next_button_textview")
    tap(phone, rid="next_button_textview")
    assert ui(phone).find(rid="share_footer_button").text == "Compartir"
    tap(phone, rid="share_footer_button")
    assert ui(phone).has(text="Publicando…")
    wait_gone(phone, rid="row_pending_container")
    tap(phone, rid="profile_tab")
    assert ui(phone).has(text="publicaciones")


def test_screenshot_is_png(phone):
    phone.app_start(INSTAGRAM)
    png = phone.screenshot()
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (1080, 2400)


def test_account_switcher_and_publish_as_other_account(phone):
    push_scan(phone, jpeg(), "/sdcard/DCIM/igfarm/x.jpg")
    phone.app_start(INSTAGRAM)
    tap(phone, rid="profile_tab")
    assert ui(phone).find(rid="action_bar_large_title").text == "brand_one"
    tap(phone, rid="action_bar_large_title")
    rows = ui(phone).find_all(rid="row_user_textview")
    assert [r.text for r in rows] == ["brand_one", "brand_two"]
    tap(phone, rid="row_user_textview", text="brand_two")
    screen = ui(phone)
    assert screen.find(rid="action_bar_large_title").text == "brand_two"
    assert screen.find(rid="row_profile_header_textview_post_count").text == "3"
    tap(phone, rid="creation_tab")
    tap(phone, rid="next_button_textview")
    tap(phone, rid="next_button_textview")
    tap(phone, rid="share_footer_button")
    wait_gone(phone, rid="row_pending_container")
    assert len(phone.published("brand_two")) == 1
    assert phone.published("brand_one") == []


def test_login_screen_wrong_then_right_password():
    phone = SimPhone(
        "sim-login",
        layout="legacy",
        speed=20,
        accounts=[SimAccount("newbie", password="s3cret", logged_in=False)],
    )
    phone.app_start(INSTAGRAM)
    screen = ui(phone)
    assert screen.has(rid="login_username") and screen.has(rid="log_in_button")
    assert screen.find(rid="password").flag("password")
    tap(phone, rid="login_username")
    phone.type_text("newbie")
    tap(phone, rid="password")
    phone.type_text("wrong")
    tap(phone, rid="log_in_button")
    assert ui(phone).has(text="Incorrect Password")
    tap(phone, text="Try Again")
    tap(phone, rid="password")
    phone.type_text("")  # appends nothing
    screen = ui(phone)
    assert screen.find(rid="password").text == "•••••"
    phone.app_stop(INSTAGRAM)
    phone.app_start(INSTAGRAM)
    tap(phone, rid="login_username")
    phone.type_text("newbie")
    tap(phone, rid="password")
    phone.type_text("s3cret")
    phone.press_key("enter")
    tap(phone, text="Not now")
    assert ui(phone).has(rid="feed_tab")


def test_two_factor_and_challenge_accounts():
    phone = SimPhone(
        "sim-auth",
        layout="legacy",
        speed=20,
        accounts=[
            SimAccount("twofa", logged_in=False, two_factor=True),
            SimAccount("checked", challenge=True),
        ],
    )
    phone.app_start(INSTAGRAM)
    assert ui(phone).has(text="Confirm it's you")  # the logged-in account is checkpointed
    phone.app_stop(INSTAGRAM)
    phone.app.session.clear()
    phone.app.current = None
    phone.app_start(INSTAGRAM)
    tap(phone, rid="login_username")
    phone.type_text("twofa")
    tap(phone, rid="password")
    phone.type_text("password")
    tap(phone, rid="log_in_button")
    screen = ui(phone)
    assert screen.has(rid="two_factor_code_field")
    assert screen.has(text="Enter the code we sent to your number ending in 42")


def test_private_and_small_accounts():
    phone = SimPhone(
        "sim-p", layout="legacy", speed=20, accounts=[SimAccount("hidden", private=True, posts=2)]
    )
    phone.app_start(INSTAGRAM)
    tap(phone, rid="profile_tab")
    screen = ui(phone)
    assert screen.has(rid="private_profile_empty_state")
    assert screen.find(rid="row_profile_header_textview_post_count").text == "2"


def test_profile_grid_scrolls(phone):
    phone.app_start(INSTAGRAM)
    tap(phone, rid="profile_tab")
    before = {n.desc for n in ui(phone).find_all(rid="image_button")}
    phone.swipe(540, 2000, 540, 800)
    after = {n.desc for n in ui(phone).find_all(rid="image_button")}
    assert after - before  # new rows came into view
