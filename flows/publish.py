"""The publish flow: feed (image or video), carousel, story and reel, as three intentions.

1. `EnsureAccount` — the app is in front and the job's account is the active one (own profile).
2. `Compose` — create → destination → pick the job's media in the gallery → Next through the
   edit screens → caption → the single Share tap (announced by `on_point_of_no_return`).
3. `AwaitUpload` — wait for the app's verdict. Only a positive signal counts: "Posted!
   Nicely done." (feed row) or "Done posting" (Reels snackbar) is `published`; a failed row
   ("Video can't be posted", retry/discard) is `upload_failed` with `app_said_failed`
   (its retry is never tapped: a second tap could post twice). When the upload ends without
   either (stories show none), the flow looks where a person would — the profile grid or the
   own story — and anything short of finding the post raises `publish_unconfirmed` after the
   point of no return, so the controller verifies before any retry.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from farmcore.vocab import ITEM_RULES, PostKind
from flows.account import (
    DONE_ROWS_NOTE,
    FAILED_ROWS_NOTE,
    STALE_DIALOGS,
    EnsureAccount,
    done_signals,
    failed_rows,
    upload_rows,
    uploads_running,
)
from flows.driver import Driver
from flows.engine import Engine, Outcome, Screen
from flows.errors import FlowError
from flows.gallery import plan_selection, read_thumbs
from flows.hierarchy import Node
from flows.request import FlowStats, PublishRequest
from flows.resources import KEYBOARD_PACKAGE_HINTS
from flows.selectors import normalize, text_is
from flows.stories import FindStory
from flows.verify import FindPost

DESTINATION = {
    PostKind.FEED: "dest_feed",
    PostKind.CAROUSEL: "dest_feed",
    PostKind.STORY: "dest_story",
    PostKind.REEL: "dest_reel",
}
DESTINATIONS = ("dest_feed", "dest_story", "dest_reel")
START_SCREENS = frozenset(
    {"profile", "home_feed", "uploading", "upload_failed", "upload_done", "reels_tab"}
)
CREATE_SHEET_ROW = {
    "feed": "create_sheet_post",
    "carousel": "create_sheet_post",
    "story": "create_sheet_story",
    "reel": "create_sheet_reel",
}
GALLERY_TITLE = {
    "feed": "title_new_post",
    "carousel": "title_new_post",
    "story": "title_add_to_story",
    "reel": "title_new_reel",
}
AFTER_SHARE_SCREENS = frozenset({"composer", "caption_editor", "story_share", "edit"})
MAX_SELECTION_ROUNDS = 4
MAX_LINGER_POLLS = 6  # polls on the composer after the share tap before giving up
MAX_QUIET_POLLS = 2  # looks at a feed with no upload row at all before looking for the post
SHARE_CLOCK_MARGIN = timedelta(seconds=5)  # the share tap vs the story's own timestamp


def validate(request: PublishRequest) -> None:
    """Refuse a request no flow can publish, before touching the phone."""
    n = len(request.media_types)
    problem = ""
    if n == 0 or n != len(request.remote_paths):
        problem = "media_types and remote_paths must list the same, non-zero number of items"
    elif request.kind not in ITEM_RULES:
        problem = f"unknown kind {request.kind!r}"
    else:
        rule = ITEM_RULES[PostKind(request.kind)]
        problem = rule.count_problem(request.kind, n) or ""
        if not problem and not rule.allows_image and "image" in request.media_types:
            problem = f"a {request.kind} is a video"
    if problem:
        raise FlowError("media_rejected", problem)


def keyboard_top(screen: Screen) -> int | None:
    """Top edge of the soft keyboard when the dump shows one (its window is another package)."""
    tops = [
        node.bounds.top
        for node in screen.ui.nodes
        if node.package and any(hint in node.package for hint in KEYBOARD_PACKAGE_HINTS)
    ]
    if not tops:
        node = screen.find("keyboard")
        return node.bounds.top if node is not None else None
    return min(tops)


class Compose:
    """Goal: the Share tap is done (exactly once). It returns as soon as it tapped Share, so
    the dialogs it tolerates are those seen before the tap; `AwaitUpload` tolerates none."""

    name = "composing the post"
    tolerates = STALE_DIALOGS
    draft_choice = "keep_editing"  # "Save draft?" while composing: go on with this post

    def __init__(self, request: PublishRequest) -> None:
        self.request = request
        self.count = len(request.media_types)
        self.restarts = 0
        self._reset()

    def _reset(self) -> None:
        """Forget what was done on screens: after an app restart everything starts over."""
        self.create_taps = 0
        self.destination_tapped = False
        self.multi_select_tapped = False
        self.selection_rounds = 0
        self.typed = 0
        self.backs = 0
        self.menu_opened = 0
        self.story_toggles = 0

    # -- caption helpers
    def caption_present(self, text: str) -> bool:
        want = self.request.marker or self.request.caption
        if not want:
            return True
        return normalize(want[:60]) in normalize(text)

    def step(self, engine: Engine, screen: Screen) -> Outcome:
        if engine.crashes + engine.relaunches != self.restarts:
            self.restarts = engine.crashes + engine.relaunches
            self._reset()
        name = screen.name
        if name in START_SCREENS:
            return self._create(engine, screen)
        if name == "create_sheet":
            if not engine.tap_element(screen, CREATE_SHEET_ROW[self.request.kind]):
                raise engine.unexpected(screen, f"choosing a {self.request.kind} in Create")
            self.destination_tapped = True
            return Outcome.CONTINUE
        if name == "destinations":
            if not engine.tap_element(screen, DESTINATION[self.request.kind]):
                raise engine.unexpected(screen, f"choosing where to post a {self.request.kind}")
            self.destination_tapped = True
            return Outcome.CONTINUE
        if name == "story_camera":
            if not engine.tap_element(screen, "story_gallery_button"):
                raise engine.unexpected(screen, "opening the story gallery")
            return Outcome.CONTINUE
        if name == "gallery":
            return self._gallery(engine, screen)
        if name == "edit":
            if self.request.kind == "story":
                raise engine.unexpected(screen, "editing a story")
            engine.tap_element(screen, "next")
            return Outcome.CONTINUE
        if name == "caption_editor":
            return self._caption_editor(engine, screen)
        if name == "composer":
            return self._composer(engine, screen)
        if name == "story_share":
            if self.request.kind != "story":
                raise engine.unexpected(screen, f"publishing a {self.request.kind}")
            node = screen.find("your_story")
            if node is None:
                raise engine.unexpected(screen, "looking for Your story")
            engine.share(node)
            return Outcome.DONE
        raise engine.unexpected(screen, self.name)

    def _create(self, engine: Engine, screen: Screen) -> Outcome:
        self.create_taps += 1
        if self.create_taps > 3:
            raise engine.unexpected(screen, "opening the creation screen")
        if screen.name == "reels_tab" and engine.tap_element(screen, "feed_tab"):
            return Outcome.CONTINUE  # the Reels tab's own camera is reels only: start at home
        if engine.tap_element(screen, "create_button", "profile_create"):
            return Outcome.CONTINUE
        container = screen.find("create_button_left")
        if container is not None:
            for node in container.descendants():
                if node.clickable and node.class_name.endswith("ImageView"):
                    engine.tap(node)
                    return Outcome.CONTINUE
        raise engine.unexpected(screen, "looking for the Create button")

    def _gallery(self, engine: Engine, screen: Screen) -> Outcome:
        want = DESTINATION[self.request.kind]
        tabs = {d: screen.find(d) for d in DESTINATIONS}
        mine = tabs[want]
        title = screen.find("gallery_title")
        if title is not None and text_is(title.text, GALLERY_TITLE[self.request.kind]):
            self.destination_tapped = True  # "New reel", "New post", "Add to story" say it
        if mine is not None and not mine.selected and not self.destination_tapped:
            others_selected = any(
                n is not None and n.selected for d, n in tabs.items() if d != want
            )
            if others_selected or not any(n is not None and n.selected for n in tabs.values()):
                self.destination_tapped = True
                engine.tap(mine)
                return Outcome.CONTINUE
        thumbs = read_thumbs(screen.find_all("gallery_thumb"))
        if len(thumbs) < self.count:
            raise engine.fail(
                "media_not_in_gallery",
                f"the gallery shows {len(thumbs)} items, the job has {self.count}",
            )
        for thumb, wanted_type in zip(
            thumbs[: self.count], reversed(self.request.media_types), strict=True
        ):
            if thumb.media_type is not None and thumb.media_type != wanted_type:
                raise engine.fail(
                    "media_not_in_gallery",
                    f"newest gallery item is a {thumb.media_type}, the job expects a {wanted_type}",
                )
        if self.count > 1 and not self.multi_select_tapped:
            toggle = screen.find("select_multiple")
            if toggle is None:
                raise engine.unexpected(screen, "looking for Select multiple")
            numbered = sum(1 for t in thumbs if t.number is not None)
            if not (toggle.selected or toggle.checked) and numbered < 2:
                self.multi_select_tapped = True
                engine.tap(toggle)
                return Outcome.CONTINUE
        plan = plan_selection(thumbs, self.count)
        if plan.done:
            if engine.tap_element(screen, "next"):
                return Outcome.CONTINUE
            if self.request.kind == "story":  # story gallery: a tap on the item opens it
                engine.tap(thumbs[0].node)
                return Outcome.CONTINUE
            raise engine.unexpected(screen, "looking for Next in the gallery")
        self.selection_rounds += 1
        if self.selection_rounds > MAX_SELECTION_ROUNDS:
            raise engine.fail("ui_unrecognized", "the gallery selection does not take")
        for thumb in plan.deselect:
            engine.tap(thumb.node)
        for thumb in plan.select:
            engine.tap(thumb.node)
        return Outcome.CONTINUE

    def _type_caption(self, engine: Engine, screen: Screen) -> Outcome:
        field = screen.find("caption")
        assert field is not None
        if self.typed >= 2:
            raise engine.fail("ui_unrecognized", "the caption does not show what was typed")
        self.typed += 1
        engine.tap(field)
        engine.type_text(self.request.caption)
        return Outcome.CONTINUE

    def _caption_editor(self, engine: Engine, screen: Screen) -> Outcome:
        field = screen.find("caption")
        assert field is not None
        if not self.caption_present(field.text):
            return self._type_caption(engine, screen)
        engine.tap_element(screen, "caption_done")
        return Outcome.CONTINUE

    def _composer(self, engine: Engine, screen: Screen) -> Outcome:
        field = screen.find("caption")
        assert field is not None
        if self.request.caption and not self.caption_present(field.text):
            return self._type_caption(engine, screen)
        toggle = share_to_story_toggle(screen)
        if toggle is not None and toggle.checked and self.request.kind != "story":
            if self.story_toggles >= 2:
                raise engine.fail("ui_unrecognized", "Share to Your story does not turn off")
            self.story_toggles += 1  # the job did not ask for the story too
            engine.tap(toggle)
            return Outcome.CONTINUE
        share = screen.find("share")
        kb_top = keyboard_top(screen)
        if kb_top is not None and (share is None or share.bounds.bottom > kb_top):
            # the keyboard may cover the footer: a tap there would type, not share
            return self._back(engine, screen, "hiding the keyboard")
        if share is not None:
            engine.share(share)
            return Outcome.DONE
        if screen.has("more_options") and self.menu_opened < 2:
            self.menu_opened += 1
            engine.tap_element(screen, "more_options")
            return Outcome.CONTINUE
        raise engine.unexpected(screen, "looking for Share")

    def _back(self, engine: Engine, screen: Screen, doing: str) -> Outcome:
        self.backs += 1
        if self.backs > 2:
            raise engine.unexpected(screen, doing)
        engine.press("back")
        return Outcome.CONTINUE


def share_to_story_toggle(screen: Screen) -> Node | None:
    """The toggle of the composer's "Share to → Your story" row, when the composer has one:
    the nearest `toggle` around the row's title (the row itself is a checkable button too)."""
    for title in screen.find_all("share_to_title"):
        row = title.parent
        for _ in range(4):
            if row is None:
                break
            toggles = [n for n in row.descendants() if n.short_id == "toggle"]
            if len(toggles) == 1:
                return toggles[0]
            if toggles:
                break  # climbed past the row into the list of rows
            row = row.parent
    return None


