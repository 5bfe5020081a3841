"""Shared helpers for flow tests: fixture dumps and a driver that replays them."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

# fixtures for test_real_device.py; its options `--device` / `--account` are declared in the
# root tests/conftest.py so that `pytest --device SERIAL` works from anywhere
from tests.flows.real_device import (  # noqa: F401
    device_account,
    device_serial,
    real_driver,
)

FIXTURES = Path(__file__).parent / "fixtures"
PNG = b"\x89PNG\r\n\x1a\n fake"


def dump(name: str) -> str:
    return (FIXTURES / f"{name}.xml").read_text(encoding="utf-8")


class ReplayDriver:
    """A Driver whose screen is a film: each dump shows the next fixture (the last one stays)."""

    serial = "replay-1"

    def __init__(
        self,
        *screens: str,
        fail_dump_at: int | None = None,
        load: Callable[[str], str] | None = None,
    ) -> None:
        self.screens = list(screens)
        self.pos = 0
        self.log: list[tuple] = []
        self.fail_dump_at = fail_dump_at
        self.load = load or dump

    def dump_hierarchy(self) -> str:
        if self.fail_dump_at is not None and self.pos == self.fail_dump_at:
            raise ConnectionError("adb: device offline")
        name = self.screens[min(self.pos, len(self.screens) - 1)]
        self.pos += 1
        self.log.append(("dump", name))
        return self.load(name)

    def tap(self, x: int, y: int) -> None:
        self.log.append(("tap", x, y))

    def type_text(self, text: str) -> None:
        self.log.append(("type", text))

    def press_key(self, key: str) -> None:
        self.log.append(("key", key))

    def swipe(self, x1: int, y1: int, x2: int, y2: int, duration: float = 0.2) -> None:
        self.log.append(("swipe", x1, y1, x2, y2))

    def screenshot(self) -> bytes:
        return PNG

    def app_start(self, package: str) -> None:
        self.log.append(("app_start", package))

    def app_stop(self, package: str) -> None:
        self.log.append(("app_stop", package))

    def push_file(self, local_path: str, remote_path: str) -> None:
        self.log.append(("push", local_path, remote_path))

    def shell(self, command: str) -> str:
        self.log.append(("shell", command))
        return "Starting: Intent { cmp=com.instagram.android/.activity.MainTabActivity }"

    def actions(self) -> list[tuple]:
        return [e for e in self.log if e[0] != "dump"]


@pytest.fixture
def replay():
    return ReplayDriver


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):  # type: ignore[no-untyped-def]
    """With `--device`, a flow that fails leaves its evidence (screenshot, UI dump) under
    `$IGFARM_EVIDENCE_DIR` (default `evidence/`), for QA to read or a CI job to upload."""
    report = yield
    error = call.excinfo.value if call.excinfo is not None else None
    if report.failed and item.config.getoption("--device", default=None) and error is not None:
        evidence = getattr(error, "evidence", None)
        if evidence is not None:
            out = Path(os.environ.get("IGFARM_EVIDENCE_DIR", "evidence"))
            out.mkdir(parents=True, exist_ok=True)
            stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid)[-120:]
            if evidence.screenshot_png:
                (out / f"{stem}.png").write_bytes(evidence.screenshot_png)
            if evidence.hierarchy_xml:
                (out / f"{stem}.xml").write_text(evidence.hierarchy_xml, encoding="utf-8")
    return report
