"""Post creation: the gallery (POST / STORY / REEL destinations, multi-select), crop and
filters, video edit, and the caption composer that ends in `InstagramApp.share`. Story and
reel screens live in `stories` and `reels`."""

from __future__ import annotations

import functools

from emulator.app.base import (
    BAR_BOTTOM,
    BOTTOM,
    TAB_TOP,
    TOP,
    Screen,
    TextField,
    W,
    action_bar,
    button,
    clip_tree,
    destination_selector,
    image_view,
    shift,
    text_view,
)
from emulator.app.dialogs import DiscardDialog, OverflowMenu
from emulator.storage import MediaItem
from emulator.ui import (
    AUTOCOMPLETE,
    EDIT,
    FRAME,
    HSCROLL,
    IMAGE,
    LINEAR,
    RECYCLER,
    TEXT,
    Node,
)
from farmcore.vocab import ITEM_RULES, PostKind

MAX_CAROUSEL = ITEM_RULES[PostKind.CAROUSEL].max_items
KEYBOARD_TOP = 1480


def next_button(screen: Screen, on_tap, *, enabled: bool = True) -> Node:
    rid = "creation_next_button" if screen.app.has("layout_alt_ids") else "next_button_textview"
    return Node(
        TEXT,
        rid,
        text=screen.t["next"],
        bounds=(850, TOP + 30, 1059, BAR_BOTTOM - 30),
        clickable=True,
        focusable=True,
        enabled=enabled,
        on_tap=on_tap,
    )


def thumb_desc(screen: Screen, item: MediaItem, number: int | None) -> str:
    t = screen.t
    date = t.date(item.taken_at)
    if number is not None:
        kind = t["photo"] if item.kind == "image" else t["video"]
        return t.fmt("thumb_selected", n=number, kind=kind, date=date)
    kind = t["photo_lc"] if item.kind == "image" else t["video_lc"]
    return t.fmt("thumb_unselected", kind=kind, date=date)


def _duration(item: MediaItem) -> str:
    seconds = round(item.duration or 10)
    return f"{seconds // 60}:{seconds % 60:02d}"


def grid(
    screen: Screen,
    items: list[MediaItem],
    area: tuple[int, int, int, int],
    columns: int,
    on_tap,
    numbers: dict[str, int] | None = None,
    previewed: str | None = None,
    rid: str = "gallery_recycler_view",
) -> Node:
    """A scrollable grid of gallery thumbnails, only the visible ones in the tree."""
    size = W // columns
    view = Node(RECYCLER, rid, bounds=area, scrollable=True)
    rows = (len(items) + columns - 1) // columns
    limit = max(0, rows * size - (area[3] - area[1]))
    view.on_scroll = lambda dx, dy: screen.scroll_by(dx, dy, limit)
    multi = numbers is not None
    numbers = numbers or {}
    for i, item in enumerate(items):
        r, c = divmod(i, columns)
        y = area[1] + r * size
        b = (c * size, y, (c + 1) * size if c < columns - 1 else W, y + size)
        number = numbers.get(item.path)
        if not multi and item.path == previewed:
            number = 1
        selected = number is not None
        cell = Node(
            FRAME,
            "",
            bounds=b,
            clickable=True,
            focusable=True,
            long_clickable=True,
            selected=selected,
            on_tap=functools.partial(on_tap, item),
        )
        cell.add(
            Node(
                IMAGE,
                "gallery_grid_item_thumbnail",
                desc=thumb_desc(screen, item, number),
                bounds=b,
                selected=selected,
            )
        )
        if item.kind == "video":
            cell.add(
                text_view(
                    "gallery_grid_item_duration",
                    _duration(item),
                    (b[2] - 120, b[3] - 60, b[2] - 10, b[3] - 10),
                )
            )
        if multi:
            cell.add(
                text_view(
                    "gallery_grid_item_selection_circle",
                    str(number) if number else "",
                    (b[2] - 80, b[1] + 10, b[2] - 10, b[1] + 80),
                )
            )
        shifted = clip_tree(shift(cell, screen.scroll), area)
        if shifted is not None:
            view.add(shifted)
    return view


