from __future__ import annotations

import pytest

from media import profiles
from media.errors import MediaError
from media.layout import plan
from media.profiles import PROFILES
from media.video import plan_kbps

FEED, STORY, CAROUSEL = PROFILES["feed"], PROFILES["story"], PROFILES["carousel"]


def test_feed_keeps_an_aspect_inside_the_range() -> None:
    assert plan((4000, 3000), FEED).canvas == (1080, 810)
    assert plan((3000, 3000), FEED).mode == "scale"


def test_feed_tall_source_is_padded_to_four_by_five_by_default() -> None:
    lay = plan((1080, 1920), FEED)
    assert lay.canvas == (1080, 1350)
    assert lay.mode == "solid"
    assert lay.content == (759, 1350)
    assert lay.offset == (160, 0)


def test_feed_tall_source_cropped_on_request() -> None:
    lay = plan((1080, 1920), FEED, fit="crop")
    assert lay.canvas == (1080, 1350)
    assert lay.mode == "crop"
    assert lay.content[0] >= 1080 and lay.content[1] >= 1350


def test_feed_panorama_stops_at_1_91() -> None:
    assert plan((3000, 1000), FEED).canvas == (1080, 565)
    # a video keeps 640 px on its short side
    assert plan((3000, 1000), FEED, video=True).canvas == (1222, 640)


def test_story_is_a_fixed_canvas_with_a_blurred_pad_by_default() -> None:
    lay = plan((4000, 3000), STORY)
    assert lay.canvas == (1080, 1920)
    assert lay.mode == "blur"
    assert plan((4000, 3000), STORY, fit="solid").mode == "solid"


def test_carousel_aspect_can_be_forced() -> None:
    assert plan((4000, 3000), CAROUSEL, aspect=1.0).canvas == (1080, 1080)
    assert plan((4000, 3000), CAROUSEL, aspect=0.5).canvas == (1080, 1350)  # clamped to 4:5


def test_video_dimensions_are_even() -> None:
    lay = plan((1001, 777), FEED, video=True)
    assert all(v % 2 == 0 for v in (*lay.canvas, *lay.content))


def test_unknown_fit_is_a_bad_option() -> None:
    with pytest.raises(MediaError) as err:
        plan((100, 100), FEED, fit="stretch")
    assert err.value.code == "bad_option"


@pytest.mark.parametrize("seconds", [3, 10, 30, 60, 90])
@pytest.mark.parametrize("audio", [True, False])
def test_planned_bitrate_fits_the_byte_budget(seconds: float, audio: bool) -> None:
    kbps = plan_kbps(seconds, audio)
    worst = kbps * 1000 * (seconds + 1) / 8 + (profiles.AUDIO_KBPS * 1000 * seconds / 8) * audio
    assert worst <= profiles.VIDEO_MAX_BYTES * profiles.VIDEO_SIZE_MARGIN
    assert profiles.VIDEO_MIN_KBPS <= kbps <= profiles.VIDEO_MAX_KBPS
