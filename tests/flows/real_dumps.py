"""Where the real Instagram dumps live (`../shared/ig-real/dumps`, beside the checkout), and
how tests read them. In CI the folder must be there; in a plain clone without it, the tests
that need it skip with one line saying so."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import pytest

REAL_ROOT = Path(__file__).resolve().parents[2].parent / "shared" / "ig-real"
REAL_DUMPS = REAL_ROOT / "dumps"
# dumps taken from a cloned app: the package it runs under on that phone
CLONED_PACKAGES = {"story_editor_share_bar_1080w_1": "com.instagram.androim"}


def require_real_dumps() -> Path:
    """The dumps folder; skips the test (fails it when `CI` is set) when it is missing."""
    if not REAL_DUMPS.is_dir():
        message = f"real Instagram dumps not found at {REAL_DUMPS} (shared/ig-real beside the repo)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return REAL_DUMPS


def real_dump_names() -> list[str]:
    """Every dump's name (without .xml); empty when the folder is missing."""
    if not REAL_DUMPS.is_dir():
        return []
    return sorted(p.stem for p in REAL_DUMPS.glob("*.xml"))


@cache
def real_dump(name: str) -> str:
    return (require_real_dumps() / f"{name}.xml").read_text(encoding="utf-8")
