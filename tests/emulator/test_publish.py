"""Publishing through the simulated app, driven only through its XML like a flow would."""

from __future__ import annotations

from tests.emulator.conftest import jpeg, mp4, push_scan, sha
from tests.emulator.xmlui import tap, ui, wait_for, wait_gone

INSTAGRAM = "com.instagram.android"


def publish_feed_image(phone, caption: str) -> None:
    phone.app_start(INSTAGRAM)
    tap(phone, rid="creation_tab")
    screen = ui(phone)
    assert screen.find(rid="cam_dest_feed").flag("selected")
    tap(phone, rid="next_button_textview")  # newest is pre-selected
    wait_for(phone, rid="creation_secondary_actions")
    tap(phone, rid="next_button_textview")
    tap(phone, rid="caption_input_text_view")
    assert ui(phone).find(rid="caption_input_text_view").flag("focused")
    phone.type_text(caption)
    tap(phone, rid="share_footer_button")


def test_feed_image_publishes_once_and_shows_on_profile(phone):
    data = jpeg()
    push_scan(phone, data, "/sdcard/DCIM/igfarm/job-1-1.jpg")
    before = len(phone.app.accounts["brand_one"].profile)
    publish_feed_image(phone, "Hello from the farm #m-abc123")

    screen = ui(phone)
    row = screen.find(rid="row_pending_container")
    assert row is not None
    assert screen.has(text="Posting…") or screen.has(text="Finishing up")
    assert phone.published("brand_one") == []  # not yet: the upload takes time

    wait_gone(phone, rid="row_pending_container")
    posts = phone.published("brand_one")
    assert len(posts) == 1
    post = posts[0]
    assert post.kind == "feed"
    assert post.caption == "Hello from the farm #m-abc123"
    assert post.media_sha256 == [sha(data)]
    assert post.media_types == ["image"]
    assert post.item_count == 1

    tap(phone, rid="profile_tab")
    screen = ui(phone)
    assert screen.find(rid="row_profile_header_textview_post_count").text == str(before + 1)
    first = screen.find_all(rid="image_button")[0]
    assert "#m-abc123" in first.desc
    phone.tap(*first.center)
    screen = ui(phone)
    caption = screen.find(rid="row_feed_comment_textview_layout")
    assert caption.text == "brand_one Hello from the farm #m-abc123"
    assert not screen.has(rid="carousel_index_indicator_text_view")


def test_share_tapped_twice_publishes_once(phone):
    push_scan(phone, jpeg(), "/sdcard/DCIM/igfarm/a.jpg")
    phone.app_start(INSTAGRAM)
    tap(phone, rid="creation_tab")
    tap(phone, rid="next_button_textview")
    tap(phone, rid="next_button_textview")
    screen = ui(phone)
    share = screen.find(rid="share_footer_button")
    phone.tap(*share.center)
    phone.tap(*share.center)  # lands on the home feed's tab bar now, not on Share
    phone.press_key("back")
    wait_for(phone, rid="row_pending_container")
    wait_gone(phone, rid="row_pending_container")
    assert len(phone.published("brand_one")) == 1


def test_publishing_twice_records_two_posts(phone):
    push_scan(phone, jpeg(), "/sdcard/DCIM/igfarm/a.jpg")
    for _ in range(2):
        publish_feed_image(phone, "same caption")
        wait_gone(phone, rid="row_pending_container")
    assert [p.caption for p in phone.published("brand_one")] == ["same caption"] * 2


def test_feed_video_goes_through_video_edit(phone):
    data = mp4(20)
    push_scan(phone, data, "/sdcard/DCIM/igfarm/v.mp4")
    phone.app_start(INSTAGRAM)
    tap(phone, rid="creation_tab")
    thumb = ui(phone).find_all(rid="gallery_grid_item_thumbnail")[0]
    assert "Video" in thumb.desc
    assert ui(phone).find(rid="gallery_grid_item_duration").text == "0:20"
    tap(phone, rid="next_button_textview")
    screen = tap(phone, rid="clips_right_action_button")
    assert screen.find(rid="clips_right_action_button").desc == "Next"
    tap(phone, rid="caption_input_text_view")
    phone.type_text("video post")
    tap(phone, rid="share_footer_button")
    wait_gone(phone, rid="row_pending_container")
    [post] = phone.published("brand_one")
    assert (post.kind, post.media_types, post.media_sha256) == ("feed", ["video"], [sha(data)])


