"""Reading a simulated phone the way a flow does: parse the dump, find nodes, tap centres."""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass

PKG = "com.instagram.android:id/"
ATTRS = [
    "index", "text", "resource-id", "class", "package", "content-desc", "checkable", "checked",
    "clickable", "enabled", "focusable", "focused", "scrollable", "long-clickable", "password",
    "selected", "bounds",
]  # fmt: skip


@dataclass
class N:
    attrs: dict[str, str]

    @property
    def rid(self) -> str:
        return self.attrs["resource-id"]

    @property
    def text(self) -> str:
        return self.attrs["text"]

    @property
    def desc(self) -> str:
        return self.attrs["content-desc"]

    @property
    def bounds(self) -> tuple[int, int, int, int]:
        x1, y1, x2, y2 = map(int, re.findall(r"-?\d+", self.attrs["bounds"]))
        return x1, y1, x2, y2

    @property
    def center(self) -> tuple[int, int]:
        x1, y1, x2, y2 = self.bounds
        return (x1 + x2) // 2, (y1 + y2) // 2

    def flag(self, name: str) -> bool:
        return self.attrs[name] == "true"


class UI:
    """One dump of a phone."""

    def __init__(self, xml: str) -> None:
        self.xml = xml
        self.root = ET.fromstring(xml.encode("utf-8"))
        self.nodes = [N(dict(e.attrib)) for e in self.root.iter("node")]

    def find_all(
        self,
        rid: str | None = None,
        text: str | None = None,
        desc: str | None = None,
        package: str | None = None,
        desc_prefix: str | None = None,
    ) -> list[N]:
        out = []
        for n in self.nodes:
            if rid is not None and n.rid != (rid if ":" in rid else PKG + rid):
                continue
            if text is not None and n.text != text:
                continue
            if desc is not None and n.desc != desc:
                continue
            if desc_prefix is not None and not n.desc.startswith(desc_prefix):
                continue
            if package is not None and n.attrs["package"] != package:
                continue
            out.append(n)
        return out

    def find(self, **kw) -> N | None:
        found = self.find_all(**kw)
        return found[0] if found else None

    def has(self, **kw) -> bool:
        return self.find(**kw) is not None

    def packages(self) -> set[str]:
        return {n.attrs["package"] for n in self.nodes}


def ui(phone) -> UI:
    return UI(phone.dump_hierarchy())


def tap(phone, **kw) -> UI:
    """Dump, find the node, tap its centre; fails if not on screen."""
    screen = ui(phone)
    node = screen.find(**kw)
    assert node is not None, f"no node {kw} on screen:\n{_summary(screen)}"
    phone.tap(*node.center)
    return screen


def wait_for(phone, timeout: float = 5.0, **kw) -> UI:
    deadline = time.monotonic() + timeout
    while True:
        screen = ui(phone)
        if screen.has(**kw):
            return screen
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {kw}:\n{_summary(screen)}")
        time.sleep(0.02)


def wait_gone(phone, timeout: float = 5.0, **kw) -> UI:
    deadline = time.monotonic() + timeout
    while True:
        screen = ui(phone)
        if not screen.has(**kw):
            return screen
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {kw} to go:\n{_summary(screen)}")
        time.sleep(0.02)


def _summary(screen: UI) -> str:
    lines = []
    for n in screen.nodes:
        if n.rid or n.text or n.desc:
            lines.append(f"  {n.rid} text={n.text!r} desc={n.desc!r} {n.attrs['bounds']}")
    return "\n".join(lines)
