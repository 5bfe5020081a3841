"""Simulated phones for devices declared with `driver: sim` in farm.yaml."""

from __future__ import annotations

from farmcore.farmfile import DeviceConfig, FarmConfig
from flows.driver import Driver


def open_sim_phone(device: DeviceConfig, farm: FarmConfig) -> Driver:
    """A phone hosted by `farm emulator serve` (sim_url), else one built in this process."""
    if device.sim_url:
        from emulator.client import RemotePhone

        return RemotePhone(device.sim_url, device.serial)
    from emulator.declared import build_sim_phone

    return build_sim_phone(device, farm)
