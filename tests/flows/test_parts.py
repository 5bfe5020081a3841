"""Hierarchy parsing, selectors, the gallery selection plan and small parsers."""

from __future__ import annotations

import pytest

from flows.account import parse_count, same_user
from flows.gallery import plan_selection, read_thumbs
from flows.hierarchy import Bounds, parse
from flows.resources import ELEMENTS
from flows.selectors import Element, find, find_all, normalize, text_is
from flows.verify import caption_truncated
from tests.flows.conftest import dump

APPIUM = """<?xml version="1.0" encoding="UTF-8"?>
<hierarchy index="0" class="hierarchy" rotation="0" width="1080" height="2337">
  <android.widget.FrameLayout index="0" package="com.instagram.android"
      class="android.widget.FrameLayout" text="" bounds="[0,0][1080,2400]">
    <android.widget.Button index="0" package="com.instagram.android"
        class="android.widget.Button" text="Share" content-desc="Share"
        resource-id="com.instagram.android:id/share_footer_button" clickable="true"
        bounds="[42,2205][1038,2325]" />
  </android.widget.FrameLayout>
</hierarchy>"""


def test_parse_uiautomator_dump() -> None:
    ui = parse(dump("profile"))
    title = find(ui, ELEMENTS["profile_title"])
    assert title is not None
    assert title.text == "shop.alpha"
    assert title.short_id == "action_bar_title"
    assert title.resource_id == "com.instagram.android:id/action_bar_title"
    assert title.bounds == Bounds(168, 114, 700, 201)
    assert title.center == (434, 157)
    assert title.clickable and not title.selected
    assert title.package == "com.instagram.android"
    assert title.parent is not None and title.parent.short_id == "action_bar_container"
    assert ui.top_package == "com.instagram.android"


def test_parse_appium_page_source() -> None:
    ui = parse(APPIUM)
    share = find(ui, ELEMENTS["share"])
    assert share is not None
    assert share.class_name == "android.widget.Button"
    assert share.center == (540, 2265)


def test_parse_rejects_garbage() -> None:
    with pytest.raises(ValueError):
        parse("not xml at all")


def test_top_package_is_the_last_window() -> None:
    assert parse(dump("permission")).top_package == "com.android.permissioncontroller"


def test_clickable_ancestor() -> None:
    ui = parse(dump("account_switcher"))
    rows = find_all(ui, ELEMENTS["account_row"])
    assert [r.text for r in rows] == ["shop.alpha", "shop.beta"]
    assert rows[1].clickable_self_or_ancestor().short_id == "row_user_container_base"


def test_ids_first_then_desc_then_text() -> None:
    ui = parse(dump("composer"))  # Spanish composer
    by_id = Element("x", ids=("share_footer_button",), texts=("share",))
    assert find(ui, by_id).short_id == "share_footer_button"  # type: ignore[union-attr]
    full_id = Element("x", ids=("com.instagram.android:id/location_label",))
    assert find(ui, full_id) is not None
    other_pkg = Element("x", ids=("com.other.app:id/location_label",))
    assert find(ui, other_pkg) is None
    by_desc = Element("x", ids=("missing",), descs=("caption_hint",))
    assert find(ui, by_desc).short_id == "caption_input_text_view"  # type: ignore[union-attr]
    by_text = Element("x", ids=("missing",), texts=("share",))
    assert find(ui, by_text).text == "Compartir"  # type: ignore[union-attr]
    contains = Element("x", ids=("*caption_input",))
    assert find(ui, contains) is not None


def test_text_normalization() -> None:
    assert normalize("Posting…") == "posting..."
    assert normalize(" Confirm it’s you ") == "confirm it's you"
    assert text_is("Publicando…", "posting")
    assert text_is("COMPARTIR", "share")
    assert not text_is("Share profile", "share")
    assert text_is("Share profile", "share", how="prefix")


def _gallery_thumbs(descs: list[str]):
    xml = ['<hierarchy rotation="0">']
    for i, desc in enumerate(descs):
        x = (i % 4) * 270
        y = 1400 + (i // 4) * 270
        xml.append(
            f'<node resource-id="com.instagram.android:id/gallery_grid_item_thumbnail" '
            f'package="com.instagram.android" content-desc="{desc}" '
            f'bounds="[{x},{y}][{x + 268},{y + 268}]" />'
        )
    xml.append("</hierarchy>")
    ui = parse("".join(xml))
    return read_thumbs(find_all(ui, ELEMENTS["gallery_thumb"]))


UNSEL = "Unselected photo thumbnail created on November 25, 2026 12:40"


def sel(n: int, kind: str = "Photo") -> str:
    return f"Selected media number {n}, {kind} thumbnail created on November 25, 2026 12:40"


def test_read_thumbs() -> None:
    thumbs = _gallery_thumbs([sel(1), UNSEL, "Miniatura de vídeo no seleccionada creada el 2"])
    assert [(t.selected, t.number, t.media_type) for t in thumbs] == [
        (True, 1, "image"),
        (False, None, "image"),
        (False, None, "video"),
    ]
    es = _gallery_thumbs(["Contenido seleccionado número 3, miniatura de Vídeo creada el 1"])
    assert (es[0].selected, es[0].number, es[0].media_type) == (True, 3, "video")


def test_plan_single_preselected_is_done() -> None:
    thumbs = _gallery_thumbs([sel(1), UNSEL, UNSEL])
    assert plan_selection(thumbs, 1).done


def test_plan_carousel_from_multi_select_default() -> None:
    # multi-select just turned on: the newest is number 1, but it is the job's LAST item
    thumbs = _gallery_thumbs([sel(1), UNSEL, UNSEL, UNSEL])
    plan = plan_selection(thumbs, 3)
    assert not plan.done
    assert [t.node for t in plan.deselect] == [thumbs[0].node]
    assert [t.node for t in plan.select] == [thumbs[2].node, thumbs[1].node, thumbs[0].node]


def test_plan_keeps_a_correct_prefix() -> None:
    thumbs = _gallery_thumbs([UNSEL, sel(2), sel(1), sel(3)])
    plan = plan_selection(thumbs, 3)
    assert [t.node for t in plan.deselect] == [thumbs[3].node]
    assert [t.node for t in plan.select] == [thumbs[0].node]


def test_plan_carousel_done() -> None:
    thumbs = _gallery_thumbs([sel(3), sel(2), sel(1), UNSEL])
    assert plan_selection(thumbs, 3).done
    assert not plan_selection(thumbs, 2).done


@pytest.mark.parametrize(
    ("text", "value"),
    [("12", 12), ("1,204", 1204), ("1.204", 1204), ("1\u202f204", 1204), ("12K", 12000),
     ("1.2M", 1200000), ("", None)],
)  # fmt: skip
def test_parse_count(text: str, value: int | None) -> None:
    assert parse_count(text) == value


def test_same_user() -> None:
    assert same_user("@Shop.Alpha", "shop.alpha")
    assert not same_user("shop.alpha2", "shop.alpha")


def test_caption_truncated() -> None:
    assert caption_truncated("shop.alpha a long caption… more")
    assert caption_truncated("shop.alpha un pie de foto… más")
    assert not caption_truncated("shop.alpha short")
