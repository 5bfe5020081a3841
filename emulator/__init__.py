"""Simulated Android phones running a simulated Instagram app (see docs/emulator.md).

`SimPhone` implements `flows.driver.Driver` in process; `emulator.server` hosts many of them
over HTTP and `emulator.client.RemotePhone` drives one from another process.
"""

from emulator.accounts import PublishedPost, SimAccount
from emulator.faults import FAULT_NAMES, FAULTS, FaultPlan
from emulator.phone import SimPhone

__all__ = ["FAULTS", "FAULT_NAMES", "FaultPlan", "PublishedPost", "SimAccount", "SimPhone"]
