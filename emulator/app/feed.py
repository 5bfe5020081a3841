"""Screens behind the tab bar: home feed (with upload progress rows), search/reels
placeholders, own profile with its post grid, and a single post."""

from __future__ import annotations

from datetime import datetime

from emulator.accounts import ProfilePost
from emulator.app.base import (
    BAR_BOTTOM,
    TAB_TOP,
    TOP,
    Screen,
    W,
    action_bar,
    button,
    clip_tree,
    image_view,
    shift,
    tab_bar,
    text_view,
)
from emulator.app.uploads import Upload
from emulator.ui import FRAME, HSCROLL, LINEAR, PROGRESS, RECYCLER, TEXT, Node

_FRIENDS = [
    ("travel.daily", "Sunrise over the dunes 🌅", "2 hours ago"),
    ("coffee_lab", "Our new single origin is here", "5 hours ago"),
    ("city.sketches", "Rooftops, watercolour on paper", "1 day ago"),
]


def ago(t, then: datetime, now: datetime) -> str:
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
            on_tap=lambda: None,
        )
        avatar = Node(FRAME, "avatar_image_view", bounds=(42, y + 42, 231, y + 231))
        if own is not None and own.story_active:
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
                    on_tap=lambda: None,
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


GRID_TOP_OFFSET = 1080  # header height above the grid, from the action bar
CELL = 360


