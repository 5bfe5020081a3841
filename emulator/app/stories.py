"""Stories: the story camera, its gallery ("Add to story"), the story composer that shares to
Your story (or Close Friends), and the viewer of the own story."""

from __future__ import annotations

from datetime import datetime

from emulator.accounts import AccountState, StoryItem
from emulator.app.base import (
    BAR_BOTTOM,
    BOTTOM,
    TAB_TOP,
    TOP,
    Screen,
    W,
    action_bar,
    destination_selector,
    image_view,
    text_view,
)
from emulator.app.creation import gallery_2025, grid
from emulator.app.dialogs import DiscardDialog
from emulator.storage import MediaItem
from emulator.texts import Texts
from emulator.ui import BUTTON, FRAME, IMAGE, LINEAR, TEXT, Node


class StoryCameraScreen(Screen):
    """Story camera: the gallery button opens the story gallery."""

    name = "story_camera"
    activity = "com.instagram.modal.ModalActivity"

    def build(self) -> list[Node]:
        app = self.app
        t = self.t
        nodes = [Node(FRAME, "camera_preview_view", bounds=(0, 0, W, TAB_TOP))]
        nodes.append(
            image_view(
                "camera_close_button",
                t["close"],
                (21, TOP + 21, 147, BAR_BOTTOM),
                on_tap=app.press_back,
            )
        )
        nodes.append(
            image_view(
                "gallery_preview_button",
                t["gallery"],
                (63, 1960, 189, 2086),
                on_tap=lambda: app.push(StoryGalleryScreen(app)),
            )
        )
        nodes.append(
            image_view(
                "camera_shutter_button",
                t["take_photo"],
                (420, 1900, 660, 2140),
                on_tap=lambda: None,
            )
        )
        nodes.append(destination_selector(self, "story"))
        return nodes


class StoryGalleryScreen(Screen):
    """Add to story: tapping a thumbnail opens it in the story composer."""

    name = "story_gallery"
    activity = "com.instagram.modal.ModalActivity"

    def build(self) -> list[Node]:
        app = self.app
        t = self.t
        items = app.gallery_items()
        if not app.legacy:
            return gallery_2025(
                self,
                t["add_to_story"],
                [t["templates"], t["music"], t["collage"]],
                items,
                self.pick,
            )
        nodes = [action_bar(self, t["add_to_story"], left="close")]
        nodes.append(grid(self, items, (0, BAR_BOTTOM, W, BOTTOM), 3, self.pick))
        return nodes

    def pick(self, item: MediaItem) -> None:
        self.app.push(StoryComposerScreen(self.app, item))


