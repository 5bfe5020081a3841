"""Reading the gallery picker: which thumbnails are the job's and what is selected, in what order.

The job's media are the newest items of the gallery (pushed last, media-scanned), and the
picker shows newest first, so the job's N items are the first N thumbnails in reading order
(top to bottom, left to right), the job's first item being the N-th. Each thumbnail's
content-desc says whether it is selected and with which number (`Selected media number 2, …` /
`Unselected …`); re-tapping a selected thumbnail deselects it, so a selection is always planned
from what the screen says, never from what we think we tapped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flows.hierarchy import Node
from flows.request import MediaType
from flows.selectors import normalize, text_variants

_NUMBER = re.compile(r"\d+")


@dataclass
class Thumb:
    node: Node
    selected: bool
    number: int | None  # selection order shown on the thumbnail, when there is one
    media_type: MediaType | None  # told by the content-desc, None when it does not say


def read_thumb(node: Node) -> Thumb:
    desc = normalize(node.content_desc)
    selected = False
    number: int | None = None
    for prefix in text_variants("thumb_selected"):
        if desc.startswith(prefix):
            selected = True
            m = _NUMBER.search(desc, len(prefix))
            if m and m.start() - len(prefix) <= 2:
                number = int(m.group())
            break
    if not selected and (node.selected or node.checked):
        selected = True
    media_type: MediaType | None = None
    if desc:
        words = re.findall(r"\w+", desc)
        media_type = "video" if any(w in text_variants("video_word") for w in words) else "image"
    return Thumb(node=node, selected=selected, number=number, media_type=media_type)


def read_thumbs(nodes: list[Node]) -> list[Thumb]:
    """Thumbnails newest first (reading order on screen)."""
    ordered = sorted(nodes, key=lambda n: (n.bounds.top, n.bounds.left))
    return [read_thumb(n) for n in ordered]


@dataclass
class SelectionPlan:
    done: bool
    deselect: list[Thumb]
    select: list[Thumb]


def plan_selection(thumbs: list[Thumb], count: int) -> SelectionPlan:
    """Taps that turn the current selection into the job's items, oldest pushed first.

    `thumbs` newest first. The wanted order is thumbs[count-1], …, thumbs[0]. Items already
    selected in the right order (a correct prefix) are kept; everything selected after that
    prefix is deselected, then the remaining wanted items are tapped in order.
    """
    wanted = list(reversed(thumbs[:count]))
    current = [t for t in thumbs if t.selected]
    if all(t.number is not None for t in current):
        current.sort(key=lambda t: t.number or 0)
    prefix = 0
    for have, want in zip(current, wanted, strict=False):
        if have.node is not want.node:
            break
        prefix += 1
    if prefix == len(current) == len(wanted):
        return SelectionPlan(done=True, deselect=[], select=[])
    return SelectionPlan(done=False, deselect=current[prefix:], select=wanted[prefix:])
