"""Reading a phone's health from the shell answers every Android gives."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flows.driver import INSTAGRAM_PACKAGE, Driver


@dataclass
class Health:
    battery: int | None = None
    temperature_c: float | None = None
    app_version: str | None = None

    def problem(self, min_battery: int, max_temperature_c: float) -> str | None:
        """Why the phone should not take a job now, or None."""
        if self.battery is not None and self.battery < min_battery:
            return "low_battery"
        if self.temperature_c is not None and self.temperature_c > max_temperature_c:
            return "hot"
        return None


def read_health(driver: Driver) -> Health:
    battery = driver.shell("dumpsys battery")
    level = re.search(r"^\s*level:\s*(\d+)", battery, re.M)
    temp = re.search(r"^\s*temperature:\s*(\d+)", battery, re.M)
    app_package = getattr(driver, "app_package", None) or INSTAGRAM_PACKAGE
    package = driver.shell(f"dumpsys package {app_package}")
    version = re.search(r"versionName=(\S+)", package)
    return Health(
        battery=int(level.group(1)) if level else None,
        temperature_c=int(temp.group(1)) / 10 if temp else None,
        app_version=version.group(1) if version else None,
    )
