"""The ops dashboard: one static page that reads the JSON API with the key the user pastes."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

router = APIRouter()
PAGE = Path(__file__).resolve().parent.parent / "dashboard.html"


@router.get("/dashboard", include_in_schema=False)
def dashboard() -> FileResponse:
    """Phones, accounts and jobs with their history and failure evidence, refreshed every 5 s.
    The page holds no data: every figure comes from the API, under the user's own key."""
    return FileResponse(PAGE, media_type="text/html")
