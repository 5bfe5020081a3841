"""Image targets: orientation applied, sRGB, alpha flattened, fitted, JPEG of at most 2 MB.

The JPEG quality is searched: the highest quality from JPEG_MAX_QUALITY down whose encoding fits
IMAGE_MAX_BYTES, by bisection on in-memory encodes (one encode in the usual case). Nothing of the
source's metadata is written: no EXIF (GPS), no XMP, no comment, no ICC profile (the pixels are
converted to sRGB, which is what a JPEG without a profile means).
"""

from __future__ import annotations

import io
import math
from pathlib import Path

from PIL import Image, ImageCms, ImageEnhance, ImageFilter

from media import profiles
from media.errors import MediaError
from media.layout import Layout
from media.probe import open_image, orientation_of

TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_SRGB = ImageCms.createProfile("sRGB")
BLUR_DOWNSCALE = 8  # the blurred backdrop is made at 1/8 size: same look, a fraction of the work


def load_oriented(src: Path, display: tuple[int, int], needed: tuple[int, int]) -> Image.Image:
    """Decode `src` at no less than `needed` (display pixels), upright, as RGB in sRGB."""
    im = open_image(src)
    try:
        orientation = orientation_of(im)
        if im.format in ("JPEG", "MPO") and im.mode in ("RGB", "L"):
            raw_needed = needed if orientation < 5 else (needed[1], needed[0])
            im.draft(im.mode, raw_needed)  # libjpeg scales by 1/2..1/8 while decoding
        im.load()  # Pillow closes the file once a single-frame image is loaded
    except (OSError, SyntaxError, ValueError) as exc:
        im.close()
        raise MediaError("corrupt_media", f"damaged or truncated image: {exc}") from None
    out = to_srgb(im)
    if orientation in TRANSPOSE:
        out = out.transpose(TRANSPOSE[orientation])
    return out


def to_srgb(im: Image.Image, background: tuple[int, int, int] = (255, 255, 255)) -> Image.Image:
    """An RGB image in sRGB from any mode Pillow decodes PNG and JPEG into."""
    icc = im.info.get("icc_profile")
    if im.mode in ("I;16", "I;16B", "I;16L", "I"):
        im = im.point(lambda v: v * (1 / 257)).convert("L")
    if im.mode == "P":
        im = im.convert("RGBA" if "transparency" in im.info else "RGB")
    if im.mode in ("RGBA", "LA", "PA", "La", "RGBa"):
        flat = Image.new("RGB", im.size, background)
        rgba = im.convert("RGBA")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        im = flat
    if icc and im.mode in ("RGB", "CMYK"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            if im.mode == "CMYK" or "srgb" not in ImageCms.getProfileDescription(source).lower():
                converted = ImageCms.profileToProfile(im, source, _SRGB, outputMode="RGB")
                if converted is not None:
                    im = converted
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # an unusable profile: fall back to treating the pixels as sRGB
    if im.mode != "RGB":
        im = im.convert("RGB")
    return im


def _cover_box(size: tuple[int, int], aspect: float) -> tuple[float, float, float, float]:
    """The centred region of `size` with `aspect` (width / height)."""
    w, h = size
    if w / h > aspect:
        cw = h * aspect
        return ((w - cw) / 2, 0, (w + cw) / 2, h)
    ch = w / aspect
    return (0, (h - ch) / 2, w, (h + ch) / 2)


def compose(im: Image.Image, layout: Layout, pad_color: tuple[int, int, int]) -> Image.Image:
    cw, ch = layout.canvas
    lanczos = Image.Resampling.LANCZOS
    if layout.mode == "scale":
        return im.resize((cw, ch), lanczos, reducing_gap=3.0)
    if layout.mode == "crop":
        return im.resize((cw, ch), lanczos, box=_cover_box(im.size, cw / ch), reducing_gap=3.0)
    fg = im.resize(layout.content, lanczos, reducing_gap=3.0)
    if layout.mode == "blur":
        small = (max(1, cw // BLUR_DOWNSCALE), max(1, ch // BLUR_DOWNSCALE))
        back = im.resize(small, Image.Resampling.BILINEAR, box=_cover_box(im.size, cw / ch))
        back = back.filter(ImageFilter.GaussianBlur(radius=max(2, small[0] // 24)))
        back = ImageEnhance.Brightness(back).enhance(0.8)
        canvas = back.resize((cw, ch), Image.Resampling.BILINEAR)
    else:
        canvas = Image.new("RGB", (cw, ch), pad_color)
    canvas.paste(fg, layout.offset)
    return canvas


def encode_jpeg(im: Image.Image, max_bytes: int) -> tuple[bytes, int]:
    """The best-quality baseline JPEG of `im` that fits `max_bytes`, and its quality."""
    im.info.clear()  # Pillow would write a carried-over comment, EXIF or XMP otherwise

    def encode(q: int) -> bytes:
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=q, optimize=True, subsampling=2)
        return buf.getvalue()

    best = encode(profiles.JPEG_MAX_QUALITY)
    if len(best) <= max_bytes:
        return best, profiles.JPEG_MAX_QUALITY
    lo, hi, found = profiles.JPEG_MIN_QUALITY, profiles.JPEG_MAX_QUALITY - 1, None
    while lo <= hi:
        mid = (lo + hi) // 2
        data = encode(mid)
        if len(data) <= max_bytes:
            found, lo = (data, mid), mid + 1
        else:
            hi = mid - 1
    if found is None:
        raise MediaError("file_too_large", f"no JPEG quality fits {max_bytes} bytes")
    return found


def needed_decode_size(display: tuple[int, int], layout: Layout) -> tuple[int, int]:
    """The smallest decode of the source that still has every pixel the layout shows."""
    s = max(layout.content[0] / display[0], layout.content[1] / display[1])
    if layout.mode == "crop":
        s = max(layout.canvas[0] / display[0], layout.canvas[1] / display[1])
    s = min(1.0, s)
    return math.ceil(display[0] * s), math.ceil(display[1] * s)


def prepare_image(
    src: Path, display: tuple[int, int], layout: Layout, dest: Path, pad_color: tuple[int, int, int]
) -> int:
    """Write the JPEG for `layout` to `dest`; return the quality chosen."""
    im = load_oriented(src, display, needed_decode_size(display, layout))
    data, quality = encode_jpeg(compose(im, layout, pad_color), profiles.IMAGE_MAX_BYTES)
    dest.write_bytes(data)
    return quality
