"""Story verification: is the story this job posted in the account's own story?

A story has no caption and no grid cell, so the marker cannot be searched. What the own story
viewer does show, item by item (oldest first), is the owner (`reel_viewer_title`), the item's
age (`reel_viewer_timestamp`: `42s`, `5m`, `3h`; `5 min`, `3 h` in Spanish and French) and
whether it is a photo or a video (the media view, or words in its content-desc). An item
counts when it is newer than the lease's start (`since`) and of the job's media type; the job
is found when enough such items follow each other (`item_count`, one per story job).

The age has the unit's resolution (minutes within the first hour, then hours), so an item is
taken as recent when the lowest age its text allows is within `now - since` (+ clock skew).
Two stories posted after `since` cannot be told apart: that is the limit of what the UI says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flows.account import STALE_DIALOGS
from flows.engine import Engine, Outcome, Screen
from flows.selectors import normalize, text_variants

STORY_LIFETIME = timedelta(hours=24)
CLOCK_SKEW = timedelta(minutes=2)  # phone clock vs the controller's, and the tap-to-post delay
MAX_ITEMS = 100  # Instagram's daily story limit: a walk never needs more looks
MAX_PASSES = 2  # the viewer moves on by itself: a miss is confirmed by a second walk

_UNIT_SECONDS = {
    "s": 1,
    "sec": 1,
    "seg": 1,
    "m": 60,
    "min": 60,
    "mn": 60,
    "h": 3600,
    "hr": 3600,
    "d": 86400,
    "j": 86400,
    "w": 604800,
    "sem": 604800,
}
_AGE = re.compile(r"(\d+)\s*([a-z]+)")


def age_floor(text: str) -> timedelta | None:
    """The least age a story timestamp allows (`5m` → 5 minutes); None when unreadable."""
    value = normalize(text)
    if value in text_variants("just_now"):
        return timedelta(0)
    m = _AGE.search(value)
    if m is None or m.group(2) not in _UNIT_SECONDS:
        return None
    return timedelta(seconds=int(m.group(1)) * _UNIT_SECONDS[m.group(2)])


def media_type_of(screen: Screen) -> str | None:
    """The item's media type ("image" / "video"), from its view or words of its content-desc."""
    if screen.has("story_video"):
        return "video"
    if screen.has("story_image"):
        return "image"
    media = screen.find("story_media")
    words = normalize(media.content_desc).replace(",", " ").split() if media else []
    if any(w in text_variants("video_word") for w in words):
        return "video"
    if any(w in text_variants("photo_word") for w in words):
        return "image"
    return None


@dataclass
class StoryItemSeen:
    owner: str
    age: timedelta
    media_type: str | None


class FindStory:
    """Goal: decide whether the own story holds the job's item(s): walk the viewer from the
    oldest item to the newest and close it again (back on the profile)."""

    name = "looking for the story in the story viewer"
    tolerates = STALE_DIALOGS

    def __init__(
        self,
        username: str,
        item_count: int,
        media_types: list[str] | None,
        since: datetime | None,
        now: datetime | None = None,
    ) -> None:
        self.username = normalize(username).lstrip("@")
        self.item_count = max(1, item_count)
        self.media_types = media_types
        now = now or datetime.now(UTC)
        window = now - since + CLOCK_SKEW if since is not None else STORY_LIFETIME
        self.window = max(window, timedelta(0))
        self.passes = 0
        self.in_viewer = False
        self.matched = 0
        self.looks = 0
        self.seen: list[StoryItemSeen] = []
        self.found: bool | None = None

    def step(self, engine: Engine, screen: Screen) -> Outcome:
        if screen.name == "profile" and self.found:
            return Outcome.DONE  # the viewer is closed again
        if screen.name == "profile":
            return self._on_profile(engine, screen)
        if screen.name == "story_viewer" and self.in_viewer:
            return self._on_item(engine, screen)
        raise engine.unexpected(screen, self.name)

    def _on_profile(self, engine: Engine, screen: Screen) -> Outcome:
        self.in_viewer = False
        if not screen.has("story_ring") or self.passes >= MAX_PASSES:
            self.found = False
            return Outcome.DONE
        avatar = screen.find("own_avatar")
        if avatar is None:
            raise engine.unexpected(screen, "looking for the own avatar")
        self.passes += 1
        self.matched = 0
        self.in_viewer = True
        engine.tap(avatar)
        return Outcome.CONTINUE

    def _on_item(self, engine: Engine, screen: Screen) -> Outcome:
        self.looks += 1
        if self.looks > MAX_ITEMS * MAX_PASSES:
            raise engine.fail("ui_unrecognized", "the story viewer does not move on")
        stamp = screen.find("story_timestamp")
        age = age_floor(stamp.text) if stamp is not None else None
        if age is None:
            raise engine.fail("ui_unrecognized", "the story viewer shows no readable age")
        title = screen.find("story_title")
        owner = normalize(title.text).lstrip("@") if title is not None else ""
        item = StoryItemSeen(owner, age, media_type_of(screen))
        self.seen.append(item)
        if self._counts(item):
            self.matched += 1
            if self.matched >= self.item_count:
                self.found = True
                engine.press("back")  # close the viewer: the phone is left on the profile
                return Outcome.CONTINUE
        else:
            self.matched = 0
        self._next(engine, screen)
        return Outcome.CONTINUE

    def _counts(self, item: StoryItemSeen) -> bool:
        if item.owner and item.owner != self.username:
            return False
        if item.age > self.window:
            return False
        if self.media_types:
            wanted = self.media_types[min(self.matched, len(self.media_types) - 1)]
            return item.media_type in (None, wanted)
        return True

    def _next(self, engine: Engine, screen: Screen) -> None:
        """Tap the right part of the media (the left third goes back one item)."""
        media = screen.find("story_media") or screen.find("story_viewer")
        assert media is not None
        b = media.bounds
        engine.tap_xy(b.left + (b.right - b.left) * 4 // 5, (b.top + b.bottom) // 2)
