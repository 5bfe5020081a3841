"""Real phones through real adb (the server shipped in adbutils' wheel). No phone is plugged
into CI machines, so this checks what ops see then: the phone listed offline, the agent alive
and serving its other phones."""

from __future__ import annotations

from pathlib import Path

import pytest

from device_agent.drivers.u2 import U2Driver
from tests.agent.absent_phone import absent_phone_is_offline_and_the_farm_serves

ABSENT = "R58M00ABSENT"


def test_u2_driver_names_the_missing_device() -> None:
    with pytest.raises(ConnectionError, match=f"{ABSENT} is not attached to adb"):
        U2Driver(ABSENT).shell("dumpsys battery")


def test_agent_reports_unplugged_phone_offline_and_keeps_serving(tmp_path: Path) -> None:
    absent_phone_is_offline_and_the_farm_serves(tmp_path, {"serial": ABSENT, "driver": "u2"})
