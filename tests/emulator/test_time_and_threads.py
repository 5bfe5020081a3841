"""Simulated time (upload phases on a hand-driven clock), and a reader thread while driving."""

from __future__ import annotations

import pathlib
import threading

from emulator.accounts import SimAccount
from emulator.faults import FAULT_NAMES, FaultPlan
from emulator.phone import SimPhone
from tests.emulator.conftest import jpeg, push_scan
from tests.emulator.xmlui import tap, ui, wait_gone

INSTAGRAM = "com.instagram.android"


class FakeClock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def _to_share(phone) -> None:
    push_scan(phone, jpeg(), "/sdcard/DCIM/igfarm/a.jpg")
    phone.app_start(INSTAGRAM)
    tap(phone, rid="creation_tab")
    tap(phone, rid="next_button_textview")
    tap(phone, rid="next_button_textview")
    tap(phone, rid="share_footer_button")


def test_upload_phases_follow_the_clock():
    clock = FakeClock()
    phone = SimPhone("sim-clock", layout="legacy", clock=clock, accounts=[SimAccount("acct")])
    _to_share(phone)
    status = "row_pending_media_status_textview"
    assert ui(phone).find(rid=status).text == "Posting…"
    clock.t += 0.45
    assert ui(phone).find(rid=status).text == "Finishing up"
    assert phone.published() == []
    clock.t += 0.2
    assert not ui(phone).has(rid="row_pending_container")
    assert len(phone.published("acct")) == 1


def test_speed_scales_simulated_time():
    clock = FakeClock()
    phone = SimPhone(
        "sim-fast", layout="legacy", clock=clock, speed=4.0, accounts=[SimAccount("acct")]
    )
    _to_share(phone)
    clock.t += 0.16  # 0.64 simulated seconds
    assert len(phone.published("acct")) == 1


def test_slow_screen_blocks_taps_until_ready():
    clock = FakeClock()
    phone = SimPhone(
        "sim-slow",
        layout="legacy",
        clock=clock,
        faults=FaultPlan.script([("slow_screen", "home", {"ms": 1000})]),
    )
    phone.app_start(INSTAGRAM)
    assert ui(phone).has(rid="loading_spinner")
    phone.tap(540, 2263)  # where the Create tab will be
    assert ui(phone).has(rid="loading_spinner")
    clock.t += 1.0
    assert ui(phone).has(rid="creation_tab")


def test_reader_thread_while_an_agent_drives():
    phone = SimPhone("sim-threads", layout="legacy", speed=20, accounts=[SimAccount("acct")])
    stop = threading.Event()
    errors: list[BaseException] = []

    def reader() -> None:
        try:
            while not stop.is_set():
                phone.published("acct")
                phone.state()
                phone.dump_hierarchy()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for _ in range(3):
            _to_share(phone)
            wait_gone(phone, rid="row_pending_container")
    finally:
        stop.set()
        thread.join()
    assert not errors
    assert len(phone.published("acct")) == 3


def test_docs_describe_every_fault():
    doc = pathlib.Path(__file__).parents[2] / "docs" / "emulator.md"
    text = doc.read_text()
    missing = [name for name in FAULT_NAMES if f"`{name}`" not in text]
    assert not missing
