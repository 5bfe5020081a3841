"""uiautomator XML → a flat list of nodes that selectors can search.

Accepts both dump shapes seen in the field: uiautomator/uiautomator2 (`<node class="…">`) and
Appium page source (`<android.widget.Button …>`, class in the tag). Parsing uses ElementTree and
visits every element once; a typical Instagram screen (300–600 nodes) parses in about a
millisecond.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

_BOUNDS = re.compile(r"\[(-?\d+),(-?\d+)\]\[(-?\d+),(-?\d+)\]")


@dataclass(frozen=True, slots=True)
class Bounds:
    left: int
    top: int
    right: int
    bottom: int

    @classmethod
    def parse(cls, value: str) -> Bounds:
        m = _BOUNDS.match(value or "")
        if not m:
            return cls(0, 0, 0, 0)
        return cls(*(int(g) for g in m.groups()))

    @property
    def center(self) -> tuple[int, int]:
        return (self.left + self.right) // 2, (self.top + self.bottom) // 2

    @property
    def width(self) -> int:
        return max(0, self.right - self.left)

    @property
    def height(self) -> int:
        return max(0, self.bottom - self.top)

    @property
    def empty(self) -> bool:
        return self.width == 0 or self.height == 0


@dataclass(slots=True, eq=False)
class Node:
    """One view of the dump. `resource_id` is the full id (`pkg:id/name`); `short_id` is `name`."""

    resource_id: str = ""
    text: str = ""
    content_desc: str = ""
    class_name: str = ""
    package: str = ""
    bounds: Bounds = field(default_factory=lambda: Bounds(0, 0, 0, 0))
    hint: str = ""
    clickable: bool = False
    selected: bool = False
    checked: bool = False
    checkable: bool = False
    focused: bool = False
    enabled: bool = True
    scrollable: bool = False
    index: int = 0
    depth: int = 0
    order: int = 0
    parent: Node | None = field(default=None, repr=False)
    children: list[Node] = field(default_factory=list, repr=False)

    @property
    def short_id(self) -> str:
        rid = self.resource_id
        return rid.split(":id/", 1)[1] if ":id/" in rid else rid

    @property
    def center(self) -> tuple[int, int]:
        return self.bounds.center

    def descendants(self) -> Iterator[Node]:
        for child in self.children:
            yield child
            yield from child.descendants()

    def clickable_self_or_ancestor(self) -> Node:
        """The node a finger would actually hit: itself, or its nearest clickable ancestor."""
        node: Node | None = self
        while node is not None:
            if node.clickable:
                return node
            node = node.parent
        return self


def _flag(attrs: dict[str, str], name: str, default: bool = False) -> bool:
    value = attrs.get(name)
    if value is None:
        return default
    return value == "true"


@dataclass
class Hierarchy:
    """A parsed dump: all nodes in document order, plus the raw XML for evidence."""

    xml: str
    nodes: list[Node]
    by_id: dict[str, list[Node]] = field(default_factory=dict)  # short id -> nodes
    cache: dict[str, object] = field(default_factory=dict)  # selector-side memo

    def __post_init__(self) -> None:
        if not self.by_id:
            for node in self.nodes:
                if node.resource_id:
                    self.by_id.setdefault(node.short_id, []).append(node)

    @property
    def packages(self) -> Counter[str]:
        return Counter(n.package for n in self.nodes if n.package)

    @property
    def top_package(self) -> str:
        """The package of the window drawn last (dialogs and system windows come after apps)."""
        roots = [n for n in self.nodes if n.parent is None and n.package]
        if roots:
            return roots[-1].package
        return ""

    def has_package(self, package: str) -> bool:
        return any(n.package == package for n in self.nodes)


def parse(xml: str, app_package: str | None = None) -> Hierarchy:
    """Parse a uiautomator XML dump. Raises ValueError on something that is not XML.

    `app_package`: the package Instagram runs under on this phone when it is not the store's
    (phone farms clone the app, e.g. `com.instagram.androim`). Its nodes and resource ids are
    read as the store package's, so every selector works unchanged on a clone.
    """
    from flows.driver import INSTAGRAM_PACKAGE

    alias = app_package if app_package and app_package != INSTAGRAM_PACKAGE else None
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        raise ValueError(f"not a uiautomator dump: {exc}") from exc
    nodes: list[Node] = []

    def visit(elem: ET.Element, parent: Node | None, depth: int) -> None:
        attrs = elem.attrib
        is_view = "bounds" in attrs or "class" in attrs or elem.tag == "node"
        node: Node | None = None
        if is_view:
            package = attrs.get("package", "")
            resource_id = attrs.get("resource-id", "")
            if alias is not None:
                if package == alias:
                    package = INSTAGRAM_PACKAGE
                if resource_id.startswith(alias + ":"):
                    resource_id = INSTAGRAM_PACKAGE + resource_id[len(alias) :]
            node = Node(
                resource_id=resource_id,
                text=attrs.get("text", ""),
                content_desc=attrs.get("content-desc", ""),
                class_name=attrs.get("class") or ("" if elem.tag == "node" else elem.tag),
                package=package,
                bounds=Bounds.parse(attrs.get("bounds", "")),
                hint=attrs.get("hint", ""),
                clickable=_flag(attrs, "clickable"),
                selected=_flag(attrs, "selected"),
                checked=_flag(attrs, "checked"),
                checkable=_flag(attrs, "checkable"),
                focused=_flag(attrs, "focused"),
                enabled=_flag(attrs, "enabled", True),
                scrollable=_flag(attrs, "scrollable"),
                index=int(attrs.get("index", "0") or 0),
                depth=depth,
                order=len(nodes),
                parent=parent,
            )
            nodes.append(node)
            if parent is not None:
                parent.children.append(node)
        for child in elem:
            visit(child, node if node is not None else parent, depth + 1)

    visit(root, None, 0)
    return Hierarchy(xml=xml, nodes=nodes)
