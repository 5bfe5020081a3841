"""The publish flow: feed (image or video), carousel, story and reel, as three intentions.

1. `EnsureAccount` — the app is in front and the job's account is the active one (own profile).
2. `Compose` — create → destination → pick the job's media in the gallery → Next through the
   edit screens → caption → the single Share tap (announced by `on_point_of_no_return`).
3. `AwaitUpload` — wait for the upload row to go away; a retry button means `upload_failed`,
   and the retry is never tapped (a post may already be out: a second tap could post twice).
"""

from __future__ import annotations

from collections.abc import Callable

from farmcore.vocab import ITEM_RULES, PostKind
from flows.account import FAILED_ROWS_NOTE, STALE_DIALOGS, EnsureAccount, failed_rows
from flows.driver import Driver
from flows.engine import Engine, Outcome, Screen
from flows.errors import FlowError
from flows.gallery import plan_selection, read_thumbs
from flows.request import FlowStats, PublishRequest
from flows.resources import KEYBOARD_PACKAGE_HINTS
from flows.selectors import normalize

DESTINATION = {
    PostKind.FEED: "dest_feed",
    PostKind.CAROUSEL: "dest_feed",
    PostKind.STORY: "dest_story",
    PostKind.REEL: "dest_reel",
}
DESTINATIONS = ("dest_feed", "dest_story", "dest_reel")
START_SCREENS = frozenset({"profile", "home_feed", "uploading", "upload_failed"})
AFTER_SHARE_SCREENS = frozenset({"composer", "caption_editor", "story_share", "edit"})
MAX_SELECTION_ROUNDS = 4
MAX_LINGER_POLLS = 6  # polls on the composer after the share tap before calling it failed


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
            assert node is not None
            engine.share(node)
            return Outcome.DONE
        raise engine.unexpected(screen, self.name)

    def _create(self, engine: Engine, screen: Screen) -> Outcome:
        self.create_taps += 1
        if self.create_taps > 3:
            raise engine.unexpected(screen, "opening the creation screen")
        if engine.tap_element(screen, "create_button"):
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


def uploads_running(screen: Screen) -> bool:
    """An upload row still in progress: "Posting…" text, a story avatar posting, or more upload
    rows than failed ones (failed rows of earlier jobs stay on the feed)."""
    if screen.has("story_posting") or screen.has("posting_text"):
        return True
    return len(screen.find_all("pending_row")) > len(screen.find_all("pending_retry"))


class AwaitUpload:
    """Goal: the post is out — the app is back on the feed and no upload row is running."""

    name = "waiting for the upload"

    def __init__(self) -> None:
        self.lingering = 0
        self.baseline: int | None = None  # failed rows of earlier jobs on the feed

    def step(self, engine: Engine, screen: Screen) -> Outcome:
        name = screen.name
        if name in ("upload_failed", "uploading", "home_feed", "profile"):
            if self.baseline is None:
                before = engine.notes.get(FAILED_ROWS_NOTE)
                if isinstance(before, int):  # counted on the feed before the share
                    self.baseline = before
                elif uploads_running(screen):  # ours is still running: those are older
                    self.baseline = failed_rows(screen)
                else:
                    self.baseline = 0
            if failed_rows(screen) > self.baseline:
                raise engine.fail("upload_failed", "the upload failed (retry offered, not taken)")
            if uploads_running(screen):
                return Outcome.WAIT
            if engine.disrupted_after_share:
                raise engine.fail(
                    "app_crashed", "the app restarted after the share tap: verify the post"
                )
            return Outcome.DONE
        if name in AFTER_SHARE_SCREENS:
            self.lingering += 1
            if self.lingering > MAX_LINGER_POLLS:
                raise engine.fail("upload_failed", f"still on {name} after the share tap")
            return Outcome.WAIT
        raise engine.unexpected(screen, self.name)


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
    engine.run(AwaitUpload())
    return engine.stats
