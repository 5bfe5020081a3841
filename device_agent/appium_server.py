"""A project-local Appium server: installed from npm into `.appium/`, started on loopback.

`python -m device_agent.appium_server install` installs Appium (pinned major) and its
UiAutomator2 driver with npm into `<project>/.appium/` (git-ignored); a second call returns at
once. `python -m device_agent.appium_server serve [--port N]` starts it for `farm agent`
devices declared with `driver: appium`. Tests use `install()` and `AppiumServer` directly.

Appium's UiAutomator2 driver reaches phones through adb, which it looks for under
`$ANDROID_HOME/platform-tools`. When no Android SDK is declared, the adb shipped in the
adbutils wheel (the one the u2 backend uses) is offered in a minimal SDK folder inside
`.appium/`, so the server sees the same phones as the rest of the agent.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

APPIUM_MAJOR = 3
UIAUTOMATOR2_MAJOR = 8  # the driver major that goes with Appium 3
_STAMP_NAME = "installed.json"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class AppiumUnavailable(RuntimeError):
    """Appium cannot be installed on this machine (no Node.js/npm, or the registry said no)."""


class AppiumInstallError(RuntimeError):
    """The install was attempted and failed for another reason (a bug to fix, not to skip)."""


def appium_dir(root: Path | None = None) -> Path:
    return (root or PROJECT_ROOT) / ".appium"


def appium_home(root: Path | None = None) -> Path:
    """APPIUM_HOME: where Appium keeps its drivers (inside the project-local folder)."""
    return appium_dir(root)


def appium_bin(root: Path | None = None) -> Path:
    return appium_dir(root) / "node_modules" / ".bin" / "appium"


def _wanted() -> dict[str, str]:
    return {
        "appium": f"appium@{APPIUM_MAJOR}",
        "uiautomator2": f"uiautomator2@{UIAUTOMATOR2_MAJOR}",
    }


def is_installed(root: Path | None = None) -> bool:
    stamp = appium_dir(root) / _STAMP_NAME
    try:
        recorded = json.loads(stamp.read_text())
    except (OSError, ValueError):
        return False
    driver = appium_home(root) / "node_modules" / "appium-uiautomator2-driver" / "package.json"
    return recorded.get("wanted") == _wanted() and appium_bin(root).exists() and driver.exists()


def _run(command: list[str], env: dict[str, str], cwd: Path, timeout: float) -> None:
    try:
        done = subprocess.run(
            command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired as exc:
        raise AppiumInstallError(f"`{' '.join(command[:3])}` took over {timeout:.0f}s") from exc
    if done.returncode != 0:
        output = (done.stderr + done.stdout).strip()
        # npm's network and registry refusals: the install is impossible here, not buggy
        unreachable = (
            "ENOTFOUND",
            "EAI_AGAIN",
            "ECONNREFUSED",
            "ETIMEDOUT",
            "ECONNRESET",
            "E403",
            "E401",
            "E404",
            "EBADENGINE",
            "UNABLE_TO_GET_ISSUER_CERT",
        )
        reason = next((code for code in unreachable if code in output), None)
        tail = " | ".join(output.splitlines()[-6:])
        if reason:
            raise AppiumUnavailable(f"`{' '.join(command[:3])}` failed ({reason}): {tail}")
        raise AppiumInstallError(f"`{' '.join(command[:3])}` exit {done.returncode}: {tail}")


NODE_MINIMUM = {20: (20, 19), 22: (22, 12)}  # Appium 3: ^20.19 || ^22.12 || >=24


def _check_node() -> None:
    out = subprocess.run(["node", "--version"], capture_output=True, text=True, timeout=30)
    try:
        major, minor = (int(part) for part in out.stdout.strip().lstrip("v").split(".")[:2])
    except ValueError:
        raise AppiumUnavailable(f"cannot read the Node.js version: {out.stdout!r}") from None
    if major >= 24 or (major in NODE_MINIMUM and (major, minor) >= NODE_MINIMUM[major]):
        return
    raise AppiumUnavailable(
        f"Node.js {major}.{minor} is too old for Appium {APPIUM_MAJOR} "
        "(it needs 20.19+, 22.12+ or 24+)"
    )


def install(root: Path | None = None, *, timeout: float = 600) -> Path:
    """Install Appium and the UiAutomator2 driver into `.appium/` unless already there; return
    the `appium` executable. Raises AppiumUnavailable when Node.js/npm are missing or the
    registry cannot be reached, AppiumInstallError on any other failure."""
    if is_installed(root):
        return appium_bin(root)
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        raise AppiumUnavailable("Node.js and npm are needed to install Appium; none on PATH")
    _check_node()
    folder = appium_dir(root)
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two installs at once would corrupt node_modules
        if is_installed(root):
            return appium_bin(root)
        env = _appium_env(root)
        if not (folder / "package.json").exists():
            (folder / "package.json").write_text('{"name": "igfarm-appium", "private": true}\n')
        _run(
            [
                npm,
                "install",
                "--prefix",
                str(folder),
                "--no-audit",
                "--no-fund",
                _wanted()["appium"],
            ],
            env,
            folder,
            timeout,
        )
        home = appium_home(root)
        home.mkdir(parents=True, exist_ok=True)
        driver = home / "node_modules" / "appium-uiautomator2-driver" / "package.json"
        if not driver.exists():
            _run(
                [
                    str(appium_bin(root)),
                    "driver",
                    "install",
                    "--source=npm",
                    f"appium-uiautomator2-driver@{UIAUTOMATOR2_MAJOR}",
                ],
                env,
                folder,
                timeout,
            )
        (folder / _STAMP_NAME).write_text(json.dumps({"wanted": _wanted()}) + "\n")
    return appium_bin(root)


def _android_home(root: Path | None) -> Path:
    """An SDK folder whose platform-tools/adb is adbutils' adb (made once, on demand)."""
    import adbutils  # type: ignore[import-untyped]

    sdk = appium_dir(root) / "android-sdk"
    adb = sdk / "platform-tools" / "adb"
    target = Path(adbutils.adb_path())
    if not (adb.is_symlink() and adb.resolve() == target.resolve()):
        adb.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            adb.unlink()
        adb.symlink_to(target)
    return sdk


