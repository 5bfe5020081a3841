from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image

from media import MediaError, prepare, prepare_carousel, probe
from media.samples import make_sample_image

LIMIT = 2_000_000


def jpeg_markers(path: Path) -> set[int]:
    """The JPEG segment markers before the image data (APP1 = 0xE1 carries EXIF and XMP)."""
    data = path.read_bytes()
    pos, found = 2, set()
    while pos + 4 <= len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        if marker == 0xDA:  # start of scan
            break
        found.add(marker)
        pos += 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
    return found


def check_plain_jpeg(path: Path, size: tuple[int, int]) -> Image.Image:
    im = Image.open(path)
    assert im.format == "JPEG"
    assert im.mode == "RGB"
    assert im.size == size
    assert path.stat().st_size <= LIMIT
    assert not ({0xE1, 0xE2, 0xED, 0xFE} & jpeg_markers(path)), "metadata left in the output"
    return im


def quadrants(width: int, height: int, top_left: str, rest: str) -> Image.Image:
    im = Image.new("RGB", (width, height), rest)
    im.paste(top_left, (0, 0, width // 2, height // 2))
    return im


@pytest.mark.parametrize(
    ("kind", "size"),
    [("feed", (1080, 810)), ("carousel", (1080, 810)), ("story", (1080, 1920))],
)
def test_a_12mp_photo_meets_each_kind(photo: Path, tmp_path: Path, kind: str, size: tuple) -> None:
    done = prepare(photo, kind, out=tmp_path / "out.jpg")
    assert done.path == tmp_path / "out.jpg"
    assert (done.info.width, done.info.height) == size
    check_plain_jpeg(done.path, size)


def test_a_tall_photo_is_padded_to_4_5_or_cropped(tmp_path: Path) -> None:
    src = tmp_path / "tall.png"
    Image.new("RGB", (900, 1600), "red").save(src)
    padded = check_plain_jpeg(prepare(src, "feed", out=tmp_path / "p.jpg").path, (1080, 1350))
    assert padded.getpixel((10, 675))[1] > 240  # white bar at the side
    assert padded.getpixel((540, 675))[0] > 200 and padded.getpixel((540, 675))[1] < 40
    cropped = check_plain_jpeg(
        prepare(src, "feed", fit="crop", out=tmp_path / "c.jpg").path, (1080, 1350)
    )
    assert cropped.getpixel((10, 675))[1] < 40  # no bar: red to the edge


def test_exif_orientation_is_applied_and_gps_stripped(tmp_path: Path) -> None:
    stored = quadrants(1200, 800, "red", "blue")  # landscape as stored by the sensor
    exif = Image.Exif()
    exif[0x0112] = 6  # display rotated 90° clockwise: portrait
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (48.0, 51.0, 30.0), 3: "E", 4: (2.0, 17.0, 40.0)})
    src = tmp_path / "rotated.jpg"
    stored.save(src, "JPEG", exif=exif, comment=b"secret comment", quality=95)
    assert b"PhoneMaker" in src.read_bytes()

    info = probe(src)
    assert (info.width, info.height, info.rotation) == (800, 1200, 90)

    done = prepare(src, "feed", out=tmp_path / "out.jpg")
    out = check_plain_jpeg(done.path, (1080, 1350))
    data = done.path.read_bytes()
    assert b"PhoneMaker" not in data and b"secret" not in data and b"Exif" not in data
    assert not out.getexif()
    # the red corner, top-left as stored, is top-right once turned clockwise
    content_left = (1080 - 900) // 2
    r, _g, b = out.getpixel((content_left + 900 - 50, 50))
    assert r > 200 and b < 60
    r, _g, b = out.getpixel((content_left + 50, 50))
    assert b > 200 and r < 60


def test_cmyk_jpeg_becomes_srgb(tmp_path: Path) -> None:
    src = tmp_path / "cmyk.jpg"
    Image.new("CMYK", (800, 800), (0, 255, 255, 0)).save(src, "JPEG")
    assert probe(src).pix_fmt == "CMYK"
    out = check_plain_jpeg(prepare(src, "feed", out=tmp_path / "o.jpg").path, (1080, 1080))
    r, g, b = out.getpixel((540, 540))
    assert r > 200 and g < 80 and b < 80


def test_palette_and_alpha_pngs_are_flattened(tmp_path: Path) -> None:
    rgba = Image.new("RGBA", (800, 800), (0, 0, 255, 255))
    rgba.paste((0, 0, 0, 0), (0, 0, 400, 800))  # left half transparent
    rgba.save(tmp_path / "alpha.png")
    rgba.convert("P").save(tmp_path / "palette.png", transparency=0)
    out = check_plain_jpeg(
        prepare(tmp_path / "alpha.png", "feed", out=tmp_path / "a.jpg").path, (1080, 1080)
    )
    assert out.getpixel((100, 540)) >= (240, 240, 240)  # transparent became white
    assert out.getpixel((900, 540))[2] > 200
    pal = prepare(tmp_path / "palette.png", "feed", out=tmp_path / "p.jpg")
    check_plain_jpeg(pal.path, (1080, 1080))


def test_a_16_bit_grey_png_is_accepted(tmp_path: Path) -> None:
    src = tmp_path / "grey16.png"
    Image.new("I;16", (700, 700), 40000).save(src)
    out = check_plain_jpeg(prepare(src, "feed", out=tmp_path / "o.jpg").path, (1080, 1080))
    assert 140 < out.getpixel((540, 540))[0] < 170


def test_jpeg_quality_is_searched_to_fit_2_mb(tmp_path: Path) -> None:
    src = tmp_path / "noise.png"
    Image.frombytes("RGB", (1080, 1920), os.urandom(1080 * 1920 * 3)).save(src)
    done = prepare(src, "story", out=tmp_path / "o.jpg")
    size = done.path.stat().st_size
    assert size <= LIMIT
    assert size > 0.85 * LIMIT, "the quality was guessed low, not searched"


def test_small_images_are_refused_and_large_ones_downscaled(tmp_path: Path) -> None:
    make_sample_image(tmp_path / "small.jpg", 639, 900)
    with pytest.raises(MediaError) as err:
        prepare(tmp_path / "small.jpg", "feed", out=tmp_path / "x.jpg")
    assert err.value.code == "image_too_small"
    assert not (tmp_path / "x.jpg").exists()
    make_sample_image(tmp_path / "big.png", 2600, 2600)
    check_plain_jpeg(
        prepare(tmp_path / "big.png", "feed", out=tmp_path / "b.jpg").path, (1080, 1080)
    )
    make_sample_image(tmp_path / "edge.jpg", 640, 640)
    check_plain_jpeg(
        prepare(tmp_path / "edge.jpg", "feed", out=tmp_path / "e.jpg").path, (1080, 1080)
    )


def test_carousel_items_take_the_first_items_aspect(tmp_path: Path) -> None:
    first = make_sample_image(tmp_path / "a.jpg", 1600, 1200, seed=1)
    second = make_sample_image(tmp_path / "b.jpg", 1000, 1000, seed=2)
    third = make_sample_image(tmp_path / "c.png", 900, 1600, seed=3)
    items = prepare_carousel([first, second, third], out_dir=tmp_path / "out")
    assert [(i.info.width, i.info.height) for i in items] == [(1080, 810)] * 3


def test_default_output_sits_beside_the_source(tmp_path: Path) -> None:
    src = make_sample_image(tmp_path / "pic.jpg", 1000, 1000)
    done = prepare(src, "feed")
    assert done.path == tmp_path / "pic.feed.jpg"
    assert done.path.exists()
