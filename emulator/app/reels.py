"""Reels: the "New reel" gallery, the reel editor, the Reels tab with the upload snackbar, and
the old draft the reel draft prompt can reopen. The reel composer is
`creation.ComposerScreen` with kind "reel"."""

from __future__ import annotations

from datetime import UTC, datetime

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
    tab_bar,
    text_view,
)
from emulator.app.creation import VideoEditScreen, gallery_2025, grid
from emulator.storage import MediaItem
from emulator.ui import BUTTON, FRAME, HSCROLL, IMAGE, LINEAR, PROGRESS, TEXT, VIEW_GROUP, Node


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
        if not app.legacy:
            return gallery_2025(
                self,
                t["new_reel"],
                [t["label_edits"], t["drafts"], t["templates"]],
                items,
                self.pick,
                destinations="reel",
            )
        nodes = [action_bar(self, t["new_reel"], left="close")]
        nodes.append(grid(self, items, (0, BAR_BOTTOM, W, TAB_TOP), 3, self.pick))
        nodes.append(destination_selector(self, "reel"))
        return nodes

    def pick(self, item: MediaItem) -> None:
        self.app.push(ReelEditScreen(self.app, item))


class ReelsTabScreen(Screen):
    """The Reels tab (2025-26): a full-screen reel viewer with "Create a reel" at the top
    left. The upload snackbar of a reel being shared is drawn by the app over every tab."""

    name = "reels_tab"

    def build(self) -> list[Node]:
        app = self.app
        t = self.t
        root = Node(FRAME, "root_clips_layout", bounds=(0, 0, W, TAB_TOP))
        viewer = Node(FRAME, "clips_viewer_container", bounds=root.bounds)
        pager = Node(FRAME, "clips_viewer_view_pager", bounds=root.bounds)
        # the reel playing: like / comment / share buttons at the right, as real dumps show
        y = 1298
        for rid, key in (
            ("like_button", "like"),
            ("comment_button", "comment"),
            ("direct_share_button", "share"),
        ):
            pager.add(image_view(rid, t[key], (952, y, 1060, y + 120), on_tap=lambda: None))
            y += 142
        # the caption under the author (real dumps: a ViewGroup whose content-desc is the
        # caption's head, cut with "…")
        caption = Node(
            "android.view.ViewGroup", "clips_caption_component", bounds=(39, 1614, 952, 1725)
        )
        caption.add(
            Node(
                "android.view.ViewGroup",
                "",
                desc=t["reels_tab_caption"],
                bounds=(39, 1624, 952, 1725),
                clickable=True,
                on_tap=lambda: None,
            )
        )
        pager.add(caption)
        nodes: list[Node] = [root.add(viewer.add(pager))]
        bar = Node(
            "android.widget.RelativeLayout", "clips_viewer_action_bar", bounds=(0, TOP, W, 232)
        )
        start = Node(LINEAR, "clips_action_bar_start_action_buttons", bounds=(0, TOP, 128, 232))
        start.add(
            image_view(
                "", t["create_a_reel"], (0, TOP + 23, 128, 232), on_tap=app.open_reel_creation
            )
        )
        bar.add(start)
        titles = Node(
            LINEAR, "clips_viewer_action_bar_title_container", bounds=(240, TOP, 960, 232)
        )
        tabs = Node(HSCROLL, "action_bar_tab_layout", bounds=(287, 115, 960, 218))
        reels_tab = Node(LINEAR, "", desc=t["reels"], bounds=(287, 115, 545, 218), selected=True)
        reels_tab.add(Node(TEXT, "android:id/text1", text=t["reels"], bounds=(292, 115, 490, 218)))
        friends = Node(
            LINEAR,
            "",
            desc=t["friends"],
            bounds=(545, 115, 960, 218),
            clickable=True,
            on_tap=lambda: None,
        )
        friends.add(Node(TEXT, "android:id/text1", text=t["friends"], bounds=(550, 115, 810, 218)))
        tabs.add(reels_tab, friends)
        titles.add(tabs)
        bar.add(titles)
        nodes.append(bar)
        nodes.append(tab_bar(self, "reels"))
        return nodes


def upload_snackbar(app) -> Node | None:
    """The reel upload snackbar (`igds_upload_snackbar`) above the tab bar: "Sharing to
    Reels…" with a progress bar while the reel uploads, then "Done posting. Want to send it
    directly to friends?" with Send for a few seconds. Failed reels show no snackbar: the
    home feed's row says "Video can't be posted"."""
    t = app.texts
    shown = [
        u
        for u in app.uploads
        if u.kind == "reel" and u.username == app.current and not u.hidden and u.state != "failed"
    ]
    if not shown:
        return None
    upload = shown[-1]
    top = TAB_TOP - 227
    overlay = Node(FRAME, "overlay_layout_container", bounds=(0, 0, W, BOTTOM))
    bar = Node(FRAME, "igds_upload_snackbar", bounds=(0, top, W, TAB_TOP))
    box = Node(
        VIEW_GROUP,
        "upload_snackbar_container",
        bounds=(20, top + 22, 1060, TAB_TOP - 22),
        clickable=True,
        on_tap=lambda: None,
    )
    thumb = Node(FRAME, "media_thumbnail_container", bounds=(58, top + 70, 136, top + 148))
    thumb.add(Node(IMAGE, "media_thumbnail", bounds=thumb.bounds))
    thumb.add(Node(IMAGE, "media_thumbnail_overlay", bounds=(70, top + 82, 124, top + 136)))
    box.add(thumb)
    if upload.state == "running":
        texts = Node(
            LINEAR, "upload_progress_bar_container", bounds=(160, top + 28, 1036, top + 198)
        )
        texts.add(text_view("status_text", t["sharing_to_reels"], (160, top + 77, 1036, top + 125)))
        progress = Node(PROGRESS, "progress_bar", bounds=(160, top + 147, 1036, top + 150))
        progress.text = f"{round(90.0 * _progress(app, upload), 1)}"
        texts.add(progress)
        box.add(texts)
    else:
        texts = Node(
            LINEAR, "upload_progress_bar_container", bounds=(160, top + 22, 882, top + 205)
        )
        texts.add(text_view("status_text", t["done_posting"], (160, top + 70, 882, top + 163)))
        box.add(texts)
        box.add(
            Node(
                BUTTON,
                "upload_snackbar_button",
                text=t["send"],
                bounds=(906, top + 43, 1050, top + 190),
                clickable=True,
                focusable=True,
                on_tap=lambda: setattr(upload, "hidden", True),
            )
        )
    bar.add(box)
    overlay.add(bar)
    return overlay


def _progress(app, upload) -> float:
    if upload.duration <= 0:
        return 1.0
    return max(0.0, min(1.0, (app.host.now() - upload.started_at) / upload.duration))
