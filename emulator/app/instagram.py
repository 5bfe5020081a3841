"""The simulated Instagram app: its process state, navigation, accounts, uploads and faults.

Screens (in `feed`, `creation`, `auth`) render nodes and call back into `InstagramApp` when
tapped; the app owns the back stack, the in-app dialogs, the focused text field, the pending
uploads, and what happens when a fault fires. `host` is the phone (time, gallery, system
dialogs, the published-post record).
"""

from __future__ import annotations

import random
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from emulator.accounts import (
    MAX_ACCOUNTS_PER_APP,
    AccountState,
    ProfilePost,
    PublishedPost,
    SimAccount,
    StoryItem,
)
from emulator.app import auth, creation, dialogs, home, profile, reels, stories
from emulator.app.base import Dialog, Screen, TextField
from emulator.app.uploads import Upload, upload_seconds
from emulator.faults import BLOCKS, Fault
from emulator.storage import MediaItem, MediaStore
from emulator.texts import Texts
from emulator.ui import FRAME, LINEAR, PROGRESS, SCREEN_H, SCREEN_W, Node, Window

if TYPE_CHECKING:
    from collections.abc import Callable

PACKAGE = "com.instagram.android"
VERSION_NAME = "312.1.0.34.111"
VERSION_CODE = 565_104_233

_GALLERIES = ("gallery", "story_gallery", "reel_gallery")
LAYOUTS = ("2025", "legacy")
_MAIN_TABS = ("home", "reels_tab", "search", "direct", "profile")
# a finished upload's success row / snackbar stays this long (simulated seconds)
DONE_SHOWN_SECONDS = 4.0

_SEED_CAPTIONS = [
    "Golden hour at the harbour",
    "Monday mood ☕",
    "Throwback to the mountains",
    "New menu is live!",
    "Behind the scenes",
    "Weekend market finds",
]


class Host(Protocol):
    media: MediaStore

    def now(self) -> float: ...
    def wall_now(self) -> datetime: ...
    def take_fault(self, trigger: str, *, entered: bool) -> Fault | None: ...
    def crash_app(self, *, anr: bool = False) -> None: ...
    def ask_media_permission(self, on_result: Callable[[str], None]) -> None: ...
    def open_play_store(self) -> None: ...
    def app_to_background(self) -> None: ...
    def record(self, post: PublishedPost) -> None: ...


