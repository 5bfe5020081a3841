"""Fault injection for the simulated phone: by script or at random from a seed.

A fault fires at a *trigger*: a screen name (the first time the app shows that screen after
the plan is set, see `SCREENS`), `"*"` (whatever screen comes next) or an event (`"launch"`,
`"login"`, `"share"`, `"uploading"`). `FAULTS` lists every kind with its default trigger and
effect; `FAULT_NAMES` is the list a test matrix iterates.

    FaultPlan.script(["popup_notifications", ("action_blocked", "share")])
    FaultPlan.random(seed=7, probability=0.1)
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

SCREENS = (
    "home",
    "search",
    "reels_tab",
    "gallery",
    "edit",
    "video_edit",
    "composer",
    "caption_editor",
    "story_camera",
    "story_gallery",
    "story_composer",
    "reel_gallery",
    "reel_edit",
    "reel_composer",
    "profile",
    "post",
    "login",
    "save_login",
    "two_factor",
    "challenge",
    "direct",
    "block",
    "subscription",
)
EVENTS = ("launch", "login", "share", "uploading")
_CREATION = ("gallery", "story_gallery", "reel_gallery")
# where the real app shows an account block (Bloks page): on start, on a main tab, when
# opening create, after Share
_BLOCK_TRIGGERS = ("launch", "home", "profile", "reels_tab", *_CREATION, "share")
BLOCKS = (
    "checkpoint_id_upload",
    "checkpoint_captcha",
    "checkpoint_video_selfie",
    "account_disabled",
    "account_suspended",
)


@dataclass(frozen=True)
class FaultKind:
    name: str
    default_trigger: str
    triggers: tuple[str, ...]  # where it may fire; ("*",) = any screen
    effect: str
    random_ok: bool = True  # eligible for FaultPlan.random by default


_ANY = ("*",)

FAULTS: dict[str, FaultKind] = {
    k.name: k
    for k in [
        FaultKind(
            "popup_notifications",
            "home",
            _ANY,
            '"Turn on notifications" sheet (Turn On / Not now) over the current screen.',
        ),
        FaultKind(
            "popup_save_login",
            "home",
            _ANY,
            '"Save your login info?" dialog (Save / Not now).',
        ),
        FaultKind(
            "popup_rate_limit",
            "home",
            _ANY,
            '"Try Again Later" / "Please wait a few minutes…" dialog with OK; dismissing it '
            "lets the flow go on.",
        ),
        FaultKind(
            "popup_app_update",
            "home",
            _ANY,
            '"Update Instagram" dialog; Not now dismisses, Update opens the Play Store.',
        ),
        FaultKind(
            "popup_promo",
            "home",
            _ANY,
            'One-time promo bottom sheet (igds_headline_*, bb_primary_action "Got it").',
        ),
        FaultKind(
            "permission_dialog",
            "gallery",
            _CREATION,
            "Android media permission dialog (com.android.permissioncontroller) over the "
            "gallery; the grid is empty until Allow all / Select photos; Don't allow leaves "
            "an empty gallery with an Allow access button.",
        ),
        FaultKind(
            "slow_screen",
            "home",
            _ANY,
            "The screen shows only a spinner (ProgressBar, content-desc Loading…) for `ms` "
            "simulated milliseconds (default 1500); taps on it do nothing meanwhile.",
        ),
        FaultKind(
            "app_crash",
            "composer",
            (*_ANY, "uploading"),
            "Instagram dies: the launcher is in front with the Android crash dialog "
            '(package android, "Instagram keeps stopping", aerr_close / aerr_app_info). A '
            "crash at `uploading` does not stop the upload: the post still goes out.",
        ),
        FaultKind(
            "app_not_responding",
            "gallery",
            _ANY,
            '"Instagram isn\'t responding" dialog (aerr_close / aerr_wait); Wait dismisses it.',
        ),
        FaultKind(
            "challenge",
            "home",
            (*_ANY, "login"),
            '"Confirm it\'s you" checkpoint screen replaces the app; nothing gets past it.',
        ),
        FaultKind(
            "two_factor",
            "login",
            ("login",),
            "After Log in, the two-factor code screen (two_factor_* ids).",
        ),
        FaultKind(
            "wrong_password",
            "login",
            ("login",),
            'Log in fails with "Incorrect Password" even with the right password.',
        ),
        FaultKind(
            "logged_out",
            "home",
            _ANY,
            "The session of the current account expires: the login screen replaces the app.",
        ),
        FaultKind(
            "action_blocked",
            "share",
            ("share",),
            'Tapping Share shows "Try Again Later" / "We restrict certain activity…"; the '
            "composer stays and NOTHING is published.",
        ),
        FaultKind(
            "upload_failure",
            "share",
            ("share",),
            "The upload fails: the home feed row shows the failure text and "
            "row_pending_media_reshare_button (Retry); nothing is published until Retry.",
        ),
        FaultKind(
            "connection_lost",
            "share",
            ("share",),
            "The connection drops at the end of the upload: the post IS published but the app "
            "shows the failed row with Retry and a No internet banner. Retry publishes again.",
        ),
        FaultKind(
            "reel_draft_prompt",
            "reel_gallery",
            ("reel_gallery",),
            '"Keep editing your draft?" (Keep editing / Start new video). Keep editing opens '
            "an old draft video instead of the job's media.",
        ),
        FaultKind(
            "popup_reels_promo",
            "reels_tab",
            _ANY,
            'Reels promo bottom sheet (promo_headline, igds_headline_emphasized_headline "Get '
            'more from your next reel", bb_primary_action_container "Get started"): a paid '
            "Meta Verified upsell. Get started records a purchase start "
            "(SimPhone.purchases_started()) and opens the subscription screen; back or a tap "
            "on the dimmed background (background_dimmer) dismisses it.",
        ),
        FaultKind(
            "popup_rate_app",
            "home",
            _ANY,
            '"Rate Instagram" dialog (appirater_*): Rate Instagram opens the Play Store, '
            '"Remind me later" and "No, thanks" (appirater_cancel_button) dismiss it.',
        ),
        FaultKind(
            "checkpoint_id_upload",
            "launch",
            _BLOCK_TRIGGERS,
            '"Upload your ID" Bloks page (no ids, in bloks_container) replaces the app for this '
            "account; nothing gets past it. At share: nothing is published.",
        ),
        FaultKind(
            "checkpoint_captcha",
            "launch",
            _BLOCK_TRIGGERS,
            '"Confirm you\'re human" captcha Bloks page (code field, Next); nothing gets past it.',
        ),
        FaultKind(
            "checkpoint_video_selfie",
            "launch",
            _BLOCK_TRIGGERS,
            '"Confirm you\'re a real person with a video selfie" Bloks page (Start video '
            "selfie); nothing gets past it.",
        ),
        FaultKind(
            "account_disabled",
            "launch",
            _BLOCK_TRIGGERS,
            '"We disabled your account" Bloks page; Log out logs the account out.',
        ),
        FaultKind(
            "account_suspended",
            "launch",
            _BLOCK_TRIGGERS,
            '"We suspended your account, <name>" Bloks page ("180 days left to appeal…", '
            "Appeal); nothing gets past it.",
        ),
        FaultKind(
            "layout_share_to_story",
            "*",
            _ANY,
            'The reel composer shows the "Share to" section with a Your story row (toggle, off) '
            'instead of "Also share on…".',
            random_ok=False,
        ),
        FaultKind(
            "layout_legacy",
            "*",
            _ANY,
            "From then on the pre-2025 app: Create tab in the tab bar, id-based login form, "
            "row_profile_header_textview_post_count, footer Share button (as SimPhone("
            'layout="legacy")).',
            random_ok=False,
        ),
        FaultKind(
            "layout_alt_ids",
            "*",
            _ANY,
            "Older build ids from then on: creation_next_button for Next, share_button for "
            "Share, caption_text_view for the caption, tab_feed instead of feed_tab, "
            "media_picker_grid_view for the gallery grid.",
            random_ok=False,
        ),
        FaultKind(
            "layout_create_top_left",
            "*",
            _ANY,
            "No creation_tab: Create is the ImageView in action_bar_buttons_container_left.",
            random_ok=False,
        ),
        FaultKind(
            "layout_share_overflow",
            "*",
            _ANY,
            "The composer has no Share button; Share is in the More options (⋮) menu.",
            random_ok=False,
        ),
        FaultKind(
            "layout_share_top",
            "*",
            _ANY,
            "Older build: no footer; Share is next_button_textview (text Share) in the "
            "composer's action bar.",
            random_ok=False,
        ),
        FaultKind(
            "layout_caption_editor",
            "*",
            _ANY,
            "Tapping the caption opens a full-screen caption editor confirmed with "
            "action_bar_button_text (OK).",
            random_ok=False,
        ),
        FaultKind(
            "layout_extra_edit_step",
            "*",
            _ANY,
            "Images go through a crop screen and then the filter screen: Next twice.",
            random_ok=False,
        ),
        FaultKind(
            "keyboard_covers_footer",
            "*",
            _ANY,
            "The soft keyboard covers the composer footer: Share is in the dump but taps land "
            "on the keyboard until back hides it.",
            random_ok=False,
        ),
        FaultKind(
            "locale_es",
            "*",
            _ANY,
            "The app switches to Spanish from then on (Siguiente, Compartir, …).",
            random_ok=False,
        ),
    ]
}

FAULT_NAMES: tuple[str, ...] = tuple(FAULTS)


@dataclass
class Fault:
    """A fault that fired (or will): its kind, where, and options such as `ms`."""

    name: str
    trigger: str
    params: dict[str, Any] = field(default_factory=dict)


def _matches(kind: FaultKind, trigger: str) -> bool:
    if trigger in kind.triggers:
        return True
    return "*" in kind.triggers and trigger in SCREENS


ScriptEntry = str | tuple[str] | tuple[str, str] | tuple[str, str, dict[str, Any]] | Fault


class FaultPlan:
    """Which faults fire where. Not thread-safe on its own: the phone's lock guards it."""

    def __init__(
        self,
        scripted: Sequence[Fault] = (),
        *,
        seed: int | None = None,
        probability: float = 0.0,
        kinds: Iterable[str] | None = None,
    ) -> None:
        self.pending: list[Fault] = list(scripted)
        self.fired: list[Fault] = []
        self.probability = probability
        self._rng = random.Random(seed)
        names = list(kinds) if kinds is not None else [k for k in FAULTS if FAULTS[k].random_ok]
        for name in names:
            if name not in FAULTS:
                raise ValueError(f"unknown fault {name!r}; known: {', '.join(FAULT_NAMES)}")
        self.kinds = names

    @classmethod
    def none(cls) -> FaultPlan:
        return cls()

    @classmethod
    def script(cls, entries: Iterable[ScriptEntry]) -> FaultPlan:
        """Faults that fire once each: a name (default trigger), (name, trigger) or
        (name, trigger, params)."""
        faults: list[Fault] = []
        for entry in entries:
            fault = _parse_entry(entry)
            kind = FAULTS[fault.name]
            if not _matches(kind, fault.trigger) and fault.trigger != "*":
                raise ValueError(
                    f"fault {fault.name!r} cannot fire at {fault.trigger!r}; "
                    f"allowed: {', '.join(kind.triggers)}"
                )
            faults.append(fault)
        return cls(faults)

    @classmethod
    def random(
        cls, seed: int, probability: float = 0.1, kinds: Iterable[str] | None = None
    ) -> FaultPlan:
        """At each screen or event, with `probability`, one eligible fault from `kinds`
        (default: every kind except layout variants and locale)."""
        return cls(seed=seed, probability=probability, kinds=kinds)

    def take(self, trigger: str, *, entered: bool) -> Fault | None:
        """The fault to fire now at `trigger`, if any. `entered` is True once per screen
        visit (random faults roll only then; scripted ones fire whenever they match)."""
        for fault in self.pending:
            if fault.trigger == trigger or (fault.trigger == "*" and trigger in SCREENS):
                self.pending.remove(fault)
                fired = Fault(fault.name, trigger, dict(fault.params))
                self.fired.append(fired)
                return fired
        if entered and self.probability > 0:
            eligible = [k for k in self.kinds if _matches(FAULTS[k], trigger)]
            if eligible and self._rng.random() < self.probability:
                fired = Fault(self._rng.choice(eligible), trigger)
                self.fired.append(fired)
                return fired
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "pending": [[f.name, f.trigger, f.params] for f in self.pending],
            "fired": [[f.name, f.trigger, f.params] for f in self.fired],
            "probability": self.probability,
            "kinds": self.kinds,
        }


def _parse_entry(entry: ScriptEntry) -> Fault:
    if isinstance(entry, Fault):
        name, trigger, params = entry.name, entry.trigger, entry.params
    elif isinstance(entry, str):
        name, trigger, params = entry, "", {}
    else:
        items: list[Any] = list(entry)
        name = str(items[0])
        trigger = str(items[1]) if len(items) > 1 and items[1] else ""
        params = dict(items[2]) if len(items) > 2 and items[2] else {}
    if name not in FAULTS:
        raise ValueError(f"unknown fault {name!r}; known: {', '.join(FAULT_NAMES)}")
    if trigger and trigger not in SCREENS and trigger not in EVENTS and trigger != "*":
        raise ValueError(f"unknown trigger {trigger!r}; screens: {', '.join(SCREENS)}")
    return Fault(name, trigger or FAULTS[name].default_trigger, params)