OUTCOME_SCREENS = frozenset(
    {"upload_failed", "upload_done", "uploading", "home_feed", "profile", "reels_tab"}
)


class AwaitUpload:
    """Goal: the app's verdict on the upload. `confirmed` says whether it was positive;
    a failed row raises `upload_failed` (confirmed not published)."""

    name = "waiting for the upload"

    def __init__(self, kind: str = "feed") -> None:
        # a story never shows a verdict: once its upload ends, look for it at once
        self.quiet_polls = 0 if kind == PostKind.STORY else MAX_QUIET_POLLS
        self.lingering = 0
        self.quiet = 0
        self.confirmed = False
        self.baseline: tuple[int, int] | None = None  # failed, done rows of earlier jobs
        self.rows_running = 0  # upload rows on screen while ours was running
        self.went_home = False

    def _ours_turned_done(self, screen: Screen) -> bool:
        """A "Posted!" row of an earlier job may still be on the feed, so a count alone cannot
        tell ours; but when ours was seen running and every row that was there then is still
        there, with a verdict, and none failed, ours is the one that turned to "Posted!"."""
        if not self.rows_running or uploads_running(screen):
            return False
        return upload_rows(screen) >= self.rows_running

    def step(self, engine: Engine, screen: Screen) -> Outcome:
        name = screen.name
        if name in OUTCOME_SCREENS:
            if self.baseline is None:
                failed_before = engine.notes.get(FAILED_ROWS_NOTE)
                done_before = engine.notes.get(DONE_ROWS_NOTE)
                if isinstance(failed_before, int) and isinstance(done_before, int):
                    self.baseline = (failed_before, done_before)  # counted before the share
                elif uploads_running(screen):  # ours is still running: those are older
                    self.baseline = (failed_rows(screen), done_signals(screen))
                else:
                    self.baseline = (0, 0)
            if failed_rows(screen) > self.baseline[0]:
                error = engine.fail("upload_failed", "the app says the post failed (not retried)")
                error.app_said_failed = True
                raise error
            done = done_signals(screen)
            if done > self.baseline[1] or (done and self._ours_turned_done(screen)):
                self.confirmed = True
                return Outcome.DONE
            if uploads_running(screen):
                self.quiet = 0
                self.rows_running = max(self.rows_running, upload_rows(screen))
                return Outcome.WAIT
            self.quiet += 1
            if self.quiet <= self.quiet_polls:
                return Outcome.WAIT
            if (
                name == "reels_tab"
                and not self.went_home
                and engine.tap_element(screen, "feed_tab")
            ):
                self.went_home = True  # a reel that failed says so in a row on the home feed
                self.quiet = 0
                return Outcome.CONTINUE
            return Outcome.DONE  # no verdict on screen: the caller looks for the post
        if name in AFTER_SHARE_SCREENS:
            self.lingering += 1
            if self.lingering > MAX_LINGER_POLLS:
                raise engine.fail("publish_unconfirmed", f"still on {name} after the share tap")
            return Outcome.WAIT
        raise engine.unexpected(screen, self.name)


