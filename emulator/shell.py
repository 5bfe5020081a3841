"""`adb shell` on the simulated phone: the commands an agent runs, answered in the format a
real Android 14 phone prints. Pipes into `grep` and `head` work; anything else unknown gets the
shell's "not found"."""

from __future__ import annotations

import re
import shlex
from typing import TYPE_CHECKING

from emulator.storage import normalize

if TYPE_CHECKING:
    from emulator.phone import SimPhone

ANDROID_RELEASE = "14"
SDK = "34"
MODEL = "Pixel 7"

_POWER = {"26": "toggle", "KEYCODE_POWER": "toggle", "224": "on", "KEYCODE_WAKEUP": "on",
          "223": "off", "KEYCODE_SLEEP": "off"}  # fmt: skip
_KEYCODES = {
    "4": "back",
    "KEYCODE_BACK": "back",
    "3": "home",
    "KEYCODE_HOME": "home",
    "66": "enter",
    "KEYCODE_ENTER": "enter",
}


class Shell:
    def __init__(self, phone: SimPhone) -> None:
        self.phone = phone

    def run(self, command: str) -> str:
        """Run one command line (`a | grep b`, `a; b` and `a && b` supported)."""
        outputs = []
        for part in _split_unquoted(command.replace("&&", ";"), ";"):
            if part:
                outputs.append(self._pipeline(part))
        return "".join(outputs)

    def _pipeline(self, line: str) -> str:
        stages = _split_unquoted(line, "|")
        out = self._command(stages[0])
        for stage in stages[1:]:
            out = _filter(stage, out)
        return out

    def _command(self, line: str) -> str:
        try:
            args = shlex.split(line)
        except ValueError:
            return "/system/bin/sh: syntax error: unmatched quote\n"
        if not args:
            return ""
        name, rest = args[0], args[1:]
        handler = getattr(self, "_cmd_" + name.replace("-", "_"), None)
        if handler is None:
            return f"/system/bin/sh: {name}: inaccessible or not found\n"
        return handler(rest)

    # ------------------------------------------------------------------ commands
    def _cmd_echo(self, args: list[str]) -> str:
        return " ".join(args) + "\n"

    def _cmd_getprop(self, args: list[str]) -> str:
        props = self.phone.properties()
        if not args:
            return "".join(f"[{k}]: [{v}]\n" for k, v in sorted(props.items()))
        return props.get(args[0], "") + "\n"

    def _cmd_wm(self, args: list[str]) -> str:
        if args[:1] == ["size"]:
            return "Physical size: 1080x2400\n"
        if args[:1] == ["density"]:
            return "Physical density: 420\n"
        return ""

    def _cmd_date(self, args: list[str]) -> str:
        now = self.phone.wall_now()
        if args and args[0] == "+%s":
            return f"{int(now.timestamp())}\n"
        return now.strftime("%a %b %d %H:%M:%S UTC %Y") + "\n"

    def _cmd_dumpsys(self, args: list[str]) -> str:
        if not args:
            return ""
        service = args[0]
        if service == "battery":
            return self.phone.battery_report()
        if service == "package":
            return self.phone.package_report(args[1] if len(args) > 1 else "")
        if service in ("window", "activity"):
            return self.phone.window_report()
        if service == "power":
            return self.phone.power_report()
        return f"Can't find service: {service}\n"

    def _cmd_df(self, args: list[str]) -> str:
        human = "-h" in args
        paths = [a for a in args if not a.startswith("-")] or ["/sdcard"]
        return self.phone.df_report(paths, human)

    def _cmd_am(self, args: list[str]) -> str:
        if not args:
            return ""
        sub = args[0]
        if sub == "start":
            component = _option(args, "-n")
            if component and component.startswith("com.instagram.android/"):
                self.phone.app_start("com.instagram.android")
                return f"Starting: Intent {{ cmp={component} }}\n"
            if component:
                return (
                    f"Starting: Intent {{ cmp={component} }}\n"
                    f"Error type 3\nError: Activity class {{{component}}} does not exist.\n"
                )
            return "Starting: Intent { }\n"
        if sub == "force-stop" and len(args) > 1:
            self.phone.app_stop(args[1])
            return ""
        if sub == "broadcast":
            action = _option(args, "-a") or ""
            data = _option(args, "-d") or ""
            if action == "android.intent.action.MEDIA_SCANNER_SCAN_FILE" and data:
                self.phone.media_scan(data)
            extra = f" dat={data}" if data else ""
            return (
                f"Broadcasting: Intent {{ act={action}{extra} flg=0x400000 }}\n"
                "Broadcast completed: result=0\n"
            )
        return ""

    def _cmd_monkey(self, args: list[str]) -> str:
        package = _option(args, "-p")
        if package:
            self.phone.app_start(package)
        return (
            f"  bash arg: -p\n  bash arg: {package}\n  bash arg: 1\n"
            f'args: [-p, {package}, 1]\n arg: "-p"\n arg: "{package}"\n arg: "1"\n'
            "Events injected: 1\n## Network stats: elapsed time=12ms (0ms mobile, 0ms wifi, "
            "12ms not connected)\n"
        )

    def _cmd_input(self, args: list[str]) -> str:
        if args[:1] == ["tap"] and len(args) >= 3:
            self.phone.tap(int(float(args[1])), int(float(args[2])))
        elif args[:1] == ["text"] and len(args) >= 2:
            self.phone.type_text(" ".join(args[1:]).replace("%s", " "))
        elif args[:1] == ["keyevent"] and len(args) >= 2:
            key = _KEYCODES.get(args[1])
            if key:
                self.phone.press_key(key)
            elif args[1] in _POWER:
                power = _POWER[args[1]]
                self.phone.screen_on = (
                    (not self.phone.screen_on) if power == "toggle" else power == "on"
                )
        elif args[:1] == ["swipe"] and len(args) >= 5:
            x1, y1, x2, y2 = (int(float(a)) for a in args[1:5])
            self.phone.swipe(x1, y1, x2, y2)
        return ""

    def _cmd_rm(self, args: list[str]) -> str:
        force = any(a.startswith("-") and "f" in a for a in args)
        out = []
        for path in (a for a in args if not a.startswith("-")):
            if not self.phone.remove_file(path) and not force:
                out.append(f"rm: {path}: No such file or directory\n")
        return "".join(out)

    def _cmd_ls(self, args: list[str]) -> str:
        paths = [a for a in args if not a.startswith("-")] or ["/sdcard"]
        out = []
        for path in paths:
            stored = self.phone.storage.get(path)
            if stored is not None:
                out.append(path + "\n")
                continue
            names = self.phone.storage.listdir(path)
            if names is None:
                if normalize(path) in ("/sdcard", "/sdcard/DCIM", "/sdcard/Pictures"):
                    continue
                out.append(f"ls: {path}: No such file or directory\n")
            else:
                out.extend(n + "\n" for n in names)
        return "".join(out)

    def _cmd_mkdir(self, args: list[str]) -> str:
        return ""

    def _cmd_touch(self, args: list[str]) -> str:
        return ""

    def _cmd_cat(self, args: list[str]) -> str:
        out = []
        for path in args:
            stored = self.phone.storage.get(path)
            if stored is None:
                out.append(f"cat: {path}: No such file or directory\n")
            else:
                out.append(stored.data.decode("utf-8", "replace"))
        return "".join(out)

    def _cmd_uiautomator(self, args: list[str]) -> str:
        if args[:1] != ["dump"]:
            return ""
        path = args[1] if len(args) > 1 else "/sdcard/window_dump.xml"
        self.phone.push_bytes(self.phone.dump_hierarchy().encode(), path)
        return f"UI hierchary dumped to: {path}\n"

    def _cmd_pm(self, args: list[str]) -> str:
        if args[:2] == ["list", "packages"]:
            packages = self.phone.installed_packages()
            wanted = args[2] if len(args) > 2 else ""
            return "".join(f"package:{p}\n" for p in packages if wanted in p)
        if args[:1] == ["path"] and len(args) > 1:
            return f"package:/data/app/~~sim==/{args[1]}-1/base.apk\n"
        return ""

    def _cmd_content(self, args: list[str]) -> str:
        uri = _option(args, "--uri") or ""
        if args[:1] != ["query"] or "content://media/external" not in uri:
            return "No result found.\n"
        rows = self.phone.media.newest_first()
        if not rows:
            return "No result found.\n"
        return "".join(
            f"Row: {i} _id={1000 + item.order}, _data={_external(item.path)}, "
            f"mime_type={'image/jpeg' if item.kind == 'image' else 'video/mp4'}\n"
            for i, item in enumerate(rows)
        )

    def _cmd_settings(self, args: list[str]) -> str:
        if args[:1] == ["get"]:
            return "null\n"
        return ""

    def _cmd_svc(self, args: list[str]) -> str:
        return ""


