"""The own story viewer: items oldest first, their age and type, taps, and moving on by itself."""

from __future__ import annotations

import re

from emulator.accounts import SimAccount
from emulator.phone import SimPhone
from tests.emulator.conftest import mp4, push_scan
from tests.emulator.test_time_and_threads import FakeClock
from tests.emulator.xmlui import UI, tap, ui

INSTAGRAM = "com.instagram.android"


def viewer_item(phone) -> tuple[str, str, str] | None:
    """(title, timestamp, media content-desc) of the item on screen, None off the viewer."""
    screen = ui(phone)
    if not screen.has(rid="reel_viewer_root"):
        return None
    title = screen.find(rid="reel_viewer_title")
    stamp = screen.find(rid="reel_viewer_timestamp")
    media = screen.find(rid="reel_viewer_media_container")
    assert title and stamp and media
    return title.text, stamp.text, media.desc


def open_own_story(phone) -> UI:
    tap(phone, rid="profile_tab")
    profile = ui(phone)
    assert profile.has(rid="reel_ring")
    return tap(phone, rid="row_profile_header_imageview")


def test_own_story_opens_oldest_first_and_taps_move_through_it():
    clock = FakeClock()
    phone = SimPhone(
        "sim-story", layout="legacy", clock=clock, accounts=[SimAccount("acct", stories=2)]
    )
    phone.app_start(INSTAGRAM)
    open_own_story(phone)
    assert viewer_item(phone) == ("acct", "3h", "Story by acct, 3h ago, photo")
    screen = ui(phone)
    assert screen.has(rid="reel_viewer_image_view") and screen.has(rid="reel_viewer_progress_bar")
    assert screen.find(rid="reel_viewer_header").desc == "acct's story, 3h ago"
    phone.tap(900, 1200)  # right: next
    assert viewer_item(phone) == ("acct", "1h", "Story by acct, 1h ago, photo")
    phone.tap(100, 1200)  # left third: previous
    assert viewer_item(phone)[1] == "3h"
    phone.tap(900, 1200)
    phone.tap(900, 1200)  # past the last item: closed
    assert viewer_item(phone) is None
    assert phone.current_screen() == "profile"


def test_the_viewer_moves_on_by_itself_and_back_closes_it():
    clock = FakeClock()
    phone = SimPhone(
        "sim-story", layout="legacy", clock=clock, accounts=[SimAccount("acct", stories=2)]
    )
    phone.app_start(INSTAGRAM)
    open_own_story(phone)
    clock.t += 4.9
    assert viewer_item(phone)[1] == "3h"
    clock.t += 0.2  # a photo stays 5 s
    assert viewer_item(phone)[1] == "1h"
    clock.t += 5.0
    assert viewer_item(phone) is None and phone.current_screen() == "profile"
    open_own_story(phone)
    phone.press_key("back")
    assert phone.current_screen() == "profile"


def test_a_new_video_story_is_the_newest_item_and_stays_its_length():
    clock = FakeClock()
    phone = SimPhone(
        "sim-story",
        layout="legacy",
        clock=clock,
        locale="es",
        accounts=[SimAccount("acct", stories=1)],
    )
    push_scan(phone, mp4(12), "/sdcard/DCIM/igfarm/s.mp4")
    phone.app_start(INSTAGRAM)
    tap(phone, rid="creation_tab")
    tap(phone, rid="cam_dest_story")
    tap(phone, rid="gallery_preview_button")
    tap(phone, rid="gallery_grid_item_thumbnail")
    tap(phone, rid="your_story_share_shortcut_button")
    clock.t += 1.0  # the upload
    home = ui(phone)
    assert home.has(rid="reel_ring")
    tap(phone, desc="Tu historia")  # the tray's own avatar opens the story too
    assert viewer_item(phone) == ("acct", "1 h", "Historia de acct, hace 1 h, foto")
    phone.tap(900, 1200)
    title, stamp, desc = viewer_item(phone)  # ages follow the wall clock: seconds old
    assert title == "acct" and re.fullmatch(r"\d+ s", stamp)
    assert desc == f"Historia de acct, hace {stamp}, vídeo"
    assert ui(phone).has(rid="viewer_texture_view")
    clock.t += 11.9
    assert viewer_item(phone) is not None
    clock.t += 0.2  # a 12 s video: then the viewer closes
    assert viewer_item(phone) is None and phone.current_screen() == "home"


def test_stories_older_than_a_day_are_gone_and_no_story_means_the_camera():
    phone = SimPhone("sim-story", layout="legacy", accounts=[SimAccount("acct", stories=13)])
    phone.app_start(INSTAGRAM)
    open_own_story(phone)
    assert viewer_item(phone)[1] == "23h"  # the 25 h old one expired
    fresh = SimPhone("sim-story-2", layout="legacy", accounts=[SimAccount("acct")])
    fresh.app_start(INSTAGRAM)
    assert not ui(fresh).has(rid="reel_ring")
    tap(fresh, desc="Your story")
    assert fresh.current_screen() == "story_camera"
