"""Read an account's audience activity: Insights → followers → "Most active times".

Own profile (the right account, `EnsureAccount`) → "Professional dashboard" (or, on older
builds, "Insights") → "Total followers" → scroll to "Most active times" → the Hours tab's bars
(one per hour block: "12a", "3a" … or "0 h", "3 h" …) and the Days tab's (one per weekday) →
back to the profile. A personal account has no such entry: `insights_unavailable`.

These pages are Bloks views without resource ids: everything is found by its words
(`flows/resources.py`, English and Spanish) and a bar by its content-desc "<label>: <count>".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flows.account import EnsureAccount, parse_count
from flows.driver import Driver
from flows.engine import Engine, Outcome, Screen
from flows.hierarchy import Node
from flows.request import FlowStats
from flows.selectors import normalize, text_variants

INSIGHT_SCREENS = frozenset({"pro_dashboard", "followers_insights"})
MAX_SCROLLS = 4
MAX_OPENS = 2
_BAR = re.compile(r"^(?P<label>.+?)\s*[:,]\s*(?P<value>\d[\d.,\s\u202f\u00a0]*[kKmM]?)$")
_HOUR = re.compile(r"^(?P<h>\d{1,2})(?::00)?\s*(?P<ampm>a|p|am|pm|a\.\s?m\.|p\.\s?m\.|h)?$")


@dataclass
class AudienceActivity:
    """What the app showed: followers active per local hour (24) and weekday (7, Monday
    first); `block_hours` is the width of the app's hour bars (each hour of a block carries
    the block's value)."""

    by_hour: list[float] = field(default_factory=lambda: [0.0] * 24)
    by_weekday: list[float] = field(default_factory=lambda: [0.0] * 7)
    block_hours: int = 1
    stats: FlowStats = field(default_factory=FlowStats)


def hour_of(label: str) -> int | None:
    """ "12a" → 0, "3p" → 15, "9 PM" → 21, "18 h" → 18, "0" → 0; None for anything else."""
    m = _HOUR.match(normalize(label))
    if m is None:
        return None
    hour = int(m.group("h"))
    ampm = (m.group("ampm") or "").replace(".", "").replace(" ", "")
    if ampm in ("a", "am", "p", "pm"):
        if not 1 <= hour <= 12:
            return None
        hour %= 12
        if ampm.startswith("p"):
            hour += 12
    return hour if 0 <= hour < 24 else None


def weekday_of(label: str) -> int | None:
    """The weekday (0 = Monday) a Days-tab label names, in any known language."""
    word = normalize(label)
    for day in range(7):
        if word in text_variants(f"weekday_{day}"):
            return day
    return None


def bars(screen: Screen) -> list[tuple[str, int]]:
    """(label, count) of every bar on screen, left to right."""
    out: list[tuple[Node, str, int]] = []
    for node in screen.ui.nodes:
        m = _BAR.match(node.content_desc.strip())
        if m is None:
            continue
        value = parse_count(m.group("value"))
        if value is not None:
            out.append((node, m.group("label"), value))
    out.sort(key=lambda item: item[0].bounds.left)
    return [(label, value) for _, label, value in out]


def hour_blocks(found: list[tuple[str, int]]) -> tuple[list[float], int] | None:
    """24 hourly values from hour-block bars (each hour takes its block's value), and the
    block width; None unless the bars cover the day in equal blocks from midnight."""
    starts = []
    for label, value in found:
        hour = hour_of(label)
        if hour is not None:
            starts.append((hour, value))
    if len(starts) < 2 or 24 % len(starts):
        return None
    width = 24 // len(starts)
    starts.sort()
    if [h for h, _ in starts] != list(range(0, 24, width)):
        return None
    by_hour = [0.0] * 24
    for hour, value in starts:
        for h in range(hour, hour + width):
            by_hour[h] = float(value)
    return by_hour, width


