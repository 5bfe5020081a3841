"""View nodes as uiautomator sees them: the XML a dump returns and the hit-test of a tap.

A screen is a tree of `Node`s grouped in `Window`s (the app, a dialog, the keyboard, a system
dialog). `render_hierarchy` writes them the way `uiautomator dump` / uiautomator2 does; `hit`
finds the view a finger lands on: the deepest clickable node under the point in the topmost
window that takes touches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

Bounds = tuple[int, int, int, int]

SCREEN_W = 1080
SCREEN_H = 2400
STATUS_BAR_H = 84
NAV_BAR_TOP = 2337

FRAME = "android.widget.FrameLayout"
LINEAR = "android.widget.LinearLayout"
RELATIVE = "android.widget.RelativeLayout"
VIEW_GROUP = "android.view.ViewGroup"
VIEW = "android.view.View"
TEXT = "android.widget.TextView"
BUTTON = "android.widget.Button"
IMAGE = "android.widget.ImageView"
EDIT = "android.widget.EditText"
AUTOCOMPLETE = "android.widget.AutoCompleteTextView"
RECYCLER = "androidx.recyclerview.widget.RecyclerView"
LIST_VIEW = "android.widget.ListView"
HSCROLL = "android.widget.HorizontalScrollView"
PROGRESS = "android.widget.ProgressBar"
PAGER = "androidx.viewpager.widget.ViewPager"

_ATTR_ESCAPES = {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}


@dataclass
class Node:
    """One view. `rid` is a short id (prefixed with the window's package) or a full one."""

    cls: str = FRAME
    rid: str = ""
    text: str = ""
    desc: str = ""
    bounds: Bounds = (0, 0, 0, 0)
    clickable: bool = False
    enabled: bool = True
    focusable: bool = False
    focused: bool = False
    selected: bool = False
    checkable: bool = False
    checked: bool = False
    scrollable: bool = False
    long_clickable: bool = False
    password: bool = False
    children: list[Node] = field(default_factory=list)
    package: str | None = None
    on_tap: Callable[[], None] | None = field(default=None, repr=False)
    on_scroll: Callable[[int, int], None] | None = field(default=None, repr=False)

    def add(self, *nodes: Node | None) -> Node:
        self.children.extend(n for n in nodes if n is not None)
        return self

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Window:
    """A window on screen. `modal` windows swallow taps that miss their clickable views."""

    package: str
    root: Node
    modal: bool = False
    dim_behind: bool = False

    def resolve(self) -> None:
        """Give every node its package and full resource-id."""
        _resolve(self.root, self.package)


def _resolve(node: Node, package: str) -> None:
    if node.package is None:
        node.package = package
    if node.rid and ":" not in node.rid:
        node.rid = f"{node.package}:id/{node.rid}"
    for child in node.children:
        _resolve(child, node.package)


def contains(b: Bounds, x: int, y: int) -> bool:
    return b[0] <= x < b[2] and b[1] <= y < b[3]


def center(b: Bounds) -> tuple[int, int]:
    return (b[0] + b[2]) // 2, (b[1] + b[3]) // 2


def clip(b: Bounds, to: Bounds) -> Bounds | None:
    """Intersect two rectangles, None when they do not overlap (views off screen)."""
    x1, y1 = max(b[0], to[0]), max(b[1], to[1])
    x2, y2 = min(b[2], to[2]), min(b[3], to[3])
    if x2 <= x1 or y2 <= y1:
        return None
    return (x1, y1, x2, y2)


def _attr(value: str) -> str:
    cleaned = "".join(ch for ch in value if ch in "\t\n\r" or ord(ch) >= 0x20)
    return escape(cleaned, _ATTR_ESCAPES)


def _b(value: bool) -> str:
    return "true" if value else "false"


def _write(node: Node, index: int, out: list[str], depth: int) -> None:
    pad = "  " * depth
    x1, y1, x2, y2 = node.bounds
    attrs = (
        f'index="{index}" text="{_attr(node.text)}" resource-id="{_attr(node.rid)}" '
        f'class="{node.cls}" package="{node.package}" content-desc="{_attr(node.desc)}" '
        f'checkable="{_b(node.checkable)}" checked="{_b(node.checked)}" '
        f'clickable="{_b(node.clickable)}" enabled="{_b(node.enabled)}" '
        f'focusable="{_b(node.focusable)}" focused="{_b(node.focused)}" '
        f'scrollable="{_b(node.scrollable)}" long-clickable="{_b(node.long_clickable)}" '
        f'password="{_b(node.password)}" selected="{_b(node.selected)}" '
        f'bounds="[{x1},{y1}][{x2},{y2}]"'
    )
    if not node.children:
        out.append(f"{pad}<node {attrs} />")
        return
    out.append(f"{pad}<node {attrs}>")
    for i, child in enumerate(node.children):
        _write(child, i, out, depth + 1)
    out.append(f"{pad}</node>")


def render_hierarchy(windows: list[Window]) -> str:
    """The XML of a uiautomator dump: one root node per window, bottom window first."""
    out = ["<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>", '<hierarchy rotation="0">']
    for window in windows:
        window.resolve()
        _write(window.root, 0, out, 1)
    out.append("</hierarchy>")
    return "\n".join(out)


def _deepest_clickable(node: Node, x: int, y: int) -> Node | None:
    if not contains(node.bounds, x, y):
        return None
    # Later siblings are drawn on top of earlier ones: try them first.
    for child in reversed(node.children):
        found = _deepest_clickable(child, x, y)
        if found is not None:
            return found
    if node.clickable and node.enabled:
        return node
    return None


def hit(windows: list[Window], x: int, y: int) -> Node | None:
    """The clickable node a tap at (x, y) lands on, or None (the tap does nothing)."""
    for window in reversed(windows):
        found = _deepest_clickable(window.root, x, y)
        if found is not None:
            return found
        if window.modal or contains(window.root.bounds, x, y):
            return None
    return None


def scroll_target(windows: list[Window], x: int, y: int) -> Node | None:
    """The innermost scrollable node under (x, y) in the window that takes the touch."""
    for window in reversed(windows):
        if not (window.modal or contains(window.root.bounds, x, y)):
            continue
        best: Node | None = None
        for node in window.root.walk():
            if node.on_scroll is not None and contains(node.bounds, x, y):
                best = node
        return best
    return None
