from __future__ import annotations

from dataclasses import replace

import pytest

from media import MediaError, MediaInfo, validate_for_kind

IMAGE = MediaInfo("image", "jpeg", 1080, 1080, None, None, None, None, 100_000)
VIDEO = MediaInfo("video", "mp4", 1080, 1920, 12.0, 30.0, "h264", "aac", 5_000_000)


def code_of(infos: list[MediaInfo], kind: str) -> str | None:
    try:
        validate_for_kind(infos, kind)
    except MediaError as exc:
        return exc.code
    return None


def test_valid_jobs_pass() -> None:
    assert code_of([IMAGE], "feed") is None
    assert code_of([VIDEO], "feed") is None
    assert code_of([IMAGE, VIDEO, IMAGE], "carousel") is None
    assert code_of([VIDEO], "story") is None
    assert code_of([VIDEO], "reel") is None


@pytest.mark.parametrize(
    ("infos", "kind", "code"),
    [
        ([IMAGE], "carousel", "carousel_item_count"),
        ([IMAGE] * 11, "carousel", "carousel_item_count"),
        ([IMAGE, IMAGE], "story", "story_item_count"),
        ([], "feed", "feed_item_count"),
        ([VIDEO, VIDEO], "reel", "reel_item_count"),
        ([IMAGE], "reel", "kind_not_allowed"),
        ([IMAGE], "igtv", "unknown_kind"),
        ([replace(VIDEO, duration=61.0)], "feed", "video_too_long"),
        ([replace(VIDEO, duration=2.0)], "feed", "video_too_short"),
        ([replace(VIDEO, duration=61.0)], "story", "video_too_long"),
        ([replace(VIDEO, duration=36000.0)], "reel", "video_too_long"),
        ([replace(VIDEO, width=480, height=854)], "reel", "video_too_small"),
        ([replace(VIDEO, video_codec="wmv2")], "feed", "unsupported_codec"),
        ([replace(VIDEO, audio_codec="dts")], "feed", "unsupported_codec"),
        ([replace(IMAGE, width=639)], "feed", "image_too_small"),
    ],
)
def test_invalid_jobs_get_precise_codes(infos: list[MediaInfo], kind: str, code: str) -> None:
    assert code_of(infos, kind) == code


def test_the_failing_item_is_named() -> None:
    with pytest.raises(MediaError) as err:
        validate_for_kind([IMAGE, replace(IMAGE, width=100)], "carousel")
    assert err.value.message.startswith("item 2: ")
    assert str(err.value).startswith("image_too_small: item 2")
