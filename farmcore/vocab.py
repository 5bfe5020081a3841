"""The shared vocabulary: every closed set of names the packages exchange, in one place.

Each is a StrEnum, so its members compare and serialise as their plain strings (the database
columns and the JSON bodies keep holding "feed", "scheduled", …). Add a member here and every
Literal, check and listing derived from it follows.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class PostKind(StrEnum):
    FEED = "feed"
    CAROUSEL = "carousel"
    STORY = "story"
    REEL = "reel"


@dataclass(frozen=True)
class ItemRule:
    """How many media items a post kind takes, and of which types."""

    min_items: int
    max_items: int
    allows_image: bool = True
    allows_video: bool = True

    def count_problem(self, kind: str, n: int) -> str | None:
        """None when `n` items fit the kind, else a sentence saying why not."""
        if self.min_items <= n <= self.max_items:
            return None
        if self.min_items == self.max_items:
            return f"a {kind} has exactly {_one(self.min_items)} item, got {n}"
        return f"a {kind} has {self.min_items}–{self.max_items} items, got {n}"


def _one(n: int) -> str:
    return "one" if n == 1 else str(n)


ITEM_RULES: dict[PostKind, ItemRule] = {
    PostKind.FEED: ItemRule(1, 1),
    PostKind.CAROUSEL: ItemRule(2, 10),
    PostKind.STORY: ItemRule(1, 1),
    PostKind.REEL: ItemRule(1, 1, allows_image=False),
}


class MediaType(StrEnum):
    IMAGE = "image"
    VIDEO = "video"


class JobState(StrEnum):
    PENDING_APPROVAL = "pending_approval"
    SCHEDULED = "scheduled"
    LEASED = "leased"
    PUBLISHING = "publishing"
    PUBLISHED = "published"
    PAUSED = "paused"
    FAILED = "failed"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"


class LeasePurpose(StrEnum):
    PUBLISH = "publish"
    VERIFY = "verify"
    LOGIN = "login"
    INSIGHTS = "insights"  # read the account's audience activity (no job), when the phone idles


class LeaseState(StrEnum):
    ACTIVE = "active"
    DONE = "done"
    EXPIRED = "expired"


class AccountState(StrEnum):
    ACTIVE = "active"
    NEEDS_AUTH = "needs_auth"
    CHALLENGE = "challenge"
    DISABLED = "disabled"
    DELETED = "deleted"  # removed by ops: its future jobs are cancelled, its history kept


class DeviceStatus(StrEnum):
    IDLE = "idle"
    BUSY = "busy"
    OFFLINE = "offline"
    ERROR = "error"
    LOW_BATTERY = "low_battery"
    HOT = "hot"


class Driver(StrEnum):
    SIM = "sim"
    U2 = "u2"
    APPIUM = "appium"


class WebhookEvent(StrEnum):
    JOB_PUBLISHED = "job.published"
    JOB_FAILED = "job.failed"
    JOB_UNKNOWN = "job.unknown"
    ACCOUNT_NEEDS_AUTH = "account.needs_auth"
    DEVICE_OFFLINE = "device.offline"


class LeaseEventType(StrEnum):
    """What an agent reports while it holds a lease."""

    STARTED = "started"
    STEP = "step"
    POINT_OF_NO_RETURN = "point_of_no_return"


class Outcome(StrEnum):
    """How an agent ends a lease."""

    PUBLISHED = "published"
    FAILED = "failed"
    VERIFIED_PUBLISHED = "verified_published"
    VERIFIED_ABSENT = "verified_absent"
    LOGGED_IN = "logged_in"
    AUDIENCE_READ = "audience_read"  # an insights lease: the reading is in `CompleteIn.audience`


class AudienceSource(StrEnum):
    """Where an account's audience activity (or a best time) came from."""

    INSIGHTS = "insights"  # the app's "Most active times" (professional accounts)
    ESTIMATE = "estimate"  # the engagement of the account's own published posts
    DEFAULT = "default"  # no data at all: the documented default hour


def values(enum: type[StrEnum]) -> tuple[str, ...]:
    """The members' strings, in declaration order."""
    return tuple(m.value for m in enum)