def test_carousel_select_deselect_and_order(phone):
    files = [jpeg((i * 40, 10, 10)) for i in range(4)]
    for i, data in enumerate(files):
        push_scan(phone, data, f"/sdcard/DCIM/igfarm/c-{i}.jpg")
    phone.app_start(INSTAGRAM)
    tap(phone, rid="creation_tab")
    screen = ui(phone)
    thumbs = screen.find_all(rid="gallery_grid_item_thumbnail")
    assert thumbs[0].flag("selected")  # newest pre-selected
    tap(phone, rid="multi_select_slide_button_alt", desc="Select multiple")
    screen = ui(phone)
    assert screen.find(rid="multi_select_slide_button_alt").flag("selected")
    thumbs = screen.find_all(rid="gallery_grid_item_thumbnail")
    assert thumbs[0].desc.startswith("Selected media number 1")
    assert thumbs[1].desc.startswith("Unselected photo thumbnail created on")

    # Deselect the newest, then pick the four in push order (oldest first).
    phone.tap(*thumbs[0].center)
    screen = ui(phone)
    assert screen.find_all(rid="gallery_grid_item_thumbnail")[0].desc.startswith("Unselected")
    for index in (3, 2, 1, 0):
        phone.tap(*ui(phone).find_all(rid="gallery_grid_item_thumbnail")[index].center)
    thumbs = ui(phone).find_all(rid="gallery_grid_item_thumbnail")
    assert [t.desc.split(",")[0] for t in thumbs[:4]] == [
        "Selected media number 4",
        "Selected media number 3",
        "Selected media number 2",
        "Selected media number 1",
    ]
    # Re-tapping a selected item deselects it; tap it again to restore the order's end.
    phone.tap(*thumbs[0].center)
    assert ui(phone).find_all(rid="gallery_grid_item_thumbnail")[0].desc.startswith("Unselected")
    phone.tap(*thumbs[0].center)

    tap(phone, rid="next_button_textview")
    tap(phone, rid="next_button_textview")
    tap(phone, rid="caption_input_text_view")
    phone.type_text("four in a row")
    tap(phone, rid="share_footer_button")
    wait_gone(phone, rid="row_pending_container")
    [post] = phone.published("brand_one")
    assert post.kind == "carousel"
    assert post.item_count == 4
    assert post.media_sha256 == [sha(d) for d in files]

    tap(phone, rid="profile_tab")
    tap(phone, rid="image_button")
    assert ui(phone).find(rid="carousel_index_indicator_text_view").text == "1/4"


def test_carousel_caps_at_ten(phone):
    for i in range(12):
        push_scan(phone, jpeg((i * 20, 0, 0)), f"/sdcard/DCIM/igfarm/m-{i}.jpg")
    phone.app_start(INSTAGRAM)
    tap(phone, rid="creation_tab")
    tap(phone, rid="multi_select_slide_button_alt")
    for i in range(1, 12):
        thumbs = ui(phone).find_all(rid="gallery_grid_item_thumbnail")
        if i < len(thumbs):
            phone.tap(*thumbs[i].center)
    # Scroll to reach the rest of the grid.
    phone.swipe(540, 2100, 540, 1500)
    for thumb in ui(phone).find_all(rid="gallery_grid_item_thumbnail", desc_prefix="Unselected"):
        phone.tap(*thumb.center)
    selected = [
        t
        for t in ui(phone).find_all(rid="gallery_grid_item_thumbnail")
        if t.desc.startswith("Selected")
    ]
    assert max(int(t.desc.split(",")[0].split()[-1]) for t in selected) == 10


def test_story_shares_to_your_story(phone):
    data = jpeg((0, 0, 200), (1080, 1920))
    push_scan(phone, data, "/sdcard/DCIM/igfarm/s.jpg")
    phone.app_start(INSTAGRAM)
    tap(phone, rid="creation_tab")
    tap(phone, rid="cam_dest_story")
    tap(phone, rid="gallery_preview_button")
    tap(phone, rid="gallery_grid_item_thumbnail")
    screen = ui(phone)
    assert screen.find(rid="your_story_share_shortcut_button").desc == "Your story"
    assert screen.has(rid="close_friends_share_shortcut_button")
    tap(phone, rid="your_story_share_shortcut_button")
    wait_for(phone, rid="reel_ring")
    [post] = phone.published("brand_one")
    assert (post.kind, post.audience, post.media_sha256) == ("story", "your_story", [sha(data)])


def test_reel_publishes_with_reels_share_button(phone):
    data = mp4(30)
    push_scan(phone, data, "/sdcard/DCIM/igfarm/r.mp4")
    phone.app_start(INSTAGRAM)
    tap(phone, rid="creation_tab")
    tap(phone, rid="cam_dest_clips")
    assert ui(phone).has(text="New reel")
    tap(phone, rid="gallery_grid_item_thumbnail")
    tap(phone, rid="clips_right_action_button")
    tap(phone, rid="caption_input_text_view")
    phone.type_text("reel time")
    screen = ui(phone)
    assert screen.find(rid="share_footer_button").desc == "Share to Instagram Reels"
    tap(phone, rid="share_footer_button")
    wait_gone(phone, rid="row_pending_container")
    [post] = phone.published("brand_one")
    assert (post.kind, post.caption, post.media_sha256) == ("reel", "reel time", [sha(data)])
