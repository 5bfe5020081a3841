"""Building blocks of the simulated Instagram app: screens, dialogs, text fields, and the
widgets many screens share (action bar, tab bar, destination selector).

Coordinates are for a 1080x2400 portrait screen: status bar above y=84, navigation bar below
y=2337, action bar 84–231, tab bar 2190–2337.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from emulator.texts import Texts
from emulator.ui import (
    BUTTON,
    FRAME,
    IMAGE,
    LINEAR,
    TEXT,
    Bounds,
    Node,
    clip,
)

if TYPE_CHECKING:
    from emulator.app.instagram import InstagramApp

W = 1080
TOP = 84
BAR_BOTTOM = 231
TAB_TOP = 2190
BOTTOM = 2337
SCREEN_BOTTOM = 2400
MAIN_ACTIVITY = "com.instagram.mainactivity.MainActivity"


@dataclass
class TextField:
    """An editable field: its value, hint (shown as text when empty, as Android reports it)."""

    hint: str = ""
    value: str = ""
    password: bool = False
    multiline: bool = False

    def shown(self) -> str:
        if not self.value:
            return self.hint
        return "•" * len(self.value) if self.password else self.value


class Screen:
    """One screen of the app. `name` is the trigger name faults use (see faults.SCREENS)."""

    name = ""
    activity = MAIN_ACTIVITY
    title_key = ""

    def __init__(self, app: InstagramApp) -> None:
        self.app = app
        self.scroll = 0

    @property
    def t(self) -> Texts:
        return self.app.texts

    def build(self) -> list[Node]:
        """Nodes of the screen, placed in a full-screen content frame."""
        raise NotImplementedError

    def back(self) -> bool:
        """Handle the back key; False lets the app pop the screen."""
        return False

    def enter_key(self) -> None:
        """The enter key with a field of this screen focused."""
        field = self.app.focus
        if field is not None and field.multiline:
            field.value += "\n"

    def scroll_by(self, dx: int, dy: int, limit: int) -> None:
        self.scroll = max(0, min(limit, self.scroll + dy))


class Dialog:
    """An in-app dialog or bottom sheet in its own window, modal, over the current screen."""

    cancelable = True
    dim = True

    def __init__(self, app: InstagramApp) -> None:
        self.app = app

    @property
    def t(self) -> Texts:
        return self.app.texts

    def build(self) -> Node:
        raise NotImplementedError

    def back(self) -> None:
        if self.cancelable:
            self.dismiss()

    def dismiss(self) -> None:
        if self in self.app.dialogs:
            self.app.dialogs.remove(self)


def tapper(*actions: Callable[[], object]) -> Callable[[], None]:
    """Chain callables into one tap handler."""

    def run() -> None:
        for action in actions:
            action()

    return run


def text_view(
    rid: str, text: str, bounds: Bounds, *, desc: str = "", on_tap=None, selected: bool = False
) -> Node:
    return Node(
        TEXT,
        rid,
        text=text,
        desc=desc,
        bounds=bounds,
        clickable=on_tap is not None,
        focusable=on_tap is not None,
        on_tap=on_tap,
        selected=selected,
    )


def image_view(rid: str, desc: str, bounds: Bounds, *, on_tap=None, selected=False) -> Node:
    return Node(
        IMAGE,
        rid,
        desc=desc,
        bounds=bounds,
        clickable=on_tap is not None,
        focusable=on_tap is not None,
        on_tap=on_tap,
        selected=selected,
    )


def button(rid: str, text: str, bounds: Bounds, on_tap, *, desc: str = "", enabled=True) -> Node:
    return Node(
        BUTTON,
        rid,
        text=text,
        desc=desc,
        bounds=bounds,
        clickable=True,
        focusable=True,
        enabled=enabled,
        on_tap=on_tap,
    )


def action_bar(
    screen: Screen,
    title: str,
    *,
    left: str = "back",
    right: list[Node] | None = None,
    title_rid: str = "action_bar_title",
    on_title=None,
) -> Node:
    """The top bar: back arrow or close cross, a title, and buttons on the right."""
    app = screen.app
    bar = Node(FRAME, "action_bar_container", bounds=(0, TOP, W, BAR_BOTTOM))
    inner = Node(LINEAR, "action_bar", bounds=(0, TOP, W, BAR_BOTTOM))
    bar.add(inner)
    if left:
        desc = screen.t["back"] if left == "back" else screen.t["close"]
        rid = "action_bar_button_back" if left == "back" else "action_bar_button_close"
        inner.add(image_view(rid, desc, (0, TOP, 147, BAR_BOTTOM), on_tap=app.press_back))
    inner.add(text_view(title_rid, title, (168, TOP + 30, 700, BAR_BOTTOM - 30), on_tap=on_title))
    for node in right or []:
        inner.add(node)
    return bar


TABS = ("home", "search", "create", "reels", "profile")


def tab_bar(screen: Screen, selected: str) -> Node:
    """The bottom tab bar. 2025-26 (default): Home · Reels · Message · Search · Profile, no
    Create tab. Legacy: Home · Search · Create · Reels · Profile (ids vary by build)."""
    app = screen.app
    if not app.legacy:
        return _tab_bar_2025(screen, selected)
    alt = app.has("layout_alt_ids")
    top_left_create = app.has("layout_create_top_left")
    bar = Node(LINEAR, "tab_bar", bounds=(0, TAB_TOP, W, BOTTOM))
    tabs: list[tuple[str, str, Callable[[], None]]] = [
        ("tab_feed" if alt else "feed_tab", "home", app.go_home),
        ("search_tab", "search", app.go_search),
    ]
    if not top_left_create:
        tabs.append(("creation_tab", "create", app.open_creation))
    tabs.append(("clips_tab", "reels", app.go_reels_tab))
    tabs.append(("profile_tab", "profile", app.go_profile))
    width = W // len(tabs)
    for i, (rid, key, action) in enumerate(tabs):
        b = (i * width, TAB_TOP, (i + 1) * width if i < len(tabs) - 1 else W, BOTTOM)
        tab = Node(
            FRAME,
            rid,
            desc=screen.t[key],
            bounds=b,
            clickable=True,
            focusable=True,
            selected=key == selected,
            on_tap=action,
        )
        icon_rid = "tab_avatar" if key == "profile" else "tab_icon"
        tab.add(Node(IMAGE, icon_rid, bounds=(b[0] + 60, b[1] + 30, b[2] - 60, b[3] - 30)))
        bar.add(tab)
    return bar


def _tab_bar_2025(screen: Screen, selected: str) -> Node:
    """As the 2025-12 dumps show: five equal FrameLayouts with a content-desc, an ImageView
    `tab_icon` each, the profile tab's avatar in wrapper › container › `tab_avatar`."""
    app = screen.app
    bar = Node(LINEAR, "tab_bar", bounds=(0, TAB_TOP, W, BOTTOM))
    tabs: list[tuple[str, str, Callable[[], None]]] = [
        ("feed_tab", "home", app.go_home),
        ("clips_tab", "reels", app.go_reels_tab),
        ("direct_tab", "message", app.go_direct),
        ("search_tab", "search", app.go_search),
        ("profile_tab", "profile", app.go_profile),
    ]
    width = W // len(tabs)
    for i, (rid, key, action) in enumerate(tabs):
        b = (i * width, TAB_TOP, (i + 1) * width, BOTTOM)
        on = key == selected
        tab = Node(
            FRAME,
            rid,
            desc=screen.t[key],
            bounds=b,
            clickable=True,
            focusable=True,
            selected=on,
            on_tap=action,
        )
        icon = (b[0] + 78, b[1] + 28, b[2] - 78, b[3] - 28)
        if key == "profile":
            wrapper = Node("android.view.ViewGroup", "wrapper", bounds=b, selected=on)
            box = Node(FRAME, "container", bounds=(b[0] + 72, b[1] + 22, b[2] - 72, b[3] - 22))
            box.add(Node(IMAGE, "tab_avatar", bounds=box.bounds, selected=on))
            tab.add(wrapper.add(box))
        else:
            tab.add(Node(IMAGE, "tab_icon", bounds=icon, selected=on))
        bar.add(tab)
    return bar


