"""The login flow against the simulated phone, in English and Spanish.

The password must never leave the password field: not in a FlowError (message, str, evidence
XML), not in FlowStats, not in a log line — also when a dump shows the typed text.
"""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

import pytest

from emulator.accounts import SimAccount
from emulator.faults import FaultPlan
from emulator.phone import SimPhone
from flows import FlowError, login
from flows.login import redact_xml
from tests.flows.sim import POLL_S, new_phone

LOCALES = ["en", "es"]
USER = "new_brand"
SECRET = "Tr0ub4dor&3-horse"
IG = "com.instagram.android"
SECRET_XML = escape(SECRET, {'"': "&quot;"})  # as a dump writes it


class Recording:
    """A SimPhone seen through the Driver protocol, recording what was typed and tapped."""

    def __init__(self, phone: SimPhone) -> None:
        self.phone = phone
        self.serial = phone.serial
        self.typed: list[str] = []
        self.taps = 0

    def __getattr__(self, name: str):
        return getattr(self.phone, name)

    def type_text(self, text: str) -> None:
        self.typed.append(text)
        self.phone.type_text(text)

    def tap(self, x: int, y: int) -> None:
        self.taps += 1
        self.phone.tap(x, y)


class LeakyDump(Recording):
    """A phone whose dumps show the typed password in clear (seen on some Android builds)."""

    leaks = 0

    def dump_hierarchy(self) -> str:
        # the password field: by its id (older builds) or, on the Bloks form, by password="true"
        xml, n = re.subn(
            r'text="•+"((?: resource-id="[^"]*:id/password")|[^>]*password="true")',
            lambda m: f'text="{SECRET_XML}"{m.group(1)}',
            self.phone.dump_hierarchy(),
        )
        self.leaks += n
        return xml


def phone_for(
    locale: str = "en",
    *,
    others: tuple[str, ...] = (),
    faults: FaultPlan | None = None,
    layout: str = "2025",
    **account: object,
) -> SimPhone:
    accounts = [SimAccount(u) for u in others]
    accounts.append(SimAccount(USER, password=SECRET, logged_in=False, **account))  # type: ignore[arg-type]
    return new_phone(locale, faults, accounts=accounts, layout=layout)


def run(driver, username: str = USER, password: str = SECRET, **kw):
    return login(driver, username, password, poll_s=POLL_S, deadline_s=20, **kw)


def failure(driver, username: str = USER, password: str = SECRET) -> FlowError:
    with pytest.raises(FlowError) as info:
        run(driver, username, password)
    return info.value


def assert_no_secret(err: FlowError, secret: str = SECRET) -> None:
    assert secret not in err.message
    assert secret not in str(err)
    assert all(secret not in str(a) for a in err.args)
    assert secret not in repr(err)
    assert err.__cause__ is None and err.__context__ is None
    xml = err.evidence.hierarchy_xml
    assert xml, "evidence must hold the last screen"
    assert secret not in xml and escape(secret) not in xml
    root = ET.fromstring(xml)
    for node in root.iter():
        if node.get("password") == "true":
            assert node.get("text", "") == "", "password fields are blanked in evidence"


def active(phone: SimPhone) -> str | None:
    return phone.state()["current_account"]


# -- success ---------------------------------------------------------------------------------
@pytest.mark.parametrize("layout", ["2025", "legacy"])  # the Bloks form, the id-based one
@pytest.mark.parametrize("locale", LOCALES)
def test_login_from_the_logged_out_app(locale: str, layout: str) -> None:
    phone = phone_for(locale, layout=layout)
    driver = Recording(phone)
    stats = run(driver)
    assert active(phone) == USER
    assert phone.current_screen() == "home"
    assert stats.screens[0] == "login" and stats.screens[-1] == "home_feed"
    assert "save_login" in stats.screens  # "Save your login info?" closed with Not now
    assert driver.typed == [USER, SECRET]  # each field once, the password into its own field
    assert SECRET not in repr(stats)
    assert phone.published() == []


@pytest.mark.parametrize("locale", LOCALES)
def test_login_when_another_account_is_active(locale: str) -> None:
    phone = phone_for(locale, others=("brand_one",))
    assert active(phone) == "brand_one"
    driver = Recording(phone)
    stats = run(driver)
    assert active(phone) == USER
    assert phone.state()["accounts"] == ["brand_one", USER]  # added, the other one kept
    assert phone.current_screen() == "home"
    assert "account_switcher" in stats.screens  # through Add account
    assert driver.typed == [USER, SECRET]


