"""`farm media probe|prepare`: JSON on stdout; on failure one line `error: <code>: <message>` on
stderr and exit code 2. Never a traceback: everything is caught here."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from media.errors import MediaError

app = typer.Typer(
    help="Probe and prepare media for Instagram targets.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_BAD_INPUT = 2


def _guard(action: Callable[[], dict[str, Any]]) -> None:
    try:
        result = action()
    except MediaError as exc:
        _fail(exc.code, exc.message)
    except KeyboardInterrupt:
        _fail("internal_error", "interrupted")
    except Exception as exc:  # the CLI boundary: an unexpected error is still one line
        _fail("internal_error", f"{type(exc).__name__}: {exc}")
    typer.echo(json.dumps(result, sort_keys=False))


def _fail(code: str, message: str) -> None:
    one_line = " ".join(str(message).split())
    print(f"error: {code}: {one_line}", file=sys.stderr)
    raise typer.Exit(EXIT_BAD_INPUT)


@app.command()
def probe(
    file: Path = typer.Argument(..., help="the media file"),
    sha256: bool = typer.Option(True, help="include the file's SHA-256"),
) -> None:
    """Print what FILE is as JSON: kind, format, width, height, duration, fps, codecs, bytes."""
    from media.probe import probe as probe_file

    _guard(lambda: probe_file(file, with_sha256=sha256).to_dict())


@app.command()
def prepare(
    file: Path = typer.Argument(..., help="the source media file"),
    kind: str = typer.Option(..., "--kind", help="feed, carousel, story or reel"),
    out: Path = typer.Option(..., "-o", "--out", help="where to write the prepared file"),
    fit: str = typer.Option("pad", "--fit", help="pad (the kind's default), crop, blur, solid"),
    aspect: float | None = typer.Option(None, "--aspect", help="force width/height (carousel)"),
    cache_dir: Path | None = typer.Option(None, "--cache-dir", help="reuse prepared outputs"),
) -> None:
    """Write FILE prepared for KIND to OUT and print the output's description as JSON."""
    from media.pipeline import prepare as prepare_file

    def run() -> dict[str, Any]:
        done = prepare_file(file, kind, fit=fit, out=out, cache_dir=cache_dir, aspect=aspect)
        return {**done.info.to_dict(), "path": str(done.path), "cached": done.cached}

    _guard(run)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
