"""The post-statistics flow: the count parser on strings from real dumps and the public record
of Instagram's texts (en + es, abbreviations), the counters read from real dumps of an opened
post, and the whole flow against the simulated phone (2025 and older layouts, en + es)."""

from __future__ import annotations

import pytest

from emulator.accounts import ProfilePost, SimAccount
from flows.counts import counts_in, parse_count
from flows.engine import Screen
from flows.hierarchy import parse
from flows.screens import classify
from flows.stats import caption_of, kind_of_cell, post_ref, read_counters, read_stats
from tests.flows.real_dumps import real_dump
from tests.flows.sim import POLL_S, new_phone


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3", 3),  # real dump: the Button beside the like button
        ("1,279", 1279),  # real dump: exact below 10,000 (en)
        ("110K", 110_000),  # real dump: abbreviated (en)
        ("1.234", 1234),  # es grouping
        ("1 234", 1234),  # fr grouping
        ("12.5K", 12_500),
        ("12,5 mil", 12_500),  # es
        ("1,2 mil", 1200),
        ("3M", 3_000_000),
        ("1,2 M", 1_200_000),
        ("2.6K views in the last 30 days.", 2600),  # real dump: the professional dashboard
        ("no number", None),
    ],
)
def test_parse_count(text: str, value: int | None) -> None:
    assert parse_count(text) == value


@pytest.mark.parametrize(
    ("text", "likes", "comments", "views"),
    [
        # real dumps: an opened post's media description, exact counts
        ("Reel by The Black And Red, 4 likes, 1 comment, December 9", 4, 1, None),
        (
            "Suggested Reel by Matchroom Boxing, 110,131 likes, 457 comments, November 4",
            110131,
            457,
            None,
        ),
        ("Photo 1 of 5 by Manychat, 625 likes, 508 comments", 625, 508, None),
        # older builds' likes line and comments link, the Reels tab's play count
        ("Liked by anna and 12 others", 13, None, None),
        ("1,234 likes", 1234, None, None),
        ("View all 56 comments", None, 56, None),
        ("Reel by preston. View Count 140.", None, None, 140),
        ("12.5K views", None, None, 12_500),
        # Spanish
        ("Les gusta a anna y 1.234 personas más", 1235, None, None),
        ("Ver los 56 comentarios", None, 56, None),
        (
            "Reel de x, 12.345 reproducciones, 1,2 mil Me gusta, 3 comentarios, hace 2 días",
            1200,
            3,
            12345,
        ),
    ],
)
def test_counts_in_sentences(
    text: str, likes: int | None, comments: int | None, views: int | None
) -> None:
    found = counts_in(text)
    assert (found.likes, found.comments, found.views) == (likes, comments, views)


def _screen(name: str) -> Screen:
    ui = parse(real_dump(name))
    return Screen(classify(ui), ui)


def test_real_opened_post_reads_its_own_counters_not_the_next_posts() -> None:
    # the opened post (a video: no description) has "3" likes and "1" comment beside its
    # buttons; the next post of the list says "4 likes, 1 comment" in its description
    screen = _screen("single_post_720w_1")
    assert screen.name == "post_view"
    counts = read_counters(screen)
    assert (counts.likes, counts.comments, counts.views) == (3, 1, None)


def test_real_feed_row_prefers_the_exact_description() -> None:
    counts = read_counters(_screen("home_feed_scrolled_720w_1"))
    assert (counts.likes, counts.comments) == (110_131, 457)  # the buttons say "110K"


def test_real_grid_cells_name_their_kind() -> None:
    screen = _screen("own_profile_720w_1")
    cells = screen.find_all("grid_item")
    assert cells and {kind_of_cell(c.content_desc) for c in cells} == {"reel"}
    assert kind_of_cell("Carrusel de x en la fila 1, columna 2") == "carousel"
    assert kind_of_cell("Photo by x at row 1, column 1") == "feed"


def _phone(locale: str, layout: str):  # type: ignore[no-untyped-def]
    phone = new_phone(locale, layout=layout, accounts=[SimAccount("brand_one", posts=6)])
    profile: list[ProfilePost] = phone.app.accounts["brand_one"].profile
    profile[0].likes, profile[0].comments = 12_500, 1_234  # abbreviated on the buttons
    profile[1].likes, profile[1].comments = 3_400_000, 0
    profile[2].kind, profile[2].media_types = "reel", ["video"]
    profile[2].likes, profile[2].comments, profile[2].views = 1, 1, 45_678
    return phone, profile


