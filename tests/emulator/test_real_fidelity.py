"""The simulated app against real dumps of the 2025-26 Instagram app (issue 8).

For each screen the simulator renders that has a real hierarchy dump in
`../shared/ig-real/dumps` (read at run time, never copied into the project):

(a) every resource-id, content-desc and text alternative of `flows.resources.ELEMENTS` that
    matches on all the real dumps of the screen also matches on the simulated screen, so a
    flow that recognises the real screen recognises the simulated one;
(b) the simulated screen carries no resource-id that neither a real dump nor IDS.md's
    real/bot-table columns show, except the few in `ALLOWED` (screens or parts of screens
    with no real dump), each with the real source that names it.

The comparison is built from ELEMENTS, so it follows the flows as they change.
"""

from __future__ import annotations

import dataclasses
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest

from emulator.accounts import SimAccount
from emulator.faults import FaultPlan
from emulator.phone import SimPhone
from flows.hierarchy import Hierarchy, parse
from flows.resources import ELEMENTS
from flows.selectors import Element, find
from tests.emulator.conftest import jpeg, mp4, push_scan
from tests.emulator.xmlui import tap, ui

REAL = Path(__file__).resolve().parents[2] / ".." / "shared" / "ig-real"
IG = "com.instagram.android"
CLONE = "com.instagram.androim"  # the Hydra dump's cloned package (see SOURCES.md)

if not REAL.is_dir():
    if os.environ.get("CI"):
        raise RuntimeError(f"real Instagram dumps missing at {REAL} (required when CI is set)")
    pytest.skip(f"real Instagram dumps not found at {REAL}", allow_module_level=True)

# ids the simulator draws where no real dump shows the screen (or that part of it), each
# with the public source that names it
ALLOWED = {
    # feed-post editor, no real dump: "ig-automation" screen signatures (2025-26)
    "feed_post_capture_controls_container",
    # feed-post editor's tool row: decompiled IG sources and public Appium tests (IDS.md)
    "creation_secondary_actions",
    # feed upload row's retry: decompiled IG sources (IDS.md, upload row)
    "row_pending_media_retry_button",
    # reel viewer video in the story viewer: decompiled IG sources (IDS.md, verify)
    "reel_viewer_texture_view",
    # account switcher rows: GramAddict resources.py (IDS.md, profile)
    "row_user_textview",
}


# ------------------------------------------------------------------ real material
@cache
def real_dump(name: str) -> Hierarchy:
    xml = (REAL / "dumps" / name).read_text(encoding="utf-8")
    return parse(xml, app_package=CLONE if CLONE in xml else None)


def dumps(prefix: str) -> list[str]:
    """The dumps of exactly this variant (`reel_composer_720w_1`, not
    `reel_composer_caption_focused_720w_1`)."""
    pattern = re.compile(rf"{re.escape(prefix)}_\d+w_\d+\.xml")
    names = sorted(p.name for p in (REAL / "dumps").glob("*.xml") if pattern.fullmatch(p.name))
    assert names, f"no real dump named {prefix}_*"
    return names


@cache
def real_ids() -> frozenset[str]:
    """Short ids of Instagram views in every real dump, plus IDS.md's real and bot columns."""
    ids: set[str] = set()
    for path in (REAL / "dumps").glob("*.xml"):
        for elem in ET.parse(path).getroot().iter():
            rid = elem.attrib.get("resource-id", "")
            if ":id/" in rid and rid.split(":id/")[0] in (IG, CLONE):
                ids.add(rid.split(":id/")[1])
    for line in (REAL / "IDS.md").read_text(encoding="utf-8").splitlines():
        cells = line.split("|")
        if len(cells) >= 6 and not set(cells[1].strip()) <= {"-"}:
            for cell in cells[3:5]:  # "real 2025-26 dumps" and "bot tables"
                ids.update(re.findall(r"`([a-z][a-z0-9_]*)`", cell))
    return frozenset(ids)


def alternatives(element: Element) -> list[tuple[str, Element]]:
    """One single-alternative Element per id, content-desc key and text key."""
    names = {f.name for f in dataclasses.fields(Element)}
    empty = {k: () for k in ("ids", "descs", "texts", "fallback_classes") if k in names}
    out = []
    for rid in element.ids:
        out.append((f"id {rid}", dataclasses.replace(element, **{**empty, "ids": (rid,)})))
    for key in element.descs:
        out.append((f"desc {key}", dataclasses.replace(element, **{**empty, "descs": (key,)})))
    for key in element.texts:
        out.append((f"text {key}", dataclasses.replace(element, **{**empty, "texts": (key,)})))
    return out


