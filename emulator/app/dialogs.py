"""In-app dialogs and bottom sheets: one-time popups, action blocked, login errors, the
discard and draft prompts, the account switcher and the overflow menu."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

from emulator.app.base import BOTTOM, Dialog, W, button, image_view, tapper, text_view
from emulator.ui import FRAME, LINEAR, Node

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
        rows = len(app.session) + 2
        top = BOTTOM - 200 - rows * 168
        root = Node(FRAME, "bottom_sheet_container_view", bounds=(0, top, W, BOTTOM))
        lst = Node(LINEAR, "account_switcher_list", bounds=(0, top + 60, W, BOTTOM))
        root.add(
            Node(FRAME, "bottom_sheet_drag_handle_prism", bounds=(480, top + 24, 600, top + 36))
        )
        root.add(lst)
        y = top + 80
        for username in app.session:
            b = (0, y, W, y + 168)
            row = Node(
                FRAME,
                "row_user_container_base",
                bounds=b,
                clickable=True,
                focusable=True,
                selected=username == app.current,
                on_tap=functools.partial(app.switch_account, username),
            )
            row.add(
                image_view(
                    "row_user_imageview",
                    t.fmt("profile_picture", user=username),
                    (42, y + 21, 168, y + 147),
                )
            )
            row.add(text_view("row_user_textview", username, (210, y + 50, 800, y + 118)))
            if username == app.current:
                row.add(image_view("row_user_checkmark", "Selected", (920, y + 50, 1000, y + 118)))
            lst.add(row)
            y += 168
        lst.add(
            text_view(
                "add_account_button", t["add_account"], (0, y, W, y + 168), on_tap=app.add_account
            )
        )
        y += 168
        lst.add(
            text_view(
                "accounts_center_button",
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
