"""Post verification: is the job's post on the account's profile? (settles jobs in `unknown`)

Waits until no upload is in progress on the home feed (a post still uploading must not be
taken for a lost one), opens the own profile of the account, reads the newest grid cells and,
when a cell's content-desc cannot answer alone, opens the post: the caption must contain the
job's marker and the post must have the expected number of items. Stories have no caption
and no grid cell: `flows.stories` walks the own story viewer instead (owner, age, media type).
"""

from __future__ import annotations

import re
from datetime import datetime

from flows.account import BACK_OUT_SCREENS, MAX_BACKS, STALE_DIALOGS, EnsureAccount, uploads_running
from flows.driver import Driver
from flows.engine import Engine, Outcome, Screen
from flows.hierarchy import Node
from flows.selectors import normalize, text_variants
from flows.stories import FindStory

CAROUSEL_WORDS = {"en": "carousel", "es": "carrusel", "fr": "carrousel"}
_N_OF_M = re.compile(r"(\d+)\s*(?:/|\w+)\s*(\d+)")


def item_count_of(screen: Screen) -> int:
    """Items of the opened post: `1 of 3` on the page indicator, `1/3` on the media, else 1."""
    for element, attr in (("carousel_count", "content_desc"), ("carousel_index", "text")):
        node = screen.find(element)
        if node is not None:
            m = _N_OF_M.search(getattr(node, attr))
            if m:
                return int(m.group(2))
    return 1


def caption_truncated(text: str) -> bool:
    t = normalize(text)
    return any(t.endswith(f"... {w}") or t.endswith(f"...{w}") for w in text_variants("more"))


def grid_cells(screen: Screen) -> list[Node]:
    cells = screen.find_all("grid_item")
    return sorted(cells, key=lambda n: (n.bounds.top, n.bounds.left))


class SettleUploads:
    """Goal: the home feed with no upload in progress (a post still uploading is not "lost")."""

    name = "waiting for uploads in progress"
    tolerates = STALE_DIALOGS  # verification only looks

    def __init__(self) -> None:
        self.moves = 0

    def step(self, engine: Engine, screen: Screen) -> Outcome:
        if screen.name in ("home_feed", "uploading", "upload_failed", "upload_done"):
            return Outcome.WAIT if uploads_running(screen) else Outcome.DONE
        self.moves += 1
        if self.moves > MAX_BACKS:
            raise engine.unexpected(screen, self.name)
        if screen.name in ("profile", "post_view", "reels_tab", "other_profile") and (
            engine.tap_element(screen, "feed_tab")
        ):
            return Outcome.CONTINUE
        if screen.name in BACK_OUT_SCREENS or screen.name in ("account_switcher", "post_view"):
            engine.press("back")
            return Outcome.CONTINUE
        raise engine.unexpected(screen, self.name)


class FindPost:
    """Goal: decide whether one of the newest posts carries `marker` with `item_count` items."""

    name = "looking for the post on the profile"
    tolerates = STALE_DIALOGS

    def __init__(self, marker: str, item_count: int, max_posts: int) -> None:
        self.marker = normalize(marker)
        self.item_count = item_count
        self.max_posts = max_posts
        self.index = 0  # grid cell being checked, newest first
        self.opened = False
        self.expanded = False
        self.found: bool | None = None

    def step(self, engine: Engine, screen: Screen) -> Outcome:
        if screen.name == "profile":
            return self._on_profile(engine, screen)
        if screen.name == "post_view" and self.opened:
            return self._on_post(engine, screen)
        raise engine.unexpected(screen, self.name)

    def _on_profile(self, engine: Engine, screen: Screen) -> Outcome:
        cells = grid_cells(screen)
        if self.index >= min(self.max_posts, len(cells)):
            self.found = False
            return Outcome.DONE
        cell = cells[self.index]
        desc = normalize(cell.content_desc)
        if self.marker in desc:
            is_carousel = any(desc.startswith(w) for w in CAROUSEL_WORDS.values())
            if not is_carousel and self.item_count == 1:
                self.found = True
                return Outcome.DONE
        self.opened = True
        self.expanded = False
        engine.tap(cell)
        return Outcome.CONTINUE

    def _on_post(self, engine: Engine, screen: Screen) -> Outcome:
        caption = screen.find("post_caption")
        text = caption.text if caption is not None else ""
        if caption is not None and caption_truncated(text) and not self.expanded:
            self.expanded = True
            engine.tap(screen.find("more_button") or caption)  # "… more" expands it
            return Outcome.CONTINUE
        if self.marker in normalize(text) and item_count_of(screen) == self.item_count:
            self.found = True
            engine.press("back")  # leave the phone on the profile
            return Outcome.DONE
        self.index += 1
        self.opened = False
        engine.press("back")
        return Outcome.CONTINUE


def verify_post(
    driver: Driver,
    username: str,
    marker: str,
    item_count: int,
    *,
    kind: str | None = None,
    since: datetime | None = None,
    media_types: list[str] | None = None,
    max_posts: int = 3,
    deadline_s: float = 60,
    step_budget: int = 30,
    poll_s: float = 1.0,
) -> bool:
    """True when one of the `max_posts` newest posts of `username` has the marker and count.

    `kind="story"`: stories have no caption. The own story viewer is walked (oldest item
    first): True when `item_count` items in a row are the account's, newer than `since` (the
    publish lease's start; None: any live story, up to 24 h old) and of `media_types` when
    given. Raises FlowError when the phone cannot answer (logged out, challenge, unknown
    screen, a story age it cannot read…).
    """
    if not marker and kind != "story":
        raise ValueError("verify_post needs the job's caption marker")
    engine = Engine(driver, deadline_s=deadline_s, step_budget=step_budget, poll_s=poll_s)
    engine.run(SettleUploads())
    ensure = EnsureAccount(username)
    engine.run(ensure)
    if ensure.switcher_opened:  # another account was active: its uploads were not on screen
        engine.run(SettleUploads())
        ensure = EnsureAccount(username)
        engine.run(ensure)
    if kind == "story":
        story = FindStory(username, item_count, media_types, since)
        engine.run(story)
        return bool(story.found)
    find = FindPost(marker, item_count, max_posts)
    engine.run(find)
    return bool(find.found)
