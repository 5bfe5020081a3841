"""Login, checkpoint ("Confirm it's you"), two-factor code and "Save your login info?"."""

from __future__ import annotations

from emulator.app.base import BAR_BOTTOM, BOTTOM, TOP, Screen, TextField, W, button, text_view
from emulator.app.home import HomeScreen
from emulator.ui import BUTTON, EDIT, FRAME, IMAGE, LINEAR, VIEW, VIEW_GROUP, Node

LOGIN_ACTIVITY = "com.instagram.nux.activity.SignedOutFragmentActivity"
CHALLENGE_ACTIVITY = "com.instagram.challenge.activity.ChallengeActivity"


def field_node(screen: Screen, rid: str, field: TextField, bounds) -> Node:
    return Node(
        EDIT,
        rid,
        text=field.shown(),
        bounds=bounds,
        clickable=True,
        focusable=True,
        focused=screen.app.focus is field,
        long_clickable=True,
        password=field.password,
        on_tap=lambda: screen.app.focus_field(field),
    )


class LoginScreen(Screen):
    name = "login"
    activity = LOGIN_ACTIVITY

    def __init__(self, app) -> None:
        super().__init__(app)
        self.username = TextField(hint=app.texts["username_hint"])
        self.password = TextField(hint=app.texts["password_hint"], password=True)

    def build(self) -> list[Node]:
        if not self.app.legacy:
            return self._build_2025()
        t = self.t
        self.username.hint = t["username_hint"]
        self.password.hint = t["password_hint"]
        form = Node(LINEAR, "login_form", bounds=(0, 600, W, 1600))
        form.add(Node(FRAME, "login_logo", desc="Instagram", bounds=(390, 420, 690, 560)))
        form.add(field_node(self, "login_username", self.username, (63, 700, 1017, 850)))
        form.add(field_node(self, "password", self.password, (63, 880, 1017, 1030)))
        log_in = Node(
            FRAME,
            "log_in_button",
            bounds=(63, 1080, 1017, 1210),
            clickable=True,
            focusable=True,
            on_tap=self.submit,
        )
        log_in.add(Node(BUTTON, "button_text", text=t["log_in"], bounds=(63, 1080, 1017, 1210)))
        form.add(log_in)
        form.add(
            text_view(
                "login_forgot_button",
                t["forgot_password"],
                (300, 1250, 780, 1320),
                on_tap=lambda: None,
            )
        )
        return [
            form,
            button(
                "sign_up_with_email_or_phone",
                t["create_account"],
                (63, 2150, 1017, 2280),
                lambda: None,
            ),
        ]

    def _build_2025(self) -> list[Node]:
        """The 2025 Bloks login form (real dump): no resource-ids at all; each field is a
        clickable ViewGroup with a label View (text and content-desc "Username, email or
        mobile number" / "Password") and an EditText whose content-desc is the label plus a
        comma; "Log in" is a Button with content-desc Log in."""
        t = self.t
        self.username.hint = ""
        self.password.hint = ""
        box = Node(VIEW_GROUP, "", bounds=(48, 542, 1032, 1793), clickable=True)
        lang = Node(
            BUTTON,
            "",
            desc=t["language"],
            bounds=(48, 542, 1032, 607),
            clickable=True,
            on_tap=lambda: None,
        )
        lang.add(
            Node(VIEW, "", text=t["language"], desc=t["language"], bounds=(398, 542, 625, 607))
        )
        box.add(lang)
        box.add(Node(IMAGE, "", desc=t["instagram_from_meta"], bounds=(48, 607, 1032, 787)))
        for field, label, y in (
            (self.username, t["bloks_login_user"], 847),
            (self.password, t["bloks_login_password"], 1062),
        ):
            group = Node(
                VIEW_GROUP,
                "",
                bounds=(48, y, 1032, y + 179),
                clickable=True,
                on_tap=lambda f=field: self.app.focus_field(f),
            )
            if not field.value:
                group.add(Node(VIEW, "", text=label, desc=label, bounds=(96, y + 62, 814, y + 118)))
            edit = field_node(self, "", field, (96, y + 83, 876, y + 142))
            edit.desc = f"{label},"
            group.add(edit)
            box.add(group)
        log_in = Node(
            BUTTON,
            "",
            desc=t["log_in"],
            bounds=(48, 1277, 1032, 1409),
            clickable=True,
            focusable=True,
            on_tap=self.submit,
        )
        log_in.add(
            Node(VIEW, "", text=t["log_in"], desc=t["log_in"], bounds=(474, 1312, 607, 1374))
        )
        box.add(log_in)
        forgot = Node(
            BUTTON,
            "",
            desc=t["forgot_password"],
            bounds=(298, 1445, 782, 1553),
            clickable=True,
            on_tap=lambda: None,
        )
        forgot.add(
            Node(
                VIEW,
                "",
                text=t["forgot_password"],
                desc=t["forgot_password"],
                bounds=(346, 1462, 734, 1536),
            )
        )
        box.add(forgot)
        create = Node(
            BUTTON,
            "",
            desc=t["create_account"],
            bounds=(48, 1553, 1032, 1685),
            clickable=True,
            on_tap=lambda: None,
        )
        create.add(
            Node(
                VIEW,
                "",
                text=t["create_account"],
                desc=t["create_account"],
                bounds=(324, 1588, 756, 1650),
            )
        )
        box.add(create)
        box.add(Node(IMAGE, "", desc=t["meta_logo"], bounds=(450, 1745, 630, 1781)))
        return [box]

    def enter_key(self) -> None:
        if self.app.focus is self.password:
            self.submit()
        elif self.app.focus is self.username:
            self.app.focus_field(self.password)

    def submit(self) -> None:
        self.app.focus = None
        self.app.keyboard_visible = False
        self.app.log_in(self.username.value, self.password.value)

    def back(self) -> bool:
        return False


