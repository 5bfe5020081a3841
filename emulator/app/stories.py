"""Story creation: the story camera, its gallery ("Add to story") and the story composer
that shares to Your story (or Close Friends)."""

from __future__ import annotations

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
from emulator.app.creation import grid
from emulator.app.dialogs import DiscardDialog
from emulator.storage import MediaItem
from emulator.ui import FRAME, LINEAR, Node


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
