"""The screen-state engine every flow runs on.

One iteration: dump the hierarchy once → classify the screen (`flows.screens`) → stop on a
failure screen, handle an interruption with the shared handlers, or let the current intention
take ONE step → repeat. A step budget and a deadline bound the loop; an unknown screen raises
`ui_unrecognized` with evidence instead of tapping blindly.

Intentions are small objects with `name` and `step(engine, screen) -> Outcome`; they read the
screen, act through the engine (which counts taps and dumps), and say whether they are done,
want another look, or want to wait for the app.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Protocol, TypeVar

from flows.driver import INSTAGRAM_PACKAGE, Driver
from flows.errors import Evidence, FlowError
from flows.hierarchy import Hierarchy, Node, parse
from flows.request import FlowStats
from flows.resources import ELEMENTS, MAIN_ACTIVITY
from flows.screens import UNKNOWN, ScreenSpec, classify
from flows.selectors import find, find_all, normalize, text_variants

log = logging.getLogger(__name__)

MAX_RELAUNCHES = 2  # "wrong app in front" relaunches per run
MAX_SAME_INTERRUPT = 4  # the same dialog again and again means our tap does not work
MAX_WAIT_FACTOR = 4  # poll backoff: poll_s, 2×, 3×, then 4× poll_s between looks
DRIVER_ERRORS: tuple[type[BaseException], ...] = (ConnectionError, OSError, TimeoutError)


# interruptions a Back press closes when they offer no safe button (sheets, upsells)
BACK_CLOSES = frozenset({"promo", "rate_dialog", "save_draft_sheet"})


def is_never_tap(node: Node) -> bool:
    """Whether the node (or the button it sits in) says buy, subscribe, verify or accept."""
    variants = text_variants("never_tap")
    target = node.clickable_self_or_ancestor()
    words = [node.text, node.content_desc, target.text, target.content_desc]
    words += [child.text for child in node.descendants()]
    return any(w and normalize(w) in variants for w in words)


class Outcome(Enum):
    DONE = "done"  # the intention reached its goal
    CONTINUE = "continue"  # acted; look again
    WAIT = "wait"  # the app is busy (posting, loading); sleep, then look again


@dataclass
class Screen:
    """One classified dump."""

    spec: ScreenSpec
    ui: Hierarchy

    @property
    def name(self) -> str:
        return self.spec.name

    def find(self, element: str) -> Node | None:
        return find(self.ui, ELEMENTS[element])

    def find_all(self, element: str) -> list[Node]:
        return find_all(self.ui, ELEMENTS[element])

    def has(self, element: str) -> bool:
        return self.find(element) is not None


class Intention(Protocol):
    """One goal of a flow. It may also have `tolerates`: failure dialogs it dismisses instead
    of failing (left over from an earlier job: nothing this run did can have caused them).
    Each such dialog gets exactly one tap on its dismiss button; one still on screen at the
    next look fails the run with its own code (the app keeps refusing)."""

    name: str

    def step(self, engine: Engine, screen: Screen) -> Outcome: ...


T = TypeVar("T")


class Engine:
    """Runs intentions against one driver, under one deadline and one step budget."""

    def __init__(
        self,
        driver: Driver,
        *,
        deadline_s: float = 180,
        step_budget: int = 60,
        poll_s: float = 1.0,
        settle_s: float = 0.0,
        on_point_of_no_return: Callable[[], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.driver = driver
        # a phone whose Instagram is a clone under another package says so on its driver
        self.app_package: str = getattr(driver, "app_package", None) or INSTAGRAM_PACKAGE
        self.stats = FlowStats()
        self.step_budget = step_budget
        self.poll_s = poll_s
        self.settle_s = settle_s
        self.clock = clock
        self.sleep = sleep
        self.deadline = clock() + deadline_s
        self._on_ponr = on_point_of_no_return
        self.point_of_no_return_passed = False
        self.disrupted_after_share = False  # crash/relaunch seen after the share tap
        self.crashes = 0
        self.relaunches = 0
        self.last_xml: str | None = None
        self._last_interrupt: tuple[str, int] = ("", 0)
        self._dismissed_last_look: str | None = None  # tolerated dialog closed at the last look
        self.stale_dialogs: list[str] = []  # tolerated dialogs this run closed, in order
        # the screen an intention finished on, reused by the next intention when nothing
        # touched the phone since (saves a dump between intentions)
        self._still_current: Screen | None = None
        self._waits = 0  # consecutive waits, for the poll backoff
        self.notes: dict[str, object] = {}  # what intentions tell the ones after them

    # -- evidence and errors -------------------------------------------------------------
    def evidence(self) -> Evidence:
        png: bytes | None = None
        try:
            png = self.driver.screenshot()
        except Exception as exc:  # evidence is best effort; the failure is what matters
            log.warning("screenshot failed: %s", exc)
        return Evidence(screenshot_png=png, hierarchy_xml=self.last_xml)

    def fail(self, code: str, message: str) -> FlowError:
        """Build the FlowError to raise, with a screenshot and the last hierarchy."""
        return FlowError(code, message, self.evidence(), self.point_of_no_return_passed)

    def unexpected(self, screen: Screen, doing: str) -> FlowError:
        return self.fail("ui_unrecognized", f"screen {screen.name!r} not expected while {doing}")

    def _call(self, what: str, fn: Callable[[], T]) -> T:
        try:
            return fn()
        except FlowError:
            raise
        except DRIVER_ERRORS as exc:
            raise FlowError(
                "device_offline",
                f"{what} failed: {exc}",
                Evidence(hierarchy_xml=self.last_xml),
                self.point_of_no_return_passed,
            ) from exc

    # -- device operations (counted) -----------------------------------------------------
    def read(self) -> Screen:
        xml = self._call("dump_hierarchy", self.driver.dump_hierarchy)
        self.stats.dumps += 1
        self.last_xml = xml
        try:
            ui = parse(xml, self.app_package)
        except ValueError as exc:
            raise self.fail("ui_unrecognized", str(exc)) from exc
        spec = classify(ui)
        self.stats.screens.append(spec.name)
        return Screen(spec, ui)

    def tap(self, node: Node) -> None:
        target = node if node.clickable else node.clickable_self_or_ancestor()
        x, y = node.center if not target.bounds.empty else target.center
        self.tap_xy(x, y)

    def tap_xy(self, x: int, y: int) -> None:
        self._still_current = None
        self._call("tap", lambda: self.driver.tap(x, y))
        self.stats.taps += 1
        if self.settle_s:
            self.sleep(self.settle_s)

    def tap_element(self, screen: Screen, *elements: str) -> bool:
        """Tap the first of the elements present on the screen; False when none is."""
        for name in elements:
            node = screen.find(name)
            if node is not None:
                self.tap(node)
                return True
        return False

    def tap_topmost(self, screen: Screen, *elements: str) -> bool:
        """Like `tap_element`, but of several matches the one drawn last: a dialog's OK, not
        the screen's own OK under it."""
        for name in elements:
            nodes = [n for n in screen.find_all(name) if not is_never_tap(n)]
            if nodes:
                self.tap(nodes[-1])
                return True
        return False

    def type_text(self, text: str) -> None:
        self._still_current = None
        self._call("type_text", lambda: self.driver.type_text(text))

    def press(self, key: str) -> None:
        self._still_current = None
        self._call("press_key", lambda: self.driver.press_key(key))

    def swipe_up(self, screen: Screen) -> None:
        """Scroll the page on screen down by about 40 % of its height (a finger moving up
        through the middle), sized to the screen the dump shows."""
        right = max((n.bounds.right for n in screen.ui.nodes), default=1080)
        bottom = max((n.bounds.bottom for n in screen.ui.nodes), default=2400)
        x = right // 2
        self._still_current = None
        self._call(
            "swipe", lambda: self.driver.swipe(x, bottom * 7 // 10, x, bottom * 3 // 10, 0.3)
        )

    def shell(self, command: str) -> str:
        self._still_current = None
        return self._call("shell", lambda: self.driver.shell(command))

    def relaunch(self) -> None:
        """Bring Instagram to the front (cold start if it is not running)."""
        out = ""
        try:
            activity = MAIN_ACTIVITY.replace(INSTAGRAM_PACKAGE, self.app_package, 1)
            out = self.shell(f"am start -n {activity}") or ""
        except FlowError:
            raise
        except Exception as exc:  # a backend without `am`: use the driver's own call
            out = f"Error: {exc}"
        if "error" in out.lower() or "exception" in out.lower():  # e.g. activity renamed
            self._call("app_start", lambda: self.driver.app_start(self.app_package))
        if self.settle_s:
            self.sleep(self.settle_s)

    def share(self, node: Node) -> None:
        """The single final Share tap: announce the point of no return, then tap, never twice."""
        if self.point_of_no_return_passed:
            raise self.fail("internal_error", "refusing a second Share tap")
        if self._on_ponr is not None:
            self._on_ponr()
        self.point_of_no_return_passed = True
        self.tap(node)

    # -- the loop ------------------------------------------------------------------------
    def run(self, intention: Intention) -> None:
        """Drive the app until the intention is done; raises FlowError otherwise."""
        while True:
            if self.clock() > self.deadline:
                raise self.fail("timeout", f"deadline passed while {intention.name}")
            if self.stats.steps >= self.step_budget:
                raise self.fail(
                    "timeout", f"step budget ({self.step_budget}) spent on {intention.name}"
                )
            screen, self._still_current = self._still_current or self.read(), None
            spec = screen.spec
            if spec.kind == "failure" and spec.name in getattr(intention, "tolerates", ()):
                self.stats.steps += 1
                self._dismiss_stale(screen, intention)
                continue
            self._dismissed_last_look = None
            if spec.kind == "failure":
                assert spec.code is not None
                what = f"{spec.name} screen while {intention.name}"
                error = self.fail(spec.code, f"{spec.detail} ({what})" if spec.detail else what)
                if spec.dismiss:  # leave the phone clean for the next job
                    with contextlib.suppress(FlowError):
                        self.tap_topmost(screen, *spec.dismiss)
                raise error
            if spec.kind == "wait":
                self._wait()
                continue
            if spec.kind == "interrupt":
                self.stats.steps += 1
                self._interrupt(screen, intention)
                continue
            self._last_interrupt = ("", 0)
            if spec is UNKNOWN:
                raise self.fail("ui_unrecognized", f"unknown screen while {intention.name}")
            self._still_current = screen  # any action of the step clears it
            outcome = intention.step(self, screen)
            if outcome is Outcome.DONE:
                return
            self._still_current = None
            if outcome is Outcome.WAIT:
                self._wait()
            else:
                self._waits = 0
                self.stats.steps += 1

    def _wait(self) -> None:
        """Sleep before the next look; longer the longer the app stays busy (1×, 2×, … 4×)."""
        self._waits += 1
        self.sleep(self.poll_s * min(self._waits, MAX_WAIT_FACTOR))

    def _dismiss_stale(self, screen: Screen, intention: Intention) -> None:
        """A failure dialog the intention tolerates: one tap on its dismiss button, never two."""
        spec = screen.spec
        assert spec.code is not None
        if self._dismissed_last_look == spec.name:
            raise self.fail(spec.code, f"{spec.name} still shown after it was dismissed")
        self._dismissed_last_look = spec.name
        if not self.tap_topmost(screen, *spec.dismiss):
            raise self.fail(spec.code, f"{spec.name} screen while {intention.name}")
        self.stale_dialogs.append(spec.name)
        log.info("dismissed a leftover %s dialog during %s", spec.name, intention.name)

    def _interrupt(self, screen: Screen, intention: Intention) -> None:
        name, count = self._last_interrupt
        count = count + 1 if name == screen.name else 1
        self._last_interrupt = (screen.name, count)
        if count > MAX_SAME_INTERRUPT:
            raise self.fail("ui_unrecognized", f"{screen.name} does not go away")
        if screen.name == "crash_dialog":
            self._crash(screen)
        elif screen.name == "wrong_app":
            self.relaunches += 1
            if self.relaunches > MAX_RELAUNCHES:
                raise self.fail(
                    "app_crashed", f"Instagram not in front after {MAX_RELAUNCHES} relaunches"
                )
            if self.point_of_no_return_passed:
                self.disrupted_after_share = True
            self.relaunch()
        else:
            self._dismiss(screen, intention)
        log.info("handled %s during %s", screen.name, intention.name)

    def _dismiss(self, screen: Screen, intention: Intention) -> None:
        """Close an interruption with its first safe button. The intention may choose for the
        "Save draft?" sheet (`draft_choice`). A button whose words buy, subscribe, verify an
        identity or accept terms is never tapped: with no other way out, Back closes it."""
        choices = screen.spec.dismiss
        if screen.name == "save_draft_sheet":
            choices = (getattr(intention, "draft_choice", None) or choices[0],)
        if self.tap_topmost(screen, *choices):
            return
        if screen.name in BACK_CLOSES:
            self.press("back")
            return
        raise self.fail("ui_unrecognized", f"no way to dismiss {screen.name}")

    def _crash(self, screen: Screen) -> None:
        self.crashes += 1
        evidence = self.evidence()  # the dialog itself, before it is closed
        self.tap_element(screen, "crash_close", "crash_wait")
        if self.point_of_no_return_passed:
            raise FlowError("app_crashed", "Instagram crashed after the share tap", evidence, True)
        if self.crashes > 1:
            raise FlowError("app_crashed", "Instagram crashed again after a relaunch", evidence)
        self.relaunch()


__all__ = ["UNKNOWN", "Engine", "Intention", "Outcome", "Screen"]
