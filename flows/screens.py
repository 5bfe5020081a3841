"""Screens recognised by data: a table of screen name → the elements that must (not) be present.

`classify()` walks `SCREENS` in order and returns the first match, so the order is the
priority: system dialogs and failure screens before interruptions, interruptions before the
screens of the publish path, and overlays (upload progress) before the screen they cover.

Each screen has a kind:
- "failure": the flow stops with `code` (the account or app needs a human); a failure
  dialog with `dismiss` is closed after the evidence is taken, to leave the phone clean;
- "interrupt": a dialog handled by the shared handlers in `flows.interrupts` (tap `dismiss`);
- "wait": the app is busy (a spinner instead of the screen): look again after a pause;
- "flow": a screen an intention knows how to move forward from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from flows.hierarchy import Hierarchy
from flows.resources import ELEMENTS, IG, PERMISSION_PACKAGES, PLAY_STORE_PACKAGE
from flows.selectors import exists, normalize

ScreenKind = Literal["failure", "interrupt", "wait", "flow"]


@dataclass(frozen=True)
class ScreenSpec:
    name: str
    kind: ScreenKind = "flow"
    all_of: tuple[str, ...] = ()
    any_of: tuple[str, ...] = ()
    none_of: tuple[str, ...] = ()
    packages: tuple[str, ...] = ()  # some node must belong to one of these packages
    code: str | None = None  # failure code
    dismiss: tuple[str, ...] = ()  # interrupt: elements to tap, first present wins
    check: Callable[[Hierarchy], bool] | None = None  # a test no element list can express
    detail: str = ""  # failure: what the screen asks for, for the message ops read

    def matches(self, ui: Hierarchy) -> bool:
        if self.packages and not any(ui.has_package(p) for p in self.packages):
            return False
        if self.check is not None and not self.check(ui):
            return False
        if any(not exists(ui, ELEMENTS[e]) for e in self.all_of):
            return False
        if self.any_of and not any(exists(ui, ELEMENTS[e]) for e in self.any_of):
            return False
        return not any(exists(ui, ELEMENTS[e]) for e in self.none_of)


_BLANK_WORDS = frozenset({"", "menu"})


def blank_page(ui: Hierarchy) -> bool:
    """The app's window with nothing readable in it yet: the splash (logo only) or a Bloks page
    whose content has not arrived (only its Menu button). A person waits."""
    app_nodes = [n for n in ui.nodes if n.package == IG]
    if not app_nodes:
        return False
    for node in app_nodes:
        if (
            normalize(node.text) not in _BLANK_WORDS
            or normalize(node.content_desc) not in _BLANK_WORDS
        ):
            return False
        if node.clickable and normalize(node.content_desc) != "menu":
            return False
    return True


def _account_block(name: str, code: str, detail: str) -> ScreenSpec:
    return ScreenSpec(name, "failure", any_of=(name,), code=code, detail=detail)


SCREENS: list[ScreenSpec] = [
    # -- the system in front of the app
    ScreenSpec("not_responding", "interrupt", any_of=("anr_title",), dismiss=("crash_wait",)),
    ScreenSpec("crash_dialog", "interrupt", any_of=("crash_title", "crash_close", "crash_wait")),
    ScreenSpec(
        "media_permission",
        "interrupt",
        all_of=("perm_allow_all",),
        packages=PERMISSION_PACKAGES,
        dismiss=("perm_allow_all",),
    ),
    ScreenSpec("play_store", "failure", packages=(PLAY_STORE_PACKAGE,), code="app_update_required"),
    # -- the app says no
    ScreenSpec("update_wall", "failure", any_of=("update_wall",), code="app_update_required"),
    # account blocks (Bloks pages without ids, 2025-26): nothing on them is ever tapped
    _account_block(
        "account_disabled",
        "account_disabled",
        "Instagram disabled the account; it cannot be appealed from the phone",
    ),
    _account_block(
        "account_suspended",
        "account_suspended",
        "Instagram suspended the account; appeal in the app before the deadline it shows",
    ),
    _account_block(
        "checkpoint_id_upload",
        "checkpoint_required",
        "checkpoint id_upload: Instagram asks for a photo of an official ID",
    ),
    _account_block(
        "checkpoint_captcha",
        "checkpoint_required",
        "checkpoint captcha: Instagram asks to type the code of an image",
    ),
    _account_block(
        "checkpoint_video_selfie",
        "checkpoint_required",
        "checkpoint video_selfie: Instagram asks for a video selfie",
    ),
    ScreenSpec("challenge", "failure", any_of=("challenge",), code="auth_challenge_required"),
    ScreenSpec(
        "two_factor",
        "failure",
        any_of=("two_factor_id", "two_factor_text"),
        code="auth_two_factor_enabled",
    ),
    # "Incorrect Password" over the login form (before `logged_out`, which the form matches);
    # closed with Try Again after the evidence is taken
    ScreenSpec(
        "wrong_password",
        "failure",
        any_of=("wrong_password",),
        code="auth_wrong_password",
        dismiss=("try_again",),
    ),
    # "Try Again Later" titles both; the body tells a rate limit from a block, so it goes first
    # dismissed with OK (never "Tell us") after the evidence is taken, so that the next job
    # does not find them; verification tolerates them (it only looks)
    ScreenSpec(
        "rate_limited",
        "failure",
        any_of=("rate_limited",),
        code="rate_limited",
        dismiss=("dialog_ok",),
    ),
    ScreenSpec(
        "action_blocked",
        "failure",
        any_of=("action_blocked",),
        code="action_blocked",
        dismiss=("dialog_ok",),
    ),
    ScreenSpec(
        "logged_out",
        "failure",
        all_of=("login_button",),
        any_of=("login_username", "login_password"),
        code="auth_login_required",
    ),
    # -- interruptions: dismiss and carry on
    ScreenSpec(
        "draft_prompt",
        "interrupt",
        any_of=("draft_prompt",),
        dismiss=("start_new_video", "auxiliary_button"),
    ),
    # the reel editor's "Save draft?" sheet: the intention chooses (`draft_choice`); by default
    # "Start over" — a draft left behind by an earlier run is never kept
    ScreenSpec(
        "save_draft_sheet",
        "interrupt",
        all_of=("save_draft_title",),
        dismiss=("start_over",),
    ),
    # "Rate Instagram": "No, thanks" (never the rating)
    ScreenSpec("rate_dialog", "interrupt", any_of=("rate_dialog",), dismiss=("rate_no_thanks",)),
    ScreenSpec("discard_prompt", "interrupt", all_of=("discard",), dismiss=("discard",)),
    ScreenSpec("save_login", "interrupt", any_of=("save_login",), dismiss=("not_now",)),
    ScreenSpec(
        "notifications_prompt",
        "interrupt",
        any_of=("notifications_prompt",),
        dismiss=("not_now",),
    ),
    # promotions and upsells: "Not now"/OK-like buttons, else a tap on the dimmed background,
    # else Back; a button that buys, subscribes or verifies is never tapped (engine rule)
    ScreenSpec(
        "promo",
        "interrupt",
        any_of=("promo_headline", "promo_bb"),
        dismiss=("not_now", "promo_primary", "promo_ok", "sheet_dimmer"),
    ),
    ScreenSpec("allow_access", "interrupt", any_of=("allow_access",), dismiss=("allow_access",)),
    # a spinner in place of the screen: wait (slow network, cold start)
    ScreenSpec("loading", "wait", any_of=("loading",)),
    ScreenSpec("blank", "wait", check=blank_page),
    # a story viewer is a full-screen activity of its own (no tab bar, no composer)
    ScreenSpec("story_viewer", any_of=("story_viewer",)),
    # -- the publish path (overlays first)
    # upload outcomes on the feed or the Reels tab: a failed row, a done row/snackbar, running
    ScreenSpec(
        "upload_failed",
        any_of=("pending_retry", "pending_discard", "upload_failed_text", "story_failed"),
    ),
    ScreenSpec("upload_done", any_of=("posted_text", "pending_reshare")),
    ScreenSpec("uploading", any_of=("pending_row", "story_posting", "upload_snackbar")),
    # the Create sheet over the profile (the tab bar is still there)
    ScreenSpec(
        "create_sheet", any_of=("create_sheet_post", "create_sheet_reel", "create_sheet_story")
    ),
    # the story editor's share bar; the reel composer's "Share to → Your story" row is not it
    ScreenSpec(
        "story_share",
        any_of=("story_share_bar", "your_story"),
        none_of=("tab_bar", "reels_tray", "caption"),
    ),
    ScreenSpec("caption_editor", all_of=("caption", "caption_done"), none_of=("share",)),
    ScreenSpec("composer", any_of=("caption",)),
    ScreenSpec("gallery", any_of=("gallery_thumb", "gallery_grid")),
    ScreenSpec("story_camera", any_of=("story_gallery_button",)),
    ScreenSpec("edit", any_of=("next",), none_of=("tab_bar",)),
    ScreenSpec(
        "destinations", any_of=("dest_feed", "dest_story", "dest_reel"), none_of=("tab_bar",)
    ),
    # Insights (flows.insights): the followers' page (its sections, Most active times), then
    # the Professional dashboard (Account insights); neither has the profile's header
    ScreenSpec(
        "followers_insights",
        any_of=("most_active_times", "followers_sections"),
        none_of=("profile_tabs", "post_count"),
    ),
    ScreenSpec(
        "pro_dashboard", any_of=("account_insights",), none_of=("profile_tabs", "post_count")
    ),
    # real builds: "Add account" opens a sheet with "Log into existing account" (flows.login)
    ScreenSpec("add_account_sheet", any_of=("log_into_existing",)),
    ScreenSpec("account_switcher", any_of=("account_row",)),
    # someone else's profile (a Follow button): not ours, whatever its title says
    ScreenSpec("other_profile", all_of=("follow_button",)),
    ScreenSpec("profile", any_of=("profile_tabs", "post_count", "profile_header", "private_empty")),
    # an opened post: a page with Back over the feed's rows (the scrolled home feed has the
    # same rows, but no Back)
    ScreenSpec(
        "post_view",
        all_of=("back_button",),
        any_of=("post_caption",),
        none_of=("title_logo", "reels_tray"),
    ),
    ScreenSpec("reels_tab", any_of=("clips_viewer",)),
    ScreenSpec("home_feed", any_of=("title_logo", "reels_tray", "feed_tab", "tab_bar")),
]

SCREENS_BY_NAME: dict[str, ScreenSpec] = {s.name: s for s in SCREENS}
UNKNOWN = ScreenSpec("unknown")
WRONG_APP = ScreenSpec("wrong_app", "interrupt")
_SYSTEM_FIRST = {"not_responding", "crash_dialog", "media_permission", "play_store"}


def classify(ui: Hierarchy) -> ScreenSpec:
    """The screen the dump shows; `wrong_app` when Instagram is not on screen at all."""
    in_app = ui.has_package(IG)
    for spec in SCREENS:
        if not in_app and spec.name not in _SYSTEM_FIRST:
            return WRONG_APP
        if spec.matches(ui):
            return spec
    return UNKNOWN if in_app else WRONG_APP