def confirm_published(engine: Engine, request: PublishRequest, shared_at: datetime) -> None:
    """No verdict on screen: look for the post where a person would (the profile grid, the
    own story). Raises `publish_unconfirmed` unless it is found."""
    if engine.disrupted_after_share:
        raise engine.fail("app_crashed", "the app restarted after the share tap: verify the post")
    engine.run(EnsureAccount(request.username))
    if request.kind == "story":
        story = FindStory(
            request.username,
            len(request.media_types),
            list(request.media_types),
            shared_at - SHARE_CLOCK_MARGIN,
        )
        engine.run(story)
        found = bool(story.found)
    elif request.marker or request.caption:
        find = FindPost(request.marker or request.caption[:60], len(request.media_types), 1)
        engine.run(find)
        found = bool(find.found)
    else:
        found = False
    if not found:
        raise engine.fail(
            "publish_unconfirmed", "the app showed no verdict and the post is not on the profile"
        )


def publish(
    driver: Driver,
    request: PublishRequest,
    on_point_of_no_return: Callable[[], None],
    *,
    deadline_s: float = 180,
    step_budget: int = 60,
    poll_s: float = 1.0,
    settle_s: float = 0.0,
) -> FlowStats:
    """Publish one post; returns the cost. Raises FlowError (see flows.errors) on failure.

    `on_point_of_no_return()` is called right before the single final Share tap; if it raises,
    nothing is shared. Errors raised after it carry `after_point_of_no_return=True`: the post
    may be out, so the caller must verify (`verify_post`) before any retry.
    """
    validate(request)
    engine = Engine(
        driver,
        deadline_s=deadline_s,
        step_budget=step_budget,
        poll_s=poll_s,
        settle_s=settle_s,
        on_point_of_no_return=on_point_of_no_return,
    )
    engine.run(EnsureAccount(request.username, count_failed_rows=True))
    engine.run(Compose(request))
    shared_at = datetime.now(UTC)
    wait = AwaitUpload(request.kind)
    engine.run(wait)
    if not wait.confirmed:
        confirm_published(engine, request, shared_at)
    return engine.stats