def matched_on_real(names: list[str]) -> list[tuple[str, str, Element]]:
    """(element, alternative, selector) for every alternative matching on all the dumps."""
    out = []
    for element in ELEMENTS.values():
        for label, alt in alternatives(element):
            if all(find(real_dump(n), alt) is not None for n in names):
                out.append((element.name, label, alt))
    return out


# ------------------------------------------------------------------ simulated screens
def phone(**kw) -> SimPhone:
    kw.setdefault("accounts", [SimAccount("acct", full_name="Jordan Lee")])
    p = SimPhone("sim-real", seed=1, **kw)
    push_scan(p, jpeg(), "/sdcard/DCIM/igfarm/a.jpg")
    push_scan(p, mp4(12), "/sdcard/DCIM/igfarm/r.mp4")
    p.app_start(IG)
    return p


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def create_sheet(p: SimPhone, row: str) -> None:
    tap(p, rid="profile_tab")
    tap(p, desc="Create New")
    tap(p, desc=row)


def reel_composer(p: SimPhone) -> None:
    create_sheet(p, "Create new reel")
    tap(p, rid="gallery_grid_item_thumbnail")
    tap(p, rid="clips_right_action_button")


def feed_share(p: SimPhone) -> None:
    tap(p, rid="action_bar_buttons_container_left")
    for item in ui(p).find_all(rid="gallery_grid_item_thumbnail"):
        if item.desc.startswith("Unselected Photo"):
            p.tap(*item.center)
            break
    tap(p, rid="next_button_textview")
    tap(p, rid="next_button_textview")
    tap(p, rid="share_button")


def s_home() -> str:
    return phone().dump_hierarchy()


def s_profile() -> str:
    p = phone()
    tap(p, rid="profile_tab")
    return p.dump_hierarchy()


def s_profile_create_menu() -> str:
    p = phone()
    tap(p, rid="profile_tab")
    tap(p, desc="Create New")
    return p.dump_hierarchy()


def s_gallery_new_reel() -> str:
    p = phone()
    create_sheet(p, "Create new reel")
    return p.dump_hierarchy()


def s_gallery_new_post() -> str:
    p = phone()
    tap(p, rid="action_bar_buttons_container_left")
    return p.dump_hierarchy()


def s_gallery_add_to_story() -> str:
    p = phone()
    create_sheet(p, "Create new story")
    return p.dump_hierarchy()


def s_reel_editor() -> str:
    p = phone()
    create_sheet(p, "Create new reel")
    tap(p, rid="gallery_grid_item_thumbnail")
    return p.dump_hierarchy()


def s_save_draft() -> str:
    p = phone()
    create_sheet(p, "Create new reel")
    tap(p, rid="gallery_grid_item_thumbnail")
    p.press_key("back")
    return p.dump_hierarchy()


def s_reel_composer() -> str:
    p = phone()
    reel_composer(p)
    return p.dump_hierarchy()


def s_reel_composer_focused() -> str:
    p = phone()
    reel_composer(p)
    tap(p, rid="caption_input_text_view")
    p.type_text("A caption #reel")
    return p.dump_hierarchy()


def s_reel_composer_story() -> str:
    p = phone(faults=FaultPlan.script([("layout_share_to_story", "*")]))
    reel_composer(p)
    p.swipe(540, 1800, 540, 900, 0.3)  # the bot scrolled down to the Share to section
    return p.dump_hierarchy()


def s_story_share_bar() -> str:
    p = phone()
    create_sheet(p, "Create new story")
    tap(p, rid="gallery_grid_item_thumbnail")
    return p.dump_hierarchy()


def s_single_post() -> str:
    p = phone(accounts=[SimAccount("acct", full_name="Jordan Lee", posts=4)])
    # the real dump's caption is long enough to be cut with "… more"
    p.app.accounts["acct"].profile[0].caption = "A long caption " + "about the harbour " * 12
    tap(p, rid="profile_tab")
    tap(p, rid="image_button")
    return p.dump_hierarchy()


def s_login() -> str:
    return phone(accounts=[SimAccount("acct", logged_in=False)]).dump_hierarchy()


def s_feed_row(stage: str) -> Callable[[], str]:
    def render() -> str:
        clock = Clock()
        p = phone(clock=clock)
        feed_share(p)
        if stage == "posted":
            clock.t += 0.65
        return p.dump_hierarchy()

    return render


def s_feed_row_failed() -> str:
    clock = Clock()
    p = phone(clock=clock, faults=FaultPlan.script([("upload_failure", "share")]))
    reel_composer(p)
    tap(p, rid="share_button")
    clock.t += 2
    tap(p, rid="feed_tab")
    return p.dump_hierarchy()


