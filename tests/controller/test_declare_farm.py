"""farm.yaml's per-account pacing reaches the controller through `declare_farm` (over HTTP)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from controller.config import Settings
from controller.keys import create_api_key
from controller.runtime import ControllerThread, declare_farm
from farmcore.farmfile import FarmConfig

ACCOUNTS = [
    {"username": "paced.shop", "device": "sim-01", "password": "pw-1", "min_gap_minutes": 90},
    {"username": "capped.shop", "device": "sim-01", "password": "pw-2", "daily_cap": 4},
    {"username": "plain.shop", "device": "sim-01", "password": "pw-3"},
]


def _farm(accounts: list[dict]) -> FarmConfig:
    return FarmConfig.model_validate(
        {
            "pacing": {"min_gap_minutes": 10, "daily_cap": 20},
            "agents": [{"name": "rack-1", "devices": [{"serial": "sim-01"}]}],
            "accounts": accounts,
        }
    )


@pytest.fixture
def served(settings: Settings) -> Iterator[tuple[str, str]]:
    """The controller on an ephemeral port, and an ops key for it."""
    settings.min_gap_s, settings.daily_cap = 600, 20  # farm.yaml's defaults, as `farm up` sets
    controller = ControllerThread(settings)
    controller.start()
    try:
        yield controller.url, create_api_key(controller.app.state.engine, "ops", "ops")
    finally:
        controller.stop()


def _pacing(url: str, key: str) -> dict[str, dict]:
    r = httpx.get(f"{url}/v1/accounts", headers={"Authorization": f"Bearer {key}"})
    r.raise_for_status()
    return {a["username"]: a["pacing"] for a in r.json()}


def test_account_pacing_from_farm_yaml(served: tuple[str, str]) -> None:
    url, key = served
    declare_farm(url, key, _farm(ACCOUNTS))
    assert _pacing(url, key) == {
        "paced.shop": {"min_gap_minutes": 90, "daily_cap": 20, "own": True},
        "capped.shop": {"min_gap_minutes": 10, "daily_cap": 4, "own": True},
        "plain.shop": {"min_gap_minutes": 10, "daily_cap": 20, "own": False},
    }
    # a second run (farm up again) applies changed pacing to the existing accounts; an
    # explicit null returns to the default, an absent field leaves the account as it is
    changed = [
        {**ACCOUNTS[0], "min_gap_minutes": None},
        {**ACCOUNTS[1], "daily_cap": 0, "min_gap_minutes": 0},
        ACCOUNTS[2],
    ]
    declare_farm(url, key, _farm(changed))
    assert _pacing(url, key) == {
        "paced.shop": {"min_gap_minutes": 10, "daily_cap": 20, "own": False},
        "capped.shop": {"min_gap_minutes": 0, "daily_cap": 0, "own": True},
        "plain.shop": {"min_gap_minutes": 10, "daily_cap": 20, "own": False},
    }


def test_farm_yaml_refuses_negative_pacing() -> None:
    with pytest.raises(ValueError, match="daily_cap"):
        _farm([{**ACCOUNTS[2], "daily_cap": -1}])
    with pytest.raises(ValueError, match="min_gap_minutes"):
        _farm([{**ACCOUNTS[2], "min_gap_minutes": -5}])
