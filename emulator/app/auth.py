"""Login, checkpoint ("Confirm it's you"), two-factor code and "Save your login info?"."""

from __future__ import annotations

from emulator.app.base import BAR_BOTTOM, BOTTOM, Screen, TextField, W, button, text_view
from emulator.app.home import HomeScreen
from emulator.ui import BUTTON, EDIT, FRAME, LINEAR, Node

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
        box = Node(LINEAR, "two_factor_container", bounds=(0, BAR_BOTTOM, W, BOTTOM))
        box.add(text_view("two_factor_title", t["two_factor_title"], (63, 400, 1017, 540)))
        box.add(text_view("two_factor_body", t["two_factor_body"], (63, 560, 1017, 680)))
        box.add(field_node(self, "two_factor_code_field", self.code, (63, 740, 1017, 890)))
        box.add(
            button("two_factor_confirm_button", t["confirm"], (63, 940, 1017, 1070), self.confirm)
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
