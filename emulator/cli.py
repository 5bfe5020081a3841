"""`farm emulator serve`: simulated phones over HTTP for agents in other processes."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(no_args_is_help=True)


@app.command()
def serve(
    config: Path | None = typer.Option(
        None, "--config", "-c", help="serve the sim phones farm.yaml declares, with their accounts"
    ),
    phones: int = typer.Option(3, min=1, max=500, help="without --config: how many phones"),
    host: str = typer.Option("127.0.0.1"),
    port: int = typer.Option(8701, min=1, max=65535),
    locale: str = typer.Option("en", help="without --config: the phones' language"),
    speed: float = typer.Option(1.0, min=0.01, help="without --config: app speed (2 = faster)"),
    layout: str = typer.Option(
        "2025", help='without --config: "2025" (the 2025-26 app) or "legacy" (pre-2025)'
    ),
) -> None:
    """Host simulated phones; an agent reaches one with `sim_url: http://HOST:PORT` in farm.yaml."""
    import uvicorn

    from emulator.server import ServeConfig, build_phones, create_app

    if config is not None:
        from emulator.declared import build_sim_phone
        from farmcore.farmfile import load

        farm = load(config)
        served = {
            d.serial: build_sim_phone(d, farm)
            for agent in farm.agents
            for d in agent.devices
            if d.driver == "sim"
        }
    else:
        if layout not in ("2025", "legacy"):
            raise typer.BadParameter('layout must be "2025" or "legacy"', param_hint="--layout")
        served = build_phones(ServeConfig(phones=phones, locale=locale, speed=speed, layout=layout))
    typer.echo(f"{len(served)} simulated phones on http://{host}:{port}: {', '.join(served)}")
    uvicorn.run(create_app(served), host=host, port=port, log_level="warning")
