"""A PNG picture of the current screen: every view's box, with its text or content-desc.

Not a pixel-faithful Instagram, but enough for a person reading a failure's evidence to see
which screen the phone was on and where each button was.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from emulator.ui import Node, Window

_PACKAGE_COLORS = {
    "com.instagram.android": (225, 48, 108),
    "com.android.permissioncontroller": (26, 115, 232),
    "android": (60, 64, 67),
    "com.google.android.inputmethod.latin": (120, 120, 120),
}


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1
        return ImageFont.load_default()


def render_png(windows: list[Window], width: int, height: int) -> bytes:
    image = Image.new("RGB", (width, height), (250, 250, 250))
    draw = ImageDraw.Draw(image, "RGBA")
    font = _font(30)
    draw.rectangle((0, 0, width, 84), fill=(30, 30, 30))
    draw.text((30, 22), "12:00", fill=(255, 255, 255), font=font)
    for window in windows:
        window.resolve()
        if window.dim_behind:
            draw.rectangle((0, 0, width, height), fill=(0, 0, 0, 110))
        if window.root.bounds != (0, 0, width, height):
            draw.rectangle(window.root.bounds, fill=(255, 255, 255), outline=(90, 90, 90), width=3)
        color = _PACKAGE_COLORS.get(window.package, (40, 40, 40))
        for node in window.root.walk():
            _draw(draw, node, color, font)
    draw.rectangle((0, 2337, width, height), fill=(30, 30, 30))
    out = io.BytesIO()
    image.save(out, "PNG", optimize=False)
    return out.getvalue()


def _draw(draw: ImageDraw.ImageDraw, node: Node, color: tuple[int, int, int], font) -> None:
    x1, y1, x2, y2 = node.bounds
    if x2 <= x1 or y2 <= y1:
        return
    label = node.text or node.desc
    if _is_media(node):
        draw.rectangle((x1 + 2, y1 + 2, x2 - 3, y2 - 3), fill=(205, 210, 220, 255))
    if node.clickable:
        draw.rectangle((x1, y1, x2 - 1, y2 - 1), outline=(*color, 255), width=3)
    elif label:
        draw.rectangle((x1, y1, x2 - 1, y2 - 1), outline=(200, 200, 200, 255), width=1)
    if node.focused:
        draw.rectangle((x1 + 3, y1 + 3, x2 - 4, y2 - 4), outline=(0, 149, 246, 255), width=3)
    if label:
        text = label.replace("\n", " ")
        width = x2 - x1 - 20
        while text and draw.textlength(text, font=font) > width:
            text = text[:-2]
        draw.text((x1 + 10, y1 + 8), text, fill=(20, 20, 20), font=font)


_MEDIA_HINTS = (
    "thumbnail",
    "preview",
    "image_view",
    "imageview",
    "media",
    "zoomable",
    "image_button",
)


def _is_media(node: Node) -> bool:
    rid = node.rid.rsplit("/", 1)[-1]
    return any(hint in rid for hint in _MEDIA_HINTS)
