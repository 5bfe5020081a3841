"""The one registry of error codes: complete, documented, and the only home of its policy."""

from __future__ import annotations

import re
from pathlib import Path

from farmcore import codes
from farmcore.vocab import AccountState
from flows.errors import ERROR_KINDS, FlowError
from media.errors import ERROR_CODES, MediaError

ROOT = Path(__file__).resolve().parent.parent


def test_docs_table_is_generated_from_the_registry() -> None:
    page = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    assert page == codes.markdown(), "run: python -m farmcore.codes > docs/errors.md"


def test_every_code_the_controller_raises_is_registered() -> None:
    raised = set()
    for path in (ROOT / "controller").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        raised |= set(re.findall(r'ApiError\(\s*\d{3},\s*"([a-z_]+)"', text))
        raised |= {f"{w}_not_found" for w in re.findall(r'not_found\(\s*"([a-z]+)"', text)}
    known = set(codes.API_CODES) | set(codes.MEDIA_CODES)
    assert raised - known == set()


def test_flows_and_media_read_their_domain_of_the_registry() -> None:
    assert ERROR_KINDS is codes.FLOW_CODES
    assert ERROR_CODES is codes.MEDIA_CODES
    assert FlowError("auth_challenge_required", "x").account_level
    assert MediaError("processing_timeout", "x").retryable


def test_account_level_codes_name_the_state_they_hold() -> None:
    held = {c.code: c.holds_account for c in codes.FLOW if c.account_level}
    assert held["auth_challenge_required"] == AccountState.CHALLENGE
    assert held["auth_wrong_password"] == AccountState.NEEDS_AUTH
    assert held["checkpoint_required"] == AccountState.CHALLENGE
    assert held["account_disabled"] == held["account_suspended"] == AccountState.DISABLED
    assert all(
        state in (AccountState.NEEDS_AUTH, AccountState.CHALLENGE, AccountState.DISABLED)
        for state in held.values()
    )
    assert codes.account_state_for("ui_unrecognized") is None
    assert codes.account_state_for(None) is None
