"""Pytest options for running the flow suite against a real phone or emulator (QA).

    pytest tests/flows/test_real_device.py --device emulator-5554 --account qa.shop

`--device SERIAL`: the adb serial of an attached phone or AVD with Instagram installed and
`--account` logged in. Without `--device` the real-device tests are skipped. The options are
declared in the root `tests/conftest.py`; the fixtures are re-exported by
`tests/flows/conftest.py`.
"""

from __future__ import annotations

import pytest

from flows.driver import Driver


@pytest.fixture(scope="session")
def device_serial(request: pytest.FixtureRequest) -> str:
    serial = request.config.getoption("--device", default=None)
    if not serial:
        pytest.skip("real-device flow tests need --device SERIAL (see docs/emulator.md)")
    return str(serial)


@pytest.fixture(scope="session")
def device_account(request: pytest.FixtureRequest, device_serial: str) -> str:
    account = request.config.getoption("--account", default=None)
    if not account:
        pytest.skip(f"pass --account USERNAME: the account logged in on {device_serial}")
    return str(account)


@pytest.fixture(scope="session")
def real_driver(device_serial: str) -> Driver:
    """uiautomator2 over adb, as the agent drives phones. A serial adb does not list fails
    the tests (QA asked for that phone), it never skips them."""
    from device_agent.drivers.u2 import U2Driver

    driver = U2Driver(device_serial)
    try:
        driver.shell("getprop ro.build.version.release")
    except Exception as exc:
        pytest.fail(f"cannot reach {device_serial} over adb: {type(exc).__name__}: {exc}")
    return driver
