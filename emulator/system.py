"""What Android itself shows: the launcher, the soft keyboard, the media permission dialog,
the crash and ANR dialogs, and the Play Store page the update prompt opens."""

from __future__ import annotations

import functools
from collections.abc import Callable

from emulator.texts import Texts
from emulator.ui import (
    BUTTON,
    FRAME,
    LINEAR,
    SCREEN_H,
    SCREEN_W,
    TEXT,
    VIEW,
    Node,
    Window,
)

LAUNCHER = "com.google.android.apps.nexuslauncher"
LAUNCHER_ACTIVITY = "com.google.android.apps.nexuslauncher.NexusLauncherActivity"
PERMISSION = "com.android.permissioncontroller"
PERMISSION_ACTIVITY = "com.android.permissioncontroller.permission.ui.GrantPermissionsActivity"
KEYBOARD = "com.google.android.inputmethod.latin"
PLAY_STORE = "com.android.vending"
PLAY_STORE_ACTIVITY = "com.google.android.finsky.activities.MainActivity"
KEYBOARD_TOP = 1480


def launcher_window(t: Texts, open_instagram: Callable[[], None]) -> Window:
    root = Node(FRAME, bounds=(0, 0, SCREEN_W, SCREEN_H))
    workspace = Node(FRAME, "workspace", bounds=(0, 84, SCREEN_W, 1900), scrollable=True)
    apps = [
        ("Instagram", open_instagram),
        ("Camera", None),
        ("Photos", None),
        ("Settings", None),
    ]
    x = 40
    for label, action in apps:
        workspace.add(
            Node(
                TEXT,
                text=label,
                desc=label,
                bounds=(x, 1500, x + 250, 1780),
                clickable=True,
                focusable=True,
                long_clickable=True,
                on_tap=action or (lambda: None),
            )
        )
        x += 250
    root.add(workspace)
    hotseat = Node(FRAME, "hotseat", bounds=(0, 1900, SCREEN_W, 2337))
    for i, label in enumerate(("Phone", "Messages", "Play Store", "Chrome")):
        hotseat.add(
            Node(
                TEXT,
                text="",
                desc=label,
                bounds=(40 + i * 250, 1950, 290 + i * 250, 2200),
                clickable=True,
                focusable=True,
                on_tap=lambda: None,
            )
        )
    root.add(hotseat)
    root.add(
        Node(
            FRAME,
            "search_container_hotseat",
            desc=t["search_hint"],
            bounds=(60, 2200, 1020, 2320),
            clickable=True,
            focusable=True,
            on_tap=lambda: None,
        )
    )
    return Window(LAUNCHER, root)


def keyboard_window() -> Window:
    root = Node(FRAME, bounds=(0, KEYBOARD_TOP, SCREEN_W, 2337))
    root.add(Node(FRAME, "keyboard_holder", bounds=(0, KEYBOARD_TOP, SCREEN_W, 2337)))
    root.children[0].add(Node(VIEW, "", bounds=(0, KEYBOARD_TOP + 130, SCREEN_W, 2337)))
    return Window(KEYBOARD, root)


def permission_window(t: Texts, on_result: Callable[[str], None]) -> Window:
    top, bottom = 1180, 2290
    root = Node(FRAME, bounds=(42, top, 1038, bottom))
    box = Node(LINEAR, "grant_dialog", bounds=(42, top, 1038, bottom))
    root.add(box)
    box.add(
        Node(
            TEXT,
            "permission_message",
            text=t["perm_message"].replace("<b>", "").replace("</b>", ""),
            bounds=(105, top + 180, 975, top + 380),
        )
    )
    y = top + 440
    for rid, key, result in (
        ("permission_allow_all_button", "perm_allow_all", "all"),
        ("permission_allow_selected_button", "perm_select", "selected"),
        ("permission_deny_button", "perm_deny", "denied"),
    ):
        box.add(
            Node(
                BUTTON,
                rid,
                text=t[key],
                bounds=(84, y, 996, y + 150),
                clickable=True,
                focusable=True,
                on_tap=functools.partial(on_result, result),
            )
        )
        y += 170
    return Window(PERMISSION, root, modal=True, dim_behind=True)


def crash_window(
    t: Texts, anr: bool, on_close: Callable[[], None], on_wait: Callable[[], None]
) -> Window:
    top = 960
    root = Node(FRAME, bounds=(84, top, 996, top + 520))
    panel = Node(LINEAR, "android:id/parentPanel", bounds=(84, top, 996, top + 520))
    root.add(panel)
    title = t["anr_title"] if anr else t["crash_title"]
    panel.add(
        Node(TEXT, "android:id/alertTitle", text=title, bounds=(147, top + 60, 933, top + 160))
    )
    y = top + 200
    buttons = [("android:id/aerr_close", t["close_app"], on_close)]
    if anr:
        buttons.append(("android:id/aerr_wait", t["wait"], on_wait))
    else:
        buttons.insert(0, ("android:id/aerr_app_info", t["app_info"], on_close))
    for rid, text, action in buttons:
        panel.add(
            Node(
                BUTTON,
                rid,
                text=text,
                bounds=(84, y, 996, y + 150),
                clickable=True,
                focusable=True,
                on_tap=action,
            )
        )
        y += 150
    return Window("android", root, modal=True, dim_behind=True)


def play_store_window(t: Texts) -> Window:
    root = Node(FRAME, bounds=(0, 0, SCREEN_W, SCREEN_H))
    root.add(Node(TEXT, "", text="Instagram", bounds=(300, 300, 1000, 400)))
    root.add(Node(TEXT, "", text="Instagram", desc="Instagram", bounds=(300, 410, 1000, 470)))
    root.add(
        Node(
            BUTTON,
            "",
            text=t["update"],
            bounds=(42, 600, 1038, 730),
            clickable=True,
            focusable=True,
            on_tap=lambda: None,
        )
    )
    return Window(PLAY_STORE, root)
