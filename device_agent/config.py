"""farm.yaml moved to `farmcore.farmfile` (neutral ground for controller, agent and emulator);
these names stay importable from here for code written against the old place."""

from farmcore.farmfile import (
    AccountConfig,
    AgentConfig,
    ConfigError,
    ControllerConfig,
    DeviceConfig,
    FarmConfig,
    FaultConfig,
    load,
)

__all__ = [
    "AccountConfig",
    "AgentConfig",
    "ConfigError",
    "ControllerConfig",
    "DeviceConfig",
    "FarmConfig",
    "FaultConfig",
    "load",
]
