"""The `farm` command as a user runs it: bad input is one `error:` line and a non-zero exit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# the installed console script, as a user runs it (the entry point's exit status is under test)
FARM_SCRIPT = Path(sys.executable).parent / "farm"
FARM = [str(FARM_SCRIPT)]


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


def test_installed_script_exists() -> None:
    assert FARM_SCRIPT.exists(), "pip install -e . puts the farm script beside python"


def test_media_prepare_bad_file_exits_non_zero(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"")
    result = _run("media", "prepare", str(bad), "--kind", "feed", "-o", "x.jpg", cwd=tmp_path)
    assert result.returncode == 2
    assert _assert_one_error_line(result).startswith("error: empty_file: ")
    result = _run("media", "probe", str(tmp_path / "absent.jpg"), cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.startswith("error: ")


def test_media_prepare_good_file_exits_zero(tmp_path: Path) -> None:
    from tests.conftest import jpeg_bytes

    good = tmp_path / "good.jpg"
    good.write_bytes(jpeg_bytes(800, 800, 1))
    result = _run("media", "prepare", str(good), "--kind", "feed", "-o", "x.jpg", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "x.jpg").exists()


def test_failing_demo_exits_non_zero(tmp_path: Path) -> None:
    """A demo that cannot publish everything in time fails `make demo`."""
    root = Path(__file__).resolve().parents[1]
    result = _run(
        "demo",
        "--config",
        str(root / "farm.yaml"),
        "--jobs",
        "1",
        "--kinds",
        "feed",
        "--timeout",
        "0.01",
        cwd=tmp_path,
        env={"FARM_DATA_DIR": str(tmp_path / "var")},
    )
    assert result.returncode == 1, (result.stdout, result.stderr)


def test_ops_commands_without_key_or_controller(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "FARM_KEY"}
    no_key = subprocess.run(
        [*FARM, "status"], cwd=tmp_path, capture_output=True, text=True, timeout=60, env=env
    )
    assert "FARM_KEY" in _assert_one_error_line(no_key)
    unreachable = _run(
        "jobs",
        "list",
        cwd=tmp_path,
        env={"FARM_KEY": "fk_ops_x", "FARM_URL": "http://127.0.0.1:9"},
    )
    assert "unreachable" in _assert_one_error_line(unreachable)


def test_usage_error_exits_two(tmp_path: Path) -> None:
    result = _run("keys", "create", cwd=tmp_path)  # --role missing
    assert result.returncode == 2
    assert _run("--help", cwd=tmp_path).returncode == 0


def test_migrate_unreachable_database(tmp_path: Path) -> None:
    result = _run(
        "migrate",
        cwd=tmp_path,
        env={"FARM_DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:9/none"},
    )
    assert result.returncode == 1
    assert _assert_one_error_line(result).startswith("error: ")


def test_keys_bound_listed_revoked(tmp_path: Path) -> None:
    env = {"FARM_DATA_DIR": str(tmp_path / "var")}
    unbound = _run("keys", "create", "--role", "agent", cwd=tmp_path, env=env)
    assert "agent_name_required" in _assert_one_error_line(unbound)
    bad = _run("keys", "create", "--role", "ops", "--expires-in", "soon", cwd=tmp_path, env=env)
    assert "invalid_value" in _assert_one_error_line(bad)
    ok = _run("keys", "create", "--role", "agent", "--agent", "rack-1", cwd=tmp_path, env=env)
    assert ok.returncode == 0 and ok.stdout.startswith("fk_agent_"), ok.stderr
    temp = _run("keys", "create", "--role", "ops", "--expires-in", "2h", cwd=tmp_path, env=env)
    assert temp.returncode == 0, temp.stderr
    listed = _run("keys", "list", cwd=tmp_path, env=env)
    assert listed.returncode == 0
    assert "rack-1" in listed.stdout and ok.stdout.strip() not in listed.stdout
    revoked = _run("keys", "revoke", ok.stdout.strip()[:12], cwd=tmp_path, env=env)
    assert revoked.returncode == 0 and "revoked key 1" in revoked.stdout, revoked.stderr
    listed = _run("keys", "list", cwd=tmp_path, env=env).stdout.splitlines()
    assert "revoked" in next(line for line in listed if "rack-1" in line)
    missing = _run("keys", "revoke", "999", cwd=tmp_path, env=env)
    assert "key_not_found" in _assert_one_error_line(missing)
