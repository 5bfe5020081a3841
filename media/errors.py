"""The one exception of the media pipeline and the codes it carries.

Every code is stable: the controller turns it into a 422 at submission and the agent into the
job failure `media_rejected`. `retryable` says whether trying the same file again can help.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ErrorCode:
    code: str
    retryable: bool
    description: str


ERROR_CODES: dict[str, ErrorCode] = {
    c.code: c
    for c in [
        ErrorCode("file_not_found", False, "there is no file at that path"),
        ErrorCode("empty_file", False, "the file has no bytes"),
        ErrorCode("unsupported_format", False, "not a JPEG, PNG, MP4/MOV or Matroska/WebM file"),
        ErrorCode("unsupported_codec", False, "the video or audio codec is not accepted"),
        ErrorCode("corrupt_media", False, "the file is truncated, damaged or has a broken index"),
        ErrorCode("file_too_large", False, "the file is over the size limit"),
        ErrorCode("image_too_small", False, "the image is under 640×640 pixels"),
        ErrorCode("image_too_large_pixels", False, "too many pixels (decompression bomb guard)"),
        ErrorCode("video_too_small", False, "the video is under 640 px on its short side"),
        ErrorCode("video_too_short", False, "the video is shorter than the kind allows"),
        ErrorCode("video_too_long", False, "the video is longer than the kind allows"),
        ErrorCode("no_video_stream", False, "the file has no video stream (audio only?)"),
        ErrorCode("kind_not_allowed", False, "this media kind cannot be posted as this job kind"),
        ErrorCode("feed_item_count", False, "a feed post takes exactly one item"),
        ErrorCode("carousel_item_count", False, "a carousel takes 2 to 10 items"),
        ErrorCode("story_item_count", False, "a story takes exactly one item"),
        ErrorCode("reel_item_count", False, "a reel takes exactly one video"),
        ErrorCode("unknown_kind", False, "the job kind is not feed, carousel, story or reel"),
        ErrorCode("bad_option", False, "an option (fit, aspect) has a value we do not know"),
        ErrorCode("processing_timeout", True, "ffmpeg ran out of time and was stopped"),
        ErrorCode("ffmpeg_missing", False, "no usable ffmpeg binary was found"),
        ErrorCode("ffmpeg_failed", True, "ffmpeg failed on a file it could read"),
        ErrorCode("internal_error", True, "an unexpected error in the media pipeline"),
    ]
}


class MediaError(Exception):
    """Bad or unprocessable media; `code` is a key of ERROR_CODES. str() is `code: message`."""

    def __init__(self, code: str, message: str) -> None:
        if code not in ERROR_CODES:
            raise ValueError(f"unknown media error code {code!r}")
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message

    @property
    def retryable(self) -> bool:
        return ERROR_CODES[self.code].retryable