class GalleryScreen(Screen):
    """New post: preview, Recents grid (newest first, newest pre-selected), Select multiple."""

    name = "gallery"
    activity = "com.instagram.modal.ModalActivity"

    def __init__(self, app) -> None:
        super().__init__(app)
        self.preview: str | None = None
        self.multi = False
        self.selection: list[str] = []

    def _items(self) -> list[MediaItem]:
        items = self.app.gallery_items()
        paths = {i.path for i in items}
        if self.preview not in paths:
            self.preview = items[0].path if items else None
        self.selection = [p for p in self.selection if p in paths]
        return items

    def chosen(self) -> list[MediaItem]:
        by_path = {i.path: i for i in self._items()}
        if self.multi:
            return [by_path[p] for p in self.selection]
        return [by_path[self.preview]] if self.preview else []

    def build(self) -> list[Node]:
        app = self.app
        t = self.t
        items = self._items()
        nodes = [
            action_bar(
                self,
                t["new_post"],
                left="close",
                right=[next_button(self, self.next, enabled=bool(self.chosen()))],
            )
        ]
        preview = Node(FRAME, "gallery_preview_container", bounds=(0, BAR_BOTTOM, W, 1311))
        if self.preview:
            preview.add(
                Node("android.widget.ImageView", "crop_image_view", bounds=(0, BAR_BOTTOM, W, 1311))
            )
        nodes.append(preview)
        bar = Node(LINEAR, "gallery_toolbar", bounds=(0, 1311, W, 1437))
        folder = Node(
            LINEAR,
            "gallery_folder_menu",
            bounds=(21, 1311, 400, 1437),
            clickable=True,
            focusable=True,
            on_tap=lambda: None,
        )
        folder.add(text_view("gallery_folder_menu_tv", t["recents"], (42, 1340, 380, 1408)))
        bar.add(folder)
        bar.add(
            image_view(
                "multi_select_slide_button_alt",
                t["select_multiple"],
                (840, 1322, 944, 1426),
                on_tap=self.toggle_multi,
                selected=self.multi,
            )
        )
        bar.add(
            image_view("camera_button", t["camera"], (955, 1322, 1059, 1426), on_tap=lambda: None)
        )
        nodes.append(bar)
        area = (0, 1437, W, TAB_TOP)
        if app.media_permission == "denied":
            empty = Node(LINEAR, "gallery_permission_empty_state", bounds=area)
            empty.add(text_view("", t["allow_access_title"], (42, 1600, 1038, 1700)))
            empty.add(button("", t["allow_access"], (290, 1750, 790, 1870), self._ask_again))
            nodes.append(empty)
        else:
            numbers = {p: i + 1 for i, p in enumerate(self.selection)} if self.multi else None
            rid = "media_picker_grid_view" if app.has("layout_alt_ids") else "gallery_recycler_view"
            nodes.append(grid(self, items, area, 4, self.tap_item, numbers, self.preview, rid))
        nodes.append(destination_selector(self, "post"))
        return nodes

    def _ask_again(self) -> None:
        self.app.media_permission = "ask"
        self.app.host.ask_media_permission(self.app._permission_result)

    def toggle_multi(self) -> None:
        self._items()
        self.multi = not self.multi
        if self.multi:
            self.selection = [self.preview] if self.preview else []
        else:
            if self.selection:
                self.preview = self.selection[-1]
            self.selection = []

    def tap_item(self, item: MediaItem) -> None:
        if not self.multi:
            self.preview = item.path
            return
        if item.path in self.selection:
            self.selection.remove(item.path)
            if self.selection:
                self.preview = self.selection[-1]
            return
        if len(self.selection) >= MAX_CAROUSEL:
            return
        self.selection.append(item.path)
        self.preview = item.path

    def next(self) -> None:
        items = self.chosen()
        if not items:
            return
        app = self.app
        if len(items) == 1 and items[0].kind == "video":
            app.push(VideoEditScreen(app, items))
        elif len(items) == 1 and app.has("layout_extra_edit_step"):
            app.push(CropScreen(app, items))
        else:
            app.push(EditScreen(app, items))


_FILTERS = ("Normal", "Clarendon", "Gingham", "Moon", "Lark", "Reyes", "Juno")


