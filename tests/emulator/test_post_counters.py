"""The simulated app's post counters: seeded per account and post, shown on an opened post the
way the real app shows them (2025-26: an abbreviated count beside the like and comment
buttons, exact counts in a video's media description; older builds: the likes line and
"View all N comments"), in English and Spanish."""

from __future__ import annotations

import pytest

from emulator.accounts import AccountState, SimAccount
from emulator.phone import SimPhone
from emulator.texts import Texts
from tests.emulator.xmlui import tap, ui

IG = "com.instagram.android"


@pytest.mark.parametrize(
    ("locale", "n", "shown"),
    [
        ("en", 999, "999"),
        ("en", 1_279, "1,279"),  # real dump: exact below 10,000
        ("en", 12_500, "12.5K"),
        ("en", 110_131, "110K"),  # real dump: "110K" for 110,131 likes
        ("en", 3_000_000, "3M"),
        ("es", 1_234, "1234"),
        ("es", 12_500, "12,5 mil"),
        ("es", 1_200_000, "1,2 M"),
    ],
)
def test_short_count(locale: str, n: int, shown: str) -> None:
    assert Texts(locale).short_count(n) == shown


def test_counters_are_seeded() -> None:
    one = AccountState.create(SimAccount("acct", posts=5), ["a", "b"])
    two = AccountState.create(SimAccount("acct", posts=5), ["a", "b"])
    other = AccountState.create(SimAccount("other", posts=5), ["a", "b"])
    counters = [(p.likes, p.comments, p.views) for p in one.profile]
    assert counters == [(p.likes, p.comments, p.views) for p in two.profile]
    assert counters != [(p.likes, p.comments, p.views) for p in other.profile]
    assert all(p.likes > 0 and p.views is None for p in one.profile)  # photos have no plays


def _open_first_post(locale: str, layout: str, **counters: object):  # type: ignore[no-untyped-def]
    phone = SimPhone(
        "sim-counters", seed=3, locale=locale, layout=layout, accounts=[SimAccount("acct", posts=3)]
    )
    post = phone.app.accounts["acct"].profile[0]
    for name, value in counters.items():
        setattr(post, name, value)
    phone.app_start(IG)
    tap(phone, rid="profile_tab")
    tap(phone, rid="image_button")  # the newest cell of the grid
    return ui(phone)


@pytest.mark.parametrize(
    ("locale", "likes", "comments"), [("en", "110K", "457"), ("es", "110 mil", "457")]
)
def test_2025_buttons_carry_abbreviated_counts(locale: str, likes: str, comments: str) -> None:
    screen = _open_first_post(locale, "2025", likes=110_131, comments=457)
    texts = [
        n.text for n in screen.nodes if n.text and not n.rid and n.attrs["class"].endswith("Button")
    ]
    assert texts[:2] == [likes, comments]
    assert screen.find(rid="row_feed_button_like") is not None


@pytest.mark.parametrize(
    ("locale", "desc"),
    [
        ("en", "Video by acct, 45,678 views, 1,234 likes, 1 comment,"),
        ("es", "Vídeo de acct, 45.678 reproducciones, 1234 Me gusta, 1 comentario,"),
    ],
)
def test_2025_video_description_states_exact_counts(locale: str, desc: str) -> None:
    screen = _open_first_post(
        locale, "2025", likes=1_234, comments=1, views=45_678, media_types=["video"]
    )
    node = screen.find(rid="row_feed_photo_imageview")
    assert node is not None and node.desc.startswith(desc)


@pytest.mark.parametrize(
    ("locale", "likes", "comments"),
    [
        ("en", "12,500 likes", "View all 56 comments"),
        ("es", "12.500 Me gusta", "Ver los 56 comentarios"),
    ],
)
def test_older_layout_likes_line_and_comments_link(locale: str, likes: str, comments: str) -> None:
    screen = _open_first_post(locale, "legacy", likes=12_500, comments=56)
    assert screen.find(rid="row_feed_textview_likes").text == likes
    assert screen.find(rid="row_feed_view_all_comments_text").text == comments


@pytest.mark.parametrize(("locale", "seen"), [("en", "Seen by 1,234"), ("es", "Visto por 1234")])
def test_own_story_viewer_says_who_saw_it(locale: str, seen: str) -> None:
    phone = SimPhone(
        "sim-story", seed=3, locale=locale, accounts=[SimAccount("acct", posts=3, stories=1)]
    )
    phone.app.accounts["acct"].stories[0].viewers = 1_234
    phone.app_start(IG)
    tap(phone, rid="profile_tab")
    tap(phone, rid="row_profile_header_imageview")
    screen = ui(phone)
    assert screen.find(rid="reel_viewer_root") is not None
    assert screen.find(text=seen) is not None
