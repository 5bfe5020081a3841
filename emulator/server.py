"""Simulated phones over HTTP: one server hosts many `SimPhone`s, each driven by serial.

    app = create_app({"sim-1": SimPhone("sim-1"), "sim-2": SimPhone("sim-2")})
    serve(ServeConfig(phones=3, port=8700))     # what `farm emulator serve` runs

Routes (all under /phones/{serial} except the first two):

    GET  /phones                     serials and a summary of each phone
    GET  /faults                     fault kinds: name, default trigger, effect
    GET  /phones/{serial}            summary (screen, foreground package, accounts, …)
    POST /phones/{serial}/dump       uiautomator XML (application/xml)
    POST /phones/{serial}/tap        {"x", "y"}
    POST /phones/{serial}/type       {"text"}
    POST /phones/{serial}/key        {"key": "back" | "home" | "enter"}
    POST /phones/{serial}/swipe      {"x1", "y1", "x2", "y2", "duration"}
    GET  /phones/{serial}/screenshot PNG (POST works too)
    POST /phones/{serial}/app_start  {"package"}
    POST /phones/{serial}/app_stop   {"package"}
    POST /phones/{serial}/push       ?remote=/sdcard/… with the raw bytes as body, or a
                                     multipart form with `file` and `remote`
    POST /phones/{serial}/shell      {"command"} -> {"output"}
    GET  /phones/{serial}/published[/{username}]   posts the phone published
    POST /phones/{serial}/faults     {"script": [["popup_notifications", "home"], …]} or
                                     {"random": {"seed": 1, "probability": 0.1, "kinds": […]}}
                                     or {} to clear; returns the plan
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import Body, FastAPI, HTTPException, Request
from fastapi.responses import Response
from pydantic import BaseModel

from emulator.accounts import SimAccount
from emulator.faults import FAULTS, FaultPlan
from emulator.phone import SimPhone


class TapBody(BaseModel):
    x: int
    y: int


class TypeBody(BaseModel):
    text: str


class KeyBody(BaseModel):
    key: str


class SwipeBody(BaseModel):
    x1: int
    y1: int
    x2: int
    y2: int
    duration: float = 0.2


class PackageBody(BaseModel):
    package: str


class ShellBody(BaseModel):
    command: str


def plan_from_json(data: dict[str, Any]) -> FaultPlan:
    """A FaultPlan from its JSON form (see the module docstring)."""
    if data.get("script"):
        entries = [e if isinstance(e, str) else tuple(e) for e in data["script"]]
        return FaultPlan.script(entries)
    if data.get("random"):
        spec = data["random"]
        return FaultPlan.random(
            seed=int(spec.get("seed", 0)),
            probability=float(spec.get("probability", 0.1)),
            kinds=spec.get("kinds"),
        )
    return FaultPlan()


def create_app(phones: dict[str, SimPhone]) -> FastAPI:
    app = FastAPI(title="igfarm simulated phones", version="1")

    def get(serial: str) -> SimPhone:
        phone = phones.get(serial)
        if phone is None:
            raise HTTPException(404, f"no phone {serial!r}")
        return phone

    @app.get("/phones")
    def list_phones() -> list[dict[str, Any]]:
        return [phone.state() for phone in phones.values()]

    @app.get("/faults")
    def list_faults() -> list[dict[str, Any]]:
        return [
            {"name": k.name, "default_trigger": k.default_trigger, "effect": k.effect}
            for k in FAULTS.values()
        ]

    @app.get("/phones/{serial}")
    def phone_state(serial: str) -> dict[str, Any]:
        return get(serial).state()

    @app.post("/phones/{serial}/dump")
    def dump(serial: str) -> Response:
        return Response(get(serial).dump_hierarchy(), media_type="application/xml")

    @app.post("/phones/{serial}/tap")
    def tap(serial: str, body: TapBody) -> dict[str, bool]:
        get(serial).tap(body.x, body.y)
        return {"ok": True}

    @app.post("/phones/{serial}/type")
    def type_text(serial: str, body: TypeBody) -> dict[str, bool]:
        get(serial).type_text(body.text)
        return {"ok": True}

    @app.post("/phones/{serial}/key")
    def key(serial: str, body: KeyBody) -> dict[str, bool]:
        try:
            get(serial).press_key(body.key)
        except ValueError as exc:
            raise HTTPException(400, str(exc)) from exc
        return {"ok": True}

    @app.post("/phones/{serial}/swipe")
    def swipe(serial: str, body: SwipeBody) -> dict[str, bool]:
        get(serial).swipe(body.x1, body.y1, body.x2, body.y2, body.duration)
        return {"ok": True}

    @app.api_route("/phones/{serial}/screenshot", methods=["GET", "POST"])
    def screenshot(serial: str) -> Response:
        return Response(get(serial).screenshot(), media_type="image/png")

    @app.post("/phones/{serial}/app_start")
    def app_start(serial: str, body: PackageBody) -> dict[str, bool]:
        get(serial).app_start(body.package)
        return {"ok": True}

    @app.post("/phones/{serial}/app_stop")
    def app_stop(serial: str, body: PackageBody) -> dict[str, bool]:
        get(serial).app_stop(body.package)
        return {"ok": True}

    @app.post("/phones/{serial}/push")
    async def push(serial: str, request: Request, remote: str | None = None) -> dict[str, Any]:
        phone = get(serial)
        if request.headers.get("content-type", "").startswith("multipart/form-data"):
            form = await request.form()
            upload = form.get("file")
            remote = remote or str(form.get("remote") or "")
            if upload is None or isinstance(upload, str):
                raise HTTPException(422, "multipart push needs a `file` part")
            data = await upload.read()
        else:
            data = await request.body()
        if not remote:
            raise HTTPException(422, "push needs the `remote` path")
        phone.push_bytes(data, remote)
        return {"ok": True, "remote": remote, "size": len(data)}

    @app.post("/phones/{serial}/shell")
    def shell(serial: str, body: ShellBody) -> dict[str, str]:
        return {"output": get(serial).shell(body.command)}

    @app.get("/phones/{serial}/published")
    def published_all(serial: str) -> list[dict[str, Any]]:
        return [p.to_dict() for p in get(serial).published()]

    @app.get("/phones/{serial}/published/{username}")
    def published(serial: str, username: str) -> list[dict[str, Any]]:
        return [p.to_dict() for p in get(serial).published(username)]

    @app.post("/phones/{serial}/faults")
    def set_faults(serial: str, body: dict[str, Any] = Body(default={})) -> dict[str, Any]:
        phone = get(serial)
        try:
            plan = plan_from_json(body)
        except (ValueError, TypeError, KeyError) as exc:
            raise HTTPException(422, str(exc)) from exc
        phone.set_faults(plan)
        return plan.to_dict()

    return app


@dataclass
class ServeConfig:
    """What `farm emulator serve` needs. `accounts` maps a serial to the usernames logged in
    on it (default: one account per phone, named after the serial)."""

    phones: int = 3
    host: str = "127.0.0.1"
    port: int = 8700
    serial_prefix: str = "sim-"
    locale: str = "en"
    speed: float = 1.0
    latency: float = 0.0
    seed: int | None = None
    fault_probability: float = 0.0
    accounts: dict[str, list[str]] = field(default_factory=dict)
    log_level: str = "info"
    layout: str = "2025"  # "legacy": the pre-2025 app (Create tab, id-based login)


def build_phones(config: ServeConfig) -> dict[str, SimPhone]:
    phones: dict[str, SimPhone] = {}
    for i in range(1, config.phones + 1):
        serial = f"{config.serial_prefix}{i}"
        names = config.accounts.get(serial)
        accounts = [SimAccount(n) for n in names] if names else None
        seed = None if config.seed is None else config.seed + i
        faults = (
            FaultPlan.random(seed or i, config.fault_probability)
            if config.fault_probability > 0
            else None
        )
        phones[serial] = SimPhone(
            serial,
            locale=config.locale,
            accounts=accounts,
            seed=seed,
            faults=faults,
            speed=config.speed,
            latency=config.latency,
            layout=config.layout,
        )
    return phones


def serve(config: ServeConfig | None = None) -> None:
    """Run the HTTP server with `config.phones` simulated phones until interrupted."""
    import uvicorn

    config = config or ServeConfig()
    app = create_app(build_phones(config))
    uvicorn.run(app, host=config.host, port=config.port, log_level=config.log_level)


def main(argv: list[str] | None = None) -> None:
    """`python -m emulator.server --phones 3 --port 8700`."""
    import argparse

    parser = argparse.ArgumentParser(description="Serve simulated phones over HTTP.")
    parser.add_argument("--phones", type=int, default=3)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8700)
    parser.add_argument("--locale", default="en")
    parser.add_argument("--speed", type=float, default=1.0)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--fault-probability", type=float, default=0.0)
    parser.add_argument("--layout", choices=("2025", "legacy"), default="2025")
    args = parser.parse_args(argv)
    serve(
        ServeConfig(
            phones=args.phones,
            host=args.host,
            port=args.port,
            locale=args.locale,
            speed=args.speed,
            latency=args.latency,
            seed=args.seed,
            fault_probability=args.fault_probability,
            layout=args.layout,
        )
    )


if __name__ == "__main__":
    main()
