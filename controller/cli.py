"""The `farm` command: controller, agent, whole local farm, demo, keys, media, emulator."""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path

import click
import typer
from typer.exceptions import TyperException

from controller.logs import configure as configure_logs
from farmcore.vocab import PostKind, values

app = typer.Typer(
    help="igfarm: publish to Instagram through a farm of phones.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
keys_app = typer.Typer(help="API keys and encryption keys.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")

CONFIG_OPTION = typer.Option(Path("farm.yaml"), "--config", "-c", help="farm description")


class CliError(Exception):
    """A problem to report as one `error: …` line."""


def _load_farm(path: Path):  # type: ignore[no-untyped-def]
    from farmcore.farmfile import load

    return load(path)


def _wait_for_signal() -> None:
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    # a timed wait: a signal delivered to another thread only sets Python's flag, and an
    # untimed wait in the main thread would never return to run the handler
    while not stop.wait(0.5):
        pass


@app.command()
def controller(
    config: Path = CONFIG_OPTION,
    host: str | None = typer.Option(None, help="default: farm.yaml controller.host"),
    port: int | None = typer.Option(None, help="default: farm.yaml controller.port"),
) -> None:
    """Serve the API and run the dispatcher (database: FARM_DATABASE_URL, default ./var)."""
    import uvicorn

    from controller.app import StoppingServer, create_app
    from controller.runtime import settings_for

    farm = _load_farm(config)
    configure_logs()
    application = create_app(settings_for(farm))
    server = StoppingServer(
        uvicorn.Config(
            application,
            host=host or farm.controller.host,
            port=port or farm.controller.port,
            log_level="warning",
            log_config=None,  # uvicorn's own lines and tracebacks go through our JSON logging
            timeout_graceful_shutdown=10,
            timeout_keep_alive=int(application.state.settings.keep_alive_s),
        )
    )
    server.run()


@app.command()
def agent(
    config: Path = CONFIG_OPTION,
    name: str | None = typer.Option(None, help="agent name in farm.yaml (default: the first)"),
    controller_url: str | None = typer.Option(None, "--controller", help="override the URL"),
    state_dir: Path | None = typer.Option(
        None,
        "--state-dir",
        help="where the outbox of unanswered outcomes lives (default: FARM_DATA_DIR/agent/NAME)",
    ),
) -> None:
    """Run a device agent for the phones farm.yaml gives it (API key: FARM_AGENT_KEY)."""
    from device_agent.agent import DeviceAgent

    farm = _load_farm(config)
    api_key = os.environ.get("FARM_AGENT_KEY")
    if not api_key:
        raise CliError(
            "FARM_AGENT_KEY is not set "
            "(create one: farm keys create --role agent --agent AGENT_NAME)"
        )
    agent_cfg = farm.agent(name)
    configure_logs()
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    data_dir = Path(os.environ.get("FARM_DATA_DIR", "var"))
    DeviceAgent(
        farm,
        agent_cfg,
        api_key=api_key,
        work_dir=data_dir / "agent" / agent_cfg.name,
        controller_url=controller_url,
        state_dir=state_dir,
    ).run(stop)


@app.command()
def up(
    config: Path = CONFIG_OPTION,
    port: int | None = typer.Option(None, help="default: farm.yaml controller.port"),
) -> None:
    """Controller + agent + simulated phones from farm.yaml, on the embedded database."""
    from controller.runtime import LocalFarm

    farm = _load_farm(config)
    configure_logs()
    data_dir = Path(os.environ.get("FARM_DATA_DIR", "var"))
    local = LocalFarm(farm, data_dir, port=port if port is not None else farm.controller.port)
    try:
        local.start()
    except RuntimeError as exc:
        raise CliError(str(exc)) from None
    typer.echo(f"controller: {local.controller.url}  (docs: {local.controller.url}/docs)")
    typer.echo(f"scheduler key: {local.keys['scheduler']}")
    typer.echo(f"ops key:       {local.keys['ops']}")
    typer.echo(f"console:       {local.controller.url}/console#key={local.keys['ops']}")
    typer.echo(f"status page:   {local.controller.url}/status")
    typer.echo(f"{len(local.phones)} simulated phones: {', '.join(local.phones)}; Ctrl-C stops")
    try:
        _wait_for_signal()
    finally:
        local.stop()


@app.command()
def demo(
    config: Path = CONFIG_OPTION,
    jobs: int = typer.Option(8, min=1, max=200, help="how many jobs to submit"),
    kinds: str = typer.Option(
        ",".join(values(PostKind)), help="comma-separated post kinds to cycle through"
    ),
    timeout: float = typer.Option(180, help="seconds to wait for the jobs"),
) -> None:
    """Fresh farm on a temporary database: submit sample jobs, wait, print the outcome."""
    from controller.demo import run_demo

    farm = _load_farm(config)
    chosen = tuple(k.strip() for k in kinds.split(",") if k.strip())
    bad = [k for k in chosen if k not in values(PostKind)]
    if bad or not chosen:
        raise CliError(f"unknown post kind(s): {', '.join(bad) or '(none)'}")
    if not farm.accounts:
        raise CliError(f"{config}: declares no accounts")
    configure_logs("WARNING")
    ok = run_demo(farm, jobs=jobs, kinds=chosen, timeout_s=timeout, echo=typer.echo)
    raise typer.Exit(0 if ok else 1)


@app.command()
def migrate() -> None:
    """Upgrade the database (FARM_DATABASE_URL, default ./var/farm.db) to the latest schema."""
    from controller.config import Settings
    from controller.db import migrate as run_migrations

    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    run_migrations(settings.database_url)
    typer.echo("database is at the latest schema")


def _keys_engine():  # type: ignore[no-untyped-def]
    from controller.config import Settings
    from controller.db import make_engine
    from controller.db import migrate as run_migrations

    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    run_migrations(settings.database_url)
    return make_engine(settings.database_url)


@keys_app.command("create")
def keys_create(
    role: str = typer.Option(..., help="scheduler, ops or agent"),
    name: str = typer.Option("", help="who the key is for"),
    agent: str | None = typer.Option(
        None, "--agent", help="role agent: the one agent name the key may register as"
    ),
    expires_in: str | None = typer.Option(
        None, "--expires-in", help="the key stops working after this long: 30d, 12h, 90m, 2w"
    ),
) -> None:
    """Create an API key and print it (only this once)."""
    from controller.keys import KeyError_, create_api_key, parse_duration
    from controller.timeutil import utcnow

    try:
        expires_at = utcnow() + parse_duration(expires_in) if expires_in else None
        from controller.keys import check_key_request

        check_key_request(role, agent, expires_at)
    except KeyError_ as exc:
        raise CliError(f"{exc.code}: {exc}") from None
    engine = _keys_engine()
    typer.echo(
        create_api_key(engine, role, name or agent or role, agent=agent, expires_at=expires_at)
    )


@keys_app.command("list")
def keys_list() -> None:
    """Every API key: id, role, name, agent, status, expiry (never the key itself)."""
    from sqlmodel import Session

    from controller.keys import key_status, list_keys

    with Session(_keys_engine()) as session:
        rows = [
            [
                k.id,
                k.prefix,
                k.role,
                k.name,
                k.agent_name or "",
                key_status(k),
                k.created_at.isoformat(timespec="seconds"),
                k.expires_at.isoformat(timespec="seconds") if k.expires_at else "",
            ]
            for k in list_keys(session)
        ]
    from controller.ops_cli import _table

    _table(rows, ["id", "prefix", "role", "name", "agent", "status", "created", "expires"])


@keys_app.command("revoke")
def keys_revoke(
    key: str = typer.Argument(..., help="the key's id or its prefix (from farm keys list)"),
) -> None:
    """Revoke a key at once (an agent registered with it loses its token too)."""
    from sqlmodel import Session

    from controller.keys import KeyError_, find_key, revoke_key

    with Session(_keys_engine()) as session:
        try:
            row = find_key(session, key)
        except KeyError_ as exc:
            raise CliError(f"{exc.code}: {exc}") from None
        revoke_key(session, row)
        session.commit()
        typer.echo(f"revoked key {row.id} ({row.prefix}…, {row.role}, {row.name})")


@keys_app.command("rotate")
def keys_rotate(
    retire: bool = typer.Option(
        False, "--retire", help="drop old keys once every secret uses the new one"
    ),
) -> None:
    """Re-encrypt every stored secret under a new key (no downtime)."""
    from controller.config import Settings
    from controller.db import make_engine
    from controller.db import migrate as run_migrations
    from controller.keyrotation import retire_old_keys, rotate_keys

    settings = Settings()
    run_migrations(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        if retire:
            typer.echo(f"dropped {retire_old_keys(settings, engine)} old key(s)")
        else:
            result = rotate_keys(settings, engine)
            where = result.key_file or "FARM_SECRET_KEYS"
            typer.echo(f"re-encrypted {result.secrets} secret(s); {result.keys} key(s) in {where}")
    except ValueError as exc:
        raise CliError(str(exc)) from None


jobs_app = typer.Typer(help="Publish jobs.", no_args_is_help=True)
app.add_typer(jobs_app, name="jobs")


@jobs_app.command("template")
def jobs_template() -> None:
    """Print the CSV template for POST /v1/jobs:batch."""
    from controller.batch import CSV_TEMPLATE

    typer.echo(CSV_TEMPLATE, nl=False)


def _mount_ops() -> None:
    from controller import ops_cli
    from controller.device_cli import devices_app
    from controller.notify_cli import notify_app

    app.command("status")(ops_cli.status)
    app.command("stats")(ops_cli.stats)
    app.add_typer(devices_app, name="devices")
    app.add_typer(ops_cli.accounts_app, name="accounts")
    jobs_app.command("list")(ops_cli.jobs_list)
    jobs_app.command("show")(ops_cli.jobs_show)
    jobs_app.command("evidence")(ops_cli.jobs_evidence)
    app.add_typer(notify_app, name="notify")
    from controller import team_cli

    app.add_typer(team_cli.team_app, name="team")
    jobs_app.command("approve")(team_cli.approve)
    from controller.cyclic_cli import cyclic_app

    app.add_typer(cyclic_app, name="cyclic")
    from controller.audience_cli import audience

    app.command("audience")(audience)


_mount_ops()


def _mount_optional() -> None:
    try:
        from media.cli import app as media_app

        app.add_typer(media_app, name="media", help="Probe and prepare media files.")
    except ImportError:
        pass
    try:
        from emulator.cli import app as emulator_app

        app.add_typer(emulator_app, name="emulator", help="Simulated phones.")
    except ImportError:
        pass


_mount_optional()


def main() -> None:
    """Entry point: known problems become one `error:` line and a non-zero exit."""
    from controller.ops_cli import ApiProblem
    from farmcore.client import ControllerError
    from farmcore.farmfile import ConfigError

    try:
        # with standalone_mode=False click *returns* the code of a `typer.Exit` instead of
        # exiting: pass it on, or a failing command (media prepare, demo) would exit 0
        status = app(standalone_mode=False)
    except (typer.Exit, click.exceptions.Exit) as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, click.exceptions.Abort):
        sys.exit(130)
    except (TyperException, click.ClickException) as exc:
        # typer vendors its own click: usage errors are its ClickException (a TyperException)
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            print(f"error: {exc}", file=sys.stderr)
        sys.exit(getattr(exc, "exit_code", 2))
    except (CliError, ConfigError, ControllerError, ApiProblem) as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        print(
            f"error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}",
            file=sys.stderr,
        )
        sys.exit(1)
    sys.exit(status if isinstance(status, int) and not isinstance(status, bool) else 0)
