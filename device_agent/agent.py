"""The device agent: registers with the controller, reports phone health, claims jobs for its
idle phones and hands each to that phone's worker."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path

import structlog

from device_agent.outbox import Outbox, transient
from device_agent.worker import DeviceWorker
from farmcore.client import ControllerError, FarmClient
from farmcore.farmfile import AgentConfig, DeviceConfig, FarmConfig
from farmcore.protocol import AgentDeviceIn, DeviceHealth
from flows.driver import Driver

VERSION = "0.1.0"
HEALTH_TIMEOUT_S = 5.0
# long-poll: a claim waits this long on the controller for a lease for any of our phones
CLAIM_WAIT_S = 5.0
log = structlog.get_logger()


def open_driver(device: DeviceConfig, farm: FarmConfig) -> Driver:
    """Connect the backend a device is declared with."""
    if device.driver in ("u2", "appium"):
        driver: Driver
        if device.driver == "u2":
            from device_agent.drivers.u2 import U2Driver

            driver = U2Driver(device.serial)
        else:
            from device_agent.drivers.appium import AppiumDriver

            driver = AppiumDriver(device.serial, device.appium_url or "http://127.0.0.1:4723")
        driver.app_package = device.app_package  # type: ignore[attr-defined]  # read by flows
        return driver
    from device_agent.sim import open_sim_phone

    return open_sim_phone(device, farm)


class Link:
    """Whether the controller answers, logged once per change (not once per attempt)."""

    def __init__(self) -> None:
        self.up: bool | None = None
        self._lock = threading.Lock()

    def ok(self) -> None:
        with self._lock:
            if self.up is False:
                log.info("controller_reachable")
            self.up = True

    def down(self, exc: BaseException) -> None:
        with self._lock:
            if self.up is not False:
                log.warning("controller_unreachable", error=str(exc)[:200])
            self.up = False


class DeviceAgent:
    def __init__(
        self,
        farm: FarmConfig,
        config: AgentConfig,
        *,
        api_key: str,
        work_dir: Path,
        controller_url: str | None = None,
        drivers: dict[str, Driver] | None = None,
        state_dir: Path | None = None,
    ) -> None:
        self.farm = farm
        self.config = config
        self.client = FarmClient(controller_url or farm.controller.url, api_key)
        # outcomes not yet answered by the controller survive a restart of the agent here
        self.outbox = Outbox((state_dir or work_dir) / "outbox")
        self.link = Link()
        drivers = drivers or {d.serial: open_driver(d, farm) for d in config.devices}
        self.workers = {
            d.serial: DeviceWorker(
                d.serial, drivers[d.serial], self.client, work_dir / d.serial, self.outbox
            )
            for d in config.devices
        }
        self.lease_ttl_s = 60.0
        self._healthy: dict[str, bool] = {}
        self._health_pool = ThreadPoolExecutor(
            max_workers=max(2, len(self.workers)), thread_name_prefix="health"
        )
        self._stop = threading.Event()
        self._reregister = False  # the controller refused our token: register again
        self._reboots: set[str] = set()  # asked by ops, handed to the worker, not yet cleared

    def poll_commands(self) -> None:
        """Carry out the reboots ops asked for (each once, between two jobs)."""
        for device in self.client.commands():
            serial = device.serial
            if serial not in self.workers:
                continue
            if not device.reboot:
                self._reboots.discard(serial)
            elif serial not in self._reboots:
                self._reboots.add(serial)
                self.workers[serial].submit_reboot("requested by ops")

    def _register(self) -> None:
        devices = [
            AgentDeviceIn(serial=d.serial, label=d.label, driver=d.driver)
            for d in self.config.devices
        ]
        out = self.client.register(self.config.name, VERSION, devices)
        self.lease_ttl_s = out.lease_ttl_s
        log.info("agent_registered", agent=self.config.name, devices=len(devices))

    def _device_status(self, serial: str) -> tuple[str, dict]:
        worker = self.workers[serial]
        if worker.busy:
            return "busy", {}
        health = worker.health()
        thresholds = self.farm.thresholds
        problem = health.problem(thresholds.min_battery, thresholds.max_temperature_c)
        if health.battery is None and health.app_version is None:
            problem = "offline"
        report = {
            "battery": health.battery,
            "temperature_c": health.temperature_c,
            "app_version": health.app_version,
        }
        return problem or "idle", report

    def heartbeat_once(self) -> None:
        """Read every phone's health at once, each within HEALTH_TIMEOUT_S: a phone that hangs
        (an Appium server waiting for a device that is not there) is reported offline without
        holding up the others or the heartbeat itself."""
        pending = {s: self._health_pool.submit(self._device_status, s) for s in self.workers}
        devices = []
        for serial, future in pending.items():
            try:
                status, report = future.result(timeout=HEALTH_TIMEOUT_S)
            except FutureTimeout:
                status, report = "offline", {}
            if status != "busy":
                self._healthy[serial] = status == "idle"
            devices.append(DeviceHealth(serial=serial, status=status, **report))
        self.client.heartbeat(devices, leases=self.working_on())
        self.link.ok()

    def working_on(self) -> list[int]:
        """The leases this agent still works on or still has an outcome to deliver for: the
        heartbeat extends only these, so a lease it dropped expires."""
        tokens = set(self.outbox.tokens())
        for worker in self.workers.values():
            tokens.update(worker.held())
        return sorted(tokens)

    def _guard(self, what: str, call) -> None:  # type: ignore[no-untyped-def]
        """Run one step of a loop; whatever happens the agent carries on (the controller being
        away is one log line when it goes and one when it comes back)."""
        try:
            call()
        except ControllerError as exc:
            if transient(exc) and exc.status != 401:
                self.link.down(exc)
            elif exc.status == 401:
                log.warning("agent_token_refused", step=what)
                self._reregister = True
            else:
                log.warning(f"{what}_refused", status=exc.status, code=exc.code)
        except OSError as exc:
            self.link.down(exc)
        except Exception:
            log.exception(f"{what}_crashed")

    def _heartbeat_loop(self) -> None:
        while not self._stop.wait(max(self.lease_ttl_s / 4, 0.5)):
            self._guard("heartbeat", self.heartbeat_once)
            self._guard("commands", self.poll_commands)

    def flush_outbox(self) -> None:
        """Re-send the outcomes still unanswered; what cannot go now waits for the next loop
        (whether the controller is reachable is for the heartbeat and the claim to say)."""
        self.outbox.flush(self.client)

    def claim_once(self, wait_s: float = 0) -> int:
        """Ask, once for all of them, for work for the phones that are free and were healthy at
        the last heartbeat. With `wait_s` the controller answers when a lease is opened for any
        of our phones (a phone that finished its lease is free again on the controller's side),
        so the claim is made even when no phone is idle right now."""
        idle = [s for s, w in self.workers.items() if not w.busy and self._healthy.get(s)]
        if not idle and not wait_s:
            return 0
        leases = self.client.claim(idle, wait_s=wait_s)
        self.link.ok()
        for lease in leases:
            self.workers[lease.device].submit(lease)
        return len(leases)

    def run(self, stop: threading.Event | None = None) -> None:
        """Serve until `stop` is set (or forever). A controller that is away (at start, while
        it restarts, behind a cut link) is waited for with backoff, never a reason to exit;
        the phones' workers and the outbox keep their state meanwhile."""
        if stop is not None:
            self._stop = stop
        self._reregister = False
        for worker in self.workers.values():
            worker.start()
        beat: threading.Thread | None = None
        try:
            self._register_with_retry()
            if self._stop.is_set():
                return
            self._guard("outbox", self.flush_outbox)
            self._guard("heartbeat", self.heartbeat_once)
            for serial, worker in self.workers.items():
                accounts = [a.username for a in self.farm.accounts_on(serial)]
                if accounts and self._healthy.get(serial):
                    worker.submit_preflight(accounts)
            beat = threading.Thread(target=self._heartbeat_loop, name="heartbeat", daemon=True)
            beat.start()
            wait = self.config.poll_interval_s
            wait_s = CLAIM_WAIT_S
            while not self._stop.is_set():
                started = time.monotonic()
                if self._reregister:
                    self._reregister = False
                    self._register_with_retry()
                if self.outbox.tokens():
                    self._guard("outbox", self.flush_outbox)
                got = 0

                def claim() -> None:
                    nonlocal got, wait_s
                    try:
                        got = self.claim_once(wait_s)
                    except ControllerError as exc:
                        if exc.status == 422 and wait_s:
                            wait_s = 0  # a controller without long-poll: poll as before
                            return
                        raise

                self._guard("claim", claim)
                # while the controller is away, claims back off (to 5 s); back at once after
                if self.link.up is False:
                    wait = min(max(wait * 2, self.config.poll_interval_s), 5.0)
                else:
                    wait = self.config.poll_interval_s
                if not got:  # never a tight loop, whatever the controller does
                    pause = wait - (time.monotonic() - started)
                    if pause > 0:
                        self._stop.wait(pause)
        finally:
            for worker in self.workers.values():
                worker.stop()
            if beat is not None:
                beat.join(timeout=5)
            self._health_pool.shutdown(wait=False, cancel_futures=True)
            self.client.close()

    def _register_with_retry(self) -> None:
        """Register, retrying with backoff (capped at 10 s) for as long as it takes; only a
        key the controller refuses (401, 403, 422: a configuration to fix) stops the agent."""
        delay = 0.5
        while not self._stop.is_set():
            try:
                self._register()
                self.link.ok()
                return
            except ControllerError as exc:
                if exc.status in (401, 403, 422):
                    log.error("register_refused", status=exc.status, code=exc.code)
                    raise
                self.link.down(exc)
            except OSError as exc:
                self.link.down(exc)
            self._stop.wait(delay)
            delay = min(delay * 2, 10.0)
