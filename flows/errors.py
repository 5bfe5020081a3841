"""Failure codes a publish can end with, and the exception that carries them.

Every code says whether a retry can help and whether it is the account's problem (the
controller then marks the account `needs_auth` and holds its queue instead of burning retries).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ErrorKind:
    code: str
    retryable: bool
    account_level: bool
    description: str


ERROR_KINDS: dict[str, ErrorKind] = {
    k.code: k
    for k in [
        ErrorKind("auth_wrong_password", False, True, "Instagram rejected the stored password"),
        ErrorKind("auth_login_required", False, True, "the app is logged out on this device"),
        ErrorKind("auth_challenge_required", False, True, "Instagram asks to confirm it's you"),
        ErrorKind("auth_two_factor_enabled", False, True, "two-factor login is on; turn it off"),
        ErrorKind("account_wrong_user", False, True, "the app is logged in as another user"),
        ErrorKind("account_private", False, True, "the account is private"),
        ErrorKind("account_too_few_posts", False, True, "the account has fewer than 5 posts"),
        ErrorKind("action_blocked", False, True, "Instagram restricts this account for now"),
        ErrorKind(
            "account_disabled",
            False,
            True,
            "Instagram disabled the account (no appeal from the phone): remove it from the farm",
        ),
        ErrorKind(
            "account_suspended",
            False,
            True,
            "Instagram suspended the account: appeal in the app before the deadline it shows",
        ),
        ErrorKind(
            "checkpoint_required",
            False,
            True,
            "Instagram asks for an ID photo, a captcha or a video selfie: a person completes it "
            "on the phone, then ops re-authenticate the account",
        ),
        ErrorKind("media_rejected", False, False, "Instagram or the pipeline refused the media"),
        ErrorKind("device_offline", True, False, "the phone stopped answering"),
        ErrorKind("app_crashed", True, False, "the Instagram app crashed"),
        ErrorKind("app_update_required", False, False, "the app demands an update"),
        ErrorKind(
            "media_not_in_gallery", True, False, "the pushed media did not show in the gallery"
        ),
        ErrorKind("ui_unrecognized", True, False, "a screen the flow does not know"),
        ErrorKind("upload_failed", True, False, "the upload failed in the app"),
        ErrorKind(
            "publish_unconfirmed",
            True,
            False,
            "after Share the app showed neither success nor failure: verification decides",
        ),
        ErrorKind("rate_limited", True, False, "Instagram says try again later"),
        ErrorKind("timeout", True, False, "the flow ran out of time or steps"),
        ErrorKind("internal_error", True, False, "an unexpected error in the agent"),
    ]
}


# account-level codes that do not mean "log in again": the state the controller holds them in
_HELD_STATES = {
    "auth_challenge_required": "challenge",
    "checkpoint_required": "challenge",
    "account_disabled": "disabled",
    "account_suspended": "disabled",
}


def held_state(code: str) -> str:
    """The account state an account-level failure puts the account in (`needs_auth` unless the
    code says Instagram wants a check or closed the account)."""
    return _HELD_STATES.get(code, "needs_auth")


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
