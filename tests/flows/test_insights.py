"""The insights flow against the simulated phone (English and Spanish, both layouts): a
professional account's Most active times are read; a personal account has none."""

from __future__ import annotations

import pytest

from emulator.accounts import SimAccount
from flows import FlowError, read_audience
from flows.hierarchy import parse
from flows.insights import hour_blocks, hour_of, weekday_of, weekdays
from flows.screens import classify
from tests.flows.sim import POLL_S, new_phone

HOURS = [3, 1, 4, 1, 5, 9, 2, 6]
DAYS = [10, 20, 30, 40, 50, 60, 70]


def _accounts() -> list[SimAccount]:
    return [
        SimAccount("brand_one", professional=False),
        SimAccount("brand_pro", active_hours=HOURS, active_days=DAYS),
    ]


@pytest.mark.parametrize("layout", ["2025", "legacy"])
@pytest.mark.parametrize("locale", ["en", "es"])
def test_reads_most_active_times_of_a_professional_account(locale: str, layout: str) -> None:
    phone = new_phone(locale, accounts=_accounts(), layout=layout)
    reading = read_audience(phone, "brand_pro", poll_s=POLL_S)
    assert reading.block_hours == 3
    assert reading.by_hour == [float(v) for v in HOURS for _ in range(3)]
    assert reading.by_weekday == [float(v) for v in DAYS]
    assert reading.stats.dumps <= 12
    # the flow leaves the phone on the profile: the next flow starts from a known screen
    assert classify(parse(phone.dump_hierarchy())).name == "profile"


@pytest.mark.parametrize("locale", ["en", "es"])
def test_a_personal_account_has_no_insights(locale: str) -> None:
    phone = new_phone(locale, accounts=_accounts())
    with pytest.raises(FlowError) as caught:
        read_audience(phone, "brand_one", poll_s=POLL_S)
    assert caught.value.code == "insights_unavailable"
    assert not caught.value.retryable and not caught.value.account_level
    assert caught.value.evidence.hierarchy_xml  # what the profile showed


def test_labels_of_hours_and_weekdays() -> None:
    assert [hour_of(x) for x in ("12a", "3a", "12p", "9p", "9 PM", "0 h", "18 h", "7")] == [
        0,
        3,
        12,
        21,
        21,
        0,
        18,
        7,
    ]
    assert hour_of("13p") is None and hour_of("Mon") is None and hour_of("25 h") is None
    assert [weekday_of(x) for x in ("Mon", "Sunday", "mié", "sáb", "dom", "Fri")] == [
        0,
        6,
        2,
        5,
        6,
        4,
    ]
    assert weekday_of("12a") is None
    blocks = hour_blocks([("12a", 1), ("6a", 2), ("12p", 3), ("6p", 4)])
    assert blocks is not None and blocks[1] == 6 and blocks[0][5] == 1.0 and blocks[0][23] == 4.0
    assert hour_blocks([("12a", 1), ("3a", 2), ("12p", 3)]) is None  # not the whole day
    assert weekdays([("Mon", 1)]) is None
