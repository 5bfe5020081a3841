"""The `farm` command as a user runs it: bad input is one `error:` line and a non-zero exit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

FARM = [sys.executable, "-c", "from controller.cli import main; main()"]


def _run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*FARM, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def _assert_one_error_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def test_missing_config(tmp_path: Path) -> None:
    line = _assert_one_error_line(_run("demo", "--config", "absent.yaml", cwd=tmp_path))
    assert "absent.yaml: no such file" in line


def test_invalid_config(tmp_path: Path) -> None:
    (tmp_path / "farm.yaml").write_text("agents: 7\n")
    line = _assert_one_error_line(_run("up", cwd=tmp_path))
    assert "agents" in line


def test_unknown_kind(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[1]
    line = _assert_one_error_line(
        _run("demo", "--config", str(root / "farm.yaml"), "--kinds", "tweet", cwd=tmp_path)
    )
    assert "tweet" in line


def test_keys_create_and_bad_role(tmp_path: Path) -> None:
    env = {"FARM_DATA_DIR": str(tmp_path / "var")}
    ok = _run("keys", "create", "--role", "scheduler", cwd=tmp_path, env=env)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip().startswith("fk_scheduler_")
    line = _assert_one_error_line(_run("keys", "create", "--role", "root", cwd=tmp_path, env=env))
    assert "unknown role 'root'" in line


def test_agent_without_key(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[1]
    env = {k: v for k, v in os.environ.items() if k != "FARM_AGENT_KEY"}
    result = subprocess.run(
        [*FARM, "agent", "--config", str(root / "farm.yaml")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert "FARM_AGENT_KEY" in _assert_one_error_line(result)


def test_farm_up_on_a_busy_port(tmp_path: Path) -> None:
    import socket

    root = Path(__file__).resolve().parents[1]
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = _run(
            "up",
            "--config",
            str(root / "farm.yaml"),
            "--port",
            str(port),
            cwd=tmp_path,
            env={"FARM_DATA_DIR": str(tmp_path / "var")},
        )
    assert f"port {port} on 127.0.0.1 is already in use" in _assert_one_error_line(result)
