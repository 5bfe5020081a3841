"""The screen-state engine on hand-written uiautomator dumps."""

from __future__ import annotations

import pytest

from flows.driver import Driver
from flows.engine import Engine, Outcome, Screen
from flows.errors import FlowError
from flows.hierarchy import parse
from flows.screens import classify
from tests.flows.conftest import PNG, ReplayDriver, dump

EXPECTED_SCREENS = {
    "account_switcher": "account_switcher",
    "action_blocked_es": "action_blocked",
    "anr_es": "not_responding",
    "challenge": "challenge",
    "composer": "composer",
    "crash": "crash_dialog",
    "discard": "discard_prompt",
    "draft": "draft_prompt",
    "gallery": "gallery",
    "home_feed": "home_feed",
    "launcher": "wrong_app",
    "loading": "loading",
    "login": "logged_out",
    "notifications": "notifications_prompt",
    "permission": "media_permission",
    "profile": "profile",
    "promo": "promo",
    "rate_limited": "rate_limited",
    "save_login_es": "save_login",
    "story_editor": "story_share",
    "two_factor": "two_factor",
    "unknown": "unknown",
    "update": "update_wall",
    "upload_failed": "upload_failed",
    "uploading_es": "uploading",
}


@pytest.mark.parametrize(("fixture", "screen"), sorted(EXPECTED_SCREENS.items()))
def test_classify(fixture: str, screen: str) -> None:
    assert classify(parse(dump(fixture))).name == screen


class UntilHome:
    """A test intention: done on the home feed, otherwise unexpected."""

    name = "going home"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def step(self, engine: Engine, screen: Screen) -> Outcome:
        self.seen.append(screen.name)
        if screen.name == "home_feed":
            return Outcome.DONE
        raise engine.unexpected(screen, self.name)


class Forever:
    name = "tapping forever"

    def step(self, engine: Engine, screen: Screen) -> Outcome:
        engine.tap_element(screen, "create_button")
        return Outcome.CONTINUE


def run(driver: ReplayDriver, intention=None, **kw) -> Engine:
    engine = Engine(driver, sleep=lambda s: None, **kw)
    engine.run(intention or UntilHome())
    return engine


def test_replay_driver_is_a_driver() -> None:
    assert isinstance(ReplayDriver("home_feed"), Driver)


@pytest.mark.parametrize(
    ("fixture", "tap_at"),
    [
        ("permission", (540, 1300)),  # Allow all
        ("notifications", (540, 1410)),  # Not now
        ("save_login_es", (540, 1410)),  # Ahora no
        ("promo", (540, 1300)),  # Got it (bb_primary_action)
        ("draft", (540, 1410)),  # Start new video
        ("discard", (540, 1300)),  # Discard
        ("anr_es", (540, 1410)),  # Esperar
    ],
)
def test_interrupt_dismissed_then_flow_goes_on(fixture: str, tap_at: tuple[int, int]) -> None:
    driver = ReplayDriver(fixture, "home_feed")
    engine = run(driver)
    assert driver.actions() == [("tap", *tap_at)]
    assert engine.stats.dumps == 2
    assert engine.stats.screens[-1] == "home_feed"


def test_crash_before_share_closes_and_relaunches_once() -> None:
    driver = ReplayDriver("crash", "home_feed")
    run(driver)
    assert driver.actions() == [
        ("tap", 540, 1410),  # Close app
        ("shell", "am start -n com.instagram.android/.activity.MainTabActivity"),
    ]


def test_second_crash_is_app_crashed() -> None:
    driver = ReplayDriver("crash", "crash", "home_feed")
    with pytest.raises(FlowError) as err:
        run(driver)
    assert err.value.code == "app_crashed"
    assert err.value.evidence.screenshot_png == PNG
    assert "keeps stopping" in (err.value.evidence.hierarchy_xml or "")


def test_crash_after_share_is_app_crashed_and_marked() -> None:
    class ShareThenHome:
        name = "sharing"

        def step(self, engine: Engine, screen: Screen) -> Outcome:
            if screen.name == "composer":
                node = screen.find("share")
                assert node is not None
                engine.share(node)
                return Outcome.CONTINUE
            return Outcome.DONE

    driver = ReplayDriver("composer", "crash", "home_feed")
    with pytest.raises(FlowError) as err:
        run(driver, ShareThenHome(), on_point_of_no_return=lambda: None)
    assert err.value.code == "app_crashed"
    assert err.value.after_point_of_no_return
    assert ("shell", "am start -n com.instagram.android/.activity.MainTabActivity") not in (
        driver.actions()
    )


def test_wrong_app_in_front_relaunches() -> None:
    driver = ReplayDriver("launcher", "home_feed")
    run(driver)
    assert driver.actions() == [
        ("shell", "am start -n com.instagram.android/.activity.MainTabActivity")
    ]


def test_relaunch_falls_back_to_app_start() -> None:
    class NoAm(ReplayDriver):
        def shell(self, command: str) -> str:
            return "Error: Activity class does not exist."

    driver = NoAm("launcher", "home_feed")
    run(driver)
    assert ("app_start", "com.instagram.android") in driver.actions()


def test_wrong_app_that_stays_is_app_crashed() -> None:
    with pytest.raises(FlowError) as err:
        run(ReplayDriver("launcher"))
    assert err.value.code == "app_crashed"


