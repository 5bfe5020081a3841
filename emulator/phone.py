"""`SimPhone`: an Android phone with a simulated Instagram app, implementing `flows.Driver`.

It renders uiautomator XML of what is on screen, hit-tests taps against view bounds, keeps
pushed files and a media store, answers `adb shell`, injects faults from a `FaultPlan`, and
records every post the app published (`published(username)`), the ground truth tests and the
verification flow rely on. All public methods take the phone's lock, so one agent thread can
drive it while tests or the HTTP server read it.
"""

from __future__ import annotations

import hashlib
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from emulator import system
from emulator.accounts import PublishedPost, SimAccount
from emulator.app.instagram import PACKAGE, VERSION_CODE, VERSION_NAME, InstagramApp
from emulator.faults import Fault, FaultPlan
from emulator.screenshot import render_png
from emulator.shell import ANDROID_RELEASE, MODEL, SDK, Shell
from emulator.storage import MediaItem, MediaStore, Storage, normalize
from emulator.texts import Texts
from emulator.ui import Window, hit, render_hierarchy, scroll_target

INSTAGRAM = PACKAGE


@dataclass
class _SystemDialog:
    kind: str  # "permission" | "crash" | "anr"
    window: Callable[[], Window]
    on_back: Callable[[], None]


class SimPhone:
    """A simulated Android phone (1080x2400, Android 14) with Instagram installed.

    `accounts`: Instagram accounts (those with `logged_in=True` are in the app already;
    default: one account named after the serial). `seed` fixes the synthetic data
    (pre-existing gallery photos). `faults`: a `FaultPlan` (none by default). `clock` gives
    seconds (monotonic); `speed` scales simulated time (2.0 = uploads finish twice as fast).
    `latency`: real seconds each hierarchy dump takes (0 by default; ~0.3 mimics a device).
    `media_permission="ask"`: a fresh install; the first gallery opening shows Android's
    photos-and-videos permission dialog.
    """

    width = 1080
    height = 2400

    def __init__(
        self,
        serial: str,
        *,
        locale: str = "en",
        accounts: list[SimAccount] | None = None,
        seed: int | None = None,
        faults: FaultPlan | None = None,
        clock: Callable[[], float] = time.monotonic,
        speed: float = 1.0,
        latency: float = 0.0,
        preloaded_media: int = 3,
        media_permission: str = "granted",
        battery_level: int = 87,
        battery_temperature: float = 28.5,
        charging: bool = True,
        layout: str = "2025",
    ) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.serial = serial
        self._lock = threading.RLock()
        self._clock = clock
        self._t0 = clock()
        self.speed = speed
        self.latency = latency
        self.texts = Texts(locale)
        self.locale = self.texts.locale
        self.faults = faults or FaultPlan()
        self.storage = Storage()
        self.media = MediaStore()
        self._rng = random.Random(seed if seed is not None else serial)
        self._published: list[PublishedPost] = []
        self._system_dialogs: list[_SystemDialog] = []
        self.foreground = "launcher"  # launcher | instagram | vending
        self.battery_level = battery_level
        self.battery_temperature = battery_temperature
        self.charging = charging
        self.screen_on = True
        self.dump_count = 0
        self._preload_gallery(preloaded_media)
        if accounts is None:
            accounts = [SimAccount(username=_default_username(serial))]
        self.layout = layout
        self.app = InstagramApp(self, accounts, locale=self.locale, layout=layout)
        if media_permission not in ("granted", "ask"):
            raise ValueError('media_permission must be "granted" or "ask"')
        self.app.media_permission = media_permission
        self._shell = Shell(self)

    # ------------------------------------------------------------------ host API
    def now(self) -> float:
        """Simulated seconds since the phone was created."""
        return (self._clock() - self._t0) * self.speed

    def wall_now(self) -> datetime:
        return datetime.now(UTC)

    def take_fault(self, trigger: str, *, entered: bool) -> Fault | None:
        return self.faults.take(trigger, entered=entered)

    def crash_app(self, *, anr: bool = False) -> None:
        if anr:
            self._system_dialogs.append(
                _SystemDialog(
                    "anr",
                    lambda: system.crash_window(
                        self.texts, True, self._anr_close, self._dismiss_top
                    ),
                    self._dismiss_top,
                )
            )
            return
        self.app.stop()
        self.foreground = "launcher"
        self._system_dialogs = [d for d in self._system_dialogs if d.kind != "permission"]
        self._system_dialogs.append(
            _SystemDialog(
                "crash",
                lambda: system.crash_window(
                    self.texts, False, self._dismiss_top, self._dismiss_top
                ),
                self._dismiss_top,
            )
        )

    def _anr_close(self) -> None:
        self._dismiss_top()
        self.app.stop()
        self.foreground = "launcher"

    def _dismiss_top(self) -> None:
        if self._system_dialogs:
            self._system_dialogs.pop()

    def ask_media_permission(self, on_result: Callable[[str], None]) -> None:
        def answer(result: str) -> None:
            self._system_dialogs = [d for d in self._system_dialogs if d.kind != "permission"]
            on_result(result)

        self._system_dialogs.append(
            _SystemDialog(
                "permission",
                lambda: system.permission_window(self.texts, answer),
                lambda: answer("denied"),
            )
        )

    def open_play_store(self) -> None:
        self.foreground = "vending"

    def app_to_background(self) -> None:
        self.foreground = "launcher"
        self.app.keyboard_visible = False

    def record(self, post: PublishedPost) -> None:
        self._published.append(post)

    # ------------------------------------------------------------- Driver API
    def dump_hierarchy(self) -> str:
        if self.latency:
            time.sleep(self.latency)
        with self._lock:
            self.dump_count += 1
            self._advance()
            return render_hierarchy(self._windows())

    def tap(self, x: int, y: int) -> None:
        with self._lock:
            self._advance()
            node = hit(self._windows(), int(x), int(y))
            if node is not None and node.on_tap is not None:
                node.on_tap()
            self._advance()

    def type_text(self, text: str) -> None:
        with self._lock:
            self._advance()
            if self.foreground == "instagram" and not self._system_dialogs:
                self.app.type_text(text)

    def press_key(self, key: str) -> None:
        key = key.lower()
        with self._lock:
            self._advance()
            if key == "back":
                self._back()
            elif key == "home":
                self.app_to_background()
            elif key == "enter":
                if self.foreground == "instagram" and not self._system_dialogs:
                    self.app.press_enter()
            else:
                raise ValueError(f"unknown key {key!r}; use back, home or enter")
            self._advance()

    def swipe(self, x1: int, y1: int, x2: int, y2: int, duration: float = 0.2) -> None:
        with self._lock:
            self._advance()
            node = scroll_target(self._windows(), int(x1), int(y1))
            if node is not None and node.on_scroll is not None:
                node.on_scroll(int(x1 - x2), int(y1 - y2))
            self._advance()

    def screenshot(self) -> bytes:
        with self._lock:
            self._advance()
            return render_png(self._windows(), self.width, self.height)

    def app_start(self, package: str) -> None:
        with self._lock:
            if package == INSTAGRAM:
                self.foreground = "instagram"
                self.app.start()
            elif package == system.LAUNCHER:
                self.app_to_background()
            elif package == system.PLAY_STORE:
                self.foreground = "vending"
            self._advance()

    def app_stop(self, package: str) -> None:
        with self._lock:
            if package == INSTAGRAM:
                self.app.stop()
                self._system_dialogs = [
                    d for d in self._system_dialogs if d.kind not in ("permission", "anr")
                ]
                if self.foreground == "instagram":
                    self.foreground = "launcher"
            elif package == system.PLAY_STORE and self.foreground == "vending":
                self.foreground = "launcher"

    def reboot(self) -> None:
        """What `adb reboot` does to the app: it is stopped and dialogs are gone."""
        with self._lock:
            self.reboots = getattr(self, "reboots", 0) + 1
        self.app_stop(INSTAGRAM)
        with self._lock:
            self._system_dialogs = []
            self.foreground = "launcher"

    def push_file(self, local_path: str, remote_path: str) -> None:
        self.push_bytes(Path(local_path).read_bytes(), remote_path)

    def shell(self, command: str) -> str:
        with self._lock:
            self._advance()
            out = self._shell.run(command)
            self._advance()
            return out

    # --------------------------------------------------------------- extras
    def push_bytes(self, data: bytes, remote_path: str) -> None:
        """Store bytes at a path on the phone (what `adb push` does)."""
        with self._lock:
            self.storage.write(remote_path, data, self._file_time())

    def purchases_started(self) -> list[tuple[str, str]]:
        """(username, product) of every paid upsell the app was told to start (e.g. the
        Reels promo's "Get started" for Meta Verified): a farm must never do this."""
        with self._lock:
            return list(self.app.purchases_started)

    def published(self, username: str | None = None) -> list[PublishedPost]:
        """Every post this phone published (for one account, or all), oldest first."""
        with self._lock:
            self._advance_uploads()
            return [p for p in self._published if username is None or p.username == username]

    def set_faults(self, plan: FaultPlan) -> None:
        with self._lock:
            self.faults = plan

    def media_scan(self, uri_or_path: str) -> bool:
        """Index a pushed file in the media store (the MEDIA_SCANNER_SCAN_FILE broadcast)."""
        with self._lock:
            path = normalize(uri_or_path)
            stored = self.storage.get(path)
            if stored is None:
                self.media.forget(path)
                return False
            return self.media.scan(stored)

    def remove_file(self, path: str) -> bool:
        """Delete a file; the media store forgets it too (as after a rescan)."""
        with self._lock:
            removed = self.storage.remove(path)
            self.media.forget(path)
            return removed

    def current_screen(self) -> str:
        """A name for what is in front: a system dialog, an app dialog, a screen, or the
        launcher. For tests and dashboards; flows must read the XML instead."""
        with self._lock:
            self._advance_uploads()
            if self._system_dialogs:
                return self._system_dialogs[-1].kind + "_dialog"
            if self.foreground != "instagram" or not self.app.running:
                return "play_store" if self.foreground == "vending" else "launcher"
            if self.app.dialogs:
                return type(self.app.dialogs[-1]).__name__
            if self.app.is_loading():
                return "loading"
            top = self.app.top
            return top.name if top is not None else "launcher"

    def state(self) -> dict:
        """A summary for dashboards and debugging."""
        with self._lock:
            return {
                "serial": self.serial,
                "screen": self.current_screen(),
                "foreground": self.foreground_package(),
                "locale": self.app.texts.locale,
                "accounts": list(self.app.session),
                "current_account": self.app.current,
                "published": len(self._published),
                "gallery": len(self.media.items),
                "dumps": self.dump_count,
                "faults": self.faults.to_dict(),
            }

    def foreground_package(self) -> str:
        if self.foreground == "instagram" and self.app.running:
            return INSTAGRAM
        if self.foreground == "vending":
            return system.PLAY_STORE
        return system.LAUNCHER

    def installed_packages(self) -> list[str]:
        return sorted(
            [
                INSTAGRAM,
                system.LAUNCHER,
                system.PERMISSION,
                system.KEYBOARD,
                system.PLAY_STORE,
                "com.android.systemui",
                "com.android.settings",
                "com.google.android.gms",
            ]
        )

    def properties(self) -> dict[str, str]:
        return {
            "ro.build.version.release": ANDROID_RELEASE,
            "ro.build.version.sdk": SDK,
            "ro.product.model": MODEL,
            "ro.product.manufacturer": "Google",
            "ro.serialno": self.serial,
            "persist.sys.locale": {"en": "en-US", "es": "es-ES", "fr": "fr-FR"}[self.locale],
            "sys.boot_completed": "1",
        }

    # -------------------------------------------------------------- reports
    def battery_report(self) -> str:
        status = 2 if self.charging else 3
        return (
            "Current Battery Service state:\n"
            f"  AC powered: false\n  USB powered: {str(self.charging).lower()}\n"
            "  Wireless powered: false\n  Dock powered: false\n"
            "  Max charging current: 500000\n  Max charging voltage: 5000000\n"
            "  Charge counter: 3542000\n"
            f"  status: {status}\n  health: 2\n  present: true\n"
            f"  level: {self.battery_level}\n  scale: 100\n  voltage: 4215\n"
            f"  temperature: {round(self.battery_temperature * 10)}\n  technology: Li-ion\n"
        )

    def package_report(self, package: str) -> str:
        if package and package != INSTAGRAM and package not in self.installed_packages():
            return f"Unable to find package: {package}\n"
        if package != INSTAGRAM:
            return f"Packages:\n  Package [{package}] (sim):\n    versionName=14\n"
        return (
            "Packages:\n"
            f"  Package [{INSTAGRAM}] (4f2a1c3):\n"
            "    userId=10231\n"
            f"    pkg=Package{{8d1e7b2 {INSTAGRAM}}}\n"
            f"    versionCode={VERSION_CODE} minSdk=28 targetSdk=34\n"
            f"    versionName={VERSION_NAME}\n"
            "    flags=[ HAS_CODE ALLOW_CLEAR_USER_DATA ALLOW_BACKUP LARGE_HEAP ]\n"
            "    firstInstallTime=2026-01-10 09:12:44\n"
            "    lastUpdateTime=2026-11-02 03:40:18\n"
        )

    def window_report(self) -> str:
        with self._lock:
            package, activity = self._focus()
            focus = f"{package}/{activity}"
            if package == "android":
                focus = f"{activity}: {INSTAGRAM}"
                package, activity = self._app_focus()
            return (
                "WINDOW MANAGER WINDOWS (dumpsys window windows)\n"
                f"  mCurrentFocus=Window{{3c1f9a2 u0 {focus}}}\n"
                f"  mFocusedApp=ActivityRecord{{7be21d0 u0 {package}/{activity} t42}}\n"
                f"  mResumedActivity: ActivityRecord{{7be21d0 u0 {package}/{activity} t42}}\n"
            )

    def _focus(self) -> tuple[str, str]:
        if self._system_dialogs and self._system_dialogs[-1].kind == "permission":
            return system.PERMISSION, system.PERMISSION_ACTIVITY
        if self._system_dialogs:
            kind = self._system_dialogs[-1].kind
            return "android", "Application Not Responding" if kind == "anr" else "Application Error"
        return self._app_focus()

    def _app_focus(self) -> tuple[str, str]:
        package = self.foreground_package()
        if package == INSTAGRAM:
            return INSTAGRAM, self.app.activity()
        if package == system.PLAY_STORE:
            return package, system.PLAY_STORE_ACTIVITY
        return system.LAUNCHER, system.LAUNCHER_ACTIVITY

    def power_report(self) -> str:
        wake = "Awake" if self.screen_on else "Asleep"
        state = "ON" if self.screen_on else "OFF"
        return (
            "POWER MANAGER (dumpsys power)\n\n"
            "Power Manager State:\n"
            f"  mWakefulness={wake}\n"
            f"  mWakefulnessChanging=false\n"
            f"  mIsPowered={str(self.charging).lower()}\n"
            f"  mHoldingDisplaySuspendBlocker={str(self.screen_on).lower()}\n"
            f"Display Power: state={state}\n"
        )

    def df_report(self, paths: list[str], human: bool) -> str:
        total = self.storage.capacity_kb
        used = self.storage.used_kb()
        free = total - used
        pct = f"{round(100 * used / total)}%"
        lines = [
            "Filesystem       Size  Used Avail Use% Mounted on\n"
            if human
            else "Filesystem     1K-blocks     Used Available Use% Mounted on\n"
        ]
        for path in paths:
            if normalize(path).startswith("/sdcard") or path.startswith("/storage"):
                fs, mount = "/dev/fuse", "/storage/emulated"
            else:
                fs, mount = "/dev/block/dm-46", "/data"
            if human:
                sizes = f"{_human(total):>4} {_human(used):>5} {_human(free):>5}"
                lines.append(f"{fs:<16} {sizes} {pct:>4} {mount}\n")
            else:
                lines.append(f"{fs:<14} {total:>9} {used:>8} {free:>9} {pct:>4} {mount}\n")
        return "".join(lines)

    # -------------------------------------------------------------- internals
    def _advance_uploads(self) -> None:
        self.app.tick()

    def _advance(self) -> None:
        self.app.tick()
        if self.foreground == "instagram" and self.app.running and not self._system_dialogs:
            self.app.settle()

    def _back(self) -> None:
        if self._system_dialogs:
            self._system_dialogs[-1].on_back()
            return
        if self.foreground == "instagram" and self.app.running:
            self.app.press_back()
        elif self.foreground == "vending":
            self.foreground = "instagram" if self.app.running else "launcher"

    def _windows(self) -> list[Window]:
        if self.foreground == "instagram" and self.app.running:
            windows = self.app.windows()
            if self.app.keyboard_visible and not self.app.dialogs:
                windows.append(system.keyboard_window())
        elif self.foreground == "vending":
            windows = [system.play_store_window(self.texts)]
        else:
            windows = [system.launcher_window(self.texts, self._launch_from_icon)]
        windows.extend(d.window() for d in self._system_dialogs)
        return windows

    def _launch_from_icon(self) -> None:
        self.foreground = "instagram"
        self.app.start()

    def _file_time(self) -> datetime:
        # Distinct, increasing times, like files pushed one after another.
        now = self.wall_now().replace(microsecond=0)
        latest = max((f.modified_at for f in self.storage.files.values()), default=None)
        if latest is not None and now <= latest:
            now = latest + timedelta(seconds=1)
        return now

    def _preload_gallery(self, count: int) -> None:
        base = self.wall_now().replace(microsecond=0) - timedelta(days=2)
        for i in range(count):
            digest = hashlib.sha256(f"{self.serial}-camera-{self._rng.random()}".encode())
            self.media.add(
                MediaItem(
                    path=f"/sdcard/DCIM/Camera/PXL_2026{i:04d}.jpg",
                    sha256=digest.hexdigest(),
                    kind="image",
                    taken_at=base - timedelta(hours=5 * i),
                )
            )


def _default_username(serial: str) -> str:
    cleaned = "".join(ch if ch.isalnum() else "_" for ch in serial.lower())
    return f"sim_{cleaned}"[:30]


def _human(kb: int) -> str:
    gb = kb / 1024 / 1024
    return f"{gb:.0f}G" if gb >= 10 else f"{gb:.1f}G"