class InstagramApp:
    """The app's state while the phone runs (survives app restarts: accounts, uploads)."""

    package = PACKAGE

    def __init__(
        self, host: Host, accounts: list[SimAccount], locale: str = "en", layout: str = "2025"
    ) -> None:
        if layout not in LAYOUTS:
            raise ValueError(f"unknown layout {layout!r}; known: {', '.join(LAYOUTS)}")
        self.host = host
        self.texts = Texts(locale)
        self.accounts: dict[str, AccountState] = {
            a.username: AccountState.create(a, _SEED_CAPTIONS) for a in accounts
        }
        self.session: list[str] = [a.username for a in accounts if a.logged_in][
            :MAX_ACCOUNTS_PER_APP
        ]
        self.current: str | None = self.session[0] if self.session else None
        self.challenged: set[str] = {a.username for a in accounts if a.challenge and a.logged_in}
        self.variants: set[str] = {"layout_legacy"} if layout == "legacy" else set()
        # account -> block fault kind (Bloks checkpoint / disabled / suspended page)
        self.blocked: dict[str, str] = {}
        # "purchase started" facts: (username, product) for every paid upsell accepted
        self.purchases_started: list[tuple[str, str]] = []
        self.media_permission = "granted"
        self.running = False
        self.stack: list[Screen] = []
        self.dialogs: list[Dialog] = []
        self.focus: TextField | None = None
        self.keyboard_visible = False
        self.uploads: list[Upload] = []
        self.loading_until = 0.0
        self.offline_until = 0.0
        self._fresh = False
        self._upload_ids = 0
        self.pending_login_fault: Fault | None = None
        self.reel_draft: MediaItem | None = None

    # ------------------------------------------------------------------ process
    def has(self, variant: str) -> bool:
        return variant in self.variants

    @property
    def legacy(self) -> bool:
        """The pre-2025 app (Create tab, id-based login…) instead of the 2025-26 one."""
        return "layout_legacy" in self.variants

    def start(self) -> None:
        """Launch (cold) or bring back (warm) the app."""
        if not self.running:
            self.running = True
            self.dialogs.clear()
            self.focus = None
            self.keyboard_visible = False
            self.stack = [self._root_screen()]
            self._fresh = True
        self.fire(self.host.take_fault("launch", entered=True))

    def stop(self) -> None:
        self.running = False
        self.stack = []
        self.dialogs.clear()
        self.focus = None
        self.keyboard_visible = False

    def _root_screen(self) -> Screen:
        if self.current is None:
            return auth.LoginScreen(self)
        if self.current in self.blocked:
            return auth.BlockScreen(self, self.blocked[self.current])
        if self.current in self.challenged:
            return auth.ChallengeScreen(self)
        return home.HomeScreen(self)

    @property
    def top(self) -> Screen | None:
        return self.stack[-1] if self.stack else None

    @property
    def account(self) -> AccountState | None:
        return self.accounts.get(self.current) if self.current else None

    # --------------------------------------------------------------- navigation
    def push(self, screen: Screen) -> None:
        self.stack.append(screen)
        self._entered()

    def replace_all(self, screen: Screen) -> None:
        self.stack = [screen]
        self._entered()

    def pop(self) -> None:
        if len(self.stack) > 1:
            self.stack.pop()
            self._entered()
        else:
            self.host.app_to_background()

    def pop_to(self, cls: type[Screen]) -> None:
        while len(self.stack) > 1 and not isinstance(self.stack[-1], cls):
            self.stack.pop()
        self._entered()

    def _entered(self) -> None:
        self.focus = None
        self.keyboard_visible = False
        self.loading_until = 0.0
        self._fresh = True

    def go_home(self) -> None:
        if isinstance(self.top, home.HomeScreen):
            self.top.scroll = 0
            return
        self.replace_all(home.HomeScreen(self))

    def go_search(self) -> None:
        self.replace_all(home.TabPlaceholderScreen(self, "search"))

    def go_reels_tab(self) -> None:
        if self.legacy:
            self.replace_all(home.TabPlaceholderScreen(self, "reels"))
            return
        self.replace_all(reels.ReelsTabScreen(self))

    def go_direct(self) -> None:
        self.replace_all(home.TabPlaceholderScreen(self, "direct"))

    def go_profile(self) -> None:
        if isinstance(self.top, profile.ProfileScreen):
            self.top.scroll = 0
            return
        self.replace_all(profile.ProfileScreen(self))

    def open_creation(self) -> None:
        self.push(creation.GalleryScreen(self))

    def open_create_sheet(self) -> None:
        """The profile's "+" (2025-26): the Create bottom sheet over the profile."""
        self.dialogs.append(dialogs.CreateSheet(self))

    def open_reel_creation(self) -> None:
        self.push(reels.ReelGalleryScreen(self))

    def open_story_creation(self) -> None:
        if self.legacy:
            self.push(stories.StoryCameraScreen(self))
        else:
            self.push(stories.StoryGalleryScreen(self))

    def creation_post(self) -> None:
        if not isinstance(self.top, creation.GalleryScreen):
            self._replace_creation(creation.GalleryScreen(self))

    def open_own_story(self) -> None:
        """Tap on the own avatar: the story viewer when a story is live, else the camera."""
        state = self.account
        if state is not None and state.live_stories(self.host.wall_now()):
            self.push(stories.StoryViewerScreen(self, state))
        else:
            self.open_story_creation()

    def creation_story(self) -> None:
        if self.legacy:
            if not isinstance(self.top, stories.StoryCameraScreen):
                self._replace_creation(stories.StoryCameraScreen(self))
        elif not isinstance(self.top, stories.StoryGalleryScreen):
            self._replace_creation(stories.StoryGalleryScreen(self))

    def creation_reel(self) -> None:
        if not isinstance(self.top, reels.ReelGalleryScreen):
            self._replace_creation(reels.ReelGalleryScreen(self))

    def _replace_creation(self, screen: Screen) -> None:
        while len(self.stack) > 1 and self.stack[-1].name not in ("home", "profile", "reels_tab"):
            self.stack.pop()
        self.push(screen)

    def press_back(self) -> None:
        if self.dialogs:
            self.dialogs[-1].back()
            return
        if self.keyboard_visible:
            self.keyboard_visible = False
            return
        top = self.top
        if top is None:
            return
        if self.is_loading():
            self.pop()
            return
        if not top.back():
            self.pop()

    def press_enter(self) -> None:
        if self.focus is not None and self.top is not None:
            self.top.enter_key()

    def type_text(self, text: str) -> None:
        if self.focus is not None:
            self.focus.value += text

    def focus_field(self, field: TextField) -> None:
        self.focus = field
        self.keyboard_visible = True

    def is_loading(self) -> bool:
        return self.host.now() < self.loading_until

    # -------------------------------------------------------------- time, faults
    def tick(self) -> None:
        """Advance uploads to the current time."""
        now = self.host.now()
        for upload in self.uploads:
            if upload.due(now):
                self._finish(upload)
            shown_until = upload.started_at + upload.duration + DONE_SHOWN_SECONDS
            if upload.state == "done" and not upload.hidden and now >= shown_until:
                upload.hidden = True
        if isinstance(self.top, stories.StoryViewerScreen):
            self.top.advance(now)

    def settle(self) -> None:
        """Let a fault due on the current screen fire (one at a time, never over a dialog)."""
        if not self.running or not self.stack or self.dialogs:
            return
        entered, self._fresh = self._fresh, False
        name = self.stack[-1].name
        if self.media_permission == "ask" and name in _GALLERIES:
            self.host.ask_media_permission(self._permission_result)
            return
        self.fire(self.host.take_fault(name, entered=entered))

    def fire(self, fault: Fault | None) -> None:
        if fault is None:
            return
        name = fault.name
        if name in dialogs.POPUPS:
            self.dialogs.append(dialogs.POPUPS[name](self))
        elif name == "permission_dialog":
            self.media_permission = "ask"
            self.host.ask_media_permission(self._permission_result)
        elif name == "slow_screen":
            self.loading_until = self.host.now() + float(fault.params.get("ms", 1500)) / 1000
        elif name == "app_crash":
            self.host.crash_app()
        elif name == "app_not_responding":
            self.host.crash_app(anr=True)
        elif name == "challenge":
            if self.current:
                self.challenged.add(self.current)
            self.replace_all(auth.ChallengeScreen(self))
        elif name in BLOCKS:
            if self.current:
                self.blocked[self.current] = name
                self.replace_all(auth.BlockScreen(self, name))
        elif name == "logged_out":
            if self.current in self.session:
                self.session.remove(self.current)
            self.current = self.session[0] if self.session else None
            self.replace_all(auth.LoginScreen(self))
        elif name in ("two_factor", "wrong_password"):
            self.pending_login_fault = fault
        elif name == "reel_draft_prompt":
            self.dialogs.append(dialogs.DraftDialog(self))
        elif name == "popup_reels_promo":
            self.dialogs.append(dialogs.ReelsPromoSheet(self))
        elif name == "popup_rate_app":
            self.dialogs.append(dialogs.RateAppDialog(self))
        elif name == "locale_es":
            self.texts = Texts("es")
        elif name.startswith("layout_") or name == "keyboard_covers_footer":
            self.variants.add(name)
        # action_blocked / upload_failure / connection_lost are taken by share().

    def _permission_result(self, result: str) -> None:
        self.media_permission = "granted" if result in ("all", "selected") else "denied"

    # ------------------------------------------------------------------ gallery
    def gallery_items(self) -> list[MediaItem]:
        if self.media_permission != "granted":
            return []
        return self.host.media.newest_first()

    # ------------------------------------------------------------------ posting
    def share(
        self,
        kind: str,
        items: list[MediaItem],
        caption: str,
        audience: str,
        *,
        also_story: bool = False,
    ) -> None:
        """The Share tap: the point of no return."""
        fault = self.host.take_fault("share", entered=True)
        if fault is not None and fault.name == "action_blocked":
            self.dialogs.append(dialogs.ActionBlockedDialog(self))
            return
        if fault is not None and fault.name in BLOCKS:
            self.fire(fault)  # the block page replaces the app; nothing goes out
            return
        outcome = "ok"
        if fault is not None and fault.name == "upload_failure":
            outcome = "fail"
        elif fault is not None and fault.name == "connection_lost":
            outcome = "lost"
        else:
            self.fire(fault)
        self._upload_ids += 1
        upload = Upload(
            kind=kind,
            username=self.current or "",
            caption=caption,
            items=list(items),
            audience=audience,
            started_at=self.host.now(),
            duration=upload_seconds(kind, len(items)),
            outcome=outcome,
            id=self._upload_ids,
        )
        if also_story:
            upload.extra["also_story"] = True
        self.uploads.append(upload)
        if kind == "reel" and not self.legacy:
            # 2025-26: after a reel's Share the app shows the Reels tab with the snackbar
            self.replace_all(reels.ReelsTabScreen(self))
        else:
            self.replace_all(home.HomeScreen(self))
        self.fire(self.host.take_fault("uploading", entered=True))

    def retry_upload(self, upload: Upload) -> None:
        if upload.state != "failed":
            return
        upload.state = "running"
        upload.outcome = "ok"
        upload.started_at = self.host.now()
        upload.attempts += 1

    def _finish(self, upload: Upload) -> None:
        if upload.outcome in ("ok", "lost"):
            self._publish(upload)
        if upload.outcome == "ok":
            upload.state = "done"
            # legacy rows vanish at once; 2025-26 shows "Posted! Nicely done." / "Done
            # posting." for a few seconds (stories never had a row)
            upload.hidden = self.legacy or upload.kind == "story"
        else:
            upload.state = "failed"
            if upload.outcome == "lost" and self.legacy:
                self.offline_until = self.host.now() + 3600

    def _publish(self, upload: Upload) -> None:
        if upload.extra.pop("also_story", False):
            story = Upload(
                kind="story",
                username=upload.username,
                caption="",
                items=upload.items[:1],
                audience="your_story",
                started_at=upload.started_at,
                duration=0.0,
            )
            self._publish(story)
        now = self.host.wall_now()
        post = PublishedPost(
            username=upload.username,
            kind=upload.kind,
            caption=upload.caption,
            item_count=len(upload.items),
            media_sha256=[i.sha256 for i in upload.items],
            media_types=[i.kind for i in upload.items],
            published_at=now,
            audience=upload.audience,
        )
        self.host.record(post)
        state = self.accounts.get(upload.username)
        if state is None:
            return
        if upload.kind == "story":
            for item in upload.items:
                story = StoryItem(item.kind, now, item.duration, post)
                story.viewers = random.Random(f"{upload.username}:{len(state.stories)}").randint(
                    5, 400
                )
                state.stories.append(story)
            return
        new = ProfilePost(
            kind=upload.kind,
            caption=upload.caption,
            media_types=post.media_types,
            posted_at=now,
            published=post,
        )
        new.seed_counters(f"{upload.username}:{upload.caption}:{len(state.profile)}")
        state.profile.insert(0, new)

    # ----------------------------------------------------------------- accounts
    def log_in(self, username: str, password: str) -> None:
        fault = self.host.take_fault("login", entered=True)
        if fault is not None:
            self.fire(fault)
        forced = self.pending_login_fault
        self.pending_login_fault = None
        if fault is not None and fault.name == "challenge":
            return
        state = self.accounts.get(username.strip())
        wrong = forced is not None and forced.name == "wrong_password"
        if state is None or state.account.password != password or wrong:
            self.dialogs.append(dialogs.IncorrectPasswordDialog(self))
            return
        if len(self.session) >= MAX_ACCOUNTS_PER_APP and username not in self.session:
            self.dialogs.append(dialogs.AccountLimitDialog(self))
            return
        if state.account.challenge:
            self.current = username
            if username not in self.session:
                self.session.append(username)
            self.challenged.add(username)
            self.replace_all(auth.ChallengeScreen(self))
            return
        if state.account.two_factor or (forced is not None and forced.name == "two_factor"):
            self.replace_all(auth.TwoFactorScreen(self, username))
            return
        self.complete_login(username)

    def complete_login(self, username: str) -> None:
        if username not in self.session:
            self.session.append(username)
        self.current = username
        if username in self.blocked:
            self.replace_all(auth.BlockScreen(self, self.blocked[username]))
            return
        self.replace_all(auth.SaveLoginScreen(self, username))

    def switch_account(self, username: str) -> None:
        self.dialogs.clear()
        if username not in self.session:
            return
        self.current = username
        if username in self.blocked:
            self.replace_all(auth.BlockScreen(self, self.blocked[username]))
            return
        if username in self.challenged:
            self.replace_all(auth.ChallengeScreen(self))
            return
        self.replace_all(profile.ProfileScreen(self))

    def log_out_current(self) -> None:
        """Log out (the disabled-account page's button): the login screen, or the next
        account of the app when several are logged in."""
        if self.current in self.session:
            self.session.remove(self.current)
        self.current = self.session[0] if self.session else None
        self.replace_all(self._root_screen())

    def start_purchase(self, product: str) -> None:
        """A paid upsell accepted: record the fact and show the subscription screen."""
        self.purchases_started.append((self.current or "", product))
        self.push(dialogs.SubscriptionScreen(self, product))

    def add_account(self) -> None:
        self.dialogs.clear()
        self.push(auth.LoginScreen(self))

    # ---------------------------------------------------------------- rendering
    def windows(self) -> list[Window]:
        """The app window and its dialogs, bottom first."""
        top = self.top
        content = Node(FRAME, "android:id/content", bounds=(0, 0, SCREEN_W, SCREEN_H))
        if top is not None:
            if self.is_loading():
                content.add(*self._loading_nodes())
            else:
                content.add(*top.build())
                if not self.legacy and top.name in _MAIN_TABS:
                    content.add(reels.upload_snackbar(self))
        root = Node(FRAME, bounds=(0, 0, SCREEN_W, SCREEN_H))
        root.add(Node(LINEAR, bounds=(0, 0, SCREEN_W, SCREEN_H)).add(content))
        result = [Window(PACKAGE, root)]
        for dialog in self.dialogs:
            result.append(Window(PACKAGE, dialog.build(), modal=True, dim_behind=dialog.dim))
        return result

    def _loading_nodes(self) -> list[Node]:
        return [
            Node(
                PROGRESS,
                "loading_spinner" if self.legacy else "",
                desc=self.texts["loading"],
                bounds=(468, 1128, 612, 1272),
            )
        ]

    def activity(self) -> str:
        top = self.top
        return top.activity if top is not None else ""
