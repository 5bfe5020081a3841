"""`farm.yaml`: the farm as ops declare it (controller, agents and their phones, accounts).

Neutral ground: the controller (`farm up`, `farm demo`, ops CLI), the agent and the emulator's
phone host all read farm.yaml through this module, none through another's package.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from farmcore.vocab import Driver, values


class ConfigError(Exception):
    """farm.yaml cannot be used; the message says where and why, in one line."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ControllerConfig(Strict):
    url: str = "http://127.0.0.1:8700"
    host: str = "127.0.0.1"
    port: int = Field(default=8700, ge=1, le=65535)


class FaultConfig(Strict):
    seed: int | None = None
    rate: float = Field(default=0.0, ge=0.0, le=1.0)
    script: list[str] = Field(default_factory=list)


class DeviceConfig(Strict):
    serial: str = Field(min_length=1, pattern=r"^[A-Za-z0-9._:\-]+$")
    label: str = ""
    driver: Literal[values(Driver)] = "sim"  # type: ignore[valid-type]
    locale: str = "en"
    appium_url: str | None = None
    sim_url: str | None = Field(
        default=None, description="a phone on an `farm emulator serve` host instead of in process"
    )
    faults: FaultConfig = Field(default_factory=FaultConfig)
    app_package: str = Field(
        default="com.instagram.android",
        pattern=r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+$",
        description="the package Instagram runs under on this phone (a cloned app's, if any)",
    )


class InstagramConfig(Strict):
    # the Instagram versions the flows were checked on; a phone on another one is flagged
    checked_versions: list[str] = Field(default_factory=list)


class AgentConfig(Strict):
    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9._\-]+$")
    devices: list[DeviceConfig] = Field(default_factory=list)
    poll_interval_s: float = Field(default=0.5, gt=0)


class AccountConfig(Strict):
    username: str = Field(min_length=1, max_length=30, pattern=r"^[A-Za-z0-9._]+$")
    device: str
    timezone: str = "UTC"
    password: str | None = Field(default=None, repr=False)
    password_env: str | None = None
    existing_posts: int = Field(default=12, ge=0, description="simulated phones only")
    professional: bool = Field(
        default=True,
        description="simulated phones only: a professional account shows Insights (its "
        "audience's most active times); false: a personal account, which shows none",
    )
    # this account's pacing; absent: left as the controller has it, null: farm.yaml's default
    min_gap_minutes: float | None = Field(default=None, ge=0, le=7 * 24 * 60)
    daily_cap: int | None = Field(default=None, ge=0, le=1000, description="0 means no cap")

    def resolve_password(self) -> str:
        if self.password_env:
            value = os.environ.get(self.password_env)
            if not value:
                raise ConfigError(
                    f"account {self.username}: environment variable {self.password_env} is empty"
                )
            return value
        if self.password:
            return self.password
        raise ConfigError(f"account {self.username}: give password or password_env")


class PacingConfig(Strict):
    min_gap_minutes: float = Field(default=0, ge=0)
    daily_cap: int = Field(default=0, ge=0, description="0 means no cap")


class ThresholdConfig(Strict):
    min_battery: int = Field(default=15, ge=0, le=100)
    max_temperature_c: float = 45.0


class FarmConfig(Strict):
    controller: ControllerConfig = Field(default_factory=ControllerConfig)
    pacing: PacingConfig = Field(default_factory=PacingConfig)
    thresholds: ThresholdConfig = Field(default_factory=ThresholdConfig)
    instagram: InstagramConfig = Field(default_factory=InstagramConfig)
    agents: list[AgentConfig] = Field(default_factory=list)
    accounts: list[AccountConfig] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> FarmConfig:
        serials = [d.serial for a in self.agents for d in a.devices]
        dupes = {s for s in serials if serials.count(s) > 1}
        if dupes:
            raise ValueError(f"device serials declared twice: {sorted(dupes)}")
        for account in self.accounts:
            if account.device not in serials:
                raise ValueError(f"account {account.username}: unknown device {account.device!r}")
        for serial in serials:
            count = sum(1 for a in self.accounts if a.device == serial)
            if count > 5:
                raise ValueError(f"device {serial} has {count} accounts; the app holds 5")
        return self

    def agent(self, name: str | None) -> AgentConfig:
        if not self.agents:
            raise ConfigError("farm.yaml declares no agents")
        if name is None:
            return self.agents[0]
        for agent in self.agents:
            if agent.name == name:
                return agent
        raise ConfigError(f"farm.yaml has no agent named {name!r}")

    def accounts_on(self, serial: str) -> list[AccountConfig]:
        return [a for a in self.accounts if a.device == serial]


def load(path: str | Path) -> FarmConfig:
    """Read and check farm.yaml; every problem becomes a one-line ConfigError."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None
    try:
        return FarmConfig.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "top level"
        raise ConfigError(f"{path}: {where}: {first['msg']}") from None
