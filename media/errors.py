"""The one exception of the media pipeline; its codes live in `farmcore/codes.py` (`media`).

Every code is stable: the controller turns it into a 422 at submission and the agent into the
job failure `media_rejected`. `retryable` says whether trying the same file again can help.
"""

from __future__ import annotations

from farmcore.codes import MEDIA_CODES
from farmcore.codes import ErrorCode as ErrorCode

# the media domain of the one registry (farmcore/codes.py): add a new media code there
ERROR_CODES: dict[str, ErrorCode] = MEDIA_CODES


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