@pytest.mark.parametrize(
    ("fixture", "code", "taps"),
    [
        ("challenge", "auth_challenge_required", []),
        ("two_factor", "auth_two_factor_enabled", []),
        ("login", "auth_login_required", []),
        ("update", "app_update_required", []),
        # answers to an action: closed with OK (never "Tell us") once the evidence is taken
        ("action_blocked_es", "action_blocked", [("tap", 540, 1410)]),
        ("rate_limited", "rate_limited", [("tap", 540, 1300)]),
    ],
)
def test_failure_screens_map_to_codes(fixture: str, code: str, taps: list[tuple]) -> None:
    driver = ReplayDriver(fixture, "home_feed")
    with pytest.raises(FlowError) as err:
        run(driver)
    assert err.value.code == code
    assert err.value.evidence.screenshot_png == PNG
    assert err.value.evidence.hierarchy_xml == dump(fixture)
    assert driver.actions() == taps


def test_verification_tolerates_leftover_dialogs() -> None:
    class Looking(UntilHome):
        tolerates = frozenset({"action_blocked"})

    driver = ReplayDriver("action_blocked_es", "home_feed")
    run(driver, Looking())
    assert driver.actions() == [("tap", 540, 1410)]  # Aceptar


class Publishing(UntilHome):
    tolerates = frozenset({"action_blocked", "rate_limited"})


def test_each_leftover_dialog_gets_one_ok() -> None:
    driver = ReplayDriver("rate_limited", "action_blocked_es", "home_feed")
    engine = run(driver, Publishing())
    assert driver.actions() == [("tap", 540, 1300), ("tap", 540, 1410)]
    assert engine.stale_dialogs == ["rate_limited", "action_blocked"]


@pytest.mark.parametrize(
    ("fixture", "code", "tap"),
    [
        ("action_blocked_es", "action_blocked", (540, 1410)),
        ("rate_limited", "rate_limited", (540, 1300)),
    ],
)
def test_a_leftover_dialog_that_stays_after_ok_fails_with_its_code(
    fixture: str, code: str, tap: tuple[int, int]
) -> None:
    driver = ReplayDriver(fixture, fixture, "home_feed")
    with pytest.raises(FlowError) as err:
        run(driver, Publishing())
    assert err.value.code == code
    assert not err.value.after_point_of_no_return
    assert driver.actions() == [("tap", *tap)]  # one OK, never a second


def test_unknown_screen_is_ui_unrecognized_with_evidence_and_no_tap() -> None:
    driver = ReplayDriver("unknown")
    with pytest.raises(FlowError) as err:
        run(driver)
    assert err.value.code == "ui_unrecognized"
    assert err.value.retryable
    assert err.value.evidence.screenshot_png == PNG
    assert "some_new_feature" in (err.value.evidence.hierarchy_xml or "")
    assert driver.actions() == []


def test_not_xml_is_ui_unrecognized() -> None:
    class Garbage(ReplayDriver):
        def dump_hierarchy(self) -> str:
            return "ERROR: null root node returned by UiTestAutomationBridge."

    with pytest.raises(FlowError) as err:
        run(Garbage("home_feed"))
    assert err.value.code == "ui_unrecognized"


def test_step_budget() -> None:
    driver = ReplayDriver("home_feed")
    with pytest.raises(FlowError) as err:
        run(driver, Forever(), step_budget=5)
    assert err.value.code == "timeout"
    assert "budget" in err.value.message
    assert len(driver.actions()) == 5


def test_deadline() -> None:
    now = [0.0]

    def clock() -> float:
        now[0] += 10
        return now[0]

    driver = ReplayDriver("home_feed")
    engine = Engine(driver, deadline_s=35, clock=clock, sleep=lambda s: None)
    with pytest.raises(FlowError) as err:
        engine.run(Forever())
    assert err.value.code == "timeout"
    assert "deadline" in err.value.message


def test_loading_waits_without_spending_steps() -> None:
    slept: list[float] = []
    driver = ReplayDriver("loading", "loading", "home_feed")
    engine = Engine(driver, poll_s=0.5, sleep=slept.append)
    engine.run(UntilHome())
    assert slept == [0.5, 1.0]  # backoff while the app stays busy
    assert engine.stats.steps == 0
    assert engine.stats.dumps == 3
    assert driver.actions() == []


def test_same_interrupt_forever_is_ui_unrecognized() -> None:
    driver = ReplayDriver("promo")
    with pytest.raises(FlowError) as err:
        run(driver)
    assert err.value.code == "ui_unrecognized"


def test_share_announces_point_of_no_return_first_and_only_once() -> None:
    driver = ReplayDriver("composer")
    order: list[str] = []
    original_tap = driver.tap

    def tap(x: int, y: int) -> None:
        order.append("tap")
        original_tap(x, y)

    driver.tap = tap  # type: ignore[method-assign]
    engine = Engine(driver, on_point_of_no_return=lambda: order.append("ponr"))
    screen = engine.read()
    node = screen.find("share")
    assert node is not None
    engine.share(node)
    assert order == ["ponr", "tap"]
    with pytest.raises(FlowError) as err:
        engine.share(node)
    assert err.value.code == "internal_error"
    assert order == ["ponr", "tap"]


def test_point_of_no_return_refused_means_no_tap() -> None:
    driver = ReplayDriver("composer")

    def refuse() -> None:
        raise RuntimeError("lease lost")

    engine = Engine(driver, on_point_of_no_return=refuse)
    node = engine.read().find("share")
    assert node is not None
    with pytest.raises(RuntimeError):
        engine.share(node)
    assert driver.actions() == []
    assert not engine.point_of_no_return_passed


def test_device_offline() -> None:
    driver = ReplayDriver("home_feed", fail_dump_at=0)
    with pytest.raises(FlowError) as err:
        run(driver)
    assert err.value.code == "device_offline"


def test_stats_count_dumps_taps_steps() -> None:
    driver = ReplayDriver("notifications", "permission", "home_feed")
    engine = run(driver)
    assert (engine.stats.dumps, engine.stats.taps, engine.stats.steps) == (3, 2, 2)
    assert engine.stats.screens == ["notifications_prompt", "media_permission", "home_feed"]