class EditScreen(Screen):
    """Filters / edit for images (and the carousel edit page)."""

    name = "edit"
    activity = "com.instagram.modal.ModalActivity"

    def __init__(self, app, items: list[MediaItem]) -> None:
        super().__init__(app)
        self.items = items
        self.filter = "Normal"
        self.tab = "filter"

    def build(self) -> list[Node]:
        t = self.t
        nodes = [action_bar(self, "", right=[next_button(self, self.next)])]
        if len(self.items) > 1:
            tray = Node(
                RECYCLER, "media_thumbnail_tray", bounds=(0, BAR_BOTTOM, W, 1500), scrollable=True
            )
            x = 60
            for i, item in enumerate(self.items[:3]):
                tray.add(
                    Node(
                        FRAME,
                        "",
                        desc=f"{t['photo'] if item.kind == 'image' else t['video']} {i + 1}",
                        bounds=(x, 300, x + 800, 1400),
                    )
                )
                x += 840
            nodes.append(tray)
        else:
            nodes.append(Node(FRAME, "filter_view_container", bounds=(0, BAR_BOTTOM, W, 1500)))
        actions = Node(LINEAR, "creation_secondary_actions", bounds=(0, 1500, W, TAB_TOP))
        strip = Node(HSCROLL, "filter_picker", bounds=(0, 1540, W, 2060), scrollable=True)
        x = 21
        for name in _FILTERS:
            b = (x, 1560, x + 260, 2040)
            if b[2] > W:
                break
            strip.add(
                text_view(
                    "filter_name",
                    name,
                    b,
                    on_tap=lambda n=name: setattr(self, "filter", n),
                    selected=name == self.filter,
                )
            )
            x += 270
        actions.add(strip)
        nodes.append(actions)
        tabs = Node(LINEAR, "creation_tabs", bounds=(0, TAB_TOP, W, BOTTOM))
        tabs.add(
            text_view(
                "",
                t["filter"],
                (0, TAB_TOP, 540, BOTTOM),
                on_tap=lambda: setattr(self, "tab", "filter"),
                selected=self.tab == "filter",
            )
        )
        tabs.add(
            text_view(
                "",
                t["edit"],
                (540, TAB_TOP, W, BOTTOM),
                on_tap=lambda: setattr(self, "tab", "edit"),
                selected=self.tab == "edit",
            )
        )
        nodes.append(tabs)
        return nodes

    def back(self) -> bool:
        self.app.dialogs.append(DiscardDialog(self.app, self.app.pop))
        return True

    def next(self) -> None:
        kind = "carousel" if len(self.items) > 1 else "feed"
        self.app.push(ComposerScreen(self.app, kind, self.items))


class CropScreen(Screen):
    """The extra crop step some builds show before filters (layout_extra_edit_step)."""

    name = "edit"
    activity = "com.instagram.modal.ModalActivity"

    def __init__(self, app, items: list[MediaItem]) -> None:
        super().__init__(app)
        self.items = items

    def build(self) -> list[Node]:
        t = self.t
        return [
            action_bar(self, t["crop"], right=[next_button(self, self.next)]),
            Node(FRAME, "crop_image_view", bounds=(0, BAR_BOTTOM, W, 1500)),
        ]

    def next(self) -> None:
        self.app.push(EditScreen(self.app, self.items))


class VideoEditScreen(Screen):
    """Video edit (feed videos): Next is clips_right_action_button at the bottom right."""

    name = "video_edit"
    activity = "com.instagram.modal.ModalActivity"

    def __init__(self, app, items: list[MediaItem], kind: str = "feed") -> None:
        super().__init__(app)
        self.items = items
        self.kind = kind

    def build(self) -> list[Node]:
        t = self.t
        nodes = [action_bar(self, "", left="back")]
        nodes.append(Node(FRAME, "clips_editor_video_preview", bounds=(0, BAR_BOTTOM, W, 1800)))
        nodes.append(
            Node(HSCROLL, "clips_editor_timeline", bounds=(0, 1820, W, 2080), scrollable=True)
        )
        nodes.append(Node(LINEAR, "clips_action_bar", bounds=(0, TAB_TOP, W, BOTTOM)))
        nodes.append(
            button(
                "clips_right_action_button",
                t["next"],
                (780, TAB_TOP + 20, 1059, BOTTOM - 20),
                self.next,
                desc=t["next"],
            )
        )
        return nodes

    def back(self) -> bool:
        self.app.dialogs.append(DiscardDialog(self.app, self.app.pop))
        return True

    def next(self) -> None:
        self.app.push(ComposerScreen(self.app, self.kind, self.items))