class ChallengeScreen(Screen):
    """Checkpoint: nothing in the app is reachable until it is resolved elsewhere."""

    name = "challenge"
    activity = CHALLENGE_ACTIVITY

    def __init__(self, app) -> None:
        super().__init__(app)
        self.code = TextField(hint=app.texts["security_code"])

    def build(self) -> list[Node]:
        t = self.t
        box = Node(LINEAR, "", bounds=(0, BAR_BOTTOM, W, BOTTOM))
        box.add(text_view("", t["challenge_title"], (63, 400, 1017, 500)))
        box.add(text_view("", t["challenge_body"], (63, 520, 1017, 720)))
        box.add(field_node(self, "", self.code, (63, 780, 1017, 930)))
        box.add(button("", t["send_code"], (63, 980, 1017, 1110), lambda: None))
        return [box]

    def back(self) -> bool:
        self.app.host.app_to_background()
        return True


class TwoFactorScreen(Screen):
    name = "two_factor"
    activity = LOGIN_ACTIVITY

    def __init__(self, app, username: str) -> None:
        super().__init__(app)
        self.username = username
        self.code = TextField(hint=app.texts["code_hint"])

    def build(self) -> list[Node]:
        t = self.t
        # no real dump of the 2FA prompt: the 2025 layout has no ids (a Bloks page, like the
        # login form); the `two_factor_*` ids only in the legacy layout
        old = self.app.legacy

        def rid(name: str) -> str:
            return name if old else ""

        box = Node(LINEAR, rid("two_factor_container"), bounds=(0, BAR_BOTTOM, W, BOTTOM))
        box.add(text_view(rid("two_factor_title"), t["two_factor_title"], (63, 400, 1017, 540)))
        box.add(text_view(rid("two_factor_body"), t["two_factor_body"], (63, 560, 1017, 680)))
        box.add(field_node(self, rid("two_factor_code_field"), self.code, (63, 740, 1017, 890)))
        box.add(
            button(
                rid("two_factor_confirm_button"), t["confirm"], (63, 940, 1017, 1070), self.confirm
            )
        )
        return [box]

    def confirm(self) -> None:
        if len(self.code.value.strip()) == 6 and self.code.value.strip().isdigit():
            self.app.complete_login(self.username)