def weekdays(found: list[tuple[str, int]]) -> list[float] | None:
    """7 values (Monday first) from the Days tab's bars; None unless every weekday is there."""
    by_day: dict[int, float] = {}
    for label, value in found:
        day = weekday_of(label)
        if day is not None:
            by_day.setdefault(day, float(value))
    if sorted(by_day) != list(range(7)):
        return None
    return [by_day[d] for d in range(7)]


class ReadActiveTimes:
    """Goal: the Hours and Days of "Most active times" are read (from the own profile)."""

    name = "reading the audience's most active times"

    def __init__(self, result: AudienceActivity) -> None:
        self.result = result
        self.hours_read = False
        self.days_read = False
        self.opens = 0
        self.scrolls = 0

    def step(self, engine: Engine, screen: Screen) -> Outcome:
        name = screen.name
        if name == "profile":
            if self.opens >= MAX_OPENS:
                raise engine.unexpected(screen, "opening the Professional dashboard")
            self.opens += 1
            if not engine.tap_element(screen, "pro_dashboard_entry"):
                raise engine.fail(
                    "insights_unavailable",
                    "the profile offers no Professional dashboard or Insights (a personal account)",
                )
            return Outcome.CONTINUE
        if name == "pro_dashboard":
            if engine.tap_element(screen, "total_followers"):
                return Outcome.CONTINUE
            return self._scroll(engine, screen, "looking for the followers' insights")
        if name == "followers_insights":
            return self._read(engine, screen)
        raise engine.unexpected(screen, self.name)

    def _read(self, engine: Engine, screen: Screen) -> Outcome:
        found = bars(screen)
        if not self.hours_read:
            blocks = hour_blocks(found)
            if blocks is not None:
                self.result.by_hour, self.result.block_hours = blocks
                self.hours_read = True
            elif screen.has("most_active_times") and self._tap_tab(engine, screen, "hours_tab"):
                return Outcome.CONTINUE
            else:
                return self._scroll(engine, screen, "looking for the most active hours")
        if not self.days_read:
            days = weekdays(found)
            if days is not None:
                self.result.by_weekday = days
                self.days_read = True
            elif self._tap_tab(engine, screen, "days_tab"):
                return Outcome.CONTINUE
            else:
                return self._scroll(engine, screen, "looking for the most active days")
        return Outcome.DONE

    def _tap_tab(self, engine: Engine, screen: Screen, tab: str) -> bool:
        """Tap a tab not selected yet; False when it is absent or already selected."""
        node = screen.find(tab)
        if node is None or node.selected or node.clickable_self_or_ancestor().selected:
            return False
        engine.tap(node)
        return True

    def _scroll(self, engine: Engine, screen: Screen, doing: str) -> Outcome:
        if self.scrolls >= MAX_SCROLLS:
            raise engine.unexpected(screen, doing)
        self.scrolls += 1
        engine.swipe_up(screen)
        return Outcome.CONTINUE


class BackToProfile:
    """Goal: the Insights pages are closed (the next flow starts from a known screen)."""

    name = "going back to the profile"

    def __init__(self) -> None:
        self.backs = 0

    def step(self, engine: Engine, screen: Screen) -> Outcome:
        if screen.name not in INSIGHT_SCREENS:
            return Outcome.DONE
        self.backs += 1
        if self.backs > 4:
            raise engine.unexpected(screen, self.name)
        engine.press("back")
        return Outcome.CONTINUE


def read_audience(
    driver: Driver,
    username: str,
    *,
    deadline_s: float = 90,
    step_budget: int = 30,
    poll_s: float = 1.0,
) -> AudienceActivity:
    """Read the account's "Most active times" from its Insights (professional accounts);
    raises FlowError `insights_unavailable` when the app shows it no Insights."""
    engine = Engine(driver, deadline_s=deadline_s, step_budget=step_budget, poll_s=poll_s)
    result = AudienceActivity(stats=engine.stats)
    engine.run(EnsureAccount(username))
    engine.run(ReadActiveTimes(result))
    engine.run(BackToProfile())
    return result
