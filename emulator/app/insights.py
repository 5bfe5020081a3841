"""The Professional dashboard and the followers' Insights of a professional account.

Real app (2025-26): the own profile's "Professional dashboard" entry (a Bloks button with no
resource id, see the own-profile dumps) opens the dashboard; its "Account insights" rows (Views,
Interactions, Total followers) open each insight; the followers' page ends with "Most active
times": an Hours and a Days tab, one bar per 3-hour block and per weekday. No real dump of the
dashboard or of the Insights pages exists in the shared dumps, so these pages are Bloks-like
(no resource ids: text and content-desc only) and the flow reads them by their words. A bar is
a View whose content-desc is "<label>: <followers>", with its value as text under it.
"""

from __future__ import annotations

from emulator.app.base import (
    BAR_BOTTOM,
    TAB_TOP,
    Screen,
    W,
    action_bar,
    clip_tree,
    shift,
    tab_bar,
    text_view,
)
from emulator.ui import BUTTON, FRAME, LINEAR, RECYCLER, VIEW, Node

PAGE_HEIGHT = 3000  # the followers' page is taller than the screen: Most active times is below
ACTIVE_TIMES_Y = 2000  # where the section starts, before scrolling


class DashboardScreen(Screen):
    """Professional dashboard: Account insights with Views, Interactions, Total followers."""

    name = "pro_dashboard"

    def build(self) -> list[Node]:
        app = self.app
        t = self.t
        state = app.account
        if state is None:
            return []
        acct = state.account
        nodes = [action_bar(self, t["pro_dashboard"])]
        body = Node(LINEAR, "", bounds=(0, BAR_BOTTOM, W, TAB_TOP))
        y = BAR_BOTTOM + 40
        body.add(Node(VIEW, "", text=t["account_insights"], bounds=(42, y, 1038, y + 70)))
        y += 100
        rows = (
            ("views", acct.followers * 3, None),
            ("interactions", acct.followers // 4, None),
            ("total_followers", acct.followers, self._open_followers),
        )
        for key, value, action in rows:
            row = Node(
                VIEW,
                "",
                desc=f"{t[key]} {t.number(value)}",
                bounds=(0, y, W, y + 130),
                clickable=True,
                on_tap=action or (lambda: None),
            )
            row.add(Node(VIEW, "", text=t[key], bounds=(42, y + 30, 700, y + 100)))
            row.add(Node(VIEW, "", text=t.number(value), bounds=(760, y + 30, 1038, y + 100)))
            body.add(row)
            y += 140
        nodes.append(body)
        nodes.append(tab_bar(self, "profile"))
        return nodes

    def _open_followers(self) -> None:
        self.app.push(FollowersInsightsScreen(self.app))


class FollowersInsightsScreen(Screen):
    """The followers' Insights: total, growth, top locations, then Most active times (below
    the fold) with its Hours and Days tabs."""

    name = "followers_insights"

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        super().__init__(app)
        self.tab = "hours"

    def build(self) -> list[Node]:
        app = self.app
        t = self.t
        state = app.account
        if state is None:
            return []
        acct = state.account
        nodes = [action_bar(self, t["followers_title"])]
        area = (0, BAR_BOTTOM, W, TAB_TOP)
        page = Node(RECYCLER, "", bounds=area, scrollable=True)
        page.on_scroll = lambda dx, dy: self.scroll_by(dx, dy, PAGE_HEIGHT - (TAB_TOP - BAR_BOTTOM))
        y = BAR_BOTTOM + 40
        content = [
            Node(VIEW, "", text=t.number(acct.followers), bounds=(42, y, 600, y + 110)),
            Node(VIEW, "", text=t["total_followers"], bounds=(42, y + 110, 600, y + 170)),
            Node(VIEW, "", text=t["growth"], bounds=(42, y + 300, 1038, y + 370)),
            Node(FRAME, "", desc=t["growth"], bounds=(42, y + 400, 1038, y + 1000)),
            Node(VIEW, "", text=t["top_locations"], bounds=(42, y + 1100, 1038, y + 1170)),
        ]
        content.append(self._active_times(ACTIVE_TIMES_Y))
        for node in content:
            shifted = clip_tree(shift(node, self.scroll), area)
            if shifted is not None:
                page.add(shifted)
        nodes.append(page)
        nodes.append(tab_bar(self, "profile"))
        return nodes

    def _active_times(self, y: int) -> Node:
        t = self.t
        acct = self.app.account.account  # type: ignore[union-attr]
        section = Node(LINEAR, "", bounds=(0, y, W, y + 800))
        section.add(Node(VIEW, "", text=t["most_active_times"], bounds=(42, y, 1038, y + 70)))
        tabs = Node(LINEAR, "", bounds=(42, y + 100, 1038, y + 200))
        for i, key in enumerate(("hours", "days")):
            b = (42 + i * 498, y + 100, 540 + i * 498, y + 200)
            tabs.add(
                Node(
                    BUTTON,
                    "",
                    text=t[f"{key}_tab"],
                    desc=t[f"{key}_tab"],
                    bounds=b,
                    clickable=True,
                    selected=self.tab == key,
                    on_tap=lambda k=key: self._select(k),
                )
            )
        section.add(tabs)
        if self.tab == "hours":
            labels, values = t["hour_blocks"].split(","), acct.active_hours
        else:
            labels, values = t["weekdays_short"].split(","), acct.active_days
        top = max(values) or 1
        width = 996 // len(values)
        chart = Node(FRAME, "", bounds=(42, y + 240, 1038, y + 760))
        for i, (label, value) in enumerate(zip(labels, values, strict=True)):
            x = 42 + i * width
            height = max(4, int(400 * value / top))
            bar = Node(
                VIEW,
                "",
                desc=f"{label}: {t.number(value)}",
                bounds=(x + 10, y + 660 - height, x + width - 10, y + 660),
            )
            chart.add(bar)
            chart.add(text_view("", label, (x, y + 680, x + width, y + 740)))
        section.add(chart)
        return section

    def _select(self, key: str) -> None:
        self.tab = key