def s_reels_snackbar(stage: str) -> Callable[[], str]:
    def render() -> str:
        clock = Clock()
        p = phone(clock=clock)
        reel_composer(p)
        tap(p, rid="share_button")
        clock.t += 0.3 if stage == "sharing" else 1.0
        return p.dump_hierarchy()

    return render


def s_fault(name: str, trigger: str, then: Callable[[SimPhone], None] | None = None):
    def render() -> str:
        p = phone(faults=FaultPlan.script([(name, trigger)]))
        if then is not None:
            then(p)
        return p.dump_hierarchy()

    return render


SCREENS: dict[str, tuple[list[str], Callable[[], str]]] = {
    "home_feed": (["home_feed"], s_home),
    "own_profile": (["own_profile"], s_profile),
    "profile_create_menu": (["profile_create_menu"], s_profile_create_menu),
    "gallery_new_reel": (["gallery_new_reel"], s_gallery_new_reel),
    "gallery_new_post": (["gallery_new_post"], s_gallery_new_post),
    "gallery_add_to_story": (["gallery_add_to_story"], s_gallery_add_to_story),
    "reel_editor": (["reel_editor"], s_reel_editor),
    "reel_save_draft_sheet": (["reel_save_draft_sheet"], s_save_draft),
    "reel_composer": (["reel_composer"], s_reel_composer),
    "reel_composer_caption_focused": (
        ["reel_composer_caption_focused"],
        s_reel_composer_focused,
    ),
    "reel_composer_share_to_your_story": (
        ["reel_composer_share_to_your_story"],
        s_reel_composer_story,
    ),
    "story_editor_share_bar": (["story_editor_share_bar"], s_story_share_bar),
    "single_post": (["single_post"], s_single_post),
    "login_form": (["login_form"], s_login),
    "feed_row_posting": (["feed_row_posting"], s_feed_row("posting")),
    "feed_row_posted_send": (["feed_row_posted_send"], s_feed_row("posted")),
    "feed_row_video_cant_be_posted": (["feed_row_video_cant_be_posted"], s_feed_row_failed),
    "reels_snackbar_sharing": (["reels_snackbar_sharing"], s_reels_snackbar("sharing")),
    "reels_snackbar_done_send": (["reels_snackbar_done_send"], s_reels_snackbar("done")),
    "reels_promo_sheet": (
        ["reels_promo_sheet"],
        s_fault("popup_reels_promo", "reels_tab", lambda p: tap(p, rid="clips_tab")),
    ),
    "rate_instagram_dialog": (["rate_instagram_dialog"], s_fault("popup_rate_app", "home")),
    "checkpoint_id_upload": (["checkpoint_id_upload"], s_fault("checkpoint_id_upload", "home")),
    "checkpoint_captcha": (["checkpoint_captcha"], s_fault("checkpoint_captcha", "home")),
    "checkpoint_video_selfie": (
        ["checkpoint_video_selfie"],
        s_fault("checkpoint_video_selfie", "home"),
    ),
    "account_disabled": (["account_disabled"], s_fault("account_disabled", "home")),
    "account_suspended": (["account_suspended"], s_fault("account_suspended", "home")),
}


@pytest.mark.parametrize("screen", list(SCREENS))
def test_what_flows_match_on_the_real_screen_matches_on_the_simulated_one(screen):
    prefixes, render = SCREENS[screen]
    names = [n for prefix in prefixes for n in dumps(prefix)]
    sim = parse(render())
    missing = [
        f"{element}: {label}"
        for element, label, alt in matched_on_real(names)
        if find(sim, alt) is None
    ]
    assert not missing, (
        f"{screen}: real dumps {names} match, the simulator does not:\n" + "\n".join(missing)
    )


@pytest.mark.parametrize("screen", list(SCREENS))
def test_the_simulated_screen_uses_only_real_ids(screen):
    _, render = SCREENS[screen]
    sim = parse(render())
    known = real_ids() | ALLOWED
    invented = sorted(
        {
            n.resource_id.split(":id/")[1]
            for n in sim.nodes
            if n.package == IG and n.resource_id.startswith(IG + ":id/")
        }
        - known
    )
    assert not invented, f"{screen}: ids no real source shows: {invented}"


def test_the_real_dumps_are_readable():
    assert len(list((REAL / "dumps").glob("*.xml"))) >= 60
    assert "row_pending_container" in real_ids()


@pytest.mark.parametrize("screen", list(SCREENS))
def test_the_flows_read_the_simulated_screen_as_the_real_one(screen):
    """The screen engine names the simulated screen as it names the real dumps of it."""
    from flows.screens import classify

    prefixes, render = SCREENS[screen]
    real = {classify(real_dump(n)).name for prefix in prefixes for n in dumps(prefix)}
    assert len(real) == 1, f"{screen}: the real dumps read as {real}"
    assert classify(parse(render())).name == real.pop()
