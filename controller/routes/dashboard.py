"""The ops dashboard: one static page that reads the JSON API with the key the user pastes."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from controller.models import JOB_STATES

router = APIRouter()
PAGE = Path(__file__).resolve().parent.parent / "dashboard.html"
# the page's list of job states is the vocabulary's, not a copy
HTML = PAGE.read_text(encoding="utf-8").replace("/*JOB_STATES*/[]", json.dumps(JOB_STATES))


@router.get("/dashboard", include_in_schema=False)
def dashboard() -> HTMLResponse:
    """Phones, accounts and jobs with their history and failure evidence, refreshed every 5 s.
    The page holds no data: every figure comes from the API, under the user's own key."""
    return HTMLResponse(HTML)
