"""In-app dialogs and bottom sheets: one-time popups, action blocked, login errors, the
discard and draft prompts, the account switcher and the overflow menu."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

from emulator.app.base import BOTTOM, Dialog, Screen, W, button, image_view, tapper, text_view
from emulator.ui import FRAME, IMAGE, LINEAR, RECYCLER, VIEW, VIEW_GROUP, Node

if TYPE_CHECKING:
    from emulator.app.instagram import InstagramApp


def alert(
    rid_prefix: str,
    title: str,
    body: str,
    buttons: list[tuple[str, str, Callable[[], None]]],
) -> Node:
    """A centred alert dialog: headline, body, stacked buttons (rid, text, action)."""
    height = 330 + 140 * len(buttons) + (60 if len(body) > 90 else 0)
    top = (2400 - height) // 2
    root = Node(FRAME, "dialog_root_view", bounds=(90, top, 990, top + height))
    box = Node(LINEAR, f"{rid_prefix}_container", bounds=(90, top, 990, top + height))
    root.add(box)
    box.add(text_view(f"{rid_prefix}_headline", title, (150, top + 60, 930, top + 140)))
    body_bottom = top + 260 + (60 if len(body) > 90 else 0)
    box.add(text_view(f"{rid_prefix}_subtext", body, (150, top + 150, 930, body_bottom)))
    y = body_bottom + 40
    for rid, text, action in buttons:
        box.add(button(rid, text, (90, y, 990, y + 140), action))
        y += 140
    return root


def sheet(
    title: str,
    body: str,
    primary: tuple[str, str, Callable[[], None]],
    secondary: tuple[str, str, Callable[[], None]] | None = None,
) -> Node:
    """A bottom sheet with an igds headline, body and one or two actions."""
    height = 760 if secondary else 620
    top = BOTTOM - height
    root = Node(FRAME, "bottom_sheet_container_view", bounds=(0, top, W, BOTTOM))
    content = Node(LINEAR, "igds_headline", bounds=(0, top, W, BOTTOM))
    root.add(content)
    content.add(
        Node(FRAME, "bottom_sheet_drag_handle_prism", bounds=(480, top + 24, 600, top + 36))
    )
    content.add(text_view("igds_headline_headline", title, (63, top + 120, 1017, top + 210)))
    content.add(text_view("igds_headline_body", body, (63, top + 230, 1017, top + 380)))
    rid, text, action = primary
    content.add(button(rid, text, (63, top + 420, 1017, top + 552), action))
    if secondary:
        rid, text, action = secondary
        content.add(button(rid, text, (63, top + 570, 1017, top + 702), action))
    return root


class NotificationsPopup(Dialog):
    def build(self) -> Node:
        t = self.t
        return sheet(
            t["notif_title"],
            t["notif_body"],
            ("igds_headline_primary_action_button", t["turn_on"], self.dismiss),
            ("igds_headline_secondary_action_button", t["not_now"], self.dismiss),
        )


class SaveLoginPopup(Dialog):
    def build(self) -> Node:
        t = self.t
        user = self.app.current or ""
        return alert(
            "igds_alert_dialog",
            t["save_login_title"],
            t.fmt("save_login_body", user=user),
            [
                ("primary_button", t["save"], self.dismiss),
                ("auxiliary_button", t["not_now"], self.dismiss),
            ],
        )


class RateLimitPopup(Dialog):
    def build(self) -> Node:
        t = self.t
        return alert(
            "igds_alert_dialog",
            t["rate_title"],
            t["rate_body"],
            [("igds_alert_dialog_primary_button", t["ok"], self.dismiss)],
        )


class AppUpdatePopup(Dialog):
    cancelable = False

    def build(self) -> Node:
        t = self.t
        return alert(
            "igds_alert_dialog",
            t["update_title"],
            t["update_body"],
            [
                (
                    "igds_alert_dialog_primary_button",
                    t["update"],
                    tapper(self.dismiss, self.app.host.open_play_store),
                ),
                ("igds_alert_dialog_secondary_button", t["not_now"], self.dismiss),
            ],
        )


class PromoPopup(Dialog):
    def build(self) -> Node:
        t = self.t
        root = sheet(
            t["promo_title"], t["promo_body"], ("bb_primary_action", t["got_it"], self.dismiss)
        )
        # The action sits in its container, as on real builds.
        content = root.children[0]
        action = content.children[-1]
        container = Node(FRAME, "bb_primary_action_container", bounds=action.bounds)
        container.add(action)
        content.children[-1] = container
        return root


POPUPS: dict[str, Callable[[InstagramApp], Dialog]] = {
    "popup_notifications": NotificationsPopup,
    "popup_save_login": SaveLoginPopup,
    "popup_rate_limit": RateLimitPopup,
    "popup_app_update": AppUpdatePopup,
    "popup_promo": PromoPopup,
}


class ActionBlockedDialog(Dialog):
    def build(self) -> Node:
        t = self.t
        return alert(
            "igds_alert_dialog",
            t["blocked_title"],
            t["blocked_body"],
            [
                ("igds_alert_dialog_secondary_button", t["tell_us"], self.dismiss),
                ("igds_alert_dialog_primary_button", t["ok"], self.dismiss),
            ],
        )


class IncorrectPasswordDialog(Dialog):
    def build(self) -> Node:
        t = self.t
        return alert(
            "igds_alert_dialog",
            t["incorrect_password"],
            t["incorrect_body"],
            [("igds_alert_dialog_primary_button", t["try_again"], self.dismiss)],
        )


class AccountLimitDialog(Dialog):
    def build(self) -> Node:
        return alert(
            "igds_alert_dialog",
            "You've reached the account limit",
            "You can add up to 5 accounts. Remove an account to add a new one.",
            [("igds_alert_dialog_primary_button", self.t["ok"], self.dismiss)],
        )


class DiscardDialog(Dialog):
    """After back on an edit screen: Discard / Save draft / Keep editing."""

    def __init__(self, app: InstagramApp, on_discard: Callable[[], None]) -> None:
        super().__init__(app)
        self.on_discard = on_discard

    def build(self) -> Node:
        t = self.t
        return alert(
            "igds_alert_dialog",
            t["discard_title"],
            t["discard_body"],
            [
                (
                    "igds_alert_dialog_primary_button",
                    t["discard"],
                    tapper(self.dismiss, self.on_discard),
                ),
                (
                    "igds_alert_dialog_secondary_button",
                    t["save_draft"],
                    tapper(self.dismiss, self.app.go_home),
                ),
                ("igds_alert_dialog_tertiary_button", t["keep_editing"], self.dismiss),
            ],
        )


class DiscardUploadDialog(Dialog):
    """Options of a failed upload row: discard it (the row goes away) or keep it."""

    def __init__(self, app: InstagramApp, upload) -> None:
        super().__init__(app)
        self.upload = upload

    def build(self) -> Node:
        t = self.t
        return alert(
            "igds_alert_dialog",
            t["discard_title"],
            t["discard_upload_body"],
            [
                (
                    "igds_alert_dialog_primary_button",
                    t["discard"],
                    tapper(self.dismiss, self._discard),
                ),
                ("igds_alert_dialog_secondary_button", t["cancel"], self.dismiss),
            ],
        )

    def _discard(self) -> None:
        self.upload.hidden = True


class DraftDialog(Dialog):
    """Reel draft prompt: keep editing the old draft, or start a new video."""

    cancelable = False

    def build(self) -> Node:
        t = self.t
        return alert(
            "igds_alert_dialog",
            t["draft_title"],
            t["draft_body"],
            [
                ("primary_button", t["keep_editing"], tapper(self.dismiss, self._keep)),
                ("auxiliary_button", t["start_new_video"], self.dismiss),
            ],
        )

    def _keep(self) -> None:
        from emulator.app.reels import ReelEditScreen, draft_item

        self.app.push(ReelEditScreen(self.app, draft_item(self.app)))


class AccountSwitcherSheet(Dialog):
    """Bottom sheet listing the accounts logged in on the app."""

    def build(self) -> Node:
        t = self.t
        app = self.app
        old = app.legacy

        def rid(name: str) -> str:
            # no real dump of the switcher: the 2025 layout keeps only `row_user_textview`
            # (GramAddict's table); the rest of the pre-2025 ids only in the legacy layout
            return name if old or name == "row_user_textview" else ""

        rows = len(app.session) + 2
        top = BOTTOM - 200 - rows * 168
        root = Node(FRAME, "bottom_sheet_container_view", bounds=(0, top, W, BOTTOM))
        lst = Node(LINEAR, rid("account_switcher_list"), bounds=(0, top + 60, W, BOTTOM))
        root.add(
            Node(FRAME, "bottom_sheet_drag_handle_prism", bounds=(480, top + 24, 600, top + 36))
        )
        root.add(lst)
        y = top + 80
        for username in app.session:
            b = (0, y, W, y + 168)
            row = Node(
                FRAME,
                rid("row_user_container_base"),
                bounds=b,
                clickable=True,
                focusable=True,
                selected=username == app.current,
                on_tap=functools.partial(app.switch_account, username),
            )
            row.add(
                image_view(
                    rid("row_user_imageview"),
                    t.fmt("profile_picture", user=username),
                    (42, y + 21, 168, y + 147),
                )
            )
            row.add(text_view("row_user_textview", username, (210, y + 50, 800, y + 118)))
            if username == app.current:
                row.add(
                    image_view(rid("row_user_checkmark"), "Selected", (920, y + 50, 1000, y + 118))
                )
            lst.add(row)
            y += 168
        lst.add(
            text_view(
                rid("add_account_button"),
                t["add_account"],
                (0, y, W, y + 168),
                on_tap=app.add_account,
            )
        )
        y += 168
        lst.add(
            text_view(
                rid("accounts_center_button"),
                t["accounts_center"],
                (0, y, W, y + 168),
                on_tap=self.dismiss,
            )
        )
        return root


class OverflowMenu(Dialog):
    """The ⋮ menu of the composer when Share lives there (layout_share_overflow)."""

    dim = False

    def __init__(self, app: InstagramApp, on_share: Callable[[], None]) -> None:
        super().__init__(app)
        self.on_share = on_share

    def build(self) -> Node:
        t = self.t
        root = Node(FRAME, bounds=(540, 200, 1060, 620))
        lst = Node("android.widget.ListView", "android:id/list", bounds=(540, 200, 1060, 620))
        root.add(lst)
        entries = [
            (t["share"], tapper(self.dismiss, self.on_share)),
            (t["save_draft"], tapper(self.dismiss, self.app.go_home)),
            (t["advanced_settings"], self.dismiss),
        ]
        y = 220
        for text, action in entries:
            lst.add(text_view("menu_option_text", text, (540, y, 1060, y + 130), on_tap=action))
            y += 130
        return root


# ---------------------------------------------------------------- 2025-26 sheets and dialogs
def _bottom_sheet(app: InstagramApp, top: int, on_dimmer: Callable[[], None]) -> tuple[Node, Node]:
    """The 2025-26 bottom sheet frame: `bottom_sheet_container` with the `background_dimmer`
    Button (a tap on it closes the sheet) and `layout_container_bottom_sheet` › drag handle.
    Returns (root, the sheet's column) to fill."""
    root = Node(FRAME, "bottom_sheet_container", bounds=(0, 84, W, BOTTOM))
    root.add(
        Node(
            "android.widget.Button",
            "background_dimmer",
            bounds=(0, 84, W, top),
            clickable=True,
            on_tap=on_dimmer,
        )
    )
    holder = Node(
        FRAME, "layout_container_bottom_sheet", bounds=(0, top, W, BOTTOM), clickable=True
    )
    column = Node(VIEW_GROUP, "bottom_sheet_container", bounds=(0, top, W, BOTTOM))
    handle = Node(FRAME, "bottom_sheet_drag_handle_frame", bounds=(0, top, W, top + 77))
    handle.add(Node(IMAGE, "bottom_sheet_drag_handle_prism", bounds=(501, top, 579, top + 77)))
    column.add(handle)
    holder.add(column)
    root.add(holder)
    return root, column


class CreateSheet(Dialog):
    """The profile's "+" (2025-26): "Create" sheet with rows Reel / Edits / Post / Story /
    Highlight (Buttons with content-desc "Create new reel" …, label TextView `label`). The
    profile and its tab bar stay underneath."""

    dim = True

    def build(self) -> Node:
        t = self.t
        app = self.app
        rows = [
            ("create_new_reel", "label_reel", app.open_reel_creation),
            ("label_edits", "label_edits", None),
            ("create_new_post", "label_post", app.open_creation),
            ("create_new_story", "label_story", app.open_story_creation),
            ("label_highlight", "label_highlight", None),
        ]
        row_h = 147
        top = BOTTOM - 118 - 77 - row_h * len(rows) - 60
        root, column = _bottom_sheet(app, top, self.dismiss)
        y = top + 77
        nav = Node(VIEW_GROUP, "nav_buttons_and_title_container", bounds=(0, y, W, y + 118))
        nav.add(text_view("title_text_view", t["create_sheet_title"], (272, y, 808, y + 118)))
        column.add(nav)
        y += 118
        column.add(Node(VIEW, "bottom_sheet_nav_bar_divider", bounds=(0, y, W, y + 2)))
        view = Node(FRAME, "bottom_sheet_container_view", bounds=(0, y, W, BOTTOM))
        lst = Node(RECYCLER, "recycler_view", bounds=(0, y, W, BOTTOM))
        for desc_key, label_key, action in rows:
            on_tap = tapper(self.dismiss, action) if action else (lambda: None)
            row = Node(
                "android.widget.Button",
                "",
                desc=t[desc_key],
                bounds=(0, y, W, y + row_h),
                clickable=True,
                focusable=True,
                on_tap=on_tap,
            )
            row.add(Node(IMAGE, "image", bounds=(39, y + 40, 98, y + 105)))
            labels = Node(VIEW_GROUP, "label_container", bounds=(137, y, 1041, y + row_h))
            wrapper = Node(VIEW_GROUP, "labels_wrapper", bounds=(137, y + 45, 400, y + 100))
            wrapper.add(text_view("label", t[label_key], (137, y + 45, 400, y + 100)))
            labels.add(wrapper)
            labels.add(Node(VIEW, "divider", bounds=(137, y + row_h - 2, 1041, y + row_h)))
            row.add(labels)
            lst.add(row)
            y += row_h
        view.add(lst)
        column.add(view)
        return root


class SaveDraftSheet(Dialog):
    """Back in the reel editor (2025-26): "Save draft?" action sheet: Start over (drops the
    edit, back to the gallery), Save draft (back to where creation began), Keep editing."""

    def build(self) -> Node:
        t = self.t
        top = BOTTOM - 680
        root, column = _bottom_sheet(self.app, top, self.dismiss)
        view = Node(FRAME, "bottom_sheet_container_view", bounds=(0, top + 95, W, BOTTOM))
        sheet_box = Node(LINEAR, "action_sheet_container", bounds=view.bounds)
        header = Node(FRAME, "action_sheet_simple_header", bounds=(0, top + 95, W, top + 258))
        header.add(
            text_view(
                "action_sheet_header_text_view",
                t["save_draft_title"],
                (39, top + 110, 1041, top + 157),
            )
        )
        header.add(
            text_view(
                "action_sheet_subheader_text_view",
                t["save_draft_body"],
                (39, top + 162, 1041, top + 210),
            )
        )
        sheet_box.add(header)
        sheet_box.add(
            Node(VIEW, "action_sheet_header_divider", bounds=(0, top + 256, W, top + 258))
        )
        lst = Node(RECYCLER, "recycler_view", bounds=(0, top + 258, W, BOTTOM))
        y = top + 258
        for key, action in (
            ("start_over", self._start_over),
            ("save_draft", self._save_draft),
            ("keep_editing", self.dismiss),
        ):
            lst.add(button("action_sheet_row_text_view", t[key], (0, y, W, y + 128), action))
            y += 128
        sheet_box.add(lst)
        view.add(sheet_box)
        column.add(view)
        return root

    def _start_over(self) -> None:
        self.dismiss()
        app = self.app
        while len(app.stack) > 1 and app.stack[-1].name not in _GALLERY_NAMES:
            app.stack.pop()
        app.pop_to(type(app.stack[-1]))

    def _save_draft(self) -> None:
        self.dismiss()
        app = self.app
        while len(app.stack) > 1 and app.stack[-1].name not in ("home", "profile", "reels_tab"):
            app.stack.pop()
        app.pop_to(type(app.stack[-1]))


_GALLERY_NAMES = ("gallery", "reel_gallery", "story_gallery")


class ReelsPromoSheet(Dialog):
    """Reels promo (2025-12 dumps): "Get more from your next reel", a Meta Verified upsell.
    Get started starts a purchase (recorded) and opens the subscription screen; back or the
    dimmed background dismisses it."""

    def build(self) -> Node:
        t = self.t
        top = 1202
        root, column = _bottom_sheet(self.app, top, self.dismiss)
        view = Node(FRAME, "bottom_sheet_container_view", bounds=(0, top + 95, W, 2082))
        frame = Node(FRAME, "", bounds=view.bounds)
        promo = Node(VIEW_GROUP, "promo_headline", bounds=view.bounds)
        promo.add(Node(IMAGE, "", bounds=(423, top + 181, 658, top + 443)))
        promo.add(
            text_view(
                "igds_headline_emphasized_headline",
                t["promo_reel_title"],
                (78, top + 508, 1002, top + 592),
            )
        )
        promo.add(
            text_view("igds_headline_body", t["promo_reel_body"], (78, top + 613, 1002, top + 750))
        )
        view.add(frame.add(promo))
        column.add(view)
        bottom = Node(FRAME, "bottom_sheet_button", bounds=(0, 2082, W, BOTTOM))
        bb = Node(LINEAR, "bottom_button", bounds=bottom.bounds)
        bb.add(Node(VIEW, "bb_divider", bounds=(0, 2082, W, 2084)))
        action = Node(
            "android.widget.Button",
            "bb_primary_action_container",
            desc=t["get_started"],
            bounds=(39, 2117, 1041, 2237),
            clickable=True,
            focusable=True,
            on_tap=tapper(self.dismiss, lambda: self.app.start_purchase("meta_verified")),
        )
        action.add(text_view("", t["get_started"], (445, 2152, 635, 2202)))
        bb.add(action)
        column.add(bottom.add(bb))
        return root


class RateAppDialog(Dialog):
    """ "Rate Instagram" (appirater): Rate Instagram opens the Play Store; Remind me later and
    No, thanks dismiss it."""

    def build(self) -> Node:
        t = self.t
        top = 790
        root = Node(FRAME, "", bounds=(148, top, 932, top + 752))
        content = Node(FRAME, "android:id/content", bounds=root.bounds)
        box = Node(FRAME, "alertTitleContainer", bounds=(148, top, 932, top + 157))
        box.add(
            text_view("appirater_title_area", t["appirater_title"], (148, top + 43, 580, top + 135))
        )
        content.add(box)
        content.add(Node(VIEW, "divider", bounds=(148, top + 155, 932, top + 157)))
        content.add(
            text_view(
                "appirater_message_area", t["appirater_body"], (148, top + 157, 932, top + 362)
            )
        )
        y = top + 362
        for rid, key, action in (
            (
                "appirater_rate_button",
                "appirater_title",
                tapper(self.dismiss, self.app.host.open_play_store),
            ),
            ("appirater_rate_later_button", "remind_later", self.dismiss),
            ("appirater_cancel_button", "no_thanks", self.dismiss),
        ):
            content.add(button(rid, t[key], (148, y, 932, y + 130), action))
            y += 130
        return root.add(content)


class SubscriptionScreen(Screen):
    """Where "Get started" leads: the Meta Verified subscription offer. Nothing is bought
    here (the purchase start is already recorded); back leaves it. No real dump exists."""

    name = "subscription"

    def __init__(self, app: InstagramApp, product: str) -> None:
        super().__init__(app)
        self.product = product

    def build(self) -> list[Node]:
        t = self.t
        box = Node(LINEAR, "bloks_container", bounds=(0, 84, W, BOTTOM))
        box.add(text_view("", t["meta_verified"], (63, 300, 1017, 400)))
        box.add(text_view("", t["subscribe_body"], (63, 420, 1017, 560)))
        box.add(
            button("", t["subscribe"], (39, 2080, 1041, 2200), lambda: None, desc=t["subscribe"])
        )
        return [box]
