"""Phone health read from shell output in Android's own format."""

from __future__ import annotations

from device_agent.health import Health, read_health


class _Shell:
    serial = "x"

    def __init__(self, answers: dict[str, str]) -> None:
        self.answers = answers

    def shell(self, command: str) -> str:
        return self.answers.get(command, "")


BATTERY = """Current Battery Service state:
  AC powered: false
  USB powered: true
  status: 2
  health: 2
  present: true
  level: 14
  scale: 100
  voltage: 4012
  temperature: 312
  technology: Li-ion
"""


def test_battery_temperature_and_version_parsed() -> None:
    health = read_health(
        _Shell(
            {  # type: ignore[arg-type]
                "dumpsys battery": BATTERY,
                "dumpsys package com.instagram.android": "    versionCode=1 minSdk=28\n"
                "    versionName=312.0.0.32.112\n",
            }
        )
    )
    assert health == Health(battery=14, temperature_c=31.2, app_version="312.0.0.32.112")
    assert health.problem(min_battery=15, max_temperature_c=45) == "low_battery"
    assert health.problem(min_battery=10, max_temperature_c=30) == "hot"
    assert health.problem(min_battery=10, max_temperature_c=45) is None