def _appium_env(root: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    env["APPIUM_HOME"] = str(appium_home(root))
    env.setdefault("APPIUM_SKIP_CHROMEDRIVER_INSTALL", "1")  # no webviews are automated
    return env


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class AppiumServer:
    """A running Appium server (a child process); use as a context manager."""

    def __init__(
        self,
        *,
        port: int | None = None,
        host: str = "127.0.0.1",
        root: Path | None = None,
        log_path: Path | None = None,
        start_timeout: float = 60,
    ) -> None:
        self.host = host
        self.port = port or free_port(host)
        self.root = root
        self.log_path = log_path or appium_dir(root) / f"server-{self.port}.log"
        self.start_timeout = start_timeout
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def status(self) -> dict | None:
        try:
            reply = httpx.get(f"{self.url}/status", timeout=2)
        except httpx.HTTPError:
            return None
        return reply.json() if reply.status_code == 200 else None

    def start(self) -> AppiumServer:
        binary = install(self.root)
        env = _appium_env(self.root)
        if not (env.get("ANDROID_HOME") or env.get("ANDROID_SDK_ROOT")):
            env["ANDROID_HOME"] = str(_android_home(self.root))
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    str(binary),
                    "server",
                    "--address",
                    self.host,
                    "--port",
                    str(self.port),
                    "--allow-insecure",
                    "uiautomator2:adb_shell",  # the health reads use `mobile: shell`
                    "--log-no-colors",
                    "--log-timestamp",
                ],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + self.start_timeout
        while True:
            if self.process.poll() is not None:
                tail = self.log_path.read_text(errors="replace").strip().splitlines()[-5:]
                raise AppiumInstallError(
                    f"appium exited with {self.process.returncode}: {' | '.join(tail)}"
                )
            status = self.status()
            if status and status.get("value", {}).get("ready"):
                return self
            if time.monotonic() > deadline:
                self.stop()
                raise AppiumInstallError(f"appium not ready on {self.url} in {self.start_timeout}s")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def __enter__(self) -> AppiumServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m device_agent.appium_server")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("install", help="install Appium and its UiAutomator2 driver into .appium/")
    serve = sub.add_parser("serve", help="run the project-local Appium server until Ctrl-C")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=4723)
    args = parser.parse_args(argv)
    try:
        if args.command == "install":
            started = time.monotonic()
            path = install()
            print(f"appium ready: {path} ({time.monotonic() - started:.1f}s)")
            return 0
        with AppiumServer(host=args.host, port=args.port) as server:
            print(f"appium serving on {server.url}; log in {server.log_path}")
            assert server.process is not None
            with contextlib.suppress(KeyboardInterrupt):
                server.process.wait()
        return 0
    except (AppiumUnavailable, AppiumInstallError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
