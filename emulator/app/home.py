"""The home feed (stories tray, upload progress rows, posts) and the search / reels tab
placeholders."""

from __future__ import annotations

from datetime import datetime

from emulator.app.base import (
    BAR_BOTTOM,
    TAB_TOP,
    TOP,
    Screen,
    W,
    clip_tree,
    image_view,
    shift,
    tab_bar,
    text_view,
)
from emulator.app.dialogs import DiscardUploadDialog
from emulator.app.uploads import Upload
from emulator.texts import Texts
from emulator.ui import FRAME, HSCROLL, LINEAR, PROGRESS, RECYCLER, Node

_FRIENDS = [
    ("travel.daily", "Sunrise over the dunes 🌅", "2 hours ago"),
    ("coffee_lab", "Our new single origin is here", "5 hours ago"),
    ("city.sketches", "Rooftops, watercolour on paper", "1 day ago"),
]


def ago(t: Texts, then: datetime, now: datetime) -> str:
    seconds = max(0, int((now - then).total_seconds()))
    if seconds < 60:
        return t["just_now"]
    if seconds < 3600:
        return t.fmt("minutes_ago", n=seconds // 60)
    if seconds < 86400:
        return t.fmt("hours_ago", n=seconds // 3600)
    return t.fmt("days_ago", n=seconds // 86400)


class HomeScreen(Screen):
    name = "home"

    def build(self) -> list[Node]:
        app = self.app
        t = self.t
        nodes: list[Node] = []
        bar = Node(FRAME, "action_bar_container", bounds=(0, TOP, W, BAR_BOTTOM))
        if app.has("layout_create_top_left"):
            left = Node(
                LINEAR, "action_bar_buttons_container_left", bounds=(0, TOP, 147, BAR_BOTTOM)
            )
            left.add(
                image_view(
                    "", t["create"], (21, TOP + 21, 126, BAR_BOTTOM - 21), on_tap=app.open_creation
                )
            )
            bar.add(left)
        bar.add(image_view("title_logo", t["instagram"], (168, TOP + 25, 480, BAR_BOTTOM - 25)))
        right = Node(LINEAR, "action_bar_buttons_container_right", bounds=(800, TOP, W, BAR_BOTTOM))
        right.add(
            image_view(
                "action_bar_notifications_button",
                t["notifications"],
                (810, TOP + 21, 915, BAR_BOTTOM - 21),
                on_tap=lambda: None,
            )
        )
        right.add(
            image_view(
                "action_bar_inbox_button",
                t["messenger"],
                (936, TOP + 21, 1059, BAR_BOTTOM - 21),
                on_tap=lambda: None,
            )
        )
        bar.add(right)
        nodes.append(bar)

        area = (0, BAR_BOTTOM, W, TAB_TOP)
        if app.host.now() < app.offline_until:
            nodes.append(
                text_view("offline_banner", t["no_internet"], (0, BAR_BOTTOM, W, BAR_BOTTOM + 84))
            )
            area = (0, BAR_BOTTOM + 84, W, TAB_TOP)
        feed = Node(RECYCLER, "android:id/list", bounds=area, scrollable=True)
        feed.on_scroll = lambda dx, dy: self.scroll_by(dx, dy, 3000)
        content: list[Node] = []
        y = area[1]
        content.append(self._stories_tray(y))
        y += 330
        for upload in app.uploads:
            if upload.username == app.current and not upload.hidden and upload.kind != "story":
                content.append(self._pending_row(upload, y))
                y += 168
        own = app.account
        posts: list[tuple[str, str, str, int]] = []
        now = app.host.wall_now()
        if own is not None:
            for post in own.profile[:2]:
                if post.published is not None:
                    posts.append(
                        (
                            own.account.username,
                            post.caption,
                            ago(t, post.posted_at, now),
                            post.item_count,
                        )
                    )
        posts += [(u, c, when, 1) for u, c, when in _FRIENDS]
        for username, caption, when, count in posts:
            content.append(_feed_post(self, username, caption, when, count, y))
            y += 1500
        for node in content:
            shifted = clip_tree(shift(node, self.scroll), area)
            if shifted is not None:
                feed.add(shifted)
        nodes.append(feed)
        nodes.append(tab_bar(self, "home"))
        return nodes

    def _stories_tray(self, y: int) -> Node:
        app = self.app
        t = self.t
        tray = Node(HSCROLL, "reels_tray_container", bounds=(0, y, W, y + 330), scrollable=True)
        own = app.account
        posting_story = any(
            u.kind == "story" and u.username == app.current and u.state == "running"
            for u in app.uploads
        )
        failed_story = any(
            u.kind == "story" and u.username == app.current and u.state == "failed"
            for u in app.uploads
        )
        desc = t["your_story"]
        if posting_story:
            desc = f"{t['your_story']}. {t['posting']}"
        elif failed_story:
            desc = f"{t['your_story']}. {t['couldnt_post']}"
        item = Node(
            FRAME,
            "avatar_container",
            desc=desc,
            bounds=(21, y + 21, 252, y + 310),
            clickable=True,
            focusable=True,
            on_tap=app.open_own_story,
        )
        avatar = Node(FRAME, "avatar_image_view", bounds=(42, y + 42, 231, y + 231))
        if own is not None and own.live_stories(app.host.wall_now()):
            avatar.add(Node(FRAME, "reel_ring", bounds=(36, y + 36, 237, y + 237)))
        if posting_story:
            avatar.add(Node(PROGRESS, "reel_upload_progress", bounds=(36, y + 36, 237, y + 237)))
        item.add(avatar)
        item.add(text_view("username", t["your_story"], (21, y + 245, 252, y + 300)))
        tray.add(item)
        x = 273
        for username, _, _ in _FRIENDS:
            friend = Node(
                FRAME,
                "avatar_container",
                desc=t.fmt("story_of", user=username),
                bounds=(x, y + 21, x + 231, y + 310),
                clickable=True,
                focusable=True,
                on_tap=lambda: None,
            )
            friend.add(text_view("username", username, (x, y + 245, x + 231, y + 300)))
            tray.add(friend)
            x += 252
        return tray

    def _pending_row(self, upload: Upload, y: int) -> Node:
        app = self.app
        t = self.t
        phase = upload.phase(app.host.now())
        row = Node(FRAME, "row_pending_container", bounds=(0, y, W, y + 168))
        row.add(image_view("row_pending_media_imageview", "", (32, y + 21, 158, y + 147)))
        if phase in ("posting", "finishing"):
            status = t["posting"] if phase == "posting" else t["finishing"]
            row.add(
                text_view("row_pending_media_status_textview", status, (190, y + 40, 900, y + 128))
            )
            row.add(
                Node(
                    PROGRESS, "row_pending_media_progress_bar", bounds=(190, y + 140, 1048, y + 150)
                )
            )
        else:
            row.add(
                text_view(
                    "row_pending_media_status_textview",
                    t["couldnt_post"],
                    (190, y + 20, 860, y + 148),
                )
            )
            row.add(
                image_view(
                    "row_pending_media_reshare_button",
                    t["retry"],
                    (880, y + 42, 964, y + 126),
                    on_tap=lambda: app.retry_upload(upload),
                )
            )
            row.add(
                image_view(
                    "row_pending_media_options_button",
                    t["more_options"],
                    (970, y + 42, 1054, y + 126),
                    on_tap=lambda: app.dialogs.append(DiscardUploadDialog(app, upload)),
                )
            )
        return row


def _feed_post(screen: Screen, username: str, caption: str, when: str, count: int, y: int) -> Node:
    t = screen.t
    post = Node(LINEAR, "", bounds=(0, y, W, y + 1500))
    header = Node(FRAME, "row_feed_profile_header", bounds=(0, y, W, y + 150))
    header.add(
        text_view(
            "row_feed_photo_profile_name",
            username,
            (150, y + 40, 700, y + 110),
            on_tap=lambda: None,
        )
    )
    post.add(header)
    media_rid = "carousel_media_group" if count > 1 else "zoomable_view_container"
    post.add(Node(FRAME, media_rid, bounds=(0, y + 150, W, y + 1230)))
    buttons = Node(LINEAR, "row_feed_view_group_buttons", bounds=(0, y + 1230, W, y + 1356))
    buttons.add(
        image_view(
            "row_feed_button_like", t["like"], (21, y + 1240, 147, y + 1346), on_tap=lambda: None
        )
    )
    buttons.add(
        image_view(
            "row_feed_button_comment",
            t["comment"],
            (147, y + 1240, 273, y + 1346),
            on_tap=lambda: None,
        )
    )
    post.add(buttons)
    post.add(
        text_view(
            "row_feed_comment_textview_layout",
            f"{username} {caption}",
            (42, y + 1356, 1038, y + 1440),
        )
    )
    post.add(text_view("row_feed_textview_time", when, (42, y + 1440, 600, y + 1490)))
    return post


class TabPlaceholderScreen(Screen):
    """Search and Reels tabs: present so the tab bar works, with no publishing role."""

    def __init__(self, app, tab: str) -> None:
        super().__init__(app)
        self.tab = tab
        self.name = "search" if tab == "search" else "reels_tab"

    def build(self) -> list[Node]:
        t = self.t
        nodes: list[Node] = []
        if self.tab == "search":
            box = Node(
                "android.widget.EditText",
                "action_bar_search_edit_text",
                text=t["search_hint"],
                bounds=(42, TOP + 21, 1038, BAR_BOTTOM - 21),
                clickable=True,
                focusable=True,
            )
            nodes.append(box)
            nodes.append(
                Node(RECYCLER, "recycler_view", bounds=(0, BAR_BOTTOM, W, TAB_TOP), scrollable=True)
            )
        else:
            nodes.append(Node(FRAME, "clips_viewer_view_pager", bounds=(0, 0, W, TAB_TOP)))
        nodes.append(tab_bar(self, "search" if self.tab == "search" else "reels"))
        return nodes