class StoryComposerScreen(Screen):
    """Story editor: share to Your story (or, never for the product, Close Friends)."""

    name = "story_composer"
    activity = "com.instagram.modal.ModalActivity"

    def __init__(self, app, item: MediaItem) -> None:
        super().__init__(app)
        self.item = item
        self.shared = False

    def build(self) -> list[Node]:
        if not self.app.legacy:
            return self._build_2025()
        app = self.app
        t = self.t
        nodes = [
            Node(
                FRAME,
                "reel_viewer_media_container",
                desc=t["photo"] if self.item.kind == "image" else t["video"],
                bounds=(0, 0, W, 2100),
            )
        ]
        tools = Node(LINEAR, "story_tools", bounds=(0, TOP, W, BAR_BOTTOM))
        tools.add(
            image_view(
                "camera_close_button",
                t["back"],
                (21, TOP + 21, 147, BAR_BOTTOM),
                on_tap=app.press_back,
            )
        )
        tools.add(
            image_view(
                "text_tool_button", "Aa", (650, TOP + 21, 760, BAR_BOTTOM), on_tap=lambda: None
            )
        )
        tools.add(
            image_view(
                "sticker_tool_button",
                "Stickers",
                (780, TOP + 21, 890, BAR_BOTTOM),
                on_tap=lambda: None,
            )
        )
        nodes.append(tools)
        footer = Node(LINEAR, "story_share_footer", bounds=(0, 2110, W, BOTTOM))
        mine = Node(
            LINEAR,
            "your_story_share_shortcut_button",
            desc=t["your_story"],
            bounds=(21, 2140, 520, 2300),
            clickable=True,
            focusable=True,
            on_tap=lambda: self.share("your_story"),
        )
        mine.add(Node(FRAME, "", bounds=(42, 2170, 142, 2270)))
        mine.add(text_view("", t["your_story"], (160, 2180, 500, 2260)))
        footer.add(mine)
        friends = Node(
            LINEAR,
            "close_friends_share_shortcut_button",
            desc=t["close_friends"],
            bounds=(540, 2140, 1059, 2300),
            clickable=True,
            focusable=True,
            on_tap=lambda: self.share("close_friends"),
        )
        friends.add(text_view("", t["close_friends"], (640, 2180, 1040, 2260)))
        footer.add(friends)
        nodes.append(footer)
        return nodes

    def _build_2025(self) -> list[Node]:
        """The story editor of the 2026-02 dump: the media, the tool row
        (`edit_buttons_toolbar`: Cancel, Add text, stickers, Music, More actions) and the
        share bar `story_share_controls_action_bar` with Buttons "Your story", "Close
        Friends" and "Share to" (content-desc; text in a TextView child; no ids)."""
        app = self.app
        t = self.t
        nodes: list[Node] = [
            Node(FRAME, "video_sticker_media_layout", bounds=(108, 240, 972, 2160))
        ]
        tools = Node(LINEAR, "edit_buttons_toolbar", bounds=(12, 135, 1068, 291))
        tools.add(
            image_view(
                "cancel_button", t["cancel_word"], (21, 147, 153, 279), on_tap=app.press_back
            )
        )
        tools.add(
            image_view("add_text_button", t["add_text"], (477, 147, 609, 279), on_tap=lambda: None)
        )
        box = Node(LINEAR, "asset_button_container", bounds=(627, 147, 759, 279))
        box.add(image_view("asset_button", t["stickers_emojis"], box.bounds, on_tap=lambda: None))
        tools.add(box)
        tools.add(image_view("music_button", t["music"], (777, 147, 909, 279), on_tap=lambda: None))
        tools.add(
            image_view(
                "overflow_button", t["more_actions"], (927, 147, 1059, 279), on_tap=lambda: None
            )
        )
        nodes.append(tools)
        bar = Node(
            "android.view.ViewGroup",
            "story_share_controls_action_bar",
            bounds=(36, 2150, 1044, 2300),
            clickable=True,
        )
        for words, b, action in (
            (t["your_story"], (36, 2150, 456, 2300), lambda: self.share("your_story")),
            (t["close_friends"], (474, 2150, 894, 2300), lambda: self.share("close_friends")),
            (t["share_to"], (912, 2150, 1044, 2300), lambda: None),
        ):
            shortcut = Node(
                BUTTON, "", desc=words, bounds=b, clickable=True, focusable=True, on_tap=action
            )
            label = words if words != t["share_to"] else ""
            shortcut.add(
                Node(TEXT, "", text=label, bounds=(b[0] + 60, b[1] + 34, b[2] - 60, b[3] - 34))
            )
            bar.add(shortcut)
        nodes.append(bar)
        return nodes

    def back(self) -> bool:
        self.app.dialogs.append(DiscardDialog(self.app, self.app.pop))
        return True

    def share(self, audience: str) -> None:
        if self.shared:
            return
        self.shared = True
        self.app.share("story", [self.item], "", audience)
        if self.app.top is self:
            self.shared = False


