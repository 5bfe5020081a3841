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
from emulator.app.dialogs import DiscardDialog, OverflowMenu, SaveDraftSheet
from emulator.storage import MediaItem
from emulator.ui import (
    AUTOCOMPLETE,
    BUTTON,
    EDIT,
    FRAME,
    HSCROLL,
    IMAGE,
    LINEAR,
    RECYCLER,
    TEXT,
    VIEW,
    VIEW_GROUP,
    Node,
)
from farmcore.vocab import ITEM_RULES, PostKind

GRID = "android.widget.GridView"

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


_MONTHS_EN = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


def thumb_desc_2025(screen: Screen, item: MediaItem, selected: bool, number: int | None) -> str:
    """ "Unselected Video thumbnail created on December 21, 2025 9:32 PM" (2025-12 dumps);
    in multi-select the chosen ones say "Selected media number N, …"."""
    t = screen.t
    when = item.taken_at
    if t.locale == "en":
        hour = when.hour % 12 or 12
        date = f"{_MONTHS_EN[when.month - 1]} {when.day}, {when.year} {hour}:{when:%M} " + (
            "AM" if when.hour < 12 else "PM"
        )
    else:
        date = t.date(when)
    kind = t["photo"] if item.kind == "image" else t["video"]
    if number is not None:
        return t.fmt("thumb_selected", n=number, kind=kind, date=date)
    key = "thumb_selected_2025" if selected else "thumb_unselected_2025"
    return t.fmt(key, kind=kind, date=date)


