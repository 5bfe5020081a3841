"""Ops commands over the HTTP API: `farm status`, `farm devices`, `farm accounts …`,
`farm jobs list|show|evidence`. The controller is FARM_URL (default: farm.yaml's), the key
FARM_KEY (an ops or scheduler key)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from farmcore.client import ControllerError, FarmClient

if TYPE_CHECKING:
    import httpx


class ApiProblem(Exception):
    """The controller refused: printed as `error: <code>: <message>`."""


def _client() -> FarmClient:
    key = os.environ.get("FARM_KEY")
    if not key:
        raise ApiProblem("FARM_KEY is not set (an ops or scheduler key: farm keys create)")
    url = os.environ.get("FARM_URL")
    if not url:
        from farmcore.farmfile import ConfigError, load

        try:
            url = load("farm.yaml").controller.url
        except ConfigError:
            url = "http://127.0.0.1:8700"
    return FarmClient(url, key)


def _call(method: str, path: str, **kwargs: Any) -> httpx.Response:
    with _client() as farm:
        try:
            return farm.request(method, path, **kwargs)
        except ControllerError as exc:
            if exc.code == "unreachable":
                raise ApiProblem(f"controller at {exc.message}") from None
            if exc.code == "http_error":
                raise ApiProblem(f"HTTP {exc.status}") from None
            raise ApiProblem(f"{exc.code}: {exc.message}") from None


def _table(rows: list[list[Any]], headers: list[str]) -> None:
    cells = [headers, *[["" if c is None else str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for n, row in enumerate(cells):
        typer.echo("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            typer.echo("  ".join("-" * w for w in widths))


def status() -> None:
    """Success rate and lateness per kind, queue, phones online, accounts needing auth."""
    data = _call("GET", "/v1/status").json()
    typer.echo(
        f"phones online {data['devices_online']}/{data['devices_total']}, "
        f"accounts needing auth {data['accounts_needing_auth']}"
    )
    _table(
        [
            [
                k["kind"],
                k["published_last_hour"],
                k["failed_last_hour"],
                k["success_rate"],
                k["lateness_p50_s"],
                k["lateness_p95_s"],
                k["queue_depth"],
            ]
            for k in data["kinds"]
        ],
        ["kind", "published 1h", "failed 1h", "success", "p50 s", "p95 s", "due now"],
    )


devices_app = typer.Typer(
    help="Phones: `farm devices` lists them, `farm devices move` gives one to another agent.",
    invoke_without_command=True,
)


@devices_app.callback()
def devices(ctx: typer.Context) -> None:
    """Every phone: status, battery, temperature, app version, current job."""
    if ctx.invoked_subcommand is not None:
        return
    _table(
        [
            [
                d["serial"],
                d["label"],
                d["agent"],
                d["status"],
                d.get("mode", "active")
                + (f" ({d['mode_reason']})" if d.get("mode_reason") else ""),
                d["battery"],
                d["temperature_c"],
                d["app_version"],
                d["last_seen_at"],
                d["current_job_id"],
            ]
            for d in _call("GET", "/v1/devices").json()
        ],
        [
            "phone",
            "label",
            "agent",
            "status",
            "mode",
            "battery",
            "temp C",
            "app",
            "last seen",
            "job",
        ],
    )


@devices_app.command("move")
def devices_move(
    serial: str = typer.Argument(..., help="the phone's serial"),
    to: str = typer.Option(..., "--to", help="the agent that now has the phone"),
) -> None:
    """Give a phone to another agent (ops): its old agent's leases on it end now."""
    moved = _call("POST", f"/v1/devices/{serial}/move", json={"agent": to}).json()
    typer.echo(f"{moved['serial']} now belongs to agent {moved['agent']}")


accounts_app = typer.Typer(help="Instagram accounts.", no_args_is_help=True)


@accounts_app.command("list")
def accounts_list() -> None:
    """Every account with its state and why it needs attention."""
    rows = []
    for a in _call("GET", "/v1/accounts").json():
        preflight = a.get("preflight") or {}
        check = "" if not preflight else ("ok" if preflight["ok"] else preflight["code"])
        rows.append([a["username"], a["device"], a["state"], a["state_reason"], check])
    _table(rows, ["account", "phone", "state", "why", "preflight"])


@accounts_app.command("reauth")
def accounts_reauth(
    username: str,
    login: bool = typer.Option(False, help="log in on the phone with the stored password first"),
    password_stdin: bool = typer.Option(False, help="read a new password from standard input"),
) -> None:
    """Release an account held for authentication (optionally log it in on its phone)."""
    body: dict[str, Any] = {"login": login}
    if password_stdin:
        body["password"] = sys.stdin.readline().rstrip("\n")
    account = _call("POST", f"/v1/accounts/{username}/reauth", json=body).json()
    typer.echo(f"{account['username']}: {account['state']} {account['state_reason']}".rstrip())


def jobs_list(
    state: str | None = typer.Option(None),
    account: str | None = typer.Option(None),
    limit: int = typer.Option(50, min=1, max=500),
) -> None:
    """The calendar, oldest due first."""
    params = {k: v for k, v in {"state": state, "account": account, "limit": limit}.items() if v}
    page = _call("GET", "/v1/jobs", params=params).json()
    _table(
        [
            [
                j["id"],
                j["account"],
                j["device"],
                j["kind"],
                j["state"],
                j["scheduled_at"],
                (j["error"] or {}).get("code"),
            ]
            for j in page["jobs"]
        ],
        ["job", "account", "phone", "kind", "state", "due", "error"],
    )


def jobs_show(job_id: int) -> None:
    """A job's history, with the evidence files of its failures."""
    job = _call("GET", f"/v1/jobs/{job_id}").json()
    typer.echo(
        f"job {job['id']}: {job['kind']} for {job['account']} on {job['device']}, "
        f"{job['state']}, due {job['scheduled_at']}"
        + (f" (best time, from {job['best_time_source']})" if job.get("best_time_source") else "")
    )
    if job["error"]:
        typer.echo(f"error: {job['error']['code']}: {job['error']['message']}")
    for e in job["events"]:
        move = f"{e['from_state'] or '-'} -> {e['to_state']}" if e["to_state"] else e["type"]
        files = " ".join((e["data"].get("evidence") or {}).values())
        typer.echo(f"  {e['at']}  {move}  {e['actor']}  {e['reason']}  {files}".rstrip())


def jobs_evidence(
    job_id: int, out: Path = typer.Option(Path("."), "--out", "-o", help="folder to write into")
) -> None:
    """Download the screenshots and UI dumps of a job's failures."""
    job = _call("GET", f"/v1/jobs/{job_id}").json()
    names = [
        name.split("/")[-1]
        for e in job["events"]
        for name in (e["data"].get("evidence") or {}).values()
    ]
    if not names:
        raise ApiProblem(f"job {job_id} has no evidence")
    out.mkdir(parents=True, exist_ok=True)
    for name in names:
        target = out / f"job{job_id}-{name}"
        target.write_bytes(_call("GET", f"/v1/jobs/{job_id}/evidence/{name}").content)
        typer.echo(str(target))
