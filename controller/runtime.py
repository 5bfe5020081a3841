"""Running a whole farm in one process: controller, agent and simulated phones (`farm up`)."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
import uvicorn
from sqlmodel import Session, select

from controller.app import StoppingServer, create_app
from controller.config import Settings
from controller.deps import key_is_live
from controller.keys import create_api_key
from controller.models import ApiKey
from controller.security import hash_token
from device_agent.agent import DeviceAgent
from farmcore.client import ControllerError, FarmClient
from farmcore.farmfile import FarmConfig
from flows.driver import Driver


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def settings_for(farm: FarmConfig, data_dir: Path | None = None, **overrides: object) -> Settings:
    """Controller settings with farm.yaml's pacing applied."""
    kwargs: dict[str, object] = {
        "min_gap_s": farm.pacing.min_gap_minutes * 60,
        "daily_cap": farm.pacing.daily_cap,
        "checked_app_versions": list(farm.instagram.checked_versions),
    }
    if data_dir is not None:
        kwargs["data_dir"] = data_dir
    kwargs.update(overrides)
    return Settings(**kwargs)  # type: ignore[arg-type]


class ControllerThread:
    """uvicorn serving the controller on a background thread."""

    def __init__(self, settings: Settings, host: str = "127.0.0.1", port: int = 0) -> None:
        self.settings = settings
        self.host = host
        self.port = port or free_port(host)
        self.app = create_app(settings)
        config = uvicorn.Config(
            self.app,
            host=host,
            port=self.port,
            log_level="warning",
            lifespan="on",
            log_config=None,  # uvicorn's lines and tracebacks go through our JSON logging
            timeout_keep_alive=int(settings.keep_alive_s),
        )
        self.server = StoppingServer(config)
        self.thread = threading.Thread(target=self.server.run, name="controller", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 30) -> None:
        with socket.socket() as probe:
            # as uvicorn binds: connections of an earlier run in TIME_WAIT (a long-poll the
            # server closed at shutdown) do not make the port busy, a listening process does
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((self.host, self.port))
            except OSError:
                raise RuntimeError(f"port {self.port} on {self.host} is already in use") from None
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"controller did not start on {self.url}")
            time.sleep(0.05)

    def stop(self) -> None:
        self.app.state.stopping.set()
        self.app.state.wakeups.wake_all()
        self.server.should_exit = True
        self.thread.join(timeout=15)


def declare_farm(url: str, ops_key: str, farm_file: FarmConfig) -> None:
    """PUT every device and POST every account of farm.yaml (existing accounts are kept), then
    PATCH the pacing an account declares (`min_gap_minutes`, `daily_cap`; null: the default)."""
    with FarmClient(url, ops_key) as farm:
        for agent in farm_file.agents:
            for device in agent.devices:
                body = {"serial": device.serial, "label": device.label, "driver": device.driver}
                farm.call("PUT", f"/v1/devices/{device.serial}", json=body)
        for account in farm_file.accounts:
            body = {
                "username": account.username,
                "password": account.resolve_password(),
                "device": account.device,
                "timezone": account.timezone,
            }
            try:
                farm.call("POST", "/v1/accounts", json=body)
            except ControllerError as exc:
                if exc.code != "username_taken":
                    raise
            declared = {"min_gap_minutes", "daily_cap"} & account.model_fields_set
            pacing = account.model_dump(include=declared)
            if pacing:
                farm.call("PATCH", f"/v1/accounts/{account.username}", json=pacing)


def local_keys(engine: sa.Engine, data_dir: Path, agent_name: str) -> dict[str, str]:
    """One key per role for a local farm (the agent key bound to `agent_name`), kept (mode
    600) in the data dir so a second `farm up` on the same database prints the same keys
    instead of minting new ones."""
    path = data_dir / "local-keys.json"
    keys: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    with Session(engine) as session:
        usable = {
            k.key_hash
            for k in session.exec(select(ApiKey)).all()
            if key_is_live(k) and (k.role != "agent" or k.agent_name == agent_name)
        }
    for role in ("ops", "scheduler", "agent"):
        if hash_token(keys.get(role, "")) not in usable:
            agent = agent_name if role == "agent" else None
            keys[role] = create_api_key(engine, role, f"local-{role}", agent=agent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(keys, fh)
    return keys


@dataclass
class LocalFarm:
    """Controller + the first agent of farm.yaml with in-process simulated phones."""

    farm: FarmConfig
    data_dir: Path
    port: int = 0
    settings_overrides: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.settings = settings_for(self.farm, self.data_dir, **self.settings_overrides)
        self.controller = ControllerThread(self.settings, self.farm.controller.host, self.port)
        self.phones: dict[str, Driver] = {}
        self.keys: dict[str, str] = {}
        self._stop = threading.Event()
        self._agent_thread: threading.Thread | None = None

    def start(self) -> None:
        self.controller.start()
        self.keys = local_keys(
            self.controller.app.state.engine, self.data_dir, self.farm.agent(None).name
        )
        declare_farm(self.controller.url, self.keys["ops"], self.farm)
        from emulator.declared import build_sim_phone

        agent_cfg = self.farm.agent(None)
        for device in agent_cfg.devices:
            if device.driver != "sim":
                raise ValueError(
                    f"farm up runs simulated phones only; {device.serial} is "
                    f"{device.driver} (run `farm agent` for real phones)"
                )
            self.phones[device.serial] = build_sim_phone(device, self.farm)
        agent = DeviceAgent(
            self.farm,
            agent_cfg,
            api_key=self.keys["agent"],
            work_dir=self.data_dir / "agent",
            controller_url=self.controller.url,
            drivers=self.phones,
        )
        self._agent_thread = threading.Thread(
            target=agent.run, args=(self._stop,), name="agent", daemon=True
        )
        self._agent_thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._agent_thread is not None:
            self._agent_thread.join(timeout=30)
        self.controller.stop()