class SaveLoginScreen(Screen):
    """Shown once after a successful login."""

    name = "save_login"
    activity = LOGIN_ACTIVITY

    def __init__(self, app, username: str) -> None:
        super().__init__(app)
        self.username = username

    def build(self) -> list[Node]:
        t = self.t
        box = Node(LINEAR, "", bounds=(0, BAR_BOTTOM, W, BOTTOM))
        box.add(text_view("", t["save_login_title"], (63, 700, 1017, 800)))
        box.add(text_view("", t.fmt("save_login_body", user=self.username), (63, 820, 1017, 1000)))
        box.add(button("primary_button", t["save"], (63, 1900, 1017, 2030), self.done))
        box.add(button("auxiliary_button", t["not_now"], (63, 2060, 1017, 2190), self.done))
        return [box]

    def done(self) -> None:
        self.app.replace_all(HomeScreen(self.app))

    def back(self) -> bool:
        self.done()
        return True


BLOCK_ACTIVITY = "com.instagram.bloks.activity.BloksActivity"


class BlockScreen(Screen):
    """An account block as the real app shows it (2025-12 dumps): a Bloks page in
    `bloks_container`, without resource-ids; the words are in text and content-desc of
    View nodes, actions are Buttons with a content-desc. Nothing in the app is reachable
    while it stands; back sends the app to the background."""

    name = "block"
    activity = BLOCK_ACTIVITY

    def __init__(self, app, kind: str) -> None:
        super().__init__(app)
        self.kind = kind
        self.code = TextField(hint=app.texts["captcha_hint"])

    def build(self) -> list[Node]:
        t = self.t
        user = self.app.current or ""
        state = self.app.account
        name = (state.account.full_name.split() or [user])[0] if state is not None else user
        date = "December 26, 2025"
        page = Node(FRAME, "bloks_container", bounds=(0, TOP, W, BOTTOM))
        menu = Node(
            BUTTON,
            "",
            desc=t["menu"],
            bounds=(954, 85, 1059, 193),
            clickable=True,
            on_tap=lambda: None,
        )
        menu.add(Node(VIEW, "", text=" ", bounds=(1032, 115, 1040, 165)))
        page.add(menu)
        lines: list[tuple[str, bool]]  # (words, also as content-desc)
        actions: list[tuple[str, object]]
        if self.kind == "checkpoint_id_upload":
            lines = [(t["id_title"], True), (t["id_body"], True)]
            actions = [(t["id_upload"], None), (t["submit"], None)]
        elif self.kind == "checkpoint_captcha":
            lines = [(t["captcha_title"], True), (t["captcha_help"], True)]
            actions = [(t["next"], None)]
        elif self.kind == "checkpoint_video_selfie":
            lines = [(t["selfie_title"], True), (t["selfie_body"], True)]
            actions = [(t["selfie_start"], None)]
        elif self.kind == "account_disabled":
            lines = [
                (t["disabled_title"], True),
                (t.fmt("disabled_body", user=user), True),
                (t.fmt("disabled_on", date=date), True),
                (t["why"], False),
                (t["what_means"], False),
            ]
            actions = [(t["log_out"], self.app.log_out_current)]
        else:
            lines = [
                (t.fmt("suspended_title", name=name), True),
                (t["suspended_days"], True),
                (t.fmt("suspended_on", date=date), True),
                (t["why"], False),
                (t["what_means"], False),
            ]
            actions = [(t["appeal"], None)]
        y = 300
        for words, with_desc in lines:
            height = 80 if len(words) < 60 else 60 * (1 + len(words) // 45)
            page.add(
                Node(
                    VIEW,
                    "",
                    text=words,
                    desc=words if with_desc else "",
                    bounds=(78, y, 1002, y + height),
                )
            )
            y += height + 20
        if self.kind == "checkpoint_captcha":
            field = field_node(self, "", self.code, (117, y + 60, 963, y + 110))
            page.add(field)
            y += 150
        y = max(y + 60, 2080 - 140 * (len(actions) - 1))
        for words, action in actions:
            b = Node(
                BUTTON,
                "",
                desc=words,
                bounds=(39, y, 1041, y + 115),
                clickable=True,
                focusable=True,
                on_tap=action or (lambda: None),
            )
            b.add(Node(VIEW, "", text=words, bounds=(400, y + 33, 680, y + 83)))
            page.add(b)
            y += 140
        return [page]

    def back(self) -> bool:
        self.app.host.app_to_background()
        return True
