"""The exception a flow stops with, and the failure codes it may carry.

The codes live in the one registry, `farmcore/codes.py` (domain `flow`): each says whether a
retry can help and which account state an account-level failure holds the account in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from farmcore.codes import FLOW_CODES, ErrorCode

# the flow domain of the one registry (farmcore/codes.py): add a new failure code there
ErrorKind = ErrorCode
ERROR_KINDS: dict[str, ErrorCode] = FLOW_CODES


@dataclass
class Evidence:
    """What the phone showed when a flow stopped: screenshot PNG and uiautomator XML."""

    screenshot_png: bytes | None = None
    hierarchy_xml: str | None = None


@dataclass
class FlowError(Exception):
    """A flow stopped for a known reason; `code` is one of ERROR_KINDS."""

    code: str
    message: str
    evidence: Evidence = field(default_factory=Evidence)
    # True when raised after the final Share tap: the post may be out, verify before a retry
    after_point_of_no_return: bool = False
    # True when the app itself said the post failed (a failed upload row), as opposed to a
    # flow that lost sight of the outcome. After the Share tap the controller verifies either
    # way: a connection lost mid-upload can make the app call failed a post the server got.
    app_said_failed: bool = False

    def __post_init__(self) -> None:
        if self.code not in ERROR_KINDS:
            raise ValueError(f"unknown flow error code {self.code!r}")
        super().__init__(f"{self.code}: {self.message}")

    @property
    def retryable(self) -> bool:
        return ERROR_KINDS[self.code].retryable

    @property
    def account_level(self) -> bool:
        return ERROR_KINDS[self.code].account_level
