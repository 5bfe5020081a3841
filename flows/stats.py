"""Post statistics: read the likes, comments and views of an account's recent posts.

The flow only looks (it never likes, comments or follows): it opens the own profile of the
account, opens the newest grid cells one by one and reads the counters of each opened post,
then goes back to the profile.

Where the counters are on an opened post (real dumps, 2025-12 … 2026-02 builds):
- the media's content-desc states them exactly: `row_feed_photo_imageview` "Reel by X,
  4 likes, 1 comment, December 9", `carousel_video_media_group` "Photo 1 of 5 by X, 625 likes,
  508 comments"; read first when present;
- else the id-less Button right after `row_feed_button_like` / `row_feed_button_comment`
  holds the count as the app abbreviates it ("3", "1,279", "110K");
- older builds: `row_feed_textview_likes` ("1,234 likes", "Liked by anna and 12 others") and
  `row_feed_view_all_comments_text` ("View all 56 comments");
- views (reels, videos): "View Count 140" / "12.5K views" in the media's content-desc.
An opened post is followed by the next post of the grid in the same list: only the nodes of
the first post (above the second post's header) are read.

A post is identified by the head of its caption (`post_ref`, a hash of its first 60
normalised characters: the same head the controller's jobs use as their marker), or, for a
post without caption, by its grid position and date label.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from flows.account import STALE_DIALOGS, EnsureAccount
from flows.counts import Counts, counts_in, parse_count
from flows.driver import Driver
from flows.engine import Engine, Outcome, Screen
from flows.hierarchy import Node
from flows.request import FlowStats
from flows.selectors import normalize, text_variants
from flows.stories import age_floor, media_type_of
from flows.verify import CAROUSEL_WORDS, grid_cells

MARKER_CHARS = 60  # the controller's job marker: the caption's first 60 characters
CAPTION_CHARS = 200  # what a reading carries of the caption (enough to hold the marker)


@dataclass
class PostReading:
    """The counters of one post as the phone showed them."""

    position: int  # 1 = the newest cell of the grid
    kind: str  # "feed" | "carousel" | "reel"
    post_ref: str
    caption: str
    likes: int | None = None
    comments: int | None = None
    views: int | None = None
    date_label: str = ""  # the post's date as the app writes it ("December 9", "3 days ago")
    age_s: int | None = None  # stories: the least age the viewer's timestamp allows


@dataclass
class StatsResult:
    readings: list[PostReading] = field(default_factory=list)
    stats: FlowStats = field(default_factory=FlowStats)


def post_ref(caption: str, position: int, date_label: str) -> str:
    """What identifies a post on the phone: the head of its caption, else position + date."""
    head = normalize(caption)[:MARKER_CHARS]
    if head:
        return "c:" + hashlib.sha256(head.encode()).hexdigest()[:16]
    return f"p:{position}:{normalize(date_label)}"[:100]


def kind_of_cell(desc: str) -> str:
    """The post kind a grid cell's content-desc names ("Reel by …", "Carousel by …")."""
    d = normalize(desc)
    if any(d.startswith(w) for w in CAROUSEL_WORDS.values()):
        return "carousel"
    if d.startswith("reel"):
        return "reel"
    return "feed"


def first_post_nodes(screen: Screen) -> list[Node]:
    """The nodes of the opened post only: those above the header of the next post."""
    headers = sorted(screen.find_all("post_header"), key=lambda n: n.bounds.top)
    if len(headers) < 2:
        return list(screen.ui.nodes)
    top, limit = headers[0].bounds.top, headers[1].bounds.top
    return [n for n in screen.ui.nodes if top <= n.bounds.top < limit]


def _count_after(nodes: list[Node], button: Node) -> int | None:
    """The count the app writes in the id-less Button after a like/comment button (in the
    2025-26 builds a sibling of the button's wrapper), before the row's next button."""
    i = next((k for k, n in enumerate(nodes) if n is button), -1)
    if i < 0:
        return None
    for node in nodes[i + 1 : i + 6]:
        if node.short_id.startswith("row_feed_button_") or node.short_id.endswith("_button"):
            return None
        if not node.resource_id and node.text.strip():
            return parse_count(node.text)
    return None


def read_counters(screen: Screen) -> Counts:
    """The likes, comments and views of the opened post (see the module's docstring)."""
    nodes = first_post_nodes(screen)
    inside = {id(n) for n in nodes}
    likes = comments = views = None
    for node in nodes:
        if node.short_id in MEDIA_IDS and node.content_desc:
            found = counts_in(node.content_desc)
            likes = found.likes if likes is None else likes
            comments = found.comments if comments is None else comments
            views = found.views if views is None else views
    for name, key in (("like_button", "likes"), ("comment_button", "comments")):
        if (likes if key == "likes" else comments) is not None:
            continue
        button = next((n for n in screen.find_all(name) if id(n) in inside), None)
        value = _count_after(nodes, button) if button is not None else None
        if key == "likes":
            likes = value
        else:
            comments = value
    for name in ("likes_text", "comments_text"):
        node = next((n for n in screen.find_all(name) if id(n) in inside), None)
        if node is None:
            continue
        found = counts_in(node.text or node.content_desc)
        likes = found.likes if likes is None else likes
        comments = found.comments if comments is None else comments
        views = found.views if views is None else views
    if views is None:  # the Reels tab's play count is a bare number ("140", "12.5K")
        node = next((n for n in screen.find_all("views_text") if id(n) in inside), None)
        views = parse_count(node.text) if node is not None else None
    return Counts(likes=likes, comments=comments, views=views)


# the media views whose content-desc states the counters
MEDIA_IDS = frozenset(
    {
        "row_feed_photo_imageview",
        "carousel_video_media_group",
        "media_group",
        "clips_video_container",
    }
)