class ProfileScreen(Screen):
    name = "profile"

    def build(self) -> list[Node]:
        app = self.app
        t = self.t
        state = app.account
        nodes: list[Node] = []
        if state is None:
            return nodes
        acct = state.account
        title = action_bar(
            self,
            acct.username,
            left="",
            title_rid="action_bar_large_title",
            on_title=self.open_switcher,
        )
        inner = title.children[0]
        if acct.private:
            inner.add(
                image_view(
                    "action_bar_title_lock", "Private", (700, TOP + 50, 760, BAR_BOTTOM - 50)
                )
            )
        inner.add(
            image_view(
                "action_bar_title_chevron",
                t["switch_accounts"],
                (760, TOP + 40, 820, BAR_BOTTOM - 40),
                on_tap=self.open_switcher,
            )
        )
        inner.add(
            image_view(
                "", t["create"], (830, TOP + 21, 935, BAR_BOTTOM - 21), on_tap=app.open_creation
            )
        )
        inner.add(
            image_view("", "Options", (950, TOP + 21, 1059, BAR_BOTTOM - 21), on_tap=lambda: None)
        )
        nodes.append(title)

        area = (0, BAR_BOTTOM, W, TAB_TOP)
        lst = Node(RECYCLER, "android:id/list", bounds=area, scrollable=True)
        rows = (len(state.profile) + 2) // 3
        lst.on_scroll = lambda dx, dy: self.scroll_by(
            dx, dy, max(0, GRID_TOP_OFFSET + rows * CELL - (TAB_TOP - BAR_BOTTOM))
        )
        content = [self._header(state, BAR_BOTTOM)]
        y = BAR_BOTTOM + GRID_TOP_OFFSET
        if acct.private:
            empty = Node(LINEAR, "private_profile_empty_state", bounds=(0, y - 150, W, y))
            empty.add(
                text_view(
                    "private_profile_empty_state_title",
                    t["private_account"],
                    (42, y - 140, 1038, y - 80),
                )
            )
            empty.add(
                text_view(
                    "private_profile_empty_state_subtitle",
                    t["private_body"],
                    (42, y - 80, 1038, y - 10),
                )
            )
            content.append(empty)
        if not state.profile:
            notice = Node(
                LINEAR,
                "row_profile_header_empty_profile_notice_container",
                bounds=(0, y, W, y + 500),
            )
            notice.add(
                text_view(
                    "row_profile_header_empty_profile_notice_title",
                    t["share_first"],
                    (42, y + 200, 1038, y + 300),
                )
            )
            content.append(notice)
        for i, post in enumerate(state.profile):
            r, c = divmod(i, 3)
            b = (c * CELL, y + r * CELL, (c + 1) * CELL, y + (r + 1) * CELL)
            content.append(
                image_view(
                    "image_button",
                    self._grid_desc(acct.full_name, post, r + 1, c + 1),
                    b,
                    on_tap=lambda p=post: app.push(PostScreen(app, p)),
                )
            )
        for node in content:
            shifted = clip_tree(shift(node, self.scroll), area)
            if shifted is not None:
                lst.add(shifted)
        nodes.append(lst)
        nodes.append(tab_bar(self, "profile"))
        return nodes

    def _grid_desc(self, name: str, post: ProfilePost, row: int, col: int) -> str:
        key = {"feed": "grid_photo", "carousel": "grid_carousel", "reel": "grid_reel"}[post.kind]
        if post.kind == "feed" and post.media_types == ["video"]:
            key = "grid_video"
        desc = self.t.fmt(key, name=name, row=row, col=col)
        if post.caption:
            snippet = post.caption.replace("\n", " ")
            snippet = snippet if len(snippet) <= 80 else snippet[:79] + "…"
            desc = f"{desc}. {snippet}"
        return desc

    def _header(self, state, y: int) -> Node:
        t = self.t
        acct = state.account
        header = Node(LINEAR, "profile_header_container", bounds=(0, y, W, y + GRID_TOP_OFFSET))
        avatar = Node(
            FRAME,
            "row_profile_header_imageview",
            desc=t.fmt("profile_picture", user=acct.username),
            bounds=(42, y + 30, 283, y + 271),
            clickable=True,
            focusable=True,
            on_tap=lambda: None,
        )
        if state.story_active:
            avatar.add(Node(FRAME, "reel_ring", bounds=(36, y + 24, 289, y + 277)))
        header.add(avatar)
        stats = [
            (
                "row_profile_header_post_count_container",
                "row_profile_header_textview_post_count",
                "row_profile_header_textview_post_count_label",
                len(state.profile),
                "posts",
            ),
            (
                "row_profile_header_followers_container",
                "row_profile_header_textview_followers_count",
                "row_profile_header_textview_followers_label",
                acct.followers,
                "followers",
            ),
            (
                "row_profile_header_following_container",
                "row_profile_header_textview_following_count",
                "row_profile_header_textview_following_label",
                acct.following,
                "following",
            ),
        ]
        x = 340
        for container_rid, count_rid, label_rid, value, key in stats:
            box = Node(
                LINEAR,
                container_rid,
                bounds=(x, y + 80, x + 230, y + 230),
                clickable=True,
                focusable=True,
                on_tap=lambda: None,
            )
            box.add(text_view(count_rid, t.number(value), (x, y + 80, x + 230, y + 150)))
            box.add(text_view(label_rid, t[key], (x, y + 150, x + 230, y + 220)))
            header.add(box)
            x += 240
        header.add(
            text_view("profile_header_full_name", acct.full_name, (42, y + 300, 1038, y + 360))
        )
        header.add(text_view("profile_header_bio_text", "", (42, y + 360, 1038, y + 420)))
        header.add(button("", t["edit_profile"], (42, y + 480, 530, y + 580), lambda: None))
        header.add(button("", t["share_profile"], (550, y + 480, 1038, y + 580), lambda: None))
        tabs = Node(LINEAR, "profile_tab_layout", bounds=(0, y + 940, W, y + GRID_TOP_OFFSET))
        for i, key in enumerate(("grid_view", "reels", "photos_of_you")):
            tabs.add(
                image_view(
                    "profile_tab_icon_view",
                    t[key],
                    (i * 360, y + 940, (i + 1) * 360, y + GRID_TOP_OFFSET),
                    on_tap=lambda: None,
                    selected=i == 0,
                )
            )
        header.add(tabs)
        return header

    def open_switcher(self) -> None:
        from emulator.app.dialogs import AccountSwitcherSheet

        self.app.dialogs.append(AccountSwitcherSheet(self.app))