@pytest.mark.parametrize("locale", LOCALES)
def test_logged_in_account_is_switched_to_without_typing(locale: str) -> None:
    phone = new_phone(locale, accounts=[SimAccount("brand_one"), SimAccount("brand_two")])
    driver = Recording(phone)
    stats = run(driver, "brand_two", "unused")
    assert active(phone) == "brand_two"
    assert driver.typed == []
    assert "login" not in stats.screens
    assert phone.current_screen() == "home"


def test_already_active_account_is_a_no_op() -> None:
    phone = new_phone(accounts=[SimAccount("brand_one"), SimAccount("brand_two")])
    driver = Recording(phone)
    stats = run(driver, "brand_one", "unused")
    assert active(phone) == "brand_one"
    assert driver.typed == []
    assert driver.taps <= 2  # the profile tab, to read who is active, and back home
    assert stats.dumps <= 3
    assert phone.state()["accounts"] == ["brand_one", "brand_two"]
    assert phone.current_screen() == "home"
    again = run(driver, "brand_one", "unused")
    assert "login" not in again.screens and driver.typed == []


def test_login_brings_the_app_to_front() -> None:
    phone = phone_for()
    phone.press_key("home")
    stats = run(phone)
    assert stats.screens[0] == "wrong_app"
    assert active(phone) == USER


def test_expired_session_is_restored() -> None:
    phone = new_phone(
        accounts=[SimAccount(USER, password=SECRET)],
        faults=FaultPlan.script([("logged_out", "home")]),
    )
    run(phone)
    assert active(phone) == USER
    assert phone.current_screen() == "home"


@pytest.mark.parametrize(
    "fault", [("popup_notifications", "login"), ("popup_save_login", "home"), ("slow_screen",)]
)
def test_interruptions_on_the_way_are_handled(fault: tuple[str, ...]) -> None:
    phone = phone_for(faults=FaultPlan.script([fault]))
    run(phone)
    assert active(phone) == USER
    assert phone.faults.fired, "the fault must have fired"


def test_text_left_on_the_form_restarts_the_app_once() -> None:
    phone = phone_for()
    failure(phone, password="not-it")  # the form keeps the username and a masked password
    driver = Recording(phone)
    stats = run(driver)
    assert active(phone) == USER
    assert driver.typed == [USER, SECRET]  # never appended to the leftover text
    assert stats.screens.count("login") >= 4


# -- failures --------------------------------------------------------------------------------
@pytest.mark.parametrize("locale", LOCALES)
def test_wrong_password(locale: str) -> None:
    phone = phone_for(locale)
    driver = Recording(phone)
    err = failure(driver, password="Wrong-Secret-42")
    assert err.code == "auth_wrong_password"
    assert err.account_level and not err.retryable
    assert USER in err.message
    assert driver.typed == [USER, "Wrong-Secret-42"]  # one attempt, never retried
    assert_no_secret(err, "Wrong-Secret-42")
    assert phone.current_screen() == "login"  # "Incorrect Password" closed with Try Again
    assert active(phone) is None


@pytest.mark.parametrize("locale", LOCALES)
def test_wrong_password_with_the_stored_password(locale: str) -> None:
    phone = phone_for(locale, faults=FaultPlan.script(["wrong_password"]))
    err = failure(phone)
    assert err.code == "auth_wrong_password"
    assert_no_secret(err)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("how", ["account", "fault"])
def test_two_factor(locale: str, how: str) -> None:
    if how == "account":
        phone = phone_for(locale, two_factor=True)
    else:
        phone = phone_for(locale, faults=FaultPlan.script(["two_factor"]))
    err = failure(phone)
    assert err.code == "auth_two_factor_enabled"
    assert_no_secret(err)
    assert phone.current_screen() == "two_factor"  # no code is ever typed


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("how", ["account", "fault"])
def test_challenge(locale: str, how: str) -> None:
    if how == "account":
        phone = phone_for(locale, challenge=True)
    else:
        phone = phone_for(locale, faults=FaultPlan.script([("challenge", "login")]))
    err = failure(phone)
    assert err.code == "auth_challenge_required"
    assert_no_secret(err)


