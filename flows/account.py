"""Account flows: make sure the right account is active (switching if needed) and check it.

`switch_account` opens the own profile, reads the username in the action bar, and when it is
not the wanted one opens the account switcher (tap on the username) and picks the account;
Instagram keeps up to five accounts logged in per app. `preflight` reports whether an account
can publish at all: logged in as the right user, public, no challenge or two-factor prompt
pending, at least five posts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flows.driver import Driver
from flows.engine import Engine, Outcome, Screen
from flows.errors import ERROR_KINDS, Evidence, FlowError
from flows.hierarchy import Node
from flows.request import FlowStats
from flows.selectors import normalize

MIN_POSTS = 5
CREATION_SCREENS = frozenset(
    {
        "gallery",
        "edit",
        "composer",
        "caption_editor",
        "destinations",
        "story_camera",
        "story_share",
        "create_sheet",
    }
)
# screens an earlier run may have left open: back out of them (discarding a draft)
BACK_OUT_SCREENS = CREATION_SCREENS | {"story_viewer"}
FEED_SCREENS = frozenset(
    {"home_feed", "uploading", "upload_failed", "upload_done", "post_view", "reels_tab"}
)
# screens with rows/snackbars to count; not an opened post, not the Reels tab (no rows there)
_ROW_SCREENS = frozenset({"home_feed", "uploading", "upload_failed", "upload_done"})
MAX_BACKS = 8
FAILED_ROWS_NOTE = "failed_rows_before"  # engine note: failed upload rows before the share
DONE_ROWS_NOTE = "done_rows_before"  # engine note: "Posted!" rows/snackbars before the share


def failed_rows(screen: Screen) -> int:
    """Failed uploads visible on the feed: upload rows offering retry or discard or saying the
    post failed, and a failed story avatar."""
    markers = (
        screen.find_all("pending_retry")
        + screen.find_all("pending_discard")
        + screen.find_all("upload_failed_text")
    )
    rows = {id(_row_of(n)) for n in markers}
    return len(rows) + len(screen.find_all("story_failed"))


def _row_of(node: Node) -> Node:
    """The upload row a node belongs to (itself when it is in none)."""
    current: Node | None = node
    while current is not None:
        if current.short_id == "row_pending_container":
            return current
        current = current.parent
    return node


def done_signals(screen: Screen) -> int:
    """Positive upload verdicts on screen: "Posted!" rows (a row's Send button and its text
    count once) and "Done posting" snackbars."""
    markers = screen.find_all("pending_reshare") + screen.find_all("posted_text")
    rows = {id(_row_of(n)) for n in markers if _row_of(n) is not n}
    outside = [
        n for n in markers if _row_of(n) is n and n.short_id != "row_pending_media_reshare_button"
    ]
    return len(rows) + len(outside)


def upload_rows(screen: Screen) -> int:
    """Upload rows on the feed plus upload snackbars, whatever their state."""
    rows = [n for n in screen.find_all("pending_row") if n.short_id == "row_pending_container"]
    snackbars = [
        n for n in screen.find_all("upload_snackbar") if n.short_id == "igds_upload_snackbar"
    ]
    return len(rows) + len(snackbars)


def uploads_running(screen: Screen) -> bool:
    """An upload still in progress: "Posting…"/"Sharing to Reels…" text, a progress bar, a
    story avatar posting, or an upload row with no verdict yet (rows of earlier jobs stay)."""
    if screen.has("story_posting") or screen.has("posting_text") or screen.has("posting_to_text"):
        return True
    if screen.has("pending_progress") or screen.has("snackbar_progress"):
        return True
    rows = [n for n in screen.find_all("pending_row") if n.short_id == "row_pending_container"]
    decided = {
        id(_row_of(n))
        for name in ("pending_retry", "pending_discard", "upload_failed_text", "pending_reshare")
        for n in screen.find_all(name)
    } | {id(_row_of(n)) for n in screen.find_all("posted_text")}
    return any(id(row) not in decided for row in rows)


def same_user(shown: str, username: str) -> bool:
    return normalize(shown).lstrip("@") == normalize(username).lstrip("@")


def profile_username(screen: Screen) -> str | None:
    node = screen.find("profile_title")
    return node.text.strip() if node is not None and node.text.strip() else None


# "Try Again Later" seen before this run tapped Share answers an earlier job (maybe of another
# account): close it with OK and carry on. Only one after this run's Share tap is its own.
STALE_DIALOGS = frozenset({"action_blocked", "rate_limited"})


class EnsureAccount:
    """Goal: the own profile of `username` is on screen."""

    name = "making sure the right account is active"
    tolerates = STALE_DIALOGS

    def __init__(self, username: str, *, count_failed_rows: bool = False) -> None:
        self.username = username
        # publish: end on the account's own home feed once its failed upload rows are counted
        # (rows are per account: those of another account say nothing about this one's)
        self.count_failed_rows = count_failed_rows
        self.confirmed = False  # the profile showed the right account
        self.switcher_opened = 0
        self.backs = 0
        self.active: str | None = None
        self.screen: Screen | None = None  # the profile, once reached

    def step(self, engine: Engine, screen: Screen) -> Outcome:
        name = screen.name
        if name == "profile":
            shown = profile_username(screen)
            self.active = shown
            if shown is not None and same_user(shown, self.username):
                self.screen = screen
                self.confirmed = True
                counted = not self.count_failed_rows or FAILED_ROWS_NOTE in engine.notes
                if not counted and engine.tap_element(screen, "feed_tab"):
                    return Outcome.CONTINUE
                return Outcome.DONE
            if self.switcher_opened >= 2:
                raise engine.fail(
                    "account_wrong_user",
                    f"logged in as {shown!r}, could not switch to {self.username!r}",
                )
            self.switcher_opened += 1
            engine.notes.pop(FAILED_ROWS_NOTE, None)  # counted on another account's feed
            engine.notes.pop(DONE_ROWS_NOTE, None)
            if not engine.tap_element(screen, "title_chevron", "profile_title"):
                raise engine.unexpected(screen, "looking for the account switcher")
            return Outcome.CONTINUE
        if name == "account_switcher":
            for row in screen.find_all("account_row"):
                if same_user(row.text or row.content_desc, self.username):
                    engine.tap(row)
                    return Outcome.CONTINUE
            raise engine.fail(
                "account_wrong_user",
                f"{self.username!r} is not among the accounts logged in on this phone",
            )
        if name in FEED_SCREENS:
            # failed upload rows of earlier jobs stay on the feed: remember how many there are
            if name in _ROW_SCREENS:
                engine.notes.setdefault(FAILED_ROWS_NOTE, failed_rows(screen))
                engine.notes.setdefault(DONE_ROWS_NOTE, done_signals(screen))
            if self.confirmed and name in _ROW_SCREENS:
                return Outcome.DONE
            if self.confirmed and name == "reels_tab" and engine.tap_element(screen, "feed_tab"):
                return Outcome.CONTINUE
            if name == "post_view" or not engine.tap_element(screen, "profile_tab"):
                return self._back(engine, screen)
            return Outcome.CONTINUE
        if name == "other_profile":  # someone else's profile: go to our own
            if engine.tap_element(screen, "profile_tab"):
                return Outcome.CONTINUE
            return self._back(engine, screen)
        if name in BACK_OUT_SCREENS:
            return self._back(engine, screen)
        raise engine.unexpected(screen, self.name)

    def _back(self, engine: Engine, screen: Screen) -> Outcome:
        """Leftovers of an earlier run (an open composer, a post): back out, discarding."""
        self.backs += 1
        if self.backs > MAX_BACKS:
            raise engine.unexpected(screen, "backing out to the profile")
        engine.press("back")
        return Outcome.CONTINUE


def switch_account(
    driver: Driver,
    username: str,
    *,
    deadline_s: float = 60,
    step_budget: int = 20,
    poll_s: float = 1.0,
) -> FlowStats:
    """Make `username` the active account (it must be one of the app's logged-in accounts)."""
    engine = Engine(driver, deadline_s=deadline_s, step_budget=step_budget, poll_s=poll_s)
    engine.run(EnsureAccount(username))
    return engine.stats


@dataclass
class PreflightResult:
    """Whether an account can publish. `problems` holds error codes of flows.errors."""

    username: str
    logged_in: bool = False
    active_username: str | None = None
    is_private: bool | None = None
    post_count: int | None = None
    two_factor_enabled: bool | None = None  # None: no prompt seen (the UI does not say more)
    challenge_pending: bool = False
    problems: list[str] = field(default_factory=list)
    evidence: Evidence | None = None
    stats: FlowStats = field(default_factory=FlowStats)

    @property
    def ok(self) -> bool:
        return not self.problems


_COUNT = re.compile(r"(\d[\d.,\s\u202f\u00a0]*)([kKmM]?)")


def parse_count(text: str) -> int | None:
    """`1,234` / `1.234` / `1 234` / `12K` / `1.2M` → int."""
    m = _COUNT.search(text or "")
    if not m:
        return None
    digits, suffix = m.group(1).strip(), m.group(2).lower()
    if suffix:
        value = float(digits.replace(",", ".").replace(" ", ""))
        return int(value * (1000 if suffix == "k" else 1_000_000))
    return int(re.sub(r"\D", "", digits))


_ACCOUNT_CODES = {code for code, kind in ERROR_KINDS.items() if kind.account_level}


def preflight(
    driver: Driver,
    username: str,
    *,
    deadline_s: float = 60,
    step_budget: int = 20,
    poll_s: float = 1.0,
) -> PreflightResult:
    """Check the account on the phone; account problems are reported, device problems raised."""
    result = PreflightResult(username=username)
    engine = Engine(driver, deadline_s=deadline_s, step_budget=step_budget, poll_s=poll_s)
    result.stats = engine.stats
    ensure = EnsureAccount(username)
    try:
        engine.run(ensure)
    except FlowError as err:
        if err.code not in _ACCOUNT_CODES:
            raise
        result.problems.append(err.code)
        result.evidence = err.evidence
        result.logged_in = err.code not in {"auth_login_required"}
        result.challenge_pending = err.code == "auth_challenge_required"
        result.two_factor_enabled = True if err.code == "auth_two_factor_enabled" else None
        result.active_username = ensure.active
        return result
    result.logged_in = True
    result.active_username = ensure.active
    ui = ensure.screen
    assert ui is not None
    count_node = ui.find("post_count")
    result.post_count = parse_count(count_node.text) if count_node is not None else None
    result.is_private = ui.has("private_empty") or ui.has("private_lock")
    if result.is_private:
        result.problems.append("account_private")
    if result.post_count is not None and result.post_count < MIN_POSTS:
        result.problems.append("account_too_few_posts")
    if result.problems:
        result.evidence = engine.evidence()
    return result
