"""The recovery ladder: restart the app, reconnect adb, reboot, then quarantine after N
device-level failures in a row; reboots ops asked for, run by the phone's worker once."""

from __future__ import annotations

from typing import Any

from device_agent.agent import DeviceAgent
from device_agent.recovery import RecoveryLadder
from emulator.phone import SimPhone
from farmcore.protocol import AgentDeviceCommand


class Phone(SimPhone):
    def __init__(self) -> None:
        super().__init__("rec-1")
        self.calls: list[str] = []

    def app_stop(self, package: str) -> None:
        self.calls.append("app_stop")
        super().app_stop(package)

    def reconnect(self) -> None:
        self.calls.append("reconnect")

    def reboot(self) -> None:
        self.calls.append("reboot")
        super().reboot()


def _failed(code: str) -> dict[str, Any]:
    return {"outcome": "failed", "error_code": code}


def test_ladder_climbs_then_quarantines_with_the_codes() -> None:
    phone = Phone()
    reports: list[tuple[str, str]] = []
    ladder = RecoveryLadder("rec-1", phone, lambda e, r: reports.append((e, r)), quarantine_after=4)
    steps = [ladder.after(_failed(c)) for c in ("app_crashed", "timeout", "device_offline")]
    assert steps == ["restart_app", "reconnect_adb", "reboot"]
    # the reboot stops the app as the real one does
    assert phone.calls == ["app_stop", "reconnect", "reboot", "app_stop"]
    assert ladder.after(_failed("ui_unrecognized")) == "quarantine"
    event, reason = reports[-1]
    assert event == "quarantine"
    assert reason.startswith("4 device-level failures in a row (app_crashed, timeout")
    assert "tried: restart_app, reconnect_adb, reboot" in reason
    assert [e for e, _ in reports[:3]] == ["recovery"] * 3
    assert ladder.streak == 0  # released phones start afresh


def test_other_outcomes_reset_the_ladder() -> None:
    phone = Phone()
    reports: list[tuple[str, str]] = []
    ladder = RecoveryLadder("rec-1", phone, lambda e, r: reports.append((e, r)), quarantine_after=2)
    assert ladder.after(_failed("app_crashed")) == "restart_app"
    assert ladder.after({"outcome": "published"}) is None
    assert ladder.after(_failed("action_blocked")) is None  # the account's problem, not the phone's
    assert ladder.after(_failed("app_crashed")) == "restart_app"
    assert [e for e, _ in reports] == ["recovery", "recovery"]


def test_a_failing_step_is_reported_and_the_ladder_goes_on() -> None:
    phone = SimPhone("rec-2")  # no reconnect(): that step fails and says why
    reports: list[tuple[str, str]] = []
    ladder = RecoveryLadder("rec-2", phone, lambda e, r: reports.append((e, r)), quarantine_after=9)
    ladder.after(_failed("timeout"))
    ladder.after(_failed("timeout"))
    assert "reconnect_adb after timeout (2 in a row): failed: RuntimeError" in reports[-1][1]


class Client:
    def __init__(self) -> None:
        self.reboot = True
        self.reports: list[tuple[str, str, str]] = []

    def commands(self) -> list[AgentDeviceCommand]:
        return [AgentDeviceCommand(serial="rec-1", mode="active", reboot=self.reboot)]

    def device_report(self, serial: str, event: str, reason: str = "") -> None:
        self.reports.append((serial, event, reason))
        if event == "rebooted":
            self.reboot = False


def test_agent_reboots_a_phone_once_when_ops_ask(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from device_agent.config import FarmConfig

    farm = FarmConfig.model_validate(
        {"agents": [{"name": "r", "devices": [{"serial": "rec-1", "driver": "sim"}]}]}
    )
    phone = Phone()
    agent = DeviceAgent(
        farm, farm.agents[0], api_key="x", work_dir=tmp_path, drivers={"rec-1": phone}
    )
    client = Client()
    agent.client = client  # type: ignore[assignment]
    worker = agent.workers["rec-1"]
    worker.client = client  # type: ignore[assignment]
    worker.recovery.report = lambda event, why: client.device_report("rec-1", event, why)
    worker.start()
    try:
        agent.poll_commands()
        agent.poll_commands()  # asked twice before it is done: one reboot
        _until(lambda: not worker.busy)
        assert phone.calls.count("reboot") == 1
        # the phone's worker lives on after a reboot: a second request is carried out too
        assert worker._thread.is_alive()
        agent.poll_commands()  # the controller cleared the first request
        client.reboot = True
        agent.poll_commands()  # a new one
        _until(lambda: phone.calls.count("reboot") == 2 and not worker.busy)
        worker.stop()
    finally:
        agent._health_pool.shutdown(wait=False)
    assert [(s, e) for s, e, _ in client.reports] == [("rec-1", "rebooted")] * 2


def _until(condition, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)
