"""The recovery ladder of one phone, and reboots ops ask for.

After each device-level failure in a row (the phone or the app misbehaved, not the account
or the media) the worker climbs one step: restart the app, reconnect adb, reboot the phone.
At `quarantine_after` failures in a row (default 4, env FARM_QUARANTINE_AFTER) the agent
asks the controller to quarantine the phone, with the codes as the reason; ops release it
from the console or `farm devices release SERIAL`. Any other outcome resets the ladder.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

import structlog

from flows.driver import Driver

log = structlog.get_logger()
INSTAGRAM = "com.instagram.android"
# failures that say the phone or the app is in a bad state (a retry on it may fail the same)
DEVICE_LEVEL = frozenset(
    {"device_offline", "app_crashed", "timeout", "ui_unrecognized", "media_not_in_gallery"}
)
STEPS = ("restart_app", "reconnect_adb", "reboot")
Report = Callable[[str, str], None]  # (event, reason) → POST /v1/agents/devices/{serial}/report


def quarantine_after_default() -> int:
    try:
        return max(1, int(os.environ.get("FARM_QUARANTINE_AFTER", "4")))
    except ValueError:
        return 4


def reboot_phone(driver: Driver, *, boot_timeout_s: float = 180.0) -> None:
    """Reboot and wait until Android says it booted. A driver with its own `reboot()` (the
    simulated phone, uiautomator2) uses it; others get `adb shell reboot`."""
    own = getattr(driver, "reboot", None)
    if callable(own):
        own()
    else:
        out = driver.shell("reboot")
        if "not found" in out:
            raise RuntimeError(f"the phone cannot reboot: {out.strip()[:100]}")
    deadline = time.monotonic() + boot_timeout_s
    while True:
        try:
            if driver.shell("getprop sys.boot_completed").strip() in ("1", ""):
                return
        except Exception:  # the phone is still away
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"the phone did not come back in {boot_timeout_s:.0f} s")
        time.sleep(2)


class RecoveryLadder:
    """One per phone; driven from the phone's worker thread (never concurrently)."""

    def __init__(
        self,
        serial: str,
        driver: Driver,
        report: Report,
        *,
        quarantine_after: int | None = None,
        app_package: str | None = None,
    ) -> None:
        self.serial = serial
        self.driver = driver
        self.report = report
        self.quarantine_after = quarantine_after or quarantine_after_default()
        self.app_package = app_package or getattr(driver, "app_package", None) or INSTAGRAM
        self.codes: list[str] = []
        self.steps_taken: list[str] = []

    @property
    def streak(self) -> int:
        return len(self.codes)

    def after(self, outcome: dict[str, Any]) -> str | None:
        """Called with every completed lease body; returns the step taken, if any."""
        code = outcome.get("error_code") if outcome.get("outcome") == "failed" else None
        if code not in DEVICE_LEVEL:
            self.codes.clear()
            self.steps_taken.clear()
            return None
        self.codes.append(code)
        if self.streak >= self.quarantine_after:
            tried = ", ".join(self.steps_taken) or "nothing"
            reason = (
                f"{self.streak} device-level failures in a row ({', '.join(self.codes)}); "
                f"tried: {tried}"
            )
            self._report("quarantine", reason)
            log.warning("device_quarantined", device=self.serial, reason=reason)
            self.codes.clear()
            self.steps_taken.clear()
            return "quarantine"
        step = STEPS[min(self.streak, len(STEPS)) - 1]
        try:
            getattr(self, f"_{step}")()
            result = "done"
        except Exception as exc:  # a step that fails is the next step's problem
            result = f"failed: {type(exc).__name__}: {exc}"[:150]
        self.steps_taken.append(step)
        self._report("recovery", f"{step} after {code} ({self.streak} in a row): {result}")
        log.info("device_recovery", device=self.serial, step=step, code=code, result=result)
        return step

    def reboot_now(self, why: str) -> bool:
        """A reboot ops asked for (between two jobs); reported as rebooted or reboot_failed."""
        try:
            reboot_phone(self.driver)
        except Exception as exc:
            self._report("reboot_failed", f"{why}: {type(exc).__name__}: {exc}"[:250])
            log.warning("device_reboot_failed", device=self.serial, error=str(exc)[:200])
            return False
        self._report("rebooted", why)
        log.info("device_rebooted", device=self.serial)
        return True

    def _report(self, event: str, reason: str) -> None:
        try:
            self.report(event, reason[:250])
        except Exception as exc:  # the controller will hear about the phone at the next beat
            log.warning("device_report_failed", device=self.serial, error=str(exc)[:200])

    # --- the steps -------------------------------------------------------------------------
    def _restart_app(self) -> None:
        self.driver.app_stop(self.app_package)
        self.driver.app_start(self.app_package)

    def _reconnect_adb(self) -> None:
        reconnect = getattr(self.driver, "reconnect", None)
        if not callable(reconnect):
            raise RuntimeError("this driver has no adb connection to renew")
        reconnect()

    def _reboot(self) -> None:
        reboot_phone(self.driver)
