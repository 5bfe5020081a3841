"""Where the source's pixels go on the output canvas: pure arithmetic shared by image and video.

A feed or carousel canvas is 1080 wide with the source's aspect clamped to 4:5 .. 1.91:1 (or a
forced aspect, for carousel items after the first); story and reel use a fixed 1080×1920
canvas. `fit` says how a source of another aspect meets the canvas: `crop` fills it and cuts
the overflow centred; `solid` and `blur` show the whole source over a plain or a blurred copy of
itself; `pad` is the kind's default of those two.
"""

from __future__ import annotations

from dataclasses import dataclass

from media import profiles
from media.errors import MediaError
from media.profiles import Profile

SNAP_PX = 2  # bars this thin are not worth drawing: stretch the source instead


@dataclass(frozen=True)
class Layout:
    canvas: tuple[int, int]
    content: tuple[int, int]  # the source scaled; larger than canvas for crop
    mode: str  # "scale", "crop", "solid" or "blur"

    @property
    def offset(self) -> tuple[int, int]:
        return (self.canvas[0] - self.content[0]) // 2, (self.canvas[1] - self.content[1]) // 2


def _even(x: float) -> int:
    return max(2, round(x / 2) * 2)


def resolve_fit(fit: str, profile: Profile) -> str:
    if fit not in profiles.FITS:
        raise MediaError("bad_option", f"fit must be one of {', '.join(profiles.FITS)}")
    return profile.default_fit if fit == "pad" else fit


def canvas_for(
    src: tuple[int, int], profile: Profile, *, aspect: float | None, video: bool
) -> tuple[int, int]:
    if profile.fixed_size is not None:
        return profile.fixed_size
    if aspect is not None and not (0.1 < aspect < 10):
        raise MediaError("bad_option", f"aspect {aspect} is out of range")
    wanted = aspect if aspect is not None else src[0] / src[1]
    a = min(max(wanted, profiles.FEED_MIN_ASPECT), profiles.FEED_MAX_ASPECT)
    w = profiles.OUTPUT_WIDTH
    if not video:
        return w, max(1, round(w / a))
    h = _even(w / a)
    if h < profiles.VIDEO_MIN_SHORT_SIDE:  # a wide video keeps a 640 px short side
        h = profiles.VIDEO_MIN_SHORT_SIDE
        w = _even(h * a)
    return w, h


def plan(
    src: tuple[int, int],
    profile: Profile,
    *,
    fit: str = "pad",
    aspect: float | None = None,
    video: bool = False,
) -> Layout:
    """The layout of a `src` (display width, height) for `profile`."""
    mode = resolve_fit(fit, profile)
    cw, ch = canvas_for(src, profile, aspect=aspect, video=video)
    sw, sh = src
    rnd = _even if video else (lambda x: max(1, round(x)))
    if mode == "crop":
        s = max(cw / sw, ch / sh)
        content = (max(cw, rnd(sw * s)), max(ch, rnd(sh * s)))
    else:
        s = min(cw / sw, ch / sh)
        content = (min(cw, rnd(sw * s)), min(ch, rnd(sh * s)))
    if abs(content[0] - cw) <= SNAP_PX and abs(content[1] - ch) <= SNAP_PX:
        return Layout((cw, ch), (cw, ch), "scale")
    return Layout((cw, ch), content, mode)