CAPTION_LIMIT = 125


class PostScreen(Screen):
    """One of the account's posts opened from the grid: caption, item count, time."""

    name = "post"

    def __init__(self, app, post: ProfilePost) -> None:
        super().__init__(app)
        self.post = post
        self.index = 0
        self.expanded = False

    def build(self) -> list[Node]:
        app = self.app
        t = self.t
        post = self.post
        username = app.current or ""
        nodes: list[Node] = [action_bar(self, t["posts_title"])]
        y = BAR_BOTTOM
        lst = Node(RECYCLER, "android:id/list", bounds=(0, y, W, TAB_TOP), scrollable=True)
        header = Node(FRAME, "row_feed_profile_header", bounds=(0, y, W, y + 150))
        header.add(
            text_view(
                "row_feed_photo_profile_name",
                username,
                (150, y + 40, 700, y + 110),
                on_tap=lambda: None,
            )
        )
        header.add(
            image_view(
                "feed_more_button_stub",
                t["more_options"],
                (960, y + 30, 1059, y + 120),
                on_tap=lambda: None,
            )
        )
        lst.add(header)
        media_top, media_bottom = y + 150, y + 1230
        kind_word = t["video"] if post.media_types[self.index] == "video" else t["photo"]
        if post.item_count > 1:
            media = Node(
                FRAME,
                "carousel_media_group",
                desc=f"{kind_word} {t.fmt('post_n_of_m', n=self.index + 1, m=post.item_count)}",
                bounds=(0, media_top, W, media_bottom),
                scrollable=True,
            )
            media.on_scroll = self._page
            media.add(
                text_view(
                    "carousel_index_indicator_text_view",
                    f"{self.index + 1}/{post.item_count}",
                    (900, media_top + 30, 1050, media_top + 100),
                )
            )
            lst.add(media)
            lst.add(
                Node(
                    FRAME,
                    "carousel_page_indicator",
                    desc=t.fmt("post_n_of_m", n=self.index + 1, m=post.item_count),
                    bounds=(400, media_bottom + 10, 680, media_bottom + 40),
                )
            )
        else:
            lst.add(
                Node(
                    FRAME,
                    "zoomable_view_container",
                    desc=kind_word,
                    bounds=(0, media_top, W, media_bottom),
                )
            )
        y = media_bottom + 50
        buttons = Node(LINEAR, "row_feed_view_group_buttons", bounds=(0, y, W, y + 126))
        buttons.add(
            image_view(
                "row_feed_button_like", t["like"], (21, y, 147, y + 126), on_tap=lambda: None
            )
        )
        buttons.add(
            image_view(
                "row_feed_button_comment", t["comment"], (147, y, 273, y + 126), on_tap=lambda: None
            )
        )
        lst.add(buttons)
        y += 126
        caption = post.caption
        if len(caption) > CAPTION_LIMIT and not self.expanded:
            caption = caption[:CAPTION_LIMIT].rstrip() + f"… {t['more']}"
        lines = 1 + caption.count("\n") + len(caption) // 40
        cap_node = Node(
            TEXT,
            "row_feed_comment_textview_layout",
            text=f"{username} {caption}",
            bounds=(42, y, 1038, min(TAB_TOP - 60, y + 60 * lines)),
            clickable=True,
            focusable=True,
            on_tap=self._expand,
        )
        lst.add(cap_node)
        y = cap_node.bounds[3]
        when = ago(t, post.posted_at, app.host.wall_now())
        lst.add(text_view("row_feed_textview_time", when, (42, y, 600, min(TAB_TOP, y + 50))))
        nodes.append(lst)
        nodes.append(tab_bar(self, "profile"))
        return nodes

    def _page(self, dx: int, dy: int) -> None:
        if dx > 0:
            self.index = min(self.post.item_count - 1, self.index + 1)
        elif dx < 0:
            self.index = max(0, self.index - 1)

    def _expand(self) -> None:
        self.expanded = True