def _external(path: str) -> str:
    return path.replace("/sdcard/", "/storage/emulated/0/", 1)


def _option(args: list[str], flag: str) -> str | None:
    if flag in args:
        i = args.index(flag)
        if i + 1 < len(args):
            return args[i + 1]
    return None


def _split_unquoted(line: str, sep: str) -> list[str]:
    """Split on `sep` outside quotes and not after a backslash."""
    parts, current, quote, i = [], [], "", 0
    while i < len(line):
        ch = line[i]
        if ch == "\\" and i + 1 < len(line):
            current.append(line[i : i + 2])
            i += 2
            continue
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == sep:
            parts.append("".join(current).strip())
            current = []
            i += 1
            continue
        current.append(ch)
        i += 1
    parts.append("".join(current).strip())
    return [p for p in parts if p]


def _bre(pattern: str) -> str:
    """A grep basic regular expression as a Python one (`\\|` alternation, literal `|+?(){}`)."""
    out = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            out.append(nxt if nxt in "|(){}+?" else "\\" + nxt)
            i += 2
            continue
        out.append("\\" + ch if ch in "|(){}+?" else ch)
        i += 1
    return "".join(out)


def _filter(stage: str, text: str) -> str:
    try:
        args = shlex.split(stage)
    except ValueError:
        return text
    if not args:
        return text
    lines = text.splitlines(keepends=True)
    if args[0] in ("grep", "egrep"):
        flags = [a for a in args[1:] if a.startswith("-")]
        patterns = [a for a in args[1:] if not a.startswith("-")]
        if not patterns:
            return ""
        ignore = any("i" in f for f in flags)
        invert = any("v" in f for f in flags)
        extended = args[0] == "egrep" or any("E" in f for f in flags)
        pattern = patterns[0] if extended else _bre(patterns[0])
        regex = re.compile(pattern, re.IGNORECASE if ignore else 0)
        return "".join(line for line in lines if bool(regex.search(line)) != invert)
    if args[0] == "head":
        n = 10
        if "-n" in args:
            n = int(args[args.index("-n") + 1])
        elif len(args) > 1 and args[1].startswith("-") and args[1][1:].isdigit():
            n = int(args[1][1:])
        return "".join(lines[:n])
    if args[0] == "wc" and "-l" in args:
        return f"{len(lines)}\n"
    return text
