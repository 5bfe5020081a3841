"""Simulated phones as farm.yaml declares them (`driver: sim`): accounts and fault plan.

Used by the agent (in-process phones), by `farm up` and by `farm emulator serve`; it reads
farm.yaml through the neutral `farmcore.farmfile`, never through the agent's package.
"""

from __future__ import annotations

from emulator.accounts import SimAccount
from emulator.faults import FaultPlan
from emulator.phone import SimPhone
from farmcore.farmfile import DeviceConfig, FarmConfig


def fault_plan(device: DeviceConfig) -> FaultPlan:
    """The fault plan farm.yaml asks for: a script of fault names, or random by seed."""
    if device.faults.script:
        return FaultPlan.script(device.faults.script)
    if device.faults.rate > 0:
        return FaultPlan.random(seed=device.faults.seed or 0, probability=device.faults.rate)
    return FaultPlan.none()


def build_sim_phone(device: DeviceConfig, farm: FarmConfig) -> SimPhone:
    """A new in-process simulated phone with the device's accounts logged in."""
    accounts = [
        SimAccount(
            username=a.username,
            password=a.resolve_password(),
            posts=a.existing_posts,
            professional=a.professional,
        )
        for a in farm.accounts_on(device.serial)
    ]
    return SimPhone(
        device.serial, locale=device.locale, accounts=accounts, faults=fault_plan(device)
    )
