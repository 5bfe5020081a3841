"""`farm cyclic …` against a running farm: create, list, plan, edit, pause/resume, delete,
and one-line errors with a non-zero exit."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from controller.runtime import LocalFarm
from farmcore.farmfile import FarmConfig
from tests.conftest import jpeg_bytes

FARM = [str(Path(sys.executable).parent / "farm")]
pytestmark = pytest.mark.slow
ZONE = "America/Mexico_City"


@pytest.fixture(scope="module")
def farm(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    config = FarmConfig.model_validate(
        {
            "agents": [{"name": "cyc", "devices": [{"serial": "cyc-1", "driver": "sim"}]}],
            "accounts": [
                {"username": "cyc.shop", "device": "cyc-1", "password": "pw", "timezone": ZONE}
            ],
        }
    )
    local = LocalFarm(config, tmp_path_factory.mktemp("cyclic") / "var")
    local.start()
    headers = {"Authorization": f"Bearer {local.keys['scheduler']}"}
    with httpx.Client(base_url=local.controller.url, headers=headers, timeout=30) as http:
        media = [
            http.post("/v1/media", files={"file": ("a.jpg", jpeg_bytes(seed=n))}).json()["id"]
            for n in range(4)
        ]
    yield local, media
    local.stop()


def _cli(farm: LocalFarm, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "FARM_URL": farm.controller.url, "FARM_KEY": farm.keys["scheduler"]}
    return subprocess.run([*FARM, *args], env=env, capture_output=True, text=True, timeout=120)


def _error(result: subprocess.CompletedProcess, code: str) -> None:
    assert result.returncode == 1, result
    line = result.stderr.strip()
    assert line.startswith(f"error: {code}") and "\n" not in line, line


def test_cyclic_lists_from_the_terminal(farm) -> None:  # type: ignore[no-untyped-def]
    local, media = farm
    today = datetime.now(UTC).astimezone(ZoneInfo(ZONE)).date()
    tomorrow = today + timedelta(days=1)
    created = _cli(
        local, "cyclic", "create", "--account", "cyc.shop", "--name", "evergreen",
        "--window", "00:00-23:59", "--per-day", "2", "--from", today.isoformat(),
        "--to", (today + timedelta(days=9)).isoformat(), "--seed", "3",
        "--post", f"feed:{media[0]}:Our classics", "--post", f"feed:{media[1]}:Fresh",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    assert "list 1 'evergreen' on cyc.shop: active; 2 a day" in created.stdout
    assert ZONE in created.stdout
    listed = _cli(local, "cyclic", "list")
    assert listed.returncode == 0 and "evergreen" in listed.stdout and "active" in listed.stdout
    plan = _cli(local, "cyclic", "plan", "1")
    assert plan.returncode == 0, plan.stderr
    assert plan.stdout.startswith(f"list 1, {tomorrow.isoformat()} ({ZONE}), active")
    rows = [line for line in plan.stdout.splitlines() if line.split(" ")[0].isdigit()]
    assert len(rows) == 2 and all(tomorrow.isoformat() in r for r in rows)
    # a story takes no caption: refused like a job would be
    _error(
        _cli(local, "cyclic", "add-post", "1", "--kind", "story", "--media", media[2],
             "--caption", "no"),
        "caption_not_allowed",
    )  # fmt: skip
    added = _cli(local, "cyclic", "add-post", "1", "--kind", "story", "--media", media[2])
    assert added.returncode == 0 and "3 posts" in added.stdout, added.stderr
    # more a day than posts: the list pauses and says why; resume is refused meanwhile
    more = _cli(local, "cyclic", "set", "1", "--per-day", "4")
    assert more.returncode == 0 and "paused (too_few_posts)" in more.stdout
    assert "3 post(s) for 4 a day" in more.stdout
    _error(_cli(local, "cyclic", "resume", "1"), "cyclic_too_few_posts")
    back = _cli(local, "cyclic", "add-post", "1", "--kind", "feed", "--media", media[3])
    assert back.returncode == 0 and ": active;" in back.stdout  # enough posts: it resumes
    paused = _cli(local, "cyclic", "pause", "1")
    assert "paused (paused_by_user)" in paused.stdout
    _error(_cli(local, "cyclic", "pause", "1"), "cyclic_list_paused")
    resumed = _cli(local, "cyclic", "resume", "1")
    assert resumed.returncode == 0 and ": active;" in resumed.stdout
    _error(_cli(local, "cyclic", "set", "1", "--window", "21:00-09:00"), "invalid_window")
    _error(_cli(local, "cyclic", "set", "1", "--window", "nine"), "--window 'nine'")
    _error(_cli(local, "cyclic", "show", "42"), "cyclic_list_not_found")
    deleted = _cli(local, "cyclic", "delete", "1")
    assert deleted.returncode == 0 and deleted.stdout.strip() == "list 1 deleted"
    assert "evergreen" not in _cli(local, "cyclic", "list").stdout
