"""Instagram accounts on a simulated phone, their profile posts, and what the phone published.

`PublishedPost` is the ground truth tests and verification read: one entry per post that
actually went out from this phone, in order, duplicates included.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

MAX_ACCOUNTS_PER_APP = 5


@dataclass
class SimAccount:
    """An Instagram account the phone knows.

    `posts` is how many posts the profile already has before the phone publishes anything.
    `logged_in` accounts are in the app's account switcher from the start (up to five);
    the others can log in through the login screen with `password`.
    """

    username: str
    password: str = "password"
    full_name: str = ""
    private: bool = False
    posts: int = 12
    followers: int = 1_250
    following: int = 310
    two_factor: bool = False
    challenge: bool = False
    logged_in: bool = True

    def __post_init__(self) -> None:
        if not self.full_name:
            self.full_name = self.username.replace("_", " ").replace(".", " ").title()


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
class AccountState:
    """What the app knows of one account while the phone runs."""

    account: SimAccount
    profile: list[ProfilePost] = field(default_factory=list)  # newest first
    story_active: bool = False

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
        return cls(account=account, profile=history)