def destination_selector(screen: Screen, selected: str) -> Node:
    """POST / STORY / REEL at the bottom of the creation galleries. 2025-26: TextViews with
    text and content-desc in `multi_destination_scroll_view` (no LIVE); legacy: the
    `cam_dest_selector` row with LIVE."""
    app = screen.app
    entries = [
        ("cam_dest_feed", "dest_post", "post", app.creation_post),
        ("cam_dest_story", "dest_story", "story", app.creation_story),
        ("cam_dest_clips", "dest_reel", "reel", app.creation_reel),
    ]
    if not app.legacy:
        scroll = Node(FRAME, "multi_destination_scroll_view", bounds=(0, 2128, W, SCREEN_BOTTOM))
        row = Node(LINEAR, "", bounds=(0, 2140, W, 2240))
        scroll.add(row)
        x = 468
        for rid, key, name, action in entries:
            width = 150 if name != "story" else 174
            row.add(
                Node(
                    TEXT,
                    rid,
                    text=screen.t[key],
                    desc=screen.t[key],
                    bounds=(x, 2140, x + width, 2236),
                    clickable=True,
                    focusable=True,
                    selected=name == selected,
                    on_tap=action,
                )
            )
            x += width
        return scroll
    row = Node(LINEAR, "cam_dest_selector", bounds=(0, TAB_TOP, W, BOTTOM))
    x = 180
    for rid, key, name, action in [*entries, ("cam_dest_live", "dest_live", "live", None)]:
        width = 200
        node = Node(
            TEXT,
            rid,
            text=screen.t[key],
            bounds=(x, TAB_TOP + 30, x + width, BOTTOM - 30),
            clickable=True,
            focusable=True,
            selected=name == selected,
            on_tap=action or (lambda: None),
        )
        row.add(node)
        x += width + 20
    return row


def clip_tree(node: Node, area: Bounds) -> Node | None:
    """Clip a subtree to a visible area, dropping views entirely outside it."""
    visible = clip(node.bounds, area)
    if visible is None:
        return None
    node.bounds = visible
    kept = []
    for child in node.children:
        c = clip_tree(child, visible)
        if c is not None:
            kept.append(c)
    node.children = kept
    return node


def shift(node: Node, dy: int) -> Node:
    """Move a subtree vertically (scrolling)."""
    for n in node.walk():
        x1, y1, x2, y2 = n.bounds
        n.bounds = (x1, y1 - dy, x2, y2 - dy)
    return node
