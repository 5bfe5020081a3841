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
from emulator.ui import (
    BUTTON,
    FRAME,
    HSCROLL,
    IMAGE,
    LINEAR,
    PROGRESS,
    RECYCLER,
    TEXT,
    VIEW_GROUP,
    Node,
)

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
        if not self.app.legacy:
            return self._build_2025()
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

    def _build_2025(self) -> list[Node]:
        """The home feed as the 2025-12 dumps show it: the action bar with the id-less Create
        ImageView in `action_bar_buttons_container_left`, the logo (`title_logo`, content-desc
        "Instagram Home Feed") and the notifications button; `android:id/list` with the
        stories tray, the upload rows (`row_pending_container`) and the posts; the tab bar."""
        app = self.app
        t = self.t
        nodes: list[Node] = []
        area = (0, BAR_BOTTOM, W, TAB_TOP)
        feed = Node(RECYCLER, "android:id/list", bounds=area, scrollable=True)
        feed.on_scroll = lambda dx, dy: self.scroll_by(dx, dy, 3000)
        content: list[Node] = []
        y = area[1]
        content.append(self._stories_tray_2025(y))
        y += 358
        for upload in app.uploads:
            if upload.username != app.current or upload.hidden or upload.kind == "story":
                continue
            if upload.kind == "reel" and upload.state != "failed":
                continue  # a reel on its way shows the snackbar, not a row
            content.append(self._pending_row_2025(upload, y))
            y += 217
        for username, caption, when, count in self._posts():
            content.append(_feed_post_2025(self, username, caption, when, count, y))
            y += 1500
        for node in content:
            shifted = clip_tree(shift(node, self.scroll), area)
            if shifted is not None:
                feed.add(shifted)
        nodes.append(feed)
        bar = Node(LINEAR, "action_bar_LinearLayout", bounds=(0, TOP, W, BAR_BOTTOM))
        main = Node(FRAME, "main_feed_action_bar", bounds=bar.bounds)
        buttons = Node(LINEAR, "action_bar_action_buttons", bounds=bar.bounds)
        left = Node(LINEAR, "action_bar_buttons_container_left", bounds=(0, TOP, 118, BAR_BOTTOM))
        left.add(image_view("", "", (0, TOP, 118, BAR_BOTTOM), on_tap=app.open_creation))
        buttons.add(left)
        title = Node(
            "android.widget.ViewAnimator",
            "action_bar_title_view",
            bounds=(118, TOP + 33, 962, BAR_BOTTOM - 33),
            clickable=True,
            on_tap=lambda: None,
        )
        logo = Node(
            LINEAR, "title_logo_chevron_container", bounds=(384, TOP + 33, 695, BAR_BOTTOM - 33)
        )
        logo.add(
            image_view("title_logo", t["home_feed_logo"], (384, TOP + 33, 648, BAR_BOTTOM - 33))
        )
        logo.add(Node(IMAGE, "logo_chevron", bounds=(665, TOP + 58, 695, TOP + 91)))
        title.add(logo)
        buttons.add(title)
        right = Node(LINEAR, "action_bar_buttons_container_right", bounds=(962, TOP, W, BAR_BOTTOM))
        note = Node(
            FRAME,
            "notification",
            desc=t["notifications"],
            bounds=(962, TOP, W, BAR_BOTTOM),
            clickable=True,
            on_tap=lambda: None,
        )
        note.add(Node(IMAGE, "tab_icon", bounds=(992, TOP + 43, 1050, BAR_BOTTOM - 43)))
        right.add(note)
        buttons.add(right)
        main.add(buttons)
        bar.add(main)
        nodes.append(bar)
        nodes.append(tab_bar(self, "home"))
        return nodes

    def _posts(self) -> list[tuple[str, str, str, int]]:
        app = self.app
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
                            ago(self.t, post.posted_at, now),
                            post.item_count,
                        )
                    )
        return posts + [(u, c, when, 1) for u, c, when in _FRIENDS]

    def _stories_tray_2025(self, y: int) -> Node:
        """`reels_tray_container` › RecyclerView (desc "reels tray container") › one
        `outer_container` per story with a Button whose content-desc names the story; the
        own one shows "Your story" and the `reel_empty_badge` (Add to story) when empty."""
        app = self.app
        t = self.t
        tray = Node(FRAME, "reels_tray_container", bounds=(0, y, W, y + 358))
        lst = Node(RECYCLER, "", desc=t["reels_tray"], bounds=(0, y, W, y + 358), scrollable=True)
        tray.add(lst)
        own = app.account
        me = app.current or ""
        live = own is not None and bool(own.live_stories(app.host.wall_now()))
        posting = any(
            u.kind == "story" and u.username == me and u.state == "running" for u in app.uploads
        )
        failed = any(
            u.kind == "story" and u.username == me and u.state == "failed" for u in app.uploads
        )
        entries = [(me, t["your_story"], True), *((u, u, False) for u, _, _ in _FRIENDS)]
        x = 0
        for i, (user, label, mine) in enumerate(entries):
            b = (x, y, x + 274, y + 358)
            outer = Node(LINEAR, "outer_container", bounds=b, clickable=True, on_tap=lambda: None)
            view = Node(FRAME, "avatar_view", bounds=(x, y, x + 274, y + 293))
            desc = t.fmt("story_tray_desc", user=user, n=i, m=len(entries) - 1, seen=t["unseen"])
            if mine and posting:
                desc = f"{t['your_story']}. {t['posting']}"
            elif mine and failed:
                desc = f"{t['your_story']}. {t['couldnt_post']}"
            avatar_button = Node(
                BUTTON,
                "",
                desc=desc,
                bounds=view.bounds,
                clickable=True,
                on_tap=app.open_own_story if mine else (lambda: None),
            )
            box = Node(FRAME, "avatar_container", bounds=view.bounds)
            box.add(
                Node(
                    IMAGE, "avatar_image_view", desc=desc, bounds=(x + 33, y + 37, x + 240, y + 267)
                )
            )
            if mine and live:
                box.add(Node(FRAME, "reel_ring", bounds=(x + 27, y + 31, x + 246, y + 273)))
            elif mine:
                box.add(
                    Node(
                        IMAGE,
                        "reel_empty_badge",
                        desc=t["add_to_story_badge"],
                        bounds=(x + 181, y + 202, x + 255, y + 283),
                    )
                )
            avatar_button.add(box)
            view.add(avatar_button)
            outer.add(view)
            names = Node(VIEW_GROUP, "title_container", bounds=(x, y + 293, x + 274, y + 337))
            names.add(text_view("username", label, (x + 40, y + 293, x + 234, y + 337)))
            outer.add(names)
            lst.add(outer)
            x += 274
        return tray

    def _pending_row_2025(self, upload: Upload, y: int) -> Node:
        """An upload in the feed (2025-12 dumps): "Posting to <user>…" / "Keep Instagram open
        to finish posting…" with a progress bar; "Posted! Nicely done." + "Want to send it to
        friends?" + Send (`row_pending_media_reshare_button`); on failure "Video can't be
        posted" (photo: "Photo can't be posted") with `row_pending_media_retry_button` and
        `row_pending_media_discard_button`."""
        app = self.app
        t = self.t
        phase = upload.phase(app.host.now())
        row = Node(
            LINEAR,
            "row_pending_container",
            bounds=(0, y, W, y + 217),
            clickable=True,
            on_tap=lambda: None,
        )
        thumb = Node(
            FRAME, "row_pending_media_imageview_container", bounds=(39, y + 22, 128, y + 195)
        )
        thumb.add(Node(IMAGE, "row_pending_media_imageview", bounds=thumb.bounds))
        row.add(thumb)
        status = Node(
            LINEAR, "row_pending_media_status_container", bounds=(147, y + 60, W, y + 155)
        )
        if phase in ("posting", "finishing"):
            words = (
                t.fmt("posting_to", user=upload.username) if phase == "posting" else t["keep_open"]
            )
            status.add(
                text_view(
                    "row_pending_media_sub_status_textview", words, (166, y + 62, 708, y + 105)
                )
            )
            done = min(1.0, (app.host.now() - upload.started_at) / max(upload.duration, 1e-6))
            bar = Node(
                PROGRESS, "row_pending_media_progress_bar", bounds=(166, y + 127, 1036, y + 132)
            )
            bar.text = f"{round(100.0 * done, 1)}"
            status.add(bar)
            row.add(status)
        elif phase == "done":
            status.add(
                text_view(
                    "row_pending_media_status_textview",
                    t["posted_nicely"],
                    (166, y + 60, 858, y + 113),
                )
            )
            status.add(
                text_view(
                    "row_pending_media_sub_status_textview",
                    t["send_to_friends"],
                    (166, y + 113, 531, y + 157),
                )
            )
            row.add(status)
            send = Node(
                BUTTON,
                "row_pending_media_reshare_button",
                desc=t["send"],
                bounds=(888, y + 65, 1050, y + 152),
                clickable=True,
                focusable=True,
                on_tap=lambda: setattr(upload, "hidden", True),
            )
            send.add(Node(TEXT, "", text=t["send"], bounds=(927, y + 83, 1011, y + 133)))
            row.add(send)
        else:
            video = any(i.kind == "video" for i in upload.items)
            words = t["video_cant_post"] if video else t["photo_cant_post"]
            status.add(
                text_view("row_pending_media_status_textview", words, (166, y + 82, 870, y + 135))
            )
            row.add(status)
            row.add(
                image_view(
                    "row_pending_media_retry_button",
                    t["retry"],
                    (870, y + 75, 963, y + 140),
                    on_tap=lambda: app.retry_upload(upload),
                )
            )
            row.add(
                image_view(
                    "row_pending_media_discard_button",
                    "",
                    (963, y + 75, W, y + 140),
                    on_tap=lambda: setattr(upload, "hidden", True),
                )
            )
        return row

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


