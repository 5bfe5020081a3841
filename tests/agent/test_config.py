"""farm.yaml: the repository's own file loads, and every mistake is one clear line."""

from __future__ import annotations

from pathlib import Path

import pytest

from farmcore.farmfile import ConfigError, load

ROOT = Path(__file__).resolve().parents[2]


def test_repository_farm_yaml_describes_the_demo_farm() -> None:
    farm = load(ROOT / "farm.yaml")
    agent = farm.agent(None)
    assert len(agent.devices) == 3 and {d.driver for d in agent.devices} == {"sim"}
    assert len(farm.accounts) == 3
    assert {a.device for a in farm.accounts} == {d.serial for d in agent.devices}


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("agents: [", "not valid YAML"),
        (
            "agents:\n  - name: a\n    devices:\n      - serial: x\n        driver: iphone\n",
            "agents.0.devices.0.driver",
        ),
        ("agents:\n  - name: a\n    devices: [{serial: x}, {serial: x}]\n", "declared twice"),
        (
            "agents:\n  - name: a\n    devices: [{serial: x}]\naccounts:\n"
            "  - {username: u, device: y, password: p}\n",
            "unknown device 'y'",
        ),
        ("colour: blue\n", "colour"),
    ],
)
def test_mistakes_are_reported_in_one_line(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "farm.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load(path)
    message = str(info.value)
    assert fragment in message and "\n" not in message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        load(tmp_path / "nope.yaml")


def test_password_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "farm.yaml"
    path.write_text(
        "agents:\n  - name: a\n    devices: [{serial: x}]\n"
        "accounts:\n  - {username: u, device: x, password_env: IGFARM_TEST_PW}\n"
    )
    account = load(path).accounts[0]
    monkeypatch.delenv("IGFARM_TEST_PW", raising=False)
    with pytest.raises(ConfigError, match="IGFARM_TEST_PW is empty"):
        account.resolve_password()
    monkeypatch.setenv("IGFARM_TEST_PW", "s3cret")
    assert account.resolve_password() == "s3cret"
    assert "s3cret" not in repr(account)
