"""Simulated phones for devices declared with `driver: sim` in farm.yaml."""

from __future__ import annotations

from farmcore.farmfile import DeviceConfig, FarmConfig
from flows.driver import Driver


def fault_plan(device: DeviceConfig):  # type: ignore[no-untyped-def]
    """The fault plan farm.yaml asks for: a script of fault names, or random by seed."""
    from emulator.faults import FaultPlan

    if device.faults.script:
        return FaultPlan.script(device.faults.script)
    if device.faults.rate > 0:
        return FaultPlan.random(seed=device.faults.seed or 0, probability=device.faults.rate)
    return FaultPlan.none()


def build_sim_phone(device: DeviceConfig, farm: FarmConfig):  # type: ignore[no-untyped-def]
    """A new in-process simulated phone with the device's accounts logged in."""
    from emulator.accounts import SimAccount
    from emulator.phone import SimPhone

    accounts = [
        SimAccount(username=a.username, password=a.resolve_password(), posts=a.existing_posts)
        for a in farm.accounts_on(device.serial)
    ]
    return SimPhone(
        device.serial, locale=device.locale, accounts=accounts, faults=fault_plan(device)
    )


def open_sim_phone(device: DeviceConfig, farm: FarmConfig) -> Driver:
    """A phone hosted by `farm emulator serve` (sim_url), else one built in this process."""
    if device.sim_url:
        from emulator.client import RemotePhone

        return RemotePhone(device.sim_url, device.serial)
    return build_sim_phone(device, farm)