def _first_desc(node: Node) -> str:
    """The first content-desc in a subtree (depth first)."""
    if node.content_desc:
        return node.content_desc
    for child in node.children:
        found = _first_desc(child)
        if found:
            return found
    return ""


def caption_of(screen: Screen, username: str) -> tuple[str, str]:
    """(caption without the leading username and the "… more" tail, date label)."""
    node = screen.find("post_caption")
    text = (node.text if node is not None else "").strip()
    if node is None:  # a reel opened in the clips viewer: the caption is a content-desc
        box = screen.find("clips_caption")
        text = _first_desc(box).strip() if box is not None else ""
    if normalize(text).startswith(normalize(username) + " "):
        text = text[len(username) :].strip()
    words = "|".join(re.escape(w) for w in text_variants("more"))
    text = re.sub(rf"\s*(?:…|\.\.\.)\s*(?:{words})?\s*$", "", text, flags=re.IGNORECASE)
    date = screen.find("post_date")
    return text.strip(), (date.text.strip() if date is not None else "")


class ReadPosts:
    """Goal: the counters of the `max_posts` newest posts of the profile on screen."""

    name = "reading the counters of the recent posts"
    tolerates = STALE_DIALOGS  # it only looks

    def __init__(self, username: str, max_posts: int) -> None:
        self.username = username
        self.max_posts = max_posts
        self.index = 0
        self.opened: tuple[int, str] | None = None  # (position, kind) of the open post
        self.readings: list[PostReading] = []

    def step(self, engine: Engine, screen: Screen) -> Outcome:
        if screen.name == "profile":
            cells = grid_cells(screen)
            if self.index >= min(self.max_posts, len(cells)):
                return Outcome.DONE
            cell = cells[self.index]
            self.opened = (self.index + 1, kind_of_cell(cell.content_desc))
            engine.tap(cell)
            return Outcome.CONTINUE
        # a reel of the grid may open in the clips viewer (the Reels tab's player): the same
        # buttons, the caption in `clips_caption_component`; Back returns to the profile
        if screen.name in ("post_view", "reels_tab") and self.opened is not None:
            position, kind = self.opened
            counts = read_counters(screen)
            caption, date = caption_of(screen, self.username)
            self.readings.append(
                PostReading(
                    position=position,
                    kind=kind,
                    post_ref=post_ref(caption, position, date),
                    caption=caption[:CAPTION_CHARS],
                    likes=counts.likes,
                    comments=counts.comments,
                    views=counts.views,
                    date_label=date[:40],
                )
            )
            self.index += 1
            self.opened = None
            engine.press("back")
            return Outcome.CONTINUE
        raise engine.unexpected(screen, self.name)


MAX_STORY_ITEMS = 30


class ReadStories:
    """Goal: the "Seen by N" of each item of the own story (oldest first), then back on the
    profile. No story ring on the avatar: nothing to read."""

    name = "reading who saw the own story"
    tolerates = STALE_DIALOGS

    def __init__(self, now: datetime | None = None) -> None:
        self.opened = False
        self.readings: list[PostReading] = []
        self.now = now or datetime.now(UTC)

    def step(self, engine: Engine, screen: Screen) -> Outcome:
        if screen.name == "profile":
            if self.opened or not screen.has("story_ring"):
                return Outcome.DONE  # walked to the end (the viewer closed), or no story
            avatar = screen.find("own_avatar")
            if avatar is None:
                raise engine.unexpected(screen, "looking for the own avatar")
            self.opened = True
            engine.tap(avatar)
            return Outcome.CONTINUE
        if screen.name == "story_viewer" and self.opened:
            self._read(screen)
            if len(self.readings) >= MAX_STORY_ITEMS:
                engine.press("back")
                return Outcome.CONTINUE
            media = screen.find("story_media") or screen.find("story_viewer")
            assert media is not None
            b = media.bounds  # the right part goes forward (the left third goes back)
            engine.tap_xy(b.left + (b.right - b.left) * 4 // 5, (b.top + b.bottom) // 2)
            return Outcome.CONTINUE
        raise engine.unexpected(screen, self.name)

    def _read(self, screen: Screen) -> None:
        stamp = screen.find("story_timestamp")
        label = stamp.text.strip() if stamp is not None else ""
        age = age_floor(label) if label else None
        seen = screen.find("story_seen_by")
        views = counts_in((seen.text or seen.content_desc) if seen else "").views
        position = len(self.readings) + 1
        posted = (self.now - age).strftime("%Y-%m-%dT%H") if age is not None else label
        self.readings.append(
            PostReading(
                position=position,
                kind="story",
                post_ref=f"s:{posted}:{media_type_of(screen) or ''}"[:100],
                caption="",
                views=views if seen is not None else None,
                date_label=label[:40],
                age_s=int(age.total_seconds()) if age is not None else None,
            )
        )


def read_stats(
    driver: Driver,
    username: str,
    *,
    max_posts: int = 6,
    stories: bool = True,
    deadline_s: float = 120,
    step_budget: int = 80,
    poll_s: float = 1.0,
) -> StatsResult:
    """The counters of the `max_posts` newest posts of `username` (newest first), then (with
    `stories`) the "Seen by" count of each item of its live story (oldest first). Raises
    FlowError when the phone cannot answer (logged out, challenge, an unknown screen…)."""
    engine = Engine(driver, deadline_s=deadline_s, step_budget=step_budget, poll_s=poll_s)
    ensure = EnsureAccount(username)
    engine.run(ensure)
    reader = ReadPosts(username, max_posts)
    engine.run(reader)
    readings = reader.readings
    if stories:
        story = ReadStories()
        engine.run(story)
        readings = readings + story.readings
    return StatsResult(readings=readings, stats=engine.stats)
