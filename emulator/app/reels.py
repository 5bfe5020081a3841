"""Reel creation: the "New reel" gallery, the reel editor, and the old draft the reel draft
prompt can reopen. The reel composer is `creation.ComposerScreen` with kind "reel"."""

from __future__ import annotations

from datetime import UTC, datetime

from emulator.app.base import BAR_BOTTOM, TAB_TOP, Screen, W, action_bar, destination_selector
from emulator.app.creation import VideoEditScreen, grid
from emulator.storage import MediaItem
from emulator.ui import Node


def draft_item(app) -> MediaItem:
    """The old reel draft that "Keep editing" reopens (not the job's media)."""
    if app.reel_draft is None:
        app.reel_draft = MediaItem(
            path="/data/user/0/com.instagram.android/files/drafts/clips_draft_1.mp4",
            sha256="0" * 64,
            kind="video",
            taken_at=datetime(2026, 1, 2, 10, 0, tzinfo=UTC),
            duration=12.0,
        )
    return app.reel_draft


class ReelEditScreen(VideoEditScreen):
    name = "reel_edit"

    def __init__(self, app, item: MediaItem) -> None:
        super().__init__(app, [item], kind="reel")


class ReelGalleryScreen(Screen):
    """New reel: tapping a thumbnail opens it in the reel editor."""

    name = "reel_gallery"
    activity = "com.instagram.modal.ModalActivity"

    def build(self) -> list[Node]:
        app = self.app
        t = self.t
        items = app.gallery_items()
        nodes = [action_bar(self, t["new_reel"], left="close")]
        nodes.append(grid(self, items, (0, BAR_BOTTOM, W, TAB_TOP), 3, self.pick))
        nodes.append(destination_selector(self, "reel"))
        return nodes

    def pick(self, item: MediaItem) -> None:
        self.app.push(ReelEditScreen(self.app, item))