def grid_2025(
    screen: Screen,
    items: list[MediaItem],
    area: tuple[int, int, int, int],
    columns: int,
    cell_h: int,
    on_tap,
    *,
    rid: str,
    numbers: dict[str, int] | None = None,
    previewed: str | None = None,
    camera_tile: str = "",
) -> Node:
    """The 2025-26 gallery GridView: an optional first tile (camera), then one ViewGroup per
    item with `background_color`, the `gallery_grid_item_thumbnail` Button (real desc words)
    and, for videos, `gallery_grid_item_label` with the duration."""
    size = W // columns
    view = Node(GRID, rid, bounds=area, scrollable=True)
    tiles: list[MediaItem | None] = [None, *items] if camera_tile else list(items)
    rows = (len(tiles) + columns - 1) // columns
    limit = max(0, rows * cell_h - (area[3] - area[1]))
    view.on_scroll = lambda dx, dy: screen.scroll_by(dx, dy, limit)
    multi = numbers is not None
    numbers = numbers or {}
    for i, item in enumerate(tiles):
        r, c = divmod(i, columns)
        y = area[1] + r * cell_h
        b = (c * size + 4, y, (c + 1) * size - 4 if c < columns - 1 else W, y + cell_h - 4)
        if item is None:
            if camera_tile == "open_camera":
                cell = Node(
                    BUTTON,
                    "",
                    desc=screen.t["open_camera"],
                    bounds=b,
                    clickable=True,
                    on_tap=lambda: None,
                )
                mid = ((b[0] + b[2]) // 2, (b[1] + b[3]) // 2)
                cell.add(
                    Node(
                        IMAGE,
                        "gallery_grid_camera_item_icon",
                        desc=screen.t["camera"],
                        bounds=(mid[0] - 30, mid[1] - 30, mid[0] + 30, mid[1] + 30),
                    )
                )
            else:
                cell = Node(
                    VIEW_GROUP,
                    "gallery_picker_grid_item_container",
                    bounds=b,
                    clickable=True,
                    on_tap=lambda: None,
                )
                cell.add(Node(IMAGE, "gallery_picker_grid_item_background", bounds=b))
        else:
            number = numbers.get(item.path) if multi else None
            selected = number is not None or (not multi and item.path == previewed)
            tap = functools.partial(on_tap, item)
            cell = Node(VIEW_GROUP, "", bounds=b, clickable=True, on_tap=tap, selected=selected)
            cell.add(Node(IMAGE, "background_color", bounds=b))
            cell.add(
                Node(
                    BUTTON,
                    "gallery_grid_item_thumbnail",
                    desc=thumb_desc_2025(screen, item, selected, number),
                    bounds=b,
                    clickable=True,
                    long_clickable=True,
                    selected=selected,
                    on_tap=tap,
                )
            )
            if selected and previewed is not None:
                cell.add(Node(VIEW, "gallery_grid_item_selection_overlay", bounds=b))
            if item.kind == "video":
                cell.add(
                    Node(
                        VIEW,
                        "gallery_grid_item_bottom_container",
                        bounds=(b[0], b[3] - 160, b[2], b[3]),
                    )
                )
                cell.add(
                    text_view(
                        "gallery_grid_item_label",
                        _duration(item),
                        (b[2] - 87, b[3] - 70, b[2] - 20, b[3] - 22),
                    )
                )
        shifted = clip_tree(shift(cell, screen.scroll), area)
        if shifted is not None:
            view.add(shifted)
    return view


def ask_media_again(app) -> None:
    app.media_permission = "ask"
    app.host.ask_media_permission(app._permission_result)


def gallery_2025(
    screen: Screen,
    title: str,
    shortcuts: list[str],
    items: list[MediaItem],
    on_pick,
    *,
    destinations: str = "",
) -> list[Node]:
    """The reel / story gallery of the 2025-26 app ("New reel", "Add to story"): header with
    Back to Home and the title, a row of shortcuts (Edits/Drafts/Templates…), the album
    switcher and `gallery_menu_multi_select_button`, the `gallery_recycler_view` grid with
    "Open camera" first, and POST/STORY/REEL at the bottom for "New reel"."""
    app = screen.app
    t = screen.t
    nodes: list[Node] = []
    header = Node(VIEW_GROUP, "gallery_header", bounds=(0, TOP, W, TOP + 153))
    header.add(
        Node(
            BUTTON,
            "gallery_cancel_button",
            desc=t["back_to_home"],
            bounds=(0, TOP + 12, 128, TOP + 153),
            clickable=True,
            on_tap=app.press_back,
        )
    )
    titles = Node(LINEAR, "gallery_title_container", bounds=(128, TOP + 12, 952, TOP + 153))
    titles.add(text_view("gallery_title_text", title, (400, TOP + 52, 680, TOP + 113)))
    header.add(titles)
    header.add(
        Node(
            BUTTON,
            "gallery_settings_gear",
            desc=t["camera_settings"],
            bounds=(952, TOP + 12, W, TOP + 153),
            clickable=True,
            on_tap=lambda: None,
        )
    )
    nodes.append(header)
    top = TOP + 153
    coord = Node(VIEW_GROUP, "gallery_container_coordinator", bounds=(0, top, W, BOTTOM))
    appbar = Node(LINEAR, "gallery_app_bar", bounds=(0, top, W, top + 298))
    dest = Node(RECYCLER, "gallery_destination_bar", bounds=(0, top, W, top + 155))
    x = 34
    for word in shortcuts:
        width = 80 + 22 * len(word)
        item = Node(
            VIEW_GROUP,
            "gallery_destination_item",
            bounds=(x, top + 12, x + width, top + 143),
            clickable=True,
            on_tap=lambda: None,
        )
        item.add(Node(IMAGE, "button_icon", bounds=(x + 30, top + 45, x + 95, top + 110)))
        item.add(text_view("button_name", word, (x + 110, top + 50, x + width - 20, top + 105)))
        dest.add(item)
        x += width + 21
    appbar.add(dest)
    menu = Node(FRAME, "gallery_menu", bounds=(0, top + 155, W, top + 298))
    buttons = Node(
        LINEAR, "gallery_select_buttons_container", bounds=(880, top + 155, W, top + 298)
    )
    multi = Node(
        BUTTON,
        "gallery_menu_multi_select_button",
        desc=t["multi_select_desc"],
        bounds=(966, top + 185, 1053, top + 268),
        clickable=True,
        on_tap=lambda: None,
    )
    multi.add(Node(IMAGE, "slideout_iconview_icon", bounds=(990, top + 212, 1029, top + 241)))
    buttons.add(multi)
    menu.add(buttons)
    folder = Node(LINEAR, "gallery_folder_menu_button", bounds=(0, top + 155, 294, top + 298))
    box = Node(LINEAR, "gallery_folder_menu_container", bounds=(0, top + 195, 294, top + 257))
    box.add(
        text_view("gallery_folder_menu_tv", t["album_switcher"], (0, top + 195, 258, top + 257))
    )
    folder.add(box)
    menu.add(folder)
    appbar.add(menu)
    coord.add(appbar)
    area_top = top + 303
    bottom = 2128 if destinations else BOTTOM
    container = Node(LINEAR, "gallery_container", bounds=(0, top + 298, W, bottom))
    grid_box = Node(FRAME, "gallery_grid_container", bounds=(0, area_top, W, bottom))
    if app.media_permission == "denied":
        grid_box.add(
            text_view("", t["allow_access_title"], (42, area_top + 200, 1038, area_top + 300))
        )
        grid_box.add(
            button(
                "",
                t["allow_access"],
                (290, area_top + 350, 790, area_top + 470),
                functools.partial(ask_media_again, app),
            )
        )
    else:
        grid_box.add(
            grid_2025(
                screen,
                items,
                (0, area_top, W, bottom),
                3,
                698,
                on_pick,
                rid="gallery_recycler_view",
                camera_tile="open_camera",
            )
        )
    container.add(grid_box)
    coord.add(container)
    nodes.append(coord)
    if destinations:
        nodes.append(destination_selector(screen, destinations))
    return nodes


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
        if not self.app.legacy:
            return self._build_2025()
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
        ask_media_again(self.app)

    def _build_2025(self) -> list[Node]:
        """ "New post" as the 2025-12 dump shows it: Cancel, title, Next (Button with text and
        desc) on top; `gallery_picker_view` with the preview, Recents, SELECT MULTIPLE
        (`multi_select_slide_button_alt`), the `media_picker_grid_view` (4 columns, a first
        tile without media); POST/STORY/REEL at the bottom."""
        app = self.app
        t = self.t
        items = self._items()
        alt = app.has("layout_alt_ids")
        bar_bottom = TOP + 152
        nodes: list[Node] = [
            image_view(
                "action_bar_cancel",
                t["cancel_word"],
                (0, TOP, 137, bar_bottom),
                on_tap=app.press_back,
            ),
            text_view("new_post_title", t["new_post"], (137, TOP, 939, bar_bottom)),
            button(
                "creation_next_button" if alt else "next_button_textview",
                t["next"],
                (939, TOP, W, bar_bottom),
                self.next,
                desc=t["next"],
                enabled=bool(self.chosen()),
            ),
        ]
        picker = Node(LINEAR, "gallery_picker_view", bounds=(0, bar_bottom, W, 2128))
        coord = Node(VIEW_GROUP, "gallery_coordinator", bounds=(0, bar_bottom, W, 2128))
        appbar = Node(LINEAR, "feed_gallery_app_bar", bounds=(0, bar_bottom, W, 1494))
        preview = Node(FRAME, "preview_container", bounds=(0, bar_bottom, W, 1352))
        chosen = self.chosen()
        if chosen and chosen[-1].kind == "video":
            preview.add(
                Node(
                    VIEW,
                    "video_preview_view",
                    desc=t["video_preview"],
                    bounds=preview.bounds,
                    clickable=True,
                    on_tap=lambda: None,
                )
            )
        appbar.add(preview)
        folder = Node(FRAME, "gallery_folder_menu_container", bounds=(0, 1352, 287, 1494))
        folder.add(
            button("gallery_folder_menu_tv", t["recents"], (0, 1390, 287, 1455), lambda: None)
        )
        appbar.add(folder)
        multi = Node(
            LINEAR,
            "multi_select_slide_button_alt",
            desc=t["multi_select_button"],
            bounds=(722, 1378, 1050, 1465),
            clickable=True,
            focusable=True,
            selected=self.multi,
            on_tap=self.toggle_multi,
        )
        multi.add(Node(IMAGE, "slideout_iconview_icon", bounds=(741, 1400, 780, 1443)))
        multi.add(
            text_view("slideout_iconview_text", t["select_multiple_caps"], (780, 1402, 1030, 1440))
        )
        appbar.add(multi)
        coord.add(appbar)
        area = (0, 1497, W, 2128)
        container = Node(FRAME, "media_picker_container", bounds=(0, 1494, W, 2128))
        if app.media_permission == "denied":
            empty = Node(LINEAR, "", bounds=area)
            empty.add(text_view("", t["allow_access_title"], (42, 1600, 1038, 1700)))
            empty.add(button("", t["allow_access"], (290, 1750, 790, 1870), self._ask_again))
            container.add(empty)
        else:
            numbers = {p: i + 1 for i, p in enumerate(self.selection)} if self.multi else None
            container.add(
                grid_2025(
                    self,
                    items,
                    area,
                    4,
                    270,
                    self.tap_item,
                    rid="media_picker_grid_view",
                    numbers=numbers,
                    previewed=self.preview,
                    camera_tile="picker",
                )
            )
        coord.add(container)
        picker.add(coord)
        nodes.append(picker)
        nodes.append(destination_selector(self, "post"))
        return nodes

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
        legacy = self.app.legacy
        nodes = [action_bar(self, "", right=[next_button(self, self.next)])]
        if len(self.items) > 1:
            tray = Node(
                RECYCLER,
                "media_thumbnail_tray" if legacy else "",
                bounds=(0, BAR_BOTTOM, W, 1500),
                scrollable=True,
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
            # no real dump of the 2025 feed-post editor: `feed_post_capture_controls_container`
            # is the name "ig-automation" screen signatures (2025-26) give it
            rid = "filter_view_container" if legacy else "feed_post_capture_controls_container"
            nodes.append(Node(FRAME, rid, bounds=(0, BAR_BOTTOM, W, 1500)))
        actions = Node(LINEAR, "creation_secondary_actions", bounds=(0, 1500, W, TAB_TOP))
        strip = Node(
            HSCROLL, "filter_picker" if legacy else "", bounds=(0, 1540, W, 2060), scrollable=True
        )
        x = 21
        for name in _FILTERS:
            b = (x, 1560, x + 260, 2040)
            if b[2] > W:
                break
            strip.add(
                text_view(
                    "filter_name" if legacy else "",
                    name,
                    b,
                    on_tap=lambda n=name: setattr(self, "filter", n),
                    selected=name == self.filter,
                )
            )
            x += 270
        actions.add(strip)
        nodes.append(actions)
        tabs = Node(LINEAR, "creation_tabs" if legacy else "", bounds=(0, TAB_TOP, W, BOTTOM))
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
        if not self.app.legacy:
            return self._build_2025()
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

    def _build_2025(self) -> list[Node]:
        """The reel editor of the 2025-12 dumps: preview, a tool row, Cancel on top, and the
        `clips_action_bar` with "Edit video" and Next (`clips_right_action_button`, a Button
        with content-desc Next and a TextView child "Next")."""
        t = self.t
        app = self.app
        nodes: list[Node] = [
            Node(
                FRAME,
                "capture_interactive_drawable_container",
                desc=t["reel_preview"],
                bounds=(0, 0, W, 2133),
            )
        ]
        tools = Node(RECYCLER, "creation_toolbar_recyclerview", bounds=(0, 1823, W, 1995))
        x = 18
        for key in ("add_audio", "add_text", "add_sticker"):
            tools.add(
                Node(
                    BUTTON,
                    "",
                    desc=t[key],
                    bounds=(x, 1877, x + 107, 1995),
                    clickable=True,
                    on_tap=lambda: None,
                )
            )
            x += 125
        nodes.append(tools)
        top_bar = Node(LINEAR, "edit_buttons_toolbar", bounds=(10, 33, 1070, 175))
        top_bar.add(
            Node(
                BUTTON,
                "cancel_button",
                desc=t["cancel_word"],
                bounds=(18, 43, 126, 163),
                clickable=True,
                on_tap=app.press_back,
            )
        )
        nodes.append(top_bar)
        bar = Node(VIEW_GROUP, "clips_action_bar", bounds=(30, 2153, 1050, BOTTOM - 10))
        left = Node(
            BUTTON,
            "clips_left_action_button",
            desc=t["edit_video_desc"],
            bounds=(30, 2153, 252, 2270),
            clickable=True,
            on_tap=lambda: None,
        )
        left.add(Node(TEXT, "", text=t["edit_video"], bounds=(69, 2190, 213, 2233)))
        bar.add(left)
        right = Node(
            BUTTON,
            "clips_right_action_button",
            desc=t["next"],
            bounds=(868, 2153, 1050, 2270),
            clickable=True,
            focusable=True,
            on_tap=self.next,
        )
        right.add(Node(TEXT, "", text=t["next"], bounds=(907, 2190, 1021, 2233)))
        bar.add(right)
        nodes.append(bar)
        return nodes

    def back(self) -> bool:
        if not self.app.legacy:
            self.app.dialogs.append(SaveDraftSheet(self.app))
            return True
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
        self.also_story = False  # the "Share to → Your story" toggle

    def build(self) -> list[Node]:
        if not self.app.legacy:
            return self._build_2025()
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

    def _build_2025(self) -> list[Node]:
        """The reel composer of the 2025-12 dumps (the feed composer, with no real dump, is
        drawn the same with the title "New post"): back + title, OK while the caption has
        focus; cover, `caption_input_text_view` (hint "Write a caption and add hashtags…"),
        add-on chips, Tag people, Add location, Audience, "Also share on…" (or, with
        layout_share_to_story, "Share to" with a Your story toggle); footer with Save draft
        (`save_draft_button`) and Share (`share_button`, content-desc Share)."""
        app = self.app
        t = self.t
        self.caption.hint = t["caption_hint_2025"]
        focused = app.focus is self.caption
        overflow = app.has("layout_share_overflow")
        top_share = app.has("layout_share_top") and not overflow
        bar_bottom = TOP + 152
        nodes: list[Node] = []
        content_top = bar_bottom
        covered = app.has("keyboard_covers_footer")
        lifted = app.keyboard_visible and not covered
        footer_top = KEYBOARD_TOP - 215 if lifted else BOTTOM - 215
        scroll = Node(
            "android.widget.ScrollView", "scroll_view", bounds=(0, content_top, W, footer_top)
        )
        body = Node(LINEAR, "content_view", bounds=scroll.bounds, clickable=True)
        scroll.add(body)
        y = content_top + 20
        if not focused:
            cover = Node(
                FRAME,
                "cover_photo_preview",
                bounds=(358, y, 720, y + 718),
                clickable=True,
                on_tap=lambda: None,
            )
            cover.add(
                Node(
                    BUTTON,
                    "clip_thumbnail_image",
                    desc=t["edit_cover_desc"] if self.kind == "reel" else "",
                    bounds=cover.bounds,
                    clickable=True,
                    on_tap=lambda: None,
                )
            )
            if self.kind == "reel":
                edit = Node(
                    BUTTON,
                    "clip_thumbnail_layout",
                    bounds=(381, y + 615, 588, y + 692),
                    clickable=True,
                    on_tap=lambda: None,
                )
                edit.add(
                    text_view("clip_thumbnail_text", t["edit_cover"], (411, y + 632, 558, y + 675))
                )
                cover.add(edit)
            body.add(cover)
            y += 760
        body.add(Node(VIEW, "caption_box_divider", bounds=(0, y, W, y + 2)))
        y += 40
        cap_h = 273 if self.caption.value else 130
        rid = "caption_text_view" if app.has("layout_alt_ids") else "caption_input_text_view"
        editor = app.has("layout_caption_editor")
        body.add(
            Node(
                AUTOCOMPLETE if not editor else TEXT,
                rid,
                text=self.caption.shown(),
                bounds=(39, y, 1041, y + cap_h),
                clickable=True,
                focusable=True,
                focused=focused,
                long_clickable=True,
                on_tap=self.tap_caption,
            )
        )
        y += cap_h
        chips = Node(RECYCLER, "caption_add_on_recyclerview", bounds=(0, y, W, y + 157))
        x = 39
        for key in ("hashtags", "poll"):
            chip = Node(
                BUTTON,
                "",
                bounds=(x, y + 22, x + 210, y + 135),
                clickable=True,
                on_tap=lambda: None,
            )
            lay = Node(LINEAR, "button_layout", bounds=(x, y + 48, x + 210, y + 135))
            lay.add(Node(IMAGE, "suggestion_icon", bounds=(x + 20, y + 75, x + 50, y + 108)))
            lay.add(text_view("suggestion_text", t[key], (x + 60, y + 70, x + 190, y + 113)))
            chips.add(chip.add(lay))
            x += 230
        body.add(chips)
        y += 157
        rows: list[tuple[str, str, str]] = [
            ("row", t["tag_people"], ""),
            ("location", t["add_location"], ""),
            ("toggle", t["ai_label"], ""),
            ("row", t["audience"], t["everyone"]),
        ]
        for kind, title, sub in rows:
            if kind == "toggle":
                row = Node(LINEAR, "", bounds=(0, y, W, y + 227), clickable=True)
                row.add(Node(IMAGE, "icon", bounds=(39, y + 57, 128, y + 122)))
                inline = Node(LINEAR, "title_inline_layout", bounds=(128, y + 33, 913, y + 88))
                inline.add(text_view("title", title, (128, y + 33, 350, y + 88)))
                row.add(inline)
                row.add(
                    Node(
                        "android.widget.ToggleButton",
                        "toggle",
                        bounds=(913, y + 45, 1041, y + 132),
                        clickable=True,
                        checkable=True,
                        on_tap=lambda: None,
                    )
                )
                body.add(row)
                y += 227
                continue
            if kind == "location":
                outer = Node(BUTTON, "", bounds=(0, y, W, y + 200), clickable=True)
                loc = Node(LINEAR, "metadata_location_row", desc=title, bounds=(0, y, W, y + 200))
                first = Node(
                    LINEAR,
                    "metadata_location_first_row",
                    bounds=(0, y, W, y + 130),
                    clickable=True,
                    on_tap=lambda: None,
                )
                first.add(Node(IMAGE, "location_balloon", bounds=(39, y + 32, 128, y + 97)))
                first.add(text_view("location_label", title, (128, y, 982, y + 130)))
                first.add(Node(IMAGE, "arrow", bounds=(982, y + 22, 1041, y + 108)))
                loc.add(first)
                body.add(outer.add(loc))
                y += 200
                continue
            row = Node(BUTTON, "", bounds=(0, y, W, y + 132), clickable=True, on_tap=lambda: None)
            box = Node(LINEAR, "title_container", bounds=(39, y + 33, 1002, y + 98))
            box.add(Node(IMAGE, "icon", bounds=(39, y + 33, 128, y + 98)))
            box.add(text_view("title", title, (128, y + 38, 400, y + 93)))
            if sub:
                box.add(text_view("inline_subtitle", sub, (400, y + 41, 963, y + 90)))
            row.add(box)
            row.add(Node(IMAGE, "chevron_icon", bounds=(1002, y + 45, 1041, y + 88)))
            body.add(row)
            y += 132
        to_story = self.kind == "reel" and app.has("layout_share_to_story")
        body.add(
            text_view("", t["share_to"] if to_story else t["also_share_on"], (0, y, W, y + 73))
        )
        y += 73
        others = ["facebook"] if to_story else ["threads", "facebook"]
        for key in others:
            row = Node(
                LINEAR, "", bounds=(0, y + 15, W, y + 202), clickable=True, on_tap=lambda: None
            )
            row.add(text_view("title", t[key], (148, y + 33, 638, y + 153)))
            row.add(
                Node(
                    "android.widget.ToggleButton",
                    "toggle",
                    bounds=(913, y + 50, 1041, y + 137),
                    clickable=True,
                    checkable=True,
                    on_tap=lambda: None,
                )
            )
            body.add(row)
            y += 187
        if to_story:
            row = Node(
                LINEAR, "", bounds=(0, y, W, y + 138), clickable=True, on_tap=self._toggle_story
            )
            row.add(Node(IMAGE, "icon", bounds=(39, y + 30, 128, y + 93)))
            inline = Node(LINEAR, "title_inline_layout", bounds=(128, y + 33, 913, y + 88))
            inline.add(text_view("title", t["your_story"], (128, y + 33, 315, y + 88)))
            row.add(inline)
            row.add(
                Node(
                    "android.widget.ToggleButton",
                    "toggle",
                    bounds=(913, y + 20, 1041, y + 105),
                    clickable=True,
                    checkable=True,
                    checked=self.also_story,
                    on_tap=self._toggle_story,
                )
            )
            body.add(row)
            y += 138
        limit = max(0, y + 20 - footer_top)
        scroll.scrollable = True
        scroll.on_scroll = lambda dx, dy: self.scroll_by(dx, dy, limit)
        self.scroll = min(self.scroll, limit)
        for child in body.children:
            shift(child, self.scroll)
        nodes.append(clip_tree(scroll, (0, content_top, W, footer_top)) or scroll)
        footer = Node(
            LINEAR,
            "share_button_container",
            bounds=(0, footer_top, W, footer_top + 215),
            clickable=True,
        )
        inner = Node(VIEW_GROUP, "footer_button_container", bounds=footer.bounds)
        inner.add(Node(VIEW, "footer_button_divider", bounds=(0, footer_top, W, footer_top + 2)))
        draft = Node(
            BUTTON,
            "save_draft_button",
            desc=t["save_draft"],
            bounds=(39, footer_top + 40, 520, footer_top + 160),
            clickable=True,
            on_tap=app.go_home,
        )
        draft.add(
            Node(
                TEXT, "", text=t["save_draft"], bounds=(193, footer_top + 75, 364, footer_top + 125)
            )
        )
        inner.add(draft)
        if not overflow and not top_share:
            share = Node(
                FRAME,
                "share_button",
                desc=t["share"],
                bounds=(560, footer_top + 40, 1041, footer_top + 160),
                clickable=True,
                focusable=True,
                on_tap=self.share,
            )
            share.add(
                Node(
                    TEXT, "", text=t["share"], bounds=(751, footer_top + 75, 849, footer_top + 125)
                )
            )
            inner.add(share)
        footer.add(inner)
        if not focused:  # as the real app: while the caption is edited, OK and no footer
            nodes.append(footer)
        bar = Node(FRAME, "action_bar_container", bounds=(0, TOP, W, bar_bottom))
        wrap = Node(FRAME, "action_bar_wrapper", bounds=bar.bounds)
        inner_bar = Node(LINEAR, "action_bar", bounds=bar.bounds, clickable=True)
        titles = Node(LINEAR, "action_bar_new_title_container", bounds=(0, TOP, 951, bar_bottom))
        titles.add(
            image_view(
                "action_bar_button_back",
                t["back"],
                (0, TOP, 137, bar_bottom),
                on_tap=app.press_back,
            )
        )
        title = t["new_reel"] if self.kind == "reel" else t["new_post"]
        icons = Node(LINEAR, "action_bar_title_and_icons", bounds=(137, TOP + 43, 413, TOP + 108))
        icons.add(
            Node(
                TEXT,
                "action_bar_title",
                text=title,
                desc=title,
                bounds=(176, TOP + 43, 383, TOP + 108),
            )
        )
        titles.add(icons)
        inner_bar.add(titles)
        if focused:
            inner_bar.add(
                Node(
                    BUTTON,
                    "action_bar_button_text",
                    text=t["ok"],
                    desc=t["ok"],
                    bounds=(951, TOP + 22, 1061, bar_bottom),
                    clickable=True,
                    on_tap=self._caption_done,
                )
            )
        elif top_share:
            inner_bar.add(
                text_view(
                    "next_button_textview",
                    t["share"],
                    (850, TOP + 30, 1059, bar_bottom - 30),
                    on_tap=self.share,
                )
            )
        elif overflow:
            inner_bar.add(
                image_view(
                    "action_bar_overflow_icon",
                    t["more_options"],
                    (950, TOP + 21, 1059, bar_bottom - 21),
                    on_tap=self.open_menu,
                )
            )
        nodes.append(bar.add(wrap.add(inner_bar)))
        return nodes

    def _caption_done(self) -> None:
        self.app.focus = None
        self.app.keyboard_visible = False

    def _toggle_story(self) -> None:
        self.also_story = not self.also_story

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
        self.app.share(
            self.kind, self.items, self.caption.value, "everyone", also_story=self.also_story
        )
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