def _feed_post_2025(
    screen: Screen, username: str, caption: str, when: str, count: int, y: int
) -> Node:
    """A post in the 2025 feed: header (content-desc "<user> posted a photo <when>"), media
    (`media_group`, or `carousel_media_group`), like/comment/send/save, the caption in an
    id-less IgTextLayoutView, the time in an id-less TextView."""
    t = screen.t
    kind = "photo"
    post = Node(LINEAR, "", bounds=(0, y, W, y + 1500))
    header = Node(
        VIEW_GROUP,
        "row_feed_profile_header",
        desc=t.fmt("posted_a", user=username, kind=kind, when=when.lower()),
        bounds=(0, y, W, y + 142),
    )
    header.add(
        Node(
            IMAGE,
            "row_feed_photo_profile_imageview",
            desc=t.fmt("profile_picture_of", user=username),
            bounds=(36, y + 30, 110, y + 112),
        )
    )
    header.add(
        Node(
            BUTTON,
            "row_feed_photo_profile_name",
            text=username,
            desc=username,
            bounds=(118, y, 973, y + 68),
            clickable=True,
            on_tap=lambda: None,
        )
    )
    header.add(
        image_view(
            "media_option_button",
            t["more_actions_post"],
            (973, y + 5, W, y + 137),
            on_tap=lambda: None,
        )
    )
    post.add(header)
    media_rid = "carousel_media_group" if count > 1 else "media_group"
    post.add(
        Node(
            FRAME, media_rid, bounds=(0, y + 142, W, y + 1222), clickable=True, on_tap=lambda: None
        )
    )
    buttons = Node(VIEW_GROUP, "row_feed_view_group_buttons", bounds=(0, y + 1222, W, y + 1347))
    for rid, key, x in (
        ("row_feed_button_like", "like", 30),
        ("row_feed_button_comment", "comment", 148),
        ("row_feed_button_share", "send_post", 370),
        ("row_feed_button_save", "add_to_saved", 967),
    ):
        buttons.add(image_view(rid, t[key], (x, y + 1222, x + 80, y + 1347), on_tap=lambda: None))
    post.add(buttons)
    post.add(
        Node(
            "com.instagram.ui.widget.textview.IgTextLayoutView",
            "",
            text=f"{username} {caption}",
            bounds=(30, y + 1347, W, y + 1450),
        )
    )
    post.add(Node(TEXT, "", text=when, desc=when, bounds=(0, y + 1450, W, y + 1493)))
    return post


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
        self.name = {"search": "search", "direct": "direct"}.get(tab, "reels_tab")

    def build(self) -> list[Node]:
        t = self.t
        nodes: list[Node] = []
        if self.tab == "search":
            box = Node(
                "android.widget.EditText",
                "action_bar_search_edit_text" if self.app.legacy else "",
                text=t["search_hint"],
                bounds=(42, TOP + 21, 1038, BAR_BOTTOM - 21),
                clickable=True,
                focusable=True,
            )
            nodes.append(box)
            nodes.append(
                Node(RECYCLER, "recycler_view", bounds=(0, BAR_BOTTOM, W, TAB_TOP), scrollable=True)
            )
        elif self.tab == "direct":
            nodes.append(Node(RECYCLER, "", bounds=(0, BAR_BOTTOM, W, TAB_TOP), scrollable=True))
        else:
            nodes.append(Node(FRAME, "clips_viewer_view_pager", bounds=(0, 0, W, TAB_TOP)))
        selected = {"search": "search", "direct": "message"}.get(self.tab, "reels")
        nodes.append(tab_bar(self, selected))
        return nodes
