"""`farm team …`, `farm jobs approve` and `farm accounts transfer` against a running controller
(SQLite and PostgreSQL): what they print, one-line errors, exit statuses."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from controller.config import Settings
from controller.keys import create_api_key
from controller.runtime import ControllerThread
from tests.conftest import jpeg_bytes

FARM = [str(Path(sys.executable).parent / "farm")]
pytestmark = pytest.mark.slow  # starts a controller and runs the installed `farm`


@pytest.fixture
def served(settings: Settings) -> Iterator[dict[str, Any]]:
    controller = ControllerThread(settings)
    controller.start()
    engine = controller.app.state.engine
    keys = {
        "ops": create_api_key(engine, "ops", "ops"),
        "leader": create_api_key(engine, "scheduler", "acme"),
        "other": create_api_key(engine, "scheduler", "globex"),
    }
    try:
        yield {"url": controller.url, "keys": keys}
    finally:
        controller.stop()


def farm(served: dict[str, Any], role: str, *args: str, stdin: str = "") -> tuple[int, str, str]:
    env = {**os.environ, "FARM_URL": served["url"], "FARM_KEY": served["keys"][role]}
    done = subprocess.run(
        [*FARM, *args], env=env, capture_output=True, text=True, input=stdin, timeout=60
    )
    return done.returncode, done.stdout, done.stderr


def _http(served: dict[str, Any], role: str) -> httpx.Client:
    headers = {"Authorization": f"Bearer {served['keys'][role]}"}
    return httpx.Client(base_url=served["url"], headers=headers, timeout=30)


def test_team_commands_end_to_end(served: dict[str, Any]) -> None:
    with _http(served, "ops") as ops:
        ops.put("/v1/devices/sim-01", json={"serial": "sim-01", "driver": "sim"})
    with _http(served, "leader") as leader:
        r = leader.post("/v1/accounts", json={"username": "acme.shop", "password": "hunter2-x"})
        assert r.status_code == 201, r.text

    code, out, err = farm(served, "leader", "team", "show")
    assert code == 1 and err.strip() == (
        "error: this key is in no team: create one with `farm team create NAME`"
    )
    code, out, _ = farm(served, "leader", "team", "create", "acme")
    assert code == 0 and out.startswith("team ") and "led by acme" in out
    code, _, err = farm(served, "leader", "team", "create", "again")
    assert code == 1 and err.startswith("error: already_in_team:") and len(err.splitlines()) == 1

    code, out, _ = farm(served, "leader", "team", "add-member", "ana")
    assert code == 0 and "sub-user ana" in out and "posts await approval" in out
    served["keys"]["ana"] = out.splitlines()[-1]
    assert served["keys"]["ana"].startswith("fk_scheduler_")
    code, _, err = farm(served, "ana", "team", "add-member", "eve")
    assert code == 1 and err.startswith("error: team_leader_only:")

    with _http(served, "ana") as ana:
        media = ana.post("/v1/media", files={"file": ("a.jpg", jpeg_bytes(seed=4))}).json()["id"]
        body = {"account": "acme.shop", "kind": "feed", "media": [media]}
        first = ana.post("/v1/jobs", json={**body, "scheduled_at": "2030-06-01T09:00:00Z"}).json()
        second = ana.post("/v1/jobs", json={**body, "scheduled_at": "2030-06-02T09:00:00Z"}).json()
    assert first["state"] == second["state"] == "pending_approval"

    code, out, _ = farm(served, "leader", "team", "show")
    assert code == 0 and "ana" in out and f"{first['id']}    ana  acme.shop" in out
    code, _, err = farm(served, "ana", "jobs", "approve", str(first["id"]))
    assert code == 1 and err.startswith("error: sub_user_forbidden:")
    code, out, _ = farm(served, "leader", "jobs", "approve", str(first["id"]))
    assert code == 0 and out.startswith(f"job {first['id']}: scheduled")

    code, out, _ = farm(served, "leader", "team", "grant", "ana", "--direct-publish")
    assert (code, out.strip()) == (0, "ana: publishes directly")
    code, _, err = farm(served, "leader", "team", "grant", "nobody", "--direct-publish")
    assert code == 1 and err.startswith("error: member_not_found:")

    code, _, err = farm(served, "ops", "team", "remove-member", "ana")
    assert code == 1 and err.startswith("error: team_leader_only:")
    code, _, err = farm(served, "leader", "team", "remove-member", "acme")
    assert code == 1 and err.startswith("error: leader_not_member:")
    code, out, _ = farm(served, "leader", "team", "remove-member", "ana")
    assert code == 0 and out.strip() == "deleted sub-user ana: key revoked, 2 post(s) cancelled"
    code, _, err = farm(served, "ana", "accounts", "list")
    assert code == 1 and err.startswith("error: unauthorized:")
    assert "Traceback" not in err


def test_taken_account_and_its_transfer(served: dict[str, Any]) -> None:
    with _http(served, "ops") as ops:
        ops.put("/v1/devices/sim-01", json={"serial": "sim-01", "driver": "sim"})
    with _http(served, "leader") as leader:
        leader.post("/v1/accounts", json={"username": "acme.shop", "password": "hunter2-x"})
    with _http(served, "other") as other:
        r = other.post("/v1/accounts", json={"username": "acme.shop", "password": "hunter2-y"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "username_taken"
    code, _, err = farm(served, "leader", "accounts", "transfer", "acme.shop", "--to", "globex")
    assert code == 1 and err.startswith("error: forbidden:")
    code, _, err = farm(served, "ops", "accounts", "transfer", "acme.shop")
    assert (code, err.strip()) == (1, "error: give --to KEY_NAME or --shared")
    code, out, _ = farm(served, "ops", "accounts", "transfer", "acme.shop", "--to", "globex")
    assert (code, out.strip()) == (0, "acme.shop: owned by globex")
    code, out, _ = farm(served, "other", "accounts", "list")
    assert code == 0 and "acme.shop" in out
    code, out, _ = farm(served, "leader", "accounts", "list")
    assert code == 0 and "acme.shop" not in out
