"""Instagram accounts on a simulated phone, their profile posts, and what the phone published.

`PublishedPost` is the ground truth tests and verification read: one entry per post that
actually went out from this phone, in order, duplicates included.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

MAX_ACCOUNTS_PER_APP = 5
STORY_LIFETIME = timedelta(hours=24)
STORY_PHOTO_SECONDS = 5.0  # how long the story viewer shows a photo before the next item
STORY_VIDEO_MAX_SECONDS = 60.0  # one story segment of a longer video


@dataclass
class SimAccount:
    """An Instagram account the phone knows.

    `posts` is how many posts the profile already has before the phone publishes anything;
    `stories` how many story items it posted in the last hours (photos, 2 h apart, the newest
    1 h old), still visible for 24 h.
    `logged_in` accounts are in the app's account switcher from the start (up to five);
    the others can log in through the login screen with `password`.
    """

    username: str
    password: str = "password"
    full_name: str = ""
    private: bool = False
    posts: int = 12
    stories: int = 0
    followers: int = 1_250
    following: int = 310
    two_factor: bool = False
    challenge: bool = False
    logged_in: bool = True
    # a professional (creator/business) account: its profile offers the Professional dashboard
    # and Insights, whose "Most active times" show `active_hours` (followers active per 3-hour
    # block from midnight, 8 values) and `active_days` (per weekday from Monday, 7 values);
    # unset, they are seeded from the username (the same account always shows the same)
    professional: bool = True
    active_hours: list[int] = field(default_factory=list)
    active_days: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.full_name:
            self.full_name = self.username.replace("_", " ").replace(".", " ").title()
        rng = random.Random(f"audience:{self.username}")
        if not self.active_hours:
            peak = rng.randrange(8)
            self.active_hours = [
                int(self.followers * (0.9 - 0.1 * min((b - peak) % 8, (peak - b) % 8)))
                + rng.randrange(20)
                for b in range(8)
            ]
        if not self.active_days:
            self.active_days = [int(self.followers * rng.uniform(0.5, 0.9)) for _ in range(7)]
        if len(self.active_hours) != 8 or len(self.active_days) != 7:
            raise ValueError("active_hours has 8 values (3-hour blocks), active_days 7")


@dataclass
class PublishedPost:
    """One post (or story) that went out from the phone."""

    username: str
    kind: str  # "feed" | "carousel" | "story" | "reel"
    caption: str
    item_count: int
    media_sha256: list[str]
    media_types: list[str]
    published_at: datetime
    audience: str = "everyone"  # stories: "your_story" or "close_friends"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["published_at"] = self.published_at.isoformat()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PublishedPost:
        values = dict(data)
        values["published_at"] = datetime.fromisoformat(values["published_at"])
        return cls(**values)


@dataclass
class ProfilePost:
    """A post as the profile grid shows it (older posts are synthetic)."""

    kind: str
    caption: str
    media_types: list[str]
    posted_at: datetime
    published: PublishedPost | None = None

    @property
    def item_count(self) -> int:
        return len(self.media_types)


@dataclass
class StoryItem:
    """One item of the account's story (synthetic ones have no `published`)."""

    media_type: str  # "image" | "video"
    posted_at: datetime
    duration: float | None = None  # video seconds
    published: PublishedPost | None = None

    @property
    def view_seconds(self) -> float:
        """How long the story viewer shows it before moving on by itself."""
        if self.media_type == "video" and self.duration:
            return min(self.duration, STORY_VIDEO_MAX_SECONDS)
        return STORY_PHOTO_SECONDS


@dataclass
class AccountState:
    """What the app knows of one account while the phone runs."""

    account: SimAccount
    profile: list[ProfilePost] = field(default_factory=list)  # newest first
    stories: list[StoryItem] = field(default_factory=list)  # oldest first

    def live_stories(self, now: datetime) -> list[StoryItem]:
        """Story items still visible (posted less than 24 h ago), oldest first."""
        return [s for s in self.stories if now - s.posted_at < STORY_LIFETIME]

    @classmethod
    def create(cls, account: SimAccount, seed_texts: list[str]) -> AccountState:
        now = datetime.now(UTC)
        history = []
        for i in range(account.posts):
            caption = seed_texts[i % len(seed_texts)] if seed_texts else ""
            kind = "carousel" if i % 5 == 3 else "feed"
            types = ["image", "image", "image"] if kind == "carousel" else ["image"]
            history.append(
                ProfilePost(
                    kind=kind,
                    caption=caption,
                    media_types=types,
                    posted_at=now.replace(microsecond=0) - timedelta(days=3 * (i + 1)),
                )
            )
        stories = [
            StoryItem("image", now.replace(microsecond=0) - timedelta(hours=1 + 2 * i))
            for i in reversed(range(account.stories))
        ]
        return cls(account=account, profile=history, stories=stories)
