"""The own profile (header, post count, grid, account switcher) and a single post opened
from the grid (caption, carousel indicator, time)."""

from __future__ import annotations

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
from emulator.app.dialogs import AccountSwitcherSheet
from emulator.app.home import ago
from emulator.app.insights import DashboardScreen
from emulator.ui import BUTTON, FRAME, HSCROLL, IMAGE, LINEAR, RECYCLER, TEXT, VIEW, Node

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
        if not app.legacy:
            return self._build_2025(state)
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

    def _build_2025(self, state) -> list[Node]:
        """The own profile of the 2025-12 dumps: `profile_action_bar` with the "+"
        (`left_action_bar_buttons` › ImageView "Create New", opening the Create sheet), the
        username (`action_bar_username_container` › `action_bar_title` + chevron), Options;
        the header with `profile_header_familiar_*` counts; the grid of `image_button`s in
        `media_set_row_content_identifier` rows; the tab bar."""
        app = self.app
        t = self.t
        acct = state.account
        nodes: list[Node] = []
        area = (0, BAR_BOTTOM, W, TAB_TOP)
        lst = Node(RECYCLER, "android:id/list", bounds=area, scrollable=True)
        rows = (len(state.profile) + 2) // 3
        lst.on_scroll = lambda dx, dy: self.scroll_by(
            dx, dy, max(0, GRID_TOP_OFFSET + rows * CELL - (TAB_TOP - BAR_BOTTOM))
        )
        content = [self._header_2025(state, BAR_BOTTOM)]
        y = BAR_BOTTOM + GRID_TOP_OFFSET
        if acct.private:
            empty = Node(LINEAR, "private_profile_empty_state", bounds=(0, y - 150, W, y))
            empty.add(text_view("", t["private_account"], (42, y - 140, 1038, y - 80)))
            content.append(empty)
        if not state.profile:
            content.append(text_view("", t["share_first"], (42, y + 200, 1038, y + 300)))
        for r in range(rows):
            row = Node(LINEAR, "media_set_row_content_identifier", bounds=(0, y, W, y + CELL))
            for c in range(3):
                i = r * 3 + c
                if i >= len(state.profile):
                    break
                post = state.profile[i]
                b = (c * CELL, y, (c + 1) * CELL - 6, y + CELL - 6)
                cell = Node(FRAME, "", bounds=b)
                cell.add(
                    Node(
                        BUTTON,
                        "image_button",
                        desc=self._grid_desc(acct.full_name, post, r + 1, c + 1),
                        bounds=b,
                        clickable=True,
                        on_tap=lambda p=post: app.push(PostScreen(app, p)),
                    )
                )
                row.add(cell)
            content.append(row)
            y += CELL
        for node in content:
            shifted = clip_tree(shift(node, self.scroll), area)
            if shifted is not None:
                lst.add(shifted)
        nodes.append(lst)
        bar = Node(FRAME, "profile_action_bar", bounds=(0, TOP, W, BAR_BOTTOM))
        layout = Node(LINEAR, "action_bar_layout", bounds=(0, TOP, 1060, BAR_BOTTOM))
        left = Node(LINEAR, "left_action_bar_buttons", bounds=(0, TOP, 118, BAR_BOTTOM))
        left.add(image_view("", t["create_new"], left.bounds, on_tap=app.open_create_sheet))
        layout.add(left)
        name_box = Node(
            LINEAR,
            "action_bar_username_container",
            bounds=(157, TOP, 823, BAR_BOTTOM),
            clickable=True,
            on_tap=self.open_switcher,
        )
        name_box.add(
            Node(
                TEXT,
                "action_bar_title",
                text=acct.username,
                desc=acct.username,
                bounds=(318, TOP, 735, BAR_BOTTOM),
            )
        )
        chevrons = Node(
            LINEAR, "action_bar_username_buttons_container", bounds=(735, TOP, 780, BAR_BOTTOM)
        )
        chevrons.add(Node(IMAGE, "action_bar_title_chevron", bounds=(750, TOP + 58, 780, TOP + 91)))
        name_box.add(chevrons)
        layout.add(name_box)
        right = Node(LINEAR, "right_action_bar_buttons", bounds=(823, TOP, 1060, BAR_BOTTOM))
        right.add(image_view("", t["options"], (942, TOP, 1060, BAR_BOTTOM), on_tap=lambda: None))
        layout.add(right)
        nodes.append(bar.add(layout))
        nodes.append(tab_bar(self, "profile"))
        return nodes

    def _header_2025(self, state, y: int) -> Node:
        t = self.t
        acct = state.account
        header = Node(LINEAR, "profile_header_container", bounds=(0, y, W, y + GRID_TOP_OFFSET))
        live = bool(state.live_stories(self.app.host.wall_now()))
        frame = Node(
            FRAME,
            "row_profile_header_imageview_frame_layout",
            bounds=(58, y + 72, 255, y + 290),
            clickable=True,
            on_tap=self._avatar_tapped,
        )
        frame.add(
            Node(
                IMAGE,
                "row_profile_header_imageview",
                desc=t.fmt("profile_picture", user=acct.username)
                if live
                else t["profile_no_story"],
                bounds=frame.bounds,
            )
        )
        if live:
            frame.add(Node(FRAME, "reel_ring", bounds=(52, y + 66, 261, y + 296)))
        header.add(frame)
        header.add(
            text_view(
                "profile_header_full_name_above_vanity", acct.full_name, (312, y + 72, 700, y + 118)
            )
        )
        metrics = Node(
            LINEAR, "profile_header_metrics_full_width", bounds=(312, y + 118, 1041, y + 262)
        )
        x = 312
        for prefix, value, key in (
            ("profile_header_post_count_front_familiar", len(state.profile), "posts"),
            ("profile_header_followers_stacked_familiar", acct.followers, "followers"),
            ("profile_header_following_stacked_familiar", acct.following, "following"),
        ):
            short = {"posts": "post_count", "followers": "followers", "following": "following"}[key]
            number = t.number(value)
            box = Node(
                VIEW,
                prefix,
                desc=f"{number}{t[key]}",
                bounds=(x, y + 118, x + 240, y + 262),
                clickable=True,
                on_tap=lambda: None,
            )
            box.add(
                text_view(
                    f"profile_header_familiar_{short}_value", number, (x, y + 140, x + 200, y + 195)
                )
            )
            box.add(
                text_view(
                    f"profile_header_familiar_{short}_label", t[key], (x, y + 195, x + 200, y + 240)
                )
            )
            metrics.add(box)
            x += 250
        header.add(metrics)
        # the Bloks "Professional dashboard" entry every real own-profile dump shows (they are
        # of professional accounts; a personal account has none)
        if acct.professional:
            bloks = Node(FRAME, "bloks_container", bounds=(0, y + 362, W, y + 540))
            entry = Node(VIEW, "", bounds=bloks.bounds, clickable=True, on_tap=self._open_dashboard)
            entry.add(
                Node(
                    BUTTON,
                    "",
                    text=t["pro_dashboard"],
                    desc=t["pro_dashboard_desc"],
                    bounds=(64, y + 390, 412, y + 440),
                )
            )
            bloks.add(entry)
            header.add(bloks)
        actions = Node(LINEAR, "profile_header_actions_top_row", bounds=(0, y + 540, W, y + 627))
        for i, key in enumerate(("edit_profile", "share_profile")):
            b = (30 + i * 518, y + 540, 532 + i * 518, y + 627)
            action = Node(
                BUTTON,
                "button_container",
                desc=t[key],
                bounds=b,
                clickable=True,
                on_tap=lambda: None,
            )
            action.add(
                Node(TEXT, "", text=t[key], bounds=(b[0] + 150, b[1] + 18, b[2] - 150, b[3] - 18))
            )
            actions.add(action)
        header.add(actions)
        tabs_box = Node(
            LINEAR, "profile_tabs_container", bounds=(0, y + 940, W, y + GRID_TOP_OFFSET)
        )
        tabs = Node(HSCROLL, "profile_tab_layout", bounds=tabs_box.bounds)
        for i, key in enumerate(("grid_view_2025", "reels", "photos_of_you_2025")):
            tabs.add(
                image_view(
                    "profile_tab_icon_view",
                    t[key],
                    (i * 360, y + 940, (i + 1) * 360, y + GRID_TOP_OFFSET),
                    on_tap=lambda: None,
                    selected=i == 0,
                )
            )
        header.add(tabs_box.add(tabs))
        return header

    def _open_dashboard(self) -> None:
        self.app.push(DashboardScreen(self.app))

    def _avatar_tapped(self) -> None:
        """With a live story the own avatar opens it; without, the app offers nothing here."""
        state = self.app.account
        if state is not None and state.live_stories(self.app.host.wall_now()):
            self.app.open_own_story()

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
            on_tap=self._avatar_tapped,
        )
        if state.live_stories(self.app.host.wall_now()):
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
        if acct.professional:  # older builds: an Insights button under the header's buttons
            header.add(
                button("", t["insights"], (42, y + 600, 1038, y + 700), self._open_dashboard)
            )
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
        if not self.app.legacy:
            return self._build_2025()
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

    def _build_2025(self) -> list[Node]:
        """A post opened from the grid (2025-12 single-post dump): "Posts" action bar; the
        header (content-desc "<user> posted a photo <date>"); the media (`media_group`, or
        `carousel_media_group` with `carousel_index_indicator_text_view` "1/3"); the buttons
        row; the caption in an id-less IgTextLayoutView ("<user> <caption>", cut with a
        "more" Button that expands it); the date in an id-less TextView."""
        app = self.app
        t = self.t
        post = self.post
        username = app.current or ""
        nodes: list[Node] = [action_bar(self, t["posts_title"])]
        y = BAR_BOTTOM
        lst = Node(RECYCLER, "android:id/list", bounds=(0, y, W, TAB_TOP), scrollable=True)
        when = ago(t, post.posted_at, app.host.wall_now())
        kind_word = t["video"] if post.media_types[self.index] == "video" else t["photo"]
        header = Node(
            "android.view.ViewGroup",
            "row_feed_profile_header",
            desc=t.fmt("posted_a", user=username, kind=kind_word.lower(), when=when.lower()),
            bounds=(0, y, W, y + 142),
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
        lst.add(header)
        media_top, media_bottom = y + 142, y + 1222
        if post.item_count > 1:
            media = Node(
                FRAME,
                "carousel_media_group",
                bounds=(0, media_top, W, media_bottom),
                clickable=True,
                scrollable=True,
            )
            media.on_scroll = self._page
            pager = Node(FRAME, "carousel_viewpager", bounds=media.bounds)
            pager.add(
                Node(
                    FRAME,
                    "carousel_video_media_group",
                    desc=f"{kind_word} {self.index + 1} of {post.item_count} by {username}",
                    bounds=media.bounds,
                )
            )
            media.add(pager)
            media.add(
                text_view(
                    "carousel_index_indicator_text_view",
                    f"{self.index + 1}/{post.item_count}",
                    (900, media_top + 30, 1050, media_top + 100),
                )
            )
            lst.add(media)
        else:
            lst.add(
                Node(
                    FRAME,
                    "media_group",
                    desc=kind_word,
                    bounds=(0, media_top, W, media_bottom),
                    clickable=True,
                )
            )
        y = media_bottom
        buttons = Node(
            "android.view.ViewGroup", "row_feed_view_group_buttons", bounds=(0, y, W, y + 125)
        )
        for rid, key, x in (
            ("row_feed_button_like", "like", 30),
            ("row_feed_button_comment", "comment", 148),
            ("row_feed_button_share", "send_post", 370),
            ("row_feed_button_save", "add_to_saved", 967),
        ):
            buttons.add(image_view(rid, t[key], (x, y, x + 80, y + 125), on_tap=lambda: None))
        lst.add(buttons)
        y += 125
        caption = post.caption
        cut = len(caption) > CAPTION_LIMIT and not self.expanded
        shown = caption[:CAPTION_LIMIT].rstrip() + "…" if cut else caption
        lines = 1 + shown.count("\n") + len(shown) // 40
        bottom = min(TAB_TOP - 60, y + 50 * lines + (50 if cut else 0))
        text = Node(
            "com.instagram.ui.widget.textview.IgTextLayoutView",
            "",
            text=f"{username} {shown}" + (f" {t['more']}" if cut else ""),
            bounds=(30, y, W, bottom),
        )
        text.add(
            Node(
                BUTTON,
                "",
                desc=username,
                bounds=(30, y, 345, y + 47),
                clickable=True,
                on_tap=lambda: None,
            )
        )
        if cut:
            text.add(
                Node(
                    BUTTON,
                    "",
                    desc=t["more"],
                    bounds=(961, bottom - 47, 1038, bottom - 3),
                    clickable=True,
                    on_tap=self._expand,
                )
            )
        lst.add(text)
        lst.add(
            Node(TEXT, "", text=when, desc=when, bounds=(0, bottom, W, min(TAB_TOP, bottom + 43)))
        )
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