class ComposerScreen(Screen):
    """New post / New reel: caption, rows, and Share (the point of no return)."""

    name = "composer"
    activity = "com.instagram.modal.ModalActivity"

    def __init__(self, app, kind: str, items: list[MediaItem]) -> None:
        super().__init__(app)
        self.kind = kind
        self.items = items
        self.caption = TextField(hint=app.texts["caption_hint"], multiline=True)
        if kind == "reel":
            self.name = "reel_composer"
        self.shared = False

    def build(self) -> list[Node]:
        app = self.app
        t = self.t
        self.caption.hint = t["caption_hint"]
        overflow = app.has("layout_share_overflow")
        top_share = app.has("layout_share_top") and not overflow
        right: list[Node] = []
        if top_share:
            right.append(
                text_view(
                    "next_button_textview",
                    t["share"],
                    (850, TOP + 30, 1059, BAR_BOTTOM - 30),
                    on_tap=self.share,
                )
            )
        if overflow:
            right.append(
                image_view(
                    "action_bar_overflow_icon",
                    t["more_options"],
                    (950, TOP + 21, 1059, BAR_BOTTOM - 21),
                    on_tap=self.open_menu,
                )
            )
        title = t["new_reel"] if self.kind == "reel" else t["new_post"]
        nodes = [action_bar(self, title, right=right)]
        y = BAR_BOTTOM + 42
        nodes.append(
            Node(
                FRAME,
                "media_thumbnail",
                desc=t["photo"] if self.items[0].kind == "image" else t["video"],
                bounds=(42, y, 282, y + 300),
            )
        )
        editor = app.has("layout_caption_editor")
        alt = app.has("layout_alt_ids")
        rid = "caption_text_view" if alt else "caption_input_text_view"
        focused = app.focus is self.caption
        caption = Node(
            AUTOCOMPLETE if not editor else TEXT,
            rid,
            text=self.caption.shown(),
            desc=t["write_caption"],
            bounds=(303, y, 1038, y + 300),
            clickable=True,
            focusable=True,
            focused=focused,
            long_clickable=True,
            on_tap=self.tap_caption,
        )
        nodes.append(caption)
        y += 342
        rows = Node(LINEAR, "metadata_rows", bounds=(0, y, W, y + 600))
        rows.add(
            text_view("tag_people_row", t["tag_people"], (0, y, W, y + 150), on_tap=lambda: None)
        )
        rows.add(
            text_view(
                "location_label", t["add_location"], (0, y + 150, W, y + 300), on_tap=lambda: None
            )
        )
        rows.add(
            text_view(
                "audience_row",
                f"{t['audience']}: {t['everyone']}",
                (0, y + 300, W, y + 450),
                on_tap=lambda: None,
            )
        )
        if self.kind == "reel":
            rows.add(
                text_view(
                    "add_music_row", t["add_music"], (0, y + 450, W, y + 600), on_tap=lambda: None
                )
            )
        nodes.append(rows)
        if not overflow and not top_share:
            covered = app.has("keyboard_covers_footer")
            lifted = app.keyboard_visible and not covered
            top = KEYBOARD_TOP - 150 if lifted else TAB_TOP + 15
            share_rid = "share_button" if alt else "share_footer_button"
            desc = t["share_to_reels"] if self.kind == "reel" else t["share"]
            footer = Node(FRAME, "share_footer_container", bounds=(0, top - 15, W, top + 135))
            footer.add(
                button(share_rid, t["share"], (42, top, 1038, top + 120), self.share, desc=desc)
            )
            nodes.append(footer)
        return nodes

    def tap_caption(self) -> None:
        if self.app.has("layout_caption_editor"):
            self.app.push(CaptionEditorScreen(self.app, self.caption))
            return
        self.app.focus_field(self.caption)

    def open_menu(self) -> None:
        self.app.dialogs.append(OverflowMenu(self.app, self.share))

    def share(self) -> None:
        if self.shared:
            return
        self.shared = True
        self.app.share(self.kind, self.items, self.caption.value, "everyone")
        if self.app.top is self:  # blocked: the composer stays, and Share works again
            self.shared = False


class CaptionEditorScreen(Screen):
    """Full-screen caption editor (layout_caption_editor), confirmed with OK."""

    name = "caption_editor"
    activity = "com.instagram.modal.ModalActivity"

    def __init__(self, app, field: TextField) -> None:
        super().__init__(app)
        self.field = field
        self.draft = TextField(hint=field.hint, value=field.value, multiline=True)

    def build(self) -> list[Node]:
        t = self.t
        if self.app.focus is None:
            self.app.focus_field(self.draft)
        ok = text_view(
            "action_bar_button_text",
            t["ok"],
            (880, TOP + 30, 1059, BAR_BOTTOM - 30),
            on_tap=self.confirm,
        )
        nodes = [action_bar(self, t["write_caption"], right=[ok])]
        nodes.append(
            Node(
                EDIT,
                "caption_input_text_view",
                text=self.draft.shown(),
                desc=t["write_caption"],
                bounds=(42, BAR_BOTTOM + 20, 1038, 1000),
                clickable=True,
                focusable=True,
                focused=self.app.focus is self.draft,
                long_clickable=True,
                on_tap=lambda: self.app.focus_field(self.draft),
            )
        )
        return nodes

    def confirm(self) -> None:
        self.field.value = self.draft.value
        self.app.pop()
