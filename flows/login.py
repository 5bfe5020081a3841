"""The login flow: make `username` the active account, logging in with its password if needed.

1. `LogIn` — Instagram in front; then, by what the app shows:
   - the own profile of `username` (reached from the feed): nothing to do;
   - the account switcher lists `username`: switch to it (`flows.account.EnsureAccount`, the
     intention behind `switch_account`);
   - logged in as someone else: switcher → "Add account" (→ "Log into existing account" on
     builds that ask) → the login form;
   - the login form (logged out, or reached as above): type the username, then the password,
     one field per look, then tap Log in once.
2. After a login: `EnsureAccount` (the own profile shows `username`).
3. `GoHome` — every run ends on the home feed of `username`.

Failures: "Incorrect Password" → `auth_wrong_password`; checkpoint → `auth_challenge_required`;
two-factor code screen → `auth_two_factor_enabled`; anything unknown → `ui_unrecognized`.

The password is a secret: it is typed into the password field and nowhere else. It never goes
into a message, a log line or `FlowStats`; evidence XML attached to a `FlowError` has the text
of every `password="true"` node blanked and any other occurrence of the password redacted.
"""

from __future__ import annotations

import dataclasses
import logging
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

from flows.account import STALE_DIALOGS, EnsureAccount, same_user
from flows.driver import INSTAGRAM_PACKAGE, Driver
from flows.engine import Engine, Outcome, Screen
from flows.errors import Evidence, FlowError
from flows.hierarchy import Node
from flows.publish import keyboard_top
from flows.request import FlowStats
from flows.screens import SCREENS, SCREENS_BY_NAME
from flows.selectors import text_is

log = logging.getLogger(__name__)

REDACTED = "[redacted]"
_QUOTES = {'"': "&quot;", "'": "&apos;"}
# how Android reports a password field's text: one mask character per typed character
MASK_CHARS = frozenset("•●*\u2022\u25cf")
MAX_SUBMIT_POLLS = 5  # looks at a login form that stays after Log in (the app may be busy)
MAX_RESTARTS = 1  # app restarts to get an empty form when it holds text we cannot clear
MAX_TAPS_PER_BUTTON = 2
LANDING_SCREENS = frozenset({"home_feed", "uploading", "upload_failed", "profile"})
FEED_SCREENS = frozenset({"home_feed", "uploading", "upload_failed"})

# The login form is a failure screen (`auth_login_required`) for every other flow; here it is
# the screen the flow works on.
LOGIN_FORM = dataclasses.replace(
    SCREENS_BY_NAME["logged_out"], name="login", kind="flow", code=None, dismiss=()
)

# what `LogIn.result` says happened
ACTIVE = "already_active"
SWITCHED = "switched"
LOGGED_IN = "logged_in"


# -- keeping the secret out of errors --------------------------------------------------------
def redact_text(text: str, secret: str) -> str:
    return text.replace(secret, REDACTED) if secret and text else text


def redact_xml(xml: str | None, secret: str) -> str | None:
    """The dump with the text of every password field blanked and the secret redacted."""
    if not xml:
        return xml
    try:
        root = ET.fromstring(xml)
    except ET.ParseError:  # not XML: keep it, minus the secret, plain or escaped
        return redact_text(redact_text(xml, secret), escape(secret, _QUOTES))
    for elem in root.iter():
        if elem.get("password") == "true" and elem.get("text"):
            elem.set("text", "")
        if secret:
            for key, value in list(elem.attrib.items()):
                if secret in value:
                    elem.set(key, value.replace(secret, REDACTED))
    out = ET.tostring(root, encoding="unicode")
    if xml.lstrip().startswith("<?xml"):
        out = xml.lstrip().split("?>", 1)[0] + "?>\n" + out
    return redact_text(out, secret)


# what a person reads for the account-level outcomes (the engine's message says where)
AUTH_MESSAGES = {
    "auth_wrong_password": "Instagram refused the username or password of {user}",
    "auth_challenge_required": "Instagram asks to confirm it's {user} (checkpoint)",
    "auth_two_factor_enabled": "two-factor login is on for {user}: turn it off",
}


def redact_error(err: FlowError, secret: str, username: str = "") -> FlowError:
    """A copy of the error that cannot leak the secret (no cause or context chained)."""
    evidence = Evidence(
        screenshot_png=err.evidence.screenshot_png,
        hierarchy_xml=redact_xml(err.evidence.hierarchy_xml, secret),
    )
    message = err.message
    if err.code in AUTH_MESSAGES:
        message = f"{AUTH_MESSAGES[err.code].format(user=repr(username))} ({message})"
    return FlowError(err.code, redact_text(message, secret), evidence, err.after_point_of_no_return)