def test_challenged_account_in_the_switcher() -> None:
    phone = new_phone(accounts=[SimAccount("brand_one"), SimAccount(USER, challenge=True)])
    err = failure(phone)
    assert err.code == "auth_challenge_required"


def test_unknown_dialog_over_the_form_is_unrecognized() -> None:
    # five accounts already: the app answers Log in with an account-limit dialog
    phone = phone_for(others=("a_one", "a_two", "a_three", "a_four", "a_five"))
    err = failure(phone)
    assert err.code == "ui_unrecognized"
    assert_no_secret(err)
    assert active(phone) == "a_one"


def test_empty_password_fails_before_touching_the_phone() -> None:
    phone = phone_for()
    before = phone.dump_count
    err = failure(phone, password="")
    assert err.code == "auth_wrong_password"
    assert phone.dump_count == before


# -- the secret stays secret -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("fault", "code"),
    [
        ("wrong_password", "auth_wrong_password"),
        ("two_factor", "auth_two_factor_enabled"),
        ("challenge", "auth_challenge_required"),
    ],
)
def test_password_shown_in_a_dump_is_blanked_in_evidence(fault: str, code: str) -> None:
    phone = phone_for(faults=FaultPlan.script([(fault, "login")]))
    driver = LeakyDump(phone)
    err = failure(driver)
    assert err.code == code
    assert driver.leaks > 0 or fault != "wrong_password"
    assert_no_secret(err)
    if fault == "wrong_password":  # the dialog is over the form: its password field is there
        assert 'password="true"' in (err.evidence.hierarchy_xml or "")


def test_password_in_clear_on_the_form_is_never_in_an_error() -> None:
    # the leaky dump shows the password in clear: the flow cannot check the field's length,
    # and an unknown dialog then stops it with the form (and the secret) on screen
    phone = phone_for(others=("a_one", "a_two", "a_three", "a_four", "a_five"))
    driver = LeakyDump(phone)
    err = failure(driver)
    assert err.code == "ui_unrecognized"
    assert driver.leaks > 0
    assert_no_secret(err)


def test_driver_error_while_typing_does_not_carry_the_password() -> None:
    class Broken(Recording):
        def type_text(self, text: str) -> None:
            raise ConnectionError(f"adb: failed to send {text!r}")

    phone = phone_for()
    err = failure(Broken(phone))
    assert err.code == "device_offline"
    assert SECRET not in err.message and SECRET not in str(err)
    assert err.__cause__ is None and err.__context__ is None


def test_no_log_line_holds_the_password(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    run(phone_for(faults=FaultPlan.script([("popup_notifications", "login")])))
    failure(phone_for(faults=FaultPlan.script(["wrong_password"])))
    assert caplog.records
    for record in caplog.records:
        assert SECRET not in record.getMessage()


def test_redact_xml() -> None:
    xml = (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>"
        '<hierarchy rotation="0">'
        f'<node text="{SECRET_XML}" resource-id="{IG}:id/password" password="true" />'
        f'<node text="hello {SECRET_XML}" content-desc="{SECRET_XML}" password="false" />'
        '<node text="keep me" password="false" />'
        "</hierarchy>"
    )
    out = redact_xml(xml, SECRET)
    assert out is not None and SECRET not in out
    assert out.startswith("<?xml")
    nodes = list(ET.fromstring(out).iter("node"))
    assert nodes[0].get("text") == ""
    assert nodes[1].get("text") == "hello [redacted]"
    assert nodes[2].get("text") == "keep me"
    assert nodes[1].get("content-desc") == "[redacted]"
    assert redact_xml(f"<broken {SECRET} {SECRET_XML}", SECRET) == "<broken [redacted] [redacted]"
    assert redact_xml(None, SECRET) is None


# -- hand-written dumps ----------------------------------------------------------------------
def test_unknown_screen_is_unrecognized_without_a_tap(replay) -> None:
    driver = replay("unknown")
    err = failure(driver)
    assert err.code == "ui_unrecognized"
    assert driver.actions() == []


def test_a_field_that_does_not_take_text_fails(replay) -> None:
    driver = replay("login")  # the form never changes, whatever is typed
    err = failure(driver)
    assert err.code == "ui_unrecognized"
    assert [a for a in driver.actions() if a[0] == "type"] == [("type", USER), ("type", USER)]
    assert_no_secret(err)
