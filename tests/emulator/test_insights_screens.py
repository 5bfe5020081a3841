"""The simulated app's Professional dashboard and followers' Insights (professional accounts):
reached from the own profile, English and Spanish, bars of the account's seeded activity."""

from __future__ import annotations

import pytest

from emulator.accounts import SimAccount
from emulator.phone import SimPhone
from emulator.texts import Texts
from tests.emulator.xmlui import UI, tap, ui, wait_for

HOURS = [5, 10, 20, 40, 80, 160, 320, 640]
DAYS = [7, 6, 5, 4, 3, 2, 1]


def _phone(locale: str, professional: bool = True, layout: str = "2025") -> SimPhone:
    account = SimAccount(
        "brand_one", professional=professional, active_hours=HOURS, active_days=DAYS
    )
    phone = SimPhone("sim-insights", locale=locale, layout=layout, seed=1, accounts=[account])
    phone.app_start("com.instagram.android")
    return phone


def _bars(screen: UI) -> dict[str, str]:
    return {
        n.desc.split(": ")[0]: n.desc.split(": ")[1]
        for n in screen.nodes
        if ": " in n.desc and n.attrs["package"] == "com.instagram.android"
    }


def _open_followers(phone: SimPhone, t: Texts) -> UI:
    tap(phone, desc=t["profile"])
    wait_for(phone, text=t["pro_dashboard"])
    tap(phone, text=t["pro_dashboard"])
    tap(phone, text=t["total_followers"])
    return wait_for(phone, text=t["most_active_times"])


@pytest.mark.parametrize("locale", ["en", "es"])
def test_most_active_times_show_the_account_activity(locale: str) -> None:
    phone = _phone(locale)
    t = Texts(locale)
    screen = _open_followers(phone, t)
    assert _bars(screen) == {}  # the section is below the fold
    phone.swipe(540, 1800, 540, 800)
    screen = ui(phone)
    hours = t["hour_blocks"].split(",")
    assert _bars(screen) == {label: str(v) for label, v in zip(hours, HOURS, strict=True)}
    tab = screen.find(text=t["hours_tab"])
    assert tab is not None and tab.flag("selected")
    tap(phone, text=t["days_tab"])
    days = t["weekdays_short"].split(",")
    assert _bars(ui(phone)) == {label: str(v) for label, v in zip(days, DAYS, strict=True)}
    phone.press_key("back")
    assert ui(phone).has(text=t["account_insights"])
    phone.press_key("back")
    assert ui(phone).has(text=t["pro_dashboard"])  # the profile again


def test_spanish_words_are_spanish() -> None:
    t = Texts("es")
    assert t["most_active_times"] == "Horas de mayor actividad"
    assert t["pro_dashboard"] == "Panel profesional" and t["days_tab"] == "Días"


@pytest.mark.parametrize("layout", ["2025", "legacy"])
def test_a_personal_account_has_no_dashboard_or_insights(layout: str) -> None:
    t = Texts("en")
    for professional in (True, False):
        phone = _phone("en", professional=professional, layout=layout)
        tap(phone, desc=t["profile"])
        screen = wait_for(phone, text=t["edit_profile"])
        entry = screen.has(text=t["pro_dashboard"]) or screen.has(text=t["insights"])
        assert entry is professional


def test_unset_activity_is_seeded_by_the_username() -> None:
    one, again, other = SimAccount("brand_one"), SimAccount("brand_one"), SimAccount("brand_two")
    assert one.active_hours == again.active_hours and one.active_days == again.active_days
    assert (one.active_hours, one.active_days) != (other.active_hours, other.active_days)
    assert len(one.active_hours) == 8 and len(one.active_days) == 7
    with pytest.raises(ValueError):
        SimAccount("bad", active_hours=[1, 2, 3])