# -- reading the login form ------------------------------------------------------------------
def field_value(node: Node, hint_key: str) -> str:
    """What a text field holds; "" when it shows its hint (Android reports the hint as text)."""
    text = node.text or ""
    if not text.strip() or text == node.hint or text_is(text, hint_key):
        return ""
    return text


def masked_length(value: str) -> int | None:
    """Length of a masked password field's text, None when the text is not a mask."""
    return len(value) if value and set(value) <= MASK_CHARS else None


def covered_by_dialog(screen: Screen) -> bool:
    """An Instagram window drawn over the login form (a dialog the screen table does not know:
    known ones are classified before the form)."""
    field = screen.find("login_username") or screen.find("login_password")
    if field is None:
        return False
    root = field
    while root.parent is not None:
        root = root.parent
    roots = [n for n in screen.ui.nodes if n.parent is None]
    later = roots[next(i for i, n in enumerate(roots) if n is root) + 1 :]
    return any(n.package == INSTAGRAM_PACKAGE for n in later)


class LoginEngine(Engine):
    """The engine, with the login form as a flow screen and secret-free evidence."""

    def __init__(
        self,
        driver: Driver,
        secret: str,
        *,
        deadline_s: float,
        step_budget: int,
        poll_s: float,
        settle_s: float,
    ) -> None:
        super().__init__(
            driver,
            deadline_s=deadline_s,
            step_budget=step_budget,
            poll_s=poll_s,
            settle_s=settle_s,
        )
        self._secret = secret

    def read(self) -> Screen:
        screen = super().read()
        if screen.spec.name != "logged_out":
            return screen
        # a known dialog over the form (the form comes before interruptions in the table)
        spec = next(
            (s for s in SCREENS if s.kind == "interrupt" and s.matches(screen.ui)), LOGIN_FORM
        )
        self.stats.screens[-1] = spec.name
        return Screen(spec, screen.ui)

    def evidence(self) -> Evidence:
        evidence = super().evidence()
        evidence.hierarchy_xml = redact_xml(evidence.hierarchy_xml, self._secret)
        return evidence


# -- intentions ------------------------------------------------------------------------------
class LogIn:
    """Goal: `username` is the active account — found active, switched to, or logged in."""

    name = "logging in"
    tolerates = STALE_DIALOGS

    def __init__(self, username: str, password: str) -> None:
        self.username = username
        self._password = password
        self.account = EnsureAccount(username)
        self.result: str | None = None
        self.switching = False
        self.restarts = 0
        self._reset()

    def __repr__(self) -> str:
        return f"LogIn({self.username!r})"

    def _reset(self) -> None:
        """Forget what was done on the form (a restarted app shows a new one)."""
        self.add_taps = 0
        self.existing_taps = 0
        self.typed_username = 0
        self.typed_password = 0
        self.keyboard_backs = 0
        self.submitted = False
        self.polls = 0

    def step(self, engine: Engine, screen: Screen) -> Outcome:
        name = screen.name
        if name == LOGIN_FORM.name:
            return self._form(engine, screen)
        if self.submitted and name in LANDING_SCREENS:
            self.result = LOGGED_IN
            return Outcome.DONE
        if name == "add_account_sheet":
            self.existing_taps += 1
            if self.existing_taps > MAX_TAPS_PER_BUTTON:
                raise engine.unexpected(screen, "opening the login form")
            if not engine.tap_element(screen, "log_into_existing"):
                raise engine.unexpected(screen, "looking for Log into existing account")
            return Outcome.CONTINUE
        if name == "account_switcher":
            rows = screen.find_all("account_row")
            if any(same_user(r.text or r.content_desc, self.username) for r in rows):
                self.switching = True  # EnsureAccount taps the row
                return self._account_step(engine, screen)
            self.add_taps += 1
            if self.add_taps > MAX_TAPS_PER_BUTTON:
                raise engine.unexpected(screen, "opening the login form with Add account")
            if not engine.tap_element(screen, "add_account"):
                raise engine.unexpected(screen, "looking for Add account in the switcher")
            return Outcome.CONTINUE
        return self._account_step(engine, screen)

    def _account_step(self, engine: Engine, screen: Screen) -> Outcome:
        """Feed, profile, leftovers of a creation: `EnsureAccount` knows them."""
        outcome = self.account.step(engine, screen)
        if outcome is Outcome.DONE:
            self.result = SWITCHED if self.switching else ACTIVE
        return outcome

    def _form(self, engine: Engine, screen: Screen) -> Outcome:
        if covered_by_dialog(screen):
            raise engine.fail("ui_unrecognized", "an unknown dialog is over the login form")
        user = screen.find("login_username")
        secret = screen.find("login_password")
        button = screen.find("login_button")
        if user is None or secret is None or button is None:
            raise engine.unexpected(screen, "reading the login form")
        if self.submitted:
            # Log in was tapped, the form stays and no known answer shows: the app may be busy
            self.polls += 1
            if self.polls > MAX_SUBMIT_POLLS:
                raise engine.fail(
                    "ui_unrecognized", "still on the login form after Log in, no known answer"
                )
            return Outcome.WAIT
        shown_user = field_value(user, "username_hint")
        shown_secret = field_value(secret, "password_hint")
        user_ok = bool(shown_user) and same_user(shown_user, self.username)
        length = masked_length(shown_secret)
        stale = (
            bool(shown_user and not user_ok)
            or bool(shown_secret and not self.typed_password)
            or (length is not None and length != len(self._password))
        )
        if stale:  # text of an earlier attempt: the driver cannot clear a field
            return self._restart(engine, screen)
        if not user_ok:
            if self.typed_username >= 2:
                raise engine.fail("ui_unrecognized", "the username field does not take text")
            self.typed_username += 1
            engine.tap(user)
            engine.type_text(self.username)
            return Outcome.CONTINUE
        if not shown_secret:
            if self.typed_password >= 2:
                raise engine.fail("ui_unrecognized", "the password field does not take text")
            self.typed_password += 1
            engine.tap(secret)
            engine.type_text(self._password)
            return Outcome.CONTINUE
        kb_top = keyboard_top(screen)
        if kb_top is not None and button.bounds.bottom > kb_top:
            # the keyboard covers Log in: a tap there would type, not log in
            self.keyboard_backs += 1
            if self.keyboard_backs > MAX_TAPS_PER_BUTTON:
                raise engine.unexpected(screen, "hiding the keyboard over Log in")
            engine.press("back")
            return Outcome.CONTINUE
        engine.tap(button)
        self.submitted = True
        return Outcome.CONTINUE

    def _restart(self, engine: Engine, screen: Screen) -> Outcome:
        """Force-stop and relaunch the app: a new login form has empty fields."""
        if self.restarts >= MAX_RESTARTS:
            raise engine.fail("ui_unrecognized", "the login form holds text the flow cannot clear")
        self.restarts += 1
        log.info("login form of %s holds leftover text: restarting the app", self.username)
        out = ""
        try:
            out = engine.shell(f"am force-stop {INSTAGRAM_PACKAGE}") or ""
        except FlowError:
            raise
        except Exception as exc:  # a backend without `am`: use the driver's own call
            out = f"Error: {exc}"
        if "error" in out.lower() or "exception" in out.lower():
            engine.driver.app_stop(INSTAGRAM_PACKAGE)
        engine.relaunch()
        self._reset()
        return Outcome.CONTINUE