@pytest.mark.parametrize("locale", ["en", "es"])
@pytest.mark.parametrize("layout", ["2025", "legacy"])
def test_read_stats_on_the_simulated_phone(locale: str, layout: str) -> None:
    phone, profile = _phone(locale, layout)
    result = read_stats(phone, "brand_one", max_posts=4, poll_s=POLL_S)
    got = [(r.position, r.likes, r.comments) for r in result.readings]
    # 2025: the buttons abbreviate (12.5K / 12,5 mil; 3.4M / 3,4 M) and show no zero;
    # older builds: the exact likes line and "View all N comments"
    assert got[:2] == [(1, 12_500, 1_234), (2, 3_400_000, None)]
    reel = result.readings[2]
    assert reel.kind == "reel" and (reel.likes, reel.comments) == (1, 1)
    # the video's description states its plays (the older layout shows none)
    assert reel.views == (45_678 if layout == "2025" else None)
    assert got[3] == (4, profile[3].likes, profile[3].comments or None)
    assert [r.caption for r in result.readings] == [p.caption for p in profile[:4]]
    for n, (p, r) in enumerate(zip(profile, result.readings, strict=False), start=1):
        assert r.post_ref == post_ref(p.caption, n, r.date_label)
    # it only looks: nothing was published; each post costs a tap, a dump and a Back
    assert phone.published() == []
    assert result.stats.dumps <= 2 + 2 * 4 + 2


def test_read_stats_switches_to_the_account_first() -> None:
    phone = new_phone("en")
    result = read_stats(phone, "brand_two", max_posts=2, poll_s=POLL_S)
    expected = [(p.likes, p.comments or None) for p in phone.app.accounts["brand_two"].profile[:2]]
    assert [(r.likes, r.comments) for r in result.readings] == expected


@pytest.mark.parametrize("locale", ["en", "es"])
def test_read_stats_reads_who_saw_the_own_story(locale: str) -> None:
    phone = new_phone(locale, accounts=[SimAccount("brand_one", posts=3, stories=3)])
    stories = phone.app.accounts["brand_one"].stories
    stories[1].viewers = 12_345  # "Seen by 12,345" / "Visto por 12.345"
    result = read_stats(phone, "brand_one", max_posts=1, poll_s=POLL_S)
    story = [r for r in result.readings if r.kind == "story"]
    assert [r.views for r in story] == [s.viewers for s in stories]
    assert [r.age_s for r in story] == [5 * 3600, 3 * 3600, 3600]  # oldest first
    assert [r.likes for r in story] == [None, None, None]
    assert len({r.post_ref for r in story}) == 3
    assert result.readings[0].kind != "story"  # the posts come first


def test_read_stats_without_a_story_reads_posts_only() -> None:
    phone = new_phone("en", accounts=[SimAccount("brand_one", posts=3, stories=0)])
    result = read_stats(phone, "brand_one", max_posts=2, poll_s=POLL_S)
    assert [r.kind for r in result.readings] == ["feed", "feed"]


def test_a_bare_play_count_is_read_as_views() -> None:
    xml = (
        '<hierarchy><node package="com.instagram.android" class="android.widget.FrameLayout"'
        ' resource-id="com.instagram.android:id/action_bar_button_back" content-desc="Back"'
        ' bounds="[0,0][10,10]"/>'
        '<node package="com.instagram.android" class="android.widget.TextView"'
        ' resource-id="com.instagram.android:id/preview_clip_play_count" text="12.5K"'
        ' bounds="[0,20][10,30]"/></hierarchy>'
    )
    ui = parse(xml)
    assert read_counters(Screen(classify(ui), ui)).views == 12_500


def test_real_reel_player_caption_and_buttons() -> None:
    # a reel opened from the grid may play in the clips viewer: its caption is a desc
    screen = _screen("reels_tab_720w_1")
    assert screen.name == "reels_tab"
    caption, _ = caption_of(screen, "empirestrongofmind")
    assert caption == "Communication happens whether you're aware of it or no"
    assert screen.find("like_button") is not None and screen.find("comment_button") is not None
