"""Finding an ffmpeg binary and running it under a deadline.

Order: `IGFARM_FFMPEG` (a path, for operators who pin a build), then `ffmpeg` on PATH when it
has the libx264 encoder, then the binary shipped in the imageio-ffmpeg wheel, so a plain
`pip install` is enough. ffprobe is never needed: probing parses `ffmpeg -i`, so every binary
takes the same code path.

Every run starts a new process group with no stdin; at the deadline the whole group is killed
and `processing_timeout` raised, so a hostile file can never hang a controller or an agent.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
from dataclasses import dataclass
from functools import lru_cache

from media.errors import MediaError

ENV_OVERRIDE = "IGFARM_FFMPEG"


@dataclass(frozen=True)
class Binary:
    path: str
    origin: str  # "env", "system" or "wheel"
    version: str


@dataclass(frozen=True)
class Run:
    returncode: int
    stderr: str


def _version_and_x264(path: str) -> tuple[str, bool] | None:
    try:
        done = subprocess.run(
            [path, "-hide_banner", "-nostdin", "-encoders"],
            capture_output=True,
            text=True,
            errors="replace",
            timeout=20,
            stdin=subprocess.DEVNULL,
        )
        ver = subprocess.run(
            [path, "-nostdin", "-version"],
            capture_output=True,
            text=True,
            errors="replace",
            timeout=20,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0 or ver.returncode != 0:
        return None
    first = ver.stdout.splitlines()[0] if ver.stdout else ""
    version = first.split(" ")[2] if first.startswith("ffmpeg version ") else "unknown"
    return version, " libx264 " in done.stdout


@lru_cache(maxsize=1)
def find() -> Binary:
    """The ffmpeg to use, decided once per process."""
    override = os.environ.get(ENV_OVERRIDE)
    if override:
        found = _version_and_x264(override)
        if found is None or not found[1]:
            raise MediaError("ffmpeg_missing", f"{ENV_OVERRIDE} does not run or lacks libx264")
        return Binary(override, "env", found[0])
    system = shutil.which("ffmpeg")
    if system:
        found = _version_and_x264(system)
        if found is not None and found[1]:
            return Binary(system, "system", found[0])
    try:
        import imageio_ffmpeg

        wheel = imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError) as exc:
        raise MediaError("ffmpeg_missing", "no ffmpeg on PATH and imageio-ffmpeg has none") from exc
    found = _version_and_x264(wheel)
    if found is None or not found[1]:
        raise MediaError("ffmpeg_missing", "the ffmpeg shipped by imageio-ffmpeg does not run")
    return Binary(wheel, "wheel", found[0])


def run(args: list[str], *, timeout: float) -> Run:
    """Run ffmpeg with `args` (no binary name); kill its process group at `timeout` seconds."""
    cmd = [find().path, "-hide_banner", "-nostdin", *args]
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(proc)
        raise MediaError("processing_timeout", f"ffmpeg took over {timeout:.0f} s") from None
    except BaseException:
        _kill(proc)
        raise
    return Run(proc.returncode, err.decode("utf-8", "replace"))


def _kill(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()


def last_error_line(stderr: str) -> str:
    """The most telling line of ffmpeg's stderr, for an error message."""
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    for ln in reversed(lines):
        if "rror" in ln or "nvalid" in ln:
            return ln[:300]
    return lines[-1][:300] if lines else "no output"