class GoHome:
    """Goal: the home feed is on screen."""

    name = "going to the home feed"
    tolerates = STALE_DIALOGS

    def __init__(self) -> None:
        self.taps = 0

    def step(self, engine: Engine, screen: Screen) -> Outcome:
        if screen.name in FEED_SCREENS:
            return Outcome.DONE
        self.taps += 1
        if self.taps > MAX_TAPS_PER_BUTTON or not engine.tap_element(screen, "feed_tab"):
            raise engine.unexpected(screen, self.name)
        return Outcome.CONTINUE


def login(
    driver: Driver,
    username: str,
    password: str,
    *,
    deadline_s: float = 90,
    step_budget: int = 30,
    poll_s: float = 1.0,
    settle_s: float = 0.0,
) -> FlowStats:
    """Make `username` the active account, logging in with `password` when it is not among
    the app's accounts. Returns the cost; raises FlowError (never mentioning the password).

    Ends on the home feed of `username` (after a login, the own profile is checked first).
    The password is typed into the password field only.
    """
    if not username.strip() or not password:
        raise FlowError("auth_wrong_password", f"no username or password stored for {username!r}")
    engine = LoginEngine(
        driver,
        password,
        deadline_s=deadline_s,
        step_budget=step_budget,
        poll_s=poll_s,
        settle_s=settle_s,
    )
    error: FlowError | None = None
    try:
        intention = LogIn(username, password)
        engine.run(intention)
        if intention.result == LOGGED_IN:
            engine.run(EnsureAccount(username))  # the app is logged in as that user
        engine.run(GoHome())
        log.info("login of %s: %s", username, intention.result)
    except FlowError as err:
        error = redact_error(err, password, username)
    except Exception as exc:  # never let a driver's own error carry the password out
        error = FlowError(
            "internal_error",
            redact_text(f"{type(exc).__name__}: {exc}", password),
            engine.evidence(),
        )
    if error is not None:
        raise error  # raised outside the handler: no chained exception keeps the original
    return engine.stats


__all__ = ["LOGIN_FORM", "GoHome", "LogIn", "login", "redact_xml"]