def short_age(t: Texts, then: datetime, now: datetime) -> str:
    """Age as the story viewer's timestamp shows it: 42s, 5m, 3h (es/fr: 42 s, 5 min, 3 h)."""
    seconds = max(0, int((now - then).total_seconds()))
    if seconds < 60:
        return t.fmt("age_s", n=seconds)
    if seconds < 3600:
        return t.fmt("age_m", n=seconds // 60)
    return t.fmt("age_h", n=seconds // 3600)


class StoryViewerScreen(Screen):
    """The own story, oldest item first. A tap on the left third goes back one item, elsewhere
    on the media to the next; after the last item, or back, the viewer closes. Photos stay
    5 s, videos their length (60 s at most), then the viewer moves on by itself."""

    name = "story_viewer"
    activity = "com.instagram.modal.TransparentModalActivity"

    def __init__(self, app, state: AccountState) -> None:
        super().__init__(app)
        self.username = state.account.username
        self.items: list[StoryItem] = state.live_stories(app.host.wall_now())
        self.index = 0
        self.shown_at = app.host.now()

    def advance(self, now: float) -> None:
        """Move on by itself as the item's time runs out (called on every look)."""
        while self.index < len(self.items):
            due = self.shown_at + self.items[self.index].view_seconds
            if now < due:
                return
            self.shown_at = due
            self.index += 1
        self._close()

    def next_item(self) -> None:
        self.index += 1
        self.shown_at = self.app.host.now()
        if self.index >= len(self.items):
            self._close()

    def previous_item(self) -> None:
        self.index = max(0, self.index - 1)
        self.shown_at = self.app.host.now()

    def _close(self) -> None:
        if self.app.top is self:
            self.app.pop()

    def build(self) -> list[Node]:
        t = self.t
        if self.index >= len(self.items):
            return []
        item = self.items[self.index]
        age = short_age(t, item.posted_at, self.app.host.wall_now())
        kind = t["photo_lc"] if item.media_type == "image" else t["video_lc"]
        root = Node(FRAME, "reel_viewer_root", bounds=(0, 0, W, BOTTOM))
        media = Node(
            FRAME,
            "reel_viewer_media_container",
            desc=t.fmt("story_by", user=self.username, age=age, type=kind),
            bounds=(0, TOP, W, 2140),
        )
        if item.media_type == "image":
            media.add(Node(IMAGE, "reel_viewer_image_view", bounds=(0, TOP, W, 2140)))
        else:
            media.add(
                Node(
                    "android.view.TextureView",
                    "viewer_texture_view" if self.app.legacy else "reel_viewer_texture_view",
                    bounds=(0, TOP, W, 2140),
                )
            )
        # touches go to the whole media: left third back, the rest forward
        media.add(
            Node(FRAME, bounds=(0, 420, W // 3, 2140), clickable=True, on_tap=self.previous_item)
        )
        media.add(Node(FRAME, bounds=(W // 3, 420, W, 2140), clickable=True, on_tap=self.next_item))
        root.add(media)
        root.add(Node(FRAME, "reel_viewer_progress_bar", bounds=(0, TOP + 157, W - 41, TOP + 186)))
        header = Node(
            LINEAR,
            "reel_viewer_header",
            desc=t.fmt("story_header", user=self.username, age=age),
            bounds=(99, TOP + 185, 914, TOP + 343),
        )
        avatar = Node(IMAGE, "reel_viewer_front_avatar", bounds=(120, TOP + 210, 230, TOP + 320))
        header.add(avatar)
        texts = Node(LINEAR, "reel_viewer_text_container", bounds=(250, TOP + 230, 900, TOP + 300))
        texts.add(
            Node(
                TEXT,
                "reel_viewer_title",
                text=self.username,
                bounds=(250, TOP + 230, 560, TOP + 300),
            )
        )
        texts.add(
            Node(TEXT, "reel_viewer_timestamp", text=age, bounds=(580, TOP + 230, 700, TOP + 300))
        )
        header.add(texts)
        root.add(header)
        root.add(
            image_view(
                "header_menu_button",
                t["more_actions"],
                (914, TOP + 161, 1039, TOP + 290),
                on_tap=lambda: None,
            )
        )
        toolbar = Node(LINEAR, "viewer_reel_item_toolbar_container", bounds=(0, 2140, W, BOTTOM))
        toolbar.add(image_view("", t["activity"], (21, 2170, 200, 2300), on_tap=lambda: None))
        if item.viewers:  # the own story says who saw it: "Seen by 12" beside Activity
            seen = t.fmt("seen_by", n=t.number(item.viewers))
            toolbar.add(text_view("", seen, (210, 2190, 700, 2280), desc=seen))
        root.add(toolbar)
        return [root]
